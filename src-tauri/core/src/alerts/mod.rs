//! Early warnings and expansion signals. Rules read an account's inputs and
//! health and fire with a reason and a sentence of evidence. At most one
//! unresolved alert exists per account and reason: a rule that fires again
//! updates it; a snoozed alert stays quiet until its date; one the CSM
//! resolved stays resolved for `RESOLVED_QUIET_DAYS`; one whose condition
//! cleared is resolved by the rule. Each reason can carry a playbook, a
//! template of tasks with due offsets applied when the alert is raised
//! (`playbooks`).

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::health::{Band, Health, Inputs, Settings};
use crate::model::{text_enum, LifecycleStage};
use crate::say;
use crate::store::{each_row, Scope};
use crate::write::Write;

mod playbooks;
pub(crate) use playbooks::playbook_tasks;
pub use playbooks::{
    apply_playbook, default_playbook, playbooks, save_playbook, Playbook, PlaybookTask,
};

/// A reason the CSM resolved is not raised again for this long.
pub const RESOLVED_QUIET_DAYS: i64 = 30;

text_enum!(
    /// Why an alert was raised.
    AlertReason {
        HealthRed => "health_red",
        HealthDrop => "health_drop",
        UsageDrop => "usage_drop",
        RenewalAtRisk => "renewal_at_risk",
        ChampionLeft => "champion_left",
        NoSponsor => "no_sponsor",
        InvoiceOverdue => "invoice_overdue",
        UrgentTicket => "urgent_ticket",
        Detractor => "detractor",
        TouchOverdue => "touch_overdue",
        MilestoneMissed => "milestone_missed",
        Expansion => "expansion",
    }
);

text_enum!(AlertStatus { Open => "open", Snoozed => "snoozed", Resolved => "resolved" });

impl AlertReason {
    /// How much the reason weighs when ranking what needs the CSM.
    pub fn severity(self) -> f64 {
        match self {
            AlertReason::HealthRed | AlertReason::RenewalAtRisk => 3.0,
            AlertReason::HealthDrop | AlertReason::UsageDrop | AlertReason::ChampionLeft => 2.0,
            AlertReason::InvoiceOverdue
            | AlertReason::UrgentTicket
            | AlertReason::Detractor
            | AlertReason::MilestoneMissed => 1.5,
            AlertReason::NoSponsor | AlertReason::TouchOverdue | AlertReason::Expansion => 1.0,
        }
    }
}

/// Every rule applied to one account; what fires, with its evidence.
/// `score_before` is the health score `drop_days` ago under the same settings.
pub fn evaluate(
    i: &Inputs,
    h: &Health,
    score_before: Option<f64>,
    s: &Settings,
) -> Vec<(AlertReason, String)> {
    let r = &s.alerts;
    let mut out = Vec::new();
    if h.band == Band::Red {
        let why = h
            .biggest_drag
            .as_deref()
            .map(|d| say!("; most of all: {d}", "; vor allem: {d}"))
            .unwrap_or_default();
        let score = h.score;
        out.push((
            AlertReason::HealthRed,
            say!(
                "Health {score:.0} is in the red{why}",
                "Health {score:.0} ist im roten Bereich{why}"
            ),
        ));
    }
    if let Some(before) = score_before {
        if h.band != Band::Unknown && before - h.score >= r.drop_points {
            out.push((
                AlertReason::HealthDrop,
                say!(
                    "Health fell from {before:.0} to {:.0} in {} days",
                    "Health fiel in {1} Tagen von {before:.0} auf {0:.0}",
                    h.score,
                    r.drop_days
                ),
            ));
        }
    }
    if let Some(change) = i.usage_30_vs_90_pct {
        if change <= -r.usage_drop_pct && i.stage != Some(LifecycleStage::Onboarding) {
            out.push((
                AlertReason::UsageDrop,
                say!(
                    "Active users {:.0}% below the 90 days before (alert from {:.0}%)",
                    "Aktive Nutzer {:.0} % unter den 90 Tagen davor (Warnung ab {:.0} %)",
                    -change,
                    r.usage_drop_pct
                ),
            ));
        }
    }
    if let Some(days) = i.renewal_in_days {
        // Only a health known to be poor puts a renewal at risk; too little
        // data to judge is not a verdict.
        let band = match h.band {
            Band::Red => Some(say!("red", "rot")),
            Band::Yellow => Some(say!("yellow", "gelb")),
            _ => None,
        };
        if let Some(band) = band.filter(|_| (0..=r.renewal_days).contains(&days)) {
            out.push((
                AlertReason::RenewalAtRisk,
                say!(
                    "Renews in {days} days with health {band} ({:.0})",
                    "Verlängert in {days} Tagen mit Health {band} ({:.0})",
                    h.score
                ),
            ));
        }
    }
    if i.champion_left && i.champion_present == Some(false) {
        out.push((
            AlertReason::ChampionLeft,
            say!(
                "The champion left and nobody has taken their place",
                "Der Champion ist gegangen, und niemand hat seinen Platz eingenommen"
            ),
        ));
    }
    if i.sponsor_present == Some(false) {
        out.push((
            AlertReason::NoSponsor,
            say!(
                "No executive sponsor on the account",
                "Kein Executive Sponsor beim Kunden"
            ),
        ));
    }
    if let Some((title, due)) = &i.missed_milestone {
        let more = match i.milestones_missed {
            0 | 1 => String::new(),
            2 => say!(" and 1 more", " und 1 weiterer"),
            n => say!(" and {} more", " und {} weitere", n - 1),
        };
        let due = crate::lang::day(*due);
        out.push((
            AlertReason::MilestoneMissed,
            say!(
                "Milestone \u{201c}{title}\u{201d} was due {due}{more}",
                "Meilenstein \u{201e}{title}\u{201c} war am {due} fällig{more}"
            ),
        ));
    }
    if i.invoices_overdue > 0 {
        out.push((
            AlertReason::InvoiceOverdue,
            match i.invoices_overdue {
                1 => say!(
                    "1 invoice failed or past due",
                    "1 Rechnung fehlgeschlagen oder überfällig"
                ),
                n => say!(
                    "{n} invoices failed or past due",
                    "{n} Rechnungen fehlgeschlagen oder überfällig"
                ),
            },
        ));
    }
    if let Some(days) = i.oldest_urgent_days {
        if days >= r.urgent_ticket_days {
            out.push((
                AlertReason::UrgentTicket,
                say!(
                    "An urgent ticket has been open for {days} days ({} open)",
                    "Ein dringendes Ticket ist seit {days} Tagen offen ({} offen)",
                    i.open_urgent_tickets.unwrap_or(1)
                ),
            ));
        }
    }
    if i.detractors_90d > 0 {
        out.push((
            AlertReason::Detractor,
            match i.detractors_90d {
                1 => say!(
                    "1 NPS detractor answer (0-6) in the last 90 days",
                    "1 NPS-Kritiker-Antwort (0–6) in den letzten 90 Tagen"
                ),
                n => say!(
                    "{n} NPS detractor answers (0-6) in the last 90 days",
                    "{n} NPS-Kritiker-Antworten (0–6) in den letzten 90 Tagen"
                ),
            },
        ));
    }
    if let Some(tier) = i.tier {
        let cadence = s.tiers.cadence_days(tier);
        let overdue = match i.days_since_touch {
            Some(days) => (days > cadence).then(|| {
                say!(
                    "Last touch {days} days ago",
                    "Letzter Kontakt vor {days} Tagen"
                )
            }),
            // Steward cannot know of touches before it knew the account.
            None => i
                .tenure_days
                .zip(i.days_known)
                .filter(|(tenure, known)| *tenure.min(known) > cadence)
                .map(|_| say!("Never touched", "Noch nie kontaktiert")),
        };
        if let Some(what) = overdue {
            out.push((
                AlertReason::TouchOverdue,
                say!(
                    "{what}; tier {} cadence is {cadence} days",
                    "{what}; Rhythmus für Tier {} ist {cadence} Tage",
                    tier.as_str()
                ),
            ));
        }
    }
    if let (Band::Green, Some(seats), Some(trend)) = (h.band, i.seats_used_pct, i.usage_trend_pct) {
        if seats >= r.expansion_seats_pct && trend >= r.expansion_trend_pct {
            out.push((
                AlertReason::Expansion,
                say!(
                    "Seats {seats:.0}% used and usage {trend:+.0}% in 4 weeks: room to grow",
                    "Lizenzen zu {seats:.0} % genutzt und Nutzung {trend:+.0} % in 4 Wochen: Raum zum Wachsen"
                ),
            ));
        }
    }
    out
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Alert {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    pub reason: AlertReason,
    pub detail: String,
    pub status: AlertStatus,
    pub snoozed_until: Option<NaiveDate>,
    pub raised_on: NaiveDate,
    pub updated_on: NaiveDate,
    pub resolved_on: Option<NaiveDate>,
    pub resolution_note: Option<String>,
    /// Open tasks its playbook created.
    #[ts(type = "number")]
    pub playbook_tasks_open: i64,
    /// Whether its playbook was applied (tasks done or not).
    pub playbook_applied: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize, TS)]
pub struct SyncSummary {
    pub raised: u32,
    pub updated: u32,
    pub cleared: u32,
    pub tasks_created: u32,
}

struct Unresolved {
    id: i64,
    status: AlertStatus,
    snoozed_until: Option<NaiveDate>,
    detail: String,
}

/// Brings stored alerts in line with what the rules say now, for every
/// account in `firing` (which holds every assessed account, firing or not).
pub fn sync(
    conn: &Connection,
    today: NaiveDate,
    firing: &HashMap<i64, Vec<(AlertReason, String)>>,
    scope: Scope<'_>,
    apply_playbooks: bool,
) -> Result<SyncSummary> {
    let mut summary = SyncSummary::default();
    // Unresolved alerts in scope.
    let mut existing: HashMap<(i64, AlertReason), Unresolved> = HashMap::new();
    each_row(
        conn,
        "SELECT id, account_id, reason, status, snoozed_until, detail FROM alerts
         WHERE status <> 'resolved' {ONE}",
        "account_id",
        &[],
        scope,
        |r| {
            existing.insert(
                (r.get(1)?, r.get(2)?),
                Unresolved {
                    id: r.get(0)?,
                    status: r.get(3)?,
                    snoozed_until: r.get(4)?,
                    detail: r.get(5)?,
                },
            );
            Ok(())
        },
    )?;
    let mut quiet: HashSet<(i64, AlertReason)> = HashSet::new();
    each_row(
        conn,
        "SELECT account_id, reason FROM alerts
         WHERE status = 'resolved' AND resolved_by = 'user' AND resolved_on > ?1 {ONE}",
        "account_id",
        &[&(today - Duration::days(RESOLVED_QUIET_DAYS))],
        scope,
        |r| {
            quiet.insert((r.get(0)?, r.get(1)?));
            Ok(())
        },
    )?;
    let mut update = conn.prepare_cached(
        "UPDATE alerts SET detail = ?2, updated_on = ?3, status = ?4,
                snoozed_until = CASE WHEN ?4 = 'open' THEN NULL ELSE snoozed_until END
         WHERE id = ?1",
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO alerts(account_id, reason, detail, status, raised_on, updated_on)
         VALUES (?1, ?2, ?3, 'open', ?4, ?4)",
    )?;
    let mut seen = HashSet::new();
    for (&account_id, reasons) in firing {
        for (reason, detail) in reasons {
            let key = (account_id, *reason);
            seen.insert(key);
            match existing.get(&key) {
                Some(old) => {
                    let wakes = old.status == AlertStatus::Snoozed
                        && old.snoozed_until.is_none_or(|u| u <= today);
                    let status = if wakes { AlertStatus::Open } else { old.status };
                    if wakes || old.detail != *detail {
                        update.execute(params![old.id, detail, today, status])?;
                        summary.updated += 1;
                    }
                }
                None if quiet.contains(&key) => {}
                None => {
                    insert.execute(params![account_id, reason, detail, today])?;
                    summary.raised += 1;
                    if apply_playbooks {
                        summary.tasks_created +=
                            playbook_tasks(conn, conn.last_insert_rowid(), today)?
                                .map_or(0, |(_, n)| n);
                    }
                }
            }
        }
    }
    let mut clear = conn.prepare_cached(
        "UPDATE alerts SET status = 'resolved', resolved_by = 'rule', resolved_on = ?2, updated_on = ?2,
                resolution_note = 'Cleared: the condition no longer holds'
         WHERE id = ?1",
    )?;
    for (key, old) in &existing {
        // Only accounts that were assessed can clear (a churned account's alerts go too).
        if !seen.contains(key) {
            clear.execute(params![old.id, today])?;
            summary.cleared += 1;
        }
    }
    Ok(summary)
}

const ALERT_SELECT: &str =
    "SELECT al.id, al.account_id, al.reason, al.detail, al.status, al.snoozed_until,
        al.raised_on, al.updated_on, al.resolved_on, al.resolution_note,
        (SELECT count(*) FROM tasks t WHERE t.alert_id = al.id AND t.done_at IS NULL),
        EXISTS (SELECT 1 FROM tasks t WHERE t.alert_id = al.id)
     FROM alerts al";

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: r.get(0)?,
        account_id: r.get(1)?,
        reason: r.get(2)?,
        detail: r.get(3)?,
        status: r.get(4)?,
        snoozed_until: crate::dates::column_opt(r, 5)?,
        raised_on: crate::dates::column(r, 6)?,
        updated_on: crate::dates::column(r, 7)?,
        resolved_on: crate::dates::column_opt(r, 8)?,
        resolution_note: r.get(9)?,
        playbook_tasks_open: r.get(10)?,
        playbook_applied: r.get(11)?,
    })
}

/// An account's unresolved alerts (snoozed ones included) and those resolved
/// in the last 90 days, newest first.
pub fn for_account(conn: &Connection, account_id: i64, today: NaiveDate) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ALERT_SELECT} WHERE al.account_id = ?1 AND (al.status <> 'resolved' OR al.resolved_on > ?2)
         ORDER BY al.status = 'resolved', al.updated_on DESC, al.id DESC"
    ))?;
    let rows = stmt.query_map(params![account_id, today - Duration::days(90)], alert_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Unresolved alerts of the whole book that are not snoozed past `today`.
pub fn awake(conn: &Connection, today: NaiveDate) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ALERT_SELECT} WHERE al.status = 'open' OR (al.status = 'snoozed' AND al.snoozed_until <= ?1)"
    ))?;
    let rows = stmt.query_map(params![today], alert_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks that every alert exists and is unresolved, and marks its account.
fn touch_accounts(w: &Write<'_>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::invalid(say!(
            "No alert was chosen.",
            "Keine Warnung ausgewählt."
        )));
    }
    let mut stmt = w
        .conn()
        .prepare_cached("SELECT status, account_id FROM alerts WHERE id = ?1")?;
    for id in ids {
        let found: Option<(AlertStatus, i64)> = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            None => {
                return Err(Error::not_found(say!(
                    "Alert {id} does not exist.",
                    "Warnung {id} gibt es nicht."
                )))
            }
            Some((AlertStatus::Resolved, _)) => {
                return Err(Error::invalid(say!(
                    "Alert {id} is already resolved.",
                    "Warnung {id} ist bereits erledigt."
                )))
            }
            Some((_, account)) => w.touch(account),
        }
    }
    Ok(())
}

/// Quiets alerts until `until` (exclusive of today: a snooze is at least a day).
pub fn snooze(w: &Write<'_>, ids: &[i64], until: NaiveDate) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    if until <= today {
        return Err(Error::invalid(say!(
            "Snooze until a day after today.",
            "Zurückstellen bis zu einem Tag nach heute."
        )));
    }
    touch_accounts(w, ids)?;
    let mut stmt = conn.prepare_cached(
        "UPDATE alerts SET status = 'snoozed', snoozed_until = ?2, updated_on = ?3 WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(params![id, until, today])?;
    }
    Ok(())
}

/// Resolves alerts with the CSM's note; the same reason stays quiet for
/// `RESOLVED_QUIET_DAYS` even if its rule still fires.
pub fn resolve(w: &Write<'_>, ids: &[i64], note: &str) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    touch_accounts(w, ids)?;
    let note = note.trim();
    let mut stmt = conn.prepare_cached(
        "UPDATE alerts SET status = 'resolved', resolved_by = 'user', resolved_on = ?2,
                updated_on = ?2, resolution_note = ?3, snoozed_until = NULL
         WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(params![id, today, (!note.is_empty()).then_some(note)])?;
    }
    Ok(())
}
