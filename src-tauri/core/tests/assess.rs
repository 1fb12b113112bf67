//! Health history, churn risk, alerts, playbooks and the Today list against
//! real demo books in SQLite files.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::alerts::{self, AlertReason, AlertStatus};
use steward_core::assess;
use steward_core::churn;
use steward_core::health::{settings, Band};
use steward_core::today::{self, Section};
use steward_core::{account_page, store};
use steward_demo::Scenario;
use support::{book, today, try_write_on, write, write_on};

fn unresolved(conn: &Connection, account_id: i64, reason: AlertReason) -> Vec<(i64, String)> {
    conn.prepare(
        "SELECT id, status FROM alerts WHERE account_id = ?1 AND reason = ?2 AND status <> 'resolved'",
    )
    .expect("prepare")
    .query_map(rusqlite::params![account_id, reason], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

#[test]
fn churn_model_beats_the_bar_on_held_out_demo_accounts() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, demo) = book(dir.path(), 600, 11);
    let status = churn::status(&conn).expect("status");
    let q = status.quality.expect("a model on a 600-account book");
    // 600 accounts leave about 30 churned test accounts: the interval is
    // wide, so the bar is modest (the 5,000-account figures are in
    // docs/benchmarks.md).
    assert!(q.auc >= 0.72, "held-out AUC {:.3}", q.auc);
    assert!(q.test_churned >= 5 && q.test_rows > 100, "{q:?}");
    eprintln!("{q:?}");
    // The interval brackets the figure and is honest about its width.
    assert!(q.auc_low <= q.auc && q.auc <= q.auc_high, "{q:?}");
    assert!(q.auc_high - q.auc_low < 0.3, "{q:?}");
    assert_eq!(q.judged, q.test_churned >= churn::MIN_JUDGED, "{q:?}");
    // Calibration: in each range, observed churn is within what chance
    // allows for that many accounts (2.5 standard errors, plus 2 points).
    for bin in q.calibration.iter().filter(|b| b.count >= 10) {
        let p = bin.predicted.clamp(0.01, 0.99);
        let allowed = 2.5 * (p * (1.0 - p) / f64::from(bin.count)).sqrt() + 0.02;
        assert!(
            (bin.predicted - bin.observed).abs() <= allowed,
            "calibration range {bin:?}, allowed {allowed:.3}"
        );
    }
    // In the large, predicted and observed churn agree within 3 points.
    let n: f64 = q.calibration.iter().map(|b| f64::from(b.count)).sum();
    let predicted: f64 = q
        .calibration
        .iter()
        .map(|b| b.predicted * f64::from(b.count))
        .sum::<f64>()
        / n;
    let observed: f64 = q
        .calibration
        .iter()
        .map(|b| b.observed * f64::from(b.count))
        .sum::<f64>()
        / n;
    assert!(
        (predicted - observed).abs() < 0.03,
        "predicted {predicted:.3} observed {observed:.3}"
    );
    // Usage is what the model leans on: low seat use raises risk.
    let seat = q
        .weights
        .iter()
        .find(|w| w.feature == "seat use")
        .expect("seat weight");
    assert!(seat.coefficient < 0.0, "{seat:?}");

    // Declining accounts carry more risk than healthy ones, with reasons in words.
    let risk_of = |scenario: Scenario| -> (f64, Vec<String>) {
        let (mut sum, mut n, mut factors) = (0.0, 0, Vec::new());
        for t in demo.with(scenario) {
            if let Some(r) = assess::stored_risk(&conn, t.account_id).expect("risk") {
                sum += r.probability;
                n += 1;
                if r.raises.len() > factors.len() {
                    factors = r.raises;
                }
            }
        }
        (sum / f64::from(n.max(1)), factors)
    };
    let (declining, factors) = risk_of(Scenario::Declining);
    let (healthy, _) = risk_of(Scenario::Healthy);
    assert!(
        declining > healthy * 5.0,
        "declining {declining:.3} vs healthy {healthy:.3}"
    );
    assert!(!factors.is_empty());

    // Explanations agree with the numbers: the model learnt that larger
    // contracts churn less, so "among the book's largest" never raises an
    // account's risk and "among the book's smallest" never lowers it.
    let contract = q
        .weights
        .iter()
        .find(|w| w.feature == "contract value")
        .expect("contract weight");
    assert!(contract.coefficient < 0.0, "{contract:?}");
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM accounts WHERE status = 'active'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("ids")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let (mut largest, mut smallest) = (0, 0);
    for id in ids {
        let Some(r) = assess::stored_risk(&conn, id).expect("risk") else {
            continue;
        };
        assert_eq!(r.horizon_days, q.horizon_days);
        let says = |list: &[String], words: &str| {
            list.iter()
                .any(|f| f.starts_with("contract") && f.contains(words))
        };
        assert!(!says(&r.raises, "largest"), "account {id}: {r:?}");
        assert!(!says(&r.lowers, "smallest"), "account {id}: {r:?}");
        largest += usize::from(says(&r.lowers, "largest"));
        smallest += usize::from(says(&r.raises, "smallest"));
        // Nothing is said twice, and no account reads as certain.
        assert!(r.raises.iter().all(|f| !r.lowers.contains(f)), "{r:?}");
    }
    assert!(largest > 0 && smallest > 0, "{largest} {smallest}");

    // Renewals are forecast only within the model's horizon.
    let m = steward_core::metrics::compute(
        &conn,
        &steward_core::metrics::MetricsQuery {
            from: today() - Duration::days(365),
            to: today(),
            currency: None,
        },
    )
    .expect("metrics");
    assert_eq!(m.forecast_horizon_days, Some(q.horizon_days));
    for quarter in &m.renewals {
        let ends = steward_core::dates::add_months(quarter.starts_on, 3);
        let within = (ends - today()).num_days() <= q.horizon_days + 1;
        assert_eq!(
            quarter.expected.is_some(),
            within && quarter.accounts > 0,
            "{quarter:?}"
        );
    }
    assert!(m
        .renewals
        .iter()
        .any(|q| q.expected.is_none() && q.accounts > 0));

    // A stored model from another build is retrained, never misread.
    conn.execute(
        "UPDATE churn_models SET definition = json_set(definition, '$.format', 1)",
        [],
    )
    .expect("age the model");
    assert!(matches!(
        churn::stored(&conn).expect("stored"),
        churn::Stored::Outdated
    ));
    assert!(churn::current(&conn).expect("current").is_none());
    let mut conn = conn;
    // The first start of the new build, the same day.
    assess::bring_up_to_date(&mut conn, today()).expect("start");
    assert!(matches!(
        churn::stored(&conn).expect("stored"),
        churn::Stored::Model(_)
    ));

    // Retrained by the CSM, the past days are read side by side on further
    // connections: the same model as when they were read in turn within
    // the write, with progress over every day read.
    let as_json = |conn: &Connection| {
        let mut model = churn::current(conn).expect("current").expect("a model");
        model.quality.train_ms = 0.0;
        serde_json::to_string(&model).expect("json")
    };
    let in_turn = as_json(&conn);
    let mut reports = Vec::new();
    let (status, changes) =
        churn::retrain_committed(&mut conn, today(), &mut |p| reports.push((p.done, p.total)))
            .expect("retrain");
    assert_eq!(as_json(&conn), in_turn);
    let days = u64::from(status.quality.expect("a model").snapshots);
    assert!(days > 2, "several days to share out: {days}");
    assert_eq!(reports.first(), Some(&(0, Some(days + 1))), "{reports:?}");
    assert_eq!(reports.last(), Some(&(days, Some(days + 1))), "{reports:?}");
    assert!(reports.windows(2).all(|p| p[0].0 <= p[1].0), "{reports:?}");
    assert!(!changes.is_empty(), "every account rescored");
}

/// A CRM export of current and recent customers: no usage, contacts or
/// tickets; all churn in the last month; churned accounts' ARR set to 0 for
/// half of them; the contract, payment and the CSM's own columns (a plan, a
/// count of add-ons) are what tells churners apart, with noise.
#[test]
fn an_export_without_usage_whose_churn_is_all_recent_still_trains_and_reads_no_leak() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let mut state: u64 = 0x5EED;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let mut csv = String::from(
        "id,name,arr,contract_start,status,churn_date,contract_term,payment_method,plan,add_ons\n",
    );
    let mut truth = Vec::new();
    for n in 0..3000 {
        let term = [1, 1, 12, 12, 24][(uniform() * 5.0) as usize];
        let method = [
            "Electronic check",
            "Mailed check",
            "Bank transfer (automatic)",
            "Credit card (automatic)",
        ][(uniform() * 4.0) as usize];
        let plan = ["Basic", "Pro", "Enterprise"][(uniform() * 3.0) as usize];
        let add_ons = (uniform() * 6.0) as i64;
        let tenure_months = 1 + (uniform() * 70.0) as i64;
        let arr = (3000.0 * 50f64.powf(uniform())).round();
        let logit =
            -1.2 + if term == 1 {
                1.3
            } else if term == 24 {
                -0.9
            } else {
                0.0
            } + if method == "Electronic check" {
                0.7
            } else {
                0.0
            } + if plan == "Basic" { 0.6 } else { 0.0 }
                - 0.25 * add_ons as f64
                - 0.45 * (tenure_months as f64).ln()
                - 0.3 * (arr / 20_000.0).ln();
        let p = 1.0 / (1.0 + (-logit).exp());
        let churned = uniform() < p;
        let end = today()
            - Duration::days(if churned {
                (uniform() * 28.0) as i64
            } else {
                0
            });
        let start = end
            .checked_sub_months(chrono::Months::new(tenure_months as u32))
            .expect("start");
        let shown_arr = if churned && n % 2 == 0 { 0.0 } else { arr };
        csv.push_str(&format!(
            "c{n},Customer {n},{shown_arr},{start},{},{},{term},{method},{plan},{add_ons}\n",
            if churned { "churned" } else { "active" },
            if churned {
                end.to_string()
            } else {
                String::new()
            },
        ));
        truth.push((p, churned));
    }
    let path = support::save(dir.path(), "export.csv", csv.as_bytes());
    let info = steward_core::import::inspect(std::path::Path::new(&path)).expect("inspect");
    let keep = ["plan", "add_ons"]
        .iter()
        .map(|c| {
            let k = info.headers.iter().position(|h| h == c).expect("column");
            steward_core::import::KeptColumn {
                column: (*c).into(),
                kind: info.column_kinds[k],
            }
        })
        .collect();
    let request = steward_core::import::ImportRequest {
        path,
        entity: steward_core::import::Entity::Accounts,
        options: info.options,
        mapping: steward_core::import::suggest_mapping(
            steward_core::import::Entity::Accounts,
            &info.headers,
        ),
        keep,
    };
    let report = support::run_import(
        &mut conn,
        &request,
        &mut steward_core::progress::ignore,
        &steward_core::progress::CancelToken::default(),
    )
    .expect("import");
    assert_eq!(report.written, 3000, "{:?}", report.errors);
    // Contracts and nothing else: not enough data to judge health, so no
    // red, no warnings, and ten more such accounts fire no playbook.
    let count = |conn: &rusqlite::Connection, sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).expect(sql)
    };
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM health_scores WHERE band <> 'unknown'"
        ),
        0
    );
    let more: String = (0..10)
        .map(|k| format!("n{k},New {k},50000,2024-05-01,active,,12,Invoice,Pro,2\n"))
        .collect();
    support::import_bytes(
        &mut conn,
        dir.path(),
        "more.csv",
        format!("id,name,arr,contract_start,status,churn_date,contract_term,payment_method,plan,add_ons\n{more}").as_bytes(),
        steward_core::import::Entity::Accounts,
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM alerts WHERE status <> 'resolved'"
        ),
        0
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM tasks"), 0);

    let status = write(&mut conn, |w| {
        churn::retrain(w, &mut steward_core::progress::ignore)
    });
    let q = status
        .quality
        .unwrap_or_else(|| panic!("a model: {:?}", status.fallback_reason));
    eprintln!("{q:?}");
    assert_eq!(
        (q.horizon_days, q.snapshots),
        (30, 1),
        "one snapshot a month back"
    );
    assert!(q.time_split.is_none(), "no older days to split on");
    assert!(q.judged, "{q:?}");
    let weight = |name: &str| {
        q.weights
            .iter()
            .find(|w| w.feature == name)
            .map(|w| w.coefficient)
            .unwrap_or_else(|| panic!("no weight for {name}: {:?}", q.weights))
    };
    assert!(
        q.weights.iter().all(|w| w.feature != "seat use"),
        "no usage, no usage feature"
    );
    // The CSM's own columns are learnt from, in the direction they work.
    assert!(weight("plan: Basic") > 0.0);
    assert!(weight("add_ons") < 0.0);
    assert!(weight("pays by Electronic check") > 0.0);
    assert!(weight("time as a customer") < 0.0);
    assert!(weight("month-to-month contract") > 0.0);
    assert!(weight("multi-year contract") < 0.0);
    // An ARR of 0 written after churn is not read as "small before it left".
    assert!(weight("contract value") < 0.0, "{:?}", q.weights);
    // Close to what the true probabilities themselves rank at.
    let best = churn::auc(&truth);
    assert!(
        q.auc > best - 0.06,
        "model {:.3} vs the truth's own {best:.3}",
        q.auc
    );
}

#[test]
fn a_small_book_falls_back_to_health_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 25, 3);
    let status = churn::status(&conn).expect("status");
    assert!(status.quality.is_none());
    let reason = status.fallback_reason.expect("a reason");
    assert!(reason.contains("Too little history"), "{reason}");
    let risks: i64 = conn
        .query_row("SELECT count(churn_risk) FROM health_scores", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(risks, 0, "no made-up probabilities");
    // Today still ranks risks, by health.
    let list = today::list(&conn, today(), 50).expect("today");
    assert!(list.items.iter().all(|i| i.churn_risk.is_none()));
}

#[test]
fn alerts_are_updated_not_duplicated_and_snooze_and_resolve_hold() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 120, 5);
    let first: i64 = conn
        .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))
        .expect("count");
    assert!(first > 0, "a demo book has warnings");
    // Assessing again the same day raises nothing new.
    let again = write(&mut conn, assess::book);
    assert_eq!(again.alerts.raised, 0);
    let total: i64 = conn
        .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(total, first);
    let dupes: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT 1 FROM alerts WHERE status <> 'resolved'
             GROUP BY account_id, reason HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .expect("dupes");
    assert_eq!(dupes, 0);

    // The first Today risk in the red: snooze it until tomorrow and it
    // leaves Today. (The demo's usage ends today, so only a day later is
    // the book still the same book.)
    let list = today::list(&conn, today(), 500).expect("today");
    let risk = list
        .items
        .iter()
        .find(|i| i.section == Section::Risk && i.reasons[0].reason == AlertReason::HealthRed)
        .expect("a risk in the red")
        .clone();
    let ids: Vec<i64> = risk.reasons.iter().map(|r| r.alert_id).collect();
    write(&mut conn, |w| {
        alerts::snooze(w, &ids, today() + Duration::days(1))
    });
    let snoozed = today::list(&conn, today(), 500).expect("today");
    assert!(!snoozed
        .items
        .iter()
        .any(|i| i.account_id == risk.account_id && i.section == Section::Risk));
    assert_eq!(snoozed.snoozed as usize, ids.len());
    // Rules firing again keep it snoozed...
    write(&mut conn, assess::book);
    let (_, status) = &unresolved(&conn, risk.account_id, risk.reasons[0].reason)[0];
    assert_eq!(status, "snoozed");
    // ...until the date passes.
    let later = today() + Duration::days(1);
    write_on(&mut conn, later, assess::book);
    let woke = today::list(&conn, later, 500).expect("today");
    let awake = woke
        .items
        .iter()
        .find(|i| i.account_id == risk.account_id && i.section == Section::Risk)
        .expect("the snoozed risk is back after its date");

    // Resolving with a note keeps the reason quiet even though the rule still fires.
    let reason = awake.reasons[0].reason;
    let open = unresolved(&conn, risk.account_id, reason);
    write_on(&mut conn, later, |w| {
        alerts::resolve(w, &[open[0].0], "Talked to the sponsor; plan agreed")
    });
    write_on(&mut conn, later, assess::book);
    assert!(unresolved(&conn, risk.account_id, reason).is_empty());
    let page = account_page::page(&conn, risk.account_id, 30, later).expect("page");
    let resolved = page
        .alerts
        .iter()
        .find(|a| a.reason == reason && a.status == AlertStatus::Resolved)
        .expect("resolved alert on the account page");
    assert_eq!(
        resolved.resolution_note.as_deref(),
        Some("Talked to the sponsor; plan agreed")
    );
    // Snoozing into the past or resolving twice is refused.
    assert!(try_write_on(&mut conn, later, |w| alerts::snooze(w, &[open[0].0], later)).is_err());
    assert!(try_write_on(&mut conn, later, |w| alerts::resolve(w, &[open[0].0], "")).is_err());
}

#[test]
fn a_new_warning_applies_its_playbook_with_due_dates() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 60, 9);
    // A healthy account whose invoice just failed.
    let id: i64 = conn
        .query_row(
            "SELECT h.account_id FROM health_scores h WHERE h.band = 'green'
             AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.account_id = h.account_id AND a.reason = 'invoice_overdue')
             ORDER BY h.account_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a green account");
    conn.execute(
        "INSERT INTO invoices(account_id, amount_minor, currency, status, issued_on, due_on, source)
         VALUES (?1, 500000, 'USD', 'failed', ?2, ?3, 'user')",
        rusqlite::params![id, today() - Duration::days(40), today() - Duration::days(10)],
    )
    .expect("invoice");
    let summary = write(&mut conn, |w| assess::account(w, id));
    assert_eq!(summary.alerts.raised, 1, "{summary:?}");
    let alert = alerts::for_account(&conn, id, today())
        .expect("alerts")
        .into_iter()
        .find(|a| a.reason == AlertReason::InvoiceOverdue)
        .expect("invoice alert");
    assert_eq!(alert.detail, "1 invoice failed or past due");
    assert!(alert.playbook_applied);
    let (title, due): (String, NaiveDate) = conn
        .query_row(
            "SELECT title, due_on FROM tasks WHERE alert_id = ?1",
            [alert.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("playbook task");
    assert_eq!(title, "Ask the billing contact about the open invoice");
    assert_eq!(due, today() + Duration::days(2));
    // Applying again adds nothing.
    assert_eq!(write(&mut conn, |w| alerts::apply_playbook(w, alert.id)), 0);

    // An edited playbook is used for the next alert.
    let mut playbook = alerts::playbooks(&conn)
        .expect("playbooks")
        .into_iter()
        .find(|p| p.reason == AlertReason::Detractor)
        .expect("detractor playbook");
    playbook.tasks = vec![alerts::PlaybookTask {
        title: "Send the detractor a personal note".into(),
        due_in_days: 1,
    }];
    write(&mut conn, |w| alerts::save_playbook(w, &playbook));
    conn.execute(
        "INSERT INTO survey_responses(account_id, kind, score, responded_on, source) VALUES (?1, 'nps', 2, ?2, 'user')",
        rusqlite::params![id, today() - Duration::days(1)],
    )
    .expect("survey");
    write(&mut conn, |w| assess::account(w, id));
    let titles: Vec<String> = conn
        .prepare(
            "SELECT t.title FROM tasks t JOIN alerts a ON a.id = t.alert_id WHERE a.reason = 'detractor' AND a.account_id = ?1",
        )
        .expect("prepare")
        .query_map([id], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(titles, vec!["Send the detractor a personal note"]);
}

#[test]
fn saved_settings_rescore_the_book_and_history_keeps_its_version() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 80, 21);
    let before = settings::current(&conn).expect("settings");
    assert_eq!(before.version, 0);
    let mut proposed = before.settings.clone();
    proposed.green_from = 90.0;
    proposed.weights.sentiment = 0.0;
    let preview = assess::preview_settings(&conn, &proposed, today()).expect("preview");
    assert!(!preview.moves.is_empty(), "raising green changes bands");
    assert!(preview.proposed_counts.green < preview.now_counts.green);
    let version = write(&mut conn, |w| {
        assess::save_settings(w, &proposed, Some("stricter green"))
    });
    assert_eq!(version, 1);
    // What the preview said is what saving did.
    let green_now: u32 = conn
        .query_row(
            "SELECT count(*) FROM health_scores WHERE band = 'green' AND model_version = 1",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(green_now, preview.proposed_counts.green);
    let versions: Vec<i64> = conn
        .prepare("SELECT DISTINCT model_version FROM health_history ORDER BY 1")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(
        versions,
        vec![0, 1],
        "older history keeps the version it came from"
    );
    let changes = assess::week_changes(&conn, today()).expect("changes");
    assert!(changes.settings_changed);
    // Invalid settings are refused with the reason, and nothing is saved.
    proposed.yellow_from = 95.0;
    assert!(try_write_on(&mut conn, today(), |w| assess::save_settings(
        w, &proposed, None
    ))
    .is_err());
    assert_eq!(settings::current(&conn).expect("settings").version, 1);
}

#[test]
fn history_trends_and_the_csms_rating() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, demo) = book(dir.path(), 60, 4);
    // Weekly backfill plus today: 27 points for an account live all half-year.
    let id = demo
        .with(Scenario::Declining)
        .map(|t| t.account_id)
        .find(|id| {
            let start: NaiveDate = conn
                .query_row(
                    "SELECT contract_start FROM accounts WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .expect("start");
            start < today() - Duration::days(400)
        })
        .expect("a declining account");
    let page = account_page::page(&conn, id, 30, today()).expect("page");
    assert_eq!(page.health_history.len(), 27);
    let first = page.health_history[0].score.expect("score");
    let last = page.health_history[26].score.expect("score");
    assert!(
        last < first,
        "a declining account's trend falls: {first} -> {last}"
    );
    let changes = assess::week_changes(&conn, today()).expect("changes");
    assert_eq!(changes.since, Some(today() - Duration::days(7)));

    let health = page.health.expect("health");
    write(&mut conn, |w| {
        assess::rate_sentiment(w, id, 5, "Sponsor committed to the renewal")
    });
    let rated = account_page::page(&conn, id, 30, today()).expect("page");
    let after = rated.health.expect("health");
    assert!(after.score > health.score || health.band == Band::Green);
    assert_eq!(rated.sentiment.expect("sentiment").rating, 5);
    assert!(try_write_on(&mut conn, today(), |w| assess::rate_sentiment(w, id, 6, "")).is_err());
}

#[test]
fn today_puts_declining_accounts_first_with_their_reasons() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, demo) = book(dir.path(), 250, 42);
    let list = today::list(&conn, today(), 20).expect("today");
    let order: Vec<Section> = list.items.iter().map(|i| i.section).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "risks, renewals, touches, expansion");
    let top: Vec<_> = list
        .items
        .iter()
        .filter(|i| i.section == Section::Risk)
        .collect();
    assert!(!top.is_empty());
    let declining = top
        .iter()
        .take(10)
        .filter(|i| demo.scenario_of(i.account_id) == Some(Scenario::Declining))
        .count();
    assert!(
        declining >= 7,
        "{declining} of the top 10 risks are declining accounts"
    );
    assert!(top.iter().all(|i| !i.reasons.is_empty()));
    // Overdue tasks: the count and the oldest title, as the tasks table says.
    let with_tasks = list
        .items
        .iter()
        .find(|i| i.overdue_tasks > 0)
        .expect("an account with overdue tasks");
    let (count, oldest): (i64, String) = conn
        .query_row(
            "SELECT count(*), (SELECT title FROM tasks WHERE account_id = ?1 AND done_at IS NULL AND due_on < ?2
                               ORDER BY due_on, id LIMIT 1)
             FROM tasks WHERE account_id = ?1 AND done_at IS NULL AND due_on < ?2",
            rusqlite::params![with_tasks.account_id, today()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("tasks");
    assert_eq!(with_tasks.overdue_tasks, count);
    assert_eq!(with_tasks.overdue_task.as_deref(), Some(oldest.as_str()));
    let totals: u32 = list.sections.iter().map(|s| s.total).sum();
    assert!(totals as usize >= list.items.len());
}

#[test]
fn the_portfolio_lists_health_with_its_weekly_change_and_sorts_by_it() {
    use steward_core::portfolio::{self, PortfolioQuery, PortfolioSort};
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 60, 8);
    let query = PortfolioQuery {
        sort: PortfolioSort::Health,
        ..Default::default()
    };
    let rows = portfolio::list(&conn, &query, today()).expect("list");
    let scores: Vec<f64> = rows.iter().filter_map(|r| r.health_score).collect();
    assert_eq!(scores.len(), rows.len(), "every live account has a score");
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "worst first");
    assert_eq!(rows[0].health_band, Band::Red);
    // The change is today's score minus the one a week ago, by hand.
    let r = &rows[0];
    let week_ago: f64 = conn
        .query_row(
            "SELECT score FROM health_history WHERE account_id = ?1 AND day = ?2",
            rusqlite::params![r.id, today() - Duration::days(7)],
            |x| x.get(0),
        )
        .expect("a week-old point");
    let change = r.health_change_7d.expect("change");
    assert!((change - (r.health_score.expect("score") - week_ago)).abs() < 1e-9);
    // Tier cadences come from the settings.
    let a = rows.iter().find(|r| r.tier == steward_core::model::Tier::A);
    if let Some(a) = a {
        assert_eq!(a.touch_cadence_days, 14);
    }
    // After a settings change, scores from the old version are not compared.
    let mut s = settings::current(&conn).expect("settings").settings;
    s.weights.adoption = 60.0;
    s.tiers.cadence_a_days = 21;
    write(&mut conn, |w| assess::save_settings(w, &s, None));
    let rows = portfolio::list(&conn, &query, today()).expect("list");
    assert!(rows.iter().all(|r| r.health_change_7d.is_none()));
    if let Some(a) = rows.iter().find(|r| r.tier == steward_core::model::Tier::A) {
        assert_eq!(a.touch_cadence_days, 21);
    }
}

#[test]
fn portfolio_metrics_agree_with_a_hand_calculation() {
    use steward_core::metrics::{self, MetricsQuery};
    let dir = tempfile::tempdir().expect("tmp");
    let conn = store::open_in(dir.path()).expect("open");
    // Five accounts in USD and one in EUR; the period is 2026.
    // A: 1,000/month all year. B: 2,000, churned in June. C: 3,000 cut to 2,000
    // in March. D: 4,000 grown to 5,000 in May. E: new in August at 500 (no
    // subscription rows: ARR / 12). F: EUR, left out of USD figures.
    conn.execute_batch(
        "INSERT INTO accounts(id, name, arr_minor, currency, contract_start, renewal_date, status, churn_date, source, created_at, updated_at) VALUES
           (1, 'A', 1200000, 'USD', '2024-02-01', '2027-02-01', 'active', NULL, 'user', '', ''),
           (2, 'B', 2400000, 'USD', '2024-06-15', NULL, 'churned', '2026-06-15', 'user', '', ''),
           (3, 'C', 2400000, 'USD', '2023-03-01', '2027-03-01', 'active', NULL, 'user', '', ''),
           (4, 'D', 6000000, 'USD', '2025-05-01', '2027-05-01', 'active', NULL, 'user', '', ''),
           (5, 'E', 600000, 'USD', '2026-08-01', '2027-08-01', 'active', NULL, 'user', '', ''),
           (6, 'F', 900000, 'EUR', '2024-01-01', '2027-01-10', 'active', NULL, 'user', '', '');
         INSERT INTO subscriptions(account_id, plan, status, start_date, end_date, mrr_minor, currency, source) VALUES
           (1, 'p', 'active', '2024-02-01', NULL, 100000, 'USD', 'user'),
           (2, 'p', 'canceled', '2024-06-15', '2026-06-15', 200000, 'USD', 'user'),
           (3, 'p', 'canceled', '2023-03-01', '2026-03-01', 300000, 'USD', 'user'),
           (3, 'p', 'active', '2026-03-01', NULL, 200000, 'USD', 'user'),
           (4, 'p', 'canceled', '2025-05-01', '2026-05-01', 400000, 'USD', 'user'),
           (4, 'p', 'active', '2026-05-01', NULL, 500000, 'USD', 'user'),
           (6, 'p', 'active', '2024-01-01', NULL, 75000, 'EUR', 'user');",
    )
    .expect("book");
    let d = |s: &str| s.parse::<NaiveDate>().expect("date");
    let m = metrics::compute(
        &conn,
        &MetricsQuery {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
            currency: None,
        },
    )
    .expect("metrics");
    assert_eq!(m.currency, "USD");
    assert_eq!(m.currencies, vec!["USD", "EUR"]);
    assert_eq!(m.other_currency_accounts, 1);
    let r = &m.retention;
    assert_eq!((r.customers_start, r.customers_lost), (4, 1));
    assert_eq!(r.mrr_start, 1_000_000);
    assert_eq!(
        (r.churned_mrr, r.contraction_mrr, r.expansion_mrr),
        (200_000, 100_000, 100_000)
    );
    assert_eq!(r.logo_churn_pct, Some(25.0));
    assert_eq!(r.grr_pct, Some(70.0));
    assert_eq!(r.nrr_pct, Some(80.0));
    assert_eq!((r.new_customers, r.new_mrr), (1, 50_000));
    // Renewals: Q4 2026 holds none; Q1 2027 has A and C (USD), F is EUR.
    assert_eq!(m.renewals[0].quarter, "2026 Q4");
    assert_eq!(m.renewals[1].quarter, "2027 Q1");
    assert_eq!(m.renewals[1].accounts, 2);
    assert_eq!(m.renewals[1].due.minor, 3_600_000);
    assert_eq!(m.renewals[1].expected, None, "no churn model, no guess");
    // A period that ends before it starts is refused.
    assert!(metrics::compute(
        &conn,
        &MetricsQuery {
            from: d("2026-12-31"),
            to: d("2026-01-01"),
            currency: None,
        },
    )
    .is_err());
}

#[test]
fn the_demo_book_shows_expansion_contraction_and_band_history() {
    use steward_core::metrics::{self, MetricsQuery};
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 250, 42);
    let m = metrics::compute(
        &conn,
        &MetricsQuery {
            from: today() - Duration::days(365),
            to: today(),
            currency: None,
        },
    )
    .expect("metrics");
    let r = &m.retention;
    assert!(
        r.expansion_mrr > 0 && r.contraction_mrr > 0 && r.churned_mrr > 0,
        "{r:?}"
    );
    let grr = r.grr_pct.expect("grr");
    let nrr = r.nrr_pct.expect("nrr");
    assert!(grr <= 100.0 && grr > 50.0, "{grr}");
    assert!((nrr - (grr + r.expansion_mrr as f64 / r.mrr_start as f64 * 100.0)).abs() < 1e-9);
    assert_eq!(m.renewals.len(), 4);
    assert!(m.renewals.iter().any(|q| q.expected.is_some()));
    for q in &m.renewals {
        assert!(q.at_risk.minor <= q.due.minor);
    }
    // 27 history days (26 weekly backfilled points and today) in the last year.
    assert_eq!(m.bands.len(), 27);
    let last = m.bands.last().expect("today");
    let live: u32 = conn
        .query_row(
            "SELECT count(*) FROM health_scores WHERE band <> 'unknown'",
            [],
            |x| x.get(0),
        )
        .expect("count");
    assert_eq!(last.green + last.yellow + last.red, live);
}

#[test]
fn a_champion_marked_as_gone_counts_from_that_day_not_before() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 60, 4);
    // A live account whose only champion is still there.
    let (account, champion): (i64, i64) = conn
        .query_row(
            "SELECT c.account_id, c.id FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE a.status = 'active' AND c.role = 'champion' AND NOT c.left_company
               AND (SELECT count(*) FROM contacts d WHERE d.account_id = c.account_id
                    AND d.role = 'champion' AND NOT d.left_company) = 1
             ORDER BY c.account_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an account with one champion");
    let left_on = today() - Duration::days(10);
    write(&mut conn, |w| {
        steward_core::account::set_contact_left(w, champion, Some(left_on))
    });
    assert_eq!(
        unresolved(&conn, account, AlertReason::ChampionLeft).len(),
        1,
        "the departure raises its warning"
    );
    let as_of = |day| {
        steward_core::health::inputs::gather(
            &conn,
            day,
            90,
            Some(account),
            steward_core::health::inputs::Depth::Scores,
        )
        .expect("gather")[&account]
            .champion_present
    };
    assert_eq!(as_of(today()), Some(false));
    assert_eq!(
        as_of(left_on - Duration::days(1)),
        Some(true),
        "still there the day before"
    );
    // Leaving in the future, or before joining, is refused.
    assert!(try_write_on(&mut conn, today(), |w| {
        steward_core::account::set_contact_left(w, champion, Some(today() + Duration::days(1)))
    })
    .is_err());
    // Recorded by mistake: back, and the warning clears.
    write(&mut conn, |w| {
        steward_core::account::set_contact_left(w, champion, None)
    });
    assert!(unresolved(&conn, account, AlertReason::ChampionLeft).is_empty());
}

#[test]
fn a_german_csm_reads_warnings_and_health_explanations_in_german() {
    use steward_core::Lang;
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 60, 7);
    let reasons = |conn: &Connection| -> Vec<(AlertReason, String)> {
        today::list(conn, today(), 50)
            .expect("today")
            .items
            .into_iter()
            .flat_map(|i| i.reasons)
            .map(|r| (r.reason, r.detail))
            .collect()
    };
    let english = reasons(&conn);
    let touch = |rs: &[(AlertReason, String)]| {
        rs.iter()
            .find(|(r, _)| *r == AlertReason::TouchOverdue)
            .map(|(_, d)| d.clone())
            .expect("an overdue touch")
    };
    assert!(touch(&english).contains("cadence is"), "{english:?}");

    // The window says German: the kept sentences are written again, once.
    assert!(Lang::De.scoped(|| write(&mut conn, |w| steward_core::lang::reword_book(w, Lang::De))));
    assert!(!Lang::De.scoped(|| write(&mut conn, |w| steward_core::lang::reword_book(w, Lang::De))));
    let german = reasons(&conn);
    assert_eq!(german.len(), english.len(), "the same warnings, reworded");
    assert!(touch(&german).contains("Rhythmus für Tier"), "{german:?}");
    assert!(
        german.iter().all(|(_, d)| !d.contains(" days")),
        "{german:?}"
    );

    // The account page explains health in German, decimals with a comma.
    let id = today::list(&conn, today(), 50).expect("today").items[0].account_id;
    let page = Lang::De
        .scoped(|| account_page::page(&conn, id, 90, today()))
        .expect("page");
    let health = page.health.expect("scored");
    let words: Vec<&str> = health
        .components
        .iter()
        .map(|c| c.detail.as_str())
        .collect();
    assert!(
        words
            .iter()
            .any(|w| w.contains("Tagen") || w.contains("Lizenzen")),
        "{words:?}"
    );
    assert!(
        !words
            .iter()
            .any(|w| w.contains(" of ") || w.contains(" days")),
        "{words:?}"
    );

    // Back to English: the same sentences as before.
    assert!(Lang::En.scoped(|| write(&mut conn, |w| steward_core::lang::reword_book(w, Lang::En))));
    assert_eq!(reasons(&conn), english);
}

/// The metrics' band chart says what the history points say, however they
/// were written: a new book's weekly history, a day's assessment, a point
/// moved to another band and assessed back, an account removed with its
/// history.
#[test]
fn the_band_chart_counts_every_history_point() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 80, 17);
    let counted = |conn: &Connection| -> Vec<(NaiveDate, u32, u32, u32)> {
        conn.prepare(
            "SELECT day, sum(band = 'green'), sum(band = 'yellow'), sum(band = 'red')
             FROM health_history GROUP BY day ORDER BY day",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("count")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    };
    let charted = |conn: &Connection| -> Vec<(NaiveDate, u32, u32, u32)> {
        let m = steward_core::metrics::compute(
            conn,
            &steward_core::metrics::MetricsQuery {
                from: today() - Duration::days(3000),
                to: today(),
                currency: None,
            },
        )
        .expect("metrics");
        m.bands
            .iter()
            .map(|p| (p.day, p.green, p.yellow, p.red))
            .collect()
    };
    let first = counted(&conn);
    assert!(first.len() > 26, "half a year of weekly points and today");
    assert_eq!(charted(&conn), first);

    let (someone, band): (i64, String) = conn
        .query_row(
            "SELECT account_id, band FROM health_history WHERE day = ?1 AND band = 'green' LIMIT 1",
            [today()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a green account today");
    assert_eq!(band, "green");
    conn.execute(
        "UPDATE health_history SET band = 'red' WHERE account_id = ?1 AND day = ?2",
        rusqlite::params![someone, today()],
    )
    .expect("move a point");
    let moved = counted(&conn);
    assert_ne!(moved, first);
    assert_eq!(charted(&conn), moved);
    write(&mut conn, assess::book);
    assert_eq!(charted(&conn), first, "assessed back to green");

    conn.execute("DELETE FROM accounts WHERE id = ?1", [someone])
        .expect("remove the account");
    let fewer = counted(&conn);
    let greens = |points: &[(NaiveDate, u32, u32, u32)]| points.iter().map(|p| p.1).sum::<u32>();
    assert!(greens(&fewer) < greens(&first));
    assert_eq!(charted(&conn), fewer);
}
