use steward_core::search::{self, SearchHit};
use tauri::AppHandle;

use crate::state::{read, CommandResult};

#[tauri::command]
pub async fn search(app: AppHandle, text: String) -> CommandResult<Vec<SearchHit>> {
    read(&app, move |c| search::query(c, &text, 30)).await
}
