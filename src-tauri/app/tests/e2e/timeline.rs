//! The portfolio, an account page, logging a check-in with a next step,
//! the task it makes, and search. Returns the account used.

use fantoccini::Client;

use crate::support::{
    click, screenshot, scroll_to_top, text_content, type_into, wait_for, wait_for_text,
};

pub async fn portfolio_account_and_check_in(client: &Client) -> String {
    click(client, "[data-testid=nav-portfolio]").await;
    wait_for(client, "[data-testid=portfolio-row]").await;
    // The health column shows each account's score.
    wait_for(client, "[data-testid=portfolio-health]").await;
    let count = wait_for(client, "[data-testid=portfolio-count]")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        count.starts_with("2"),
        "the demo book's live accounts are listed: {count}"
    );
    screenshot(client, "02-portfolio").await;

    // The demo book holds USD, EUR and GBP accounts: with USD as the
    // reporting currency and a rate for EUR only, the total is in dollars
    // and says how many GBP accounts it leaves out.
    click(client, "[data-testid=portfolio-currencies]").await;
    wait_for(client, "[data-testid=currency-panel]").await;
    wait_for(client, "[data-testid=fx-reporting]")
        .await
        .select_by_value("USD")
        .await
        .expect("reporting currency");
    type_into(client, "[data-testid=fx-rate-EUR]", "1.08").await;
    click(client, "[data-testid=fx-save-EUR]").await;
    wait_for_text(client, "[data-testid=fx-row-EUR]", "1 EUR = 1.08 USD").await;
    let total = wait_for_text(client, "[data-testid=portfolio-total]", "in USD").await;
    assert!(
        text_content(client, &total).await.starts_with("ARR $"),
        "a dollar total"
    );
    wait_for_text(
        client,
        "[data-testid=portfolio-count]",
        "without a rate left out",
    )
    .await;
    screenshot(client, "02-portfolio-currencies").await;

    // Filter to one account and open it.
    let first_name = text_content(
        client,
        &wait_for(client, "[data-testid=portfolio-row] .title").await,
    )
    .await;
    assert!(!first_name.is_empty());
    type_into(client, "[data-testid=portfolio-filter]", &first_name).await;
    wait_for_text(client, "[data-testid=portfolio-row] .title", &first_name)
        .await
        .click()
        .await
        .expect("open");
    wait_for_text(client, "[data-testid=account-name]", &first_name).await;
    wait_for(client, ".chart svg path.value").await;
    // The account's health, with what drags it down, is on the page.
    let score = text_content(
        client,
        &wait_for(client, "[data-testid=health-score]").await,
    )
    .await;
    let score: f64 = score.parse().unwrap_or(-1.0);
    assert!(
        (0.0..=100.0).contains(&score),
        "health score shown: {score}"
    );
    screenshot(client, "03-account").await;

    // A contact who left is marked from a day, and can be brought back.
    click(client, "[data-testid=contact-leave]").await;
    wait_for(client, "[data-testid=contact-leave-form]").await;
    screenshot(client, "03b-contact-leave").await;
    click(client, "[data-testid=contact-left-save]").await;
    wait_for_text(client, ".contacts .badge.bad", "Left on").await;
    click(client, "[data-testid=contact-back]").await;
    wait_for_text(client, "[role=status]", "Back on the account").await;

    // The account's QBR deck, previewed from its data (charts included).
    click(client, "[data-testid=qbr-prepare]").await;
    wait_for(client, "[data-testid=slide-preview] svg.chart path").await;
    scroll_to_top(client).await;
    screenshot(client, "03c-qbr-deck").await;
    click(client, "[data-testid=deck-back]").await;
    wait_for_text(client, "[data-testid=account-name]", &first_name).await;

    // Log a check-in with a next step.
    click(client, "[data-testid=log-checkin]").await;
    wait_for(client, "[data-testid=checkin-dialog]").await;
    type_into(
        client,
        "[data-testid=checkin-summary]",
        "Quokka rollout agreed with the data team",
    )
    .await;
    click(client, "[data-testid=checkin-add-step]").await;
    type_into(
        client,
        "[data-testid=checkin-step]",
        "Send quokka rollout plan",
    )
    .await;
    screenshot(client, "04-checkin-dialog").await;
    click(client, "[data-testid=checkin-save]").await;
    wait_for_text(
        client,
        "[data-testid=timeline-item]",
        "Quokka rollout agreed",
    )
    .await;
    let touch = text_content(
        client,
        &wait_for(client, "[data-testid=days-since-touch]").await,
    )
    .await;
    assert_eq!(touch.to_lowercase(), "today");
    screenshot(client, "05-account-after-checkin").await;

    // The next step is a task.
    click(client, "[data-testid=nav-tasks]").await;
    wait_for_text(client, "[data-testid=task-row]", "Send quokka rollout plan").await;
    screenshot(client, "06-tasks").await;

    // Global search finds the check-in text.
    click(client, "[data-testid=open-palette]").await;
    type_into(client, "[data-testid=palette-input]", "quokka").await;
    wait_for_text(client, "[data-testid=palette-hit]", &first_name).await;
    screenshot(client, "07-search").await;
    first_name
}
