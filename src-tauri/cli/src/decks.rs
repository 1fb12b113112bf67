//! `steward qbr`: an account's QBR deck as PowerPoint (with a PDF and a
//! Markdown brief on request), or one deck per QBR planned within a window.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use steward_core::progress::CancelToken;
use steward_core::{say, store, Error};

use crate::{end_progress, print_progress, CliError};

#[derive(clap::Args)]
pub(crate) struct QbrArgs {
    /// The account: its id or name (or a part of the name that only it has).
    account: Option<String>,
    /// The deck to write (default: "<Account> QBR <day>.pptx" here).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the deck's text as Markdown to this file.
    #[arg(long)]
    brief: Option<PathBuf>,
    /// Also write a PDF beside the deck (rendered by LibreOffice).
    #[arg(long)]
    pdf: bool,
    /// Read the book as it was on this day (YYYY-MM-DD; default today).
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Every QBR planned within this window: "30d", "6w" or days.
    #[arg(long)]
    due_within: Option<String>,
    /// Where --due-within writes its decks.
    #[arg(long, default_value = ".")]
    out_dir: PathBuf,
    /// Accent colour of the deck, six hex digits (default: the branding
    /// kept in the portfolio, else Steward's).
    #[arg(long)]
    accent: Option<String>,
}

pub(crate) fn run(data_dir: &Path, today: NaiveDate, args: QbrArgs) -> Result<(), CliError> {
    let QbrArgs {
        account,
        out,
        brief,
        pdf,
        as_of,
        due_within,
        out_dir,
        accent,
    } = args;
    let conn = store::open_in(data_dir)?;
    let day = as_of.unwrap_or(today);
    let mut look = steward_qbr::Look::of(&conn)?;
    if let Some(accent) = accent {
        look.accent = accent;
    }
    match (account, due_within) {
        (Some(text), None) => {
            let id = steward_core::account::find(&conn, &text)?;
            let deck = steward_qbr::build(&conn, id, day, &steward_qbr::Choices::default())?;
            let name: String = conn.query_row("SELECT name FROM accounts WHERE id = ?1", [id], |r| r.get(0))?;
            let out = out.unwrap_or_else(|| PathBuf::from(steward_qbr::batch::file_name(&name, day, "pptx")));
            let bytes = steward_qbr::pptx(&deck, &look, chrono::Utc::now())?;
            steward_qbr::batch::write_whole(&out, &bytes)?;
            let (n, file, kb) = (deck.slides.len(), out.display(), bytes.len().div_ceil(1024));
            tell!("{n} slides written to {file} ({kb} KB)", "{n} Folien in {file} geschrieben ({kb} KB)");
            if pdf {
                let path = out.with_extension("pdf");
                steward_qbr::pdf::write(&bytes, &path)?;
                let file = path.display();
                tell!("PDF written to {file}", "PDF in {file} geschrieben");
            }
            if let Some(path) = brief {
                steward_qbr::batch::write_whole(&path, steward_qbr::brief::markdown(&deck).as_bytes())?;
                let file = path.display();
                tell!("brief written to {file}", "Briefing in {file} geschrieben");
            }
        }
        (None, Some(window)) => {
            let days = window_days(&window)?;
            let planned = steward_core::qbr::planned_between(&conn, today, today + chrono::Duration::days(days))?;
            let accounts: Vec<(i64, String)> = planned.iter().map(|(id, name, _)| (*id, name.clone())).collect();
            let report = steward_qbr::batch::write_decks(
                &conn,
                &accounts,
                day,
                &out_dir,
                &look,
                &mut print_progress,
                &CancelToken::default(),
            )?;
            end_progress();
            tell!(
                "{} QBRs planned in the next {days} days: {} decks written to {}, {} skipped",
                "{} QBRs in den nächsten {days} Tagen geplant: {} Decks in {} geschrieben, {} übersprungen",
                planned.len(),
                report.written.len(),
                out_dir.display(),
                report.skipped.len()
            );
            for s in &report.skipped {
                tell!("  skipped {}: {}", "  übersprungen {}: {}", s.account, s.reason);
            }
        }
        _ => {
            return Err(Error::invalid(say!(
                "Name one account (steward qbr \"Acme\" --out deck.pptx) or a window (steward qbr --due-within 30d --out-dir decks), not both.",
                "Nennen Sie einen Kunden (steward qbr \"Acme\" --out deck.pptx) oder einen Zeitraum (steward qbr --due-within 30d --out-dir decks), nicht beides."
            ))
            .into())
        }
    }
    Ok(())
}

/// Days in a window written "30d", "6w" or "30".
fn window_days(text: &str) -> Result<i64, Error> {
    let t = text.trim().to_ascii_lowercase();
    let (number, unit) = match t.strip_suffix('w') {
        Some(n) => (n, 7),
        None => (t.strip_suffix('d').unwrap_or(&t), 1),
    };
    match number.trim().parse::<i64>() {
        Ok(n) if (1..=3650).contains(&n) => Ok(n * unit),
        _ => Err(Error::invalid(say!(
            "\"{text}\" is not a window: write days (\"30d\" or \"30\") or weeks (\"6w\"), up to ten years.",
            "„{text}“ ist kein Zeitraum: Tage („30d“ oder „30“) oder Wochen („6w“), bis zu zehn Jahre."
        ))),
    }
}
