//! The account page: everything it shows, read in one call (key facts,
//! contacts, usage for a date range, billing, support, surveys, the
//! timeline, open tasks, health and risk, warnings, plans, onboarding, QBRs).
//! It reads from every part of the core; nothing reads from it.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::account::{
    activities, contacts, get, nps, usage, Account, Activity, Contact, Invoice, SurveyResponse,
    Ticket, UsageSeries,
};
use crate::alerts::{self, Alert};
use crate::assess::{self, HealthPoint, SentimentRating};
use crate::churn::Risk;
use crate::error::Result;
use crate::health::{self, settings, Health};
use crate::model::{InvoiceStatus, Money, SurveyKind};
use crate::onboarding::{self, Checklist};
use crate::plans::{self, Milestone, Objective};
use crate::postmortem::{self, Postmortem};
use crate::qbr::{self, QbrPlan};
use crate::tasks::{self, Task};

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountPage {
    pub account: Account,
    pub contacts: Vec<Contact>,
    pub usage: UsageSeries,
    /// NPS over the last 12 months of responses (-100..100), if any.
    pub nps: Option<i32>,
    pub seats_used_pct: Option<f64>,
    pub days_since_touch: Option<i32>,
    pub invoices: Vec<Invoice>,
    pub tickets: Vec<Ticket>,
    pub surveys: Vec<SurveyResponse>,
    pub activities: Vec<Activity>,
    pub open_tasks: Vec<Task>,
    /// None for churned accounts.
    pub health: Option<Health>,
    /// Churn risk from the trained model; None without one (risk then
    /// follows the health score).
    pub risk: Option<Risk>,
    /// Daily (recent) and weekly (older) scores of the last 26 weeks.
    pub health_history: Vec<HealthPoint>,
    /// The settings version today's score comes from.
    #[ts(type = "number")]
    pub settings_version: i64,
    pub alerts: Vec<Alert>,
    pub sentiment: Option<SentimentRating>,
    pub objectives: Vec<Objective>,
    pub milestones: Vec<Milestone>,
    /// The onboarding checklist, if one was applied.
    pub checklist: Option<Checklist>,
    /// Without one: the day a checklist applied now would count from, unless
    /// the CSM picks another (the contract start of a new customer, else today).
    pub checklist_start: Option<NaiveDate>,
    /// For churned accounts: why they left.
    pub postmortem: Option<Postmortem>,
    pub qbr: QbrPlan,
    /// The fields the CSM may set, with where each value came from.
    pub fields: Vec<crate::fields::FieldSource>,
}

/// Reads the account page, with usage from `usage_days` days before `today`.
pub fn page(conn: &Connection, id: i64, usage_days: i64, today: NaiveDate) -> Result<AccountPage> {
    let account = get(conn, id)?;
    let contacts = contacts(conn, id)?;
    let usage = usage(conn, id, today - Duration::days(usage_days), today)?;
    let seats_used_pct = conn
        .query_row(
            "SELECT seats_used_pct FROM account_rollups WHERE account_id = ?1",
            [id],
            |r| r.get::<_, Option<f64>>(0),
        )
        .optional()?
        .flatten();

    let mut stmt = conn.prepare_cached(
        "SELECT id, number, amount_minor, currency, status, issued_on, due_on, paid_on
         FROM invoices WHERE account_id = ?1 ORDER BY issued_on DESC LIMIT 200",
    )?;
    let invoices = stmt
        .query_map([id], |r| {
            let status: InvoiceStatus = r.get(4)?;
            let due_on: Option<NaiveDate> = r.get(6)?;
            let paid_on: Option<NaiveDate> = r.get(7)?;
            let late = match (due_on, paid_on) {
                (Some(due), Some(paid)) => paid > due,
                (Some(due), None) => {
                    matches!(status, InvoiceStatus::Open | InvoiceStatus::Failed) && today > due
                }
                _ => false,
            };
            Ok(Invoice {
                id: r.get(0)?,
                number: r.get(1)?,
                amount: Money {
                    minor: r.get(2)?,
                    currency: r.get(3)?,
                },
                status,
                issued_on: r.get(5)?,
                due_on,
                paid_on,
                late,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT id, subject, priority, status, opened_at, resolved_at, csat
         FROM tickets WHERE account_id = ?1 ORDER BY opened_at DESC LIMIT 200",
    )?;
    let tickets = stmt
        .query_map([id], |r| {
            Ok(Ticket {
                id: r.get(0)?,
                subject: r.get(1)?,
                priority: r.get(2)?,
                status: r.get(3)?,
                opened_at: r.get(4)?,
                resolved_at: r.get(5)?,
                csat: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.kind, s.score, s.comment, s.responded_on, c.name
         FROM survey_responses s LEFT JOIN contacts c ON c.id = s.contact_id
         WHERE s.account_id = ?1 ORDER BY s.responded_on DESC LIMIT 200",
    )?;
    let surveys = stmt
        .query_map([id], |r| {
            Ok(SurveyResponse {
                id: r.get(0)?,
                kind: r.get(1)?,
                score: r.get(2)?,
                comment: r.get(3)?,
                responded_on: r.get(4)?,
                contact_name: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let year_ago = today - Duration::days(365);
    let nps = nps(surveys
        .iter()
        .filter(|s| s.kind == SurveyKind::Nps && s.responded_on > year_ago)
        .map(|s| s.score));

    let activities = activities(conn, id)?;
    let days_since_touch = activities
        .iter()
        .map(|a| a.occurred_on)
        .filter(|d| *d <= today)
        .max()
        .map(|d| (today - d).num_days() as i32);
    let open_tasks = tasks::open_for_account(conn, id)?;
    let current = settings::current(conn)?;
    let health = health::score_one(conn, id, &current.settings, today)?;
    let risk = assess::stored_risk(conn, id)?;
    let health_history = assess::history(conn, id, today, 182)?;
    let alerts = alerts::for_account(conn, id, today)?;
    let sentiment = assess::latest_sentiment(conn, id)?;
    let objectives = plans::objectives(conn, id)?;
    let milestones = plans::milestones(conn, id, today)?;
    let checklist = onboarding::checklist(conn, id, today)?;
    let checklist_start = match checklist {
        None => Some(onboarding::default_start(conn, id, today)?),
        Some(_) => None,
    };
    let postmortem = postmortem::get(conn, id)?;
    let qbr = qbr::plan(conn, id)?;

    Ok(AccountPage {
        account,
        contacts,
        usage,
        nps,
        seats_used_pct,
        days_since_touch,
        invoices,
        tickets,
        surveys,
        activities,
        open_tasks,
        health,
        risk,
        health_history,
        settings_version: current.version,
        alerts,
        sentiment,
        objectives,
        milestones,
        checklist,
        checklist_start,
        postmortem,
        qbr,
        fields: crate::fields::sources(conn, id)?,
    })
}
