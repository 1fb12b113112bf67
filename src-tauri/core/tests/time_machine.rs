//! The time-machine test (insight.md): what health and the churn model read
//! "as of" a past day must be what was known on that day. The inputs
//! gathered for day D from the whole demo book must equal those gathered
//! from a copy of the book cut off at D: every row dated after D removed,
//! every later change (a payment, a departure, a churn, a new ARR) undone.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::health::inputs::{gather, Depth};
use steward_core::store::Scope;
use support::{book, today};

/// Turns a copy of the book into the book as it stood at the end of `day`.
fn cut_off(conn: &Connection, day: NaiveDate) {
    let next = format!("{}T00:00:00Z", day + Duration::days(1));
    conn.execute_batch("PRAGMA foreign_keys = ON;").expect("fk");
    for (sql, with_next) in [
        ("DELETE FROM accounts WHERE contract_start > ?1", false),
        (
            "UPDATE accounts SET status = 'active', churn_date = NULL, churn_reason = NULL WHERE churn_date > ?1",
            false,
        ),
        ("DELETE FROM account_history WHERE valid_from > ?1", false),
        ("DELETE FROM usage_daily WHERE day > ?1", false),
        ("DELETE FROM activities WHERE occurred_on > ?1", false),
        ("DELETE FROM sentiment_ratings WHERE rated_on > ?1", false),
        ("DELETE FROM survey_responses WHERE responded_on > ?1", false),
        ("DELETE FROM tickets WHERE opened_at >= ?1", true),
        (
            "UPDATE tickets SET resolved_at = NULL, status = 'open', csat = NULL WHERE resolved_at >= ?1",
            true,
        ),
        ("DELETE FROM invoices WHERE issued_on > ?1", false),
        ("UPDATE invoices SET paid_on = NULL, status = 'open' WHERE paid_on > ?1", false),
        ("UPDATE invoices SET failed_on = NULL, status = 'open' WHERE failed_on > ?1", false),
        ("DELETE FROM subscriptions WHERE start_date > ?1", false),
        (
            "UPDATE subscriptions SET end_date = NULL, status = 'active' WHERE end_date > ?1",
            false,
        ),
        ("DELETE FROM contacts WHERE started_on > ?1", false),
        (
            "UPDATE contacts SET left_on = NULL, left_company = 0 WHERE left_on > ?1",
            false,
        ),
        ("UPDATE milestones SET achieved_on = NULL WHERE achieved_on > ?1", false),
    ] {
        if with_next {
            conn.execute(sql, [&next]).expect(sql);
        } else {
            conn.execute(sql, [day]).expect(sql);
        }
    }
}

#[test]
fn inputs_as_of_a_day_are_what_was_known_that_day() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, demo) = book(dir.path(), 120, 13);
    // Something must have happened after each day for the test to mean anything.
    assert!(demo.truth.iter().filter(|t| t.churned).count() > 10);
    for back in [30, 200, 500] {
        let day = today() - Duration::days(back);
        let copy = dir.path().join(format!("cut-{back}.sqlite3"));
        conn.execute("VACUUM INTO ?1", [copy.display().to_string()])
            .expect("copy");
        let cut = Connection::open(&copy).expect("open copy");
        let changed: i64 = cut
            .query_row(
                "SELECT (SELECT count(*) FROM contacts WHERE left_on > ?1)
                      + (SELECT count(*) FROM invoices WHERE paid_on > ?1)
                      + (SELECT count(*) FROM accounts WHERE churn_date > ?1)",
                [day],
                |r| r.get(0),
            )
            .expect("later changes");
        assert!(changed > 0, "day {day}: nothing changed after it");
        cut_off(&cut, day);
        for depth in [Depth::Full, Depth::ChurnFeatures] {
            let whole = gather(&conn, day, 90, Scope::Book, depth).expect("gather whole book");
            let then = gather(&cut, day, 90, Scope::Book, depth).expect("gather cut copy");
            assert_eq!(whole.len(), then.len(), "day {day}: live accounts");
            assert!(whole.len() > 50);
            for (id, inputs) in &whole {
                assert_eq!(
                    Some(inputs),
                    then.get(id),
                    "day {day}, account {id}, {depth:?}"
                );
            }
        }
    }
}

/// The usage the rollups keep for their day is what the usage rows say:
/// after the book is brought up to date, and after a write changes one
/// account's usage, today's inputs equal those read from the rows.
#[test]
fn usage_kept_with_the_rollups_reads_as_the_usage_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = book(dir.path(), 60, 5);
    steward_core::assess::bring_up_to_date(&mut conn, today()).expect("up to date");
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM account_rollups WHERE usage_spans IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("kept");
    assert!(kept > 40, "the rollups keep the usage of live accounts");
    let from_rows = |conn: &Connection, name: &str| {
        let copy = dir.path().join(name);
        conn.execute("VACUUM INTO ?1", [copy.display().to_string()])
            .expect("copy");
        let read = Connection::open(&copy).expect("open copy");
        read.execute("DELETE FROM meta WHERE key = 'rollups_on'", [])
            .expect("forget the rollups' day");
        gather(&read, today(), 90, Scope::Book, Depth::Full).expect("gather from rows")
    };
    assert_eq!(
        gather(&conn, today(), 90, Scope::Book, Depth::Full).expect("gather"),
        from_rows(&conn, "rows-1.sqlite3")
    );

    // One account's last week doubles: the kept usage follows the write.
    let (id, external): (i64, String) = conn
        .query_row(
            "SELECT a.id, a.name FROM accounts a JOIN usage_daily u ON u.account_id = a.id
             WHERE a.status = 'active' AND u.day = ?1 LIMIT 1",
            [today()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an account with usage today");
    let before = gather(&conn, today(), 90, Scope::One(id), Depth::Full).expect("before");
    let mut csv = String::from("account,day,active_users,licensed_seats\n");
    for back in 0..7 {
        csv.push_str(&format!(
            "\"{external}\",{},500,600\n",
            today() - Duration::days(back)
        ));
    }
    let report = support::import_bytes(
        &mut conn,
        dir.path(),
        "week.csv",
        csv.as_bytes(),
        steward_core::import::Entity::Usage,
    );
    assert_eq!(report.written, 7, "{:?}", report.errors);
    let after = gather(&conn, today(), 90, Scope::Book, Depth::Full).expect("after");
    assert_ne!(after.get(&id), before.get(&id), "the week changed");
    assert_eq!(after[&id].seats_used_pct, Some(83.3));
    assert_eq!(after, from_rows(&conn, "rows-2.sqlite3"));
}

/// A new book's weekly history reads its usage for many weeks at once (a
/// book this size all 26 from one read): each week's stored score is the
/// one the book read on that day alone gives.
#[test]
fn a_new_books_weekly_history_scores_each_week_as_read_on_its_own() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 60, 7);
    let settings = steward_core::health::settings::current(&conn)
        .expect("settings")
        .settings;
    // The first and last weeks of the half year and some between.
    for weeks_back in [26, 20, 19, 13, 6, 1] {
        let day = today() - Duration::days(7 * weeks_back);
        let stored: std::collections::HashMap<i64, Option<f64>> = conn
            .prepare("SELECT account_id, score FROM health_history WHERE day = ?1")
            .expect("prepare")
            .query_map([day], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("history")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let read = gather(
            &conn,
            day,
            settings.thresholds.sentiment_valid_days,
            Scope::Book,
            Depth::Scores,
        )
        .expect("gather");
        assert_eq!(stored.len(), read.len(), "{day}: accounts with a point");
        let mut scored = 0;
        for (id, inputs) in &read {
            let h = steward_core::health::score(*id, inputs, &settings);
            let score = (h.band != steward_core::health::Band::Unknown).then_some(h.score);
            assert_eq!(stored.get(id), Some(&score), "{day}, account {id}");
            scored += usize::from(score.is_some());
        }
        assert!(scored > 30, "{day}: most accounts scored ({scored})");
    }
}
