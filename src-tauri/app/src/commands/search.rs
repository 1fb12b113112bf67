use steward_core::search::{self, SearchHit};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, text: String) -> CommandResult<Vec<SearchHit>> {
    state.with_conn(|c| search::query(c, &text, 30))
}
