//! An account and what hangs off it directly: its facts, contacts, usage
//! series and timeline, and the small rule every writer checks first (does
//! the account exist, is it still a customer). The page that shows it all
//! is `account_page`.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{
    AccountStatus, ActivityKind, ContactRole, InvoiceStatus, LifecycleStage, Money, Sentiment,
    SurveyKind, TicketPriority, TicketStatus, Tier,
};
use crate::say;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Account {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i32>,
    pub arr: Money,
    pub tier: Tier,
    pub lifecycle_stage: LifecycleStage,
    pub owner: Option<String>,
    pub contract_start: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    pub status: AccountStatus,
    pub churn_date: Option<NaiveDate>,
    pub churn_reason: Option<String>,
    /// The CRM's ARR when it differs from what the subscriptions add up to
    /// (`arr`), so both can be shown.
    pub crm_arr: Option<Money>,
    /// Contract term in months (1 is month-to-month).
    pub contract_term_months: Option<i32>,
    pub payment_method: Option<String>,
    /// The CSM's own fields from import files.
    pub custom: Vec<CustomValue>,
}

/// One of the CSM's own fields of an account.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CustomValue {
    pub key: String,
    pub label: String,
    pub kind: crate::ingest::CustomKind,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Contact {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub role: ContactRole,
    pub is_primary: bool,
    pub left_company: bool,
    pub started_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

/// Daily usage as parallel columns (one entry per day), which is compact on
/// the wire and what a chart wants. Missing values are null.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct UsageSeries {
    pub days: Vec<NaiveDate>,
    pub active_users: Vec<Option<i32>>,
    pub logins: Vec<Option<i32>>,
    pub feature_events: Vec<Option<i32>>,
    pub api_calls: Vec<Option<i32>>,
    pub licensed_seats: Vec<Option<i32>>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Invoice {
    #[ts(type = "number")]
    pub id: i64,
    pub number: Option<String>,
    pub amount: Money,
    pub status: InvoiceStatus,
    pub issued_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    /// Open past its due date, or paid after it.
    pub late: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Ticket {
    #[ts(type = "number")]
    pub id: i64,
    pub subject: String,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub csat: Option<i32>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SurveyResponse {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: SurveyKind,
    pub score: i32,
    pub comment: Option<String>,
    pub responded_on: NaiveDate,
    pub contact_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Activity {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    pub summary: String,
    pub sentiment: Option<Sentiment>,
    pub next_steps: Option<String>,
    pub contact_names: Vec<String>,
    pub source: String,
}

/// Net Promoter Score: % promoters (9-10) minus % detractors (0-6).
pub fn nps(scores: impl Iterator<Item = i32>) -> Option<i32> {
    let (mut n, mut promoters, mut detractors) = (0, 0, 0);
    for s in scores {
        n += 1;
        if s >= 9 {
            promoters += 1;
        } else if s <= 6 {
            detractors += 1;
        }
    }
    (n > 0).then(|| ((promoters - detractors) as f64 * 100.0 / n as f64).round() as i32)
}

pub fn get(conn: &Connection, id: i64) -> Result<Account> {
    let mut account = conn
        .query_row(
        "SELECT id, name, domain, industry, employees, arr_minor, currency, tier, lifecycle_stage,
                owner, contract_start, renewal_date, status, churn_date, churn_reason,
                crm_arr_minor, contract_term_months, payment_method
         FROM accounts WHERE id = ?1",
        [id],
        |r| {
            let arr: i64 = r.get(5)?;
            let crm: Option<i64> = r.get(15)?;
            Ok(Account {
                id: r.get(0)?,
                name: r.get(1)?,
                domain: r.get(2)?,
                industry: r.get(3)?,
                employees: r.get(4)?,
                arr: Money {
                    minor: arr,
                    currency: r.get(6)?,
                },
                tier: r.get(7)?,
                lifecycle_stage: r.get(8)?,
                owner: r.get(9)?,
                contract_start: r.get(10)?,
                renewal_date: r.get(11)?,
                status: r.get(12)?,
                churn_date: r.get(13)?,
                churn_reason: r.get(14)?,
                crm_arr: crm.filter(|c| *c != arr).map(|minor| Money {
                    minor,
                    currency: r.get(6).unwrap_or_default(),
                }),
                contract_term_months: r.get(16)?,
                payment_method: r.get(17)?,
                custom: Vec::new(),
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("Account {id} does not exist.")))?;
    let labels: std::collections::HashMap<String, (String, String)> = conn
        .prepare_cached("SELECT key, label, kind FROM custom_fields")?
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    for (key, value) in crate::history::custom_values(conn, id)? {
        let (Some((label, kind)), Some(value)) = (labels.get(&key), value) else {
            continue;
        };
        account.custom.push(CustomValue {
            key,
            label: label.clone(),
            kind: if kind == "number" {
                crate::ingest::CustomKind::Number
            } else {
                crate::ingest::CustomKind::Category
            },
            value,
        });
    }
    Ok(account)
}

/// The account's status; NotFound when there is no such account. Writers
/// call it first so a stale id gets a clear error.
pub fn require(conn: &Connection, id: i64) -> Result<AccountStatus> {
    conn.query_row("SELECT status FROM accounts WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("Account {id} does not exist.")))
}

/// The account a person means by `text`: its id, else its exact name
/// (any case), else the one name that contains it. More than one match is
/// an error that lists them, never a guess.
pub fn find(conn: &Connection, text: &str) -> Result<i64> {
    let text = text.trim();
    if let Ok(id) = text.parse::<i64>() {
        if require(conn, id).is_ok() {
            return Ok(id);
        }
    }
    let matches = |sql: &str| -> Result<Vec<(i64, String)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([text], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let mut found = matches(
        "SELECT id, name FROM accounts WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 6",
    )?;
    if found.is_empty() {
        found = matches(
            "SELECT id, name FROM accounts WHERE instr(lower(name), lower(?1)) > 0 ORDER BY name, id LIMIT 6",
        )?;
    }
    match found.as_slice() {
        [] => Err(Error::NotFound(format!("No account is called \"{text}\"."))),
        [(id, _)] => Ok(*id),
        many => {
            let names: Vec<String> = many
                .iter()
                .take(5)
                .map(|(id, n)| format!("{n} ({id})"))
                .collect();
            Err(Error::InvalidInput(format!(
                "\"{text}\" matches more than one account: {}{}. Use the id or the whole name.",
                names.join(", "),
                if many.len() > 5 { ", ..." } else { "" }
            )))
        }
    }
}

/// Like `require`, and the account must still be a customer: `what` says
/// what a churned account cannot have ("QBRs are for current customers").
pub fn require_live(conn: &Connection, id: i64, what: &str) -> Result<()> {
    match require(conn, id)? {
        AccountStatus::Active => Ok(()),
        AccountStatus::Churned => Err(Error::invalid(say!(
            "{what}; this account has churned.",
            "{what}; dieser Kunde ist abgewandert."
        ))),
    }
}

/// Marks a contact as gone from `on` (None: back at the company, as when a
/// departure was recorded by mistake). Health and warnings read who was
/// there on each day, so a champion who left last month still counts for
/// the year before. Returns the contact's account.
pub fn set_contact_left(
    w: &crate::write::Write<'_>,
    contact_id: i64,
    on: Option<NaiveDate>,
) -> Result<i64> {
    let conn = w.conn();
    let (account_id, started): (i64, Option<NaiveDate>) = conn
        .query_row(
            "SELECT account_id, started_on FROM contacts WHERE id = ?1",
            [contact_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("Contact {contact_id} does not exist.")))?;
    if let Some(day) = on {
        if day > w.today() {
            return Err(Error::invalid(
                say!("A contact can only be marked as gone on a day that has come.", "Ein Kontakt kann nur an einem Tag als ausgeschieden markiert werden, der schon gekommen ist."),
            ));
        }
        if started.is_some_and(|s| day < s) {
            return Err(Error::invalid(say!(
                "A contact cannot leave before they joined.",
                "Ein Kontakt kann nicht ausscheiden, bevor er dazukam."
            )));
        }
    }
    conn.execute(
        "UPDATE contacts SET left_company = ?2, left_on = ?3 WHERE id = ?1",
        params![contact_id, on.is_some(), on],
    )?;
    w.touch(account_id);
    Ok(account_id)
}

pub fn contacts(conn: &Connection, account_id: i64) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, title, role, is_primary, left_company, started_on, left_on FROM contacts
         WHERE account_id = ?1 ORDER BY left_company, is_primary DESC,
           CASE role WHEN 'executive_sponsor' THEN 0 WHEN 'champion' THEN 1 WHEN 'decision_maker' THEN 2
                     WHEN 'billing' THEN 3 ELSE 4 END, name",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        Ok(Contact {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            title: r.get(3)?,
            role: r.get(4)?,
            is_primary: r.get(5)?,
            left_company: r.get(6)?,
            started_on: r.get(7)?,
            left_on: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn usage(
    conn: &Connection,
    account_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<UsageSeries> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, active_users, logins, feature_events, api_calls, licensed_seats
         FROM usage_daily WHERE account_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
    )?;
    let mut series = UsageSeries::default();
    let mut rows = stmt.query(params![account_id, from, to])?;
    while let Some(r) = rows.next()? {
        series.days.push(r.get(0)?);
        series.active_users.push(r.get(1)?);
        series.logins.push(r.get(2)?);
        series.feature_events.push(r.get(3)?);
        series.api_calls.push(r.get(4)?);
        series.licensed_seats.push(r.get(5)?);
    }
    Ok(series)
}

pub fn activities(conn: &Connection, account_id: i64) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.kind, a.occurred_on, a.summary, a.sentiment, a.next_steps, a.source,
                (SELECT group_concat(c.name, char(31)) FROM activity_contacts ac
                   JOIN contacts c ON c.id = ac.contact_id WHERE ac.activity_id = a.id)
         FROM activities a WHERE a.account_id = ?1 ORDER BY a.occurred_on DESC, a.id DESC LIMIT 500",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        let names: Option<String> = r.get(7)?;
        Ok(Activity {
            id: r.get(0)?,
            kind: r.get(1)?,
            occurred_on: r.get(2)?,
            summary: r.get(3)?,
            sentiment: r.get(4)?,
            next_steps: r.get(5)?,
            source: r.get(6)?,
            contact_names: names
                .map(|n| n.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nps_is_promoters_minus_detractors_in_percent() {
        // 2 promoters, 1 passive, 1 detractor of 4: 50% - 25% = 25.
        assert_eq!(super::nps([10, 9, 8, 3].into_iter()), Some(25));
        assert_eq!(super::nps([0, 6].into_iter()), Some(-100));
        assert_eq!(super::nps(std::iter::empty()), None);
    }
}
