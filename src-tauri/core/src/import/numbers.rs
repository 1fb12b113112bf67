//! Numbers as a file writes them, read exactly (never through floating
//! point) with the column's decimal mark: grouping must be in threes
//! ("1,234,567"), so "1,5" in a decimal-point column is refused instead of
//! becoming 15. Money is rounded half away from zero to its currency's minor
//! unit (0.285 USD is 29 cents, 1,234.5 JPY is 1,235 yen).

use crate::currency;
use crate::say;

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

    /// The number written plainly ("-1234.5"), as stored for the CSM's own fields.
    pub fn to_plain(self) -> String {
        let digits = self.mantissa.to_string();
        let scale = self.scale as usize;
        let (int, frac) = if digits.len() > scale {
            digits.split_at(digits.len() - scale)
        } else {
            ("0", digits.as_str())
        };
        let frac = format!("{frac:0>scale$}");
        let frac = frac.trim_end_matches('0');
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
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
                    .map_err(|_| say!("'{text}' is not a number", "„{text}“ ist keine Zahl"))?,
                scale: 0,
            },
            None,
        ));
    }
    match read_decimal(text, comma) {
        Some(found) => Ok(found),
        None if read_decimal(text, !comma).is_some() => {
            let format = if comma {
                say!(
                    "decimal comma, as in 1.234,56",
                    "Dezimalkomma, wie in 1.234,56"
                )
            } else {
                say!(
                    "decimal point, as in 1,234.56",
                    "Dezimalpunkt, wie in 1,234.56"
                )
            };
            Err(say!(
                "'{text}' does not fit the number format of this column ({format}); if the file writes numbers like that, change the decimal mark",
                "„{text}“ passt nicht zum Zahlenformat dieser Spalte ({format}); schreibt die Datei Zahlen so, ändern Sie das Dezimalzeichen"
            ))
        }
        None => Err(say!("'{text}' is not a number", "„{text}“ ist keine Zahl")),
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

pub(super) fn read_decimal(text: &str, comma: bool) -> Option<(Decimal, Option<&'static str>)> {
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
pub(super) fn mark_shown(text: &str) -> Option<bool> {
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
        let plain = |t: &str, comma: bool| parse_decimal(t, comma).map(|(d, _)| d.to_plain());
        assert_eq!(plain("1.234,50", true), Ok("1234.5".into()));
        assert_eq!(plain("-0,05", true), Ok("-0.05".into()));
        assert_eq!(plain("12", false), Ok("12".into()));
        assert_eq!(plain("3.000", false), Ok("3".into()));
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
}
