//! Splitting one CSV line into cells (RFC 4180, `""` for a quote inside a
//! quoted cell; a quote inside an unquoted cell is kept as it is), resuming
//! a quoted cell that runs on from the line before.

/// Where a line left a record: complete, inside a quoted field (the record
/// goes on with the next line), or broken.
pub(super) enum LineEnd {
    Complete,
    InQuotes,
    Malformed(&'static str),
}

/// Splits one line into cells, appending to `fields`/`ends`; `in_quotes`
/// resumes a quoted field from the line before. RFC 4180 with `""` as an
/// escaped quote; a quote inside an unquoted cell is kept as it is.
pub(super) fn parse_line(
    line: &[u8],
    delimiter: u8,
    fields: &mut Vec<u8>,
    ends: &mut Vec<usize>,
    mut in_quotes: bool,
) -> LineEnd {
    let n = line.len();
    let mut i = 0;
    loop {
        if in_quotes {
            let Some(j) = memchr::memchr(b'"', &line[i..]) else {
                fields.extend_from_slice(&line[i..]);
                return LineEnd::InQuotes;
            };
            fields.extend_from_slice(&line[i..i + j]);
            i += j + 1;
            if i < n && line[i] == b'"' {
                fields.push(b'"');
                i += 1;
                continue;
            }
            in_quotes = false;
            if i == n || (i + 1 == n && line[i] == b'\r') {
                ends.push(fields.len());
                return LineEnd::Complete;
            }
            if line[i] != delimiter {
                return LineEnd::Malformed("has text after the closing quote of a cell");
            }
            ends.push(fields.len());
            i += 1;
        } else if i < n && line[i] == b'"' {
            in_quotes = true;
            i += 1;
            continue;
        } else {
            match memchr::memchr(delimiter, &line[i..]) {
                Some(j) => {
                    fields.extend_from_slice(&line[i..i + j]);
                    ends.push(fields.len());
                    i += j + 1;
                }
                None => {
                    let end = if n > i && line[n - 1] == b'\r' {
                        n - 1
                    } else {
                        n
                    };
                    fields.extend_from_slice(&line[i..end]);
                    ends.push(fields.len());
                    return LineEnd::Complete;
                }
            }
        }
        // A delimiter was just passed: a line ending here has an empty last cell.
        if i == n || (i + 1 == n && line[i] == b'\r') {
            ends.push(fields.len());
            return LineEnd::Complete;
        }
    }
}

pub(super) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// A broken row's reason, which the reader names in English, in the
/// language the person reads ("The row {reason}.").
pub(super) fn in_words(reason: &str) -> String {
    match (reason, crate::Lang::current()) {
        (_, crate::Lang::En) => reason.to_string(),
        ("opens a quote that is never closed", _) => "öffnet ein Anführungszeichen, das nie geschlossen wird".into(),
        ("opens a quote that is not closed within the size of a row", _) => {
            "öffnet ein Anführungszeichen, das innerhalb der Größe einer Zeile nicht geschlossen wird".into()
        }
        ("opens a quote that does not close before the row ends", _) => {
            "öffnet ein Anführungszeichen, das vor dem Zeilenende nicht schließt".into()
        }
        ("has text after the closing quote of a cell", _) => {
            "hat Text nach dem schließenden Anführungszeichen einer Zelle".into()
        }
        _ => reason.to_string(),
    }
}
