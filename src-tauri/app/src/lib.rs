//! steward-app is the Tauri shell: it opens the window, holds the one
//! connection to the portfolio, and exposes steward-core to the UI through
//! thin commands (one file per domain under `commands/`), and runs the
//! open app's sync schedule (`schedule`). No product logic lives here;
//! errors leave as `{code, message}`.

#[cfg(test)]
mod bindings;
mod commands;
mod schedule;
mod state;

use state::AppState;

pub fn run() {
    // The log goes to the data folder; it is kept for the life of the app.
    let _log = steward_core::store::default_data_dir()
        .ok()
        .and_then(|dir| steward_core::log::to_file(&dir, "steward-app"));
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Steward starting");
    let state = AppState::open();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        // The window opens where and as large as the CSM left it.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(state)
        .setup(|app| {
            // After the window is up: the integrity check (writes wait for
            // it), then on the first start of a day the rollups and the
            // assessment are brought to today and the UI told to refetch.
            let handle = app.handle().clone();
            std::thread::spawn(move || state::after_start(&handle));
            schedule::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::app::load_demo,
            commands::app::app_ready,
            commands::app::set_language,
            commands::portfolio::portfolio_page,
            commands::portfolio::reporting_get,
            commands::portfolio::reporting_set_currency,
            commands::portfolio::rate_set,
            commands::portfolio::rate_delete,
            commands::account::account_page,
            commands::account::log_check_in,
            commands::account::contact_set_left,
            commands::account::account_field_set,
            commands::account::account_field_release,
            commands::tasks::tasks_open,
            commands::tasks::task_set_done,
            commands::tasks::task_add,
            commands::search::search,
            commands::import::import_inspect,
            commands::import::import_fields,
            commands::import::import_preview,
            commands::import::import_run,
            commands::import::import_cancel,
            commands::health::today_list,
            commands::health::alerts_snooze,
            commands::health::alerts_resolve,
            commands::health::playbook_apply,
            commands::health::playbooks_list,
            commands::health::playbook_save,
            commands::health::health_settings,
            commands::health::health_settings_versions,
            commands::health::health_settings_preview,
            commands::health::health_settings_save,
            commands::health::sentiment_rate,
            commands::health::churn_status,
            commands::health::churn_retrain,
            commands::health::week_changes,
            commands::health::portfolio_metrics,
            commands::plans::checklist_templates,
            commands::plans::checklist_apply,
            commands::plans::checklist_template_save,
            commands::plans::checklist_item_set,
            commands::plans::onboarding_board,
            commands::plans::objective_add,
            commands::plans::milestone_add,
            commands::plans::milestone_set_plan,
            commands::plans::milestone_achieve,
            commands::plans::milestone_update,
            commands::plans::milestone_reopen,
            commands::plans::milestone_delete,
            commands::plans::objective_update,
            commands::plans::objective_delete,
            commands::plans::qbr_schedule,
            commands::plans::qbr_hold,
            commands::plans::qbr_cancel,
            commands::plans::value_measures,
            commands::plans::value_measures_set,
            commands::qbr::qbr_deck,
            commands::qbr::qbr_deck_save,
            commands::qbr::qbr_deck_export,
            commands::qbr::qbr_folder,
            commands::qbr::qbr_branding_set,
            commands::qbr::qbr_logo_set,
            commands::qbr::qbr_batch,
            commands::qbr::qbr_batch_cancel,
            commands::plans::calendar_export,
            commands::plans::postmortem_save,
            commands::plans::churn_reasons,
            commands::sync::sync_overview,
            commands::sync::sync_probe,
            commands::sync::sync_save,
            commands::sync::sync_pause,
            commands::sync::sync_disconnect,
            commands::sync::sync_log,
            commands::sync::sync_review,
            commands::sync::sync_decide,
            commands::sync::sync_now,
            commands::sync::sync_cancel,
            commands::sync::outbox_list,
            commands::sync::outbox_retry,
            commands::data::data_export,
            commands::data::backups_list,
            commands::data::backup_take,
            commands::data::backups_prune,
            commands::data::backup_restore,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the window could not start");
        eprintln!("Steward could not start its window: {e}");
        std::process::exit(1);
    }
}
