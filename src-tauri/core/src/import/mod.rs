//! Importing accounts, contacts, usage, subscriptions, invoices, tickets,
//! survey responses and activities from CSV or NDJSON files.
//!
//! A file is streamed row by row (a million rows never sit in memory), each
//! row is checked, and the good rows are upserted by external id in one
//! transaction, so re-importing the same file changes nothing and a crash or a
//! cancel leaves the portfolio as it was. Every bad row is reported with its
//! line number and reason while the good rows go in.

mod fields;
mod reader;

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fields::{auto_map, fields, Entity, FieldInfo};
use fields::{parse_cell, specs, FieldSpec, Kind};
use reader::Rows;
pub use reader::{sniff, FileFormat, ReadOptions};

use crate::error::{Error, Result};
use crate::model::{source, Tier};
use crate::progress::{CancelToken, Progress, ProgressSink};
use crate::rollup;

/// What the wizard shows after a file is picked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileInfo {
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub options: ReadOptions,
    pub headers: Vec<String>,
    /// The first rows as read, for the preview table.
    pub sample: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ColumnMapping {
    pub field: String,
    /// The file's header feeding this field, or None to leave it out.
    pub column: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportRequest {
    pub path: String,
    pub entity: Entity,
    pub options: ReadOptions,
    pub mapping: Vec<ColumnMapping>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowError {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportReport {
    pub entity: Entity,
    #[ts(type = "number")]
    pub rows_read: u64,
    /// Rows that added or changed data.
    #[ts(type = "number")]
    pub written: u64,
    /// Good rows whose data was already in the portfolio.
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub failed: u64,
    /// The first bad rows (at most `MAX_REPORTED_ERRORS`), in file order.
    pub errors: Vec<RowError>,
    /// True for a preview: nothing was saved.
    pub dry_run: bool,
}

const MAX_REPORTED_ERRORS: usize = 1000;
const SAMPLE_ROWS: usize = 8;

/// Reads the start of a file: how to read it, its headers and a sample.
pub fn inspect(path: &Path) -> Result<FileInfo> {
    let options = sniff(path)?;
    inspect_with(path, options)
}

/// Like `inspect`, with reading options the user chose.
pub fn inspect_with(path: &Path, options: ReadOptions) -> Result<FileInfo> {
    let size_bytes = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("Cannot read {}", path.display()), e))?
        .len();
    let mut rows = Rows::open(path, &options)?;
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS {
        match rows.next_record()? {
            Some(record) => match record.error {
                None => sample.push(rows.cells()),
                Some(reason) => sample.push(vec![format!("(line {} {reason})", record.line)]),
            },
            None => break,
        }
    }
    Ok(FileInfo {
        path: path.display().to_string(),
        size_bytes,
        options,
        headers: rows.headers.clone(),
        sample,
    })
}

/// A file read for the wizard, with the proposed mapping for one entity.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Inspection {
    pub file: FileInfo,
    pub mapping: Vec<ColumnMapping>,
}

/// Reads a file's start (with the user's reading options, or sniffed ones)
/// and proposes how to map its columns to `entity`.
pub fn inspect_for(
    path: &Path,
    entity: Entity,
    options: Option<ReadOptions>,
) -> Result<Inspection> {
    let file = match options {
        Some(o) => inspect_with(path, o)?,
        None => inspect(path)?,
    };
    let mapping = suggest_mapping(entity, &file.headers);
    Ok(Inspection { file, mapping })
}

/// The proposed mapping of an entity's fields to a file's headers.
pub fn suggest_mapping(entity: Entity, headers: &[String]) -> Vec<ColumnMapping> {
    auto_map(entity, headers)
        .into_iter()
        .map(|(field, column)| ColumnMapping { field, column })
        .collect()
}

/// Imports the file; one transaction, all good rows or (on cancel or I/O
/// failure) nothing.
pub fn run(
    conn: &mut Connection,
    request: &ImportRequest,
    today: NaiveDate,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    execute(conn, request, today, None, progress, cancel)
}

/// Checks the first `rows` rows exactly as an import would, and saves nothing.
pub fn preview(
    conn: &mut Connection,
    request: &ImportRequest,
    today: NaiveDate,
    rows: u64,
) -> Result<ImportReport> {
    execute(
        conn,
        request,
        today,
        Some(rows),
        &mut crate::progress::ignore,
        &CancelToken::default(),
    )
}

/// A field of the entity bound to a column of the file.
struct Bound {
    spec: FieldSpec,
    column: usize,
}

fn bind(entity: Entity, headers: &[String], mapping: &[ColumnMapping]) -> Result<Vec<Bound>> {
    let mut bound = Vec::new();
    for spec in specs(entity) {
        let column = mapping
            .iter()
            .find(|m| m.field == spec.key)
            .and_then(|m| m.column.as_ref())
            .filter(|c| !c.is_empty());
        match column {
            Some(name) => {
                let index = headers.iter().position(|h| h == name).ok_or_else(|| {
                    Error::invalid(format!(
                        "The file has no column '{name}' (mapped to {}).",
                        spec.label
                    ))
                })?;
                bound.push(Bound {
                    spec,
                    column: index,
                });
            }
            None if spec.required => {
                return Err(Error::invalid(format!(
                    "Choose the column that holds '{}'; it is required.",
                    spec.label
                )))
            }
            None => {}
        }
    }
    if entity == Entity::Usage && !bound.iter().any(|b| matches!(b.spec.kind, Kind::Integer)) {
        return Err(Error::invalid(
            "Map at least one usage metric (active users, logins, ...).",
        ));
    }
    Ok(bound)
}

/// Finds accounts by any external id, then domain, then name (case-insensitive).
struct AccountIndex {
    by_key: HashMap<String, i64>,
}

impl AccountIndex {
    fn load(conn: &Connection) -> Result<Self> {
        let mut by_key = HashMap::new();
        // Later inserts win, so load the weakest key first.
        for sql in [
            "SELECT lower(name), id FROM accounts",
            "SELECT lower(domain), id FROM accounts WHERE domain IS NOT NULL",
            "SELECT lower(external_id), account_id FROM account_external_ids",
        ] {
            let mut stmt = conn.prepare(sql)?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                let (key, id) = row?;
                by_key.insert(key, id);
            }
        }
        Ok(AccountIndex { by_key })
    }

    fn find(&self, text: &str) -> Option<i64> {
        self.by_key.get(&text.trim().to_lowercase()).copied()
    }
}

/// FNV-1a over the parts (with a separator byte between them). Row keys are
/// hashed once per row of files with millions of rows, so this stays cheap;
/// 64 bits keep a false "duplicate" below one in ten million for a million rows.
fn hash_key(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The keys of `seen` are already hashes; hashing them again is wasted work.
#[derive(Default)]
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn execute(
    conn: &mut Connection,
    request: &ImportRequest,
    today: NaiveDate,
    limit: Option<u64>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    let path = Path::new(&request.path);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut rows = Rows::open(path, &request.options)?;
    let bound = bind(request.entity, &rows.headers, &request.mapping)?;
    let decimal_comma = request.options.decimal_comma;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let accounts = AccountIndex::load(&tx)?;
    let mut writer = EntityWriter::new(&tx, request.entity, &bound)?;
    let mut report = ImportReport {
        entity: request.entity,
        rows_read: 0,
        written: 0,
        unchanged: 0,
        failed: 0,
        errors: Vec::new(),
        dry_run: limit.is_some(),
    };
    let mut seen = SeenRows::new(request.entity, size, limit.is_some());
    let mut touched: HashSet<i64> = HashSet::new();
    let mut last_touched: Option<i64> = None;
    let fail = |report: &mut ImportReport, line: u64, reason: String| {
        report.failed += 1;
        if report.errors.len() < MAX_REPORTED_ERRORS {
            report.errors.push(RowError { line, reason });
        }
    };

    while let Some(record) = rows.next_record()? {
        if limit.is_some_and(|l| report.rows_read >= l) {
            break;
        }
        report.rows_read += 1;
        if report.rows_read % 1000 == 0 {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            if report.rows_read % 10_000 == 0 {
                progress(Progress {
                    phase: "Importing rows".into(),
                    done: rows.bytes_read,
                    total: Some(size),
                });
            }
        }
        let line = record.line;
        if let Some(reason) = record.error {
            fail(&mut report, line, format!("Line {line} {reason}."));
            continue;
        }
        let mut row = match parse_row(&bound, &rows, decimal_comma, &accounts) {
            Ok(row) => row,
            Err(reason) => {
                fail(&mut report, line, reason);
                continue;
            }
        };
        if request.entity != Entity::Usage {
            row.key = row.identity(&rows, &bound);
        }
        if let Some(first) = seen.first_line(&row, line) {
            fail(
                &mut report,
                line,
                format!("Duplicate of line {first}: the same record appears twice in the file."),
            );
            continue;
        }
        match writer.write(&tx, &row) {
            Ok(true) => report.written += 1,
            Ok(false) => report.unchanged += 1,
            Err(Error::Storage(rusqlite::Error::SqliteFailure(e, msg)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                fail(&mut report, line, constraint_reason(msg.as_deref()));
                continue;
            }
            Err(e) => return Err(e),
        }
        if let Some(id) = row.account_id {
            // Exports group rows by account; skip the set for repeats.
            if last_touched != Some(id) {
                touched.insert(id);
                last_touched = Some(id);
            }
        }
    }
    progress(Progress {
        phase: "Importing rows".into(),
        done: size,
        total: Some(size),
    });
    drop(writer);
    if limit.is_some() {
        // A preview: the transaction is dropped, so nothing is saved.
        return Ok(report);
    }
    if matches!(request.entity, Entity::Usage | Entity::Activities) {
        let ids: Vec<i64> = touched.into_iter().collect();
        rollup::refresh(&tx, &ids, today)?;
    }
    if report.written > 0 {
        crate::assess::run_after_change(&tx, today, None)?;
    }
    tx.commit()?;
    Ok(report)
}

fn constraint_reason(message: Option<&str>) -> String {
    let message = message.unwrap_or("");
    if message.contains("score") {
        "The score is out of range (NPS 0-10, CSAT 1-5).".into()
    } else if message.contains("csat") {
        "CSAT must be between 1 and 5.".into()
    } else {
        format!("The row breaks a rule of the portfolio ({message}).")
    }
}

/// One parsed row: the bound fields' values in `bound` order.
struct ParsedRow {
    account_id: Option<i64>,
    /// The usage day, for duplicate detection.
    day: Option<NaiveDate>,
    external_id: Option<String>,
    values: Vec<Value>,
    /// What makes two rows the same record (0 for usage, keyed by day instead).
    key: u64,
}

fn parse_row(
    bound: &[Bound],
    cells: &Rows,
    decimal_comma: bool,
    accounts: &AccountIndex,
) -> std::result::Result<ParsedRow, String> {
    let mut row = ParsedRow {
        account_id: None,
        day: None,
        external_id: None,
        values: Vec::with_capacity(bound.len()),
        key: 0,
    };
    for b in bound {
        let text = cells.cell(b.column);
        let value = parse_cell(b.spec.kind, text, decimal_comma)
            .map_err(|e| format!("{}: {e}.", b.spec.label))?;
        if b.spec.required && value == Value::Null {
            return Err(format!("Missing required field '{}'.", b.spec.label));
        }
        match b.spec.kind {
            Kind::AccountRef => {
                let id = accounts.find(text).ok_or_else(|| {
                    format!(
                        "Unknown account '{}': import it first or check the spelling.",
                        text.trim()
                    )
                })?;
                row.account_id = Some(id);
            }
            Kind::Date if b.spec.key == "day" => {
                row.day = fields::parse_date(text);
            }
            _ if b.spec.key == "id" => {
                if let Value::Text(t) = &value {
                    row.external_id = Some(t.clone());
                }
            }
            _ => {}
        }
        row.values.push(value);
    }
    Ok(row)
}

/// Which records of the file were seen already, and on which line, so a
/// repeat is reported as a duplicate instead of silently overwriting.
enum SeenRows {
    /// Usage rows are keyed by account and day: per account, a dense array of
    /// first lines by day, which is small and cache-friendly for millions of rows.
    Usage(HashMap<i64, DaySlots>),
    /// Everything else: a hash of the row's identity.
    Hashed(HashMap<u64, u64, std::hash::BuildHasherDefault<PassThroughHasher>>),
}

#[derive(Default)]
struct DaySlots {
    first_day: i32,
    lines: Vec<u32>,
}

impl DaySlots {
    /// Records `line` for `day`; returns the earlier line if the day was taken.
    fn mark(&mut self, day: i32, line: u32) -> Option<u32> {
        if self.lines.is_empty() {
            self.first_day = day;
        }
        if day < self.first_day {
            let grow = (self.first_day - day) as usize;
            self.lines.splice(0..0, std::iter::repeat_n(0, grow));
            self.first_day = day;
        }
        let at = (day - self.first_day) as usize;
        if at >= self.lines.len() {
            self.lines.resize(at + 1, 0);
        }
        match self.lines[at] {
            0 => {
                self.lines[at] = line;
                None
            }
            earlier => Some(earlier),
        }
    }
}

impl SeenRows {
    fn new(entity: Entity, file_size: u64, preview: bool) -> Self {
        if entity == Entity::Usage {
            return SeenRows::Usage(HashMap::new());
        }
        // Sized from the file up front: growing a table of millions of keys
        // rehashes it again and again. Rows are rarely shorter than 24 bytes.
        let expected = usize::try_from(file_size / 24)
            .unwrap_or(usize::MAX)
            .min(if preview { 64 } else { 20_000_000 });
        SeenRows::Hashed(HashMap::with_capacity_and_hasher(
            expected,
            Default::default(),
        ))
    }

    /// The line where this record first appeared, or None (and it is noted).
    fn first_line(&mut self, row: &ParsedRow, line: u64) -> Option<u64> {
        match self {
            SeenRows::Usage(accounts) => {
                let (account, day) = (row.account_id?, row.day?);
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                accounts
                    .entry(account)
                    .or_default()
                    .mark(day.num_days_from_ce(), line)
                    .map(u64::from)
            }
            SeenRows::Hashed(keys) => match keys.insert(row.key, line) {
                Some(first) => {
                    keys.insert(row.key, first);
                    Some(first)
                }
                None => None,
            },
        }
    }
}

impl ParsedRow {
    /// What makes two rows of a file the same record (all entities but usage).
    fn identity(&self, cells: &Rows, bound: &[Bound]) -> u64 {
        let account = self.account_id.map(|a| a.to_string()).unwrap_or_default();
        if let Some(id) = &self.external_id {
            return hash_key(&["id", id]);
        }
        // Without an id the whole row is the key: the same row twice is a duplicate.
        let mut parts: Vec<&str> = vec![&account];
        parts.extend(bound.iter().map(|b| cells.cell(b.column).trim()));
        hash_key(&parts)
    }

    /// The external id to store: the file's id, or the row's content key, so
    /// the same row imported again finds itself.
    fn stored_external_id(&self) -> String {
        self.external_id
            .clone()
            .unwrap_or_else(|| format!("row:{:016x}", self.key))
    }
}

/// Writes parsed rows of one entity with statements prepared once.
struct EntityWriter<'c> {
    entity: Entity,
    /// Indexes into the bound fields that are plain columns, with their column names.
    columns: Vec<(usize, &'static str)>,
    upsert: Option<rusqlite::CachedStatement<'c>>,
    contacts: HashMap<(i64, String), i64>,
    now: String,
    arr_index: Option<usize>,
    tier_index: Option<usize>,
    /// The CSM's tier cut-offs, for new accounts whose file gives no tier.
    tiers: crate::health::settings::TierRules,
}

impl<'c> EntityWriter<'c> {
    fn new(conn: &'c Connection, entity: Entity, bound: &[Bound]) -> Result<Self> {
        let columns: Vec<(usize, &'static str)> = bound
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.spec.column.map(|c| (i, c)))
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
        let upsert = match entity {
            Entity::Accounts => None,
            Entity::Usage => {
                let metrics: Vec<&str> = names.iter().copied().filter(|c| *c != "day").collect();
                let sql = format!(
                    "INSERT INTO usage_daily(account_id, {}) VALUES (?1, {}) ON CONFLICT(account_id, day) DO UPDATE SET {} WHERE {}",
                    names.join(", "),
                    (2..names.len() + 2).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
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
                    (1..=insert_cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
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
        let bound_keys: Vec<&'static str> = bound.iter().map(|b| b.spec.key).collect();
        Ok(EntityWriter {
            entity,
            arr_index: bound_keys.iter().position(|k| *k == "arr"),
            tier_index: bound_keys.iter().position(|k| *k == "tier"),
            tiers: crate::health::settings::current(conn)?.settings.tiers,
            columns,
            upsert,
            contacts,
            now: Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        })
    }

    /// Writes one row; true when it added or changed data.
    fn write(&mut self, conn: &Connection, row: &ParsedRow) -> Result<bool> {
        if self.entity == Entity::Accounts {
            return self.write_account(conn, row);
        }
        // Owned values only for what the row does not hold; the row's own
        // values are bound by reference, so a row is never copied.
        let account = row.account_id.map_or(Value::Null, Value::Integer);
        let mut extra: Vec<Value> = Vec::with_capacity(2);
        if self.entity != Entity::Usage {
            extra.push(Value::Text(source::FILE.into()));
            extra.push(Value::Text(row.stored_external_id()));
        }
        // A contact is named by email; an unknown email leaves the response unlinked.
        let contact = self
            .columns
            .iter()
            .find(|(_, c)| *c == "contact_id")
            .map(|(i, _)| match (&row.values[*i], row.account_id) {
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
                _ => params.push(&row.values[*i]),
            }
        }
        if self.entity == Entity::Activities {
            params.push(&now);
        }
        let stmt = self
            .upsert
            .as_mut()
            .ok_or_else(|| Error::Internal("no statement for this entity".into()))?;
        Ok(stmt.execute(params.as_slice())? > 0)
    }

    fn write_account(&mut self, conn: &Connection, row: &ParsedRow) -> Result<bool> {
        let external_id = row
            .external_id
            .as_deref()
            .ok_or_else(|| Error::Internal("account without id".into()))?;
        let mut cols: Vec<&str> = self.columns.iter().map(|(_, c)| *c).collect();
        let mut values: Vec<Value> = self
            .columns
            .iter()
            .map(|(i, _)| row.values[*i].clone())
            .collect();
        // Rows that leave a column empty keep what the portfolio has.
        let keep: Vec<bool> = values.iter().map(|v| *v != Value::Null).collect();
        let existing: Option<i64> = conn
            .query_row(
                "SELECT account_id FROM account_external_ids WHERE external_id = ?1
                 ORDER BY source = 'file' DESC LIMIT 1",
                [external_id],
                |r| r.get(0),
            )
            .ok();
        if let Some(id) = existing {
            let pairs: Vec<(&str, &Value)> = cols
                .iter()
                .zip(&values)
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|((c, v), _)| (*c, v))
                .collect();
            if pairs.is_empty() {
                return Ok(false);
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
            return Ok(conn
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(params))?
                > 0);
        }
        // A new account: a tier the file does not give follows from ARR.
        let tier_given = self
            .tier_index
            .is_some_and(|i| row.values[i] != Value::Null);
        if !tier_given {
            let arr_major = self.arr_index.and_then(|i| match row.values[i] {
                Value::Integer(minor) => Some(minor as f64 / 100.0),
                _ => None,
            });
            let tier = arr_major.map_or(Tier::C, |a| self.tiers.tier_for(a));
            match cols.iter().position(|c| *c == "tier") {
                Some(p) => values[p] = Value::Text(tier.as_str().into()),
                None => {
                    cols.push("tier");
                    values.push(Value::Text(tier.as_str().into()));
                }
            }
        }
        // Empty optional cells fall back to the column defaults.
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
        values.push(Value::Text(source::FILE.into()));
        values.push(Value::Text(self.now.clone()));
        values.push(Value::Text(self.now.clone()));
        conn.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO account_external_ids(source, external_id, account_id) VALUES (?1, ?2, ?3)",
            rusqlite::params![source::FILE, external_id, id],
        )?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::DaySlots;

    #[test]
    fn day_slots_remember_first_lines_in_any_order() {
        let mut slots = DaySlots::default();
        assert_eq!(slots.mark(100, 2), None);
        assert_eq!(
            slots.mark(95, 3),
            None,
            "an earlier day grows the array at the front"
        );
        assert_eq!(slots.mark(120, 4), None);
        assert_eq!(slots.mark(100, 5), Some(2));
        assert_eq!(slots.mark(95, 6), Some(3));
        assert_eq!(slots.mark(120, 7), Some(4));
        assert_eq!(slots.lines.len(), 26);
    }
}
