//! QBR decks: the preview the QBR screen shows, the CSM's choices kept with
//! the planned QBR, a deck written to a folder, and a whole window of
//! planned QBRs written at once with progress and Cancel.

use steward_core::progress::Progress;
use steward_qbr::batch::{self, Report};
use steward_qbr::prep::{self, DeckChoices, DeckFile, DeckFormat, DeckView};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::state::{long_write, read, write, CommandResult};

#[tauri::command]
pub async fn qbr_deck(
    app: AppHandle,
    account_id: i64,
    choices: DeckChoices,
) -> CommandResult<DeckView> {
    read(&app, move |c| {
        prep::view(c, account_id, &choices, steward_core::today())
    })
    .await
}

#[tauri::command]
pub async fn qbr_deck_save(
    app: AppHandle,
    account_id: i64,
    choices: DeckChoices,
) -> CommandResult<()> {
    write(&app, move |w| prep::save(w, account_id, &choices)).await
}

/// Renders on a reader, writes the file with no lock held (a PDF takes
/// LibreOffice a second or two), then records it with the planned QBR.
#[tauri::command]
pub async fn qbr_deck_export(
    app: AppHandle,
    account_id: i64,
    choices: DeckChoices,
    folder: String,
    format: DeckFormat,
) -> CommandResult<DeckFile> {
    let rendered = read(&app, move |c| {
        prep::render(c, account_id, &choices, steward_core::today(), format)
    })
    .await?;
    let file =
        tauri::async_runtime::spawn_blocking(move || prep::write_file(&rendered, &folder, format))
            .await
            .map_err(|e| steward_core::Error::Internal(e.to_string()))??;
    let recorded = file.clone();
    write(&app, move |w| {
        prep::record(w, account_id, &recorded, format)
    })
    .await?;
    Ok(file)
}

/// Keeps the company name and accent colour decks use.
#[tauri::command]
pub async fn qbr_branding_set(
    app: AppHandle,
    company: String,
    accent: String,
) -> CommandResult<()> {
    write(&app, move |w| {
        steward_qbr::brand::save(w, &company, &accent)
    })
    .await
}

/// Takes the decks' logo from a PNG file, or removes it (no path).
#[tauri::command]
pub async fn qbr_logo_set(app: AppHandle, path: Option<String>) -> CommandResult<()> {
    write(&app, move |w| {
        steward_qbr::brand::set_logo(w, path.as_deref())
    })
    .await
}

/// The folder decks went to last time, else the user's Documents folder.
#[tauri::command]
pub async fn qbr_folder(app: AppHandle) -> CommandResult<String> {
    let documents = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    read(
        &app,
        move |c| Ok(prep::last_folder(c)?.unwrap_or(documents)),
    )
    .await
}

/// One deck per QBR planned in the next `days` days, into `folder`.
#[tauri::command]
pub async fn qbr_batch(
    app: AppHandle,
    days: i64,
    folder: String,
    job: u32,
    on_progress: Channel<Progress>,
) -> CommandResult<Report> {
    long_write(&app, job, move |w, cancel| {
        let today = w.today();
        let planned = steward_core::qbr::planned_between(
            w.conn(),
            today,
            today + chrono::Duration::days(days.clamp(1, 366)),
        )?;
        let accounts: Vec<(i64, String)> = planned
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect();
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        let look = steward_qbr::Look::of(w.conn())?;
        let out = batch::write_decks(
            w.conn(),
            &accounts,
            today,
            std::path::Path::new(&folder),
            &look,
            &mut report,
            cancel,
        )?;
        for deck in &out.written {
            steward_core::qbr::record_deck_file(w, deck.account_id, &deck.path)?;
        }
        Ok(out)
    })
    .await
}

#[tauri::command]
pub fn qbr_batch_cancel(app: AppHandle, job: u32) {
    crate::state::cancel(&app, job);
}
