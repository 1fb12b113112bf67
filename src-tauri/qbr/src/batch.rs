//! Many decks at once: one file per account into a folder, each written
//! whole or not at all (a temporary file renamed into place), with progress,
//! Cancel, and a report of what was skipped and why.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use steward_core::error::{Error, Result};
use steward_core::progress::{CancelToken, Progress, ProgressSink};

use crate::slides::SlideKind;
use crate::{build, pptx};
use steward_core::say;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Written {
    #[ts(type = "number")]
    pub account_id: i64,
    pub account: String,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub slides: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Skipped {
    pub account: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Report {
    pub written: Vec<Written>,
    pub skipped: Vec<Skipped>,
    /// Cancelled before every deck was written; those written stay.
    pub cancelled: bool,
}

/// A file name from an account's name that every desktop system accepts:
/// "Acme, Inc. QBR 2026-12-02.pptx".
pub fn file_name(account: &str, day: NaiveDate, extension: &str) -> String {
    let mut name: String = account
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| c == '.' || c == ' ');
    let name: String = name.chars().take(80).collect();
    let name = if name.is_empty() {
        "Account".to_string()
    } else {
        name
    };
    format!("{name} QBR {day}.{extension}")
}

/// Writes `bytes` to `path` whole: into a temporary file beside it, then
/// renamed over it, so a crash leaves the old file or the new one.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.part",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(
                say!(
                    "Cannot write {}",
                    "{} kann nicht geschrieben werden",
                    path.display()
                ),
                e,
            )
        })
}

/// One deck per (account id, name) as of `day` into `dir`, each with the
/// choices kept with its planned QBR.
pub fn write_decks(
    conn: &Connection,
    accounts: &[(i64, String)],
    day: NaiveDate,
    dir: &Path,
    look: &crate::Look,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<Report> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(
            say!(
                "Cannot create {}",
                "{} kann nicht angelegt werden",
                dir.display()
            ),
            e,
        )
    })?;
    let mut report = Report::default();
    let total = accounts.len() as u64;
    for (k, (id, name)) in accounts.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        progress(Progress {
            phase: say!("Writing {name}", "{name} wird geschrieben"),
            done: k as u64,
            total: Some(total),
        });
        // The choices kept with the QBR, if the CSM prepared it.
        let kept = crate::prep::saved(conn, *id)?.unwrap_or_default();
        let deck = match build(conn, *id, kept.as_of.unwrap_or(day), &kept.compose()) {
            Ok(d) => d,
            Err(e) => {
                report.skipped.push(Skipped {
                    account: name.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        // A deck of a title and a summary of nothing is no review.
        let with_data = deck
            .slides
            .iter()
            .filter(|s| !matches!(s.kind, SlideKind::Title | SlideKind::Summary))
            .count();
        if with_data == 0 {
            report.skipped.push(Skipped {
                account: name.clone(),
                reason: "nothing recorded for the period: no usage, milestones, tickets, surveys or renewal".into(),
            });
            continue;
        }
        let path = dir.join(file_name(name, day, "pptx"));
        let bytes = pptx(&deck, look, Utc::now())?;
        match write_whole(&path, &bytes) {
            Ok(()) => report.written.push(Written {
                account_id: *id,
                account: name.clone(),
                path: path.display().to_string(),
                bytes: bytes.len() as u64,
                slides: deck.slides.len() as u32,
            }),
            Err(e) => report.skipped.push(Skipped {
                account: name.clone(),
                reason: e.to_string(),
            }),
        }
    }
    progress(Progress {
        phase: say!("Done", "Fertig"),
        done: (report.written.len() + report.skipped.len()) as u64,
        total: Some(total),
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_everywhere() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).expect("day");
        assert_eq!(
            file_name("Acme, Inc.", d, "pptx"),
            "Acme, Inc QBR 2026-12-02.pptx"
        );
        assert_eq!(
            file_name("R&D / EMEA: \"North\"", d, "pptx"),
            "R&D - EMEA- -North- QBR 2026-12-02.pptx"
        );
        assert_eq!(file_name("..", d, "md"), "Account QBR 2026-12-02.md");
        assert_eq!(
            file_name("a\u{0}b\nc", d, "pptx"),
            "a b c QBR 2026-12-02.pptx"
        );
    }
}
