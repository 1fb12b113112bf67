use steward_core::tasks::{self, NewTask, TaskList};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn tasks_open(state: State<'_, AppState>) -> CommandResult<TaskList> {
    state.with_conn(|c| tasks::open(c, steward_core::today()))
}

#[tauri::command(async)]
pub fn task_add(state: State<'_, AppState>, task: NewTask) -> CommandResult<i64> {
    state.with_conn(|c| tasks::add(c, &task))
}

#[tauri::command(async)]
pub fn task_set_done(state: State<'_, AppState>, id: i64, done: bool) -> CommandResult<()> {
    state.with_conn(|c| tasks::set_done(c, id, done))
}
