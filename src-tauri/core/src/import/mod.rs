//! Importing accounts, contacts, usage, subscriptions, invoices, tickets,
//! survey responses and activities from CSV or NDJSON files.
//!
//! A file is streamed row by row (`reader`), each cell is read by the rules
//! of its field without guessing (`numbers`, `dates`), and each row goes through the
//! shared ingest path, all in the caller's write: all good rows or (on
//! cancel, an I/O error or a crash) nothing. Every row of the file is
//! accounted for: written, already up to date, or rejected with its line
//! and the reason, so the report's counts always add up to the file's rows.

mod csv;
mod dates;
mod evidence;
mod headers;
mod kept;
mod lines;
mod ndjson;
mod numbers;
mod reader;
mod records;
mod seen;
mod sniff;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
pub use crate::ingest::CustomKind;
pub use crate::ingest::Entity;
use crate::ingest::{Field, Ingest, Kind, Outcome};
use crate::model::source;
use crate::progress::{CancelToken, Progress, ProgressSink};
use crate::say;
use crate::write::Write;
pub use headers::auto_map;
use reader::Rows;
pub use reader::{sniff, DateOrder, FileFormat, ReadOptions, MAX_COLUMNS, MAX_ROW_BYTES};
use records::{Batch, Read, Records};

/// What the wizard shows after a file is picked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileInfo {
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub options: ReadOptions,
    pub headers: Vec<String>,
    /// What each column holds, judged from the first rows: numbers (in the
    /// column's decimal mark) or anything else; for keeping a column as one
    /// of the CSM's own fields.
    pub column_kinds: Vec<CustomKind>,
    /// The first rows as read, for the preview table.
    pub sample: Vec<Vec<String>>,
}

/// A field as the UI shows it in the mapping step.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldInfo {
    pub key: String,
    pub label: String,
    pub required: bool,
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
    /// Columns of an accounts file kept as the CSM's own fields.
    #[serde(default)]
    pub keep: Vec<KeptColumn>,
}

/// A column kept as one of the CSM's own account fields.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KeptColumn {
    pub column: String,
    pub kind: CustomKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowError {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// What an import did. `rows_read` = `written` + `unchanged` + `failed`,
/// always: every row of the file is in exactly one of them.
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

pub const MAX_REPORTED_ERRORS: usize = 1000;
const SAMPLE_ROWS: usize = 8;
/// Rows read to judge how a file writes numbers and dates.
const EVIDENCE_ROWS: usize = 2_000;
/// Rows read at most to find a first value in a sparse column, so that a
/// kept column filled only far down (an export's last accounts) is still
/// judged by its values, not taken for text.
const SPARSE_EVIDENCE_ROWS: usize = 200_000;

/// The fields an entity has, for the mapping step.
pub fn fields(entity: Entity) -> Vec<FieldInfo> {
    entity
        .fields()
        .iter()
        .map(|f| FieldInfo {
            key: f.key.into(),
            label: f.says().into(),
            required: f.required,
        })
        .collect()
}

/// Reads the start of a file: how to read it (format, separator, decimal
/// mark per column, date order, judged from its first rows), its headers
/// and a sample.
pub fn inspect(path: &Path) -> Result<FileInfo> {
    let mut options = sniff(path)?;
    let mut rows = Rows::open(path, &options)?;
    let mut evidence = evidence::Evidence::default();
    let mut read = 0;
    while read < EVIDENCE_ROWS {
        let Some(record) = rows.next_record()? else {
            break;
        };
        read += 1;
        if record.error.is_none() {
            for i in 0..rows.headers.len() {
                evidence.observe(i, rows.cell(i));
            }
        }
    }
    evidence.apply(&rows.headers, &mut options);
    inspect_with(path, options)
}

/// Like `inspect`, with reading options the user chose.
pub fn inspect_with(path: &Path, options: ReadOptions) -> Result<FileInfo> {
    let size_bytes = std::fs::metadata(path)
        .map_err(|e| reader::cannot_read(path, e))?
        .len();
    let mut rows = Rows::open(path, &options)?;
    let mut sample = Vec::new();
    let width = rows.headers.len();
    let commas: Vec<bool> = rows
        .headers
        .iter()
        .map(|h| options.decimal_comma_in(h))
        .collect();
    // A column is numeric while every value it has so far reads as a number.
    let mut numeric: Vec<Option<bool>> = vec![None; width];
    for n in 0..SPARSE_EVIDENCE_ROWS {
        if n >= EVIDENCE_ROWS && numeric.iter().all(Option::is_some) {
            break;
        }
        let Some(record) = rows.next_record()? else {
            break;
        };
        match record.error {
            None => {
                if sample.len() < SAMPLE_ROWS {
                    sample.push(rows.cells());
                }
                for (k, kind) in numeric.iter_mut().enumerate() {
                    let text = rows.cell(k).trim();
                    if !text.is_empty() && *kind != Some(false) {
                        *kind = Some(numbers::parse_decimal(text, commas[k]).is_ok());
                    }
                }
            }
            Some(reason) if sample.len() < SAMPLE_ROWS => {
                sample.push(vec![format!("(line {}: the row {reason})", record.line)])
            }
            Some(_) => {}
        }
    }
    Ok(FileInfo {
        path: path.display().to_string(),
        size_bytes,
        options,
        headers: rows.headers.clone(),
        column_kinds: numeric
            .into_iter()
            .map(|n| {
                if n == Some(true) {
                    CustomKind::Number
                } else {
                    CustomKind::Category
                }
            })
            .collect(),
        sample,
    })
}

/// A file read for the wizard, with the proposed mapping for one entity.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Inspection {
    pub file: FileInfo,
    pub mapping: Vec<ColumnMapping>,
}

/// Reads a file's start (with the user's reading options, or judged ones)
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

/// Imports the file within `w`: all good rows go in, each bad one is
/// reported; a cancel or an I/O error fails the write, so nothing goes in.
pub fn run(
    w: &Write<'_>,
    request: &ImportRequest,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    // Accounts, contacts and check-ins go into the search index once the
    // file is in, not row by row.
    crate::search::index_after_writing(w, request.entity, || {
        execute(w, request, None, progress, cancel)
    })
}

/// Checks the first `rows` rows exactly as an import would. Run it in a
/// `write::dry_run`, which never commits.
pub fn preview(w: &Write<'_>, request: &ImportRequest, rows: u64) -> Result<ImportReport> {
    execute(
        w,
        request,
        Some(rows),
        &mut crate::progress::ignore,
        &CancelToken::default(),
    )
}

/// A field of the entity and the column of the file feeding it (None for
/// a currency the rows take from their account).
struct Bound {
    field: &'static Field,
    column: Option<usize>,
    /// Numbers in this column use a decimal comma.
    comma: bool,
}

fn bind(entity: Entity, headers: &[String], request: &ImportRequest) -> Result<Vec<Bound>> {
    let mut bound = Vec::new();
    for field in entity.fields() {
        let column = request
            .mapping
            .iter()
            .find(|m| m.field == field.key)
            .and_then(|m| m.column.as_ref())
            .filter(|c| !c.is_empty());
        match column {
            Some(name) => {
                let mut at = headers.iter().enumerate().filter(|(_, h)| *h == name);
                let (index, _) = at.next().ok_or_else(|| {
                    Error::invalid(say!(
                        "The file has no column '{name}' (mapped to {}).",
                        "Die Datei hat keine Spalte „{name}“ (zugeordnet zu {}).",
                        field.says()
                    ))
                })?;
                if at.next().is_some() {
                    return Err(Error::invalid(say!(
"The file has more than one column called '{name}'; rename one so it is clear which holds {}.",
"Die Datei hat mehr als eine Spalte „{name}“; benennen Sie eine um, damit klar ist, welche {} enthält.",
                        field.says()
                    )));
                }
                bound.push(Bound {
                    field,
                    column: Some(index),
                    comma: request.options.decimal_comma_in(name),
                });
            }
            None if field.required => {
                return Err(Error::invalid(say!(
                    "Choose the column that holds '{}'; it is required.",
                    "Wählen Sie die Spalte für „{}“; sie ist Pflicht.",
                    field.says()
                )))
            }
            // Without a currency column the rows still have one: named
            // beside an amount, or (subscriptions, invoices) their account's,
            // instead of a default that may be wrong.
            None if field.key == "currency" => bound.push(Bound {
                field,
                column: None,
                comma: false,
            }),
            None => {}
        }
    }
    if entity == Entity::Usage && !bound.iter().any(|b| matches!(b.field.kind, Kind::Integer)) {
        return Err(Error::invalid(say!(
            "Map at least one usage metric (active users, logins, ...).",
            "Ordnen Sie mindestens eine Nutzungskennzahl zu (aktive Nutzer, Anmeldungen, …)."
        )));
    }
    Ok(bound)
}

fn execute(
    w: &Write<'_>,
    request: &ImportRequest,
    limit: Option<u64>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    let path = Path::new(&request.path);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let rows = Rows::open(path, &request.options)?;
    let bound = bind(request.entity, &rows.headers, request)?;
    let fields: Vec<&'static Field> = bound.iter().map(|b| b.field).collect();
    let mut ingest = Ingest::new(w, request.entity, source::FILE, &fields)?;
    let mut kept = kept::keep(request, &rows.headers, &ingest)?;
    let mut records = Records::new(
        rows,
        request.entity,
        &bound,
        &request.options,
        kept.clone(),
        limit,
    );
    let mut report = ImportReport {
        entity: request.entity,
        rows_read: 0,
        written: 0,
        unchanged: 0,
        failed: 0,
        errors: Vec::new(),
        dry_run: limit.is_some(),
    };
    let started = std::time::Instant::now();
    let mut write_batch = |ingest: &mut Ingest<'_>, batch: &Batch| -> Result<()> {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if request.entity == Entity::Usage {
            write_usage(ingest, &batch.rows, &mut report)?;
        } else {
            for read in &batch.rows {
                write_row(ingest, read, &mut report, &mut kept)?;
            }
        }
        if batch.rows_read / 10_000 > report.rows_read / 10_000 {
            progress(Progress {
                phase: say!("Importing rows", "Zeilen werden importiert"),
                done: batch.bytes_read,
                total: Some(size),
            });
        }
        report.rows_read = batch.rows_read;
        Ok(())
    };
    if request.entity == Entity::Accounts {
        // Each account written is one a later row may name: read and
        // write in turn.
        while let Some(batch) = records.batch(&ingest.accounts, cancel)? {
            write_batch(&mut ingest, &batch)?;
        }
    } else {
        // The accounts stay as they are while other rows go in: the file
        // is read on a second thread, a few batches ahead of the writing.
        let accounts = ingest.accounts.clone();
        std::thread::scope(|scope| -> Result<()> {
            let (send, receive) = std::sync::mpsc::sync_channel(4);
            // Written batches go back to be freed where they were made:
            // freeing another thread's allocations makes the allocator lock.
            let (give_back, written) = std::sync::mpsc::channel::<Batch>();
            scope.spawn(move || loop {
                while let Ok(done) = written.try_recv() {
                    drop(done);
                }
                let next = records.batch(&accounts, cancel);
                let last = !matches!(next, Ok(Some(_)));
                // The write side stops listening when it fails.
                if send.send(next).is_err() || last {
                    break;
                }
            });
            for next in receive {
                match next? {
                    Some(batch) => {
                        write_batch(&mut ingest, &batch)?;
                        let _ = give_back.send(batch);
                    }
                    None => break,
                }
            }
            Ok(())
        })?;
    }
    progress(Progress {
        phase: say!("Importing rows", "Zeilen werden importiert"),
        done: size,
        total: Some(size),
    });
    kept::forget_unfilled(&kept, &ingest)?;
    ingest.finish()?;
    tracing::info!(
        entity = request.entity.label(),
        rows = report.rows_read,
        written = report.written,
        unchanged = report.unchanged,
        failed = report.failed,
        preview = limit.is_some(),
        ms = started.elapsed().as_millis() as u64,
        "import read"
    );
    Ok(report)
}

/// Upserts the usage rows the reading side accepted, many to a statement,
/// and counts every row; rejected ones are reported in file order.
fn write_usage(ingest: &mut Ingest<'_>, rows: &[Read], report: &mut ImportReport) -> Result<()> {
    let mut records = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    let mut rejected: Vec<(u64, String)> = Vec::new();
    for read in rows {
        match read {
            Read::Row { line, record, .. } => {
                records.push(record);
                lines.push(*line);
            }
            Read::Rejected { line, reason } => rejected.push((*line, reason.clone())),
        }
    }
    let upserted = ingest.upsert_usage(&records)?;
    report.written += upserted.written;
    report.unchanged += upserted.unchanged;
    rejected.extend(
        upserted
            .rejected
            .into_iter()
            .map(|(i, reason)| (lines[i], reason)),
    );
    rejected.sort_by_key(|(line, _)| *line);
    for (line, reason) in rejected {
        fail(report, line, reason);
    }
    Ok(())
}

/// Upserts one row the reading side accepted, or counts the one it rejected.
fn write_row(
    ingest: &mut Ingest<'_>,
    read: &Read,
    report: &mut ImportReport,
    kept: &mut [kept::Kept],
) -> Result<()> {
    let (line, record, custom) = match read {
        Read::Row {
            line,
            record,
            custom,
        } => (line, record, custom),
        Read::Rejected { line, reason } => {
            fail(report, *line, reason.clone());
            return Ok(());
        }
    };
    match ingest.upsert(record)? {
        Ok(outcome) => {
            let mut changed = outcome == Outcome::Written;
            if !custom.is_empty() {
                let account = record
                    .external_id
                    .as_deref()
                    .and_then(|id| ingest.existing_account(id))
                    .ok_or_else(|| Error::Internal("an account just written has no id".into()))?;
                for (key, value) in custom {
                    changed |= ingest.keep_custom(account, key, value)?;
                    if let Some(k) = kept.iter_mut().find(|k| &k.key == key) {
                        k.filled = true;
                    }
                }
            }
            if changed {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
        }
        Err(reason) => fail(report, *line, reason),
    }
    Ok(())
}

fn fail(report: &mut ImportReport, line: u64, reason: String) {
    report.failed += 1;
    if report.errors.len() < MAX_REPORTED_ERRORS {
        report.errors.push(RowError { line, reason });
    }
}
