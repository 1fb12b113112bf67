//! Portfolios written by released schemas must open in this build with every
//! row intact. Each schema version leaves a small fixture behind (a 6-account
//! demo book made with `steward demo --accounts 6 --seed 3 --years 1`); these
//! tests prove the upgrade, the backup, and that the upgraded book works.

mod support;

use std::path::Path;

use rusqlite::Connection;
use steward_core::portfolio::{self, PortfolioQuery};
use steward_core::{account_page, assess, onboarding, store, Lang};
use support::{today, write};

const TABLES: &[&str] = &[
    "accounts",
    "contacts",
    "usage_daily",
    "activities",
    "invoices",
    "tickets",
    "survey_responses",
    "subscriptions",
    "tasks",
];

fn counts(conn: &Connection) -> Vec<i64> {
    TABLES
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .expect("count")
        })
        .collect()
}

fn opens_with_every_row(schema: i64) {
    let dir = tempfile::tempdir().expect("tmp");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/portfolio-v{schema}.sqlite3"));
    let path = dir.path().join(store::DB_FILE);
    std::fs::copy(&fixture, &path).expect("copy fixture");
    let before = counts(&Connection::open(&path).expect("raw open"));
    assert!(before[0] == 6, "the fixture holds the 6-account book");

    let mut conn = store::open_in(dir.path()).expect("open an older file");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, store::SCHEMA_VERSION);
    assert_eq!(counts(&conn), before, "every table keeps its rows");

    // The upgraded book works: listed, opened, assessed.
    let list = portfolio::list(&conn, &PortfolioQuery::default(), today()).expect("list");
    assert_eq!(list.len(), 6);
    let page = account_page::page(&conn, list[0].id, 365, today()).expect("page");
    assert!(!page.usage.days.is_empty());
    let summary = write(&mut conn, assess::book);
    assert_eq!(summary.accounts as usize, list.len());

    // The rollups of an older file are refreshed whole, with the usage they keep.
    assess::bring_up_to_date(&mut conn, today()).expect("up to date");
    let (kept, with_usage): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM account_rollups WHERE usage_spans IS NOT NULL),
                    (SELECT count(DISTINCT u.account_id) FROM usage_daily u JOIN accounts a ON a.id = u.account_id
                     WHERE a.status = 'active' AND u.day > date(?1, '-180 days') AND u.day <= ?1)",
            [today()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("kept usage");
    assert_eq!(kept, with_usage);

    // The band chart counts every history point, those from before too.
    let (points, counted): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM health_history),
                    (SELECT coalesce(sum(green + yellow + red + other), 0) FROM health_band_days)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("band counts");
    assert!(points > 0);
    assert_eq!(counted, points);

    // The shipped onboarding template is offered in either language.
    for (lang, name) in [
        (Lang::En, "Standard onboarding"),
        (Lang::De, "Standard-Onboarding"),
    ] {
        let shipped = lang
            .scoped(|| onboarding::shipped_template(&conn))
            .expect("shipped");
        assert_eq!(shipped.name, name);
    }

    // An upgrade leaves a copy of the old file behind; an up-to-date file does not.
    let backups = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains(&format!(".v{schema}-"))
        })
        .count();
    assert_eq!(backups > 0, store::SCHEMA_VERSION > schema);
}

#[test]
fn a_schema_1_portfolio_opens_with_every_row() {
    opens_with_every_row(1);
}

#[test]
fn a_schema_2_portfolio_opens_with_every_row() {
    opens_with_every_row(2);
}

#[test]
fn a_schema_3_portfolio_opens_with_every_row() {
    opens_with_every_row(3);
}

#[test]
fn a_schema_4_portfolio_opens_with_every_row() {
    opens_with_every_row(4);
}

#[test]
fn a_schema_5_portfolio_opens_with_every_row_and_history_begins() {
    opens_with_every_row(5);
    // Schema 6 starts each account's field history from the day it was
    // recorded, so "as of" reads have something to read.
    let dir = tempfile::tempdir().expect("tmp");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolio-v5.sqlite3");
    std::fs::copy(&fixture, dir.path().join(store::DB_FILE)).expect("copy fixture");
    let conn = store::open_in(dir.path()).expect("open");
    let (accounts, fields): (i64, i64) = conn
        .query_row(
            "SELECT count(DISTINCT account_id), count(DISTINCT field) FROM account_history",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("history");
    assert_eq!((accounts, fields), (6, 5));
    let undated: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE status = 'churned' AND churn_date IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("churn dates");
    assert_eq!(undated, 0);
}

#[test]
fn a_schema_6_portfolio_opens_with_every_row() {
    opens_with_every_row(6);
}

#[test]
fn a_schema_7_portfolio_opens_with_every_row() {
    opens_with_every_row(7);
}

#[test]
fn a_schema_8_portfolio_opens_with_every_row() {
    opens_with_every_row(8);
}

#[test]
fn a_schema_9_portfolio_opens_with_every_row() {
    opens_with_every_row(9);
}

#[test]
fn a_schema_10_portfolio_opens_with_every_row() {
    opens_with_every_row(10);
}

#[test]
fn a_schema_11_portfolio_opens_with_every_row_and_its_rollups_are_refreshed_on_the_next_start() {
    opens_with_every_row(11);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(store::DB_FILE);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolio-v11.sqlite3"),
        &path,
    )
    .expect("copy fixture");
    let conn = store::open_in(dir.path()).expect("open");
    // Its rollups hold no usage yet: their day is forgotten, so the next
    // start refreshes them and nothing reads spans that are not there.
    let day: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'rollups_on'", [], |r| {
            r.get(0)
        })
        .ok();
    assert_eq!(day, None);
}

#[test]
fn a_schema_12_portfolio_opens_with_every_row() {
    opens_with_every_row(12);
}

#[test]
fn a_schema_13_portfolio_opens_with_every_row() {
    opens_with_every_row(13);
}

#[test]
fn a_schema_14_portfolio_opens_with_every_row() {
    opens_with_every_row(14);
}
