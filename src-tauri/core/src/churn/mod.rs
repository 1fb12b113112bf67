//! Churn risk: a logistic regression trained on the book's own history.
//!
//! Training rows are snapshots: on several past days, every account that was
//! a customer then is described by the same inputs health uses (read as of
//! that day, so nothing from the future leaks in), and labelled by whether it
//! churned within the following `HORIZON_DAYS`. A quarter of the accounts
//! (chosen by id, so an account never sits on both sides) is held out to
//! report AUC, Brier score and a calibration table honestly. Each live
//! account then gets a probability and the factors that raise it most, in
//! plain words. With too little history there is no model, and risk falls
//! back to the health score, which the app says.

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod features;
mod fit;

use crate::error::{Error, Result};
use crate::health::{inputs, Inputs, Settings};
use crate::write::Write;
use features::{cadence, features, FEATURES, N};
use fit::sigmoid;
pub use fit::{auc, calibration, fit_logistic};

/// The model predicts churn within this many days.
pub const HORIZON_DAYS: i64 = 120;
/// Snapshots are this far apart.
const SNAPSHOT_STEP_DAYS: i64 = 60;
/// Enough snapshots for about this many training rows: a small book looks
/// further back to find churn examples, a large one has them in fewer
/// snapshots, which keeps retraining under a second.
const ROWS_WANTED: i64 = 20_000;
const MIN_SNAPSHOTS: i64 = 4;
const MAX_SNAPSHOTS: i64 = 12;

/// The book's first usage day: one seek per account (a plain min(day) would
/// scan every usage row, since the table is keyed by account first).
const FIRST_USAGE_DAY: &str =
    "SELECT min((SELECT min(day) FROM usage_daily u WHERE u.account_id = a.id)) FROM accounts a";

fn snapshots(conn: &Connection) -> Result<i64> {
    let live: i64 = conn.query_row(
        "SELECT count(*) FROM accounts WHERE status = 'active'",
        [],
        |r| r.get(0),
    )?;
    Ok((ROWS_WANTED / live.max(1)).clamp(MIN_SNAPSHOTS, MAX_SNAPSHOTS))
}
/// Fewer churned examples than this and the model would only learn noise.
pub const MIN_CHURNED: usize = 20;
const L2: f64 = 1.0;

/// One row of the calibration table: held-out accounts grouped by predicted risk.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CalibrationBin {
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

/// How the model was trained and how good it is.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ModelQuality {
    pub trained_on: NaiveDate,
    pub horizon_days: i64,
    pub snapshots: u32,
    pub training_rows: u32,
    pub training_churned: u32,
    pub test_rows: u32,
    pub test_churned: u32,
    /// Area under the ROC curve on held-out accounts (0.5 is a coin).
    pub auc: f64,
    /// Mean squared error of the probabilities on held-out accounts.
    pub brier: f64,
    pub calibration: Vec<CalibrationBin>,
    pub weights: Vec<FeatureWeight>,
    pub train_ms: f64,
}

/// A trained model as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChurnModel {
    pub means: Vec<f64>,
    pub sds: Vec<f64>,
    /// Intercept first, then one per feature (on standardised values).
    pub coefficients: Vec<f64>,
    pub quality: ModelQuality,
}

/// What the app shows about churn risk: the model in use or why there is none.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ModelStatus {
    pub quality: Option<ModelQuality>,
    /// Why there is no model (too little history), when there is none.
    pub fallback_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Risk {
    /// Probability of churning within the horizon, 0-1.
    pub probability: f64,
    /// What raises it most, in words, strongest first.
    pub factors: Vec<String>,
}

impl ChurnModel {
    fn standardise(&self, f: &[Option<f64>; N]) -> Vec<f64> {
        f.iter()
            .enumerate()
            .map(|(k, v)| v.map(|v| (v - self.means[k]) / self.sds[k]).unwrap_or(0.0))
            .collect()
    }

    pub fn predict(&self, i: &Inputs, settings: &Settings) -> Risk {
        let z = self.standardise(&features(i, settings));
        let logit = self.coefficients[0]
            + z.iter()
                .zip(&self.coefficients[1..])
                .map(|(x, b)| x * b)
                .sum::<f64>();
        let mut contributions: Vec<(usize, f64)> = z
            .iter()
            .zip(&self.coefficients[1..])
            .map(|(x, b)| x * b)
            .enumerate()
            .filter(|(_, c)| *c > 0.15)
            .collect();
        contributions.sort_by(|a, b| b.1.total_cmp(&a.1));
        Risk {
            probability: sigmoid(logit),
            factors: contributions
                .iter()
                .take(3)
                .map(|(k, _)| FEATURES[*k].describe(i, cadence(i, settings)))
                .collect(),
        }
    }
}

struct Example {
    account_id: i64,
    x: [Option<f64>; N],
    churned: bool,
}

/// Snapshots of the book on past days with their outcome.
/// Snapshots of the book on past days with their outcome, and how many
/// snapshot days were used.
fn examples(
    conn: &Connection,
    settings: &Settings,
    today: NaiveDate,
) -> Result<(Vec<Example>, u32)> {
    let first_usage: Option<NaiveDate> = conn
        .query_row(FIRST_USAGE_DAY, [], |r| r.get(0))
        .optional()?
        .flatten();
    let Some(first_usage) = first_usage else {
        return Ok((Vec::new(), 0));
    };
    let churn_dates: std::collections::HashMap<i64, NaiveDate> = conn
        .prepare("SELECT id, churn_date FROM accounts WHERE churn_date IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    let mut used = 0;
    for k in 0..snapshots(conn)? {
        let day = today - Duration::days(HORIZON_DAYS + k * SNAPSHOT_STEP_DAYS);
        // Snapshots need four months of usage before them to see a trend.
        if day < first_usage + Duration::days(120) {
            break;
        }
        used += 1;
        let horizon = day + Duration::days(HORIZON_DAYS);
        let snapshot = inputs::gather(
            conn,
            day,
            settings.thresholds.sentiment_valid_days,
            None,
            inputs::Depth::ChurnFeatures,
        )?;
        for (id, i) in snapshot {
            if i.tenure_days.unwrap_or(0) < 60 {
                continue;
            }
            let churned = churn_dates
                .get(&id)
                .is_some_and(|d| *d > day && *d <= horizon);
            out.push(Example {
                account_id: id,
                x: features(&i, settings),
                churned,
            });
        }
    }
    out.sort_by_key(|e| e.account_id);
    Ok((out, used))
}

/// Held-out accounts: a fixed quarter, by a hash of the id.
pub(crate) fn held_out(account_id: i64) -> bool {
    (account_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62 == 0
}

/// The outcome of training: a model, or why there is too little history.
pub enum Trained {
    Model(Box<ChurnModel>),
    TooLittleHistory(String),
}

/// Trains on the book's history as of `today`.
pub fn train(conn: &Connection, settings: &Settings, today: NaiveDate) -> Result<Trained> {
    let started = std::time::Instant::now();
    let (all, snapshots_used) = examples(conn, settings, today)?;
    let (test, train): (Vec<&Example>, Vec<&Example>) =
        all.iter().partition(|e| held_out(e.account_id));
    let churned = train.iter().filter(|e| e.churned).count();
    let test_churned = test.iter().filter(|e| e.churned).count();
    if churned < MIN_CHURNED || test_churned < 5 {
        return Ok(Trained::TooLittleHistory(format!(
            "Too little history to learn churn from: {} churn examples in the book's past (at least {} needed). Risk follows the health score until then.",
            churned + test_churned,
            MIN_CHURNED + 5
        )));
    }
    let n_features = FEATURES.len();
    let mut means = vec![0.0; n_features];
    let mut sds = vec![1.0; n_features];
    for k in 0..n_features {
        let values: Vec<f64> = train.iter().filter_map(|e| e.x[k]).collect();
        if values.is_empty() {
            continue;
        }
        let m = values.iter().sum::<f64>() / values.len() as f64;
        let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64;
        means[k] = m;
        sds[k] = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    let mut model = ChurnModel {
        means,
        sds,
        coefficients: vec![0.0; n_features + 1],
        quality: ModelQuality {
            trained_on: today,
            horizon_days: HORIZON_DAYS,
            snapshots: 0,
            training_rows: train.len() as u32,
            training_churned: churned as u32,
            test_rows: test.len() as u32,
            test_churned: test_churned as u32,
            auc: 0.0,
            brier: 0.0,
            calibration: Vec::new(),
            weights: Vec::new(),
            train_ms: 0.0,
        },
    };
    let rows: Vec<(Vec<f64>, f64)> = train
        .iter()
        .map(|e| {
            let mut x = vec![1.0];
            x.extend(model.standardise(&e.x));
            (x, f64::from(u8::from(e.churned)))
        })
        .collect();
    model.coefficients = fit_logistic(&rows, L2);

    let scored: Vec<(f64, bool)> = test
        .iter()
        .map(|e| {
            let z = model.standardise(&e.x);
            let logit = model.coefficients[0]
                + z.iter()
                    .zip(&model.coefficients[1..])
                    .map(|(x, b)| x * b)
                    .sum::<f64>();
            (sigmoid(logit), e.churned)
        })
        .collect();
    model.quality.auc = auc(&scored);
    model.quality.brier = scored
        .iter()
        .map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2))
        .sum::<f64>()
        / scored.len().max(1) as f64;
    model.quality.calibration = calibration(&scored, 5);
    model.quality.weights = FEATURES
        .iter()
        .zip(&model.coefficients[1..])
        .map(|(f, c)| FeatureWeight {
            feature: f.name().to_string(),
            coefficient: (c * 1000.0).round() / 1000.0,
        })
        .collect();
    model.quality.snapshots = snapshots_used;
    model.quality.train_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(Trained::Model(Box::new(model)))
}

/// Stores a freshly trained model; it replaces the previous one.
pub(crate) fn store(conn: &Connection, model: &ChurnModel) -> Result<()> {
    let json = serde_json::to_string(model)
        .map_err(|e| Error::invalid(format!("The churn model cannot be stored: {e}")))?;
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

/// The model in use, if one was trained.
pub fn current(conn: &Connection) -> Result<Option<ChurnModel>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT definition FROM churn_models ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    // A model stored by another build that no longer parses is retrained, not fatal.
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Trains and stores a model (or records why there is none); every account
/// is then rescored with it.
pub fn retrain(w: &Write<'_>) -> Result<ModelStatus> {
    let (conn, today) = (w.conn(), w.today());
    let settings = crate::health::settings::current(conn)?.settings;
    w.touch_book();
    let started = std::time::Instant::now();
    let trained = train(conn, &settings, today)?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "churn model trained"
    );
    match trained {
        Trained::Model(model) => {
            store(conn, &model)?;
            Ok(ModelStatus {
                quality: Some(model.quality),
                fallback_reason: None,
            })
        }
        Trained::TooLittleHistory(reason) => {
            conn.execute("DELETE FROM churn_models", [])?;
            set_fallback(conn, &reason)?;
            Ok(ModelStatus {
                quality: None,
                fallback_reason: Some(reason),
            })
        }
    }
}

fn set_fallback(conn: &Connection, reason: &str) -> Result<()> {
    crate::store::set_meta(conn, "churn_fallback", reason)
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
