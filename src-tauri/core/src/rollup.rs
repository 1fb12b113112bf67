//! Per-account figures derived from other rows: last touch, the weekly usage
//! sparkline, trend and seat utilisation (stored in `account_rollups`, so the
//! portfolio list reads 5,000 small rows instead of millions of usage rows),
//! the usage spans health reads (`health::usage`), and the ARR an account
//! pays (its active subscriptions when it has them, else the CRM's figure). Every write refreshes the accounts it touched, and
//! the first start of a day all of them; changed ARR and tiers are recorded
//! in the account's history.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::health::inputs::LIVE_ON;
use crate::health::usage;

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
fn refresh_arr(conn: &Connection, only: Option<&[i64]>, today: NaiveDate) -> Result<()> {
    let sql = format!(
        "UPDATE accounts SET arr_minor = {EFFECTIVE_ARR} WHERE arr_minor IS NOT {EFFECTIVE_ARR}"
    );
    match only {
        Some(ids) => {
            let mut stmt = conn.prepare_cached(&format!("{sql} AND id = ?2"))?;
            for id in ids {
                stmt.execute(params![today, id])?;
            }
        }
        None => {
            conn.prepare_cached(&sql)?.execute(params![today])?;
        }
    }
    crate::history::record_changes(conn, only, today, "steward")?;
    Ok(())
}

/// Refreshes the rollups of the given accounts as of `today`.
pub(crate) fn refresh(conn: &Connection, account_ids: &[i64], today: NaiveDate) -> Result<()> {
    // Many accounts: one statement over the book is cheaper than one each.
    let only = (account_ids.len() <= 64).then_some(account_ids);
    refresh_arr(conn, only, today)?;
    let from = today - Duration::days(WEEKS * 7);
    // The spans of many accounts: one aggregate per range over the book.
    let mut spans = HashMap::new();
    match only {
        None => {
            spans = usage::read(conn, today, usage::BOUNDS, LIVE_ON, None, true)?;
        }
        Some(ids) => {
            for &id in ids {
                spans.extend(usage::read(
                    conn,
                    today,
                    usage::BOUNDS,
                    LIVE_ON,
                    Some(id),
                    true,
                )?);
            }
        }
    }
    let mut usage = conn.prepare_cached(
        "SELECT day, active_users, licensed_seats FROM usage_daily
         WHERE account_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
    )?;
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
    for &id in account_ids {
        let mut sums = [0f64; WEEKS as usize];
        let mut counts = [0u32; WEEKS as usize];
        // Seat use is the peak of the last 7 days: a single day would read
        // 18% on a Sunday for an account that is full on weekdays.
        let mut peak_week: Option<(i64, i64)> = None;
        let rows = usage.query_map(params![id, from, today], |r| {
            Ok((
                r.get::<_, NaiveDate>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?;
        for row in rows {
            let (day, active, seats) = row?;
            // Week 0 is the oldest of the twelve; today falls in week 11.
            let age = (today - day).num_days();
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
        let weekly: Vec<f64> = sums
            .iter()
            .zip(counts.iter())
            .filter(|(_, &c)| c > 0)
            .map(|(s, &c)| (s / c as f64 * 10.0).round() / 10.0)
            .collect();
        let trend = trend_pct(&sums, &counts);
        let seats_used = peak_week
            .filter(|(_, seats)| *seats > 0)
            .map(|(active, seats)| (active as f64 / seats as f64 * 1000.0).round() / 10.0);
        let last_touch: Option<NaiveDate> = touch
            .query_row(params![id, today], |r| r.get(0))
            .optional()?
            .flatten();
        upsert.execute(params![
            id,
            last_touch,
            serde_json::to_string(&weekly).unwrap_or_else(|_| "[]".into()),
            trend,
            seats_used,
            spans.get(&id).map(|s| usage::encode(s))
        ])?;
    }
    Ok(())
}

/// Refreshes every account and records the day, so a later start on the same
/// day can skip the work.
pub fn refresh_all(w: &crate::write::Write<'_>) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM accounts")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    refresh(conn, &ids, today)?;
    crate::store::set_meta(conn, "rollups_on", &today.to_string())?;
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
