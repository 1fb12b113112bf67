//! Check-ins written back to HubSpot as notes, against the fake HubSpot:
//! queued with the check-in, one note per check-in on the company and the
//! people who took part, and exactly one under lost answers, retries, a
//! refused token and a refused association.

mod support;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use steward_core::checkin::{self, NewCheckIn};
use steward_core::model::{ActivityKind, Sentiment};
use steward_core::{outbox, store, write};
use steward_sync::http::Http;
use steward_sync::outbox::Delivery;
use steward_sync::Vendor;
use support::{companies, contacts, quick, Fake, Fault, TOKEN};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A book synced from a fake with five companies and twenty contacts, the
/// connection stored so check-ins are queued for it.
fn synced_book(dir: &std::path::Path) -> (Connection, Fake) {
    let fake = Fake::start(companies(1, 5));
    fake.state.lock().expect("state").contacts = contacts(1, 20, 5);
    let mut conn = store::open_in(dir).expect("open");
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &Default::default()).expect("connect");
    let mut http = Http::new(&fake.url, TOKEN, quick()).expect("client");
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
    (conn, fake)
}

fn account_of(conn: &Connection, company: i64) -> i64 {
    conn.query_row(
        "SELECT account_id FROM account_external_ids WHERE source = 'sync:hubspot' AND external_id = ?1",
        [company.to_string()],
        |r| r.get(0),
    )
    .expect("account")
}

fn contact_of(conn: &Connection, contact: i64) -> i64 {
    conn.query_row(
        "SELECT id FROM contacts WHERE source = 'sync:hubspot' AND external_id = ?1",
        [contact.to_string()],
        |r| r.get(0),
    )
    .expect("contact")
}

fn log(conn: &mut Connection, account: i64, people: Vec<i64>, summary: &str) -> i64 {
    let input = NewCheckIn {
        account_id: account,
        kind: ActivityKind::Call,
        occurred_on: today(),
        contact_ids: people,
        summary: summary.into(),
        sentiment: Some(Sentiment::Positive),
        next_steps: vec![checkin::NextStep {
            title: "Send the <pricing> sheet".into(),
            due_on: None,
        }],
    };
    write::run(conn, today(), |w| checkin::log(w, &input))
        .expect("check-in")
        .0
}

fn send(conn: &mut Connection, fake: &Fake, token: &str) -> steward_core::Result<Delivery> {
    let mut http = Http::new(&fake.url, token, quick()).expect("client");
    steward_sync::outbox::send(conn, &mut http, Vendor::HubSpot, today(), None)
}

fn states(conn: &Connection) -> Vec<String> {
    outbox::entries(conn, 100)
        .expect("entries")
        .into_iter()
        .map(|e| e.state)
        .collect()
}

/// Makes the last send of every unconfirmed entry look two minutes old,
/// as if the CSM came back later.
fn later(conn: &Connection) {
    let past = (Utc::now() - chrono::Duration::seconds(120)).to_rfc3339();
    conn.execute(
        "UPDATE outbox SET attempted_at = ?1 WHERE state = 'sending'",
        [past],
    )
    .expect("back-date");
}

#[test]
fn a_check_in_becomes_one_note_on_the_company_and_its_people() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    // Company 2's contacts in the fake: 1 + id % 5 == 2, so ids 1, 6, 11, 16.
    let account = account_of(&conn, 2);
    let people = vec![contact_of(&conn, 1), contact_of(&conn, 6)];
    log(
        &mut conn,
        account,
        people,
        "Renewal looks good.\nThey want SSO & audit logs.",
    );
    // An account HubSpot does not know is not queued.
    support::file_accounts(
        &mut conn,
        [("F-1".to_string(), "Local Only GmbH".to_string(), None)],
    );
    let local: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE name = 'Local Only GmbH'",
            [],
            |r| r.get(0),
        )
        .expect("local");
    log(&mut conn, local, vec![], "Coffee chat");
    assert_eq!(states(&conn), ["queued"]);

    let done = send(&mut conn, &fake, TOKEN).expect("send");
    assert_eq!(
        done,
        Delivery {
            sent: 1,
            ..Delivery::default()
        }
    );
    let notes = fake.state.lock().expect("state").notes.clone();
    assert_eq!(notes.len(), 1);
    let note = &notes[0];
    assert_eq!(note.companies, ["2"]);
    assert_eq!(note.contacts, ["1", "6"]);
    assert_eq!(note.timestamp, format!("{}T12:00:00Z", today()));
    assert!(note.body.contains("<strong>Call</strong>"), "{}", note.body);
    assert!(
        note.body
            .contains("Renewal looks good.<br>They want SSO &amp; audit logs."),
        "{}",
        note.body
    );
    assert!(
        note.body.contains("Send the &lt;pricing&gt; sheet"),
        "{}",
        note.body
    );
    let entry = &outbox::entries(&conn, 10).expect("entries")[0];
    assert_eq!(entry.state, "sent");
    assert_eq!(
        entry.remote_id.as_deref(),
        Some(note.id.to_string().as_str())
    );

    // Nothing is sent twice.
    assert_eq!(
        send(&mut conn, &fake, TOKEN).expect("again"),
        Delivery::default()
    );
    assert_eq!(fake.state.lock().expect("state").notes.len(), 1);
}

#[test]
fn association_types_are_looked_up_not_assumed() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    fake.state.lock().expect("state").note_types = (4711, 4712);
    let account = account_of(&conn, 3);
    let person = contact_of(&conn, 2);
    log(&mut conn, account, vec![person], "Kickoff held");
    assert_eq!(send(&mut conn, &fake, TOKEN).expect("send").sent, 1);
    let notes = fake.state.lock().expect("state").notes.clone();
    assert_eq!(
        (notes[0].companies.clone(), notes[0].contacts.clone()),
        (vec!["3".to_string()], vec!["2".to_string()])
    );
}

#[test]
fn a_lost_answer_is_looked_up_before_anything_is_sent_again() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    let a = account_of(&conn, 1);
    let b = account_of(&conn, 4);
    let c = account_of(&conn, 5);
    log(&mut conn, a, vec![], "A: created, answer lost");
    log(&mut conn, b, vec![], "B: not created");
    log(&mut conn, c, vec![], "C: rate limited first");
    // Requests: two label lookups, then A's create (done, then a 502), B's
    // create (a 502 before anything happened), C's create (a 429, then
    // taken on the retry).
    {
        let mut s = fake.state.lock().expect("state");
        let first = s.requests;
        s.fail_on = vec![
            (first + 3, Fault::DoneThenBadGateway),
            (first + 4, Fault::BadGateway),
            (first + 5, Fault::TooMany),
        ];
        s.search_lag = Duration::from_secs(60);
    }
    let done = send(&mut conn, &fake, TOKEN).expect("send");
    assert_eq!(
        done,
        Delivery {
            sent: 1,
            waiting: 2,
            ..Delivery::default()
        }
    );
    assert_eq!(
        fake.state.lock().expect("state").notes.len(),
        2,
        "A's and C's"
    );
    assert_eq!(states(&conn), ["sending", "sending", "sent"]);
    let unanswered = outbox::entries(&conn, 10).expect("entries");
    assert!(
        unanswered[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("502")),
        "the reason is kept: {:?}",
        unanswered[0].error
    );

    // Straight away: too soon to trust HubSpot's search, nothing is sent.
    let searches = fake.state.lock().expect("state").searches;
    assert_eq!(send(&mut conn, &fake, TOKEN).expect("soon").waiting, 2);
    assert_eq!(fake.state.lock().expect("state").searches, searches);

    // Later, once search has caught up: A is found, B is sent once.
    later(&conn);
    fake.state.lock().expect("state").search_lag = Duration::ZERO;
    let done = send(&mut conn, &fake, TOKEN).expect("later");
    assert_eq!(
        done,
        Delivery {
            sent: 1,
            found: 1,
            ..Delivery::default()
        }
    );
    let notes = fake.state.lock().expect("state").notes.clone();
    assert_eq!(notes.len(), 3, "one note per check-in");
    for word in ["A: created", "B: not created", "C: rate limited"] {
        assert_eq!(
            notes.iter().filter(|n| n.body.contains(word)).count(),
            1,
            "{word}"
        );
    }
    assert_eq!(states(&conn), ["sent", "sent", "sent"]);
}

#[test]
fn a_refused_token_stops_and_keeps_the_entry_queued() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    let a = account_of(&conn, 1);
    log(&mut conn, a, vec![], "Quarterly check");
    let err = send(&mut conn, &fake, "pat-revoked").expect_err("401");
    assert!(err.to_string().contains("reconnect"), "{err}");
    assert_eq!(states(&conn), ["queued"]);
    assert!(fake.state.lock().expect("state").notes.is_empty());
    assert_eq!(send(&mut conn, &fake, TOKEN).expect("send").sent, 1);
}

#[test]
fn a_note_hubspot_refuses_fails_with_its_reason_and_can_be_retried() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    let a = account_of(&conn, 2);
    log(&mut conn, a, vec![], "Escalation call");
    // The company was archived in HubSpot after the last sync.
    fake.edit(|cs| {
        cs.iter_mut()
            .filter(|c| c.id == 2)
            .for_each(|c| c.archived = true)
    });
    let done = send(&mut conn, &fake, TOKEN).expect("send");
    assert_eq!(done.failed, 1);
    let entry = &outbox::entries(&conn, 10).expect("entries")[0];
    assert_eq!(entry.state, "failed");
    assert!(
        entry
            .error
            .as_deref()
            .is_some_and(|e| e.contains("2 was not found") && e.contains("HTTP 400")),
        "{:?}",
        entry.error
    );
    // A failed entry is not sent on its own; the CSM's retry sends it.
    assert_eq!(
        send(&mut conn, &fake, TOKEN).expect("again"),
        Delivery::default()
    );
    fake.edit(|cs| {
        cs.iter_mut()
            .filter(|c| c.id == 2)
            .for_each(|c| c.archived = false)
    });
    write::run(&mut conn, today(), |w| outbox::retry(w, entry.id)).expect("retry");
    assert_eq!(send(&mut conn, &fake, TOKEN).expect("retried").sent, 1);
    assert_eq!(fake.state.lock().expect("state").notes.len(), 1);
}

#[test]
fn write_back_can_be_turned_off() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut conn, fake) = synced_book(dir.path());
    let mut off = serde_json::Map::new();
    off.insert("write_back".into(), serde_json::Value::Bool(false));
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &off).expect("settings");
    let a = account_of(&conn, 1);
    log(&mut conn, a, vec![], "Private note");
    assert!(states(&conn).is_empty());
}
