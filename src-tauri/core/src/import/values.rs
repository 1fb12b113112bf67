//! How a cell's text becomes a value, refusing to guess.
//!
//! - Numbers are read exactly (never through floating point) with the file's
//!   decimal mark, or a column's own where it differs; grouping must be in
//!   threes ("1,234,567"), so "1,5" in a decimal-point file is refused instead
//!   of becoming 15. Which mark a file uses is judged from its rows
//!   (`Evidence`): a value that reads only one way is evidence, a value that
//!   reads two ways ("1,234") is not.
//! - Money is rounded half away from zero to its currency's minor unit
//!   (0.285 USD is 29 cents, 1,234.5 JPY is 1,235 yen).
//! - Dates are accepted in the forms docs/importing.md lists and no others:
//!   a plain number is never a date (except YYYYMMDD), a year has four digits
//!   and falls within 1900-2199, and a slash date is read in the file's order
//!   (or refused as ambiguous when the file does not show it).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::reader::{DateOrder, ReadOptions};
use crate::currency;

/// The first and last day any date field may hold.
pub const FIRST_DAY: (i32, u32, u32) = (1900, 1, 1);
pub const LAST_DAY: (i32, u32, u32) = (2199, 12, 31);
/// The most digits a number may have (before and after its decimal mark).
const MAX_DIGITS: usize = 30;

/// A number as written: `mantissa / 10^scale`, with its sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub negative: bool,
    pub mantissa: u128,
    pub scale: u32,
}

impl Decimal {
    /// The whole number it is, if it has no fraction.
    pub fn whole(self) -> Option<i128> {
        let unit = 10_u128.checked_pow(self.scale)?;
        (self.mantissa % unit == 0).then(|| {
            let n = (self.mantissa / unit) as i128;
            if self.negative {
                -n
            } else {
                n
            }
        })
    }

    /// Rounded half away from zero to `digits` decimal places, as an integer
    /// count of those places (minor units).
    pub fn to_minor(self, digits: u32) -> Option<i128> {
        let magnitude = if self.scale <= digits {
            self.mantissa
                .checked_mul(10_u128.checked_pow(digits - self.scale)?)?
        } else {
            let unit = 10_u128.checked_pow(self.scale - digits)?;
            let (q, r) = (self.mantissa / unit, self.mantissa % unit);
            if r * 2 >= unit {
                q + 1
            } else {
                q
            }
        };
        let n = i128::try_from(magnitude).ok()?;
        Some(if self.negative { -n } else { n })
    }
}

const GROUPING_SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Takes a currency sign or ISO code off the front or back of `text`;
/// returns the rest and the code when one was written (symbols such as $
/// name several currencies, so they give none, except € and £).
fn strip_currency(text: &str) -> Option<(&str, Option<&'static str>)> {
    for (symbol, code) in [
        ("$", None),
        ("€", Some("EUR")),
        ("£", Some("GBP")),
        ("¥", None),
    ] {
        if let Some(rest) = text
            .strip_prefix(symbol)
            .or_else(|| text.strip_suffix(symbol))
        {
            return Some((rest.trim(), code));
        }
    }
    let letters = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
    if let Some(prefix) = text.get(..3).filter(|p| letters(p)) {
        let code = currency::parse(prefix)?;
        return Some((text[3..].trim(), Some(code)));
    }
    if text.len() > 3 {
        if let Some(suffix) = text.get(text.len() - 3..).filter(|s| letters(s)) {
            let code = currency::parse(suffix)?;
            return Some((text[..text.len() - 3].trim(), Some(code)));
        }
    }
    Some((text, None))
}

/// Reads `text` as a number with a decimal comma (`comma`) or point. Returns
/// the number and the currency code written with it, if any; the error is
/// phrased to follow the field's name.
pub fn parse_decimal(text: &str, comma: bool) -> Result<(Decimal, Option<&'static str>), String> {
    let text = text.trim();
    // Plain integers, most cells of a big usage export, skip the general path.
    if !text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok((
            Decimal {
                negative: false,
                mantissa: text
                    .parse::<u128>()
                    .map_err(|_| format!("'{text}' is not a number"))?,
                scale: 0,
            },
            None,
        ));
    }
    match read_decimal(text, comma) {
        Some(found) => Ok(found),
        None if read_decimal(text, !comma).is_some() => Err(format!(
            "'{text}' does not fit the number format of this column ({}); if the file writes numbers like that, change the decimal mark",
            if comma {
                "decimal comma, as in 1.234,56"
            } else {
                "decimal point, as in 1,234.56"
            }
        )),
        None => Err(format!("'{text}' is not a number")),
    }
}

/// Takes a leading sign off: whether it was a minus, and the rest.
fn take_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest.trim_start())
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest.trim_start())
    } else {
        (false, s)
    }
}

fn read_decimal(text: &str, comma: bool) -> Option<(Decimal, Option<&'static str>)> {
    let (mark, other) = if comma { (',', '.') } else { ('.', ',') };
    let (negative, s) = take_sign(text.trim());
    let (s, code) = strip_currency(s)?;
    let (negative, s) = match take_sign(s) {
        (true, _) if negative => return None,
        (n, rest) => (negative || n, rest),
    };
    if s.is_empty() {
        return None;
    }
    let (int, frac) = match s.split_once(mark) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    // The integer part: plain digits, or groups of three after a first of one to three.
    let mut digits = String::with_capacity(s.len());
    if int.bytes().all(|b| b.is_ascii_digit()) {
        digits.push_str(int);
    } else {
        let sep = int
            .chars()
            .find(|c| *c == other || *c == '\'' || GROUPING_SPACES.contains(c))?;
        let groups: Vec<&str> = int.split(sep).collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        groups.iter().for_each(|g| digits.push_str(g));
    }
    if digits.is_empty() && frac.is_none() {
        return None;
    }
    let frac = frac.unwrap_or("");
    digits.push_str(frac);
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_DIGITS {
        return None;
    }
    let mantissa = if digits.is_empty() {
        0
    } else {
        digits.parse::<u128>().ok()?
    };
    Some((
        Decimal {
            negative: negative && mantissa != 0,
            mantissa,
            scale: frac.len() as u32,
        },
        code,
    ))
}

/// Which decimal mark `text` shows, if it reads as a number one way only,
/// or two ways that agree. None when it is no evidence.
fn mark_shown(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.is_empty() || text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match (read_decimal(text, false), read_decimal(text, true)) {
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        _ => None,
    }
}

/// The date order a slash date shows (a first part over 12 is a day).
fn order_shown(text: &str) -> Option<DateOrder> {
    let (a, b, _) = slash_parts(text.trim())?;
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// What the first rows of a file show about how it writes numbers and dates.
#[derive(Default)]
pub struct Evidence {
    /// Per column: values showing a decimal point, and a decimal comma.
    marks: Vec<(u32, u32)>,
    day_first: u32,
    month_first: u32,
}

impl Evidence {
    pub fn observe(&mut self, column: usize, text: &str) {
        if self.marks.len() <= column {
            self.marks.resize(column + 1, (0, 0));
        }
        match mark_shown(text) {
            Some(false) => self.marks[column].0 += 1,
            Some(true) => self.marks[column].1 += 1,
            None => {}
        }
        match order_shown(text) {
            Some(DateOrder::DayFirst) => self.day_first += 1,
            Some(DateOrder::MonthFirst) => self.month_first += 1,
            None => {}
        }
    }

    /// Sets the file's decimal mark (the one most columns show; the
    /// separator's custom when none does), the columns that show the other
    /// one, and the slash date order when the rows agree on one.
    pub fn apply(&self, headers: &[String], options: &mut ReadOptions) {
        let shown: Vec<(usize, bool)> = self
            .marks
            .iter()
            .enumerate()
            .filter_map(|(i, &(point, comma))| match (point > 0, comma > 0) {
                (true, false) => Some((i, false)),
                (false, true) => Some((i, true)),
                _ => None,
            })
            .collect();
        let commas = shown.iter().filter(|(_, c)| *c).count();
        let points = shown.len() - commas;
        if commas != points {
            options.decimal_comma = commas > points;
        }
        options.other_decimal_columns = shown
            .iter()
            .filter(|(_, c)| *c != options.decimal_comma)
            .filter_map(|(i, _)| headers.get(*i).cloned())
            .collect();
        options.slash_dates = match (self.day_first > 0, self.month_first > 0) {
            (true, false) => Some(DateOrder::DayFirst),
            (false, true) => Some(DateOrder::MonthFirst),
            _ => options.slash_dates,
        };
    }
}

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
fn slash_parts(text: &str) -> Option<(u32, u32, i32)> {
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
                return Err(format!(
                    "'{text}' could be read day first or month first; choose how this file writes dates"
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

const DATE_FORMS: &str =
    "use YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY (as the file writes them) or YYYYMMDD";

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
    let d = found.ok_or_else(|| format!("'{text}' is not a date ({DATE_FORMS})"))?;
    in_range(d).ok_or_else(|| format!("'{text}' is outside the years 1900 to 2199"))
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
            .ok_or_else(|| format!("'{text}' is outside the years 1900 to 2199"))
    };
    let bad = || {
        format!("'{text}' is not a date and time (use ISO 8601 such as 2026-03-01T14:30:00Z, 2026-03-01 14:30, 01.03.2026 14:30, a date, or epoch seconds or milliseconds)")
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
            .ok_or_else(|| format!("'{text}' is outside the years 1900 to 2199")),
        None => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minor(text: &str, comma: bool, digits: u32) -> Result<i128, String> {
        parse_decimal(text, comma).map(|(d, _)| d.to_minor(digits).unwrap_or(i128::MAX))
    }

    #[test]
    fn money_reads_exactly_in_the_files_format_and_rounds_half_away_from_zero() {
        // The cases reported in issue 9.
        assert!(
            minor("1,5", false, 2).is_err(),
            "1,5 in a decimal-point file"
        );
        assert!(minor("1.234,56", false, 2)
            .expect_err("a decimal comma in a decimal-point column")
            .contains("decimal point"));
        assert!(
            minor("1.5", true, 2).is_err(),
            "1.5 in a decimal-comma file"
        );
        assert_eq!(minor("0.285", false, 2), Ok(29));
        assert_eq!(minor("1.005", false, 2), Ok(101));
        assert_eq!(minor("-1.005", false, 2), Ok(-101));
        assert_eq!(minor("1.004", false, 2), Ok(100));
        // The same values written the way each format does.
        assert_eq!(minor("1,5", true, 2), Ok(150));
        assert_eq!(minor("1.234,56", true, 2), Ok(123_456));
        assert_eq!(minor("1,234.56", false, 2), Ok(123_456));
        assert_eq!(minor("1 234,56", true, 2), Ok(123_456));
        assert_eq!(minor("1'234.56", false, 2), Ok(123_456));
        assert_eq!(minor("12,345,678", false, 2), Ok(1_234_567_800));
        assert!(
            minor("12,34,567", false, 2).is_err(),
            "groups of three only"
        );
        assert!(minor("1.2.3", false, 2).is_err());
        // The currency's own digits.
        assert_eq!(minor("1234.5", false, 0), Ok(1235));
        assert_eq!(minor("1.2345", false, 3), Ok(1235));
        assert_eq!(minor("$ 99", false, 2), Ok(9900));
        assert_eq!(minor("-$5", false, 2), Ok(-500));
        assert_eq!(
            parse_decimal("EUR 1.000", true).map(|(d, c)| (d.whole(), c)),
            Ok((Some(1000), Some("EUR")))
        );
        assert_eq!(
            parse_decimal("1.000 €", true).map(|(_, c)| c),
            Ok(Some("EUR"))
        );
        assert!(parse_decimal("12k", false).is_err());
        assert!(parse_decimal("abc", false).is_err());
        assert!(parse_decimal("1e5", false).is_err());
        assert!(parse_decimal("12 %", false).is_err());
        assert!(parse_decimal("9999999999999999999999999999999", false).is_err());
        assert_eq!(
            parse_decimal("2.5", false).map(|(d, _)| d.whole()),
            Ok(None)
        );
        assert_eq!(
            parse_decimal("2.0", false).map(|(d, _)| d.whole()),
            Ok(Some(2))
        );
        assert_eq!(
            parse_decimal("9223372036854775807", false).map(|(d, _)| d.whole()),
            Ok(Some(9_223_372_036_854_775_807))
        );
    }

    #[test]
    fn the_rows_show_which_decimal_mark_a_file_and_each_column_uses() {
        let headers: Vec<String> = ["id", "arr", "discount", "date"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut evidence = Evidence::default();
        for row in [
            ["1", "1,234.50", "0,5", "31.03.2026"],
            ["2", "1,234", "0,25", "01.04.2026"],
        ] {
            for (i, cell) in row.iter().enumerate() {
                evidence.observe(i, cell);
            }
        }
        let mut options = super::super::reader::ReadOptions {
            format: super::super::reader::FileFormat::Csv,
            delimiter: ";".into(),
            decimal_comma: true,
            other_decimal_columns: vec![],
            slash_dates: None,
        };
        // One column shows points, one commas: a tie keeps the separator's custom.
        evidence.apply(&headers, &mut options);
        assert!(options.decimal_comma);
        assert_eq!(options.other_decimal_columns, vec!["arr".to_string()]);
        assert!(!options.decimal_comma_in("arr"));
        assert!(options.decimal_comma_in("discount"));
        // Values that read two ways are no evidence: the separator decides.
        let mut evidence = Evidence::default();
        evidence.observe(0, "1,234");
        evidence.observe(0, "1.234");
        options.decimal_comma = false;
        evidence.apply(&headers, &mut options);
        assert!(!options.decimal_comma);
        assert!(options.other_decimal_columns.is_empty());
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
        let mut evidence = Evidence::default();
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
