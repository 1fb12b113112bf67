//! The Connections screen's facts: a probe shows what a secret can see
//! before anything is stored, a vendor out of reach is "offline" (the
//! last good sync and its data kept), and pausing leaves a vendor out of
//! "sync all".

mod support;

use chrono::Utc;
use steward_core::{store, ErrorCode};
use steward_sync::http::Http;
use steward_sync::Vendor;
use support::{companies, quick, Fake, TOKEN};

#[test]
fn a_probe_says_what_the_token_can_see_and_a_wrong_one_why_not() {
    let fake = Fake::start(companies(1, 12));
    let probe =
        steward_sync::connections::probe(Vendor::HubSpot, &fake.url, TOKEN, &Default::default())
            .expect("probe");
    assert_eq!(
        probe.summary,
        "HubSpot answers: 12 companies can be read; renewal deals by the mapping: 0."
    );
    assert_eq!(probe.sample[0], "Company 1 (company1.example)");
    assert_eq!(probe.sample.len(), 5);
    // The renewal mapping, previewed: which deals it would read, and how.
    let deal = |id: i64, kind: &str, pipeline: &str| support::Deal {
        id,
        name: format!("Renewal {id}"),
        dealtype: Some(kind.into()),
        pipeline: pipeline.into(),
        stage: "contractsent".into(),
        amount: Some("36000".into()),
        currency: Some("EUR".into()),
        closedate: Some("2027-03-31T00:00:00.000Z".into()),
        closed: false,
        won: false,
        company: Some(1),
        modified_ms: 1_700_000_000_000,
        archived: false,
    };
    fake.state.lock().expect("state").deals = vec![
        deal(1, "existingbusiness", "default"),
        deal(2, "newbusiness", "renewals"),
        deal(3, "newbusiness", "renewals"),
    ];
    let probe =
        steward_sync::connections::probe(Vendor::HubSpot, &fake.url, TOKEN, &Default::default())
            .expect("probe");
    assert!(
        probe.summary.ends_with("by the mapping: 1."),
        "{}",
        probe.summary
    );
    assert_eq!(
        probe.sample.last().map(String::as_str),
        Some("renewal Renewal 1: 2027-03-31, 36000 EUR")
    );
    let mut by_pipeline = serde_json::Map::new();
    by_pipeline.insert("renewal_pipeline".into(), "renewals".into());
    let probe = steward_sync::connections::probe(Vendor::HubSpot, &fake.url, TOKEN, &by_pipeline)
        .expect("probe");
    assert!(
        probe.summary.ends_with("by the mapping: 2."),
        "{}",
        probe.summary
    );
    let refused = steward_sync::connections::probe(
        Vendor::HubSpot,
        &fake.url,
        "pat-wrong",
        &Default::default(),
    )
    .expect_err("401");
    assert_eq!(refused.code(), ErrorCode::Reconnect);
    assert!(refused.to_string().contains("reconnect"), "{refused}");
}

#[test]
fn a_vendor_out_of_reach_is_offline_and_the_last_good_sync_stays() {
    let dir = tempfile::tempdir().expect("dir");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(companies(1, 3));
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &Default::default()).expect("connect");
    let today = Utc::now().date_naive();
    let mut http = Http::new(&fake.url, TOKEN, quick()).expect("client");
    steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today,
        false,
        None,
        None,
    )
    .expect("sync");
    let url = fake.url.clone();
    drop(fake);
    // Nothing listens there any more: the machine is offline, in effect.
    let mut http = Http::new(&url, TOKEN, quick()).expect("client");
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today,
        false,
        None,
        None,
    )
    .expect_err("offline");
    assert_eq!(err.code(), ErrorCode::Offline, "{err}");
    let view = steward_sync::overview(&conn).expect("overview");
    let hubspot = view
        .iter()
        .find(|v| v.vendor == Vendor::HubSpot)
        .expect("hubspot");
    assert!(hubspot.offline && hubspot.connected);
    assert_eq!(hubspot.last_outcome.as_deref(), Some("failed"));
    assert!(
        hubspot.last_success.is_some(),
        "the last good sync is remembered"
    );
    let accounts: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(accounts, 3, "the data stays");
    // Stripe is not connected: shown with its own address, nothing else.
    let stripe = view
        .iter()
        .find(|v| v.vendor == Vendor::Stripe)
        .expect("stripe");
    assert!(!stripe.connected && !stripe.offline);
    assert_eq!(stripe.base_url.as_deref(), Some("https://api.stripe.com"));
}

#[test]
fn a_paused_connection_is_left_out_of_sync_all() {
    let dir = tempfile::tempdir().expect("dir");
    let conn = store::open_in(dir.path()).expect("open");
    for v in [Vendor::HubSpot, Vendor::Stripe] {
        steward_sync::connect(&conn, v, "http://127.0.0.1:9", &Default::default())
            .expect("connect");
    }
    assert_eq!(
        steward_sync::connections::active(&conn),
        [Vendor::HubSpot, Vendor::Stripe]
    );
    steward_sync::connections::set_paused(&conn, Vendor::HubSpot, true).expect("pause");
    assert_eq!(steward_sync::connections::active(&conn), [Vendor::Stripe]);
    assert!(steward_sync::connections::set_paused(&conn, Vendor::Zendesk, true).is_err());
}

#[test]
fn the_schedule_runs_a_connection_once_its_interval_has_passed() {
    let dir = tempfile::tempdir().expect("dir");
    let conn = store::open_in(dir.path()).expect("open");
    let mut every = serde_json::Map::new();
    every.insert("every_minutes".into(), serde_json::json!(30));
    steward_sync::connect(&conn, Vendor::Stripe, "http://127.0.0.1:9", &every).expect("connect");
    steward_sync::connect(
        &conn,
        Vendor::HubSpot,
        "http://127.0.0.1:9",
        &Default::default(),
    )
    .expect("connect");
    let now = Utc::now();
    assert_eq!(
        steward_sync::connections::due(&conn, now).expect("due"),
        [Vendor::HubSpot, Vendor::Stripe],
        "never ran"
    );
    let ago = |m: i64| (now - chrono::Duration::minutes(m)).to_rfc3339();
    conn.execute(
        "INSERT INTO sync_runs(vendor, started_at, outcome) VALUES ('hubspot', ?1, 'failed')",
        [ago(45)],
    )
    .expect("run");
    conn.execute(
        "INSERT INTO sync_runs(vendor, started_at, outcome) VALUES ('stripe', ?1, 'done')",
        [ago(45)],
    )
    .expect("run");
    // HubSpot's hour has not passed; Stripe's half hour has.
    assert_eq!(
        steward_sync::connections::due(&conn, now).expect("due"),
        [Vendor::Stripe]
    );
}

#[test]
fn the_health_score_goes_to_the_crm_field_the_team_named_and_only_when_it_changed() {
    let dir = tempfile::tempdir().expect("dir");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(companies(1, 4));
    let mut settings = serde_json::Map::new();
    settings.insert("health_property".into(), "steward_health".into());
    settings.insert("band_property".into(), "steward_band".into());
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &settings).expect("connect");
    let today = Utc::now().date_naive();
    let round = |conn: &mut rusqlite::Connection| {
        let mut http = Http::new(&fake.url, TOKEN, quick()).expect("client");
        steward_sync::run(conn, &mut http, Vendor::HubSpot, today, false, None, None)
            .expect("sync");
        let settings = steward_sync::connection(conn, Vendor::HubSpot)
            .expect("conn")
            .settings;
        steward_sync::outbox::push_health(conn, &mut http, Vendor::HubSpot, &settings, today)
            .expect("push")
    };
    // Every synced account is assessed: all four told once.
    assert_eq!(round(&mut conn), 4);
    let updates = fake.state.lock().expect("state").updates.clone();
    assert_eq!(updates.len(), 4);
    let (id, props) = &updates[0];
    let account: i64 = conn
        .query_row("SELECT account_id FROM account_external_ids WHERE source = 'sync:hubspot' AND external_id = ?1", [id], |r| r.get(0))
        .expect("account");
    let (score, band): (Option<f64>, String) = conn
        .query_row(
            "SELECT score, band FROM health_scores WHERE account_id = ?1",
            [account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("health");
    assert_eq!(props["steward_band"], serde_json::json!(band));
    assert_eq!(
        props["steward_health"],
        score.map_or(serde_json::Value::Null, |s| serde_json::json!(
            s.round() as i64
        ))
    );
    // Nothing changed: nothing sent. One account's band moves: one sent.
    assert_eq!(round(&mut conn), 0);
    conn.execute(
        "UPDATE health_scores SET band = 'red', score = 12.4 WHERE account_id = ?1",
        [account],
    )
    .expect("move");
    assert_eq!(round(&mut conn), 1);
    let last = fake
        .state
        .lock()
        .expect("state")
        .updates
        .last()
        .cloned()
        .expect("update");
    assert_eq!(
        (
            last.1["steward_health"].clone(),
            last.1["steward_band"].clone()
        ),
        (serde_json::json!(12), serde_json::json!("red"))
    );
    // A property the portal does not have is refused with its name.
    let mut wrong = serde_json::Map::new();
    wrong.insert("health_property".into(), "health_score_typo".into());
    steward_sync::connect(&conn, Vendor::HubSpot, &fake.url, &wrong).expect("settings");
    conn.execute(
        "UPDATE health_scores SET score = 13 WHERE account_id = ?1",
        [account],
    )
    .expect("move");
    let mut http = Http::new(&fake.url, TOKEN, quick()).expect("client");
    let settings = steward_sync::connection(&conn, Vendor::HubSpot)
        .expect("conn")
        .settings;
    let err =
        steward_sync::outbox::push_health(&mut conn, &mut http, Vendor::HubSpot, &settings, today)
            .expect_err("typo");
    assert!(err.to_string().contains("health_score_typo"), "{err}");
}
