//! Portfolio metrics against real demo books: retention worked out by hand,
//! expansion and contraction and the bands over time in the demo, and the
//! band chart equal to the history points however they were written.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::{assess, store};
use support::{book, today, write};

/// The portfolio metrics of calendar 2026, in the book's main currency.
fn metrics_of_2026(conn: &Connection) -> steward_core::metrics::PortfolioMetrics {
    let d = |s: &str| s.parse::<NaiveDate>().expect("date");
    steward_core::metrics::compute(
        conn,
        &steward_core::metrics::MetricsQuery {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
            currency: None,
        },
    )
    .expect("metrics")
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
    let m = metrics_of_2026(&conn);
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
fn a_subscription_ending_on_the_periods_last_day_is_gone_and_one_starting_on_its_first_counts() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = store::open_in(dir.path()).expect("open");
    // G ends on the last day of 2026, H starts on its first, I only trials
    // (and so has no ARR standing in for subscriptions either).
    conn.execute_batch(
        "INSERT INTO accounts(id, name, arr_minor, currency, contract_start, status, source, created_at, updated_at) VALUES
           (1, 'G', 1200000, 'USD', '2025-01-01', 'active', 'user', '', ''),
           (2, 'H', 2400000, 'USD', '2026-01-01', 'active', 'user', '', ''),
           (3, 'I', 6000000, 'USD', '2026-02-01', 'active', 'user', '', '');
         INSERT INTO subscriptions(account_id, plan, status, start_date, end_date, mrr_minor, currency, source) VALUES
           (1, 'p', 'canceled', '2025-01-01', '2026-12-31', 100000, 'USD', 'user'),
           (2, 'p', 'active', '2026-01-01', NULL, 200000, 'USD', 'user'),
           (3, 'p', 'trialing', '2026-02-01', NULL, 500000, 'USD', 'user');",
    )
    .expect("book");
    let m = metrics_of_2026(&conn);
    let r = &m.retention;
    assert_eq!(
        (r.customers_start, r.mrr_start, r.new_customers),
        (2, 300_000, 0)
    );
    assert_eq!(
        (r.customers_lost, r.churned_mrr, r.mrr_end),
        (1, 100_000, 200_000)
    );
}

#[test]
fn retention_in_every_currency_of_a_demo_book_is_what_grouping_in_sql_gives() {
    use steward_core::metrics::{self, MetricsQuery};
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, _) = book(dir.path(), 80, 11);
    // Each account's MRR on both days, grouped by SQLite itself.
    let grouped = |from: NaiveDate, to: NaiveDate| -> Vec<(String, i64, i64)> {
        conn.prepare(
            "WITH running AS (
                 SELECT account_id, start_date, end_date, mrr_minor, currency FROM subscriptions
                 WHERE status <> 'trialing'
                 UNION ALL
                 SELECT id, coalesce(contract_start, '0000-01-01'), churn_date, arr_minor / 12, currency
                 FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.id)
             )
             SELECT currency,
                    sum(CASE WHEN start_date <= ?1 AND (end_date IS NULL OR end_date > ?1) THEN mrr_minor ELSE 0 END),
                    sum(CASE WHEN start_date <= ?2 AND (end_date IS NULL OR end_date > ?2) THEN mrr_minor ELSE 0 END)
             FROM running GROUP BY account_id, currency",
        )
        .expect("prepare")
        .query_map(rusqlite::params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    };
    let mut compared = 0;
    for (from, to) in [
        (today() - Duration::days(365), today()),
        (today() - Duration::days(90), today()),
        (today() - Duration::days(800), today() - Duration::days(400)),
    ] {
        let rows = grouped(from, to);
        let first = metrics::compute(
            &conn,
            &MetricsQuery {
                from,
                to,
                currency: None,
            },
        )
        .expect("metrics");
        assert!(first.currencies.len() > 1, "{:?}", first.currencies);
        for currency in &first.currencies {
            let m = metrics::compute(
                &conn,
                &MetricsQuery {
                    from,
                    to,
                    currency: Some(currency.clone()),
                },
            )
            .expect("metrics");
            let mine: Vec<(i64, i64)> = rows
                .iter()
                .filter(|r| &r.0 == currency)
                .map(|r| (r.1, r.2))
                .collect();
            let others = rows
                .iter()
                .filter(|r| &r.0 != currency && (r.1 > 0 || r.2 > 0))
                .count() as u32;
            assert_eq!(
                format!("{:?}", m.retention),
                format!("{:?}", metrics::retention(&mine)),
                "{currency} from {from} to {to}"
            );
            assert_eq!(m.other_currency_accounts, others);
            compared += mine.len();
        }
    }
    assert!(compared > 150, "{compared} accounts compared");
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

/// The metrics' band chart says what the history points say, however they
/// were written: a new book's weekly history, a day's assessment, a point
/// moved to another band and assessed back, one account's assessment, the
/// next day's first assessment, an account removed with its history.
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
    let charted_until = |conn: &Connection, to: NaiveDate| -> Vec<(NaiveDate, u32, u32, u32)> {
        let m = steward_core::metrics::compute(
            conn,
            &steward_core::metrics::MetricsQuery {
                from: today() - Duration::days(3000),
                to,
                currency: None,
            },
        )
        .expect("metrics");
        m.bands
            .iter()
            .map(|p| (p.day, p.green, p.yellow, p.red))
            .collect()
    };
    let charted = |conn: &Connection| charted_until(conn, today());
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

    // The day's point written again by an assessment of the one account.
    conn.execute(
        "DELETE FROM health_history WHERE account_id = ?1 AND day = ?2",
        rusqlite::params![someone, today()],
    )
    .expect("remove a point");
    assert_ne!(charted(&conn), first);
    write(&mut conn, |w| assess::account(w, someone));
    assert_eq!(charted(&conn), first, "the account's point written again");

    // The next day's first assessment writes a point for every account.
    support::write_on(&mut conn, today() + Duration::days(1), assess::book);
    let next_day = counted(&conn);
    assert_eq!(next_day.len(), first.len() + 1);
    assert_eq!(charted_until(&conn, today() + Duration::days(1)), next_day);

    conn.execute("DELETE FROM accounts WHERE id = ?1", [someone])
        .expect("remove the account");
    let fewer = counted(&conn);
    let greens = |points: &[(NaiveDate, u32, u32, u32)]| points.iter().map(|p| p.1).sum::<u32>();
    assert!(greens(&fewer) < greens(&next_day));
    assert_eq!(charted_until(&conn, today() + Duration::days(1)), fewer);
}
