//! The core against real SQLite files: the demo book, the portfolio and account
//! page queries, logging a check-in, tasks and search.

mod support;

use chrono::NaiveDate;
use steward_core::checkin::{self, NewCheckIn, NextStep};
use steward_core::model::{ActivityKind, LifecycleStage, Sentiment, Tier};
use steward_core::portfolio::{self, PortfolioQuery, PortfolioSort};
use steward_core::progress::{self, CancelToken};
use steward_core::search::{self, HitKind};
use steward_core::{account_page, assess, store, tasks};
use steward_demo::{DemoSpec, Scenario};
use support::{book, today, try_write, write};

#[test]
fn demo_book_is_deterministic_and_realistic() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let (mut conn, demo) = book(a.path(), 80, 7);
    let (other, _) = book(b.path(), 80, 7);
    let fingerprint = |c: &rusqlite::Connection| -> (String, i64, i64) {
        c.query_row(
            "SELECT group_concat(name, '|'), (SELECT count(*) FROM usage_daily), (SELECT sum(active_users) FROM usage_daily) FROM accounts",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("fingerprint")
    };
    assert_eq!(
        fingerprint(&conn),
        fingerprint(&other),
        "same seed, same book"
    );

    // Every lifecycle stage and every tier shows up.
    let stages: Vec<String> = support::column(
        &conn,
        "SELECT DISTINCT lifecycle_stage FROM accounts ORDER BY 1",
    );
    for stage in LifecycleStage::ALL {
        assert!(
            stages.contains(&stage.as_str().to_string()),
            "stage {} missing from {stages:?}",
            stage.as_str()
        );
    }
    let tiers: i64 = conn
        .query_row("SELECT count(DISTINCT tier) FROM accounts", [], |r| {
            r.get(0)
        })
        .expect("tiers");
    assert_eq!(tiers, 3);

    // Churned accounts declined before they left: usage in their last 30 days
    // is well below the same account's level half a year earlier.
    let mut stmt = conn
        .prepare(
            "SELECT (SELECT avg(active_users) FROM usage_daily u WHERE u.account_id = a.id
                       AND u.day > date(a.churn_date, '-30 days') AND u.day <= a.churn_date),
                    (SELECT avg(active_users) FROM usage_daily u WHERE u.account_id = a.id
                       AND u.day > date(?2, '-60 days') AND u.day <= ?2)
             FROM accounts a WHERE a.id = ?1 AND a.status = 'churned'",
        )
        .expect("q");
    let declines: Vec<(Option<f64>, Option<f64>)> = demo
        .with(Scenario::Churned)
        .map(|t| {
            stmt.query_row(rusqlite::params![t.account_id, t.decline_start], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("usage")
        })
        .collect();
    drop(stmt);
    let declines: Vec<(f64, f64)> = declines
        .into_iter()
        .filter_map(|(a, b)| Some((a?, b?)))
        .collect();
    assert!(
        declines.len() >= 5,
        "some accounts churned within the usage history: {}",
        declines.len()
    );
    // How far they fall varies (with noise and seasons), but they fall.
    let mut ratios: Vec<f64> = declines
        .iter()
        .map(|(last, before)| last / before)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    assert!(
        median < 0.7,
        "usage fell before churn: median ratio {median:.2} of {ratios:?}"
    );
    let fell = ratios.iter().filter(|r| **r < 0.85).count();
    assert!(
        fell * 5 >= ratios.len() * 4,
        "most fell by 15% or more: {ratios:?}"
    );
    assert_eq!(demo.truth.len(), 80);
    let truth_tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%truth%'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    assert_eq!(
        truth_tables, 0,
        "the generator's truth is not in the CSM's file"
    );
    let departed: i64 = conn
        .query_row(
            "SELECT count(*) FROM contacts WHERE left_company AND role = 'champion'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    assert!(departed > 0, "some champions left");
    let trouble: i64 = conn
        .query_row(
            "SELECT count(*) FROM invoices WHERE status = 'failed' OR paid_on > due_on",
            [],
            |r| r.get(0),
        )
        .expect("q");
    assert!(trouble > 0, "some invoices were late or failed");
    let nps: i64 = conn
        .query_row(
            "SELECT count(*) FROM survey_responses WHERE kind = 'nps'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    assert!(nps > 80);

    // The demo book only goes into an empty portfolio.
    let err = try_write(&mut conn, |w| {
        steward_demo::generate(
            w,
            &DemoSpec::default(),
            &mut progress::ignore,
            &CancelToken::default(),
        )
    })
    .expect_err("not twice");
    assert!(err.to_string().contains("already holds 80 accounts"));
}

#[test]
fn portfolio_sorts_filters_and_shows_trends() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 60, 7);
    let all = portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list");
    let active: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE status = 'active'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    assert_eq!(
        all.len() as i64,
        active,
        "churned accounts are hidden by default"
    );
    assert!(all
        .windows(2)
        .all(|w| w[0].name.to_lowercase() <= w[1].name.to_lowercase()));
    assert!(
        all.iter().filter(|r| r.usage_weekly.len() == 12).count() > all.len() / 2,
        "most accounts have a 12-week sparkline"
    );
    assert!(all
        .iter()
        .all(|r| r.days_since_touch.is_none_or(|d| d >= 0)));

    let by_arr = portfolio::list(
        &conn,
        &PortfolioQuery {
            sort: PortfolioSort::Arr,
            descending: true,
            tiers: vec![Tier::A],
            ..Default::default()
        },
        today(),
    )
    .expect("list");
    assert!(!by_arr.is_empty());
    assert!(by_arr.iter().all(|r| r.tier == Tier::A));
    assert!(by_arr.windows(2).all(|w| w[0].arr.minor >= w[1].arr.minor));

    let name = &all[0].name;
    let word = name.split(' ').next().expect("word").to_lowercase();
    let found = portfolio::list(
        &conn,
        &PortfolioQuery {
            text: word.clone(),
            ..Default::default()
        },
        today(),
    )
    .expect("list");
    assert!(found.iter().any(|r| &r.name == name));
    assert!(found.iter().all(|r| r.name.to_lowercase().contains(&word)
        || r.domain.as_deref().unwrap_or("").contains(&word)));
}

#[test]
fn the_window_gets_its_rows_of_the_sorted_list_and_the_whole_lists_figures() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 60, 7);
    let query = PortfolioQuery {
        sort: PortfolioSort::Health,
        descending: true,
        include_churned: true,
        ..Default::default()
    };
    let all = portfolio::list(&conn, &query, today()).expect("list");
    let page = portfolio::page(&conn, &query, today(), 20, 15).expect("page");
    assert_eq!(page.total as usize, all.len());
    assert_eq!(page.offset, 20);
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    let expected: Vec<i64> = all[20..35].iter().map(|r| r.id).collect();
    assert_eq!(ids, expected, "rows 20..35 of the same order");

    // Every sort, both ways, at the top and further down: the window holds
    // exactly the list's rows there, as the list has them.
    let json = |rows: &[portfolio::PortfolioRow]| serde_json::to_value(rows).expect("json");
    for sort in [
        PortfolioSort::Name,
        PortfolioSort::Tier,
        PortfolioSort::Arr,
        PortfolioSort::Renewal,
        PortfolioSort::Stage,
        PortfolioSort::LastTouch,
        PortfolioSort::Trend,
        PortfolioSort::Health,
    ] {
        for descending in [false, true] {
            let query = PortfolioQuery {
                sort,
                descending,
                include_churned: true,
                ..Default::default()
            };
            let all = portfolio::list(&conn, &query, today()).expect("list");
            for (offset, limit) in [(0, 12), (25, 30), (50, 40)] {
                let page = portfolio::page(&conn, &query, today(), offset, limit).expect("page");
                let end = (offset + limit).min(all.len() as u64) as usize;
                assert_eq!(
                    json(&page.rows),
                    json(&all[offset as usize..end]),
                    "{sort:?} descending {descending} from {offset}"
                );
            }
        }
    }

    // The figures are the whole list's, not the window's.
    let mut by_currency = std::collections::BTreeMap::<String, i64>::new();
    for r in &all {
        *by_currency.entry(r.arr.currency.clone()).or_default() += r.arr.minor;
    }
    assert_eq!(page.arr_by_currency.len(), by_currency.len());
    for m in &page.arr_by_currency {
        assert_eq!(by_currency[&m.currency], m.minor, "{}", m.currency);
    }
    assert!(page
        .arr_by_currency
        .windows(2)
        .all(|w| w[0].minor >= w[1].minor));

    // Past the end: no rows, the same count; a filter counts what it keeps.
    let past = portfolio::page(&conn, &query, today(), 10_000, 50).expect("page");
    assert!(past.rows.is_empty());
    assert_eq!(past.total as usize, all.len());
    let tier_a = PortfolioQuery {
        tiers: vec![Tier::A],
        ..Default::default()
    };
    let a = portfolio::page(&conn, &tier_a, today(), 0, 500).expect("page");
    assert_eq!(
        a.total as usize,
        portfolio::list(&conn, &tier_a, today())
            .expect("list")
            .len()
    );
    assert!(a.rows.iter().all(|r| r.tier == Tier::A));
}

#[test]
fn check_in_lands_on_the_timeline_creates_tasks_and_survives_reopening() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 20, 7);
    let row = &portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list")[0];
    let page = account_page::page(&conn, row.id, 365 * 3, today()).expect("page");
    assert!(!page.usage.days.is_empty());
    assert_eq!(page.usage.days.len(), page.usage.active_users.len());
    let contact = page.contacts[0].id;

    let input = NewCheckIn {
        account_id: row.id,
        kind: ActivityKind::Call,
        occurred_on: today(),
        contact_ids: vec![contact],
        summary: "Discussed the zeppelin rollout with the analytics team".into(),
        sentiment: Some(Sentiment::Positive),
        next_steps: vec![
            NextStep {
                title: "Send zeppelin deck".into(),
                due_on: Some(today()),
            },
            NextStep {
                title: "Book training".into(),
                due_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            },
            NextStep {
                title: "   ".into(),
                due_on: None,
            },
        ],
    };
    let id = write(&mut conn, |w| checkin::log(w, &input));
    drop(conn);

    let conn = store::open_in(dir.path()).expect("reopen");
    let page = account_page::page(&conn, row.id, 90, today()).expect("page");
    let first = &page.activities[0];
    assert_eq!(first.id, id);
    assert_eq!(first.summary, input.summary);
    assert_eq!(
        first.contact_names,
        vec![page
            .contacts
            .iter()
            .find(|c| c.id == contact)
            .expect("c")
            .name
            .clone()]
    );
    assert_eq!(page.days_since_touch, Some(0));
    let titles: Vec<&str> = page.open_tasks.iter().map(|t| t.title.as_str()).collect();
    assert!(titles.contains(&"Send zeppelin deck") && titles.contains(&"Book training"));
    assert!(!titles.contains(&"   "), "blank next steps are dropped");

    let list = tasks::open(&conn, today()).expect("tasks");
    assert!(list.today.iter().any(|t| t.title == "Send zeppelin deck"));
    assert!(list.upcoming.iter().any(|t| t.title == "Book training"));
    assert!(list
        .overdue
        .iter()
        .all(|t| t.due_on.is_some_and(|d| d < today())));

    let hits = search::query(&conn, "zeppel", 20).expect("search");
    assert!(hits
        .iter()
        .any(|h| h.kind == HitKind::Activity && h.id == id && h.account_id == row.id));
    let hits = search::query(&conn, &row.name, 5).expect("search");
    assert_eq!(hits[0].kind, HitKind::Account);
    assert_eq!(hits[0].account_id, row.id);
    let zeppelin = hits_about(&conn, "zeppel");
    assert_eq!(
        zeppelin.date.as_deref(),
        Some(today().to_string().as_str()),
        "a check-in says its day"
    );
    drop(conn);

    // The same words on the same account three times are one hit, counted,
    // with the newest day.
    let mut conn = store::open_in(dir.path()).expect("reopen");
    for days_ago in [40, 10, 70] {
        let again = NewCheckIn {
            occurred_on: today() - chrono::Duration::days(days_ago),
            summary: "Prepare the zeppelin renewal proposal".into(),
            contact_ids: vec![],
            next_steps: vec![],
            ..input.clone()
        };
        write(&mut conn, |w| checkin::log(w, &again));
    }
    let renewal = hits_about(&conn, "zeppelin renewal proposal");
    assert_eq!(renewal.count, 3);
    assert_eq!(
        renewal.date,
        Some((today() - chrono::Duration::days(10)).to_string())
    );
    let conn = store::open_in(dir.path()).expect("reopen");

    // The portfolio row now says "touched today".
    let again = portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list");
    assert_eq!(
        again
            .iter()
            .find(|r| r.id == row.id)
            .expect("row")
            .days_since_touch,
        Some(0)
    );
}

#[test]
fn check_in_input_is_validated() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 3, 7);
    let base = NewCheckIn {
        account_id: 1,
        kind: ActivityKind::Note,
        occurred_on: today(),
        contact_ids: vec![],
        summary: "ok".into(),
        sentiment: None,
        next_steps: vec![],
    };
    let empty = NewCheckIn {
        summary: "  ".into(),
        ..base.clone()
    };
    assert_eq!(
        try_write(&mut conn, |w| checkin::log(w, &empty))
            .expect_err("empty")
            .code(),
        steward_core::ErrorCode::InvalidInput
    );
    let future = NewCheckIn {
        occurred_on: NaiveDate::from_ymd_opt(2027, 1, 1).expect("d"),
        ..base.clone()
    };
    assert!(try_write(&mut conn, |w| checkin::log(w, &future))
        .expect_err("future")
        .to_string()
        .contains("future"));
    let missing = NewCheckIn {
        account_id: 999,
        ..base.clone()
    };
    assert_eq!(
        try_write(&mut conn, |w| checkin::log(w, &missing))
            .expect_err("missing")
            .code(),
        steward_core::ErrorCode::NotFound
    );
    // A contact of another account is refused and nothing is written.
    let other: i64 = conn
        .query_row(
            "SELECT id FROM contacts WHERE account_id = 2 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("c");
    let before: i64 = conn
        .query_row("SELECT count(*) FROM activities", [], |r| r.get(0))
        .expect("n");
    let wrong = NewCheckIn {
        contact_ids: vec![other],
        ..base
    };
    assert!(try_write(&mut conn, |w| checkin::log(w, &wrong)).is_err());
    let after: i64 = conn
        .query_row("SELECT count(*) FROM activities", [], |r| r.get(0))
        .expect("n");
    assert_eq!(before, after);
}

#[test]
fn rollups_follow_the_calendar_once_a_day() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 10, 7);
    // An account with a full 12 weeks of usage before the move.
    let id = portfolio::list(&conn, &PortfolioQuery::default(), today())
        .expect("list")
        .into_iter()
        .find(|r| r.usage_weekly.len() == 12)
        .expect("an account with 12 weeks of usage")
        .id;
    let row = |c: &rusqlite::Connection, day: NaiveDate| {
        portfolio::list(c, &PortfolioQuery::default(), day)
            .expect("list")
            .into_iter()
            .find(|r| r.id == id)
            .expect("row")
    };
    assert!(
        assess::bring_up_to_date(&mut conn, today())
            .expect("same day")
            .is_none(),
        "fresh on the day they were made"
    );
    let later = today() + chrono::Duration::days(30);
    let before = row(&conn, later);
    let changes = assess::bring_up_to_date(&mut conn, later)
        .expect("refresh")
        .expect("a new day refreshes");
    assert!(changes.book, "the whole book was reassessed");
    assert!(
        assess::bring_up_to_date(&mut conn, later)
            .expect("again")
            .is_none(),
        "once per day"
    );
    let after = row(&conn, later);
    // Thirty days on, with no newer usage: the 12-week window holds fewer weeks.
    assert_eq!(before.usage_weekly.len(), 12);
    assert!(after.usage_weekly.len() < 12, "{:?}", after.usage_weekly);
}

#[test]
fn an_account_touched_after_the_whole_book_was_refreshed_shows_the_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 10, 7);
    let rows = portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list");
    let stale: Vec<i64> = rows
        .iter()
        .filter(|r| r.days_since_touch.is_none_or(|d| d > 0))
        .map(|r| r.id)
        .take(2)
        .collect();
    assert_eq!(stale.len(), 2, "two accounts not touched today");
    let note = |account_id| NewCheckIn {
        account_id,
        kind: ActivityKind::Note,
        occurred_on: today(),
        contact_ids: vec![],
        summary: "Called about the renewal".into(),
        sentiment: None,
        next_steps: vec![],
    };
    // A write that refreshes every account and then logs a check-in (one
    // account reassessed on its own), and one whose change concerns the
    // whole book as well: either way the logged account's last touch is
    // today, not what the refresh before the check-in saw.
    write(&mut conn, |w| {
        steward_core::rollup::refresh_all(w)?;
        checkin::log(w, &note(stale[0]))
    });
    write(&mut conn, |w| {
        steward_core::rollup::refresh_all(w)?;
        checkin::log(w, &note(stale[1]))?;
        w.touch_book();
        Ok(())
    });
    let rows = portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list");
    for id in stale {
        let row = rows.iter().find(|r| r.id == id).expect("row");
        assert_eq!(row.days_since_touch, Some(0), "account {id}");
    }
}

#[test]
fn health_separates_declining_accounts_from_healthy_ones_in_the_demo_truth() {
    use steward_core::health::{self, Band, Settings};
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, demo) = book(dir.path(), 120, 7);
    let scores = health::score_all(&conn, &Settings::default(), today()).expect("score");
    let active: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE status = 'active'",
            [],
            |r| r.get(0),
        )
        .expect("n");
    assert_eq!(scores.len() as i64, active, "every live account is scored");
    let truth: std::collections::HashMap<i64, &str> = demo
        .truth
        .iter()
        .map(|t| (t.account_id, t.scenario.as_str()))
        .collect();
    let mean = |scenario: &str| {
        let s: Vec<f64> = scores
            .iter()
            .filter(|h| truth[&h.account_id] == scenario)
            .map(|h| h.score)
            .collect();
        assert!(!s.is_empty(), "{scenario} accounts in the book");
        s.iter().sum::<f64>() / s.len() as f64
    };
    let (healthy, declining) = (mean("healthy"), mean("declining"));
    assert!(
        healthy > declining + 15.0,
        "healthy {healthy:.1} vs declining {declining:.1}"
    );
    let red_declining = scores
        .iter()
        .filter(|h| truth[&h.account_id] == "declining" && h.band != Band::Green)
        .count();
    let declining_total = scores
        .iter()
        .filter(|h| truth[&h.account_id] == "declining")
        .count();
    assert!(
        red_declining * 10 >= declining_total * 7,
        "most declining accounts are not green: {red_declining}/{declining_total}"
    );
    assert!(scores
        .iter()
        .all(|h| h.biggest_drag.is_some() || h.score == 100.0));
    // Scoring one account gives exactly its part of the whole-book run.
    for h in scores.iter().step_by(17) {
        let one = health::score_one(&conn, h.account_id, &Settings::default(), today())
            .expect("score one")
            .expect("live account");
        assert_eq!(one.score, h.score);
        assert_eq!(one.biggest_drag, h.biggest_drag);
    }
}

/// The one check-in hit for `text` on the searched account.
fn hits_about(conn: &rusqlite::Connection, text: &str) -> search::SearchHit {
    let hits: Vec<search::SearchHit> = search::query(conn, text, 20)
        .expect("search")
        .into_iter()
        .filter(|h| {
            h.kind == HitKind::Activity && h.excerpt.to_lowercase().contains(&text.to_lowercase())
        })
        .collect();
    assert_eq!(hits.len(), 1, "one row for {text}: {hits:?}");
    hits.into_iter().next().expect("hit")
}
