//! PostHog product usage: one HogQL query per window of days, aggregated
//! on PostHog's side to one row per account group and day (active users,
//! events; the query is a setting, so other event names and metrics can be
//! counted), into the book's daily usage. A group key links to an account
//! by id, domain or name; one that matches none waits for review, and its
//! rows are counted as held. Windows start a week wide and halve when a
//! query fills PostHog's row limit; each window's rows and the cursor after
//! them commit together. Later runs go back two days (events arrive late).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Record};

use crate::http::Failure;
use crate::{Linked, Run, Vendor};
use steward_core::say;

const OBJECT: &str = "usage";
/// Rows one query may return before PostHog suggests paging.
pub const ROW_LIMIT: usize = 50_000;
const FIRST_WINDOW_DAYS: i64 = 7;
/// Late events: every run looks back this far.
const OVERLAP_DAYS: i64 = 2;
/// How far back a first sync reaches unless `history_days` says otherwise.
const HISTORY_DAYS: i64 = 365;

/// The default query: per account group and day, distinct users and all
/// events. `{since}`, `{until}` and `{limit}` are filled in per window.
pub const DEFAULT_QUERY: &str = "SELECT $group_0 AS account, toDate(timestamp) AS day, \
count(DISTINCT person_id) AS active_users, count() AS feature_events \
FROM events WHERE timestamp >= toDateTime('{since}') AND timestamp < toDateTime('{until}') \
AND $group_0 != '' GROUP BY account, day ORDER BY day, account LIMIT {limit}";

/// The usage fields a query's columns may be named after.
const METRICS: &[&str] = &[
    "active_users",
    "logins",
    "feature_events",
    "api_calls",
    "licensed_seats",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cursor {
    /// The first day not yet synced.
    since: NaiveDate,
    /// The window that last fitted, in days.
    days: i64,
}

fn failure(f: Failure) -> Error {
    crate::failure(Vendor::PostHog)(f)
}

/// The names of a query answer's columns.
fn columns_of(answer: &Value) -> Vec<String> {
    answer
        .get("columns")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The project and the query template from the connection's settings.
fn project_and_query(settings: &serde_json::Map<String, Value>) -> Result<(String, String)> {
    let project = crate::setting(settings, "project").ok_or_else(|| {
        Error::invalid(
            say!("PostHog needs its project id: steward connect posthog --set project=12345 (it is in the project's settings).", "PostHog braucht seine Projekt-ID: steward connect posthog --set project=12345 (sie steht in den Projekteinstellungen)."),
        )
    })?;
    let query = crate::setting(settings, "query").unwrap_or_else(|| DEFAULT_QUERY.to_string());
    if !query.contains("{since}") || !query.contains("{until}") {
        return Err(Error::invalid(say!(
            "The PostHog query must bound its time with {{since}} and {{until}}.",
            "Die PostHog-Abfrage muss ihre Zeit mit {{since}} und {{until}} begrenzen."
        )));
    }
    Ok((project, query))
}

/// What the key and the query see: yesterday's rows, a few of them.
pub fn probe(
    http: &mut crate::http::Http,
    settings: &serde_json::Map<String, Value>,
) -> Result<crate::Probe> {
    let (project, query) = project_and_query(settings)?;
    let today = steward_core::today();
    let hogql = query
        .replace("{since}", &(today - Duration::days(1)).to_string())
        .replace("{until}", &today.to_string())
        .replace("{limit}", "1000");
    let path = format!("/api/projects/{}/query/", crate::http::encode(&project));
    let answer = http
        .post(
            &path,
            &json!({"query": {"kind": "HogQLQuery", "query": hogql}}),
        )
        .map_err(failure)?;
    let rows = answer
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let columns = columns_of(&answer);
    let sample = rows
        .iter()
        .take(5)
        .filter_map(Value::as_array)
        .map(|row| {
            columns
                .iter()
                .zip(row)
                .map(|(c, v)| {
                    format!(
                        "{c} {}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    Ok(crate::Probe {
        summary: format!(
            "PostHog answers: {} account rows for yesterday, with the columns {}.",
            rows.len(),
            columns.join(", ")
        ),
        sample,
    })
}

pub fn sync(run: &mut Run<'_>) -> Result<()> {
    let (project, query) = project_and_query(&run.settings)?;
    let history = run
        .setting("history_days")
        .and_then(|d| d.parse::<i64>().ok())
        .unwrap_or(HISTORY_DAYS)
        .clamp(1, 3660);
    let end = run.today + Duration::days(1);
    let mut cursor = match run.cursor::<Cursor>(OBJECT)? {
        Some(c) => Cursor {
            since: c.since - Duration::days(OVERLAP_DAYS),
            days: c.days,
        },
        None => Cursor {
            since: run.today - Duration::days(history),
            days: FIRST_WINDOW_DAYS,
        },
    };
    // Self-hosted PostHog may allow another row limit.
    let row_limit = run
        .setting("row_limit")
        .and_then(|d| d.parse::<usize>().ok())
        .unwrap_or(ROW_LIMIT)
        .max(10);
    let path = format!("/api/projects/{}/query/", crate::http::encode(&project));
    while cursor.since < end {
        let until = (cursor.since + Duration::days(cursor.days)).min(end);
        let hogql = query
            .replace("{since}", &cursor.since.to_string())
            .replace("{until}", &until.to_string())
            .replace("{limit}", &row_limit.to_string());
        let answer = run
            .http
            .post(
                &path,
                &json!({"query": {"kind": "HogQLQuery", "query": hogql}}),
            )
            .map_err(failure)?;
        let rows = answer
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                Error::invalid("PostHog: an answer without results; nothing was changed.")
            })?;
        if rows.len() >= row_limit {
            if cursor.days == 1 {
                return Err(Error::invalid(format!(
                    "PostHog: one day ({}) holds more than {row_limit} account rows; narrow the query.",
                    cursor.since
                )));
            }
            // Too many for one answer: a narrower window.
            cursor.days = (cursor.days / 2).max(1);
            continue;
        }
        let columns = columns_of(&answer);
        let at = |name: &str| columns.iter().position(|c| c == name);
        let (Some(account_at), Some(day_at)) = (at("account"), at("day")) else {
            return Err(Error::invalid(say!(
                "The PostHog query must return columns named account and day.",
                "Die PostHog-Abfrage muss Spalten namens account und day liefern."
            )));
        };
        let metrics: Vec<(&str, usize)> = METRICS
            .iter()
            .filter_map(|m| at(m).map(|i| (*m, i)))
            .collect();
        if metrics.is_empty() {
            return Err(Error::invalid(say!(
                "The PostHog query returns none of the usage columns ({}).",
                "Die PostHog-Abfrage liefert keine der Nutzungsspalten ({}).",
                METRICS.join(", ")
            )));
        }
        let mut fields = vec!["account", "day"];
        fields.extend(metrics.iter().map(|(m, _)| *m));
        // A window with few rows lets the next one widen again.
        let days = if rows.len() < row_limit / 4 {
            (cursor.days * 2).min(64)
        } else {
            cursor.days
        };
        let next = Cursor { since: until, days };
        run.commit(OBJECT, Entity::Usage, &fields, &next, |page| {
            let mut linked: HashMap<String, Linked> = HashMap::new();
            for row in &rows {
                let cell = |i: usize| row.get(i).filter(|v| !v.is_null());
                let key = match cell(account_at) {
                    Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => {
                        page.reject("a usage row without an account".into());
                        continue;
                    }
                };
                let link = match linked.get(&key) {
                    Some(l) => *l,
                    None => {
                        let domain = key.contains('.').then_some(key.as_str());
                        let l = page.link(&key, &key, domain)?;
                        linked.insert(key.clone(), l);
                        l
                    }
                };
                let Linked::Account(account) = link else {
                    continue;
                };
                let day = cell(day_at)
                    .and_then(Value::as_str)
                    .and_then(|d| d.get(..10))
                    .and_then(|d| d.parse::<NaiveDate>().ok());
                let Some(day) = day else {
                    page.reject(format!("account {key}: a row without a day"));
                    continue;
                };
                let mut values = vec![Sql::Null, Sql::Text(day.to_string())];
                let mut bad = None;
                for (m, i) in &metrics {
                    values.push(match cell(*i) {
                        None => Sql::Null,
                        Some(v) => {
                            match v.as_i64().or_else(|| v.as_f64().map(|f| f.round() as i64)) {
                                Some(n) => Sql::Integer(n),
                                None => {
                                    bad =
                                        Some(format!("account {key}, {day}: {m} is not a number"));
                                    Sql::Null
                                }
                            }
                        }
                    });
                }
                if let Some(reason) = bad {
                    page.reject(reason);
                    continue;
                }
                page.put(Ok(Record {
                    external_id: None,
                    account_id: Some(account),
                    values,
                }))?;
            }
            Ok(())
        })?;
        cursor = next;
    }
    Ok(())
}
