//! Logging a check-in (call, meeting, email, note, QBR) on an account: the
//! activity, the people who took part, and one task per next step; and the
//! timeline entries Steward writes for the CSM (a milestone achieved, a QBR
//! held).

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::Deserialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{source, ActivityKind, Sentiment};
use crate::say;
use crate::write::Write;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NextStep {
    pub title: String,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewCheckIn {
    #[ts(type = "number")]
    pub account_id: i64,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    #[ts(type = "number[]")]
    pub contact_ids: Vec<i64>,
    pub summary: String,
    pub sentiment: Option<Sentiment>,
    pub next_steps: Vec<NextStep>,
}

/// Stores the check-in and its tasks and queues it for the CRMs that know
/// the account; returns the activity id.
pub fn log(w: &Write<'_>, input: &NewCheckIn) -> Result<i64> {
    let today = w.today();
    let summary = input.summary.trim();
    if summary.is_empty() {
        return Err(Error::invalid(say!(
            "Write a short summary of the check-in.",
            "Schreiben Sie eine kurze Zusammenfassung des Check-ins."
        )));
    }
    if input.occurred_on > today {
        return Err(Error::invalid(say!(
"The check-in date {} is in the future; log it once it happened.",
"Das Check-in-Datum {} liegt in der Zukunft; erfassen Sie es, wenn es stattgefunden hat.",
            input.occurred_on
        )));
    }
    let steps: Vec<&NextStep> = input
        .next_steps
        .iter()
        .filter(|s| !s.title.trim().is_empty())
        .collect();
    let tx = w.conn();
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM accounts WHERE id = ?1)",
        [input.account_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(Error::NotFound(format!(
            "Account {} does not exist.",
            input.account_id
        )));
    }
    let now = Utc::now().to_rfc3339();
    let next_steps_text = (!steps.is_empty()).then(|| {
        steps
            .iter()
            .map(|s| s.title.trim())
            .collect::<Vec<_>>()
            .join("\n")
    });
    tx.execute(
        "INSERT INTO activities(account_id, kind, occurred_on, summary, sentiment, next_steps, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![input.account_id, input.kind, input.occurred_on, summary, input.sentiment, next_steps_text, source::USER, now],
    )?;
    let activity_id = tx.last_insert_rowid();
    for contact_id in &input.contact_ids {
        let added = tx.execute(
            "INSERT OR IGNORE INTO activity_contacts(activity_id, contact_id)
             SELECT ?1, id FROM contacts WHERE id = ?2 AND account_id = ?3",
            params![activity_id, contact_id, input.account_id],
        )?;
        if added == 0 {
            return Err(Error::invalid(say!(
                "Contact {contact_id} is not a contact of this account.",
                "Kontakt {contact_id} ist kein Kontakt dieses Kunden."
            )));
        }
    }
    for step in steps {
        tx.execute(
            "INSERT INTO tasks(account_id, activity_id, title, due_on, source, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                input.account_id,
                activity_id,
                step.title.trim(),
                step.due_on,
                source::USER,
                now
            ],
        )?;
    }
    // The team's CRM hears of it: queued with the check-in, sent by sync.
    crate::outbox::queue_check_in(w, activity_id, input.account_id)?;
    w.touch(input.account_id);
    Ok(activity_id)
}

/// Puts an entry Steward composed on the account's timeline: `head`, then
/// the CSM's own words when there are any ("QBR held. Renewal discussed").
/// Returns the activity's id.
pub(crate) fn log_entry(
    conn: &Connection,
    account_id: i64,
    kind: ActivityKind,
    on: NaiveDate,
    head: &str,
    words: &str,
    sentiment: Option<Sentiment>,
) -> Result<i64> {
    let words = words.trim();
    let summary = if words.is_empty() {
        head.to_string()
    } else {
        format!("{head}. {words}")
    };
    conn.execute(
        "INSERT INTO activities(account_id, kind, occurred_on, summary, sentiment, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![account_id, kind, on, summary, sentiment, source::USER, Utc::now().to_rfc3339()],
    )?;
    Ok(conn.last_insert_rowid())
}
