//! Sync: the book fills itself from the systems a company runs. `http` is
//! the one client every connector uses (throttle, retries, honest errors);
//! each connector (HubSpot, Stripe, Zendesk, PostHog) turns the vendor's
//! pages into records for the core's ingest path, the same one file import
//! uses, with the source `sync:<vendor>` on every row. A `Run` gives a
//! connector what every one needs: its stored cursor, and `commit`, which
//! writes a page's rows and the cursor after them in one transaction
//! through the core's write path, then reports progress and honours
//! Cancel. Outside records are linked to the book's accounts by id, domain
//! and name; what cannot be linked safely waits in `review` for the CSM.
//! Connections (vendor, base URL, settings) and a log of every run live in
//! the portfolio; secrets live in the OS keychain (`secrets`).

pub mod http;
pub mod hubspot;
pub mod posthog;
pub mod review;
pub mod secrets;
pub mod stripe;
pub mod zendesk;

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Ingest, Link, Outcome, Record};
use steward_core::write;

/// The systems Steward syncs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    HubSpot,
    Stripe,
    Zendesk,
    PostHog,
}

impl Vendor {
    pub const ALL: [Vendor; 4] = [
        Vendor::HubSpot,
        Vendor::Stripe,
        Vendor::Zendesk,
        Vendor::PostHog,
    ];

    /// Its name in commands, cursors and sources.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::HubSpot => "hubspot",
            Vendor::Stripe => "stripe",
            Vendor::Zendesk => "zendesk",
            Vendor::PostHog => "posthog",
        }
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Vendor::HubSpot => "HubSpot",
            Vendor::Stripe => "Stripe",
            Vendor::Zendesk => "Zendesk",
            Vendor::PostHog => "PostHog",
        }
    }

    pub fn parse(name: &str) -> Result<Vendor> {
        let name = name.trim().to_lowercase();
        Vendor::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "Steward syncs from {}, not \"{name}\".",
                    Vendor::ALL.map(Vendor::name).join(", ")
                ))
            })
    }

    /// The vendor's own address; Zendesk has none (each company has its
    /// own subdomain).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Vendor::HubSpot => Some("https://api.hubapi.com"),
            Vendor::Stripe => Some("https://api.stripe.com"),
            Vendor::Zendesk => None,
            Vendor::PostHog => Some("https://us.posthog.com"),
        }
    }

    /// The environment variable a headless run may take the secret from.
    pub fn env_var(self) -> &'static str {
        match self {
            Vendor::HubSpot => "STEWARD_HUBSPOT_TOKEN",
            Vendor::Stripe => "STEWARD_STRIPE_KEY",
            Vendor::Zendesk => "STEWARD_ZENDESK_TOKEN",
            Vendor::PostHog => "STEWARD_POSTHOG_KEY",
        }
    }

    /// Which secret the vendor needs, in words.
    pub fn secret_help(self) -> &'static str {
        match self {
            Vendor::HubSpot => "a private app token with crm.objects.companies.read and crm.objects.contacts.read",
            Vendor::Stripe => "a restricted key (rk_...) with read access to customers, subscriptions, invoices and events",
            Vendor::Zendesk => "agent@example.com/token:API_TOKEN (an admin's API token), or an OAuth token",
            Vendor::PostHog => "a personal API key (phx_...) with the Query Read scope",
        }
    }

    /// The source its rows are recorded under.
    pub fn source(self) -> String {
        format!("sync:{}", self.name())
    }

    pub fn patience(self) -> http::Patience {
        match self {
            Vendor::HubSpot => http::Patience::hubspot(),
            Vendor::Stripe => http::Patience::stripe(),
            Vendor::Zendesk => http::Patience::zendesk(),
            Vendor::PostHog => http::Patience::posthog(),
        }
    }

    /// An HTTP client for this vendor at `base` with `secret`.
    pub fn client(self, base: &str, secret: &str) -> Result<http::Http> {
        let http = http::Http::new(base, secret, self.patience())
            .map_err(|e| Error::invalid(e.to_string()))?;
        Ok(match self {
            Vendor::Stripe => http.with_header("Stripe-Version", stripe::API_VERSION),
            _ => http,
        })
    }

    fn sync(self, run: &mut Run<'_>) -> Result<()> {
        match self {
            Vendor::HubSpot => hubspot::sync(run),
            Vendor::Stripe => stripe::sync(run),
            Vendor::Zendesk => zendesk::sync(run),
            Vendor::PostHog => posthog::sync(run),
        }
    }
}

/// What a run did with the records it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub written: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Deleted or archived at the vendor, and so removed or closed here.
    pub deleted: u64,
    /// Waiting in the review list: Steward would not guess their account.
    pub held: u64,
    /// Why records were rejected (the first ones).
    pub reasons: Vec<String>,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.written += other.written;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        self.deleted += other.deleted;
        self.held += other.held;
        for r in other.reasons {
            self.reason(r);
        }
    }

    fn reason(&mut self, reason: String) {
        if self.reasons.len() < 20 {
            self.reasons.push(reason);
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
        return Err(Error::invalid(format!(
            "\"{url}\" is not a web address (https://...)."
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
            Error::not_found(format!(
                "No {} connection: connect it first (steward connect {} --base-url URL).",
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

/// Told after every committed page: the run's counts and traffic so far.
pub type Progress<'a> = &'a mut dyn FnMut(&Counts, &http::Traffic);

/// What a connector is given for one run.
pub struct Run<'a> {
    conn: &'a mut Connection,
    pub http: &'a mut http::Http,
    pub today: NaiveDate,
    /// Walk everything again instead of what changed.
    pub full: bool,
    pub settings: Map<String, Value>,
    pub counts: Counts,
    vendor: Vendor,
    cancel: Option<&'a AtomicBool>,
    progress: Option<Progress<'a>>,
}

impl<'a> Run<'a> {
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    /// A setting's text, when given.
    pub fn setting(&self, key: &str) -> Option<String> {
        match self.settings.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Where `object` stood after the last committed page; None to start
    /// over (no cursor yet, an unreadable one, or a full run asked for).
    pub fn cursor<C: DeserializeOwned>(&self, object: &str) -> Result<Option<C>> {
        if self.full {
            return Ok(None);
        }
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT cursor FROM sync_cursors WHERE vendor = ?1 AND object = ?2",
                [self.vendor.name(), object],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Writes one page of `entity` records and the cursor after it in one
    /// transaction (`body` fills the page), then reports progress; a
    /// Cancel stops the run here, with everything so far kept.
    pub fn commit<C: Serialize>(
        &mut self,
        object: &str,
        entity: Entity,
        fields: &[&str],
        cursor: &C,
        body: impl FnOnce(&mut Page<'_>) -> Result<()>,
    ) -> Result<()> {
        let fields: Vec<_> = fields.iter().filter_map(|k| entity.field(k)).collect();
        let vendor = self.vendor;
        let cursor = serde_json::to_string(cursor).map_err(|e| Error::Internal(e.to_string()))?;
        let (counts, _) = write::run(self.conn, self.today, |w| {
            let mut page = Page {
                ingest: Ingest::new(w, entity, &vendor.source(), &fields)?,
                vendor,
                object,
                counts: Counts::default(),
            };
            body(&mut page)?;
            let Page { ingest, counts, .. } = page;
            ingest.finish()?;
            w.conn().execute(
                "INSERT INTO sync_cursors(vendor, object, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(vendor, object) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                params![vendor.name(), object, cursor, Utc::now().to_rfc3339()],
            )?;
            Ok(counts)
        })?;
        self.counts.add(counts);
        if let Some(p) = self.progress.as_mut() {
            p(&self.counts, &self.http.traffic);
        }
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }
}

/// One page being written: the core's ingest for its entity, and what
/// happened to each record.
pub struct Page<'w> {
    pub ingest: Ingest<'w>,
    vendor: Vendor,
    object: &'w str,
    counts: Counts,
}

/// Where an outside record's data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// An account of the book.
    Account(i64),
    /// No account is this record: the upsert creates one.
    New,
    /// Waiting in the review list.
    Held,
}

impl Page<'_> {
    /// Upserts a record, or counts why it cannot be one.
    pub fn put(&mut self, record: std::result::Result<Record, String>) -> Result<()> {
        match record.map(|r| self.ingest.upsert(&r)) {
            Ok(Ok(Ok(Outcome::Written))) => self.counts.written += 1,
            Ok(Ok(Ok(Outcome::Unchanged))) => self.counts.unchanged += 1,
            Ok(Ok(Err(reason))) | Err(reason) => self.reject(reason),
            Ok(Err(e)) => return Err(e),
        }
        Ok(())
    }

    pub fn reject(&mut self, reason: String) {
        self.counts.rejected += 1;
        self.counts.reason(reason);
    }

    /// A record skipped as it is (archived, not yet a customer): unchanged.
    pub fn skip(&mut self) {
        self.counts.unchanged += 1;
    }

    /// Links an outside record that is an account (a CRM company, a billing
    /// customer, a support organization, a product group) to the book. A
    /// record Steward cannot place safely waits for review; one that matches
    /// nothing is new when `may_create` (a CRM's companies), else waits too.
    pub fn link(
        &mut self,
        external_id: &str,
        label: &str,
        domain: Option<&str>,
        may_create: bool,
    ) -> Result<Linked> {
        let decided = review::decision(self.ingest_conn(), self.vendor, self.object, external_id)?;
        if decided.as_deref() == Some("new") {
            return Ok(Linked::New);
        }
        let (reason, candidates) = match self.ingest.link(external_id, domain, Some(label))? {
            Link::Known(id) | Link::Matched { account: id, .. } => {
                review::settle(self.ingest_conn(), self.vendor, self.object, external_id)?;
                return Ok(Linked::Account(id));
            }
            Link::Unmatched if may_create => return Ok(Linked::New),
            Link::Unmatched => ("no account has this name or domain".to_string(), vec![]),
            Link::Ambiguous { reason, candidates } => (reason, candidates),
        };
        review::hold(
            self.ingest_conn(),
            self.vendor,
            self.object,
            external_id,
            label,
            &reason,
            &candidates,
        )?;
        self.counts.held += 1;
        Ok(Linked::Held)
    }

    /// Finishes the records of one entity and goes on with another in the
    /// same transaction (an event stream mixes them); accounts written so
    /// far are found by the next entity's records.
    pub fn switch(&mut self, entity: Entity, fields: &[&str]) -> Result<()> {
        let fields: Vec<_> = fields.iter().filter_map(|k| entity.field(k)).collect();
        let next = Ingest::new(self.ingest.write(), entity, &self.vendor.source(), &fields)?;
        std::mem::replace(&mut self.ingest, next).finish()
    }

    /// Where an account came from (`file`, `sync:hubspot`, ...).
    pub fn origin(&self, account: i64) -> Result<String> {
        Ok(self
            .ingest_conn()
            .prepare_cached("SELECT source FROM accounts WHERE id = ?1")?
            .query_row([account], |r| r.get(0))?)
    }

    /// Removes a record the vendor deleted (by its id in this source).
    pub fn delete(&mut self, entity: Entity, external_id: &str) -> Result<()> {
        let conn = self.ingest_conn();
        let account: Option<i64> = conn
            .query_row(
                &format!(
                    "DELETE FROM {} WHERE source = ?1 AND external_id = ?2 RETURNING account_id",
                    entity.table()
                ),
                params![self.vendor.source(), external_id],
                |r| r.get(0),
            )
            .optional()?;
        match account {
            Some(id) => {
                self.ingest.touch(id);
                self.counts.deleted += 1;
            }
            None => self.counts.unchanged += 1,
        }
        Ok(())
    }

    fn ingest_conn(&self) -> &Connection {
        self.ingest.conn()
    }
}

/// Runs a vendor's sync and logs it, whatever its end: the connection's
/// settings and secret as given, progress after every committed page, and
/// Cancel honoured between pages.
pub fn run(
    conn: &mut Connection,
    http: &mut http::Http,
    vendor: Vendor,
    today: NaiveDate,
    full: bool,
    cancel: Option<&AtomicBool>,
    progress: Option<Progress<'_>>,
) -> Result<RunReport> {
    let started = std::time::Instant::now();
    // A connection's settings when stored (tests may run without one).
    let settings = connection(conn, vendor)
        .map(|c| c.settings)
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO sync_runs(vendor, started_at) VALUES (?1, ?2)",
        params![vendor.name(), Utc::now().to_rfc3339()],
    )?;
    let id = conn.last_insert_rowid();
    let mut run = Run {
        conn,
        http,
        today,
        full,
        settings,
        counts: Counts::default(),
        vendor,
        cancel,
        progress: progress.map(|p| -> Progress<'_> { p }),
    };
    let result = vendor.sync(&mut run);
    let counts = run.counts.clone();
    let (outcome, error) = match &result {
        Ok(()) => ("done", None),
        Err(Error::Cancelled) => ("cancelled", None),
        Err(e) => ("failed", Some(e.to_string())),
    };
    conn.execute(
        "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, written = ?4, unchanged = ?5, rejected = ?6,
           requests = ?7, waited_ms = ?8, error = ?9, deleted = ?10, held = ?11 WHERE id = ?1",
        params![
            id,
            Utc::now().to_rfc3339(),
            outcome,
            counts.written as i64,
            counts.unchanged as i64,
            counts.rejected as i64,
            http.traffic.requests as i64,
            http.traffic.waited_ms as i64,
            error,
            counts.deleted as i64,
            counts.held as i64,
        ],
    )?;
    result?;
    Ok(RunReport {
        counts,
        traffic: http.traffic,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One logged run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunLine {
    pub vendor: String,
    pub started_at: String,
    pub outcome: String,
    pub written: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub deleted: i64,
    pub held: i64,
    pub requests: i64,
    pub waited_ms: i64,
    pub error: Option<String>,
}

/// The latest runs, newest first (of one vendor, or of all).
pub fn runs(conn: &Connection, vendor: Option<Vendor>, limit: u32) -> Result<Vec<RunLine>> {
    let mut stmt = conn.prepare(
        "SELECT vendor, started_at, outcome, written, unchanged, rejected, deleted, held, requests, waited_ms, error
         FROM sync_runs WHERE ?1 IS NULL OR vendor = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![vendor.map(Vendor::name), limit], |r| {
        Ok(RunLine {
            vendor: r.get(0)?,
            started_at: r.get(1)?,
            outcome: r.get(2)?,
            written: r.get(3)?,
            unchanged: r.get(4)?,
            rejected: r.get(5)?,
            deleted: r.get(6)?,
            held: r.get(7)?,
            requests: r.get(8)?,
            waited_ms: r.get(9)?,
            error: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A whole-seconds Unix time as a day (UTC), for the vendors that send them.
pub(crate) fn unix_day(seconds: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive().to_string())
}

/// A JSON id that may come as a number or a string.
pub(crate) fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A vendor failure as the run's error, named after the vendor.
pub(crate) fn failure(vendor: Vendor) -> impl Fn(http::Failure) -> Error {
    move |f| Error::invalid(format!("{}: {f}", vendor.title()))
}

/// An RFC 3339 time as the book stores moments: UTC, whole seconds.
pub(crate) fn utc(text: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
}
