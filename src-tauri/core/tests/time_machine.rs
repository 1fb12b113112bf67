//! The time-machine test (insight.md): what health and the churn model read
//! "as of" a past day must be what was known on that day. The inputs
//! gathered for day D from the whole demo book must equal those gathered
//! from a copy of the book cut off at D: every row dated after D removed,
//! every later change (a payment, a departure, a churn, a new ARR) undone.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::health::inputs::{gather, Depth};
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
            let whole = gather(&conn, day, 90, None, depth).expect("gather whole book");
            let then = gather(&cut, day, 90, None, depth).expect("gather cut copy");
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
