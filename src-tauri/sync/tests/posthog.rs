//! The PostHog connector against a fake PostHog: daily usage per account
//! group arrives exactly, windows narrow when an answer fills the row
//! limit, a later run picks up late events of the last days, a query of
//! the CSM's own counts other events, and groups that match no account
//! wait for review.

mod support;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use steward_core::store;
use steward_sync::Vendor;
use support::posthog::{self, Fake, KEY, PROJECT};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn settings(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect()
}

fn sync(conn: &mut Connection, fake: &Fake) -> steward_core::Result<steward_sync::RunReport> {
    let mut http = Vendor::PostHog.client(&fake.url, KEY).expect("client");
    http.patience.spacing = Duration::ZERO;
    steward_sync::run(conn, &mut http, Vendor::PostHog, today(), false, None, None)
}

/// 30 accounts from a file: acct1.example..acct30.example, ids A-1..A-30.
fn book(dir: &std::path::Path, fake: &Fake, extra: &[(&str, &str)]) -> Connection {
    let mut conn = store::open_in(dir).expect("open");
    support::file_accounts(
        &mut conn,
        (1..=30).map(|k| {
            (
                format!("A-{k}"),
                format!("Account {k}"),
                Some(format!("acct{k}.example")),
            )
        }),
    );
    let mut s = vec![
        ("project", PROJECT),
        ("history_days", "60"),
        ("row_limit", "200"),
    ];
    s.extend_from_slice(extra);
    steward_sync::connect(&conn, Vendor::PostHog, &fake.url, &settings(&s)).expect("connect");
    conn
}

/// Group keys: 25 by domain, 3 by the file's id, 2 that match nothing.
fn keys() -> Vec<String> {
    let mut k: Vec<String> = (1..=25).map(|i| format!("acct{i}.example")).collect();
    k.extend((26..=28).map(|i| format!("A-{i}")));
    k.extend(["unknown-1".to_string(), "unknown-2".to_string()]);
    k
}

/// (file id, day, active users, feature events, logins) in the book.
type Row = (String, String, Option<i64>, Option<i64>, Option<i64>);

fn held(conn: &Connection) -> Vec<Row> {
    let mut stmt = conn
        .prepare(
            "SELECT e.external_id, u.day, u.active_users, u.feature_events, u.logins FROM usage_daily u
             JOIN account_external_ids e ON e.account_id = u.account_id AND e.source = 'file'
             ORDER BY e.external_id, u.day",
        )
        .expect("q");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn expected(fake: &Fake, logins: bool) -> Vec<Row> {
    let s = fake.state.lock().expect("state");
    let mut out: Vec<Row> = s
        .days
        .iter()
        .filter_map(|(key, day, users, events, login)| {
            let id = match key.strip_prefix("acct") {
                Some(rest) => format!("A-{}", rest.trim_end_matches(".example")),
                None if key.starts_with("A-") => key.clone(),
                None => return None,
            };
            Some(if logins {
                (id, day.to_string(), Some(*users), None, Some(*login))
            } else {
                (id, day.to_string(), Some(*users), Some(*events), None)
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn daily_usage_arrives_per_account_and_late_events_are_picked_up() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = Fake::start(posthog::usage(&keys(), today(), 60));
    let mut conn = book(dir.path(), &fake, &[]);
    let report = sync(&mut conn, &fake).expect("sync");
    assert_eq!(held(&conn), expected(&fake, false));
    assert_eq!(report.counts.written, 28 * 60);
    // The two unknown groups wait for the CSM.
    let waiting: Vec<String> = steward_sync::review::waiting(&conn)
        .expect("review")
        .into_iter()
        .map(|w| w.external_id)
        .collect();
    assert_eq!(waiting, ["unknown-1", "unknown-2"]);
    // The second week (210 rows; the first held only 6 days of data)
    // filled the 200-row limit: it was asked again in windows of three days.
    let queries = fake.state.lock().expect("state").queries.clone();
    assert!(queries.iter().all(|q| q.contains("LIMIT 200")));
    let widths: Vec<i64> = queries
        .iter()
        .map(|q| {
            let b: Vec<NaiveDate> = q
                .split("toDateTime('")
                .skip(1)
                .filter_map(|r| r.get(..10)?.parse().ok())
                .collect();
            (b[1] - b[0]).num_days()
        })
        .collect();
    assert_eq!(widths[..3], [7, 7, 3], "{widths:?}");
    assert!(widths[2..].iter().all(|w| *w <= 3), "{widths:?}");

    // Yesterday's events arrive late; the next run looks back two days.
    {
        let mut s = fake.state.lock().expect("state");
        let yesterday = today() - chrono::Duration::days(1);
        for d in s.days.iter_mut().filter(|d| d.1 == yesterday) {
            d.2 += 1;
        }
    }
    let report = sync(&mut conn, &fake).expect("sync");
    assert_eq!(held(&conn), expected(&fake, false));
    assert_eq!(report.counts.written, 28, "{:?}", report.counts);
    assert_eq!(report.traffic.requests, 1);
}

#[test]
fn a_query_of_the_csms_own_counts_logins() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = Fake::start(posthog::usage(&keys(), today(), 20));
    let query = "SELECT $group_0 AS account, toDate(timestamp) AS day, count(DISTINCT person_id) AS active_users, \
                 countIf(event = 'user logged in') AS logins FROM events WHERE timestamp >= toDateTime('{since}') \
                 AND timestamp < toDateTime('{until}') GROUP BY account, day LIMIT {limit}";
    let mut conn = book(
        dir.path(),
        &fake,
        &[("query", query), ("history_days", "20")],
    );
    sync(&mut conn, &fake).expect("sync");
    assert_eq!(held(&conn), expected(&fake, true));
}

#[test]
fn a_connection_without_its_project_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = Fake::start(vec![]);
    let mut conn = book(dir.path(), &fake, &[("project", "")]);
    let err = sync(&mut conn, &fake).expect_err("no project");
    assert!(err.to_string().contains("--set project="), "{err}");
    let mut http = Vendor::PostHog
        .client(&fake.url, "phx_wrong")
        .expect("client");
    steward_sync::connect(
        &conn,
        Vendor::PostHog,
        &fake.url,
        &settings(&[("project", PROJECT)]),
    )
    .expect("connect");
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::PostHog,
        today(),
        false,
        None,
        None,
    )
    .expect_err("401");
    assert!(err.to_string().contains("reconnect"), "{err}");
}
