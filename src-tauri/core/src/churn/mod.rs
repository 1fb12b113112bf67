//! Churn risk: a logistic regression trained on the book's own history
//! (`train`), over whatever features the book holds (`features`), judged on
//! accounts it never saw (`fit`: AUC with an interval, Brier, calibration in
//! fixed ranges). Each live account gets a probability of churning within
//! the model's horizon and, from each factor's actual contribution for that
//! account, what raises it and what lowers it, in words. The stored model
//! records its features and format; one from another build is retrained,
//! never misread. With too little history there is no model, and risk falls
//! back to the health score, which the app says.

mod features;
mod fit;
mod train;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::health::{Inputs, Settings};
use crate::progress::ProgressSink;
use crate::say;
use crate::write::{Changes, Write};
use features::{cadence, Feature, Standing};
use fit::sigmoid;
pub use fit::{auc, auc_interval, calibration, fit_logistic, RANGES};
pub use train::{train, Trained};

/// The horizon of a book with churn spread over time (the longest tried).
pub const DEFAULT_HORIZON: i64 = 120;
/// The stored model's format; a model of another format is retrained.
pub const FORMAT: u32 = 2;
/// Fewer churned training examples than this and the model would learn noise.
pub const MIN_CHURNED: usize = 20;
/// Fewer churned test examples than this and the figures are no judgement:
/// the app says the book is too young to judge (and still ranks by the model).
pub const MIN_JUDGED: u32 = 30;

/// Predicted against observed churn for held-out examples in one range of
/// predicted probability.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub predicted: f64,
    pub observed: f64,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeatureWeight {
    pub feature: String,
    /// Change in log-odds per standard deviation; positive raises risk.
    pub coefficient: f64,
}

/// The model judged on the book's newest days, trained only on older ones
/// whose horizon had passed by then.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TimeSplit {
    /// The oldest day judged on.
    pub from: NaiveDate,
    pub auc: f64,
    pub auc_low: f64,
    pub auc_high: f64,
    pub rows: u32,
    pub churned: u32,
    pub training_rows: u32,
}

/// How the model was trained and how good it is on what it never saw.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ModelQuality {
    pub trained_on: NaiveDate,
    /// The model predicts churn within this many days.
    pub horizon_days: i64,
    pub snapshots: u32,
    pub training_rows: u32,
    pub training_churned: u32,
    pub test_rows: u32,
    pub test_churned: u32,
    /// Area under the ROC curve on held-out accounts (0.5 is a coin), with a
    /// 90% bootstrap interval.
    pub auc: f64,
    pub auc_low: f64,
    pub auc_high: f64,
    /// Held out in time as well: trained only on what was known before the
    /// newest snapshot days, judged on held-out accounts on those days.
    pub time_split: Option<TimeSplit>,
    /// Mean squared error of the probabilities on held-out accounts.
    pub brier: f64,
    pub calibration: Vec<CalibrationBin>,
    pub weights: Vec<FeatureWeight>,
    /// Enough churned test examples for the figures to mean something.
    pub judged: bool,
    /// The regularisation chosen by cross-validation.
    pub lambda: f64,
    pub features: u32,
    pub train_ms: f64,
}

/// A trained model as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChurnModel {
    pub format: u32,
    pub horizon_days: i64,
    pub features: Vec<Feature>,
    pub means: Vec<f64>,
    pub sds: Vec<f64>,
    /// Intercept first, then one per feature (on standardised values).
    pub coefficients: Vec<f64>,
    /// For features that rank (contract value, seat use, the CSM's numbers):
    /// the book's 15th and 85th percentile, for "among the book's largest".
    pub bands: Vec<Option<(f64, f64)>>,
    pub quality: ModelQuality,
}

/// What the app shows about churn risk: the model in use or why there is none.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ModelStatus {
    pub quality: Option<ModelQuality>,
    /// Why there is no model (too little history), when there is none.
    pub fallback_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Risk {
    /// Probability of churning within the model's horizon, 0-1.
    pub probability: f64,
    /// What raises it for this account, in words, strongest first.
    pub raises: Vec<String>,
    /// What lowers it for this account, strongest first.
    pub lowers: Vec<String>,
    /// The model predicts churn within this many days.
    pub horizon_days: i64,
}

/// A probability as a person can believe it: no false precision and no
/// certainty a model of churn cannot have. Below 1% reads "<1%", up to 10%
/// in whole points, to 90% in steps of five, above that ">90%". The UI
/// rounds the same way (`ui/src/lib/format.ts`).
pub fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct < 1.0 {
        "<1%".into()
    } else if pct < 10.0 {
        format!("{:.0}%", pct.round())
    } else if pct <= 90.0 {
        format!("{:.0}%", (pct / 5.0).round() * 5.0)
    } else {
        ">90%".into()
    }
}

/// A contribution smaller than this (in log-odds) is not worth a word.
const WORTH_SAYING: f64 = 0.1;

impl ChurnModel {
    fn raw(&self, i: &Inputs, settings: &Settings) -> Vec<Option<f64>> {
        let cadence = cadence(i, settings);
        self.features.iter().map(|f| f.value(i, cadence)).collect()
    }

    /// Each feature's contribution to the account's log-odds against the
    /// book's average account: weight times standardised distance.
    fn contributions(&self, raw: &[Option<f64>]) -> Vec<f64> {
        raw.iter()
            .enumerate()
            .map(|(k, v)| {
                v.map_or(0.0, |v| {
                    (v - self.means[k]) / self.sds[k] * self.coefficients[k + 1]
                })
            })
            .collect()
    }

    fn standing(&self, k: usize, value: Option<f64>) -> Standing {
        match (self.bands.get(k).copied().flatten(), value) {
            (Some((_, high)), Some(v)) if v >= high => Standing::High,
            (Some((low, _)), Some(v)) if v <= low => Standing::Low,
            _ => Standing::Middle,
        }
    }

    pub fn predict(&self, i: &Inputs, settings: &Settings) -> Risk {
        let raw = self.raw(i, settings);
        let parts = self.contributions(&raw);
        let logit = self.coefficients[0] + parts.iter().sum::<f64>();
        // One fact, one line: features reading the same input add up, and
        // the one that weighs most says it in words.
        let mut by_input: Vec<(String, f64, usize)> = Vec::new();
        for (k, c) in parts.iter().enumerate() {
            let input = self.features[k].input();
            match by_input.iter_mut().find(|(name, _, _)| *name == input) {
                Some(entry) => {
                    entry.1 += c;
                    if c.abs() > parts[entry.2].abs() {
                        entry.2 = k;
                    }
                }
                None => by_input.push((input, *c, k)),
            }
        }
        let cadence = cadence(i, settings);
        let words = |k: usize| self.features[k].describe(i, cadence, self.standing(k, raw[k]));
        let mut raises: Vec<&(String, f64, usize)> =
            by_input.iter().filter(|e| e.1 > WORTH_SAYING).collect();
        raises.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut lowers: Vec<&(String, f64, usize)> =
            by_input.iter().filter(|e| e.1 < -WORTH_SAYING).collect();
        lowers.sort_by(|a, b| a.1.total_cmp(&b.1));
        Risk {
            probability: sigmoid(logit),
            raises: raises.iter().take(3).map(|e| words(e.2)).collect(),
            lowers: lowers.iter().take(2).map(|e| words(e.2)).collect(),
            horizon_days: self.horizon_days,
        }
    }
}

/// Stores a freshly trained model; it replaces the previous one.
pub(crate) fn store(conn: &Connection, model: &ChurnModel) -> Result<()> {
    let json = serde_json::to_string(model).map_err(|e| {
        Error::invalid(say!(
            "The churn model cannot be stored: {e}",
            "Das Churn-Modell kann nicht gespeichert werden: {e}"
        ))
    })?;
    conn.execute(
        "INSERT INTO churn_models(trained_on, definition, created_at) VALUES (?1, ?2, ?3)",
        params![model.quality.trained_on, json, Utc::now().to_rfc3339()],
    )?;
    conn.execute(
        "DELETE FROM churn_models WHERE id < (SELECT max(id) FROM churn_models) - 4",
        [],
    )?;
    Ok(())
}

/// What is stored as the model in use.
pub enum Stored {
    None,
    Model(Box<ChurnModel>),
    /// Written by another build (another format, or unreadable): retrain.
    Outdated,
}

pub fn stored(conn: &Connection) -> Result<Stored> {
    let json: Option<String> = conn
        .query_row(
            "SELECT definition FROM churn_models ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let Some(json) = json else {
        return Ok(Stored::None);
    };
    Ok(match serde_json::from_str::<ChurnModel>(&json) {
        Ok(m)
            if m.format == FORMAT
                && m.coefficients.len() == m.features.len() + 1
                && m.bands.len() == m.features.len() =>
        {
            Stored::Model(Box::new(m))
        }
        _ => Stored::Outdated,
    })
}

/// The horizon of the stored model, without reading all of it.
pub fn horizon(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT json_extract(definition, '$.horizon_days') FROM churn_models ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The model in use, if one was trained by this build's format.
pub fn current(conn: &Connection) -> Result<Option<ChurnModel>> {
    Ok(match stored(conn)? {
        Stored::Model(m) => Some(*m),
        _ => None,
    })
}

/// Trains and stores a model (or records why there is none) within a write
/// that may hold what it has not committed yet (a new demo book, a day's
/// start); every account is then rescored with it.
pub fn retrain(w: &Write<'_>, progress: ProgressSink<'_>) -> Result<ModelStatus> {
    let settings = crate::health::settings::current(w.conn())?.settings;
    let trained = train(w.conn(), &settings, w.today(), progress)?;
    keep(w, trained)
}

/// Trains on the book as committed, reading its past days side by side on
/// connections of their own, then stores the model in one write that
/// rescores every account: what a CSM's "retrain" does. Edits wait only for
/// the storing, not for the training.
pub fn retrain_committed(
    conn: &mut Connection,
    today: NaiveDate,
    progress: ProgressSink<'_>,
) -> Result<(ModelStatus, Changes)> {
    let settings = crate::health::settings::current(conn)?.settings;
    let trained = train(conn, &settings, today, progress)?;
    crate::write::run(conn, today, |w| keep(w, trained))
}

/// Stores what training gave; the whole book is then rescored.
fn keep(w: &Write<'_>, trained: Trained) -> Result<ModelStatus> {
    let conn = w.conn();
    w.touch_book();
    match trained {
        Trained::Model(model) => {
            tracing::info!(
                ms = model.quality.train_ms as u64,
                features = model.quality.features,
                horizon = model.horizon_days,
                "churn model trained"
            );
            store(conn, &model)?;
            Ok(ModelStatus {
                quality: Some(model.quality),
                fallback_reason: None,
            })
        }
        Trained::TooLittleHistory(reason) => {
            conn.execute("DELETE FROM churn_models", [])?;
            crate::store::set_meta(conn, "churn_fallback", &reason)?;
            Ok(ModelStatus {
                quality: None,
                fallback_reason: Some(reason),
            })
        }
    }
}

pub fn status(conn: &Connection) -> Result<ModelStatus> {
    if let Some(model) = current(conn)? {
        return Ok(ModelStatus {
            quality: Some(model.quality),
            fallback_reason: None,
        });
    }
    let reason: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'churn_fallback'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(ModelStatus {
        quality: None,
        fallback_reason: Some(reason.unwrap_or_else(|| {
            "No churn model has been trained yet; risk follows the health score.".to_string()
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn probabilities_read_without_false_precision_or_certainty() {
        let read: Vec<String> = [0.0001, 0.004, 0.034, 0.31, 0.33, 0.9, 0.93, 0.9996]
            .into_iter()
            .map(percent)
            .collect();
        assert_eq!(
            read,
            ["<1%", "<1%", "3%", "30%", "35%", "90%", ">90%", ">90%"]
        );
    }
}
