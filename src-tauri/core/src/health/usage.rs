//! Product usage as health reads it: each account's active users, seats,
//! login days and feature events summed over ranges of days before a day
//! (`Span`s between `BOUNDS`), from which the 4-week trend, the quarter, the
//! 30-against-90-days change and seat use are combined (`inputs`).
//!
//! Seat use is also placed among the account's tier (`seat_use_percentiles`).
//!
//! Summing 180 days of usage for every account is most of what a whole-book
//! assessment reads. The rollups keep the spans as of their day (refreshed
//! with every write that touches an account and once a day for the book),
//! so a reassessment on that day (settings saved, a new churn model, an
//! import's accounts) reads one small row per account instead; any other
//! day reads the usage rows themselves, as it was known then, and a run of
//! nearby days (a new book's weekly history) reads the rows they cover once
//! (`read_days`).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;

use crate::error::Result;
use crate::model::Tier;
use crate::store::{each_row, Scope};

/// Days back from the day that split the usage every health input reads:
/// the last week, 4 weeks, 30 days, 8 weeks, 3 months, 4 months and 6 months.
pub(crate) const BOUNDS: &[i64] = &[0, 7, 28, 30, 56, 90, 120, 180];

/// Active users over one range of days of one account.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Span {
    pub(crate) sum: f64,
    pub(crate) count: f64,
    /// Peak active users and licensed seats (the last week only).
    pub(crate) peak: Option<f64>,
    pub(crate) seats: Option<f64>,
    /// Days with at least one login (the last 4 weeks only).
    pub(crate) login_days: f64,
    pub(crate) events: f64,
}

/// Each account's spans between `bounds` before `day`, read from the usage
/// rows: one plain aggregate per range (each account's rows in a range being
/// one primary-key range). Plain sums over ranges cost a third of one pass
/// with a CASE per window and row. Accounts live on `day` only (`live_on`,
/// with the day as ?1), or `only` that one. Without `activity` login days
/// and events are left at zero (the churn model does not read them).
pub(crate) fn read(
    conn: &Connection,
    day: NaiveDate,
    bounds: &[i64],
    live_on: &str,
    scope: Scope<'_>,
    activity: bool,
) -> Result<HashMap<i64, Vec<Span>>> {
    let d = |n: i64| day - Duration::days(n);
    let mut spans: HashMap<i64, Vec<Span>> = HashMap::new();
    for (k, pair) in bounds.windows(2).enumerate() {
        // Only the last week needs peaks and only the last 4 weeks logins and
        // events; older ranges are two plain aggregates per row.
        let extra = match (pair[1], activity) {
            (7, true) => "max(u.active_users), max(u.licensed_seats), sum(u.logins > 0), sum(u.feature_events)",
            (7, false) => "max(u.active_users), max(u.licensed_seats), NULL, NULL",
            (n, true) if n <= 28 => "NULL, NULL, sum(u.logins > 0), sum(u.feature_events)",
            _ => "NULL, NULL, NULL, NULL",
        };
        each_row(
            conn,
            &format!(
                "SELECT a.id, sum(u.active_users), count(u.active_users), {extra}
                 FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day > ?2 AND u.day <= ?3
                 WHERE {live_on} {{ONE}} GROUP BY a.id"
            ),
            "a.id",
            &[&day, &d(pair[1]), &d(pair[0])],
            scope,
            |r| {
                let row = spans
                    .entry(r.get(0)?)
                    .or_insert_with(|| vec![Span::default(); bounds.len() - 1]);
                row[k] = Span {
                    sum: r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
                    count: r.get(2)?,
                    peak: r.get(3)?,
                    seats: r.get(4)?,
                    login_days: r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
                    events: r.get::<_, Option<f64>>(6)?.unwrap_or(0.0),
                };
                Ok(())
            },
        )?;
    }
    Ok(spans)
}

/// Each account's spans between `bounds` before each of `days`, from one
/// read of the usage rows all their ranges cover: a run of past days (a new
/// book's weekly history) would otherwise read the same rows once for every
/// day. The same spans `read` gives for each day, for every account with
/// usage in the covered range (whether live on the day is the caller's to
/// ask; an account without usage in a day's ranges gets empty spans, which
/// read as no usage, as no spans do).
pub(crate) fn read_days(
    conn: &Connection,
    days: &[NaiveDate],
    bounds: &[i64],
    activity: bool,
) -> Result<Vec<HashMap<i64, Vec<Span>>>> {
    let mut out: Vec<HashMap<i64, Vec<Span>>> = days.iter().map(|_| HashMap::new()).collect();
    let (Some(first), Some(last), Some(widest)) =
        (days.iter().min(), days.iter().max(), bounds.last())
    else {
        return Ok(out);
    };
    each_account(
        conn,
        *first - Duration::days(*widest),
        *last,
        Scope::Book,
        &mut |id, rows| {
            for (k, day) in days.iter().enumerate() {
                out[k].insert(id, spans_of(rows, *day, bounds, activity));
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// Each account's usage rows in (`from`, `to`], in day order, handed to `f`
/// one account at a time (`only` that account).
pub(crate) fn each_account(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    scope: Scope<'_>,
    f: &mut dyn FnMut(i64, &[DayRow]) -> Result<()>,
) -> Result<()> {
    let mut rows: Vec<DayRow> = Vec::new();
    let mut current: Option<i64> = None;
    each_row(
        conn,
        // By account, then each account's range of its primary key (ordered
        // by u.account_id the planner would scan the whole usage table).
        "SELECT a.id, u.day, u.active_users, u.licensed_seats, u.logins, u.feature_events
         FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day > ?1 AND u.day <= ?2
         WHERE 1 {ONE} ORDER BY a.id, u.day",
        "a.id",
        &[&from, &to],
        scope,
        |r| {
            let id: i64 = r.get(0)?;
            if current != Some(id) {
                if let Some(done) = current {
                    f(done, &rows)?;
                }
                rows.clear();
                current = Some(id);
            }
            rows.push(day_row(r, 1)?);
            Ok(())
        },
    )?;
    match current {
        Some(done) => f(done, &rows),
        None => Ok(()),
    }
}

/// One account's usage of one day: the day (as days from the common era),
/// active users, licensed seats, logins and feature events.
pub(crate) type DayRow = (i32, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// The `DayRow` in the five columns from `first` (day, active users, seats,
/// logins, events).
pub(crate) fn day_row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<DayRow> {
    Ok((
        crate::dates::column(r, first)?.num_days_from_ce(),
        r.get(first + 1)?,
        r.get(first + 2)?,
        r.get(first + 3)?,
        r.get(first + 4)?,
    ))
}

/// The spans between `bounds` before `day` of one account's rows in day
/// order: what `read` sums in SQL, summed here.
pub(crate) fn spans_of(
    rows: &[DayRow],
    day: NaiveDate,
    bounds: &[i64],
    activity: bool,
) -> Vec<Span> {
    let end = day.num_days_from_ce();
    bounds
        .windows(2)
        .map(|pair| {
            // Days in (day - older, day - newer].
            let (from, to) = (end - pair[1] as i32, end - pair[0] as i32);
            let inside =
                &rows[rows.partition_point(|r| r.0 <= from)..rows.partition_point(|r| r.0 <= to)];
            let (peaks, logins) = (pair[1] == 7, activity && pair[1] <= 28);
            let mut span = Span::default();
            for &(_, users, seats, login, events) in inside {
                if let Some(u) = users {
                    span.sum += u as f64;
                    span.count += 1.0;
                }
                if peaks {
                    let max = |a: Option<f64>, b: Option<i64>| match (a, b) {
                        (Some(a), Some(b)) => Some(a.max(b as f64)),
                        (a, b) => a.or(b.map(|b| b as f64)),
                    };
                    span.peak = max(span.peak, users);
                    span.seats = max(span.seats, seats);
                }
                if logins {
                    span.login_days += f64::from(u8::from(login.is_some_and(|l| l > 0)));
                    span.events += events.unwrap_or(0) as f64;
                }
            }
            span
        })
        .collect()
}

/// The spans the rollups keep (between `BOUNDS`), when they were computed
/// for `day`: None on any other day, and for a file whose rollups are older.
pub(crate) fn kept(
    conn: &Connection,
    day: NaiveDate,
    scope: Scope<'_>,
) -> Result<Option<HashMap<i64, Vec<Span>>>> {
    let on = crate::store::meta(conn, "rollups_on")?;
    if on != Some(day.to_string()) {
        return Ok(None);
    }
    let mut out = HashMap::new();
    let mut whole = true;
    each_row(
        conn,
        "SELECT account_id, usage_spans FROM account_rollups WHERE usage_spans IS NOT NULL {ONE}",
        "account_id",
        &[],
        scope,
        |r| {
            match decode(&r.get::<_, String>(1)?) {
                Some(spans) => {
                    out.insert(r.get(0)?, spans);
                }
                None => whole = false,
            }
            Ok(())
        },
    )?;
    // One row that cannot be read and the usage rows are read instead.
    Ok(whole.then_some(out))
}

/// Fewer accounts than this in a tier make a percentile meaningless.
const MIN_PEERS: usize = 5;

/// Where each account's seat use stands among live accounts of its tier, in
/// percent of peers below it. For the whole book the peers are the accounts
/// just gathered; for one account or some they come from the rollups (same
/// definition of seat use, refreshed whenever usage changes): counted for
/// one, read once for some.
pub(crate) fn seat_use_percentiles(
    conn: &Connection,
    all: &mut HashMap<i64, super::Inputs>,
    scope: Scope<'_>,
) -> Result<()> {
    let percentile = |below: usize, peers: usize| {
        (peers >= MIN_PEERS)
            .then(|| (below as f64 / (peers - 1).max(1) as f64 * 1000.0).round() / 10.0)
    };
    if let Scope::One(_) = scope {
        // One account: its tier's peers counted by SQLite, no list read.
        let mut stmt = conn.prepare_cached(
            "SELECT sum(r.seats_used_pct < ?1), count(r.seats_used_pct) FROM account_rollups r
             JOIN accounts a ON a.id = r.account_id WHERE a.status = 'active' AND a.tier = ?2",
        )?;
        for i in all.values_mut() {
            if let (Some(seats), Some(tier)) = (i.seats_used_pct, i.tier) {
                let (below, peers): (Option<i64>, i64) = stmt
                    .query_row(rusqlite::params![seats, tier], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                i.seat_use_percentile = percentile(below.unwrap_or(0) as usize, peers as usize);
            }
        }
        return Ok(());
    }
    let mut by_tier: HashMap<Tier, Vec<f64>> = HashMap::new();
    if scope == Scope::Book {
        for i in all.values() {
            if let (Some(seats), Some(tier)) = (i.seats_used_pct, i.tier) {
                by_tier.entry(tier).or_default().push(seats);
            }
        }
    } else {
        let mut stmt = conn.prepare_cached(
            "SELECT a.tier, r.seats_used_pct FROM account_rollups r
             JOIN accounts a ON a.id = r.account_id
             WHERE a.status = 'active' AND r.seats_used_pct IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            by_tier.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
    }
    for values in by_tier.values_mut() {
        values.sort_by(f64::total_cmp);
    }
    for i in all.values_mut() {
        if let (Some(seats), Some(tier)) = (i.seats_used_pct, i.tier) {
            let peers = by_tier.get(&tier).map_or(&[][..], Vec::as_slice);
            let below = peers.partition_point(|v| *v < seats);
            i.seat_use_percentile = percentile(below, peers.len());
        }
    }
    Ok(())
}

type SpanRow = (f64, f64, Option<f64>, Option<f64>, f64, f64);

/// Spans as the rollups keep them: a JSON array of
/// `[sum, count, peak, seats, login_days, events]`, one per range.
pub(crate) fn encode(spans: &[Span]) -> String {
    let rows: Vec<SpanRow> = spans
        .iter()
        .map(|s| (s.sum, s.count, s.peak, s.seats, s.login_days, s.events))
        .collect();
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into())
}

/// None for text that is not spans between `BOUNDS`.
fn decode(text: &str) -> Option<Vec<Span>> {
    let rows: Vec<SpanRow> = serde_json::from_str(text).ok()?;
    (rows.len() == BOUNDS.len() - 1).then(|| {
        rows.into_iter()
            .map(|(sum, count, peak, seats, login_days, events)| Span {
                sum,
                count,
                peak,
                seats,
                login_days,
                events,
            })
            .collect()
    })
}
