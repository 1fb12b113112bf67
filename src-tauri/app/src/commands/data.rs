use steward_core::backup::{self, BackupFile};
use steward_core::export::{self, Exported};
use steward_core::write::Changes;
use tauri::{AppHandle, Manager};

use crate::state::{announce, AppState, CommandError, CommandResult};

fn failed(e: impl std::fmt::Display) -> CommandError {
    CommandError::from(steward_core::Error::Internal(e.to_string()))
}

/// Runs long reading work on a connection of its own, so the screens'
/// reads never queue behind an export or a backup of a large book.
async fn on_own_connection<T: Send + 'static>(
    app: &AppHandle,
    work: impl FnOnce(&rusqlite::Connection, &std::path::Path) -> Result<T, steward_core::Error>
        + Send
        + 'static,
) -> CommandResult<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let conn = state.background_conn()?;
        Ok(work(&conn, &state.data_dir)?)
    })
    .await
    .map_err(failed)?
}

/// Writes the whole book into `folder` as the CSVs the import reads.
#[tauri::command]
pub async fn data_export(app: AppHandle, folder: String) -> CommandResult<Vec<Exported>> {
    on_own_connection(&app, move |c, _| {
        export::write(c, std::path::Path::new(&folder))
    })
    .await
}

/// The backups there are, newest first.
#[tauri::command]
pub async fn backups_list(app: AppHandle) -> CommandResult<Vec<BackupFile>> {
    let dir = app.state::<AppState>().data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || backup::list(&dir))
        .await
        .map_err(failed)
}

/// Takes a backup now.
#[tauri::command]
pub async fn backup_take(app: AppHandle) -> CommandResult<BackupFile> {
    on_own_connection(&app, backup::take).await
}

/// Removes all but the newest three upgrade copies: (files, bytes).
#[tauri::command]
pub async fn backups_prune(app: AppHandle) -> CommandResult<(u32, u64)> {
    let dir = app.state::<AppState>().data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || {
        backup::prune(&dir)
            .map(|(n, b)| (n as u32, b))
            .map_err(CommandError::from)
    })
    .await
    .map_err(failed)?
}

/// Restores a backup; every screen then reads the restored book.
#[tauri::command]
pub async fn backup_restore(app: AppHandle, path: String) -> CommandResult<String> {
    let handle = app.clone();
    let aside = tauri::async_runtime::spawn_blocking(move || {
        handle
            .state::<AppState>()
            .restore(std::path::Path::new(&path))
    })
    .await
    .map_err(failed)??;
    announce(
        &app,
        &Changes {
            accounts: vec![],
            book: true,
        },
    );
    Ok(aside.display().to_string())
}
