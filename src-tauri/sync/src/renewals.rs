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
        let remote = match remote {
            Some(r) => r,
            None => match page
                .ingest
                .conn()
                .prepare_cached(
                    "SELECT external_id FROM account_external_ids WHERE account_id = ?1 AND source = ?2",
                )?
                .query_row(rusqlite::params![account, source], |r| r.get::<_, String>(0))
            {
                Ok(r) => r,
                Err(_) => continue,
            },
        };
        let own: String = page
            .ingest
            .conn()
            .prepare_cached("SELECT currency FROM accounts WHERE id = ?1")?
            .query_row([account], |r| r.get(0))?;
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
