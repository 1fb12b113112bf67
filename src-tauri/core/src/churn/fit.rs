//! The arithmetic of the churn model: fitting an L2-regularised logistic
//! regression, and judging it (AUC, calibration). Pure functions, checked by
//! hand in the tests.

use super::CalibrationBin;

pub(super) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
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
    // The upper triangle, row by row in one block: the inner loop then runs
    // over contiguous memory the compiler can vectorise (same sums, same
    // order, so the same coefficients as a nested matrix).
    let mut upper = vec![0.0; n * n];
    for _ in 0..25 {
        let mut gradient = vec![0.0; n];
        upper.fill(0.0);
        for (x, y) in rows {
            let p = sigmoid(x.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let w = (p * (1.0 - p)).max(1e-9);
            for a in 0..n {
                gradient[a] += (y - p) * x[a];
                let wa = w * x[a];
                for (h, xb) in upper[a * n + a..(a + 1) * n].iter_mut().zip(&x[a..]) {
                    *h += wa * xb;
                }
            }
        }
        let mut hessian: Vec<Vec<f64>> = upper.chunks(n).map(<[f64]>::to_vec).collect();
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

/// The fixed probability ranges calibration is reported in: equal-count
/// bins of a book with little churn would all read "0%".
pub const RANGES: [(f64, f64); 6] = [
    (0.0, 0.02),
    (0.02, 0.05),
    (0.05, 0.1),
    (0.1, 0.2),
    (0.2, 0.4),
    (0.4, 1.0),
];

/// Compares predicted with observed churn in each fixed probability range
/// (ranges without predictions are left out).
pub fn calibration(scored: &[(f64, bool)]) -> Vec<CalibrationBin> {
    RANGES
        .iter()
        .filter_map(|&(from, to)| {
            let inside: Vec<&(f64, bool)> = scored
                .iter()
                .filter(|(p, _)| *p >= from && (*p < to || (to >= 1.0 && *p <= to)))
                .collect();
            let n = inside.len() as f64;
            (n > 0.0).then(|| CalibrationBin {
                from,
                to,
                predicted: inside.iter().map(|s| s.0).sum::<f64>() / n,
                observed: inside.iter().filter(|s| s.1).count() as f64 / n,
                count: inside.len() as u32,
            })
        })
        .collect()
}

/// A 90% interval for the AUC: the 5th and 95th percentile over bootstrap
/// resamples of the test accounts (all rows of an account go together, as
/// they are not independent). Deterministic: the resampling is seeded.
pub fn auc_interval(scored: &[(i64, f64, bool)], resamples: usize) -> (f64, f64) {
    let mut by_account: std::collections::BTreeMap<i64, Vec<(f64, bool)>> = Default::default();
    for &(account, p, y) in scored {
        by_account.entry(account).or_default().push((p, y));
    }
    let groups: Vec<&Vec<(f64, bool)>> = by_account.values().collect();
    if groups.is_empty() {
        return (0.5, 0.5);
    }
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // A resample only says how often each account is drawn, so the rows are
    // sorted once and each resample's AUC is one pass over them with those
    // counts as weights: the same pairs won and tied as in the drawn sample
    // (exact in floating point, as the counts are whole numbers), without
    // building and sorting a sample 200 times.
    let sorted = by_score(&groups);
    let mut drawn = vec![0.0_f64; groups.len()];
    let mut aucs: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            drawn.fill(0.0);
            for _ in 0..groups.len() {
                drawn[next(groups.len())] += 1.0;
            }
            weighted_auc(&sorted, &drawn)
        })
        .collect();
    aucs.sort_by(f64::total_cmp);
    let at = |q: f64| aucs[((aucs.len() - 1) as f64 * q).round() as usize];
    (at(0.05), at(0.95))
}

/// Every row of every group with its group's index, lowest score first.
fn by_score(groups: &[&Vec<(f64, bool)>]) -> Vec<(f64, bool, usize)> {
    let mut sorted: Vec<(f64, bool, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, rows)| rows.iter().map(move |&(p, y)| (p, y, g)))
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted
}

/// The AUC of rows sorted by score, each counted `weight[group]` times:
/// pairs won plus half the pairs tied, over all pairs.
fn weighted_auc(sorted: &[(f64, bool, usize)], weight: &[f64]) -> f64 {
    let (mut won, mut negatives_below, mut positives) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < sorted.len() {
        let (mut pos, mut neg) = (0.0, 0.0);
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            let w = weight[sorted[j].2];
            if sorted[j].1 {
                pos += w;
            } else {
                neg += w;
            }
            j += 1;
        }
        won += pos * (negatives_below + neg / 2.0);
        negatives_below += neg;
        positives += pos;
        i = j;
    }
    if positives == 0.0 || negatives_below == 0.0 {
        return 0.5;
    }
    won / (positives * negatives_below)
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
    fn calibration_compares_prediction_with_outcome_in_fixed_ranges() {
        let scored = [
            (0.01, false),
            (0.015, false),
            (0.12, true),
            (0.18, false),
            (0.8, true),
            (0.6, false),
        ];
        let bins = calibration(&scored);
        let ranges: Vec<(f64, f64, u32)> = bins.iter().map(|b| (b.from, b.to, b.count)).collect();
        assert_eq!(ranges, vec![(0.0, 0.02, 2), (0.1, 0.2, 2), (0.4, 1.0, 2)]);
        assert!((bins[1].predicted - 0.15).abs() < 1e-12);
        assert_eq!(bins[1].observed, 0.5);
        assert_eq!(bins[2].observed, 0.5);
    }

    #[test]
    fn a_resample_weighted_by_draws_has_the_auc_of_the_drawn_sample() {
        // Accounts with several rows each, many tied scores.
        let groups: Vec<Vec<(f64, bool)>> = (0..60)
            .map(|g: usize| {
                (0..1 + g % 3)
                    .map(|r| (((g * 7 + r * 3) % 10) as f64 / 10.0, (g + r) % 4 == 0))
                    .collect()
            })
            .collect();
        let sorted = by_score(&groups.iter().collect::<Vec<_>>());
        for draws in [[1, 0, 2, 5], [0, 3, 0, 1], [2, 2, 2, 2]] {
            let weight: Vec<f64> = (0..groups.len()).map(|g| f64::from(draws[g % 4])).collect();
            let sample: Vec<(f64, bool)> = groups
                .iter()
                .enumerate()
                .flat_map(|(g, rows)| (0..draws[g % 4]).flat_map(move |_| rows.iter().copied()))
                .collect();
            assert_eq!(weighted_auc(&sorted, &weight), auc(&sample), "{draws:?}");
        }
        // Only accounts that stayed drawn: no ranking to judge.
        let stayed: Vec<f64> = (0..groups.len())
            .map(|g| f64::from(u8::from(g % 3 == 0 && g % 4 != 0)))
            .collect();
        assert_eq!(weighted_auc(&sorted, &stayed), 0.5);
    }

    #[test]
    fn the_auc_interval_widens_with_fewer_accounts() {
        let mut scored = Vec::new();
        for k in 0..400i64 {
            let y = k % 5 == 0;
            // A decent but imperfect ranking.
            let p = if y {
                0.3 + (k % 7) as f64 * 0.05
            } else {
                (k % 11) as f64 * 0.05
            };
            scored.push((k, p, y));
        }
        let (low, high) = auc_interval(&scored, 200);
        let small: Vec<(i64, f64, bool)> = scored.iter().copied().take(40).collect();
        let (low_s, high_s) = auc_interval(&small, 200);
        let point = auc(&scored.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>());
        assert!(low <= point && point <= high, "{low} {point} {high}");
        assert!(
            high_s - low_s > high - low,
            "fewer accounts, wider interval"
        );
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
}
