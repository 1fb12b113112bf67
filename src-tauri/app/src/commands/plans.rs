//! Success plans, milestones, QBR dates, onboarding checklists, the calendar
//! export and churn post-mortems. Every write goes through `state::write`,
//! which reassesses the accounts it touched before it commits.

use chrono::NaiveDate;
use steward_core::onboarding::{self, OnboardingRow, Template, TemplatePhase};
use steward_core::plans::{self, MilestoneInput, MilestonePlan, ObjectiveInput};
use steward_core::postmortem::{self, Postmortem, ReasonSummary};
use steward_core::say;
use steward_core::{calendar, qbr, value, Error};
use tauri::AppHandle;

use crate::state::{read, write, CommandResult};

#[tauri::command]
pub async fn checklist_templates(app: AppHandle) -> CommandResult<Vec<Template>> {
    read(&app, onboarding::templates).await
}

#[tauri::command]
pub async fn checklist_apply(
    app: AppHandle,
    account_id: i64,
    template_id: i64,
    expectations: String,
    start: Option<NaiveDate>,
) -> CommandResult<i64> {
    write(&app, move |w| {
        onboarding::apply(w, account_id, template_id, &expectations, start)
    })
    .await
}

#[tauri::command]
pub async fn checklist_item_set(
    app: AppHandle,
    item_id: i64,
    done_on: Option<NaiveDate>,
    note: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        onboarding::set_done(w, item_id, done_on, &note).map(|_| ())
    })
    .await
}

#[tauri::command]
pub async fn onboarding_board(
    app: AppHandle,
    stuck_days: Option<i64>,
) -> CommandResult<Vec<OnboardingRow>> {
    let stuck = stuck_days.unwrap_or(14).max(1);
    read(&app, move |c| {
        onboarding::board(c, steward_core::today(), stuck)
    })
    .await
}

#[tauri::command]
pub async fn objective_add(app: AppHandle, objective: ObjectiveInput) -> CommandResult<i64> {
    write(&app, move |w| plans::add_objective(w, &objective)).await
}

#[tauri::command]
pub async fn milestone_add(app: AppHandle, milestone: MilestoneInput) -> CommandResult<i64> {
    write(&app, move |w| plans::add_milestone(w, &milestone)).await
}

#[tauri::command]
pub async fn milestone_set_plan(app: AppHandle, id: i64, plan: MilestonePlan) -> CommandResult<()> {
    write(&app, move |w| plans::set_milestone_plan(w, id, plan)).await
}

/// Marks a milestone achieved on `on` (today when absent).
#[tauri::command]
pub async fn milestone_achieve(
    app: AppHandle,
    id: i64,
    on: Option<NaiveDate>,
    evidence: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        plans::achieve(w, id, on.unwrap_or(w.today()), &evidence).map(|_| ())
    })
    .await
}

#[tauri::command]
pub async fn milestone_update(
    app: AppHandle,
    id: i64,
    milestone: MilestoneInput,
) -> CommandResult<()> {
    write(&app, move |w| plans::update_milestone(w, id, &milestone)).await
}

/// Takes back an achievement; its timeline note goes, so the last touch is
/// recomputed.
#[tauri::command]
pub async fn milestone_reopen(app: AppHandle, id: i64) -> CommandResult<()> {
    write(&app, move |w| plans::reopen(w, id).map(|_| ())).await
}

#[tauri::command]
pub async fn milestone_delete(app: AppHandle, id: i64) -> CommandResult<()> {
    write(&app, move |w| plans::delete_milestone(w, id).map(|_| ())).await
}

#[tauri::command]
pub async fn objective_update(
    app: AppHandle,
    id: i64,
    objective: ObjectiveInput,
) -> CommandResult<()> {
    write(&app, move |w| plans::update_objective(w, id, &objective)).await
}

#[tauri::command]
pub async fn objective_delete(app: AppHandle, id: i64) -> CommandResult<()> {
    write(&app, move |w| plans::delete_objective(w, id)).await
}

#[tauri::command]
pub async fn qbr_schedule(app: AppHandle, account_id: i64, on: NaiveDate) -> CommandResult<i64> {
    write(&app, move |w| qbr::schedule(w, account_id, on)).await
}

#[tauri::command]
pub async fn qbr_hold(
    app: AppHandle,
    account_id: i64,
    on: Option<NaiveDate>,
    note: String,
) -> CommandResult<i64> {
    write(&app, move |w| {
        qbr::hold(w, account_id, on.unwrap_or(w.today()), &note)
    })
    .await
}

#[tauri::command]
pub async fn qbr_cancel(app: AppHandle, account_id: i64) -> CommandResult<()> {
    write(&app, move |w| qbr::cancel(w, account_id)).await
}

/// Writes the calendar (one account's, or the whole book's) to `path`;
/// returns how many events it holds.
#[tauri::command]
pub async fn calendar_export(
    app: AppHandle,
    path: String,
    account_id: Option<i64>,
) -> CommandResult<usize> {
    read(&app, move |c| {
        let events = calendar::events(c, account_id, steward_core::today())?;
        let ics = calendar::render(&events, "Steward");
        std::fs::write(&path, ics).map_err(|e| {
            Error::io(
                say!(
                    "Cannot write {path}",
                    "{path} kann nicht geschrieben werden"
                ),
                e,
            )
        })?;
        Ok(events.len())
    })
    .await
}

#[tauri::command]
pub async fn postmortem_save(app: AppHandle, postmortem: Postmortem) -> CommandResult<()> {
    write(&app, move |w| postmortem::save(w, &postmortem)).await
}

#[tauri::command]
pub async fn churn_reasons(app: AppHandle) -> CommandResult<ReasonSummary> {
    read(&app, postmortem::reasons).await
}

/// Saves phases as the next version of a template (a new name makes a copy).
#[tauri::command]
pub async fn checklist_template_save(
    app: AppHandle,
    name: String,
    phases: Vec<TemplatePhase>,
) -> CommandResult<Template> {
    write(&app, move |w| onboarding::save_template(w, &name, &phases)).await
}

#[tauri::command]
pub async fn value_measures(
    app: AppHandle,
    objective_id: i64,
) -> CommandResult<value::ValueMeasures> {
    read(&app, move |c| {
        value::measures(c, objective_id, steward_core::today())
    })
    .await
}

#[tauri::command]
pub async fn value_measures_set(
    app: AppHandle,
    objective_id: i64,
    text: String,
) -> CommandResult<value::MeasuresReport> {
    write(&app, move |w| {
        value::replace_measures(w, objective_id, &text)
    })
    .await
}
