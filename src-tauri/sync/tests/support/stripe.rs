//! A fake Stripe written for these tests from the documented wire format
//! (../shared/docs/vendor-apis.md): lists newest first with `limit`,
//! `starting_after`, `ending_before` and `has_more`; subscriptions without
//! canceled ones unless `status=all`; ten items embedded per subscription
//! with their own `has_more`; events kept 30 days and rendered in the API
//! version of their time (before 2025-03-31 the period dates sit on the
//! subscription and invoices carry `paid` and `subscription`); objects
//! rendered in the `Stripe-Version` the request pins; bearer keys (401 with
//! Stripe's error body otherwise), 25 requests a second (test mode) with
//! Stripe's 429 body, and faults on demand.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::{serve, Reply, Request, Server};

pub const KEY: &str = "rk_test_fake_123";
pub const CURRENT: &str = "2025-03-31.basil";
pub const OLD: &str = "2024-06-20";

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub currency: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub created: i64,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub nickname: Option<String>,
    pub unit_amount: i64,
    pub interval: &'static str,
    pub interval_count: i64,
    pub quantity: i64,
    pub metered: bool,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: &'static str,
    pub start: i64,
    pub ended_at: Option<i64>,
    pub currency: String,
    pub items: Vec<Item>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: String,
    pub customer: String,
    pub number: Option<String>,
    pub status: &'static str,
    pub total: i64,
    pub currency: String,
    pub created: i64,
    pub due_date: Option<i64>,
    pub paid_at: Option<i64>,
    pub uncollectible_at: Option<i64>,
    pub subscription: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub created: i64,
    pub api_version: &'static str,
    pub object: Value,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Stripe's 429 body.
    TooMany,
    /// A 500 Stripe says is worth another try.
    Retryable,
    Html,
    Truncated,
}

#[derive(Default)]
pub struct State {
    pub customers: Vec<Customer>,
    pub subscriptions: Vec<Subscription>,
    pub invoices: Vec<Invoice>,
    /// Oldest first.
    pub events: Vec<Event>,
    pub faults: VecDeque<Fault>,
    pub fail_on: Vec<(u64, Fault)>,
    pub requests: u64,
    /// Requests per path (without the query).
    pub paths: Vec<String>,
    /// Request times in the last second, for the rate limit.
    recent: VecDeque<std::time::Instant>,
    pub versions_seen: Vec<String>,
    seq: u64,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn render_customer(c: &Customer) -> Value {
    if c.deleted {
        return json!({"id": c.id, "object": "customer", "deleted": true});
    }
    let metadata: serde_json::Map<String, Value> = c
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "id": c.id, "object": "customer", "name": c.name, "email": c.email,
        "currency": c.currency, "created": c.created, "metadata": metadata,
        "description": null, "livemode": false,
    })
}

fn render_item(i: &Item, s: &Subscription, version: &str) -> Value {
    let mut v = json!({
        "id": i.id, "object": "subscription_item", "quantity": i.quantity, "subscription": s.id,
        "price": {
            "id": format!("price_{}", i.id), "object": "price", "nickname": i.nickname,
            "unit_amount": i.unit_amount, "currency": s.currency,
            "product": format!("prod_{}", i.id),
            "recurring": {"interval": i.interval, "interval_count": i.interval_count,
                          "usage_type": if i.metered { "metered" } else { "licensed" }},
        },
    });
    if version >= CURRENT {
        v["current_period_start"] = json!(s.start);
        v["current_period_end"] = json!(s.start + 30 * 86_400);
    }
    v
}

fn render_subscription(s: &Subscription, version: &str) -> Value {
    let items: Vec<Value> = s
        .items
        .iter()
        .take(10)
        .map(|i| render_item(i, s, version))
        .collect();
    let mut v = json!({
        "id": s.id, "object": "subscription", "customer": s.customer, "status": s.status,
        "start_date": s.start, "created": s.created, "ended_at": s.ended_at, "cancel_at": null,
        "currency": s.currency,
        "items": {"object": "list", "data": items, "has_more": s.items.len() > 10,
                  "url": format!("/v1/subscription_items?subscription={}", s.id)},
    });
    if version < CURRENT {
        v["current_period_start"] = json!(s.start);
        v["current_period_end"] = json!(s.start + 30 * 86_400);
    }
    v
}

fn render_invoice(i: &Invoice, version: &str) -> Value {
    let mut v = json!({
        "id": i.id, "object": "invoice", "customer": i.customer, "number": i.number,
        "status": i.status, "total": i.total, "amount_due": i.total, "currency": i.currency,
        "created": i.created, "due_date": i.due_date,
        "status_transitions": {"finalized_at": (i.status != "draft").then_some(i.created),
                               "paid_at": i.paid_at, "marked_uncollectible_at": i.uncollectible_at,
                               "voided_at": null},
    });
    if version < CURRENT {
        v["paid"] = json!(i.status == "paid");
        v["subscription"] = json!(i.subscription);
    } else {
        v["parent"] = json!({"type": "subscription_details",
                             "subscription_details": {"subscription": i.subscription}});
    }
    v
}

fn error(status: u16, kind: &str, code: Option<&str>, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"type": kind, "code": code, "message": message}}),
    )
}

/// A list page in Stripe's order (newest first) from `all` (oldest first).
fn list(all: Vec<(String, i64, Value)>, r: &Request, url: &str) -> Reply {
    let mut all = all;
    all.sort_by(|a, b| (b.1, &b.0).cmp(&(a.1, &a.0)));
    let limit = r
        .param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10usize)
        .clamp(1, 100);
    let position = |id: &str| all.iter().position(|(i, _, _)| i == id);
    let (page, more): (Vec<Value>, bool) = if let Some(after) = r.param("starting_after") {
        let Some(p) = position(after) else {
            return error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such object: '{after}'"),
            );
        };
        let rest = &all[p + 1..];
        (
            rest.iter().take(limit).map(|x| x.2.clone()).collect(),
            rest.len() > limit,
        )
    } else if let Some(before) = r.param("ending_before") {
        let Some(p) = position(before) else {
            return error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such event: '{before}'"),
            );
        };
        let newer = &all[..p];
        let from = newer.len().saturating_sub(limit);
        (
            newer[from..].iter().map(|x| x.2.clone()).collect(),
            from > 0,
        )
    } else {
        (
            all.iter().take(limit).map(|x| x.2.clone()).collect(),
            all.len() > limit,
        )
    };
    Reply::json(
        200,
        json!({"object": "list", "data": page, "has_more": more, "url": url}),
    )
}

fn respond(state: &Mutex<State>, r: &Request) -> Reply {
    let mut s = state.lock().expect("state");
    s.requests += 1;
    s.paths.push(r.path.clone());
    if r.header("Authorization") != Some(&format!("Bearer {KEY}")) {
        return error(
            401,
            "invalid_request_error",
            None,
            "Invalid API Key provided: rk_test_****",
        );
    }
    // Test mode: 25 requests a second.
    let t = std::time::Instant::now();
    while s
        .recent
        .front()
        .is_some_and(|f| t.duration_since(*f).as_millis() >= 1000)
    {
        s.recent.pop_front();
    }
    if s.recent.len() >= 25 {
        return error(429, "invalid_request_error", Some("rate_limit"), "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.");
    }
    s.recent.push_back(t);
    let numbered = s
        .fail_on
        .iter()
        .position(|(n, _)| *n == s.requests)
        .map(|i| s.fail_on.remove(i).1);
    match numbered.or_else(|| s.faults.pop_front()) {
        Some(Fault::TooMany) => {
            return error(
                429,
                "invalid_request_error",
                Some("rate_limit"),
                "Request rate limit exceeded.",
            )
        }
        Some(Fault::Retryable) => {
            let mut reply = error(500, "api_error", None, "An unknown error occurred");
            reply
                .headers
                .push(("Stripe-Should-Retry".into(), "true".into()));
            return reply;
        }
        Some(Fault::Html) => {
            return Reply {
                status: 200,
                body: "<html><body>Stripe is down for maintenance</body></html>".into(),
                headers: vec![],
            }
        }
        Some(Fault::Truncated) => {
            return Reply {
                status: 200,
                body: "{\"object\": \"list\", \"data\": [{\"id\": \"cus_".into(),
                headers: vec![],
            }
        }
        None => {}
    }
    // Without a pinned version the account's default (an old one) applies.
    let version = r.header("Stripe-Version").unwrap_or(OLD).to_string();
    s.versions_seen.push(version.clone());
    let v = version.as_str();
    let parts: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["v1", "customers"] => list(
            s.customers
                .iter()
                .filter(|c| !c.deleted)
                .map(|c| (c.id.clone(), c.created, render_customer(c)))
                .collect(),
            r,
            "/v1/customers",
        ),
        ["v1", "customers", id] => match s.customers.iter().find(|c| c.id == *id) {
            Some(c) => Reply::json(200, render_customer(c)),
            None => error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such customer: '{id}'"),
            ),
        },
        ["v1", "subscriptions"] => {
            let all = r.param("status") == Some("all");
            list(
                s.subscriptions
                    .iter()
                    .filter(|x| all || x.status != "canceled")
                    .map(|x| (x.id.clone(), x.created, render_subscription(x, v)))
                    .collect(),
                r,
                "/v1/subscriptions",
            )
        }
        ["v1", "subscriptions", id] => match s.subscriptions.iter().find(|x| x.id == *id) {
            Some(x) => Reply::json(200, render_subscription(x, v)),
            None => error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such subscription: '{id}'"),
            ),
        },
        ["v1", "subscription_items"] => {
            let Some(sub) = r
                .param("subscription")
                .and_then(|id| s.subscriptions.iter().find(|x| x.id == id))
            else {
                return error(
                    400,
                    "invalid_request_error",
                    Some("parameter_missing"),
                    "Missing required param: subscription.",
                );
            };
            // Items list oldest first here, as they were added.
            let n = sub.items.len() as i64;
            list(
                sub.items
                    .iter()
                    .enumerate()
                    .map(|(k, i)| (i.id.clone(), n - k as i64, render_item(i, sub, v)))
                    .collect(),
                r,
                "/v1/subscription_items",
            )
        }
        ["v1", "invoices"] => list(
            s.invoices
                .iter()
                .map(|i| (i.id.clone(), i.created, render_invoice(i, v)))
                .collect(),
            r,
            "/v1/invoices",
        ),
        ["v1", "invoices", id] => match s.invoices.iter().find(|i| i.id == *id) {
            Some(i) => Reply::json(200, render_invoice(i, v)),
            None => error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such invoice: '{id}'"),
            ),
        },
        ["v1", "events"] => {
            let kept = now() - 30 * 86_400;
            let gte: i64 = r
                .param("created[gte]")
                .and_then(|g| g.parse().ok())
                .unwrap_or(0);
            let events = s
                .events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.created >= kept && e.created >= gte)
                .map(|(k, e)| {
                    (
                        e.id.clone(),
                        // Same-second events keep their order.
                        e.created * 1_000_000 + k as i64,
                        json!({"id": e.id, "object": "event", "type": e.kind, "created": e.created,
                               "api_version": e.api_version, "data": {"object": e.object}}),
                    )
                })
                .collect();
            list(events, r, "/v1/events")
        }
        _ => error(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL (GET: {}).", r.path),
        ),
    }
}

pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    _server: Server,
}

impl Fake {
    pub fn start(state: State) -> Fake {
        let state = Arc::new(Mutex::new(state));
        let st = state.clone();
        let server = serve(move |r| respond(&st, r));
        Fake {
            url: server.url.clone(),
            state,
            _server: server,
        }
    }

    /// Changes the account and records the event Stripe would send, in
    /// the given API version's shape.
    pub fn change(
        &self,
        version: &'static str,
        f: impl FnOnce(&mut State) -> Vec<(&'static str, Value)>,
    ) {
        let mut s = self.state.lock().expect("state");
        let events = f(&mut s);
        for (kind, object) in events {
            s.seq += 1;
            let id = format!("evt_{:08}", s.seq + 1000);
            s.events.push(Event {
                id,
                kind: kind.to_string(),
                created: now(),
                api_version: version,
                object,
            });
        }
    }

    pub fn fail_next(&self, faults: &[Fault]) {
        self.state
            .lock()
            .expect("state")
            .faults
            .extend(faults.iter().copied());
    }

    pub fn requests(&self) -> u64 {
        self.state.lock().expect("state").requests
    }
}

pub fn customer_json(c: &Customer) -> Value {
    render_customer(c)
}

pub fn subscription_json(s: &Subscription, version: &str) -> Value {
    render_subscription(s, version)
}

pub fn invoice_json(i: &Invoice, version: &str) -> Value {
    render_invoice(i, version)
}

/// A book of `n` customers: every seventh pays in yen, every fifth has a
/// free-mail address, each has one subscription (every ninth canceled,
/// every 25th with 12 items, one incomplete) and two invoices.
pub fn book(n: usize) -> State {
    let base = 1_700_000_000;
    let mut s = State::default();
    for k in 0..n {
        let currency = if k % 7 == 3 { "jpy" } else { "eur" };
        let id = format!("cus_{k:05}");
        s.customers.push(Customer {
            id: id.clone(),
            name: Some(format!("Customer {k}")),
            email: Some(if k % 5 == 0 {
                format!("owner{k}@gmail.com")
            } else {
                format!("billing@customer{k}.example")
            }),
            currency: Some(currency.into()),
            metadata: vec![],
            created: base + k as i64,
            deleted: false,
        });
        let items = if k % 25 == 0 { 12 } else { 1 };
        let status = match k {
            _ if k == 4 => "incomplete",
            _ if k % 9 == 0 => "canceled",
            _ if k % 11 == 0 => "past_due",
            _ => "active",
        };
        s.subscriptions.push(Subscription {
            id: format!("sub_{k:05}"),
            customer: id.clone(),
            status,
            start: base + k as i64 * 100,
            ended_at: (status == "canceled").then_some(base + 5_000_000),
            currency: currency.into(),
            items: (0..items)
                .map(|j| Item {
                    id: format!("si_{k:05}_{j:02}"),
                    nickname: (j == 0).then(|| {
                        if k % 2 == 0 {
                            "Growth".into()
                        } else {
                            "Starter".into()
                        }
                    }),
                    unit_amount: if currency == "jpy" {
                        1_235
                    } else {
                        4_900 + j as i64
                    },
                    interval: if k % 3 == 0 { "year" } else { "month" },
                    interval_count: 1,
                    quantity: 1 + (k % 4) as i64,
                    metered: j == 11,
                })
                .collect(),
            created: base + k as i64,
        });
        for j in 0..2 {
            let status = match (k + j) % 6 {
                0 => "open",
                1 => "uncollectible",
                2 => "void",
                _ => "paid",
            };
            let created = base + (k * 10 + j) as i64 * 3_600;
            s.invoices.push(Invoice {
                id: format!("in_{k:05}_{j}"),
                customer: id.clone(),
                number: Some(format!("INV-{k}-{j}")),
                status,
                total: if currency == "jpy" {
                    1_235
                } else {
                    4_900 * (j as i64 + 1)
                },
                currency: currency.into(),
                created,
                due_date: Some(created + 14 * 86_400),
                paid_at: (status == "paid").then_some(created + 86_400),
                uncollectible_at: (status == "uncollectible").then_some(created + 40 * 86_400),
                subscription: Some(format!("sub_{k:05}")),
            });
        }
    }
    // One event before the first sync, so the walk has a place to start.
    s.seq = 1;
    s.events.push(Event {
        id: "evt_00001000".into(),
        kind: "customer.updated".into(),
        created: now() - 3_600,
        api_version: CURRENT,
        object: render_customer(&s.customers[0]),
    });
    s
}
