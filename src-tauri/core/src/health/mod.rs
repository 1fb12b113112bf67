//! Explainable account health: a 0-100 score made of weighted components,
//! each scored from stored data against thresholds a CSM can read ("active
//! users 41% of seats, good from 80%"). Missing inputs are left out and their
//! weight shared by the rest, and every score names what drags it down most.
//! Onboarding accounts are judged by their own weights and against a rising
//! adoption bar. Settings (weights, thresholds, bands, tiers) are versioned in
//! `settings`; `inputs` reads what scores are made of as of any day, with
//! usage summed over the windows' ranges by `usage` (kept with the rollups
//! for their day).

mod components;
pub mod inputs;
pub mod settings;
pub(crate) mod usage;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use inputs::Inputs;
pub use settings::Settings;

use crate::error::Result;
pub use components::Sentences;
use components::{component, is_onboarding};

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

/// Whether the components with data say enough to judge an account: its
/// usage, or at least two other things. An account imported with only a
/// contact list (or nothing) is "not enough data yet", never red.
pub fn enough_data(components: &[ComponentScore]) -> bool {
    components
        .iter()
        .any(|c| c.component == Component::Adoption)
        || components.len() >= 2
}

/// Scores one account from its inputs.
pub fn score(account_id: i64, inputs: &Inputs, settings: &Settings) -> Health {
    score_with(account_id, inputs, settings, Sentences::All)
}

/// `score`, with the sentences asked for: with `DragOnly` the components'
/// details are empty and only the biggest drag is put in words (the same
/// words as with `All`); with `None` there are no words at all.
pub fn score_with(
    account_id: i64,
    inputs: &Inputs,
    settings: &Settings,
    sentences: Sentences,
) -> Health {
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
        match component(c, inputs, settings, sentences) {
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
        .and_then(|(c, _, p)| match sentences {
            Sentences::All => Some(p.weakest.clone()),
            Sentences::DragOnly => {
                component(*c, inputs, settings, Sentences::All).map(|p| p.weakest)
            }
            Sentences::None => None,
        });
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
    // One rounding, to the whole points the app shows, and the band from
    // that: a score shown as 85 with green from 85 is green everywhere.
    let score = components.iter().map(|c| c.points).sum::<f64>().round();
    let band = if enough_data(&components) {
        Band::of(score, settings)
    } else {
        Band::Unknown
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
        crate::store::Scope::One(account_id),
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
        crate::store::Scope::Book,
        inputs::Depth::Scores,
    )?
    .iter()
    .map(|(id, i)| score(*id, i, settings))
    .collect();
    scores.sort_by_key(|h| h.account_id);
    Ok(scores)
}

#[cfg(test)]
mod tests;
