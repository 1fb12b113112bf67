//! An account's renewal from a CRM's deals (HubSpot deals, Salesforce
//! opportunities): once a page of deals is mirrored, each account it
//! concerns gets the date (and, in the account's own currency, the amount
//! as its CRM ARR) of its earliest open renewal deal, through the accounts'
//! upsert so history keeps the change. An account with no open renewal
//! keeps what it had.

use std::collections::BTreeMap;

use rusqlite::types::Value as Sql;
use steward_core::deals;
use steward_core::error::Result;
use steward_core::ingest::Record;

use crate::{Page, Vendor};

/// The account fields a renewal fills, in the order of the records below.
pub const FIELDS: &[&str] = &["id", "renewal_date", "arr"];

/// Notes the accounts a changed deal or contract concerns (`accounts`, its
/// account now and before), with the vendor's id of `account` when known.
pub fn mark(
    settle: &mut BTreeMap<i64, Option<String>>,
    accounts: Vec<i64>,
    account: Option<i64>,
    remote: Option<String>,
) {
    for a in accounts {
        let entry = settle.entry(a).or_default();
        if Some(a) == account && remote.is_some() {
            entry.clone_from(&remote);
        }
    }
}

/// Settles `accounts` (with the vendor's id of each when known) on a page
/// whose ingest is the accounts' with `FIELDS`.
pub fn settle(
    page: &mut Page<'_>,
    vendor: Vendor,
    accounts: BTreeMap<i64, Option<String>>,
    amount_is_arr: bool,
) -> Result<()> {
    let source = vendor.source();
    for (account, remote) in accounts {
        let Some(next) = deals::next_renewal(page.ingest.write(), &source, account)? else {
            continue;
        };
        // The account's id at the vendor, which its upsert goes by.
        let Some(remote) = remote.map_or_else(|| page.remote_id(account), |r| Ok(Some(r)))? else {
            continue;
        };
        let own = page.currency_of(account)?;
        // An amount in another currency is not the account's ARR.
        let arr = match (next.amount_minor, next.currency) {
            (Some(a), c) if amount_is_arr && c.as_deref().is_none_or(|c| c == own) => {
                Sql::Integer(a)
            }
            _ => Sql::Null,
        };
        page.put(Ok(Record {
            external_id: Some(remote),
            account_id: None,
            values: vec![Sql::Null, Sql::Text(next.date.to_string()), arr],
        }))?;
    }
    Ok(())
}
