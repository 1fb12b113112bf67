//! The keys of an NDJSON file: every top-level key used anywhere, in the
//! order first seen, so a key that first appears on the last line is offered
//! for mapping like any other.

use std::collections::HashSet;
use std::path::Path;

use super::csv::is_blank;
use super::lines::Lines;
use super::reader::{open_file, MAX_COLUMNS};
use crate::error::{Error, Result};
use crate::say;

/// Every top-level key of an NDJSON file, in the order first seen. The whole
/// file is read, so a key that first appears on its last line is offered for
/// mapping like any other; lines that are not JSON objects are skipped here
/// (the import reports them).
pub(super) fn ndjson_keys(path: &Path) -> Result<Vec<String>> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

    struct Keys<'a> {
        seen: &'a mut HashSet<String>,
        order: &'a mut Vec<String>,
    }
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                map.next_value::<IgnoredAny>()?;
                if !self.seen.contains(key.as_ref()) {
                    self.seen.insert(key.to_string());
                    self.order.push(key.into_owned());
                }
            }
            Ok(())
        }
    }

    let mut lines = Lines::new(open_file(path)?);
    let mut line = Vec::new();
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    while let Some(info) = lines.next(&mut line)? {
        if info.too_long || is_blank(&line) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let _ = de.deserialize_map(Keys {
            seen: &mut seen,
            order: &mut order,
        });
        if order.len() > MAX_COLUMNS {
            return Err(Error::invalid(say!(
"The file uses more than {} different keys (line {} brings it to {}); Steward reads at most {} fields.",
"Die Datei verwendet mehr als {} verschiedene Schlüssel (Zeile {} bringt sie auf {}); Steward liest höchstens {} Felder.",
                crate::ingest::schema::group(MAX_COLUMNS as i64),
                info.number,
                crate::ingest::schema::group(order.len() as i64),
                crate::ingest::schema::group(MAX_COLUMNS as i64)
            )));
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::super::reader::{sniff, Rows};

    #[test]
    fn ndjson_keys_come_from_every_line_and_bad_lines_are_rows() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("f.ndjson");
        let mut text = Vec::new();
        text.extend_from_slice(b"{\"a\":1}\n\xff\n");
        for i in 0..300 {
            text.extend_from_slice(format!("{{\"a\":{i}}}\n").as_bytes());
        }
        text.extend_from_slice(b"{\"a\":7,\"late\":\"x\"}\n[1]\n");
        std::fs::write(&path, &text).expect("write");
        let mut rows = Rows::open(&path, &sniff(&path).expect("sniff")).expect("open");
        assert_eq!(rows.headers, vec!["a".to_string(), "late".to_string()]);
        let mut seen = Vec::new();
        while let Some(r) = rows.next_record().expect("next") {
            seen.push((r.line, r.error.is_none(), rows.cell(1).to_string()));
        }
        assert_eq!(seen.len(), 304);
        assert_eq!(seen[1], (2, false, String::new()));
        assert_eq!(seen[302], (303, true, "x".to_string()));
        assert_eq!(seen[303], (304, false, String::new()));
    }

    #[test]
    fn too_many_ndjson_keys_are_refused_quickly() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("f.ndjson");
        let text: String = (0..100_000).map(|i| format!("{{\"k{i}\":1}}\n")).collect();
        std::fs::write(&path, text).expect("write");
        let err = Rows::open(&path, &sniff(&path).expect("sniff"))
            .err()
            .expect("refused");
        assert!(
            err.to_string().contains("more than 1,000 different keys"),
            "{err}"
        );
    }
}
