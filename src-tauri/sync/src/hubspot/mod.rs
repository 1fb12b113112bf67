//! HubSpot companies into accounts and contacts into their company's
//! account (associations read in batches). A first sync walks the list endpoint
//! page by page; later syncs search on the modified-date property from the
//! last run's start (less a minute: search lags writes), sorted ascending.
//! Search cannot page past 10,000 results, so a window holding more is
//! halved until it fits, and a single millisecond holding more is walked by
//! object id. Every page's rows and the cursor that follows them commit in
//! one transaction: a crash repeats at most that page, which the upsert
//! makes harmless, and never skips one.

mod deals;
pub mod notes;

use std::collections::HashMap;

use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Ingest, Record};

use crate::http::{Failure, Http};
use crate::{id_of, Linked, Run, Vendor};

/// A HubSpot object Steward brings in, and how.
pub struct Object {
    /// Its name in HubSpot's paths and in Steward's cursors.
    pub name: &'static str,
    /// The property search filters and sorts on.
    pub modified: &'static str,
    pub properties: &'static str,
    pub entity: Entity,
    /// The entity's fields the records fill, in order.
    pub fields: &'static [&'static str],
}

pub const COMPANIES: Object = Object {
    name: "companies",
    modified: "hs_lastmodifieddate",
    properties: "name,domain,industry,numberofemployees,hs_lastmodifieddate",
    entity: Entity::Accounts,
    fields: &["id", "name", "domain", "industry", "employees"],
};

/// Contacts belong to the account of their (first) associated company.
pub const CONTACTS: Object = Object {
    name: "contacts",
    modified: "lastmodifieddate",
    properties: "firstname,lastname,email,jobtitle,lastmodifieddate",
    entity: Entity::Contacts,
    fields: &["id", "account", "name", "email", "title"],
};
/// Deals: an account's next renewal (date, amount) is read from its open
/// renewal deals (`deals.rs`). The account fields they fill:
pub const DEALS: Object = Object {
    name: "deals",
    modified: "hs_lastmodifieddate",
    properties: "dealname,dealstage,pipeline,amount,closedate,dealtype,hs_is_closed,hs_is_closed_won,deal_currency_code,hs_lastmodifieddate",
    entity: Entity::Accounts,
    fields: crate::renewals::FIELDS,
};

/// Search lags writes by up to a minute: each run looks back this far.
pub const OVERLAP_MS: i64 = 60_000;
/// Search refuses to page past this many results.
pub const SEARCH_CAP: i64 = 10_000;
const SEARCH_PAGE: i64 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Cursor {
    /// Walking the list; `started_ms` is when, so changes during the walk
    /// are searched for afterwards.
    Full {
        after: Option<String>,
        started_ms: i64,
    },
    /// Searching modification times from `since_ms`. Within a run, the
    /// window is `since_ms..=until_ms` and the run ends at `end_ms`;
    /// `after` is the offset in the window, or with `tie`, the last object
    /// id within the one millisecond `since_ms`.
    Incremental {
        since_ms: i64,
        until_ms: Option<i64>,
        end_ms: Option<i64>,
        after: Option<i64>,
        tie: bool,
    },
}

/// A property's text, trimmed; None when missing or blank.
fn property(object: &Value, key: &str) -> Option<String> {
    object
        .pointer(&format!("/properties/{key}"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A contact as a contacts record for the account its company became.
fn contact(
    c: &Value,
    company: Option<&String>,
    ingest: &Ingest<'_>,
) -> std::result::Result<Record, String> {
    let id = id_of(c.get("id")).ok_or("a contact without an id")?;
    let text = |k: &str| property(c, k);
    let company =
        company.ok_or_else(|| format!("contact {id} is not associated with a company"))?;
    let account = ingest
        .accounts
        .find(company)
        .map_err(|_| format!("contact {id}: its company {company} has not been synced"))?;
    let name = [text("firstname"), text("lastname")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = if name.is_empty() {
        text("email").ok_or_else(|| format!("contact {id} has neither a name nor an email"))?
    } else {
        name
    };
    Ok(Record {
        external_id: Some(id),
        account_id: Some(account),
        values: vec![
            Sql::Null,
            Sql::Null,
            Sql::Text(name),
            text("email").map_or(Sql::Null, |e| Sql::Text(e.to_lowercase())),
            text("jobtitle").map_or(Sql::Null, Sql::Text),
        ],
    })
}

/// The company each record (a contact, a deal) is associated with (its
/// first), by record id.
fn companies_of(
    http: &mut Http,
    from: &str,
    contacts: &[Value],
) -> Result<HashMap<String, String>> {
    let inputs: Vec<Value> = contacts
        .iter()
        .filter_map(|c| id_of(c.get("id")))
        .map(|id| json!({"id": id}))
        .collect();
    let mut links = HashMap::new();
    if inputs.is_empty() {
        return Ok(links);
    }
    let answer = http
        .post(
            &format!("/crm/v4/associations/{from}/companies/batch/read"),
            &json!({"inputs": inputs}),
        )
        .map_err(failure)?;
    for r in answer
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let from = id_of(r.pointer("/from/id"));
        // toObjectId comes as a number or a string.
        let to = r
            .get("to")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(|t| id_of(t.get("toObjectId")));
        if let (Some(f), Some(t)) = (from, to) {
            links.insert(f, t);
        }
    }
    Ok(links)
}

/// A company as an accounts record, or why it cannot be one.
fn company(company: &Value) -> std::result::Result<Record, String> {
    let id = id_of(company.get("id")).ok_or("a company without an id")?;
    let text = |k: &str| property(company, k);
    let name = text("name").ok_or_else(|| format!("company {id} has no name"))?;
    let employees = match text("numberofemployees") {
        None => Sql::Null,
        Some(n) => match n.parse::<i64>() {
            Ok(v) if (0..=10_000_000).contains(&v) => Sql::Integer(v),
            _ => return Err(format!("company {id}: employees \"{n}\" is not a count")),
        },
    };
    Ok(Record {
        external_id: Some(id),
        account_id: None,
        values: vec![
            Sql::Null,
            Sql::Text(name),
            text("domain").map_or(Sql::Null, |d| Sql::Text(d.to_lowercase())),
            text("industry").map_or(Sql::Null, Sql::Text),
            employees,
        ],
    })
}

/// The companies of a page of contacts or deals (companies have none).
fn associations(
    run: &mut Run<'_>,
    object: &Object,
    rows: &[Value],
) -> Result<HashMap<String, String>> {
    if object.name == COMPANIES.name {
        return Ok(HashMap::new());
    }
    companies_of(run.http, object.name, rows)
}

/// Writes one page and the cursor after it, in one transaction: each
/// company linked to its account (or held for review) and upserted, each
/// contact upserted onto its company's account, each deal kept and its
/// account's renewal read again.
fn commit(
    run: &mut Run<'_>,
    object: &Object,
    rows: &[Value],
    links: &HashMap<String, String>,
    next: &Cursor,
) -> Result<()> {
    let mapping = deals::Mapping::of(run);
    run.commit(object.name, object.entity, object.fields, next, |page| {
        if object.name == DEALS.name {
            return deals::apply(page, &mapping, rows, links);
        }
        for row in rows {
            if row.get("archived").and_then(Value::as_bool) == Some(true) {
                page.skip();
                continue;
            }
            let key = id_of(row.get("id")).unwrap_or_default();
            if object.entity == Entity::Contacts {
                let record = contact(row, links.get(&key), &page.ingest);
                page.put(record)?;
                continue;
            }
            let label = property(row, "name").unwrap_or_else(|| key.clone());
            let domain = property(row, "domain");
            match page.link(&key, &label, domain.as_deref())? {
                Linked::Held => {}
                Linked::Account(_) | Linked::New => page.put(company(row))?,
            }
        }
        Ok(())
    })
}

fn failure(f: Failure) -> Error {
    crate::failure(Vendor::HubSpot)(f)
}

fn results(page: &Value) -> std::result::Result<Vec<Value>, Error> {
    page.get("results")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| Error::invalid("HubSpot: an answer without results; nothing was changed."))
}

/// Companies, then contacts: a contact lands on its company's account.
pub fn sync(run: &mut Run<'_>) -> Result<()> {
    for object in [&COMPANIES, &CONTACTS, &DEALS] {
        sync_object(run, object)?;
        sync_archived(run, object)?;
    }
    Ok(())
}

/// Where the walk of an object's archived records stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ArchivedCursor {
    /// Records archived before this (less the overlap) were applied by an
    /// earlier walk.
    since_ms: i64,
    /// The walk under way: when it began and where it is.
    started_ms: Option<i64>,
    after: Option<String>,
}

/// Archived records as deletes: search never returns them, so each run
/// walks the object's archived list (`archived=true`) and applies those
/// archived since the last walk. A company archived at HubSpot is unlinked
/// (the account and the CSM's work on it stay); a contact has left on the
/// day it was archived; a deal is forgotten and its account's renewal read
/// again.
fn sync_archived(run: &mut Run<'_>, object: &Object) -> Result<()> {
    let key = format!("{}.archived", object.name);
    let mut cursor = run
        .cursor::<ArchivedCursor>(&key)?
        .unwrap_or(ArchivedCursor {
            since_ms: 0,
            started_ms: None,
            after: None,
        });
    let started = *cursor.started_ms.get_or_insert_with(now_ms);
    loop {
        let mut path = format!(
            "/crm/v3/objects/{}?archived=true&limit=100&properties=hs_object_id",
            object.name
        );
        if let Some(a) = &cursor.after {
            path.push_str(&format!("&after={a}"));
        }
        let page = run.http.get(&path).map_err(failure)?;
        let rows: Vec<Value> = results(&page)?
            .into_iter()
            .filter(|r| archived_ms(r).is_none_or(|ms| ms >= cursor.since_ms))
            .collect();
        let next = match page
            .pointer("/paging/next/after")
            .and_then(|v| id_of(Some(v)))
        {
            Some(a) => ArchivedCursor {
                since_ms: cursor.since_ms,
                started_ms: Some(started),
                after: Some(a),
            },
            None => ArchivedCursor {
                since_ms: started - OVERLAP_MS,
                started_ms: None,
                after: None,
            },
        };
        let links = if object.name == DEALS.name {
            associations(run, object, &rows)?
        } else {
            HashMap::new()
        };
        let mapping = deals::Mapping::of(run);
        run.commit(&key, object.entity, object.fields, &next, |page| {
            if object.name == DEALS.name {
                return deals::apply(page, &mapping, &rows, &links);
            }
            for row in &rows {
                let Some(id) = id_of(row.get("id")) else {
                    continue;
                };
                if object.name == COMPANIES.name {
                    page.unlink(&id)?;
                } else {
                    let day = archived_ms(row)
                        .and_then(chrono::DateTime::from_timestamp_millis)
                        .map(|t| t.date_naive());
                    page.left(&id, day)?;
                }
            }
            Ok(())
        })?;
        if next.started_ms.is_none() {
            return Ok(());
        }
        cursor = next;
    }
}

fn archived_ms(row: &Value) -> Option<i64> {
    row.get("archivedAt")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp_millis())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Syncs one object: resumes where the last run stopped, or starts a full
/// walk when there is no cursor or `full` is asked for.
fn sync_object(run: &mut Run<'_>, object: &Object) -> Result<()> {
    let properties = if object.name == DEALS.name {
        deals::Mapping::of(run).properties()
    } else {
        object.properties.to_string()
    };
    let mut cursor = run.cursor::<Cursor>(object.name)?.unwrap_or(Cursor::Full {
        after: None,
        started_ms: now_ms(),
    });
    loop {
        match cursor.clone() {
            Cursor::Full { after, started_ms } => {
                let mut path = format!(
                    "/crm/v3/objects/{}?limit=100&properties={}",
                    object.name, properties
                );
                if let Some(a) = &after {
                    path.push_str(&format!("&after={a}"));
                }
                let page = run.http.get(&path).map_err(failure)?;
                let companies = results(&page)?;
                let next_after = page.pointer("/paging/next/after").and_then(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_i64().map(|n| n.to_string()))
                });
                let next = match next_after {
                    Some(a) => Cursor::Full {
                        after: Some(a),
                        started_ms,
                    },
                    // Whatever changed during the walk is searched for next.
                    None => Cursor::Incremental {
                        since_ms: started_ms - OVERLAP_MS,
                        until_ms: None,
                        end_ms: None,
                        after: None,
                        tie: false,
                    },
                };
                let links = associations(run, object, &companies)?;
                commit(run, object, &companies, &links, &next)?;
                let done = matches!(next, Cursor::Incremental { .. });
                cursor = next;
                if done {
                    return Ok(());
                }
            }
            Cursor::Incremental {
                since_ms,
                until_ms,
                end_ms,
                after,
                tie,
            } => {
                let end = end_ms.unwrap_or_else(now_ms);
                let until = until_ms.unwrap_or(end);
                let body = if tie {
                    // One millisecond holds more than the cap: walk it by id.
                    json!({
                        "filterGroups": [{"filters": [
                            {"propertyName": object.modified, "operator": "EQ", "value": since_ms.to_string()},
                            {"propertyName": "hs_object_id", "operator": "GT", "value": after.unwrap_or(0).to_string()},
                        ]}],
                        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                        "properties": properties.split(',').collect::<Vec<_>>(),
                        "limit": SEARCH_PAGE,
                    })
                } else {
                    let mut b = json!({
                        "filterGroups": [{"filters": [
                            {"propertyName": object.modified, "operator": "GTE", "value": since_ms.to_string()},
                            {"propertyName": object.modified, "operator": "LTE", "value": until.to_string()},
                        ]}],
                        "sorts": [{"propertyName": object.modified, "direction": "ASCENDING"}],
                        "properties": properties.split(',').collect::<Vec<_>>(),
                        "limit": SEARCH_PAGE,
                    });
                    if let Some(a) = after {
                        b["after"] = json!(a.to_string());
                    }
                    b
                };
                let page = run
                    .http
                    .search(&format!("/crm/v3/objects/{}/search", object.name), &body)
                    .map_err(failure)?;
                let total = page.get("total").and_then(Value::as_i64).unwrap_or(0);
                if !tie && after.is_none() && total > SEARCH_CAP {
                    // Too many for one window: halve it, down to one
                    // millisecond, which is then walked by id.
                    cursor = Cursor::Incremental {
                        since_ms,
                        until_ms: Some(if until > since_ms {
                            since_ms + (until - since_ms) / 2
                        } else {
                            since_ms
                        }),
                        end_ms: Some(end),
                        after: None,
                        tie: until <= since_ms,
                    };
                    continue;
                }
                let companies = results(&page)?;
                let more = page.pointer("/paging/next/after").is_some() && !companies.is_empty();
                let window_done = Cursor::Incremental {
                    since_ms: until + 1,
                    until_ms: None,
                    end_ms: Some(end),
                    after: None,
                    tie: false,
                };
                let next = if more {
                    let after = if tie {
                        companies.last().and_then(|c| c.get("id")).and_then(|v| {
                            v.as_str()
                                .and_then(|s| s.parse().ok())
                                .or_else(|| v.as_i64())
                        })
                    } else {
                        Some(after.unwrap_or(0) + companies.len() as i64)
                    };
                    Cursor::Incremental {
                        since_ms,
                        until_ms: Some(until),
                        end_ms: Some(end),
                        after,
                        tie,
                    }
                } else if until < end {
                    window_done
                } else {
                    // The run is complete; the next one looks back a minute.
                    Cursor::Incremental {
                        since_ms: (end - OVERLAP_MS).max(since_ms.min(end)),
                        until_ms: None,
                        end_ms: None,
                        after: None,
                        tie: false,
                    }
                };
                let finished = matches!(next, Cursor::Incremental { end_ms: None, .. });
                let links = associations(run, object, &companies)?;
                commit(run, object, &companies, &links, &next)?;
                cursor = next;
                if finished {
                    return Ok(());
                }
            }
        }
    }
}

/// What the token can see: how many companies, and a few of them.
pub fn probe(http: &mut Http, settings: &serde_json::Map<String, Value>) -> Result<crate::Probe> {
    let answer = http
        .search(
            "/crm/v3/objects/companies/search",
            &json!({"limit": 5, "properties": ["name", "domain"]}),
        )
        .map_err(failure)?;
    let total = answer.get("total").and_then(Value::as_i64).unwrap_or(0);
    let mut sample: Vec<String> = results(&answer)?
        .iter()
        .filter_map(|c| {
            let name = property(c, "name")?;
            Some(match property(c, "domain") {
                Some(d) => format!("{name} ({d})"),
                None => name,
            })
        })
        .collect();
    // How the renewal mapping reads the deals: the first three it finds.
    let mapping = deals::Mapping::from_settings(settings);
    let renewals = http
        .search(
            "/crm/v3/objects/deals/search",
            &json!({
                "filterGroups": [{"filters": [mapping.filter()]}],
                "properties": mapping.properties().split(',').collect::<Vec<_>>(),
                "limit": 3,
            }),
        )
        .map_err(failure)?;
    let renewal_total = renewals.get("total").and_then(Value::as_i64).unwrap_or(0);
    sample.extend(results(&renewals)?.iter().map(|d| mapping.describe(d)));
    Ok(crate::Probe {
        summary: format!(
            "HubSpot answers: {total} companies can be read; renewal deals by the mapping: {renewal_total}."
        ),
        sample,
    })
}
