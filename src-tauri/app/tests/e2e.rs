//! End-to-end tests of the real, built app: tauri-driver starts the binary
//! in a real window and we drive it over WebDriver like a person would.
//! They need a display and the drivers, so they are ignored by a plain
//! `cargo test`; scripts/test.sh runs them under Xvfb with `--ignored`.
//! Screenshots land in artifacts/e2e/ for a person to look at.

mod support;

use fantoccini::Locator;
use support::{
    click, open_account, open_app, screenshot, start_driver, text_content, type_into, wait_for,
    wait_for_no_text, wait_for_text,
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

    // Today is the first screen: the top risk is a demo account with its reason.
    let top = wait_for(&client, "[data-testid=today-risk] [data-testid=today-item]").await;
    let risky = text_content(
        &client,
        &wait_for(
            &client,
            "[data-testid=today-risk] [data-testid=today-account]",
        )
        .await,
    )
    .await;
    let reason = text_content(
        &client,
        &wait_for(
            &client,
            "[data-testid=today-risk] [data-testid=today-reason]",
        )
        .await,
    )
    .await;
    assert!(
        !risky.is_empty() && !reason.is_empty(),
        "a risk with its reason: {risky}: {reason}"
    );
    drop(top);
    wait_for(&client, "[data-testid=week-changes]").await;
    screenshot(&client, "02a-today").await;

    // Opening it shows the breakdown, the trend, the churn risk and its warnings.
    click(
        &client,
        "[data-testid=today-risk] [data-testid=today-account]",
    )
    .await;
    wait_for_text(&client, "[data-testid=account-name]", &risky).await;
    wait_for(&client, "[data-testid=health-drag]").await;
    wait_for(&client, "[data-testid=alerts] [data-testid=alert]").await;
    // Adoption's share of the score, as the breakdown shows it ("x of y
    // points"): a new adoption weight must change it. (The total can stay
    // the same by coincidence when adoption scores like the rest.)
    let adoption_before = text_content(
        &client,
        &wait_for(&client, "[data-testid=health-points-adoption]").await,
    )
    .await;
    screenshot(&client, "02b-account-at-risk").await;

    // Snoozing it on Today hides it there.
    click(&client, "[data-testid=nav-today]").await;
    wait_for_text(
        &client,
        "[data-testid=today-risk] [data-testid=today-account]",
        &risky,
    )
    .await;
    click(
        &client,
        "[data-testid=today-risk] [data-testid=today-snooze]",
    )
    .await;
    wait_for_no_text(
        &client,
        "[data-testid=today-risk] [data-testid=today-account]",
        &risky,
    )
    .await;
    wait_for_text(&client, "[role=status]", "Snoozed until").await;

    // Giving adoption far more weight changes that account's breakdown after saving.
    click(&client, "[data-testid=nav-health]").await;
    wait_for(&client, "[data-testid=churn-model] [data-testid=model-auc]").await;
    type_into(&client, "[data-testid=weight-adoption]", "90").await;
    wait_for_text(
        &client,
        "[data-testid=preview-moves]",
        "accounts would change band",
    )
    .await;
    screenshot(&client, "02c-health-model-preview").await;
    click(&client, "[data-testid=settings-save]").await;
    wait_for_text(&client, "[data-testid=settings-version]", "Version 1").await;
    // Edit a playbook: the detractor playbook gets a second task.
    click(&client, "[data-testid=playbook-detractor]").await;
    click(&client, "[data-testid=playbook-add]").await;
    let titles = client
        .find_all(fantoccini::Locator::Css(
            "[data-testid^=playbook-task-title]",
        ))
        .await
        .expect("task fields");
    assert_eq!(titles.len(), 2, "the default task and the new one");
    type_into(
        &client,
        "[data-testid=playbook-task-title-1]",
        "Invite the detractor to the product council",
    )
    .await;
    click(&client, "[data-testid=playbook-save]").await;
    wait_for_text(&client, "[role=status]", "Playbook for").await;
    screenshot(&client, "02c2-playbooks").await;
    open_account(&client, &risky).await;
    let started = std::time::Instant::now();
    loop {
        let now = text_content(
            &client,
            &wait_for(&client, "[data-testid=health-points-adoption]").await,
        )
        .await;
        if now != adoption_before {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "adoption stayed at {now} after the weight change"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Portfolio metrics: retention figures and both charts.
    click(&client, "[data-testid=nav-metrics]").await;
    wait_for_text(&client, "[data-testid=metric-nrr]", "%").await;
    wait_for_text(&client, "[data-testid=metric-grr]", "%").await;
    wait_for(&client, "[data-testid=renewals-chart] rect.due").await;
    wait_for(&client, "[data-testid=bands-chart] rect.green").await;
    wait_for(&client, "[data-testid=time-to-value] rect").await;
    screenshot(&client, "02d-metrics").await;

    click(&client, "[data-testid=nav-portfolio]").await;
    wait_for(&client, "[data-testid=portfolio-row]").await;
    // The health column shows each account's score.
    wait_for(&client, "[data-testid=portfolio-health]").await;
    let count = wait_for(&client, "[data-testid=portfolio-count]")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        count.starts_with("2"),
        "the demo book's live accounts are listed: {count}"
    );
    screenshot(&client, "02-portfolio").await;

    // Filter to one account and open it.
    let first_name = text_content(
        &client,
        &wait_for(&client, "[data-testid=portfolio-row] .title").await,
    )
    .await;
    assert!(!first_name.is_empty());
    type_into(&client, "[data-testid=portfolio-filter]", &first_name).await;
    wait_for_text(&client, "[data-testid=portfolio-row] .title", &first_name)
        .await
        .click()
        .await
        .expect("open");
    wait_for_text(&client, "[data-testid=account-name]", &first_name).await;
    wait_for(&client, ".chart svg path.value").await;
    // The account's health, with what drags it down, is on the page.
    let score = text_content(
        &client,
        &wait_for(&client, "[data-testid=health-score]").await,
    )
    .await;
    let score: f64 = score.parse().unwrap_or(-1.0);
    assert!(
        (0.0..=100.0).contains(&score),
        "health score shown: {score}"
    );
    screenshot(&client, "03-account").await;

    // Log a check-in with a next step.
    click(&client, "[data-testid=log-checkin]").await;
    wait_for(&client, "[data-testid=checkin-dialog]").await;
    type_into(
        &client,
        "[data-testid=checkin-summary]",
        "Quokka rollout agreed with the data team",
    )
    .await;
    click(&client, "[data-testid=checkin-add-step]").await;
    type_into(
        &client,
        "[data-testid=checkin-step]",
        "Send quokka rollout plan",
    )
    .await;
    screenshot(&client, "04-checkin-dialog").await;
    click(&client, "[data-testid=checkin-save]").await;
    wait_for_text(
        &client,
        "[data-testid=timeline-item]",
        "Quokka rollout agreed",
    )
    .await;
    let touch = text_content(
        &client,
        &wait_for(&client, "[data-testid=days-since-touch]").await,
    )
    .await;
    assert_eq!(touch.to_lowercase(), "today");
    screenshot(&client, "05-account-after-checkin").await;

    // The next step is a task.
    click(&client, "[data-testid=nav-tasks]").await;
    wait_for_text(
        &client,
        "[data-testid=task-row]",
        "Send quokka rollout plan",
    )
    .await;
    screenshot(&client, "06-tasks").await;

    // Global search finds the check-in text.
    click(&client, "[data-testid=open-palette]").await;
    type_into(&client, "[data-testid=palette-input]", "quokka").await;
    wait_for_text(&client, "[data-testid=palette-hit]", &first_name).await;
    screenshot(&client, "07-search").await;
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

    // Import contacts from a CSV with bad rows: the report names each line.
    let csv = home.path().join("contacts.csv");
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
    click(&client, "[data-testid=nav-import]").await;
    let entity = wait_for(&client, "[data-testid=import-entity]").await;
    entity
        .select_by_value("contacts")
        .await
        .expect("select entity");
    type_into(
        &client,
        "[data-testid=import-path]",
        &csv.display().to_string(),
    )
    .await;
    click(&client, "[data-testid=import-read]").await;
    wait_for(&client, "[data-testid=map-name]").await;
    screenshot(&client, "08-import-mapping").await;
    click(&client, "[data-testid=import-start]").await;
    let report = wait_for(&client, "[data-testid=import-report]")
        .await
        .text()
        .await
        .expect("report");
    assert!(report.contains("1 imported"), "{report}");
    assert!(report.contains("3 rejected"), "{report}");
    wait_for_text(
        &client,
        "[data-testid=import-error]",
        "Unknown account 'no-such-account'",
    )
    .await;
    wait_for_text(
        &client,
        "[data-testid=import-error]",
        "Missing required field 'Name'",
    )
    .await;
    wait_for_text(
        &client,
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
    screenshot(&client, "09-import-report").await;

    // A big usage file shows progress and can be cancelled without a trace.
    let big = home.path().join("usage.csv");
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
    click(&client, "[data-testid=import-again]").await;
    let entity = wait_for(&client, "[data-testid=import-entity]").await;
    entity
        .select_by_value("usage")
        .await
        .expect("select entity");
    type_into(
        &client,
        "[data-testid=import-path]",
        &big.display().to_string(),
    )
    .await;
    click(&client, "[data-testid=import-read]").await;
    wait_for(&client, "[data-testid=map-day]").await;
    click(&client, "[data-testid=import-start]").await;
    wait_for(&client, "[data-testid=import-progress]").await;
    screenshot(&client, "09b-import-progress").await;
    click(&client, "[data-testid=import-cancel]").await;
    wait_for_text(
        &client,
        "[role=status]",
        "Import cancelled; nothing was changed.",
    )
    .await;

    // A new customer from a file gets the default onboarding checklist.
    let today = chrono::Local::now().date_naive();
    let accounts = home.path().join("accounts.csv");
    std::fs::write(
        &accounts,
        format!(
            "id,name,arr,contract_start,renewal_date,lifecycle_stage\n\
             crm-77,Quokka Labs,48000,{},{},onboarding\n",
            today - chrono::Duration::days(40),
            today + chrono::Duration::days(325)
        ),
    )
    .expect("accounts csv");
    // After the cancel the import screen is back at its first step.
    let entity = wait_for(&client, "[data-testid=import-entity]").await;
    entity
        .select_by_value("accounts")
        .await
        .expect("select entity");
    type_into(
        &client,
        "[data-testid=import-path]",
        &accounts.display().to_string(),
    )
    .await;
    click(&client, "[data-testid=import-read]").await;
    wait_for(&client, "[data-testid=map-name]").await;
    click(&client, "[data-testid=import-start]").await;
    wait_for_text(&client, "[data-testid=import-report]", "1 imported").await;
    open_account(&client, "Quokka Labs").await;
    type_into(
        &client,
        "[data-testid=checklist-expectations]",
        "Ops team live within 30 days",
    )
    .await;
    click(&client, "[data-testid=checklist-apply]").await;
    // Started 40 days ago: the items due on days 7, 10, 14, 21 and 30 are late.
    wait_for_text(&client, "[data-testid=checklist-overdue]", "5 overdue").await;
    wait_for_text(&client, "[data-testid=checklist-progress]", "0%").await;
    // Its first-value milestone was due on day 30: a warning says so.
    wait_for_text(
        &client,
        "[data-testid=alert]",
        "Milestone \u{201c}First team live on the product\u{201d} was due",
    )
    .await;
    click(&client, "[data-testid=checklist-item]").await;
    wait_for_text(&client, "[data-testid=checklist-progress]", "11%").await;
    wait_for_text(&client, "[data-testid=checklist-overdue]", "4 overdue").await;
    // An item opens for its done date and a note, which then shows under it.
    click(&client, "[data-testid=checklist-item-open]").await;
    type_into(
        &client,
        "[data-testid=checklist-item-note]",
        "Kick-off held with the ops lead",
    )
    .await;
    click(&client, "[data-testid=checklist-item-save]").await;
    wait_for_text(
        &client,
        "[data-testid=onboarding]",
        "Kick-off held with the ops lead",
    )
    .await;
    // Achieving the first milestone, with its evidence, puts it on the
    // timeline and marks it for the next QBR.
    click(&client, "[data-testid=milestone-achieve]").await;
    type_into(
        &client,
        "[data-testid=milestone-evidence]",
        "12 agents live",
    )
    .await;
    click(&client, "[data-testid=milestone-achieve-confirm]").await;
    wait_for_text(
        &client,
        "[data-testid=timeline-item]",
        "Milestone achieved: First team live on the product. 12 agents live",
    )
    .await;
    wait_for_text(&client, "[data-testid=qbr]", "1 milestone to report").await;
    // Signed 40 days ago, first value today.
    wait_for_text(&client, "[data-testid=ttv]", "40 days").await;
    // The missed-milestone warning clears itself.
    wait_for_text(&client, "[data-testid=alert].resolved", "Milestone missed").await;
    // Its checklist item is checked off with it.
    wait_for_text(&client, "[data-testid=checklist-progress]", "22%").await;
    wait_for_text(&client, "[data-testid=checklist-overdue]", "3 overdue").await;
    // The next QBR goes on the plan (and, below, on the calendar).
    let qbr_day = today + chrono::Duration::days(20);
    type_into(&client, "[data-testid=qbr-date]", &qbr_day.to_string()).await;
    click(&client, "[data-testid=qbr-schedule]").await;
    wait_for_text(&client, "[role=status]", "QBR scheduled").await;
    wait_for(&client, "[data-testid=qbr-next]").await;
    // A milestone is renamed through its edit form.
    wait_for_text(&client, "[data-testid=milestone]", "Second use case live")
        .await
        .find(Locator::Css("[data-testid=milestone-edit]"))
        .await
        .expect("edit button")
        .click()
        .await
        .expect("edit");
    type_into(
        &client,
        "[data-testid=milestone-edit-title]",
        "Second use case live in the EU team",
    )
    .await;
    click(&client, "[data-testid=milestone-save]").await;
    wait_for_text(
        &client,
        "[data-testid=milestone]",
        "Second use case live in the EU team",
    )
    .await;
    // An objective in the customer's words joins the success plan.
    click(&client, ".objective-form summary").await;
    type_into(
        &client,
        "[data-testid=objective-title]",
        "Ops team runs every shift handover in the product",
    )
    .await;
    click(&client, "[data-testid=objective-save]").await;
    wait_for_text(
        &client,
        "[data-testid=objective]",
        "Ops team runs every shift handover",
    )
    .await;
    screenshot(&client, "09c-account-onboarding").await;
    // Edited, then deleted (a second click confirms).
    click(&client, "[data-testid=objective-edit]").await;
    type_into(
        &client,
        "[data-testid=success-plan] [data-testid=objective-form] [data-testid=objective-title]",
        "Every shift handover in the product",
    )
    .await;
    screenshot(&client, "09c2-objective-edit").await;
    click(&client, "[data-testid=objective-save]").await;
    wait_for_text(
        &client,
        "[data-testid=objective] strong",
        "Every shift handover in the product",
    )
    .await;
    click(&client, "[data-testid=objective-edit]").await;
    click(&client, "[data-testid=objective-delete]").await;
    click(&client, "[data-testid=objective-delete]").await;
    wait_for_text(&client, "[role=status]", "Objective deleted").await;
    wait_for_no_text(
        &client,
        "[data-testid=objective] strong",
        "Every shift handover in the product",
    )
    .await;
    // A task written down by hand on the account's page.
    type_into(
        &client,
        "[data-testid=new-task-title]",
        "Send the security questionnaire",
    )
    .await;
    type_into(&client, "[data-testid=new-task-due]", &today.to_string()).await;
    click(&client, "[data-testid=new-task-add]").await;
    wait_for_text(&client, ".tasks li", "Send the security questionnaire").await;
    screenshot(&client, "09c3-account-task").await;
    click(&client, "[data-testid=nav-onboarding]").await;
    wait_for_text(&client, "[data-testid=onboarding-row]", "Quokka Labs").await;
    screenshot(&client, "09d-onboarding-board").await;
    // Editing the template saves version 2; running checklists keep theirs.
    click(&client, "[data-testid=template-add-item]").await;
    type_into(
        &client,
        "[data-testid=template-editor] fieldset .item:last-of-type input[type=text]",
        "Executive alignment call",
    )
    .await;
    click(&client, "[data-testid=template-save]").await;
    wait_for_text(&client, "[role=status]", "saved as version 2").await;
    screenshot(&client, "09d2-template-editor").await;

    // The calendar export opens as iCalendar with the new account's dates.
    let ics = home.path().join("steward.ics");
    click(&client, "[data-testid=nav-tasks]").await;
    // The hand-written task is due today in the one task list; another is
    // added here for the same account, found by typing its name.
    wait_for_text(
        &client,
        "[data-testid=task-row]",
        "Send the security questionnaire",
    )
    .await;
    type_into(
        &client,
        "[data-testid=new-task-title]",
        "Book the EU rollout workshop",
    )
    .await;
    type_into(&client, "[data-testid=new-task-account]", "Quokka").await;
    wait_for(&client, "[data-testid=new-task] [role=option]").await;
    screenshot(&client, "09e0-new-task").await;
    click(&client, "[data-testid=new-task] [role=option]").await;
    type_into(
        &client,
        "[data-testid=new-task-due]",
        &(today + chrono::Duration::days(3)).to_string(),
    )
    .await;
    click(&client, "[data-testid=new-task-add]").await;
    wait_for_text(
        &client,
        "[data-testid=task-row]",
        "Book the EU rollout workshop",
    )
    .await;
    // Read in one script: the list may re-render between two WebDriver calls.
    let origin = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=task-row]')]
               .filter((r) => r.textContent.includes(arguments[0]))
               .map((r) => r.querySelector('[data-testid=task-origin]').textContent.trim())[0] ?? null;",
            vec!["Book the EU rollout workshop".into()],
        )
        .await
        .expect("origin");
    assert_eq!(origin.as_str(), Some("yours"), "marked as the CSM's own");
    type_into(
        &client,
        "[data-testid=calendar-path]",
        &ics.display().to_string(),
    )
    .await;
    click(&client, "[data-testid=calendar-export]").await;
    wait_for_text(&client, "[role=status]", "Calendar saved").await;
    let text = std::fs::read_to_string(&ics).expect("calendar written");
    let unfolded = text.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(
        lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(),
        lines.iter().filter(|l| **l == "END:VEVENT").count()
    );
    assert!(lines.contains(&"SUMMARY:Renewal: Quokka Labs"), "renewal");
    assert!(
        lines.contains(&"SUMMARY:Milestone: Second use case live in the EU team (Quokka Labs)"),
        "milestone target, as edited"
    );
    assert!(lines.contains(&"SUMMARY:QBR: Quokka Labs"), "the QBR");
    assert!(
        lines.contains(&format!("DTSTART;VALUE=DATE:{}", qbr_day.format("%Y%m%d")).as_str()),
        "on its day"
    );
    assert!(
        lines.contains(&"SUMMARY:Task: Send the security questionnaire (Quokka Labs)"),
        "the hand-written task"
    );
    assert!(
        lines.contains(&"SUMMARY:Task: Book the EU rollout workshop (Quokka Labs)"),
        "the task added on the Tasks screen"
    );
    let renewal_day = (today + chrono::Duration::days(325))
        .format("%Y%m%d")
        .to_string();
    assert!(lines.contains(&format!("DTSTART;VALUE=DATE:{renewal_day}").as_str()));
    screenshot(&client, "09e-tasks-calendar").await;

    // The QBR takes place: marked held with what was agreed, it reports the
    // achieved milestone and leaves nothing planned.
    open_account(&client, "Quokka Labs").await;
    click(&client, "[data-testid=qbr-hold]").await;
    type_into(
        &client,
        "[data-testid=qbr-note]",
        "EU rollout agreed for Q1",
    )
    .await;
    click(&client, "[data-testid=qbr-hold-confirm]").await;
    wait_for_text(
        &client,
        "[data-testid=qbr]",
        "At the last QBR: “EU rollout agreed for Q1”",
    )
    .await;
    wait_for_text(&client, "[data-testid=qbr]", "No QBR planned.").await;
    let plan = text_content(&client, &wait_for(&client, "[data-testid=qbr]").await).await;
    assert!(!plan.contains("to report"), "{plan}");
    wait_for_text(
        &client,
        "[data-testid=timeline-item]",
        "QBR held. EU rollout agreed for Q1",
    )
    .await;
    screenshot(&client, "09e2-qbr-held").await;

    // A churned account's post-mortem feeds the churn reasons on Metrics.
    click(&client, "[data-testid=nav-portfolio]").await;
    click(&client, "[data-testid=portfolio-churned]").await;
    wait_for(&client, "[data-testid=portfolio-stage]")
        .await
        .select_by_value("churned")
        .await
        .expect("churned stage");
    wait_for_text(&client, "[data-testid=portfolio-row]", "Churned")
        .await
        .click()
        .await
        .expect("open a churned account");
    wait_for(&client, "[data-testid=postmortem]").await;
    wait_for(&client, "[data-testid=postmortem-reason]")
        .await
        .select_by_value("competitor")
        .await
        .expect("reason");
    type_into(
        &client,
        "[data-testid=postmortem-lessons]",
        "Show the roadmap to the sponsor before the renewal",
    )
    .await;
    click(&client, "[data-testid=postmortem-save]").await;
    wait_for_text(&client, "[role=status]", "Post-mortem saved.").await;
    screenshot(&client, "09f-postmortem").await;
    click(&client, "[data-testid=nav-metrics]").await;
    wait_for_text(&client, "[data-testid=churn-reasons]", "Competitor").await;

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
