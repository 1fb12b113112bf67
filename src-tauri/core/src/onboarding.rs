//! Onboarding checklists. A template is phases of items, each with an owner
//! side (CSM or customer), a due offset in days from the contract start and
//! optionally a milestone it completes. Templates are versioned: saving one
//! adds a version, and applying a template copies its items into the
//! account's own checklist, so later edits never rewrite running checklists.
//! Progress is counted per phase and overall; items past their due date are
//! overdue; an onboarding with no item done for a while is stuck.

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::text_enum;
use crate::plans::{self, MilestoneInput};
use crate::say;
use crate::write::Write;

text_enum!(
    /// Who owes a checklist item.
    ItemOwner { Csm => "csm", Customer => "customer" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateItem {
    pub title: String,
    pub owner: ItemOwner,
    #[ts(type = "number")]
    pub due_offset_days: i64,
    /// Completing the item achieves a milestone of the same name.
    pub milestone: bool,
    /// That milestone marks first value (time to value counts to it).
    pub first_value: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplatePhase {
    pub name: String,
    pub items: Vec<TemplateItem>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Template {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    #[ts(type = "number")]
    pub version: i64,
    pub phases: Vec<TemplatePhase>,
}

/// The newest version of every template, by name: the CSM's own, and the
/// ones Steward ships in the language it speaks now (an English CSM is not
/// offered "Standard-Onboarding"; one that edited it keeps their version).
pub fn templates(conn: &Connection) -> Result<Vec<Template>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, version, phases FROM checklist_templates t
         WHERE version = (SELECT max(version) FROM checklist_templates u WHERE u.name = t.name)
           AND (shipped_lang IS NULL OR shipped_lang = ?1)
         ORDER BY name",
    )?;
    let rows = stmt.query_map([Lang::current().tag()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, version, json) = row?;
        let phases = serde_json::from_str(&json).map_err(|e| {
            Error::invalid(say!(
                "Template \"{name}\" v{version} cannot be read: {e}",
                "Vorlage „{name}“ v{version} kann nicht gelesen werden: {e}"
            ))
        })?;
        out.push(Template {
            id,
            name,
            version,
            phases,
        });
    }
    Ok(out)
}

/// The onboarding template Steward ships in the language it speaks now, as
/// shipped (version 1), whatever the CSM made of it since.
pub fn shipped_template(conn: &Connection) -> Result<Template> {
    let missing = || Error::Internal("the shipped onboarding template is missing".into());
    let (id, name, version, json): (i64, String, i64, String) = conn
        .query_row(
            "SELECT id, name, version, phases FROM checklist_templates WHERE shipped_lang = ?1",
            [Lang::current().tag()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(missing)?;
    let phases = serde_json::from_str(&json).map_err(|_| missing())?;
    Ok(Template {
        id,
        name,
        version,
        phases,
    })
}

/// Saves `phases` as the next version of template `name` (or its first).
pub fn save_template(w: &Write<'_>, name: &str, phases: &[TemplatePhase]) -> Result<Template> {
    let conn = w.conn();
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(say!(
            "The template needs a name.",
            "Die Vorlage braucht einen Namen."
        )));
    }
    if phases.iter().all(|p| p.items.is_empty()) {
        return Err(Error::invalid(say!(
            "The template needs at least one item.",
            "Die Vorlage braucht mindestens einen Punkt."
        )));
    }
    for p in phases {
        if p.name.trim().is_empty() {
            return Err(Error::invalid(say!(
                "Every phase needs a name.",
                "Jede Phase braucht einen Namen."
            )));
        }
        for i in &p.items {
            if i.title.trim().is_empty() {
                return Err(Error::invalid(say!(
                    "Phase \"{}\" has an item without a title.",
                    "Phase „{}“ hat einen Punkt ohne Titel.",
                    p.name.trim()
                )));
            }
            if !(0..=730).contains(&i.due_offset_days) {
                return Err(Error::invalid(say!(
                    "\"{}\": due 0 to 730 days after the contract start.",
                    "„{}“: fällig 0 bis 730 Tage nach Vertragsbeginn.",
                    i.title.trim()
                )));
            }
        }
    }
    let version: i64 = conn.query_row(
        "SELECT coalesce(max(version), 0) + 1 FROM checklist_templates WHERE name = ?1",
        [name],
        |r| r.get(0),
    )?;
    let json = serde_json::to_string(phases).map_err(|e| {
        Error::invalid(say!(
            "The template cannot be stored: {e}",
            "Die Vorlage kann nicht gespeichert werden: {e}"
        ))
    })?;
    conn.execute(
        "INSERT INTO checklist_templates(name, version, phases, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, version, json, Utc::now().to_rfc3339()],
    )?;
    Ok(Template {
        id: conn.last_insert_rowid(),
        name: name.to_string(),
        version,
        phases: phases.to_vec(),
    })
}

/// A new customer's checklist counts from its contract start when that was
/// at most this many days ago; an older customer's from today.
pub const NEW_CUSTOMER_DAYS: i64 = 30;

/// The day a checklist applied now should count from, unless the CSM says
/// otherwise: the contract start of a new customer, today for a running one
/// (dating a running customer's items from a start years ago would make them
/// all late and every milestone missed at once).
pub fn default_start(conn: &Connection, account_id: i64, today: NaiveDate) -> Result<NaiveDate> {
    let start: Option<Option<NaiveDate>> = conn
        .query_row(
            "SELECT contract_start FROM accounts WHERE id = ?1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?;
    let start = start.ok_or_else(|| {
        Error::not_found(say!(
            "Account {account_id} does not exist.",
            "Kunde {account_id} existiert nicht."
        ))
    })?;
    Ok(match start {
        Some(s) if today - s <= Duration::days(NEW_CUSTOMER_DAYS) => s,
        _ => today,
    })
}

/// Gives the account its own checklist from a template version; due dates
/// count from `start` (None: `default_start`). Milestone items create their
/// milestones. One running checklist per account.
pub fn apply(
    w: &Write<'_>,
    account_id: i64,
    template_id: i64,
    expectations: &str,
    start: Option<NaiveDate>,
) -> Result<i64> {
    let (conn, today) = (w.conn(), w.today());
    let start = match start {
        Some(day) => {
            crate::account::require(conn, account_id)?;
            day
        }
        None => default_start(conn, account_id, today)?,
    };
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM checklists WHERE account_id = ?1)",
        [account_id],
        |r| r.get(0),
    )?;
    if exists {
        return Err(Error::invalid(say!(
            "This account already has an onboarding checklist.",
            "Dieser Kunde hat bereits eine Onboarding-Checkliste."
        )));
    }
    let (name, version, json): (String, i64, String) = conn
        .query_row(
            "SELECT name, version, phases FROM checklist_templates WHERE id = ?1",
            [template_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Template {template_id} does not exist.",
                "Vorlage {template_id} existiert nicht."
            ))
        })?;
    let phases: Vec<TemplatePhase> = serde_json::from_str(&json).map_err(|e| {
        Error::invalid(say!(
            "Template \"{name}\" cannot be read: {e}",
            "Vorlage „{name}“ kann nicht gelesen werden: {e}"
        ))
    })?;
    let expectations = expectations.trim();
    conn.execute(
        "INSERT INTO checklists(account_id, template_id, template_name, template_version, started_on, expectations, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            account_id,
            template_id,
            name,
            version,
            start,
            (!expectations.is_empty()).then_some(expectations),
            Utc::now().to_rfc3339()
        ],
    )?;
    let checklist = conn.last_insert_rowid();
    let mut insert = conn.prepare_cached(
        "INSERT INTO checklist_items(checklist_id, phase, phase_order, position, title, owner, due_on, milestone_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (p, phase) in phases.iter().enumerate() {
        for (k, item) in phase.items.iter().enumerate() {
            let due = start + Duration::days(item.due_offset_days);
            let milestone = if item.milestone {
                Some(plans::add_milestone(
                    w,
                    &MilestoneInput {
                        account_id,
                        objective_id: None,
                        title: item.title.clone(),
                        target_date: Some(due),
                        first_value: item.first_value,
                    },
                )?)
            } else {
                None
            };
            insert.execute(params![
                checklist, phase.name, p as i64, k as i64, item.title, item.owner, due, milestone
            ])?;
        }
    }
    w.touch(account_id);
    Ok(checklist)
}

/// Checks an item off (with the day and a note) or back on. Checking off an
/// item linked to a milestone achieves the milestone; opening it again takes
/// the achievement back. Returns the account.
pub fn set_done(
    w: &Write<'_>,
    item_id: i64,
    done_on: Option<NaiveDate>,
    note: &str,
) -> Result<i64> {
    let conn = w.conn();
    if done_on.is_some_and(|d| d > w.today()) {
        return Err(Error::invalid(say!(
            "An item cannot be done in the future.",
            "Ein Punkt kann nicht in der Zukunft erledigt werden."
        )));
    }
    let row: Option<(Option<i64>, i64)> = conn
        .query_row(
            "SELECT i.milestone_id, c.account_id FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id
             WHERE i.id = ?1",
            [item_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (milestone, account_id) = row.ok_or_else(|| {
        Error::not_found(say!(
            "Checklist item {item_id} does not exist.",
            "Checklistenpunkt {item_id} existiert nicht."
        ))
    })?;
    let note = note.trim();
    conn.execute(
        "UPDATE checklist_items SET done_on = ?2, note = coalesce(?3, note) WHERE id = ?1",
        params![item_id, done_on, (!note.is_empty()).then_some(note)],
    )?;
    match (milestone, done_on) {
        (Some(m), Some(on)) => {
            plans::achieve(w, m, on, note)?;
        }
        // Un-checking it takes the achievement back, so the two agree.
        (Some(m), None) => {
            plans::reopen(w, m)?;
        }
        (None, _) => {}
    }
    w.touch(account_id);
    Ok(account_id)
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChecklistItem {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub owner: ItemOwner,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub overdue: bool,
    pub milestone: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PhaseProgress {
    pub name: String,
    pub done: u32,
    pub total: u32,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Checklist {
    #[ts(type = "number")]
    pub id: i64,
    pub template_name: String,
    #[ts(type = "number")]
    pub template_version: i64,
    pub started_on: NaiveDate,
    pub expectations: Option<String>,
    pub phases: Vec<PhaseProgress>,
    pub done: u32,
    pub total: u32,
    /// Done items / all items, in % (0-100).
    pub progress_pct: f64,
    pub overdue: u32,
    pub last_done_on: Option<NaiveDate>,
}

/// The account's checklist with progress, as of `today`.
pub fn checklist(
    conn: &Connection,
    account_id: i64,
    today: NaiveDate,
) -> Result<Option<Checklist>> {
    let head: Option<(i64, String, i64, NaiveDate, Option<String>)> = conn
        .query_row(
            "SELECT id, template_name, template_version, started_on, expectations FROM checklists
             WHERE account_id = ?1 ORDER BY id DESC LIMIT 1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((id, template_name, template_version, started_on, expectations)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, phase, title, owner, due_on, done_on, note, milestone_id IS NOT NULL
         FROM checklist_items WHERE checklist_id = ?1 ORDER BY phase_order, position",
    )?;
    let rows = stmt.query_map([id], |r| {
        let due: Option<NaiveDate> = r.get(4)?;
        let done: Option<NaiveDate> = r.get(5)?;
        Ok((
            r.get::<_, String>(1)?,
            ChecklistItem {
                id: r.get(0)?,
                title: r.get(2)?,
                owner: r.get(3)?,
                due_on: due,
                done_on: done,
                note: r.get(6)?,
                overdue: done.is_none() && due.is_some_and(|d| d < today),
                milestone: r.get(7)?,
            },
        ))
    })?;
    let mut phases: Vec<PhaseProgress> = Vec::new();
    for row in rows {
        let (phase, item) = row?;
        if phases.last().is_none_or(|p| p.name != phase) {
            phases.push(PhaseProgress {
                name: phase,
                done: 0,
                total: 0,
                items: Vec::new(),
            });
        }
        if let Some(p) = phases.last_mut() {
            p.total += 1;
            p.done += u32::from(item.done_on.is_some());
            p.items.push(item);
        }
    }
    let items = phases.iter().flat_map(|p| &p.items);
    let total = phases.iter().map(|p| p.total).sum::<u32>();
    let done = phases.iter().map(|p| p.done).sum::<u32>();
    Ok(Some(Checklist {
        id,
        template_name,
        template_version,
        started_on,
        expectations,
        progress_pct: if total == 0 {
            0.0
        } else {
            (f64::from(done) / f64::from(total) * 1000.0).round() / 10.0
        },
        overdue: items.clone().filter(|i| i.overdue).count() as u32,
        last_done_on: items.filter_map(|i| i.done_on).max(),
        phases,
        done,
        total,
    }))
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct OnboardingRow {
    #[ts(type = "number")]
    pub account_id: i64,
    pub account_name: String,
    pub started_on: NaiveDate,
    #[ts(type = "number")]
    pub days_since_start: i64,
    pub done: u32,
    pub total: u32,
    pub progress_pct: f64,
    pub overdue: u32,
    pub last_done_on: Option<NaiveDate>,
    /// No item done for `stuck_days` (counting from the start when none is).
    pub stuck: bool,
}

/// Every live account with an unfinished checklist, most overdue first.
pub fn board(conn: &Connection, today: NaiveDate, stuck_days: i64) -> Result<Vec<OnboardingRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, c.started_on, count(*), count(i.done_on),
                sum(i.done_on IS NULL AND i.due_on < ?1), max(i.done_on)
         FROM checklists c JOIN accounts a ON a.id = c.account_id AND a.status = 'active'
         JOIN checklist_items i ON i.checklist_id = c.id
         GROUP BY c.id HAVING count(i.done_on) < count(*)",
    )?;
    let rows = stmt.query_map([today], |r| {
        let started: NaiveDate = r.get(2)?;
        let total: u32 = r.get(3)?;
        let done: u32 = r.get(4)?;
        let last: Option<NaiveDate> = r.get(6)?;
        let quiet_since = last.unwrap_or(started);
        Ok(OnboardingRow {
            account_id: r.get(0)?,
            account_name: r.get(1)?,
            started_on: started,
            days_since_start: (today - started).num_days(),
            done,
            total,
            progress_pct: (f64::from(done) / f64::from(total.max(1)) * 1000.0).round() / 10.0,
            overdue: r.get(5)?,
            last_done_on: last,
            stuck: (today - quiet_since).num_days() >= stuck_days,
        })
    })?;
    let mut out: Vec<OnboardingRow> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.days_since_start.cmp(&a.days_since_start))
    });
    Ok(out)
}
