//! Salesforce accounts, contacts and opportunities. A run signs in at the
//! connection's login address (refresh-token or client-credentials flow)
//! and then calls only the instance the sign-in names; a session that
//! expires mid-run (`INVALID_SESSION_ID`) is renewed once. Each object is
//! read by SOQL ordered by `SystemModstamp, Id`, from the last committed
//! record's stamp less an overlap (a long transaction can commit records
//! stamped earlier than ones already read), following the relative
//! `nextRecordsUrl`; every batch and the stamp after it commit together.
//! Deletions come from the `deleted` endpoint while its 15-day window
//! covers the last check, else from a reconcile of every id. The daily API
//! cap (`REQUEST_LIMIT_EXCEEDED`) stops the run with what was read kept.
//! Fields of the team's own (`*__c`) map onto account fields
//! (`account_fields`), opportunities of the renewal type give accounts
//! their renewal (`renewals.rs`), and the current activated contract its
//! start, term and (without an open renewal) end as the renewal date.

mod records;
mod session;
pub(crate) mod tasks;

use records::{account, account_fields, contact, domain, mapped, soql_time, stamp, text};
pub(crate) use session::{sign_in, Session};

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use steward_core::deals::{self, Deal};
use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Record};

use crate::http::{encode, Failure, Http};
use crate::{Linked, Page, Run, Vendor};

/// The REST API version every path names.
pub const API: &str = "/services/data/v62.0";
/// SystemModstamp is set when a transaction starts; one that commits late
/// holds stamps older than records already read. Each run looks back this far.
const OVERLAP_SECONDS: i64 = 300;
/// How far back the deleted endpoint reaches.
const DELETED_DAYS: i64 = 15;

/// An object Steward reads, and how.
struct Sobject {
    name: &'static str,
    /// Its name in cursors.
    cursor: &'static str,
    fields: &'static str,
    entity: Entity,
    steward: &'static [&'static str],
}

const ACCOUNT: Sobject = Sobject {
    name: "Account",
    cursor: "accounts",
    fields: "Id, Name, Website, Industry, NumberOfEmployees, SystemModstamp",
    entity: Entity::Accounts,
    steward: &["id", "name", "domain", "industry", "employees"],
};

const CONTACT: Sobject = Sobject {
    name: "Contact",
    cursor: "contacts",
    fields: "Id, AccountId, FirstName, LastName, Email, Title, SystemModstamp",
    entity: Entity::Contacts,
    steward: &["id", "account", "name", "email", "title"],
};

const OPPORTUNITY: Sobject = Sobject {
    name: "Opportunity",
    cursor: "opportunities",
    fields:
        "Id, AccountId, Name, StageName, Type, Amount, CloseDate, IsClosed, IsWon, SystemModstamp",
    entity: Entity::Accounts,
    steward: crate::renewals::FIELDS,
};

/// The account fields a contract fills, in the order of its records.
const CONTRACT_FIELDS: &[&str] = &["id", "contract_start", "contract_term", "renewal_date"];

const CONTRACT: Sobject = Sobject {
    name: "Contract",
    cursor: "contracts",
    fields: "Id, AccountId, Status, StartDate, EndDate, ContractTerm, SystemModstamp",
    entity: Entity::Accounts,
    steward: CONTRACT_FIELDS,
};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Cursor {
    /// The stamp of the last record committed (RFC 3339, UTC).
    since: Option<String>,
    /// Deletions are applied up to this moment (RFC 3339, UTC).
    deletes_to: Option<String>,
}

fn failure(f: Failure) -> Error {
    crate::failure(Vendor::Salesforce)(f)
}

pub fn sync(run: &mut Run<'_>) -> Result<()> {
    let login = run.http.origin().to_string();
    let secret = run.http.secret().to_string();
    sign_in(run.http, &login, &secret)?;
    let custom = account_fields(&run.settings)?;
    for object in [&ACCOUNT, &CONTACT, &OPPORTUNITY, &CONTRACT] {
        sync_object(run, &login, &secret, object, &custom)?;
    }
    Ok(())
}

fn sync_object(
    run: &mut Run<'_>,
    login: &str,
    secret: &str,
    object: &Sobject,
    custom: &[(&'static str, String)],
) -> Result<()> {
    let began = Utc::now();
    let mut cursor = run.cursor::<Cursor>(object.cursor)?.unwrap_or_default();
    let mut fields = object.fields.to_string();
    let mut steward: Vec<&str> = object.steward.to_vec();
    if object.name == ACCOUNT.name {
        for (ours, theirs) in custom {
            fields.push_str(&format!(", {theirs}"));
            steward.push(ours);
        }
    }
    let mut soql = format!("SELECT {fields} FROM {}", object.name);
    if let Some(since) = cursor.since.as_deref().and_then(stamp) {
        soql.push_str(&format!(
            " WHERE SystemModstamp >= {}",
            soql_time(since - Duration::seconds(OVERLAP_SECONDS))
        ));
    }
    soql.push_str(" ORDER BY SystemModstamp, Id");
    let mapping = Renewals::of(run);
    let mut session = Session::new(&mut *run.http, login, secret);
    let mut page = session.query(&soql)?;
    loop {
        let records = page
            .get("records")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                Error::invalid("Salesforce: a query answer without records; nothing was changed.")
            })?;
        let next_url = page
            .get("nextRecordsUrl")
            .and_then(Value::as_str)
            .map(str::to_string);
        let done = page.get("done").and_then(Value::as_bool) != Some(false) || next_url.is_none();
        let last = records
            .iter()
            .rev()
            .find_map(|r| text(r, "SystemModstamp").and_then(|t| stamp(&t)));
        let next = Cursor {
            since: last.map(|t| t.to_rfc3339()).or(cursor.since.clone()),
            deletes_to: cursor.deletes_to.clone(),
        };
        run.commit(object.cursor, object.entity, &steward, &next, |p| {
            apply(p, object, &records, custom, &mapping)
        })?;
        cursor = next;
        if done {
            break;
        }
        let url = next_url.unwrap_or_default();
        let mut session = Session::new(&mut *run.http, login, secret);
        // The next batch is a path on the instance, relative.
        page = session.get(&url)?;
    }
    deletions(run, login, secret, object, &steward, cursor, began)
}

/// The deletions since the last check: from the deleted endpoint within
/// its window; a reconcile of every id when the last check is older (or
/// there was none after a first sync).
fn deletions(
    run: &mut Run<'_>,
    login: &str,
    secret: &str,
    object: &Sobject,
    steward: &[&str],
    cursor: Cursor,
    began: DateTime<Utc>,
) -> Result<()> {
    let mut session = Session::new(&mut *run.http, login, secret);
    let from = cursor.deletes_to.as_deref().and_then(stamp);
    let gone: Vec<(String, Option<String>)> = match from {
        // A first sync read everything there is: nothing to delete yet.
        None => Vec::new(),
        Some(from) if began - from < Duration::days(DELETED_DAYS) => {
            let answer = session.get(&format!(
                "{API}/sobjects/{}/deleted/?start={}&end={}",
                object.name,
                encode(&soql_time(from - Duration::seconds(OVERLAP_SECONDS))),
                encode(&soql_time(began))
            ))?;
            answer
                .get("deletedRecords")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|d| Some((text(d, "id")?, text(d, "deletedDate"))))
                .collect()
        }
        Some(_) => {
            // Past the endpoint's window: every id Salesforce still has.
            let mut alive = HashSet::new();
            let mut page = session.query(&format!("SELECT Id FROM {}", object.name))?;
            loop {
                for r in page
                    .get("records")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = text(r, "Id") {
                        alive.insert(id);
                    }
                }
                match page.get("nextRecordsUrl").and_then(Value::as_str) {
                    Some(next) => {
                        let next = next.to_string();
                        page = session.get(&next)?;
                    }
                    None => break,
                }
            }
            known(run, object)?
                .into_iter()
                .filter(|id| !alive.contains(id))
                .map(|id| (id, None))
                .collect()
        }
    };
    // Covered up to `began` in whole seconds, as the endpoint was asked.
    let covered = stamp(&soql_time(began)).unwrap_or(began);
    let next = Cursor {
        since: cursor.since,
        deletes_to: Some(covered.to_rfc3339()),
    };
    let renewals = Renewals::of(run);
    run.commit(object.cursor, object.entity, steward, &next, |page| {
        let mut settle = BTreeMap::new();
        let mut contracts = BTreeMap::new();
        for (id, when) in &gone {
            let day = when.as_deref().and_then(stamp).map(|t| t.date_naive());
            match object.name {
                "Account" => page.unlink(id)?,
                "Contact" => page.left(id, day)?,
                "Contract" => {
                    if let Some(account) = deals::remove_contract(
                        page.ingest.write(),
                        &Vendor::Salesforce.source(),
                        id,
                    )? {
                        contracts.insert(account, None);
                    }
                    page.removed();
                }
                _ => {
                    if let Some(account) =
                        deals::remove(page.ingest.write(), &Vendor::Salesforce.source(), id)?
                    {
                        settle.insert(account, None);
                    }
                    page.removed();
                }
            }
        }
        if object.name == CONTRACT.name {
            return settle_contracts(page, contracts);
        }
        crate::renewals::settle(page, Vendor::Salesforce, settle, renewals.amount_is_arr)
    })
}

/// Gives each account its current contract's start and term, and its end
/// as the renewal date when no renewal opportunity is open (that one
/// knows better). An account without an activated contract keeps what it had.
fn settle_contracts(page: &mut Page<'_>, accounts: BTreeMap<i64, Option<String>>) -> Result<()> {
    let source = Vendor::Salesforce.source();
    for (account, remote) in accounts {
        let Some(c) = deals::current_contract(page.ingest.write(), &source, account)? else {
            continue;
        };
        let Some(remote) = remote.map_or_else(|| page.remote_id(account), |r| Ok(Some(r)))? else {
            continue;
        };
        let renewal_open = deals::next_renewal(page.ingest.write(), &source, account)?.is_some();
        let date = |d: Option<NaiveDate>| d.map_or(Sql::Null, |d| Sql::Text(d.to_string()));
        page.put(Ok(Record {
            external_id: Some(remote),
            account_id: None,
            values: vec![
                Sql::Null,
                date(c.start_date),
                c.term_months
                    .filter(|m| (1..=120).contains(m))
                    .map_or(Sql::Null, Sql::Integer),
                if renewal_open {
                    Sql::Null
                } else {
                    date(c.end_date)
                },
            ],
        }))?;
    }
    Ok(())
}

/// The ids of `object` the book holds from Salesforce.
fn known(run: &Run<'_>, object: &Sobject) -> Result<Vec<String>> {
    let sql = match object.name {
        "Account" => "SELECT external_id FROM account_external_ids WHERE source = ?1",
        "Contact" => "SELECT external_id FROM contacts WHERE source = ?1 AND NOT left_company",
        "Contract" => "SELECT external_id FROM crm_contracts WHERE source = ?1",
        _ => "SELECT external_id FROM crm_deals WHERE source = ?1",
    };
    run.read(|conn| {
        let mut stmt = conn.prepare(sql)?;
        let ids = stmt
            .query_map([Vendor::Salesforce.source()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    })
}

/// Which opportunities are renewals.
struct Renewals {
    kind: String,
    amount_is_arr: bool,
}

impl Renewals {
    fn of(run: &Run<'_>) -> Renewals {
        Renewals {
            kind: run
                .setting("renewal_type")
                .unwrap_or_else(|| "Renewal".into()),
            amount_is_arr: run.setting("renewal_amount").as_deref() != Some("none"),
        }
    }
}

fn apply(
    page: &mut Page<'_>,
    object: &Sobject,
    records: &[Value],
    custom: &[(&'static str, String)],
    renewals: &Renewals,
) -> Result<()> {
    let mut settle = BTreeMap::new();
    let mut contracts = BTreeMap::new();
    for r in records {
        let Some(id) = text(r, "Id") else {
            page.reject("a Salesforce record without an Id".into());
            continue;
        };
        match object.name {
            "Account" => {
                let name = text(r, "Name").unwrap_or_else(|| id.clone());
                let site = text(r, "Website").and_then(|w| domain(&w));
                let currency = match page.link(&id, &name, site.as_deref())? {
                    Linked::Held => continue,
                    Linked::Account(a) => page.currency_of(a)?,
                    Linked::New => "USD".to_string(),
                };
                page.put(account(r, &id, site, custom, &currency))?;
            }
            "Contact" => {
                let record = contact(r, &id, page);
                page.put(record)?;
            }
            "Contract" => {
                let account = text(r, "AccountId").and_then(|a| page.ingest.accounts.find(&a).ok());
                let day = |k: &str| {
                    text(r, k).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                };
                let contract = deals::Contract {
                    external_id: id.clone(),
                    account_id: account,
                    status: text(r, "Status"),
                    start_date: day("StartDate"),
                    end_date: day("EndDate"),
                    term_months: r.get("ContractTerm").and_then(Value::as_i64),
                };
                let (changed, accounts) = deals::upsert_contract(
                    page.ingest.write(),
                    &Vendor::Salesforce.source(),
                    &contract,
                )?;
                if !changed {
                    page.skip();
                    continue;
                }
                crate::renewals::mark(&mut contracts, accounts, account, text(r, "AccountId"));
                page.wrote();
            }
            _ => {
                let account = text(r, "AccountId").and_then(|a| page.ingest.accounts.find(&a).ok());
                let currency = match account {
                    Some(a) => page.currency_of(a)?,
                    None => "USD".into(),
                };
                let amount = r.get("Amount").and_then(Value::as_f64).map(|a| {
                    (a * steward_core::currency::minor_per_major(&currency) as f64).round() as i64
                });
                let deal = Deal {
                    external_id: id.clone(),
                    account_id: account,
                    name: text(r, "Name").unwrap_or_else(|| id.clone()),
                    stage: text(r, "StageName"),
                    renewal: text(r, "Type").as_deref() == Some(renewals.kind.as_str()),
                    closed: r.get("IsClosed").and_then(Value::as_bool) == Some(true),
                    won: r.get("IsWon").and_then(Value::as_bool) == Some(true),
                    close_date: text(r, "CloseDate")
                        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    amount_minor: amount,
                    currency: Some(currency),
                };
                let (changed, accounts) =
                    deals::upsert(page.ingest.write(), &Vendor::Salesforce.source(), &deal)?;
                if !changed {
                    page.skip();
                    continue;
                }
                crate::renewals::mark(&mut settle, accounts, account, text(r, "AccountId"));
                page.wrote();
            }
        }
    }
    if object.name == CONTRACT.name {
        return settle_contracts(page, contracts);
    }
    crate::renewals::settle(page, Vendor::Salesforce, settle, renewals.amount_is_arr)
}

/// What the connected app can see: how many accounts, and the first five
/// as the mapping would bring them (the team's own fields included, so a
/// field name Salesforce does not know is refused here, with its reason).
pub fn probe(
    http: &mut Http,
    login: &str,
    secret: &str,
    settings: &serde_json::Map<String, Value>,
) -> Result<crate::Probe> {
    let custom = account_fields(settings)?;
    sign_in(http, login, secret)?;
    let mut session = Session::new(http, login, secret);
    let count = session.query("SELECT COUNT() FROM Account")?;
    let total = count.get("totalSize").and_then(Value::as_i64).unwrap_or(0);
    let extra: String = custom
        .iter()
        .map(|(_, theirs)| format!(", {theirs}"))
        .collect();
    let some = session.query(&format!(
        "SELECT Id, Name, Website{extra} FROM Account ORDER BY Name LIMIT 5"
    ))?;
    let sample = some
        .get("records")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let name = text(r, "Name")?;
            let mut line = match text(r, "Website").and_then(|w| domain(&w)) {
                Some(d) => format!("{name} ({d})"),
                None => name,
            };
            let mapped: Vec<String> = custom
                .iter()
                .map(|(ours, theirs)| {
                    let v = r.get(theirs.as_str()).unwrap_or(&Value::Null);
                    match mapped(ours, v, "USD") {
                        Ok(Sql::Null) => format!("{ours} empty"),
                        Ok(Sql::Integer(n)) => format!("{ours} {n}"),
                        Ok(Sql::Text(t)) => format!("{ours} {t}"),
                        Ok(other) => format!("{ours} {other:?}"),
                        Err(e) => format!("{ours}: {e}"),
                    }
                })
                .collect();
            if !mapped.is_empty() {
                line.push_str(&format!(": {}", mapped.join(", ")));
            }
            Some(line)
        })
        .collect();
    Ok(crate::Probe {
        summary: format!("Salesforce answers: {total} accounts can be read."),
        sample,
    })
}

#[cfg(test)]
mod tests {
    use super::session::credentials;
    use super::*;

    #[test]
    fn salesforce_stamps_and_websites_read_right() {
        let t = stamp("2025-06-02T10:11:12.000+0000").expect("stamp");
        assert_eq!(soql_time(t), "2025-06-02T10:11:12Z");
        let t = stamp("2025-06-02T12:11:12.000+0200").expect("offset");
        assert_eq!(soql_time(t), "2025-06-02T10:11:12Z");
        assert_eq!(
            domain("https://www.Acme.com/about"),
            Some("acme.com".into())
        );
        assert_eq!(domain("acme.de"), Some("acme.de".into()));
        assert_eq!(domain("n/a"), None);
        assert!(credentials("id:secret").is_ok_and(|c| c.2.is_none()));
        assert!(credentials("id:secret:refresh:with:colons")
            .is_ok_and(|c| c.2.as_deref() == Some("refresh:with:colons")));
        assert!(credentials("just-a-token").is_err());
    }
}
