//! Global search (Ctrl+K) over account names and domains, contacts, and the
//! text of logged activities, through the SQLite FTS5 index the schema keeps
//! current with triggers.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Account,
    Contact,
    Activity,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchHit {
    pub kind: HitKind,
    /// Id of the account, contact or activity.
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    pub account_name: String,
    pub title: String,
    /// A short piece of matching text, plain (no markup).
    pub excerpt: String,
}

/// Turns what a person typed into an FTS5 query: every word must match as a
/// prefix. Quoting each word means operators and punctuation in the input are
/// searched for literally instead of being parsed as query syntax.
fn match_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

pub fn query(conn: &Connection, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some(expr) = match_expression(text) else {
        return Ok(Vec::new());
    };
    // Accounts first, then contacts, then activities; bm25 within each kind.
    let mut stmt = conn.prepare_cached(
        "SELECT s.rowid, s.account_id, a.name, s.title,
                snippet(search_index, -1, '', '', ' … ', 12)
         FROM search_index s JOIN accounts a ON a.id = s.account_id
         WHERE search_index MATCH ?1
         ORDER BY s.rowid % 4, rank LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![expr, limit as i64], |r| {
        let rowid: i64 = r.get(0)?;
        let kind = match rowid % 4 {
            0 => HitKind::Account,
            1 => HitKind::Contact,
            _ => HitKind::Activity,
        };
        Ok(SearchHit {
            kind,
            id: rowid / 4,
            account_id: r.get(1)?,
            account_name: r.get(2)?,
            title: r.get(3)?,
            excerpt: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn query_syntax_in_user_input_is_searched_literally() {
        assert_eq!(
            match_expression("acme corp").as_deref(),
            Some("\"acme\"* \"corp\"*")
        );
        assert_eq!(
            match_expression("NOT\" OR (x*").as_deref(),
            Some("\"NOT\"* \"OR\"* \"x\"*")
        );
        assert_eq!(match_expression("  --  "), None);
    }
}
