//! `steward connect` and `steward sync`: a vendor's connection, a sync
//! run with its counts, and the log of the last runs.

use std::path::Path;

use chrono::NaiveDate;
use steward_core::{store, Error};

use crate::CliError;

#[derive(clap::Args)]
pub(crate) struct ConnectArgs {
    vendor: String,
    /// The vendor's API address (a sandbox, a self-hosted one, a test server).
    #[arg(long, default_value = "https://api.hubapi.com")]
    base_url: String,
}

#[derive(clap::Args)]
pub(crate) struct SyncArgs {
    vendor: String,
    /// Walk everything again instead of what changed.
    #[arg(long)]
    full: bool,
}

pub(crate) fn connect(data_dir: &Path, args: ConnectArgs) -> Result<(), CliError> {
    let ConnectArgs { vendor, base_url } = args;
    known(&vendor)?;
    let conn = store::open_in(data_dir)?;
    steward_sync::connect(&conn, &vendor, &base_url)?;
    out!("{vendor} connected at {base_url}; sync with STEWARD_HUBSPOT_TOKEN=... steward sync {vendor}");
    Ok(())
}

pub(crate) fn sync(data_dir: &Path, today: NaiveDate, args: SyncArgs) -> Result<(), CliError> {
    let SyncArgs { vendor, full } = args;
    let mut conn = store::open_in(data_dir)?;
    if vendor == "status" {
        for (started, outcome, written, unchanged, rejected, requests, waited, error) in
            steward_sync::runs(&conn, steward_sync::hubspot::VENDOR, 10)?
        {
            out!(
                "{started}  {outcome:<9} {written} written, {unchanged} unchanged, {rejected} rejected; {requests} requests, {:.1} s waiting{}",
                waited as f64 / 1000.0,
                error.map(|e| format!("; {e}")).unwrap_or_default()
            );
        }
        return Ok(());
    }
    known(&vendor)?;
    let base = steward_sync::base_url(&conn, &vendor)?;
    let token = std::env::var("STEWARD_HUBSPOT_TOKEN").map_err(|_| {
        Error::invalid("Set STEWARD_HUBSPOT_TOKEN to a HubSpot private app token (scope crm.objects.companies.read) for this run.")
    })?;
    let mut http =
        steward_sync::http::Http::new(&base, &token, steward_sync::http::Patience::hubspot())
            .map_err(|e| Error::invalid(e.to_string()))?;
    let report = steward_sync::run_hubspot(&mut conn, &mut http, today, full)?;
    out!(
        "{} written, {} unchanged, {} rejected; {} requests ({} retried), {:.1} s waiting, {:.1} s in all",
        report.counts.written,
        report.counts.unchanged,
        report.counts.rejected,
        report.traffic.requests,
        report.traffic.retries,
        report.traffic.waited_ms as f64 / 1000.0,
        report.seconds
    );
    for r in &report.counts.reasons {
        out!("  rejected: {r}");
    }
    Ok(())
}

/// Refuses a vendor Steward has no connector for yet.
fn known(vendor: &str) -> Result<(), Error> {
    if vendor == steward_sync::hubspot::VENDOR {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "Steward syncs from hubspot so far, not \"{vendor}\"."
        )))
    }
}
