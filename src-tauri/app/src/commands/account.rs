use steward_core::account::{self, AccountPage};
use steward_core::checkin::{self, NewCheckIn};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn account_page(
    state: State<'_, AppState>,
    id: i64,
    usage_days: Option<i64>,
) -> CommandResult<AccountPage> {
    let days = usage_days.unwrap_or(365 * 3).clamp(7, 365 * 10);
    state.with_conn(|c| account::page(c, id, days, steward_core::today()))
}

#[tauri::command(async)]
pub fn log_check_in(state: State<'_, AppState>, input: NewCheckIn) -> CommandResult<i64> {
    state.with_conn(|c| checkin::log(c, &input, steward_core::today()))
}
