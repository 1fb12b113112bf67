//! What a QBR reports, read from the book as it was on the review's day:
//! only rows dated on or before it, account fields as recorded by then, and
//! health scored from the inputs known then. The period runs from the last
//! QBR held before that day (or three months back) to the day itself.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use steward_core::error::{Error, Result};
use steward_core::health::{self, Health};
use steward_core::say;
use steward_core::{currency, history, value};

/// One week of usage (weeks start on Monday).
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub start: NaiveDate,
    /// Daily average of active users over the week's days with data.
    pub active_users: f64,
    /// The most seats licensed on any day of the week.
    pub seats: Option<i64>,
    pub logins: i64,
    pub feature_events: i64,
    pub api_calls: i64,
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub subject: String,
    pub priority: String,
    pub opened_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Support {
    pub opened: i64,
    pub solved: i64,
    /// Median hours from opening to resolution of tickets solved in the period.
    pub median_hours: Option<f64>,
    /// High and urgent tickets still open on the day, oldest first.
    pub open_escalations: Vec<Ticket>,
    pub open: i64,
    pub csat: Option<f64>,
    pub csat_count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verbatim {
    pub kind: String,
    pub score: i64,
    pub comment: String,
    pub who: Option<String>,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Voice {
    /// Net promoter score of the period's answers (promoters − detractors, %).
    pub nps: Option<i64>,
    pub nps_count: i64,
    pub csat: Option<f64>,
    pub csat_count: i64,
    /// Answers with a comment, newest first.
    pub verbatims: Vec<Verbatim>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveFact {
    pub id: i64,
    pub title: String,
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// For a usage metric: its daily average over the 7 days up to the day.
    pub current: Option<f64>,
    pub target_date: Option<NaiveDate>,
    /// The customer's own measurements of it, as recorded by the day.
    pub proof: Option<value::Proof>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFact {
    pub title: String,
    pub target_date: Option<NaiveDate>,
    pub achieved_on: Option<NaiveDate>,
    pub evidence: Option<String>,
    pub at_risk: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub reason: String,
    pub detail: String,
    pub raised_on: NaiveDate,
    /// Open tasks the warning's playbook or the CSM set against it.
    pub mitigation: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Facts {
    pub account_id: i64,
    pub account: String,
    pub csm: Option<String>,
    /// The CSM's company and logo size (pixels), from their branding.
    pub company: Option<String>,
    pub logo: Option<(u32, u32)>,
    pub currency: String,
    pub day: NaiveDate,
    pub from: NaiveDate,
    /// The period starts at the last QBR held (rather than three months back).
    pub since_last_qbr: bool,
    /// ARR in major units as recorded by the day.
    pub arr: Option<f64>,
    pub renewal: Option<NaiveDate>,
    pub usage: Vec<Week>,
    /// The last score of each week in the period.
    pub health: Vec<(NaiveDate, f64)>,
    pub health_then: Option<Health>,
    pub health_now: Option<Health>,
    pub support: Support,
    pub voice: Voice,
    pub objectives: Vec<ObjectiveFact>,
    pub achieved: Vec<MilestoneFact>,
    pub upcoming: Vec<MilestoneFact>,
    pub risks: Vec<Risk>,
}

/// Monday of the week `d` falls in.
pub fn week_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Reads what a QBR of `account_id` on `day` reports.
pub fn read(conn: &Connection, account_id: i64, day: NaiveDate) -> Result<Facts> {
    let (account, csm, currency, fallback_arr): (String, Option<String>, String, i64) = conn
        .query_row(
            "SELECT name, owner, currency, arr_minor FROM accounts WHERE id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Account {account_id} does not exist.",
                "Kunde {account_id} existiert nicht."
            ))
        })?;
    let last_held: Option<NaiveDate> = conn.query_row(
        "SELECT max(held_on) FROM qbrs WHERE account_id = ?1 AND held_on < ?2",
        rusqlite::params![account_id, day],
        |r| r.get(0),
    )?;
    let from = last_held.unwrap_or_else(|| {
        day.checked_sub_months(chrono::Months::new(3))
            .unwrap_or(day)
    });
    let known = |field: &str| -> Result<Option<String>> {
        Ok(history::as_of(
            conn,
            field,
            day,
            steward_core::store::Scope::One(account_id),
        )?
        .remove(&account_id)
        .filter(|k| k.by_then)
        .and_then(|k| k.value))
    };
    let arr_minor = match known("arr_minor")? {
        Some(v) => v.parse::<i64>().ok(),
        // A book from before field history: today's figure is all there is.
        None => Some(fallback_arr),
    };
    let renewal = known("renewal_date")?
        .and_then(|v| v.parse::<NaiveDate>().ok())
        .filter(|d| *d >= day);
    let settings = health::settings::current(conn)?.settings;
    Ok(Facts {
        account_id,
        account,
        csm,
        company: crate::brand::company(conn)?,
        logo: crate::brand::logo(conn)?.map(|l| (l.width, l.height)),
        arr: arr_minor.map(|m| currency::to_major(m, &currency)),
        currency,
        day,
        from,
        since_last_qbr: last_held.is_some(),
        renewal,
        usage: usage(conn, account_id, from, day)?,
        health: health_weeks(conn, account_id, from, day)?,
        health_then: health::score_one(conn, account_id, &settings, from)?,
        health_now: health::score_one(conn, account_id, &settings, day)?,
        support: support(conn, account_id, from, day)?,
        voice: voice(conn, account_id, from, day)?,
        objectives: objectives(conn, account_id, day)?,
        achieved: milestones(conn, account_id, day, Some(from))?,
        upcoming: milestones(conn, account_id, day, None)?,
        risks: risks(conn, account_id, day)?,
    })
}

fn usage(conn: &Connection, id: i64, from: NaiveDate, day: NaiveDate) -> Result<Vec<Week>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, active_users, logins, feature_events, api_calls, licensed_seats FROM usage_daily
         WHERE account_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
    )?;
    let mut weeks: BTreeMap<NaiveDate, (Week, i64)> = BTreeMap::new();
    let mut rows = stmt.query(rusqlite::params![id, from, day])?;
    while let Some(r) = rows.next()? {
        let d: NaiveDate = r.get(0)?;
        let start = week_of(d);
        let (w, users) = weeks.entry(start).or_insert_with(|| {
            (
                Week {
                    start,
                    active_users: 0.0,
                    seats: None,
                    logins: 0,
                    feature_events: 0,
                    api_calls: 0,
                    days: 0,
                },
                0,
            )
        });
        w.days += 1;
        *users += r.get::<_, Option<i64>>(1)?.unwrap_or(0);
        w.logins += r.get::<_, Option<i64>>(2)?.unwrap_or(0);
        w.feature_events += r.get::<_, Option<i64>>(3)?.unwrap_or(0);
        w.api_calls += r.get::<_, Option<i64>>(4)?.unwrap_or(0);
        if let Some(s) = r.get::<_, Option<i64>>(5)? {
            w.seats = Some(w.seats.map_or(s, |m| m.max(s)));
        }
    }
    // Whole weeks only: a week cut by the period's start or end would
    // compare three weekdays with seven days (weekends are quiet).
    let first_whole = week_of(from + Duration::days(6));
    let last_whole = week_of(day + Duration::days(1)) - Duration::days(7);
    Ok(weeks
        .into_values()
        .filter(|(w, _)| w.start >= first_whole && w.start <= last_whole)
        .map(|(mut w, users)| {
            w.active_users = users as f64 / f64::from(w.days.max(1));
            w
        })
        .collect())
}

fn health_weeks(
    conn: &Connection,
    id: i64,
    from: NaiveDate,
    day: NaiveDate,
) -> Result<Vec<(NaiveDate, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, score FROM health_history
         WHERE account_id = ?1 AND day >= ?2 AND day <= ?3 AND score IS NOT NULL ORDER BY day",
    )?;
    let mut weeks: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let rows = stmt.query_map(rusqlite::params![id, from, day], |r| {
        Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, f64>(1)?))
    })?;
    for row in rows {
        let (d, score) = row?;
        weeks.insert(week_of(d), score);
    }
    Ok(weeks.into_iter().collect())
}

fn support(conn: &Connection, id: i64, from: NaiveDate, day: NaiveDate) -> Result<Support> {
    // Times are UTC timestamps; the day ends at its last second.
    let end = format!("{day}T23:59:59");
    let start = from.to_string();
    let mut s = Support::default();
    let mut hours = Vec::new();
    let mut csat = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT subject, priority, opened_at, resolved_at, csat FROM tickets
         WHERE account_id = ?1 AND opened_at <= ?2 ORDER BY opened_at",
    )?;
    let mut rows = stmt.query(rusqlite::params![id, end])?;
    while let Some(r) = rows.next()? {
        let opened: String = r.get(2)?;
        let resolved: Option<String> = r.get::<_, Option<String>>(3)?.filter(|t| *t <= end);
        if opened >= start {
            s.opened += 1;
        }
        match &resolved {
            Some(done) if *done >= start => {
                s.solved += 1;
                if let (Some(a), Some(b)) = (timestamp(&opened), timestamp(done)) {
                    hours.push((b - a).num_minutes() as f64 / 60.0);
                }
                if let Some(c) = r.get::<_, Option<i64>>(4)? {
                    csat.push(c as f64);
                }
            }
            Some(_) => {}
            None => {
                s.open += 1;
                let priority: String = r.get(1)?;
                if priority == "high" || priority == "urgent" {
                    s.open_escalations.push(Ticket {
                        subject: r.get(0)?,
                        priority,
                        opened_on: timestamp(&opened).map_or(day, |t| t.date()),
                    });
                }
            }
        }
    }
    hours.sort_by(f64::total_cmp);
    s.median_hours = median(&hours);
    s.csat_count = csat.len() as i64;
    s.csat = (!csat.is_empty()).then(|| csat.iter().sum::<f64>() / csat.len() as f64);
    Ok(s)
}

fn timestamp(text: &str) -> Option<chrono::NaiveDateTime> {
    let t = text.trim_end_matches('Z');
    chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()
        .or_else(|| t.get(..10)?.parse::<NaiveDate>().ok()?.and_hms_opt(0, 0, 0))
}

fn median(sorted: &[f64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn voice(conn: &Connection, id: i64, from: NaiveDate, day: NaiveDate) -> Result<Voice> {
    let mut v = Voice::default();
    let (mut promoters, mut detractors) = (0i64, 0i64);
    let mut csat_sum = 0i64;
    let mut stmt = conn.prepare_cached(
        "SELECT s.kind, s.score, s.comment, s.responded_on, c.name FROM survey_responses s
         LEFT JOIN contacts c ON c.id = s.contact_id
         WHERE s.account_id = ?1 AND s.responded_on >= ?2 AND s.responded_on <= ?3
         ORDER BY s.responded_on DESC, s.id DESC",
    )?;
    let mut rows = stmt.query(rusqlite::params![id, from, day])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let score: i64 = r.get(1)?;
        if kind == "nps" {
            v.nps_count += 1;
            promoters += i64::from(score >= 9);
            detractors += i64::from(score <= 6);
        } else {
            v.csat_count += 1;
            csat_sum += score;
        }
        if let Some(comment) = r
            .get::<_, Option<String>>(2)?
            .filter(|c| !c.trim().is_empty())
        {
            v.verbatims.push(Verbatim {
                kind,
                score,
                comment: comment.trim().to_string(),
                on: r.get(3)?,
                who: r.get(4)?,
            });
        }
    }
    if v.nps_count > 0 {
        v.nps = Some(((promoters - detractors) as f64 * 100.0 / v.nps_count as f64).round() as i64);
    }
    if v.csat_count > 0 {
        v.csat = Some(csat_sum as f64 / v.csat_count as f64);
    }
    Ok(v)
}

fn objectives(conn: &Connection, id: i64, day: NaiveDate) -> Result<Vec<ObjectiveFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, metric, usage_metric, baseline, target, target_date FROM objectives
         WHERE account_id = ?1 AND substr(created_at, 1, 10) <= ?2
         ORDER BY coalesce(target_date, '9999'), id",
    )?;
    let rows: Vec<(ObjectiveFact, Option<String>)> = stmt
        .query_map(rusqlite::params![id, day], |r| {
            Ok((
                ObjectiveFact {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    metric: r.get(2)?,
                    baseline: r.get(4)?,
                    target: r.get(5)?,
                    current: None,
                    target_date: r.get(6)?,
                    proof: None,
                },
                r.get(3)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(mut o, metric)| {
            o.proof = value::proof(conn, o.id, day)?;
            if let Some(col) = metric.as_deref().and_then(usage_column) {
                // The column name comes from a closed set, never from user text.
                let sql = format!(
                    "SELECT avg({col}) FROM (SELECT {col} FROM usage_daily
                     WHERE account_id = ?1 AND day <= ?2 ORDER BY day DESC LIMIT 7)"
                );
                o.current = conn.query_row(&sql, rusqlite::params![id, day], |r| r.get(0))?;
                if o.metric.is_none() {
                    o.metric = Some(col.replace('_', " "));
                }
            }
            Ok(o)
        })
        .collect()
}

fn usage_column(metric: &str) -> Option<&'static str> {
    match metric {
        "active_users" => Some("active_users"),
        "logins" => Some("logins"),
        "feature_events" => Some("feature_events"),
        "api_calls" => Some("api_calls"),
        _ => None,
    }
}

/// Achieved in the period (with `since`), or still open on the day, by
/// target date.
fn milestones(
    conn: &Connection,
    id: i64,
    day: NaiveDate,
    since: Option<NaiveDate>,
) -> Result<Vec<MilestoneFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT title, target_date, achieved_on, evidence, status FROM milestones
         WHERE account_id = ?1 AND substr(created_at, 1, 10) <= ?2
         ORDER BY coalesce(achieved_on, target_date, '9999'), id",
    )?;
    let rows = stmt.query_map(rusqlite::params![id, day], |r| {
        Ok(MilestoneFact {
            title: r.get(0)?,
            target_date: r.get(1)?,
            achieved_on: r.get(2)?,
            evidence: r.get(3)?,
            at_risk: r.get::<_, String>(4)? == "at_risk",
        })
    })?;
    let mut out = Vec::new();
    for m in rows {
        let m = m?;
        let achieved_by_then = m.achieved_on.filter(|a| *a <= day);
        match since {
            Some(from) => {
                if achieved_by_then.is_some_and(|a| a >= from) {
                    out.push(m);
                }
            }
            None => {
                if achieved_by_then.is_none() {
                    out.push(MilestoneFact {
                        achieved_on: None,
                        evidence: None,
                        ..m
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Warnings open on the day that a customer would recognise as a shared
/// risk (not the CSM's own reminders such as an overdue touch or invoice).
fn risks(conn: &Connection, id: i64, day: NaiveDate) -> Result<Vec<Risk>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.reason, a.detail, a.raised_on FROM alerts a
         WHERE a.account_id = ?1 AND a.raised_on <= ?2 AND (a.resolved_on IS NULL OR a.resolved_on > ?2)
           AND a.reason IN ('usage_drop', 'champion_left', 'no_sponsor', 'urgent_ticket', 'detractor', 'milestone_missed')
         ORDER BY a.raised_on",
    )?;
    let rows: Vec<(i64, Risk)> = stmt
        .query_map(rusqlite::params![id, day], |r| {
            Ok((
                r.get(0)?,
                Risk {
                    reason: r.get(1)?,
                    detail: r.get(2)?,
                    raised_on: r.get(3)?,
                    mitigation: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut tasks = conn.prepare_cached(
        "SELECT title FROM tasks WHERE alert_id = ?1 AND substr(created_at, 1, 10) <= ?2
           AND (done_at IS NULL OR substr(done_at, 1, 10) > ?2) ORDER BY coalesce(due_on, '9999'), id",
    )?;
    rows.into_iter()
        .map(|(alert, mut risk)| {
            risk.mitigation = tasks
                .query_map(rusqlite::params![alert, day], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(risk)
        })
        .collect()
}
