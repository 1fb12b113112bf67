//! Health history points: the weekly history a new book is given, one
//! account's points for its page, each account's score on an earlier day
//! (what a drop is measured against) and how the book's bands moved in a
//! week.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::health::{self, inputs, settings, Band};
use crate::progress::{CancelToken, Progress};
use crate::say;
use crate::store::Scope;
use crate::write::Write;

/// What an assessment stores of an account: its row in health_scores and
/// its history point of the day (score, band, settings version).
#[derive(Debug, PartialEq)]
pub(super) struct StoredScore {
    pub(super) version: i64,
    pub(super) score: Option<f64>,
    pub(super) band: String,
    pub(super) drag: Option<String>,
    pub(super) risk: Option<f64>,
    pub(super) reasons: String,
    pub(super) change_7d: Option<f64>,
    pub(super) on: String,
    pub(super) point: Option<(Option<f64>, String, i64)>,
}

/// What the book's assessments stored as of `day`, by account, when the
/// book was assessed on that day already (a reassessment after an import,
/// a sync or an edit); empty otherwise, when every row will change with
/// the day anyway.
pub(super) fn stored_on(
    conn: &Connection,
    day: NaiveDate,
    accounts: usize,
) -> Result<HashMap<i64, StoredScore>> {
    let mut out = HashMap::new();
    if crate::store::meta(conn, "assessed_on")? != Some(day.to_string()) {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT s.account_id, s.model_version, s.score, s.band, s.biggest_drag, s.churn_risk,
                s.risk_factors, s.change_7d, s.computed_on, h.account_id IS NOT NULL, h.score, h.band,
                h.model_version
         FROM health_scores s LEFT JOIN health_history h ON h.account_id = s.account_id AND h.day = ?1",
    )?;
    out.reserve(accounts);
    let mut rows = stmt.query([day])?;
    while let Some(r) = rows.next()? {
        let point = if r.get::<_, bool>(9)? {
            Some((r.get(10)?, r.get(11)?, r.get(12)?))
        } else {
            None
        };
        out.insert(
            r.get(0)?,
            StoredScore {
                version: r.get(1)?,
                score: r.get(2)?,
                band: r.get(3)?,
                drag: r.get(4)?,
                risk: r.get(5)?,
                reasons: r.get(6)?,
                change_7d: r.get(7)?,
                on: r.get(8)?,
                point,
            },
        );
    }
    Ok(out)
}

/// Each account's score on the latest history day at or before `day`, when
/// it came from the same settings version (other versions are not comparable).
pub(super) fn scores_on(
    conn: &Connection,
    day: NaiveDate,
    version: i64,
    scope: Scope<'_>,
) -> Result<HashMap<i64, f64>> {
    let mut out = HashMap::new();
    // Some accounts read the book's day, as the whole book does (the rest
    // of the book's scores are never asked for).
    match scope.one() {
        Some(id) => {
            let row: Option<(Option<f64>, i64)> = conn
                .query_row(
                    "SELECT score, model_version FROM health_history WHERE account_id = ?1 AND day <= ?2
                     ORDER BY day DESC LIMIT 1",
                    params![id, day],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((Some(score), v)) = row {
                if v == version {
                    out.insert(id, score);
                }
            }
        }
        None => {
            let Some(on) = latest_history_day(conn, day)? else {
                return Ok(out);
            };
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, score FROM health_history
                 WHERE day = ?1 AND model_version = ?2 AND score IS NOT NULL",
            )?;
            let rows = stmt.query_map(params![on, version], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (id, score) = row?;
                out.insert(id, score);
            }
        }
    }
    Ok(out)
}

fn latest_history_day(conn: &Connection, at_or_before: NaiveDate) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_row(
            "SELECT max(day) FROM health_history WHERE day <= ?1",
            [at_or_before],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// What the spans of the weeks read at once may hold. The more weeks from
/// one read, the fewer rows read twice (their ranges overlap by 173 days a
/// week): 26 weeks in chunks of 7 read 874 days of rows, in chunks of 13
/// read 542.
const USAGE_SPANS_BUDGET: usize = 24 << 20;
/// About what one account's spans of one day hold (five spans and their
/// map entry), as measured.
const SPAN_BYTES: usize = 300;
/// Weeks read at once however large the book: 7 read 222 days of rows
/// instead of 7 x 180 and hold about 2 MB of spans per 1,000 accounts.
const USAGE_WEEKS_AT_LEAST: usize = 7;

/// How many of `weeks` to read the usage of at once for a book of `accounts`.
fn weeks_at_once(accounts: usize, weeks: usize) -> usize {
    (USAGE_SPANS_BUDGET / (accounts.max(1) * SPAN_BYTES))
        .max(USAGE_WEEKS_AT_LEAST)
        .min(weeks.max(1))
}

/// Fills weekly history points for the `weeks` before `today` from the data
/// as it was on each day, so a new book shows trends at once.
pub fn backfill_history(
    w: &Write<'_>,
    weeks: i64,
    progress: &mut dyn FnMut(Progress),
    cancel: &CancelToken,
) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    let current = settings::current(conn)?;
    let s = &current.settings;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO health_history(account_id, day, score, band, model_version)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let days: Vec<NaiveDate> = (1..=weeks)
        .rev()
        .map(|k| today - Duration::days(7 * k))
        .collect();
    let bounds = inputs::Depth::Scores.usage_bounds();
    let accounts: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
    let at_once = weeks_at_once(accounts.max(0) as usize, days.len());
    // Usage for several weeks at a time, from one read of the rows their
    // ranges cover (a week's 180 days overlap the next week's by 173).
    for (c, weeks) in days.chunks(at_once).enumerate() {
        let mut usage = health::usage::read_days(conn, weeks, bounds, true)?;
        for (k, day) in weeks.iter().enumerate() {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            progress(Progress {
                phase: say!("health history", "Health-Verlauf"),
                done: (c * at_once + k) as u64,
                total: Some(days.len() as u64),
            });
            let spans = std::mem::take(&mut usage[k]);
            let on = crate::dates::iso(*day);
            let mut new_points = BandCounts::default();
            for (id, i) in inputs::gather_with(
                conn,
                *day,
                s.thresholds.sentiment_valid_days,
                Scope::Book,
                inputs::Depth::Scores,
                Some((bounds, spans)),
            )? {
                let h = health::score_with(id, &i, s, health::Sentences::None);
                let score = (h.band != Band::Unknown).then_some(h.score);
                if insert.execute(params![id, on, score, h.band.as_str(), current.version])? > 0 {
                    new_points.add(h.band);
                }
            }
            count_new_points(conn, *day, &new_points)?;
        }
    }
    Ok(())
}

/// Adds the points newly written on `day` to its band counts, for the band
/// chart: once per day by each writer of new points, where a trigger cost a
/// statement per point. Changed and removed points move the counts by
/// trigger.
pub(super) fn count_new_points(conn: &Connection, day: NaiveDate, new: &BandCounts) -> Result<()> {
    if new.green + new.yellow + new.red + new.unknown == 0 {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO health_band_days(day, green, yellow, red, other) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(day) DO UPDATE SET green = green + excluded.green,
           yellow = yellow + excluded.yellow, red = red + excluded.red,
           other = other + excluded.other",
    )?
    .execute(params![day, new.green, new.yellow, new.red, new.unknown])?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HealthPoint {
    pub day: NaiveDate,
    pub score: Option<f64>,
    pub band: Band,
    #[ts(type = "number")]
    pub model_version: i64,
}

/// An account's history, oldest first, from `days` before `today`.
pub fn history(
    conn: &Connection,
    account_id: i64,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<HealthPoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, score, band, model_version FROM health_history
         WHERE account_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
    )?;
    let rows = stmt.query_map(
        params![account_id, today - Duration::days(days), today],
        |r| {
            Ok(HealthPoint {
                day: r.get(0)?,
                score: r.get(1)?,
                band: Band::parse(&r.get::<_, String>(2)?),
                model_version: r.get(3)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BandMove {
    #[ts(type = "number")]
    pub account_id: i64,
    pub name: String,
    pub from_band: Band,
    pub to_band: Band,
    pub from_score: Option<f64>,
    pub to_score: Option<f64>,
}

/// How the book moved since a week ago: band counts then and now, and the
/// accounts that changed band, worst moves first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WeekChanges {
    pub since: Option<NaiveDate>,
    pub then_counts: BandCounts,
    pub now_counts: BandCounts,
    pub moves: Vec<BandMove>,
    /// Settings changed in between, so some moves come from the new settings.
    pub settings_changed: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize, TS)]
pub struct BandCounts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub unknown: u32,
}

impl BandCounts {
    pub(super) fn add(&mut self, band: Band) {
        match band {
            Band::Green => self.green += 1,
            Band::Yellow => self.yellow += 1,
            Band::Red => self.red += 1,
            Band::Unknown => self.unknown += 1,
        }
    }
}

fn band_rank(b: Band) -> i32 {
    match b {
        Band::Green => 3,
        Band::Yellow => 2,
        Band::Red => 1,
        Band::Unknown => 0,
    }
}

/// Band moves as the CSM reads them: the steepest falls first, then by name.
pub(super) fn sort_moves(moves: &mut [BandMove]) {
    moves.sort_by_key(|m| {
        (
            band_rank(m.to_band) - band_rank(m.from_band),
            m.name.to_lowercase(),
        )
    });
}

pub fn week_changes(conn: &Connection, today: NaiveDate) -> Result<WeekChanges> {
    let since = latest_history_day(conn, today - Duration::days(7))?;
    let mut then = HashMap::new();
    let mut then_counts = BandCounts::default();
    let mut versions = std::collections::HashSet::new();
    if let Some(day) = since {
        let mut stmt = conn.prepare_cached(
            "SELECT h.account_id, h.score, h.band, h.model_version FROM health_history h
             JOIN accounts a ON a.id = h.account_id AND a.status = 'active' WHERE h.day = ?1",
        )?;
        let rows = stmt.query_map([day], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<f64>>(1)?,
                Band::parse(&r.get::<_, String>(2)?),
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (id, score, band, version) = row?;
            then_counts.add(band);
            versions.insert(version);
            then.insert(id, (score, band));
        }
    }
    let mut now_counts = BandCounts::default();
    let mut moves = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT s.account_id, a.name, s.score, s.band, s.model_version FROM health_scores s
         JOIN accounts a ON a.id = s.account_id AND a.status = 'active'",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<f64>>(2)?,
            Band::parse(&r.get::<_, String>(3)?),
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (id, name, score, band, version) = row?;
        now_counts.add(band);
        versions.insert(version);
        if let Some(&(from_score, from_band)) = then.get(&id) {
            if from_band != band {
                moves.push(BandMove {
                    account_id: id,
                    name,
                    from_band,
                    to_band: band,
                    from_score,
                    to_score: score,
                });
            }
        }
    }
    sort_moves(&mut moves);
    Ok(WeekChanges {
        since,
        then_counts,
        now_counts,
        moves,
        settings_changed: versions.len() > 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_book_reads_its_half_year_of_usage_once_and_a_large_one_in_bounded_runs() {
        assert_eq!(weeks_at_once(60, 26), 26);
        assert_eq!(weeks_at_once(0, 26), 26);
        assert_eq!(weeks_at_once(5_000, 26), 16);
        // Held spans stay near the budget until the floor of a week's run.
        assert!(weeks_at_once(5_000, 26) * 5_000 * SPAN_BYTES <= USAGE_SPANS_BUDGET);
        assert_eq!(weeks_at_once(20_000, 26), USAGE_WEEKS_AT_LEAST);
        assert_eq!(weeks_at_once(1_000_000, 26), USAGE_WEEKS_AT_LEAST);
        assert_eq!(weeks_at_once(20_000, 3), 3);
    }
}
