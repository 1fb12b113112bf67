//! `steward churn`: the churn model's quality as the app shows it (held-out
//! AUC with its interval, the split in time, calibration, weights), after a
//! retrain on request.

use std::path::Path;

use chrono::NaiveDate;
use steward_core::lang::{self, decimal as dec};
use steward_core::{churn, store};

use crate::{print_progress, CliError};

pub(crate) fn run(data_dir: &Path, today: NaiveDate, retrain: bool) -> Result<(), CliError> {
    let mut conn = store::open_in(data_dir)?;
    let status = if retrain {
        churn::retrain_committed(&mut conn, today, &mut print_progress)?.0
    } else {
        churn::status(&conn)?
    };
    match (status.quality, status.fallback_reason) {
        (Some(q), _) => {
            tell!(
                "churn within {} days; {} features; trained on {} rows ({} churned) from {} snapshots in {:.0} ms",
                "Abwanderung binnen {} Tagen; {} Merkmale; trainiert mit {} Zeilen ({} abgewandert) aus {} Momentaufnahmen in {:.0} ms",
                q.horizon_days, q.features, q.training_rows, q.training_churned, q.snapshots, q.train_ms
            );
            let (auc, low, high) = (dec(q.auc, 3), dec(q.auc_low, 3), dec(q.auc_high, 3));
            let brier = dec(q.brier, 4);
            tell!(
                "held-out accounts: {} rows ({} churned), AUC {auc} (90% interval {low}-{high}), Brier {brier}",
                "zurückgehaltene Kunden: {} Zeilen ({} abgewandert), AUC {auc} (90-%-Intervall {low}-{high}), Brier {brier}",
                q.test_rows,
                q.test_churned
            );
            match &q.time_split {
                Some(t) => {
                    let (from, auc) = (lang::day(t.from), dec(t.auc, 3));
                    let (low, high) = (dec(t.auc_low, 3), dec(t.auc_high, 3));
                    tell!(
                        "held out in time: from {from}, {} rows ({} churned), AUC {auc} (90% interval {low}-{high}), trained on {} older rows",
                        "zeitlich zurückgehalten: ab {from}, {} Zeilen ({} abgewandert), AUC {auc} (90-%-Intervall {low}-{high}), trainiert mit {} älteren Zeilen",
                        t.rows, t.churned, t.training_rows
                    )
                }
                None => tell!(
                    "held out in time: the book's history is too short",
                    "zeitlich zurückgehalten: die Historie des Portfolios ist zu kurz"
                ),
            }
            if !q.judged {
                tell!(
                    "too young to judge: {} churned test examples (about {} needed); the figures above mean little",
                    "zu jung für ein Urteil: {} abgewanderte Testbeispiele (etwa {} nötig); die Zahlen oben sagen wenig",
                    q.test_churned,
                    churn::MIN_JUDGED
                );
            }
            tell!(
                "calibration (range: predicted -> observed, n):",
                "Kalibrierung (Bereich: vorhergesagt -> beobachtet, n):"
            );
            for b in &q.calibration {
                out!(
                    "  {:>8}: {:>5}% -> {:>5}%  {}",
                    format!("{:.0}-{:.0}%", b.from * 100.0, b.to * 100.0),
                    dec(b.predicted * 100.0, 1),
                    dec(b.observed * 100.0, 1),
                    b.count
                );
            }
            tell!(
                "weights (log-odds per standard deviation; + raises risk):",
                "Gewichte (Log-Odds je Standardabweichung; + erhöht das Risiko):"
            );
            for w in &q.weights {
                let sign = if w.coefficient < 0.0 { "-" } else { "+" };
                out!("  {:<40} {sign}{}", w.feature, dec(w.coefficient.abs(), 3));
            }
        }
        (None, reason) => out!("{}", reason.unwrap_or_default()),
    }

    Ok(())
}
