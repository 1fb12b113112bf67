//! Calendar days as the CSM lives them: today in the machine's time zone,
//! and month arithmetic that clamps to a month's last day.

use chrono::NaiveDate;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_to_the_last_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months(d(2026, 11, 15), 3), d(2027, 2, 15));
    }
}
