//! steward-core owns Steward's product: the domain vocabulary, the SQLite
//! portfolio file and its migrations, the demo book, file import, and every
//! query and write a CSM's screen needs (portfolio, account page, health
//! scores, churn risk, alerts and playbooks, the Today list, portfolio metrics, success plans and milestones, onboarding checklists, the
//! calendar export, churn post-mortems, check-ins, tasks,
//! search). It knows nothing of windows or HTTP: the desktop shell and
//! the CLI are thin adapters over these functions, and the tests run them
//! against real SQLite files.

pub mod account;
pub mod alerts;
pub mod assess;
pub mod calendar;
pub mod checkin;
pub mod churn;
pub mod demo;
pub mod error;
pub mod health;
pub mod import;
pub mod metrics;
pub mod model;
pub mod onboarding;
pub mod plans;
pub mod portfolio;
pub mod postmortem;
pub mod progress;
pub mod qbr;
pub mod rng;
pub mod rollup;
pub mod search;
pub mod store;
pub mod tasks;
pub mod today;

#[cfg(test)]
mod bindings;

pub use error::{Error, ErrorCode, ErrorPayload, Result};

/// The CSM's calendar day, in the machine's time zone: due dates, "days since
/// touch" and usage windows are calendar questions, not UTC ones.
pub fn today() -> chrono::NaiveDate {
    day_in(chrono::Utc::now(), &chrono::Local)
}

/// The calendar day an instant falls on for someone in `zone`.
pub fn day_in<Tz: chrono::TimeZone>(
    now: chrono::DateTime<chrono::Utc>,
    zone: &Tz,
) -> chrono::NaiveDate {
    now.with_timezone(zone).date_naive()
}
