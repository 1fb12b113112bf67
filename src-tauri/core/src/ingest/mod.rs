//! The one path outside data comes into the book by: file import and vendor
//! sync. It finds the account a record belongs to, checks each
//! record against the entity's rules (ranges in `schema`, fields that must
//! agree with each other), and upserts it by its id within its source, so
//! bringing the same data in twice changes nothing. Every row records where
//! it came from (`file`, `sync:<vendor>`), and every account whose data
//! changed is marked on the write, which reassesses exactly those.

mod accounts;
pub mod schema;

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::currency;
use crate::error::{Error, Result};
use crate::say;
use crate::write::Write;
pub use accounts::{Accounts, Link};
pub use schema::{CustomKind, Entity, Field, Kind};

/// One record to bring in: its values in the order of the fields the
/// `Ingest` was made for.
pub struct Record {
    /// The record's id in its source (for rows without one, a key the caller
    /// derives from the row). Usage rows are keyed by account and day instead.
    pub external_id: Option<String>,
    pub account_id: Option<i64>,
    pub values: Vec<Value>,
}

fn value_of(fields: &[&'static Field], record: &Record, key: &str) -> Option<Value> {
    fields
        .iter()
        .position(|f| f.key == key)
        .map(|i| record.values[i].clone())
}

/// The currency a record's money is in: its own currency field, else its
/// account's (accounts: the existing account's, or the default). `fields`
/// are the record's, in the order of its values.
pub fn currency_of(
    fields: &[&'static Field],
    accounts: &Accounts,
    record: &Record,
    existing_account: Option<i64>,
) -> String {
    if let Some(Value::Text(code)) = value_of(fields, record, "currency") {
        return code;
    }
    record
        .account_id
        .or(existing_account)
        .map_or(currency::DEFAULT, |id| accounts.currency(id))
        .to_string()
}

/// Usage rows one statement upserts in `upsert_usage`: a statement per row
/// costs a fifth more (655 against 800 ms for a million rows).
const USAGE_ROWS_AT_ONCE: usize = 64;

/// What happened to many usage records (`Ingest::upsert_usage`).
#[derive(Debug, Default)]
pub struct Upserted {
    pub written: u64,
    pub unchanged: u64,
    /// The records rejected, by their index, with the reason.
    pub rejected: Vec<(usize, String)>,
}

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It added or changed data.
    Written,
    /// The book already held exactly this.
    Unchanged,
}

/// Upserts records of one entity from one source, with statements
/// prepared once for the fields the caller has.
pub struct Ingest<'w> {
    w: &'w Write<'w>,
    entity: Entity,
    source: String,
    fields: Vec<&'static Field>,
    /// Indexes into `fields` of those stored as plain columns.
    columns: Vec<(usize, &'static str)>,
    upsert: Option<rusqlite::CachedStatement<'w>>,
    /// Usage: the same upsert for `USAGE_ROWS_AT_ONCE` rows.
    upsert_many: Option<rusqlite::CachedStatement<'w>>,
    pub accounts: Accounts,
    contacts: HashMap<(i64, String), i64>,
    now: String,
    /// Usage is counted for days up to this one (tomorrow, for time zones
    /// ahead); kept as text, as the rows' days are compared with it.
    latest_day: String,
    tiers: crate::health::settings::TierRules,
    last_account: Option<i64>,
    /// Accounts whose fields this run wrote, for their history (`finish`).
    accounts_written: Vec<i64>,
}

impl<'w> Ingest<'w> {
    pub fn new(
        w: &'w Write<'w>,
        entity: Entity,
        source: &str,
        fields: &[&'static Field],
    ) -> Result<Self> {
        let conn = w.conn();
        let columns: Vec<(usize, &'static str)> = fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.column.map(|c| (i, c)))
            .collect();
        let names: Vec<&str> = columns.iter().map(|(_, c)| *c).collect();
        let changed = |cols: &[&str]| {
            cols.iter()
                .map(|c| format!("{c} IS NOT excluded.{c}"))
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        let set = |cols: &[&str]| {
            cols.iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let placeholders = |n: usize| {
            (1..=n)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut upsert_many = None;
        let upsert = match entity {
            Entity::Accounts => None,
            Entity::Usage => {
                let metrics: Vec<&str> = names.iter().copied().filter(|c| *c != "day").collect();
                if metrics.is_empty() {
                    return Err(Error::invalid(
                        say!("Map at least one usage metric (active users, logins, ...).", "Ordnen Sie mindestens eine Nutzungskennzahl zu (aktive Nutzer, Anmeldungen, …)."),
                    ));
                }
                let sql = |rows: usize| {
                    let row = format!("({})", vec!["?"; names.len() + 1].join(", "));
                    format!(
                        "INSERT INTO usage_daily(account_id, {}) VALUES {} ON CONFLICT(account_id, day) DO UPDATE SET {} WHERE {}",
                        names.join(", "),
                        vec![row; rows].join(", "),
                        set(&metrics),
                        changed(&metrics),
                    )
                };
                upsert_many = Some(conn.prepare_cached(&sql(USAGE_ROWS_AT_ONCE))?);
                Some(conn.prepare_cached(&sql(1))?)
            }
            _ => {
                let mut insert_cols = vec!["account_id", "source", "external_id"];
                insert_cols.extend(&names);
                let mut update_cols = vec!["account_id"];
                update_cols.extend(&names);
                if entity == Entity::Activities {
                    insert_cols.push("created_at");
                }
                let sql = format!(
                    "INSERT INTO {}({}) VALUES ({}) ON CONFLICT(source, external_id) DO UPDATE SET {} WHERE {}",
                    entity.table(),
                    insert_cols.join(", "),
                    placeholders(insert_cols.len()),
                    set(&update_cols),
                    changed(&update_cols),
                );
                Some(conn.prepare_cached(&sql)?)
            }
        };
        let mut contacts = HashMap::new();
        if entity == Entity::Surveys {
            let mut stmt = conn.prepare(
                "SELECT account_id, lower(email), id FROM contacts WHERE email IS NOT NULL",
            )?;
            for row in stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))? {
                let (k, v) = row?;
                contacts.insert(k, v);
            }
        }
        Ok(Ingest {
            w,
            entity,
            source: source.to_string(),
            fields: fields.to_vec(),
            columns,
            upsert,
            upsert_many,
            accounts: Accounts::load(conn, source)?,
            contacts,
            now: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            latest_day: (w.today() + chrono::Duration::days(1)).to_string(),
            tiers: crate::health::settings::current(conn)?.settings.tiers,
            last_account: None,
            accounts_written: Vec::new(),
        })
    }

    /// The connection the run writes through (one transaction).
    pub fn conn(&self) -> &'w Connection {
        self.w.conn()
    }

    /// The write this run is part of (to ingest another entity in the same
    /// transaction).
    pub fn write(&self) -> &'w Write<'w> {
        self.w
    }

    /// Marks an account whose data this run changed other than by upsert
    /// (a row deleted at its source), so it is reassessed.
    pub fn touch(&self, account_id: i64) {
        self.w.touch(account_id);
    }

    /// Dates churn the file left undated, and records the new values of the
    /// account fields this run wrote in their history, from today and with
    /// this source (one statement per field).
    pub fn finish(self) -> Result<()> {
        if self.accounts_written.is_empty() {
            return Ok(());
        }
        // A churned account without a churn date left, as far as Steward
        // knows, on the day it learnt so.
        self.w.conn().execute(
            "UPDATE accounts SET churn_date = ?1 WHERE status = 'churned' AND churn_date IS NULL",
            [self.w.today()],
        )?;
        crate::history::record_changes(
            self.w.conn(),
            crate::store::Scope::of(&self.accounts_written),
            self.w.today(),
            &self.source,
        )?;
        Ok(())
    }

    fn value(&self, record: &Record, key: &str) -> Option<Value> {
        value_of(&self.fields, record, key)
    }

    /// The currency a record's money is in (`currency_of`).
    pub fn currency_of(&self, record: &Record, existing_account: Option<i64>) -> String {
        currency_of(&self.fields, &self.accounts, record, existing_account)
    }

    /// Checks ranges and the rules between fields; the reason follows "Line N: ".
    fn check(
        &self,
        record: &Record,
        existing_account: Option<i64>,
    ) -> std::result::Result<(), String> {
        let mut per_major = None;
        for (field, value) in self.fields.iter().zip(&record.values) {
            let Value::Integer(n) = value else { continue };
            let scale = match field.kind {
                Kind::Money => *per_major.get_or_insert_with(|| {
                    currency::minor_per_major(&self.currency_of(record, existing_account))
                }),
                _ => 1,
            };
            field
                .check_range(i128::from(*n), scale)
                .map_err(|e| format!("{}: {e}.", field.says()))?;
        }
        if self.entity == Entity::Usage {
            if let Some(Value::Text(day)) = self.value(record, "day") {
                if day.as_str() > self.latest_day.as_str() {
                    return Err(format!(
                        "Day: {day} is in the future; usage is counted for days that have passed."
                    ));
                }
            }
        }
        schema::check_row(self.entity, |key| self.value(record, key))
    }

    /// Upserts one record. The outer error stops the whole run (the store
    /// failed); the inner one rejects this record with a reason.
    pub fn upsert(&mut self, record: &Record) -> Result<std::result::Result<Outcome, String>> {
        let result = if self.entity == Entity::Accounts {
            self.upsert_account(record)
        } else {
            self.upsert_row(record)
        };
        match result {
            Ok(Ok(outcome)) => {
                if outcome == Outcome::Written {
                    if let Some(id) = record.account_id {
                        // Data usually comes grouped by account: skip repeats.
                        if self.last_account != Some(id) {
                            self.w.touch(id);
                            self.last_account = Some(id);
                        }
                    }
                }
                Ok(Ok(outcome))
            }
            Ok(Err(reason)) => Ok(Err(reason)),
            Err(Error::Storage(rusqlite::Error::SqliteFailure(e, msg)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(Err(format!(
                    "The row breaks a rule of the portfolio ({}).",
                    msg.unwrap_or_default()
                )))
            }
            Err(e) => Err(e),
        }
    }

    /// Upserts many usage records, each checked as `upsert` checks one; the
    /// good ones go in `USAGE_ROWS_AT_ONCE` to a statement. A statement says
    /// how many of its rows changed, not which: every account among them is
    /// marked when any did (a spare reassessment, never a missed one). A
    /// statement that breaks a rule of the portfolio is run again row by row,
    /// so only the rows that break it are rejected.
    pub fn upsert_usage(&mut self, records: &[&Record]) -> Result<Upserted> {
        let mut out = Upserted::default();
        let mut good: Vec<(usize, &Record)> = Vec::with_capacity(records.len());
        for (i, record) in records.iter().enumerate() {
            match self.check(record, None) {
                Ok(()) => good.push((i, record)),
                Err(reason) => out.rejected.push((i, reason)),
            }
        }
        let mut chunks = good.chunks_exact(USAGE_ROWS_AT_ONCE);
        for chunk in chunks.by_ref() {
            let mut params: Vec<&dyn rusqlite::ToSql> =
                Vec::with_capacity(chunk.len() * (self.columns.len() + 1));
            let accounts: Vec<Value> = chunk
                .iter()
                .map(|(_, r)| r.account_id.map_or(Value::Null, Value::Integer))
                .collect();
            for ((_, record), account) in chunk.iter().zip(&accounts) {
                params.push(account);
                for (i, _) in &self.columns {
                    params.push(&record.values[*i]);
                }
            }
            let stmt = self
                .upsert_many
                .as_mut()
                .ok_or_else(|| Error::Internal("no statement for many usage rows".into()))?;
            match stmt.execute(params.as_slice()) {
                Ok(changed) => {
                    out.written += changed as u64;
                    out.unchanged += (chunk.len() - changed) as u64;
                    if changed > 0 {
                        let mut last = None;
                        for (_, record) in chunk {
                            if record.account_id != last {
                                if let Some(id) = record.account_id {
                                    self.w.touch(id);
                                }
                                last = record.account_id;
                            }
                        }
                    }
                }
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    self.upsert_each(chunk, &mut out)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.upsert_each(chunks.remainder(), &mut out)?;
        Ok(out)
    }

    fn upsert_each(&mut self, records: &[(usize, &Record)], out: &mut Upserted) -> Result<()> {
        for (i, record) in records {
            match self.upsert(record)? {
                Ok(Outcome::Written) => out.written += 1,
                Ok(Outcome::Unchanged) => out.unchanged += 1,
                Err(reason) => out.rejected.push((*i, reason)),
            }
        }
        Ok(())
    }

    fn upsert_row(&mut self, record: &Record) -> Result<std::result::Result<Outcome, String>> {
        if let Err(reason) = self.check(record, None) {
            return Ok(Err(reason));
        }
        let account = record.account_id.map_or(Value::Null, Value::Integer);
        let mut extra: Vec<Value> = Vec::with_capacity(2);
        if self.entity != Entity::Usage {
            let id = record
                .external_id
                .clone()
                .ok_or_else(|| Error::Internal("a record without an id".into()))?;
            extra.push(Value::Text(self.source.clone()));
            extra.push(Value::Text(id));
        }
        // A contact is named by email; an unknown email leaves the response unlinked.
        let contact = self
            .columns
            .iter()
            .find(|(_, c)| *c == "contact_id")
            .map(|(i, _)| match (&record.values[*i], record.account_id) {
                (Value::Text(email), Some(account)) => self
                    .contacts
                    .get(&(account, email.to_lowercase()))
                    .copied()
                    .map_or(Value::Null, Value::Integer),
                _ => Value::Null,
            });
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(self.columns.len() + 4);
        params.push(&account);
        params.extend(extra.iter().map(|v| v as &dyn rusqlite::ToSql));
        for (i, column) in &self.columns {
            match (&contact, *column) {
                (Some(contact), "contact_id") => params.push(contact),
                _ => params.push(&record.values[*i]),
            }
        }
        if self.entity == Entity::Activities {
            params.push(&self.now);
        }
        let stmt = self
            .upsert
            .as_mut()
            .ok_or_else(|| Error::Internal("no statement for this entity".into()))?;
        let written = stmt.execute(params.as_slice())? > 0;
        if written {
            self.settle_dates(record)?;
        }
        Ok(Ok(if written {
            Outcome::Written
        } else {
            Outcome::Unchanged
        }))
    }

    /// Dates a record implies but may not carry, so history reads right: a
    /// contact marked as gone without a date left today (as far as Steward
    /// knows), one with a leaving date is gone; a failed invoice without a
    /// failure date failed on its due date.
    fn settle_dates(&self, record: &Record) -> Result<()> {
        let Some(id) = record.external_id.as_deref() else {
            return Ok(());
        };
        let sql = match self.entity {
            Entity::Contacts => {
                "UPDATE contacts SET left_on = CASE WHEN left_company AND left_on IS NULL THEN ?3 ELSE left_on END,
                        left_company = (left_company OR left_on IS NOT NULL)
                 WHERE source = ?1 AND external_id = ?2
                   AND ((left_company AND left_on IS NULL) OR (left_on IS NOT NULL AND NOT left_company))"
            }
            Entity::Invoices => {
                "UPDATE invoices SET failed_on = coalesce(due_on, issued_on)
                 WHERE source = ?1 AND external_id = ?2 AND status = 'failed' AND failed_on IS NULL AND ?3 IS NOT NULL"
            }
            _ => return Ok(()),
        };
        self.w
            .conn()
            .prepare_cached(sql)?
            .execute(rusqlite::params![self.source, id, self.w.today()])?;
        Ok(())
    }

    /// Registers one of the CSM's own fields (`key`, shown as `label`); a
    /// field of that key already holding another kind is refused.
    /// Declares one of the CSM's own fields; true when it is new.
    pub fn register_custom(&self, key: &str, label: &str, kind: CustomKind) -> Result<bool> {
        let conn = self.w.conn();
        let existing: Option<String> = conn
            .query_row(
                "SELECT kind FROM custom_fields WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(k) if k != kind.as_str() => Err(Error::invalid(say!(
"Your field '{label}' already holds {}s; this file's column holds {}s. Rename the column to keep it as another field.",
"Ihr Feld „{label}“ enthält bereits Werte der Art {}; die Spalte dieser Datei enthält {}. Benennen Sie die Spalte um, um sie als weiteres Feld zu behalten.",
                k,
                kind.as_str()
            ))),
            Some(_) => Ok(false),
            None => {
                conn.execute(
                    "INSERT INTO custom_fields(key, label, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![key, label, kind.as_str(), self.now],
                )?;
                Ok(true)
            }
        }
    }

    /// Keeps the value of one of the CSM's own fields for an account (from
    /// today, in its history); true when it changed.
    /// Takes back a field this import declared and no row filled: every
    /// row that held it was rejected.
    pub fn forget_custom(&self, key: &str) -> Result<()> {
        self.w
            .conn()
            .execute("DELETE FROM custom_fields WHERE key = ?1", [key])?;
        Ok(())
    }

    pub fn keep_custom(&self, account_id: i64, key: &str, value: &str) -> Result<bool> {
        let changed = crate::history::record(
            self.w.conn(),
            account_id,
            &crate::history::custom(key),
            Some(value),
            self.w.today(),
            &self.source,
        )?;
        if changed {
            self.w.touch(account_id);
        }
        Ok(changed)
    }
}
