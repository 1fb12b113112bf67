//! Writing one demo account with its whole history: contacts, daily usage,
//! subscriptions, invoices, and (`voice`) tickets, surveys, check-ins, tasks
//! and ratings.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rusqlite::{params, Connection};

use steward_core::dates::add_months;
use steward_core::error::Result;
use steward_core::model::{ContactRole, Tier};

use crate::rng::Rng;
use crate::words::*;
use crate::{DemoSpec, DemoSummary, Scenario, Truth};
use steward_core::say;

mod statements;
mod voice;
use statements::UsageRow;
use voice::Life;

/// Prepared statements reused for every row of the demo book.
pub(crate) struct Writer<'c> {
    conn: &'c Connection,
    account: rusqlite::CachedStatement<'c>,
    external: rusqlite::CachedStatement<'c>,
    contact: rusqlite::CachedStatement<'c>,
    history: rusqlite::CachedStatement<'c>,
    usage: rusqlite::CachedStatement<'c>,
    /// `usage` for `USAGE_ROWS_AT_ONCE` days, and the days waiting for it.
    usage_many: rusqlite::CachedStatement<'c>,
    usage_rows: Vec<UsageRow>,
    subscription: rusqlite::CachedStatement<'c>,
    invoice: rusqlite::CachedStatement<'c>,
    ticket: rusqlite::CachedStatement<'c>,
    survey: rusqlite::CachedStatement<'c>,
    activity: rusqlite::CachedStatement<'c>,
    activity_contact: rusqlite::CachedStatement<'c>,
    task: rusqlite::CachedStatement<'c>,
    sentiment: rusqlite::CachedStatement<'c>,
    now: String,
}

impl<'c> Writer<'c> {
    pub(crate) fn account(
        &mut self,
        rng: &mut Rng,
        n: u32,
        spec: &DemoSpec,
        today: NaiveDate,
        names: &mut HashSet<String>,
        summary: &mut DemoSummary,
    ) -> Result<Truth> {
        let history_start = today - Duration::days(365 * i64::from(spec.years.max(1)));
        let years = i64::from(spec.years.max(1));
        // What the CRM knows of the account: its size, contract and how it pays.
        let arr_major = (5_000f64 * (120f64).powf(rng.f64())).round() as i64;
        let arr_minor = arr_major / 100 * 100 * 100;
        let tier = if arr_major >= 150_000 {
            Tier::A
        } else if arr_major >= 40_000 {
            Tier::B
        } else {
            Tier::C
        };
        let term: i64 = match rng.f64() {
            x if x < 0.25 => 1,
            x if x < 0.8 => 12,
            x if x < 0.95 => 24,
            _ => 36,
        };
        let how = *rng.pick(&[
            "Credit card (automatic)",
            "Credit card (automatic)",
            "Bank transfer (automatic)",
            "Invoice",
            "Invoice",
            "Check",
        ]);
        let manual = matches!(how, "Invoice" | "Check");
        let payment = match how {
            "Credit card (automatic)" => {
                say!("Credit card (automatic)", "Kreditkarte (automatisch)")
            }
            "Bank transfer (automatic)" => {
                say!("Bank transfer (automatic)", "Lastschrift (automatisch)")
            }
            "Invoice" => say!("Invoice", "Rechnung"),
            _ => say!("Check", "Scheck"),
        };
        // Whether it churns comes from the kind of signals real books show,
        // with noise: month-to-month and manual payers leave more, large
        // contracts less, and an unseen "fit" does the rest. No single input
        // tells the model the answer.
        let fit = rng.f64() + rng.f64() + rng.f64() - 1.5;
        let logit =
            -2.2 + if term == 1 {
                1.2
            } else if term >= 24 {
                -0.8
            } else {
                0.0
            } + if manual { 0.6 } else { 0.0 }
                - 0.45 * (arr_major as f64 / 40_000.0).ln()
                - 1.6 * fit;
        let propensity = 1.0 / (1.0 + (-logit).exp());
        let scenario = match rng.f64() {
            x if x < 0.08 => Scenario::Onboarding,
            _ if rng.f64() < propensity => Scenario::Churned,
            _ if rng.f64() < 0.6 * propensity => Scenario::Declining,
            _ if rng.chance(0.14) => Scenario::Expanding,
            _ => Scenario::Healthy,
        };
        let base_name = format!("{} {}", rng.pick(PREFIXES), rng.pick(SUFFIXES));
        let mut name = base_name.clone();
        let mut k = 2;
        while !names.insert(name.clone()) {
            name = format!("{base_name} {}", roman(k));
            k += 1;
        }
        let domain = format!("{}.example", name.to_lowercase().replace(' ', ""));
        let currency = *rng.pick(&["USD", "USD", "USD", "USD", "EUR", "EUR", "GBP"]);
        let employees = (20f64 * (1000f64).powf(rng.f64())).round() as i32;
        let seats = ((arr_major as f64 / rng.range(300, 700) as f64).round() as i64).max(5);

        // A churned account lived at least ten months before it left, so its
        // decline starts from mature usage, not from the onboarding ramp.
        let churn_date = (scenario == Scenario::Churned)
            .then(|| today - Duration::days(rng.range(20, 365 * years - 60)));
        let contract_start = match (scenario, churn_date) {
            (Scenario::Onboarding, _) => today - Duration::days(rng.range(5, 80)),
            // Young customers leave more often than old ones.
            (_, Some(churned)) => {
                churned - Duration::days(rng.range(150, 365 * 4).min(rng.range(150, 365 * 4)))
            }
            _ => today - Duration::days(rng.range(200, 365 * 5)),
        };
        // Most churners fade first; about a third leave without warning in
        // their usage (a budget cut, a reorganisation). Some healthy
        // accounts dip for a while and recover.
        let silent = churn_date.is_some() && rng.chance(0.5);
        let decline_start = match scenario {
            Scenario::Churned if !silent => {
                churn_date.map(|d| d - Duration::days(rng.range(40, 240)))
            }
            Scenario::Declining => Some(today - Duration::days(rng.range(45, 200))),
            _ => None,
        }
        .map(|d| d.max(contract_start + Duration::days(120)));
        let dip = (matches!(scenario, Scenario::Healthy | Scenario::Expanding) && rng.chance(0.3))
            .then(|| {
                let start = today - Duration::days(rng.range(60, 365 * years));
                (
                    start.max(contract_start + Duration::days(90)),
                    rng.range(40, 150),
                    0.55 + rng.f64() * 0.25,
                )
            });
        // How far a fading account falls varies: some halve, some barely move.
        let floor = 0.4 + rng.f64() * 0.45;
        // A contract renews at the end of each term; a month-to-month one has
        // no renewal to prepare (every month is one), so no date.
        let renewal_date =
            (term > 1).then(|| next_renewal(contract_start, term, churn_date.unwrap_or(today)));
        let stage = match scenario {
            Scenario::Churned => "churned",
            Scenario::Onboarding => "onboarding",
            Scenario::Declining => "at_risk",
            _ if renewal_date.is_some_and(|r| r - today <= Duration::days(90)) => "renewal",
            _ if today - contract_start < Duration::days(365) => "adopting",
            _ => "mature",
        };
        let churn_reason = churn_date.map(|_| {
            rng.pick(&[
                say!("No adoption", "Keine Nutzung"),
                say!("Champion left", "Champion gegangen"),
                say!("Budget cut", "Budget gekürzt"),
                say!("Moved to a competitor", "Zu einem Wettbewerber gewechselt"),
                say!("Product fit", "Produkt passte nicht"),
                say!("Price", "Preis"),
            ])
            .clone()
        });
        self.account.execute(params![
            name,
            domain,
            rng.pick(industries()),
            employees,
            arr_minor,
            currency,
            tier,
            stage,
            rng.pick(OWNERS),
            contract_start,
            renewal_date,
            if churn_date.is_some() {
                "churned"
            } else {
                "active"
            },
            churn_date,
            churn_reason,
            self.now,
            term,
            payment,
        ])?;
        let id = self.last_id()?;
        self.external
            .execute(params![format!("demo-{}", n + 1), id])?;
        // The CRM has known the contract since it started; the stage moved
        // with the account's life.
        for (field, value) in [
            ("crm_arr_minor", arr_minor.to_string()),
            ("arr_minor", arr_minor.to_string()),
            ("tier", tier.as_str().to_string()),
            ("contract_term_months", term.to_string()),
            ("payment_method", payment.to_string()),
        ] {
            self.history
                .execute(params![id, field, value, contract_start, self.now])?;
        }
        // Each renewal moved the renewal date to the end of the next term.
        if term > 1 {
            let mut from = contract_start;
            while from <= churn_date.unwrap_or(today) {
                let next = add_months(from, term as u32);
                self.history.execute(params![
                    id,
                    "renewal_date",
                    next.to_string(),
                    from,
                    self.now
                ])?;
                from = next;
            }
        }
        let end = churn_date.unwrap_or(today);
        let mut stages = vec![(contract_start, "onboarding")];
        for (after, stage) in [(90, "adopting"), (365, "mature")] {
            let on = contract_start + Duration::days(after);
            if on < end && scenario != Scenario::Onboarding {
                stages.push((on, stage));
            }
        }
        if let Some(start) = decline_start.filter(|d| *d <= today) {
            stages.push((start + Duration::days(30), "at_risk"));
        }
        if let Some(churned) = churn_date {
            stages.push((churned, "churned"));
        }
        stages.sort();
        for (on, stage) in stages.into_iter().filter(|(on, _)| *on <= today) {
            self.history
                .execute(params![id, "lifecycle_stage", stage, on, self.now])?;
        }

        // Contacts: one sponsor, a champion or two, a decision maker, billing,
        // users, each from the day they joined; champions leave troubled
        // accounts more often (and some healthy ones), and a successor may follow.
        let contact_count = match tier {
            Tier::A => rng.range(12, 20),
            Tier::B => rng.range(7, 13),
            Tier::C => rng.range(4, 8),
        };
        let troubled = matches!(scenario, Scenario::Churned | Scenario::Declining);
        let leave_chance = match scenario {
            Scenario::Churned if silent => 0.25,
            Scenario::Churned | Scenario::Declining => 0.5,
            _ => 0.08,
        };
        let mut contact_ids = Vec::new();
        let mut used_names = HashSet::new();
        let mut successor: Option<NaiveDate> = None;
        let mut c = 0;
        while c < contact_count || successor.is_some() {
            // The successor of a departed champion joins after the others.
            let next = if c >= contact_count {
                successor.take()
            } else {
                None
            };
            let (role, started) = match (c, next) {
                (_, Some(day)) => (ContactRole::Champion, day),
                (0, None) => (ContactRole::Champion, contract_start),
                (1, None) => (ContactRole::ExecutiveSponsor, contract_start),
                (2, None) => (ContactRole::DecisionMaker, contract_start),
                (3, None) => (ContactRole::Billing, contract_start),
                (4, None) if tier == Tier::A => (ContactRole::Champion, contract_start),
                _ => (
                    ContactRole::User,
                    (contract_start + Duration::days(rng.range(0, 200))).min(today),
                ),
            };
            let mut person = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            while !used_names.insert(person.clone()) {
                person = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            }
            let email = format!("{}@{domain}", person.to_lowercase().replace(' ', "."));
            let title = match role {
                ContactRole::ExecutiveSponsor => say!("VP Operations", "Leitung Operations"),
                ContactRole::Champion => say!("Team Lead", "Teamleitung"),
                ContactRole::DecisionMaker => say!("Director of IT", "IT-Leitung"),
                ContactRole::Billing => say!("Finance Manager", "Finanzverantwortliche"),
                ContactRole::User => say!("Analyst", "Analyst"),
            };
            let left_on = (role == ContactRole::Champion && c == 0 && rng.chance(leave_chance))
                .then(|| match (decline_start, churn_date) {
                    (Some(start), _) => start + Duration::days(rng.range(-30, 60)),
                    (None, Some(churned)) => churned - Duration::days(rng.range(30, 150)),
                    (None, None) => today - Duration::days(rng.range(20, 365 * years)),
                })
                .map(|d| d.max(started + Duration::days(30)))
                .filter(|d| *d < end);
            if let Some(left) = left_on {
                let next = left + Duration::days(rng.range(30, 120));
                if next < end && rng.chance(if troubled { 0.3 } else { 0.6 }) {
                    successor = Some(next);
                }
            }
            self.contact.execute(params![
                id,
                person,
                email,
                title,
                role,
                c == 0,
                left_on.is_some(),
                format!("demo-{}-c{}", n + 1, c),
                started,
                left_on
            ])?;
            contact_ids.push(self.last_id()?);
            c += 1;
        }
        summary.contacts += contact_ids.len() as u64;

        // Daily usage.
        let usage_from = contract_start.max(history_start);
        let usage_to = churn_date.unwrap_or(today);
        let base_adoption = match scenario {
            Scenario::Healthy | Scenario::Expanding => 0.5 + rng.f64() * 0.4,
            _ => 0.42 + rng.f64() * 0.38,
        };
        let has_integration = rng.chance(0.6);
        let mut seats_now = seats;
        let expansion_day =
            (scenario == Scenario::Expanding).then(|| today - Duration::days(rng.range(30, 300)));
        let mut day = usage_from;
        while day <= usage_to {
            if expansion_day == Some(day) {
                seats_now = (seats_now as f64 * 1.4).round() as i64;
            }
            let tenure = (day - contract_start).num_days() as f64;
            let ramp = (tenure / 75.0).clamp(0.12, 1.0);
            let mut level = base_adoption * ramp;
            if scenario == Scenario::Expanding {
                level *= 1.0 + 0.25 * ((day - usage_from).num_days() as f64 / 365.0);
            }
            if let Some(start) = decline_start {
                if day > start {
                    let d = (day - start).num_days() as f64;
                    level *= floor + (1.0 - floor) * (-d / 70.0).exp();
                }
            }
            if let Some((start, days, depth)) = dip {
                let d = (day - start).num_days();
                if (0..days).contains(&d) {
                    level *= depth;
                }
            }
            let weekday = match day.weekday() {
                Weekday::Sat | Weekday::Sun => 0.18,
                _ => 1.0,
            };
            let season = match (day.month(), day.day()) {
                (12, d) if d >= 20 => 0.55,
                (8, _) => 0.85,
                (1, d) if d <= 3 => 0.6,
                _ => 1.0,
            };
            let active = ((seats_now as f64) * level * weekday * season * rng.jitter(0.15))
                .round()
                .clamp(0.0, seats_now as f64 * 1.05) as i64;
            let logins = (active as f64 * (1.4 + rng.f64() * 1.2)).round() as i64;
            let events = (active as f64 * (6.0 + rng.f64() * 14.0)).round() as i64;
            let api = if has_integration && tenure > 45.0 {
                (active as f64 * (20.0 + rng.f64() * 40.0)).round() as i64
            } else {
                0
            };
            // Millions of days: written digit by digit, not by chrono.
            self.push_usage((
                id,
                steward_core::dates::iso(day),
                active,
                logins,
                events,
                api,
                seats_now,
            ))?;
            summary.usage_days += 1;
            day += Duration::days(1);
        }
        self.write_usage()?;

        // Subscription and invoices (quarterly for A and B, monthly for C).
        let plan = match tier {
            Tier::A => "Enterprise",
            Tier::B => "Business",
            Tier::C => "Team",
        };
        // The subscription's history: expanding accounts upgraded once,
        // about half of the troubled ones cut seats after the decline began.
        // ARR on the account is what they pay now (or paid last).
        let change = match (expansion_day, decline_start) {
            (Some(day), _) => Some((day, 1.4)),
            (None, Some(start)) if rng.chance(0.5) => {
                Some((start + Duration::days(rng.range(30, 90)), 0.7))
            }
            _ => None,
        }
        .filter(|(day, _)| *day > contract_start && *day < usage_to);
        let current_mrr = arr_minor / 12;
        let status = if churn_date.is_some() {
            "canceled"
        } else {
            "active"
        };
        // (start, end, status, MRR, seats) of each period.
        let periods = match change {
            Some((day, factor)) => vec![
                (
                    contract_start,
                    Some(day),
                    "canceled",
                    (current_mrr as f64 / factor).round() as i64,
                    (seats_now as f64 / factor.max(1.0)).round() as i64,
                ),
                (day, churn_date, status, current_mrr, seats_now),
            ],
            None => vec![(contract_start, churn_date, status, current_mrr, seats_now)],
        };
        for (k, (start, end, status, mrr, seats)) in periods.into_iter().enumerate() {
            let suffix = if k == 0 {
                String::new()
            } else {
                (k + 1).to_string()
            };
            self.subscription.execute(params![
                id,
                plan,
                status,
                start,
                end,
                mrr,
                currency,
                seats,
                format!("demo-{}-sub{suffix}", n + 1)
            ])?;
        }
        let months_per_invoice = if tier == Tier::C { 1 } else { 3 };
        let mut issued = contract_start;
        let mut k = 0;
        while issued <= usage_to && issued <= today {
            k += 1;
            let amount = arr_minor * months_per_invoice / 12;
            let due = issued + Duration::days(30);
            let recent_trouble = troubled && decline_start.is_some_and(|d| issued > d);
            let (status, paid_on) = if due >= today && rng.chance(0.7) {
                ("open", None)
            } else if recent_trouble && rng.chance(0.25) {
                ("failed", None)
            } else if recent_trouble && rng.chance(0.4) {
                ("paid", Some(due + Duration::days(rng.range(5, 45))))
            } else if rng.chance(0.06) {
                ("paid", Some(due + Duration::days(rng.range(1, 20))))
            } else {
                ("paid", Some(issued + Duration::days(rng.range(1, 28))))
            };
            let paid_on = paid_on.filter(|p| *p <= today);
            let status = if status == "paid" && paid_on.is_none() {
                "open"
            } else {
                status
            };
            let number = format!("INV-{}-{:03}", n + 1, k);
            self.invoice.execute(params![
                id, number, amount, currency, status, issued, due, paid_on
            ])?;
            summary.invoices += 1;
            issued = add_months(issued, months_per_invoice as u32);
        }

        self.support_and_voice(
            rng,
            Life {
                id,
                n,
                today,
                tier,
                scenario,
                usage_from,
                usage_to,
                decline_start,
                churn_date,
                troubled,
                contact_ids: &contact_ids,
            },
            summary,
        )?;
        if churn_date.is_some() {
            summary.churned += 1;
        }
        Ok(Truth {
            account_id: id,
            scenario,
            churned: churn_date.is_some(),
            decline_start,
        })
    }

    /// Id of the row just inserted (all statements share one connection).
    fn last_id(&self) -> Result<i64> {
        Ok(self.conn.last_insert_rowid())
    }
}

/// "II", "III"... for the second and later companies of the same name; plain
/// numbers past ten so every name stays unique however large the book.
fn roman(n: usize) -> String {
    [
        "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
    ]
    .get(n)
    .map_or_else(|| n.to_string(), |r| r.to_string())
}

/// The first anniversary of `start` on or after `after`.
/// The first end of a term on or after `after`.
fn next_renewal(start: NaiveDate, term: i64, after: NaiveDate) -> NaiveDate {
    let mut terms = 1;
    loop {
        let candidate = add_months(start, (term * terms) as u32);
        if candidate >= after {
            return candidate;
        }
        terms += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::roman;

    #[test]
    fn company_name_suffixes_never_repeat() {
        let suffixes: Vec<String> = (2..40).map(roman).collect();
        let unique: std::collections::HashSet<&String> = suffixes.iter().collect();
        assert_eq!(unique.len(), suffixes.len());
        assert_eq!(roman(2), "II");
        assert_eq!(roman(11), "11");
    }
}
