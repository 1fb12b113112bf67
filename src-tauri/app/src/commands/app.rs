use steward_core::demo::{self, DemoSpec, DemoSummary};
use steward_core::progress::{CancelToken, Progress};
use steward_core::store::PortfolioStatus;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::blocking;
use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> PortfolioStatus {
    let accounts = state
        .with_conn(|c| Ok(c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?))
        .unwrap_or(0);
    PortfolioStatus {
        data_dir: state.data_dir.display().to_string(),
        accounts,
        today: steward_core::today(),
        open_error: state.open_error.clone(),
    }
}

#[tauri::command]
pub async fn load_demo(
    app: AppHandle,
    spec: Option<DemoSpec>,
    on_progress: Channel<Progress>,
) -> CommandResult<DemoSummary> {
    blocking(move || {
        let state = app.state::<AppState>();
        let mut conn = state.background_conn()?;
        let spec = spec.unwrap_or_default();
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        Ok(demo::generate(
            &mut conn,
            &spec,
            steward_core::today(),
            &mut report,
            &CancelToken::default(),
        )?)
    })
    .await
}
