//! `steward churn`: the churn model's quality as the app shows it (held-out
//! AUC with its interval, the split in time, calibration, weights), after a
//! retrain on request.

use std::path::Path;

use chrono::NaiveDate;
use steward_core::{churn, store, write};

use crate::{print_progress, CliError};

pub(crate) fn run(data_dir: &Path, today: NaiveDate, retrain: bool) -> Result<(), CliError> {
    let mut conn = store::open_in(data_dir)?;
    let status = if retrain {
        write::run(&mut conn, today, |w| churn::retrain(w, &mut print_progress))?.0
    } else {
        churn::status(&conn)?
    };
    match (status.quality, status.fallback_reason) {
        (Some(q), _) => {
            out!(
                "churn within {} days; {} features; trained on {} rows ({} churned) from {} snapshots in {:.0} ms",
                q.horizon_days, q.features, q.training_rows, q.training_churned, q.snapshots, q.train_ms
            );
            out!(
                "held-out accounts: {} rows ({} churned), AUC {:.3} (90% interval {:.3}-{:.3}), Brier {:.4}",
                q.test_rows,
                q.test_churned,
                q.auc,
                q.auc_low,
                q.auc_high,
                q.brier
            );
            match &q.time_split {
                Some(t) => out!(
                    "held out in time: from {}, {} rows ({} churned), AUC {:.3} (90% interval {:.3}-{:.3}), trained on {} older rows",
                    t.from, t.rows, t.churned, t.auc, t.auc_low, t.auc_high, t.training_rows
                ),
                None => out!("held out in time: the book's history is too short"),
            }
            if !q.judged {
                out!(
                    "too young to judge: {} churned test examples (about {} needed); the figures above mean little",
                    q.test_churned,
                    churn::MIN_JUDGED
                );
            }
            out!("calibration (range: predicted -> observed, n):");
            for b in &q.calibration {
                out!(
                    "  {:>8}: {:>5.1}% -> {:>5.1}%  {}",
                    format!("{:.0}-{:.0}%", b.from * 100.0, b.to * 100.0),
                    b.predicted * 100.0,
                    b.observed * 100.0,
                    b.count
                );
            }
            out!("weights (log-odds per standard deviation; + raises risk):");
            for w in &q.weights {
                out!("  {:<40} {:+.3}", w.feature, w.coefficient);
            }
        }
        (None, reason) => out!("{}", reason.unwrap_or_default()),
    }

    Ok(())
}
