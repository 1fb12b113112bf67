//! Health history, risk scores, alerts, playbooks and the Today list against
//! real demo books in SQLite files (the churn model itself: churn.rs; metrics: metrics.rs).

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::account_page;
use steward_core::alerts::{self, AlertReason, AlertStatus};
use steward_core::assess;
use steward_core::health::{settings, Band};
use steward_core::today::{self, Section};
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
    let versions: Vec<i64> = support::column(
        &conn,
        "SELECT DISTINCT model_version FROM health_history ORDER BY 1",
    );
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
            steward_core::store::Scope::One(account),
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

#[test]
fn a_reassessment_the_same_day_writes_only_what_moved_and_stores_the_account_pages_figures() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _demo) = book(dir.path(), 60, 9);
    // Rows the assessment writes, counted as they are written.
    conn.execute_batch(
        "CREATE TEMP TABLE written(what TEXT, account_id INTEGER);
         CREATE TEMP TRIGGER scores_updated AFTER UPDATE ON health_scores
           BEGIN INSERT INTO written VALUES ('score', new.account_id); END;
         CREATE TEMP TRIGGER scores_inserted AFTER INSERT ON health_scores
           BEGIN INSERT INTO written VALUES ('score', new.account_id); END;
         CREATE TEMP TRIGGER points_updated AFTER UPDATE ON health_history
           BEGIN INSERT INTO written VALUES ('point', new.account_id); END;
         CREATE TEMP TRIGGER points_inserted AFTER INSERT ON health_history
           BEGIN INSERT INTO written VALUES ('point', new.account_id); END;",
    )
    .expect("triggers");
    let written = |conn: &Connection| -> Vec<(String, i64)> {
        let rows = conn
            .prepare("SELECT what, account_id FROM written ORDER BY what, account_id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        conn.execute("DELETE FROM written", []).expect("clear");
        rows
    };

    // Nothing moved since the book's assessment today: nothing is written.
    write(&mut conn, assess::book);
    assert_eq!(written(&conn), vec![]);

    // Two urgent tickets arrive for one healthy account (as a sync would
    // write them) and the book is reassessed: only that account is written,
    // with the figures its page shows.
    let id: i64 = conn
        .query_row(
            "SELECT account_id FROM health_scores WHERE band = 'green' ORDER BY account_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a green account");
    conn.execute(
        "INSERT INTO tickets(account_id, subject, priority, status, opened_at, source)
         VALUES (?1, 'Cannot log in', 'urgent', 'open', ?2, 'test'),
                (?1, 'Data missing', 'urgent', 'open', ?2, 'test')",
        rusqlite::params![id, format!("{}T09:00:00Z", today())],
    )
    .expect("tickets");
    write(&mut conn, assess::book);
    assert_eq!(
        written(&conn),
        vec![("point".to_string(), id), ("score".to_string(), id)]
    );
    let page = account_page::page(&conn, id, 30, today()).expect("page");
    let live = page.health.expect("health");
    let (score, band, drag): (Option<f64>, String, Option<String>) = conn
        .query_row(
            "SELECT score, band, biggest_drag FROM health_scores WHERE account_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("stored");
    assert_eq!(score, Some(live.score));
    assert_eq!(band, live.band.as_str());
    assert_eq!(drag, live.biggest_drag);
    assert!(
        drag.as_deref().is_some_and(|d| d.contains("urgent")),
        "the new tickets are what drags it down: {drag:?}"
    );

    // Every account's stored score, band and biggest drag are what its
    // page works out with every sentence written.
    let stored: Vec<(i64, Option<f64>, String, Option<String>)> = conn
        .prepare(
            "SELECT account_id, score, band, biggest_drag FROM health_scores ORDER BY account_id",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(stored.len() > 40);
    for (id, score, band, drag) in stored {
        let h = account_page::page(&conn, id, 30, today())
            .expect("page")
            .health
            .expect("health");
        assert_eq!(
            (score, band.as_str(), drag.as_ref()),
            (
                (h.band != Band::Unknown).then_some(h.score),
                h.band.as_str(),
                h.biggest_drag.as_ref()
            ),
            "account {id}"
        );
    }
}

/// What the assessment stored for every account, by account: scores, risk
/// and its reasons, history points, unresolved alerts and the rollups.
fn stored_assessment(conn: &Connection) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for sql in [
        "SELECT account_id, score, band, biggest_drag, churn_risk, risk_factors, change_7d, computed_on
         FROM health_scores ORDER BY account_id",
        "SELECT account_id, day, score, band FROM health_history ORDER BY account_id, day",
        "SELECT account_id, reason, status, detail FROM alerts WHERE status <> 'resolved'
         ORDER BY account_id, reason",
        "SELECT account_id, last_touch_on, usage_weekly, usage_trend_pct, seats_used_pct, usage_spans
         FROM account_rollups ORDER BY account_id",
    ] {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let values = (1..n)
                    .map(|k| r.get::<_, rusqlite::types::Value>(k).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((r.get(0)?, values.join("|")))
            })
            .expect("query")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows");
        out.extend(rows);
    }
    out
}

/// A write that touches more accounts than the window is told of one by one
/// (a sync page, an import), but far from the whole book, reassesses just
/// those in one pass: they read as reassessing the whole book has them, and
/// the accounts it did not touch are as they were. (A whole-book
/// reassessment may still move those a little: seat use is ranked among
/// peers, whose figures the write changed.)
#[test]
fn a_write_touching_many_accounts_reassesses_them_as_the_whole_book_would() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 220, 23);
    let ids: Vec<i64> = support::column(
        &conn,
        "SELECT id FROM accounts WHERE status = 'active' ORDER BY id LIMIT 80",
    );
    assert_eq!(ids.len(), 80);
    let of = |rows: &[(i64, String)], touched: bool| -> Vec<(i64, String)> {
        rows.iter()
            .filter(|(id, _)| ids.contains(id) == touched)
            .cloned()
            .collect()
    };
    let before = stored_assessment(&conn);
    // Their last three weeks of usage drop to a quarter: scores, trends
    // and warnings move.
    write(&mut conn, |w| {
        for &id in &ids {
            w.conn().execute(
                "UPDATE usage_daily SET active_users = active_users / 4, logins = 0
                 WHERE account_id = ?1 AND day > ?2",
                rusqlite::params![id, today() - Duration::days(21)],
            )?;
            w.touch(id);
        }
        Ok(())
    });
    let scoped = stored_assessment(&conn);
    assert_ne!(
        of(&scoped, true),
        of(&before, true),
        "the touched accounts were reassessed"
    );
    assert_eq!(
        of(&scoped, false),
        of(&before, false),
        "the rest as they were"
    );
    write(&mut conn, assess::book);
    let whole = stored_assessment(&conn);
    let differ: Vec<_> = of(&whole, true)
        .into_iter()
        .zip(of(&scoped, true))
        .filter(|(a, b)| a != b)
        .take(3)
        .collect();
    assert!(
        differ.is_empty(),
        "as the whole book's reassessment has them: {differ:#?}"
    );
}

#[test]
fn never_touched_counts_from_when_steward_first_knew_the_account() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = steward_core::store::open_in(dir.path()).expect("open");
    // A customer since 2021, imported today, with no check-in logged yet.
    let report = support::import_bytes(
        &mut conn,
        dir.path(),
        "accounts.csv",
        b"id,name,arr,contract_start,status\nk1,Kestrel Freight,90000,2021-03-01,active\n",
        steward_core::import::Entity::Accounts,
    );
    assert_eq!(report.written, 1, "{:?}", report.errors);
    let id: i64 = conn
        .query_row("SELECT id FROM accounts", [], |r| r.get(0))
        .expect("account");
    let never_touched = |conn: &Connection| -> Vec<String> {
        conn.prepare(
            "SELECT detail FROM alerts WHERE account_id = ?1 AND reason = ?2 AND status <> 'resolved'",
        )
        .expect("prepare")
        .query_map(rusqlite::params![id, AlertReason::TouchOverdue], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    };
    // Five years a customer, but known for a day: no touch is overdue yet.
    assert_eq!(never_touched(&conn), Vec::<String>::new());
    write_on(&mut conn, today() + Duration::days(10), assess::book);
    assert_eq!(never_touched(&conn), Vec::<String>::new());
    // Half a year after the import, still nothing logged: now it is.
    write_on(&mut conn, today() + Duration::days(183), assess::book);
    let detail = never_touched(&conn);
    assert_eq!(detail.len(), 1);
    assert!(detail[0].contains("Never touched"), "{detail:?}");
}
