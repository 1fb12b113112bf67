//! Sync: the book fills itself from the systems a company runs. `http` is
//! the one client every connector uses (throttle, retries, honest errors);
//! each connector (HubSpot, Salesforce, Stripe, Zendesk, PostHog) turns the vendor's
//! pages into records for the core's ingest path, the same one file import
//! uses, with the source `sync:<vendor>` on every row. A `Run` (`run.rs`) gives a
//! connector what every one needs: its stored cursor, and `commit`, which
//! writes a page's rows and the cursor after them in one transaction
//! through the core's write path, then reports progress and honours
//! Cancel. Outside records are linked to the book's accounts by id, domain
//! and name; what cannot be linked safely waits in `review` for the CSM.
//! CRM deals and contracts give accounts their renewals (`renewals`).
//! Connections (vendor, base URL, settings) and a log of every run live in
//! the portfolio, with what a secret can see (`connections::probe`) and a
//! vendor's round (sync, then outbox); secrets live in the OS keychain
//! (`secrets`). The `outbox` sends the CSM's check-ins to the CRM exactly
//! once (HubSpot notes, Salesforce tasks) and, when asked, health scores.

pub mod connections;
pub mod http;
pub mod hubspot;
pub mod outbox;
pub mod posthog;
mod renewals;
pub mod review;
mod run;
pub mod salesforce;
pub mod secrets;
pub mod stripe;
pub mod zendesk;

pub use connections::{
    base_url, connect, connection, disconnect, overview, round, ConnectionView, Probe, Round,
    VendorConnection,
};
pub use run::{run, runs, Linked, Page, Progress, Run, RunLine};

use chrono::Utc;
use serde::Serialize;
use serde_json::{Map, Value};

use steward_core::error::{Error, Result};

/// The systems Steward syncs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    #[default]
    HubSpot,
    Salesforce,
    Stripe,
    Zendesk,
    PostHog,
}

impl Vendor {
    pub const ALL: [Vendor; 5] = [
        Vendor::HubSpot,
        Vendor::Salesforce,
        Vendor::Stripe,
        Vendor::Zendesk,
        Vendor::PostHog,
    ];

    /// Its name in commands, cursors and sources.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::HubSpot => "hubspot",
            Vendor::Salesforce => "salesforce",
            Vendor::Stripe => "stripe",
            Vendor::Zendesk => "zendesk",
            Vendor::PostHog => "posthog",
        }
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Vendor::HubSpot => "HubSpot",
            Vendor::Salesforce => "Salesforce",
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
            // The login address; the data is read from the instance the
            // login names. A sandbox signs in at test.salesforce.com, a
            // client-credentials app at its My Domain.
            Vendor::Salesforce => Some("https://login.salesforce.com"),
            Vendor::Stripe => Some("https://api.stripe.com"),
            Vendor::Zendesk => None,
            Vendor::PostHog => Some("https://us.posthog.com"),
        }
    }

    /// The environment variable a headless run may take the secret from.
    pub fn env_var(self) -> &'static str {
        match self {
            Vendor::HubSpot => "STEWARD_HUBSPOT_TOKEN",
            // With _CLIENT_SECRET and, for the refresh-token flow, _REFRESH_TOKEN.
            Vendor::Salesforce => "STEWARD_SALESFORCE_CLIENT_ID",
            Vendor::Stripe => "STEWARD_STRIPE_KEY",
            Vendor::Zendesk => "STEWARD_ZENDESK_TOKEN",
            Vendor::PostHog => "STEWARD_POSTHOG_KEY",
        }
    }

    /// Which secret the vendor needs, in words.
    pub fn secret_help(self) -> &'static str {
        match self {
            Vendor::HubSpot => "a private app token with crm.objects.companies.read and crm.objects.contacts.read (and crm.objects.companies.write and crm.objects.contacts.write to write check-ins back as notes)",
            Vendor::Stripe => "a restricted key (rk_...) with read access to customers, subscriptions, invoices and events",
            Vendor::Zendesk => "agent@example.com/token:API_TOKEN (an admin's API token), or an OAuth token",
            Vendor::PostHog => "a personal API key (phx_...) with the Query Read scope",
            Vendor::Salesforce => "CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN of a connected app with the api and refresh_token scopes (or CLIENT_ID:CLIENT_SECRET for the client credentials flow, signing in at your My Domain)",
        }
    }

    /// Whether a record of it that matches no account is a new account (a
    /// CRM's companies, billing customers); a support organization or a
    /// product group that matches none waits for review instead.
    pub fn makes_accounts(self) -> bool {
        matches!(self, Vendor::HubSpot | Vendor::Salesforce | Vendor::Stripe)
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
            Vendor::Salesforce => http::Patience::salesforce(),
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
            Vendor::Salesforce => salesforce::sync(run),
        }
    }
}

/// What a run did with the records it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
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

/// A setting's text, when given (numbers as written).
pub(crate) fn setting(settings: &Map<String, Value>, key: &str) -> Option<String> {
    match settings.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
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

/// A vendor failure as the run's error, named after the vendor: out of
/// reach is `Offline`, a refused secret `Reconnect`, the rest in words.
pub(crate) fn failure(vendor: Vendor) -> impl Fn(http::Failure) -> Error {
    move |f| {
        let text = format!("{}: {f}", vendor.title());
        match f {
            http::Failure::Network(_) => Error::Offline(text),
            http::Failure::Unauthorized(_) => Error::Reconnect(text),
            _ => Error::invalid(text),
        }
    }
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
