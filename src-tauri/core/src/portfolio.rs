//! The portfolio list: every account of the book with the figures a CSM scans
//! (tier, ARR, renewal, stage, days since last touch, usage trend, health and
//! its change over a week), sorted and filtered in SQL so it stays fast at
//! 5,000 accounts.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::health::{settings, Band};
use crate::model::{AccountStatus, LifecycleStage, Money, Tier};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum PortfolioSort {
    #[default]
    Name,
    Tier,
    Arr,
    Renewal,
    Stage,
    LastTouch,
    Trend,
    Health,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PortfolioQuery {
    /// Case-insensitive substring of the name or domain.
    pub text: String,
    pub tiers: Vec<Tier>,
    pub stages: Vec<LifecycleStage>,
    /// None shows active accounts only; churned ones are history.
    pub include_churned: bool,
    pub sort: PortfolioSort,
    pub descending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PortfolioRow {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub tier: Tier,
    pub arr: Money,
    /// ARR in the reporting currency at today's rate; None without a
    /// reporting currency or a rate for the account's currency.
    pub arr_reporting: Option<Money>,
    pub renewal_date: Option<NaiveDate>,
    pub lifecycle_stage: LifecycleStage,
    pub status: AccountStatus,
    pub days_since_touch: Option<i32>,
    /// Weekly average active users, last 12 weeks, oldest first.
    pub usage_weekly: Vec<f64>,
    pub usage_trend_pct: Option<f64>,
    /// Stored health (None for churned accounts or without data).
    pub health_score: Option<f64>,
    pub health_band: Band,
    /// Points gained or lost since a week ago, under the same settings.
    pub health_change_7d: Option<f64>,
    /// The tier's touch cadence under the CSM's settings.
    #[ts(type = "number")]
    pub touch_cadence_days: i64,
}

/// Every account the query matches, sorted: the command line and tests
/// read it whole; the window reads `page`.
pub fn list(
    conn: &Connection,
    query: &PortfolioQuery,
    today: NaiveDate,
) -> Result<Vec<PortfolioRow>> {
    let converter = crate::rates::converter(conn, today)?;
    rows(conn, query, today, converter.as_ref(), None)
}

/// A window of the sorted list and the figures of the whole of it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PortfolioPage {
    /// Accounts the query matches, in all.
    #[ts(type = "number")]
    pub total: u64,
    /// Where `rows` begins in the sorted list.
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<PortfolioRow>,
    /// ARR of all matching accounts by currency, largest first.
    pub arr_by_currency: Vec<Money>,
    /// Their ARR in the reporting currency at today's rates; None without
    /// a reporting currency.
    pub arr_reporting: Option<Money>,
    /// Matching accounts whose currency has no rate to the reporting one.
    #[ts(type = "number")]
    pub without_rate: u64,
}

/// Rows `offset..offset + limit` of the sorted list, with the count and
/// ARR of everything the query matches: the window sends what is on screen,
/// not 5,000 rows for every keystroke.
pub fn page(
    conn: &Connection,
    query: &PortfolioQuery,
    today: NaiveDate,
    offset: u64,
    limit: u64,
) -> Result<PortfolioPage> {
    let converter = crate::rates::converter(conn, today)?;
    let (filter, params) = filtered(query);
    let sql = format!(
        "SELECT a.currency, count(*), sum(a.arr_minor) FROM accounts a WHERE 1=1{filter}
         GROUP BY a.currency"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let sums = stmt
        .query_map(
            rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = sums.iter().map(|(_, n, _)| n).sum();
    let mut arr_by_currency: Vec<Money> = sums
        .iter()
        .map(|(currency, _, minor)| Money {
            minor: *minor,
            currency: currency.clone(),
        })
        .collect();
    arr_by_currency.sort_by(|a, b| b.minor.cmp(&a.minor).then(a.currency.cmp(&b.currency)));
    let (mut arr_reporting, mut without_rate) = (None, 0);
    if let Some(c) = &converter {
        // Each currency's sum converted once; rounding per account would
        // differ by at most a minor unit per account, which no screen shows.
        let mut minor = 0;
        for (currency, count, sum) in &sums {
            let money = Money {
                minor: *sum,
                currency: currency.clone(),
            };
            match c.convert(&money) {
                Some(m) => minor += m.minor,
                None => without_rate += count,
            }
        }
        arr_reporting = Some(Money {
            minor,
            currency: c.currency.clone(),
        });
    }
    Ok(PortfolioPage {
        total,
        offset,
        rows: rows(
            conn,
            query,
            today,
            converter.as_ref(),
            Some((offset, limit)),
        )?,
        arr_by_currency,
        arr_reporting,
        without_rate,
    })
}

/// The WHERE terms (each starting " AND") and their parameters.
fn filtered(query: &PortfolioQuery) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut sql = String::new();
    let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if !query.include_churned {
        sql.push_str(" AND a.status = 'active'");
    }
    let text = query.text.trim();
    if !text.is_empty() {
        sql.push_str(
            " AND (instr(lower(a.name), ?) > 0 OR instr(lower(coalesce(a.domain, '')), ?) > 0)",
        );
        let lowered = text.to_lowercase();
        params.push(Box::new(lowered.clone()));
        params.push(Box::new(lowered));
    }
    push_in(
        &mut sql,
        &mut params,
        "a.tier",
        query.tiers.iter().map(|t| t.as_str()),
    );
    push_in(
        &mut sql,
        &mut params,
        "a.lifecycle_stage",
        query.stages.iter().map(|s| s.as_str()),
    );
    (sql, params)
}

/// What a row is read from: the account, its rollups and its stored health.
const FROM: &str = "FROM accounts a LEFT JOIN account_rollups r ON r.account_id = a.id
     LEFT JOIN health_scores h ON h.account_id = a.id";

fn rows(
    conn: &Connection,
    query: &PortfolioQuery,
    today: NaiveDate,
    converter: Option<&crate::rates::Converter>,
    window: Option<(u64, u64)>,
) -> Result<Vec<PortfolioRow>> {
    let tiers = settings::current(conn)?.settings.tiers;
    let (filter, mut params) = filtered(query);
    let order = order_by(query, converter);
    let columns = "SELECT a.id, a.name, a.domain, a.tier, a.arr_minor, a.currency, a.renewal_date,
                a.lifecycle_stage, a.status, r.last_touch_on, r.usage_weekly, r.usage_trend_pct,
                h.score, h.band, h.change_7d";
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<PortfolioRow> {
        let last_touch: Option<NaiveDate> = r.get(9)?;
        let weekly: Option<String> = r.get(10)?;
        Ok(PortfolioRow {
            id: r.get(0)?,
            name: r.get(1)?,
            domain: r.get(2)?,
            tier: r.get(3)?,
            arr_reporting: converter.and_then(|c| {
                c.convert(&Money {
                    minor: r.get(4).ok()?,
                    currency: r.get(5).ok()?,
                })
            }),
            arr: Money {
                minor: r.get(4)?,
                currency: r.get(5)?,
            },
            renewal_date: r.get(6)?,
            lifecycle_stage: r.get(7)?,
            status: r.get(8)?,
            days_since_touch: last_touch.map(|d| (today - d).num_days() as i32),
            usage_weekly: weekly
                .and_then(|w| serde_json::from_str(&w).ok())
                .unwrap_or_default(),
            usage_trend_pct: r.get(11)?,
            health_score: r.get(12)?,
            health_band: r
                .get::<_, Option<String>>(13)?
                .map_or(Band::Unknown, |b| Band::parse(&b)),
            health_change_7d: r.get(14)?,
            touch_cadence_days: tiers.cadence_days(r.get(3)?),
        })
    };
    let Some((offset, limit)) = window else {
        let mut stmt = conn.prepare_cached(&format!(
            "{columns} {FROM} WHERE 1=1{filter} ORDER BY {order}, a.id"
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
            read,
        )?;
        return Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    };
    // The window's ids first, sorted on their keys alone, then only those
    // rows: sorting whole rows (names, sparklines) to keep 150 of them took
    // two thirds of the read at 5,000 accounts. Joins the order does not
    // use are left out by SQLite.
    params.push(Box::new(limit as i64));
    params.push(Box::new(offset as i64));
    let ids: Vec<i64> = conn
        .prepare_cached(&format!(
            "SELECT a.id {FROM} WHERE 1=1{filter} ORDER BY {order}, a.id LIMIT ? OFFSET ?"
        ))?
        .query_map(
            rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let place: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    let mut rows = conn
        .prepare_cached(&format!(
            "{columns} {FROM} WHERE a.id IN (SELECT value FROM json_each(?1))"
        ))?
        .query_map([serde_json::Value::from(ids).to_string()], read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by_key(|r| place.get(&r.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The ORDER BY terms of the query's sort, before the id that breaks ties.
fn order_by(query: &PortfolioQuery, converter: Option<&crate::rates::Converter>) -> String {
    let arr_order;
    let column = match query.sort {
        PortfolioSort::Name => "a.name COLLATE NOCASE",
        PortfolioSort::Tier => "a.tier",
        // Sizes compare across currencies: in the reporting currency when
        // there is one (accounts without a rate last), else in major units.
        PortfolioSort::Arr => {
            arr_order = match converter {
                Some(c) => {
                    let value = c.sql_major("a.arr_minor", "a.currency");
                    format!("{value} IS NULL, {value}")
                }
                None => format!(
                    "a.arr_minor * 1.0 / {}",
                    crate::currency::sql_minor_per_major("a.currency")
                ),
            };
            arr_order.as_str()
        }
        PortfolioSort::Renewal => "a.renewal_date IS NULL, a.renewal_date",
        PortfolioSort::Stage => "a.lifecycle_stage",
        // Later last touch means fewer days since touch; never-touched sorts last.
        PortfolioSort::LastTouch => "r.last_touch_on IS NULL, r.last_touch_on",
        PortfolioSort::Trend => "r.usage_trend_pct IS NULL, r.usage_trend_pct",
        PortfolioSort::Health => "h.score IS NULL, h.score",
    };
    let dir = if query.descending { "DESC" } else { "ASC" };
    // Apply the direction to the last term only so "nulls last" stays last.
    match column.rsplit_once(", ") {
        Some((nulls, col)) => format!("{nulls}, {col} {dir}"),
        None => format!("{column} {dir}"),
    }
}

fn push_in<'a>(
    sql: &mut String,
    params: &mut Vec<Box<dyn rusqlite::ToSql>>,
    column: &str,
    values: impl Iterator<Item = &'a str>,
) {
    let values: Vec<&str> = values.collect();
    if values.is_empty() {
        return;
    }
    let marks = vec!["?"; values.len()].join(", ");
    sql.push_str(&format!(" AND {column} IN ({marks})"));
    params.extend(
        values
            .into_iter()
            .map(|v| Box::new(v.to_string()) as Box<dyn rusqlite::ToSql>),
    );
}
