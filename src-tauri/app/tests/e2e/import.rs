//! Importing files in the wizard: a report naming each bad line, progress
//! and Cancel on a big file.

use std::path::Path;

use fantoccini::{Client, Locator};

use crate::support::{click, screenshot, type_into, wait_for, wait_for_text};

pub async fn files_with_bad_rows_and_cancel(client: &Client, home: &Path, first_name: &str) {
    // Import contacts from a CSV with bad rows: the report names each line.
    let csv = home.join("contacts.csv");
    std::fs::write(
        &csv,
        format!(
            "account,name,email,role\n\
             {first_name},Quinn Import,quinn@example.com,champion\n\
             no-such-account,Ghost Person,ghost@example.com,user\n\
             {first_name},,nameless@example.com,user\n\
             {first_name},Rae Import,rae@example.com,astronaut\n"
        ),
    )
    .expect("csv");
    click(client, "[data-testid=nav-import]").await;
    let entity = wait_for(client, "[data-testid=import-entity]").await;
    entity
        .select_by_value("contacts")
        .await
        .expect("select entity");
    type_into(
        client,
        "[data-testid=import-path]",
        &csv.display().to_string(),
    )
    .await;
    click(client, "[data-testid=import-read]").await;
    wait_for(client, "[data-testid=map-name]").await;
    screenshot(client, "08-import-mapping").await;
    click(client, "[data-testid=import-start]").await;
    let report = wait_for(client, "[data-testid=import-report]")
        .await
        .text()
        .await
        .expect("report");
    assert!(report.contains("1 imported"), "{report}");
    assert!(report.contains("3 rejected"), "{report}");
    wait_for_text(
        client,
        "[data-testid=import-error]",
        "Unknown account 'no-such-account'",
    )
    .await;
    wait_for_text(
        client,
        "[data-testid=import-error]",
        "Missing required field 'Name'",
    )
    .await;
    wait_for_text(
        client,
        "[data-testid=import-error]",
        "'astronaut' is not one of",
    )
    .await;
    let lines: Vec<String> = {
        let mut v = Vec::new();
        for row in client
            .find_all(Locator::Css("[data-testid=import-error] td.num"))
            .await
            .expect("rows")
        {
            v.push(row.text().await.expect("text"));
        }
        v
    };
    assert_eq!(lines, vec!["3", "4", "5"]);
    screenshot(client, "09-import-report").await;

    // A big usage file shows progress and can be cancelled without a trace.
    let big = home.join("usage.csv");
    {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&big).expect("big file"));
        writeln!(out, "account,day,active_users").expect("write");
        // Every day from 1900 to today, over and over: the repeats are
        // duplicates, but each row is still read and judged.
        let first = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("date");
        let last = chrono::Local::now().date_naive();
        let mut day = first;
        for n in 0..1_500_000u32 {
            writeln!(out, "\"{first_name}\",{day},{}", n % 40).expect("write");
            day = if day >= last {
                first
            } else {
                day.succ_opt().expect("next day")
            };
        }
    }
    click(client, "[data-testid=import-again]").await;
    let entity = wait_for(client, "[data-testid=import-entity]").await;
    entity
        .select_by_value("usage")
        .await
        .expect("select entity");
    type_into(
        client,
        "[data-testid=import-path]",
        &big.display().to_string(),
    )
    .await;
    click(client, "[data-testid=import-read]").await;
    wait_for(client, "[data-testid=map-day]").await;
    click(client, "[data-testid=import-start]").await;
    wait_for(client, "[data-testid=import-progress]").await;
    screenshot(client, "09b-import-progress").await;
    click(client, "[data-testid=import-cancel]").await;
    wait_for_text(
        client,
        "[role=status]",
        "Import cancelled; nothing was changed.",
    )
    .await;
}
