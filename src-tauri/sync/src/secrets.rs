//! Where a connection's secret lives: the OS keychain (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows), one entry per
//! vendor and address, never the portfolio, a log or an error message. A
//! headless run (the CLI, CI) may instead take the secret from the vendor's
//! environment variable for that run only; nothing then is stored.

use steward_core::error::{Error, Result};

use crate::Vendor;
use steward_core::say;

/// The keychain's service name for every Steward secret.
const SERVICE: &str = "Steward";

fn entry(vendor: Vendor, base_url: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &format!("{} {}", vendor.name(), base_url)).map_err(unavailable)
}

/// The keychain cannot be reached: say so, and what still works.
fn unavailable(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => Error::not_found(say!("No secret is stored for this connection.", "Für diese Verbindung ist kein Geheimnis gespeichert.")),
        keyring::Error::NoDefaultStore | keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            Error::invalid(format!(
                "The system keychain is not available ({e}), so Steward cannot keep the secret. \
                 Unlock or install a keychain (on Linux, GNOME Keyring or KWallet), or give the secret \
                 for one run in its environment variable; it is never written to disk in plain text."
            ))
        }
        other => Error::invalid(say!(
"The system keychain refused: {other}",
"Der Schlüsselbund des Systems hat abgelehnt: {other}")),
    }
}

/// Keeps the secret in the keychain, replacing an earlier one.
pub fn store(vendor: Vendor, base_url: &str, secret: &str) -> Result<()> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(Error::invalid(say!(
            "The secret is empty.",
            "Das Geheimnis ist leer."
        )));
    }
    entry(vendor, base_url)?
        .set_password(secret)
        .map_err(unavailable)
}

/// Removes the stored secret; none stored is fine.
pub fn forget(vendor: Vendor, base_url: &str) -> Result<()> {
    match entry(vendor, base_url)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}

/// Whether a secret is stored (false also when the keychain is unreachable).
pub fn is_stored(vendor: Vendor, base_url: &str) -> bool {
    entry(vendor, base_url).is_ok_and(|e| e.get_password().is_ok())
}

/// The secret for a run: the environment variable when set (headless, one
/// run, not stored), else the keychain's.
pub fn for_run(vendor: Vendor, base_url: &str) -> Result<String> {
    if vendor == Vendor::Salesforce {
        // Three variables make Salesforce's secret: id, secret, refresh token.
        let var = |k: &str| {
            std::env::var(format!("STEWARD_SALESFORCE_{k}"))
                .ok()
                .filter(|v| !v.trim().is_empty())
        };
        if let (Some(id), Some(secret)) = (var("CLIENT_ID"), var("CLIENT_SECRET")) {
            return Ok(match var("REFRESH_TOKEN") {
                Some(refresh) => format!("{}:{}:{}", id.trim(), secret.trim(), refresh.trim()),
                None => format!("{}:{}", id.trim(), secret.trim()),
            });
        }
    }
    if let Some(v) = std::env::var(vendor.env_var())
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return Ok(v.trim().to_string());
    }
    match entry(vendor, base_url)?.get_password() {
        Ok(s) => Ok(s),
        Err(keyring::Error::NoEntry) => Err(Error::not_found(say!(
"No {} secret is stored: connect again with the secret ({}), or set {} for one run.",
"Kein Geheimnis für {} gespeichert: verbinden Sie erneut mit dem Geheimnis ({}) oder setzen Sie {} für einen Lauf.",
            vendor.title(),
            vendor.secret_help(),
            vendor.env_var()
        ))),
        Err(e) => Err(unavailable(e)),
    }
}
