//! Explainable account health: a 0-100 score made of weighted components,
//! each scored from stored data against thresholds a CSM can read ("active
//! users 41% of seats, good from 80%"). Missing inputs are left out and their
//! weight shared by the rest, and every score names what drags it down most.
//! All accounts are scored from a handful of aggregate queries, so scoring a
//! 5,000-account book takes milliseconds, not a nightly batch.
//!
//! This is the first part of issue 3: the model and its scoring. Editable
//! models, history, churn risk, alerts and the Today view build on it.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::model::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Adoption,
    Support,
    Voice,
    Commercial,
    Relationship,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::Adoption,
        Component::Support,
        Component::Voice,
        Component::Commercial,
        Component::Relationship,
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

/// Weights (any positive numbers; they are normalised over the components
/// that have data) and the band limits.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HealthModel {
    pub weights: HashMap<Component, f64>,
    /// Scores at or above this are green.
    pub green_from: f64,
    /// Scores at or above this (and below green) are yellow; below is red.
    pub yellow_from: f64,
}

impl Default for HealthModel {
    fn default() -> Self {
        let weights = [
            (Component::Adoption, 30.0),
            (Component::Support, 15.0),
            (Component::Voice, 15.0),
            (Component::Commercial, 15.0),
            (Component::Relationship, 25.0),
        ]
        .into_iter()
        .collect();
        HealthModel {
            weights,
            green_from: 70.0,
            yellow_from: 45.0,
        }
    }
}

/// What one account's health is computed from; None is "no data".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub tier: Option<Tier>,
    pub seats_used_pct: Option<f64>,
    pub usage_trend_pct: Option<f64>,
    pub open_urgent_tickets: Option<i64>,
    pub tickets_90d: Option<i64>,
    pub nps_avg_12m: Option<f64>,
    pub invoices_12m: i64,
    pub late_or_failed_12m: i64,
    pub champion_present: Option<bool>,
    pub sponsor_present: Option<bool>,
    pub days_since_touch: Option<i64>,
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
    pub components: Vec<ComponentScore>,
    /// Components left out for lack of data.
    pub missing: Vec<Component>,
    /// The input that costs the most points, with its numbers.
    pub biggest_drag: Option<String>,
}

/// Linear between a poor value (0 points) and a good one (100), clamped.
/// Works in either direction (poor above good for "fewer is better").
pub fn scale(value: f64, poor: f64, good: f64) -> f64 {
    if (good - poor).abs() < f64::EPSILON {
        return if value >= good { 100.0 } else { 0.0 };
    }
    ((value - poor) / (good - poor) * 100.0).clamp(0.0, 100.0)
}

/// Days between touches each tier should see at most.
pub fn cadence_days(tier: Tier) -> i64 {
    match tier {
        Tier::A => 14,
        Tier::B => 30,
        Tier::C => 90,
    }
}

fn mean(parts: &[f64]) -> Option<f64> {
    (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64)
}

/// One component's score and the sentence behind it, or None without data.
fn component(c: Component, i: &Inputs) -> Option<(f64, String)> {
    match c {
        Component::Adoption => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if let Some(seats) = i.seats_used_pct {
                parts.push(scale(seats, 30.0, 80.0));
                words.push(format!("active users {seats:.0}% of seats (good from 80%)"));
            }
            if let Some(trend) = i.usage_trend_pct {
                parts.push(scale(trend, -30.0, 5.0));
                words.push(format!(
                    "usage {trend:+.0}% over the last 4 weeks (poor from -30%)"
                ));
            }
            mean(&parts).map(|s| (s, words.join("; ")))
        }
        Component::Support => {
            let urgent = i.open_urgent_tickets?;
            let recent = i.tickets_90d.unwrap_or(0);
            let s = (scale(urgent as f64, 2.0, 0.0) + scale(recent as f64, 12.0, 2.0)) / 2.0;
            Some((
                s,
                format!("{urgent} open urgent tickets, {recent} tickets in 90 days (good up to 2)"),
            ))
        }
        Component::Voice => {
            let nps = i.nps_avg_12m?;
            Some((
                scale(nps, 6.0, 9.0),
                format!("average NPS answer {nps:.1} of 10 in 12 months (good from 9)"),
            ))
        }
        Component::Commercial => {
            if i.invoices_12m == 0 {
                return None;
            }
            let share = i.late_or_failed_12m as f64 / i.invoices_12m as f64 * 100.0;
            Some((
                scale(share, 50.0, 0.0),
                format!(
                    "{} of {} invoices late or failed in 12 months",
                    i.late_or_failed_12m, i.invoices_12m
                ),
            ))
        }
        Component::Relationship => {
            let mut parts = Vec::new();
            let mut words = Vec::new();
            if let (Some(champion), Some(sponsor)) = (i.champion_present, i.sponsor_present) {
                parts.push(f64::from(u8::from(champion) + u8::from(sponsor)) * 50.0);
                words.push(match (champion, sponsor) {
                    (true, true) => "champion and executive sponsor in place".to_string(),
                    (false, true) => "no champion".to_string(),
                    (true, false) => "no executive sponsor".to_string(),
                    (false, false) => "no champion and no executive sponsor".to_string(),
                });
            }
            if let (Some(days), Some(tier)) = (i.days_since_touch, i.tier) {
                let cadence = cadence_days(tier) as f64;
                parts.push(scale(days as f64, cadence * 3.0, cadence));
                words.push(format!(
                    "last touch {days} days ago (tier {} cadence {cadence:.0} days)",
                    tier.as_str()
                ));
            }
            mean(&parts).map(|s| (s, words.join("; ")))
        }
    }
}

/// Scores one account from its inputs.
pub fn score(account_id: i64, inputs: &Inputs, model: &HealthModel) -> Health {
    let mut scored = Vec::new();
    let mut missing = Vec::new();
    for c in Component::ALL {
        let weight = model.weights.get(&c).copied().unwrap_or(0.0).max(0.0);
        if weight == 0.0 {
            continue;
        }
        match component(c, inputs) {
            Some((s, detail)) => scored.push((c, s, weight, detail)),
            None => missing.push(c),
        }
    }
    let total: f64 = scored.iter().map(|(_, _, w, _)| w).sum();
    let components: Vec<ComponentScore> = scored
        .into_iter()
        .map(|(component, score, w, detail)| {
            let weight = if total > 0.0 { w / total } else { 0.0 };
            ComponentScore {
                component,
                score,
                weight,
                points: score * weight,
                detail,
            }
        })
        .collect();
    let score = (components.iter().map(|c| c.points).sum::<f64>() * 10.0).round() / 10.0;
    let band = if components.is_empty() {
        Band::Unknown
    } else if score >= model.green_from {
        Band::Green
    } else if score >= model.yellow_from {
        Band::Yellow
    } else {
        Band::Red
    };
    let biggest_drag = components
        .iter()
        .filter(|c| c.score < 100.0)
        .max_by(|a, b| ((100.0 - a.score) * a.weight).total_cmp(&((100.0 - b.score) * b.weight)))
        .map(|c| c.detail.clone());
    Health {
        account_id,
        score,
        band,
        components,
        missing,
        biggest_drag,
    }
}

/// Runs one aggregate query and calls `f` for each row. The query's `{ONE}`
/// spot becomes a filter on `column` when only one account is wanted, bound as
/// the parameter after `params`.
fn each_row(
    conn: &Connection,
    sql: &str,
    column: &str,
    params: &[&dyn rusqlite::ToSql],
    only: Option<i64>,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut bound = params.to_vec();
    let id = only.unwrap_or_default();
    let filter = match only {
        Some(_) => {
            bound.push(&id);
            format!(" AND {column} = ?{}", bound.len())
        }
        None => String::new(),
    };
    let mut stmt = conn.prepare_cached(&sql.replace("{ONE}", &filter))?;
    let mut rows = stmt.query(bound.as_slice())?;
    while let Some(row) = rows.next()? {
        f(row)?;
    }
    Ok(())
}

/// Gathers the inputs of every live account (or of one), with one aggregate
/// query per source table.
pub fn inputs(
    conn: &Connection,
    today: NaiveDate,
    only: Option<i64>,
) -> Result<HashMap<i64, Inputs>> {
    let mut all: HashMap<i64, Inputs> = HashMap::new();
    each_row(
        conn,
        "SELECT a.id, a.tier, r.seats_used_pct, r.usage_trend_pct, r.last_touch_on
         FROM accounts a LEFT JOIN account_rollups r ON r.account_id = a.id
         WHERE a.status = 'active' {ONE}",
        "a.id",
        &[],
        only,
        |r| {
            let touch: Option<NaiveDate> = r.get(4)?;
            let inputs = Inputs {
                tier: Some(r.get(1)?),
                seats_used_pct: r.get(2)?,
                usage_trend_pct: r.get(3)?,
                days_since_touch: touch.map(|d| (today - d).num_days()),
                // Every live account has a support record, even if empty.
                open_urgent_tickets: Some(0),
                tickets_90d: Some(0),
                champion_present: Some(false),
                sponsor_present: Some(false),
                ..Inputs::default()
            };
            all.insert(r.get(0)?, inputs);
            Ok(())
        },
    )?;
    // The remaining sources refine accounts already found (live ones only).
    let mut merge =
        |sql: &str,
         params: &[&dyn rusqlite::ToSql],
         apply: &dyn Fn(&rusqlite::Row<'_>, &mut Inputs) -> rusqlite::Result<()>| {
            each_row(conn, sql, "account_id", params, only, |r| {
                if let Some(i) = all.get_mut(&r.get::<_, i64>(0)?) {
                    apply(r, i)?;
                }
                Ok(())
            })
        };

    let since_90 = format!("{}T00:00:00Z", today - Duration::days(90));
    merge(
        "SELECT account_id,
                sum(priority = 'urgent' AND status IN ('open', 'pending')),
                sum(opened_at >= ?1)
         FROM tickets WHERE 1 {ONE} GROUP BY account_id",
        &[&since_90],
        &|r, i| {
            i.open_urgent_tickets = Some(r.get(1)?);
            i.tickets_90d = Some(r.get(2)?);
            Ok(())
        },
    )?;
    let year_ago = today - Duration::days(365);
    merge(
        "SELECT account_id, avg(score) FROM survey_responses
         WHERE kind = 'nps' AND responded_on > ?1 {ONE} GROUP BY account_id",
        &[&year_ago],
        &|r, i| {
            i.nps_avg_12m = Some(r.get(1)?);
            Ok(())
        },
    )?;
    merge(
        "SELECT account_id, count(*),
                sum(CASE WHEN status = 'failed' OR paid_on > due_on OR (status = 'open' AND due_on < ?2)
                         THEN 1 ELSE 0 END)
         FROM invoices WHERE issued_on > ?1 AND status <> 'void' {ONE} GROUP BY account_id",
        &[&year_ago, &today],
        &|r, i| {
            i.invoices_12m = r.get(1)?;
            i.late_or_failed_12m = r.get(2)?;
            Ok(())
        },
    )?;
    merge(
        "SELECT account_id, max(role = 'champion'), max(role = 'executive_sponsor')
         FROM contacts WHERE NOT left_company {ONE} GROUP BY account_id",
        &[],
        &|r, i| {
            i.champion_present = Some(r.get(1)?);
            i.sponsor_present = Some(r.get(2)?);
            Ok(())
        },
    )?;
    Ok(all)
}

/// Scores one live account; None for a churned or unknown one.
pub fn score_one(
    conn: &Connection,
    account_id: i64,
    model: &HealthModel,
    today: NaiveDate,
) -> Result<Option<Health>> {
    Ok(inputs(conn, today, Some(account_id))?
        .get(&account_id)
        .map(|i| score(account_id, i, model)))
}

/// Scores every live account.
pub fn score_all(conn: &Connection, model: &HealthModel, today: NaiveDate) -> Result<Vec<Health>> {
    let mut scores: Vec<Health> = inputs(conn, today, None)?
        .iter()
        .map(|(id, i)| score(*id, i, model))
        .collect();
    scores.sort_by_key(|h| h.account_id);
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> Inputs {
        Inputs {
            tier: Some(Tier::B),
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
        }
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
        let h = score(1, &healthy(), &HealthModel::default());
        assert_eq!(h.score, 100.0);
        assert_eq!(h.band, Band::Green);
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
        let h = score(1, &inputs, &HealthModel::default());
        // Adoption: seats 41% -> (41-30)/50 = 22; trend -30% -> 0; mean 11.
        let adoption = h
            .components
            .iter()
            .find(|c| c.component == Component::Adoption)
            .expect("adoption");
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
    fn missing_inputs_are_left_out_and_their_weight_shared() {
        let inputs = Inputs {
            nps_avg_12m: None,
            invoices_12m: 0,
            seats_used_pct: Some(30.0),
            usage_trend_pct: None,
            ..healthy()
        };
        let h = score(1, &inputs, &HealthModel::default());
        assert_eq!(h.missing, vec![Component::Voice, Component::Commercial]);
        let weights: f64 = h.components.iter().map(|c| c.weight).sum();
        assert!((weights - 1.0).abs() < 1e-9);
        // Adoption 0 with weight 30/70, support and relationship 100 with 40/70.
        assert_eq!(h.score, (40.0 / 70.0 * 1000.0_f64).round() / 10.0);
        assert_eq!(h.band, Band::Yellow);
    }

    #[test]
    fn scores_stay_in_range_whatever_the_inputs() {
        let model = HealthModel::default();
        let extremes = [-1e9, -100.0, 0.0, 50.0, 1e9, f64::MAX];
        for &v in &extremes {
            for days in [None, Some(-5), Some(0), Some(100_000)] {
                let inputs = Inputs {
                    tier: Some(Tier::A),
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
                };
                let h = score(1, &inputs, &model);
                assert!((0.0..=100.0).contains(&h.score), "{h:?}");
                assert!(h
                    .components
                    .iter()
                    .all(|c| (0.0..=100.0).contains(&c.score)));
            }
        }
        let empty = score(1, &Inputs::default(), &model);
        assert_eq!(empty.band, Band::Unknown);
        assert_eq!(empty.missing.len(), Component::ALL.len());
    }
}
