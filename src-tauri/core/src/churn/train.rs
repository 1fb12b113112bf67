//! Training the churn model on the book's own history, and judging it
//! honestly (insight.md).
//!
//! Examples are (account, day) pairs: on snapshot days in the past, every
//! account that was a customer then is described as it was known that day
//! and labelled by whether it churned within the horizon after. Which days
//! and which horizon depend on the book: a book whose churn spreads over
//! years gets 120-day horizons on several days; a book whose churn was all
//! recorded last month (an export of current and recent customers) gets one
//! day a month back, since days before its first recorded churn would see
//! only the survivors.
//!
//! Accounts are held out by a hash of their id (a quarter), never seen in
//! training; where the book has several snapshot days the newest is also
//! held out in time. Regularisation is chosen by cross-validation on the
//! training part. The deployed model is then fitted on every example.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

use super::features::{cadence, Feature, BASE};
use super::fit::{auc, auc_interval, calibration, fit_logistic, sigmoid};
use super::{ChurnModel, FeatureWeight, ModelQuality, TimeSplit, FORMAT, MIN_CHURNED, MIN_JUDGED};
use crate::error::Result;
use crate::health::{inputs, Inputs, Settings};
use crate::progress::{Progress, ProgressSink};
use crate::say;

/// Horizons tried, longest first: the one with the most churn examples wins.
const HORIZONS: [i64; 4] = [super::DEFAULT_HORIZON, 90, 60, 30];
/// About this many training rows: small books look further back.
const ROWS_WANTED: i64 = 20_000;
const MAX_SNAPSHOTS: i64 = 12;
/// Regularisation strengths tried by cross-validation.
const LAMBDAS: [f64; 3] = [0.3, 3.0, 30.0];
/// A feature present for fewer examples than this share is left out.
const MIN_PRESENT: f64 = 0.3;

/// Held-out accounts: a fixed quarter, by a hash of the id.
pub(crate) fn held_out(account_id: i64) -> bool {
    (account_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62 == 0
}

/// The cross-validation fold of a training account.
fn fold(account_id: i64) -> u64 {
    ((account_id as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 32) % 3
}

/// The days the book is read on, newest first, and the horizon after each.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub horizon: i64,
    pub days: Vec<NaiveDate>,
    pub positives: i64,
}

/// Picks the horizon and snapshot days with the most churn examples.
pub(super) fn plan(conn: &Connection, today: NaiveDate) -> Result<Option<Plan>> {
    let (first_start, first_churn, live): (Option<NaiveDate>, Option<NaiveDate>, i64) = conn.query_row(
        "SELECT min(contract_start), (SELECT min(churn_date) FROM accounts WHERE status = 'churned'),
                (SELECT count(*) FROM accounts WHERE status = 'active')
         FROM accounts",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let Some(first_churn) = first_churn else {
        return Ok(None);
    };
    let first_start = first_start.unwrap_or(first_churn);
    let most = (ROWS_WANTED / live.max(1)).clamp(1, MAX_SNAPSHOTS);
    let mut count = conn.prepare_cached(
        "SELECT count(*) FROM accounts WHERE status = 'churned' AND churn_date > ?1 AND churn_date <= ?2
           AND coalesce(contract_start, '') <= ?1",
    )?;
    let mut best: Option<Plan> = None;
    for horizon in HORIZONS {
        let step = horizon.min(60);
        let mut days = Vec::new();
        let mut positives = 0;
        for k in 0..most {
            let day = today - Duration::days(horizon + k * step);
            // Before the first recorded churn the book shows only survivors.
            if day < first_churn - Duration::days(horizon) || day < first_start {
                break;
            }
            let n: i64 = count
                .query_row(rusqlite::params![day, day + Duration::days(horizon)], |r| {
                    r.get(0)
                })?;
            positives += n;
            days.push(day);
        }
        if !days.is_empty() && best.as_ref().is_none_or(|b| positives > b.positives) {
            best = Some(Plan {
                horizon,
                days,
                positives,
            });
        }
    }
    Ok(best)
}

/// The book as it was known on each day, in the order of `days`. Outside a
/// write, on a file, the days are shared out to further connections that
/// read side by side (each day's reads stand alone, and a two-core laptop
/// waits about half as long); inside a write they are read in turn on its
/// connection, the only one that sees what the write has not committed.
fn snapshots(
    conn: &Connection,
    days: &[NaiveDate],
    sentiment_valid_days: i64,
    progress: ProgressSink<'_>,
) -> Result<Vec<HashMap<i64, Inputs>>> {
    let read = |c: &Connection, day: NaiveDate| {
        inputs::gather(
            c,
            day,
            sentiment_valid_days,
            crate::store::Scope::Book,
            inputs::Depth::ChurnFeatures,
        )
    };
    let file = conn
        .path()
        .filter(|p| !p.is_empty() && conn.is_autocommit())
        .map(std::path::PathBuf::from);
    let helpers = match &file {
        Some(_) => crate::cores::available().min(days.len()).saturating_sub(1),
        None => 0,
    };
    let stride = helpers + 1;
    let done = AtomicU64::new(0);
    // A helper's errors read in the caller's language.
    let lang = crate::lang::Lang::current();
    let mut out: Vec<Option<HashMap<i64, Inputs>>> = (0..days.len()).map(|_| None).collect();
    std::thread::scope(|scope| -> Result<()> {
        let (done, read) = (&done, &read);
        let workers: Vec<_> = (1..=helpers)
            .filter_map(|first| {
                let path = file.clone()?;
                Some(
                    scope.spawn(move || -> Result<Vec<(usize, HashMap<i64, Inputs>)>> {
                        lang.scoped(|| {
                            let c = crate::store::connect(&path)?;
                            (first..days.len())
                                .step_by(stride)
                                .map(|k| {
                                    let snapshot = read(&c, days[k])?;
                                    done.fetch_add(1, Ordering::Relaxed);
                                    Ok((k, snapshot))
                                })
                                .collect()
                        })
                    }),
                )
            })
            .collect();
        let tell = |progress: ProgressSink<'_>| {
            progress(Progress {
                phase: say!(
                    "Reading the book as it was",
                    "Das Portfolio wird gelesen, wie es war"
                ),
                done: done.load(Ordering::Relaxed),
                total: Some(days.len() as u64 + 1),
            });
        };
        for k in (0..days.len()).step_by(stride) {
            tell(&mut *progress);
            out[k] = Some(read(conn, days[k])?);
            done.fetch_add(1, Ordering::Relaxed);
        }
        for worker in workers {
            for (k, snapshot) in crate::cores::finished(worker)? {
                out[k] = Some(snapshot);
            }
        }
        Ok(())
    })?;
    Ok(out.into_iter().flatten().collect())
}

struct Example {
    account: i64,
    snapshot: usize,
    raw: Vec<Option<f64>>,
    churned: bool,
}

/// Every feature the book could give: the base ones, its payment methods
/// and the CSM's own fields (categories with enough accounts each).
fn candidates(conn: &Connection, today: NaiveDate) -> Result<Vec<Feature>> {
    let mut out: Vec<Feature> = BASE.to_vec();
    let accounts: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
    let enough = (accounts / 50).max(10);
    let mut stmt = conn.prepare_cached(
        "SELECT payment_method FROM accounts WHERE payment_method IS NOT NULL
         GROUP BY payment_method HAVING count(*) >= ?1 ORDER BY count(*) DESC LIMIT 8",
    )?;
    for value in stmt.query_map([enough], |r| r.get::<_, String>(0))? {
        out.push(Feature::PaymentMethod { value: value? });
    }
    let fields: Vec<(String, String, String)> = conn
        .prepare_cached("SELECT key, label, kind FROM custom_fields ORDER BY key")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (key, label, kind) in fields {
        if kind == "number" {
            out.push(Feature::CustomNumber { key, label });
            continue;
        }
        let mut counts: HashMap<String, i64> = HashMap::new();
        for known in crate::history::as_of(
            conn,
            &crate::history::custom(&key),
            today,
            crate::store::Scope::Book,
        )?
        .into_values()
        {
            if let Some(v) = known.value {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut values: Vec<(String, i64)> =
            counts.into_iter().filter(|(_, n)| *n >= enough).collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (value, _) in values.into_iter().take(8) {
            out.push(Feature::CustomCategory {
                key: key.clone(),
                label: label.clone(),
                value,
            });
        }
    }
    Ok(out)
}

/// The outcome of training: a model, or why there is too little history.
pub enum Trained {
    Model(Box<ChurnModel>),
    TooLittleHistory(String),
}

/// Standardisation and the rows a fit takes: intercept first, missing
/// values at the mean (zero).
struct Scale {
    means: Vec<f64>,
    sds: Vec<f64>,
}

impl Scale {
    fn of(examples: &[&Example], n: usize) -> Scale {
        let mut means = vec![0.0; n];
        let mut sds = vec![1.0; n];
        for k in 0..n {
            let values: Vec<f64> = examples.iter().filter_map(|e| e.raw[k]).collect();
            if values.is_empty() {
                continue;
            }
            let m = values.iter().sum::<f64>() / values.len() as f64;
            let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64;
            means[k] = m;
            sds[k] = if var > 1e-12 { var.sqrt() } else { 1.0 };
        }
        Scale { means, sds }
    }

    fn row(&self, raw: &[Option<f64>]) -> Vec<f64> {
        let mut x = Vec::with_capacity(raw.len() + 1);
        x.push(1.0);
        x.extend(
            raw.iter()
                .enumerate()
                .map(|(k, v)| v.map_or(0.0, |v| (v - self.means[k]) / self.sds[k])),
        );
        x
    }

    fn rows(&self, examples: &[&Example]) -> Vec<(Vec<f64>, f64)> {
        examples
            .iter()
            .map(|e| (self.row(&e.raw), f64::from(u8::from(e.churned))))
            .collect()
    }
}

fn score(beta: &[f64], x: &[f64]) -> f64 {
    sigmoid(x.iter().zip(beta).map(|(a, b)| a * b).sum())
}

/// Fits on `train` and predicts `test`: (account, probability, churned).
fn fit_and_score(
    train: &[&Example],
    test: &[&Example],
    n: usize,
    lambda: f64,
) -> Vec<(i64, f64, bool)> {
    let scale = Scale::of(train, n);
    let beta = fit_logistic(&scale.rows(train), lambda);
    test.iter()
        .map(|e| (e.account, score(&beta, &scale.row(&e.raw)), e.churned))
        .collect()
}

/// The regularisation with the lowest held-out log-loss over three folds of
/// the training accounts (on at most about 12,000 rows, for speed).
fn choose_lambda(train: &[&Example], n: usize) -> f64 {
    let keep = (train.len() / 12_000).max(1) as u64;
    let rows: Vec<&Example> = train
        .iter()
        .copied()
        .filter(|e| (e.account as u64).wrapping_mul(0x9E37_79B9) % keep == 0)
        .collect();
    // Each (strength, fold) fit stands alone: they run on every core, and
    // the losses are then added in a fixed order, so the choice does not
    // depend on which finished first.
    let scored = crate::cores::across(LAMBDAS.len() * 3, |task| {
        let (lambda, f) = (LAMBDAS[task / 3], (task % 3) as u64);
        let (validate, fit): (Vec<&Example>, Vec<&Example>) =
            rows.iter().partition(|e| fold(e.account) == f);
        if validate.is_empty() || !fit.iter().any(|e| e.churned) {
            return Vec::new();
        }
        fit_and_score(&fit, &validate, n, lambda)
    });
    let mut best = (f64::INFINITY, LAMBDAS[1]);
    for (lambda, folds) in LAMBDAS.iter().zip(scored.chunks(3)) {
        let mut loss = 0.0;
        for (_, p, y) in folds.iter().flatten() {
            let p = p.clamp(1e-6, 1.0 - 1e-6);
            loss -= if *y { p.ln() } else { (1.0 - p).ln() };
        }
        if loss < best.0 {
            best = (loss, *lambda);
        }
    }
    best.1
}

/// Trains on the book's history as of `today`.
pub fn train(
    conn: &Connection,
    settings: &Settings,
    today: NaiveDate,
    progress: ProgressSink<'_>,
) -> Result<Trained> {
    let started = std::time::Instant::now();
    let Some(plan) = plan(conn, today)? else {
        return Ok(Trained::TooLittleHistory(
            "No account has churned yet, so there is nothing to learn churn from. Risk follows the health score until then.".into(),
        ));
    };
    if plan.positives < MIN_CHURNED as i64 {
        return Ok(Trained::TooLittleHistory(format!(
            "Too little history to learn churn from: {} churn examples in the book's recorded past (at least {MIN_CHURNED} needed). Risk follows the health score until then.",
            plan.positives
        )));
    }
    let features = candidates(conn, today)?;
    let churn_dates: HashMap<i64, NaiveDate> = conn
        .prepare("SELECT id, churn_date FROM accounts WHERE status = 'churned' AND churn_date IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let snapshots = snapshots(
        conn,
        &plan.days,
        settings.thresholds.sentiment_valid_days,
        progress,
    )?;
    let mut examples = Vec::new();
    for (k, (day, snapshot)) in plan.days.iter().zip(snapshots).enumerate() {
        let horizon = *day + Duration::days(plan.horizon);
        for (id, i) in snapshot {
            let cadence = cadence(&i, settings);
            examples.push(Example {
                account: id,
                snapshot: k,
                raw: features.iter().map(|f| f.value(&i, cadence)).collect(),
                churned: churn_dates
                    .get(&id)
                    .is_some_and(|d| d > day && *d <= horizon),
            });
        }
    }
    progress(Progress {
        phase: say!("Fitting the model", "Das Modell wird angepasst"),
        done: plan.days.len() as u64,
        total: Some(plan.days.len() as u64 + 1),
    });
    examples.sort_by_key(|e| (e.account, e.snapshot));

    // Keep what the book holds: features present for enough examples and
    // not the same for all.
    let keep: Vec<usize> = (0..features.len())
        .filter(|&k| {
            let present: Vec<f64> = examples.iter().filter_map(|e| e.raw[k]).collect();
            if (present.len() as f64) < MIN_PRESENT * examples.len() as f64 {
                return false;
            }
            let m = present.iter().sum::<f64>() / present.len() as f64;
            present.iter().any(|v| (v - m).abs() > 1e-9)
        })
        .collect();
    let features: Vec<Feature> = keep.iter().map(|&k| features[k].clone()).collect();
    for e in &mut examples {
        e.raw = keep.iter().map(|&k| e.raw[k]).collect();
    }
    let n = features.len();

    let all: Vec<&Example> = examples.iter().collect();
    let (test, train): (Vec<&Example>, Vec<&Example>) =
        all.iter().partition(|e| held_out(e.account));
    let train_churned = train.iter().filter(|e| e.churned).count();
    let test_churned = test.iter().filter(|e| e.churned).count();
    if train_churned < MIN_CHURNED || test_churned == 0 {
        return Ok(Trained::TooLittleHistory(format!(
            "Too little history to learn churn from: {} churn examples in the book's recorded past (at least {} needed). Risk follows the health score until then.",
            train_churned + test_churned,
            MIN_CHURNED + 5
        )));
    }
    let lambda = choose_lambda(&train, n);
    // The judgement on held-out accounts, the one held out in time, and the
    // model in use (which learns from every example) are three fits that
    // stand alone, made side by side.
    let ((scored, (auc_low, auc_high)), time_split, (scale, coefficients)) =
        std::thread::scope(|scope| {
            let in_time = scope.spawn(|| time_split(&plan, &train, &test, n, lambda));
            let in_use = scope.spawn(|| {
                let scale = Scale::of(&all, n);
                let coefficients = fit_logistic(&scale.rows(&all), lambda);
                (scale, coefficients)
            });
            let scored = fit_and_score(&train, &test, n, lambda);
            let interval = auc_interval(&scored, 200);
            (
                (scored, interval),
                crate::cores::finished(in_time),
                crate::cores::finished(in_use),
            )
        });
    let pairs: Vec<(f64, bool)> = scored.iter().map(|s| (s.1, s.2)).collect();
    let mut weights: Vec<FeatureWeight> = features
        .iter()
        .zip(&coefficients[1..])
        .map(|(f, c)| FeatureWeight {
            feature: f.label(),
            coefficient: round3(*c),
        })
        .collect();
    weights.sort_by(|a, b| b.coefficient.abs().total_cmp(&a.coefficient.abs()));
    let quality = ModelQuality {
        trained_on: today,
        horizon_days: plan.horizon,
        snapshots: plan.days.len() as u32,
        training_rows: train.len() as u32,
        training_churned: train_churned as u32,
        test_rows: test.len() as u32,
        test_churned: test_churned as u32,
        auc: round3(auc(&pairs)),
        auc_low: round3(auc_low),
        auc_high: round3(auc_high),
        time_split,
        brier: (pairs
            .iter()
            .map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2))
            .sum::<f64>()
            / pairs.len().max(1) as f64
            * 10_000.0)
            .round()
            / 10_000.0,
        calibration: calibration(&pairs),
        weights,
        judged: test_churned as u32 >= MIN_JUDGED,
        lambda,
        features: features.len() as u32,
        train_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    let bands = features
        .iter()
        .enumerate()
        .map(|(k, f)| {
            f.ranks().then(|| {
                let mut values: Vec<f64> = examples.iter().filter_map(|e| e.raw[k]).collect();
                values.sort_by(f64::total_cmp);
                let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
                (at(0.15), at(0.85))
            })
        })
        .collect();
    Ok(Trained::Model(Box::new(ChurnModel {
        format: FORMAT,
        horizon_days: plan.horizon,
        features,
        means: scale.means,
        sds: scale.sds,
        coefficients,
        bands,
        quality,
    })))
}

/// Held out in time as well as by account: the newest third of the snapshot
/// days is judged, on held-out accounts, by a model fitted only on training
/// accounts' days whose horizon had passed by the first judged day (so no
/// label from the judged period leaks in). None when the book's history is
/// too short for that.
fn time_split(
    plan: &Plan,
    train: &[&Example],
    test: &[&Example],
    n: usize,
    lambda: f64,
) -> Option<TimeSplit> {
    if plan.days.len() < 2 {
        return None;
    }
    let judged = plan.days.len().div_ceil(3);
    let from = plan.days[judged - 1];
    let old: Vec<&Example> = train
        .iter()
        .copied()
        .filter(|e| plan.days[e.snapshot] + Duration::days(plan.horizon) <= from)
        .collect();
    let newest: Vec<&Example> = test
        .iter()
        .copied()
        .filter(|e| e.snapshot < judged)
        .collect();
    let churned = newest.iter().filter(|e| e.churned).count() as u32;
    if old.iter().filter(|e| e.churned).count() < MIN_CHURNED || churned == 0 {
        return None;
    }
    let scored = fit_and_score(&old, &newest, n, lambda);
    let pairs: Vec<(f64, bool)> = scored.iter().map(|s| (s.1, s.2)).collect();
    let (low, high) = auc_interval(&scored, 200);
    Some(TimeSplit {
        from,
        auc: round3(auc(&pairs)),
        auc_low: round3(low),
        auc_high: round3(high),
        rows: newest.len() as u32,
        churned,
        training_rows: old.len() as u32,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_accounts_are_about_a_quarter_and_folds_split_the_rest() {
        let n = (1..=4000).filter(|id| held_out(*id)).count();
        assert!((800..1200).contains(&n), "{n}");
        let mut folds = [0; 3];
        for id in 1..=3000 {
            folds[fold(id) as usize] += 1;
        }
        assert!(folds.iter().all(|&f| (800..1200).contains(&f)), "{folds:?}");
    }
}
