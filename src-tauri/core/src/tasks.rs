//! Tasks the CSM owes, in one list: check-in next steps, playbook tasks,
//! tasks written down by hand, and the CSM's own items of onboarding
//! checklists, split into overdue, due today and upcoming.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{source, text_enum};
use crate::say;
use crate::write::Write;

/// Where a task lives: the tasks table, or an onboarding checklist (whose
/// items are checked off through `onboarding::set_done`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Task,
    ChecklistItem,
}

text_enum!(
    /// Where a task came from, as the task list shows it.
    TaskOrigin {
        CheckIn => "check_in",
        Playbook => "playbook",
        Checklist => "checklist",
        Manual => "manual",
    }
);

#[derive(Debug, Clone, Serialize, TS)]
pub struct Task {
    pub kind: TaskKind,
    /// The id within its kind.
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    pub origin: TaskOrigin,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct TaskList {
    pub overdue: Vec<Task>,
    pub today: Vec<Task>,
    /// Due later, or with no due date (last).
    pub upcoming: Vec<Task>,
}

const SELECT: &str = "SELECT t.id, t.account_id, a.name, t.title, t.due_on, t.done_at IS NOT NULL,
                      CASE WHEN t.alert_id IS NOT NULL THEN 'playbook'
                           WHEN t.activity_id IS NOT NULL THEN 'check_in' ELSE 'manual' END AS origin
                      FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id";

/// One row of `SELECT` (or of the checklist items laid out the same way).
fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    let origin: TaskOrigin = r.get(6)?;
    Ok(Task {
        kind: if origin == TaskOrigin::Checklist {
            TaskKind::ChecklistItem
        } else {
            TaskKind::Task
        },
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_name: r.get(2)?,
        title: r.get(3)?,
        due_on: r.get(4)?,
        done: r.get(5)?,
        origin,
    })
}

/// Open tasks and the CSM's open checklist items of live accounts, split by
/// due date relative to `today`.
pub fn open(conn: &Connection, today: NaiveDate) -> Result<TaskList> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM (
             {SELECT} WHERE t.done_at IS NULL
             UNION ALL
             SELECT i.id, c.account_id, a.name, i.title, i.due_on, 0, 'checklist'
             FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id
             JOIN accounts a ON a.id = c.account_id AND a.status = 'active'
             WHERE i.owner = 'csm' AND i.done_on IS NULL)
         ORDER BY due_on IS NULL, due_on, origin = 'checklist', id"
    ))?;
    let mut list = TaskList::default();
    let rows = stmt.query_map([], row)?;
    for task in rows {
        let task = task?;
        match task.due_on {
            Some(due) if due < today => list.overdue.push(task),
            Some(due) if due == today => list.today.push(task),
            _ => list.upcoming.push(task),
        }
    }
    Ok(list)
}

pub fn open_for_account(conn: &Connection, account_id: i64) -> Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE t.account_id = ?1 AND t.done_at IS NULL ORDER BY t.due_on IS NULL, t.due_on, t.id"
    ))?;
    let rows = stmt.query_map([account_id], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A task the CSM writes down themselves, for an account or for no account.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewTask {
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
}

/// Adds a manual task; returns its id.
pub fn add(w: &Write<'_>, task: &NewTask) -> Result<i64> {
    let conn = w.conn();
    let title = task.title.trim();
    if title.is_empty() {
        return Err(Error::invalid(say!(
            "The task needs a title.",
            "Die Aufgabe braucht einen Titel."
        )));
    }
    if let Some(account) = task.account_id {
        crate::account::require(conn, account)?;
        w.touch(account);
    }
    conn.execute(
        "INSERT INTO tasks(account_id, title, due_on, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            task.account_id,
            title,
            task.due_on,
            source::USER,
            Utc::now().to_rfc3339()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Marks a task done (or open again).
pub fn set_done(w: &Write<'_>, id: i64, done: bool) -> Result<()> {
    let conn = w.conn();
    let account: Option<i64> = conn
        .query_row("SELECT account_id FROM tasks WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("Task {id} does not exist.")))?;
    let done_at = done.then(|| Utc::now().to_rfc3339());
    conn.execute(
        "UPDATE tasks SET done_at = ?2 WHERE id = ?1",
        params![id, done_at],
    )?;
    if let Some(account) = account {
        w.touch(account);
    }
    Ok(())
}
