use steward_core::outbox::{self, OutboxEntry};
use steward_core::progress::CancelToken;
use steward_core::write::Changes;
use steward_core::Error;
use steward_sync::connections::{self, ConnectionInput, RoundEnd, RoundProgress};
use steward_sync::review::{self, Decision, Waiting};
use steward_sync::{ConnectionView, Probe, RunLine, Vendor};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::state::{announce, read, write, AppState, CommandError, CommandResult};

/// Runs blocking work that needs no portfolio lock (the keychain, a
/// vendor's answer) on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || Ok(f()?))
        .await
        .map_err(|e| CommandError::from(Error::Internal(e.to_string())))?
}

#[tauri::command]
pub async fn sync_overview(app: AppHandle) -> CommandResult<Vec<ConnectionView>> {
    read(&app, steward_sync::overview).await
}

/// What the given secret (or the stored one) can see at the address.
#[tauri::command]
pub async fn sync_probe(input: ConnectionInput) -> CommandResult<Probe> {
    blocking(move || {
        let url = input.base_url.trim().trim_end_matches('/').to_string();
        let secret = match input
            .secret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => s.to_string(),
            None => steward_sync::secrets::for_run(input.vendor, &url)?,
        };
        connections::probe(input.vendor, &url, &secret, &input.settings)
    })
    .await
}

#[tauri::command]
pub async fn sync_save(app: AppHandle, input: ConnectionInput) -> CommandResult<()> {
    write(&app, move |w| connections::save(w.conn(), &input)).await
}

#[tauri::command]
pub async fn sync_pause(app: AppHandle, vendor: Vendor, paused: bool) -> CommandResult<()> {
    write(&app, move |w| {
        connections::set_paused(w.conn(), vendor, paused)
    })
    .await
}

/// Removes the connection and its secret; the data it brought stays.
#[tauri::command]
pub async fn sync_disconnect(app: AppHandle, vendor: Vendor) -> CommandResult<()> {
    write(&app, move |w| steward_sync::disconnect(w.conn(), vendor)).await
}

#[tauri::command]
pub async fn sync_log(app: AppHandle, limit: Option<u32>) -> CommandResult<Vec<RunLine>> {
    read(&app, move |c| {
        steward_sync::runs(c, None, limit.unwrap_or(30))
    })
    .await
}

#[tauri::command]
pub async fn sync_review(app: AppHandle) -> CommandResult<Vec<Waiting>> {
    read(&app, review::waiting).await
}

/// Links a waiting record to `account`, or (None) makes it a new account.
#[tauri::command]
pub async fn sync_decide(
    app: AppHandle,
    vendor: Vendor,
    external_id: String,
    account: Option<i64>,
) -> CommandResult<()> {
    let decision = account.map_or(Decision::New, Decision::Account);
    write(&app, move |w| {
        review::decide_in(w, vendor, &external_id, decision)
    })
    .await
}

#[tauri::command]
pub async fn outbox_list(app: AppHandle) -> CommandResult<Vec<OutboxEntry>> {
    read(&app, |c| outbox::entries(c, 20)).await
}

#[tauri::command]
pub async fn outbox_retry(app: AppHandle, id: i64) -> CommandResult<()> {
    write(&app, move |w| outbox::retry(w, id)).await?;
    crate::schedule::send_outbox_soon(&app);
    Ok(())
}

/// Syncs one vendor, or every active one, now: progress per page, Cancel
/// between pages. Each vendor's end is returned; one failing does not
/// stop the next.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    vendor: Option<Vendor>,
    full: bool,
    job: u32,
    on_progress: Channel<RoundProgress>,
) -> CommandResult<Vec<RoundEnd>> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        // A scheduled round in progress finishes first; this one follows.
        let _busy = state.syncing.lock().unwrap_or_else(|p| p.into_inner());
        let cancel = CancelToken::default();
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.insert(job, cancel.clone());
        }
        let result = state.background_conn().map(|mut conn| {
            let vendors = match vendor {
                Some(v) => vec![v],
                None => connections::active(&conn),
            };
            let mut last = std::time::Instant::now();
            let mut tell = |p: &RoundProgress| {
                let _ = on_progress.send(p.clone());
                // Open screens catch up every few seconds, not every page.
                if last.elapsed() > std::time::Duration::from_secs(3) {
                    last = std::time::Instant::now();
                    announce(
                        &app,
                        &Changes {
                            accounts: vec![],
                            book: true,
                        },
                    );
                }
            };
            connections::rounds(
                &mut conn,
                &vendors,
                steward_core::today(),
                full,
                Some(cancel.flag()),
                &mut tell,
            )
        });
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.remove(&job);
        }
        let ends = result?;
        announce(
            &app,
            &Changes {
                accounts: vec![],
                book: true,
            },
        );
        Ok(ends)
    })
    .await
    .map_err(|e| CommandError::from(Error::Internal(e.to_string())))?
}

#[tauri::command]
pub fn sync_cancel(app: AppHandle, job: u32) {
    crate::state::cancel(&app, job);
}
