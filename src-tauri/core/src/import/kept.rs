//! The columns of an accounts file the CSM keeps as their own fields:
//! checked and declared before the rows are read, their values read from
//! each row, and taken back when no row that went in held one.

use super::numbers;
use super::reader::Rows;
use super::{CustomKind, Entity, ImportRequest};
use crate::error::{Error, Result};
use crate::ingest::Ingest;
use crate::say;

/// A kept column: where it is, its key, kind and decimal mark; whether this
/// import declared it and whether a row that went in held a value for it.
#[derive(Clone)]
pub(super) struct Kept {
    pub(super) new: bool,
    pub(super) filled: bool,
    pub(super) column: usize,
    pub(super) key: String,
    pub(super) kind: CustomKind,
    pub(super) comma: bool,
}

/// Checks and registers the columns to keep (accounts files only).
pub(super) fn keep(
    request: &ImportRequest,
    headers: &[String],
    ingest: &Ingest<'_>,
) -> Result<Vec<Kept>> {
    if request.keep.is_empty() {
        return Ok(Vec::new());
    }
    if request.entity != Entity::Accounts {
        return Err(Error::invalid(say!(
            "Only columns of an accounts file can be kept as your own fields.",
            "Nur Spalten einer Kundendatei können als eigene Felder behalten werden."
        )));
    }
    let mut kept = Vec::new();
    for k in &request.keep {
        let column = headers.iter().position(|h| *h == k.column).ok_or_else(|| {
            Error::invalid(say!(
                "The file has no column '{}' to keep.",
                "Die Datei hat keine Spalte „{}“ zum Behalten.",
                k.column
            ))
        })?;
        let key = crate::ingest::schema::custom_key(&k.column);
        if key.is_empty() {
            return Err(Error::invalid(say!(
                "The column '{}' needs a name with letters or digits to be kept.",
                "Die Spalte „{}“ braucht zum Behalten einen Namen mit Buchstaben oder Ziffern.",
                k.column
            )));
        }
        if request
            .mapping
            .iter()
            .any(|m| m.column.as_deref() == Some(&k.column))
        {
            return Err(Error::invalid(say!(
"The column '{}' is mapped to a field already; it cannot also be kept as your own.",
"Die Spalte „{}“ ist bereits einem Feld zugeordnet; sie kann nicht zusätzlich als eigenes Feld behalten werden.",
                k.column
            )));
        }
        let new = ingest.register_custom(&key, k.column.trim(), k.kind)?;
        kept.push(Kept {
            column,
            key,
            kind: k.kind,
            comma: request.options.decimal_comma_in(&k.column),
            new,
            filled: false,
        });
    }
    Ok(kept)
}

/// The values of the kept columns of a row (empty cells are left out, so
/// the field keeps what it had); a number column that holds no number
/// rejects the row.
pub(super) fn read_kept(
    kept: &[Kept],
    rows: &Rows,
) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::with_capacity(kept.len());
    for k in kept {
        let text = rows.cell(k.column).trim();
        if text.is_empty() {
            continue;
        }
        let value = match k.kind {
            CustomKind::Category => text.to_string(),
            CustomKind::Number => {
                let (n, _) = numbers::parse_decimal(text, k.comma)
                    .map_err(|e| format!("{}: {e}.", rows.headers[k.column]))?;
                n.to_plain()
            }
        };
        out.push((k.key.clone(), value));
    }
    Ok(out)
}

/// Takes back the fields this import declared that no accepted row filled:
/// they would show, export and train with no values.
pub(super) fn forget_unfilled(kept: &[Kept], ingest: &Ingest<'_>) -> Result<()> {
    for k in kept.iter().filter(|k| k.new && !k.filled) {
        ingest.forget_custom(&k.key)?;
    }
    Ok(())
}
