//! steward-core owns Steward's product: the domain vocabulary, the SQLite
//! portfolio file and its migrations, the demo book, file import, and every
//! query and write a CSM's screen needs (portfolio, account page, health
//! scores, churn risk, alerts and playbooks, the Today list, portfolio metrics, success plans and milestones, onboarding checklists, the
//! calendar export, churn post-mortems, check-ins, tasks,
//! search), what the CSM owes the CRM (`outbox`), CRM deals and contracts
//! (`deals`), who set each account field (`fields`), the language its sentences are in (`lang`), and the book taken
//! out, backed up and restored (`export`, `backup`). Everything that writes goes through `write` (one IMMEDIATE
//! transaction that reassesses exactly the accounts it touched), and data
//! from outside comes in through `ingest`. It knows nothing of windows or
//! HTTP: the desktop shell and the CLI are thin adapters over these
//! functions, and the tests run them against real SQLite files.

pub mod account;
pub mod account_page;
pub mod alerts;
pub mod assess;
pub mod backup;
pub mod calendar;
pub mod checkin;
pub mod churn;
mod cores;
pub mod currency;
pub mod dates;
pub mod deals;
pub mod error;
pub mod export;
pub mod fields;
pub mod health;
pub mod history;
pub mod import;
pub mod ingest;
pub mod lang;
pub mod log;
pub mod metrics;
pub mod model;
pub mod onboarding;
pub mod outbox;
pub mod plans;
pub mod portfolio;
pub mod postmortem;
pub mod progress;
pub mod qbr;
pub mod rates;
pub mod rollup;
pub mod search;
pub mod store;
pub mod tasks;
pub mod today;
pub mod value;
pub mod write;

pub use dates::{day_in, today};
pub use error::{Error, ErrorCode, ErrorPayload, Result};
pub use lang::Lang;
