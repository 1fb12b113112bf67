//! Per-account figures derived from other rows: last touch, the weekly usage
//! sparkline, trend and seat utilisation (stored in `account_rollups`, so the
//! portfolio list reads 5,000 small rows instead of millions of usage rows),
//! the usage spans health reads (`health::usage`), and the ARR an account
//! pays (its active subscriptions when it has them, else the CRM's figure). Every write refreshes the accounts it touched, and
//! the first start of a day all of them; changed ARR and tiers are recorded
//! in the account's history.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::health::inputs::LIVE_ON;
use crate::health::usage;
use crate::store::{each_row, Scope};

const WEEKS: i64 = 12;

/// What an account pays a year, as of `day`: 12 × the MRR of its
/// subscriptions active that day (in its own currency) when it has any, else
/// the CRM's ARR field.
const EFFECTIVE_ARR: &str = "coalesce(
        (SELECT 12 * sum(s.mrr_minor) FROM subscriptions s
         WHERE s.account_id = accounts.id AND s.currency = accounts.currency AND s.status <> 'trialing'
           AND s.start_date <= ?1 AND (s.end_date IS NULL OR s.end_date > ?1)
         HAVING count(*) > 0),
        crm_arr_minor, arr_minor)";

/// Brings ARR (and the tier that follows from it, for accounts whose tier
/// was not given) in line with subscriptions, and records what changed.
fn refresh_arr(conn: &Connection, scope: Scope<'_>, today: NaiveDate) -> Result<()> {
    let (filter, value) = scope.filter("id", 2);
    let mut stmt = conn.prepare_cached(&format!(
        "UPDATE accounts SET arr_minor = {EFFECTIVE_ARR} WHERE arr_minor IS NOT {EFFECTIVE_ARR}{filter}"
    ))?;
    match &value {
        Some(v) => stmt.execute(params![today, v])?,
        None => stmt.execute(params![today])?,
    };
    crate::history::record_changes(conn, scope, today, "steward")?;
    Ok(())
}

/// Refreshes the rollups of the accounts in `scope` as of `today`.
pub(crate) fn refresh(conn: &Connection, scope: Scope<'_>, today: NaiveDate) -> Result<()> {
    let account_ids: Vec<i64> = match scope {
        Scope::Book => conn
            .prepare_cached("SELECT id FROM accounts")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        Scope::One(id) => vec![id],
        Scope::These(ids) => ids.to_vec(),
    };
    refresh_arr(conn, scope, today)?;
    // The health spans reach furthest back; the sparkline's weeks lie within.
    let widest = usage::BOUNDS.last().copied().unwrap_or(0).max(WEEKS * 7);
    let mut live: HashSet<i64> = HashSet::new();
    each_row(
        conn,
        &format!("SELECT a.id FROM accounts a WHERE {LIVE_ON} {{ONE}}"),
        "a.id",
        &[&today],
        scope,
        |r| {
            live.insert(r.get(0)?);
            Ok(())
        },
    )?;
    // Each account's rows of the widest range in day order, in one pass (the
    // book's in one statement): its spans and its weeks come from the same
    // rows. Seven range aggregates and then a query per account, reading
    // the rows twice, took 28% longer for 5,000 accounts.
    let mut touch = conn.prepare_cached(
        "SELECT max(occurred_on) FROM activities WHERE account_id = ?1 AND occurred_on <= ?2",
    )?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO account_rollups(account_id, last_touch_on, usage_weekly, usage_trend_pct, seats_used_pct, usage_spans)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(account_id) DO UPDATE SET last_touch_on = excluded.last_touch_on,
           usage_weekly = excluded.usage_weekly, usage_trend_pct = excluded.usage_trend_pct,
           seats_used_pct = excluded.seats_used_pct, usage_spans = excluded.usage_spans",
    )?;
    let mut store = |id: i64, f: Figures| -> Result<()> {
        let last_touch: Option<NaiveDate> = touch
            .query_row(params![id, today], |r| r.get(0))
            .optional()?
            .flatten();
        upsert.execute(params![
            id,
            last_touch,
            serde_json::to_string(&f.weekly).unwrap_or_else(|_| "[]".into()),
            f.trend,
            f.seats_used,
            f.spans
        ])?;
        Ok(())
    };
    // Each account is stored as its rows end, so nothing the size of the
    // book is held; those without usage in the range come after.
    let mut pending: HashSet<i64> = account_ids.iter().copied().collect();
    let mut stored = |id: i64, rows: &[usage::DayRow]| -> Result<()> {
        if pending.remove(&id) {
            store(id, Figures::of(rows, today, live.contains(&id)))?;
        }
        Ok(())
    };
    let from = today - Duration::days(widest);
    usage::each_account(conn, from, today, scope, &mut stored)?;
    for &id in &account_ids {
        if pending.contains(&id) {
            store(id, Figures::default())?;
        }
    }
    if scope == Scope::Book {
        // Every account's rollups are of the day: assessments read the
        // spans kept here, and a later start the same day skips the work.
        crate::store::set_meta(conn, "rollups_on", &today.to_string())?;
    }
    Ok(())
}

/// What one account's usage rows give its rollup.
#[derive(Default)]
struct Figures {
    /// Average active users of each of the last twelve weeks with usage.
    weekly: Vec<f64>,
    trend: Option<f64>,
    seats_used: Option<f64>,
    /// The spans health reads (`usage::encode`), for accounts live today.
    spans: Option<String>,
}

impl Figures {
    fn of(rows: &[usage::DayRow], today: NaiveDate, live: bool) -> Figures {
        let mut sums = [0f64; WEEKS as usize];
        let mut counts = [0u32; WEEKS as usize];
        // Seat use is the peak of the last 7 days: a single day would read
        // 18% on a Sunday for an account that is full on weekdays.
        let mut peak_week: Option<(i64, i64)> = None;
        let end = today.num_days_from_ce();
        let first = rows.partition_point(|r| r.0 < end - (WEEKS * 7) as i32);
        for &(day, active, seats, _, _) in &rows[first..] {
            // Week 0 is the oldest of the twelve; today falls in week 11.
            let age = i64::from(end - day);
            let week = WEEKS - 1 - (age / 7).min(WEEKS - 1);
            if let Some(active) = active {
                sums[week as usize] += active as f64;
                counts[week as usize] += 1;
                if let (Some(seats), true) = (seats, age < 7) {
                    let peak = peak_week.map_or(active, |(p, _)| p.max(active));
                    peak_week = Some((peak, seats));
                }
            }
        }
        Figures {
            weekly: sums
                .iter()
                .zip(counts.iter())
                .filter(|(_, &c)| c > 0)
                .map(|(s, &c)| (s / c as f64 * 10.0).round() / 10.0)
                .collect(),
            trend: trend_pct(&sums, &counts),
            seats_used: peak_week
                .filter(|(_, seats)| *seats > 0)
                .map(|(active, seats)| (active as f64 / seats as f64 * 1000.0).round() / 10.0),
            spans: live.then(|| usage::encode(&usage::spans_of(rows, today, usage::BOUNDS, true))),
        }
    }
}

/// Refreshes every account and records the day, so a later start on the same
/// day can skip the work.
pub fn refresh_all(w: &crate::write::Write<'_>) -> Result<()> {
    refresh(w.conn(), Scope::Book, w.today())?;
    w.rollups_refreshed();
    Ok(())
}

/// Last four weeks against the four before, in percent.
fn trend_pct(sums: &[f64], counts: &[u32]) -> Option<f64> {
    let avg = |range: std::ops::Range<usize>| {
        let (s, c) = range.fold((0.0, 0u32), |(s, c), i| (s + sums[i], c + counts[i]));
        (c > 0).then(|| s / c as f64)
    };
    let n = sums.len();
    let recent = avg(n - 4..n)?;
    let before = avg(n - 8..n - 4)?;
    if before <= 0.0 {
        return None;
    }
    Some(((recent - before) / before * 1000.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sparkline_holds_twelve_weeks_and_seat_use_the_peak_of_the_last_seven_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("day");
        let end = today.num_days_from_ce();
        // Days 85 back (outside the weeks) to today; 20 active users from
        // 28 days back, 10 before, a peak of 30 five days back, 40 seats,
        // and 24 on the 84th day back.
        let rows: Vec<usage::DayRow> = (0..=85)
            .rev()
            .map(|age| {
                let active = match age {
                    85 => 1_000,
                    84 => 24,
                    5 => 30,
                    0..=27 => 20,
                    _ => 10,
                };
                (end - age, Some(active), Some(40), Some(1), Some(3))
            })
            .collect();
        let f = Figures::of(&rows, today, true);
        assert_eq!(f.weekly.len(), 12);
        // The oldest week takes the 84th day back as well; the newest is
        // today and the six days before, the peak among them.
        assert_eq!(f.weekly[0], 11.8);
        assert_eq!(
            f.weekly[11],
            ((20.0 * 6.0 + 30.0) / 7.0 * 10.0_f64).round() / 10.0
        );
        assert_eq!(f.seats_used, Some(75.0));
        assert!(f.trend.is_some_and(|t| t > 90.0), "{:?}", f.trend);
        assert!(f.spans.is_some());
        assert_eq!(
            Figures::of(&rows, today, false).spans,
            None,
            "not live, no spans"
        );
        assert_eq!(Figures::of(&[], today, true).weekly, Vec::<f64>::new());
    }

    #[test]
    fn trend_compares_last_four_weeks_with_the_four_before() {
        let mut sums = [0.0; 12];
        let mut counts = [0u32; 12];
        for w in 4..8 {
            sums[w] = 7.0 * 100.0;
            counts[w] = 7;
        }
        for w in 8..12 {
            sums[w] = 7.0 * 80.0;
            counts[w] = 7;
        }
        assert_eq!(trend_pct(&sums, &counts), Some(-20.0));
        assert_eq!(trend_pct(&[0.0; 12], &[0; 12]), None);
    }
}
