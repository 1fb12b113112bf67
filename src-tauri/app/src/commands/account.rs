use chrono::NaiveDate;
use steward_core::account;
use steward_core::account_page::{self, AccountPage};
use steward_core::checkin::{self, NewCheckIn};
use tauri::AppHandle;

use crate::state::{read, write, CommandResult};

#[tauri::command]
pub async fn account_page(
    app: AppHandle,
    id: i64,
    usage_days: Option<i64>,
) -> CommandResult<AccountPage> {
    let days = usage_days.unwrap_or(365 * 3).clamp(7, 365 * 10);
    read(&app, move |c| {
        account_page::page(c, id, days, steward_core::today())
    })
    .await
}

#[tauri::command]
pub async fn log_check_in(app: AppHandle, input: NewCheckIn) -> CommandResult<i64> {
    let id = write(&app, move |w| checkin::log(w, &input)).await?;
    // The team's CRM hears of it now when online, else with the next sync.
    crate::schedule::send_outbox_soon(&app);
    Ok(id)
}

#[tauri::command]
pub async fn contact_set_left(
    app: AppHandle,
    contact_id: i64,
    on: Option<NaiveDate>,
) -> CommandResult<i64> {
    write(&app, move |w| account::set_contact_left(w, contact_id, on)).await
}

/// The CSM sets an account field by hand; syncs then leave it.
#[tauri::command]
pub async fn account_field_set(
    app: AppHandle,
    account_id: i64,
    key: String,
    value: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        steward_core::fields::edit(w, account_id, &key, &value)
    })
    .await
}

/// Hands a field back to its source (which value it offered, it takes).
#[tauri::command]
pub async fn account_field_release(
    app: AppHandle,
    account_id: i64,
    key: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        steward_core::fields::release(w, account_id, &key)
    })
    .await
}
