//! The Today list: what needs the CSM today, in the order a CSM works it.
//! Risks first, ranked by how bad (alert severity and churn risk), how big
//! (ARR) and how soon the renewal is; then renewals coming up; then QBRs to
//! prepare (planned within two weeks, or past due and not held); then overdue
//! touches and tasks; then expansion signals. One item per account and
//! section, carrying every reason with its evidence and the alert ids the
//! one-click actions (snooze, resolve, playbook) act on.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::alerts::{self, AlertReason};
use crate::error::Result;
use crate::health::{settings, Band};
use crate::model::{Money, Tier};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Risk,
    Renewal,
    /// QBRs planned within two weeks, or past their day and not held.
    Qbr,
    Touch,
    Expansion,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TodayReason {
    #[ts(type = "number")]
    pub alert_id: i64,
    pub reason: AlertReason,
    pub detail: String,
    pub raised_on: NaiveDate,
    /// Whether the reason has an enabled playbook not yet applied.
    pub playbook_ready: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TodayItem {
    pub section: Section,
    #[ts(type = "number")]
    pub account_id: i64,
    pub account_name: String,
    pub tier: Tier,
    pub arr: Money,
    pub renewal_date: Option<NaiveDate>,
    pub score: Option<f64>,
    pub band: Band,
    pub churn_risk: Option<f64>,
    pub reasons: Vec<TodayReason>,
    #[ts(type = "number")]
    pub overdue_tasks: i64,
    /// The oldest overdue task's title.
    pub overdue_task: Option<String>,
    /// The planned QBR's day (QBR section).
    pub qbr_on: Option<NaiveDate>,
    /// Achieved milestones the QBR will report (QBR section).
    #[ts(type = "number")]
    pub milestones_to_report: i64,
    /// Higher comes first within a section.
    pub priority: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SectionSummary {
    pub section: Section,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Today {
    /// At most `limit` items per section, in order.
    pub items: Vec<TodayItem>,
    pub sections: Vec<SectionSummary>,
    /// Alerts snoozed past today.
    pub snoozed: u32,
}

struct AccountInfo {
    name: String,
    tier: Tier,
    arr: Money,
    renewal_date: Option<NaiveDate>,
    score: Option<f64>,
    band: Band,
    churn_risk: Option<f64>,
}

fn section_of(reason: AlertReason) -> Section {
    match reason {
        AlertReason::TouchOverdue => Section::Touch,
        AlertReason::Expansion => Section::Expansion,
        _ => Section::Risk,
    }
}

/// How far ahead a planned QBR shows on Today, to leave time to prepare it.
const QBR_DAYS: i64 = 14;

pub fn list(conn: &Connection, today: NaiveDate, limit: usize) -> Result<Today> {
    let s = settings::current(conn)?.settings;
    // What asks for attention first; then the accounts it names, and only
    // those (a fraction of a large book).
    let awake = alerts::awake(conn, today)?;
    // SQLite takes a bare column from the row that gave min(), so each
    // account's oldest overdue title comes with its count in one pass.
    let overdue: Vec<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT account_id, count(*), min(due_on), title FROM tasks
             WHERE done_at IS NULL AND due_on < ?1 AND account_id IS NOT NULL GROUP BY account_id",
        )?
        .query_map([today], |r| Ok((r.get(0)?, r.get(1)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let horizon = today + Duration::days(60.min(s.alerts.renewal_days));
    let renewing: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM accounts WHERE status = 'active' AND renewal_date >= ?1 AND renewal_date <= ?2",
        )?
        .query_map(params![today, horizon], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let qbrs: Vec<(i64, NaiveDate, i64)> = conn
        .prepare_cached(
            "SELECT q.account_id, q.scheduled_on,
                    (SELECT count(*) FROM milestones m WHERE m.account_id = q.account_id AND m.for_qbr)
             FROM qbrs q WHERE q.held_on IS NULL AND q.scheduled_on <= ?1",
        )?
        .query_map([today + Duration::days(QBR_DAYS)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let named: std::collections::BTreeSet<i64> = awake
        .iter()
        .map(|a| a.account_id)
        .chain(overdue.iter().map(|o| o.0))
        .chain(renewing.iter().copied())
        .chain(qbrs.iter().map(|q| q.0))
        .collect();
    let accounts = account_infos(conn, &named)?;

    let enabled: HashMap<AlertReason, bool> = alerts::playbooks(conn)?
        .into_iter()
        .map(|p| (p.reason, p.enabled && !p.tasks.is_empty()))
        .collect();
    let mut items: HashMap<(i64, Section), TodayItem> = HashMap::new();
    for a in awake {
        if let Some(it) = item(&mut items, &accounts, a.account_id, section_of(a.reason)) {
            it.reasons.push(TodayReason {
                alert_id: a.id,
                reason: a.reason,
                detail: a.detail,
                raised_on: a.raised_on,
                playbook_ready: !a.playbook_applied
                    && enabled.get(&a.reason).copied().unwrap_or(false),
            });
        }
    }
    for (id, count, title) in overdue {
        if let Some(it) = item(&mut items, &accounts, id, Section::Touch) {
            it.overdue_tasks = count;
            it.overdue_task = Some(title);
        }
    }
    let has_risk: std::collections::HashSet<i64> = items
        .keys()
        .filter(|(_, s)| *s == Section::Risk)
        .map(|(id, _)| *id)
        .collect();
    for id in renewing {
        if !has_risk.contains(&id) {
            item(&mut items, &accounts, id, Section::Renewal);
        }
    }
    for (id, on, report) in qbrs {
        if let Some(it) = item(&mut items, &accounts, id, Section::Qbr) {
            it.qbr_on = Some(on);
            it.milestones_to_report = report;
        }
    }

    let converter = crate::rates::converter(conn, today)?;
    let mut all: Vec<TodayItem> = items.into_values().collect();
    for it in &mut all {
        it.reasons
            .sort_by(|a, b| b.reason.severity().total_cmp(&a.reason.severity()));
        // Size in the reporting currency when there is a rate, else in the
        // account's own major units: yen are not a hundred times more.
        let major = converter
            .as_ref()
            .and_then(|c| c.convert(&it.arr))
            .map_or_else(
                || crate::currency::to_major(it.arr.minor, &it.arr.currency),
                |m| crate::currency::to_major(m.minor, &m.currency),
            );
        let size = 1.0 + (1.0 + major.max(0.0) / 10_000.0).ln();
        let days_to_renewal = it.renewal_date.map(|d| (d - today).num_days());
        it.priority = match it.section {
            Section::Risk => {
                let severity: f64 = it.reasons.iter().map(|r| r.reason.severity()).sum();
                let soon = days_to_renewal
                    .filter(|d| (0..180).contains(d))
                    .map(|d| (180 - d) as f64 / 90.0)
                    .unwrap_or(0.0);
                // Without a churn model, a low score stands in for risk.
                let risk = it
                    .churn_risk
                    .or(it.score.map(|s| (100.0 - s) / 200.0))
                    .unwrap_or(0.25);
                severity * size * (1.0 + soon) * (0.5 + risk)
            }
            Section::Renewal => 1000.0 - days_to_renewal.unwrap_or(1000) as f64,
            Section::Qbr => 1000.0 - it.qbr_on.map_or(1000, |d| (d - today).num_days()) as f64,
            Section::Touch => (it.reasons.len() as f64 + it.overdue_tasks as f64) * size,
            Section::Expansion => size,
        };
    }
    // Each section's first `limit` items in order; the rest are counted. On
    // a large book most items are never shown: they are only partitioned,
    // not sorted, and never copied.
    let order = |a: &TodayItem, b: &TodayItem| {
        b.priority
            .total_cmp(&a.priority)
            .then(a.account_id.cmp(&b.account_id))
    };
    const ORDER: [Section; 5] = [
        Section::Risk,
        Section::Renewal,
        Section::Qbr,
        Section::Touch,
        Section::Expansion,
    ];
    let mut by_section: [Vec<TodayItem>; 5] = Default::default();
    for it in all {
        if let Some(k) = ORDER.iter().position(|s| *s == it.section) {
            by_section[k].push(it);
        }
    }
    let mut sections = Vec::new();
    let mut out = Vec::new();
    for (section, mut mine) in ORDER.into_iter().zip(by_section) {
        sections.push(SectionSummary {
            section,
            total: mine.len() as u32,
        });
        if mine.len() > limit && limit > 0 {
            mine.select_nth_unstable_by(limit - 1, order);
        }
        mine.truncate(limit);
        mine.sort_by(order);
        out.extend(mine);
    }
    let snoozed: u32 = conn.query_row(
        "SELECT count(*) FROM alerts WHERE status = 'snoozed' AND snoozed_until > ?1",
        [today],
        |r| r.get(0),
    )?;
    Ok(Today {
        items: out,
        sections,
        snoozed,
    })
}

/// The account's item in a section, created on first use; None for an
/// account that is not live.
/// The live accounts among `ids`, with their current health.
fn account_infos(
    conn: &Connection,
    ids: &std::collections::BTreeSet<i64>,
) -> Result<HashMap<i64, AccountInfo>> {
    let mut accounts = HashMap::with_capacity(ids.len());
    let list =
        serde_json::to_string(ids).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.tier, a.arr_minor, a.currency, a.renewal_date, h.score, h.band, h.churn_risk
         FROM accounts a LEFT JOIN health_scores h ON h.account_id = a.id
         WHERE a.status = 'active' AND a.id IN (SELECT value FROM json_each(?1))",
    )?;
    let mut rows = stmt.query([list])?;
    while let Some(r) = rows.next()? {
        let band: Option<String> = r.get(7)?;
        accounts.insert(
            r.get(0)?,
            AccountInfo {
                name: r.get(1)?,
                tier: r.get(2)?,
                arr: Money {
                    minor: r.get(3)?,
                    currency: r.get(4)?,
                },
                renewal_date: crate::dates::column_opt(r, 5)?,
                score: r.get(6)?,
                band: band.map(|b| Band::parse(&b)).unwrap_or(Band::Unknown),
                churn_risk: r.get(8)?,
            },
        );
    }
    Ok(accounts)
}

fn item<'a>(
    items: &'a mut HashMap<(i64, Section), TodayItem>,
    accounts: &HashMap<i64, AccountInfo>,
    id: i64,
    section: Section,
) -> Option<&'a mut TodayItem> {
    let info = accounts.get(&id)?;
    Some(items.entry((id, section)).or_insert_with(|| TodayItem {
        section,
        account_id: id,
        account_name: info.name.clone(),
        tier: info.tier,
        arr: info.arr.clone(),
        renewal_date: info.renewal_date,
        score: info.score,
        band: info.band,
        churn_risk: info.churn_risk,
        reasons: Vec::new(),
        overdue_tasks: 0,
        overdue_task: None,
        qbr_on: None,
        milestones_to_report: 0,
        priority: 0.0,
    }))
}
