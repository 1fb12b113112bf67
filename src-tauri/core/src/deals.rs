//! A CRM's deals and contracts, mirrored as they change, so an account's
//! next renewal can be read from them: the earliest open deal the
//! connection's mapping calls a renewal gives the renewal date and (in the
//! account's currency) the amount; the current activated contract gives
//! the contract's start and term, and the renewal date when no renewal deal
//! is open. A deal or contract changes alone at the CRM; the mirror lets one
//! change settle its account without reading the account's others again.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::write::Write;

/// One deal as the CRM has it, mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub external_id: String,
    /// The account of its company; None when the company is not in the book.
    pub account_id: Option<i64>,
    pub name: String,
    pub stage: Option<String>,
    pub renewal: bool,
    pub closed: bool,
    pub won: bool,
    pub close_date: Option<NaiveDate>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

/// Keeps the deal. Returns whether anything changed and the accounts whose
/// renewal may have moved (its account now and the one it had before).
pub fn upsert(w: &Write<'_>, source: &str, deal: &Deal) -> Result<(bool, Vec<i64>)> {
    let conn = w.conn();
    let before: Option<Option<i64>> = conn
        .prepare_cached("SELECT account_id FROM crm_deals WHERE source = ?1 AND external_id = ?2")?
        .query_row(params![source, deal.external_id], |r| r.get(0))
        .optional()?;
    let changed = conn.prepare_cached(
        "INSERT INTO crm_deals(source, external_id, account_id, name, stage, renewal, closed, won,
                               close_date, amount_minor, currency, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(source, external_id) DO UPDATE SET account_id = excluded.account_id,
           name = excluded.name, stage = excluded.stage, renewal = excluded.renewal,
           closed = excluded.closed, won = excluded.won, close_date = excluded.close_date,
           amount_minor = excluded.amount_minor, currency = excluded.currency,
           updated_at = excluded.updated_at
         WHERE account_id IS NOT excluded.account_id OR name IS NOT excluded.name
           OR stage IS NOT excluded.stage OR renewal IS NOT excluded.renewal
           OR closed IS NOT excluded.closed OR won IS NOT excluded.won
           OR close_date IS NOT excluded.close_date OR amount_minor IS NOT excluded.amount_minor
           OR currency IS NOT excluded.currency",
    )?
    .execute(params![
        source,
        deal.external_id,
        deal.account_id,
        deal.name,
        deal.stage,
        deal.renewal,
        deal.closed,
        deal.won,
        deal.close_date,
        deal.amount_minor,
        deal.currency,
        Utc::now().to_rfc3339()
    ])? > 0;
    let accounts = [before.flatten(), deal.account_id]
        .into_iter()
        .flatten()
        .collect();
    Ok((changed, accounts))
}

/// Forgets a deal the CRM deleted or archived; returns its account.
pub fn remove(w: &Write<'_>, source: &str, external_id: &str) -> Result<Option<i64>> {
    Ok(w.conn()
        .prepare_cached(
            "DELETE FROM crm_deals WHERE source = ?1 AND external_id = ?2 RETURNING account_id",
        )?
        .query_row(params![source, external_id], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

/// The renewal an open deal stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Renewal {
    pub date: NaiveDate,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

/// An account's next renewal by its open renewal deals from `source`: the
/// earliest, when any.
pub fn next_renewal(w: &Write<'_>, source: &str, account_id: i64) -> Result<Option<Renewal>> {
    Ok(w.conn()
        .prepare_cached(
            "SELECT close_date, amount_minor, currency FROM crm_deals
             WHERE account_id = ?1 AND source = ?2 AND renewal AND NOT closed AND close_date IS NOT NULL
             ORDER BY close_date, external_id LIMIT 1",
        )?
        .query_row(params![account_id, source], |r| {
            Ok(Renewal {
                date: r.get(0)?,
                amount_minor: r.get(1)?,
                currency: r.get(2)?,
            })
        })
        .optional()?)
}

/// One contract as the CRM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub external_id: String,
    pub account_id: Option<i64>,
    /// Activated, Draft, In Approval Process, ...
    pub status: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub term_months: Option<i64>,
}

/// Keeps the contract. Returns whether anything changed and the accounts
/// it concerns (now and before).
pub fn upsert_contract(w: &Write<'_>, source: &str, c: &Contract) -> Result<(bool, Vec<i64>)> {
    let conn = w.conn();
    let before: Option<Option<i64>> = conn
        .prepare_cached(
            "SELECT account_id FROM crm_contracts WHERE source = ?1 AND external_id = ?2",
        )?
        .query_row(params![source, c.external_id], |r| r.get(0))
        .optional()?;
    let changed = conn
        .prepare_cached(
            "INSERT INTO crm_contracts(source, external_id, account_id, status, start_date, end_date, term_months, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(source, external_id) DO UPDATE SET account_id = excluded.account_id,
               status = excluded.status, start_date = excluded.start_date, end_date = excluded.end_date,
               term_months = excluded.term_months, updated_at = excluded.updated_at
             WHERE account_id IS NOT excluded.account_id OR status IS NOT excluded.status
               OR start_date IS NOT excluded.start_date OR end_date IS NOT excluded.end_date
               OR term_months IS NOT excluded.term_months",
        )?
        .execute(params![
            source,
            c.external_id,
            c.account_id,
            c.status,
            c.start_date,
            c.end_date,
            c.term_months,
            Utc::now().to_rfc3339()
        ])?
        > 0;
    let accounts = [before.flatten(), c.account_id]
        .into_iter()
        .flatten()
        .collect();
    Ok((changed, accounts))
}

/// Forgets a contract the CRM deleted; returns its account.
pub fn remove_contract(w: &Write<'_>, source: &str, external_id: &str) -> Result<Option<i64>> {
    Ok(w.conn()
        .prepare_cached(
            "DELETE FROM crm_contracts WHERE source = ?1 AND external_id = ?2 RETURNING account_id",
        )?
        .query_row(params![source, external_id], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

/// The account's current contract from `source`: the activated one that
/// started last on or before `today` (one signed ahead waits its day).
pub fn current_contract(w: &Write<'_>, source: &str, account_id: i64) -> Result<Option<Contract>> {
    Ok(w.conn()
        .prepare_cached(
            "SELECT external_id, status, start_date, end_date, term_months FROM crm_contracts
             WHERE account_id = ?1 AND source = ?2 AND status = 'Activated'
               AND start_date IS NOT NULL AND start_date <= ?3
             ORDER BY start_date DESC, external_id DESC LIMIT 1",
        )?
        .query_row(params![account_id, source, w.today()], |r| {
            Ok(Contract {
                external_id: r.get(0)?,
                account_id: Some(account_id),
                status: r.get(1)?,
                start_date: r.get(2)?,
                end_date: r.get(3)?,
                term_months: r.get(4)?,
            })
        })
        .optional()?)
}
