//! Success plans: the customer's objectives with a measurable criterion, and
//! milestones with target and achieved dates. Achieving a milestone puts it on
//! the account's timeline and marks it for the next QBR; a target date that
//! passed without it is "missed". The milestone flagged as first value gives
//! the account's time to value.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{text_enum, ActivityKind, Sentiment};
use crate::say;
use crate::write::Write;

text_enum!(
    /// The usage metrics an objective can follow.
    UsageMetric {
        ActiveUsers => "active_users",
        Logins => "logins",
        FeatureEvents => "feature_events",
        ApiCalls => "api_calls",
    }
);

text_enum!(
    /// What the CSM says about a milestone in flight.
    MilestonePlan { Planned => "planned", OnTrack => "on_track", AtRisk => "at_risk" }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    Planned,
    OnTrack,
    AtRisk,
    /// The target date passed without it.
    Missed,
    Achieved,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ObjectiveInput {
    #[ts(type = "number")]
    pub account_id: i64,
    pub title: String,
    pub metric: Option<String>,
    pub usage_metric: Option<UsageMetric>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Objective {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub metric: Option<String>,
    pub usage_metric: Option<UsageMetric>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
    /// For a usage metric: its daily average over the last 7 days of data.
    pub current: Option<f64>,
    /// Share of the way from baseline to target, in % (may pass 100).
    pub progress_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MilestoneInput {
    #[ts(type = "number")]
    pub account_id: i64,
    #[ts(type = "number | null")]
    pub objective_id: Option<i64>,
    pub title: String,
    pub target_date: Option<NaiveDate>,
    pub first_value: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Milestone {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub objective_id: Option<i64>,
    pub title: String,
    pub target_date: Option<NaiveDate>,
    pub achieved_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub evidence: Option<String>,
    pub first_value: bool,
    pub for_qbr: bool,
}

fn check_account(conn: &Connection, account_id: i64) -> Result<()> {
    crate::account::require(conn, account_id).map(|_| ())
}

/// The account a row of `table` belongs to.
fn account_of(conn: &Connection, table: &str, what: &str, id: i64) -> Result<i64> {
    // `table` is one of this module's own table names, never user text.
    conn.query_row(
        &format!("SELECT account_id FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::not_found(say!(
            "{what} {id} does not exist.",
            "{what} {id} existiert nicht."
        ))
    })
}

fn title(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(say!(
            "The {what} needs a title.",
            "{what} braucht einen Titel."
        )));
    }
    Ok(t.to_string())
}

/// Adds an objective; returns its id. (The row is created, then written by
/// `update_objective`, so adding and editing validate the same way.)
pub fn add_objective(w: &Write<'_>, o: &ObjectiveInput) -> Result<i64> {
    let conn = w.conn();
    check_account(conn, o.account_id)?;
    let name = title(&o.title, &say!("objective", "Das Ziel"))?;
    conn.execute(
        "INSERT INTO objectives(account_id, title, created_at) VALUES (?1, ?2, ?3)",
        params![o.account_id, name, Utc::now().to_rfc3339()],
    )?;
    let id = conn.last_insert_rowid();
    update_objective(w, id, o)?;
    Ok(id)
}

/// Rewrites an objective with `o` (whose account must be the objective's).
pub fn update_objective(w: &Write<'_>, id: i64, o: &ObjectiveInput) -> Result<()> {
    let n = w.conn().execute(
        "UPDATE objectives SET title = ?3, metric = ?4, usage_metric = ?5, baseline = ?6, target = ?7,
         target_date = ?8 WHERE id = ?1 AND account_id = ?2",
        params![
            id,
            o.account_id,
            title(&o.title, &say!("objective", "Das Ziel"))?,
            o.metric.as_deref().map(str::trim).filter(|m| !m.is_empty()),
            o.usage_metric,
            o.baseline,
            o.target,
            o.target_date,
        ],
    )?;
    if n == 0 {
        return Err(Error::not_found(say!(
            "Objective {id} does not exist on this account.",
            "Ziel {id} gibt es bei diesem Kunden nicht."
        )));
    }
    w.touch(o.account_id);
    Ok(())
}

/// Deletes an objective; its milestones stay on the plan, unlinked.
pub fn delete_objective(w: &Write<'_>, id: i64) -> Result<()> {
    let account = account_of(w.conn(), "objectives", &say!("Objective", "Ziel"), id)?;
    w.conn()
        .execute("DELETE FROM objectives WHERE id = ?1", [id])?;
    w.touch(account);
    Ok(())
}

pub fn objectives(conn: &Connection, account_id: i64) -> Result<Vec<Objective>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, metric, usage_metric, baseline, target, target_date FROM objectives
         WHERE account_id = ?1 ORDER BY coalesce(target_date, '9999'), id",
    )?;
    let rows: Vec<Objective> = stmt
        .query_map([account_id], |r| {
            Ok(Objective {
                id: r.get(0)?,
                title: r.get(1)?,
                metric: r.get(2)?,
                usage_metric: r.get(3)?,
                baseline: r.get(4)?,
                target: r.get(5)?,
                target_date: r.get(6)?,
                current: None,
                progress_pct: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|mut o| {
            if let Some(metric) = o.usage_metric {
                o.current = current_usage(conn, account_id, metric)?;
            }
            o.progress_pct = match (o.baseline, o.target, o.current) {
                (Some(b), Some(t), Some(c)) if (t - b).abs() > f64::EPSILON => {
                    Some(((c - b) / (t - b) * 1000.0).round() / 10.0)
                }
                _ => None,
            };
            Ok(o)
        })
        .collect()
}

/// The metric's daily average over the account's last 7 days of usage.
fn current_usage(conn: &Connection, account_id: i64, metric: UsageMetric) -> Result<Option<f64>> {
    // The column name comes from a closed set, never from user text.
    let sql = format!(
        "SELECT avg({col}) FROM (SELECT {col} FROM usage_daily WHERE account_id = ?1 ORDER BY day DESC LIMIT 7)",
        col = metric.as_str()
    );
    Ok(conn
        .query_row(&sql, [account_id], |r| r.get::<_, Option<f64>>(0))?
        .map(|v| (v * 10.0).round() / 10.0))
}

/// Adds a milestone; returns its id. (Created, then written by
/// `update_milestone`, which checks the objective is the account's own.)
pub fn add_milestone(w: &Write<'_>, m: &MilestoneInput) -> Result<i64> {
    let conn = w.conn();
    check_account(conn, m.account_id)?;
    let name = title(&m.title, &say!("milestone", "Der Meilenstein"))?;
    if let Some(objective) = m.objective_id {
        check_objective(conn, objective, m.account_id)?;
    }
    conn.execute(
        "INSERT INTO milestones(account_id, title, created_at) VALUES (?1, ?2, ?3)",
        params![m.account_id, name, Utc::now().to_rfc3339()],
    )?;
    let id = conn.last_insert_rowid();
    update_milestone(w, id, m)?;
    Ok(id)
}

fn check_objective(conn: &Connection, objective: i64, account_id: i64) -> Result<()> {
    let same: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM objectives WHERE id = ?1 AND account_id = ?2)",
        params![objective, account_id],
        |r| r.get(0),
    )?;
    if !same {
        return Err(Error::invalid(say!(
            "A milestone can only serve an objective of its own account.",
            "Ein Meilenstein kann nur einem Ziel seines eigenen Kunden dienen."
        )));
    }
    Ok(())
}

/// Rewrites a milestone's title, target date, objective and first-value
/// flag (its account must be `m`'s). Its status and achievement stay.
pub fn update_milestone(w: &Write<'_>, id: i64, m: &MilestoneInput) -> Result<()> {
    let conn = w.conn();
    if let Some(objective) = m.objective_id {
        check_objective(conn, objective, m.account_id)?;
    }
    let n = conn.execute(
        "UPDATE milestones SET title = ?3, target_date = ?4, objective_id = ?5, first_value = ?6
         WHERE id = ?1 AND account_id = ?2",
        params![
            id,
            m.account_id,
            title(&m.title, &say!("milestone", "Der Meilenstein"))?,
            m.target_date,
            m.objective_id,
            m.first_value
        ],
    )?;
    if n == 0 {
        return Err(Error::not_found(say!(
            "Milestone {id} does not exist on this account.",
            "Meilenstein {id} gibt es bei diesem Kunden nicht."
        )));
    }
    w.touch(m.account_id);
    Ok(())
}

/// Takes back an achievement (or removes the milestone): the timeline note
/// that achieving wrote goes too, since it only restated the milestone.
/// Returns the account, whose last touch may have changed.
fn withdraw(conn: &Connection, id: i64) -> Result<i64> {
    let row: Option<(i64, Option<i64>)> = conn
        .query_row(
            "SELECT account_id, activity_id FROM milestones WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (account_id, activity) = row.ok_or_else(|| {
        Error::not_found(say!(
            "Milestone {id} does not exist.",
            "Meilenstein {id} existiert nicht."
        ))
    })?;
    conn.execute(
        "UPDATE milestones SET achieved_on = NULL, evidence = NULL, for_qbr = 0, activity_id = NULL WHERE id = ?1",
        [id],
    )?;
    if let Some(activity) = activity {
        conn.execute("DELETE FROM activities WHERE id = ?1", [activity])?;
    }
    Ok(account_id)
}

/// Marks an achieved milestone as not achieved after all, with the checklist
/// item that stands for it. Returns the account.
pub fn reopen(w: &Write<'_>, id: i64) -> Result<i64> {
    let account_id = withdraw(w.conn(), id)?;
    w.conn().execute(
        "UPDATE checklist_items SET done_on = NULL WHERE milestone_id = ?1",
        [id],
    )?;
    w.touch(account_id);
    Ok(account_id)
}

/// Deletes a milestone with its timeline note. Returns the account.
pub fn delete_milestone(w: &Write<'_>, id: i64) -> Result<i64> {
    let account_id = withdraw(w.conn(), id)?;
    w.conn()
        .execute("DELETE FROM milestones WHERE id = ?1", [id])?;
    w.touch(account_id);
    Ok(account_id)
}

pub fn set_milestone_plan(w: &Write<'_>, id: i64, plan: MilestonePlan) -> Result<()> {
    let account = account_of(
        w.conn(),
        "milestones",
        &say!("Milestone", "Meilenstein"),
        id,
    )?;
    w.conn().execute(
        "UPDATE milestones SET status = ?2 WHERE id = ?1",
        params![id, plan],
    )?;
    w.touch(account);
    Ok(())
}

/// Marks a milestone achieved on `on` with its evidence: it lands on the
/// timeline as a note and is flagged for the next QBR, and a checklist item
/// linked to it is checked off on the same day. Achieving it twice changes
/// nothing. A date after today is refused. Returns the account.
pub fn achieve(w: &Write<'_>, id: i64, on: NaiveDate, evidence: &str) -> Result<i64> {
    let conn = w.conn();
    if on > w.today() {
        return Err(Error::invalid(say!(
            "A milestone cannot be achieved in the future.",
            "Ein Meilenstein kann nicht in der Zukunft erreicht werden."
        )));
    }
    let row: Option<(i64, String, Option<NaiveDate>)> = conn
        .query_row(
            "SELECT account_id, title, achieved_on FROM milestones WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (account_id, name, achieved) = row.ok_or_else(|| {
        Error::not_found(say!(
            "Milestone {id} does not exist.",
            "Meilenstein {id} existiert nicht."
        ))
    })?;
    if achieved.is_some() {
        return Ok(account_id);
    }
    let evidence = evidence.trim();
    let activity = crate::checkin::log_entry(
        conn,
        account_id,
        ActivityKind::Note,
        on,
        &format!("Milestone achieved: {name}"),
        evidence,
        Some(Sentiment::Positive),
    )?;
    conn.execute(
        "UPDATE milestones SET achieved_on = ?2, evidence = ?3, for_qbr = 1, activity_id = ?4 WHERE id = ?1",
        params![id, on, (!evidence.is_empty()).then_some(evidence), activity],
    )?;
    // The checklist item that stands for it is done too.
    conn.execute(
        "UPDATE checklist_items SET done_on = ?2 WHERE milestone_id = ?1 AND done_on IS NULL",
        params![id, on],
    )?;
    w.touch(account_id);
    Ok(account_id)
}

fn status(
    plan: MilestonePlan,
    target: Option<NaiveDate>,
    achieved: Option<NaiveDate>,
    today: NaiveDate,
) -> MilestoneStatus {
    match (achieved, target) {
        (Some(_), _) => MilestoneStatus::Achieved,
        (None, Some(t)) if t < today => MilestoneStatus::Missed,
        _ => match plan {
            MilestonePlan::Planned => MilestoneStatus::Planned,
            MilestonePlan::OnTrack => MilestoneStatus::OnTrack,
            MilestonePlan::AtRisk => MilestoneStatus::AtRisk,
        },
    }
}

pub fn milestones(conn: &Connection, account_id: i64, today: NaiveDate) -> Result<Vec<Milestone>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, objective_id, title, target_date, achieved_on, status, evidence, first_value, for_qbr
         FROM milestones WHERE account_id = ?1
         ORDER BY achieved_on IS NOT NULL, coalesce(target_date, '9999'), id",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        let target: Option<NaiveDate> = r.get(3)?;
        let achieved: Option<NaiveDate> = r.get(4)?;
        Ok(Milestone {
            id: r.get(0)?,
            objective_id: r.get(1)?,
            title: r.get(2)?,
            target_date: target,
            achieved_on: achieved,
            status: status(r.get(5)?, target, achieved, today),
            evidence: r.get(6)?,
            first_value: r.get(7)?,
            for_qbr: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Days from contract start to the first-value milestone, per account that
/// reached it.
pub fn time_to_value(conn: &Connection) -> Result<Vec<(i64, i64)>> {
    // From the milestones (a few per account) to their accounts: left to
    // itself the planner walked every account and looked up its milestones,
    // twice the time on a 5,000-account book.
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, min(m.achieved_on), a.contract_start FROM milestones m CROSS JOIN accounts a ON a.id = m.account_id
         WHERE m.first_value AND m.achieved_on IS NOT NULL AND a.contract_start IS NOT NULL GROUP BY a.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            crate::dates::column(r, 1)?,
            crate::dates::column(r, 2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, achieved, start) = row?;
        out.push((id, (achieved - start).num_days()));
    }
    Ok(out)
}

/// The median of a list of day counts (None when empty).
pub fn median_days(days: &[i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    let mut d = days.to_vec();
    d.sort_unstable();
    let n = d.len();
    Some(if n % 2 == 1 {
        d[n / 2] as f64
    } else {
        (d[n / 2 - 1] + d[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_milestone_is_missed_only_after_its_target_day() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let today = d("2026-03-31");
        // Due today is not missed yet; due yesterday is.
        assert_eq!(
            status(MilestonePlan::OnTrack, Some(d("2026-03-31")), None, today),
            MilestoneStatus::OnTrack
        );
        assert_eq!(
            status(MilestonePlan::OnTrack, Some(d("2026-03-30")), None, today),
            MilestoneStatus::Missed
        );
        assert_eq!(
            status(
                MilestonePlan::AtRisk,
                Some(d("2026-01-31")),
                Some(d("2026-02-28")),
                today
            ),
            MilestoneStatus::Achieved
        );
    }

    #[test]
    fn medians_of_odd_and_even_lists() {
        assert_eq!(median_days(&[30, 10, 20]), Some(20.0));
        assert_eq!(median_days(&[40, 10, 20, 30]), Some(25.0));
        assert_eq!(median_days(&[]), None);
    }
}
