//! Health, churn risk, alerts, playbooks, the Today list and portfolio metrics.

use chrono::NaiveDate;
use steward_core::alerts::{self, Playbook};
use steward_core::assess::{self, SettingsPreview, WeekChanges};
use steward_core::churn::{self, ModelStatus};
use steward_core::health::settings::{self, Settings, SettingsVersion};
use steward_core::metrics::{self, MetricsQuery, PortfolioMetrics};
use steward_core::today::{self, Today};
use tauri::State;

use crate::state::{AppState, CommandResult};

#[tauri::command(async)]
pub fn today_list(state: State<'_, AppState>, limit: Option<usize>) -> CommandResult<Today> {
    let limit = limit.unwrap_or(50).clamp(1, 5000);
    state.with_conn(|c| today::list(c, steward_core::today(), limit))
}

#[tauri::command(async)]
pub fn alerts_snooze(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    until: NaiveDate,
) -> CommandResult<()> {
    state.with_conn(|c| {
        let tx = c.transaction()?;
        alerts::snooze(&tx, &ids, until, steward_core::today())?;
        Ok(tx.commit()?)
    })
}

#[tauri::command(async)]
pub fn alerts_resolve(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    note: String,
) -> CommandResult<()> {
    state.with_conn(|c| {
        let tx = c.transaction()?;
        alerts::resolve(&tx, &ids, &note, steward_core::today())?;
        Ok(tx.commit()?)
    })
}

#[tauri::command(async)]
pub fn playbook_apply(state: State<'_, AppState>, alert_id: i64) -> CommandResult<u32> {
    state.with_conn(|c| {
        let tx = c.transaction()?;
        let n = alerts::apply_playbook(&tx, alert_id, steward_core::today())?;
        tx.commit()?;
        Ok(n)
    })
}

#[tauri::command(async)]
pub fn playbooks_list(state: State<'_, AppState>) -> CommandResult<Vec<Playbook>> {
    state.with_conn(|c| alerts::playbooks(c))
}

#[tauri::command(async)]
pub fn playbook_save(state: State<'_, AppState>, playbook: Playbook) -> CommandResult<()> {
    state.with_conn(|c| alerts::save_playbook(c, &playbook))
}

#[tauri::command(async)]
pub fn health_settings(state: State<'_, AppState>) -> CommandResult<SettingsVersion> {
    state.with_conn(|c| settings::current(c))
}

#[tauri::command(async)]
pub fn health_settings_versions(state: State<'_, AppState>) -> CommandResult<Vec<SettingsVersion>> {
    state.with_conn(|c| settings::versions(c))
}

#[tauri::command(async)]
pub fn health_settings_preview(
    state: State<'_, AppState>,
    settings: Settings,
) -> CommandResult<SettingsPreview> {
    state.with_conn(|c| assess::preview_settings(c, &settings, steward_core::today()))
}

#[tauri::command(async)]
pub fn health_settings_save(
    state: State<'_, AppState>,
    settings: Settings,
    note: Option<String>,
) -> CommandResult<i64> {
    state.with_conn(|c| assess::save_settings(c, &settings, note.as_deref(), steward_core::today()))
}

#[tauri::command(async)]
pub fn sentiment_rate(
    state: State<'_, AppState>,
    account_id: i64,
    rating: i64,
    note: String,
) -> CommandResult<()> {
    state.with_conn(|c| assess::rate_sentiment(c, account_id, rating, &note, steward_core::today()))
}

#[tauri::command(async)]
pub fn churn_status(state: State<'_, AppState>) -> CommandResult<ModelStatus> {
    state.with_conn(|c| churn::status(c))
}

/// Retrains on the book's history and rescores every account with the new model.
#[tauri::command(async)]
pub fn churn_retrain(state: State<'_, AppState>) -> CommandResult<ModelStatus> {
    state.with_conn(|c| {
        let today = steward_core::today();
        let tx = c.transaction()?;
        let current = settings::current(&tx)?;
        let status = churn::retrain(&tx, &current.settings, today)?;
        assess::run_after_change(&tx, today, None)?;
        tx.commit()?;
        Ok(status)
    })
}

#[tauri::command(async)]
pub fn week_changes(state: State<'_, AppState>) -> CommandResult<WeekChanges> {
    state.with_conn(|c| assess::week_changes(c, steward_core::today()))
}

#[tauri::command(async)]
pub fn portfolio_metrics(
    state: State<'_, AppState>,
    query: MetricsQuery,
) -> CommandResult<PortfolioMetrics> {
    state.with_conn(|c| metrics::compute(c, &query))
}
