//! What the churn model may look at, read from an account's inputs as of a
//! day, and the words for each when it explains one account's risk. The
//! model uses whichever of these the book actually holds: a book without
//! usage still has contract value, term, tenure, billing and support; a
//! book with its own columns (segment, plan, region) adds those.

use serde::{Deserialize, Serialize};

use crate::health::{Inputs, Settings};
use crate::lang::{decimal, Lang};
use crate::say;

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
            Feature::ContractValue => say!("contract value", "Vertragswert"),
            Feature::Tenure => say!("time as a customer", "Zeit als Kunde"),
            Feature::Term => say!("multi-year contract", "mehrjähriger Vertrag"),
            Feature::MonthToMonth => say!("month-to-month contract", "monatlich kündbarer Vertrag"),
            Feature::RenewalMonths => say!("months to renewal", "Monate bis zur Verlängerung"),
            Feature::LatePayments => say!(
                "share of invoices late or failed",
                "Anteil überfälliger oder fehlgeschlagener Rechnungen"
            ),
            Feature::Overdue => say!("invoices overdue", "überfällige Rechnungen"),
            Feature::SeatUse => say!("seat use", "Lizenznutzung"),
            Feature::UsageTrend => say!("usage trend", "Nutzungstrend"),
            Feature::Tickets => say!("tickets in 90 days", "Tickets in 90 Tagen"),
            Feature::UrgentTickets => say!("open urgent tickets", "offene dringende Tickets"),
            Feature::Nps => say!("NPS answers", "NPS-Antworten"),
            Feature::Champion => say!("a champion in place", "ein Champion vorhanden"),
            Feature::Sponsor => say!(
                "an executive sponsor in place",
                "ein Executive Sponsor vorhanden"
            ),
            Feature::TouchGap => say!("time since last touch", "Zeit seit dem letzten Kontakt"),
            Feature::Sentiment => say!("your rating", "Ihre Bewertung"),
            Feature::PaymentMethod { value } => say!("pays by {value}", "zahlt per {value}"),
            Feature::CustomNumber { label, .. } => label.clone(),
            Feature::CustomCategory { label, value, .. } => format!("{label}: {value}"),
        }
    }

    /// The words for one account's value of this feature, with where it
    /// stands in the book when that says something ("among the largest").
    pub(super) fn describe(&self, i: &Inputs, cadence: i64, standing: Standing) -> String {
        let among = |low: String, high: String| match standing {
            Standing::Low => format!(", {low}"),
            Standing::High => format!(", {high}"),
            Standing::Middle => String::new(),
        };
        let lowest = || {
            among(
                say!(
                    "among the book's lowest",
                    "unter den niedrigsten im Portfolio"
                ),
                say!(
                    "among the book's highest",
                    "unter den höchsten im Portfolio"
                ),
            )
        };
        match self {
            Feature::ContractValue => {
                let value = crate::currency::compact(i.arr.unwrap_or_default(), &i.currency);
                let standing = among(
                    say!(
                        "among the book's smallest",
                        "unter den kleinsten im Portfolio"
                    ),
                    say!("among the book's largest", "unter den größten im Portfolio"),
                );
                say!("contract {value}{standing}", "Vertrag {value}{standing}")
            }
            Feature::Tenure => match i.tenure_days.unwrap_or_default() {
                d if d < 60 => say!("customer for {d} days", "Kunde seit {d} Tagen"),
                d if d < 730 => say!("customer for {} months", "Kunde seit {} Monaten", d / 30),
                d => {
                    let years = decimal(d as f64 / 365.0, 1);
                    say!("customer for {years} years", "Kunde seit {years} Jahren")
                }
            },
            Feature::Term | Feature::MonthToMonth => match i.term_months {
                Some(1) => say!("month-to-month contract", "monatlich kündbarer Vertrag"),
                Some(m) if m % 12 == 0 => {
                    say!("{}-year contract", "Vertrag über {} Jahre", m / 12)
                }
                Some(m) => say!("{m}-month contract", "Vertrag über {m} Monate"),
                None => say!("contract term unknown", "Vertragslaufzeit unbekannt"),
            },
            Feature::RenewalMonths => match i.renewal_in_days.unwrap_or_default() {
                d if d < 45 => say!("renews in {d} days", "verlängert in {d} Tagen"),
                d => {
                    let months = (d as f64 / 30.4).round();
                    say!(
                        "renews in {months} months",
                        "verlängert in {months} Monaten"
                    )
                }
            },
            Feature::LatePayments => say!(
                "{} of {} invoices in a year late or failed",
                "{} von {} Rechnungen eines Jahres überfällig oder fehlgeschlagen",
                i.late_or_failed_12m,
                i.invoices_12m
            ),
            Feature::Overdue => match i.invoices_overdue {
                0 => say!("no invoice overdue", "keine Rechnung überfällig"),
                1 => say!("1 invoice overdue", "1 Rechnung überfällig"),
                n => say!("{n} invoices overdue", "{n} Rechnungen überfällig"),
            },
            Feature::SeatUse => {
                let seats = i.seats_used_pct.unwrap_or_default();
                let standing = lowest();
                say!(
                    "active users {seats:.0}% of seats{standing}",
                    "aktive Nutzer {seats:.0} % der Lizenzen{standing}"
                )
            }
            Feature::UsageTrend => {
                let trend = i.usage_trend_pct.unwrap_or_default();
                say!(
                    "usage {trend:+.0}% over the last 4 weeks",
                    "Nutzung {trend:+.0} % in den letzten 4 Wochen"
                )
            }
            Feature::Tickets => {
                let n = i.tickets_90d.unwrap_or_default();
                say!("{n} tickets in 90 days", "{n} Tickets in 90 Tagen")
            }
            Feature::UrgentTickets => match i.open_urgent_tickets.unwrap_or_default() {
                0 => say!("no urgent ticket open", "kein dringendes Ticket offen"),
                1 => say!("1 urgent ticket open", "1 dringendes Ticket offen"),
                n => say!("{n} urgent tickets open", "{n} dringende Tickets offen"),
            },
            Feature::Nps => {
                let nps = decimal(i.nps_avg_12m.unwrap_or_default(), 1);
                say!("average NPS answer {nps}", "mittlere NPS-Antwort {nps}")
            }
            Feature::Champion => match (i.champion_present, i.champion_left) {
                (Some(true), _) => say!("a champion in place", "ein Champion vorhanden"),
                (_, true) => say!("the champion left", "der Champion ist gegangen"),
                _ => say!("no champion", "kein Champion"),
            },
            Feature::Sponsor => match i.sponsor_present {
                Some(true) => say!(
                    "an executive sponsor in place",
                    "ein Executive Sponsor vorhanden"
                ),
                _ => say!("no executive sponsor", "kein Executive Sponsor"),
            },
            Feature::TouchGap => {
                let days = i.days_since_touch.unwrap_or_default();
                say!(
                    "last touch {days} days ago (cadence {cadence})",
                    "letzter Kontakt vor {days} Tagen (Rhythmus {cadence})"
                )
            }
            Feature::Sentiment => {
                let rating = i.sentiment.map(|s| s.0).unwrap_or_default();
                say!("your rating {rating} of 5", "Ihre Bewertung {rating} von 5")
            }
            Feature::PaymentMethod { .. } => {
                let method = i.payment_method.as_deref().unwrap_or("?");
                say!("pays by {method}", "zahlt per {method}")
            }
            Feature::CustomNumber { key, label } => format!(
                "{label} {}{}",
                i.custom.get(key).map(String::as_str).unwrap_or("?"),
                lowest()
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
            // The same key in any language.
            other => Lang::En.scoped(|| other.label()),
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
