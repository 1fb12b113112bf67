//! The HubSpot connector against a fake HubSpot: a full sync brings exactly
//! the fake's companies, later syncs bring what changed, faults and rate
//! limits converge to the same book, a run that fails leaves its cursor where
//! the last committed page put it, and a search window over HubSpot's
//! 10,000-result cap is split rather than cut short.

mod support;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use steward_core::store;
use steward_sync::http::{Http, Patience};
use steward_sync::Vendor;
use support::{companies, contacts, quick, Fake, Fault, TOKEN};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn book(dir: &std::path::Path) -> Connection {
    store::open_in(dir).expect("open")
}

/// The synced accounts as (external id, name, domain, employees).
fn synced(conn: &Connection) -> Vec<(String, String, Option<String>, Option<i64>)> {
    let mut stmt = conn
        .prepare(
            "SELECT e.external_id, a.name, a.domain, a.employees FROM accounts a
             JOIN account_external_ids e ON e.account_id = a.id AND e.source = 'sync:hubspot'
             ORDER BY CAST(e.external_id AS INTEGER)",
        )
        .expect("query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn expected(fake: &Fake) -> Vec<(String, String, Option<String>, Option<i64>)> {
    let mut out: Vec<_> = fake
        .state
        .lock()
        .expect("state")
        .companies
        .iter()
        .filter(|c| !c.archived)
        .map(|c| {
            (
                c.id.to_string(),
                c.name.clone(),
                c.domain.clone(),
                c.employees.as_ref().and_then(|e| e.parse().ok()),
            )
        })
        .collect();
    out.sort_by_key(|r| r.0.parse::<i64>().unwrap_or(0));
    out
}

fn sync(
    conn: &mut Connection,
    fake: &Fake,
    full: bool,
) -> steward_core::Result<steward_sync::RunReport> {
    let mut http = Http::new(&fake.url, TOKEN, quick()).expect("client");
    steward_sync::run(conn, &mut http, Vendor::HubSpot, today(), full, None, None)
}

#[test]
fn a_full_sync_brings_exactly_the_companies_and_a_later_one_what_changed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 450));
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(report.counts.written, 450);
    assert_eq!(synced(&conn), expected(&fake));
    // 5 pages of companies, one (empty) of contacts and one of deals, and
    // one (empty) page of archived records of each; what changed during the
    // walk is searched for next time.
    assert_eq!(report.traffic.requests, 10, "{:?}", report.traffic);

    // Nothing changed: nothing written.
    let again = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(again.counts.written, 0);

    // Three renamed, two new, then a sync brings exactly those five.
    let now = Utc::now().timestamp_millis();
    fake.edit(|cs| {
        for c in cs.iter_mut().filter(|c| [3, 99, 400].contains(&c.id)) {
            c.name = format!("{} (renamed)", c.name);
            c.modified_ms = now;
        }
        for mut c in companies(1000, 2) {
            c.modified_ms = now;
            cs.push(c);
        }
    });
    let changed = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(changed.counts.written, 5, "{:?}", changed.counts);
    assert_eq!(synced(&conn), expected(&fake));
    // A full sync changes nothing more and duplicates nothing.
    let full = sync(&mut conn, &fake, true).expect("sync");
    assert_eq!(full.counts.written, 0);
    assert_eq!(synced(&conn).len(), 452);
}

#[test]
fn rate_limits_and_gateway_errors_are_waited_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 250));
    fake.fail_next(&[
        Fault::TooMany,
        Fault::TooMany,
        Fault::BadGateway,
        Fault::TooMany,
    ]);
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(report.traffic.retries, 4);
    assert_eq!(synced(&conn), expected(&fake));
}

#[test]
fn a_broken_answer_stops_the_run_keeps_what_was_committed_and_the_next_run_converges() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 650));
    // The third page comes back as an HTML page with status 200, after a
    // retried 502; then a body cut short on a later run's first page.
    fake.state.lock().expect("state").fail_on = vec![(3, Fault::BadGateway), (4, Fault::Html)];
    let err = sync(&mut conn, &fake, false).expect_err("the HTML page stops the run");
    assert!(err.to_string().contains("not JSON"), "{err}");
    assert_eq!(synced(&conn).len(), 200, "the two pages before it are kept");
    fake.fail_next(&[Fault::Truncated]);
    let err = sync(&mut conn, &fake, false).expect_err("a cut-off body stops it too");
    assert!(err.to_string().contains("not JSON"), "{err}");
    assert_eq!(synced(&conn).len(), 200);
    // The next run resumes at the third page and converges: every company
    // once, nothing written twice.
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(report.counts.written, 450);
    assert_eq!(synced(&conn), expected(&fake));
    let runs: Vec<String> = steward_sync::runs(&conn, Some(Vendor::HubSpot), 10)
        .expect("runs")
        .into_iter()
        .map(|r| r.outcome)
        .collect();
    assert_eq!(runs, ["done", "failed", "failed"]);
}

#[test]
fn a_refused_token_stops_at_once_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 50));
    let mut http = Http::new(&fake.url, "pat-revoked", quick()).expect("client");
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today(),
        false,
        None,
        None,
    )
    .expect_err("401");
    assert!(err.to_string().contains("reconnect"), "{err}");
    assert_eq!(fake.requests(), 1, "no retries of a 401");
    assert!(synced(&conn).is_empty());
    let cursors: i64 = conn
        .query_row("SELECT count(*) FROM sync_cursors", [], |r| r.get(0))
        .expect("q");
    assert_eq!(cursors, 0);
    let (outcome, error): (String, String) = conn
        .query_row("SELECT outcome, error FROM sync_runs", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("logged");
    assert_eq!(outcome, "failed");
    assert!(
        !error.contains("pat-revoked"),
        "the token is never in a message"
    );
}

#[test]
fn more_changes_than_search_can_page_are_split_and_all_arrive() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 20));
    sync(&mut conn, &fake, false).expect("first sync");
    // A bulk update: 10,050 companies share one modification millisecond,
    // and 300 more are spread over the 300 ms after it (all in the past).
    let now = Utc::now().timestamp_millis() - 10_000;
    fake.edit(|cs| {
        for mut c in companies(100_000, 10_050) {
            c.modified_ms = now;
            cs.push(c);
        }
        for (k, mut c) in companies(200_000, 300).into_iter().enumerate() {
            c.modified_ms = now + 1 + k as i64;
            cs.push(c);
        }
    });
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(report.counts.written, 10_350, "{:?}", report.counts);
    assert_eq!(synced(&conn), expected(&fake));
}

#[test]
fn contacts_land_on_their_companys_account_and_unlinked_ones_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 40));
    fake.state.lock().expect("state").contacts = contacts(1, 230, 40);
    let report = sync(&mut conn, &fake, false).expect("sync");
    // Every tenth contact has no company: 23 reported, 207 in.
    assert_eq!(report.counts.written, 40 + 207, "{:?}", report.counts);
    assert_eq!(report.counts.rejected, 23);
    assert!(
        report.counts.reasons[0].contains("not associated with a company"),
        "{:?}",
        report.counts.reasons
    );
    let rows: Vec<(String, String, Option<String>, String)> = conn
        .prepare(
            "SELECT c.external_id, c.name, c.email, e.external_id FROM contacts c
             JOIN account_external_ids e ON e.account_id = c.account_id AND e.source = 'sync:hubspot'
             WHERE c.source = 'sync:hubspot' ORDER BY CAST(c.external_id AS INTEGER)",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), 207);
    for (id, name, email, company) in &rows {
        let n: i64 = id.parse().expect("id");
        // Associations came as numbers and as strings; both found the account.
        assert_eq!(company, &(1 + n % 40).to_string(), "contact {id}");
        assert_eq!(name, &format!("Dana{n} Kim"));
        assert_eq!(
            email.as_deref(),
            Some(format!("dana{n}@example.com").as_str())
        );
    }
    // A contact who changed moves with the next sync; nothing else is written.
    let now = Utc::now().timestamp_millis() - 5_000;
    {
        let mut s = fake.state.lock().expect("state");
        let c = s
            .contacts
            .iter_mut()
            .find(|c| c.id == 7)
            .expect("contact 7");
        c.title = Some("VP Operations".into());
        c.company = Some(12);
        c.modified_ms = now;
    }
    let again = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(again.counts.written, 1, "{:?}", again.counts);
    let company: String = conn
        .query_row(
            "SELECT e.external_id FROM contacts c JOIN account_external_ids e ON e.account_id = c.account_id AND e.source = 'sync:hubspot'
             WHERE c.source = 'sync:hubspot' AND c.external_id = '7'",
            [],
            |r| r.get(0),
        )
        .expect("contact 7");
    assert_eq!(company, "12");
}

#[test]
fn searches_keep_to_hubspots_pace_of_about_five_a_second() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 30));
    sync(&mut conn, &fake, false).expect("first sync");
    let now = Utc::now().timestamp_millis() - 5_000;
    fake.edit(|cs| {
        for c in cs.iter_mut() {
            c.modified_ms = now;
        }
    });
    fake.state.lock().expect("state").contacts = contacts(1, 10, 30)
        .into_iter()
        .map(|mut c| {
            c.modified_ms = now;
            c
        })
        .collect();
    let mut http = Http::new(
        &fake.url,
        TOKEN,
        Patience {
            slow_spacing: Duration::from_millis(220),
            ..quick()
        },
    )
    .expect("client");
    let started = std::time::Instant::now();
    steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today(),
        false,
        None,
        None,
    )
    .expect("sync");
    // Three searches (companies, contacts, deals): each after the first
    // waited for its turn.
    assert_eq!(fake.state.lock().expect("state").searches, 3);
    assert!(
        started.elapsed() >= Duration::from_millis(440),
        "{:?}",
        started.elapsed()
    );
}

fn deal(id: i64, company: i64, kind: &str, close: &str, amount: &str) -> support::Deal {
    support::Deal {
        id,
        name: format!("Deal {id}"),
        dealtype: Some(kind.into()),
        pipeline: "default".into(),
        stage: "contractsent".into(),
        amount: Some(amount.into()),
        currency: Some("USD".into()),
        closedate: Some(format!("{close}T00:00:00.000Z")),
        closed: false,
        won: false,
        company: Some(company),
        modified_ms: 1_700_000_000_000 + id,
        archived: false,
    }
}

/// (renewal date, CRM ARR in minor units) of the account of `company`.
fn renewal(conn: &Connection, company: i64) -> (Option<String>, Option<i64>) {
    conn.query_row(
        "SELECT a.renewal_date, a.crm_arr_minor FROM accounts a JOIN account_external_ids e
         ON e.account_id = a.id AND e.source = 'sync:hubspot' WHERE e.external_id = ?1",
        [company.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("account")
}

#[test]
fn the_next_open_renewal_deal_gives_the_renewal_date_and_arr() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 4));
    fake.state.lock().expect("state").deals = vec![
        // Company 1: two open renewals, the earlier one counts; a new
        // business deal does not.
        deal(11, 1, "existingbusiness", "2027-06-30", "48000"),
        deal(12, 1, "existingbusiness", "2027-03-31", "36000.50"),
        deal(13, 1, "newbusiness", "2027-01-15", "90000"),
        // Company 2: its only renewal is won and closed: nothing to read.
        support::Deal {
            closed: true,
            won: true,
            ..deal(21, 2, "existingbusiness", "2026-05-31", "10000")
        },
        // Company 3: a renewal in euros sets the date, not the dollar ARR.
        support::Deal {
            currency: Some("EUR".into()),
            ..deal(31, 3, "existingbusiness", "2027-02-28", "20000")
        },
    ];
    sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(
        renewal(&conn, 1),
        (Some("2027-03-31".into()), Some(3_600_050))
    );
    assert_eq!(renewal(&conn, 2), (None, None));
    assert_eq!(renewal(&conn, 3).0.as_deref(), Some("2027-02-28"));
    assert_eq!(renewal(&conn, 3).1, None);

    // The March renewal is won: June's is next. Then June's is archived:
    // the date stays where HubSpot last said (nothing open to read).
    let now = Utc::now().timestamp_millis();
    fake.state
        .lock()
        .expect("state")
        .deals
        .iter_mut()
        .filter(|d| d.id == 12)
        .for_each(|d| {
            d.closed = true;
            d.won = true;
            d.modified_ms = now;
        });
    let run = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(
        renewal(&conn, 1),
        (Some("2027-06-30".into()), Some(4_800_000))
    );
    assert!(
        run.counts.written >= 2,
        "the deal and its account: {:?}",
        run.counts
    );
    fake.state
        .lock()
        .expect("state")
        .deals
        .iter_mut()
        .filter(|d| d.id == 11)
        .for_each(|d| {
            d.archived = true;
            d.modified_ms = now + 1;
        });
    let run = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(run.counts.deleted, 1, "{:?}", run.counts);
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM crm_deals WHERE account_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("deals");
    assert_eq!(left, 4, "the archived deal is forgotten");

    // A mapping of the team's own: renewals are the deals of a pipeline,
    // dated by a custom property.
    let mut settings = serde_json::Map::new();
    settings.insert("renewal_pipeline".into(), "renewals".into());
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &settings).expect("settings");
    fake.state.lock().expect("state").deals.push(support::Deal {
        pipeline: "renewals".into(),
        modified_ms: now + 2,
        ..deal(41, 4, "newbusiness", "2027-09-30", "12000")
    });
    sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(
        renewal(&conn, 4),
        (Some("2027-09-30".into()), Some(1_200_000))
    );
}

#[test]
fn archived_companies_unlink_and_archived_contacts_leave_on_that_day() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 5));
    fake.state.lock().expect("state").contacts = contacts(1, 10, 5);
    sync(&mut conn, &fake, false).expect("sync");
    // Archived after the first sync's walk began (HubSpot stamps archivedAt).
    let archived_at = Utc::now().timestamp_millis();
    fake.edit(|cs| {
        cs.iter_mut().filter(|c| c.id == 2).for_each(|c| {
            c.archived = true;
            c.modified_ms = archived_at;
        })
    });
    fake.state
        .lock()
        .expect("state")
        .contacts
        .iter_mut()
        .filter(|c| c.id == 3)
        .for_each(|c| {
            c.archived = true;
            c.modified_ms = archived_at;
        });
    let run = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(run.counts.deleted, 2, "{:?}", run.counts);
    // The account stays (the CSM's work on it too), no longer fed by HubSpot.
    let accounts: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("accounts");
    assert_eq!(accounts, 5);
    assert_eq!(synced(&conn).len(), 4);
    let left: (bool, Option<String>) = conn
        .query_row(
            "SELECT left_company, left_on FROM contacts WHERE source = 'sync:hubspot' AND external_id = '3'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("contact");
    let day = chrono::DateTime::from_timestamp_millis(archived_at)
        .expect("day")
        .date_naive();
    assert_eq!(
        left,
        (true, Some(day.to_string())),
        "left on the day it was archived"
    );
    // Applied once: the next run finds nothing new archived.
    assert_eq!(
        sync(&mut conn, &fake, false).expect("sync").counts.deleted,
        0
    );
}

#[test]
fn a_field_the_csm_set_by_hand_outlives_syncs_and_shows_what_hubspot_says() {
    use steward_core::fields;
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 3));
    sync(&mut conn, &fake, false).expect("sync");
    let account: i64 = conn
        .query_row(
            "SELECT account_id FROM account_external_ids WHERE source = 'sync:hubspot' AND external_id = '2'",
            [],
            |r| r.get(0),
        )
        .expect("account");
    let field = |conn: &Connection, key: &str| {
        fields::sources(conn, account)
            .expect("sources")
            .into_iter()
            .find(|f| f.key == key)
            .expect("field")
    };
    assert_eq!(field(&conn, "name").source, "sync:hubspot");
    // The CSM renames the account by hand.
    steward_core::write::run(&mut conn, today(), |w| {
        fields::edit(w, account, "name", "Company Two (EMEA)")
    })
    .expect("edit");
    // HubSpot renames it too: the CSM's name stays, HubSpot's shows beside it.
    let now = Utc::now().timestamp_millis();
    fake.edit(|cs| {
        cs.iter_mut().filter(|c| c.id == 2).for_each(|c| {
            c.name = "Company 2 GmbH".into();
            c.employees = Some("77".into());
            c.modified_ms = now;
        })
    });
    sync(&mut conn, &fake, false).expect("sync");
    let name = field(&conn, "name");
    assert_eq!(name.value.as_deref(), Some("Company Two (EMEA)"));
    assert!(name.owned);
    assert_eq!(
        (name.offered_by.as_deref(), name.offered.as_deref()),
        (Some("sync:hubspot"), Some("Company 2 GmbH"))
    );
    // Fields the CSM did not touch still follow HubSpot.
    let employees = field(&conn, "employees");
    assert_eq!(
        (employees.value.as_deref(), employees.source.as_str()),
        (Some("77"), "sync:hubspot")
    );
    // Handed back, the field takes HubSpot's value and follows it again.
    steward_core::write::run(&mut conn, today(), |w| fields::release(w, account, "name"))
        .expect("release");
    let name = field(&conn, "name");
    assert_eq!(
        (name.value.as_deref(), name.source.as_str(), name.owned),
        (Some("Company 2 GmbH"), "sync:hubspot", false)
    );
    // A value a field cannot hold is refused with the reason.
    let bad = steward_core::write::run(&mut conn, today(), |w| {
        fields::edit(w, account, "renewal_date", "next spring")
    })
    .expect_err("not a date");
    assert!(bad.to_string().contains("not a date"), "{bad}");
}

#[test]
fn timeouts_storms_and_gateway_errors_in_one_plan_converge_on_the_same_book() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(dir.path());
    let fake = Fake::start(companies(1, 250));
    fake.state.lock().expect("state").contacts = contacts(1, 120, 250);
    // Answers later than the client waits, a storm of 429s, gateway
    // errors, spread over the run's requests (numbered as they arrive).
    fake.state.lock().expect("state").fail_on = vec![
        (1, Fault::Stall),
        (3, Fault::TooMany),
        (4, Fault::TooMany),
        (5, Fault::TooMany),
        (8, Fault::BadGateway),
        (11, Fault::Stall),
        (12, Fault::BadGateway),
    ];
    let mut http = Http::new(
        &fake.url,
        TOKEN,
        Patience {
            timeout: Duration::from_millis(400),
            ..quick()
        },
    )
    .expect("client");
    let report = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today(),
        false,
        None,
        None,
    )
    .expect("the plan is waited out");
    assert!(report.traffic.retries >= 5, "{:?}", report.traffic);
    assert_eq!(synced(&conn), expected(&fake));
    let contacts: i64 = conn
        .query_row(
            "SELECT count(*) FROM contacts WHERE source = 'sync:hubspot'",
            [],
            |r| r.get(0),
        )
        .expect("contacts");
    assert_eq!(
        contacts, 108,
        "every linked contact once (every tenth has no company)"
    );
}
