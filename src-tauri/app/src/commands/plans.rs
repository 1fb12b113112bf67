//! Success plans, milestones, QBR dates, onboarding checklists, the calendar
//! export and churn post-mortems. Writes that can change an account's health (a
//! milestone on the timeline is a touch) reassess that account in the same
//! transaction.

use chrono::NaiveDate;
use steward_core::onboarding::{self, OnboardingRow, Template, TemplatePhase};
use steward_core::plans::{self, MilestoneInput, MilestonePlan, ObjectiveInput};
use steward_core::postmortem::{self, Postmortem, ReasonSummary};
use steward_core::{calendar, qbr, Error};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn checklist_templates(state: State<'_, AppState>) -> CommandResult<Vec<Template>> {
    state.with_conn(|c| onboarding::templates(c))
}

#[tauri::command(async)]
pub fn checklist_apply(
    state: State<'_, AppState>,
    account_id: i64,
    template_id: i64,
    expectations: String,
) -> CommandResult<i64> {
    state.write_account(|tx, today| {
        let id = onboarding::apply(tx, account_id, template_id, &expectations, today)?;
        Ok((account_id, id))
    })
}

#[tauri::command(async)]
pub fn checklist_item_set(
    state: State<'_, AppState>,
    item_id: i64,
    done_on: Option<NaiveDate>,
    note: String,
) -> CommandResult<()> {
    // A linked milestone may land on (or leave) the timeline: a touch.
    state.write_account(|tx, today| {
        Ok((
            onboarding::set_done(tx, item_id, done_on, &note, today)?,
            (),
        ))
    })
}

#[tauri::command(async)]
pub fn onboarding_board(
    state: State<'_, AppState>,
    stuck_days: Option<i64>,
) -> CommandResult<Vec<OnboardingRow>> {
    state
        .with_conn(|c| onboarding::board(c, steward_core::today(), stuck_days.unwrap_or(14).max(1)))
}

#[tauri::command(async)]
pub fn objective_add(state: State<'_, AppState>, objective: ObjectiveInput) -> CommandResult<i64> {
    state.with_conn(|c| plans::add_objective(c, &objective))
}

#[tauri::command(async)]
pub fn milestone_add(state: State<'_, AppState>, milestone: MilestoneInput) -> CommandResult<i64> {
    state.write_account(|tx, _| {
        let id = plans::add_milestone(tx, &milestone)?;
        Ok((milestone.account_id, id))
    })
}

#[tauri::command(async)]
pub fn milestone_set_plan(
    state: State<'_, AppState>,
    id: i64,
    plan: MilestonePlan,
) -> CommandResult<()> {
    state.with_conn(|c| plans::set_milestone_plan(c, id, plan))
}

/// Marks a milestone achieved on `on` (today when absent).
#[tauri::command(async)]
pub fn milestone_achieve(
    state: State<'_, AppState>,
    id: i64,
    on: Option<NaiveDate>,
    evidence: String,
) -> CommandResult<()> {
    state.write_account(|tx, today| {
        Ok((
            plans::achieve(tx, id, on.unwrap_or(today), &evidence, today)?,
            (),
        ))
    })
}

#[tauri::command(async)]
pub fn milestone_update(
    state: State<'_, AppState>,
    id: i64,
    milestone: MilestoneInput,
) -> CommandResult<()> {
    // A new target date can clear (or raise) the missed-milestone warning.
    state.write_account(|tx, _| {
        plans::update_milestone(tx, id, &milestone)?;
        Ok((milestone.account_id, ()))
    })
}

/// Takes back an achievement; its timeline note goes, so the last touch is
/// recomputed.
#[tauri::command(async)]
pub fn milestone_reopen(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.write_account(|tx, _| Ok((plans::reopen(tx, id)?, ())))
}

#[tauri::command(async)]
pub fn milestone_delete(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.write_account(|tx, _| Ok((plans::delete_milestone(tx, id)?, ())))
}

#[tauri::command(async)]
pub fn objective_update(
    state: State<'_, AppState>,
    id: i64,
    objective: ObjectiveInput,
) -> CommandResult<()> {
    state.with_conn(|c| plans::update_objective(c, id, &objective))
}

#[tauri::command(async)]
pub fn objective_delete(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.with_conn(|c| plans::delete_objective(c, id))
}

#[tauri::command(async)]
pub fn qbr_schedule(
    state: State<'_, AppState>,
    account_id: i64,
    on: NaiveDate,
) -> CommandResult<i64> {
    state.with_conn(|c| qbr::schedule(c, account_id, on, steward_core::today()))
}

#[tauri::command(async)]
pub fn qbr_hold(
    state: State<'_, AppState>,
    account_id: i64,
    on: Option<NaiveDate>,
    note: String,
) -> CommandResult<i64> {
    // The meeting lands on the timeline: a touch.
    state.write_account(|tx, today| {
        let id = qbr::hold(tx, account_id, on.unwrap_or(today), &note, today)?;
        Ok((account_id, id))
    })
}

#[tauri::command(async)]
pub fn qbr_cancel(state: State<'_, AppState>, account_id: i64) -> CommandResult<()> {
    state.with_conn(|c| qbr::cancel(c, account_id))
}

/// Writes the calendar (one account's, or the whole book's) to `path`;
/// returns how many events it holds.
#[tauri::command(async)]
pub fn calendar_export(
    state: State<'_, AppState>,
    path: String,
    account_id: Option<i64>,
) -> CommandResult<usize> {
    state.with_conn(|c| {
        let events = calendar::events(c, account_id, steward_core::today())?;
        let ics = calendar::render(&events, "Steward");
        std::fs::write(&path, ics).map_err(|e| Error::io(format!("Cannot write {path}"), e))?;
        Ok(events.len())
    })
}

#[tauri::command(async)]
pub fn postmortem_save(state: State<'_, AppState>, postmortem: Postmortem) -> CommandResult<()> {
    state.with_conn(|c| postmortem::save(c, &postmortem))
}

#[tauri::command(async)]
pub fn churn_reasons(state: State<'_, AppState>) -> CommandResult<ReasonSummary> {
    state.with_conn(|c| postmortem::reasons(c))
}

/// Saves phases as the next version of a template (a new name makes a copy).
#[tauri::command(async)]
pub fn checklist_template_save(
    state: State<'_, AppState>,
    name: String,
    phases: Vec<TemplatePhase>,
) -> CommandResult<Template> {
    state.with_conn(|c| onboarding::save_template(c, &name, &phases))
}
