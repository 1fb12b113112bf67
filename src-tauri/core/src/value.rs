//! Value proof for an objective: the customer's own measure for the teams
//! using the product (target) and a comparison group (control), before and
//! after the rollout. The effect is the difference in differences (the
//! target group's change minus the control group's), with a 90% interval
//! from the spread of the measurements (Welch's standard error, Student's t
//! with the smallest group's degrees of freedom, which errs wide). Without a
//! control group it is the target group's before/after change, and says that
//! other causes are not ruled out. Whether "up" is good follows the
//! objective: a target below its baseline means lower is better.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::import::RowError;
use crate::model::source;
use crate::say;
use crate::write::Write;

/// One group in one phase: how many measurements, their mean and spread.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Cell {
    pub n: u32,
    pub mean: f64,
    /// Sample standard deviation; None with a single measurement.
    pub sd: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval lies on the good side of zero.
    Better,
    /// The interval lies on the bad side of zero.
    Worse,
    /// The interval holds zero, or there is no interval to judge by.
    NotClear,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Proof {
    pub target_before: Cell,
    pub target_after: Cell,
    pub control_before: Option<Cell>,
    pub control_after: Option<Cell>,
    pub higher_is_better: bool,
    /// Target's change minus control's (or the target's change alone).
    pub effect: f64,
    /// 90% interval of the effect; None when a group has one measurement.
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub verdict: Verdict,
    pub measures: u32,
}

/// What reading measurements gave: rows kept, and rows refused with why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MeasuresReport {
    pub kept: u32,
    pub errors: Vec<RowError>,
}

/// Student's t for a 90% two-sided interval, by degrees of freedom.
fn t90(df: u32) -> f64 {
    const T: [f64; 30] = [
        6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771,
        1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706,
        1.703, 1.701, 1.699, 1.697,
    ];
    match df {
        0 => f64::INFINITY,
        d if (d as usize) <= T.len() => T[d as usize - 1],
        _ => 1.645,
    }
}

fn cell(values: &[f64]) -> Option<Cell> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.len() > 1)
        .then(|| (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt());
    Some(Cell {
        n: values.len() as u32,
        mean,
        sd,
    })
}

/// The proof from measurements, or None without target measurements both
/// before and after.
pub fn prove(
    target_before: &[f64],
    target_after: &[f64],
    control_before: &[f64],
    control_after: &[f64],
    higher_is_better: bool,
) -> Option<Proof> {
    let tb = cell(target_before)?;
    let ta = cell(target_after)?;
    let (cb, ca) = match (cell(control_before), cell(control_after)) {
        (Some(b), Some(a)) => (Some(b), Some(a)),
        _ => (None, None),
    };
    let mut cells = vec![&tb, &ta];
    cells.extend(cb.iter());
    cells.extend(ca.iter());
    let effect = (ta.mean - tb.mean)
        - cb.as_ref()
            .zip(ca.as_ref())
            .map_or(0.0, |(b, a)| a.mean - b.mean);
    let spread: Option<f64> = cells
        .iter()
        .map(|c| c.sd.map(|sd| sd * sd / f64::from(c.n)))
        .sum::<Option<f64>>()
        .map(f64::sqrt);
    let df = cells
        .iter()
        .map(|c| c.n.saturating_sub(1))
        .min()
        .unwrap_or(0);
    let (low, high) = match spread {
        Some(se) if df > 0 => {
            let half = t90(df) * se;
            (Some(effect - half), Some(effect + half))
        }
        _ => (None, None),
    };
    let verdict = match (low, high) {
        (Some(l), Some(h)) => {
            let (good_low, good_high) = if higher_is_better { (l, h) } else { (-h, -l) };
            if good_low > 0.0 {
                Verdict::Better
            } else if good_high < 0.0 {
                Verdict::Worse
            } else {
                Verdict::NotClear
            }
        }
        _ => Verdict::NotClear,
    };
    let measures = cells.iter().map(|c| c.n).sum();
    Some(Proof {
        target_before: tb,
        target_after: ta,
        control_before: cb,
        control_after: ca,
        higher_is_better,
        effect,
        low,
        high,
        verdict,
        measures,
    })
}

/// Whether the objective counts "up" as better: its target is not below
/// its baseline (or nothing says otherwise).
fn higher_is_better(conn: &Connection, objective_id: i64) -> Result<bool> {
    let (baseline, target): (Option<f64>, Option<f64>) = conn
        .query_row(
            "SELECT baseline, target FROM objectives WHERE id = ?1",
            [objective_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Objective {objective_id} does not exist.",
                "Ziel {objective_id} existiert nicht."
            ))
        })?;
    Ok(match (baseline, target) {
        (Some(b), Some(t)) => t >= b,
        _ => true,
    })
}

/// The objective's proof from the measurements recorded by `day`.
pub fn proof(conn: &Connection, objective_id: i64, day: NaiveDate) -> Result<Option<Proof>> {
    let mut groups: [Vec<f64>; 4] = Default::default();
    let mut stmt = conn.prepare_cached(
        "SELECT grp, phase, value FROM value_measures
         WHERE objective_id = ?1 AND substr(created_at, 1, 10) <= ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query(params![objective_id, day])?;
    let mut any = false;
    while let Some(r) = rows.next()? {
        any = true;
        let k = match (
            r.get_ref(0)?.as_str().unwrap_or(""),
            r.get_ref(1)?.as_str().unwrap_or(""),
        ) {
            ("target", "before") => 0,
            ("target", "after") => 1,
            ("control", "before") => 2,
            _ => 3,
        };
        groups[k].push(r.get(2)?);
    }
    if !any {
        return Ok(None);
    }
    Ok(prove(
        &groups[0],
        &groups[1],
        &groups[2],
        &groups[3],
        higher_is_better(conn, objective_id)?,
    ))
}

/// Replaces the objective's measurements with the rows of `text`: one per
/// line, `group,phase,value[,label]` (a header line is skipped; `;` or tab
/// separate as well). Good rows are kept; each bad row is reported with its
/// line and why, and changes nothing.
pub fn replace_measures(w: &Write<'_>, objective_id: i64, text: &str) -> Result<MeasuresReport> {
    let conn = w.conn();
    let account: i64 = conn
        .query_row(
            "SELECT account_id FROM objectives WHERE id = ?1",
            [objective_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Objective {objective_id} does not exist.",
                "Ziel {objective_id} existiert nicht."
            ))
        })?;
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let sep = [';', '\t', ',']
            .into_iter()
            .find(|c| trimmed.contains(*c))
            .unwrap_or(',');
        let cells: Vec<&str> = trimmed.split(sep).map(str::trim).collect();
        let first = cells[0].to_ascii_lowercase();
        if line == 1 && (first == "group" || first == "grp") {
            continue;
        }
        let mut fail = |reason: String| errors.push(RowError { line, reason });
        if cells.len() < 3 {
            fail("needs group, phase and value, separated by commas".into());
            continue;
        }
        let group = match first.as_str() {
            "target" | "using" => "target",
            "control" | "comparison" | "not using" => "control",
            other => {
                fail(format!("group \"{other}\" is neither target nor control"));
                continue;
            }
        };
        let phase = match cells[1].to_ascii_lowercase().as_str() {
            "before" => "before",
            "after" => "after",
            other => {
                fail(format!("phase \"{other}\" is neither before nor after"));
                continue;
            }
        };
        // A decimal comma would have split the row above; a point is the
        // only decimal mark a value can carry here.
        let value = match cells[2].parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                fail(format!(
                    "value \"{}\" is not a number (write 12.5)",
                    cells[2]
                ));
                continue;
            }
        };
        let label = cells
            .get(3)
            .filter(|l| !l.is_empty())
            .map(|l| l.to_string());
        kept.push((group, phase, value, label));
    }
    conn.execute(
        "DELETE FROM value_measures WHERE objective_id = ?1",
        [objective_id],
    )?;
    // Recorded on the write's day (the app's today), at the time it happened.
    let now = format!("{}T{}", w.today(), Utc::now().format("%H:%M:%S%:z"));
    let mut insert = conn.prepare_cached(
        "INSERT INTO value_measures(objective_id, grp, phase, value, label, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (group, phase, value, label) in &kept {
        insert.execute(params![
            objective_id,
            group,
            phase,
            value,
            label,
            source::USER,
            now
        ])?;
    }
    w.touch(account);
    Ok(MeasuresReport {
        kept: kept.len() as u32,
        errors,
    })
}

/// An objective's measurements as text, with what they prove today.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ValueMeasures {
    pub text: String,
    pub proof: Option<Proof>,
}

/// The objective's measurements and proof as of `day`.
pub fn measures(conn: &Connection, objective_id: i64, day: NaiveDate) -> Result<ValueMeasures> {
    Ok(ValueMeasures {
        text: measures_text(conn, objective_id)?,
        proof: proof(conn, objective_id, day)?,
    })
}

/// The objective's measurements as the lines `replace_measures` reads.
pub fn measures_text(conn: &Connection, objective_id: i64) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT grp, phase, value, label FROM value_measures WHERE objective_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([objective_id], |r| {
        let label: Option<String> = r.get(3)?;
        Ok(format!(
            "{},{},{}{}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, f64>(2)?,
            label.map(|l| format!(",{l}")).unwrap_or_default()
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn the_target_group_improved_more_than_the_control_group() {
        // Target 11 -> 16, control 11 -> 12: four more than the others.
        let p = prove(
            &[10.0, 12.0, 11.0],
            &[15.0, 17.0, 16.0],
            &[10.0, 11.0, 12.0],
            &[11.0, 12.0, 13.0],
            true,
        )
        .expect("proof");
        assert!(close(p.effect, 4.0));
        // SE = sqrt(4 × 1/3) = 1.1547; t(2) = 2.920: ± 3.372.
        assert!(close(p.low.expect("low"), 0.628), "{:?}", p.low);
        assert!(close(p.high.expect("high"), 7.372), "{:?}", p.high);
        assert_eq!(p.verdict, Verdict::Better);
        assert_eq!(p.measures, 12);
    }

    #[test]
    fn no_improvement_over_the_control_group_is_said_plainly() {
        // Both groups rose by 5: the product made no visible difference.
        let p = prove(
            &[10.0, 12.0, 11.0],
            &[15.0, 17.0, 16.0],
            &[20.0, 22.0, 21.0],
            &[25.0, 27.0, 26.0],
            true,
        )
        .expect("proof");
        assert!(close(p.effect, 0.0));
        assert_eq!(p.verdict, Verdict::NotClear);
        // Lower is better (say, hours to close the books) and the target
        // group's hours rose while the control's fell: worse.
        let p = prove(
            &[10.0, 11.0, 12.0],
            &[14.0, 15.0, 16.0],
            &[10.0, 11.0, 12.0],
            &[8.0, 9.0, 10.0],
            false,
        )
        .expect("proof");
        assert!(close(p.effect, 6.0));
        assert_eq!(p.verdict, Verdict::Worse);
    }

    #[test]
    fn without_a_control_group_it_is_before_and_after_only() {
        let p = prove(&[10.0, 12.0, 11.0], &[15.0, 17.0, 16.0], &[], &[], true).expect("proof");
        assert!(p.control_before.is_none());
        assert!(close(p.effect, 5.0));
        // SE = sqrt(2/3) = 0.8165; t(2) = 2.920: ± 2.384.
        assert!(close(p.low.expect("low"), 2.616));
        assert_eq!(p.verdict, Verdict::Better);
        // Control measured only before: not a comparison, so left out.
        let p = prove(&[10.0, 12.0], &[15.0, 17.0], &[9.0], &[], true).expect("proof");
        assert!(p.control_before.is_none() && close(p.effect, 5.0));
    }

    #[test]
    fn one_measurement_per_group_gives_no_interval_and_no_verdict() {
        let p = prove(&[10.0], &[20.0], &[10.0], &[11.0], true).expect("proof");
        assert!(close(p.effect, 9.0));
        assert!(p.low.is_none() && p.high.is_none());
        assert_eq!(p.verdict, Verdict::NotClear);
        assert!(prove(&[], &[20.0], &[], &[], true).is_none());
    }
}
