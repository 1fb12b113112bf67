//! Tasks the CSM owes: created from check-in next steps (and later from
//! checklists and playbooks), listed as overdue, due today and upcoming.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, TS)]
pub struct Task {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct TaskList {
    pub overdue: Vec<Task>,
    pub today: Vec<Task>,
    /// Due later, or with no due date (last).
    pub upcoming: Vec<Task>,
}

const SELECT: &str = "SELECT t.id, t.account_id, a.name, t.title, t.due_on, t.done_at IS NOT NULL
                      FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_name: r.get(2)?,
        title: r.get(3)?,
        due_on: r.get(4)?,
        done: r.get(5)?,
    })
}

/// Open tasks split by due date relative to `today`.
pub fn open(conn: &Connection, today: NaiveDate) -> Result<TaskList> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE t.done_at IS NULL ORDER BY t.due_on IS NULL, t.due_on, t.id"
    ))?;
    let mut list = TaskList::default();
    for task in stmt.query_map([], row)? {
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

/// Marks a task done (or open again).
pub fn set_done(conn: &Connection, id: i64, done: bool) -> Result<()> {
    let done_at = done.then(|| Utc::now().to_rfc3339());
    let changed = conn.execute(
        "UPDATE tasks SET done_at = ?2 WHERE id = ?1",
        params![id, done_at],
    )?;
    if changed == 0 {
        return Err(Error::NotFound(format!("Task {id} does not exist.")));
    }
    Ok(())
}
