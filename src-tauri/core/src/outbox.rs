//! The outbox: what Steward owes the team's CRM. A check-in the CSM logs is
//! queued here for every connected CRM that knows its account, in the same
//! transaction as the check-in, so none is lost. The sync crate sends the
//! entries; this module keeps their states: queued, sending (a send began
//! and its answer is not yet known), sent, failed (the CRM refused it; the
//! CSM may retry). A send whose answer never came is looked up in the CRM
//! by its `reference` before anything is sent again, so a crash between
//! send and acknowledgement never makes a second note. It also knows which
//! accounts' health a CRM has not been told yet (`health_due`), for teams
//! that keep the score on the CRM's record too.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{ActivityKind, Sentiment};
use crate::say;
use crate::write::Write;

/// The CRMs a check-in is written back to (the team's shared record).
pub const CRMS: &[&str] = &["hubspot", "salesforce"];

/// Queues the check-in `activity_id` for every connected CRM that has the
/// account (its id there) and has not turned write-back off. Returns how
/// many entries were queued.
pub fn queue_check_in(w: &Write<'_>, activity_id: i64, account_id: i64) -> Result<usize> {
    let conn = w.conn();
    let mut queued = 0;
    for vendor in CRMS {
        let wanted: Option<bool> = conn
            .query_row(
                "SELECT coalesce(json_extract(c.settings, '$.write_back'), 1) <> 0
                   AND EXISTS(SELECT 1 FROM account_external_ids x
                              WHERE x.account_id = ?2 AND x.source = 'sync:' || c.vendor)
                 FROM sync_connections c WHERE c.vendor = ?1",
                params![vendor, account_id],
                |r| r.get(0),
            )
            .optional()?;
        if wanted != Some(true) {
            continue;
        }
        queued += conn.execute(
            "INSERT OR IGNORE INTO outbox(vendor, activity_id, reference, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                vendor,
                activity_id,
                reference(activity_id),
                Utc::now().to_rfc3339()
            ],
        )?;
    }
    Ok(queued)
}

/// A reference no other Steward will write: the check-in and the moment,
/// letters and digits only so a CRM's word search finds it whole.
fn reference(activity_id: i64) -> String {
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!("steward{activity_id}x{nanos:x}")
}

/// Everything a CRM needs to write one check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: i64,
    pub reference: String,
    /// A send began before and its answer is unknown: look it up first.
    pub unconfirmed: bool,
    /// When that send began (RFC 3339).
    pub attempted_at: Option<String>,
    pub account_name: String,
    /// The account's id in the CRM.
    pub account_remote: String,
    /// The people who took part, by their ids in the CRM.
    pub contacts_remote: Vec<String>,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    pub summary: String,
    pub sentiment: Option<Sentiment>,
    pub next_steps: Option<String>,
}

/// The entries of `vendor` still to send (queued or unconfirmed), oldest first.
pub fn pending(conn: &Connection, vendor: &str) -> Result<Vec<Pending>> {
    let source = format!("sync:{vendor}");
    let mut stmt = conn.prepare(
        "SELECT o.id, o.reference, o.state = 'sending', o.attempted_at, a.name,
                (SELECT x.external_id FROM account_external_ids x
                  WHERE x.account_id = a.id AND x.source = ?2 ORDER BY x.external_id LIMIT 1),
                v.id, v.kind, v.occurred_on, v.summary, v.sentiment, v.next_steps
         FROM outbox o
         JOIN activities v ON v.id = o.activity_id
         JOIN accounts a ON a.id = v.account_id
         WHERE o.vendor = ?1 AND o.state IN ('queued', 'sending')
         ORDER BY o.id",
    )?;
    let rows = stmt
        .query_map(params![vendor, source], |r| {
            Ok((
                Pending {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    unconfirmed: r.get(2)?,
                    attempted_at: r.get(3)?,
                    account_name: r.get(4)?,
                    account_remote: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    contacts_remote: Vec::new(),
                    kind: r.get(7)?,
                    occurred_on: r.get(8)?,
                    summary: r.get(9)?,
                    sentiment: r.get(10)?,
                    next_steps: r.get(11)?,
                },
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut people = conn.prepare(
        "SELECT c.external_id FROM activity_contacts ac JOIN contacts c ON c.id = ac.contact_id
         WHERE ac.activity_id = ?1 AND c.source = ?2 AND c.external_id IS NOT NULL
         ORDER BY c.external_id",
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for (mut p, activity) in rows {
        p.contacts_remote = people
            .query_map(params![activity, source], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        out.push(p);
    }
    Ok(out)
}

/// A send of entry `id` begins: until its answer is recorded, the entry
/// counts as unconfirmed (committed before the request leaves).
pub fn begin(w: &Write<'_>, id: i64) -> Result<()> {
    w.conn().execute(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, attempted_at = ?2
         WHERE id = ?1",
        params![id, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// The CRM holds the entry as `remote_id`.
pub fn sent(w: &Write<'_>, id: i64, remote_id: &str) -> Result<()> {
    w.conn().execute(
        "UPDATE outbox SET state = 'sent', remote_id = ?2, error = NULL, sent_at = ?3 WHERE id = ?1",
        params![id, remote_id, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// The CRM refused the entry for `reason`; it waits for the CSM's retry.
pub fn failed(w: &Write<'_>, id: i64, reason: &str) -> Result<()> {
    w.conn().execute(
        "UPDATE outbox SET state = 'failed', error = ?2 WHERE id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

/// The send's answer never came (`reason`): the entry stays unconfirmed
/// and is looked up in the CRM before it is sent again.
pub fn unanswered(w: &Write<'_>, id: i64, reason: &str) -> Result<()> {
    w.conn().execute(
        "UPDATE outbox SET state = 'sending', error = ?2 WHERE id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

/// The CRM turned the send away before taking it (`reason`: the token,
/// the daily limit): the entry is queued as before.
pub fn requeue(w: &Write<'_>, id: i64, reason: &str) -> Result<()> {
    w.conn().execute(
        "UPDATE outbox SET state = 'queued', error = ?2 WHERE id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

/// Queues a failed entry again (the CSM fixed what the CRM refused).
pub fn retry(w: &Write<'_>, id: i64) -> Result<()> {
    let changed = w.conn().execute(
        "UPDATE outbox SET state = 'queued', error = NULL WHERE id = ?1 AND state = 'failed'",
        [id],
    )?;
    if changed == 0 {
        return Err(Error::not_found(say!(
"Outbox entry {id} has not failed; only a failed entry is retried.",
"Ausgangseintrag {id} ist nicht fehlgeschlagen; nur fehlgeschlagene Einträge werden erneut gesendet."
        )));
    }
    Ok(())
}

/// One outbox entry as the CSM sees it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OutboxEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub vendor: String,
    #[ts(type = "number")]
    pub account_id: i64,
    pub account_name: String,
    pub occurred_on: NaiveDate,
    pub summary: String,
    /// queued, sending, sent or failed.
    pub state: String,
    #[ts(type = "number")]
    pub attempts: i64,
    pub error: Option<String>,
    pub sent_at: Option<String>,
    pub remote_id: Option<String>,
}

/// The newest entries first: everything not yet sent, then up to `sent`
/// of the sent ones.
pub fn entries(conn: &Connection, sent: u32) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare(
        "SELECT * FROM (
           SELECT o.id, o.vendor, a.id, a.name, v.occurred_on, v.summary, o.state, o.attempts,
                  o.error, o.sent_at, o.remote_id
           FROM outbox o JOIN activities v ON v.id = o.activity_id JOIN accounts a ON a.id = v.account_id
           WHERE o.state <> 'sent'
           UNION ALL
           SELECT * FROM (
             SELECT o.id, o.vendor, a.id, a.name, v.occurred_on, v.summary, o.state, o.attempts,
                    o.error, o.sent_at, o.remote_id
             FROM outbox o JOIN activities v ON v.id = o.activity_id JOIN accounts a ON a.id = v.account_id
             WHERE o.state = 'sent' ORDER BY o.id DESC LIMIT ?1))
         ORDER BY state = 'sent', id DESC",
    )?;
    let rows = stmt.query_map([sent], |r| {
        Ok(OutboxEntry {
            id: r.get(0)?,
            vendor: r.get(1)?,
            account_id: r.get(2)?,
            account_name: r.get(3)?,
            occurred_on: r.get(4)?,
            summary: r.get(5)?,
            state: r.get(6)?,
            attempts: r.get(7)?,
            error: r.get(8)?,
            sent_at: r.get(9)?,
            remote_id: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An account's health as a CRM should next be told it.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthDue {
    pub account_id: i64,
    /// The account's id in the CRM.
    pub remote: String,
    /// The score, rounded; None while it cannot be computed.
    pub score: Option<i64>,
    pub band: String,
}

/// The accounts `vendor` knows whose health differs from what it was last
/// given (or was never given).
pub fn health_due(conn: &Connection, vendor: &str) -> Result<Vec<HealthDue>> {
    let mut stmt = conn.prepare(
        "SELECT h.account_id, min(x.external_id), CAST(round(h.score) AS INTEGER), h.band
         FROM health_scores h
         JOIN account_external_ids x ON x.account_id = h.account_id AND x.source = 'sync:' || ?1
         LEFT JOIN crm_health_sent s ON s.vendor = ?1 AND s.account_id = h.account_id
         WHERE s.account_id IS NULL OR s.band IS NOT h.band OR s.score IS NOT CAST(round(h.score) AS INTEGER)
         GROUP BY h.account_id ORDER BY h.account_id",
    )?;
    let rows = stmt.query_map([vendor], |r| {
        Ok(HealthDue {
            account_id: r.get(0)?,
            remote: r.get(1)?,
            score: r.get(2)?,
            band: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `vendor` now holds these accounts' health.
pub fn health_sent(w: &Write<'_>, vendor: &str, sent: &[HealthDue]) -> Result<()> {
    let mut stmt = w.conn().prepare_cached(
        "INSERT INTO crm_health_sent(vendor, account_id, score, band, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(vendor, account_id) DO UPDATE SET score = excluded.score, band = excluded.band,
           sent_at = excluded.sent_at",
    )?;
    let now = Utc::now().to_rfc3339();
    for h in sent {
        stmt.execute(params![vendor, h.account_id, h.score, h.band, now])?;
    }
    Ok(())
}
