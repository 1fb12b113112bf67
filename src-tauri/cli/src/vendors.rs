//! `steward connect`, `steward disconnect`, `steward sync` and `steward
//! outbox`: a vendor's connection with its secret in the keychain, sync runs
//! with their counts, the log of the last runs, the review list of records
//! Steward would not link on its own, and the check-ins owed to the CRM.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Map, Value};
use steward_core::{lang, say, store, Error};
use steward_sync::review::{self, Decision};
use steward_sync::{secrets, Vendor};

use crate::CliError;

#[derive(clap::Args)]
pub(crate) struct ConnectArgs {
    vendor: String,
    /// The vendor's API address (a sandbox, a self-hosted one, a Zendesk
    /// subdomain, a test server); the vendor's own when left out.
    #[arg(long)]
    base_url: Option<String>,
    /// A setting, KEY=VALUE (PostHog: project=ID, query=HOGQL; Stripe:
    /// account_metadata=KEY). Repeat for more.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    settings: Vec<String>,
    /// Store no secret: each run takes it from the environment variable.
    #[arg(long)]
    no_secret: bool,
}

#[derive(clap::Args)]
pub(crate) struct SyncArgs {
    /// A vendor, or status, review, link; every connected vendor when left out.
    what: Option<String>,
    /// For link: VENDOR ID ACCOUNT_ID|new.
    rest: Vec<String>,
    /// Walk everything again instead of what changed.
    #[arg(long)]
    full: bool,
}

pub(crate) fn connect(data_dir: &Path, args: ConnectArgs) -> Result<(), CliError> {
    let vendor = Vendor::parse(&args.vendor)?;
    let base_url = match (&args.base_url, vendor.default_base_url()) {
        (Some(u), _) => u.clone(),
        (None, Some(u)) => u.to_string(),
        (None, None) => {
            return Err(Error::invalid(format!(
            "{} needs --base-url (your company's address, e.g. https://yourcompany.zendesk.com).",
            vendor.title()
        ))
            .into())
        }
    };
    let mut settings = Map::new();
    for pair in &args.settings {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            Error::invalid(say!(
                "--set wants KEY=VALUE, not \"{pair}\".",
                "--set erwartet SCHLÜSSEL=WERT, nicht „{pair}“."
            ))
        })?;
        settings.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
    }
    let conn = store::open_in(data_dir)?;
    steward_sync::connect(&conn, vendor, &base_url, &settings)?;
    let secret = if args.no_secret {
        String::new()
    } else {
        read_secret(vendor)?
    };
    let base = steward_sync::base_url(&conn, vendor)?;
    if secret.is_empty() {
        let (title, var) = (vendor.title(), vendor.env_var());
        tell!(
            "{title} connected at {base}; no secret stored: give it for each run in {var}.",
            "{title} unter {base} verbunden; kein Schlüssel gespeichert: geben Sie ihn bei jedem Lauf in {var} mit."
        );
    } else {
        secrets::store(vendor, &base, &secret)?;
        let (title, name) = (vendor.title(), vendor.name());
        tell!(
            "{title} connected at {base}; the secret is in the system keychain. Sync with: steward sync {name}",
            "{title} unter {base} verbunden; der Schlüssel liegt im Schlüsselbund des Systems. Abgleich mit: steward sync {name}"
        );
    }
    Ok(())
}

/// The secret from stdin: one line, asked for when a person is typing.
fn read_secret(vendor: Vendor) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let (title, help, var) = (vendor.title(), vendor.secret_help(), vendor.env_var());
        eprintln!(
            "{}",
            say!(
                "Paste {title} ({help}) and press Enter; leave it empty to give it per run in {var}:",
                "{title} einfügen ({help}) und Enter drücken; leer lassen, um ihn bei jedem Lauf in {var} mitzugeben:"
            )
        );
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| {
        Error::io(
            say!(
                "Reading the secret from stdin",
                "Lesen des Schlüssels von stdin"
            ),
            e,
        )
    })?;
    Ok(line.trim().to_string())
}

pub(crate) fn disconnect(data_dir: &Path, vendor: &str) -> Result<(), CliError> {
    let vendor = Vendor::parse(vendor)?;
    let conn = store::open_in(data_dir)?;
    steward_sync::disconnect(&conn, vendor)?;
    let title = vendor.title();
    tell!(
        "{title} disconnected and its secret removed; the data it brought stays.",
        "{title} getrennt und sein Schlüssel entfernt; die gebrachten Daten bleiben."
    );
    Ok(())
}

pub(crate) fn sync(data_dir: &Path, today: NaiveDate, args: SyncArgs) -> Result<(), CliError> {
    let mut conn = store::open_in(data_dir)?;
    match args.what.as_deref() {
        Some("status") => return status(&conn),
        Some("review") => return waiting(&conn),
        Some("link") => return link(&mut conn, today, &args.rest),
        _ => {}
    }
    let vendors = match &args.what {
        Some(v) => vec![Vendor::parse(v)?],
        None => {
            let connected = steward_sync::connections::active(&conn);
            if connected.is_empty() {
                return Err(Error::not_found(say!(
                    "No vendor is connected: steward connect <vendor> first.",
                    "Kein Anbieter ist verbunden: zuerst steward connect <Anbieter>."
                ))
                .into());
            }
            connected
        }
    };
    let many = vendors.len() > 1;
    let mut failed = None;
    for vendor in vendors {
        match sync_one(&mut conn, today, vendor, args.full) {
            Ok(()) => {}
            // One vendor failing does not keep the others from syncing.
            Err(CliError::Core(e)) if many => {
                out!("{e}");
                failed = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn sync_one(
    conn: &mut rusqlite::Connection,
    today: NaiveDate,
    vendor: Vendor,
    full: bool,
) -> Result<(), CliError> {
    let round = steward_sync::round(conn, vendor, today, full, None, None)?;
    let (report, c) = (&round.report, &round.report.counts);
    let title = vendor.title();
    let waited = lang::decimal(report.traffic.waited_ms as f64 / 1000.0, 1);
    let all = lang::decimal(report.seconds, 1);
    tell!(
        "{title}: {} written, {} unchanged, {} deleted, {} rejected, {} to review; {} requests ({} retried), {waited} s waiting, {all} s in all",
        "{title}: {} geschrieben, {} unverändert, {} gelöscht, {} abgelehnt, {} zu prüfen; {} Anfragen ({} wiederholt), {waited} s gewartet, {all} s insgesamt",
        c.written,
        c.unchanged,
        c.deleted,
        c.rejected,
        c.held,
        report.traffic.requests,
        report.traffic.retries
    );
    for r in &c.reasons {
        tell!("  rejected: {r}", "  abgelehnt: {r}");
    }
    if c.held > 0 {
        let n = c.held;
        tell!(
            "  {n} waiting for you: steward sync review",
            "  {n} warten auf Sie: steward sync review"
        );
    }
    if round.health > 0 {
        let n = round.health;
        tell!(
            "  {title}: the health of {n} accounts written back",
            "  {title}: Health von {n} Kunden zurückgeschrieben"
        );
    }
    delivered(vendor.title(), round.delivery)
}

/// What an outbox round did, when it did anything.
fn delivered(to: &str, d: steward_sync::outbox::Delivery) -> Result<(), CliError> {
    if d != steward_sync::outbox::Delivery::default() {
        tell!(
            "{to} outbox: {} sent, {} found sent before, {} refused, {} waiting to be confirmed",
            "{to}-Postausgang: {} gesendet, {} schon früher gesendet, {} abgewiesen, {} warten auf Bestätigung",
            d.sent,
            d.found,
            d.failed,
            d.waiting
        );
    }
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct OutboxArgs {
    /// send or retry; the list when left out.
    action: Option<String>,
    /// For retry: the entry's id.
    id: Option<i64>,
}

pub(crate) fn outbox(data_dir: &Path, today: NaiveDate, args: OutboxArgs) -> Result<(), CliError> {
    let mut conn = store::open_in(data_dir)?;
    match (args.action.as_deref(), args.id) {
        (None, _) => {
            let entries = steward_core::outbox::entries(&conn, 20)?;
            if entries.is_empty() {
                tell!(
                    "The outbox is empty: no check-in is owed to a CRM.",
                    "Der Postausgang ist leer: kein Check-in steht für ein CRM aus."
                );
            }
            for e in entries {
                out!(
                    "{:>5} {:<8} {:<7} {} {} \"{}\"{}{}",
                    e.id,
                    e.vendor,
                    e.state,
                    e.occurred_on,
                    e.account_name,
                    e.summary.lines().next().unwrap_or_default(),
                    e.remote_id
                        .map(|r| say!(" as {r}", " als {r}"))
                        .unwrap_or_default(),
                    e.error.map(|r| format!("; {r}")).unwrap_or_default()
                );
            }
            Ok(())
        }
        (Some("send"), _) => {
            let d = steward_sync::connections::send_outboxes(&mut conn, today)?;
            delivered("CRM", d)
        }
        (Some("retry"), Some(id)) => {
            steward_core::write::run(&mut conn, today, |w| steward_core::outbox::retry(w, id))?;
            tell!(
                "Entry {id} is queued again; it goes with the next sync or steward outbox send.",
                "Eintrag {id} steht wieder an; er geht mit dem nächsten Abgleich oder steward outbox send."
            );
            Ok(())
        }
        _ => Err(Error::invalid(say!(
            "Use steward outbox, steward outbox send, or steward outbox retry ID.",
            "Möglich sind steward outbox, steward outbox send und steward outbox retry ID."
        ))
        .into()),
    }
}

fn status(conn: &rusqlite::Connection) -> Result<(), CliError> {
    for r in steward_sync::runs(conn, None, 20)? {
        let waited = lang::decimal(r.waited_ms as f64 / 1000.0, 1);
        tell!(
            "{}  {:<8} {:<9} {} written, {} unchanged, {} deleted, {} rejected, {} to review; {} requests, {waited} s waiting{}",
            "{}  {:<8} {:<9} {} geschrieben, {} unverändert, {} gelöscht, {} abgelehnt, {} zu prüfen; {} Anfragen, {waited} s gewartet{}",
            r.started_at,
            r.vendor,
            r.outcome,
            r.written,
            r.unchanged,
            r.deleted,
            r.rejected,
            r.held,
            r.requests,
            r.error.map(|e| format!("; {e}")).unwrap_or_default()
        );
    }
    Ok(())
}

fn waiting(conn: &rusqlite::Connection) -> Result<(), CliError> {
    let list = review::waiting(conn)?;
    if list.is_empty() {
        tell!("Nothing waits for review.", "Nichts wartet auf Prüfung.");
    }
    for w in list {
        let could: Vec<String> = w
            .candidates
            .iter()
            .map(|(id, name)| format!("{id} {name}"))
            .collect();
        out!(
            "{} {} {} \"{}\": {}{}",
            w.vendor,
            w.object,
            w.external_id,
            w.label,
            w.reason,
            if could.is_empty() {
                String::new()
            } else {
                let could = could.join(", ");
                say!(" (could be: {could})", " (könnte sein: {could})")
            }
        );
    }
    Ok(())
}

fn link(
    conn: &mut rusqlite::Connection,
    today: NaiveDate,
    rest: &[String],
) -> Result<(), CliError> {
    let [vendor, id, choice] = rest else {
        return Err(Error::invalid(say!(
            "steward sync link VENDOR ID ACCOUNT_ID|new",
            "steward sync link ANBIETER ID KUNDEN_ID|new"
        ))
        .into());
    };
    let vendor = Vendor::parse(vendor)?;
    let decision = if choice == "new" {
        Decision::New
    } else {
        Decision::Account(choice.parse().map_err(|_| {
            Error::invalid(say!(
                "\"{choice}\" is not an account id (a number) or \"new\".",
                "„{choice}“ ist keine Kunden-ID (eine Zahl) und nicht „new“."
            ))
        })?)
    };
    review::decide(conn, today, vendor, id, decision)?;
    let name = vendor.name();
    tell!(
        "Decided; the next steward sync {name} brings its data in.",
        "Entschieden; der nächste steward sync {name} bringt seine Daten."
    );
    Ok(())
}
