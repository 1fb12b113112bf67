//! The SQLite portfolio file: checking it before anything writes to it,
//! opening it with the pragmas every connection needs, and migrating it.
//! Rust is the only writer of this file.
//!
//! Opening never changes a file it then refuses: the version and an
//! integrity check are read on a read-only connection first, so a portfolio
//! from a newer Steward or a damaged one stays byte for byte as it was. A
//! failed upgrade or a failed first start leaves no partial file or backup.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::say;

mod scope;
pub(crate) use scope::each_row;
pub use scope::Scope;

/// Embedded migrations, applied in order. Append only: a released migration is
/// never edited, because users' files already ran it.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_portfolio.sql")),
    (2, include_str!("../migrations/0002_health.sql")),
    (3, include_str!("../migrations/0003_plans.sql")),
    (4, include_str!("../migrations/0004_qbrs.sql")),
    (5, include_str!("../migrations/0005_demo_truth_out.sql")),
    (6, include_str!("../migrations/0006_history.sql")),
    (7, include_str!("../migrations/0007_qbr_decks.sql")),
    (8, include_str!("../migrations/0008_sync.sql")),
    (9, include_str!("../migrations/0009_sync_review.sql")),
    (10, include_str!("../migrations/0010_crm.sql")),
    (11, include_str!("../migrations/0011_onboarding_de.sql")),
    (12, include_str!("../migrations/0012_usage_spans.sql")),
    (13, include_str!("../migrations/0013_covering_indexes.sql")),
    (14, include_str!("../migrations/0014_band_counts.sql")),
    (
        15,
        include_str!("../migrations/0015_band_counts_by_day.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// File name of the portfolio inside the data directory.
pub const DB_FILE: &str = "portfolio.sqlite3";

/// The per-user data directory: `STEWARD_DATA_DIR` if set, else the OS's
/// application data folder (`$XDG_DATA_HOME/steward` on Linux).
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("STEWARD_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join("Library").join("Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join("steward")).ok_or_else(|| {
        Error::invalid(say!(
            "Cannot find a home folder for the portfolio; set STEWARD_DATA_DIR.",
            "Für das Portfolio ist kein Home-Ordner zu finden; setzen Sie STEWARD_DATA_DIR."
        ))
    })
}

/// What the app shows before anything else: where the portfolio is, whether
/// it holds accounts yet (else the welcome screen), the CSM's today, why
/// the portfolio could not be opened, if it could not, and the app's version.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct PortfolioStatus {
    pub data_dir: String,
    #[ts(type = "number")]
    pub accounts: i64,
    pub today: chrono::NaiveDate,
    pub open_error: Option<crate::error::ErrorPayload>,
    /// The app's version, shown in its window.
    pub version: String,
}

/// A small fact about the file from `meta`, if it was recorded.
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT value FROM meta WHERE key = ?1",
        [key],
        |r| r.get(0),
    ))?)
}

/// Records a small fact about the file in `meta` (replacing the old value).
pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// When a file's integrity is checked as it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrity {
    /// Before anything else (the CLI: about 70 ms for a 250-account book).
    Now,
    /// By the caller, before its first write (the app checks on a thread of
    /// its own after the window is up: about 1.3 s for 5,000 accounts). A
    /// file that needs an upgrade is still checked before it is migrated.
    Deferred,
}

/// Opens (creating if needed) the portfolio in `data_dir` and brings its
/// schema up to date.
pub fn open_in(data_dir: &Path) -> Result<Connection> {
    open_in_with(data_dir, Integrity::Now)
}

/// Like `open_in`, choosing when the integrity check runs.
pub fn open_in_with(data_dir: &Path, integrity: Integrity) -> Result<Connection> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        Error::io(
            say!(
                "Cannot create {}",
                "{} kann nicht angelegt werden",
                data_dir.display()
            ),
            e,
        )
    })?;
    open_with(&data_dir.join(DB_FILE), integrity)
}

/// Opens the portfolio file at `path`, migrating it when it is older than this
/// build (after taking a backup) and refusing it when it is newer or damaged.
pub fn open(path: &Path) -> Result<Connection> {
    open_with(path, Integrity::Now)
}

/// Like `open`, choosing when the integrity check runs.
pub fn open_with(path: &Path, integrity: Integrity) -> Result<Connection> {
    let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    if existed {
        let found = check_version(path)?;
        if integrity == Integrity::Now || found < SCHEMA_VERSION {
            check_integrity(path)?;
        }
    }
    let opened = connect(path).and_then(|mut conn| {
        migrate(&mut conn, path)?;
        Ok(conn)
    });
    opened.map_err(|e| {
        if !existed {
            // A portfolio that could not even be created leaves nothing behind.
            remove_with_sidecars(path);
        }
        match e {
            Error::Storage(inner) if is_damage(&inner) => damaged(path, &inner.to_string()),
            other => explain_io(other, path),
        }
    })
}

fn read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| damaged(path, &e.to_string()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Reads the file's schema version without writing to it; a file from a
/// newer Steward is refused untouched.
fn check_version(path: &Path) -> Result<i64> {
    let conn = read_only(path)?;
    let found = match schema_version(&conn) {
        Ok(v) => v,
        Err(Error::Storage(e)) if is_damage(&e) => return Err(damaged(path, &e.to_string())),
        Err(e) => return Err(e),
    };
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Checks the file's integrity without writing to it; a damaged file is
/// refused with how to restore it.
pub fn check_integrity(path: &Path) -> Result<()> {
    let conn = read_only(path)?;
    let started = std::time::Instant::now();
    // quick_check reads every page once but skips the index cross-checks
    // of integrity_check: about a second for a 5,000-account book.
    let verdict: rusqlite::Result<String> =
        conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0));
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "integrity checked"
    );
    match verdict {
        Ok(v) if v == "ok" => Ok(()),
        Ok(v) => Err(damaged(path, &v)),
        Err(e) if is_damage(&e) => Err(damaged(path, &e.to_string())),
        Err(e) => Err(e.into()),
    }
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// The error for a damaged portfolio, saying how to get the data back.
fn damaged(path: &Path, detail: &str) -> Error {
    let newest = path.parent().and_then(|dir| {
        let stem = path.file_stem()?.to_string_lossy().to_string();
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                name.starts_with(&format!("{stem}.v")) && name.ends_with(".bak")
            })
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
            .map(|e| e.path())
    });
    let restore = match newest {
        Some(b) => format!(
            "To restore, quit Steward and replace it with the newest backup, {} (or a backup of your own).",
            b.display()
        ),
        None => "To restore, quit Steward and replace it with a backup of your own.".to_string(),
    };
    // SQLite's words ("Tree 37 page 165: btreeInitPage() returns error
    // code 11") help whoever repairs the file, not the CSM: they go to the log.
    let detail: String = detail.chars().take(300).collect();
    tracing::error!(%detail, "the portfolio file is damaged");
    Error::Damaged(format!(
        "The portfolio file {} is damaged, so Steward will not write to it. {restore}",
        path.display()
    ))
}

/// Deletes a portfolio file that was being created, with its WAL files.
fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
}

/// SQLite reports a full disk while starting as a bare I/O error; a probe
/// write to the same folder tells the two apart.
fn explain_io(e: Error, path: &Path) -> Error {
    let Error::Storage(inner) = &e else {
        return e;
    };
    if !matches!(
        inner.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::DiskFull
        )
    ) {
        return e;
    }
    let Some(dir) = path.parent() else {
        return e;
    };
    let probe = dir.join(".steward-space-probe");
    let full = std::fs::write(&probe, vec![0u8; 64 * 1024])
        .err()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull);
    let _ = std::fs::remove_file(&probe);
    if full {
        Error::Io {
            context: format!(
                "The disk holding {} is full, so Steward could not open the portfolio; free some space and try again (nothing was changed)",
                dir.display()
            ),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        }
    } else {
        e
    }
}

/// A connection with the pragmas every connection needs, without migrating.
/// For extra connections (a background import) to a file `open` already migrated.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(conn)
}

fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    apply_migrations(conn, path, MIGRATIONS)
}

fn apply_migrations(conn: &mut Connection, path: &Path, migrations: &[(i64, &str)]) -> Result<()> {
    let latest = migrations.last().map_or(0, |m| m.0);
    let found = schema_version(conn)?;
    if found > latest {
        return Err(Error::DatabaseTooNew {
            found,
            supported: latest,
        });
    }
    if found == latest {
        return Ok(());
    }
    let copy = if found > 0 {
        Some(backup(conn, path, found)?)
    } else {
        None
    };
    for (version, sql) in migrations.iter().filter(|(v, _)| *v > found) {
        // Each migration and its version bump commit together or not at all.
        let step = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .and_then(|tx| {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", version)?;
                tx.commit()
            });
        if let Err(e) = step {
            let reached = schema_version(conn).unwrap_or(found);
            if reached == found {
                // Nothing was changed, so the copy would only be litter.
                if let Some(copy) = &copy {
                    let _ = std::fs::remove_file(copy);
                }
            }
            return Err(Error::Upgrade {
                version: *version,
                reason: crate::error::storage_message(&e),
                kept: match (reached == found, &copy) {
                    (true, _) => "The file was not changed.".to_string(),
                    (false, Some(copy)) => {
                        format!("A copy from before the upgrade is at {}.", copy.display())
                    }
                    (false, None) => String::new(),
                },
            });
        }
    }
    Ok(())
}

/// Copies the whole database next to itself before a migration touches it.
fn backup(conn: &Connection, path: &Path, version: i64) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut target = path.with_extension(format!("v{version}-{stamp}.bak"));
    let mut n = 1;
    // Two upgrades within one second (or a retry after a failed one) must not collide.
    while target.exists() {
        n += 1;
        target = path.with_extension(format!("v{version}-{stamp}-{n}.bak"));
    }
    let target_str = target.to_str().ok_or_else(|| {
        Error::invalid(say!(
            "The data folder path is not valid UTF-8",
            "Der Pfad des Datenordners ist kein gültiges UTF-8"
        ))
    })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target_str]) {
        let _ = std::fs::remove_file(&target);
        return Err(Error::Io {
            context: format!(
                "Steward takes a copy of the portfolio before upgrading it, and could not write it ({}); the portfolio was not changed",
                crate::error::storage_message(&e)
            ),
            source: std::io::Error::other("backup failed"),
        });
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_file_gets_current_schema_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open_in(dir.path()).expect("open");
        assert_eq!(schema_version(&conn).expect("version"), SCHEMA_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("fk");
        assert_eq!(fk, 1);
        // Reopening an up-to-date file is a no-op.
        drop(conn);
        open_in(dir.path()).expect("reopen");
    }

    #[test]
    fn newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DB_FILE);
        {
            let conn = open(&path).expect("open");
            conn.execute_batch("CREATE TABLE from_the_future(x); PRAGMA user_version = 99;")
                .expect("bump");
        }
        let before = std::fs::read(&path).expect("read");
        let err = open(&path).expect_err("must refuse");
        assert!(matches!(err, Error::DatabaseTooNew { found: 99, .. }));
        assert!(err.to_string().contains("newer version of Steward"));
        assert_eq!(std::fs::read(&path).expect("read"), before);
    }

    #[test]
    fn older_database_is_backed_up_then_migrated_and_a_failed_migration_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DB_FILE);
        let v1: &[(i64, &str)] = &[(1, "CREATE TABLE t(x); INSERT INTO t VALUES ('keep me');")];
        let mut conn = connect(&path).expect("connect");
        apply_migrations(&mut conn, &path, v1).expect("v1");
        let backups = || -> Vec<std::path::PathBuf> {
            std::fs::read_dir(dir.path())
                .expect("list")
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().contains(".v1-"))
                .map(|e| e.path())
                .collect()
        };

        // A long migration that fails: a short message, no SQL, no copy left.
        let filler: String = (0..40)
            .map(|i| format!("CREATE TABLE filler_table_{i}(a, b, c); "))
            .collect();
        let long_sql = format!("ALTER TABLE t ADD COLUMN y; {filler} THIS IS NOT SQL;");
        let broken: &[(i64, &str)] = &[v1[0], (2, &long_sql)];
        let err = apply_migrations(&mut conn, &path, broken).expect_err("broken migration fails");
        let message = err.to_string();
        assert!(message.len() < 300, "{message}");
        assert!(
            !message.contains("filler_table"),
            "no SQL in the message: {message}"
        );
        assert!(
            message.contains("schema 2") && message.contains("not changed"),
            "{message}"
        );
        assert_eq!(schema_version(&conn).expect("version"), 1);
        let cols: i64 = conn
            .query_row("SELECT count(*) FROM pragma_table_info('t')", [], |r| {
                r.get(0)
            })
            .expect("cols");
        assert_eq!(cols, 1, "the half-applied ALTER was rolled back");
        assert!(
            backups().is_empty(),
            "a failed attempt leaves no copy behind"
        );
        // Trying again does not pile up copies either.
        apply_migrations(&mut conn, &path, broken).expect_err("still broken");
        assert!(backups().is_empty());

        let v2: &[(i64, &str)] = &[v1[0], (2, "ALTER TABLE t ADD COLUMN y DEFAULT 2;")];
        apply_migrations(&mut conn, &path, v2).expect("v2");
        assert_eq!(schema_version(&conn).expect("version"), 2);
        let copies = backups();
        assert_eq!(copies.len(), 1, "a backup of the v1 file was taken");
        let copy = Connection::open(&copies[0]).expect("open backup");
        let (x, version): (String, i64) = copy
            .query_row(
                "SELECT x, (SELECT user_version FROM pragma_user_version) FROM t",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row");
        assert_eq!((x.as_str(), version), ("keep me", 1));
    }

    #[test]
    fn a_newer_file_in_rollback_journal_mode_keeps_every_byte() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DB_FILE);
        {
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch(
                "PRAGMA journal_mode = DELETE; CREATE TABLE future(x); INSERT INTO future VALUES (1);
                 PRAGMA user_version = 77;",
            )
            .expect("future file");
        }
        let before = std::fs::read(&path).expect("read");
        assert_eq!((before[18], before[19]), (1, 1), "rollback journal mode");
        let err = open(&path).expect_err("refused");
        assert!(matches!(err, Error::DatabaseTooNew { found: 77, .. }));
        assert_eq!(
            std::fs::read(&path).expect("read"),
            before,
            "not switched to WAL"
        );
        assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
    }

    #[test]
    fn a_damaged_file_is_refused_untouched_with_how_to_restore() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DB_FILE);
        {
            let conn = open(&path).expect("create");
            conn.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
                 INSERT INTO meta(key, value) SELECT 'k' || i, hex(randomblob(200)) FROM n;",
            )
            .expect("fill");
        }
        std::fs::write(dir.path().join("portfolio.v4-20261101T000000Z.bak"), b"old")
            .expect("backup");
        // Scribble over the header of a b-tree page in the middle of the file.
        let mut bytes = std::fs::read(&path).expect("read");
        let page = 4096 * (bytes.len() / 4096 / 2);
        bytes[page..page + 8].copy_from_slice(&[0xFF; 8]);
        std::fs::write(&path, &bytes).expect("corrupt");
        let err = open(&path).expect_err("refused");
        assert_eq!(err.code(), crate::ErrorCode::DatabaseDamaged);
        let message = err.to_string();
        assert!(message.contains("damaged"), "{message}");
        assert!(
            message.contains("portfolio.v4-20261101T000000Z.bak"),
            "names the backup: {message}"
        );
        assert_eq!(
            std::fs::read(&path).expect("read"),
            bytes,
            "nothing written"
        );
        // Garbage that is not a database at all is refused the same way.
        std::fs::write(
            &path,
            b"this is not a database, just text that is long enough ".repeat(200),
        )
        .expect("garbage");
        assert_eq!(
            open(&path).expect_err("refused").code(),
            crate::ErrorCode::DatabaseDamaged
        );
    }
}
