//! The book's lists as a person reads them in a terminal: `steward
//! portfolio`, `search`, `tasks` and `today`, with headings in the language
//! the environment names. Columns keep ISO days and plain figures, so a
//! script can cut them in either language.

use chrono::NaiveDate;
use steward_core::model::LifecycleStage;
use steward_core::portfolio::{self, PortfolioQuery, PortfolioSort};
use steward_core::search::{self, HitKind};
use steward_core::today::{self, Section};
use steward_core::{churn, lang, say, tasks, Error};

use crate::CliError;

pub(crate) struct PortfolioArgs {
    pub sort: String,
    pub desc: bool,
    pub search: String,
    pub limit: usize,
    pub json: bool,
}

pub(crate) fn portfolio(
    conn: &rusqlite::Connection,
    args: PortfolioArgs,
    today: NaiveDate,
) -> Result<(), CliError> {
    let PortfolioArgs {
        sort,
        desc,
        search,
        limit,
        json,
    } = args;
    let sort: PortfolioSort = serde_json::from_value(serde_json::Value::String(sort.clone()))
        .map_err(|_| {
            Error::invalid(say!(
                "cannot sort by '{sort}'; use name, tier, arr, renewal, stage, last_touch, trend or health",
                "nach „{sort}“ lässt sich nicht sortieren; möglich sind name, tier, arr, renewal, stage, last_touch, trend und health"
            ))
        })?;
    let rows = portfolio::list(
        conn,
        &PortfolioQuery {
            text: search,
            sort,
            descending: desc,
            ..Default::default()
        },
        today,
    )?;
    if json {
        let shown: Vec<_> = rows.iter().take(limit).collect();
        let text =
            serde_json::to_string_pretty(&shown).map_err(|e| Error::Internal(e.to_string()))?;
        out!("{text}");
        return Ok(());
    }
    let heads = match lang::Lang::current() {
        lang::Lang::En => [
            "name", "tier", "renewal", "stage", "touch", "trend", "health",
        ],
        lang::Lang::De => [
            "Name",
            "Tier",
            "Verläng.",
            "Phase",
            "Kontakt",
            "Trend",
            "Health",
        ],
    };
    out!(
        "{:<6} {:<32} {:<4} {:>14} {:<11} {:<11} {:>7} {:>7} {:>6}",
        "id",
        heads[0],
        heads[1],
        "ARR",
        heads[2],
        heads[3],
        heads[4],
        heads[5],
        heads[6]
    );
    let day_mark = say!("d", "T");
    for r in rows.iter().take(limit) {
        out!(
            "{:<6} {:<32} {:<4} {:>10} {} {:<11} {:<11} {:>7} {:>7} {:>6}",
            r.id,
            crate::truncate(&r.name, 32),
            r.tier.as_str(),
            r.arr.minor / steward_core::currency::minor_per_major(&r.arr.currency),
            r.arr.currency,
            r.renewal_date.map(|d| d.to_string()).unwrap_or_default(),
            stage(r.lifecycle_stage),
            r.days_since_touch
                .map(|d| format!("{d}{day_mark}"))
                .unwrap_or_default(),
            r.usage_trend_pct
                .map(|t| format!("{t:+.0}%"))
                .unwrap_or_default(),
            r.health_score
                .map(|h| format!("{h:.0}"))
                .unwrap_or_default()
        );
    }
    let n = rows.len();
    tell!("{n} accounts", "{n} Kunden");
    Ok(())
}

/// A lifecycle stage in the words the app's portfolio uses.
fn stage(s: LifecycleStage) -> String {
    match s {
        LifecycleStage::Onboarding => say!("onboarding", "Onboarding"),
        LifecycleStage::Adopting => say!("adopting", "Einführung"),
        LifecycleStage::Mature => say!("mature", "Etabliert"),
        LifecycleStage::Renewal => say!("renewal", "Verlängerung"),
        LifecycleStage::AtRisk => say!("at_risk", "Gefährdet"),
        LifecycleStage::Churned => say!("churned", "Abgewandert"),
    }
}

pub(crate) fn search(conn: &rusqlite::Connection, text: &str) -> Result<(), CliError> {
    for hit in search::query(conn, text, 20)? {
        let kind = match hit.kind {
            HitKind::Account => say!("account", "Kunde"),
            HitKind::Contact => say!("contact", "Kontakt"),
            HitKind::Activity => say!("activity", "Aktivität"),
        };
        out!(
            "{:<9} {:<28} {}",
            kind,
            crate::truncate(&hit.account_name, 28),
            hit.excerpt
        );
    }
    Ok(())
}

pub(crate) fn tasks(conn: &rusqlite::Connection, today: NaiveDate) -> Result<(), CliError> {
    let list = tasks::open(conn, today)?;
    for (label, tasks) in [
        (say!("Overdue", "Überfällig"), &list.overdue),
        (say!("Today", "Heute"), &list.today),
        (say!("Upcoming", "Demnächst"), &list.upcoming),
    ] {
        out!("{label} ({})", tasks.len());
        for t in tasks.iter().take(20) {
            out!(
                "  {} {:<40} {}",
                t.due_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "          ".into()),
                crate::truncate(&t.title, 40),
                t.account_name.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}

pub(crate) fn today(
    conn: &rusqlite::Connection,
    today: NaiveDate,
    limit: usize,
) -> Result<(), CliError> {
    let list = today::list(conn, today, limit)?;
    for section in &list.sections {
        let title = match section.section {
            Section::Risk => say!("Risks", "Risiken"),
            Section::Renewal => say!("Renewals", "Verlängerungen"),
            Section::Qbr => say!("QBRs", "QBRs"),
            Section::Touch => say!("Touches and tasks", "Kontakte und Aufgaben"),
            Section::Expansion => say!("Expansion", "Ausbau"),
        };
        out!("{title} ({})", section.total);
        for item in list.items.iter().filter(|i| i.section == section.section) {
            let why = item
                .reasons
                .first()
                .map(|r| r.detail.clone())
                .or_else(|| item.overdue_task.clone())
                .or_else(|| {
                    item.qbr_on.map(|d| {
                        let (day, n) = (lang::day(d), item.milestones_to_report);
                        say!(
                            "QBR {day}, {n} milestones to report",
                            "QBR am {day}, {n} Meilensteine zu berichten"
                        )
                    })
                })
                .or_else(|| {
                    item.renewal_date.map(|d| {
                        let day = lang::day(d);
                        say!("renews {day}", "Verlängerung am {day}")
                    })
                })
                .unwrap_or_default();
            out!(
                "  {:<28} {:>5} {:>6} {}",
                crate::truncate(&item.account_name, 28),
                item.score.map(|s| format!("{s:.0}")).unwrap_or_default(),
                item.churn_risk.map(churn::percent).unwrap_or_default(),
                why
            );
        }
    }
    let n = list.snoozed;
    tell!("snoozed: {n}", "zurückgestellt: {n}");
    Ok(())
}
