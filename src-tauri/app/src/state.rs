//! What the shell keeps between commands: where the portfolio is, the one
//! connection the UI's commands share, and the cancel flags of running jobs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::progress::CancelToken;
use steward_core::{store, Error, ErrorCode, ErrorPayload};

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
    conn: Option<Mutex<Connection>>,
    pub open_error: Option<ErrorPayload>,
    pub jobs: Mutex<HashMap<u32, CancelToken>>,
}

impl AppState {
    /// Opens the portfolio; a failure is kept and shown by the UI instead of
    /// ending the app, so a too-new or unreadable file gets a readable screen.
    pub fn open() -> Self {
        let opened =
            store::default_data_dir().and_then(|dir| Ok((dir.clone(), store::open_in(&dir)?)));
        match opened {
            Ok((data_dir, conn)) => AppState {
                data_dir,
                conn: Some(Mutex::new(conn)),
                open_error: None,
                jobs: Mutex::default(),
            },
            Err(e) => AppState {
                data_dir: store::default_data_dir().unwrap_or_default(),
                conn: None,
                open_error: Some(e.payload()),
                jobs: Mutex::default(),
            },
        }
    }

    /// Brings the per-account rollups to today's date when they were computed
    /// on an earlier day (their usage windows move with the calendar). Runs on
    /// its own connection so it never delays the first screen; true when it
    /// changed anything.
    pub fn refresh_rollups_if_stale(&self) -> CommandResult<bool> {
        let conn = self.background_conn()?;
        Ok(steward_core::rollup::refresh_if_stale(
            &conn,
            steward_core::today(),
        )?)
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(store::DB_FILE)
    }

    /// Runs `f` on the shared connection.
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error>,
    ) -> CommandResult<T> {
        let conn = self.conn.as_ref().ok_or_else(|| {
            CommandError(self.open_error.clone().unwrap_or(ErrorPayload {
                code: ErrorCode::Internal,
                message: "The portfolio is not open.".into(),
            }))
        })?;
        // A panic while holding the lock poisons it; the connection itself is
        // still consistent (SQLite rolled back), so keep using it.
        let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut guard)?)
    }

    /// A second connection for long work (import, demo), so the UI's reads
    /// keep going while it runs (WAL lets readers and one writer overlap).
    pub fn background_conn(&self) -> CommandResult<Connection> {
        if self.conn.is_none() {
            return self.with_conn(|_| Err(Error::Internal("unreachable".into())));
        }
        Ok(store::connect(&self.db_path())?)
    }
}
