//! The one way anything writes to the portfolio. `run` opens an IMMEDIATE
//! transaction (a deferred one that reads and then writes fails with
//! SQLITE_BUSY_SNAPSHOT when another writer got in between, instead of
//! waiting its turn), hands the work a `Write`, and before committing brings
//! the rollups and assessment of every account the work touched up to date,
//! so health, warnings and Today never disagree with what was written. It
//! returns the change set the app announces to its screens.
//!
//! Every public function of the core that writes takes a `&Write`, so none
//! can run outside this path.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Scope;

/// Above this many touched accounts the window hears that the whole book
/// changed rather than which accounts did.
const WHOLE_BOOK_AT: usize = 64;
/// Above this share of the book touched, the whole book is refreshed and
/// reassessed: one pass in the order the rows lie beats looking up each
/// touched account's (reading the inputs of 2,500 of 5,000 accounts by key
/// took 51 ms, of 3,750 71 ms, of the whole book in one pass 59 ms).
const WHOLE_BOOK_SHARE: f64 = 0.5;

/// A write in progress: the transaction, the CSM's today, and what changed.
pub struct Write<'c> {
    tx: Transaction<'c>,
    today: NaiveDate,
    touched: RefCell<BTreeSet<i64>>,
    book: Cell<bool>,
    /// Every account's rollups were refreshed and none was touched since:
    /// settling need not refresh them again (a demo book's 3,000 planned
    /// accounts took a quarter of a second).
    rollups_fresh: Cell<bool>,
}

/// What a write changed, for the screens showing it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Changes {
    /// Accounts whose data changed (empty when `book` is set and many did).
    #[ts(type = "number[]")]
    pub accounts: Vec<i64>,
    /// The whole book was reassessed (settings, an import, a new day).
    pub book: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && !self.book
    }
}

impl<'c> Write<'c> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The CSM's calendar day the write happens on.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// Marks an account whose data changed: it is reassessed before commit.
    pub fn touch(&self, account_id: i64) {
        self.touched.borrow_mut().insert(account_id);
        self.rollups_fresh.set(false);
    }

    /// Every account's rollups are as of today (`rollup::refresh_all`).
    pub(crate) fn rollups_refreshed(&self) {
        self.rollups_fresh.set(true);
    }

    /// Marks a change that concerns every account (settings, a new model).
    pub fn touch_book(&self) {
        self.book.set(true);
    }

    fn settle(&self) -> Result<Changes> {
        let accounts: Vec<i64> = self.touched.borrow().iter().copied().collect();
        let conn = self.conn();
        // The window hears "the whole book" rather than this many ids.
        let many = accounts.len() > WHOLE_BOOK_AT;
        let most = many && {
            let size: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
            accounts.len() as f64 > WHOLE_BOOK_SHARE * size as f64
        };
        // The touched accounts' rollups, then their assessment in one pass
        // (all of the book's when it changed as a whole).
        if !self.rollups_fresh.get() && !accounts.is_empty() {
            let scope = if most {
                Scope::Book
            } else {
                Scope::of(&accounts)
            };
            crate::rollup::refresh(conn, scope, self.today)?;
        }
        if self.book.get() || most {
            crate::assess::run_after_change(conn, self.today, Scope::Book)?;
        } else if !accounts.is_empty() {
            crate::assess::run_after_change(conn, self.today, Scope::of(&accounts))?;
        }
        Ok(Changes {
            book: self.book.get() || many,
            accounts: if many { Vec::new() } else { accounts },
        })
    }
}

/// Runs `work` as one write: all of it and the reassessment it calls for,
/// or (on any error) none of it.
pub fn run<T>(
    conn: &mut Connection,
    today: NaiveDate,
    work: impl FnOnce(&Write<'_>) -> Result<T>,
) -> Result<(T, Changes)> {
    let w = begin(conn, today)?;
    let out = work(&w)?;
    let settling = std::time::Instant::now();
    let changes = w.settle()?;
    let committing = std::time::Instant::now();
    w.tx.commit()?;
    tracing::debug!(
        accounts = changes.accounts.len(),
        book = changes.book,
        settle_ms = (committing - settling).as_millis() as u64,
        commit_ms = committing.elapsed().as_millis() as u64,
        "write committed"
    );
    Ok((out, changes))
}

/// Runs `work` exactly as a write would and then rolls it back: a preview.
pub fn dry_run<T>(
    conn: &mut Connection,
    today: NaiveDate,
    work: impl FnOnce(&Write<'_>) -> Result<T>,
) -> Result<T> {
    work(&begin(conn, today)?)
}

fn begin(conn: &mut Connection, today: NaiveDate) -> Result<Write<'_>> {
    Ok(Write {
        tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
        today,
        touched: RefCell::default(),
        book: Cell::new(false),
        rollups_fresh: Cell::new(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_and_a_dry_run_never_commits() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut conn = crate::store::open_in(dir.path()).expect("open");
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let insert = |w: &Write<'_>| -> Result<()> {
            w.conn()
                .execute("INSERT INTO meta(key, value) VALUES ('probe', 'x')", [])?;
            Ok(())
        };
        let err = run(&mut conn, today, |w| {
            insert(w)?;
            Err::<(), _>(crate::Error::invalid("no"))
        });
        assert!(err.is_err());
        dry_run(&mut conn, today, insert).expect("dry run");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM meta WHERE key = 'probe'", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(n, 0);
        let ((), changes) = run(&mut conn, today, insert).expect("write");
        assert!(changes.is_empty());
        let n: i64 = conn
            .query_row("SELECT count(*) FROM meta WHERE key = 'probe'", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(n, 1);
    }

    #[test]
    fn writes_wait_for_each_other_instead_of_failing() {
        // Two connections: one holds a write open while the other starts
        // one. With an immediate transaction the second waits (busy timeout)
        // and then succeeds; a deferred read-then-write would fail outright.
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(crate::store::DB_FILE);
        crate::store::open(&path).expect("create");
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let holder = {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut conn = crate::store::connect(&path).expect("connect");
                run(&mut conn, today, |w| {
                    w.conn()
                        .execute("INSERT INTO meta(key, value) VALUES ('a', '1')", [])?;
                    started_tx.send(()).ok();
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    Ok(())
                })
                .expect("first write");
            })
        };
        started_rx.recv().expect("started");
        let mut conn = crate::store::connect(&path).expect("connect");
        run(&mut conn, today, |w| {
            let n: i64 =
                w.conn()
                    .query_row("SELECT count(*) FROM meta WHERE key = 'a'", [], |r| {
                        r.get(0)
                    })?;
            w.conn()
                .execute("INSERT INTO meta(key, value) VALUES ('b', ?1)", [n])?;
            Ok(())
        })
        .expect("second write waits for the first");
        holder.join().expect("join");
        let seen: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'b'", [], |r| r.get(0))
            .expect("b");
        assert_eq!(seen, "1", "the second write saw the first one's row");
    }
}
