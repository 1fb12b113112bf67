//! What the churn model looks at: each feature's value for an account's
//! inputs (None when the input is missing) and the words that name it.

use crate::health::{Inputs, Settings};

/// What the model looks at. Each feature knows its value (None when the
/// input is missing: the training mean is used instead, which adds nothing
/// to the score) and the words for it when it raises an account's risk.
#[derive(Debug, Clone, Copy)]
pub(super) enum Feature {
    ContractSize,
    Tenure,
    SeatUse,
    UsageTrend,
    UrgentTickets,
    RecentTickets,
    Nps,
    LateInvoices,
    OverdueInvoices,
    NoChampion,
    NoSponsor,
    TouchGap,
    Sentiment,
}

pub(super) const FEATURES: [Feature; 13] = [
    Feature::ContractSize,
    Feature::Tenure,
    Feature::SeatUse,
    Feature::UsageTrend,
    Feature::UrgentTickets,
    Feature::RecentTickets,
    Feature::Nps,
    Feature::LateInvoices,
    Feature::OverdueInvoices,
    Feature::NoChampion,
    Feature::NoSponsor,
    Feature::TouchGap,
    Feature::Sentiment,
];
pub(super) const N: usize = FEATURES.len();

impl Feature {
    pub(super) fn name(self) -> &'static str {
        match self {
            Feature::ContractSize => "contract size",
            Feature::Tenure => "tenure",
            Feature::SeatUse => "seat use",
            Feature::UsageTrend => "usage trend",
            Feature::UrgentTickets => "open urgent tickets",
            Feature::RecentTickets => "tickets in 90 days",
            Feature::Nps => "NPS",
            Feature::LateInvoices => "late or failed invoices",
            Feature::OverdueInvoices => "overdue invoices",
            Feature::NoChampion => "no champion",
            Feature::NoSponsor => "no executive sponsor",
            Feature::TouchGap => "time since last touch",
            Feature::Sentiment => "your sentiment",
        }
    }

    /// `cadence` is the account's tier cadence in days.
    pub(super) fn value(self, i: &Inputs, cadence: i64) -> Option<f64> {
        match self {
            Feature::ContractSize => i.arr.map(|a| (a.max(0.0) + 1.0).ln()),
            Feature::Tenure => i.tenure_days.map(|d| (d as f64 / 365.0).clamp(0.0, 6.0)),
            Feature::SeatUse => i.seats_used_pct.map(|v| v.clamp(0.0, 150.0)),
            Feature::UsageTrend => i.usage_trend_pct.map(|v| v.clamp(-100.0, 100.0)),
            Feature::UrgentTickets => i.open_urgent_tickets.map(|v| (v as f64).min(5.0)),
            Feature::RecentTickets => i.tickets_90d.map(|v| (v as f64).min(30.0)),
            Feature::Nps => i.nps_avg_12m,
            Feature::LateInvoices => (i.invoices_12m > 0)
                .then(|| i.late_or_failed_12m as f64 / i.invoices_12m as f64 * 100.0),
            Feature::OverdueInvoices => Some((i.invoices_overdue as f64).min(5.0)),
            Feature::NoChampion => i.champion_present.map(|c| f64::from(u8::from(!c))),
            Feature::NoSponsor => i.sponsor_present.map(|s| f64::from(u8::from(!s))),
            Feature::TouchGap => i
                .days_since_touch
                .map(|d| (d.max(0) as f64 / cadence as f64).min(10.0)),
            Feature::Sentiment => i.sentiment.map(|(r, _)| r as f64),
        }
    }

    pub(super) fn describe(self, i: &Inputs, cadence: i64) -> String {
        match self {
            Feature::ContractSize => "small contract".to_string(),
            Feature::Tenure => match i.tenure_days {
                Some(d) if d < 365 => format!("customer for {} months only", d / 30),
                Some(d) => format!("customer for {:.1} years", d as f64 / 365.0),
                None => "tenure unknown".to_string(),
            },
            Feature::SeatUse => format!(
                "active users {:.0}% of seats",
                i.seats_used_pct.unwrap_or_default()
            ),
            Feature::UsageTrend => format!(
                "usage {:+.0}% over the last 4 weeks",
                i.usage_trend_pct.unwrap_or_default()
            ),
            Feature::UrgentTickets => format!(
                "{} open urgent tickets",
                i.open_urgent_tickets.unwrap_or_default()
            ),
            Feature::RecentTickets => {
                format!("{} tickets in 90 days", i.tickets_90d.unwrap_or_default())
            }
            Feature::Nps => format!(
                "average NPS answer {:.1}",
                i.nps_avg_12m.unwrap_or_default()
            ),
            Feature::LateInvoices => format!(
                "{} of {} invoices late or failed",
                i.late_or_failed_12m, i.invoices_12m
            ),
            Feature::OverdueInvoices => format!("{} invoices overdue", i.invoices_overdue),
            Feature::NoChampion if i.champion_left => "the champion left".to_string(),
            Feature::NoChampion => "no champion".to_string(),
            Feature::NoSponsor => "no executive sponsor".to_string(),
            Feature::TouchGap => format!(
                "last touch {} days ago (cadence {cadence})",
                i.days_since_touch.unwrap_or_default()
            ),
            Feature::Sentiment => format!(
                "your sentiment {} of 5",
                i.sentiment.map(|s| s.0).unwrap_or_default()
            ),
        }
    }
}

pub(super) fn cadence(i: &Inputs, settings: &Settings) -> i64 {
    i.tier.map(|t| settings.tiers.cadence_days(t)).unwrap_or(30)
}

pub(super) fn features(i: &Inputs, settings: &Settings) -> [Option<f64>; N] {
    let cadence = cadence(i, settings);
    FEATURES.map(|f| f.value(i, cadence))
}
