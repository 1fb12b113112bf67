//! `steward sync` of every vendor killed at any moment
//! against the sync crate's fake vendors (shared by path): every killed
//! file is intact, holds each company or customer at most once, and the
//! runs that follow resume and converge on exactly the fake's records.

#[path = "../../sync/tests/support/mod.rs"]
mod fake;

use std::path::Path;
use std::process::{Command, Stdio};

fn steward(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    // English, whatever the machine speaks: the tests read the words.
    cmd.env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("STEWARD_HUBSPOT_TOKEN", fake::TOKEN)
        .env("STEWARD_STRIPE_KEY", fake::stripe::KEY)
        .env("STEWARD_SALESFORCE_CLIENT_ID", fake::salesforce::CLIENT_ID)
        .env(
            "STEWARD_SALESFORCE_CLIENT_SECRET",
            fake::salesforce::CLIENT_SECRET,
        )
        .env(
            "STEWARD_SALESFORCE_REFRESH_TOKEN",
            fake::salesforce::REFRESH,
        )
        .env("STEWARD_ZENDESK_TOKEN", fake::zendesk::SECRET)
        .env("STEWARD_POSTHOG_KEY", fake::posthog::KEY);
    cmd
}

/// `steward connect VENDOR --base-url URL ...`, which must succeed.
fn connect(data: &Path, vendor: &str, url: &str, extra: &[&str]) {
    let mut args = vec!["connect", vendor, "--base-url", url];
    args.extend_from_slice(extra);
    let out = steward(data, &args).output().expect("connect");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts `steward sync VENDOR` and kills it after `ms` milliseconds.
fn sync_killed_after(data: &Path, vendor: &str, ms: u64) {
    killed_after(data, &["sync", vendor], ms);
}

/// Starts `steward ARGS...` and kills it after `ms` milliseconds.
fn killed_after(data: &Path, args: &[&str], ms: u64) {
    let mut child = steward(data, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(ms));
    let _ = child.kill();
    let _ = child.wait();
}

fn counts(db: &Path) -> (String, i64, i64, i64) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    let accounts: i64 = conn
        .query_row(
            "SELECT count(*) FROM account_external_ids WHERE source = 'sync:hubspot'",
            [],
            |r| r.get(0),
        )
        .expect("accounts");
    let distinct: i64 = conn
        .query_row("SELECT count(DISTINCT account_id) FROM account_external_ids WHERE source = 'sync:hubspot'", [], |r| r.get(0))
        .expect("distinct");
    let contacts: i64 = conn
        .query_row(
            "SELECT count(*) FROM contacts WHERE source = 'sync:hubspot'",
            [],
            |r| r.get(0),
        )
        .expect("contacts");
    assert_eq!(accounts, distinct, "one account per company");
    (check, accounts, contacts, distinct)
}

#[test]
fn a_sync_killed_at_any_moment_resumes_and_converges() {
    let server = fake::Fake::start(fake::companies(1, 600));
    server.state.lock().expect("state").contacts = fake::contacts(1, 900, 600);
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    connect(&data, "hubspot", &server.url, &[]);
    let db = data.join("portfolio.sqlite3");
    // About 24 requests at HubSpot's pace (100 ms apart): kills across them.
    let mut partial = 0;
    for after in [150u64, 700, 1_300, 1_900] {
        sync_killed_after(&data, "hubspot", after);
        let (check, accounts, contacts, _) = counts(&db);
        assert_eq!(check, "ok", "killed after {after} ms");
        assert!(
            accounts <= 600,
            "killed after {after} ms: {accounts} accounts"
        );
        partial += i32::from(accounts + contacts < 600 + 810);
    }
    assert!(partial > 0, "some kill landed in the middle of a sync");
    let done = steward(&data, &["sync", "hubspot"]).output().expect("sync");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let (check, accounts, contacts, _) = counts(&db);
    assert_eq!(
        (check.as_str(), accounts, contacts),
        ("ok", 600, 810),
        "every company once, 810 linked contacts"
    );
    // And once more: nothing new.
    let again = steward(&data, &["sync", "hubspot"]).output().expect("sync");
    assert!(
        String::from_utf8_lossy(&again.stdout).starts_with("HubSpot: 0 written"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

/// (integrity, Stripe accounts, distinct customers, subscriptions, invoices).
fn billing(db: &Path) -> (String, i64, i64, i64, i64) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    (
        check,
        one("SELECT count(*) FROM accounts WHERE source = 'sync:stripe'"),
        one("SELECT count(DISTINCT external_id) FROM account_external_ids WHERE source = 'sync:stripe'"),
        one("SELECT count(*) FROM subscriptions WHERE source = 'sync:stripe'"),
        one("SELECT count(*) FROM invoices WHERE source = 'sync:stripe'"),
    )
}

#[test]
fn a_stripe_sync_killed_at_any_moment_resumes_and_converges() {
    let server = fake::stripe::Fake::start(fake::stripe::book(500));
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    connect(&data, "stripe", &server.url, &["--no-secret"]);
    let db = data.join("portfolio.sqlite3");
    // About 60 requests at Stripe's test-mode pace: kills across them.
    let mut partial = 0;
    for after in [300u64, 900, 1_600, 2_300] {
        sync_killed_after(&data, "stripe", after);
        let (check, accounts, customers, subs, invoices) = billing(&db);
        assert_eq!(check, "ok", "killed after {after} ms");
        assert_eq!(
            accounts, customers,
            "killed after {after} ms: one account per customer"
        );
        partial += i32::from(accounts + subs + invoices < 500 + 499 + 1000);
    }
    assert!(partial > 0, "some kill landed in the middle of a sync");
    let done = steward(&data, &["sync", "stripe"]).output().expect("sync");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stdout)
    );
    assert_eq!(billing(&db), ("ok".into(), 500, 500, 499, 1000));
    let again = steward(&data, &["sync", "stripe"]).output().expect("sync");
    assert!(
        String::from_utf8_lossy(&again.stdout).starts_with("Stripe: 0 written"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn an_outbox_send_killed_between_send_and_answer_never_makes_a_second_note() {
    use steward_core::checkin::{self, NewCheckIn};
    use steward_core::model::ActivityKind;
    let server = fake::Fake::start(fake::companies(1, 6));
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    connect(&data, "hubspot", &server.url, &["--no-secret"]);
    let synced = steward(&data, &["sync", "hubspot"]).output().expect("sync");
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let db = data.join("portfolio.sqlite3");
    {
        let mut conn = steward_core::store::open_in(&data).expect("open");
        let accounts: Vec<i64> = conn
            .prepare("SELECT account_id FROM account_external_ids WHERE source = 'sync:hubspot' ORDER BY account_id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("accounts");
        let today = steward_core::today();
        for (i, account) in accounts.iter().enumerate() {
            let input = NewCheckIn {
                account_id: *account,
                kind: ActivityKind::Meeting,
                occurred_on: today,
                contact_ids: vec![],
                summary: format!("Check-in number {i}"),
                sentiment: None,
                next_steps: vec![],
            };
            steward_core::write::run(&mut conn, today, |w| checkin::log(w, &input)).expect("log");
        }
    }
    // Each note is answered 300 ms after HubSpot made it: kills land
    // between the send and its answer.
    server.state.lock().expect("state").create_delay = std::time::Duration::from_millis(300);
    let mut lost_answers = 0;
    for after in [450u64, 650, 520, 800] {
        killed_after(&data, &["outbox", "send"], after);
        let conn = rusqlite::Connection::open(&db).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
        let unconfirmed: Vec<String> = conn
            .prepare("SELECT reference FROM outbox WHERE state = 'sending'")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("sending");
        let notes = server.state.lock().expect("state").notes.clone();
        lost_answers += unconfirmed
            .iter()
            .filter(|r| notes.iter().any(|n| n.body.contains(r.as_str())))
            .count();
        // The CSM comes back after HubSpot's search caught up.
        let past = (chrono::Utc::now() - chrono::Duration::seconds(120)).to_rfc3339();
        conn.execute(
            "UPDATE outbox SET attempted_at = ?1 WHERE state = 'sending'",
            [past],
        )
        .expect("back-date");
    }
    assert!(
        lost_answers > 0,
        "some kill landed between a send and its answer"
    );
    server.state.lock().expect("state").create_delay = std::time::Duration::ZERO;
    let done = steward(&data, &["outbox", "send"]).output().expect("send");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let conn = rusqlite::Connection::open(&db).expect("open");
    let sent: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'sent'",
            [],
            |r| r.get(0),
        )
        .expect("sent");
    let notes = server.state.lock().expect("state").notes.clone();
    assert_eq!((sent, notes.len()), (6, 6), "one note per check-in");
    for i in 0..6 {
        let body = format!("Check-in number {i}<");
        assert_eq!(
            notes.iter().filter(|n| n.body.contains(&body)).count(),
            1,
            "{body}"
        );
    }
}

#[test]
fn a_salesforce_sync_killed_at_any_moment_resumes_and_converges() {
    use fake::salesforce::{account, contact, Fake};
    let mut records = Vec::new();
    for n in 1..=1_500 {
        // One stamp per pair of accounts: ties broken by Id.
        let ms = 1_700_000_000_000 + (n / 2) * 60_000;
        records.push(account(n, ms));
        records.push(contact(2 * n, n, ms));
    }
    let server = Fake::start(records);
    server.state.lock().expect("state").batch = 100;
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    connect(&data, "salesforce", &server.url, &["--no-secret"]);
    let db = data.join("portfolio.sqlite3");
    let count = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    };
    let mut partial = 0;
    for after in [300u64, 800, 1_300, 1_800] {
        sync_killed_after(&data, "salesforce", after);
        assert_eq!(
            count("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
            1,
            "killed after {after} ms"
        );
        let accounts =
            count("SELECT count(*) FROM account_external_ids WHERE source = 'sync:salesforce'");
        assert_eq!(
            accounts,
            count("SELECT count(DISTINCT account_id) FROM account_external_ids WHERE source = 'sync:salesforce'"),
            "one account per Salesforce account"
        );
        partial += i32::from(accounts + count("SELECT count(*) FROM contacts") < 3_000);
    }
    assert!(partial > 0, "some kill landed in the middle of a sync");
    let done = steward(&data, &["sync", "salesforce"])
        .output()
        .expect("sync");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(count("SELECT count(*) FROM accounts"), 1_500);
    assert_eq!(
        count("SELECT count(*) FROM contacts WHERE source = 'sync:salesforce'"),
        1_500
    );
}

/// A book of `n` accounts from a file, acct{k}.example, ids A-{k}.
fn file_book(data: &Path, n: i64, domain: &str) {
    let mut conn = steward_core::store::open_in(data).expect("open");
    fake::file_accounts(
        &mut conn,
        (1..=n).map(|k| {
            (
                format!("A-{k}"),
                format!("Account {k}"),
                Some(format!("{domain}{k}.example")),
            )
        }),
    );
}

fn one(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn a_posthog_sync_killed_at_any_moment_resumes_and_converges() {
    let keys: Vec<String> = (1..=25).map(|k| format!("acct{k}.example")).collect();
    let today = steward_core::today();
    let server = fake::posthog::Fake::start(fake::posthog::usage(&keys, today, 50));
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    file_book(&data, 25, "acct");
    connect(
        &data,
        "posthog",
        &server.url,
        &[
            "--no-secret",
            "--set",
            &format!("project={}", fake::posthog::PROJECT),
            "--set",
            "history_days=60",
            "--set",
            "row_limit=200",
        ],
    );
    let db = data.join("portfolio.sqlite3");
    // About nine queries at PostHog's pace of one a second.
    let mut partial = 0;
    for after in [1_500u64, 3_500, 5_500] {
        sync_killed_after(&data, "posthog", after);
        assert_eq!(
            one(
                &db,
                "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"
            ),
            1
        );
        partial += i32::from(one(&db, "SELECT count(*) FROM usage_daily") < 25 * 50);
    }
    assert!(partial > 0, "some kill landed in the middle of a sync");
    let done = steward(&data, &["sync", "posthog"]).output().expect("sync");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(
        one(&db, "SELECT count(*) FROM usage_daily"),
        25 * 50,
        "every day of every account once"
    );
    assert_eq!(
        one(&db, "SELECT sum(active_users) FROM usage_daily"),
        server
            .state
            .lock()
            .expect("state")
            .days
            .iter()
            .map(|d| d.2)
            .sum::<i64>()
    );
}

#[test]
fn a_zendesk_sync_killed_at_any_moment_resumes_and_converges() {
    let server = fake::zendesk::Fake::start(
        fake::zendesk::organizations(25),
        fake::zendesk::tickets(300, 25),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    file_book(&data, 25, "org");
    connect(&data, "zendesk", &server.url, &["--no-secret"]);
    let db = data.join("portfolio.sqlite3");
    // Zendesk's exports allow one request per six seconds: each run makes
    // its first at once and is killed before its second.
    let mut partial = 0;
    for _ in 0..3 {
        sync_killed_after(&data, "zendesk", 2_500);
        assert_eq!(
            one(
                &db,
                "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"
            ),
            1
        );
        partial += i32::from(one(&db, "SELECT count(*) FROM tickets") < 285);
    }
    assert!(partial > 0, "some kill landed in the middle of a sync");
    let done = steward(&data, &["sync", "zendesk"]).output().expect("sync");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    // Every 20th ticket has no organization: 285 land, each once.
    assert_eq!(one(&db, "SELECT count(*) FROM tickets"), 285);
    assert_eq!(
        one(&db, "SELECT count(DISTINCT external_id) FROM tickets"),
        285
    );
}
