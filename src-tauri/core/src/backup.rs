//! Backups the CSM takes and restores, and the copies upgrades leave. A
//! backup is a consistent copy of the whole portfolio (`VACUUM INTO`, so a
//! write in progress is either in it or not) in the data folder's
//! `backups/`. A restore checks the file first (it opens, passes
//! `quick_check`, is a portfolio, and is not from a newer Steward), keeps
//! the current portfolio aside, and only then puts the backup in its
//! place; a file that fails a check changes nothing. Upgrade copies
//! (`portfolio.vN-<time>.bak`) are pruned to the newest three.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::say;
use crate::store::{self, DB_FILE, SCHEMA_VERSION};

/// The folder the CSM's backups go to, inside the data folder.
pub const FOLDER: &str = "backups";
/// Upgrade copies kept by `prune`.
pub const KEEP_UPGRADE_COPIES: usize = 3;

/// One backup on disk.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BackupFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// manual (taken by the CSM) or upgrade (left before a migration).
    pub kind: String,
    /// When it was written (RFC 3339).
    pub written_at: String,
}

fn stamp() -> String {
    Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

fn describe(path: &Path, kind: &str) -> Option<BackupFile> {
    let meta = std::fs::metadata(path).ok()?;
    let written_at = meta
        .modified()
        .ok()
        .map(|t| chrono::DateTime::<Utc>::from(t).to_rfc3339())
        .unwrap_or_default();
    Some(BackupFile {
        path: path.display().to_string(),
        bytes: meta.len(),
        kind: kind.to_string(),
        written_at,
    })
}

/// Takes a backup now, through `conn` (the portfolio's own connection).
pub fn take(conn: &Connection, data_dir: &Path) -> Result<BackupFile> {
    let folder = data_dir.join(FOLDER);
    std::fs::create_dir_all(&folder).map_err(|e| {
        Error::io(
            say!(
                "Cannot make the backup folder {}",
                "Der Sicherungsordner {} kann nicht angelegt werden",
                folder.display()
            ),
            e,
        )
    })?;
    let mut target = folder.join(format!("portfolio-{}.sqlite3", stamp()));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = folder.join(format!("portfolio-{}-{n}.sqlite3", stamp()));
    }
    let text = target.to_str().ok_or_else(|| {
        Error::invalid(say!(
            "The data folder path is not valid UTF-8",
            "Der Pfad des Datenordners ist kein gültiges UTF-8"
        ))
    })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [text]) {
        let _ = std::fs::remove_file(&target);
        return Err(Error::Io {
            context: format!(
                "The backup could not be written ({}); the portfolio is unchanged",
                crate::error::storage_message(&e)
            ),
            source: std::io::Error::other("backup failed"),
        });
    }
    describe(&target, "manual").ok_or_else(|| Error::Internal("the backup vanished".into()))
}

/// The backups there are, newest first: the CSM's and the upgrade copies.
pub fn list(data_dir: &Path) -> Vec<BackupFile> {
    let mut out: Vec<BackupFile> = Vec::new();
    let read = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    for p in read(&data_dir.join(FOLDER)) {
        if p.extension().is_some_and(|e| e == "sqlite3") {
            out.extend(describe(&p, "manual"));
        }
    }
    for p in upgrade_copies(data_dir) {
        out.extend(describe(&p, "upgrade"));
    }
    out.sort_by(|a, b| b.written_at.cmp(&a.written_at).then(b.path.cmp(&a.path)));
    out
}

fn upgrade_copies(data_dir: &Path) -> Vec<PathBuf> {
    let stem = DB_FILE.trim_end_matches(".sqlite3");
    std::fs::read_dir(data_dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    name.starts_with(&format!("{stem}.v")) && name.ends_with(".bak")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Removes all but the newest `KEEP_UPGRADE_COPIES` upgrade copies.
/// Returns (files removed, bytes freed).
pub fn prune(data_dir: &Path) -> Result<(usize, u64)> {
    let mut copies: Vec<BackupFile> = upgrade_copies(data_dir)
        .iter()
        .filter_map(|p| describe(p, "upgrade"))
        .collect();
    copies.sort_by(|a, b| b.written_at.cmp(&a.written_at).then(b.path.cmp(&a.path)));
    let mut removed = (0, 0);
    for old in copies.into_iter().skip(KEEP_UPGRADE_COPIES) {
        std::fs::remove_file(&old.path).map_err(|e| {
            Error::io(
                say!(
                    "Cannot remove the old upgrade copy {}",
                    "Die alte Update-Kopie {} kann nicht entfernt werden",
                    old.path
                ),
                e,
            )
        })?;
        removed.0 += 1;
        removed.1 += old.bytes;
    }
    Ok(removed)
}

/// Checks that `file` is a whole portfolio this Steward can open.
fn check(file: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Error::invalid(say!(
            "{} cannot be restored: {why}. Nothing was changed.",
            "{} kann nicht wiederhergestellt werden: {why}. Nichts wurde geändert.",
            file.display()
        ))
    };
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| refuse("it cannot be opened"))?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|_| refuse("it is not a Steward portfolio or it is damaged"))?;
    if verdict != "ok" {
        return Err(refuse("it is damaged"));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|_| refuse("it is not a Steward portfolio"))?;
    if version > SCHEMA_VERSION {
        return Err(refuse(&format!(
            "it was written by a newer Steward (schema {version}; this one knows up to {SCHEMA_VERSION})"
        )));
    }
    let has_accounts: bool = conn
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts')",
            [],
            |r| r.get(0),
        )
        .map_err(|_| refuse("it is not a Steward portfolio"))?;
    if version < 1 || !has_accounts {
        return Err(refuse("it is not a Steward portfolio"));
    }
    Ok(())
}

/// Restores `file` as the portfolio of `data_dir`. The current portfolio
/// is kept aside first (its path is returned); nothing may hold the
/// portfolio open meanwhile (the app's restore closes its connections).
/// The restored file is then opened, which upgrades an older one.
pub fn restore(data_dir: &Path, file: &Path) -> Result<PathBuf> {
    check(file)?;
    let current = data_dir.join(DB_FILE);
    let aside = data_dir.join(format!("portfolio.before-restore-{}.sqlite3", stamp()));
    if current.exists() {
        // A consistent copy of what is there now, WAL included.
        let conn = store::connect(&current)?;
        let text = aside.to_str().ok_or_else(|| {
            Error::invalid(say!(
                "The data folder path is not valid UTF-8",
                "Der Pfad des Datenordners ist kein gültiges UTF-8"
            ))
        })?;
        conn.execute("VACUUM INTO ?1", [text])?;
        drop(conn);
    }
    // Copied beside the portfolio, then renamed over it: the portfolio is
    // either the old file or the whole backup, never half of one.
    let incoming = data_dir.join(format!("{DB_FILE}.restoring"));
    std::fs::copy(file, &incoming).map_err(|e| {
        Error::io(
            say!(
                "Cannot copy {}",
                "{} kann nicht kopiert werden",
                file.display()
            ),
            e,
        )
    })?;
    std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| {
            Error::io(
                say!(
                    "Cannot write the restored portfolio",
                    "Das wiederhergestellte Portfolio kann nicht geschrieben werden"
                )
                .to_string(),
                e,
            )
        })?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir.join(format!("{DB_FILE}{suffix}")));
    }
    std::fs::rename(&incoming, &current).map_err(|e| {
        Error::io(
            say!(
                "Cannot put the restored portfolio in place",
                "Das wiederhergestellte Portfolio kann nicht an seinen Platz gelegt werden"
            )
            .to_string(),
            e,
        )
    })?;
    // Opening brings an older backup up to this Steward's schema.
    store::open_in(data_dir)?;
    Ok(aside)
}
