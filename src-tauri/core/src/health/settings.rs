//! The CSM's scoring settings: component weights (one set for mature
//! accounts, one for onboarding), the thresholds each input is judged
//! against, colour bands, tier cut-offs with their touch cadence, and alert
//! rule limits. Every save is a new version, so scores and history always
//! say which settings produced them.

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Component;
use crate::error::{Error, Result};
use crate::model::Tier;
use crate::say;

/// Relative weights; they are normalised over the components that have data,
/// so they need not add up to 100. Zero leaves a component out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Weights {
    pub adoption: f64,
    pub support: f64,
    pub voice: f64,
    pub commercial: f64,
    pub relationship: f64,
    pub sentiment: f64,
}

impl Weights {
    pub fn get(&self, c: Component) -> f64 {
        match c {
            Component::Adoption => self.adoption,
            Component::Support => self.support,
            Component::Voice => self.voice,
            Component::Commercial => self.commercial,
            Component::Relationship => self.relationship,
            Component::Sentiment => self.sentiment,
        }
    }
}

/// Where each input scores 0 ("poor") and 100 ("good"); values between are
/// linear. Poor may lie above good for "fewer is better" inputs. Fields added
/// after a version was saved take their default when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Thresholds {
    /// Active users at the weekly peak as % of licensed seats.
    pub seats_poor_pct: f64,
    pub seats_good_pct: f64,
    /// Usage of the last 4 weeks against the 4 before, in %.
    pub trend_poor_pct: f64,
    pub trend_good_pct: f64,
    /// Open urgent tickets at which support scores 0 on that half.
    pub urgent_tickets_poor: f64,
    /// Tickets opened in 90 days.
    pub tickets_90d_good: f64,
    pub tickets_90d_poor: f64,
    /// Average NPS answer (0-10) over 12 months.
    pub nps_poor: f64,
    pub nps_good: f64,
    /// Share of late or failed invoices over 12 months, in %.
    pub late_invoices_poor_pct: f64,
    /// Days since last touch scores 0 at this multiple of the tier's cadence.
    pub touch_poor_multiple: f64,
    /// A manual sentiment rating counts for this many days.
    pub sentiment_valid_days: i64,
    /// Onboarding accounts are expected to reach `seats_good_pct` this many
    /// days after contract start; before that the bar rises linearly.
    pub onboarding_ramp_days: i64,
    /// Average days to resolve a ticket.
    pub resolution_days_good: f64,
    pub resolution_days_poor: f64,
    /// CSAT (1-5), on tickets and in surveys.
    pub csat_poor: f64,
    pub csat_good: f64,
    /// MRR change over 12 months, in %: 0 or more is good.
    pub contraction_poor_pct: f64,
    /// Days with any login in 4 weeks (about 20 working days).
    pub login_days_poor: f64,
    pub login_days_good: f64,
    /// Feature events per active user and day.
    pub events_per_user_poor: f64,
    pub events_per_user_good: f64,
    /// Seat use percentile among accounts of the same tier.
    pub percentile_poor: f64,
    pub percentile_good: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            seats_poor_pct: 30.0,
            seats_good_pct: 80.0,
            trend_poor_pct: -30.0,
            trend_good_pct: 5.0,
            urgent_tickets_poor: 2.0,
            tickets_90d_good: 2.0,
            tickets_90d_poor: 12.0,
            nps_poor: 6.0,
            nps_good: 9.0,
            late_invoices_poor_pct: 50.0,
            touch_poor_multiple: 3.0,
            sentiment_valid_days: 90,
            onboarding_ramp_days: 90,
            resolution_days_good: 2.0,
            resolution_days_poor: 10.0,
            csat_poor: 2.5,
            csat_good: 4.5,
            contraction_poor_pct: -25.0,
            login_days_poor: 8.0,
            login_days_good: 18.0,
            events_per_user_poor: 2.0,
            events_per_user_good: 6.0,
            percentile_poor: 10.0,
            percentile_good: 50.0,
        }
    }
}

/// Tier by ARR (in the account's currency, major units) and how often each
/// tier should be touched.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct TierRules {
    pub a_from_arr: f64,
    pub b_from_arr: f64,
    pub cadence_a_days: i64,
    pub cadence_b_days: i64,
    pub cadence_c_days: i64,
}

impl TierRules {
    pub fn cadence_days(&self, tier: Tier) -> i64 {
        match tier {
            Tier::A => self.cadence_a_days,
            Tier::B => self.cadence_b_days,
            Tier::C => self.cadence_c_days,
        }
    }

    pub fn tier_for(&self, arr_major: f64) -> Tier {
        if arr_major >= self.a_from_arr {
            Tier::A
        } else if arr_major >= self.b_from_arr {
            Tier::B
        } else {
            Tier::C
        }
    }
}

/// Limits of the alert rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertRules {
    /// Health dropped by at least this many points...
    pub drop_points: f64,
    /// ...against the score this many days ago.
    pub drop_days: i64,
    /// Average active users of the last 30 days this % below the 90 days before.
    pub usage_drop_pct: f64,
    /// Renewal within this many days while health is not green.
    pub renewal_days: i64,
    /// An urgent ticket open longer than this.
    pub urgent_ticket_days: i64,
    /// Expansion: seats used at least this %...
    pub expansion_seats_pct: f64,
    /// ...and usage rising at least this % (4 weeks against the 4 before).
    pub expansion_trend_pct: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// Weights for adopting, mature and renewal-stage accounts.
    pub weights: Weights,
    /// Weights for onboarding accounts, judged on their ramp, not on mature adoption.
    pub onboarding_weights: Weights,
    /// Scores at or above this are green.
    pub green_from: f64,
    /// Scores at or above this (and below green) are yellow; below is red.
    pub yellow_from: f64,
    pub thresholds: Thresholds,
    pub tiers: TierRules,
    pub alerts: AlertRules,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            weights: Weights {
                adoption: 30.0,
                support: 15.0,
                voice: 10.0,
                commercial: 15.0,
                relationship: 20.0,
                sentiment: 10.0,
            },
            onboarding_weights: Weights {
                adoption: 45.0,
                support: 15.0,
                voice: 0.0,
                commercial: 5.0,
                relationship: 25.0,
                sentiment: 10.0,
            },
            green_from: 70.0,
            yellow_from: 45.0,
            thresholds: Thresholds::default(),
            tiers: TierRules {
                a_from_arr: 150_000.0,
                b_from_arr: 40_000.0,
                cadence_a_days: 14,
                cadence_b_days: 30,
                cadence_c_days: 90,
            },
            alerts: AlertRules {
                drop_points: 15.0,
                drop_days: 30,
                usage_drop_pct: 30.0,
                renewal_days: 90,
                urgent_ticket_days: 5,
                expansion_seats_pct: 90.0,
                expansion_trend_pct: 10.0,
            },
        }
    }
}

impl Settings {
    /// Refuses settings that cannot score sensibly, naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::invalid(what.to_string()));
        for (name, w) in [
            ("weights", &self.weights),
            ("onboarding weights", &self.onboarding_weights),
        ] {
            let all = Component::ALL.map(|c| w.get(c));
            if all.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return bad(&format!("The {name} must be zero or more."));
            }
            if all.iter().sum::<f64>() <= 0.0 {
                return bad(&format!("At least one of the {name} must be above zero."));
            }
        }
        if !(0.0..=100.0).contains(&self.yellow_from)
            || !(0.0..=100.0).contains(&self.green_from)
            || self.yellow_from >= self.green_from
        {
            return bad("Bands need 0 <= yellow from < green from <= 100.");
        }
        let t = &self.thresholds;
        for (name, poor, good) in [
            ("seats used", t.seats_poor_pct, t.seats_good_pct),
            ("usage trend", t.trend_poor_pct, t.trend_good_pct),
            ("tickets in 90 days", t.tickets_90d_poor, t.tickets_90d_good),
            ("NPS", t.nps_poor, t.nps_good),
            (
                "resolution time",
                t.resolution_days_poor,
                t.resolution_days_good,
            ),
            ("CSAT", t.csat_poor, t.csat_good),
            ("contract change", t.contraction_poor_pct, 0.0),
            ("login days", t.login_days_poor, t.login_days_good),
            (
                "feature use",
                t.events_per_user_poor,
                t.events_per_user_good,
            ),
            ("peer percentile", t.percentile_poor, t.percentile_good),
        ] {
            if !poor.is_finite() || !good.is_finite() || poor == good {
                return bad(&format!(
                    "The poor and good thresholds for {name} must differ."
                ));
            }
        }
        if t.urgent_tickets_poor <= 0.0
            || t.late_invoices_poor_pct <= 0.0
            || t.touch_poor_multiple <= 1.0
        {
            return bad("Urgent tickets and late invoices need a poor level above zero, and the touch limit a multiple above 1.");
        }
        if t.sentiment_valid_days < 1 || t.onboarding_ramp_days < 1 {
            return bad("Sentiment shelf life and onboarding ramp need at least one day.");
        }
        let tiers = &self.tiers;
        if !(tiers.b_from_arr > 0.0 && tiers.a_from_arr > tiers.b_from_arr) {
            return bad("Tier cut-offs need 0 < tier B from < tier A from.");
        }
        if [
            tiers.cadence_a_days,
            tiers.cadence_b_days,
            tiers.cadence_c_days,
        ]
        .iter()
        .any(|d| *d < 1)
        {
            return bad("Touch cadences need at least one day.");
        }
        let a = &self.alerts;
        if a.drop_points <= 0.0
            || a.drop_days < 1
            || a.usage_drop_pct <= 0.0
            || a.renewal_days < 1
            || a.urgent_ticket_days < 0
        {
            return bad("Alert limits must be above zero.");
        }
        Ok(())
    }
}

/// A saved version of the settings.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsVersion {
    /// 0 for the shipped defaults before anything was saved.
    #[ts(type = "number")]
    pub version: i64,
    pub settings: Settings,
    pub note: Option<String>,
    pub created_at: Option<String>,
}

/// The settings in force: the newest saved version, or the defaults.
pub fn current(conn: &Connection) -> Result<SettingsVersion> {
    let row: Option<(i64, String, Option<String>, String)> = conn
        .query_row(
            "SELECT version, settings, note, created_at FROM health_models ORDER BY version DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match row {
        None => Ok(SettingsVersion {
            version: 0,
            settings: Settings::default(),
            note: None,
            created_at: None,
        }),
        Some((version, json, note, created_at)) => Ok(SettingsVersion {
            version,
            settings: serde_json::from_str(&json).map_err(|e| {
                Error::invalid(say!(
"Saved health settings version {version} cannot be read: {e}",
"Die gespeicherte Version {version} der Health-Einstellungen kann nicht gelesen werden: {e}"
                ))
            })?,
            note,
            created_at: Some(created_at),
        }),
    }
}

/// Every saved version, newest first (the settings of each included).
pub fn versions(conn: &Connection) -> Result<Vec<SettingsVersion>> {
    let mut stmt = conn.prepare(
        "SELECT version, settings, note, created_at FROM health_models ORDER BY version DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, json, note, created_at) = row?;
        if let Ok(settings) = serde_json::from_str(&json) {
            out.push(SettingsVersion {
                version,
                settings,
                note,
                created_at: Some(created_at),
            });
        }
    }
    Ok(out)
}

/// Stores `settings` as a new version and re-tiers accounts by ARR. The
/// caller rescores the book (inside the same transaction).
pub fn save(conn: &Connection, settings: &Settings, note: Option<&str>) -> Result<i64> {
    settings.validate()?;
    let json = serde_json::to_string(settings).map_err(|e| {
        Error::invalid(say!(
            "Settings cannot be stored: {e}",
            "Die Einstellungen können nicht gespeichert werden: {e}"
        ))
    })?;
    conn.execute(
        "INSERT INTO health_models(settings, note, created_at) VALUES (?1, ?2, ?3)",
        params![
            json,
            note.map(str::trim).filter(|n| !n.is_empty()),
            Utc::now().to_rfc3339()
        ],
    )?;
    let version = conn.last_insert_rowid();
    retier(conn, &settings.tiers)?;
    Ok(version)
}

/// Puts every account in the tier its ARR says (in its currency's major units).
pub fn retier(conn: &Connection, tiers: &TierRules) -> Result<usize> {
    let per_major = crate::currency::sql_minor_per_major("currency");
    let tier = format!(
        "CASE WHEN arr_minor >= ?1 * {per_major} THEN 'A' WHEN arr_minor >= ?2 * {per_major} THEN 'B' ELSE 'C' END"
    );
    Ok(conn.execute(
        &format!("UPDATE accounts SET tier = {tier} WHERE tier IS NOT {tier}"),
        params![tiers.a_from_arr, tiers.b_from_arr],
    )?)
}
