use serde::Serialize;
use steward_core::demo::{self, DemoSpec, DemoSummary};
use steward_core::progress::{CancelToken, Progress};
use steward_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::blocking;
use crate::state::{AppState, CommandResult};

#[derive(Serialize)]
pub struct AppStatus {
    data_dir: String,
    accounts: i64,
    today: String,
    open_error: Option<ErrorPayload>,
}

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    let accounts = state
        .with_conn(|c| Ok(c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?))
        .unwrap_or(0);
    AppStatus {
        data_dir: state.data_dir.display().to_string(),
        accounts,
        today: steward_core::today().to_string(),
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
