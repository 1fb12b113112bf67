//! The open app syncs on its own: once a minute it asks which connections
//! are due (`steward_sync::connections::due`) and runs their rounds on a
//! thread of its own, one round at a time with "Sync now"; after a
//! check-in it sends the outbox at once. Being offline is a state the
//! Connections screen shows ("last synced 3 h ago"), never an interruption.

use std::time::Duration;

use steward_core::write::Changes;
use steward_sync::connections;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::{announce, AppState};

/// Told to the window when a background round or outbox send ended.
pub const SYNC_FINISHED: &str = "sync-finished";

/// The first look comes two minutes after start: the first screen, the
/// integrity check and the day's reassessment come first, and a CSM who
/// opens the app to sync by hand is not raced by the schedule.
const FIRST_LOOK: Duration = Duration::from_secs(120);

/// Starts the schedule: the first look after `FIRST_LOOK`, then once a minute.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_LOOK);
        loop {
            run_due(&app);
            std::thread::sleep(Duration::from_secs(60));
        }
    });
}

fn run_due(app: &AppHandle) {
    let state = app.state::<AppState>();
    // A round already running (the CSM's "Sync now") covers this minute.
    let Ok(_busy) = state.syncing.try_lock() else {
        return;
    };
    let Ok(mut conn) = state.background_conn() else {
        return;
    };
    let due = match connections::due(&conn, chrono::Utc::now()) {
        Ok(d) if !d.is_empty() => d,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "the sync schedule could not read its connections");
            return;
        }
    };
    let ends = connections::rounds(
        &mut conn,
        &due,
        steward_core::today(),
        false,
        None,
        &mut |_| {},
    );
    for end in &ends {
        tracing::info!(vendor = end.vendor.name(), outcome = %end.outcome, "scheduled sync");
    }
    announce(
        app,
        &Changes {
            accounts: vec![],
            book: true,
        },
    );
    if let Err(e) = app.emit(SYNC_FINISHED, &ends) {
        tracing::warn!(error = %e, "could not tell the window a sync ended");
    }
}

/// Sends the outbox on a thread of its own (after a check-in or a retry);
/// offline, it waits for the next round.
pub fn send_outbox_soon(app: &AppHandle) {
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        let _busy = state.syncing.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(mut conn) = state.background_conn() else {
            return;
        };
        match connections::send_outboxes(&mut conn, steward_core::today()) {
            Ok(d) => tracing::info!(
                sent = d.sent,
                found = d.found,
                failed = d.failed,
                "outbox sent"
            ),
            Err(e) => tracing::info!(error = %e, "the outbox waits for the next sync"),
        }
        if let Err(e) = app.emit(SYNC_FINISHED, Vec::<connections::RoundEnd>::new()) {
            tracing::warn!(error = %e, "could not tell the window the outbox was sent");
        }
    });
}
