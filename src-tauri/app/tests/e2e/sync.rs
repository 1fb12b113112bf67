//! Connecting HubSpot from the Connections screen against the fake
//! HubSpot the sync tests use (shared by path): test the token, save it
//! (into the OS keychain), sync with progress, see the companies on the
//! portfolio, log a check-in and see it written back as a HubSpot note.

use fantoccini::Client;

use crate::fake;
use crate::support::{click, open_account, screenshot, type_into, wait_for, wait_for_text};

pub async fn connect_sync_and_write_back(client: &Client, hubspot: &fake::Fake) {
    click(client, "[data-testid=nav-connections]").await;
    wait_for_text(client, "[data-testid=connection-hubspot]", "Not connected").await;
    screenshot(client, "20-connections-empty").await;

    click(
        client,
        "[data-testid=connection-hubspot] [data-testid=connection-add]",
    )
    .await;
    type_into(client, "[data-testid=connection-url]", &hubspot.url).await;
    // A wrong token is refused with what to do, before anything is stored.
    type_into(client, "[data-testid=connection-secret]", "pat-wrong").await;
    click(client, "[data-testid=connection-test]").await;
    wait_for_text(client, "[data-testid=connection-probe-error]", "reconnect").await;
    type_into(client, "[data-testid=connection-secret]", fake::TOKEN).await;
    click(client, "[data-testid=connection-test]").await;
    wait_for_text(
        client,
        "[data-testid=connection-probe]",
        "HubSpot answers: 6 companies can be read; renewal deals by the mapping: 1.",
    )
    .await;
    wait_for_text(
        client,
        "[data-testid=connection-probe] li",
        "renewal Quokka renewal 2027: 2027-03-31, 48000 USD",
    )
    .await;
    wait_for_text(
        client,
        "[data-testid=connection-probe] li",
        "Quokka Labs (quokka.example)",
    )
    .await;
    screenshot(client, "21-connection-test").await;
    click(client, "[data-testid=connection-save]").await;
    wait_for_text(client, "[data-testid=connection-hubspot]", "Not synced yet").await;

    click(
        client,
        "[data-testid=connection-hubspot] [data-testid=connection-sync]",
    )
    .await;
    // 6 companies, 12 contacts, the renewal deal and its account's renewal.
    wait_for_text(client, "[data-testid=sync-result]", "HubSpot: 20 written").await;
    wait_for_text(client, "[data-testid=connection-hubspot]", "Last synced").await;
    wait_for_text(client, "[data-testid=sync-log-row]", "Done").await;
    screenshot(client, "22-connections-synced").await;

    // The companies are accounts of the book.
    click(client, "[data-testid=nav-portfolio]").await;
    wait_for_text(client, "[data-testid=portfolio-row] .title", "Quokka Labs").await;
    screenshot(client, "23-portfolio-from-hubspot").await;

    // Each field says where it came from; one set by hand is the CSM's.
    open_account(client, "Quokka Labs").await;
    wait_for_text(client, "[data-testid=field-domain]", "HubSpot").await;
    wait_for_text(client, "[data-testid=field-renewal_date]", "Mar 31, 2027").await;
    click(client, "[data-testid=field-industry] .value").await;
    type_into(client, "[data-testid=field-input]", "Wildlife analytics").await;
    click(client, "[data-testid=field-save]").await;
    wait_for_text(client, "[data-testid=field-industry]", "You").await;
    screenshot(client, "23b-account-details").await;

    // A check-in on one of them goes to HubSpot as a note.
    click(client, "[data-testid=log-checkin]").await;
    wait_for(client, "[data-testid=checkin-dialog]").await;
    type_into(
        client,
        "[data-testid=checkin-summary]",
        "Renewal call: they want SSO before signing",
    )
    .await;
    click(client, "[data-testid=checkin-save]").await;
    wait_for_text(client, "[data-testid=timeline-item]", "Renewal call").await;
    let started = std::time::Instant::now();
    loop {
        let notes = hubspot.state.lock().expect("state").notes.clone();
        if let Some(note) = notes.first() {
            assert_eq!(notes.len(), 1, "one note per check-in");
            assert!(
                note.body
                    .contains("Renewal call: they want SSO before signing"),
                "{}",
                note.body
            );
            assert_eq!(note.companies, ["1"], "on Quokka Labs");
            break;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "the check-in reached HubSpot"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    click(client, "[data-testid=nav-connections]").await;
    wait_for_text(
        client,
        "[data-testid=outbox-row] [data-testid=outbox-state]",
        "Sent",
    )
    .await;
    screenshot(client, "24-connections-written-back").await;

    // The book is the CSM's: a backup now, restored in place, and the book
    // reads as before.
    click(client, "[data-testid=nav-data]").await;
    wait_for_text(client, ".empty", "No backups yet").await;
    click(client, "[data-testid=data-backup]").await;
    wait_for_text(client, "[data-testid=backup-row]", "Yours").await;
    click(client, "[data-testid=backup-restore]").await;
    wait_for_text(client, "[data-testid=data-confirm]", "kept aside").await;
    screenshot(client, "25-your-data").await;
    click(client, "[data-testid=data-restore-yes]").await;
    wait_for_text(client, "[role=status]", "Restored").await;
    click(client, "[data-testid=nav-portfolio]").await;
    wait_for_text(client, "[data-testid=portfolio-row] .title", "Quokka Labs").await;
}

/// The fake's book: six companies a CSM would recognise, two contacts each,
/// and Quokka Labs' renewal deal.
pub fn hubspot() -> fake::Fake {
    let names = [
        ("Quokka Labs", "quokka.example"),
        ("Northwind Traders", "northwind.example"),
        ("Globex GmbH", "globex.example"),
        ("Initech", "initech.example"),
        ("Umbrella Health", "umbrella.example"),
        ("Stark Logistics", "stark.example"),
    ];
    let mut companies = fake::companies(1, names.len() as i64);
    for (c, (name, domain)) in companies.iter_mut().zip(names) {
        c.name = name.to_string();
        c.domain = Some(domain.to_string());
    }
    let server = fake::Fake::start(companies);
    // Contacts 1..=12 over companies 1..=6 (1 + id % 6); none without one.
    let mut people = fake::contacts(1, 12, 6);
    for p in &mut people {
        p.company = Some(1 + p.id % 6);
    }
    let mut state = server.state.lock().expect("state");
    state.contacts = people;
    state.deals = vec![fake::Deal {
        id: 77,
        name: "Quokka renewal 2027".into(),
        dealtype: Some("existingbusiness".into()),
        pipeline: "default".into(),
        stage: "contractsent".into(),
        amount: Some("48000".into()),
        currency: Some("USD".into()),
        closedate: Some("2027-03-31T00:00:00.000Z".into()),
        closed: false,
        won: false,
        company: Some(1),
        modified_ms: 1_700_000_000_000,
        archived: false,
    }];
    drop(state);
    server
}
