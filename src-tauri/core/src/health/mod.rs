//! Explainable account health: a 0-100 score made of weighted components,
//! each scored from stored data against thresholds a CSM can read ("active
//! users 41% of seats, good from 80%"). Missing inputs are left out and their
//! weight shared by the rest, and every score names what drags it down most.
//! Onboarding accounts are judged by their own weights and against a rising
//! adoption bar. Settings (weights, thresholds, bands, tiers) are versioned in
//! `settings`; `inputs` reads what scores are made of as of any day.

pub mod inputs;
pub mod settings;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use inputs::Inputs;
pub use settings::Settings;

use crate::error::Result;
use crate::model::LifecycleStage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Adoption,
    Support,
    Voice,
    Commercial,
    Relationship,
    /// The CSM's own 1-5 rating.
    Sentiment,
}

impl Component {
    pub const ALL: [Component; 6] = [
        Component::Adoption,
        Component::Support,
        Component::Voice,
        Component::Commercial,
        Component::Relationship,
        Component::Sentiment,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Green,
    Yellow,
    Red,
    /// No component has data: no score rather than a misleading zero.
    Unknown,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Green => "green",
            Band::Yellow => "yellow",
            Band::Red => "red",
            Band::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Band {
        match s {
            "green" => Band::Green,
            "yellow" => Band::Yellow,
            "red" => Band::Red,
            _ => Band::Unknown,
        }
    }

    /// The band a score falls in under `settings`.
    pub fn of(score: f64, settings: &Settings) -> Band {
        if score >= settings.green_from {
            Band::Green
        } else if score >= settings.yellow_from {
            Band::Yellow
        } else {
            Band::Red
        }
    }
}

/// Which set of weights judged the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Standard,
    Onboarding,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ComponentScore {
    pub component: Component,
    /// 0-100.
    pub score: f64,
    /// Share of the total after missing components were left out (0-1).
    pub weight: f64,
    /// Points this component adds to the score (score x weight).
    pub points: f64,
    /// The numbers behind the score, in words.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Health {
    #[ts(type = "number")]
    pub account_id: i64,
    pub score: f64,
    pub band: Band,
    pub profile: Profile,
    pub components: Vec<ComponentScore>,
    /// Components left out for lack of data.
    pub missing: Vec<Component>,
    /// The input that costs the most points, with its numbers.
    pub biggest_drag: Option<String>,
}

/// Linear between a poor value (0 points) and a good one (100), clamped.
/// Works in either direction (poor above good for "fewer is better").
/// A value that is not a number scores 0 rather than poisoning the total.
pub fn scale(value: f64, poor: f64, good: f64) -> f64 {
    if value.is_nan() {
        return 0.0;
    }
    if (good - poor).abs() < f64::EPSILON {
        return if value >= good { 100.0 } else { 0.0 };
    }
    ((value - poor) / (good - poor) * 100.0).clamp(0.0, 100.0)
}

fn mean(parts: &[f64]) -> Option<f64> {
    (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64)
}

fn is_onboarding(i: &Inputs) -> bool {
    i.stage == Some(LifecycleStage::Onboarding)
}

/// A component's score, the sentence behind it, and the part of that
/// sentence about its weakest inputs (what "drags it down most" names).
struct Scored {
    score: f64,
    detail: String,
    weakest: String,
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
fn component(c: Component, i: &Inputs, s: &Settings) -> Option<Scored> {
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
                    words.push(format!(
                        "seat use above {pct:.0}% of tier {} accounts",
                        i.tier.map(|t| t.as_str()).unwrap_or("?")
                    ));
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
                parts.push(scale(days as f64, cadence * t.touch_poor_multiple, cadence));
                words.push(format!(
                    "last touch {days} days ago (tier {} cadence {cadence:.0} days)",
                    tier.as_str()
                ));
            }
            summarise(&parts, &words)
        }
        Component::Sentiment => {
            let (rating, age) = i.sentiment?;
            summarise(
                &[scale(rating as f64, 1.0, 5.0)],
                &[format!("your rating {rating} of 5, {age} days ago")],
            )
        }
    }
}

/// Scores one account from its inputs.
pub fn score(account_id: i64, inputs: &Inputs, settings: &Settings) -> Health {
    let profile = if is_onboarding(inputs) {
        Profile::Onboarding
    } else {
        Profile::Standard
    };
    let weights = match profile {
        Profile::Onboarding => &settings.onboarding_weights,
        Profile::Standard => &settings.weights,
    };
    let mut scored = Vec::new();
    let mut missing = Vec::new();
    for c in Component::ALL {
        let weight = weights.get(c).max(0.0);
        if weight == 0.0 || !weight.is_finite() {
            continue;
        }
        match component(c, inputs, settings) {
            Some(part) => scored.push((c, weight, part)),
            None => missing.push(c),
        }
    }
    let total: f64 = scored.iter().map(|(_, w, _)| w).sum();
    let share = |w: f64| if total > 0.0 { w / total } else { 0.0 };
    // The component costing the most points, named by its weakest inputs.
    let biggest_drag = scored
        .iter()
        .filter(|(_, _, p)| p.score < 100.0)
        .max_by(|a, b| ((100.0 - a.2.score) * a.1).total_cmp(&((100.0 - b.2.score) * b.1)))
        .map(|(_, _, p)| p.weakest.clone());
    let components: Vec<ComponentScore> = scored
        .into_iter()
        .map(|(component, w, part)| ComponentScore {
            component,
            score: part.score,
            weight: share(w),
            points: part.score * share(w),
            detail: part.detail,
        })
        .collect();
    let score = (components.iter().map(|c| c.points).sum::<f64>() * 10.0).round() / 10.0;
    let band = if components.is_empty() {
        Band::Unknown
    } else {
        Band::of(score, settings)
    };
    Health {
        account_id,
        score,
        band,
        profile,
        components,
        missing,
        biggest_drag,
    }
}

/// Scores one account live on `day`; None for a churned or unknown one.
pub fn score_one(
    conn: &Connection,
    account_id: i64,
    settings: &Settings,
    day: NaiveDate,
) -> Result<Option<Health>> {
    Ok(inputs::gather(
        conn,
        day,
        settings.thresholds.sentiment_valid_days,
        Some(account_id),
        inputs::Depth::Scores,
    )?
    .get(&account_id)
    .map(|i| score(account_id, i, settings)))
}

/// Scores every account live on `day`, ordered by id.
pub fn score_all(conn: &Connection, settings: &Settings, day: NaiveDate) -> Result<Vec<Health>> {
    let mut scores: Vec<Health> = inputs::gather(
        conn,
        day,
        settings.thresholds.sentiment_valid_days,
        None,
        inputs::Depth::Scores,
    )?
    .iter()
    .map(|(id, i)| score(*id, i, settings))
    .collect();
    scores.sort_by_key(|h| h.account_id);
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

    fn healthy() -> Inputs {
        Inputs {
            tier: Some(Tier::B),
            stage: Some(LifecycleStage::Mature),
            tenure_days: Some(700),
            seats_used_pct: Some(80.0),
            usage_trend_pct: Some(5.0),
            open_urgent_tickets: Some(0),
            tickets_90d: Some(2),
            nps_avg_12m: Some(9.0),
            invoices_12m: 4,
            late_or_failed_12m: 0,
            champion_present: Some(true),
            sponsor_present: Some(true),
            days_since_touch: Some(10),
            sentiment: Some((5, 3)),
            ..Inputs::default()
        }
    }

    fn component_of(h: &Health, c: Component) -> &ComponentScore {
        h.components
            .iter()
            .find(|x| x.component == c)
            .expect("component scored")
    }

    #[test]
    fn thresholds_scale_linearly_both_ways() {
        assert_eq!(scale(55.0, 30.0, 80.0), 50.0);
        assert_eq!(scale(10.0, 30.0, 80.0), 0.0);
        assert_eq!(scale(95.0, 30.0, 80.0), 100.0);
        assert_eq!(scale(1.0, 2.0, 0.0), 50.0, "fewer is better");
    }

    #[test]
    fn a_healthy_account_is_green_with_nothing_to_fix() {
        let h = score(1, &healthy(), &Settings::default());
        assert_eq!(h.score, 100.0);
        assert_eq!(h.band, Band::Green);
        assert_eq!(h.profile, Profile::Standard);
        assert!(h.missing.is_empty());
        assert_eq!(h.biggest_drag, None);
    }

    #[test]
    fn hand_checked_score_and_the_input_that_drags_it_down() {
        let inputs = Inputs {
            seats_used_pct: Some(41.0),
            usage_trend_pct: Some(-30.0),
            ..healthy()
        };
        let h = score(1, &inputs, &Settings::default());
        // Adoption: seats 41% -> (41-30)/50 = 22; trend -30% -> 0; mean 11.
        let adoption = component_of(&h, Component::Adoption);
        assert!((adoption.score - 11.0).abs() < 1e-9);
        assert!((adoption.weight - 0.30).abs() < 1e-9);
        // Total: 0.30 x 11 + 0.70 x 100 = 73.3.
        assert_eq!(h.score, 73.3);
        assert_eq!(h.band, Band::Green);
        let drag = h.biggest_drag.expect("a drag");
        assert!(
            drag.contains("active users 41% of seats (good from 80%)"),
            "{drag}"
        );
    }

    #[test]
    fn the_csms_rating_counts_and_says_when_it_was_given() {
        let inputs = Inputs {
            sentiment: Some((2, 12)),
            ..healthy()
        };
        let h = score(1, &inputs, &Settings::default());
        let s = component_of(&h, Component::Sentiment);
        assert_eq!(s.score, 25.0);
        assert_eq!(s.detail, "your rating 2 of 5, 12 days ago");
        // 0.10 x 25 + 0.90 x 100.
        assert_eq!(h.score, 92.5);
        let unrated = score(
            1,
            &Inputs {
                sentiment: None,
                ..healthy()
            },
            &Settings::default(),
        );
        assert_eq!(unrated.missing, vec![Component::Sentiment]);
    }

    #[test]
    fn edited_weights_and_thresholds_change_the_score() {
        let inputs = Inputs {
            seats_used_pct: Some(55.0),
            ..healthy()
        };
        let mut settings = Settings::default();
        let before = score(1, &inputs, &settings).score;
        // Adoption (50 + 100) / 2 = 75 at weight 0.3: 92.5.
        assert_eq!(before, 92.5);
        settings.weights.adoption = 90.0;
        // Adoption weight 90 of 160: 75 x 90/160 + 100 x 70/160 = 85.9.
        assert_eq!(score(1, &inputs, &settings).score, 85.9);
        settings.thresholds.seats_good_pct = 55.0;
        assert_eq!(score(1, &inputs, &settings).score, 100.0);
    }

    #[test]
    fn onboarding_accounts_are_judged_against_a_rising_bar() {
        let settings = Settings::default();
        let early = Inputs {
            stage: Some(LifecycleStage::Onboarding),
            tenure_days: Some(30),
            seats_used_pct: Some(26.0),
            usage_trend_pct: Some(-50.0),
            nps_avg_12m: None,
            ..healthy()
        };
        let h = score(1, &early, &settings);
        assert_eq!(h.profile, Profile::Onboarding);
        // Day 30 of 90: expected 80% x 1/3 = 26.7%, poor at 15% x 1/3 = 5%;
        // the falling trend is not held against a ramping account.
        let adoption = component_of(&h, Component::Adoption);
        assert!((adoption.score - scale(26.0, 5.0, 80.0 / 3.0)).abs() < 1e-9);
        assert!(adoption
            .detail
            .contains("day 30 of onboarding (expected 27%"));
        assert!(adoption.score > 95.0);
        // Voice has no weight for onboarding accounts: not missing, just not used.
        assert!(!h.missing.contains(&Component::Voice));
        // The same usage on a mature account is poor.
        let mature = score(
            1,
            &Inputs {
                stage: Some(LifecycleStage::Mature),
                ..early
            },
            &settings,
        );
        assert!(component_of(&mature, Component::Adoption).score < 1.0);
    }

    #[test]
    fn missing_inputs_are_left_out_and_their_weight_shared() {
        let inputs = Inputs {
            nps_avg_12m: None,
            invoices_12m: 0,
            sentiment: None,
            seats_used_pct: Some(30.0),
            usage_trend_pct: None,
            ..healthy()
        };
        let h = score(1, &inputs, &Settings::default());
        assert_eq!(
            h.missing,
            vec![
                Component::Voice,
                Component::Commercial,
                Component::Sentiment
            ]
        );
        let weights: f64 = h.components.iter().map(|c| c.weight).sum();
        assert!((weights - 1.0).abs() < 1e-9);
        // Adoption 0 with weight 30/65, support and relationship 100 with 35/65.
        assert_eq!(h.score, (35.0 / 65.0 * 1000.0_f64).round() / 10.0);
        assert_eq!(h.band, Band::Yellow);
    }

    #[test]
    fn scores_stay_in_range_whatever_the_inputs() {
        let settings = Settings::default();
        let extremes = [-1e9, -100.0, 0.0, 50.0, 1e9, f64::MAX, f64::NAN];
        for &v in &extremes {
            for days in [None, Some(-5), Some(0), Some(100_000)] {
                for stage in [LifecycleStage::Onboarding, LifecycleStage::Mature] {
                    let inputs = Inputs {
                        tier: Some(Tier::A),
                        stage: Some(stage),
                        tenure_days: days,
                        seats_used_pct: Some(v),
                        usage_trend_pct: Some(-v),
                        open_urgent_tickets: Some(v.clamp(0.0, 1e6) as i64),
                        tickets_90d: Some(7),
                        nps_avg_12m: Some(v.clamp(-5.0, 15.0)),
                        invoices_12m: 3,
                        late_or_failed_12m: 7,
                        champion_present: Some(false),
                        sponsor_present: None,
                        days_since_touch: days,
                        sentiment: Some((v.clamp(-9.0, 9.0) as i64, 1)),
                        ..Inputs::default()
                    };
                    let h = score(1, &inputs, &settings);
                    assert!((0.0..=100.0).contains(&h.score), "{h:?}");
                    assert!(h
                        .components
                        .iter()
                        .all(|c| (0.0..=100.0).contains(&c.score)));
                }
            }
        }
        let empty = score(1, &Inputs::default(), &settings);
        assert_eq!(empty.band, Band::Unknown);
        assert_eq!(empty.missing.len(), Component::ALL.len());
    }

    #[test]
    fn support_voice_and_commercial_use_every_input_they_have() {
        let inputs = Inputs {
            resolution_days_90d: Some(6.0),
            ticket_csat_90d: Some(3.5),
            survey_csat_12m: Some(2.5),
            mrr_change_12m_pct: Some(-10.0),
            ..healthy()
        };
        let h = score(1, &inputs, &Settings::default());
        // Support: urgent 100, volume 100, resolution 6 days between 10 and 2
        // -> 50, CSAT 3.5 between 2.5 and 4.5 -> 50; mean 75.
        let support = component_of(&h, Component::Support);
        assert_eq!(support.score, 75.0);
        assert!(support.detail.contains("resolved in 6.0 days on average"));
        // Voice: NPS 9 -> 100, survey CSAT 2.5 -> 0; mean 50.
        assert_eq!(component_of(&h, Component::Voice).score, 50.0);
        // Commercial: no late invoices -> 100, contract -10% (poor at -25%) -> 60; mean 80.
        let commercial = component_of(&h, Component::Commercial);
        assert_eq!(commercial.score, 80.0);
        assert!(commercial
            .detail
            .contains("contract -10% against a year ago"));
        // An account with no invoices is still judged on its contract.
        let young = Inputs {
            invoices_12m: 0,
            late_or_failed_12m: 0,
            mrr_change_12m_pct: Some(10.0),
            ..healthy()
        };
        let c = score(1, &young, &Settings::default());
        assert_eq!(component_of(&c, Component::Commercial).score, 100.0);
    }

    #[test]
    fn adoption_uses_every_usage_signal_by_hand() {
        let inputs = Inputs {
            usage_quarter_pct: Some(-30.0),
            login_days_28d: Some(13.0),
            events_per_user_day: Some(4.0),
            seat_use_percentile: Some(30.0),
            ..healthy()
        };
        let h = score(1, &inputs, &Settings::default());
        // Seats 80% -> 100, 4-week trend +5% -> 100, quarter -30% -> 0,
        // 13 login days (8..18) -> 50, 4 events (2..6) -> 50, percentile 30
        // (10..50) -> 50: mean 350 / 6.
        let adoption = component_of(&h, Component::Adoption);
        assert!((adoption.score - 350.0 / 6.0).abs() < 1e-9);
        for words in [
            "last 3 months -30% against the 3 before",
            "logins on 13 of the last 28 days (good from 18)",
            "4.0 feature events per active user a day",
            "seat use above 30% of tier B accounts",
        ] {
            assert!(adoption.detail.contains(words), "{}", adoption.detail);
        }
        // What drags it down names the two weakest inputs, not the good ones.
        assert_eq!(
            h.biggest_drag.as_deref(),
            Some("last 3 months -30% against the 3 before; logins on 13 of the last 28 days (good from 18)")
        );
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = Option<f64>> {
        use proptest::prelude::*;
        prop_oneof![
            Just(None),
            proptest::num::f64::ANY.prop_map(Some),
            (-1e4..1e4f64).prop_map(Some),
        ]
    }

    proptest::proptest! {
        /// Whatever the data says (NaN, infinities, negative counts, missing
        /// anything), a score is a number from 0 to 100 and nothing panics.
        #[test]
        fn any_inputs_score_between_0_and_100(
            a in any_value(), b in any_value(), c in any_value(), d in any_value(),
            e in any_value(), f in any_value(), g in any_value(), h in any_value(),
            k in any_value(), m in any_value(),
            counts in proptest::array::uniform8(-5i64..1_000_000),
            flags in proptest::array::uniform3(proptest::option::of(proptest::bool::ANY)),
            onboarding in proptest::bool::ANY,
            sentiment in proptest::option::of((-3i64..9, -10i64..500)),
        ) {
            let inputs = Inputs {
                tier: Some(Tier::A),
                stage: Some(if onboarding { LifecycleStage::Onboarding } else { LifecycleStage::Mature }),
                arr: a.unwrap_or(0.0),
                tenure_days: Some(counts[0]),
                renewal_in_days: Some(counts[1]),
                seats_used_pct: b,
                usage_trend_pct: c,
                usage_quarter_pct: d,
                login_days_28d: e,
                events_per_user_day: f,
                seat_use_percentile: g,
                usage_30_vs_90_pct: h,
                open_urgent_tickets: Some(counts[2]),
                oldest_urgent_days: Some(counts[3]),
                tickets_90d: Some(counts[4]),
                resolution_days_90d: k,
                ticket_csat_90d: m,
                nps_avg_12m: a,
                survey_csat_12m: b,
                mrr_change_12m_pct: c,
                detractors_90d: counts[5],
                invoices_12m: counts[6],
                late_or_failed_12m: counts[7],
                invoices_overdue: counts[5],
                milestones_missed: 0,
                missed_milestone: None,
                champion_present: flags[0],
                champion_left: flags[1].unwrap_or(false),
                sponsor_present: flags[2],
                days_since_touch: Some(counts[3]),
                sentiment,
            };
            let h = score(1, &inputs, &Settings::default());
            proptest::prop_assert!((0.0..=100.0).contains(&h.score), "{h:?}");
            for c in &h.components {
                proptest::prop_assert!((0.0..=100.0).contains(&c.score), "{c:?}");
            }
        }
    }

    #[test]
    fn settings_that_cannot_score_are_refused_with_the_reason() {
        let s = Settings {
            yellow_from: 80.0,
            ..Settings::default()
        };
        let e = s.validate().expect_err("bands crossed");
        assert!(e.to_string().contains("yellow from < green from"), "{e}");
        let s = Settings {
            weights: settings::Weights {
                adoption: 0.0,
                support: 0.0,
                voice: 0.0,
                commercial: 0.0,
                relationship: 0.0,
                sentiment: 0.0,
            },
            ..Settings::default()
        };
        assert!(s.validate().is_err());
        let mut s = Settings::default();
        s.tiers.b_from_arr = 200_000.0;
        assert!(s.validate().is_err());
        assert!(Settings::default().validate().is_ok());
    }
}
