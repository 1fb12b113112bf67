use steward_core::portfolio::{self, PortfolioQuery, PortfolioRow};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn portfolio_list(
    state: State<'_, AppState>,
    query: PortfolioQuery,
) -> CommandResult<Vec<PortfolioRow>> {
    state.with_conn(|c| portfolio::list(c, &query, steward_core::today()))
}
