//! Stripe objects as the book's records, in the pinned API version's shape:
//! a customer as an account (linked, new, or held for review), a
//! subscription with its monthly amount and seats, an invoice in its
//! currency's minor unit.

use rusqlite::types::Value as Sql;
use serde_json::Value;

use steward_core::error::Result;
use steward_core::ingest::{Entity, Record};

use crate::{id_of, unix_day, Linked, Page, Vendor};

pub(super) const CUSTOMER_FIELDS: &[&str] = &["id", "name", "domain", "currency"];
pub(super) const SUBSCRIPTION_FIELDS: &[&str] = &[
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
pub(super) const INVOICE_FIELDS: &[&str] = &[
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

/// Applies one object in the pinned version's shape.
pub(super) fn apply(page: &mut Page<'_>, entity: Entity, o: &Value, key: &str) -> Result<()> {
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
    match page.link(&id, &name, domain.as_deref())? {
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
