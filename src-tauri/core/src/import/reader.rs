//! Streaming rows out of CSV and NDJSON files without loading them whole:
//! sniffing the format, delimiter and decimal convention, and yielding each
//! record with the line it started on.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Ndjson,
}

/// How to read a file; `sniff` proposes it and the UI may adjust it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadOptions {
    pub format: FileFormat,
    /// The CSV separator: ',', ';' or a tab.
    pub delimiter: String,
    /// Numbers written as 1.234,56 (German and most European exports).
    pub decimal_comma: bool,
}

/// One record: the line it starts on (1-based, header is line 1) and, when
/// it could not be read, why. Its cells are read with `Rows::cell`, which
/// borrows them from the reader's buffer instead of copying every row.
pub struct Record {
    pub line: u64,
    pub error: Option<String>,
}

pub struct Rows {
    pub headers: Vec<String>,
    inner: Inner,
    /// Bytes consumed so far, for progress.
    pub bytes_read: u64,
}

enum Inner {
    Csv {
        reader: csv::Reader<BufReader<NewlineTracker>>,
        record: csv::StringRecord,
        lines: LineCounter,
    },
    Ndjson {
        lines: std::io::Lines<BufReader<File>>,
        line: u64,
        current: Vec<String>,
    },
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(format!("No file at {}.", path.display())),
        _ => Error::io(format!("Cannot open {}", path.display()), e),
    })
}

/// The csv crate's own line numbers drift (CRLF files, skipped blank lines),
/// but its byte offsets are exact. This reader notes where every '\n' is as
/// bytes stream past, so a record's byte offset turns into the line a person
/// sees in an editor, without a second pass over the file.
struct NewlineTracker {
    file: File,
    offset: u64,
    newlines: Arc<Mutex<VecDeque<u64>>>,
}

impl Read for NewlineTracker {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        if let Ok(mut newlines) = self.newlines.lock() {
            for (i, _) in buf[..n].iter().enumerate().filter(|(_, &b)| b == b'\n') {
                newlines.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

struct LineCounter {
    newlines: Arc<Mutex<VecDeque<u64>>>,
    before: u64,
}

impl LineCounter {
    /// The 1-based line of a record starting at `byte` (the csv crate may start
    /// a record on the previous line's \n); offsets must come in increasing order.
    fn line_at(&mut self, byte: u64) -> u64 {
        if let Ok(mut newlines) = self.newlines.lock() {
            while newlines.front().is_some_and(|&nl| nl <= byte) {
                newlines.pop_front();
                self.before += 1;
            }
        }
        self.before + 1
    }
}

/// Looks at the start of a file and proposes how to read it.
pub fn sniff(path: &Path) -> Result<ReadOptions> {
    let mut head = Vec::with_capacity(64 * 1024);
    open_file(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(format!("Cannot read {}", path.display()), e))?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("").trim();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
        || first.starts_with('{');
    if is_json {
        return Ok(ReadOptions {
            format: FileFormat::Ndjson,
            delimiter: ",".into(),
            decimal_comma: false,
        });
    }
    // The separator is the candidate that appears most often outside quotes in the header.
    let count = |sep: char| {
        let mut quoted = false;
        first
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == sep
            })
            .count()
    };
    let delimiter = [',', ';', '\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == ','))
        .unwrap_or(',');
    Ok(ReadOptions {
        format: FileFormat::Csv,
        delimiter: delimiter.to_string(),
        decimal_comma: delimiter == ';',
    })
}

impl Rows {
    pub fn open(path: &Path, options: &ReadOptions) -> Result<Rows> {
        let file = open_file(path)?;
        match options.format {
            FileFormat::Csv => {
                let delimiter = match options.delimiter.as_str() {
                    "\\t" | "\t" | "tab" => b'\t',
                    d if d.len() == 1 => d.as_bytes()[0],
                    other => {
                        return Err(Error::invalid(format!(
                            "'{other}' is not a separator; use ',', ';' or a tab."
                        )))
                    }
                };
                let newlines = Arc::new(Mutex::new(VecDeque::new()));
                let tracker = NewlineTracker {
                    file,
                    offset: 0,
                    newlines: newlines.clone(),
                };
                let lines = LineCounter {
                    newlines,
                    before: 0,
                };
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .from_reader(BufReader::with_capacity(256 * 1024, tracker));
                let headers = reader
                    .headers()
                    .map_err(|e| Error::invalid(format!("Cannot read the header line: {e}")))?
                    .iter()
                    .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                    .collect::<Vec<_>>();
                if headers.iter().all(|h| h.is_empty()) {
                    return Err(Error::invalid("The file is empty or has no header line."));
                }
                Ok(Rows {
                    headers,
                    inner: Inner::Csv {
                        reader,
                        record: csv::StringRecord::new(),
                        lines,
                    },
                    bytes_read: 0,
                })
            }
            FileFormat::Ndjson => {
                // Headers are the keys of the first 200 objects, in first-seen order.
                let mut headers: Vec<String> = Vec::new();
                let reader = BufReader::new(open_file(path)?);
                for line in reader.lines().take(200) {
                    let line = line.map_err(|e| Error::io("Cannot read the file", e))?;
                    if let Ok(serde_json::Value::Object(map)) =
                        serde_json::from_str(line.trim_start_matches('\u{feff}'))
                    {
                        for key in map.keys() {
                            if !headers.contains(key) {
                                headers.push(key.clone());
                            }
                        }
                    }
                }
                if headers.is_empty() {
                    return Err(Error::invalid(
                        "No JSON object found in the first lines of the file.",
                    ));
                }
                let lines = BufReader::with_capacity(256 * 1024, file).lines();
                Ok(Rows {
                    headers,
                    inner: Inner::Ndjson {
                        lines,
                        line: 0,
                        current: Vec::new(),
                    },
                    bytes_read: 0,
                })
            }
        }
    }

    /// Cell `i` of the record last returned by `next_record` ("" when absent).
    pub fn cell(&self, i: usize) -> &str {
        match &self.inner {
            Inner::Csv { record, .. } => record.get(i).unwrap_or(""),
            Inner::Ndjson { current, .. } => current.get(i).map_or("", String::as_str),
        }
    }

    /// All cells of the record last returned, copied (for samples).
    pub fn cells(&self) -> Vec<String> {
        (0..self.headers.len())
            .map(|i| self.cell(i).to_string())
            .collect()
    }

    /// The next record, or None at the end of the file. I/O errors end the read.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        let width = self.headers.len();
        match &mut self.inner {
            Inner::Csv {
                reader,
                record,
                lines,
            } => loop {
                match reader.read_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
                        self.bytes_read = reader.position().byte();
                        if record.len() == 1 && record.get(0).is_some_and(|v| v.trim().is_empty()) {
                            continue; // blank line
                        }
                        let error = (record.len() != width).then(|| {
                            format!("has {} fields but the header has {width}", record.len())
                        });
                        return Ok(Some(Record { line, error }));
                    }
                    Err(e) => {
                        let line = lines.line_at(e.position().map_or(0, |p| p.byte()));
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            return Err(Error::Internal(format!(
                                "Reading stopped at line {line}: {e}"
                            )));
                        }
                        self.bytes_read = reader.position().byte();
                        let reason = match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_string(),
                            _ => format!("cannot be read: {e}"),
                        };
                        return Ok(Some(Record {
                            line,
                            error: Some(reason),
                        }));
                    }
                }
            },
            Inner::Ndjson {
                lines,
                line,
                current,
            } => loop {
                let Some(text) = lines.next() else {
                    return Ok(None);
                };
                *line += 1;
                current.clear();
                let text = match text {
                    Ok(t) => t,
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        return Ok(Some(Record {
                            line: *line,
                            error: Some("is not valid UTF-8 text".into()),
                        }))
                    }
                    Err(e) => return Err(Error::io(format!("Reading stopped at line {line}"), e)),
                };
                self.bytes_read += text.len() as u64 + 1;
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                let error = match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(serde_json::Value::Object(map)) => {
                        current.extend(self.headers.iter().map(|h| match map.get(h) {
                            None | Some(serde_json::Value::Null) => String::new(),
                            Some(serde_json::Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                        }));
                        None
                    }
                    Ok(_) => Some("is not a JSON object".to_string()),
                    Err(e) => Some(format!("is not valid JSON ({e})")),
                };
                return Ok(Some(Record { line: *line, error }));
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(content: &str) -> Vec<u64> {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("f.csv");
        std::fs::write(&path, content).expect("write");
        let options = sniff(&path).expect("sniff");
        let mut rows = Rows::open(&path, &options).expect("open");
        let mut lines = Vec::new();
        while let Some(r) = rows.next_record().expect("next") {
            lines.push(r.line);
        }
        lines
    }

    #[test]
    fn records_know_the_line_they_start_on() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), vec![2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), vec![2, 3]);
        assert_eq!(lines_of("\u{feff}a,b\r\n1,\"x\ny\"\r\n3,4\r\n"), vec![2, 4]);
        assert_eq!(lines_of("a,b\n1,2\n\n3,4\n"), vec![2, 4]);
    }
}
