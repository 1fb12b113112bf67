//! The `steward` binary as a script would use it, on real portfolio files.

use std::path::Path;
use std::process::{Command, Output};

fn steward(data: &Path, args: &[&str]) -> Output {
    // English, whatever the machine speaks: the tests read the words.
    steward_speaking("C.UTF-8", data, args)
}

fn steward_speaking(lang: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steward"))
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--data-dir")
        .arg(data)
        .args(["--today", "2026-11-23"])
        .args(args)
        .output()
        .expect("run steward")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_then_list_search_and_tasks() {
    let dir = tempfile::tempdir().expect("tmp");
    let demo = steward(dir.path(), &["demo", "--accounts", "30", "--seed", "5"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    assert!(stdout(&demo).starts_with("Demo book: 30 accounts"));

    let info = stdout(&steward(dir.path(), &["info"]));
    assert!(
        info.lines()
            .any(|l| l.starts_with("accounts") && l.trim_end().ends_with(" 30")),
        "{info}"
    );

    let list = steward(
        dir.path(),
        &[
            "portfolio",
            "--sort",
            "arr",
            "--desc",
            "--limit",
            "5",
            "--json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON rows");
    let arrs: Vec<i64> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["arr"]["minor"].as_i64().expect("arr"))
        .collect();
    assert_eq!(arrs.len(), 5);
    assert!(
        arrs.windows(2).all(|w| w[0] >= w[1]),
        "sorted by ARR, largest first: {arrs:?}"
    );

    let bad_sort = steward(dir.path(), &["portfolio", "--sort", "shoe-size"]);
    assert!(!bad_sort.status.success());
    assert!(String::from_utf8_lossy(&bad_sort.stderr).contains("cannot sort by 'shoe-size'"));

    let again = steward(dir.path(), &["demo", "--accounts", "5"]);
    assert!(
        !again.status.success(),
        "the demo book only goes into an empty portfolio"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds 30 accounts"));
}

#[test]
fn import_reports_bad_rows_with_lines_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.csv");
    std::fs::write(
        &file,
        "Company ID;Company Name;ARR\nc1;Müller GmbH;\"12.500,50\"\nc2;;100\nc3;Kaputt AG;zwölf\n",
    )
    .expect("write");
    let path = file.display().to_string();
    let data = dir.path().join("data");

    let out = steward(
        &data,
        &["import", "accounts", &path, "--map", "id=Company ID"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.contains("3 rows read: 1 imported, 0 already up to date, 2 rejected"),
        "{text}"
    );
    assert!(
        text.contains("line 3: Missing required field 'Name'."),
        "{text}"
    );
    assert!(
        text.contains("line 4: ARR: 'zwölf' is not a number."),
        "{text}"
    );

    let again = stdout(&steward(
        &data,
        &["import", "accounts", &path, "--map", "id=Company ID"],
    ));
    assert!(
        again.contains("0 imported, 1 already up to date, 2 rejected"),
        "{again}"
    );

    let found = stdout(&steward(&data, &["search", "müller"]));
    assert!(found.contains("Müller GmbH"), "{found}");

    let unknown = steward(&data, &["import", "spaceships", &path]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("is not something Steward imports"));
}

#[test]
fn a_portfolio_from_a_newer_steward_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    assert!(steward(dir.path(), &["info"]).status.success());
    let db = dir.path().join("portfolio.sqlite3");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute_batch("PRAGMA user_version = 999;")
            .expect("bump");
    }
    let before = std::fs::read(&db).expect("read");
    let out = steward(dir.path(), &["info"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer version of Steward"));
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

/// What a book holds, as figures that must survive an export and import.
fn figures(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).expect("open");
    [
        "SELECT count(*) || ' ' || sum(crm_arr_minor) || ' ' || group_concat(name || '/' || coalesce(domain, '') || '/' || tier || '/' || lifecycle_stage || '/' || coalesce(renewal_date, '') || '/' || status || '/' || currency, ';') FROM (SELECT * FROM accounts ORDER BY name)",
        "SELECT count(*) || ' ' || sum(is_primary) || ' ' || sum(left_company) || ' ' || group_concat(coalesce(email, ''), ';') FROM (SELECT * FROM contacts ORDER BY email, name)",
        "SELECT count(*) || ' ' || sum(active_users) || ' ' || sum(logins) || ' ' || sum(feature_events) || ' ' || coalesce(sum(api_calls), 0) || ' ' || coalesce(sum(licensed_seats), 0) FROM usage_daily",
        "SELECT count(*) || ' ' || sum(mrr_minor) || ' ' || group_concat(status || plan, ';') FROM (SELECT * FROM subscriptions ORDER BY plan, status, mrr_minor)",
        "SELECT count(*) || ' ' || sum(amount_minor) || ' ' || group_concat(status, ';') FROM (SELECT * FROM invoices ORDER BY issued_on, amount_minor, status)",
        "SELECT count(*) || ' ' || count(resolved_at) || ' ' || coalesce(sum(csat), 0) || ' ' || group_concat(priority || status, ';') FROM (SELECT * FROM tickets ORDER BY opened_at, subject)",
        "SELECT count(*) || ' ' || sum(score) || ' ' || count(contact_id) FROM survey_responses",
        "SELECT count(*) || ' ' || group_concat(kind || occurred_on || coalesce(sentiment, ''), ';') FROM (SELECT * FROM activities ORDER BY occurred_on, kind, summary)",
        "SELECT group_concat(key || label || kind, ';') FROM (SELECT * FROM custom_fields ORDER BY key)",
        "SELECT count(*) || ' ' || group_concat(field || value, ';') FROM (SELECT * FROM account_history WHERE field LIKE 'custom:%' ORDER BY field, value)",
    ]
    .iter()
    .map(|sql| {
        let v: Option<String> = conn.query_row(sql, [], |r| r.get(0)).expect(sql);
        (sql.split(" FROM ").last().unwrap_or("").to_string(), v.unwrap_or_default())
    })
    .collect()
}

#[test]
fn an_exported_book_imported_into_an_empty_portfolio_is_the_same_book() {
    let dir = tempfile::tempdir().expect("tmp");
    let (first, second, files) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("export"),
    );
    let demo = steward(
        &first,
        &["demo", "--accounts", "15", "--seed", "5", "--years", "1"],
    );
    assert!(demo.status.success());
    // Fields of the CSM's own, kept from an import, go out and come back.
    let extra = dir.path().join("segments.csv");
    std::fs::write(
        &extra,
        "id,name,Region,Seats bought\nX1,Quokka Labs,Enterprise North,120\nX2,Wombat Works,SMB South,8\n",
    )
    .expect("write");
    let kept = steward(
        &first,
        &[
            "import",
            "accounts",
            &extra.display().to_string(),
            "--keep-rest",
        ],
    );
    assert!(stdout(&kept).contains("2 imported"), "{}", stdout(&kept));
    let out = steward(&first, &["export", "--out", &files.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for entity in [
        "accounts",
        "contacts",
        "usage",
        "subscriptions",
        "invoices",
        "tickets",
        "surveys",
        "activities",
    ] {
        let file = files.join(format!("{entity}.csv"));
        let mut args = vec!["import", entity];
        let path = file.display().to_string();
        args.push(&path);
        if entity == "accounts" {
            args.push("--keep-rest");
        }
        let out = steward(&second, &args);
        assert!(
            out.status.success(),
            "{entity}: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !stdout(&out).contains("rejected") || stdout(&out).contains(" 0 rejected"),
            "{entity}: {}",
            stdout(&out)
        );
    }
    let (a, b) = (
        figures(&first.join("portfolio.sqlite3")),
        figures(&second.join("portfolio.sqlite3")),
    );
    assert!(
        a.iter().any(|(_, v)| v.contains("Enterprise")),
        "the kept fields are in the first book: {a:?}"
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "the same book");
    }
}

fn steward_in_german(data: &Path, args: &[&str]) -> String {
    let out = steward_speaking("de_DE.UTF-8", data, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn a_german_environment_reads_german_lines_row_errors_and_checklists() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.csv");
    std::fs::write(
        &file,
        "id,name,renewal_date\nA1,Quokka Labs,2027-03-31\nA2,Wombat Works,31st of March\n",
    )
    .expect("write");
    let data = dir.path().join("data");
    let text = steward_in_german(&data, &["import", "accounts", &file.display().to_string()]);
    assert!(
        text.starts_with("2 Zeilen gelesen: 1 importiert, 0 schon aktuell, 1 abgelehnt"),
        "{text}"
    );
    assert!(
        text.contains("Zeile 3: Verlängerungsdatum: „31st of March“ ist kein Datum"),
        "{text}"
    );

    // A German demo book: its lines, its lists and its onboarding checklists.
    let demo_dir = dir.path().join("demo");
    let demo = steward_in_german(&demo_dir, &["demo", "--accounts", "30", "--seed", "5"]);
    assert!(demo.starts_with("Demo-Portfolio: 30 Kunden"), "{demo}");
    let tasks = steward_in_german(&demo_dir, &["tasks"]);
    assert!(tasks.starts_with("Überfällig ("), "{tasks}");
    assert!(tasks.contains("\nDemnächst ("), "{tasks}");
    let list = steward_in_german(&demo_dir, &["portfolio", "--limit", "3"]);
    assert!(
        list.lines().next().is_some_and(|l| l.contains("Verläng.")),
        "{list}"
    );
    assert!(list.trim_end().ends_with("\n26 Kunden"), "{list}");

    let conn = rusqlite::Connection::open(demo_dir.join("portfolio.sqlite3")).expect("open");
    let titles: Vec<String> = conn
        .prepare("SELECT DISTINCT title FROM checklist_items ORDER BY title")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("titles");
    assert!(
        titles.iter().any(|t| t == "Kick-off-Termin gehalten"),
        "the demo's onboarding checklists are German: {titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t == "Kick-off call held"),
        "{titles:?}"
    );
}
