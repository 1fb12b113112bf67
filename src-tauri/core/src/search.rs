//! Global search (Ctrl+K) over account names and domains, contacts, and the
//! text of logged activities, through the SQLite FTS5 index the schema keeps
//! current with triggers; bulk writes index their new rows once at the end
//! (`index_after`).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ingest::Entity;
use crate::write::Write;

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
    /// For a check-in: the day it happened (the newest of `count`).
    pub date: Option<String>,
    /// Check-ins of one account with the same matching text are one hit.
    #[ts(type = "number")]
    pub count: u32,
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

const KIND_SHIFT: i64 = 40;

/// The triggers that index a row as it is inserted, with their table and
/// a column whose update trigger indexes the row again.
const INSERT_TRIGGERS: [(&str, &str, &str); 3] = [
    ("accounts_ai", "accounts", "name"),
    ("contacts_ai", "contacts", "name"),
    ("activities_ai", "activities", "summary"),
];

/// Runs `bulk`, a write that adds many accounts, contacts or check-ins (the
/// demo book, a file import), and indexes the rows it added once at the end
/// instead of one at a time.
///
/// Why: a statement that fires an FTS5 trigger opens a statement savepoint,
/// and FTS5 writes its pending terms to disk as a new segment at every
/// savepoint. Row by row, every account, contact and check-in became a
/// segment of its own and the index spent its time merging them: 7 of the
/// 23 s of generating the 5,000-account demo book. So the insert triggers
/// are dropped while `bulk` runs and put back exactly as the schema has them
/// (their SQL is read from the schema, not repeated here); the rows added
/// meanwhile are then indexed by the schema's own update triggers, one
/// statement per table. It all happens in `w`'s transaction: if `bulk` fails
/// or is cancelled, schema and index roll back with it.
///
/// Rows `bulk` changes are indexed by the update triggers as always. `bulk`
/// must not delete rows of these tables: a new row could take a deleted
/// row's id, and only ids above those held before are indexed at the end.
pub fn index_after<T>(w: &Write<'_>, bulk: impl FnOnce() -> Result<T>) -> Result<T> {
    let conn = w.conn();
    let mut held = Vec::with_capacity(INSERT_TRIGGERS.len());
    for (trigger, table, column) in INSERT_TRIGGERS {
        let sql: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [trigger],
                |r| r.get(0),
            )
            .optional()?;
        let Some(sql) = sql else { continue };
        let last: i64 = conn.query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )?;
        conn.execute_batch(&format!("DROP TRIGGER {trigger}"))?;
        held.push((sql, table, column, last));
    }
    let out = bulk()?;
    for (sql, table, column, last) in held {
        conn.execute_batch(&sql)?;
        conn.execute(
            &format!("UPDATE {table} SET {column} = {column} WHERE id > ?1"),
            [last],
        )?;
    }
    Ok(out)
}

/// `index_after` for a write of `entity` records from a file or a vendor:
/// usage rows add nothing to search and go straight in (a usage import or
/// a usage page of a sync keeps its triggers as they are).
pub fn index_after_writing<T>(
    w: &Write<'_>,
    entity: Entity,
    bulk: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if entity == Entity::Usage {
        return bulk();
    }
    index_after(w, bulk)
}

/// Accounts first, then contacts, then activities (one row per text and
/// account, with its newest day and how many there are). Accounts and contacts are
/// ranked by relevance (bm25); activities come newest first, which FTS5 can
/// answer by walking the rowid range backwards and stopping at `limit`
/// instead of ranking tens of thousands of matching notes.
pub fn query(conn: &Connection, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some(expr) = match_expression(text) else {
        return Ok(Vec::new());
    };
    // One-letter prefixes match most of the index; only names are worth it.
    let long_enough = text.trim().chars().filter(|c| c.is_alphanumeric()).count() >= 2;
    let mut hits: Vec<SearchHit> = Vec::with_capacity(limit);
    for (kind, order) in [
        (HitKind::Account, "rank"),
        (HitKind::Contact, "rank"),
        (HitKind::Activity, "s.rowid DESC"),
    ] {
        let left = limit.saturating_sub(hits.len());
        if left == 0 || (kind != HitKind::Account && !long_enough) {
            break;
        }
        let code: i64 = match kind {
            HitKind::Account => 0,
            HitKind::Contact => 1,
            HitKind::Activity => 2,
        };
        // Check-ins bring their day; repeats of one text are merged
        // below, so more are read than shown.
        let date = if kind == HitKind::Activity {
            "(SELECT v.occurred_on FROM activities v WHERE v.id = (s.rowid & ((1 << 40) - 1)))"
        } else {
            "NULL"
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT s.rowid, s.account_id, a.name, s.title,
                    snippet(search_index, -1, '', '', ' … ', 12), {date}
             FROM search_index s JOIN accounts a ON a.id = s.account_id
             WHERE search_index MATCH ?1 AND s.rowid >= ?2 AND s.rowid < ?3
             ORDER BY {order} LIMIT ?4"
        ))?;
        let read = if kind == HitKind::Activity {
            left * 4
        } else {
            left
        };
        let rows = stmt.query_map(
            rusqlite::params![
                expr,
                code << KIND_SHIFT,
                (code + 1) << KIND_SHIFT,
                read as i64
            ],
            |r| {
                let rowid: i64 = r.get(0)?;
                Ok(SearchHit {
                    kind,
                    id: rowid & ((1 << KIND_SHIFT) - 1),
                    account_id: r.get(1)?,
                    account_name: r.get(2)?,
                    title: r.get(3)?,
                    excerpt: r.get(4)?,
                    date: r.get(5)?,
                    count: 1,
                })
            },
        )?;
        let start = hits.len();
        for hit in rows {
            let hit = hit?;
            // The same words on the same account again ("Prepare renewal
            // proposal" every quarter): one row, counted, newest first.
            if let Some(same) = hits[start..]
                .iter_mut()
                .find(|h| h.account_id == hit.account_id && h.excerpt == hit.excerpt)
            {
                same.count += 1;
                if hit.date > same.date {
                    same.date = hit.date;
                    same.id = hit.id;
                }
                continue;
            }
            if hits.len() - start < left {
                hits.push(hit);
            }
        }
    }
    Ok(hits)
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
