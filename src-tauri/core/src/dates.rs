//! Calendar days as the CSM lives them: today in the machine's time zone,
//! and month arithmetic that clamps to a month's last day.

use chrono::{Datelike, NaiveDate};

/// The CSM's calendar day, in the machine's time zone: due dates, "days since
/// touch" and usage windows are calendar questions, not UTC ones.
pub fn today() -> NaiveDate {
    day_in(chrono::Utc::now(), &chrono::Local)
}

/// The calendar day an instant falls on for someone in `zone`.
pub fn day_in<Tz: chrono::TimeZone>(now: chrono::DateTime<chrono::Utc>, zone: &Tz) -> NaiveDate {
    now.with_timezone(zone).date_naive()
}

/// Adds calendar months, clamping to the month's last day (Jan 31 + 1 = Feb 28/29).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(months))
        .unwrap_or(date)
}

/// The first day of the calendar quarter `d` falls in.
pub fn quarter_start(d: NaiveDate) -> NaiveDate {
    let month = (d.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d)
}

/// A day as stored ("YYYY-MM-DD"), written digit by digit: a usage file or
/// a generated book holds millions of them, and chrono's formatter (which
/// binding a date to SQL uses too) takes several times as long. Years
/// outside 0-9999, which have no such form, are written as chrono does.
pub fn iso(d: NaiveDate) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let y = y.unsigned_abs();
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        '-',
        digit(m / 10),
        digit(m),
        '-',
        digit(day / 10),
        digit(day),
    ]
    .iter()
    .collect()
}

/// A stored day ("YYYY-MM-DD") read digit by digit; None for anything
/// else, which is left to chrono.
fn parse_iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// A day written as text, as chrono reads it ("YYYY-MM-DD" digit by digit,
/// which is what the book stores; anything else through chrono).
pub(crate) fn parse(text: &str) -> Option<NaiveDate> {
    parse_iso(text).or_else(|| text.parse().ok())
}

/// A day in column `idx` of a row, NULL as None: a stored day is read digit
/// by digit (lists read thousands, and chrono's reading parses its format
/// each time); anything else is read, or refused, as rusqlite reads it.
pub(crate) fn column_opt(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    if let rusqlite::types::ValueRef::Text(t) = r.get_ref(idx)? {
        if let Some(d) = std::str::from_utf8(t).ok().and_then(parse_iso) {
            return Ok(Some(d));
        }
    }
    r.get(idx)
}

/// `column_opt` for a day that must be there.
pub(crate) fn column(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    match column_opt(r, idx)? {
        Some(d) => Ok(d),
        None => r.get(idx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_written_as_chrono_writes_it() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        for day in [
            d(0, 1, 1),
            d(999, 12, 31),
            d(2026, 2, 28),
            d(9999, 12, 31),
            d(10000, 1, 1),
            d(-1, 6, 1),
        ] {
            assert_eq!(iso(day), day.to_string());
        }
    }

    #[test]
    fn a_stored_day_reads_as_chrono_reads_it_and_anything_else_as_rusqlite_does() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        let texts = [
            "2026-12-02",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026/12/02",
            "20261202xx",
            "+2026-12-0",
            "2026-12-02T10:00:00",
            "",
        ];
        for text in texts {
            let read = |get: &dyn Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Option<NaiveDate>>| {
                conn.query_row("SELECT ?1", [text], |r| get(r))
                    .map_err(|e| e.to_string())
            };
            assert_eq!(
                read(&|r| column_opt(r, 0)),
                read(&|r| r.get::<_, Option<NaiveDate>>(0)),
                "{text:?}"
            );
            assert_eq!(parse(text), text.parse::<NaiveDate>().ok(), "{text:?}");
        }
        let null = conn.query_row("SELECT NULL", [], |r| {
            Ok((column_opt(r, 0)?, column(r, 0).is_err()))
        });
        assert_eq!(null.expect("null"), (None, true));
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months(d(2026, 11, 15), 3), d(2027, 2, 15));
    }

    #[test]
    fn quarters_start_on_the_first_of_jan_apr_jul_oct() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(quarter_start(d(2026, 11, 23)), d(2026, 10, 1));
        assert_eq!(quarter_start(d(2027, 3, 31)), d(2027, 1, 1));
        assert_eq!(quarter_start(d(2027, 4, 1)), d(2027, 4, 1));
    }
}
