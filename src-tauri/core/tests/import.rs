//! Importing real files into a real portfolio: messy CSV, German exports,
//! NDJSON, bad rows reported by line, idempotent re-import, cancel.

mod support;

use std::path::Path;

use steward_core::import::{self, Entity, ImportRequest};
use steward_core::progress::{self, CancelToken};
use steward_core::{account_page, store, ErrorCode};
use support::{import_bytes, import_file, run_import, save, today};

/// Writes `text` to a file in `dir` and imports it with the suggested mapping.
fn import_text(
    conn: &mut rusqlite::Connection,
    dir: &Path,
    name: &str,
    text: &str,
    entity: Entity,
) -> import::ImportReport {
    import_bytes(conn, dir, name, text.as_bytes(), entity)
}

fn lines_and_reasons(report: &import::ImportReport) -> Vec<(u64, String)> {
    report
        .errors
        .iter()
        .map(|e| (e.line, e.reason.clone()))
        .collect()
}

#[test]
fn messy_csv_good_rows_go_in_bad_rows_are_reported_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    // UTF-8 BOM, CRLF line ends, a quoted separator and a quoted newline.
    let csv = "\u{feff}Account ID,Account Name,Domain,ARR,Renewal Date,Segment\r\n\
               acme-1,\"Acme, Inc.\",acme.example,\"120,000.50\",2027-03-31,\r\n\
               glob-2,\"Globex\nHoldings\",globex.example,250000,03/31/2027,A\r\n\
               bad-3,,nameless.example,1000,2027-01-01,\r\n\
               bad-4,Initech,initech.example,12k,2027-01-01,\r\n\
               bad-5,Umbrella,umbrella.example,5000,31.02.2027,\r\n\
               acme-1,Acme again,acme.example,1,2027-01-01,\r\n\
               hooli-7,Hooli,hooli.example,45000,2027-06-30,Z\r\n\
               vandelay-8,Vandelay,vandelay.example,9000,,C\r\n";
    let path = save(dir.path(), "accounts.csv", csv.as_bytes());
    let report = import_file(&mut conn, &path, Entity::Accounts);
    assert_eq!(report.rows_read, 8);
    assert_eq!(report.written, 3, "{:?}", report.errors);
    assert_eq!(report.failed, 5);
    let errors = lines_and_reasons(&report);
    // Line numbers count the quoted newline in the Globex row.
    assert_eq!(errors[0], (5, "Missing required field 'Name'.".to_string()));
    assert_eq!(errors[1].0, 6);
    assert!(
        errors[1].1.contains("ARR: '12k' is not a number"),
        "{}",
        errors[1].1
    );
    assert_eq!(errors[2].0, 7);
    assert!(errors[2].1.contains("'31.02.2027' is not a date"));
    assert_eq!(
        errors[3],
        (
            8,
            "Duplicate of line 2: the same record appears twice in the file.".to_string()
        )
    );
    assert_eq!(errors[4].0, 9);
    assert!(errors[4].1.contains("'Z' is not one of A, B, C"));

    let (name, arr, tier, renewal): (String, i64, String, String) = conn
        .query_row("SELECT name, arr_minor, tier, renewal_date FROM accounts WHERE domain = 'acme.example'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("acme");
    assert_eq!(
        (name.as_str(), arr, tier.as_str(), renewal.as_str()),
        ("Acme, Inc.", 12_000_050, "B", "2027-03-31")
    );
    let globex: String = conn
        .query_row(
            "SELECT name FROM accounts WHERE domain = 'globex.example'",
            [],
            |r| r.get(0),
        )
        .expect("globex");
    assert_eq!(globex, "Globex\nHoldings");

    // The same file again: the good rows are already there, nothing changes.
    let again = import_file(&mut conn, &path, Entity::Accounts);
    assert_eq!((again.written, again.unchanged, again.failed), (0, 3, 5));
    let count: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("n");
    assert_eq!(count, 3);

    // A changed ARR in a later export updates the account in place.
    let path = save(
        dir.path(),
        "accounts2.csv",
        b"id,name,arr\nacme-1,\"Acme, Inc.\",130000\n",
    );
    let update = import_file(&mut conn, &path, Entity::Accounts);
    assert_eq!((update.written, update.unchanged), (1, 0));
    let arr: i64 = conn
        .query_row(
            "SELECT arr_minor FROM accounts WHERE domain = 'acme.example'",
            [],
            |r| r.get(0),
        )
        .expect("arr");
    assert_eq!(arr, 13_000_000);
}

#[test]
fn german_export_with_semicolons_and_decimal_commas() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let accounts = "Kunden-ID;Name;ARR;Vertragsbeginn\nk-1;Müller GmbH;\"1.234,56\";01.02.2024\nk-2;Schmidt AG;\"150.000,00\";15.03.2023\n";
    let path = save(dir.path(), "kunden.csv", accounts.as_bytes());
    let info = import::inspect(Path::new(&path)).expect("inspect");
    assert_eq!(info.options.delimiter, ";");
    assert!(info.options.decimal_comma);
    let mut mapping = import::suggest_mapping(Entity::Accounts, &info.headers);
    for m in &mut mapping {
        match m.field.as_str() {
            "id" => m.column = Some("Kunden-ID".into()),
            "contract_start" => m.column = Some("Vertragsbeginn".into()),
            _ => {}
        }
    }
    let request = ImportRequest {
        path,
        entity: Entity::Accounts,
        options: info.options,
        mapping,
        keep: Vec::new(),
    };
    let report = run_import(
        &mut conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("run");
    assert_eq!(
        (report.written, report.failed),
        (2, 0),
        "{:?}",
        report.errors
    );
    let rows: Vec<(String, i64, String, String)> = conn
        .prepare("SELECT name, arr_minor, contract_start, tier FROM accounts ORDER BY name")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("collect");
    assert_eq!(
        rows[0],
        (
            "Müller GmbH".into(),
            123_456,
            "2024-02-01".into(),
            "C".into()
        )
    );
    assert_eq!(
        rows[1],
        (
            "Schmidt AG".into(),
            15_000_000,
            "2023-03-15".into(),
            "A".into()
        )
    );
}

#[test]
fn contacts_usage_and_other_entities_need_a_known_account() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let path = save(
        dir.path(),
        "a.csv",
        b"id,name,domain\nacme-1,Acme,acme.example\n",
    );
    import_file(&mut conn, &path, Entity::Accounts);

    let contacts = "account,name,email,role,primary\n\
                    acme-1,Ada Novak,ada@acme.example,Champion,yes\n\
                    ACME.EXAMPLE,Ben Kim,ben@acme.example,executive sponsor,no\n\
                    nope-9,Cy Ghost,cy@ghost.example,user,no\n\
                    acme-1,Dee Odd,dee@acme.example,janitor,no\n";
    let path = save(dir.path(), "contacts.csv", contacts.as_bytes());
    let report = import_file(&mut conn, &path, Entity::Contacts);
    assert_eq!(report.written, 2);
    assert_eq!(report.errors[0].line, 4);
    assert!(report.errors[0].reason.contains("Unknown account 'nope-9'"));
    assert!(report.errors[1]
        .reason
        .contains("'janitor' is not one of champion"));
    let again = import_file(&mut conn, &path, Entity::Contacts);
    assert_eq!(
        (again.written, again.unchanged),
        (0, 2),
        "rows without an id are keyed by their content"
    );

    // Usage as NDJSON, with a broken line and an unknown account.
    let ndjson = "{\"account\":\"acme-1\",\"date\":\"2026-11-20\",\"active_users\":12,\"seats\":20}\n\
                  {\"account\":\"acme-1\",\"date\":\"2026-11-21\",\"active_users\":14,\"seats\":20}\n\
                  {not json\n\
                  {\"account\":\"zzz\",\"date\":\"2026-11-21\",\"active_users\":1}\n\
                  {\"account\":\"acme-1\",\"date\":\"2026-11-21\",\"active_users\":15}\n";
    let path = save(dir.path(), "usage.ndjson", ndjson.as_bytes());
    let report = import_file(&mut conn, &path, Entity::Usage);
    assert_eq!(report.written, 2);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5]);
    assert!(report.errors[0].reason.contains("not valid JSON"));
    assert!(report.errors[2].reason.contains("Duplicate of line 2"));
    let page = account_page::page(&conn, 1, 30, today()).expect("page");
    assert_eq!(page.usage.active_users, vec![Some(12), Some(14)]);
    assert_eq!(
        page.seats_used_pct,
        Some(70.0),
        "rollups follow imported usage"
    );

    // Surveys: an NPS score of 11 is outside the field's range and is reported.
    let surveys = "account,email,type,score,date\nacme-1,ada@acme.example,NPS,9,2026-10-01\nacme-1,ben@acme.example,nps,11,2026-10-02\n";
    let path = save(dir.path(), "nps.csv", surveys.as_bytes());
    let report = import_file(&mut conn, &path, Entity::Surveys);
    assert_eq!(report.written, 1);
    assert_eq!(report.errors[0].line, 3);
    assert_eq!(
        report.errors[0].reason,
        "Score (NPS 0-10, CSAT 1-5): must be between 0 and 10."
    );
    let page = account_page::page(&conn, 1, 30, today()).expect("page");
    assert_eq!(page.nps, Some(100));
    assert_eq!(page.surveys[0].contact_name.as_deref(), Some("Ada Novak"));
}

#[test]
fn a_required_field_without_a_column_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let path = save(dir.path(), "x.csv", b"foo,bar\n1,2\n");
    let info = import::inspect(Path::new(&path)).expect("inspect");
    let request = ImportRequest {
        path,
        entity: Entity::Accounts,
        options: info.options.clone(),
        mapping: import::suggest_mapping(Entity::Accounts, &info.headers),
        keep: Vec::new(),
    };
    let err = run_import(
        &mut conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect_err("unmapped");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("Account id"), "{err}");
    let missing = ImportRequest {
        path: dir.path().join("none.csv").display().to_string(),
        ..request
    };
    assert_eq!(
        import::inspect(Path::new(&missing.path))
            .expect_err("missing")
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn cancel_and_preview_leave_the_portfolio_as_it_was() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let mut csv = String::from("id,name\n");
    for i in 0..30_000 {
        csv.push_str(&format!("acc-{i},Account {i}\n"));
    }
    let path = save(dir.path(), "big.csv", csv.as_bytes());
    let info = import::inspect(Path::new(&path)).expect("inspect");
    let request = ImportRequest {
        path,
        entity: Entity::Accounts,
        options: info.options,
        mapping: import::suggest_mapping(Entity::Accounts, &info.headers),
        keep: Vec::new(),
    };

    let preview =
        steward_core::write::dry_run(&mut conn, today(), |w| import::preview(w, &request, 20))
            .expect("preview");
    assert_eq!(
        (preview.rows_read, preview.written, preview.dry_run),
        (20, 20, true)
    );
    let count = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
            .expect("n")
    };
    assert_eq!(count(&conn), 0);

    let cancel = CancelToken::default();
    let mut reports = 0;
    let mut on_progress = |p: steward_core::progress::Progress| {
        reports += 1;
        assert!(p.done <= p.total.unwrap_or(u64::MAX));
        if reports == 2 {
            cancel.cancel();
        }
    };
    let err = run_import(&mut conn, &request, &mut on_progress, &cancel).expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(count(&conn), 0, "a cancelled import writes nothing");

    let report = run_import(
        &mut conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("run");
    assert_eq!(report.written, 30_000);
    assert_eq!(count(&conn), 30_000);

    // Usage is read on a thread of its own while it is written: a preview
    // and a cancel behave the same there.
    let mut csv = String::from("account,day,active_users\n");
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("day");
    for a in 0..30 {
        for d in 0..1000 {
            csv.push_str(&format!(
                "acc-{a},{},{}\n",
                first + chrono::Duration::days(d),
                d % 40
            ));
        }
    }
    let path = save(dir.path(), "usage.csv", csv.as_bytes());
    let info = import::inspect(Path::new(&path)).expect("inspect usage");
    let request = ImportRequest {
        path,
        entity: Entity::Usage,
        options: info.options,
        mapping: import::suggest_mapping(Entity::Usage, &info.headers),
        keep: Vec::new(),
    };
    let usage_rows = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM usage_daily", [], |r| r.get(0))
            .expect("n")
    };
    let preview =
        steward_core::write::dry_run(&mut conn, today(), |w| import::preview(w, &request, 20))
            .expect("preview usage");
    assert_eq!((preview.rows_read, preview.written), (20, 20));
    let cancel = CancelToken::default();
    let mut reports = 0;
    let mut on_progress = |_: steward_core::progress::Progress| {
        reports += 1;
        if reports == 2 {
            cancel.cancel();
        }
    };
    let err = run_import(&mut conn, &request, &mut on_progress, &cancel).expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(
        usage_rows(&conn),
        0,
        "a cancelled usage import writes nothing"
    );
    let report = run_import(
        &mut conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("run usage");
    assert_eq!((report.rows_read, report.written), (30_000, 30_000));
    assert_eq!(usage_rows(&conn), 30_000);

    // Usage goes in many rows to a statement: the counts still say which
    // rows changed, and a row the check rejects is reported at its line.
    let mut csv = String::from("account,day,active_users\n");
    for a in 0..2 {
        for d in 0..300 {
            let users = if d % 10 == 0 { 1000 + d } else { d % 40 };
            csv.push_str(&format!(
                "acc-{a},{},{users}\n",
                first + chrono::Duration::days(d)
            ));
        }
    }
    csv.push_str("acc-0,2099-01-01,5\n");
    let path = save(dir.path(), "usage-again.csv", csv.as_bytes());
    let request = ImportRequest { path, ..request };
    let report = run_import(
        &mut conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("run usage again");
    assert_eq!(
        (
            report.rows_read,
            report.written,
            report.unchanged,
            report.failed
        ),
        (601, 60, 540, 1)
    );
    assert_eq!(report.errors[0].line, 602, "{:?}", report.errors);
    let changed: i64 = conn
        .query_row(
            "SELECT count(*) FROM usage_daily WHERE active_users >= 1000",
            [],
            |r| r.get(0),
        )
        .expect("changed");
    assert_eq!(changed, 60);
}

#[test]
fn billing_support_and_activity_exports_import_with_their_usual_headers() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let path = save(
        dir.path(),
        "a.csv",
        b"id,name,domain\nacme-1,Acme,acme.example\n",
    );
    import_file(&mut conn, &path, Entity::Accounts);

    let subs =
        "Subscription ID,Customer,Product,Status,Current Period Start,MRR,Currency,Quantity\n\
                sub_1,acme-1,Business,active,2025-01-01,\"2,500.00\",EUR,25\n\
                sub_2,acme-1,Add-on,paused,2025-06-01,100,EUR,1\n";
    let report = import_text(
        &mut conn,
        dir.path(),
        "subs.csv",
        subs,
        Entity::Subscriptions,
    );
    assert_eq!(
        (report.written, report.failed),
        (1, 1),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0]
        .reason
        .contains("'paused' is not one of active, trialing, past_due, canceled"));
    let mrr: i64 = conn
        .query_row(
            "SELECT mrr_minor FROM subscriptions WHERE external_id = 'sub_1'",
            [],
            |r| r.get(0),
        )
        .expect("mrr");
    assert_eq!(mrr, 250_000);

    let invoices = "Invoice ID,Account,Invoice Number,Total,Currency,Invoice Status,Invoice Date,Due Date,Paid Date\n\
                    in_1,acme.example,INV-1,1200,USD,paid,2026-01-01,2026-01-31,2026-02-10\n\
                    in_2,acme.example,INV-2,1200,USD,failed,2026-02-01,2026-03-03,\n\
                    in_3,acme.example,INV-3,,USD,open,2026-03-01,2026-03-31,\n";
    let report = import_text(&mut conn, dir.path(), "inv.csv", invoices, Entity::Invoices);
    assert_eq!((report.written, report.failed), (2, 1));
    assert_eq!(
        report.errors[0],
        steward_core::import::RowError {
            line: 4,
            reason: "Missing required field 'Amount'.".into()
        }
    );
    let page = account_page::page(&conn, 1, 30, today()).expect("page");
    let late: Vec<(&str, bool)> = page
        .invoices
        .iter()
        .map(|i| (i.number.as_deref().unwrap_or(""), i.late))
        .collect();
    assert_eq!(
        late,
        vec![("INV-2", true), ("INV-1", true)],
        "paid after its due date, or failed and past due"
    );

    let tickets = "Ticket ID,Organization,Subject,Priority,Status,Created At,Solved At,Satisfaction\n\
                   t1,Acme,Login broken,Urgent,solved,2026-11-01T09:00:00+01:00,2026-11-02 10:00:00,4\n\
                   t2,Acme,Slow export,normal,open,1762000000,,\n\
                   t3,Acme,Bad rating,low,solved,2026-11-03,,9\n";
    let report = import_text(&mut conn, dir.path(), "t.csv", tickets, Entity::Tickets);
    assert_eq!(
        (report.written, report.failed),
        (2, 1),
        "{:?}",
        report.errors
    );
    assert!(
        report.errors[0]
            .reason
            .contains("CSAT (1-5): must be between 1 and 5"),
        "{:?}",
        report.errors
    );
    let opened: Vec<String> =
        support::column(&conn, "SELECT opened_at FROM tickets ORDER BY external_id");
    assert_eq!(
        opened,
        vec![
            "2026-11-01T08:00:00Z".to_string(),
            "2025-11-01T12:26:40Z".to_string()
        ],
        "times are stored in UTC"
    );

    let activities = "{\"account\":\"acme-1\",\"type\":\"Meeting\",\"date\":\"2026-11-20\",\"notes\":\"Kickoff with finance\",\"mood\":\"positive\"}\n\
                      {\"account\":\"acme-1\",\"type\":\"Lunch\",\"date\":\"2026-11-21\",\"notes\":\"?\"}\n";
    let report = import_text(
        &mut conn,
        dir.path(),
        "act.ndjson",
        activities,
        Entity::Activities,
    );
    assert_eq!(
        (report.written, report.failed),
        (1, 1),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0]
        .reason
        .contains("'Lunch' is not one of call, meeting, email, note, qbr"));
    let page = account_page::page(&conn, 1, 30, today()).expect("page");
    assert_eq!(page.activities[0].summary, "Kickoff with finance");
    assert_eq!(
        page.days_since_touch,
        Some(3),
        "imported activities count as touches"
    );
    assert!(steward_core::search::query(&conn, "kickoff", 5)
        .expect("search")
        .iter()
        .any(|h| h.account_id == 1));
}

#[test]
fn a_column_filled_only_far_down_is_judged_by_its_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from("id,name,Seats bought\n");
    for i in 0..2_500 {
        let seats = if i >= 2_400 { "12" } else { "" };
        text.push_str(&format!("A{i},Account {i},{seats}\n"));
    }
    let path = dir.path().join("accounts.csv");
    std::fs::write(&path, text).expect("write");
    let info = import::inspect(&path).expect("inspect");
    assert_eq!(
        info.column_kinds[2],
        import::CustomKind::Number,
        "only rows past the first 2,000 hold a value, and it is a number"
    );
}

/// Imports an accounts file keeping its `plan` column as the CSM's own field.
fn import_keeping_plan(
    conn: &mut rusqlite::Connection,
    dir: &Path,
    name: &str,
    text: &str,
) -> import::ImportReport {
    let path = save(dir, name, text.as_bytes());
    let info = import::inspect(Path::new(&path)).expect("inspect");
    let k = info
        .headers
        .iter()
        .position(|h| h == "plan")
        .expect("plan column");
    let request = ImportRequest {
        path,
        entity: Entity::Accounts,
        options: info.options,
        mapping: import::suggest_mapping(Entity::Accounts, &info.headers),
        keep: vec![import::KeptColumn {
            column: "plan".into(),
            kind: info.column_kinds[k],
        }],
    };
    run_import(
        conn,
        &request,
        &mut progress::ignore,
        &CancelToken::default(),
    )
    .expect("import")
}

#[test]
fn a_kept_column_whose_every_row_was_rejected_leaves_no_empty_field_behind() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fields = |conn: &rusqlite::Connection| -> Vec<String> {
        support::column(conn, "SELECT key FROM custom_fields ORDER BY key")
    };
    // Every row has a renewal date that is no date: nothing goes in, and
    // no "plan" field is left without values.
    let report = import_keeping_plan(
        &mut conn,
        dir.path(),
        "bad.csv",
        "id,name,renewal_date,plan\nA1,Quokka,someday,Pro\nA2,Wombat,never,Basic\n",
    );
    assert_eq!((report.written, report.failed), (0, 2));
    assert!(fields(&conn).is_empty(), "{:?}", fields(&conn));

    // One good row keeps the field, with its value.
    let report = import_keeping_plan(
        &mut conn,
        dir.path(),
        "good.csv",
        "id,name,renewal_date,plan\nA1,Quokka,2027-03-31,Pro\nA2,Wombat,never,Basic\n",
    );
    assert_eq!((report.written, report.failed), (1, 1));
    assert_eq!(fields(&conn), ["plan"]);
}

/// Every row of the search index, in rowid order.
fn search_rows(conn: &rusqlite::Connection) -> Vec<(i64, i64, String, Option<String>)> {
    conn.prepare("SELECT rowid, account_id, title, body FROM search_index ORDER BY rowid")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The search index as the schema's triggers build it row by row: every
/// account, contact and check-in indexed again by its update trigger.
fn indexed_row_by_row(conn: &rusqlite::Connection) -> Vec<(i64, i64, String, Option<String>)> {
    conn.execute_batch(
        "SAVEPOINT again;
         UPDATE accounts SET name = name;
         UPDATE contacts SET name = name;
         UPDATE activities SET summary = summary;",
    )
    .expect("reindex");
    let rows = search_rows(conn);
    conn.execute_batch("ROLLBACK TO again; RELEASE again;")
        .expect("roll back");
    rows
}

fn trigger_sql(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn bulk_writes_are_searchable_as_if_indexed_row_by_row_and_a_cancelled_import_keeps_search_whole() {
    let dir = tempfile::tempdir().expect("tmp");
    let fresh_dir = tempfile::tempdir().expect("tmp");
    let schema = trigger_sql(&store::open_in(fresh_dir.path()).expect("fresh"));
    let (mut conn, _) = support::book(dir.path(), 12, 5);
    // The demo book indexes its rows once they are all in.
    assert_eq!(
        trigger_sql(&conn),
        schema,
        "the triggers are back as the schema made them"
    );
    let built = search_rows(&conn);
    let counted: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts)
                  + (SELECT count(*) FROM activities)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(built.len() as i64, counted);
    assert_eq!(built, indexed_row_by_row(&conn));

    // A file of contacts, then the same file again with one of them
    // renamed (an update while the insert triggers are away), and
    // check-ins, for an account of the demo book.
    let account: String = conn
        .query_row("SELECT name FROM accounts ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("account");
    let contacts = |renamed: &str| {
        let mut text = String::from("id,account,name,email,title\n");
        for i in 0..40 {
            let name = if i == 7 {
                renamed.to_string()
            } else {
                format!("Person {i}")
            };
            text.push_str(&format!("c-{i},{account},{name},p{i}@x.example,Analyst\n"));
        }
        text
    };
    let report = import_text(
        &mut conn,
        dir.path(),
        "c.csv",
        &contacts("Person 7"),
        Entity::Contacts,
    );
    assert_eq!(
        (report.written, report.failed),
        (40, 0),
        "{:?}",
        report.errors
    );
    let report = import_text(
        &mut conn,
        dir.path(),
        "c.csv",
        &contacts("Quillon Marbury"),
        Entity::Contacts,
    );
    assert_eq!(
        (report.written, report.unchanged),
        (1, 39),
        "{:?}",
        report.errors
    );
    let renamed: i64 = conn
        .query_row(
            "SELECT id FROM contacts WHERE name = 'Quillon Marbury'",
            [],
            |r| r.get(0),
        )
        .expect("renamed");
    let mut activities = String::from("account,type,date,notes\n");
    for i in 0..60 {
        activities.push_str(&format!(
            "{account},call,2026-11-{:02},Walkthrough number{i} of xylograph\n",
            1 + i % 20
        ));
    }
    let report = import_text(
        &mut conn,
        dir.path(),
        "a.csv",
        &activities,
        Entity::Activities,
    );
    assert_eq!(
        (report.written, report.failed),
        (60, 0),
        "{:?}",
        report.errors
    );

    assert_eq!(trigger_sql(&conn), schema);
    let after = search_rows(&conn);
    assert_eq!(
        after.len(),
        built.len() + 40 + 60,
        "the new contacts and check-ins"
    );
    assert_eq!(after, indexed_row_by_row(&conn));
    let hits = steward_core::search::query(&conn, "xylograph", 100).expect("search");
    assert_eq!(hits.iter().map(|h| h.count).sum::<u32>(), 60);
    let hits = steward_core::search::query(&conn, "Quillon", 5).expect("search");
    assert!(
        hits.iter().any(|h| h.id == renamed),
        "a contact the file renamed is found by its new name: {hits:?}"
    );

    // A cancelled import leaves the triggers, and so search, as they were:
    // what is written next is found.
    let mut big = String::from("account,type,date,notes\n");
    for i in 0..30_000 {
        big.push_str(&format!("{account},note,2026-10-01,Cancelled zeugma {i}\n"));
    }
    let path = save(dir.path(), "big.csv", big.as_bytes());
    let info = import::inspect(Path::new(&path)).expect("inspect");
    let request = ImportRequest {
        path,
        entity: Entity::Activities,
        options: info.options,
        mapping: import::suggest_mapping(Entity::Activities, &info.headers),
        keep: Vec::new(),
    };
    let cancel = CancelToken::default();
    let mut on_progress = |_: steward_core::progress::Progress| cancel.cancel();
    let err = run_import(&mut conn, &request, &mut on_progress, &cancel).expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(trigger_sql(&conn), schema);
    assert_eq!(search_rows(&conn), after);
    let mut one = String::from("account,type,date,notes\n");
    one.push_str(&format!("{account},meeting,2026-11-22,Zeugma review\n"));
    import_text(&mut conn, dir.path(), "one.csv", &one, Entity::Activities);
    let hits = steward_core::search::query(&conn, "zeugma", 5).expect("search");
    assert_eq!(hits.len(), 1, "{hits:?}");
}
