//! Numbers, amounts and dates as the deck writes them, in the language the
//! deck is made in: "Dec 2, 2026" and "1,234.5" in English, "2. Dez. 2026"
//! and "1.234,5" in German.

use chrono::{Datelike, NaiveDate};

use steward_core::ingest::schema::group;
use steward_core::{say, Lang};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONATE: [&str; 12] = [
    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.",
];

fn month(d: NaiveDate) -> &'static str {
    match Lang::current() {
        Lang::En => MONTHS[d.month0() as usize],
        Lang::De => MONATE[d.month0() as usize],
    }
}

/// "Dec 2, 2026" / "2. Dez. 2026".
pub fn date(d: NaiveDate) -> String {
    match Lang::current() {
        Lang::En => format!("{} {}, {}", month(d), d.day(), d.year()),
        Lang::De => format!("{}. {} {}", d.day(), month(d), d.year()),
    }
}

/// "Dec 2" / "2. Dez." (the year is said elsewhere on the slide).
pub fn day_month(d: NaiveDate) -> String {
    match Lang::current() {
        Lang::En => format!("{} {}", month(d), d.day()),
        Lang::De => format!("{}. {}", d.day(), month(d)),
    }
}

/// "Sep 2 – Dec 2, 2026", or with both years when they differ.
pub fn period(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() {
        format!("{} – {}", day_month(from), date(to))
    } else {
        format!("{} – {}", date(from), date(to))
    }
}

/// A figure with grouped thousands and at most `decimals` decimals
/// (trailing zeros dropped): 1,234.5 / 1.234,5.
pub fn number(v: f64, decimals: usize) -> String {
    let english = number_en(v, decimals);
    match Lang::current() {
        Lang::En => english,
        // Swap the marks: 1,234.5 -> 1.234,5.
        Lang::De => english
            .chars()
            .map(|c| match c {
                ',' => '.',
                '.' => ',',
                c => c,
            })
            .collect(),
    }
}

fn number_en(v: f64, decimals: usize) -> String {
    let factor = 10f64.powi(decimals as i32);
    let rounded = (v * factor).round() / factor;
    let whole = rounded.trunc();
    let mut out = group(whole as i64);
    if rounded < 0.0 && whole == 0.0 {
        out = format!("-{out}");
    }
    let frac = (rounded - whole).abs();
    if decimals > 0 && frac * factor >= 0.5 {
        let digits = format!("{:.*}", decimals, frac);
        let digits = digits.trim_start_matches('0').trim_end_matches('0');
        out.push_str(digits);
    }
    out
}

/// A change in percent with its sign: "+12%", "−4%", "0%".
pub fn change(now: f64, then: f64) -> Option<String> {
    if then.abs() < f64::EPSILON {
        return None;
    }
    let pct = ((now - then) / then * 100.0).round() as i64;
    // German puts a space before the sign: "+12 %".
    let pct_sign = say!("%", "\u{a0}%");
    Some(match pct {
        p if p > 0 => format!("+{p}{pct_sign}"),
        p if p < 0 => format!("−{}{pct_sign}", -p),
        _ => format!("0{pct_sign}"),
    })
}

/// Hours as a person says them: "45 min", "5.5 h", "3.2 days".
pub fn duration_hours(h: f64) -> String {
    if h < 1.0 {
        let m = (h * 60.0).round() as i64;
        say!("{m} min", "{m} Min.")
    } else if h < 48.0 {
        let n = number(h, 1);
        say!("{n} h", "{n} Std.")
    } else {
        let n = number(h / 24.0, 1);
        say!("{n} days", "{n} Tage")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_days_read_as_written_by_hand() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        assert_eq!(date(d(2026, 12, 2)), "Dec 2, 2026");
        assert_eq!(period(d(2026, 9, 2), d(2026, 12, 2)), "Sep 2 – Dec 2, 2026");
        assert_eq!(
            period(d(2025, 11, 20), d(2026, 2, 1)),
            "Nov 20, 2025 – Feb 1, 2026"
        );
        assert_eq!(number(1234.54, 1), "1,234.5");
        assert_eq!(number(1234.0, 1), "1,234");
        assert_eq!(number(0.25, 2), "0.25");
        assert_eq!(number(-0.4, 1), "-0.4");
        assert_eq!(number(-1999.96, 1), "-2,000");
        assert_eq!(change(121.0, 100.0).as_deref(), Some("+21%"));
        assert_eq!(change(96.0, 100.0).as_deref(), Some("−4%"));
        assert_eq!(change(5.0, 0.0), None);
        assert_eq!(duration_hours(0.5), "30 min");
        assert_eq!(duration_hours(5.46), "5.5 h");
        assert_eq!(duration_hours(80.0), "3.3 days");
    }

    #[test]
    fn a_german_deck_writes_days_and_figures_the_german_way() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        Lang::De.scoped(|| {
            assert_eq!(date(d(2026, 12, 2)), "2. Dez. 2026");
            assert_eq!(
                period(d(2026, 9, 2), d(2026, 12, 2)),
                "2. Sept. – 2. Dez. 2026"
            );
            assert_eq!(number(1234.54, 1), "1.234,5");
            assert_eq!(change(121.0, 100.0).as_deref(), Some("+21\u{a0}%"));
            assert_eq!(duration_hours(5.46), "5,5 Std.");
        });
    }
}
