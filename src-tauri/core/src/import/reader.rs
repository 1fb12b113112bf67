//! Streaming rows out of CSV and NDJSON files without loading them whole:
//! yielding each record with the line (the format and separator come from
//! `sniff.rs`) an editor shows it on.
//!
//! Every line is judged the same way wherever it is in the file, and nothing
//! is ever silently skipped: a row that cannot be read is a record with an
//! error. CSV is parsed here rather than by a library because of one case
//! that matters to CSMs: a stray quote. A field that opens a quote and does
//! not close it where its row should end would otherwise swallow every row
//! after it; here the row with the quote is rejected at its own line and the
//! lines it swallowed are read again as rows of their own.
//!
//! Memory is bounded by the caps below, never by the file: a row may hold at
//! most `MAX_ROW_BYTES`, a file at most `MAX_COLUMNS` columns.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::csv::{in_words, is_blank, parse_line, LineEnd};
use super::lines::Lines;
use super::ndjson::ndjson_keys;
pub use super::sniff::sniff;
use crate::error::{Error, Result};
use crate::say;

/// The most columns (CSV) or distinct keys (NDJSON) a file may have.
pub const MAX_COLUMNS: usize = 1_000;
/// The most bytes one row may hold (a CSV record, or an NDJSON line).
pub const MAX_ROW_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Ndjson,
}

/// How dates written with slashes read: `03/04/2026` is 4 March (month
/// first, as in the US) or 3 April (day first, as in the UK and most of Europe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// How to read a file; `import::inspect` proposes it from the file and the
/// UI (or `--decimal`, `--dates` on the command line) may change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadOptions {
    pub format: FileFormat,
    /// The CSV separator: ',', ';' or a tab.
    pub delimiter: String,
    /// The file's numbers use a decimal comma (1.234,56), not a decimal point.
    pub decimal_comma: bool,
    /// Columns whose numbers use the other decimal mark than the file's.
    #[serde(default)]
    pub other_decimal_columns: Vec<String>,
    /// How slash dates read; None when the file does not show it, in which
    /// case a date such as 03/04/2026 is refused as ambiguous.
    #[serde(default)]
    pub slash_dates: Option<DateOrder>,
}

impl ReadOptions {
    /// Whether numbers in `column` use a decimal comma.
    pub fn decimal_comma_in(&self, column: &str) -> bool {
        self.decimal_comma != self.other_decimal_columns.iter().any(|c| c == column)
    }
}

/// One record: the line it starts on (1-based, as an editor counts) and,
/// when it could not be read, why (phrased to follow "Line N ").
pub struct Record {
    pub line: u64,
    pub error: Option<String>,
}

impl Record {
    fn bad(line: u64, reason: impl Into<String>) -> Self {
        Record {
            line,
            error: Some(reason.into()),
        }
    }
}

pub(super) fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(format!("No file at {}.", path.display())),
        _ => Error::io(
            say!(
                "Cannot open {}",
                "{} kann nicht geöffnet werden",
                path.display()
            ),
            e,
        ),
    })
}

/// Looks at the start of a file and proposes its format and separator.
/// Numbers and dates are judged later, from the rows themselves.
/// A file that cannot be read, named in the error.
pub(super) fn cannot_read(path: &Path, e: std::io::Error) -> Error {
    Error::io(
        say!(
            "Cannot read {}",
            "{} kann nicht gelesen werden",
            path.display()
        ),
        e,
    )
}

/// The rows of a file, one record at a time. Cells of the current record
/// are borrowed from the reader's buffers, so rows are never copied.
pub struct Rows {
    pub headers: Vec<String>,
    lines: Lines,
    format: Format,
    /// The current line (reused).
    line: Vec<u8>,
    /// The current record's cells, end to end, and where each ends.
    text: String,
    ends: Vec<usize>,
}

enum Format {
    Csv(CsvState),
    Ndjson(JsonState),
}

struct CsvState {
    delimiter: u8,
    /// Cells as bytes while a record is parsed (before its UTF-8 is checked).
    fields: Vec<u8>,
    /// The raw lines of the current record, to give back if it is malformed.
    raw: Vec<u8>,
    raw_starts: Vec<usize>,
    raw_too_long: Vec<u64>,
}

struct JsonState {
    column_of: HashMap<String, usize>,
    cells: Vec<String>,
}

fn too_long_reason() -> String {
    format!(
        "is longer than {} MB, the most one row may hold",
        MAX_ROW_BYTES >> 20
    )
}

impl Rows {
    pub fn open(path: &Path, options: &ReadOptions) -> Result<Rows> {
        match options.format {
            FileFormat::Csv => {
                let delimiter = match options.delimiter.as_str() {
                    "\\t" | "\t" | "tab" => b'\t',
                    d if d.len() == 1 && !matches!(d, "\"" | "\n" | "\r") => d.as_bytes()[0],
                    other => {
                        return Err(Error::invalid(say!(
"'{other}' is not a separator; use ',', ';' or a tab.",
"„{other}“ ist kein Trennzeichen; verwenden Sie „,“, „;“ oder einen Tabulator."
                        )))
                    }
                };
                let mut rows = Rows {
                    headers: Vec::new(),
                    lines: Lines::new(open_file(path)?),
                    format: Format::Csv(CsvState {
                        delimiter,
                        fields: Vec::new(),
                        raw: Vec::new(),
                        raw_starts: Vec::new(),
                        raw_too_long: Vec::new(),
                    }),
                    line: Vec::new(),
                    text: String::new(),
                    ends: Vec::new(),
                };
                let header = rows.next_csv(None)?.ok_or_else(|| {
                    Error::invalid(say!(
                        "The file is empty or has no header line.",
                        "Die Datei ist leer oder hat keine Kopfzeile."
                    ))
                })?;
                if let Some(reason) = header.error {
                    return Err(Error::invalid(say!(
                        "The header line (line {}) {reason}.",
                        "Die Kopfzeile (Zeile {}) {reason}.",
                        header.line
                    )));
                }
                if rows.ends.len() > MAX_COLUMNS {
                    return Err(Error::invalid(say!(
                        "The file has {} columns; Steward reads at most {}.",
                        "Die Datei hat {} Spalten; Steward liest höchstens {}.",
                        crate::ingest::schema::group(rows.ends.len() as i64),
                        crate::ingest::schema::group(MAX_COLUMNS as i64)
                    )));
                }
                rows.headers = (0..rows.ends.len())
                    .map(|i| rows.cell(i).trim().to_string())
                    .collect();
                if rows.headers.iter().all(String::is_empty) {
                    return Err(Error::invalid(say!(
                        "The file has no header line.",
                        "Die Datei hat keine Kopfzeile."
                    )));
                }
                Ok(rows)
            }
            FileFormat::Ndjson => {
                let headers = ndjson_keys(path)?;
                if headers.is_empty() {
                    return Err(Error::invalid(say!(
                        "No JSON object found in the file.",
                        "In der Datei wurde kein JSON-Objekt gefunden."
                    )));
                }
                let column_of = headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (h.clone(), i))
                    .collect();
                let cells = vec![String::new(); headers.len()];
                Ok(Rows {
                    headers,
                    lines: Lines::new(open_file(path)?),
                    format: Format::Ndjson(JsonState { column_of, cells }),
                    line: Vec::new(),
                    text: String::new(),
                    ends: Vec::new(),
                })
            }
        }
    }

    /// Bytes of the file read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.lines.consumed
    }

    /// Cell `i` of the record last returned by `next_record` ("" when absent).
    pub fn cell(&self, i: usize) -> &str {
        match &self.format {
            Format::Ndjson(json) => json.cells.get(i).map_or("", String::as_str),
            Format::Csv(_) => {
                let Some(&end) = self.ends.get(i) else {
                    return "";
                };
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                self.text.get(start..end).unwrap_or("")
            }
        }
    }

    /// All cells of the record last returned, copied (for samples).
    pub fn cells(&self) -> Vec<String> {
        (0..self.headers.len())
            .map(|i| self.cell(i).to_string())
            .collect()
    }

    /// The next record, or None at the end of the file. Only a failure to
    /// read the file itself is an error; a bad row is a record with a reason.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        match self.format {
            Format::Csv(_) => {
                let width = self.headers.len();
                self.next_csv(Some(width))
            }
            Format::Ndjson(_) => self.next_json(),
        }
    }

    /// The next CSV record; `width` checks its cell count (None for the header).
    fn next_csv(&mut self, width: Option<usize>) -> Result<Option<Record>> {
        let Format::Csv(csv) = &mut self.format else {
            return Err(Error::Internal("not a CSV reader".into()));
        };
        loop {
            let Some(first) = self.lines.next(&mut self.line)? else {
                return Ok(None);
            };
            if first.too_long {
                return Ok(Some(Record::bad(first.number, too_long_reason())));
            }
            if is_blank(&self.line) {
                continue;
            }
            // One buffer goes round: the last record's text, or the bytes
            // of a row that was rejected.
            let mut fields = std::mem::take(&mut csv.fields);
            if fields.capacity() == 0 {
                fields = std::mem::take(&mut self.text).into_bytes();
            }
            fields.clear();
            self.ends.clear();
            csv.raw.clear();
            csv.raw_starts.clear();
            csv.raw_too_long.clear();
            let keep_raw = |csv: &mut CsvState, line: &[u8], terminated: bool| {
                csv.raw_starts.push(csv.raw.len());
                csv.raw.extend_from_slice(line);
                if terminated {
                    csv.raw.push(b'\n');
                }
            };
            keep_raw(csv, &self.line, first.terminated);
            let mut terminated = first.terminated;
            let mut in_quotes = false;
            // Why the record is broken, and whether it spans lines (then
            // its quote is to blame and the lines after the first are read again).
            let broken: Option<&'static str> = loop {
                match parse_line(
                    &self.line,
                    csv.delimiter,
                    &mut fields,
                    &mut self.ends,
                    in_quotes,
                ) {
                    LineEnd::Complete => break None,
                    LineEnd::Malformed(reason) => break Some(reason),
                    LineEnd::InQuotes => {}
                }
                in_quotes = true;
                if !terminated {
                    break Some("opens a quote that is never closed");
                }
                fields.push(b'\n');
                let Some(next) = self.lines.next(&mut self.line)? else {
                    break Some("opens a quote that is never closed");
                };
                keep_raw(csv, &self.line, next.terminated);
                terminated = next.terminated;
                if next.too_long {
                    csv.raw_too_long.push(next.number);
                    break Some("opens a quote that is not closed within the size of a row");
                }
                if csv.raw.len() > MAX_ROW_BYTES {
                    break Some("opens a quote that is not closed within the size of a row");
                }
            };
            let spans_lines = csv.raw_starts.len() > 1;
            let count_wrong = width.is_some_and(|w| self.ends.len() != w);
            if broken.is_some() || (spans_lines && count_wrong) {
                csv.fields = fields;
                if spans_lines {
                    let raw = csv.raw.split_off(csv.raw_starts[1]);
                    self.lines
                        .give_back(raw, first.number + 1, &csv.raw_too_long);
                    let reason = if broken.is_some_and(|r| r.starts_with("opens")) {
                        in_words(broken.unwrap_or_default())
                    } else {
                        in_words("opens a quote that does not close before the row ends")
                    };
                    return Ok(Some(Record::bad(
                        first.number,
                        say!(
                            "{reason}; the lines after it were read as rows of their own",
                            "{reason}; die Zeilen danach wurden als eigene Zeilen gelesen"
                        ),
                    )));
                }
                return Ok(Some(Record::bad(
                    first.number,
                    in_words(broken.unwrap_or_default()),
                )));
            }
            if fields.iter().all(u8::is_ascii_whitespace) && width.is_some() {
                // Only separators: an empty row, as spreadsheets often leave.
                csv.fields = fields;
                continue;
            }
            match String::from_utf8(fields) {
                Ok(text) => self.text = text,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    csv.fields = e.into_bytes();
                    return Ok(Some(Record::bad(
                        first.number,
                        say!(
                            "is not valid UTF-8 text (from byte {} of the row); save the file as UTF-8",
                            "ist kein gültiger UTF-8-Text (ab Byte {} der Zeile); speichern Sie die Datei als UTF-8",
                            at + 1
                        ),
                    )));
                }
            }
            if let Some(w) = width.filter(|&w| w != self.ends.len()) {
                return Ok(Some(Record::bad(
                    first.number,
                    say!(
                        "has {} cells but the header has {w}",
                        "hat {} Zellen, die Kopfzeile aber {w}",
                        self.ends.len()
                    ),
                )));
            }
            return Ok(Some(Record {
                line: first.number,
                error: None,
            }));
        }
    }

    fn next_json(&mut self) -> Result<Option<Record>> {
        let Format::Ndjson(json) = &mut self.format else {
            return Err(Error::Internal("not an NDJSON reader".into()));
        };
        loop {
            let Some(info) = self.lines.next(&mut self.line)? else {
                return Ok(None);
            };
            for cell in &mut json.cells {
                cell.clear();
            }
            if info.too_long {
                return Ok(Some(Record::bad(info.number, too_long_reason())));
            }
            if is_blank(&self.line) {
                continue;
            }
            let Ok(text) = std::str::from_utf8(&self.line) else {
                return Ok(Some(Record::bad(
                    info.number,
                    "is not valid UTF-8 text; save the file as UTF-8",
                )));
            };
            let error = match serde_json::from_str::<serde_json::Value>(text.trim()) {
                Ok(serde_json::Value::Object(map)) => {
                    for (key, value) in map {
                        let Some(&i) = json.column_of.get(&key) else {
                            continue;
                        };
                        let cell = &mut json.cells[i];
                        match value {
                            serde_json::Value::Null => {}
                            serde_json::Value::String(s) => cell.push_str(&s),
                            other => cell.push_str(&other.to_string()),
                        }
                    }
                    None
                }
                Ok(_) => Some("is not a JSON object".to_string()),
                Err(e) => Some(format!("is not valid JSON ({e})")),
            };
            return Ok(Some(Record {
                line: info.number,
                error,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's line and cells, or its line and error.
    fn read(content: &[u8]) -> Vec<(u64, std::result::Result<Vec<String>, String>)> {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("f.csv");
        std::fs::write(&path, content).expect("write");
        let options = sniff(&path).expect("sniff");
        let mut rows = Rows::open(&path, &options).expect("open");
        let mut out = Vec::new();
        while let Some(r) = rows.next_record().expect("next") {
            out.push((r.line, r.error.map_or_else(|| Ok(rows.cells()), Err)));
        }
        out
    }

    fn lines_of(content: &str) -> Vec<u64> {
        read(content.as_bytes())
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    #[test]
    fn records_know_the_line_an_editor_shows() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), vec![2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), vec![2, 3]);
        assert_eq!(lines_of("\u{feff}a,b\r\n1,\"x\ny\"\r\n3,4\r\n"), vec![2, 4]);
        assert_eq!(lines_of("a,b\n1,2\n\n3,4\n"), vec![2, 4]);
        // Blank lines before and among rows, CRLF or not: lines as counted by an editor.
        assert_eq!(lines_of("\n\na,b\n\n\n1,2\n\r\n\n3,4"), vec![6, 9]);
        assert_eq!(lines_of("a,b\r\n\r\n\r\n1,2\r\n,\r\n3,4\r\n"), vec![4, 6]);
    }

    #[test]
    fn cells_keep_quotes_separators_and_line_breaks() {
        let rows = read(b"a,b,c\n\"x, y\",\"say \"\"hi\"\"\",12\" screen\n\"l1\r\nl2\",,\n");
        assert_eq!(
            rows[0],
            (
                2,
                Ok(vec![
                    "x, y".to_string(),
                    "say \"hi\"".to_string(),
                    "12\" screen".to_string()
                ])
            )
        );
        assert_eq!(
            rows[1],
            (
                3,
                Ok(vec!["l1\r\nl2".to_string(), String::new(), String::new()])
            )
        );
    }

    #[test]
    fn a_stray_quote_rejects_its_row_and_the_rows_after_it_are_still_read() {
        let mut csv = String::from("id,name\n1,one\n2,\"two\n");
        for i in 3..=1000 {
            csv.push_str(&format!("{i},row {i}\n"));
        }
        let rows = read(csv.as_bytes());
        assert_eq!(rows.len(), 1000);
        assert_eq!(rows[1].0, 3);
        let reason = rows[1].1.clone().expect_err("stray quote");
        assert!(reason.starts_with("opens a quote"), "{reason}");
        assert_eq!(rows[2], (4, Ok(vec!["3".to_string(), "row 3".to_string()])));
        assert_eq!(rows[999].0, 1001);
        assert!(rows[2..].iter().all(|(_, r)| r.is_ok()));

        // A quote that closes many lines later but leaves the wrong cell count.
        let rows = read(b"id,name\n1,\"one\n2,two\n3,th\"ree\n4,four\n");
        assert_eq!(rows.len(), 4);
        assert!(rows[0].1.is_err());
        assert_eq!(rows[1], (3, Ok(vec!["2".to_string(), "two".to_string()])));
        assert_eq!(
            rows[2],
            (4, Ok(vec!["3".to_string(), "th\"ree".to_string()]))
        );
        assert_eq!(rows[3].0, 5);
    }

    #[test]
    fn bad_bytes_and_bad_shapes_are_row_errors_with_their_line() {
        let rows = read(b"a,b\n1,2\n\xff\xfe,3\n4,5,6\n\"x\"y,1\n7,8\n");
        assert_eq!(rows.len(), 5);
        assert!(rows[1].1.clone().expect_err("utf8").contains("UTF-8"));
        assert_eq!(rows[1].0, 3);
        assert!(rows[2]
            .1
            .clone()
            .expect_err("width")
            .contains("has 3 cells but the header has 2"));
        assert!(rows[3]
            .1
            .clone()
            .expect_err("junk")
            .contains("closing quote"));
        assert_eq!(rows[4], (6, Ok(vec!["7".to_string(), "8".to_string()])));
    }

    #[test]
    fn rows_of_only_separators_are_empty_rows() {
        assert_eq!(lines_of("a,b\n1,2\n,\n,,\n3,4\n"), vec![2, 5]);
    }

    #[test]
    fn an_overlong_row_is_rejected_and_reading_goes_on() {
        let mut csv = b"a,b\n1,".to_vec();
        csv.extend(std::iter::repeat_n(b'x', MAX_ROW_BYTES + 10));
        csv.extend_from_slice(b"\n2,3\n");
        let rows = read(&csv);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].1.clone().expect_err("long").contains("longer than"));
        assert_eq!(rows[1], (3, Ok(vec!["2".to_string(), "3".to_string()])));
    }
}
