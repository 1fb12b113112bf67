//! What the churn model may look at, read from an account's inputs as of a
//! day, and the words for each when it explains one account's risk. The
//! model uses whichever of these the book actually holds: a book without
//! usage still has contract value, term, tenure, billing and support; a
//! book with its own columns (segment, plan, region) adds those.

use serde::{Deserialize, Serialize};

use crate::health::{Inputs, Settings};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Feature {
    ContractValue,
    Tenure,
    Term,
    MonthToMonth,
    RenewalMonths,
    LatePayments,
    Overdue,
    SeatUse,
    UsageTrend,
    Tickets,
    UrgentTickets,
    Nps,
    Champion,
    Sponsor,
    TouchGap,
    Sentiment,
    PaymentMethod {
        value: String,
    },
    CustomNumber {
        key: String,
        label: String,
    },
    CustomCategory {
        key: String,
        label: String,
        value: String,
    },
}

/// The features every book may have; payment methods and custom fields are
/// added from what the book holds.
pub(super) const BASE: &[Feature] = &[
    Feature::ContractValue,
    Feature::Tenure,
    Feature::Term,
    Feature::MonthToMonth,
    Feature::RenewalMonths,
    Feature::LatePayments,
    Feature::Overdue,
    Feature::SeatUse,
    Feature::UsageTrend,
    Feature::Tickets,
    Feature::UrgentTickets,
    Feature::Nps,
    Feature::Champion,
    Feature::Sponsor,
    Feature::TouchGap,
    Feature::Sentiment,
];

/// Where an account stands on a feature among the book's live accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    Low,
    Middle,
    High,
}

fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

impl Feature {
    /// The feature's value for an account (None when the input is missing:
    /// the model then uses the book's mean, which adds nothing to the score).
    pub(super) fn value(&self, i: &Inputs, cadence: i64) -> Option<f64> {
        match self {
            Feature::ContractValue => i.arr.map(|a| (a.max(0.0) + 1.0).ln()),
            Feature::Tenure => i.tenure_days.map(|d| (d.max(0) as f64 / 30.4 + 1.0).ln()),
            // Years beyond the first: month-to-month is a feature of its own,
            // and the two would otherwise pull against each other and read
            // backwards in the weights.
            Feature::Term => i.term_months.map(|m| (m.max(12) as f64 / 12.0).ln()),
            Feature::MonthToMonth => i.term_months.map(|m| flag(m <= 1)),
            Feature::RenewalMonths => i
                .renewal_in_days
                .map(|d| (d as f64 / 30.4).clamp(0.0, 36.0)),
            Feature::LatePayments => {
                (i.invoices_12m > 0).then(|| i.late_or_failed_12m as f64 / i.invoices_12m as f64)
            }
            Feature::Overdue => Some((i.invoices_overdue as f64).min(5.0)),
            Feature::SeatUse => i.seats_used_pct.map(|v| v.clamp(0.0, 150.0)),
            Feature::UsageTrend => i.usage_trend_pct.map(|v| v.clamp(-100.0, 100.0)),
            Feature::Tickets => i.tickets_90d.map(|v| (v as f64).min(30.0)),
            Feature::UrgentTickets => i.open_urgent_tickets.map(|v| (v as f64).min(5.0)),
            Feature::Nps => i.nps_avg_12m,
            Feature::Champion => i.champion_present.map(flag),
            Feature::Sponsor => i.sponsor_present.map(flag),
            Feature::TouchGap => i
                .days_since_touch
                .map(|d| (d.max(0) as f64 / cadence.max(1) as f64).min(10.0)),
            Feature::Sentiment => i.sentiment.map(|(r, _)| r as f64),
            Feature::PaymentMethod { value } => i.payment_method.as_ref().map(|p| flag(p == value)),
            Feature::CustomNumber { key, .. } => {
                i.custom.get(key).and_then(|v| v.parse::<f64>().ok())
            }
            Feature::CustomCategory { key, value, .. } => {
                i.custom.get(key).map(|v| flag(v == value))
            }
        }
    }

    /// How the weights table names it.
    pub(super) fn label(&self) -> String {
        match self {
            Feature::ContractValue => "contract value".into(),
            Feature::Tenure => "time as a customer".into(),
            Feature::Term => "multi-year contract".into(),
            Feature::MonthToMonth => "month-to-month contract".into(),
            Feature::RenewalMonths => "months to renewal".into(),
            Feature::LatePayments => "share of invoices late or failed".into(),
            Feature::Overdue => "invoices overdue".into(),
            Feature::SeatUse => "seat use".into(),
            Feature::UsageTrend => "usage trend".into(),
            Feature::Tickets => "tickets in 90 days".into(),
            Feature::UrgentTickets => "open urgent tickets".into(),
            Feature::Nps => "NPS answers".into(),
            Feature::Champion => "a champion in place".into(),
            Feature::Sponsor => "an executive sponsor in place".into(),
            Feature::TouchGap => "time since last touch".into(),
            Feature::Sentiment => "your rating".into(),
            Feature::PaymentMethod { value } => format!("pays by {value}"),
            Feature::CustomNumber { label, .. } => label.clone(),
            Feature::CustomCategory { label, value, .. } => format!("{label}: {value}"),
        }
    }

    /// The words for one account's value of this feature, with where it
    /// stands in the book when that says something ("among the largest").
    pub(super) fn describe(&self, i: &Inputs, cadence: i64, standing: Standing) -> String {
        let among = |low: &str, high: &str| match standing {
            Standing::Low => format!(", {low}"),
            Standing::High => format!(", {high}"),
            Standing::Middle => String::new(),
        };
        match self {
            Feature::ContractValue => format!(
                "contract {}{}",
                crate::currency::compact(i.arr.unwrap_or_default(), &i.currency),
                among("among the book's smallest", "among the book's largest")
            ),
            Feature::Tenure => match i.tenure_days.unwrap_or_default() {
                d if d < 60 => format!("customer for {d} days"),
                d if d < 730 => format!("customer for {} months", d / 30),
                d => format!("customer for {:.1} years", d as f64 / 365.0),
            },
            Feature::Term | Feature::MonthToMonth => match i.term_months {
                Some(1) => "month-to-month contract".into(),
                Some(m) if m % 12 == 0 => format!("{}-year contract", m / 12),
                Some(m) => format!("{m}-month contract"),
                None => "contract term unknown".into(),
            },
            Feature::RenewalMonths => match i.renewal_in_days.unwrap_or_default() {
                d if d < 45 => format!("renews in {d} days"),
                d => format!("renews in {} months", (d as f64 / 30.4).round()),
            },
            Feature::LatePayments => format!(
                "{} of {} invoices in a year late or failed",
                i.late_or_failed_12m, i.invoices_12m
            ),
            Feature::Overdue => match i.invoices_overdue {
                0 => "no invoice overdue".into(),
                1 => "1 invoice overdue".into(),
                n => format!("{n} invoices overdue"),
            },
            Feature::SeatUse => format!(
                "active users {:.0}% of seats{}",
                i.seats_used_pct.unwrap_or_default(),
                among("among the book's lowest", "among the book's highest")
            ),
            Feature::UsageTrend => format!(
                "usage {:+.0}% over the last 4 weeks",
                i.usage_trend_pct.unwrap_or_default()
            ),
            Feature::Tickets => format!("{} tickets in 90 days", i.tickets_90d.unwrap_or_default()),
            Feature::UrgentTickets => match i.open_urgent_tickets.unwrap_or_default() {
                0 => "no urgent ticket open".into(),
                1 => "1 urgent ticket open".into(),
                n => format!("{n} urgent tickets open"),
            },
            Feature::Nps => format!(
                "average NPS answer {:.1}",
                i.nps_avg_12m.unwrap_or_default()
            ),
            Feature::Champion => match (i.champion_present, i.champion_left) {
                (Some(true), _) => "a champion in place".into(),
                (_, true) => "the champion left".into(),
                _ => "no champion".into(),
            },
            Feature::Sponsor => match i.sponsor_present {
                Some(true) => "an executive sponsor in place".into(),
                _ => "no executive sponsor".into(),
            },
            Feature::TouchGap => format!(
                "last touch {} days ago (cadence {cadence})",
                i.days_since_touch.unwrap_or_default()
            ),
            Feature::Sentiment => format!(
                "your rating {} of 5",
                i.sentiment.map(|s| s.0).unwrap_or_default()
            ),
            Feature::PaymentMethod { .. } => {
                format!("pays by {}", i.payment_method.as_deref().unwrap_or("?"))
            }
            Feature::CustomNumber { key, label } => format!(
                "{label} {}{}",
                i.custom.get(key).map(String::as_str).unwrap_or("?"),
                among("among the book's lowest", "among the book's highest")
            ),
            Feature::CustomCategory { key, label, .. } => format!(
                "{label}: {}",
                i.custom.get(key).map(String::as_str).unwrap_or("?")
            ),
        }
    }

    /// The features that stand for one input: an account's explanation names
    /// each input once (a month-to-month contract is one fact, however many
    /// features read its term).
    pub(super) fn input(&self) -> String {
        match self {
            Feature::Term | Feature::MonthToMonth => "term".into(),
            Feature::PaymentMethod { .. } => "payment".into(),
            Feature::CustomCategory { key, .. } => format!("custom:{key}"),
            other => other.label(),
        }
    }

    /// Whether "among the book's largest" means anything for it.
    pub(super) fn ranks(&self) -> bool {
        matches!(
            self,
            Feature::ContractValue | Feature::SeatUse | Feature::CustomNumber { .. }
        )
    }
}

pub(super) fn cadence(i: &Inputs, settings: &Settings) -> i64 {
    i.tier.map(|t| settings.tiers.cadence_days(t)).unwrap_or(30)
}
