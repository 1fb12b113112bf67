//! Outside records Steward would not link to an account on its own: a
//! name two accounts share, a domain that disagrees, a support
//! organization or product group that matches no account. They wait here
//! for the CSM, who links each to an account or (for a CRM's companies and
//! billing customers) says it is a new one. Deciding clears the vendor's
//! cursors, so the next run walks its records again and the decided
//! record's data comes in; the upserts make the repeat harmless.

use std::collections::HashMap;

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use steward_core::error::{Error, Result};

use crate::Vendor;
use steward_core::say;

/// One record waiting for the CSM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Waiting {
    pub vendor: String,
    pub object: String,
    pub external_id: String,
    pub label: String,
    pub reason: String,
    /// Accounts it could be: (id, name).
    pub candidates: Vec<(i64, String)>,
    pub seen_at: String,
}

pub(crate) fn hold(
    conn: &Connection,
    vendor: Vendor,
    object: &str,
    external_id: &str,
    label: &str,
    reason: &str,
    candidates: &[i64],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_review(vendor, object, external_id, label, reason, candidates, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(vendor, object, external_id) DO UPDATE SET label = excluded.label,
           reason = excluded.reason, candidates = excluded.candidates, seen_at = excluded.seen_at",
    )?
    .execute(params![
        vendor.name(),
        object,
        external_id,
        label,
        reason,
        serde_json::to_string(candidates).unwrap_or_else(|_| "[]".into()),
        Utc::now().to_rfc3339()
    ])?;
    Ok(())
}

/// The records of one vendor's object in the list, each with the CSM's
/// decision if there is one ("new"): a handful, read once per page.
pub(crate) fn listed(
    conn: &Connection,
    vendor: Vendor,
    object: &str,
) -> Result<HashMap<String, Option<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT external_id, decision FROM sync_review WHERE vendor = ?1 AND object = ?2",
    )?;
    let rows = stmt.query_map(params![vendor.name(), object], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A record that now links by itself no longer waits.
pub(crate) fn settle(
    conn: &Connection,
    vendor: Vendor,
    object: &str,
    external_id: &str,
) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM sync_review WHERE vendor = ?1 AND object = ?2 AND external_id = ?3 AND decision IS NULL",
    )?
    .execute(params![vendor.name(), object, external_id])?;
    Ok(())
}

/// Everything waiting, oldest first.
pub fn waiting(conn: &Connection) -> Result<Vec<Waiting>> {
    let mut stmt = conn.prepare(
        "SELECT vendor, object, external_id, label, reason, candidates, seen_at
         FROM sync_review WHERE decision IS NULL ORDER BY seen_at, vendor, external_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut name = conn.prepare("SELECT name FROM accounts WHERE id = ?1")?;
    rows.into_iter()
        .map(
            |(vendor, object, external_id, label, reason, candidates, seen_at)| {
                let ids: Vec<i64> = serde_json::from_str(&candidates).unwrap_or_default();
                let mut candidates = Vec::new();
                for id in ids {
                    if let Some(n) = name.query_row([id], |r| r.get(0)).optional()? {
                        candidates.push((id, n));
                    }
                }
                Ok(Waiting {
                    vendor,
                    object,
                    external_id,
                    label,
                    reason,
                    candidates,
                    seen_at,
                })
            },
        )
        .collect()
}

/// What the CSM decided a waiting record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// This account of the book.
    Account(i64),
    /// A customer the book does not have yet.
    New,
}

/// Records the CSM's decision and clears the vendor's cursors so the next
/// run brings the record's data in.
pub fn decide(
    conn: &mut Connection,
    today: chrono::NaiveDate,
    vendor: Vendor,
    external_id: &str,
    decision: Decision,
) -> Result<()> {
    steward_core::write::run(conn, today, |w| decide_in(w, vendor, external_id, decision))
        .map(|_| ())
}

/// `decide` within a write already open (the app's).
pub fn decide_in(
    w: &steward_core::write::Write<'_>,
    vendor: Vendor,
    external_id: &str,
    decision: Decision,
) -> Result<()> {
    let tx = w.conn();
    let _object: String = tx
        .query_row(
            "SELECT object FROM sync_review WHERE vendor = ?1 AND external_id = ?2",
            params![vendor.name(), external_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Nothing from {} with the id {external_id} waits for review.",
                "Nichts von {} mit der ID {external_id} wartet auf Prüfung.",
                vendor.title()
            ))
        })?;
    match decision {
        Decision::Account(account) => {
            let exists: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM accounts WHERE id = ?1)",
                [account],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::not_found(say!(
                    "There is no account {account}.",
                    "Es gibt keinen Kunden {account}."
                )));
            }
            tx.execute(
                "INSERT INTO account_external_ids(source, external_id, account_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![vendor.source(), external_id, account],
            )?;
            tx.execute(
                "DELETE FROM sync_review WHERE vendor = ?1 AND external_id = ?2",
                params![vendor.name(), external_id],
            )?;
        }
        Decision::New => {
            if !vendor.makes_accounts() {
                return Err(Error::invalid(say!(
"{} records do not make accounts of their own: link it to an account.",
"Datensätze von {} legen keine eigenen Kunden an: ordnen Sie ihn einem Kunden zu.",
                    vendor.title()
                )));
            }
            tx.execute(
                "UPDATE sync_review SET decision = 'new' WHERE vendor = ?1 AND external_id = ?2",
                params![vendor.name(), external_id],
            )?;
        }
    }
    tx.execute(
        "DELETE FROM sync_cursors WHERE vendor = ?1",
        [vendor.name()],
    )?;
    Ok(())
}
