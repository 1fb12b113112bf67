//! The Salesforce connector against a fake Salesforce: sign-in at the
//! login address and data from the instance it names, SOQL batches
//! followed by their relative nextRecordsUrl, increments by
//! SystemModstamp, a session renewed when it expires, deletions from the
//! deleted endpoint and by reconcile past its window, the daily cap, the
//! team's own fields, and renewals from opportunities.

mod support;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use serde_json::json;
use steward_core::{store, ErrorCode};
use steward_sync::Vendor;
use support::quick;
use support::salesforce::{account, contact, contract, opportunity, Fake, SECRET};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

const LONG_AGO: i64 = 1_700_000_000_000;

/// 120 accounts, two contacts each, and a few opportunities, read 50 a batch.
fn fake() -> Fake {
    let mut records = Vec::new();
    for n in 1..=120 {
        // Ten minutes apart: a later run's five-minute look back re-reads
        // only the last of each.
        records.push(account(n, LONG_AGO + n * 600_000));
        records.push(contact(2 * n, n, LONG_AGO + n * 600_000 + 1));
        records.push(contact(2 * n + 1, n, LONG_AGO + n * 600_000 + 2));
    }
    records.push(opportunity(
        1,
        1,
        "Renewal",
        "2027-05-31",
        24_000.0,
        LONG_AGO,
    ));
    records.push(opportunity(
        2,
        1,
        "Renewal",
        "2027-11-30",
        30_000.0,
        LONG_AGO,
    ));
    records.push(opportunity(
        3,
        1,
        "New Business",
        "2027-01-31",
        99_000.0,
        LONG_AGO,
    ));
    records.push(contract(1, 1, "Activated", "2025-06-01", "2027-05-31", 24));
    records.push(contract(2, 2, "Activated", "2024-01-01", "2025-12-31", 24));
    records.push(contract(3, 2, "Activated", "2026-01-01", "2027-12-31", 24));
    records.push(contract(4, 3, "Draft", "2026-03-01", "2027-02-28", 12));
    let fake = Fake::start(records);
    fake.state.lock().expect("state").batch = 50;
    fake
}

fn book(dir: &std::path::Path, fake: &Fake) -> Connection {
    let conn = store::open_in(dir).expect("open");
    let mut settings = serde_json::Map::new();
    settings.insert(
        "account_fields".into(),
        json!("renewal_date=Renewal_Date__c, tier=Tier__c"),
    );
    steward_sync::connect(&conn, Vendor::Salesforce, &fake.url, &settings).expect("connect");
    conn
}

fn sync(conn: &mut Connection, fake: &Fake) -> steward_core::Result<steward_sync::RunReport> {
    let mut http = Vendor::Salesforce
        .client(&fake.url, SECRET)
        .expect("client");
    http.patience = quick();
    steward_sync::run(
        conn,
        &mut http,
        Vendor::Salesforce,
        today(),
        false,
        None,
        None,
    )
}

fn one<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> T {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

fn account_row(
    conn: &Connection,
    n: i64,
) -> (String, Option<String>, String, Option<String>, Option<i64>) {
    conn.query_row(
        "SELECT a.name, a.domain, a.tier, a.renewal_date, a.crm_arr_minor FROM accounts a
         JOIN account_external_ids e ON e.account_id = a.id AND e.source = 'sync:salesforce'
         WHERE e.external_id = ?1",
        [format!("001{n:015}")],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .expect("account")
}

#[test]
fn a_full_sync_reads_the_instance_in_batches_with_the_teams_own_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    let mut conn = book(dir.path(), &f);
    let report = sync(&mut conn, &f).expect("sync");
    assert_eq!(
        one::<i64>(
            &conn,
            "SELECT count(*) FROM account_external_ids WHERE source = 'sync:salesforce'"
        ),
        120
    );
    assert_eq!(
        one::<i64>(
            &conn,
            "SELECT count(*) FROM contacts WHERE source = 'sync:salesforce'"
        ),
        240
    );
    // Website to domain; Tier__c to the tier; account 2's current
    // activated contract (of two) gives its renewal over Renewal_Date__c.
    assert_eq!(
        account_row(&conn, 2),
        (
            "Account 2".into(),
            Some("account2.example".into()),
            "C".into(),
            Some("2027-12-31".into()),
            None
        )
    );
    assert_eq!(
        account_row(&conn, 3).3.as_deref(),
        Some("2027-04-15"),
        "a draft contract counts for nothing"
    );
    let start_and_term = |n: i64| -> (Option<String>, Option<i64>) {
        conn.query_row(
            "SELECT a.contract_start, a.contract_term_months FROM accounts a JOIN account_external_ids e
             ON e.account_id = a.id AND e.source = 'sync:salesforce' WHERE e.external_id = ?1",
            [format!("001{n:015}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("account")
    };
    assert_eq!(start_and_term(2), (Some("2026-01-01".into()), Some(24)));
    // Account 1's open renewal opportunity, not its contract, dates it.
    assert_eq!(start_and_term(1), (Some("2025-06-01".into()), Some(24)));
    assert_eq!(account_row(&conn, 1).3.as_deref(), Some("2027-05-31"));
    assert_eq!(account_row(&conn, 1).4, Some(2_400_000));
    // 3 batches of accounts, 5 of contacts, 1 of opportunities, 1 of
    // contracts: each after the first by its relative nextRecordsUrl.
    assert_eq!(
        report.traffic.requests,
        1 + 3 + 5 + 1 + 1,
        "{:?}",
        report.traffic
    );
    let s = f.state.lock().expect("state");
    assert_eq!(s.sessions, 1);
    assert!(
        s.queries
            .iter()
            .all(|q| q.contains("ORDER BY SystemModstamp, Id")),
        "{:?}",
        s.queries
    );
}

#[test]
fn a_later_sync_reads_from_the_last_stamp_and_writes_only_what_changed() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    let mut conn = book(dir.path(), &f);
    sync(&mut conn, &f).expect("first");
    let now = Utc::now().timestamp_millis();
    {
        let mut s = f.state.lock().expect("state");
        for r in s.records.iter_mut().filter(|r| {
            r.object == "Account"
                && ["001000000000000007", "001000000000000050"].contains(&r.id.as_str())
        }) {
            r.fields.insert(
                "Name".into(),
                json!(format!(
                    "{} (renamed)",
                    r.fields["Name"].as_str().unwrap_or("")
                )),
            );
            r.modstamp_ms = now;
        }
        s.records.push(contact(999, 3, now));
        s.queries.clear();
    }
    let report = sync(&mut conn, &f).expect("second");
    assert_eq!(report.counts.written, 3, "{:?}", report.counts);
    assert_eq!(account_row(&conn, 7).0, "Account 7 (renamed)");
    let s = f.state.lock().expect("state");
    assert!(
        s.queries[0].contains("WHERE SystemModstamp >= "),
        "{}",
        s.queries[0]
    );
}

#[test]
fn an_expired_session_is_renewed_once_and_bad_credentials_ask_to_reconnect() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    f.state.lock().expect("state").expire_after = Some(3);
    let mut conn = book(dir.path(), &f);
    sync(&mut conn, &f).expect("sync through expiries");
    assert_eq!(
        one::<i64>(
            &conn,
            "SELECT count(*) FROM contacts WHERE source = 'sync:salesforce'"
        ),
        240
    );
    assert!(f.state.lock().expect("state").sessions >= 3);

    let mut http = Vendor::Salesforce
        .client(&f.url, "3MVG9fake:wrong:5Aep861refresh")
        .expect("client");
    http.patience = quick();
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::Salesforce,
        today(),
        false,
        None,
        None,
    )
    .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Reconnect, "{err}");
    assert!(err.to_string().contains("authentication failure"), "{err}");
}

#[test]
fn deletions_come_from_the_deleted_endpoint_and_by_reconcile_past_its_window() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    let mut conn = book(dir.path(), &f);
    sync(&mut conn, &f).expect("first");
    // Deleted a few seconds ago (the endpoint covers whole seconds).
    let now = Utc::now().timestamp_millis() - 3_000;
    f.delete("Account", "001000000000000009", now);
    f.delete("Contact", "003000000000000020", now);
    f.delete("Opportunity", "006000000000000001", now);
    let report = sync(&mut conn, &f).expect("second");
    assert_eq!(report.counts.deleted, 3, "{:?}", report.counts);
    assert_eq!(
        one::<i64>(
            &conn,
            "SELECT count(*) FROM account_external_ids WHERE source = 'sync:salesforce'"
        ),
        119
    );
    assert_eq!(
        one::<i64>(&conn, "SELECT count(*) FROM accounts"),
        120,
        "the account and its work stay"
    );
    assert!(one::<bool>(
        &conn,
        "SELECT left_company FROM contacts WHERE external_id = '003000000000000020'"
    ));
    // Account 1's May renewal is gone: November's is next.
    assert_eq!(account_row(&conn, 1).3.as_deref(), Some("2027-11-30"));

    // Three weeks without a sync: the deleted endpoint no longer reaches
    // back; every id is reconciled instead.
    f.delete("Contact", "003000000000000030", now);
    f.state.lock().expect("state").deleted.clear();
    let old = (Utc::now() - chrono::Duration::days(21)).to_rfc3339();
    conn.execute(
        "UPDATE sync_cursors SET cursor = json_set(cursor, '$.deletes_to', ?1) WHERE vendor = 'salesforce'",
        [old],
    )
    .expect("age the cursor");
    let report = sync(&mut conn, &f).expect("reconcile");
    assert_eq!(report.counts.deleted, 1, "{:?}", report.counts);
    assert!(one::<bool>(
        &conn,
        "SELECT left_company FROM contacts WHERE external_id = '003000000000000030'"
    ));
}

#[test]
fn the_daily_cap_stops_the_run_and_keeps_what_was_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    f.state.lock().expect("state").daily_limit = 5;
    let mut conn = book(dir.path(), &f);
    let err = sync(&mut conn, &f).expect_err("capped");
    assert!(err.to_string().contains("daily request limit"), "{err}");
    let kept: i64 = one(
        &conn,
        "SELECT count(*) FROM account_external_ids WHERE source = 'sync:salesforce'",
    );
    assert_eq!(kept, 120, "the accounts read before the cap stay");
    let logged: String = one(
        &conn,
        "SELECT outcome FROM sync_runs ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(logged, "failed");
    // The next day: the run resumes and completes.
    f.state.lock().expect("state").daily_limit = u32::MAX;
    sync(&mut conn, &f).expect("next day");
    assert_eq!(
        one::<i64>(
            &conn,
            "SELECT count(*) FROM contacts WHERE source = 'sync:salesforce'"
        ),
        240
    );
}

#[test]
fn a_probe_names_the_accounts_it_can_read() {
    let f = fake();
    let probe =
        steward_sync::connections::probe(Vendor::Salesforce, &f.url, SECRET, &Default::default())
            .expect("probe");
    assert_eq!(
        probe.summary,
        "Salesforce answers: 120 accounts can be read."
    );
    assert_eq!(probe.sample[0], "Account 1 (account1.example)");
    // The team's own fields, previewed as they would land; a field
    // Salesforce does not know is refused with its reason.
    let mut mapping = serde_json::Map::new();
    mapping.insert(
        "account_fields".into(),
        json!("renewal_date=Renewal_Date__c,tier=Tier__c"),
    );
    let probe = steward_sync::connections::probe(Vendor::Salesforce, &f.url, SECRET, &mapping)
        .expect("probe");
    assert_eq!(
        probe.sample[0],
        "Account 1 (account1.example): renewal_date 2027-02-15, tier B"
    );
    mapping.insert("account_fields".into(), json!("arr=ARR__c"));
    let err = steward_sync::connections::probe(Vendor::Salesforce, &f.url, SECRET, &mapping)
        .expect_err("unknown");
    assert!(err.to_string().contains("No such column 'ARR__c'"), "{err}");
    mapping.insert("account_fields".into(), json!("favourite_colour=Colour__c"));
    let err = steward_sync::connections::probe(Vendor::Salesforce, &f.url, SECRET, &mapping)
        .expect_err("ours");
    assert!(err.to_string().contains("not an account field"), "{err}");
}

#[test]
fn a_check_in_becomes_one_completed_task_on_the_account_even_when_an_answer_is_lost() {
    use steward_core::checkin::{self, NewCheckIn};
    use steward_core::model::ActivityKind;
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    let mut conn = book(dir.path(), &f);
    sync(&mut conn, &f).expect("sync");
    let account = |n: i64| -> i64 {
        conn.query_row(
            "SELECT account_id FROM account_external_ids WHERE source = 'sync:salesforce' AND external_id = ?1",
            [format!("001{n:015}")],
            |r| r.get(0),
        )
        .expect("account")
    };
    let (a, b) = (account(4), account(5));
    let person: i64 = one(
        &conn,
        "SELECT id FROM contacts WHERE external_id = '003000000000000008'",
    );
    for (account, people, text) in [
        (a, vec![person], "Exec sync: expansion to EMEA"),
        (b, vec![], "Onboarding call"),
    ] {
        let input = NewCheckIn {
            account_id: account,
            kind: ActivityKind::Call,
            occurred_on: today(),
            contact_ids: people,
            summary: text.into(),
            sentiment: None,
            next_steps: vec![],
        };
        steward_core::write::run(&mut conn, today(), |w| checkin::log(w, &input)).expect("log");
    }
    // The first task is made but its answer lost; the second fails before.
    f.state.lock().expect("state").create_faults = [true, false].into();
    let mut http = Vendor::Salesforce.client(&f.url, SECRET).expect("client");
    http.patience = quick();
    let first = steward_sync::outbox::send(&mut conn, &mut http, Vendor::Salesforce, today(), None)
        .expect("send");
    assert_eq!(first.waiting, 2, "{first:?}");
    // SOQL sees a task at once: the next round finds the first and sends
    // the second, without waiting.
    let second =
        steward_sync::outbox::send(&mut conn, &mut http, Vendor::Salesforce, today(), None)
            .expect("again");
    assert_eq!((second.found, second.sent), (1, 1), "{second:?}");
    let s = f.state.lock().expect("state");
    let tasks: Vec<_> = s.records.iter().filter(|r| r.object == "Task").collect();
    assert_eq!(tasks.len(), 2, "one task per check-in");
    let exec = tasks
        .iter()
        .find(|t| {
            t.fields["Subject"]
                .as_str()
                .is_some_and(|x| x.starts_with("Call: Exec sync"))
        })
        .expect("task");
    assert_eq!(exec.fields["WhatId"], "001000000000000004");
    assert_eq!(exec.fields["WhoId"], "003000000000000008");
    assert_eq!(exec.fields["Status"], "Completed");
    assert_eq!(exec.fields["ActivityDate"], today().to_string());
}

#[test]
fn the_health_score_goes_to_the_account_fields_the_team_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fake();
    let mut conn = book(dir.path(), &f);
    let mut settings = serde_json::Map::new();
    settings.insert("health_field".into(), json!("Health_Score__c"));
    settings.insert("band_field".into(), json!("Health_Band__c"));
    steward_sync::connect(&conn, Vendor::Salesforce, &f.url, &settings).expect("settings");
    sync(&mut conn, &f).expect("sync");
    let mut http = Vendor::Salesforce.client(&f.url, SECRET).expect("client");
    http.patience = quick();
    let told = steward_sync::outbox::push_health(
        &mut conn,
        &mut http,
        Vendor::Salesforce,
        &settings,
        today(),
    )
    .expect("push");
    assert_eq!(told, 120, "every account told once");
    let again = steward_sync::outbox::push_health(
        &mut conn,
        &mut http,
        Vendor::Salesforce,
        &settings,
        today(),
    )
    .expect("push");
    assert_eq!(again, 0, "nothing changed, nothing sent");
    let s = f.state.lock().expect("state");
    let told = s
        .records
        .iter()
        .filter(|r| r.object == "Account" && r.fields.contains_key("Health_Band__c"))
        .count();
    assert_eq!(told, 120);
}
