//! Portfolios written by released schemas must open in this build with every
//! row intact. Each schema version leaves a small fixture behind (a 6-account
//! demo book made with `steward demo --accounts 6 --seed 3 --years 1`); when a
//! migration is added, these tests prove the upgrade and the backup.

use std::path::Path;

use chrono::NaiveDate;
use steward_core::portfolio::{self, PortfolioQuery};
use steward_core::{account, store};

const TABLES: &[(&str, i64)] = &[
    ("accounts", 6),
    ("contacts", 68),
    ("usage_daily", 2196),
    ("activities", 103),
    ("invoices", 67),
    ("tickets", 72),
    ("survey_responses", 21),
];

#[test]
fn a_schema_1_portfolio_opens_with_every_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolio-v1.sqlite3");
    std::fs::copy(&fixture, dir.path().join(store::DB_FILE)).expect("copy fixture");

    let conn = store::open_in(dir.path()).expect("open a schema-1 file");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, store::SCHEMA_VERSION);
    for (table, rows) in TABLES {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, *rows, "{table} keeps its rows");
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let list = portfolio::list(&conn, &PortfolioQuery::default(), today).expect("list");
    assert_eq!(list.len(), 6);
    let page = account::page(&conn, list[0].id, 365, today).expect("page");
    assert!(!page.usage.days.is_empty());

    // An upgrade (schema newer than 1) leaves a copy of the old file behind.
    let backups = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".v1-"))
        .count();
    assert_eq!(backups > 0, store::SCHEMA_VERSION > 1);
}
