//! Today, an at-risk account, snoozing, the health model with its live
//! preview and playbooks, and the Metrics screen, on the demo book.

use fantoccini::Client;

use crate::support::{
    click, open_account, screenshot, text_content, type_into, wait_for, wait_for_no_text,
    wait_for_text,
};

pub async fn today_health_model_and_metrics(client: &Client) {
    // Today is the first screen: the top risk is a demo account with its reason.
    let top = wait_for(client, "[data-testid=today-risk] [data-testid=today-item]").await;
    let risky = text_content(
        client,
        &wait_for(
            client,
            "[data-testid=today-risk] [data-testid=today-account]",
        )
        .await,
    )
    .await;
    let reason = text_content(
        client,
        &wait_for(
            client,
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
    wait_for(client, "[data-testid=week-changes]").await;
    screenshot(client, "02a-today").await;

    // Opening it shows the breakdown, the trend, the churn risk and its warnings.
    click(
        client,
        "[data-testid=today-risk] [data-testid=today-account]",
    )
    .await;
    wait_for_text(client, "[data-testid=account-name]", &risky).await;
    wait_for(client, "[data-testid=health-drag]").await;
    wait_for(client, "[data-testid=alerts] [data-testid=alert]").await;
    // Its risk says what raises it, in words.
    wait_for(client, "[data-testid=churn-risk]").await;
    wait_for(client, "[data-testid=risk-raises] li").await;
    // Adoption's share of the score, as the breakdown shows it ("x of y
    // points"): a new adoption weight must change it. (The total can stay
    // the same by coincidence when adoption scores like the rest.)
    let adoption_before = text_content(
        client,
        &wait_for(client, "[data-testid=health-points-adoption]").await,
    )
    .await;
    screenshot(client, "02b-account-at-risk").await;

    // Snoozing it on Today for two weeks hides it there, and the count of
    // snoozed warnings follows at once.
    click(client, "[data-testid=nav-today]").await;
    wait_for_text(
        client,
        "[data-testid=today-risk] [data-testid=today-account]",
        &risky,
    )
    .await;
    let snoozed_before = snoozed(client).await;
    click(
        client,
        "[data-testid=today-risk] [data-testid=today-snooze]",
    )
    .await;
    wait_for(client, "[data-testid=today-snooze-menu]").await;
    screenshot(client, "02a2-today-snooze-menu").await;
    click(
        client,
        "[data-testid=today-snooze-menu] [data-testid=today-snooze-14]",
    )
    .await;
    wait_for_no_text(
        client,
        "[data-testid=today-risk] [data-testid=today-account]",
        &risky,
    )
    .await;
    wait_for_text(client, "[role=status]", "Snoozed until").await;
    let after_one = wait_for_count(client, |n| n > snoozed_before).await;

    // Two more picked with x-style checkboxes and snoozed together for a month.
    let picks = client
        .find_all(fantoccini::Locator::Css(
            "[data-testid=today-risk] [data-testid=today-pick]",
        ))
        .await
        .expect("checkboxes");
    assert!(picks.len() >= 2, "risks to pick");
    for pick in picks.iter().take(2) {
        pick.click().await.expect("pick");
    }
    wait_for_text(client, "[data-testid=today-bulk]", "2 selected").await;
    screenshot(client, "02a3-today-bulk").await;
    click(client, "[data-testid=today-bulk] [data-testid=bulk-snooze]").await;
    click(
        client,
        "[data-testid=bulk-snooze-menu] [data-testid=bulk-snooze-30]",
    )
    .await;
    wait_for_text(client, "[role=status]", "warnings snoozed until").await;
    wait_for_count(client, |n| n >= after_one + 2).await;

    // Giving adoption far more weight changes that account's breakdown after saving.
    click(client, "[data-testid=nav-health]").await;
    wait_for(client, "[data-testid=churn-model] [data-testid=model-auc]").await;
    wait_for_text(client, "[data-testid=model-auc-interval]", "90% interval").await;
    wait_for(client, "[data-testid=calibration] rect.obs").await;
    // Retraining reports its progress and rescoring follows.
    click(client, "[data-testid=retrain]").await;
    wait_for_text(client, "[role=status]", "Churn model retrained").await;
    type_into(client, "[data-testid=weight-adoption]", "90").await;
    wait_for_text(
        client,
        "[data-testid=preview-moves]",
        "accounts would change band",
    )
    .await;
    screenshot(client, "02c-health-model-preview").await;
    click(client, "[data-testid=settings-save]").await;
    wait_for_text(client, "[data-testid=settings-version]", "Version 1").await;
    // Edit a playbook: the detractor playbook gets a second task.
    click(client, "[data-testid=playbook-detractor]").await;
    click(client, "[data-testid=playbook-add]").await;
    let titles = client
        .find_all(fantoccini::Locator::Css(
            "[data-testid^=playbook-task-title]",
        ))
        .await
        .expect("task fields");
    assert_eq!(titles.len(), 2, "the default task and the new one");
    type_into(
        client,
        "[data-testid=playbook-task-title-1]",
        "Invite the detractor to the product council",
    )
    .await;
    click(client, "[data-testid=playbook-save]").await;
    wait_for_text(client, "[role=status]", "Playbook for").await;
    screenshot(client, "02c2-playbooks").await;
    open_account(client, &risky).await;
    let started = std::time::Instant::now();
    loop {
        let now = text_content(
            client,
            &wait_for(client, "[data-testid=health-points-adoption]").await,
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
    click(client, "[data-testid=nav-metrics]").await;
    wait_for_text(client, "[data-testid=metric-nrr]", "%").await;
    wait_for_text(client, "[data-testid=metric-grr]", "%").await;
    wait_for(client, "[data-testid=renewals-chart] rect.due").await;
    wait_for(client, "[data-testid=bands-chart] rect.green").await;
    wait_for(client, "[data-testid=time-to-value] rect").await;
    screenshot(client, "02d-metrics").await;
}

/// The number of snoozed warnings Today shows (0 when it shows none).
async fn snoozed(client: &Client) -> u32 {
    match client
        .find(fantoccini::Locator::Css("[data-testid=today-snoozed]"))
        .await
    {
        Ok(el) => text_content(client, &el)
            .await
            .split_whitespace()
            .next()
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

/// Waits until the snoozed count satisfies `ok`; returns it.
async fn wait_for_count(client: &Client, ok: impl Fn(u32) -> bool) -> u32 {
    let started = std::time::Instant::now();
    loop {
        let n = snoozed(client).await;
        if ok(n) {
            return n;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the snoozed count stayed at {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
