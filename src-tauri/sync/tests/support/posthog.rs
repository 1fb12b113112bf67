//! A fake PostHog written for these tests from the documented wire format
//! (../shared/docs/vendor-apis.md, PostHog's query API): `POST
//! /api/projects/{id}/query/` with a HogQL query, answered with `columns`
//! and `results` rows; 100 rows unless the query says LIMIT, and never more
//! than its row limit; bearer personal API keys. It does not run HogQL: it
//! reads the window's two `toDateTime('...')` bounds and the LIMIT from the
//! query and names the columns after the aliases the query declares.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{serve, Reply, Request, Server};

pub const KEY: &str = "phx_fake_personal_key";
pub const PROJECT: &str = "4242";

/// One group's day: (group key, day, active users, events, logins).
pub type Day = (String, NaiveDate, i64, i64, i64);

pub struct State {
    pub days: Vec<Day>,
    pub queries: Vec<String>,
    pub max_rows: usize,
}

fn bounds(query: &str) -> Vec<NaiveDate> {
    query
        .split("toDateTime('")
        .skip(1)
        .filter_map(|rest| rest.get(..10)?.parse().ok())
        .collect()
}

fn respond(state: &Mutex<State>, r: &Request) -> Reply {
    let mut s = state.lock().expect("state");
    if r.header("Authorization") != Some(&format!("Bearer {KEY}")) {
        return Reply::json(
            401,
            json!({"type": "authentication_error", "code": "authentication_failed", "detail": "Incorrect authentication credentials."}),
        );
    }
    if r.method != "POST" || r.path != format!("/api/projects/{PROJECT}/query/") {
        return Reply::json(
            404,
            json!({"type": "invalid_request", "code": "not_found", "detail": "Not found."}),
        );
    }
    let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    let Some(query) = body.pointer("/query/query").and_then(Value::as_str) else {
        return Reply::json(
            400,
            json!({"type": "validation_error", "detail": "query is required"}),
        );
    };
    s.queries.push(query.to_string());
    let b = bounds(query);
    let (Some(since), Some(until)) = (b.first(), b.get(1)) else {
        return Reply::json(
            400,
            json!({"type": "validation_error", "detail": "Fake: the query has no time bounds"}),
        );
    };
    let limit = query
        .rsplit_once("LIMIT ")
        .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        .unwrap_or(100)
        .min(s.max_rows);
    let mut rows: Vec<&Day> = s
        .days
        .iter()
        .filter(|d| d.1 >= *since && d.1 < *until)
        .collect();
    rows.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let mut columns = vec!["account", "day"];
    for alias in ["active_users", "feature_events", "logins"] {
        if query.contains(&format!("AS {alias}")) {
            columns.push(alias);
        }
    }
    let results: Vec<Value> = rows
        .iter()
        .take(limit)
        .map(|d| {
            let mut row = vec![json!(d.0), json!(d.1.to_string())];
            for c in &columns[2..] {
                row.push(match *c {
                    "active_users" => json!(d.2),
                    "feature_events" => json!(d.3),
                    _ => json!(d.4),
                });
            }
            Value::Array(row)
        })
        .collect();
    Reply::json(
        200,
        json!({
            "columns": columns, "results": results, "hasMore": rows.len() > limit, "limit": limit,
            "types": [],
        }),
    )
}

pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    _server: Server,
}

impl Fake {
    pub fn start(days: Vec<Day>) -> Fake {
        let state = Arc::new(Mutex::new(State {
            days,
            queries: vec![],
            max_rows: 50_000,
        }));
        let st = state.clone();
        let server = serve(move |r| respond(&st, r));
        Fake {
            url: server.url.clone(),
            state,
            _server: server,
        }
    }
}

/// `days` days up to `last` for each group key.
pub fn usage(keys: &[String], last: NaiveDate, days: i64) -> Vec<Day> {
    let mut out = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        for d in 0..days {
            let day = last - chrono::Duration::days(d);
            let users = 3 + ((k as i64 * 7 + d * 3) % 20);
            out.push((key.clone(), day, users, users * 12 + d, users + 1));
        }
    }
    out
}
