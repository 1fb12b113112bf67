//! `steward export`, `steward backup` and `steward restore`: the book the
//! CSM owns, taken out as the files the import reads, copied, and put back.

use std::path::Path;

use steward_core::{backup, export, store};

use crate::CliError;

pub(crate) fn export(data_dir: &Path, out: &Path) -> Result<(), CliError> {
    let conn = store::open_in(data_dir)?;
    for e in export::write(&conn, out)? {
        out!("{:>9} {:<14} {}", e.rows, e.entity.label(), e.path);
    }
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
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
        out!(
            "{files} old upgrade copies removed, {:.1} MB freed; the newest {} are kept.",
            mb(bytes),
            backup::KEEP_UPGRADE_COPIES
        );
    } else if list {
        let all = backup::list(data_dir);
        if all.is_empty() {
            out!("No backups yet: steward backup takes one.");
            return Ok(());
        }
        for b in &all {
            out!(
                "{}  {:<7} {:>8.1} MB  {}",
                b.written_at,
                b.kind,
                mb(b.bytes),
                b.path
            );
        }
        let total: u64 = all.iter().map(|b| b.bytes).sum();
        out!("{} backups, {:.1} MB in all.", all.len(), mb(total));
    } else {
        let conn = store::open_in(data_dir)?;
        let b = backup::take(&conn, data_dir)?;
        out!("Backup written: {} ({:.1} MB)", b.path, mb(b.bytes));
    }
    Ok(())
}

pub(crate) fn restore(data_dir: &Path, file: &Path) -> Result<(), CliError> {
    let aside = backup::restore(data_dir, file)?;
    out!(
        "Restored from {}; the portfolio before it is kept as {}",
        file.display(),
        aside.display()
    );
    Ok(())
}
