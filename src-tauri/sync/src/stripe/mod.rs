//! Stripe customers, subscriptions and invoices. A first sync notes the
//! newest event, then walks the three lists (newest first, by
//! `starting_after`; subscriptions of every status; a subscription's items
//! paged past the ten Stripe embeds); afterwards `/v1/events` is followed
//! forward from that event, so whatever changed during the walk and after it
//! arrives, deletions and cancellations included. An event rendered in an
//! older API version than the pinned one is not trusted for its shape: its
//! object is fetched again. Events are kept 30 days: a cursor older than
//! that, or one Stripe no longer knows, starts a full walk.
//!
//! Customers link to the book's accounts by a metadata key naming the
//! account (`steward_account` unless set otherwise), then by id, domain of
//! their email (not a free mail provider's) and name; one that matches
//! nothing becomes an account. Stripe only names accounts it created:
//! linked to a CRM's account, it brings billing, not a second name.

mod records;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use steward_core::error::{Error, Result};
use steward_core::ingest::Entity;

use crate::http::Failure;
use crate::{id_of, Run, Vendor};
use records::{apply, CUSTOMER_FIELDS, INVOICE_FIELDS, SUBSCRIPTION_FIELDS};

/// The API version every request pins (`Stripe-Version`).
pub const API_VERSION: &str = "2025-03-31.basil";
const PAGE: usize = 100;
/// Stripe keeps events this long.
const EVENTS_KEPT_SECONDS: i64 = 29 * 24 * 3600;
const OBJECT: &str = "billing";

/// The lists a full walk goes through, in order (accounts first).
const LISTS: [&str; 3] = ["customers", "subscriptions", "invoices"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Cursor {
    /// Walking `LISTS[list]` from `after`; `since` is the newest event
    /// before the walk began (None: there was none) and `started` when.
    Full {
        list: usize,
        after: Option<String>,
        since: Option<String>,
        started: i64,
    },
    /// Following events forward from `after` (the last one applied), or
    /// from the time `at` when there was none.
    Events { after: Option<String>, at: i64 },
}

/// Objects of a full walk committed together (ten pages).
const BATCH: usize = 1_000;

fn failure(f: Failure) -> Error {
    crate::failure(Vendor::Stripe)(f)
}

fn list_of(page: &Value) -> Result<(Vec<Value>, bool)> {
    let data = page
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| Error::invalid("Stripe: a list without data; nothing was changed."))?;
    Ok((
        data,
        page.get("has_more").and_then(Value::as_bool) == Some(true),
    ))
}

pub fn sync(run: &mut Run<'_>) -> Result<()> {
    let key = run
        .setting("account_metadata")
        .unwrap_or_else(|| "steward_account".to_string());
    let now = chrono::Utc::now().timestamp();
    let mut cursor = match run.cursor::<Cursor>(OBJECT)? {
        // Events older than Stripe keeps: walk everything again.
        Some(Cursor::Events { at, .. }) if now - at > EVENTS_KEPT_SECONDS => None,
        c => c,
    };
    loop {
        let c = match cursor.take() {
            Some(c) => c,
            None => start(run)?,
        };
        match c {
            Cursor::Full {
                list,
                after,
                since,
                started,
            } => {
                let name = LISTS[list];
                // Pages of one list are gathered up to BATCH objects and
                // committed together: a crash repeats at most that many,
                // and the book is brought up to date once per batch, not
                // once per page of 100.
                let mut objects = Vec::new();
                let mut after = after;
                let next = loop {
                    let mut path = format!("/v1/{name}?limit={PAGE}");
                    if name == "subscriptions" {
                        // Without it, canceled subscriptions are left out.
                        path.push_str("&status=all");
                    }
                    if let Some(a) = &after {
                        path.push_str(&format!("&starting_after={a}"));
                    }
                    let answer = run
                        .http
                        .get(&path)
                        .map_err(failure)
                        .and_then(|a| list_of(&a));
                    let (data, more) = match answer {
                        Ok(page) => page,
                        Err(e) => {
                            // What the batch read so far is kept, with
                            // the cursor where it stopped.
                            if !objects.is_empty() {
                                let here = Cursor::Full {
                                    list,
                                    after: after.clone(),
                                    since: since.clone(),
                                    started,
                                };
                                commit_list(run, name, &objects, &here, &key)?;
                            }
                            return Err(e);
                        }
                    };
                    let next = match (more, data.last().and_then(|o| id_of(o.get("id")))) {
                        (true, Some(last)) => Cursor::Full {
                            list,
                            after: Some(last),
                            since: since.clone(),
                            started,
                        },
                        _ if list + 1 < LISTS.len() => Cursor::Full {
                            list: list + 1,
                            after: None,
                            since: since.clone(),
                            started,
                        },
                        _ => Cursor::Events {
                            after: since.clone(),
                            at: started,
                        },
                    };
                    objects.extend(with_items(run, data)?);
                    match &next {
                        Cursor::Full {
                            list: l, after: a, ..
                        } if *l == list && objects.len() < BATCH => {
                            after = a.clone();
                        }
                        _ => break next,
                    }
                };
                commit_list(run, name, &objects, &next, &key)?;
                cursor = Some(next);
            }
            Cursor::Events { after, at } => {
                if follow(run, after, at, &key)? {
                    return Ok(());
                }
                // Stripe no longer knows the event: walk everything again.
            }
        }
    }
}

/// Writes objects of list `name` with the cursor after them.
fn commit_list(
    run: &mut Run<'_>,
    name: &str,
    objects: &[Value],
    next: &Cursor,
    key: &str,
) -> Result<()> {
    let (entity, fields) = entity_of(name);
    run.commit(OBJECT, entity, fields, next, |page| {
        for o in objects {
            apply(page, entity, o, key)?;
        }
        Ok(())
    })
}

/// A full walk's first cursor: the newest event now, so what changes
/// during the walk is applied after it.
fn start(run: &mut Run<'_>) -> Result<Cursor> {
    let (events, _) = list_of(&run.http.get("/v1/events?limit=1").map_err(failure)?)?;
    Ok(Cursor::Full {
        list: 0,
        after: None,
        since: events.first().and_then(|e| id_of(e.get("id"))),
        started: chrono::Utc::now().timestamp(),
    })
}

/// Applies every event after `after` (or since `at`), oldest first, a page
/// at a time; the cursor ends at the newest one applied. False when Stripe
/// no longer has the event the cursor names.
fn follow(run: &mut Run<'_>, mut after: Option<String>, at: i64, key: &str) -> Result<bool> {
    let mut at = at;
    if after.is_none() {
        // No event to walk forward from: gather those since the time
        // (newest first), then apply them oldest first.
        let mut gathered = Vec::new();
        let mut starting_after: Option<String> = None;
        loop {
            let mut path = format!("/v1/events?limit={PAGE}&created%5Bgte%5D={}", at - 60);
            if let Some(s) = &starting_after {
                path.push_str(&format!("&starting_after={s}"));
            }
            let (data, more) = list_of(&run.http.get(&path).map_err(failure)?)?;
            starting_after = data.last().and_then(|e| id_of(e.get("id")));
            gathered.extend(data);
            if !more || starting_after.is_none() {
                break;
            }
        }
        gathered.reverse();
        for chunk in gathered.chunks(PAGE) {
            let last = chunk.last().cloned();
            apply_events(run, chunk, last.as_ref(), &mut after, &mut at, key)?;
        }
        return Ok(true);
    }
    loop {
        let Some(from) = after.clone() else {
            return Ok(true);
        };
        let page = match run
            .http
            .get(&format!("/v1/events?limit={PAGE}&ending_before={from}"))
        {
            Ok(p) => p,
            Err(Failure::Vendor { status, message })
                if status == 404 || message.contains("No such event") =>
            {
                return Ok(false)
            }
            Err(f) => return Err(failure(f)),
        };
        let (mut data, more) = list_of(&page)?;
        if data.is_empty() {
            return Ok(true);
        }
        // The page holds the events just after `from`, newest first.
        data.reverse();
        let last = data.last().cloned();
        apply_events(run, &data, last.as_ref(), &mut after, &mut at, key)?;
        if !more {
            return Ok(true);
        }
    }
}

/// Applies one page of events (oldest first) in one transaction with the
/// cursor after its newest.
fn apply_events(
    run: &mut Run<'_>,
    events: &[Value],
    newest: Option<&Value>,
    after: &mut Option<String>,
    at: &mut i64,
    key: &str,
) -> Result<()> {
    if let Some(n) = newest {
        *after = id_of(n.get("id")).or(after.take());
        *at = n.get("created").and_then(Value::as_i64).unwrap_or(*at);
    }
    // What each event means, in the pinned version's shape.
    let mut changes: Vec<(Entity, Change)> = Vec::new();
    for e in events {
        let kind = e.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(object) = e.pointer("/data/object") else {
            continue;
        };
        let entity = if kind.starts_with("customer.subscription.") {
            Entity::Subscriptions
        } else if kind.starts_with("customer.") && !kind.starts_with("customer.discount") {
            if kind.starts_with("customer.source") || kind.starts_with("customer.tax_id") {
                continue;
            }
            Entity::Accounts
        } else if kind.starts_with("invoice.") && !kind.starts_with("invoice.upcoming") {
            Entity::Invoices
        } else {
            continue;
        };
        let id = id_of(object.get("id")).unwrap_or_default();
        if kind == "invoice.deleted" {
            changes.push((entity, Change::Gone(id)));
            continue;
        }
        if kind == "customer.deleted" {
            // The account stays; its subscriptions arrive canceled.
            continue;
        }
        let current = e.get("api_version").and_then(Value::as_str) == Some(API_VERSION);
        let object = if current {
            object.clone()
        } else {
            // Rendered in an older version: read it again in ours.
            let path = match entity {
                Entity::Accounts => format!("/v1/customers/{id}"),
                Entity::Subscriptions => format!("/v1/subscriptions/{id}"),
                _ => format!("/v1/invoices/{id}"),
            };
            match run.http.get(&path) {
                Ok(o) => o,
                // Gone since: a later event says what became of it.
                Err(Failure::Vendor { status: 404, .. }) => continue,
                Err(f) => return Err(failure(f)),
            }
        };
        changes.push((entity, Change::Now(object)));
    }
    let subscriptions: Vec<Value> = changes
        .iter()
        .filter_map(|(e, c)| match (e, c) {
            (Entity::Subscriptions, Change::Now(o)) => Some(o.clone()),
            _ => None,
        })
        .collect();
    let subscriptions = with_items(run, subscriptions)?;
    let next = Cursor::Events {
        after: after.clone(),
        at: *at,
    };
    run.commit(OBJECT, Entity::Accounts, CUSTOMER_FIELDS, &next, |page| {
        // Accounts first, so a new customer's subscription finds it.
        for (entity, change) in &changes {
            if let (Entity::Accounts, Change::Now(o)) = (entity, change) {
                apply(page, Entity::Accounts, o, key)?;
            }
        }
        page.switch(Entity::Subscriptions, SUBSCRIPTION_FIELDS)?;
        for s in &subscriptions {
            apply(page, Entity::Subscriptions, s, key)?;
        }
        page.switch(Entity::Invoices, INVOICE_FIELDS)?;
        for (entity, change) in &changes {
            match (entity, change) {
                (Entity::Invoices, Change::Now(o)) => apply(page, Entity::Invoices, o, key)?,
                (Entity::Invoices, Change::Gone(id)) => page.delete(Entity::Invoices, id)?,
                _ => {}
            }
        }
        Ok(())
    })
}

enum Change {
    Now(Value),
    Gone(String),
}

fn entity_of(list: &str) -> (Entity, &'static [&'static str]) {
    match list {
        "customers" => (Entity::Accounts, CUSTOMER_FIELDS),
        "subscriptions" => (Entity::Subscriptions, SUBSCRIPTION_FIELDS),
        _ => (Entity::Invoices, INVOICE_FIELDS),
    }
}

/// Subscriptions with every item: Stripe embeds ten and says when there
/// are more, which are read from `/v1/subscription_items`.
fn with_items(run: &mut Run<'_>, objects: Vec<Value>) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(objects.len());
    for mut o in objects {
        if o.get("object").and_then(Value::as_str) == Some("subscription")
            && o.pointer("/items/has_more").and_then(Value::as_bool) == Some(true)
        {
            let id = id_of(o.get("id")).unwrap_or_default();
            let mut items: Vec<Value> = o
                .pointer("/items/data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            loop {
                let mut path = format!("/v1/subscription_items?subscription={id}&limit={PAGE}");
                if let Some(last) = items.last().and_then(|i| id_of(i.get("id"))) {
                    path.push_str(&format!("&starting_after={last}"));
                }
                let (data, more) = list_of(&run.http.get(&path).map_err(failure)?)?;
                let empty = data.is_empty();
                items.extend(data);
                if !more || empty {
                    break;
                }
            }
            o["items"] = serde_json::json!({"data": items, "has_more": false});
        }
        out.push(o);
    }
    Ok(out)
}

/// What the key can see: its mode and a few customers.
pub fn probe(http: &mut crate::http::Http, key: &str) -> Result<crate::Probe> {
    let (customers, more) = list_of(&http.get("/v1/customers?limit=5").map_err(failure)?)?;
    let mode = if key.contains("_test_") {
        "test"
    } else {
        "live"
    };
    let sample = customers
        .iter()
        .filter_map(|c| {
            let text = |k: &str| c.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
            text("name").or_else(|| text("email")).map(str::to_string)
        })
        .collect();
    let count = if more {
        "more than 5".to_string()
    } else {
        customers.len().to_string()
    };
    Ok(crate::Probe {
        summary: format!("Stripe answers in {mode} mode: {count} customers can be read."),
        sample,
    })
}
