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

use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Record};

use crate::http::Failure;
use crate::{id_of, unix_day, Linked, Page, Run, Vendor};

/// The API version every request pins (`Stripe-Version`).
pub const API_VERSION: &str = "2025-03-31.basil";
const PAGE: usize = 100;
/// Stripe keeps events this long.
const EVENTS_KEPT_SECONDS: i64 = 29 * 24 * 3600;
const OBJECT: &str = "billing";

const CUSTOMER_FIELDS: &[&str] = &["id", "name", "domain", "currency"];
const SUBSCRIPTION_FIELDS: &[&str] = &[
    "id",
    "account",
    "plan",
    "status",
    "start_date",
    "end_date",
    "mrr",
    "currency",
    "seats",
];
const INVOICE_FIELDS: &[&str] = &[
    "id",
    "account",
    "number",
    "amount",
    "currency",
    "status",
    "issued_on",
    "due_on",
    "paid_on",
    "failed_on",
];

/// The lists a full walk goes through, in order (accounts first).
const LISTS: [&str; 3] = ["customers", "subscriptions", "invoices"];

/// Email domains that belong to a mail provider, not to a customer.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "freenet.de",
    "posteo.de",
];

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
                let mut path = format!("/v1/{name}?limit={PAGE}");
                if name == "subscriptions" {
                    // Without it, canceled subscriptions are left out.
                    path.push_str("&status=all");
                }
                if let Some(a) = &after {
                    path.push_str(&format!("&starting_after={a}"));
                }
                let (data, more) = list_of(&run.http.get(&path).map_err(failure)?)?;
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
                let objects = with_items(run, data)?;
                let (entity, fields) = entity_of(name);
                run.commit(OBJECT, entity, fields, &next, |page| {
                    for o in &objects {
                        apply(page, entity, o, &key)?;
                    }
                    Ok(())
                })?;
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

/// Applies one object in the pinned version's shape.
fn apply(page: &mut Page<'_>, entity: Entity, o: &Value, key: &str) -> Result<()> {
    match entity {
        Entity::Accounts => customer(page, o, key),
        Entity::Subscriptions => {
            let record = subscription(page, o);
            match record {
                Ok(None) => {
                    page.skip();
                    Ok(())
                }
                Ok(Some(r)) => page.put(Ok(r)),
                Err(e) => page.put(Err(e)),
            }
        }
        _ => {
            let record = invoice(page, o);
            page.put(record)
        }
    }
}

fn text(o: &Value, pointer: &str) -> Option<String> {
    o.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn day(o: &Value, pointer: &str) -> Sql {
    o.pointer(pointer)
        .and_then(Value::as_i64)
        .and_then(unix_day)
        .map_or(Sql::Null, Sql::Text)
}

fn currency(o: &Value) -> Sql {
    text(o, "/currency").map_or(Sql::Null, |c| Sql::Text(c.to_uppercase()))
}

/// A customer: linked to its account (or a new one, or held for review),
/// and named only on accounts Stripe made.
fn customer(page: &mut Page<'_>, o: &Value, key: &str) -> Result<()> {
    let Some(id) = id_of(o.get("id")) else {
        page.reject("a customer without an id".into());
        return Ok(());
    };
    if o.get("deleted").and_then(Value::as_bool) == Some(true) {
        page.skip();
        return Ok(());
    }
    let email = text(o, "/email");
    let domain = email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| d.to_lowercase())
        .filter(|d| !FREE_MAIL.contains(&d.as_str()));
    let name = text(o, "/name")
        .or_else(|| text(o, "/description"))
        .or(email.clone());
    let Some(name) = name else {
        page.reject(format!(
            "customer {id} has no name, description or email to know it by"
        ));
        return Ok(());
    };
    // A metadata key may name the account outright.
    if let Some(named) = text(o, &format!("/metadata/{key}")) {
        match page.ingest.accounts.find(&named) {
            Ok(account) => {
                page.ingest.adopt(&id, account)?;
            }
            Err(reason) => {
                page.reject(format!("customer {id}: metadata {key}: {reason}"));
                return Ok(());
            }
        }
    }
    let record = Record {
        external_id: Some(id.clone()),
        account_id: None,
        values: vec![
            Sql::Null,
            Sql::Text(name.clone()),
            domain.clone().map_or(Sql::Null, Sql::Text),
            currency(o),
        ],
    };
    match page.link(&id, &name, domain.as_deref(), true)? {
        Linked::Held => Ok(()),
        Linked::New => page.put(Ok(record)),
        Linked::Account(account) => {
            if page.origin(account)? == Vendor::Stripe.source() {
                page.put(Ok(record))
            } else {
                page.skip();
                Ok(())
            }
        }
    }
}

/// The account a billing object's customer is.
fn account_of(
    page: &Page<'_>,
    o: &Value,
    what: &str,
    id: &str,
) -> std::result::Result<i64, String> {
    let customer = o
        .get("customer")
        .and_then(|c| id_of(Some(c)).or_else(|| id_of(c.get("id"))))
        .ok_or_else(|| format!("{what} {id} has no customer"))?;
    page.ingest.accounts.find(&customer).map_err(|_| {
        format!("{what} {id}: its customer {customer} is not linked to an account (see steward sync review)")
    })
}

/// Monthly amount in minor units of one item: its price per interval
/// times its quantity, spread over months.
fn monthly(item: &Value) -> Option<f64> {
    let unit = item
        .pointer("/price/unit_amount")
        .and_then(Value::as_f64)
        .or_else(|| text(item, "/price/unit_amount_decimal").and_then(|d| d.parse::<f64>().ok()))?;
    let quantity = item.get("quantity").and_then(Value::as_f64).unwrap_or(1.0);
    let count = item
        .pointer("/price/recurring/interval_count")
        .and_then(Value::as_f64)
        .unwrap_or(1.0)
        .max(1.0);
    let per_month = match text(item, "/price/recurring/interval").as_deref() {
        Some("year") => 1.0 / 12.0,
        Some("week") => 52.0 / 12.0,
        Some("day") => 365.0 / 12.0,
        _ => 1.0,
    };
    Some(unit * quantity * per_month / count)
}

/// A subscription, or None for one that never started (incomplete).
fn subscription(page: &Page<'_>, o: &Value) -> std::result::Result<Option<Record>, String> {
    let id = id_of(o.get("id")).ok_or("a subscription without an id")?;
    let status = match text(o, "/status").as_deref() {
        Some("active") => "active",
        Some("trialing") => "trialing",
        Some("past_due" | "unpaid" | "paused") => "past_due",
        Some("canceled" | "incomplete_expired") => "canceled",
        Some("incomplete") => return Ok(None),
        other => return Err(format!("subscription {id}: unknown status {other:?}")),
    };
    let account = account_of(page, o, "subscription", &id)?;
    let items: Vec<Value> = o
        .pointer("/items/data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mrr: f64 = items.iter().filter_map(monthly).sum();
    let seats: i64 = items
        .iter()
        .filter(|i| text(i, "/price/recurring/usage_type").as_deref() != Some("metered"))
        .filter_map(|i| i.get("quantity").and_then(Value::as_i64))
        .sum();
    let plan = items
        .first()
        .and_then(|i| {
            text(i, "/price/nickname")
                .or_else(|| text(i, "/price/lookup_key"))
                .or_else(|| text(i, "/price/product/name"))
                .or_else(|| text(i, "/price/product"))
                .or_else(|| text(i, "/price/id"))
        })
        .unwrap_or_else(|| "Stripe subscription".to_string());
    let end = match day(o, "/ended_at") {
        Sql::Null => day(o, "/cancel_at"),
        d => d,
    };
    Ok(Some(Record {
        external_id: Some(id.clone()),
        account_id: Some(account),
        values: vec![
            Sql::Null,
            Sql::Null,
            Sql::Text(plan),
            Sql::Text(status.into()),
            match day(o, "/start_date") {
                Sql::Null => day(o, "/created"),
                d => d,
            },
            end,
            Sql::Integer(mrr.round() as i64),
            currency(o),
            if items.is_empty() {
                Sql::Null
            } else {
                Sql::Integer(seats)
            },
        ],
    }))
}

fn invoice(page: &Page<'_>, o: &Value) -> std::result::Result<Record, String> {
    let id = id_of(o.get("id")).ok_or("an invoice without an id")?;
    let status = match text(o, "/status").as_deref() {
        Some("draft") => "draft",
        Some("open") => "open",
        Some("paid") => "paid",
        Some("void") => "void",
        Some("uncollectible") => "failed",
        other => return Err(format!("invoice {id}: unknown status {other:?}")),
    };
    let account = account_of(page, o, "invoice", &id)?;
    let amount = o
        .get("total")
        .or_else(|| o.get("amount_due"))
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("invoice {id} has no total"))?;
    let issued = match day(o, "/status_transitions/finalized_at") {
        Sql::Null => day(o, "/created"),
        d => d,
    };
    Ok(Record {
        external_id: Some(id),
        account_id: Some(account),
        values: vec![
            Sql::Null,
            Sql::Null,
            text(o, "/number").map_or(Sql::Null, Sql::Text),
            Sql::Integer(amount),
            currency(o),
            Sql::Text(status.into()),
            issued,
            day(o, "/due_date"),
            day(o, "/status_transitions/paid_at"),
            day(o, "/status_transitions/marked_uncollectible_at"),
        ],
    })
}
