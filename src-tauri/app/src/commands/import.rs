use std::path::Path;

use steward_core::import::{
    self, Entity, FieldInfo, ImportReport, ImportRequest, Inspection, ReadOptions,
};
use steward_core::progress::Progress;
use steward_core::write;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::state::{long_write, AppState, CommandError, CommandResult};

/// Reads a file's start and proposes how to read and map it.
#[tauri::command]
pub async fn import_inspect(
    path: String,
    entity: Entity,
    options: Option<ReadOptions>,
) -> CommandResult<Inspection> {
    tauri::async_runtime::spawn_blocking(move || {
        Ok(import::inspect_for(Path::new(&path), entity, options)?)
    })
    .await
    .map_err(|e| CommandError::from(steward_core::Error::Internal(e.to_string())))?
}

#[tauri::command]
pub fn import_fields(entity: Entity) -> Vec<FieldInfo> {
    import::fields(entity)
}

/// Checks the first rows as the import would, on a connection of its own,
/// and saves nothing.
#[tauri::command]
pub async fn import_preview(app: AppHandle, request: ImportRequest) -> CommandResult<ImportReport> {
    tauri::async_runtime::spawn_blocking(move || {
        let mut conn = app.state::<AppState>().background_conn()?;
        Ok(write::dry_run(&mut conn, steward_core::today(), |w| {
            import::preview(w, &request, 20)
        })?)
    })
    .await
    .map_err(|e| CommandError::from(steward_core::Error::Internal(e.to_string())))?
}

#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    request: ImportRequest,
    job: u32,
    on_progress: Channel<Progress>,
) -> CommandResult<ImportReport> {
    long_write(&app, job, move |w, cancel| {
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        import::run(w, &request, &mut report, cancel)
    })
    .await
}

#[tauri::command]
pub fn import_cancel(app: AppHandle, job: u32) {
    crate::state::cancel(&app, job);
}
