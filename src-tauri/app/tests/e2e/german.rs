//! A German CSM's first day, at the smallest window the app allows and on a
//! large screen: the system language picks German, every screen is
//! photographed at 1024x700 and 1920x1080 and checked by axe-core, dates
//! and numbers are German, and switching to English in the sidebar turns
//! the window and the warnings Rust wrote into English.

use std::collections::BTreeMap;
use std::time::Duration;

use fantoccini::Client;

use crate::support::{
    accessibility_problems, artifacts, click, screenshot, scroll_to_top, text_content, wait_for,
    wait_for_text,
};

/// A screen: where the sidebar (or a click) takes you and what says it is there.
struct Screen {
    name: &'static str,
    open: &'static str,
    ready: &'static str,
}

const SCREENS: [Screen; 11] = [
    Screen {
        name: "today",
        open: "[data-testid=nav-today]",
        ready: "[data-testid=today-item]",
    },
    Screen {
        name: "portfolio",
        open: "[data-testid=nav-portfolio]",
        ready: "[data-testid=portfolio-row]",
    },
    Screen {
        name: "account",
        open: "[data-testid=portfolio-row] .title",
        ready: ".chart svg path.value",
    },
    Screen {
        name: "qbr",
        open: "[data-testid=qbr-prepare]",
        ready: "[data-testid=deck-save]",
    },
    Screen {
        name: "tasks",
        open: "[data-testid=nav-tasks]",
        ready: "main h1",
    },
    Screen {
        name: "onboarding",
        open: "[data-testid=nav-onboarding]",
        ready: "main h1",
    },
    Screen {
        name: "metrics",
        open: "[data-testid=nav-metrics]",
        ready: "main svg",
    },
    Screen {
        name: "health",
        open: "[data-testid=nav-health]",
        ready: "main h1",
    },
    Screen {
        name: "import",
        open: "[data-testid=nav-import]",
        ready: "main h1",
    },
    Screen {
        name: "connections",
        open: "[data-testid=nav-connections]",
        ready: "[data-testid=connection-hubspot]",
    },
    Screen {
        name: "data",
        open: "[data-testid=nav-data]",
        ready: "main h1",
    },
];

/// Whether anything in the main pane is cut off sideways: wider than the
/// pane, so it can neither be seen nor scrolled to.
async fn clipped(client: &Client) -> Vec<String> {
    let found = client
        .execute(
            "const main = document.querySelector('main');
             const right = main.getBoundingClientRect().right + 1;
             const out = [];
             for (const el of main.querySelectorAll('button, a, input, select, th, td, h1, h2, .card')) {
               const r = el.getBoundingClientRect();
               if (r.width > 0 && r.right > right && !el.closest('.scroll-x')) out.push(`${el.tagName.toLowerCase()} ${(el.textContent || '').trim().slice(0, 30)}`);
             }
             return out.slice(0, 5);",
            vec![],
        )
        .await
        .expect("measure");
    serde_json::from_value(found).expect("a list")
}

pub async fn every_screen_in_german(client: &Client) {
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    client
        .set_window_size(1024, 700)
        .await
        .expect("small window");
    wait_for_text(client, "main h1", "Willkommen bei Steward").await;
    screenshot(client, "30-de-welcome-1024").await;
    problems.insert("welcome".into(), accessibility_problems(client).await);
    click(client, "[data-testid=load-demo]").await;
    wait_for(client, "[data-testid=today-item]").await;

    for (w, h) in [(1024, 700), (1920, 1080)] {
        client.set_window_size(w, h).await.expect("window size");
        for (n, screen) in SCREENS.iter().enumerate() {
            click(client, screen.open).await;
            wait_for(client, screen.ready).await;
            scroll_to_top(client).await;
            screenshot(client, &format!("3{}-de-{}-{w}", n, screen.name)).await;
            if screen.name == "account" {
                // The account page is long: the rest of it, a screen at a time.
                for part in 1..4 {
                    client
                        .execute(
                            "const m = document.querySelector('main'); m.scrollTo(0, m.clientHeight * arguments[0]);",
                            vec![part.into()],
                        )
                        .await
                        .expect("scroll");
                    screenshot(client, &format!("3{}-de-{}-{w}-{part}", n, screen.name)).await;
                }
            }
            let mut found = accessibility_problems(client).await;
            found.extend(
                clipped(client)
                    .await
                    .into_iter()
                    .map(|c| format!("clipped: {c}")),
            );
            problems
                .entry(format!("{} at {w}x{h}", screen.name))
                .or_default()
                .extend(found);
        }
    }

    // The dark theme, every screen checked again (contrast differs).
    let theme = wait_for(client, "[data-testid=theme]").await;
    theme.click().await.expect("light");
    theme.click().await.expect("dark");
    wait_for(client, "html[data-theme=dark]").await;
    for screen in &SCREENS {
        click(client, screen.open).await;
        wait_for(client, screen.ready).await;
        let found = accessibility_problems(client).await;
        problems
            .entry(format!("{} in the dark theme", screen.name))
            .or_default()
            .extend(found);
    }
    screenshot(client, "3z-de-data-dark-1920").await;

    // German words and formats: the account page's renewal as 01.12.2026 and
    // the Rust-written warnings in German.
    click(client, "[data-testid=nav-today]").await;
    let reason = wait_for(client, "[data-testid=today-item]").await;
    let text = text_content(client, &reason).await;
    assert!(
        !text.contains(" days") && !text.contains("Renews"),
        "Today reads in German: {text}"
    );
    // The demo book was made in German too: its next steps are tasks.
    click(client, "[data-testid=nav-tasks]").await;
    // The list arrives after the heading: read it once its rows are there.
    wait_for(client, "[data-testid=task-row]").await;
    let tasks = client
        .execute("return document.querySelector('main').innerText;", vec![])
        .await
        .expect("tasks text");
    let tasks = tasks.as_str().unwrap_or_default().to_string();
    assert!(
        [
            "Admin-Schulung planen",
            "Roadmap-Präsentation teilen",
            "Verlängerungsangebot vorbereiten"
        ]
        .iter()
        .any(|step| tasks.contains(step))
            && !tasks.contains("Share roadmap deck"),
        "the demo's tasks are German"
    );
    // Its onboarding checklists and the template offered are the German ones.
    click(client, "[data-testid=nav-onboarding]").await;
    wait_for_text(
        client,
        "[data-testid=template-editor] select",
        "Standard-Onboarding",
    )
    .await;
    let editor = wait_for(client, "[data-testid=template-editor]").await;
    let editor = text_content(client, &editor).await;
    assert!(
        editor.contains("Standard-Onboarding") && !editor.contains("Standard onboarding"),
        "the German template is offered: {editor}"
    );
    click(client, "[data-testid=nav-portfolio]").await;
    let header = wait_for(client, "[data-testid=portfolio-count]").await;
    assert!(text_content(client, &header).await.contains("Kunden"));

    let report: String = problems
        .iter()
        .filter(|(_, found)| !found.is_empty())
        .map(|(screen, found)| format!("{screen}:\n  {}\n", found.join("\n  ")))
        .collect();
    std::fs::write(artifacts().join("accessibility.txt"), &report).expect("report");
    assert!(
        report.is_empty(),
        "accessibility and layout problems:\n{report}"
    );

    // English from the sidebar: the window reloads in English and the
    // warnings Rust keeps are rewritten.
    let select = wait_for(client, "[data-testid=language]").await;
    select.select_by_value("en").await.expect("English");
    wait_for_text(client, "[data-testid=nav-today]", "Today").await;
    click(client, "[data-testid=nav-today]").await;
    let mut english = String::new();
    for _ in 0..40 {
        let item = wait_for(client, "[data-testid=today-item]").await;
        english = text_content(client, &item).await;
        if !english.contains("Tagen") && !english.contains("Verlängert") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        !english.contains("Tagen"),
        "Today back in English: {english}"
    );
}
