use steward_core::tasks::{self, NewTask, TaskList};
use tauri::AppHandle;

use crate::state::{read, write, CommandResult};

#[tauri::command]
pub async fn tasks_open(app: AppHandle) -> CommandResult<TaskList> {
    read(&app, |c| tasks::open(c, steward_core::today())).await
}

#[tauri::command]
pub async fn task_add(app: AppHandle, task: NewTask) -> CommandResult<i64> {
    write(&app, move |w| tasks::add(w, &task)).await
}

#[tauri::command]
pub async fn task_set_done(app: AppHandle, id: i64, done: bool) -> CommandResult<()> {
    write(&app, move |w| tasks::set_done(w, id, done)).await
}
