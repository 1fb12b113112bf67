//! Health, churn risk, alerts, playbooks, the Today list and portfolio metrics.

use chrono::NaiveDate;
use steward_core::alerts::{self, Playbook};
use steward_core::assess::{self, SettingsPreview, WeekChanges};
use steward_core::churn::{self, ModelStatus};
use steward_core::health::settings::{self, Settings, SettingsVersion};
use steward_core::metrics::{self, MetricsQuery, PortfolioMetrics};
use steward_core::progress::Progress;
use steward_core::today::{self, Today};
use tauri::ipc::Channel;
use tauri::AppHandle;

use crate::state::{long_work, long_write, read, write, CommandResult};

/// Whole-book work the shell starts (job numbers the wizard never uses).
const RETRAIN_JOB: u32 = u32::MAX - 1;
const SETTINGS_JOB: u32 = u32::MAX - 2;

#[tauri::command]
pub async fn today_list(app: AppHandle, limit: Option<usize>) -> CommandResult<Today> {
    let limit = limit.unwrap_or(50).clamp(1, 5000);
    read(&app, move |c| today::list(c, steward_core::today(), limit)).await
}

#[tauri::command]
pub async fn alerts_snooze(app: AppHandle, ids: Vec<i64>, until: NaiveDate) -> CommandResult<()> {
    write(&app, move |w| alerts::snooze(w, &ids, until)).await
}

#[tauri::command]
pub async fn alerts_resolve(app: AppHandle, ids: Vec<i64>, note: String) -> CommandResult<()> {
    write(&app, move |w| alerts::resolve(w, &ids, &note)).await
}

#[tauri::command]
pub async fn playbook_apply(app: AppHandle, alert_id: i64) -> CommandResult<u32> {
    write(&app, move |w| alerts::apply_playbook(w, alert_id)).await
}

#[tauri::command]
pub async fn playbooks_list(app: AppHandle) -> CommandResult<Vec<Playbook>> {
    read(&app, alerts::playbooks).await
}

#[tauri::command]
pub async fn playbook_save(app: AppHandle, playbook: Playbook) -> CommandResult<()> {
    write(&app, move |w| alerts::save_playbook(w, &playbook)).await
}

#[tauri::command]
pub async fn health_settings(app: AppHandle) -> CommandResult<SettingsVersion> {
    read(&app, settings::current).await
}

#[tauri::command]
pub async fn health_settings_versions(app: AppHandle) -> CommandResult<Vec<SettingsVersion>> {
    read(&app, settings::versions).await
}

#[tauri::command]
pub async fn health_settings_preview(
    app: AppHandle,
    settings: Settings,
) -> CommandResult<SettingsPreview> {
    read(&app, move |c| {
        assess::preview_settings(c, &settings, steward_core::today())
    })
    .await
}

/// Saves the settings as a version and rescores the book with them, on a
/// connection of its own.
#[tauri::command]
pub async fn health_settings_save(
    app: AppHandle,
    settings: Settings,
    note: Option<String>,
) -> CommandResult<i64> {
    long_write(&app, SETTINGS_JOB, move |w, _| {
        assess::save_settings(w, &settings, note.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn sentiment_rate(
    app: AppHandle,
    account_id: i64,
    rating: i64,
    note: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        assess::rate_sentiment(w, account_id, rating, &note)
    })
    .await
}

#[tauri::command]
pub async fn churn_status(app: AppHandle) -> CommandResult<ModelStatus> {
    read(&app, churn::status).await
}

/// Retrains on the book's history and rescores every account with the new
/// model, on a connection of its own, reporting progress.
#[tauri::command]
pub async fn churn_retrain(
    app: AppHandle,
    on_progress: Channel<Progress>,
) -> CommandResult<ModelStatus> {
    long_work(&app, RETRAIN_JOB, move |conn, _| {
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        churn::retrain_committed(conn, steward_core::today(), &mut report)
    })
    .await
}

#[tauri::command]
pub async fn week_changes(app: AppHandle) -> CommandResult<WeekChanges> {
    read(&app, |c| assess::week_changes(c, steward_core::today())).await
}

#[tauri::command]
pub async fn portfolio_metrics(
    app: AppHandle,
    query: MetricsQuery,
) -> CommandResult<PortfolioMetrics> {
    read(&app, move |c| metrics::compute(c, &query)).await
}
