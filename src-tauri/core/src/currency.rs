//! Currencies: which ISO 4217 codes exist and how many digits their minor
//! unit has. Money is stored as integer minor units, so 1,000 JPY is 1000
//! (no minor unit), 1,000 EUR is 100000 and 1,000 KWD is 1000000.

/// Codes whose minor unit is not the usual hundredth.
const ZERO_DIGITS: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
const THREE_DIGITS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
const FOUR_DIGITS: &[&str] = &["CLF", "UYW"];

/// Every other code in use (or recently withdrawn, so older exports still
/// read), with two digits.
const TWO_DIGITS: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ",
    "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS",
    "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD",
    "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP",
    "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
    "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
    "ZWL",
];

/// The currency Steward assumes when a file or form names none.
pub const DEFAULT: &str = "USD";

/// The canonical (upper-case) code for `text`, if it names a currency.
pub fn parse(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.len() != 3 {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    [ZERO_DIGITS, TWO_DIGITS, THREE_DIGITS, FOUR_DIGITS]
        .iter()
        .flat_map(|list| list.iter())
        .find(|c| **c == upper)
        .copied()
}

/// Digits of the minor unit of a known code; 2 for a code Steward does not know.
pub fn digits(code: &str) -> u32 {
    if ZERO_DIGITS.contains(&code) {
        0
    } else if THREE_DIGITS.contains(&code) {
        3
    } else if FOUR_DIGITS.contains(&code) {
        4
    } else {
        2
    }
}

/// Minor units in one major unit (100 for EUR, 1 for JPY).
pub fn minor_per_major(code: &str) -> i64 {
    10_i64.pow(digits(code))
}

/// An amount in minor units as major units (for thresholds and features).
pub fn to_major(minor: i64, code: &str) -> f64 {
    minor as f64 / minor_per_major(code) as f64
}

/// Codes grouped by their digits, for SQL that compares amounts across
/// currencies in major units.
pub fn codes_with_digits(n: u32) -> &'static [&'static str] {
    match n {
        0 => ZERO_DIGITS,
        3 => THREE_DIGITS,
        4 => FOUR_DIGITS,
        _ => TWO_DIGITS,
    }
}

/// An SQL expression for the minor units per major unit of the currency in
/// `column` (for comparing amounts across currencies in SQL).
pub fn sql_minor_per_major(column: &str) -> String {
    let list = |n: u32| {
        codes_with_digits(n)
            .iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "(CASE WHEN {column} IN ({}) THEN 1 WHEN {column} IN ({}) THEN 1000 WHEN {column} IN ({}) THEN 10000 ELSE 100 END)",
        list(0),
        list(3),
        list(4)
    )
}

/// A short amount for sentences: "$436K", "€12.5K", "1,200 JPY".
pub fn compact(major: f64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let german = crate::Lang::current() == crate::Lang::De;
    let (value, unit) = match (major.abs(), german) {
        (v, false) if v >= 1e6 => (major / 1e6, "M"),
        (v, false) if v >= 1e3 => (major / 1e3, "K"),
        // German says "1,2 Mio. €" and "219 Tsd. €".
        (v, true) if v >= 1e6 => (major / 1e6, "\u{a0}Mio."),
        (v, true) if v >= 1e3 => (major / 1e3, "\u{a0}Tsd."),
        _ => (major, ""),
    };
    let number = if value.abs() >= 100.0 || value.fract().abs() < 0.05 {
        format!("{value:.0}")
    } else {
        crate::lang::decimal(value, 1)
    };
    match (symbol.is_empty(), german) {
        (true, _) => format!("{number}{unit} {currency}"),
        (false, false) => format!("{symbol}{number}{unit}"),
        (false, true) => format!("{number}{unit}\u{a0}{symbol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_amounts_read_the_way_each_language_writes_them() {
        assert_eq!(compact(219_400.0, "USD"), "$219K");
        assert_eq!(compact(1_250_000.0, "EUR"), "€1.2M");
        crate::Lang::De.scoped(|| {
            assert_eq!(compact(219_400.0, "USD"), "219\u{a0}Tsd.\u{a0}$");
            assert_eq!(compact(1_250_000.0, "EUR"), "1,2\u{a0}Mio.\u{a0}€");
        });
    }

    #[test]
    fn codes_and_their_minor_units() {
        assert_eq!(parse("eur"), Some("EUR"));
        assert_eq!(parse(" JPY "), Some("JPY"));
        assert_eq!(parse("EURO"), None);
        assert_eq!(parse("XYZ"), None);
        assert_eq!(digits("JPY"), 0);
        assert_eq!(digits("USD"), 2);
        assert_eq!(digits("KWD"), 3);
        assert_eq!(minor_per_major("KRW"), 1);
        assert!((to_major(123_456, "EUR") - 1234.56).abs() < 1e-9);
        assert!((to_major(1_235, "JPY") - 1235.0).abs() < 1e-9);
        let all: usize = [0, 2, 3, 4]
            .iter()
            .map(|&n| codes_with_digits(n).len())
            .sum();
        assert!(all > 150, "{all}");
    }

    #[test]
    fn amounts_read_short_with_their_currency() {
        assert_eq!(compact(436_000.0, "USD"), "$436K");
        assert_eq!(compact(12_500.0, "EUR"), "€12.5K");
        assert_eq!(compact(1_200.0, "JPY"), "1.2K JPY");
        assert_eq!(compact(2_400_000.0, "GBP"), "£2.4M");
    }
}
