//! Dates and times in the forms docs/importing.md lists and no others: a
//! plain number is never a date (except YYYYMMDD), a year has four digits
//! and falls within 1900-2199, and a slash date is read in the file's order
//! (or refused as ambiguous when the file does not show it). Times are
//! stored in UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::reader::DateOrder;
#[cfg(test)]
use crate::dates::iso;
use crate::say;

/// The first and last day any date field may hold.
pub const FIRST_DAY: (i32, u32, u32) = (1900, 1, 1);
pub const LAST_DAY: (i32, u32, u32) = (2199, 12, 31);

fn in_range(d: NaiveDate) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2)?;
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2)?;
    (first..=last).contains(&d).then_some(d)
}

fn number(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    (s.len() >= min_len && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `a/b/yyyy` as its three numbers.
pub(super) fn slash_parts(text: &str) -> Option<(u32, u32, i32)> {
    let mut parts = text.split('/');
    let a = number(parts.next()?, 1, 2)?;
    let b = number(parts.next()?, 1, 2)?;
    let y = number(parts.next()?, 4, 4)?;
    parts.next().is_none().then_some((a, b, y as i32))
}

/// `y-m-d` (or with `sep`) with a four-digit year first.
fn ymd(text: &str, sep: char) -> Option<NaiveDate> {
    let mut parts = text.split(sep);
    let y = number(parts.next()?, 4, 4)?;
    let m = number(parts.next()?, 1, 2)?;
    let d = number(parts.next()?, 1, 2)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// A date in one of the accepted forms, without anything after it.
fn date_only(text: &str, order: Option<DateOrder>) -> Result<Option<NaiveDate>, String> {
    let b = text.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let (y, m, d) = (
            number(&text[..4], 4, 4),
            number(&text[4..6], 2, 2),
            number(&text[6..], 2, 2),
        );
        return Ok(y
            .zip(m)
            .zip(d)
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y as i32, m, d)));
    }
    if let Some(d) = ymd(text, '-').or_else(|| ymd(text, '/')) {
        return Ok(Some(d));
    }
    let mut dotted = text.split('.');
    if let (Some(d), Some(m), Some(y), None) =
        (dotted.next(), dotted.next(), dotted.next(), dotted.next())
    {
        if let (Some(d), Some(m), Some(y)) = (number(d, 1, 2), number(m, 1, 2), number(y, 4, 4)) {
            return Ok(NaiveDate::from_ymd_opt(y as i32, m, d));
        }
    }
    if let Some((a, b, y)) = slash_parts(text) {
        let order = match (order, a > 12, b > 12) {
            (Some(o), _, _) => o,
            (None, true, false) => DateOrder::DayFirst,
            (None, false, true) => DateOrder::MonthFirst,
            (None, _, _) => {
                return Err(say!(
                    "'{text}' could be read day first or month first; choose how this file writes dates",
                    "„{text}“ lässt sich mit dem Tag oder dem Monat zuerst lesen; wählen Sie, wie diese Datei Datumsangaben schreibt"
                ))
            }
        };
        let (m, d) = match order {
            DateOrder::MonthFirst => (a, b),
            DateOrder::DayFirst => (b, a),
        };
        return Ok(NaiveDate::from_ymd_opt(y, m, d));
    }
    Ok(None)
}

/// The date forms a date field reads, for an error.
fn date_forms() -> String {
    say!(
        "use YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY (as the file writes them) or YYYYMMDD",
        "verwenden Sie JJJJ-MM-TT, TT.MM.JJJJ, MM/TT/JJJJ oder TT/MM/JJJJ (wie die Datei sie schreibt) oder JJJJMMTT"
    )
}

fn outside(text: &str) -> String {
    say!(
        "'{text}' is outside the years 1900 to 2199",
        "„{text}“ liegt außerhalb der Jahre 1900 bis 2199"
    )
}

/// A date field: the documented forms, or a timestamp (its date as written).
pub fn parse_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    let text = text.trim();
    let found = match date_only(text, order)? {
        Some(d) => Some(d),
        None => {
            // A timestamp where a date is expected keeps the day it names.
            let split = text.find(['T', ' ']);
            match split {
                Some(at) if parse_timestamp(text, order).is_ok() => date_only(&text[..at], order)?,
                _ => None,
            }
        }
    };
    let d = found.ok_or_else(|| {
        let forms = date_forms();
        say!(
            "'{text}' is not a date ({forms})",
            "„{text}“ ist kein Datum ({forms})"
        )
    })?;
    in_range(d).ok_or_else(|| outside(text))
}

/// A date-and-time field, normalised to UTC "YYYY-MM-DDTHH:MM:SSZ". Times
/// without a zone are taken as UTC; epoch seconds (10 digits) and
/// milliseconds (13 digits) are accepted, other plain numbers are not.
pub fn parse_timestamp(text: &str, order: Option<DateOrder>) -> Result<String, String> {
    let text = text.trim();
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let check = |t: NaiveDateTime| {
        in_range(t.date())
            .map(|_| fmt(t))
            .ok_or_else(|| outside(text))
    };
    let bad = || {
        say!(
            "'{text}' is not a date and time (use ISO 8601 such as 2026-03-01T14:30:00Z, 2026-03-01 14:30, 01.03.2026 14:30, a date, or epoch seconds or milliseconds)",
            "„{text}“ ist kein Zeitpunkt (ISO 8601 wie 2026-03-01T14:30:00Z, 2026-03-01 14:30, 01.03.2026 14:30, ein Datum oder Epochen-Sekunden bzw. -Millisekunden)"
        )
    };
    let b = text.as_bytes();
    if b.iter().all(u8::is_ascii_digit) && (b.len() == 10 || b.len() == 13) {
        let n: i64 = text.parse().map_err(|_| bad())?;
        let secs = if b.len() == 13 { n / 1000 } else { n };
        let t = DateTime::from_timestamp(secs, 0).ok_or_else(bad)?;
        return check(t.naive_utc());
    }
    // Four-digit years only: chrono would also take "+10000".
    let iso_like = b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
    if iso_like {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return check(t.naive_utc());
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(t) = DateTime::parse_from_str(text, format) {
                return check(t.naive_utc());
            }
        }
        for format in [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return check(t);
            }
        }
    }
    let german = b.len() >= 10 && b.get(2) == Some(&b'.') && b.get(5) == Some(&b'.');
    if german {
        for format in ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return check(t);
            }
        }
    }
    match date_only(text, order)? {
        Some(d) => in_range(d)
            .map(|d| format!("{d}T00:00:00Z"))
            .ok_or_else(|| outside(text)),
        None => Err(bad()),
    }
}

/// The date order a slash date shows (a first part over 12 is a day).
pub(super) fn order_shown(text: &str) -> Option<DateOrder> {
    let (a, b, _) = slash_parts(text.trim())?;
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_date_reads_as_the_standard_form_does() {
        let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("day");
        let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).expect("day");
        for d in first
            .iter_days()
            .step_by(97)
            .take_while(|d| *d <= last)
            .chain([last])
        {
            assert_eq!(iso(d), d.to_string());
        }
    }

    #[test]
    fn dates_only_in_the_documented_forms() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("day");
        assert_eq!(parse_date("2026-03-31", None), Ok(d(2026, 3, 31)));
        assert_eq!(parse_date("2026/3/5", None), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("31.03.2026", None), Ok(d(2026, 3, 31)));
        assert_eq!(parse_date("1.3.2026", None), Ok(d(2026, 3, 1)));
        assert_eq!(
            parse_date("20240101", None),
            Ok(d(2024, 1, 1)),
            "YYYYMMDD, not epoch seconds"
        );
        assert_eq!(
            parse_date("2026-03-31T23:10:00+02:00", None),
            Ok(d(2026, 3, 31))
        );
        assert_eq!(parse_date("2026-03-31 23:10", None), Ok(d(2026, 3, 31)));
        // Slash dates in the file's order; ambiguous ones need the order.
        assert_eq!(parse_date("03/31/2026", None), Ok(d(2026, 3, 31)));
        assert_eq!(parse_date("31/03/2026", None), Ok(d(2026, 3, 31)));
        assert!(parse_date("03/04/2026", None)
            .expect_err("ambiguous")
            .contains("day first or month first"));
        assert_eq!(
            parse_date("03/04/2026", Some(DateOrder::MonthFirst)),
            Ok(d(2026, 3, 4))
        );
        assert_eq!(
            parse_date("03/04/2026", Some(DateOrder::DayFirst)),
            Ok(d(2026, 4, 3))
        );
        assert!(parse_date("31/03/2026", Some(DateOrder::MonthFirst)).is_err());
        // Refused: plain numbers, five-digit years, impossible days, far years.
        for bad in [
            "1",
            "1704067200",
            "+10000-01-01",
            "10000-01-01",
            "31.02.2027",
            "2026-13-01",
            "1899-12-31",
            "2200-01-01",
            "31/31/2026",
            "March 3",
            "2026-03-31x",
        ] {
            assert!(parse_date(bad, None).is_err(), "{bad} was read as a date");
        }
        let mut evidence = super::super::evidence::Evidence::default();
        evidence.observe(0, "25/12/2026");
        evidence.observe(0, "03/04/2026");
        let mut options = super::super::reader::ReadOptions {
            format: super::super::reader::FileFormat::Csv,
            delimiter: ",".into(),
            decimal_comma: false,
            other_decimal_columns: vec![],
            slash_dates: None,
        };
        evidence.apply(&[], &mut options);
        assert_eq!(options.slash_dates, Some(DateOrder::DayFirst));
    }

    #[test]
    fn timestamps_in_utc_and_epochs_only_by_their_length() {
        let ts = |t: &str| parse_timestamp(t, None);
        assert_eq!(
            ts("2026-03-01 14:30:00").as_deref(),
            Ok("2026-03-01T14:30:00Z")
        );
        assert_eq!(
            ts("2026-11-01T09:00:00+01:00").as_deref(),
            Ok("2026-11-01T08:00:00Z")
        );
        assert_eq!(
            ts("2025-06-02T10:11:12.000+0000").as_deref(),
            Ok("2025-06-02T10:11:12Z")
        );
        assert_eq!(ts("1772375400000").as_deref(), Ok("2026-03-01T14:30:00Z"));
        assert_eq!(ts("1762000000").as_deref(), Ok("2025-11-01T12:26:40Z"));
        assert_eq!(
            ts("01.03.2026 14:30").as_deref(),
            Ok("2026-03-01T14:30:00Z")
        );
        assert_eq!(ts("2026-03-01").as_deref(), Ok("2026-03-01T00:00:00Z"));
        assert_eq!(ts("20260301").as_deref(), Ok("2026-03-01T00:00:00Z"));
        for bad in [
            "1",
            "12345",
            "+10000-01-01T00:00:00Z",
            "2026-03-01T25:00:00Z",
            "soon",
        ] {
            assert!(ts(bad).is_err(), "{bad} was read as a time");
        }
    }
}
