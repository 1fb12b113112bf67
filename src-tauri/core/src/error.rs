//! The one error type of the core, and the `{code, message}` shape it takes
//! when it crosses the IPC boundary.

use serde::Serialize;
use ts_rs::TS;

/// A closed set of codes the UI can branch on. Adding a code is a deliberate
/// change to the contract with the UI (the generated bindings change too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The thing asked for does not exist (account, task, file).
    NotFound,
    /// The caller's input is wrong; the message says which field and why.
    InvalidInput,
    /// The database was written by a newer Steward; it is left untouched.
    DatabaseTooNew,
    /// The portfolio file is damaged; Steward will not write to it.
    DatabaseDamaged,
    /// SQLite failed (disk full, locked, corrupt).
    Storage,
    /// Reading or writing a file failed.
    Io,
    /// The user cancelled long work; nothing was changed.
    Cancelled,
    /// A vendor could not be reached (offline, DNS, timeout): the local
    /// copy stays as it was and works.
    Offline,
    /// A vendor refused the stored secret: connect again with a new one.
    Reconnect,
    /// A bug: something that should not happen did.
    Internal,
}

/// What crosses the IPC boundary: a code to branch on and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error(
        "This portfolio was written by a newer version of Steward (schema {found}, this app knows up to {supported}). Update Steward to open it; the file was not changed."
    )]
    DatabaseTooNew { found: i64, supported: i64 },
    #[error("{msg}", msg = storage_message(.0))]
    Storage(#[from] rusqlite::Error),
    #[error("{0}")]
    Damaged(String),
    #[error("Upgrading the portfolio to schema {version} failed: {reason}. {kept}")]
    Upgrade {
        version: i64,
        reason: String,
        kept: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Cancelled; nothing was changed.")]
    Cancelled,
    #[error("{0}")]
    Offline(String),
    #[error("{0}")]
    Reconnect(String),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound(message.into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            Error::Storage(_) | Error::Upgrade { .. } => ErrorCode::Storage,
            Error::Damaged(_) => ErrorCode::DatabaseDamaged,
            Error::Io { .. } => ErrorCode::Io,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Offline(_) => ErrorCode::Offline,
            Error::Reconnect(_) => ErrorCode::Reconnect,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(serializer)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// SQLite's failures in words a CSM can act on, without the SQL behind them.
pub fn storage_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => {
            "The disk is full, so Steward could not save; free some space and try again (nothing was changed)".into()
        }
        Some(C::SystemIoFailure) => "The disk could not be read or written (an I/O error); nothing was changed".into(),
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            "The portfolio is busy with other work (an import, or another Steward window or command); try again in a moment".into()
        }
        Some(C::DatabaseCorrupt | C::NotADatabase) => {
            "The portfolio file is damaged or is not a Steward portfolio".into()
        }
        Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied) => {
            "Steward cannot write to the portfolio file (no permission, or a read-only disk)".into()
        }
        _ => match e {
            rusqlite::Error::SqlInputError { msg, .. } => format!("Database error: {msg}"),
            rusqlite::Error::SqliteFailure(_, Some(msg)) => format!("Database error: {msg}"),
            other => format!("Database error: {other}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_as_code_and_message() {
        let err = Error::DatabaseTooNew {
            found: 9,
            supported: 1,
        };
        let json = serde_json::to_value(&err).expect("serialize");
        assert_eq!(json["code"], "database_too_new");
        assert!(json["message"]
            .as_str()
            .expect("message is a string")
            .contains("newer version"));
        let json = serde_json::to_value(Error::NotFound("Account 7 does not exist".into()))
            .expect("serialize");
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "Account 7 does not exist"})
        );
    }
}
