//! What account fields were on past days. Every change to a tracked field
//! (ARR, tier, stage, renewal date, contract term, payment method, custom
//! fields) is recorded with the CSM's calendar day it became known, so a
//! health score or a churn snapshot "as of" a day reads what was known then,
//! never today's value (insight.md: a churned account's ARR set to 0 by the
//! CRM must not tell the model it was small before it left).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::store::Scope;

/// Account columns whose past values matter, with the SQL that reads each as text.
pub const TRACKED: &[(&str, &str)] = &[
    ("arr_minor", "CAST(a.arr_minor AS TEXT)"),
    ("crm_arr_minor", "CAST(a.crm_arr_minor AS TEXT)"),
    ("tier", "a.tier"),
    ("lifecycle_stage", "a.lifecycle_stage"),
    ("renewal_date", "a.renewal_date"),
    (
        "contract_term_months",
        "CAST(a.contract_term_months AS TEXT)",
    ),
    ("payment_method", "a.payment_method"),
];

/// The field name custom field `key` is recorded under.
pub fn custom(key: &str) -> String {
    format!("custom:{key}")
}

/// Records, for every tracked field of the accounts in `scope`, the current
/// value when it differs from the last one recorded: valid from `day`.
pub(crate) fn record_changes(
    conn: &Connection,
    scope: Scope<'_>,
    day: NaiveDate,
    source: &str,
) -> Result<usize> {
    let now = Utc::now().to_rfc3339();
    let mut written = 0;
    let (filter, value) = scope.filter("a.id", 5);
    for (field, expr) in TRACKED {
        // Some accounts are key lookups; `?5 IS NULL OR a.id = ?5` would
        // scan the accounts for each field.
        let sql = format!(
            "INSERT INTO account_history(account_id, field, value, valid_from, source, recorded_at)
             SELECT a.id, ?1, {expr}, ?2, ?3, ?4 FROM accounts a
             WHERE {expr} IS NOT (SELECT h.value FROM account_history h
                                  WHERE h.account_id = a.id AND h.field = ?1
                                  ORDER BY h.valid_from DESC, h.id DESC LIMIT 1) {filter}"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        written += match &value {
            Some(v) => stmt.execute(params![field, day, source, now, v])?,
            None => stmt.execute(params![field, day, source, now])?,
        };
    }
    Ok(written)
}

/// Records one value of one field (a custom field from a file) when it
/// differs from the last one recorded.
pub(crate) fn record(
    conn: &Connection,
    account_id: i64,
    field: &str,
    value: Option<&str>,
    day: NaiveDate,
    source: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO account_history(account_id, field, value, valid_from, source, recorded_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE ?3 IS NOT (SELECT h.value FROM account_history h
                          WHERE h.account_id = ?1 AND h.field = ?2
                          ORDER BY h.valid_from DESC, h.id DESC LIMIT 1)",
        )?
        .execute(params![
            account_id,
            field,
            value,
            day,
            source,
            Utc::now().to_rfc3339()
        ])?;
    Ok(n > 0)
}

/// A field's value on a day, and whether it was recorded by then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub value: Option<String>,
    /// False when the first value Steward recorded came after the day: the
    /// account was known only later, and this is that first value.
    pub by_then: bool,
    /// The first day Steward recorded the field for the account: for the
    /// tier, which every account has, when Steward first knew it.
    pub first: NaiveDate,
}

/// Each account's (or one's) value of `field` on `day`: the last recorded on
/// or before it; for an account recorded only later, its first value.
pub fn as_of(
    conn: &Connection,
    field: &str,
    day: NaiveDate,
    scope: Scope<'_>,
) -> Result<HashMap<i64, Known>> {
    // One pass over the field's rows in index order (account, day, id):
    // for each account the last row on or before the day wins, else the
    // last row of its first day. A window function over the same rows took
    // ten times longer. Days compare as their ISO text, and a value is read
    // only when its row wins (most rows are an account's older values).
    let day_text = day.to_string();
    let mut out: HashMap<i64, Known> = HashMap::new();
    // The account being read and its value so far (which holds its first day).
    let mut current: Option<(i64, Known)> = None;
    crate::store::each_row(
        conn,
        "SELECT account_id, value, valid_from FROM account_history
         WHERE field = ?1 {ONE} ORDER BY account_id, valid_from, id",
        "account_id",
        &[&field],
        scope,
        |r| {
            let account: i64 = r.get(0)?;
            let from = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let by_then = from <= day_text.as_str();
            let replaces = match &current {
                Some((id, known)) if *id == account => {
                    // Later the same day, or still by the day: later knowledge
                    // (the day is read only for an account known after it).
                    by_then || (!known.by_then && crate::dates::parse(from) == Some(known.first))
                }
                _ => {
                    if let Some((id, known)) = current.take() {
                        out.insert(id, known);
                    }
                    current = Some((
                        account,
                        Known {
                            value: None,
                            by_then,
                            first: crate::dates::column(r, 2)?,
                        },
                    ));
                    true
                }
            };
            if replaces {
                if let Some((_, known)) = current.as_mut() {
                    known.value = r.get(1)?;
                    known.by_then = by_then;
                }
            }
            Ok(())
        },
    )?;
    if let Some((id, known)) = current {
        out.insert(id, known);
    }
    Ok(out)
}

/// The current value of every custom field of an account, by key.
pub fn custom_values(conn: &Connection, account_id: i64) -> Result<Vec<(String, Option<String>)>> {
    // One index seek per registered field (there are few): a scan for the
    // account's custom rows would read every account's history.
    let mut stmt = conn.prepare_cached(
        "SELECT f.key, h.value FROM custom_fields f
         JOIN account_history h ON h.id = (
             SELECT id FROM account_history
             WHERE field = 'custom:' || f.key AND account_id = ?1
             ORDER BY valid_from DESC, id DESC LIMIT 1)
         ORDER BY f.key",
    )?;
    let rows = stmt.query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_reads_as_it_was_known_on_each_day() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut conn = crate::store::open_in(dir.path()).expect("open");
        let d = |s: &str| s.parse::<NaiveDate>().expect("day");
        conn.execute(
            "INSERT INTO accounts(name, arr_minor, crm_arr_minor, source, created_at, updated_at)
             VALUES ('A', 1200000, 1200000, 'user', '2026-01-10T09:00:00Z', '')",
            [],
        )
        .expect("account");
        let tx = conn.transaction().expect("tx");
        record_changes(&tx, Scope::Book, d("2026-01-10"), "file").expect("first");
        tx.execute(
            "UPDATE accounts SET arr_minor = 0, lifecycle_stage = 'churned'",
            [],
        )
        .expect("churn");
        record_changes(&tx, Scope::Book, d("2026-06-01"), "file").expect("second");
        assert_eq!(
            record_changes(&tx, Scope::Book, d("2026-06-02"), "file").expect("again"),
            0,
            "nothing changed"
        );
        tx.commit().expect("commit");
        let arr =
            |day: &str| as_of(&conn, "arr_minor", d(day), Scope::Book).expect("as of")[&1].clone();
        assert_eq!(
            arr("2026-03-01"),
            Known {
                value: Some("1200000".into()),
                by_then: true,
                first: d("2026-01-10"),
            }
        );
        assert_eq!(arr("2026-06-01").value.as_deref(), Some("0"));
        // Before Steward knew the account: its first value, marked as such.
        assert_eq!(
            arr("2025-12-01"),
            Known {
                value: Some("1200000".into()),
                by_then: false,
                first: d("2026-01-10"),
            }
        );
        let stage = as_of(&conn, "lifecycle_stage", d("2026-05-31"), Scope::One(1)).expect("stage");
        assert_eq!(stage[&1].value.as_deref(), Some("adopting"));
        // Two records on one day: the later one is what was known that day.
        conn.execute(
            "INSERT INTO accounts(name, arr_minor, source, created_at, updated_at)
             VALUES ('B', 500, 'user', '', '')",
            [],
        )
        .expect("account b");
        let tx = conn.transaction().expect("tx");
        record_changes(&tx, Scope::One(2), d("2026-07-01"), "file").expect("b first");
        tx.execute("UPDATE accounts SET arr_minor = 700 WHERE id = 2", [])
            .expect("b arr");
        record_changes(&tx, Scope::One(2), d("2026-07-01"), "steward").expect("b again");
        tx.commit().expect("commit");
        let b = as_of(&conn, "arr_minor", d("2026-03-01"), Scope::One(2)).expect("b")[&2].clone();
        assert_eq!((b.value.as_deref(), b.by_then), (Some("700"), false));
    }
}
