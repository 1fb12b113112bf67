//! The Zendesk connector against a fake Zendesk: organizations link to the
//! book's accounts by domain and name (never a new account; the doubtful
//! wait for review), tickets arrive with their solved time and
//! satisfaction, the export's rate limit is waited out, later runs bring
//! updates and deletions from the cursor, and a decided organization's
//! tickets arrive on the next run.

mod support;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use steward_core::store;
use steward_sync::http::Patience;
use steward_sync::review::{self, Decision};
use steward_sync::Vendor;
use support::zendesk::{self, Fake, SECRET};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn sync(conn: &mut Connection, fake: &Fake) -> steward_core::Result<steward_sync::RunReport> {
    let mut http = Vendor::Zendesk.client(&fake.url, SECRET).expect("client");
    // The fake's limit is ten requests in two seconds, not a minute.
    http.patience = Patience {
        slow_spacing: Duration::ZERO,
        base: Duration::from_millis(50),
        ..Patience::zendesk()
    };
    steward_sync::run(conn, &mut http, Vendor::Zendesk, today(), false, None, None)
}

/// Accounts a file brought: org1..org25 by domain, "Org 26".."Org 28" by name.
fn book(dir: &std::path::Path) -> Connection {
    let mut conn = store::open_in(dir).expect("open");
    support::file_accounts(
        &mut conn,
        (1..=28).map(|k| {
            if k <= 25 {
                (
                    format!("A-{k}"),
                    format!("Account {k} Inc"),
                    Some(format!("org{k}.example")),
                )
            } else {
                (format!("A-{k}"), format!("Org {k}"), None)
            }
        }),
    );
    conn
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
);

fn held(conn: &Connection) -> Vec<Row> {
    let mut stmt = conn
        .prepare(
            "SELECT t.external_id, e.external_id, t.priority, t.status, t.opened_at, t.resolved_at, t.csat
             FROM tickets t JOIN account_external_ids e ON e.account_id = t.account_id AND e.source = 'file'
             WHERE t.source = 'sync:zendesk' ORDER BY CAST(t.external_id AS INTEGER)",
        )
        .expect("q");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("t")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The fake's tickets of linked organizations (`linked`: org number to
/// the file's account id), as the book should hold them.
fn expected(fake: &Fake, linked: impl Fn(i64) -> Option<String>) -> Vec<Row> {
    let s = fake.state.lock().expect("state");
    let mut out: Vec<Row> = s
        .tickets
        .iter()
        .filter(|t| t.status != "deleted")
        .filter_map(|t| {
            let account = linked(t.organization? - 9000)?;
            let status = match t.status {
                "new" | "open" => "open",
                "hold" | "pending" => "pending",
                other => other,
            };
            Some((
                t.id.to_string(),
                account,
                t.priority.unwrap_or("normal").to_string(),
                status.to_string(),
                iso(t.created),
                t.solved.map(iso),
                match t.rating {
                    Some("good") => Some(5),
                    Some("bad") => Some(1),
                    _ => None,
                },
            ))
        })
        .collect();
    out.sort_by_key(|r| r.0.parse::<i64>().unwrap_or(0));
    out
}

fn by_file(n: i64) -> Option<String> {
    (n <= 28).then(|| format!("A-{n}"))
}

#[test]
fn tickets_arrive_on_their_organizations_accounts_and_updates_follow_the_cursor() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(zendesk::organizations(30), zendesk::tickets(400, 30));
    let report = sync(&mut conn, &fake).expect("sync");
    assert_eq!(held(&conn), expected(&fake, by_file));
    // Organizations 29 and 30 match no account: they wait, their tickets
    // are reported, and so are the 20 tickets without an organization.
    assert_eq!(report.counts.held, 2);
    let waiting = review::waiting(&conn).expect("review");
    assert_eq!(
        waiting.iter().map(|w| w.label.as_str()).collect::<Vec<_>>(),
        ["Org 29", "Org 30"]
    );
    assert_eq!(report.counts.rejected, 20 + 2 * 13);
    let accounts: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("q");
    assert_eq!(accounts, 28, "Zendesk never adds accounts");

    // A ticket solved, one deleted, one new; the export brings exactly those.
    let later = Utc::now().timestamp() - 120;
    {
        let mut s = fake.state.lock().expect("state");
        let t = s.tickets.iter_mut().find(|t| t.id == 3).expect("t");
        t.status = "solved";
        t.solved = Some(later);
        t.updated = later;
        t.rating = Some("good");
        let gone = s.tickets.iter_mut().find(|t| t.id == 4).expect("t");
        gone.status = "deleted";
        gone.updated = later;
        let mut new = s.tickets[5].clone();
        new.id = 5000;
        new.updated = later;
        s.tickets.push(new);
    }
    let report = sync(&mut conn, &fake).expect("sync");
    assert_eq!(
        (report.counts.written, report.counts.deleted),
        (2, 1),
        "{:?}",
        report.counts
    );
    {
        let mut s = fake.state.lock().expect("state");
        s.tickets.retain(|t| t.id != 4);
    }
    assert_eq!(held(&conn), expected(&fake, by_file));

    // The CSM links Org 29 to an account: its tickets arrive next time.
    let account: i64 = conn
        .query_row(
            "SELECT account_id FROM account_external_ids WHERE external_id = 'A-1'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    review::decide(
        &mut conn,
        today(),
        Vendor::Zendesk,
        "9029",
        Decision::Account(account),
    )
    .expect("decide");
    assert!(review::decide(&mut conn, today(), Vendor::Zendesk, "9030", Decision::New).is_err());
    sync(&mut conn, &fake).expect("sync");
    assert_eq!(
        held(&conn),
        expected(&fake, |n| if n == 29 {
            Some("A-1".into())
        } else {
            by_file(n)
        })
    );
    // Three runs in quick succession met the export's limit and waited.
    assert!(fake.state.lock().expect("state").limited > 0);
}

#[test]
fn a_refused_token_stops_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(zendesk::organizations(3), zendesk::tickets(10, 3));
    let mut http = Vendor::Zendesk
        .client(&fake.url, "agent@example.com/token:wrong")
        .expect("client");
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::Zendesk,
        today(),
        false,
        None,
        None,
    )
    .expect_err("401");
    assert!(err.to_string().contains("reconnect"), "{err}");
    assert!(!err.to_string().contains("wrong"));
    assert_eq!(fake.state.lock().expect("state").requests, 1);
}
