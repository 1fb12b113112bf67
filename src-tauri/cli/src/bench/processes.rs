//! What the bench runs or writes outside its own process: a command timed
//! with its peak memory (the CLI batch, the import against sqlite3), and the
//! usage file both importers read.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use steward_core::Error;

use super::io;

/// Runs a command to completion; returns wall seconds and the peak resident
/// memory seen while polling /proc (Linux; 0 elsewhere).
pub(super) fn timed(mut cmd: Command) -> Result<(f64, u64), Error> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(io("Cannot start a benchmark process"))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kb * 1024);
            }
        }
        if let Some(status) = child.try_wait().map_err(io("Benchmark process"))? {
            if !status.success() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                return Err(Error::Internal(format!("benchmark step failed: {err}")));
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok((start.elapsed().as_secs_f64(), peak))
}

/// Writes up to `limit` usage rows as a CSV keyed by account external id, and
/// the accounts they belong to.
pub(super) fn export_usage(
    conn: &rusqlite::Connection,
    usage: &Path,
    accounts: &Path,
    limit: u64,
) -> Result<u64, Error> {
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(accounts).map_err(io("Cannot write accounts.csv"))?,
    );
    writeln!(file, "id,name").map_err(io("write"))?;
    let mut stmt = conn.prepare("SELECT e.external_id, a.name FROM accounts a JOIN account_external_ids e ON e.account_id = a.id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        writeln!(
            file,
            "{},\"{}\"",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?
        )
        .map_err(io("write"))?;
    }
    file.flush().map_err(io("write"))?;

    let mut file = std::io::BufWriter::new(
        std::fs::File::create(usage).map_err(io("Cannot write usage.csv"))?,
    );
    writeln!(
        file,
        "account,day,active_users,logins,feature_events,api_calls,licensed_seats"
    )
    .map_err(io("write"))?;
    let mut stmt = conn.prepare(
        "SELECT e.external_id, u.day, u.active_users, u.logins, u.feature_events, u.api_calls, u.licensed_seats
         FROM usage_daily u JOIN account_external_ids e ON e.account_id = u.account_id
         ORDER BY u.account_id, u.day LIMIT ?1",
    )?;
    let mut rows = stmt.query([limit as i64])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        writeln!(
            file,
            "{},{},{},{},{},{},{}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?
        )
        .map_err(io("write"))?;
        n += 1;
    }
    file.flush().map_err(io("write"))?;
    Ok(n)
}
