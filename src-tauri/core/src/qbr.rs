//! Quarterly business reviews as dates: each live account has at most one
//! planned QBR (scheduling again moves it, keeping its calendar UID), and
//! holding it records the day and clears the "for the next QBR" mark of the
//! milestones it reported. The decks themselves are built elsewhere; this
//! module owns when they happen.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::ActivityKind;
use crate::say;
use crate::write::Write;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Qbr {
    #[ts(type = "number")]
    pub id: i64,
    pub scheduled_on: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// The last deck file written for this QBR, and when (UTC).
    pub deck_file: Option<String>,
    pub deck_written_at: Option<String>,
}

/// An account's QBR calendar: the planned one, the last one held, and how
/// many achieved milestones wait to be reported.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QbrPlan {
    pub next: Option<Qbr>,
    pub last_held: Option<Qbr>,
    #[ts(type = "number")]
    pub milestones_to_report: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Qbr> {
    Ok(Qbr {
        id: r.get(0)?,
        scheduled_on: r.get(1)?,
        held_on: r.get(2)?,
        note: r.get(3)?,
        deck_file: r.get(4)?,
        deck_written_at: r.get(5)?,
    })
}

fn require_live(conn: &Connection, account_id: i64) -> Result<()> {
    crate::account::require_live(
        conn,
        account_id,
        &say!(
            "QBRs are for current customers",
            "QBRs sind für aktuelle Kunden"
        ),
    )
}

/// QBRs planned from `from` to `to` (inclusive) for current customers:
/// (account id, account name, day), soonest first.
pub fn planned_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, String, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, q.scheduled_on FROM qbrs q JOIN accounts a ON a.id = q.account_id
         WHERE q.held_on IS NULL AND q.scheduled_on >= ?1 AND q.scheduled_on <= ?2 AND a.status = 'active'
         ORDER BY q.scheduled_on, a.name",
    )?;
    let rows = stmt.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The planned QBR's deck choices as the deck module stored them (JSON).
pub fn deck_choices(conn: &Connection, account_id: i64) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT id, deck FROM qbrs WHERE account_id = ?1 AND held_on IS NULL")?
        .query_row([account_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Keeps the deck choices (JSON) with the account's planned QBR. Without a
/// planned QBR there is nothing to keep them with: plan one first.
pub fn save_deck_choices(w: &Write<'_>, account_id: i64, json: &str) -> Result<i64> {
    let conn = w.conn();
    require_live(conn, account_id)?;
    let id = planned(conn, account_id)?.ok_or_else(|| {
        Error::invalid(say!(
            "Plan the QBR first: the deck's choices are kept with the planned QBR.",
            "Planen Sie zuerst den QBR: die Auswahl für das Deck wird beim geplanten QBR behalten."
        ))
    })?;
    conn.execute("UPDATE qbrs SET deck = ?2 WHERE id = ?1", params![id, json])?;
    Ok(id)
}

/// Records the file a deck was last written to, on the planned QBR (if any).
pub fn record_deck_file(w: &Write<'_>, account_id: i64, path: &str) -> Result<()> {
    if let Some(id) = planned(w.conn(), account_id)? {
        w.conn().execute(
            "UPDATE qbrs SET deck_file = ?2, deck_written_at = ?3 WHERE id = ?1",
            params![id, path, Utc::now().to_rfc3339()],
        )?;
    }
    Ok(())
}

/// The account's planned QBR, if any.
fn planned(conn: &Connection, account_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM qbrs WHERE account_id = ?1 AND held_on IS NULL",
            [account_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Plans the account's next QBR on `on`, or moves the one already planned.
/// A day before `today` is refused: a QBR that already happened is recorded
/// with [`hold`]. Returns the QBR's id.
pub fn schedule(w: &Write<'_>, account_id: i64, on: NaiveDate) -> Result<i64> {
    let conn = w.conn();
    require_live(conn, account_id)?;
    w.touch(account_id);
    if on < w.today() {
        return Err(Error::invalid(
            say!("A QBR is scheduled for today or later; to record one that took place, mark it held.", "Ein QBR wird für heute oder später geplant; um einen stattgefundenen festzuhalten, markieren Sie ihn als gehalten."),
        ));
    }
    let planned = planned(conn, account_id)?;
    match planned {
        Some(id) => {
            conn.execute(
                "UPDATE qbrs SET scheduled_on = ?2 WHERE id = ?1",
                params![id, on],
            )?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO qbrs(account_id, scheduled_on, created_at) VALUES (?1, ?2, ?3)",
                params![account_id, on, Utc::now().to_rfc3339()],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// The CSM held the account's QBR on `on`: [`record_held`], and the meeting
/// goes on the timeline (a touch) with the note. Returns the QBR's id.
pub fn hold(w: &Write<'_>, account_id: i64, on: NaiveDate, note: &str) -> Result<i64> {
    let id = record_held(w, account_id, on, note)?;
    crate::checkin::log_entry(
        w.conn(),
        account_id,
        ActivityKind::Qbr,
        on,
        "QBR held",
        note,
        None,
    )?;
    Ok(id)
}

/// Records the account's QBR as held on `on` (the planned one if there is
/// one, else a new record) with an optional note, and clears the QBR mark of
/// the milestones achieved up to that day: they have been reported. Nothing
/// goes on the timeline (the demo book's meetings are already there).
pub fn record_held(w: &Write<'_>, account_id: i64, on: NaiveDate, note: &str) -> Result<i64> {
    let conn = w.conn();
    require_live(conn, account_id)?;
    w.touch(account_id);
    if on > w.today() {
        return Err(Error::invalid(say!(
            "A QBR cannot be marked held on a day still to come.",
            "Ein QBR kann nicht an einem noch kommenden Tag als gehalten markiert werden."
        )));
    }
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    let planned = planned(conn, account_id)?;
    let id = match planned {
        Some(id) => {
            conn.execute(
                "UPDATE qbrs SET held_on = ?2, note = ?3 WHERE id = ?1",
                params![id, on, note],
            )?;
            id
        }
        None => {
            conn.execute(
                "INSERT INTO qbrs(account_id, scheduled_on, held_on, note, created_at) VALUES (?1, ?2, ?2, ?3, ?4)",
                params![account_id, on, note, Utc::now().to_rfc3339()],
            )?;
            conn.last_insert_rowid()
        }
    };
    conn.execute(
        "UPDATE milestones SET for_qbr = 0 WHERE account_id = ?1 AND for_qbr AND achieved_on <= ?2",
        params![account_id, on],
    )?;
    Ok(id)
}

/// Drops the account's planned QBR (no-op when none is planned).
pub fn cancel(w: &Write<'_>, account_id: i64) -> Result<()> {
    crate::account::require(w.conn(), account_id)?;
    w.touch(account_id);
    w.conn().execute(
        "DELETE FROM qbrs WHERE account_id = ?1 AND held_on IS NULL",
        [account_id],
    )?;
    Ok(())
}

pub fn plan(conn: &Connection, account_id: i64) -> Result<QbrPlan> {
    let next = conn
        .prepare_cached(
            "SELECT id, scheduled_on, held_on, note, deck_file, deck_written_at FROM qbrs WHERE account_id = ?1 AND held_on IS NULL",
        )?
        .query_row([account_id], row)
        .optional()?;
    let last_held = conn
        .prepare_cached(
            "SELECT id, scheduled_on, held_on, note, deck_file, deck_written_at FROM qbrs
             WHERE account_id = ?1 AND held_on IS NOT NULL ORDER BY held_on DESC, id DESC LIMIT 1",
        )?
        .query_row([account_id], row)
        .optional()?;
    let milestones_to_report = conn
        .prepare_cached("SELECT count(*) FROM milestones WHERE account_id = ?1 AND for_qbr")?
        .query_row([account_id], |r| r.get(0))?;
    Ok(QbrPlan {
        next,
        last_held,
        milestones_to_report,
    })
}
