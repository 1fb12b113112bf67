//! Churn post-mortems: for each churned account, why it left (a reason from
//! a fixed list plus free text), when the first signals showed, and what
//! could have been done differently; and the book's churn reasons by count
//! and ARR.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{text_enum, Money};
use crate::say;
use crate::write::Write;

text_enum!(
    /// Why a customer left.
    ChurnReason {
        ProductFit => "product_fit",
        NoAdoption => "no_adoption",
        ChampionLeft => "champion_left",
        Budget => "budget",
        Competitor => "competitor",
        Support => "support",
        Price => "price",
        Other => "other",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Postmortem {
    #[ts(type = "number")]
    pub account_id: i64,
    pub reason: ChurnReason,
    pub details: Option<String>,
    pub first_signals_on: Option<NaiveDate>,
    pub lessons: Option<String>,
}

fn trimmed(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Writes (or rewrites) the post-mortem of a churned account.
pub fn save(w: &Write<'_>, p: &Postmortem) -> Result<()> {
    let conn = w.conn();
    let row: Option<(String, Option<NaiveDate>)> = conn
        .query_row(
            "SELECT status, churn_date FROM accounts WHERE id = ?1",
            [p.account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (status, churned_on) = row.ok_or_else(|| {
        Error::not_found(say!(
            "Account {} does not exist.",
            "Kunde {} existiert nicht.",
            p.account_id
        ))
    })?;
    if status != "churned" {
        return Err(Error::invalid(say!(
            "A post-mortem is for a churned account; this one is still a customer.",
            "Eine Churn-Analyse ist für abgewanderte Kunden; dieser ist noch Kunde."
        )));
    }
    if let (Some(first), Some(churned)) = (p.first_signals_on, churned_on) {
        if first > churned {
            return Err(Error::invalid(say!(
                "The first signals cannot come after the account churned.",
                "Die ersten Anzeichen können nicht nach der Abwanderung liegen."
            )));
        }
    }
    conn.execute(
        "INSERT INTO churn_postmortems(account_id, reason, details, first_signals_on, lessons, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(account_id) DO UPDATE SET reason = excluded.reason, details = excluded.details,
           first_signals_on = excluded.first_signals_on, lessons = excluded.lessons, updated_at = excluded.updated_at",
        params![
            p.account_id,
            p.reason,
            trimmed(&p.details),
            p.first_signals_on,
            trimmed(&p.lessons),
            Utc::now().to_rfc3339()
        ],
    )?;
    w.touch(p.account_id);
    Ok(())
}

pub fn get(conn: &Connection, account_id: i64) -> Result<Option<Postmortem>> {
    Ok(conn
        .query_row(
            "SELECT account_id, reason, details, first_signals_on, lessons FROM churn_postmortems WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok(Postmortem {
                    account_id: r.get(0)?,
                    reason: r.get(1)?,
                    details: r.get(2)?,
                    first_signals_on: r.get(3)?,
                    lessons: r.get(4)?,
                })
            },
        )
        .optional()?)
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReasonTotal {
    pub reason: ChurnReason,
    pub accounts: u32,
    /// ARR lost, per currency.
    pub arr: Vec<Money>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReasonSummary {
    pub reasons: Vec<ReasonTotal>,
    /// Churned accounts without a post-mortem yet.
    pub without_postmortem: u32,
}

/// Churn reasons of the book by count and ARR, most accounts first.
pub fn reasons(conn: &Connection) -> Result<ReasonSummary> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.reason, a.currency, count(*), sum(a.arr_minor) FROM churn_postmortems p
         JOIN accounts a ON a.id = p.account_id AND a.status = 'churned'
         GROUP BY p.reason, a.currency",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, ChurnReason>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut totals: Vec<ReasonTotal> = Vec::new();
    for row in rows {
        let (reason, currency, n, arr) = row?;
        let money = Money {
            minor: arr,
            currency,
        };
        match totals.iter_mut().find(|t| t.reason == reason) {
            Some(t) => {
                t.accounts += n;
                t.arr.push(money);
            }
            None => totals.push(ReasonTotal {
                reason,
                accounts: n,
                arr: vec![money],
            }),
        }
    }
    totals.sort_by(|a, b| {
        b.accounts
            .cmp(&a.accounts)
            .then(a.reason.as_str().cmp(b.reason.as_str()))
    });
    let without_postmortem: u32 = conn.query_row(
        "SELECT count(*) FROM accounts a WHERE a.status = 'churned'
         AND NOT EXISTS (SELECT 1 FROM churn_postmortems p WHERE p.account_id = a.id)",
        [],
        |r| r.get(0),
    )?;
    Ok(ReasonSummary {
        reasons: totals,
        without_postmortem,
    })
}
