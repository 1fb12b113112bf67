//! Tauri commands, one module per domain. Each parses its arguments, calls one
//! steward-core function and maps the error; nothing else.

pub mod account;
pub mod app;
pub mod health;
pub mod import;
pub mod plans;
pub mod portfolio;
pub mod search;
pub mod tasks;

/// Runs blocking work (SQLite, file reading) off the async runtime's threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> crate::state::CommandResult<T> + Send + 'static,
) -> crate::state::CommandResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| {
            Err(crate::state::CommandError(steward_core::ErrorPayload {
                code: steward_core::ErrorCode::Internal,
                message: format!("A background task failed: {e}"),
            }))
        })
}
