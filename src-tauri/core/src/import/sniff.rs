//! How a file writes itself, read from its first 64 KB before anything is
//! imported: CSV or NDJSON, and which separator the header uses.

use std::io::Read;
use std::path::Path;

use super::reader::{cannot_read, open_file, FileFormat, ReadOptions};
use crate::error::{Error, Result};
use crate::say;

pub fn sniff(path: &Path) -> Result<ReadOptions> {
    let mut head = Vec::with_capacity(64 * 1024);
    open_file(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| cannot_read(path, e))?;
    if head.is_empty() {
        return Err(Error::invalid(say!(
            "The file is empty.",
            "Die Datei ist leer."
        )));
    }
    if !head.contains(&b'\n') && head.contains(&b'\r') {
        return Err(Error::invalid(
            say!("The file ends its lines with a carriage return only (an old Mac format); save it with ordinary line ends and import it again.", "Die Datei beendet ihre Zeilen nur mit einem Wagenrücklauf (ein altes Mac-Format); speichern Sie sie mit gewöhnlichen Zeilenenden und importieren Sie sie erneut."),
        ));
    }
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}');
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
        || first.starts_with('{');
    let plain = |delimiter: &str| ReadOptions {
        format: FileFormat::Csv,
        delimiter: delimiter.into(),
        decimal_comma: delimiter == ";",
        other_decimal_columns: Vec::new(),
        slash_dates: None,
    };
    if is_json {
        return Ok(ReadOptions {
            format: FileFormat::Ndjson,
            ..plain(",")
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
    Ok(plain(&delimiter.to_string()))
}
