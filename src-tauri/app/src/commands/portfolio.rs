use chrono::NaiveDate;
use steward_core::portfolio::{self, PortfolioPage, PortfolioQuery};
use steward_core::rates::{self, Reporting};
use tauri::AppHandle;

use crate::state::{read, write, CommandResult};

/// The rows on screen (and a margin) with the figures of the whole list.
#[tauri::command]
pub async fn portfolio_page(
    app: AppHandle,
    query: PortfolioQuery,
    offset: u64,
    limit: u64,
) -> CommandResult<PortfolioPage> {
    // A window, never the book: 500 rows cover any screen with room to scroll.
    let limit = limit.clamp(1, 500);
    read(&app, move |c| {
        portfolio::page(c, &query, steward_core::today(), offset, limit)
    })
    .await
}

#[tauri::command]
pub async fn reporting_get(app: AppHandle) -> CommandResult<Reporting> {
    read(&app, |c| rates::get(c, steward_core::today())).await
}

#[tauri::command]
pub async fn reporting_set_currency(app: AppHandle, currency: String) -> CommandResult<()> {
    write(&app, move |w| rates::set_currency(w, &currency)).await
}

#[tauri::command]
pub async fn rate_set(
    app: AppHandle,
    currency: String,
    valid_from: NaiveDate,
    rate: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        rates::set_rate(w, &currency, valid_from, &rate)
    })
    .await
}

#[tauri::command]
pub async fn rate_delete(
    app: AppHandle,
    currency: String,
    valid_from: NaiveDate,
) -> CommandResult<()> {
    write(&app, move |w| rates::delete_rate(w, &currency, valid_from)).await
}
