//! The demo book's success plans, onboarding checklists and QBR history,
//! written through the same core functions the CSM's own edits use.

use chrono::{Duration, NaiveDate};

use rusqlite::OptionalExtension;
use steward_core::error::Result;
use steward_core::write::Write;
use steward_core::{onboarding, plans, qbr};

use crate::rng::Rng;
use crate::words::{expectations, goals};
use crate::{Scenario, Truth};

/// Gives the book its plans: onboarding accounts run the shipped checklist
/// (items done around their due dates, some late or still open), and a
/// share of the other live accounts have objectives and milestones, with
/// first value reached 2 to 10 weeks after their contract started.
/// Tier A and B accounts meet quarterly from their contract start: the last
/// four QBRs are on record as held (reporting the milestones achieved before
/// them) and the next one is planned.
pub(crate) fn qbr_book(w: &Write<'_>) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    const QUARTER: i64 = 91;
    let accounts: Vec<(i64, NaiveDate)> = conn
        .prepare(
            "SELECT id, contract_start FROM accounts
             WHERE status = 'active' AND tier IN ('A', 'B') AND contract_start IS NOT NULL ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, start) in accounts {
        let past = (today - start).num_days().max(0) / QUARTER;
        for k in past.saturating_sub(3).max(1)..=past {
            let held = start + Duration::days(k * QUARTER);
            qbr::record_held(w, id, held, "")?;
        }
        qbr::schedule(w, id, start + Duration::days((past + 1) * QUARTER))?;
    }
    Ok(())
}

pub(crate) fn plan_book(w: &Write<'_>, truth: &[Truth], seed: u64) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    // The demo speaks the app's language, its onboarding checklists too.
    let template = onboarding::shipped_template(conn)?;
    let starts: std::collections::HashMap<i64, NaiveDate> = conn
        .prepare(
            "SELECT id, contract_start FROM accounts
             WHERE status = 'active' AND contract_start IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for t in truth {
        let Some(&start) = starts.get(&t.account_id) else {
            continue;
        };
        let (id, scenario) = (t.account_id, t.scenario);
        // A separate stream per account keeps the rest of the book unchanged.
        let mut rng = Rng::fork(seed ^ 0x005E_ED0F_91A5, id as u64);
        if scenario == Scenario::Onboarding {
            let lagging = rng.chance(0.35);
            let expectations = *rng.pick(expectations());
            onboarding::apply(w, id, template.id, expectations, None)?;
            let list = onboarding::checklist(conn, id, today)?;
            for item in list
                .iter()
                .flat_map(|l| l.phases.iter().flat_map(|p| &p.items))
            {
                let Some(due) = item.due_on else { continue };
                let slip = if lagging {
                    rng.range(5, 25)
                } else {
                    rng.range(-4, 3)
                };
                let done = due + Duration::days(slip);
                if done < today && (!lagging || rng.chance(0.6)) {
                    onboarding::set_done(w, item.id, Some(done.max(start)), "")?;
                }
            }
            continue;
        }
        if !rng.chance(0.4) {
            continue;
        }
        let value_day = start + Duration::days(rng.range(14, 70));
        if value_day < today {
            let m = plans::add_milestone(
                w,
                &plans::MilestoneInput {
                    account_id: id,
                    objective_id: None,
                    title: "First team live".into(),
                    target_date: Some(start + Duration::days(30)),
                    first_value: true,
                },
            )?;
            plans::achieve(w, m, value_day, "")?;
            backdate(conn, "milestones", m, start)?;
        }
        let goal = rng.pick(goals());
        // The plan was written some months ago (never before the contract):
        // a deck as of a past day shows what was planned by then.
        let planned_on = (today - Duration::days(rng.range(60, 240))).max(start);
        // A goal about daily users is measured by the product's own usage,
        // from where it stood when the plan was written; the customer's own
        // measures (reports, tickets) have no figure in the book.
        let (usage_metric, baseline, target) = if goal.1 == "daily active users" {
            let (users, seats): (Option<f64>, Option<f64>) = conn
                .query_row(
                    "SELECT active_users, licensed_seats FROM usage_daily WHERE account_id = ?1 AND day <= ?2 ORDER BY day DESC LIMIT 1",
                    rusqlite::params![id, planned_on],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((None, None));
            let baseline = users.map(f64::round);
            let target = seats.or(users.map(|u| u * 1.5)).map(|t| (t * 0.8).round());
            (Some(plans::UsageMetric::ActiveUsers), baseline, target)
        } else {
            (
                None,
                Some(rng.range(5, 20) as f64),
                Some(rng.range(40, 120) as f64),
            )
        };
        let objective = plans::add_objective(
            w,
            &plans::ObjectiveInput {
                account_id: id,
                title: goal.0.into(),
                metric: Some(goal.1.into()),
                usage_metric,
                baseline,
                target,
                target_date: Some(today + Duration::days(rng.range(30, 200))),
            },
        )?;
        backdate(conn, "objectives", objective, planned_on)?;
        if usage_metric.is_none() && rng.chance(0.6) {
            value_proof(w, &mut rng, objective, baseline.unwrap_or(10.0), today)?;
        }
        for (title, offset) in [(goal.2, rng.range(-40, -5)), (goal.3, rng.range(10, 120))] {
            let m = plans::add_milestone(
                w,
                &plans::MilestoneInput {
                    account_id: id,
                    objective_id: Some(objective),
                    title: title.into(),
                    target_date: Some(today + Duration::days(offset)),
                    first_value: false,
                },
            )?;
            // Past targets were mostly met, sometimes missed.
            if offset < 0 && scenario != Scenario::Declining && rng.chance(0.8) {
                let on = today + Duration::days(offset + rng.range(-7, 3));
                plans::achieve(w, m, on.min(today), "")?;
            }
            backdate(conn, "milestones", m, planned_on)?;
        }
    }
    Ok(())
}

/// The customer's own measure for teams using the product and a comparison
/// group, before and after: most rollouts help, some make no difference,
/// and a few customers keep no comparison group.
fn value_proof(
    w: &Write<'_>,
    rng: &mut Rng,
    objective: i64,
    baseline: f64,
    today: NaiveDate,
) -> Result<()> {
    let helps = rng.chance(0.7);
    let with_control = rng.chance(0.8);
    let drift = baseline * rng.range(0, 10) as f64 / 100.0;
    let lift = if helps {
        baseline * rng.range(25, 80) as f64 / 100.0
    } else {
        0.0
    };
    let mut lines = vec!["group,phase,value,label".to_string()];
    let teams = rng.range(3, 7);
    for team in 0..teams {
        let noise = |rng: &mut Rng| baseline * (rng.range(-15, 15) as f64) / 100.0;
        let before = baseline + noise(rng);
        lines.push(format!("target,before,{before:.1},Team {}", team + 1));
        lines.push(format!(
            "target,after,{:.1},Team {}",
            baseline + drift + lift + noise(rng),
            team + 1
        ));
        if with_control {
            lines.push(format!(
                "control,before,{:.1},Other team {}",
                baseline + noise(rng),
                team + 1
            ));
            lines.push(format!(
                "control,after,{:.1},Other team {}",
                baseline + drift + noise(rng),
                team + 1
            ));
        }
    }
    steward_core::value::replace_measures(w, objective, &lines.join("\n"))?;
    w.conn().execute(
        "UPDATE value_measures SET created_at = ?2 WHERE objective_id = ?1",
        rusqlite::params![
            objective,
            format!(
                "{}T09:00:00+00:00",
                today - Duration::days(rng.range(5, 30))
            )
        ],
    )?;
    Ok(())
}

/// Records a plan row as written on `on` (the core stamps the moment it is
/// called, which for a generated history is "now").
fn backdate(conn: &rusqlite::Connection, table: &str, id: i64, on: NaiveDate) -> Result<()> {
    // `table` is one of this module's literals.
    conn.execute(
        &format!("UPDATE {table} SET created_at = ?2 WHERE id = ?1"),
        rusqlite::params![id, format!("{on}T09:00:00+00:00")],
    )?;
    Ok(())
}
