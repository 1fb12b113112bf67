//! Which accounts a read covers: the whole book, one account, or those a
//! write touched, and running a query over just those. Every reader of the
//! book that can be asked for less than all of it goes through here, so one
//! account is a key lookup and some are read by key in one statement.

use rusqlite::Connection;

use crate::error::Result;

/// The accounts a read or a reassessment covers: the whole book, one
/// account, or those a write touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Book,
    One(i64),
    These(&'a [i64]),
}

impl From<Option<i64>> for Scope<'_> {
    fn from(only: Option<i64>) -> Self {
        only.map_or(Scope::Book, Scope::One)
    }
}

impl<'a> Scope<'a> {
    /// These accounts: one, or some.
    pub fn of(ids: &'a [i64]) -> Scope<'a> {
        match ids {
            [one] => Scope::One(*one),
            _ => Scope::These(ids),
        }
    }

    /// The SQL that keeps a query to these accounts by `column` (nothing for
    /// the whole book), with what to bind as its parameter number `n`.
    pub(crate) fn filter(self, column: &str, n: usize) -> (String, Option<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        match self {
            Scope::Book => (String::new(), None),
            Scope::One(id) => (format!(" AND {column} = ?{n}"), Some(Value::Integer(id))),
            Scope::These(ids) => (
                format!(" AND {column} IN (SELECT value FROM json_each(?{n}))"),
                Some(Value::Text(serde_json::Value::from(ids).to_string())),
            ),
        }
    }

    /// The one account, when the scope is one.
    pub fn one(self) -> Option<i64> {
        match self {
            Scope::One(id) => Some(id),
            _ => None,
        }
    }
}

/// Runs a query over the whole book, one account or some, and calls `f` for
/// each row. The query's `{ONE}` spot becomes a filter on `column` (bound as
/// the parameter after `params`) unless the whole book is wanted.
pub(crate) fn each_row(
    conn: &Connection,
    sql: &str,
    column: &str,
    params: &[&dyn rusqlite::ToSql],
    scope: Scope<'_>,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
) -> Result<()> {
    let (filter, value) = scope.filter(column, params.len() + 1);
    let mut bound = params.to_vec();
    if let Some(value) = &value {
        bound.push(value);
    }
    let mut stmt = conn.prepare_cached(&sql.replace("{ONE}", &filter))?;
    let mut rows = stmt.query(bound.as_slice())?;
    while let Some(row) = rows.next()? {
        f(row)?;
    }
    Ok(())
}
