//! Where Steward writes what it did: a log file per day in the data folder
//! (`logs/`, the last seven kept), so a CSM can send it when something went
//! wrong. Only counts, ids, durations and error codes go in at the default
//! level, never customer text or secrets; `STEWARD_LOG=debug` says more.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// Sends this process's log to `<data_dir>/logs/<name>.<date>.log`. Keep the
/// guard alive for the process's life (dropping it flushes the file). None
/// when the folder cannot be written; the program then runs without a log.
pub fn to_file(data_dir: &Path, name: &str) -> Option<WorkerGuard> {
    let folder = data_dir.join("logs");
    std::fs::create_dir_all(&folder).ok()?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(name)
        .filename_suffix("log")
        .max_log_files(7)
        .build(folder)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("STEWARD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
