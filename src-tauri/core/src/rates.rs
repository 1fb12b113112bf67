//! The reporting currency and the exchange rates the CSM sets for it, each
//! valid from a day. Every account keeps its own currency; totals across
//! currencies and sorting by size use the rate that held on the day, and
//! say which rates they used. An account whose currency has no rate is
//! counted apart, never added at a made-up rate.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::currency;
use crate::error::{Error, Result};
use crate::model::Money;
use crate::say;
use crate::write::Write;

/// One rate as the CSM set it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Rate {
    pub currency: String,
    pub valid_from: NaiveDate,
    /// Units of the reporting currency per unit of `currency`, as written.
    pub rate: String,
}

/// What the app shows and edits.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Reporting {
    /// None until the CSM picks one.
    pub currency: Option<String>,
    /// Every rate for the reporting currency, newest first per currency.
    pub rates: Vec<Rate>,
    /// The book's currencies, most accounts first.
    pub book_currencies: Vec<String>,
    /// Book currencies other than the reporting one with no rate valid today.
    pub missing: Vec<String>,
    /// The newest day a rate in use today took effect.
    pub rates_of: Option<NaiveDate>,
}

/// Converts amounts into the reporting currency with the rates valid on one day.
#[derive(Debug, Clone)]
pub struct Converter {
    pub currency: String,
    /// Reporting units per unit of each currency (1 for the reporting one).
    per_unit: HashMap<String, f64>,
    /// The newest day any of the rates used took effect.
    pub rates_of: Option<NaiveDate>,
}

impl Converter {
    /// `money` in the reporting currency, rounded to its minor unit; None
    /// without a rate for its currency.
    pub fn convert(&self, money: &Money) -> Option<Money> {
        let rate = self.per_unit.get(&money.currency)?;
        let major = currency::to_major(money.minor, &money.currency) * rate;
        Some(Money {
            minor: (major * currency::minor_per_major(&self.currency) as f64).round() as i64,
            currency: self.currency.clone(),
        })
    }

    /// An SQL expression for an amount (`minor` in `code`'s currency) in
    /// major units of the reporting currency; NULL without a rate.
    pub fn sql_major(&self, minor: &str, code: &str) -> String {
        let mut cases: Vec<(&String, &f64)> = self.per_unit.iter().collect();
        cases.sort_by(|a, b| a.0.cmp(b.0));
        let whens: String = cases
            .iter()
            .map(|(c, r)| {
                format!(
                    " WHEN '{}' THEN {minor} * {:e}",
                    c.replace('\'', ""),
                    *r / currency::minor_per_major(c) as f64
                )
            })
            .collect();
        format!("(CASE {code}{whens} ELSE NULL END)")
    }
}

/// The reporting currency, if the CSM picked one.
pub fn reporting_currency(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'reporting_currency'",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// The converter for `day`, or None without a reporting currency.
pub fn converter(conn: &Connection, day: NaiveDate) -> Result<Option<Converter>> {
    let Some(reporting) = reporting_currency(conn)? else {
        return Ok(None);
    };
    let mut per_unit = HashMap::from([(reporting.clone(), 1.0)]);
    let mut rates_of = None;
    let mut stmt = conn.prepare_cached(
        "SELECT currency, rate, valid_from FROM exchange_rates r
         WHERE reporting = ?1 AND valid_from <= ?2
           AND valid_from = (SELECT max(valid_from) FROM exchange_rates s
                             WHERE s.reporting = r.reporting AND s.currency = r.currency AND s.valid_from <= ?2)",
    )?;
    let rows = stmt.query_map(params![reporting, day], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, NaiveDate>(2)?,
        ))
    })?;
    for row in rows {
        let (code, rate, from) = row?;
        if let Some(rate) = parse_rate(&rate) {
            per_unit.insert(code, rate);
            rates_of = rates_of.max(Some(from));
        }
    }
    Ok(Some(Converter {
        currency: reporting,
        per_unit,
        rates_of,
    }))
}

/// A rate as a CSM writes it: a positive number with a point or a comma.
fn parse_rate(text: &str) -> Option<f64> {
    let v: f64 = text.trim().replace(',', ".").parse().ok()?;
    (v.is_finite() && v > 0.0 && v < 1e9).then_some(v)
}

pub fn get(conn: &Connection, today: NaiveDate) -> Result<Reporting> {
    let currency = reporting_currency(conn)?;
    let book_currencies: Vec<String> = conn
        .prepare_cached(
            "SELECT currency FROM accounts GROUP BY currency ORDER BY count(*) DESC, currency",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let rates: Vec<Rate> = match &currency {
        None => Vec::new(),
        Some(reporting) => conn
            .prepare_cached(
                "SELECT currency, valid_from, rate FROM exchange_rates WHERE reporting = ?1
                 ORDER BY currency, valid_from DESC",
            )?
            .query_map([reporting], |r| {
                Ok(Rate {
                    currency: r.get(0)?,
                    valid_from: r.get(1)?,
                    rate: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?,
    };
    let converter = converter(conn, today)?;
    let missing = match &converter {
        None => Vec::new(),
        Some(c) => book_currencies
            .iter()
            .filter(|code| !c.per_unit.contains_key(*code))
            .cloned()
            .collect(),
    };
    Ok(Reporting {
        currency,
        rates,
        book_currencies,
        missing,
        rates_of: converter.and_then(|c| c.rates_of),
    })
}

fn code(text: &str) -> Result<&'static str> {
    currency::parse(text).ok_or_else(|| {
        Error::invalid(say!(
            "'{}' is not an ISO 4217 currency code.",
            "„{}“ ist kein ISO-4217-Währungscode.",
            text.trim()
        ))
    })
}

/// Picks the reporting currency. Rates are kept per reporting currency, so
/// switching back finds the old ones.
pub fn set_currency(w: &Write<'_>, text: &str) -> Result<()> {
    crate::store::set_meta(w.conn(), "reporting_currency", code(text)?)
}

/// Sets the rate of `currency` valid from `valid_from` (replacing one set
/// for that day).
pub fn set_rate(
    w: &Write<'_>,
    currency_text: &str,
    valid_from: NaiveDate,
    rate: &str,
) -> Result<()> {
    let conn = w.conn();
    let reporting = reporting_currency(conn)?.ok_or_else(|| {
        Error::invalid(say!(
            "Pick a reporting currency before setting rates.",
            "Wählen Sie eine Berichtswährung, bevor Sie Kurse setzen."
        ))
    })?;
    let code = code(currency_text)?;
    if code == reporting {
        return Err(Error::invalid(say!(
            "{code} is the reporting currency; it needs no rate.",
            "{code} ist die Berichtswährung; sie braucht keinen Kurs."
        )));
    }
    if parse_rate(rate).is_none() {
        return Err(Error::invalid(say!(
"'{}' is not a rate: write how many {reporting} one {code} is worth, such as 1.08.",
"„{}“ ist kein Kurs: schreiben Sie, wie viele {reporting} ein {code} wert ist, etwa 1.08.",
            rate.trim()
        )));
    }
    conn.execute(
        "INSERT INTO exchange_rates(reporting, currency, valid_from, rate, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(reporting, currency, valid_from) DO UPDATE SET rate = excluded.rate, created_at = excluded.created_at",
        params![reporting, code, valid_from, rate.trim(), Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

pub fn delete_rate(w: &Write<'_>, currency_text: &str, valid_from: NaiveDate) -> Result<()> {
    let conn = w.conn();
    let Some(reporting) = reporting_currency(conn)? else {
        return Ok(());
    };
    conn.execute(
        "DELETE FROM exchange_rates WHERE reporting = ?1 AND currency = ?2 AND valid_from = ?3",
        params![reporting, code(currency_text)?, valid_from],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn amounts_convert_with_the_rate_valid_on_the_day_and_never_without_one() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut conn = crate::store::open_in(dir.path()).expect("open");
        let run = |conn: &mut Connection, f: &dyn Fn(&Write<'_>) -> Result<()>| {
            crate::write::run(conn, d("2026-11-23"), |w| f(w)).map(|(v, _)| v)
        };
        assert!(
            run(&mut conn, &|w| set_rate(w, "EUR", d("2026-01-01"), "1.1")).is_err(),
            "no reporting currency yet"
        );
        run(&mut conn, &|w| set_currency(w, "usd")).expect("currency");
        run(&mut conn, &|w| set_rate(w, "EUR", d("2026-01-01"), "1,1")).expect("rate");
        run(&mut conn, &|w| set_rate(w, "EUR", d("2026-06-01"), "1.2")).expect("rate");
        run(&mut conn, &|w| {
            set_rate(w, "JPY", d("2026-01-01"), "0.0065")
        })
        .expect("rate");
        let err =
            run(&mut conn, &|w| set_rate(w, "GBP", d("2026-01-01"), "-2")).expect_err("negative");
        assert!(err.to_string().contains("how many USD one GBP"), "{err}");
        assert!(run(&mut conn, &|w| set_rate(w, "USD", d("2026-01-01"), "1")).is_err());

        let eur = Money {
            minor: 100_000,
            currency: "EUR".into(),
        };
        let spring = converter(&conn, d("2026-03-01")).expect("c").expect("some");
        assert_eq!(spring.convert(&eur).map(|m| m.minor), Some(110_000));
        let summer = converter(&conn, d("2026-07-01")).expect("c").expect("some");
        assert_eq!(summer.convert(&eur).map(|m| m.minor), Some(120_000));
        assert_eq!(summer.rates_of, Some(d("2026-06-01")));
        // Yen have no minor unit: 1,000,000 JPY at 0.0065 is 6,500.00 USD.
        let yen = Money {
            minor: 1_000_000,
            currency: "JPY".into(),
        };
        assert_eq!(summer.convert(&yen).map(|m| m.minor), Some(650_000));
        let pounds = Money {
            minor: 100,
            currency: "GBP".into(),
        };
        assert_eq!(summer.convert(&pounds), None, "no made-up rate");
        // Before any rate: only the reporting currency itself.
        let winter = converter(&conn, d("2025-12-01")).expect("c").expect("some");
        assert_eq!(winter.convert(&eur), None);
        // The SQL expression agrees.
        let value: f64 = conn
            .query_row(
                &format!("SELECT {}", summer.sql_major("100000", "'EUR'")),
                [],
                |r| r.get(0),
            )
            .expect("sql");
        assert!((value - 1200.0).abs() < 1e-9, "{value}");
    }

    #[test]
    fn the_portfolio_sorts_by_arr_in_the_reporting_currency_with_unrated_accounts_last() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut conn = crate::store::open_in(dir.path()).expect("open");
        for (name, minor, code) in [
            ("Dollar", 1_000_000, "USD"),
            ("Euro", 950_000, "EUR"),
            ("Yen", 1_500_000, "JPY"),
            ("Pound", 10_000_000, "GBP"),
        ] {
            conn.execute(
                "INSERT INTO accounts(name, arr_minor, currency, source, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'user', '', '')",
                params![name, minor, code],
            )
            .expect("account");
        }
        let today = d("2026-11-23");
        crate::write::run(&mut conn, today, |w| {
            set_currency(w, "USD")?;
            set_rate(w, "EUR", d("2026-01-01"), "1.2")?;
            set_rate(w, "JPY", d("2026-01-01"), "0.0065")
        })
        .expect("rates");
        let query = crate::portfolio::PortfolioQuery {
            sort: crate::portfolio::PortfolioSort::Arr,
            descending: true,
            ..Default::default()
        };
        let rows = crate::portfolio::list(&conn, &query, today).expect("list");
        let order: Vec<(&str, Option<i64>)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.arr_reporting.as_ref().map(|m| m.minor)))
            .collect();
        // 9,500 EUR is 11,400 USD; 1,500,000 JPY is 9,750 USD; no GBP rate.
        assert_eq!(
            order,
            [
                ("Euro", Some(1_140_000)),
                ("Dollar", Some(1_000_000)),
                ("Yen", Some(975_000)),
                ("Pound", None)
            ]
        );
        // The window's figures: one total in dollars, the pound account
        // counted as without a rate, each currency's own sum beside it.
        let page = crate::portfolio::page(&conn, &query, today, 0, 2).expect("page");
        assert_eq!(page.rows.len(), 2);
        assert_eq!(page.total, 4);
        assert_eq!(
            page.arr_reporting,
            Some(Money {
                minor: 1_140_000 + 1_000_000 + 975_000,
                currency: "USD".into()
            })
        );
        assert_eq!(page.without_rate, 1);
        assert_eq!(page.arr_by_currency[0].currency, "GBP");
        let reporting = get(&conn, today).expect("get");
        assert_eq!(reporting.missing, ["GBP"]);
        assert_eq!(reporting.rates_of, Some(d("2026-01-01")));
    }
}
