//! What the shell keeps between commands (where the portfolio is, a
//! connection for reads and one for writes, the cancel flags of running
//! jobs) and the three ways a command reaches the portfolio: `read`,
//! `write`, and `long_write` for work that takes seconds. All three run on
//! the async runtime's blocking pool, never on its worker threads; a write
//! announces what it changed to every open screen.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

use rusqlite::Connection;
use serde::Serialize;
use steward_core::progress::CancelToken;
use steward_core::say;
use steward_core::write::{self, Changes, Write};
use steward_core::{store, Error, ErrorCode, ErrorPayload};
use tauri::{AppHandle, Emitter, Manager};

/// Event telling the UI what a write changed (a `Changes`), so open screens
/// showing those accounts refetch.
pub const PORTFOLIO_CHANGED: &str = "portfolio-changed";
/// Event telling the UI that work it did not ask for failed (an `ErrorPayload`).
pub const BACKGROUND_FAILED: &str = "background-failed";

/// The verdict of the integrity check that runs after the window is up:
/// writes wait for it, and a damaged file gets none.
#[derive(Default)]
struct IntegrityVerdict {
    verdict: Mutex<Option<Result<(), ErrorPayload>>>,
    ready: Condvar,
}

/// The one error shape that crosses the IPC boundary.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub ErrorPayload);

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError(e.payload())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

pub struct AppState {
    pub data_dir: PathBuf,
    /// None when the portfolio could not be opened; `open_error` says why.
    reader: Option<Mutex<Connection>>,
    writer: Option<Mutex<Connection>>,
    pub open_error: Option<ErrorPayload>,
    pub jobs: Mutex<HashMap<u32, CancelToken>>,
    /// Held while vendors sync (on demand or on schedule): one round at a time.
    pub syncing: Mutex<()>,
    integrity: IntegrityVerdict,
    /// Set when the window has shown its first screen (`app_ready`): work
    /// that would compete with the first paint waits for it.
    shown: (Mutex<bool>, Condvar),
}

impl AppState {
    /// Opens the portfolio (checked, migrated); a failure is kept and shown
    /// by the UI instead of ending the app, so a too-new, damaged or
    /// unreadable file gets a readable screen.
    pub fn open() -> Self {
        Self::open_at(store::default_data_dir())
    }

    fn open_at(data_dir: Result<PathBuf, Error>) -> Self {
        let opened = data_dir.as_ref().map_err(|e| e.payload()).and_then(|dir| {
            // The integrity check (a second for a large book) runs after the
            // window is up; writes wait for it (`check_integrity`).
            let writer =
                store::open_in_with(dir, store::Integrity::Deferred).map_err(|e| e.payload())?;
            let reader = store::connect(&dir.join(store::DB_FILE)).map_err(|e| e.payload())?;
            Ok((reader, writer))
        });
        let data_dir = data_dir.unwrap_or_default();
        match opened {
            Ok((reader, writer)) => AppState {
                data_dir,
                reader: Some(Mutex::new(reader)),
                writer: Some(Mutex::new(writer)),
                open_error: None,
                jobs: Mutex::default(),
                syncing: Mutex::default(),
                integrity: IntegrityVerdict::default(),
                shown: Default::default(),
            },
            Err(e) => {
                tracing::error!(code = ?e.code, "the portfolio could not be opened");
                AppState {
                    data_dir,
                    reader: None,
                    writer: None,
                    open_error: Some(e),
                    jobs: Mutex::default(),
                    syncing: Mutex::default(),
                    integrity: IntegrityVerdict::default(),
                    shown: Default::default(),
                }
            }
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(store::DB_FILE)
    }

    /// Why commands cannot run: the error met when opening the portfolio.
    fn not_open(&self) -> CommandError {
        CommandError(self.open_error.clone().unwrap_or(ErrorPayload {
            code: ErrorCode::Internal,
            message: say!(
                "The portfolio is not open.",
                "Das Portfolio ist nicht geöffnet."
            ),
        }))
    }

    fn with<T>(
        &self,
        conn: &Option<Mutex<Connection>>,
        f: impl FnOnce(&mut Connection) -> Result<T, Error>,
    ) -> CommandResult<T> {
        let conn = conn.as_ref().ok_or_else(|| self.not_open())?;
        // A panic while holding the lock poisons it; the connection itself is
        // still consistent (SQLite rolled back), so keep using it.
        let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut guard)?)
    }

    /// Runs a read on the read connection (reads never wait for writes: WAL).
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Error>,
    ) -> CommandResult<T> {
        self.with(&self.reader, |c| f(c))
    }

    /// The window has shown its first screen.
    pub fn mark_shown(&self) {
        if let Ok(mut shown) = self.shown.0.lock() {
            *shown = true;
        }
        self.shown.1.notify_all();
    }

    /// Waits until the first screen is shown, or `most` has passed.
    fn wait_until_shown(&self, most: std::time::Duration) {
        let Ok(guard) = self.shown.0.lock() else {
            return;
        };
        let _ = self
            .shown
            .1
            .wait_timeout_while(guard, most, |shown| !*shown);
    }

    /// Checks the file's integrity and records the verdict writes wait for.
    pub fn check_integrity(&self) -> Result<(), ErrorPayload> {
        let verdict = store::check_integrity(&self.db_path()).map_err(|e| e.payload());
        if let Ok(mut slot) = self.integrity.verdict.lock() {
            *slot = Some(verdict.clone());
        }
        self.integrity.ready.notify_all();
        verdict
    }

    /// Waits for the integrity verdict: nothing writes into a damaged file.
    fn writable(&self) -> CommandResult<()> {
        let mut slot = self
            .integrity
            .verdict
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(verdict) = slot.as_ref() {
                return verdict.clone().map_err(CommandError);
            }
            slot = self
                .integrity
                .ready
                .wait(slot)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Runs `work` as one write on the write connection.
    pub fn with_writer<T>(
        &self,
        work: impl FnOnce(&Write<'_>) -> Result<T, Error>,
    ) -> CommandResult<(T, Changes)> {
        if self.writer.is_none() {
            return Err(self.not_open());
        }
        self.writable()?;
        self.with(&self.writer, |c| write::run(c, steward_core::today(), work))
    }

    /// Restores the portfolio from `file` with both of the app's
    /// connections held, so no read or write meets a file being swapped,
    /// then opens the restored file in their place (upgraded when older).
    /// A sync holds its own lock and goes first. Returns where the
    /// portfolio before it was kept.
    pub fn restore(&self, file: &std::path::Path) -> CommandResult<PathBuf> {
        let (Some(writer), Some(reader)) = (&self.writer, &self.reader) else {
            return Err(self.not_open());
        };
        let _sync = self.syncing.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut r = reader.lock().unwrap_or_else(|p| p.into_inner());
        let aside = steward_core::backup::restore(&self.data_dir, file)?;
        *w = store::open_in(&self.data_dir)?;
        *r = store::connect(&self.db_path())?;
        Ok(aside)
    }

    /// A connection of its own for long work (import, demo, retraining), so
    /// neither reads nor the CSM's small writes queue behind it for long.
    /// Only once the portfolio opened (and was migrated).
    pub fn background_conn(&self) -> CommandResult<Connection> {
        if self.writer.is_none() {
            return Err(self.not_open());
        }
        Ok(store::connect(&self.db_path())?)
    }
}

fn failed_task(e: impl std::fmt::Display) -> CommandError {
    CommandError(ErrorPayload {
        code: ErrorCode::Internal,
        message: say!(
            "A background task failed: {e}",
            "Eine Hintergrundaufgabe ist fehlgeschlagen: {e}"
        ),
    })
}

/// Tells open screens what changed.
pub fn announce(app: &AppHandle, changes: &Changes) {
    if changes.is_empty() {
        return;
    }
    if let Err(e) = app.emit(PORTFOLIO_CHANGED, changes) {
        tracing::warn!(error = %e, "could not tell the window about a change");
    }
}

/// Runs a read on the blocking pool.
pub async fn read<T: Send + 'static>(
    app: &AppHandle,
    f: impl FnOnce(&Connection) -> Result<T, Error> + Send + 'static,
) -> CommandResult<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with_reader(f))
        .await
        .unwrap_or_else(|e| Err(failed_task(e)))
}

/// Runs a write on the blocking pool and announces what it changed.
pub async fn write<T: Send + 'static>(
    app: &AppHandle,
    work: impl FnOnce(&Write<'_>) -> Result<T, Error> + Send + 'static,
) -> CommandResult<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let (out, changes) = app.state::<AppState>().with_writer(work)?;
        announce(&app, &changes);
        Ok(out)
    })
    .await
    .unwrap_or_else(|e| Err(failed_task(e)))
}

/// Runs long work as one write on a connection of its own, cancellable
/// through `import_cancel`-style commands by its `job` number.
pub async fn long_write<T: Send + 'static>(
    app: &AppHandle,
    job: u32,
    work: impl FnOnce(&Write<'_>, &CancelToken) -> Result<T, Error> + Send + 'static,
) -> CommandResult<T> {
    long_work(app, job, move |conn, cancel| {
        write::run(conn, steward_core::today(), |w| work(w, cancel))
    })
    .await
}

/// Runs long work on a connection of its own that makes its own write
/// (reading first, outside it, what needs no lock), cancellable by its
/// `job` number; announces what the write changed.
pub async fn long_work<T: Send + 'static>(
    app: &AppHandle,
    job: u32,
    work: impl FnOnce(&mut Connection, &CancelToken) -> Result<(T, Changes), Error> + Send + 'static,
) -> CommandResult<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let cancel = CancelToken::default();
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.insert(job, cancel.clone());
        }
        let result = state
            .background_conn()
            .and_then(|mut conn| Ok(work(&mut conn, &cancel)?));
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.remove(&job);
        }
        let (out, changes) = result?;
        announce(&app, &changes);
        Ok(out)
    })
    .await
    .unwrap_or_else(|e| Err(failed_task(e)))
}

/// Asks the long work numbered `job` to stop at its next check.
pub fn cancel(app: &AppHandle, job: u32) {
    let state = app.state::<AppState>();
    if let Some(token) = state.jobs.lock().ok().and_then(|j| j.get(&job).cloned()) {
        token.cancel();
    }
}

/// Once the window has shown its first screen (or after a few seconds):
/// checks the file's integrity (writes wait for it), then on the first start
/// of a day brings rollups and the assessment to today on a connection of
/// its own. Both take a second or more on a large book, so they wait rather
/// than compete with the first paint on a two-core laptop. A failure is
/// logged and shown, never dropped.
pub fn after_start(app: &AppHandle) {
    let state = app.state::<AppState>();
    if state.writer.is_none() {
        return;
    }
    state.wait_until_shown(std::time::Duration::from_secs(5));
    if let Err(e) = state.check_integrity() {
        tracing::error!(code = ?e.code, "the portfolio failed its integrity check");
        if let Err(emit) = app.emit(BACKGROUND_FAILED, &e) {
            tracing::warn!(error = %emit, "could not tell the window about a failure");
        }
        return;
    }
    let result = state.background_conn().and_then(|mut conn| {
        Ok(steward_core::assess::bring_up_to_date(
            &mut conn,
            steward_core::today(),
        )?)
    });
    match result {
        Ok(Some(changes)) => announce(app, &changes),
        Ok(None) => {}
        Err(e) => background_failed(app, e),
    }
}

/// Work the CSM did not ask for failed: it is logged and shown, never dropped.
pub fn background_failed(app: &AppHandle, CommandError(e): CommandError) {
    tracing::error!(code = ?e.code, message = %e.message, "background work failed");
    if let Err(emit) = app.emit(BACKGROUND_FAILED, &e) {
        tracing::warn!(error = %emit, "could not tell the window about a failure");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_leave_the_shell_as_code_and_message() {
        let err = CommandError::from(Error::NotFound("Account 7 does not exist.".into()));
        assert_eq!(
            serde_json::to_value(&err).expect("json"),
            serde_json::json!({"code": "not_found", "message": "Account 7 does not exist."})
        );
    }

    #[test]
    fn a_portfolio_from_a_newer_steward_keeps_the_app_up_and_every_command_says_why() {
        let dir = tempfile::tempdir().expect("tmp");
        {
            let conn = store::open_in(dir.path()).expect("create");
            conn.execute_batch("PRAGMA user_version = 42;")
                .expect("bump");
        }
        let state = AppState::open_at(Ok(dir.path().to_path_buf()));
        let open_error = state.open_error.clone().expect("refused");
        assert_eq!(open_error.code, ErrorCode::DatabaseTooNew);
        let err = state.with_reader(|_| Ok(())).expect_err("not open");
        assert_eq!(err.0, open_error);
        let err = state.with_writer(|_| Ok(())).expect_err("not open");
        assert_eq!(err.0, open_error);
        assert_eq!(
            state.background_conn().err().map(|e| e.0.code),
            Some(ErrorCode::DatabaseTooNew)
        );
    }

    #[test]
    fn a_damaged_portfolio_opens_for_reading_but_takes_no_write() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(store::DB_FILE);
        {
            let conn = store::open(&path).expect("create");
            conn.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
                 INSERT INTO meta(key, value) SELECT 'k' || i, hex(randomblob(200)) FROM n;",
            )
            .expect("fill");
        }
        // The last page holds rows of `meta`, written last.
        let mut bytes = std::fs::read(&path).expect("read");
        let page = bytes.len() - 4096;
        bytes[page..page + 8].copy_from_slice(&[0xFF; 8]);
        std::fs::write(&path, &bytes).expect("damage");

        // The window opens (the check runs after it), reads still work...
        let state = AppState::open_at(Ok(dir.path().to_path_buf()));
        assert!(state.open_error.is_none(), "{:?}", state.open_error);
        let version: i64 = state
            .with_reader(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .expect("read");
        assert_eq!(version, store::SCHEMA_VERSION);
        // ...the check finds the damage, and no write goes in.
        let verdict = state.check_integrity().expect_err("damaged");
        assert_eq!(verdict.code, ErrorCode::DatabaseDamaged);
        let refused = state
            .with_writer(|w| store::set_meta(w.conn(), "probe", "x"))
            .expect_err("no write into a damaged file");
        assert_eq!(refused.0.code, ErrorCode::DatabaseDamaged);
        drop(state);
        assert_eq!(std::fs::read(&path).expect("read"), bytes);
    }
}
