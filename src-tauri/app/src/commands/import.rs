use std::path::Path;

use steward_core::import::{
    self, Entity, FieldInfo, ImportReport, ImportRequest, Inspection, ReadOptions,
};
use steward_core::progress::{CancelToken, Progress};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::blocking;
use crate::state::{AppState, CommandResult};

/// Reads a file's start and proposes how to read and map it.
#[tauri::command]
pub async fn import_inspect(
    path: String,
    entity: Entity,
    options: Option<ReadOptions>,
) -> CommandResult<Inspection> {
    blocking(move || Ok(import::inspect_for(Path::new(&path), entity, options)?)).await
}

#[tauri::command]
pub fn import_fields(entity: Entity) -> Vec<FieldInfo> {
    import::fields(entity)
}

#[tauri::command]
pub async fn import_preview(app: AppHandle, request: ImportRequest) -> CommandResult<ImportReport> {
    blocking(move || {
        let state = app.state::<AppState>();
        let mut conn = state.background_conn()?;
        Ok(import::preview(
            &mut conn,
            &request,
            steward_core::today(),
            20,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    request: ImportRequest,
    job: u32,
    on_progress: Channel<Progress>,
) -> CommandResult<ImportReport> {
    blocking(move || {
        let state = app.state::<AppState>();
        let cancel = CancelToken::default();
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.insert(job, cancel.clone());
        }
        let mut conn = state.background_conn()?;
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        let result = import::run(
            &mut conn,
            &request,
            steward_core::today(),
            &mut report,
            &cancel,
        );
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.remove(&job);
        }
        Ok(result?)
    })
    .await
}

#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>, job: u32) {
    if let Some(token) = state.jobs.lock().ok().and_then(|j| j.get(&job).cloned()) {
        token.cancel();
    }
}
