//! Who set each account field, and the CSM's own edits. A field holds the
//! value its last writer gave (a file, a sync, the CSM); the account page
//! shows which and when. A field the CSM edits by hand becomes theirs: a
//! sync or import then leaves it alone and keeps what it offered instead,
//! shown next to the CSM's value, until the CSM hands the field back.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ingest::{Entity, Kind};
use crate::model::source;
use crate::say;
use crate::write::Write;

/// The account fields the CSM may set by hand, as (field key, column).
pub const EDITABLE: &[(&str, &str)] = &[
    ("name", "name"),
    ("domain", "domain"),
    ("industry", "industry"),
    ("employees", "employees"),
    ("owner", "owner"),
    ("tier", "tier"),
    ("lifecycle_stage", "lifecycle_stage"),
    ("contract_start", "contract_start"),
    ("renewal_date", "renewal_date"),
];

/// One account field with where its value came from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FieldSource {
    /// The field's key (as in import files).
    pub key: String,
    pub label: String,
    pub value: Option<String>,
    /// `user`, `file`, `demo`, `sync:hubspot`, ...
    pub source: String,
    /// When it was set (RFC 3339).
    pub set_at: String,
    /// The CSM set it by hand: syncs leave it.
    pub owned: bool,
    /// For an owned field: the source offering another value, and the value.
    pub offered_by: Option<String>,
    pub offered: Option<String>,
}

fn column_of(key: &str) -> Result<&'static str> {
    EDITABLE
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            Error::invalid(say!(
                "\"{key}\" is not a field you can set on an account.",
                "„{key}“ ist kein Feld, das Sie bei einem Kunden setzen können."
            ))
        })
}

fn as_text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(n) => Some(n.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(_) => None,
    }
}

/// The editable fields of an account with their sources.
pub fn sources(conn: &Connection, account_id: i64) -> Result<Vec<FieldSource>> {
    let (origin, created): (String, String) = conn
        .query_row(
            "SELECT source, created_at FROM accounts WHERE id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Account {account_id} does not exist.",
                "Kunde {account_id} existiert nicht."
            ))
        })?;
    let mut out = Vec::new();
    for (key, column) in EDITABLE {
        let value: Value = conn.query_row(
            &format!("SELECT {column} FROM accounts WHERE id = ?1"),
            [account_id],
            |r| r.get(0),
        )?;
        let set: Option<(String, String, Option<String>, Option<String>)> = conn
            .prepare_cached(
                "SELECT source, set_at, offered_by, offered FROM account_fields WHERE account_id = ?1 AND field = ?2",
            )?
            .query_row(params![account_id, column], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let (source, set_at, offered_by, offered) =
            set.unwrap_or_else(|| (origin.clone(), created.clone(), None, None));
        out.push(FieldSource {
            key: key.to_string(),
            label: Entity::Accounts
                .field(key)
                .map_or_else(|| key.to_string(), |f| f.says().to_string()),
            value: as_text(value),
            owned: source == source::USER,
            source,
            set_at,
            offered_by,
            offered,
        });
    }
    Ok(out)
}

/// `text` as the column of field `key` stores it.
fn parse(key: &str, text: &str) -> Result<Value> {
    let field = Entity::Accounts.field(key).ok_or_else(|| {
        Error::invalid(say!(
            "\"{key}\" is not an account field.",
            "„{key}“ ist kein Kundenfeld."
        ))
    })?;
    let t = text.trim();
    if t.is_empty() {
        if field.required {
            return Err(Error::invalid(say!(
                "{} cannot be empty.",
                "{} darf nicht leer sein.",
                field.says()
            )));
        }
        return Ok(Value::Null);
    }
    Ok(match field.kind {
        Kind::Integer => {
            let n: i64 = t.replace([',', '.', ' '], "").parse().map_err(|_| {
                Error::invalid(say!(
                    "{}: \"{t}\" is not a whole number.",
                    "{}: „{t}“ ist keine ganze Zahl.",
                    field.says()
                ))
            })?;
            field
                .check_range(i128::from(n), 1)
                .map_err(|e| Error::invalid(format!("{}: {e}.", field.says())))?;
            Value::Integer(n)
        }
        Kind::Date => Value::Text(
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| {
                    Error::invalid(say!(
                        "{}: \"{t}\" is not a date (YYYY-MM-DD).",
                        "{}: „{t}“ ist kein Datum (JJJJ-MM-TT).",
                        field.says()
                    ))
                })?
                .to_string(),
        ),
        Kind::Choice(parse, choices) => Value::Text(
            parse(t)
                .ok_or_else(|| {
                    Error::invalid(say!(
                        "{}: \"{t}\" is not one of {}.",
                        "{}: „{t}“ ist keiner der Werte {}.",
                        field.says(),
                        choices()
                    ))
                })?
                .to_string(),
        ),
        _ if key == "domain" => Value::Text(t.to_lowercase()),
        _ => Value::Text(t.to_string()),
    })
}

/// The CSM sets field `key` of the account by hand; from now on it is
/// theirs. What its last source said stays as the value offered.
pub fn edit(w: &Write<'_>, account_id: i64, key: &str, text: &str) -> Result<()> {
    let column = column_of(key)?;
    let value = parse(key, text)?;
    let conn = w.conn();
    let before = sources(conn, account_id)?
        .into_iter()
        .find(|f| f.key == key)
        .ok_or_else(|| Error::Internal(format!("no field {key}")))?;
    conn.execute(
        &format!("UPDATE accounts SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
        params![account_id, value, Utc::now().to_rfc3339()],
    )?;
    let (offered_by, offered) = if before.owned {
        (before.offered_by, before.offered)
    } else {
        (Some(before.source), before.value)
    };
    conn.execute(
        "INSERT INTO account_fields(account_id, field, source, set_at, offered_by, offered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(account_id, field) DO UPDATE SET source = excluded.source, set_at = excluded.set_at,
           offered_by = excluded.offered_by, offered = excluded.offered",
        params![account_id, column, source::USER, Utc::now().to_rfc3339(), offered_by, offered],
    )?;
    w.touch(account_id);
    Ok(())
}

/// Hands field `key` back: it takes the value its source last offered
/// (when one did) and follows that source again.
pub fn release(w: &Write<'_>, account_id: i64, key: &str) -> Result<()> {
    let column = column_of(key)?;
    let conn = w.conn();
    let owned: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT offered_by, offered FROM account_fields WHERE account_id = ?1 AND field = ?2 AND source = ?3",
            params![account_id, column, source::USER],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((offered_by, offered)) = owned else {
        return Err(Error::invalid(say!(
            "That field follows its source already.",
            "Dieses Feld folgt bereits seiner Quelle."
        )));
    };
    match offered_by {
        Some(by) => {
            let value = match &offered {
                Some(t) => parse(key, t)?,
                None => Value::Null,
            };
            conn.execute(
                &format!("UPDATE accounts SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
                params![account_id, value, Utc::now().to_rfc3339()],
            )?;
            conn.execute(
                "UPDATE account_fields SET source = ?3, set_at = ?4, offered_by = NULL, offered = NULL
                 WHERE account_id = ?1 AND field = ?2",
                params![account_id, column, by, Utc::now().to_rfc3339()],
            )?;
        }
        None => {
            conn.execute(
                "DELETE FROM account_fields WHERE account_id = ?1 AND field = ?2",
                params![account_id, column],
            )?;
        }
    }
    w.touch(account_id);
    Ok(())
}

/// The columns of an account the CSM owns.
pub(crate) fn owned(conn: &Connection, account_id: i64) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT field FROM account_fields WHERE account_id = ?1 AND source = 'user'",
    )?;
    let set = stmt
        .query_map([account_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(set)
}

/// A source offered `value` for a column the CSM owns: kept to show.
pub(crate) fn offer(
    conn: &Connection,
    account_id: i64,
    column: &str,
    by: &str,
    value: &Value,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE account_fields SET offered_by = ?3, offered = ?4
         WHERE account_id = ?1 AND field = ?2 AND (offered_by IS NOT ?3 OR offered IS NOT ?4)",
    )?
    .execute(params![account_id, column, by, as_text(value.clone())])?;
    Ok(())
}

/// `by` set these columns of the account now.
pub(crate) fn set_by(
    conn: &Connection,
    account_id: i64,
    columns: &[&str],
    by: &str,
    now: &str,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO account_fields(account_id, field, source, set_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(account_id, field) DO UPDATE SET source = excluded.source, set_at = excluded.set_at,
           offered_by = NULL, offered = NULL",
    )?;
    for c in columns {
        stmt.execute(params![account_id, c, by, now])?;
    }
    Ok(())
}
