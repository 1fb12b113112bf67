//! Scoring each component of health (adoption, support, voice, commercial,
//! relationship, the CSM's rating) from an account's inputs against the
//! settings' thresholds, with the sentence behind each score and its
//! weakest inputs named.

use super::inputs::CheckIn;
use super::{scale, Component, Inputs, Settings};
use crate::model::LifecycleStage;

fn mean(parts: &[f64]) -> Option<f64> {
    (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64)
}

pub(super) fn is_onboarding(i: &Inputs) -> bool {
    i.stage == Some(LifecycleStage::Onboarding)
}

/// A component's score, the sentence behind it, and the part of that
/// sentence about its weakest inputs (what "drags it down most" names).
pub(super) struct Scored {
    pub(super) score: f64,
    pub(super) detail: String,
    pub(super) weakest: String,
}

/// Averages a component's parts; `words[k]` describes `parts[k]`.
fn summarise(parts: &[f64], words: &[String]) -> Option<Scored> {
    let score = mean(parts)?;
    let mut weak: Vec<(f64, &String)> = parts
        .iter()
        .copied()
        .zip(words)
        .filter(|(p, _)| *p < 100.0)
        .collect();
    weak.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(Scored {
        score,
        detail: words.join("; "),
        weakest: weak
            .iter()
            .take(2)
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// One component's score and the sentence behind it, or None without data.
pub(super) fn component(c: Component, i: &Inputs, s: &Settings) -> Option<Scored> {
    let t = &s.thresholds;
    match c {
        Component::Adoption => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if is_onboarding(i) {
                // The bar rises from a quarter of the target to all of it
                // over the ramp; trends are meaningless while ramping up.
                let seats = i.seats_used_pct?;
                let day = i.tenure_days.unwrap_or(0).max(0);
                let ramp = (day as f64 / t.onboarding_ramp_days as f64).clamp(0.25, 1.0);
                let good = t.seats_good_pct * ramp;
                let poor = t.seats_poor_pct * ramp * 0.5;
                parts.push(scale(seats, poor, good));
                words.push(format!(
                    "active users {seats:.0}% of seats on day {day} of onboarding (expected {good:.0}% by now)"
                ));
            } else {
                if let Some(seats) = i.seats_used_pct {
                    parts.push(scale(seats, t.seats_poor_pct, t.seats_good_pct));
                    words.push(format!(
                        "active users {seats:.0}% of seats (good from {:.0}%)",
                        t.seats_good_pct
                    ));
                }
                if let Some(trend) = i.usage_trend_pct {
                    parts.push(scale(trend, t.trend_poor_pct, t.trend_good_pct));
                    words.push(format!(
                        "usage {trend:+.0}% over the last 4 weeks (poor from {:+.0}%)",
                        t.trend_poor_pct
                    ));
                }
                if let Some(quarter) = i.usage_quarter_pct {
                    parts.push(scale(quarter, t.trend_poor_pct, t.trend_good_pct));
                    words.push(format!("last 3 months {quarter:+.0}% against the 3 before"));
                }
                if let Some(days) = i.login_days_28d {
                    parts.push(scale(days, t.login_days_poor, t.login_days_good));
                    words.push(format!(
                        "logins on {days:.0} of the last 28 days (good from {:.0})",
                        t.login_days_good
                    ));
                }
                if let Some(events) = i.events_per_user_day {
                    parts.push(scale(
                        events,
                        t.events_per_user_poor,
                        t.events_per_user_good,
                    ));
                    words.push(format!("{events:.1} feature events per active user a day"));
                }
                if let Some(pct) = i.seat_use_percentile {
                    parts.push(scale(pct, t.percentile_poor, t.percentile_good));
                    let tier = i.tier.map(|t| t.as_str()).unwrap_or("?");
                    // Said from the side it is on: "above 0% of them" is
                    // true of the lowest and reads as praise.
                    words.push(if pct < 0.5 {
                        format!("the lowest seat use of tier {tier} accounts")
                    } else if pct < 50.0 {
                        format!("seat use below {:.0}% of tier {tier} accounts", 100.0 - pct)
                    } else {
                        format!("seat use above {pct:.0}% of tier {tier} accounts")
                    });
                }
            }
            summarise(&parts, &words)
        }
        Component::Support => {
            let urgent = i.open_urgent_tickets?;
            let recent = i.tickets_90d.unwrap_or(0);
            let mut parts = vec![
                scale(urgent as f64, t.urgent_tickets_poor, 0.0),
                scale(recent as f64, t.tickets_90d_poor, t.tickets_90d_good),
            ];
            let mut words = vec![
                format!("{urgent} open urgent tickets"),
                format!(
                    "{recent} tickets in 90 days (good up to {:.0})",
                    t.tickets_90d_good
                ),
            ];
            if let Some(days) = i.resolution_days_90d {
                parts.push(scale(days, t.resolution_days_poor, t.resolution_days_good));
                words.push(format!(
                    "resolved in {days:.1} days on average (good within {:.0})",
                    t.resolution_days_good
                ));
            }
            if let Some(csat) = i.ticket_csat_90d {
                parts.push(scale(csat, t.csat_poor, t.csat_good));
                words.push(format!("ticket CSAT {csat:.1} of 5"));
            }
            summarise(&parts, &words)
        }
        Component::Voice => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if let Some(nps) = i.nps_avg_12m {
                parts.push(scale(nps, t.nps_poor, t.nps_good));
                words.push(format!(
                    "average NPS answer {nps:.1} of 10 in 12 months (good from {:.0})",
                    t.nps_good
                ));
            }
            if let Some(csat) = i.survey_csat_12m {
                parts.push(scale(csat, t.csat_poor, t.csat_good));
                words.push(format!("CSAT surveys {csat:.1} of 5 in 12 months"));
            }
            summarise(&parts, &words)
        }
        Component::Commercial => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if i.invoices_12m > 0 {
                let share = i.late_or_failed_12m as f64 / i.invoices_12m as f64 * 100.0;
                parts.push(scale(share, t.late_invoices_poor_pct, 0.0));
                words.push(format!(
                    "{} of {} invoices late or failed in 12 months",
                    i.late_or_failed_12m, i.invoices_12m
                ));
            }
            if let Some(change) = i.mrr_change_12m_pct {
                parts.push(scale(change, t.contraction_poor_pct, 0.0));
                words.push(format!("contract {change:+.0}% against a year ago"));
            }
            summarise(&parts, &words)
        }
        Component::Relationship => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if let (Some(champion), Some(sponsor)) = (i.champion_present, i.sponsor_present) {
                parts.push(f64::from(u8::from(champion) + u8::from(sponsor)) * 50.0);
                let champion_gone = if i.champion_left {
                    " (the champion left)"
                } else {
                    ""
                };
                words.push(match (champion, sponsor) {
                    (true, true) => "champion and executive sponsor in place".to_string(),
                    (false, true) => format!("no champion{champion_gone}"),
                    (true, false) => "no executive sponsor".to_string(),
                    (false, false) => {
                        format!("no champion and no executive sponsor{champion_gone}")
                    }
                });
            }
            if let (Some(days), Some(tier)) = (i.days_since_touch, i.tier) {
                let cadence = s.tiers.cadence_days(tier) as f64;
                // The touch counts for the cadence, but a difficult call is
                // no sign of a good relationship.
                if matches!(i.checkin, Some((CheckIn::Negative, age)) if age == days) {
                    parts.push(0.0);
                    words.push(format!(
                        "last touch {days} days ago was a difficult check-in"
                    ));
                } else {
                    parts.push(scale(days as f64, cadence * t.touch_poor_multiple, cadence));
                    words.push(format!(
                        "last touch {days} days ago (tier {} cadence {cadence:.0} days)",
                        tier.as_str()
                    ));
                }
            }
            summarise(&parts, &words)
        }
        Component::Sentiment => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if let Some((rating, age)) = i.sentiment {
                parts.push(scale(rating as f64, 1.0, 5.0));
                words.push(format!("your rating {rating} of 5, {age} days ago"));
            }
            if let Some((checkin, age)) = i.checkin {
                let (points, how) = match checkin {
                    CheckIn::Positive => (100.0, "went well"),
                    CheckIn::Neutral => (60.0, "was neutral"),
                    CheckIn::Negative => (0.0, "went badly"),
                };
                parts.push(points);
                words.push(format!("the last check-in, {age} days ago, {how}"));
            }
            summarise(&parts, &words)
        }
    }
}
