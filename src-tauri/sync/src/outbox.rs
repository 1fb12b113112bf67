//! Sending the outbox: the check-ins the core queued for a CRM, written
//! there one by one (a HubSpot note, a Salesforce Task). Each send is recorded as begun (committed) before the
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
use crate::{hubspot, salesforce, Vendor};

/// HubSpot's search shows a new record within about a minute; an
/// unconfirmed send is looked up there only after this many seconds.
/// (Salesforce's SOQL sees a record as soon as it is committed.)
pub const CONFIRM_AFTER_S: i64 = 90;

/// The CRM the outbox writes to, ready to write.
enum Writer<'a> {
    HubSpot {
        http: &'a mut Http,
        types: hubspot::notes::NoteTypes,
    },
    Salesforce(salesforce::Session<'a>),
}

impl<'a> Writer<'a> {
    fn open(vendor: Vendor, http: &'a mut Http) -> Result<Writer<'a>> {
        Ok(match vendor {
            Vendor::Salesforce => Writer::Salesforce(salesforce::Session::open(http)?),
            _ => {
                let types = hubspot::notes::note_types(http).map_err(crate::failure(vendor))?;
                Writer::HubSpot { http, types }
            }
        })
    }

    /// How long after a send its record can be looked up.
    fn confirm_after(&self) -> i64 {
        match self {
            Writer::HubSpot { .. } => CONFIRM_AFTER_S,
            Writer::Salesforce(_) => 0,
        }
    }

    fn find(&mut self, reference: &str) -> Result<Option<String>> {
        match self {
            Writer::HubSpot { http, .. } => {
                hubspot::notes::find(http, reference).map_err(crate::failure(Vendor::HubSpot))
            }
            Writer::Salesforce(session) => salesforce::tasks::find(session, reference),
        }
    }

    fn create(&mut self, p: &Pending) -> std::result::Result<String, Failure> {
        match self {
            Writer::HubSpot { http, types } => hubspot::notes::create(http, types, p),
            Writer::Salesforce(session) => salesforce::tasks::create(session, p),
        }
    }
}

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
fn searchable(p: &Pending, now: DateTime<Utc>, after_s: i64) -> bool {
    p.attempted_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_none_or(|t| (now - t.with_timezone(&Utc)).num_seconds() >= after_s)
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
    if !steward_core::outbox::CRMS.contains(&vendor.name()) {
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
    let mut writer = Writer::open(vendor, http)?;
    for p in pending {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        if p.unconfirmed {
            if !searchable(&p, Utc::now(), writer.confirm_after()) {
                done.waiting += 1;
                continue;
            }
            if let Some(id) = writer.find(&p.reference)? {
                record(conn, today, |w| outbox::sent(w, p.id, &id))?;
                done.found += 1;
                continue;
            }
        }
        record(conn, today, |w| outbox::begin(w, p.id))?;
        match writer.create(&p) {
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

/// Tells the CRM each account's health score and band, in the fields the
/// connection names (HubSpot `health_property`/`band_property` on the
/// company, Salesforce `health_field`/`band_field` on the Account), when
/// it names one: only the accounts whose health changed since it was last
/// told. Returns how many accounts were updated.
pub fn push_health(
    conn: &mut Connection,
    http: &mut Http,
    vendor: Vendor,
    settings: &serde_json::Map<String, serde_json::Value>,
    today: NaiveDate,
) -> Result<u32> {
    let (score_key, band_key) = match vendor {
        Vendor::HubSpot => ("health_property", "band_property"),
        Vendor::Salesforce => ("health_field", "band_field"),
        _ => return Ok(0),
    };
    let score_field = crate::setting(settings, score_key);
    let band_field = crate::setting(settings, band_key);
    if score_field.is_none() && band_field.is_none() {
        return Ok(0);
    }
    let due = outbox::health_due(conn, vendor.name())?;
    let fields = |h: &outbox::HealthDue| {
        let mut m = serde_json::Map::new();
        if let Some(f) = &score_field {
            let v = h
                .score
                .map_or(serde_json::Value::Null, |s| serde_json::json!(s));
            m.insert(f.clone(), v);
        }
        if let Some(f) = &band_field {
            m.insert(f.clone(), serde_json::json!(h.band));
        }
        m
    };
    let stop = crate::failure(vendor);
    let mut told = 0;
    match vendor {
        Vendor::Salesforce => {
            let mut session = salesforce::Session::open(http)?;
            for chunk in due.chunks(200) {
                let records: Vec<serde_json::Value> = chunk
                    .iter()
                    .map(|h| {
                        let mut r = fields(h);
                        r.insert("attributes".into(), serde_json::json!({"type": "Account"}));
                        r.insert("id".into(), serde_json::json!(h.remote));
                        serde_json::Value::Object(r)
                    })
                    .collect();
                let answer = session.patch(
                    &format!("{}/composite/sobjects", salesforce::API),
                    &serde_json::json!({"allOrNone": false, "records": records}),
                )?;
                // One result per record, in order: keep those that took.
                let took: Vec<outbox::HealthDue> = chunk
                    .iter()
                    .zip(answer.as_array().into_iter().flatten())
                    .filter(|(_, r)| {
                        r.get("success").and_then(serde_json::Value::as_bool) == Some(true)
                    })
                    .map(|(h, _)| h.clone())
                    .collect();
                told += took.len() as u32;
                record(conn, today, |w| {
                    outbox::health_sent(w, vendor.name(), &took)
                })?;
            }
        }
        _ => {
            for chunk in due.chunks(100) {
                let inputs: Vec<serde_json::Value> = chunk
                    .iter()
                    .map(|h| serde_json::json!({"id": h.remote, "properties": fields(h)}))
                    .collect();
                http.post(
                    "/crm/v3/objects/companies/batch/update",
                    &serde_json::json!({"inputs": inputs}),
                )
                .map_err(&stop)?;
                told += chunk.len() as u32;
                record(conn, today, |w| {
                    outbox::health_sent(w, vendor.name(), chunk)
                })?;
            }
        }
    }
    Ok(told)
}
