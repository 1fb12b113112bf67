//! Which account an outside record is: the index of the book's accounts by
//! id, domain and name (`Accounts`), the links an outside record gets
//! (`Ingest::link`, `Ingest::adopt`), and the upsert of account records.

use crate::say;
use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::Connection;

use super::{Ingest, Outcome, Record};
use crate::currency;
use crate::error::{Error, Result};
use crate::model::Tier;

/// Finds the account a record names: by an id it has in any source (exactly,
/// ids are case-sensitive), then by domain, then by name (both ignoring
/// case). A domain or name two accounts share finds neither: guessing which
/// one would put data on the wrong customer.
#[derive(Clone)]
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
            (&self.domains, Some(say!("domain", "Domain"))),
            (&self.names, Some(say!("name", "Namen"))),
        ] {
            let key = if what.is_none() {
                reference
            } else {
                folded.as_str()
            };
            match map.get(key) {
                Some(Some(id)) => return Ok(*id),
                Some(None) => {
                    let what = what.unwrap_or_else(|| "id".into());
                    return Err(say!(
                        "Several accounts have the {what} '{reference}'; name the account by its id.",
                        "Mehrere Kunden haben die/den {what} „{reference}“; nennen Sie den Kunden bei seiner ID."
                    ));
                }
                None => {}
            }
        }
        Err(say!(
            "Unknown account '{reference}': import it first or check the spelling (ids are case-sensitive).",
            "Unbekannter Kunde „{reference}“: zuerst importieren oder die Schreibweise prüfen (IDs unterscheiden Groß- und Kleinschreibung)."
        ))
    }

    /// The currency an account keeps its money in.
    /// The account an outside id already names: this source's, else
    /// another source's when only one account has it.
    pub fn existing(&self, external_id: &str) -> Option<i64> {
        self.own_ids
            .get(external_id)
            .copied()
            .or_else(|| self.other_ids.get(external_id).copied().flatten())
    }

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

impl Ingest<'_> {
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
        self.accounts.existing(external_id)
    }

    pub(super) fn upsert_account(
        &mut self,
        record: &Record,
    ) -> Result<std::result::Result<Outcome, String>> {
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
            // A field the record leaves empty keeps what the book has; one
            // the CSM set by hand is theirs (what this source offers is
            // kept beside it).
            let owned = crate::fields::owned(conn, id)?;
            let mut pairs: Vec<(&str, &Value)> = Vec::new();
            for (c, v) in cols.iter().zip(&values).filter(|(_, v)| **v != Value::Null) {
                if owned.contains(*c) {
                    crate::fields::offer(conn, id, c, &self.source, v)?;
                } else {
                    pairs.push((*c, v));
                }
            }
            if pairs.is_empty() {
                return Ok(Ok(Outcome::Unchanged));
            }
            let current: Vec<Value> = conn
                .prepare_cached(&format!(
                    "SELECT {} FROM accounts WHERE id = ?1",
                    pairs.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
                ))?
                .query_row([id], |r| (0..pairs.len()).map(|i| r.get(i)).collect())?;
            let pairs: Vec<(&str, &Value)> = pairs
                .into_iter()
                .zip(&current)
                .filter(|((_, v), now)| *v != *now)
                .map(|(p, _)| p)
                .collect();
            let changed = !pairs.is_empty();
            if changed {
                let sql = format!(
                    "UPDATE accounts SET {}, updated_at = ? WHERE id = ?",
                    pairs
                        .iter()
                        .map(|(c, _)| format!("{c} = ?"))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                let mut params: Vec<Value> = pairs.iter().map(|(_, v)| (*v).clone()).collect();
                params.push(Value::Text(self.now.clone()));
                params.push(Value::Integer(id));
                conn.prepare_cached(&sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                let columns: Vec<&str> = pairs.iter().map(|(c, _)| *c).collect();
                crate::fields::set_by(conn, id, &columns, &self.source, &self.now)?;
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
