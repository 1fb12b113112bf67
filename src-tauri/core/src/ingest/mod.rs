//! The one path outside data comes into the book by: file import today, and
//! vendor sync next. It finds the account a record belongs to, checks each
//! record against the entity's rules (ranges in `schema`, fields that must
//! agree with each other), and upserts it by its id within its source, so
//! bringing the same data in twice changes nothing. Every row records where
//! it came from (`file`, `sync:<vendor>`), and every account whose data
//! changed is marked on the write, which reassesses exactly those.

pub mod schema;

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::currency;
use crate::error::{Error, Result};
use crate::model::Tier;
use crate::write::Write;
pub use schema::{CustomKind, Entity, Field, Kind};

/// Finds the account a record names: by an id it has in any source (exactly,
/// ids are case-sensitive), then by domain, then by name (both ignoring
/// case). A domain or name two accounts share finds neither: guessing which
/// one would put data on the wrong customer.
pub struct Accounts {
    /// Ids from the source being ingested, then from every other source.
    own_ids: HashMap<String, i64>,
    other_ids: HashMap<String, Option<i64>>,
    domains: HashMap<String, Option<i64>>,
    names: HashMap<String, Option<i64>>,
    currency: HashMap<i64, String>,
    domain_of: HashMap<i64, String>,
}

/// How an outside record (a CRM company, a billing customer, a support
/// organization) was linked to the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// The account this source's id already names.
    Known(i64),
    /// An existing account found by another source's id, its domain or its
    /// name; from now on this source's id names it too.
    Matched { account: i64, by: &'static str },
    /// No account is this record.
    Unmatched,
    /// Several accounts could be, or the one found disagrees on the domain:
    /// the CSM decides, because guessing merges two customers.
    Ambiguous {
        reason: String,
        candidates: Vec<i64>,
    },
}

impl Accounts {
    pub fn load(conn: &Connection, source: &str) -> Result<Self> {
        let mut index = Accounts {
            own_ids: HashMap::new(),
            other_ids: HashMap::new(),
            domains: HashMap::new(),
            names: HashMap::new(),
            currency: HashMap::new(),
            domain_of: HashMap::new(),
        };
        let note = |map: &mut HashMap<String, Option<i64>>, key: String, id: i64| {
            map.entry(key)
                .and_modify(|found| {
                    if *found != Some(id) {
                        *found = None;
                    }
                })
                .or_insert(Some(id));
        };
        let mut stmt = conn.prepare("SELECT id, name, domain, currency FROM accounts")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            note(
                &mut index.names,
                r.get::<_, String>(1)?.trim().to_lowercase(),
                id,
            );
            if let Some(domain) = r.get::<_, Option<String>>(2)? {
                let domain = domain.trim().to_lowercase();
                if !domain.is_empty() {
                    note(&mut index.domains, domain.clone(), id);
                    index.domain_of.insert(id, domain);
                }
            }
            index.currency.insert(id, r.get(3)?);
        }
        let mut stmt =
            conn.prepare("SELECT source, external_id, account_id FROM account_external_ids")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (from, key, id): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if from == source {
                index.own_ids.insert(key, id);
            } else {
                note(&mut index.other_ids, key, id);
            }
        }
        Ok(index)
    }

    /// The account `reference` names, or why none can be chosen.
    pub fn find(&self, reference: &str) -> std::result::Result<i64, String> {
        let reference = reference.trim();
        if let Some(&id) = self.own_ids.get(reference) {
            return Ok(id);
        }
        let folded = reference.to_lowercase();
        for (map, what) in [
            (&self.other_ids, None),
            (&self.domains, Some("domain")),
            (&self.names, Some("name")),
        ] {
            let key = if what.is_none() {
                reference
            } else {
                folded.as_str()
            };
            match map.get(key) {
                Some(Some(id)) => return Ok(*id),
                Some(None) => {
                    return Err(format!(
                        "Several accounts have the {} '{reference}'; name the account by its id.",
                        what.unwrap_or("id")
                    ))
                }
                None => {}
            }
        }
        Err(format!(
            "Unknown account '{reference}': import it first or check the spelling (ids are case-sensitive)."
        ))
    }

    /// The currency an account keeps its money in.
    pub fn currency(&self, id: i64) -> &str {
        self.currency
            .get(&id)
            .map_or(currency::DEFAULT, String::as_str)
    }

    /// An account ingested by this run, so later records can name it.
    fn learn(&mut self, id: i64, external_id: &str, currency: &str) {
        self.own_ids.insert(external_id.to_string(), id);
        self.currency.insert(id, currency.to_string());
    }
}

/// One record to bring in: its values in the order of the fields the
/// `Ingest` was made for.
pub struct Record {
    /// The record's id in its source (for rows without one, a key the caller
    /// derives from the row). Usage rows are keyed by account and day instead.
    pub external_id: Option<String>,
    pub account_id: Option<i64>,
    pub values: Vec<Value>,
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
    pub accounts: Accounts,
    contacts: HashMap<(i64, String), i64>,
    now: String,
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
        let upsert = match entity {
            Entity::Accounts => None,
            Entity::Usage => {
                let metrics: Vec<&str> = names.iter().copied().filter(|c| *c != "day").collect();
                if metrics.is_empty() {
                    return Err(Error::invalid(
                        "Map at least one usage metric (active users, logins, ...).",
                    ));
                }
                let sql = format!(
                    "INSERT INTO usage_daily(account_id, {}) VALUES ({}) ON CONFLICT(account_id, day) DO UPDATE SET {} WHERE {}",
                    names.join(", "),
                    placeholders(names.len() + 1),
                    set(&metrics),
                    changed(&metrics),
                );
                Some(conn.prepare_cached(&sql)?)
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
            accounts: Accounts::load(conn, source)?,
            contacts,
            now: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
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

    /// Makes this source's `external_id` name `account` from now on (an
    /// outside record the CSM or a rule linked to an existing account).
    pub fn adopt(&mut self, external_id: &str, account: i64) -> Result<()> {
        self.w.conn().execute(
            "INSERT INTO account_external_ids(source, external_id, account_id) VALUES (?1, ?2, ?3)
             ON CONFLICT(source, external_id) DO UPDATE SET account_id = excluded.account_id",
            rusqlite::params![self.source, external_id, account],
        )?;
        let code = self.accounts.currency(account).to_string();
        self.accounts.learn(account, external_id, &code);
        Ok(())
    }

    /// Marks an account whose data this run changed other than by upsert
    /// (a row deleted at its source), so it is reassessed.
    pub fn touch(&self, account_id: i64) {
        self.w.touch(account_id);
    }

    /// Dates churn the file left undated, and records the new values of the
    /// account fields this run wrote in their history, from today and with
    /// this source. Many accounts take one
    /// statement per field over the book rather than one per account.
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
        let only = (self.accounts_written.len() <= 64).then_some(self.accounts_written.as_slice());
        crate::history::record_changes(self.w.conn(), only, self.w.today(), &self.source)?;
        Ok(())
    }

    fn value(&self, record: &Record, key: &str) -> Option<Value> {
        self.fields
            .iter()
            .position(|f| f.key == key)
            .map(|i| record.values[i].clone())
    }

    /// The currency a record's money is in: its own currency field, else
    /// its account's (accounts: the existing account's, or the default).
    pub fn currency_of(&self, record: &Record, existing_account: Option<i64>) -> String {
        if let Some(Value::Text(code)) = self.value(record, "currency") {
            return code;
        }
        record
            .account_id
            .or(existing_account)
            .map_or(currency::DEFAULT, |id| self.accounts.currency(id))
            .to_string()
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
                .map_err(|e| format!("{}: {e}.", field.label))?;
        }
        if self.entity == Entity::Usage {
            if let Some(Value::Text(day)) = self.value(record, "day") {
                let latest = (self.w.today() + chrono::Duration::days(1)).to_string();
                if day > latest {
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
        let now = Value::Text(self.now.clone());
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
            params.push(&now);
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
    pub fn register_custom(&self, key: &str, label: &str, kind: CustomKind) -> Result<()> {
        let conn = self.w.conn();
        let existing: Option<String> = conn
            .query_row(
                "SELECT kind FROM custom_fields WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(k) if k != kind.as_str() => Err(Error::invalid(format!(
                "Your field '{label}' already holds {}s; this file's column holds {}s. Rename the column to keep it as another field.",
                k,
                kind.as_str()
            ))),
            Some(_) => Ok(()),
            None => {
                conn.execute(
                    "INSERT INTO custom_fields(key, label, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![key, label, kind.as_str(), self.now],
                )?;
                Ok(())
            }
        }
    }

    /// Keeps the value of one of the CSM's own fields for an account (from
    /// today, in its history); true when it changed.
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

    /// Links an outside record to the account it is: by this source's id,
    /// then another source's id, then its domain, then its name. A match
    /// is remembered (this source's id names the account from now on), so
    /// the record's upsert updates that account instead of adding a twin.
    pub fn link(
        &mut self,
        external_id: &str,
        domain: Option<&str>,
        name: Option<&str>,
    ) -> Result<Link> {
        if let Some(&id) = self.accounts.own_ids.get(external_id) {
            return Ok(Link::Known(id));
        }
        let fold = |s: Option<&str>| s.map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty());
        let (domain, name) = (fold(domain), fold(name));
        let found = match (
            self.accounts.other_ids.get(external_id).copied(),
            domain
                .as_ref()
                .and_then(|d| self.accounts.domains.get(d))
                .copied(),
            name.as_ref()
                .and_then(|n| self.accounts.names.get(n))
                .copied(),
        ) {
            (Some(Some(id)), _, _) => Ok((id, "id")),
            (_, Some(Some(id)), _) => Ok((id, "domain")),
            (_, Some(None), _) => Err(format!(
                "several accounts have the domain {}",
                domain.clone().unwrap_or_default()
            )),
            (_, None, Some(Some(id))) => match (&domain, self.accounts.domain_of.get(&id)) {
                (Some(theirs), Some(ours)) if theirs != ours => Err(format!(
                    "an account has this name but the domain {ours}, not {theirs}"
                )),
                _ => Ok((id, "name")),
            },
            (_, None, Some(None)) => Err("several accounts have this name".to_string()),
            _ => return Ok(Link::Unmatched),
        };
        match found {
            Ok((account, by)) => {
                self.adopt(external_id, account)?;
                Ok(Link::Matched { account, by })
            }
            Err(reason) => {
                let mut stmt = self.w.conn().prepare_cached(
                    "SELECT id FROM accounts WHERE lower(trim(name)) = ?1 OR lower(trim(domain)) = ?2 ORDER BY id",
                )?;
                let candidates = stmt
                    .query_map(rusqlite::params![name, domain], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok(Link::Ambiguous { reason, candidates })
            }
        }
    }

    /// The account an account record's id already names in this source (or,
    /// failing that, in another), if any.
    pub fn existing_account(&self, external_id: &str) -> Option<i64> {
        self.accounts
            .own_ids
            .get(external_id)
            .copied()
            .or_else(|| self.accounts.other_ids.get(external_id).copied().flatten())
    }

    fn upsert_account(&mut self, record: &Record) -> Result<std::result::Result<Outcome, String>> {
        let conn = self.w.conn();
        let external_id = record
            .external_id
            .clone()
            .ok_or_else(|| Error::Internal("an account without an id".into()))?;
        let existing = self.existing_account(&external_id);
        if let Err(reason) = self.check(record, existing) {
            return Ok(Err(reason));
        }
        let mut cols: Vec<&str> = self.columns.iter().map(|(_, c)| *c).collect();
        let mut values: Vec<Value> = self
            .columns
            .iter()
            .map(|(i, _)| record.values[*i].clone())
            .collect();
        if let Some(id) = existing {
            // A field the record leaves empty keeps what the book has.
            let pairs: Vec<(&str, &Value)> = cols
                .iter()
                .zip(&values)
                .filter(|(_, v)| **v != Value::Null)
                .map(|(c, v)| (*c, v))
                .collect();
            if pairs.is_empty() {
                return Ok(Ok(Outcome::Unchanged));
            }
            let sql = format!(
                "UPDATE accounts SET {}, updated_at = ? WHERE id = ? AND ({})",
                pairs
                    .iter()
                    .map(|(c, _)| format!("{c} = ?"))
                    .collect::<Vec<_>>()
                    .join(", "),
                pairs
                    .iter()
                    .map(|(c, _)| format!("{c} IS NOT ?"))
                    .collect::<Vec<_>>()
                    .join(" OR "),
            );
            let mut params: Vec<Value> = pairs.iter().map(|(_, v)| (*v).clone()).collect();
            params.push(Value::Text(self.now.clone()));
            params.push(Value::Integer(id));
            params.extend(pairs.iter().map(|(_, v)| (*v).clone()));
            let changed = conn
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(params))?
                > 0;
            if changed {
                self.w.touch(id);
                let code = self.currency_of(record, Some(id));
                self.accounts.currency.insert(id, code);
                self.accounts_written.push(id);
            }
            return Ok(Ok(if changed {
                Outcome::Written
            } else {
                Outcome::Unchanged
            }));
        }
        let code = self.currency_of(record, None);
        // A new account: a tier the record does not give follows from ARR.
        let tier_at = cols.iter().position(|c| *c == "tier");
        if tier_at.is_none_or(|p| values[p] == Value::Null) {
            let arr = cols
                .iter()
                .position(|c| *c == "crm_arr_minor")
                .and_then(|p| match values[p] {
                    Value::Integer(minor) => Some(currency::to_major(minor, &code)),
                    _ => None,
                });
            let tier = arr.map_or(Tier::C, |a| self.tiers.tier_for(a));
            match tier_at {
                Some(p) => values[p] = Value::Text(tier.as_str().into()),
                None => {
                    cols.push("tier");
                    values.push(Value::Text(tier.as_str().into()));
                }
            }
        }
        // Empty optional fields fall back to the column defaults.
        let (cols, mut values): (Vec<&str>, Vec<Value>) = cols
            .into_iter()
            .zip(values)
            .filter(|(_, v)| *v != Value::Null)
            .unzip();
        let sql = format!(
            "INSERT INTO accounts({}, source, created_at, updated_at) VALUES ({}, ?, ?, ?)",
            cols.join(", "),
            vec!["?"; cols.len()].join(", ")
        );
        values.push(Value::Text(self.source.clone()));
        values.push(Value::Text(self.now.clone()));
        values.push(Value::Text(self.now.clone()));
        conn.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO account_external_ids(source, external_id, account_id) VALUES (?1, ?2, ?3)",
            rusqlite::params![self.source, external_id, id],
        )?;
        self.accounts.learn(id, &external_id, &code);
        self.accounts_written.push(id);
        self.w.touch(id);
        Ok(Ok(Outcome::Written))
    }
}
