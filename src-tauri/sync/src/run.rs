//! One sync run: `run` logs it whatever its end and hands the connector a
//! `Run` (its stored cursor, its settings, and `commit`, which writes one
//! page of records and the cursor after it in one transaction through the
//! core's write path, then reports progress and honours Cancel). A `Page`
//! is that transaction seen from the connector: upserts, deletions, and
//! links of outside records to accounts, with the doubtful held for review.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Ingest, Link, Outcome, Record};
use steward_core::{search, write};

use crate::{connection, http, review, Counts, RunReport, Vendor};

/// Told after every committed page: the run's counts and traffic so far.
pub type Progress<'a> = &'a mut dyn FnMut(&Counts, &http::Traffic);

/// What a connector is given for one run.
pub struct Run<'a> {
    conn: &'a mut Connection,
    pub http: &'a mut http::Http,
    pub today: NaiveDate,
    /// Walk everything again instead of what changed.
    pub full: bool,
    pub settings: Map<String, Value>,
    pub counts: Counts,
    vendor: Vendor,
    cancel: Option<&'a AtomicBool>,
    progress: Option<Progress<'a>>,
}

impl<'a> Run<'a> {
    /// A setting's text, when given.
    pub fn setting(&self, key: &str) -> Option<String> {
        crate::setting(&self.settings, key)
    }

    /// Reads the book (ids the vendor should still have, say).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(self.conn)
    }

    /// Where `object` stood after the last committed page; None to start
    /// over (no cursor yet, an unreadable one, or a full run asked for).
    pub fn cursor<C: DeserializeOwned>(&self, object: &str) -> Result<Option<C>> {
        if self.full {
            return Ok(None);
        }
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT cursor FROM sync_cursors WHERE vendor = ?1 AND object = ?2",
                [self.vendor.name(), object],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Writes one page of `entity` records and the cursor after it in one
    /// transaction (`body` fills the page), then reports progress; a
    /// Cancel stops the run here, with everything so far kept.
    pub fn commit<C: Serialize>(
        &mut self,
        object: &str,
        entity: Entity,
        fields: &[&str],
        cursor: &C,
        body: impl FnOnce(&mut Page<'_>) -> Result<()>,
    ) -> Result<()> {
        let fields: Vec<_> = fields.iter().filter_map(|k| entity.field(k)).collect();
        let vendor = self.vendor;
        let cursor = serde_json::to_string(cursor).map_err(|e| Error::Internal(e.to_string()))?;
        let (counts, _) = write::run(self.conn, self.today, |w| {
            // A first sync brings contacts by the thousand: indexed for
            // search once per page, not row by row.
            search::index_after_writing(w, entity, || {
                let mut page = Page {
                    ingest: Ingest::new(w, entity, &vendor.source(), &fields)?,
                    vendor,
                    object,
                    counts: Counts::default(),
                    reviewed: None,
                };
                body(&mut page)?;
                let Page { ingest, counts, .. } = page;
                ingest.finish()?;
                w.conn().execute(
                    "INSERT INTO sync_cursors(vendor, object, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(vendor, object) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                    params![vendor.name(), object, cursor, Utc::now().to_rfc3339()],
                )?;
                Ok(counts)
            })
        })?;
        self.counts.add(counts);
        if let Some(p) = self.progress.as_mut() {
            p(&self.counts, &self.http.traffic);
        }
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }
}

/// One page being written: the core's ingest for its entity, and what
/// happened to each record.
pub struct Page<'w> {
    pub ingest: Ingest<'w>,
    vendor: Vendor,
    object: &'w str,
    counts: Counts,
    /// This object's records in the review list and the CSM's decision on
    /// each, read once per page when the first record is linked.
    reviewed: Option<HashMap<String, Option<String>>>,
}

/// Where an outside record's data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// An account of the book.
    Account(i64),
    /// No account is this record: the upsert creates one.
    New,
    /// Waiting in the review list.
    Held,
}

impl Page<'_> {
    /// Upserts a record, or counts why it cannot be one.
    pub fn put(&mut self, record: std::result::Result<Record, String>) -> Result<()> {
        match record.map(|r| self.ingest.upsert(&r)) {
            Ok(Ok(Ok(Outcome::Written))) => self.counts.written += 1,
            Ok(Ok(Ok(Outcome::Unchanged))) => self.counts.unchanged += 1,
            Ok(Ok(Err(reason))) | Err(reason) => self.reject(reason),
            Ok(Err(e)) => return Err(e),
        }
        Ok(())
    }

    pub fn reject(&mut self, reason: String) {
        self.counts.rejected += 1;
        self.counts.reason(reason);
    }

    /// A record skipped as it is (archived, not yet a customer): unchanged.
    pub fn skip(&mut self) {
        self.counts.unchanged += 1;
    }

    /// A record kept outside the ingest path (a CRM deal's mirror).
    pub fn wrote(&mut self) {
        self.counts.written += 1;
    }

    /// A record the vendor deleted or archived, undone here by the connector.
    pub fn removed(&mut self) {
        self.counts.deleted += 1;
    }

    /// Links an outside record that is an account (a CRM company, a billing
    /// customer, a support organization, a product group) to the book. A
    /// record Steward cannot place safely waits for review; one that matches
    /// nothing is new when its vendor makes accounts (a CRM's companies,
    /// billing customers), else waits too.
    pub fn link(&mut self, external_id: &str, label: &str, domain: Option<&str>) -> Result<Linked> {
        if self.reviewed.is_none() {
            self.reviewed = Some(review::listed(
                self.ingest.conn(),
                self.vendor,
                self.object,
            )?);
        }
        let listed = self
            .reviewed
            .as_ref()
            .and_then(|r| r.get(external_id))
            .cloned();
        if listed.as_ref().is_some_and(|d| d.as_deref() == Some("new")) {
            return Ok(Linked::New);
        }
        let (reason, candidates) = match self.ingest.link(external_id, domain, Some(label))? {
            Link::Known(id) | Link::Matched { account: id, .. } => {
                if listed.is_some() {
                    // It waited, and now links by itself.
                    review::settle(self.ingest.conn(), self.vendor, self.object, external_id)?;
                }
                return Ok(Linked::Account(id));
            }
            Link::Unmatched if self.vendor.makes_accounts() => return Ok(Linked::New),
            Link::Unmatched => ("no account has this name or domain".to_string(), vec![]),
            Link::Ambiguous { reason, candidates } => (reason, candidates),
        };
        review::hold(
            self.ingest.conn(),
            self.vendor,
            self.object,
            external_id,
            label,
            &reason,
            &candidates,
        )?;
        self.counts.held += 1;
        Ok(Linked::Held)
    }

    /// Finishes the records of one entity and goes on with another in the
    /// same transaction (an event stream mixes them); accounts written so
    /// far are found by the next entity's records.
    pub fn switch(&mut self, entity: Entity, fields: &[&str]) -> Result<()> {
        let fields: Vec<_> = fields.iter().filter_map(|k| entity.field(k)).collect();
        let next = Ingest::new(self.ingest.write(), entity, &self.vendor.source(), &fields)?;
        std::mem::replace(&mut self.ingest, next).finish()
    }

    /// Where an account came from (`file`, `sync:hubspot`, ...).
    pub fn origin(&self, account: i64) -> Result<String> {
        Ok(self
            .ingest
            .conn()
            .prepare_cached("SELECT source FROM accounts WHERE id = ?1")?
            .query_row([account], |r| r.get(0))?)
    }

    /// The account's id at this vendor (the lowest, when it has several).
    pub fn remote_id(&self, account: i64) -> Result<Option<String>> {
        Ok(self
            .ingest
            .conn()
            .prepare_cached(
                "SELECT min(external_id) FROM account_external_ids WHERE account_id = ?1 AND source = ?2",
            )?
            .query_row(params![account, self.vendor.source()], |r| r.get(0))?)
    }

    /// The currency an account's amounts are in.
    pub fn currency_of(&self, account: i64) -> Result<String> {
        Ok(self
            .ingest
            .conn()
            .prepare_cached("SELECT currency FROM accounts WHERE id = ?1")?
            .query_row([account], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| "USD".into()))
    }

    /// An account the vendor deleted or archived no longer takes its data:
    /// the link goes, the account and the CSM's work on it stay.
    pub fn unlink(&mut self, external_id: &str) -> Result<()> {
        let account: Option<i64> = self
            .ingest
            .conn()
            .prepare_cached(
                "DELETE FROM account_external_ids WHERE source = ?1 AND external_id = ?2 RETURNING account_id",
            )?
            .query_row(params![self.vendor.source(), external_id], |r| r.get(0))
            .optional()?;
        match account {
            Some(a) => {
                self.ingest.touch(a);
                self.counts.deleted += 1;
            }
            None => self.counts.unchanged += 1,
        }
        Ok(())
    }

    /// A contact the vendor deleted or archived on `day` has left then (so
    /// a day before it, the contact was still there).
    pub fn left(&mut self, external_id: &str, day: Option<NaiveDate>) -> Result<()> {
        let contact: Option<(i64, Option<NaiveDate>)> = self
            .ingest
            .conn()
            .prepare_cached(
                "SELECT id, started_on FROM contacts WHERE source = ?1 AND external_id = ?2 AND NOT left_company",
            )?
            .query_row(params![self.vendor.source(), external_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((contact, started)) = contact else {
            self.counts.unchanged += 1;
            return Ok(());
        };
        let today = self.ingest.write().today();
        let day = day
            .unwrap_or(today)
            .min(today)
            .max(started.unwrap_or(NaiveDate::MIN));
        steward_core::account::set_contact_left(self.ingest.write(), contact, Some(day))?;
        self.counts.deleted += 1;
        Ok(())
    }

    /// Removes a record the vendor deleted (by its id in this source).
    pub fn delete(&mut self, entity: Entity, external_id: &str) -> Result<()> {
        let conn = self.ingest.conn();
        let account: Option<i64> = conn
            .query_row(
                &format!(
                    "DELETE FROM {} WHERE source = ?1 AND external_id = ?2 RETURNING account_id",
                    entity.table()
                ),
                params![self.vendor.source(), external_id],
                |r| r.get(0),
            )
            .optional()?;
        match account {
            Some(id) => {
                self.ingest.touch(id);
                self.counts.deleted += 1;
            }
            None => self.counts.unchanged += 1,
        }
        Ok(())
    }
}

/// Runs a vendor's sync and logs it, whatever its end: the connection's
/// settings and secret as given, progress after every committed page, and
/// Cancel honoured between pages.
pub fn run(
    conn: &mut Connection,
    http: &mut http::Http,
    vendor: Vendor,
    today: NaiveDate,
    full: bool,
    cancel: Option<&AtomicBool>,
    progress: Option<Progress<'_>>,
) -> Result<RunReport> {
    let started = std::time::Instant::now();
    // A connection's settings when stored (tests may run without one).
    let settings = connection(conn, vendor)
        .map(|c| c.settings)
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO sync_runs(vendor, started_at) VALUES (?1, ?2)",
        params![vendor.name(), Utc::now().to_rfc3339()],
    )?;
    let id = conn.last_insert_rowid();
    let mut run = Run {
        conn,
        http,
        today,
        full,
        settings,
        counts: Counts::default(),
        vendor,
        cancel,
        progress: progress.map(|p| -> Progress<'_> { p }),
    };
    let result = vendor.sync(&mut run);
    let counts = run.counts.clone();
    let (outcome, error) = match &result {
        Ok(()) => ("done", None),
        Err(Error::Cancelled) => ("cancelled", None),
        Err(e) => ("failed", Some(e.to_string())),
    };
    conn.execute(
        "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, written = ?4, unchanged = ?5, rejected = ?6,
           requests = ?7, waited_ms = ?8, error = ?9, deleted = ?10, held = ?11, offline = ?12 WHERE id = ?1",
        params![
            id,
            Utc::now().to_rfc3339(),
            outcome,
            counts.written as i64,
            counts.unchanged as i64,
            counts.rejected as i64,
            http.traffic.requests as i64,
            http.traffic.waited_ms as i64,
            error,
            counts.deleted as i64,
            counts.held as i64,
            matches!(result, Err(Error::Offline(_))),
        ],
    )?;
    result?;
    Ok(RunReport {
        counts,
        traffic: http.traffic,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One logged run.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RunLine {
    pub vendor: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: String,
    pub written: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub deleted: i64,
    pub held: i64,
    pub requests: i64,
    pub waited_ms: i64,
    pub error: Option<String>,
    pub offline: bool,
}

/// The latest runs, newest first (of one vendor, or of all).
pub fn runs(conn: &Connection, vendor: Option<Vendor>, limit: u32) -> Result<Vec<RunLine>> {
    let mut stmt = conn.prepare(
        "SELECT vendor, started_at, outcome, written, unchanged, rejected, deleted, held, requests, waited_ms, error,
                finished_at, offline
         FROM sync_runs WHERE ?1 IS NULL OR vendor = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![vendor.map(Vendor::name), limit], |r| {
        Ok(RunLine {
            vendor: r.get(0)?,
            started_at: r.get(1)?,
            outcome: r.get(2)?,
            written: r.get(3)?,
            unchanged: r.get(4)?,
            rejected: r.get(5)?,
            deleted: r.get(6)?,
            held: r.get(7)?,
            requests: r.get(8)?,
            waited_ms: r.get(9)?,
            error: r.get(10)?,
            finished_at: r.get(11)?,
            offline: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
