//! What the shell keeps between commands: where the portfolio is, the one
//! connection the UI's commands share, and the cancel flags of running jobs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction};
use serde::Serialize;
use steward_core::progress::CancelToken;
use steward_core::{assess, store, Error, ErrorCode, ErrorPayload};

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

    /// Brings the per-account rollups and the assessment (health, risk,
    /// alerts) to today's date when they were computed on an earlier day
    /// (their windows move with the calendar). Runs on
    /// its own connection so it never delays the first screen; true when it
    /// changed anything.
    pub fn refresh_rollups_if_stale(&self) -> CommandResult<bool> {
        let conn = self.background_conn()?;
        let today = steward_core::today();
        let rollups = steward_core::rollup::refresh_if_stale(&conn, today)?;
        // Health, risk and alerts follow the calendar too.
        let assessed = steward_core::assess::run_if_stale(&conn, today)?;
        Ok(rollups || assessed)
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(store::DB_FILE)
    }

    /// Why commands cannot run: the error met when opening the portfolio.
    fn not_open(&self) -> CommandError {
        CommandError(self.open_error.clone().unwrap_or(ErrorPayload {
            code: ErrorCode::Internal,
            message: "The portfolio is not open.".into(),
        }))
    }

    /// Runs `f` on the shared connection.
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error>,
    ) -> CommandResult<T> {
        let conn = self.conn.as_ref().ok_or_else(|| self.not_open())?;
        // A panic while holding the lock poisons it; the connection itself is
        // still consistent (SQLite rolled back), so keep using it.
        let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut guard)?)
    }

    /// Runs a write to one account and reassesses that account in the same
    /// transaction, so its health, warnings and Today item never disagree
    /// with what was written. `f` gets today and returns the account it
    /// wrote to with its result.
    pub fn write_account<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, NaiveDate) -> Result<(i64, T), Error>,
    ) -> CommandResult<T> {
        self.with_conn(|c| {
            let today = steward_core::today();
            let tx = c.transaction()?;
            let (account, out) = f(&tx, today)?;
            assess::after_account_write(&tx, account, today)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// A second connection for long work (import, demo), so the UI's reads
    /// keep going while it runs (WAL lets readers and one writer overlap).
    /// Only once the portfolio opened (and was migrated) on the shared one.
    pub fn background_conn(&self) -> CommandResult<Connection> {
        if self.conn.is_none() {
            return Err(self.not_open());
        }
        Ok(store::connect(&self.db_path())?)
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
        // The only test in this crate that sets the variable, so no race.
        std::env::set_var("STEWARD_DATA_DIR", dir.path());
        let state = AppState::open();
        std::env::remove_var("STEWARD_DATA_DIR");
        let open_error = state.open_error.clone().expect("refused");
        assert_eq!(open_error.code, ErrorCode::DatabaseTooNew);
        let err = state.with_conn(|_| Ok(())).expect_err("not open");
        assert_eq!(err.0, open_error);
        assert_eq!(
            state.background_conn().err().map(|e| e.0.code),
            Some(ErrorCode::DatabaseTooNew)
        );
    }
}
