use steward_core::progress::Progress;
use steward_core::store::PortfolioStatus;
use steward_core::Lang;
use steward_demo::{self as demo, DemoSpec, DemoSummary};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::state::{background_failed, long_write, read, write, AppState, CommandResult};

/// Long work started by the shell itself, not by the import wizard.
const DEMO_JOB: u32 = u32::MAX;

#[tauri::command]
pub async fn app_status(app: AppHandle) -> CommandResult<PortfolioStatus> {
    let accounts = read(&app, |c| {
        Ok(c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?)
    })
    .await
    .unwrap_or(0);
    let state = app.state::<AppState>();
    Ok(PortfolioStatus {
        data_dir: state.data_dir.display().to_string(),
        accounts,
        today: steward_core::today(),
        open_error: state.open_error.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// The window says which language it shows; what Rust writes for the person
/// (explanations, warnings, errors) follows from then on, and the sentences
/// the book keeps are rewritten in it in the background when they were
/// written in another (the open screens refetch when that is done).
#[tauri::command]
pub fn set_language(app: AppHandle, lang: Lang) {
    lang.set();
    if app.state::<AppState>().open_error.is_some() {
        return;
    }
    // Read first: nearly every start speaks the book's language already,
    // and a write would take the write lock while the window paints.
    tauri::async_runtime::spawn(async move {
        let reword = match read(&app, steward_core::lang::book_speaks).await {
            Ok(spoken) if spoken == lang => return,
            Ok(_) => write(&app, move |w| steward_core::lang::reword_book(w, lang)).await,
            Err(e) => Err(e),
        };
        if let Err(e) = reword {
            background_failed(&app, e);
        }
    });
}

#[tauri::command]
pub async fn load_demo(
    app: AppHandle,
    spec: Option<DemoSpec>,
    on_progress: Channel<Progress>,
) -> CommandResult<DemoSummary> {
    let spec = spec.unwrap_or_default();
    long_write(&app, DEMO_JOB, move |w, cancel| {
        let mut report = |p: Progress| {
            let _ = on_progress.send(p);
        };
        Ok(demo::generate(w, &spec, &mut report, cancel)?.summary)
    })
    .await
}

/// The window shows its first screen: the shell's start-up work may begin.
#[tauri::command]
pub fn app_ready(app: AppHandle) {
    app.state::<AppState>().mark_shown();
}
