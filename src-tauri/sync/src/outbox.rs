//! Sending the outbox: the check-ins the core queued for a CRM, written
//! there one by one. Each send is recorded as begun (committed) before the
//! request leaves, and as sent with the CRM's id when it answers. A send
//! whose answer never came (a crash, a timeout, a 5xx) is looked up in the
//! CRM by its reference once the CRM's search has caught up, and only sent
//! again when it is not there: exactly one note per check-in.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

use steward_core::error::{Error, Result};
use steward_core::outbox::{self, Pending};
use steward_core::write;

use crate::http::{Failure, Http};
use crate::{hubspot, Vendor};

/// HubSpot's search shows a new record within about a minute; an
/// unconfirmed send is looked up only after this many seconds.
pub const CONFIRM_AFTER_S: i64 = 90;

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Delivery {
    /// Written to the CRM now.
    pub sent: u32,
    /// Found in the CRM from an earlier send whose answer was lost.
    pub found: u32,
    /// Refused by the CRM (the reason is on the entry).
    pub failed: u32,
    /// Sent before with no answer, too recently to look up.
    pub waiting: u32,
}

fn record(
    conn: &mut Connection,
    today: NaiveDate,
    f: impl FnOnce(&write::Write<'_>) -> Result<()>,
) -> Result<()> {
    write::run(conn, today, f).map(|_| ())
}

/// Whether an unconfirmed send began long enough ago to be looked up.
fn searchable(p: &Pending, now: DateTime<Utc>) -> bool {
    p.attempted_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_none_or(|t| (now - t.with_timezone(&Utc)).num_seconds() >= CONFIRM_AFTER_S)
}

/// Sends `vendor`'s pending entries. Stops with an error when the CRM
/// refuses the token, its daily limit is spent or it cannot be reached;
/// what was sent so far stays recorded.
pub fn send(
    conn: &mut Connection,
    http: &mut Http,
    vendor: Vendor,
    today: NaiveDate,
    cancel: Option<&AtomicBool>,
) -> Result<Delivery> {
    if vendor != Vendor::HubSpot {
        return Ok(Delivery::default());
    }
    let pending = outbox::pending(conn, vendor.name())?;
    let mut done = Delivery::default();
    if pending.is_empty() {
        return Ok(done);
    }
    // Out of reach or a refused token stops the round; the outbox keeps
    // what was not sent.
    let stop = crate::failure(vendor);
    let types = hubspot::notes::note_types(http).map_err(&stop)?;
    for p in pending {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        if p.unconfirmed {
            if !searchable(&p, Utc::now()) {
                done.waiting += 1;
                continue;
            }
            if let Some(id) = hubspot::notes::find(http, &p.reference).map_err(&stop)? {
                record(conn, today, |w| outbox::sent(w, p.id, &id))?;
                done.found += 1;
                continue;
            }
        }
        record(conn, today, |w| outbox::begin(w, p.id))?;
        match hubspot::notes::create(http, &types, &p) {
            Ok(id) => {
                record(conn, today, |w| outbox::sent(w, p.id, &id))?;
                done.sent += 1;
            }
            // Refused outright: nothing was written there.
            Err(Failure::Vendor { status, message })
                if (400..500).contains(&status) && status != 429 && status != 408 =>
            {
                let reason = format!("{message} (HTTP {status})");
                record(conn, today, |w| outbox::failed(w, p.id, &reason))?;
                done.failed += 1;
            }
            Err(f @ (Failure::Unauthorized(_) | Failure::DailyLimit(_))) => {
                let reason = f.to_string();
                record(conn, today, |w| outbox::requeue(w, p.id, &reason))?;
                return Err(stop(f));
            }
            // No answer: it may be there. Looked up before another send.
            Err(f) => {
                let reason = f.to_string();
                record(conn, today, |w| outbox::unanswered(w, p.id, &reason))?;
                if matches!(f, Failure::Network(_)) {
                    return Err(stop(f));
                }
                done.waiting += 1;
            }
        }
    }
    Ok(done)
}
