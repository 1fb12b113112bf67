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

use crate::error::{Error, Result};
use crate::health::{inputs, Inputs, Settings};
use crate::write::Write;

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

/// What the model looks at. Each feature knows its value (None when the
/// input is missing: the training mean is used instead, which adds nothing
/// to the score) and the words for it when it raises an account's risk.
#[derive(Debug, Clone, Copy)]
enum Feature {
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

const FEATURES: [Feature; 13] = [
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
const N: usize = FEATURES.len();

impl Feature {
    fn name(self) -> &'static str {
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
    fn value(self, i: &Inputs, cadence: i64) -> Option<f64> {
        match self {
            Feature::ContractSize => Some((i.arr.max(0.0) + 1.0).ln()),
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

    fn describe(self, i: &Inputs, cadence: i64) -> String {
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

fn cadence(i: &Inputs, settings: &Settings) -> i64 {
    i.tier.map(|t| settings.tiers.cadence_days(t)).unwrap_or(30)
}

fn features(i: &Inputs, settings: &Settings) -> [Option<f64>; N] {
    let cadence = cadence(i, settings);
    FEATURES.map(|f| f.value(i, cadence))
}

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

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
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
fn held_out(account_id: i64) -> bool {
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

/// L2-regularised logistic regression by Newton's method (IRLS); the
/// intercept (column 0) is not penalised. A dozen features and tens of
/// thousands of rows converge in a few iterations.
// Matrix arithmetic reads best with explicit indices.
#[allow(clippy::needless_range_loop)]
pub fn fit_logistic(rows: &[(Vec<f64>, f64)], l2: f64) -> Vec<f64> {
    let Some(n) = rows.first().map(|r| r.0.len()) else {
        return Vec::new();
    };
    let mut beta = vec![0.0; n];
    for _ in 0..25 {
        let mut gradient = vec![0.0; n];
        let mut hessian = vec![vec![0.0; n]; n];
        for (x, y) in rows {
            let p = sigmoid(x.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let w = (p * (1.0 - p)).max(1e-9);
            for a in 0..n {
                gradient[a] += (y - p) * x[a];
                for b in a..n {
                    hessian[a][b] += w * x[a] * x[b];
                }
            }
        }
        for a in 0..n {
            for b in 0..a {
                hessian[a][b] = hessian[b][a];
            }
            if a > 0 {
                gradient[a] -= l2 * beta[a];
                hessian[a][a] += l2;
            }
        }
        let Some(step) = solve(hessian, gradient) else {
            break;
        };
        let size: f64 = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        if size < 1e-8 {
            break;
        }
    }
    beta
}

/// Solves a x = b by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for k in col..n {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Area under the ROC curve: the chance that a random churned account is
/// ranked above a random retained one (ties count half).
pub fn auc(scored: &[(f64, bool)]) -> f64 {
    let mut sorted: Vec<&(f64, bool)> = scored.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = scored.iter().filter(|s| s.1).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    // Sum of the ranks of positives, with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1].0 == sorted[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += rank * sorted[i..=j].iter().filter(|s| s.1).count() as f64;
        i = j + 1;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Groups predictions into `bins` equal-count bins by predicted risk and
/// compares the mean prediction with the observed churn rate of each.
pub fn calibration(scored: &[(f64, bool)], bins: usize) -> Vec<CalibrationBin> {
    let mut sorted: Vec<&(f64, bool)> = scored.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let per = sorted.len().div_ceil(bins.max(1)).max(1);
    sorted
        .chunks(per)
        .map(|chunk| {
            let n = chunk.len() as f64;
            CalibrationBin {
                predicted: chunk.iter().map(|s| s.0).sum::<f64>() / n,
                observed: chunk.iter().filter(|s| s.1).count() as f64 / n,
                count: chunk.len() as u32,
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ranked_pairs_and_ties_by_hand() {
        // Positives at 0.9 and 0.4, negatives at 0.5, 0.4, 0.1:
        // pairs won: 0.9 beats all 3; 0.4 beats 0.1, ties 0.4 (half) -> 4.5 of 6.
        let scored = [
            (0.9, true),
            (0.4, true),
            (0.5, false),
            (0.4, false),
            (0.1, false),
        ];
        assert!((auc(&scored) - 0.75).abs() < 1e-12);
        assert_eq!(auc(&[(0.3, true), (0.2, true)]), 0.5);
    }

    #[test]
    fn calibration_bins_compare_prediction_with_outcome() {
        let scored = [(0.1, false), (0.1, false), (0.8, true), (0.6, false)];
        let bins = calibration(&scored, 2);
        assert_eq!(bins.len(), 2);
        assert!((bins[0].predicted - 0.1).abs() < 1e-12);
        assert_eq!(bins[0].observed, 0.0);
        assert!((bins[1].predicted - 0.7).abs() < 1e-12);
        assert_eq!(bins[1].observed, 0.5);
    }

    #[test]
    fn logistic_fit_recovers_a_known_relation() {
        // y = 1 with probability sigmoid(-1 + 2x) on a grid of x.
        let mut rows = Vec::new();
        for i in 0..2000 {
            let x = (i % 200) as f64 / 50.0 - 2.0;
            let p = sigmoid(-1.0 + 2.0 * x);
            // Deterministic "sampling": the share of ones at each x matches p.
            let y = ((i / 200) as f64 + 0.5) / 10.0 < p;
            rows.push((vec![1.0, x], f64::from(u8::from(y))));
        }
        let beta = fit_logistic(&rows, 0.0);
        assert!((beta[0] + 1.0).abs() < 0.15, "{beta:?}");
        assert!((beta[1] - 2.0).abs() < 0.3, "{beta:?}");
    }

    #[test]
    fn held_out_accounts_are_about_a_quarter() {
        let n = (1..=4000).filter(|id| held_out(*id)).count();
        assert!((800..1200).contains(&n), "{n}");
    }
}
