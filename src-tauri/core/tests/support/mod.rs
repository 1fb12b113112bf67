//! What the core's integration tests share: a fixed "today" and a demo book
//! in a fresh portfolio file.

#![allow(dead_code)] // each test file uses its own part

use chrono::NaiveDate;
use steward_core::demo::{self, DemoSpec};
use steward_core::progress::{self, CancelToken};
use steward_core::store;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// A demo book of `accounts` accounts (3 years) generated with `seed`.
pub fn book(dir: &std::path::Path, accounts: u32, seed: u64) -> rusqlite::Connection {
    let mut conn = store::open_in(dir).expect("open");
    demo::generate(
        &mut conn,
        &DemoSpec {
            seed,
            accounts,
            years: 3,
        },
        today(),
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("generate");
    conn
}
