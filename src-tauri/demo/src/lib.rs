//! The demo book: a deterministic, realistic portfolio generated from a seed
//! and a size. Tiers by ARR, every lifecycle stage, usage with weekly and
//! yearly seasonality and per-account trends, accounts that churned after
//! their usage and sentiment declined, late and failed invoices, tickets, NPS,
//! departed champions and past check-ins. What each account was meant to be
//! (its `Truth`) comes back to the caller, so tests can check health and
//! churn features against it; it is never stored in the CSM's portfolio.
//! The app, the CLI, tests and benchmarks all use it.

mod book;
mod plans;
pub mod rng;
mod words;

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use steward_core::error::{Error, Result};
use steward_core::progress::{CancelToken, Progress, ProgressSink};
use steward_core::write::Write;
use steward_core::{assess, churn, rollup, say, search};

use book::Writer;
use rng::Rng;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoSpec {
    #[ts(type = "number")]
    pub seed: u64,
    pub accounts: u32,
    /// Years of daily usage history to generate.
    pub years: u32,
}

impl Default for DemoSpec {
    fn default() -> Self {
        // A full but realistic book for one CSM.
        DemoSpec {
            seed: 42,
            accounts: 250,
            years: 3,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct DemoSummary {
    pub accounts: u32,
    pub churned: u32,
    #[ts(type = "number")]
    pub contacts: u64,
    #[ts(type = "number")]
    pub usage_days: u64,
    #[ts(type = "number")]
    pub activities: u64,
    #[ts(type = "number")]
    pub invoices: u64,
    #[ts(type = "number")]
    pub tickets: u64,
    #[ts(type = "number")]
    pub surveys: u64,
}

/// What the generator intends an account to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Onboarding,
    Healthy,
    Expanding,
    Declining,
    Churned,
}

impl Scenario {
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Onboarding => "onboarding",
            Scenario::Healthy => "healthy",
            Scenario::Expanding => "expanding",
            Scenario::Declining => "declining",
            Scenario::Churned => "churned",
        }
    }
}

/// What one demo account was generated to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    pub account_id: i64,
    pub scenario: Scenario,
    pub churned: bool,
    /// The day its usage started to fall (declining and churned accounts).
    pub decline_start: Option<NaiveDate>,
}

/// The generated book: the counts the app shows, and each account's truth.
#[derive(Debug, Clone, Default)]
pub struct DemoBook {
    pub summary: DemoSummary,
    pub truth: Vec<Truth>,
}

impl DemoBook {
    /// The accounts generated as `scenario`.
    pub fn with(&self, scenario: Scenario) -> impl Iterator<Item = &Truth> {
        self.truth.iter().filter(move |t| t.scenario == scenario)
    }

    pub fn scenario_of(&self, account_id: i64) -> Option<Scenario> {
        self.truth
            .iter()
            .find(|t| t.account_id == account_id)
            .map(|t| t.scenario)
    }
}

/// Generates the demo book into an empty portfolio, within `w` (so all of
/// it or, on cancel, none of it).
pub fn generate(
    w: &Write<'_>,
    spec: &DemoSpec,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<DemoBook> {
    let (conn, today) = (w.conn(), w.today());
    if spec.accounts == 0 {
        return Err(Error::invalid("The demo book needs at least one account."));
    }
    let existing: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(Error::invalid(format!(
            "The portfolio already holds {existing} accounts; the demo book only goes into an empty one."
        )));
    }
    let mut book = DemoBook {
        summary: DemoSummary {
            accounts: spec.accounts,
            ..Default::default()
        },
        truth: Vec::with_capacity(spec.accounts as usize),
    };
    // Accounts, contacts and check-ins by the hundred thousand: searchable
    // once they are all in (see `search::index_after`).
    search::index_after(w, || {
        let mut names = HashSet::new();
        let mut writer = Writer::new(conn)?;
        for n in 0..spec.accounts {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let mut rng = Rng::fork(spec.seed, u64::from(n));
            let truth = writer.account(&mut rng, n, spec, today, &mut names, &mut book.summary)?;
            book.truth.push(truth);
            if n % 25 == 0 || n + 1 == spec.accounts {
                progress(Progress {
                    phase: say!("Generating accounts", "Kunden werden erzeugt"),
                    done: u64::from(n + 1),
                    total: Some(u64::from(spec.accounts)),
                });
            }
        }
        drop(writer);
        progress(Progress {
            phase: say!(
                "Success plans and onboarding",
                "Erfolgspläne und Onboarding"
            ),
            done: 0,
            total: None,
        });
        plans::plan_book(w, &book.truth, spec.seed)?;
        plans::qbr_book(w)
    })?;
    progress(Progress {
        phase: say!("Computing trends", "Trends werden berechnet"),
        done: 0,
        total: None,
    });
    rollup::refresh_all(w)?;
    // Half a year of weekly health history and a churn model trained on the
    // book's past; the write then assesses today, so every screen has a story.
    assess::backfill_history(w, 26, progress, cancel)?;
    progress(Progress {
        phase: say!(
            "Training the churn model",
            "Das Churn-Modell wird trainiert"
        ),
        done: 0,
        total: None,
    });
    churn::retrain(w, progress)?;
    Ok(book)
}
