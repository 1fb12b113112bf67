//! What the window tests share: a tauri-driver with private data and XDG
//! folders, a WebDriver session with the built app, and waiting, typing and
//! screenshot helpers that work with WebKitWebDriver.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

pub const WAIT: Duration = Duration::from_secs(30);

/// A running tauri-driver with private data and XDG folders; killed on drop.
pub struct Driver {
    pub child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn start_driver(data_dir: &Path, xdg: &Path) -> Driver {
    start_driver_in(data_dir, xdg, &[])
}

/// As `start_driver`, with more environment for the app (LANG, say).
pub fn start_driver_in(data_dir: &Path, xdg: &Path, env: &[(&str, &str)]) -> Driver {
    let port = free_port();
    let native = free_port();
    for sub in ["data", "config", "cache"] {
        std::fs::create_dir_all(xdg.join(sub)).expect("xdg dir");
    }
    let child = Command::new("tauri-driver")
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("STEWARD_DATA_DIR", data_dir)
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        // The journeys read English unless they ask for another language,
        // whatever the machine running them speaks.
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver is installed (cargo install tauri-driver --locked)");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < WAIT,
            "tauri-driver did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

/// The app under test: the binary cargo built for this test run, or another
/// build named by STEWARD_APP_BINARY (the start-up benchmark uses release).
pub fn app_binary() -> String {
    std::env::var("STEWARD_APP_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_steward-app").to_string())
}

pub async fn open_app(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app_binary() }),
    );
    // tauri-driver accepts connections before its WebKitWebDriver is ready;
    // early attempts fail with an empty reply, so retry for a while.
    let started = Instant::now();
    loop {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
        {
            Ok(client) => return client,
            Err(e) if started.elapsed() < WAIT => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("no WebDriver session with the app: {e}"),
        }
    }
}

pub async fn wait_for(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// Waits for an element and clicks it.
pub async fn click(client: &Client, css: &str) {
    let el = wait_for(client, css).await;
    // Into the middle of the window, as a person would scroll: at an edge a
    // passing notice can cover it.
    let _ = client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&el).unwrap_or_default()],
        )
        .await;
    el.click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// The element's text as the DOM holds it (WebDriver's rendered text can be
/// empty for rows positioned with transforms).
pub async fn text_content(client: &Client, el: &Element) -> String {
    try_text_content(client, el).await.expect("textContent")
}

/// The same, or the WebDriver error when the element went stale: a list that
/// re-renders after a write replaces its nodes between two calls.
async fn try_text_content(
    client: &Client,
    el: &Element,
) -> Result<String, fantoccini::error::CmdError> {
    let el = serde_json::to_value(el).expect("element reference");
    Ok(client
        .execute("return arguments[0].textContent.trim();", vec![el])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Waits until some element matching `css` shows `text`.
pub async fn wait_for_text(client: &Client, css: &str, text: &str) -> Element {
    let started = Instant::now();
    loop {
        for el in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
            // A stale element is not a failure: look again on the next round.
            if try_text_content(client, &el)
                .await
                .is_ok_and(|t| t.contains(text))
            {
                return el;
            }
        }
        assert!(started.elapsed() < WAIT, "no {css} showing '{text}'");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until no element matching `css` shows `text`.
pub async fn wait_for_no_text(client: &Client, css: &str, text: &str) {
    let started = Instant::now();
    loop {
        let mut found = false;
        for el in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
            // A stale element counts as still there, so the check runs again.
            found |= try_text_content(client, &el)
                .await
                .map_or(true, |t| t == text);
        }
        if !found {
            return;
        }
        assert!(started.elapsed() < WAIT, "{css} still shows '{text}'");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/e2e");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Scrolls the window and the main pane back to their tops.
pub async fn scroll_to_top(client: &Client) {
    let _ = client
        .execute(
            "window.scrollTo(0, 0); document.querySelector('main')?.scrollTo(0, 0);",
            vec![],
        )
        .await;
}

pub async fn screenshot(client: &Client, name: &str) {
    // An element in the DOM is not yet a painted frame; give WebKit a moment.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(artifacts().join(format!("{name}.png")), png).expect("write screenshot");
}

/// Puts text into a field and fires the input event the UI listens to.
/// (WebKitWebDriver rejects fantoccini's send-keys payload, so this goes
/// through the DOM the way a keyboard's final input event would.)
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let el = wait_for(client, css).await;
    let el = serde_json::to_value(&el).expect("element reference");
    client
        .execute(
            "const [el, text] = arguments; el.focus(); el.value = text;
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![el, text.into()],
        )
        .await
        .expect("type");
}

/// Opens an account the way a person does: Ctrl+K's palette, its name, the hit.
pub async fn open_account(client: &Client, name: &str) {
    click(client, "[data-testid=open-palette]").await;
    type_into(client, "[data-testid=palette-input]", name).await;
    wait_for_text(client, "[data-testid=palette-hit]", name)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot open {name}: {e}"));
    wait_for_text(client, "[data-testid=account-name]", name).await;
}

/// The accessibility problems axe-core finds on the screen as it is, the
/// serious and critical ones, each as "rule: help (where)". axe is read from
/// the UI's npm packages and put into the page the first time.
pub async fn accessibility_problems(client: &Client) -> Vec<String> {
    let loaded = client
        .execute("return typeof axe !== 'undefined';", vec![])
        .await
        .expect("probe axe");
    if loaded != serde_json::Value::Bool(true) {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("axe-core at {} (npm ci in ui/): {e}", path.display()));
        client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .expect("inject axe");
    }
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then((r) => done(r.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`)))
               .catch((e) => done([`axe failed: ${e}`]));",
            vec![],
        )
        .await
        .expect("run axe");
    serde_json::from_value(found).expect("a list of problems")
}
