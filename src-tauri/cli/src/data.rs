//! `steward export`, `steward backup` and `steward restore`: the book the
//! CSM owns, taken out as the files the import reads, copied, and put back.

use std::path::Path;

use steward_core::{backup, export, lang, store};

use crate::CliError;

pub(crate) fn export(data_dir: &Path, out: &Path) -> Result<(), CliError> {
    let conn = store::open_in(data_dir)?;
    for e in export::write(&conn, out)? {
        out!("{:>9} {:<14} {}", e.rows, e.entity.label(), e.path);
    }
    Ok(())
}

/// Megabytes with one decimal, its mark the language's.
fn mb(bytes: u64) -> String {
    lang::decimal(bytes as f64 / 1e6, 1)
}

#[derive(clap::Args)]
pub(crate) struct BackupArgs {
    /// The backups there are, yours and upgrade copies, with their size.
    #[arg(long)]
    list: bool,
    /// Remove all but the newest three upgrade copies.
    #[arg(long)]
    prune: bool,
}

pub(crate) fn backup(
    data_dir: &Path,
    BackupArgs { list, prune }: BackupArgs,
) -> Result<(), CliError> {
    if prune {
        let (files, bytes) = backup::prune(data_dir)?;
        let (freed, kept) = (mb(bytes), backup::KEEP_UPGRADE_COPIES);
        tell!(
            "{files} old upgrade copies removed, {freed} MB freed; the newest {kept} are kept.",
            "{files} alte Sicherungskopien von Updates entfernt, {freed} MB frei; die neuesten {kept} bleiben."
        );
    } else if list {
        let all = backup::list(data_dir);
        if all.is_empty() {
            tell!(
                "No backups yet: steward backup takes one.",
                "Noch keine Sicherungen: steward backup legt eine an."
            );
            return Ok(());
        }
        for b in &all {
            out!(
                "{}  {:<7} {:>8} MB  {}",
                b.written_at,
                b.kind,
                mb(b.bytes),
                b.path
            );
        }
        let total: u64 = all.iter().map(|b| b.bytes).sum();
        let (n, size) = (all.len(), mb(total));
        tell!(
            "{n} backups, {size} MB in all.",
            "{n} Sicherungen, zusammen {size} MB."
        );
    } else {
        let conn = store::open_in(data_dir)?;
        let b = backup::take(&conn, data_dir)?;
        let (path, size) = (&b.path, mb(b.bytes));
        tell!(
            "Backup written: {path} ({size} MB)",
            "Sicherung geschrieben: {path} ({size} MB)"
        );
    }
    Ok(())
}

pub(crate) fn restore(data_dir: &Path, file: &Path) -> Result<(), CliError> {
    let aside = backup::restore(data_dir, file)?;
    let (file, aside) = (file.display(), aside.display());
    tell!(
        "Restored from {file}; the portfolio before it is kept as {aside}",
        "Aus {file} wiederhergestellt; das Portfolio davor liegt in {aside}"
    );
    Ok(())
}
