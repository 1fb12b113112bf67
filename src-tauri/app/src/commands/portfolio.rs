use steward_core::portfolio::{self, PortfolioQuery, PortfolioRow};
use tauri::AppHandle;

use crate::state::{read, CommandResult};

#[tauri::command]
pub async fn portfolio_list(
    app: AppHandle,
    query: PortfolioQuery,
) -> CommandResult<Vec<PortfolioRow>> {
    read(&app, move |c| {
        portfolio::list(c, &query, steward_core::today())
    })
    .await
}
