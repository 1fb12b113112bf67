//! Connections as the CSM manages them: stored (vendor, base URL, settings,
//! paused) with the secret in the keychain; an overview of each with its
//! last runs, what waits for review and what the outbox owes; a probe that
//! shows what a secret can see before anything is stored; and `round`, one
//! vendor's sync followed by its outbox, as the CLI, the app's "Sync now"
//! and its schedule all run it.

use std::sync::atomic::AtomicBool;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use steward_core::error::{Error, ErrorCode, Result};

use crate::http::Traffic;
use crate::outbox::Delivery;
use crate::{secrets, Counts, Progress, RunReport, Vendor};
use steward_core::say;

/// A connection as stored: where the vendor is and its settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorConnection {
    pub vendor: Vendor,
    pub base_url: String,
    pub settings: Map<String, Value>,
    pub paused: bool,
}

/// Stores the vendor's connection (its base URL: the vendor's own, a
/// sandbox, a self-hosted one, or a test server) and settings, which
/// replace those given before key by key.
pub fn connect(
    conn: &Connection,
    vendor: Vendor,
    base_url: &str,
    settings: &Map<String, Value>,
) -> Result<()> {
    let url = base_url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Error::invalid(say!(
            "\"{url}\" is not a web address (https://...).",
            "„{url}“ ist keine Webadresse (https://…)."
        )));
    }
    let mut merged = connection(conn, vendor)
        .ok()
        .map(|c| c.settings)
        .unwrap_or_default();
    for (k, v) in settings {
        merged.insert(k.clone(), v.clone());
    }
    conn.execute(
        "INSERT INTO sync_connections(vendor, base_url, settings, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(vendor) DO UPDATE SET base_url = excluded.base_url, settings = excluded.settings",
        params![
            vendor.name(),
            url,
            Value::Object(merged).to_string(),
            Utc::now().to_rfc3339()
        ],
    )?;
    Ok(())
}

/// The vendor's stored connection.
pub fn connection(conn: &Connection, vendor: Vendor) -> Result<VendorConnection> {
    let (base_url, settings, paused): (String, String, bool) = conn
        .query_row(
            "SELECT base_url, settings, paused FROM sync_connections WHERE vendor = ?1",
            [vendor.name()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "No {} connection: connect it first (steward connect {} --base-url URL).",
                "Keine Verbindung zu {}: zuerst verbinden (steward connect {} --base-url URL).",
                vendor.title(),
                vendor.name()
            ))
        })?;
    let settings = match serde_json::from_str(&settings) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Ok(VendorConnection {
        vendor,
        base_url,
        settings,
        paused,
    })
}

/// The vendor's stored base URL.
pub fn base_url(conn: &Connection, vendor: Vendor) -> Result<String> {
    Ok(connection(conn, vendor)?.base_url)
}

/// Removes the connection, its cursors and its stored secret; the data it
/// brought stays in the book.
pub fn disconnect(conn: &Connection, vendor: Vendor) -> Result<()> {
    if let Ok(c) = connection(conn, vendor) {
        secrets::forget(vendor, &c.base_url)?;
    }
    conn.execute(
        "DELETE FROM sync_cursors WHERE vendor = ?1",
        [vendor.name()],
    )?;
    conn.execute(
        "DELETE FROM sync_connections WHERE vendor = ?1",
        [vendor.name()],
    )?;
    Ok(())
}

/// Pauses or resumes a connection: a paused one is left out of "sync all"
/// and the schedule (a run asked for by name still runs).
pub fn set_paused(conn: &Connection, vendor: Vendor, paused: bool) -> Result<()> {
    let changed = conn.execute(
        "UPDATE sync_connections SET paused = ?2 WHERE vendor = ?1",
        params![vendor.name(), paused],
    )?;
    if changed == 0 {
        return Err(Error::not_found(say!(
            "{} is not connected.",
            "{} ist nicht verbunden.",
            vendor.title()
        )));
    }
    Ok(())
}

/// The connected vendors that are not paused.
pub fn active(conn: &Connection) -> Vec<Vendor> {
    Vendor::ALL
        .into_iter()
        .filter(|v| connection(conn, *v).is_ok_and(|c| !c.paused))
        .collect()
}

/// How often the open app syncs a connection on its own, unless its
/// settings say otherwise (`every_minutes`).
pub const EVERY_MINUTES: i64 = 60;

/// The active connections whose last run began longer ago than their
/// interval (or that never ran): the schedule's work at `now`.
pub fn due(conn: &Connection, now: chrono::DateTime<Utc>) -> Result<Vec<Vendor>> {
    let mut out = Vec::new();
    for vendor in active(conn) {
        let every = connection(conn, vendor)
            .ok()
            .and_then(|c| crate::setting(&c.settings, "every_minutes"))
            .and_then(|m| m.parse::<i64>().ok())
            .unwrap_or(EVERY_MINUTES)
            .max(5);
        let last: Option<String> = conn.query_row(
            "SELECT max(started_at) FROM sync_runs WHERE vendor = ?1",
            [vendor.name()],
            |r| r.get(0),
        )?;
        let since = last
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| (now - t.with_timezone(&Utc)).num_minutes());
        if since.is_none_or(|m| m >= every) {
            out.push(vendor);
        }
    }
    Ok(out)
}

/// One vendor as the Connections screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ConnectionView {
    pub vendor: Vendor,
    pub title: String,
    pub connected: bool,
    /// The stored address, or the vendor's own when not connected.
    pub base_url: Option<String>,
    /// Which secret it needs, in words.
    pub secret_help: String,
    pub secret_stored: bool,
    pub paused: bool,
    #[ts(type = "Record<string, unknown>")]
    pub settings: Map<String, Value>,
    /// When the last run that completed finished (RFC 3339).
    pub last_success: Option<String>,
    /// The last run's outcome: done, failed, cancelled, running.
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    /// The last run could not reach the vendor.
    pub offline: bool,
    /// Records waiting for the CSM's decision.
    #[ts(type = "number")]
    pub waiting: i64,
    /// Check-ins not yet in this CRM (queued or unconfirmed), and refused.
    #[ts(type = "number")]
    pub outbox_pending: i64,
    #[ts(type = "number")]
    pub outbox_failed: i64,
}

/// Every vendor Steward syncs from, connected or not.
pub fn overview(conn: &Connection) -> Result<Vec<ConnectionView>> {
    let mut out = Vec::new();
    for vendor in Vendor::ALL {
        let stored = connection(conn, vendor).ok();
        let last: Option<(String, Option<String>, bool)> = conn
            .query_row(
                "SELECT outcome, error, offline FROM sync_runs WHERE vendor = ?1 ORDER BY id DESC LIMIT 1",
                [vendor.name()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let last_success: Option<String> = conn.query_row(
            "SELECT max(finished_at) FROM sync_runs WHERE vendor = ?1 AND outcome = 'done'",
            [vendor.name()],
            |r| r.get(0),
        )?;
        let count =
            |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [vendor.name()], |r| r.get(0))?) };
        out.push(ConnectionView {
            vendor,
            title: vendor.title().into(),
            connected: stored.is_some(),
            base_url: stored
                .as_ref()
                .map(|c| c.base_url.clone())
                .or_else(|| vendor.default_base_url().map(str::to_string)),
            secret_help: vendor.secret_help().into(),
            secret_stored: stored
                .as_ref()
                .is_some_and(|c| secrets::is_stored(vendor, &c.base_url)),
            paused: stored.as_ref().is_some_and(|c| c.paused),
            settings: stored.map(|c| c.settings).unwrap_or_default(),
            last_success,
            last_outcome: last.as_ref().map(|l| l.0.clone()),
            last_error: last.as_ref().and_then(|l| l.1.clone()),
            offline: last.as_ref().is_some_and(|l| l.2),
            waiting: count(
                "SELECT count(*) FROM sync_review WHERE vendor = ?1 AND decision IS NULL",
            )?,
            outbox_pending: count(
                "SELECT count(*) FROM outbox WHERE vendor = ?1 AND state IN ('queued', 'sending')",
            )?,
            outbox_failed: count(
                "SELECT count(*) FROM outbox WHERE vendor = ?1 AND state = 'failed'",
            )?,
        });
    }
    Ok(out)
}

/// What a secret lets Steward see, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Probe {
    /// One sentence: what answered and what it holds.
    pub summary: String,
    /// A few of the records a sync would bring, by name.
    pub sample: Vec<String>,
}

/// Asks the vendor at `base_url` with `secret` what it can see.
pub fn probe(
    vendor: Vendor,
    base_url: &str,
    secret: &str,
    settings: &Map<String, Value>,
) -> Result<Probe> {
    let mut http = vendor.client(base_url, secret)?;
    match vendor {
        Vendor::HubSpot => crate::hubspot::probe(&mut http, settings),
        Vendor::Stripe => crate::stripe::probe(&mut http, secret),
        Vendor::Zendesk => crate::zendesk::probe(&mut http),
        Vendor::PostHog => crate::posthog::probe(&mut http, settings),
        Vendor::Salesforce => crate::salesforce::probe(&mut http, base_url, secret, settings),
    }
}

/// What one vendor's round did: the sync, then (for a CRM) the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub vendor: Vendor,
    pub report: RunReport,
    pub delivery: Delivery,
    /// Accounts whose health the CRM was told.
    pub health: u32,
}

/// Syncs `vendor` with its stored connection and secret (or the
/// environment's for a headless run), then sends its outbox.
pub fn round(
    conn: &mut Connection,
    vendor: Vendor,
    today: NaiveDate,
    full: bool,
    cancel: Option<&AtomicBool>,
    progress: Option<Progress<'_>>,
) -> Result<Round> {
    let VendorConnection {
        base_url, settings, ..
    } = connection(conn, vendor)?;
    let secret = secrets::for_run(vendor, &base_url)?;
    let mut http = vendor.client(&base_url, &secret)?;
    let report = crate::run(conn, &mut http, vendor, today, full, cancel, progress)?;
    let delivery = crate::outbox::send(conn, &mut http, vendor, today, cancel)?;
    let health = crate::outbox::push_health(conn, &mut http, vendor, &settings, today)?;
    Ok(Round {
        vendor,
        report,
        delivery,
        health,
    })
}

/// Told while a round runs: the vendor and its counts so far.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RoundProgress {
    pub vendor: Vendor,
    pub counts: Counts,
    pub traffic: Traffic,
}

/// How one vendor's round ended, for the screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RoundEnd {
    pub vendor: Vendor,
    /// done, failed, cancelled or offline.
    pub outcome: String,
    /// Why it did not complete, in words.
    pub error: Option<String>,
    pub counts: Counts,
    pub delivery: Delivery,
}

/// Runs the rounds of `vendors` one after another; one failing (or out
/// of reach) does not keep the next from running. A Cancel ends them all.
pub fn rounds(
    conn: &mut Connection,
    vendors: &[Vendor],
    today: NaiveDate,
    full: bool,
    cancel: Option<&AtomicBool>,
    progress: &mut dyn FnMut(&RoundProgress),
) -> Vec<RoundEnd> {
    let mut ends = Vec::new();
    for &vendor in vendors {
        let mut tell = |counts: &Counts, traffic: &Traffic| {
            progress(&RoundProgress {
                vendor,
                counts: counts.clone(),
                traffic: *traffic,
            })
        };
        let began = Utc::now().to_rfc3339();
        let result = round(conn, vendor, today, full, cancel, Some(&mut tell));
        let (outcome, error, counts, delivery) = match result {
            Ok(r) => ("done", None, r.report.counts, r.delivery),
            Err(e) => {
                let outcome = match e.code() {
                    ErrorCode::Cancelled => "cancelled",
                    ErrorCode::Offline => "offline",
                    _ => "failed",
                };
                (
                    outcome,
                    Some(e.to_string()),
                    Counts::default(),
                    Delivery::default(),
                )
            }
        };
        // The counts of a run that stopped part-way are in its log line
        // (none when it stopped before it began: no secret, say).
        let counts = if outcome == "done" {
            counts
        } else {
            crate::runs(conn, Some(vendor), 1)
                .ok()
                .and_then(|r| r.into_iter().next())
                .filter(|l| l.started_at >= began)
                .map(|l| Counts {
                    written: l.written as u64,
                    unchanged: l.unchanged as u64,
                    rejected: l.rejected as u64,
                    deleted: l.deleted as u64,
                    held: l.held as u64,
                    reasons: Vec::new(),
                })
                .unwrap_or_default()
        };
        let stop = outcome == "cancelled";
        ends.push(RoundEnd {
            vendor,
            outcome: outcome.into(),
            error,
            counts,
            delivery,
        });
        if stop {
            break;
        }
    }
    ends
}

/// Sends the outbox of every connected CRM (after a check-in, say):
/// returns what went, or the first failure.
pub fn send_outboxes(conn: &mut Connection, today: NaiveDate) -> Result<Delivery> {
    let mut all = Delivery::default();
    for name in steward_core::outbox::CRMS {
        let vendor = Vendor::parse(name)?;
        let Ok(c) = connection(conn, vendor) else {
            continue;
        };
        let secret = secrets::for_run(vendor, &c.base_url)?;
        let mut http = vendor.client(&c.base_url, &secret)?;
        let d = crate::outbox::send(conn, &mut http, vendor, today, None)?;
        all.sent += d.sent;
        all.found += d.found;
        all.failed += d.failed;
        all.waiting += d.waiting;
    }
    Ok(all)
}

/// Settings from the screen: the keys a connector reads, as text.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct ConnectionInput {
    pub vendor: Vendor,
    pub base_url: String,
    /// The new secret; None keeps the stored one.
    pub secret: Option<String>,
    #[ts(type = "Record<string, string>")]
    pub settings: Map<String, Value>,
}

/// Stores a connection from the screen: the secret in the keychain first
/// (no connection is kept whose secret could not be), then the rest.
pub fn save(conn: &Connection, input: &ConnectionInput) -> Result<()> {
    let url = input.base_url.trim().trim_end_matches('/');
    if let Some(secret) = input.secret.as_deref().filter(|s| !s.trim().is_empty()) {
        secrets::store(input.vendor, url, secret)?;
    } else if !secrets::is_stored(input.vendor, url) {
        return Err(Error::invalid(say!(
            "{} needs {}.",
            "{} braucht {}.",
            input.vendor.title(),
            input.vendor.secret_help()
        )));
    }
    // A new address leaves the old one's secret behind: remove it.
    if let Ok(old) = connection(conn, input.vendor) {
        if old.base_url != url {
            secrets::forget(input.vendor, &old.base_url)?;
        }
    }
    connect(conn, input.vendor, url, &input.settings)
}
