//! The reading side of an import: the file's rows turned into records ready
//! to upsert, or into the reason each bad one is rejected. A row's cells
//! are read by their fields' rules, its account is found, a second copy of
//! a record is caught and the CSM's own columns are read. None of this
//! needs the database, so a large file is read on a thread of its own while
//! the write side upserts what was read (`import::execute`): the two halves
//! of an import cost about the same, and a laptop has two cores.

use chrono::Datelike;
use rusqlite::types::Value;

use super::kept::{self, Kept};
use super::numbers;
use super::reader::Rows;
use super::seen::{hash_key, Seen};
use super::{dates, Bound, ReadOptions};
use crate::currency;
use crate::error::{Error, Result};
use crate::ingest::{self, Accounts, Entity, Field, Kind, Record};
use crate::progress::CancelToken;
use crate::say;

/// Rows handed from the reading side to the write side at a time: enough
/// to keep both busy, few enough that memory stays small (a few MB).
const BATCH: usize = 2_000;

/// One row of the file as the write side gets it.
pub(super) enum Read {
    Row {
        line: u64,
        record: Record,
        /// Values of the CSM's own columns, by key.
        custom: Vec<(String, String)>,
    },
    Rejected {
        line: u64,
        reason: String,
    },
}

/// Rows read so far, with where the reading stands.
pub(super) struct Batch {
    pub(super) rows: Vec<Read>,
    /// Rows of the file read up to the end of this batch.
    pub(super) rows_read: u64,
    /// Bytes of the file read up to the end of this batch.
    pub(super) bytes_read: u64,
}

/// The file's rows, read into records.
pub(super) struct Records<'a> {
    rows: Rows,
    entity: Entity,
    bound: &'a [Bound],
    fields: Vec<&'static Field>,
    options: &'a ReadOptions,
    kept: Vec<Kept>,
    seen: Seen,
    /// Rows to read at most (a preview).
    limit: Option<u64>,
    rows_read: u64,
}

impl<'a> Records<'a> {
    pub(super) fn new(
        rows: Rows,
        entity: Entity,
        bound: &'a [Bound],
        options: &'a ReadOptions,
        kept: Vec<Kept>,
        limit: Option<u64>,
    ) -> Self {
        Records {
            rows,
            entity,
            bound,
            fields: bound.iter().map(|b| b.field).collect(),
            options,
            kept,
            seen: if entity == Entity::Usage {
                Seen::days()
            } else {
                Seen::hashed()
            },
            limit,
            rows_read: 0,
        }
    }

    /// The next rows, or None at the end of the file (or of the preview).
    /// A cancel or an I/O error ends the import.
    pub(super) fn batch(
        &mut self,
        accounts: &Accounts,
        cancel: &CancelToken,
    ) -> Result<Option<Batch>> {
        let mut rows = Vec::with_capacity(BATCH);
        while rows.len() < BATCH {
            if self.limit.is_some_and(|l| self.rows_read >= l) {
                break;
            }
            let Some(read) = self.next(accounts)? else {
                break;
            };
            rows.push(read);
            if self.rows_read % 1000 == 0 && cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        Ok((!rows.is_empty()).then(|| Batch {
            rows,
            rows_read: self.rows_read,
            bytes_read: self.rows.bytes_read(),
        }))
    }

    fn next(&mut self, accounts: &Accounts) -> Result<Option<Read>> {
        let Some(record) = self.rows.next_record()? else {
            return Ok(None);
        };
        self.rows_read += 1;
        let line = record.line;
        let rejected = |reason| Ok(Some(Read::Rejected { line, reason }));
        if let Some(reason) = record.error {
            return rejected(say!("The row {reason}.", "Die Zeile {reason}."));
        }
        let (mut row, day) = match self.read_row(accounts) {
            Ok(row) => row,
            Err(reason) => return rejected(reason),
        };
        let key = match &row.external_id {
            Some(id) => hash_key(&["id", id]),
            None if self.entity == Entity::Usage => 0,
            None => {
                let id = self.content_key(row.account_id);
                let key = hash_key(&[&id]);
                row.external_id = Some(id);
                key
            }
        };
        let account = row.account_id.unwrap_or_default();
        if let Some(first) = self.seen.first_line(account, day, key, line) {
            return rejected(say!(
                "Duplicate of line {first}: the same record appears twice in the file.",
                "Doppelt zu Zeile {first}: derselbe Datensatz steht zweimal in der Datei."
            ));
        }
        // The CSM's own fields are read first: a bad one rejects the row.
        match kept::read_kept(&self.kept, &self.rows) {
            Ok(custom) => Ok(Some(Read::Row {
                line,
                record: row,
                custom,
            })),
            Err(reason) => rejected(reason),
        }
    }

    /// Reads one row's cells into a record; the day (for usage duplicates)
    /// comes along. The error is the reason the row is rejected.
    fn read_row(&self, accounts: &Accounts) -> std::result::Result<(Record, i32), String> {
        let (bound, rows, entity) = (self.bound, &self.rows, self.entity);
        let mut record = Record {
            external_id: None,
            account_id: None,
            values: Vec::with_capacity(bound.len()),
        };
        let mut day = 0;
        // Money waits until the row's currency is known.
        let mut money: Vec<(usize, numbers::Decimal)> = Vec::new();
        let mut written_codes: Vec<&'static str> = Vec::new();
        for (i, b) in bound.iter().enumerate() {
            let field = b.field;
            let text = b.column.map_or("", |c| rows.cell(c)).trim();
            let label = field.says();
            if text.is_empty() {
                if field.required {
                    return Err(say!(
                        "Missing required field '{label}'.",
                        "Pflichtfeld „{label}“ fehlt."
                    ));
                }
                record.values.push(Value::Null);
                continue;
            }
            let value = match field.kind {
                Kind::Id => {
                    record.external_id = Some(text.to_string());
                    Value::Null
                }
                Kind::AccountRef => {
                    record.account_id = Some(accounts.find(text)?);
                    Value::Null
                }
                Kind::Text | Kind::ContactRef => Value::Text(text.to_string()),
                Kind::Integer => {
                    let (n, code) = numbers::parse_decimal(text, b.comma)
                        .map_err(|e| format!("{label}: {e}."))?;
                    if code.is_some() {
                        return Err(say!(
                            "{label}: '{text}' is a count, not an amount of money.",
                            "{label}: „{text}“ ist eine Anzahl, kein Geldbetrag."
                        ));
                    }
                    let n = n.whole().ok_or_else(|| {
                        say!(
                            "{label}: '{text}' is not a whole number.",
                            "{label}: „{text}“ ist keine ganze Zahl."
                        )
                    })?;
                    field
                        .check_range(n, 1)
                        .map_err(|e| format!("{label}: {e}."))?;
                    Value::Integer(i64::try_from(n).map_err(|_| {
                        say!(
                            "{label}: '{text}' is too large.",
                            "{label}: „{text}“ ist zu groß."
                        )
                    })?)
                }
                Kind::Money => {
                    let (amount, code) = numbers::parse_decimal(text, b.comma)
                        .map_err(|e| format!("{label}: {e}."))?;
                    written_codes.extend(code);
                    money.push((i, amount));
                    Value::Null
                }
                Kind::Currency => {
                    let code = currency::parse(text).ok_or_else(|| {
                        say!(
                            "{label}: '{text}' is not a currency code (ISO 4217, such as EUR or USD).",
                            "{label}: „{text}“ ist kein Währungscode (ISO 4217, etwa EUR oder USD)."
                        )
                    })?;
                    Value::Text(code.to_string())
                }
                Kind::Date => {
                    let d = dates::parse_date(text, self.options.slash_dates)
                        .map_err(|e| format!("{label}: {e}."))?;
                    if field.key == "day" {
                        day = d.num_days_from_ce();
                    }
                    Value::Text(crate::dates::iso(d))
                }
                Kind::Timestamp => Value::Text(
                    dates::parse_timestamp(text, self.options.slash_dates)
                        .map_err(|e| format!("{label}: {e}."))?,
                ),
                Kind::Bool => match text.to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "y" | "x" | "ja" | "wahr" => Value::Integer(1),
                    "0" | "false" | "no" | "n" | "nein" | "falsch" => Value::Integer(0),
                    _ => {
                        return Err(say!(
                            "{label}: '{text}' is not yes or no.",
                            "{label}: „{text}“ ist weder ja noch nein."
                        ))
                    }
                },
                Kind::Term => {
                    let months = crate::ingest::schema::parse_term(text).ok_or_else(|| {
                        say!(
                            "{label}: '{text}' is not a contract term (a number of months, or month-to-month, one year, two years, ...).",
                            "{label}: „{text}“ ist keine Vertragslaufzeit (eine Zahl von Monaten oder month-to-month, one year, two years, …)."
                        )
                    })?;
                    field
                        .check_range(i128::from(months), 1)
                        .map_err(|e| format!("{label}: {e}."))?;
                    Value::Integer(months)
                }
                Kind::Choice(parse, choices) => Value::Text(
                    parse(text)
                        .ok_or_else(|| {
                            let choices = choices();
                            say!(
                                "{label}: '{text}' is not one of {choices}.",
                                "{label}: „{text}“ ist keiner der Werte {choices}."
                            )
                        })?
                        .to_string(),
                ),
            };
            record.values.push(value);
        }
        // The currency: the row's currency cell, else one written with the
        // amounts (they must agree), else (subscriptions, invoices) the account's.
        let at = bound
            .iter()
            .position(|b| matches!(b.field.kind, Kind::Currency));
        let mut named = at.and_then(|at| match &record.values[at] {
            Value::Text(code) => Some(code.clone()),
            _ => None,
        });
        for code in written_codes {
            match &named {
                Some(n) if n != code => {
                    return Err(say!(
                        "The amounts are in {code} but the row's currency is {n}.",
                        "Die Beträge sind in {code}, die Währung der Zeile ist aber {n}."
                    ))
                }
                _ => named = Some(code.to_string()),
            }
        }
        if let Some(at) = at {
            if let Some(code) = named {
                record.values[at] = Value::Text(code);
            } else if let (Some(account), false) = (record.account_id, entity == Entity::Accounts) {
                record.values[at] = Value::Text(accounts.currency(account).to_string());
            }
        }
        if money.is_empty() {
            return Ok((record, day));
        }
        let existing = match (&record.external_id, entity) {
            (Some(id), Entity::Accounts) => accounts.existing(id),
            _ => None,
        };
        let code = ingest::currency_of(&self.fields, accounts, &record, existing);
        let digits = currency::digits(&code);
        for (i, amount) in money {
            let field = bound[i].field;
            let minor = amount.to_minor(digits).ok_or_else(|| too_large(field))?;
            field
                .check_range(minor, currency::minor_per_major(&code))
                .map_err(|e| format!("{}: {e}.", field.says()))?;
            record.values[i] = Value::Integer(i64::try_from(minor).map_err(|_| too_large(field))?);
        }
        Ok((record, day))
    }

    /// The key a record without an id is stored under: the account and the
    /// row's cells, so the same row imported again finds itself.
    fn content_key(&self, account: Option<i64>) -> String {
        let account = account.map(|a| a.to_string()).unwrap_or_default();
        let mut parts: Vec<&str> = vec![&account];
        parts.extend(
            self.bound
                .iter()
                .filter_map(|b| b.column)
                .map(|c| self.rows.cell(c).trim()),
        );
        format!("row:{:016x}", hash_key(&parts))
    }
}

fn too_large(field: &Field) -> String {
    let label = field.says();
    say!(
        "{label}: the amount is too large.",
        "{label}: der Betrag ist zu groß."
    )
}
