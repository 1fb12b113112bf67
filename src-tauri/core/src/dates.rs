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
