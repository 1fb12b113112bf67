//! Sync: the book fills itself from the systems a company runs. `http` is
//! the one client every connector uses (throttle, retries, honest errors);
//! each connector (HubSpot companies and contacts so far) turns the vendor's pages into
//! records for the core's ingest path, the same one file import uses, with
//! the source `sync:<vendor>` on every row; each page's rows and the cursor
//! after them commit in one transaction through the core's write path.
//! Connections (vendor and base URL) and a log of every run live in the
//! portfolio; secrets never do (for now a headless run takes its token from
//! an environment variable, e.g. `STEWARD_HUBSPOT_TOKEN`).

pub mod http;
pub mod hubspot;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use steward_core::error::{Error, Result};

/// What a run did with the records it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub written: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Why records were rejected (the first ones).
    pub reasons: Vec<String>,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.written += other.written;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        for r in other.reasons {
            if self.reasons.len() < 20 {
                self.reasons.push(r);
            }
        }
    }
}

/// A finished run, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub counts: Counts,
    pub traffic: http::Traffic,
    pub seconds: f64,
}

/// Stores the vendor's connection (its base URL: the vendor's own, a
/// sandbox, a self-hosted one, or a test server).
pub fn connect(conn: &Connection, vendor: &str, base_url: &str) -> Result<()> {
    let url = base_url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Error::invalid(format!(
            "\"{url}\" is not a web address (https://...)."
        )));
    }
    conn.execute(
        "INSERT INTO sync_connections(vendor, base_url, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(vendor) DO UPDATE SET base_url = excluded.base_url",
        params![vendor, url, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// The vendor's stored base URL.
pub fn base_url(conn: &Connection, vendor: &str) -> Result<String> {
    conn.query_row(
        "SELECT base_url FROM sync_connections WHERE vendor = ?1",
        [vendor],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::not_found(format!(
            "No {vendor} connection: connect it first (steward connect {vendor} --base-url URL)."
        ))
    })
}

/// Runs a HubSpot sync and logs it, whatever its end.
pub fn run_hubspot(
    conn: &mut Connection,
    http: &mut http::Http,
    today: NaiveDate,
    full: bool,
) -> Result<RunReport> {
    let started = std::time::Instant::now();
    conn.execute(
        "INSERT INTO sync_runs(vendor, started_at) VALUES (?1, ?2)",
        params![hubspot::VENDOR, Utc::now().to_rfc3339()],
    )?;
    let run = conn.last_insert_rowid();
    let now = || Utc::now().timestamp_millis();
    // Companies first: a contact lands on its company's account.
    let result = hubspot::sync_object(conn, http, today, full, now, &hubspot::COMPANIES).and_then(
        |mut counts| {
            counts.add(hubspot::sync_object(
                conn,
                http,
                today,
                full,
                now,
                &hubspot::CONTACTS,
            )?);
            Ok(counts)
        },
    );
    let (outcome, counts, error) = match &result {
        Ok(c) => ("done", c.clone(), None),
        Err(e) => ("failed", Counts::default(), Some(e.to_string())),
    };
    conn.execute(
        "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, written = ?4, unchanged = ?5, rejected = ?6,
           requests = ?7, waited_ms = ?8, error = ?9 WHERE id = ?1",
        params![
            run,
            Utc::now().to_rfc3339(),
            outcome,
            counts.written as i64,
            counts.unchanged as i64,
            counts.rejected as i64,
            http.traffic.requests as i64,
            http.traffic.waited_ms as i64,
            error
        ],
    )?;
    Ok(RunReport {
        counts: result?,
        traffic: http.traffic,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One line per recent run, newest first: (started, outcome, written,
/// unchanged, rejected, requests, waited ms, error).
pub type RunLine = (String, String, i64, i64, i64, i64, i64, Option<String>);

pub fn runs(conn: &Connection, vendor: &str, limit: u32) -> Result<Vec<RunLine>> {
    let mut stmt = conn.prepare(
        "SELECT started_at, outcome, written, unchanged, rejected, requests, waited_ms, error
         FROM sync_runs WHERE vendor = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![vendor, limit], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
