//! What the core's integration tests share: a fixed "today", a demo book in
//! a fresh portfolio file (with what each account was generated to do), and
//! a short way to run a write.

#![allow(dead_code)] // each test file uses its own part

use chrono::NaiveDate;
use rusqlite::Connection;
use steward_core::import::{self, Entity, ImportReport, ImportRequest};
use steward_core::progress::{self, CancelToken, Progress};
use steward_core::write::{self, Write};
use steward_core::{store, Result};
use steward_demo::{DemoBook, DemoSpec};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// A demo book of `accounts` accounts (3 years) generated with `seed`.
pub fn book(dir: &std::path::Path, accounts: u32, seed: u64) -> (Connection, DemoBook) {
    let mut conn = store::open_in(dir).expect("open");
    let demo = write(&mut conn, |w| {
        steward_demo::generate(
            w,
            &DemoSpec {
                seed,
                accounts,
                years: 3,
            },
            &mut progress::ignore,
            &CancelToken::default(),
        )
    });
    (conn, demo)
}

/// Runs `work` as one write on `today()`; panics with the error if it fails.
pub fn write<T>(conn: &mut Connection, work: impl FnOnce(&Write<'_>) -> Result<T>) -> T {
    write_on(conn, today(), work)
}

/// Runs `work` as one write on `day`.
pub fn write_on<T>(
    conn: &mut Connection,
    day: NaiveDate,
    work: impl FnOnce(&Write<'_>) -> Result<T>,
) -> T {
    write::run(conn, day, work).expect("write").0
}

/// Runs `work` as one write on `today()` and returns its result, error or not.
pub fn try_write<T>(
    conn: &mut Connection,
    work: impl FnOnce(&Write<'_>) -> Result<T>,
) -> Result<T> {
    write::run(conn, today(), work).map(|(out, _)| out)
}

/// Runs `work` as one write on `day` and returns its result, error or not.
pub fn try_write_on<T>(
    conn: &mut Connection,
    day: NaiveDate,
    work: impl FnOnce(&Write<'_>) -> Result<T>,
) -> Result<T> {
    write::run(conn, day, work).map(|(out, _)| out)
}

/// The first column of every row a query gives, in its order.
pub fn column<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Vec<T> {
    conn.prepare(sql)
        .expect(sql)
        .query_map([], |r| r.get(0))
        .expect(sql)
        .collect::<rusqlite::Result<_>>()
        .expect(sql)
}

/// A day written as YYYY-MM-DD.
pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A new account that signed on the last day of January.
pub fn new_account(conn: &Connection) -> i64 {
    conn.execute(
        "INSERT INTO accounts(name, arr_minor, currency, contract_start, renewal_date, lifecycle_stage, source, created_at, updated_at)
         VALUES ('Quokka Labs', 4800000, 'USD', '2026-01-31', '2027-01-31', 'onboarding', 'user', '', '')",
        [],
    )
    .expect("account");
    conn.last_insert_rowid()
}

/// Writes `bytes` to `name` in `dir`; returns its path.
pub fn save(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

/// Runs an import as one write.
pub fn run_import(
    conn: &mut Connection,
    request: &ImportRequest,
    progress: &mut dyn FnMut(Progress),
    cancel: &CancelToken,
) -> Result<ImportReport> {
    write::run(conn, today(), |w| import::run(w, request, progress, cancel)).map(|(r, _)| r)
}

/// Imports the file at `path` the way the CLI does (reading options judged
/// from the file, the suggested mapping) and checks that every row is
/// counted once.
pub fn import_file(conn: &mut Connection, path: &str, entity: Entity) -> ImportReport {
    let info = import::inspect(std::path::Path::new(path)).expect("inspect");
    let request = ImportRequest {
        path: path.into(),
        entity,
        options: info.options,
        mapping: import::suggest_mapping(entity, &info.headers),
        keep: Vec::new(),
    };
    let report = run_import(
        conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("import");
    assert_eq!(
        report.written + report.unchanged + report.failed,
        report.rows_read,
        "every row is counted once"
    );
    report
}

/// Writes `bytes` to `name` in `dir` and imports it like `import_file`.
pub fn import_bytes(
    conn: &mut Connection,
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
    entity: Entity,
) -> ImportReport {
    let path = save(dir, name, bytes);
    import_file(conn, &path, entity)
}
