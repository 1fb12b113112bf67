//! End-to-end tests of the real, built app: tauri-driver starts the binary
//! in a real window and we drive it over WebDriver like a person would.
//! They need a display and the drivers, so they are ignored by a plain
//! `cargo test`; scripts/test.sh runs them under Xvfb with `--ignored`.
//! Screenshots land in artifacts/e2e/ for a person to look at.

mod german;
mod health;
mod import;
mod plans;
mod support;
mod sync;
mod timeline;

#[path = "../../../sync/tests/support/mod.rs"]
mod fake;

use support::{
    click, open_app, screenshot, start_driver, start_driver_in, type_into, wait_for, wait_for_text,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run under Xvfb via scripts/test.sh"]
async fn a_csm_loads_the_demo_book_logs_a_check_in_and_imports_a_file() {
    let home = tempfile::tempdir().expect("tmp");
    let data_dir = home.path().join("data");
    let driver = start_driver(&data_dir, &home.path().join("xdg"));

    // First start with an empty data folder: the app offers the demo book.
    let client = open_app(&driver).await;
    wait_for(&client, "[data-testid=load-demo]").await;
    screenshot(&client, "01-welcome").await;
    // Before there is any data, Onboarding and Tasks say what will fill them.
    click(&client, "[data-testid=nav-onboarding]").await;
    wait_for_text(&client, ".empty", "No account is onboarding").await;
    screenshot(&client, "01b-onboarding-empty").await;
    click(&client, "[data-testid=nav-tasks]").await;
    wait_for_text(&client, ".empty", "Nothing is due").await;
    screenshot(&client, "01c-tasks-empty").await;
    // A reload starts the app over: with no accounts it offers the demo again.
    client.refresh().await.expect("reload");
    click(&client, "[data-testid=load-demo]").await;

    health::today_health_model_and_metrics(&client).await;
    let first_name = timeline::portfolio_account_and_check_in(&client).await;
    client.close().await.expect("close");

    // Restart: it opens on Today, and the check-in is still there.
    let client = open_app(&driver).await;
    wait_for(&client, "[data-testid=today-item]").await;
    click(&client, "[data-testid=open-palette]").await;
    type_into(&client, "[data-testid=palette-input]", "quokka").await;
    wait_for_text(&client, "[data-testid=palette-hit]", &first_name)
        .await
        .click()
        .await
        .expect("jump");
    wait_for_text(
        &client,
        "[data-testid=timeline-item]",
        "Quokka rollout agreed",
    )
    .await;

    import::files_with_bad_rows_and_cancel(&client, home.path(), &first_name).await;
    plans::onboarding_plans_qbrs_and_calendar(&client, home.path()).await;

    // The dark theme, chosen from the sidebar (system -> light -> dark).
    click(&client, "[data-testid=nav-portfolio]").await;
    let theme = wait_for(&client, "[data-testid=theme]").await;
    theme.click().await.expect("light");
    theme.click().await.expect("dark");
    wait_for(&client, "html[data-theme=dark]").await;
    wait_for(&client, "[data-testid=portfolio-row]").await;
    screenshot(&client, "10-portfolio-dark").await;
    wait_for_text(&client, "[data-testid=portfolio-row] .title", &first_name)
        .await
        .click()
        .await
        .expect("open");
    wait_for(&client, ".chart svg path.value").await;
    screenshot(&client, "11-account-dark").await;
    click(&client, "[data-testid=open-help]").await;
    wait_for_text(&client, "[role=dialog]", "Keyboard shortcuts").await;
    screenshot(&client, "12-shortcuts-dark").await;
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run under Xvfb via scripts/test.sh"]
async fn a_german_csm_works_in_german_at_every_window_size() {
    let home = tempfile::tempdir().expect("tmp");
    let driver = start_driver_in(
        &home.path().join("data"),
        &home.path().join("xdg"),
        &[("LANG", "de_DE.UTF-8"), ("LANGUAGE", "de_DE:de")],
    );
    let client = open_app(&driver).await;
    german::every_screen_in_german(&client).await;
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run under Xvfb via scripts/test.sh"]
async fn a_csm_connects_hubspot_syncs_and_a_check_in_reaches_it() {
    let hubspot = sync::hubspot();
    let home = tempfile::tempdir().expect("tmp");
    let data_dir = home.path().join("data");
    let driver = start_driver(&data_dir, &home.path().join("xdg"));
    let client = open_app(&driver).await;
    wait_for(&client, "[data-testid=load-demo]").await;
    sync::connect_sync_and_write_back(&client, &hubspot).await;
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run under Xvfb via scripts/test.sh"]
async fn a_damaged_portfolio_opens_read_only_and_says_how_to_restore() {
    use steward_core::progress::{self, CancelToken};
    let home = tempfile::tempdir().expect("tmp");
    let data_dir = home.path().join("data");
    {
        let mut conn = steward_core::store::open_in(&data_dir).expect("create");
        steward_core::write::run(&mut conn, steward_core::today(), |w| {
            steward_demo::generate(
                w,
                &steward_demo::DemoSpec {
                    seed: 3,
                    accounts: 12,
                    years: 1,
                },
                &mut progress::ignore,
                &CancelToken::default(),
            )
        })
        .expect("demo");
    }
    // A backup to restore from, and damage on the last page of the file.
    let db = data_dir.join("portfolio.sqlite3");
    std::fs::copy(&db, data_dir.join("portfolio.v4-20261101T000000Z.bak")).expect("backup");
    let mut bytes = std::fs::read(&db).expect("read");
    let page = bytes.len() - 4096;
    bytes[page..page + 8].copy_from_slice(&[0xFF; 8]);
    std::fs::write(&db, &bytes).expect("damage");

    let driver = start_driver(&data_dir, &home.path().join("xdg"));
    let client = open_app(&driver).await;
    // The check runs once the first screen is up, and says what to do.
    let message = wait_for_text(&client, "[role=alert]", "portfolio.v4-20261101T000000Z.bak").await;
    let text = message.text().await.expect("text");
    assert!(
        text.contains("damaged") && text.contains("restore"),
        "{text}"
    );
    screenshot(&client, "13-damaged-portfolio").await;
    client.close().await.expect("close");
    assert_eq!(
        std::fs::read(&db).expect("read"),
        bytes,
        "nothing was written"
    );
}
