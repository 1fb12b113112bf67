//! Portfolio metrics for a period from S to E, with the formulas CS teams
//! report (each written on its field of `Retention`): logo churn, revenue
//! churn, gross and net revenue retention, expansion and contraction; renewals
//! due by quarter with the ARR at risk and the ARR the churn model expects to
//! keep; how the health bands moved over time; and the book's time to value.
//!
//! MRR on a day is the sum of the subscriptions running that day; an account
//! without subscription rows counts its ARR / 12 from contract start to churn.
//! Money is only added up within one currency: the metrics are for one
//! currency at a time (the book's largest by default), and say how many
//! accounts in other currencies were left out.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::Money;
use crate::say;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MetricsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// ISO 4217 code; None picks the currency with the most MRR at the end.
    pub currency: Option<String>,
}

/// MRR movements of the accounts that were customers at the start, in minor
/// units of the chosen currency.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Retention {
    pub customers_start: u32,
    pub customers_lost: u32,
    /// Customers lost / customers at start, in % (None without customers).
    pub logo_churn_pct: Option<f64>,
    pub mrr_start: i64,
    /// What the starting customers pay at the end.
    pub mrr_end: i64,
    pub churned_mrr: i64,
    pub contraction_mrr: i64,
    pub expansion_mrr: i64,
    /// (churned + contraction) / MRR at start, in %.
    pub revenue_churn_pct: Option<f64>,
    /// (churned + contraction - expansion) / MRR at start, in %; negative is growth.
    pub net_revenue_churn_pct: Option<f64>,
    /// (MRR at start - contraction - churned) / MRR at start, in %; at most 100.
    pub grr_pct: Option<f64>,
    /// (MRR at start + expansion - contraction - churned) / MRR at start, in %.
    pub nrr_pct: Option<f64>,
    /// New logos in the period and their MRR at the end (not part of NRR).
    pub new_customers: u32,
    pub new_mrr: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct QuarterRenewals {
    /// "2027 Q1".
    pub quarter: String,
    pub starts_on: NaiveDate,
    pub accounts: u32,
    /// ARR renewing in the quarter.
    pub due: Money,
    /// ARR of those renewals with health yellow or red.
    pub at_risk: Money,
    /// ARR expected to renew: each account's ARR x (1 - churn risk); None
    /// without a churn model, and for quarters ending beyond its horizon
    /// (a 120-day risk says nothing of a renewal eleven months away).
    pub expected: Option<Money>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BandPoint {
    pub day: NaiveDate,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PortfolioMetrics {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    /// Every currency in the book, largest MRR at the end first.
    pub currencies: Vec<String>,
    /// Accounts left out because they pay in another currency.
    pub other_currency_accounts: u32,
    pub retention: Retention,
    /// The four quarters starting with the one `to` falls in.
    pub renewals: Vec<QuarterRenewals>,
    /// The churn model's horizon: quarters ending within it have an expected figure.
    pub forecast_horizon_days: Option<i64>,
    /// Health band counts per history day within the period.
    pub bands: Vec<BandPoint>,
    /// Contract start to the first-value milestone, for every account that
    /// reached it.
    pub time_to_value: TimeToValue,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TimeToValue {
    pub accounts: u32,
    pub median_days: Option<f64>,
    pub buckets: Vec<DaysBucket>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DaysBucket {
    /// Inclusive range of days; `to_days` None is open-ended.
    #[ts(type = "number")]
    pub from_days: i64,
    #[ts(type = "number | null")]
    pub to_days: Option<i64>,
    pub accounts: u32,
}

/// The book's time to value: median and a distribution in five buckets.
pub fn time_to_value(days: &[i64]) -> TimeToValue {
    let edges: [(i64, Option<i64>); 5] = [
        (0, Some(14)),
        (15, Some(30)),
        (31, Some(60)),
        (61, Some(90)),
        (91, None),
    ];
    TimeToValue {
        accounts: days.len() as u32,
        median_days: crate::plans::median_days(days),
        buckets: edges
            .iter()
            .map(|&(from, to)| DaysBucket {
                from_days: from,
                to_days: to,
                accounts: days
                    .iter()
                    .filter(|d| **d >= from && to.is_none_or(|t| **d <= t))
                    .count() as u32,
            })
            .collect(),
    }
}

/// Retention from each account's MRR at the start and at the end.
pub fn retention(mrr: &[(i64, i64)]) -> Retention {
    let mut r = Retention::default();
    for &(start, end) in mrr {
        if start <= 0 {
            if end > 0 {
                r.new_customers += 1;
                r.new_mrr += end;
            }
            continue;
        }
        r.customers_start += 1;
        r.mrr_start += start;
        r.mrr_end += end;
        if end <= 0 {
            r.customers_lost += 1;
            r.churned_mrr += start;
        } else if end < start {
            r.contraction_mrr += start - end;
        } else {
            r.expansion_mrr += end - start;
        }
    }
    let pct = |part: f64, whole: i64| (whole > 0).then(|| part / whole as f64 * 100.0);
    r.logo_churn_pct = pct(f64::from(r.customers_lost), i64::from(r.customers_start));
    let lost = (r.churned_mrr + r.contraction_mrr) as f64;
    r.revenue_churn_pct = pct(lost, r.mrr_start);
    r.net_revenue_churn_pct = pct(lost - r.expansion_mrr as f64, r.mrr_start);
    r.grr_pct = pct(r.mrr_start as f64 - lost, r.mrr_start);
    r.nrr_pct = pct(
        r.mrr_start as f64 + r.expansion_mrr as f64 - lost,
        r.mrr_start,
    );
    r
}

pub fn compute(conn: &Connection, q: &MetricsQuery) -> Result<PortfolioMetrics> {
    if q.from >= q.to {
        return Err(Error::invalid(say!(
            "The period must start before it ends.",
            "Der Zeitraum muss beginnen, bevor er endet."
        )));
    }
    let rows = mrr_on(conn, q.from, q.to)?;
    let mut by_currency: HashMap<&str, i64> = HashMap::new();
    for (_, currency, _, end) in &rows {
        *by_currency.entry(currency).or_default() += end;
    }
    let mut currencies: Vec<(&str, i64)> = by_currency.into_iter().collect();
    currencies.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let currency = match &q.currency {
        Some(c) => c.to_uppercase(),
        None => currencies
            .first()
            .map(|(c, _)| c.to_string())
            .unwrap_or_else(|| "USD".into()),
    };
    let mine: Vec<(i64, i64)> = rows
        .iter()
        .filter(|r| r.1 == currency)
        .map(|r| (r.2, r.3))
        .collect();
    let other_currency_accounts = rows
        .iter()
        .filter(|r| r.1 != currency && (r.2 > 0 || r.3 > 0))
        .count() as u32;

    Ok(PortfolioMetrics {
        from: q.from,
        to: q.to,
        renewals: renewals(conn, q.to, &currency)?,
        forecast_horizon_days: crate::churn::horizon(conn)?,
        bands: bands(conn, q.from, q.to)?,
        currencies: currencies.iter().map(|(c, _)| c.to_string()).collect(),
        other_currency_accounts,
        retention: retention(&mine),
        currency,
        time_to_value: time_to_value(
            &crate::plans::time_to_value(conn)?
                .into_iter()
                .map(|(_, d)| d.max(0))
                .collect::<Vec<_>>(),
        ),
    })
}

/// A stored day's text; a number stored as a day sorts before every text in
/// SQL, and so does "".
fn day_text(v: rusqlite::types::ValueRef<'_>) -> Option<&[u8]> {
    match v {
        rusqlite::types::ValueRef::Text(t) => Some(t),
        rusqlite::types::ValueRef::Null => None,
        _ => Some(&b""[..]),
    }
}

/// Each account's MRR on `from` and on `to`, per currency: its subscriptions
/// (trials aside), or for an account without any, its ARR by the month over
/// its contract. Summed here rather than grouped in SQL: grouping the union
/// of both sorted every row through a temporary B-tree, two thirds of the
/// metrics screen's time. Days are compared as the text they are stored as,
/// as SQL compares them.
fn mrr_on(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, String, i64, i64)>> {
    let (from, to) = (crate::dates::iso(from), crate::dates::iso(to));
    let mut sums: HashMap<(i64, String), (i64, i64)> = HashMap::new();
    for sql in [
        "SELECT account_id, currency, start_date, end_date, mrr_minor FROM subscriptions
         WHERE status <> 'trialing'",
        "SELECT id, currency, coalesce(contract_start, '0000-01-01'), churn_date, arr_minor / 12
         FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.id)",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (start, end) = (day_text(r.get_ref(2)?), day_text(r.get_ref(3)?));
            let on = |day: &str| {
                start.is_some_and(|s| s <= day.as_bytes()) && end.is_none_or(|e| e > day.as_bytes())
            };
            let mrr: i64 = r.get(4)?;
            let sum = sums.entry((r.get(0)?, r.get(1)?)).or_default();
            if on(&from) {
                sum.0 += mrr;
            }
            if on(&to) {
                sum.1 += mrr;
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|((id, currency), (start, end))| (id, currency, start, end))
        .collect())
}

fn renewals(conn: &Connection, on: NaiveDate, currency: &str) -> Result<Vec<QuarterRenewals>> {
    let first = crate::dates::quarter_start(on);
    let starts: Vec<NaiveDate> = (0..5)
        .map(|k| crate::dates::add_months(first, 3 * k))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT a.renewal_date, a.arr_minor, h.band, h.churn_risk FROM accounts a
         LEFT JOIN health_scores h ON h.account_id = a.id
         WHERE a.status = 'active' AND a.currency = ?1 AND a.renewal_date >= ?2 AND a.renewal_date < ?3",
    )?;
    let mut quarters: BTreeMap<NaiveDate, QuarterRenewals> = BTreeMap::new();
    let money = |minor: i64| Money {
        minor,
        currency: currency.to_string(),
    };
    for w in starts.windows(2) {
        quarters.insert(
            w[0],
            QuarterRenewals {
                quarter: format!("{} Q{}", w[0].year(), w[0].month0() / 3 + 1),
                starts_on: w[0],
                accounts: 0,
                due: money(0),
                at_risk: money(0),
                expected: None,
            },
        );
    }
    let rows = stmt.query_map(params![currency, first, starts[4]], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<f64>>(3)?,
        ))
    })?;
    let horizon = crate::churn::horizon(conn)?;
    for row in rows {
        let (day, arr, band, risk) = row?;
        let start = crate::dates::quarter_start(day);
        let within = horizon
            .is_some_and(|h| crate::dates::add_months(start, 3) - on <= Duration::days(h + 1));
        let Some(q) = quarters.get_mut(&start) else {
            continue;
        };
        q.accounts += 1;
        q.due.minor += arr;
        if matches!(band.as_deref(), Some("yellow" | "red")) {
            q.at_risk.minor += arr;
        }
        if let Some(p) = risk.filter(|_| within) {
            let kept = (arr as f64 * (1.0 - p)).round() as i64;
            q.expected.get_or_insert_with(|| money(0)).minor += kept;
        }
    }
    Ok(quarters.into_values().collect())
}

fn bands(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<BandPoint>> {
    // One row per day, kept with every history point written (schema 14):
    // counting a year of points per account per day took 120-150 ms.
    let mut stmt = conn.prepare_cached(
        "SELECT day, green, yellow, red FROM health_band_days
         WHERE day >= ?1 AND day <= ?2 AND green + yellow + red + other > 0 ORDER BY day",
    )?;
    let points = stmt.query_map(params![from.max(to - Duration::days(3650)), to], |r| {
        Ok(BandPoint {
            day: r.get(0)?,
            green: r.get(1)?,
            yellow: r.get(2)?,
            red: r.get(3)?,
        })
    })?;
    Ok(points.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_by_hand() {
        // At S: A 1,000 stays; B 2,000 churns; C 3,000 cuts to 2,000; D 4,000
        // grows to 5,000. E is new (500) and not part of retention.
        let r = retention(&[
            (1000, 1000),
            (2000, 0),
            (3000, 2000),
            (4000, 5000),
            (0, 500),
        ]);
        assert_eq!(r.customers_start, 4);
        assert_eq!(r.customers_lost, 1);
        assert_eq!(r.logo_churn_pct, Some(25.0));
        assert_eq!(r.mrr_start, 10_000);
        assert_eq!(r.mrr_end, 8_000);
        assert_eq!(
            (r.churned_mrr, r.contraction_mrr, r.expansion_mrr),
            (2000, 1000, 1000)
        );
        assert_eq!(r.revenue_churn_pct, Some(30.0));
        assert_eq!(r.net_revenue_churn_pct, Some(20.0));
        assert_eq!(r.grr_pct, Some(70.0));
        assert_eq!(r.nrr_pct, Some(80.0));
        assert_eq!((r.new_customers, r.new_mrr), (1, 500));
    }

    #[test]
    fn the_worked_example_of_net_churn() {
        // domain.md: MRR 275,000 at S and 305,000 from the same customers at
        // E is net revenue churn of -10.9% (growth).
        let r = retention(&[(275_000, 305_000)]);
        let net = r.net_revenue_churn_pct.expect("net churn");
        assert!((net - -10.909).abs() < 0.001, "{net}");
        assert!(r.grr_pct.expect("grr") <= 100.0);
        // 1,000 customers at S, 900 of them at E: logo churn 10%.
        let mut book = vec![(100, 100); 900];
        book.extend(vec![(100, 0); 100]);
        assert_eq!(retention(&book).logo_churn_pct, Some(10.0));
    }

    #[test]
    fn an_empty_period_has_no_ratios_rather_than_nonsense() {
        let r = retention(&[]);
        assert_eq!(r.grr_pct, None);
        assert_eq!(r.logo_churn_pct, None);
    }

    #[test]
    fn time_to_value_buckets_by_hand() {
        let t = time_to_value(&[10, 14, 15, 45, 61, 200]);
        assert_eq!(t.accounts, 6);
        assert_eq!(t.median_days, Some(30.0));
        let counts: Vec<u32> = t.buckets.iter().map(|b| b.accounts).collect();
        assert_eq!(counts, vec![2, 1, 1, 1, 1]);
        assert_eq!(time_to_value(&[]).median_days, None);
    }
}
