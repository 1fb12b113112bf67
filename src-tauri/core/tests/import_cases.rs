//! The cases issue 9 reported, each through the real import into a real
//! portfolio file: data that used to be stored wrong (or lost) without a word
//! is now read exactly, or rejected with its line and reason, and the
//! report's counts always add up to the file's rows.

mod support;

use std::path::Path;

use rusqlite::Connection;
use steward_core::import::{Entity, ImportReport};
use steward_core::store;
use support::{import_bytes, today};

fn import(
    conn: &mut Connection,
    dir: &Path,
    name: &str,
    bytes: &[u8],
    entity: Entity,
) -> ImportReport {
    import_bytes(conn, dir, name, bytes, entity)
}

fn accounts(conn: &mut Connection, dir: &Path) {
    let report = import(
        conn,
        dir,
        "accounts.csv",
        b"id,name,domain\nacme-1,Acme,acme.example\nglob-2,Globex,globex.example\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 2);
}

fn arr_of(conn: &Connection, id: &str) -> Option<i64> {
    conn.query_row(
        "SELECT a.arr_minor FROM accounts a JOIN account_external_ids e ON e.account_id = a.id
         WHERE e.external_id = ?1",
        [id],
        |r| r.get(0),
    )
    .ok()
}

fn reasons(report: &ImportReport) -> Vec<(u64, String)> {
    report
        .errors
        .iter()
        .map(|e| (e.line, e.reason.clone()))
        .collect()
}

#[test]
fn money_is_read_in_the_files_own_format_or_rejected_never_reread() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    // A comma-separated file whose ARR column writes decimal commas: the
    // column shows it, so "1,5" is 1.50 (it used to become 15.00) and
    // "1.234,56" is 1,234.56 (it used to become 1.23).
    let report = import(
        &mut conn,
        dir.path(),
        "a.csv",
        b"id,name,arr\na1,A,\"1,5\"\na2,B,\"1.234,56\"\n",
        Entity::Accounts,
    );
    assert_eq!(
        (report.written, report.failed),
        (2, 0),
        "{:?}",
        report.errors
    );
    assert_eq!(arr_of(&conn, "a1"), Some(150));
    assert_eq!(arr_of(&conn, "a2"), Some(123_456));

    // A column that shows both marks is read with the file's (a point, for a
    // comma-separated file): "1,5" cannot be read that way and is rejected.
    let report = import(
        &mut conn,
        dir.path(),
        "b.csv",
        b"id,name,arr\nb1,A,\"1,5\"\nb2,B,2.50\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 1);
    assert_eq!(report.errors[0].line, 2);
    assert!(
        report.errors[0]
            .reason
            .contains("'1,5' does not fit the number format"),
        "{:?}",
        report.errors
    );
    assert_eq!(arr_of(&conn, "b1"), None);
    assert_eq!(arr_of(&conn, "b2"), Some(250));

    // A semicolon file whose column writes "1.5": that is 1.50 (not 15.00);
    // mixed with a decimal comma in the same column, it is rejected.
    let report = import(
        &mut conn,
        dir.path(),
        "c.csv",
        b"id;name;arr\nc1;A;1.5\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 1);
    assert_eq!(arr_of(&conn, "c1"), Some(150));
    let report = import(
        &mut conn,
        dir.path(),
        "d.csv",
        b"id;name;arr\nd1;A;1.5\nd2;B;1,25\n",
        Entity::Accounts,
    );
    assert_eq!(reasons(&report)[0].0, 2);
    assert_eq!(arr_of(&conn, "d2"), Some(125));

    // Rounding half away from zero to the minor unit: 0.285 is 29 cents
    // (it was 28), 1.005 is 1.01 (it was 1.00); yen have no minor unit.
    let report = import(
        &mut conn,
        dir.path(),
        "e.csv",
        b"id,name,arr,currency\ne1,A,0.285,USD\ne2,B,1.005,USD\ne3,C,1234.5,JPY\ne4,D,1.2345,KWD\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 4, "{:?}", report.errors);
    assert_eq!(arr_of(&conn, "e1"), Some(29));
    assert_eq!(arr_of(&conn, "e2"), Some(101));
    assert_eq!(arr_of(&conn, "e3"), Some(1235));
    assert_eq!(arr_of(&conn, "e4"), Some(1235));

    // An amount that names a currency other than the row's is refused.
    let report = import(
        &mut conn,
        dir.path(),
        "f.csv",
        b"id,name,arr,currency\nf1,A,EUR 100,USD\nf2,B,EUR 100,\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 1);
    assert!(report.errors[0]
        .reason
        .contains("in EUR but the row's currency is USD"));
    let currency: String = conn
        .query_row(
            "SELECT currency FROM accounts a JOIN account_external_ids e ON e.account_id = a.id WHERE e.external_id = 'f2'",
            [],
            |r| r.get(0),
        )
        .expect("f2");
    assert_eq!(
        currency, "EUR",
        "a code beside the amount is the row's currency"
    );

    // Invoices without a currency column take their account's currency.
    accounts(&mut conn, dir.path());
    import(
        &mut conn,
        dir.path(),
        "yen.csv",
        b"id,name,currency\njp-1,Kabushiki,JPY\n",
        Entity::Accounts,
    );
    let report = import(
        &mut conn,
        dir.path(),
        "inv.csv",
        b"id,account,amount,status,issued_on\ni1,jp-1,\"120,000\",paid,2026-01-05\n",
        Entity::Invoices,
    );
    assert_eq!(report.written, 1, "{:?}", report.errors);
    let (amount, currency): (i64, String) = conn
        .query_row(
            "SELECT amount_minor, currency FROM invoices WHERE external_id = 'i1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("invoice");
    assert_eq!((amount, currency.as_str()), (120_000, "JPY"));
}

#[test]
fn dates_are_never_read_from_plain_numbers_or_outside_four_digit_years() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let report = import(
        &mut conn,
        dir.path(),
        "a.csv",
        b"id,name,contract_start\na1,A,20240101\na2,B,1\na3,C,+10000-01-01\na4,D,1704067200\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 1);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5]);
    assert!(report
        .errors
        .iter()
        .all(|e| e.reason.starts_with("Contract start: ")));
    let start: String = conn
        .query_row("SELECT contract_start FROM accounts", [], |r| r.get(0))
        .expect("start");
    assert_eq!(start, "2024-01-01", "YYYYMMDD, documented");
    let stored_text: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE contract_start NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(stored_text, 0);

    // Slash dates: the file's rows decide the order, or ambiguous ones are refused.
    let report = import(
        &mut conn,
        dir.path(),
        "b.csv",
        b"id,name,renewal_date\nb1,A,25/12/2027\nb2,B,03/04/2027\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 2, "day first, shown by 25/12");
    let renewal: String = conn
        .query_row(
            "SELECT renewal_date FROM accounts WHERE name = 'B'",
            [],
            |r| r.get(0),
        )
        .expect("b2");
    assert_eq!(renewal, "2027-04-03");
    let report = import(
        &mut conn,
        dir.path(),
        "c.csv",
        b"id,name,renewal_date\nc1,C,03/04/2027\n",
        Entity::Accounts,
    );
    assert_eq!(report.failed, 1);
    assert!(report.errors[0].reason.contains("day first or month first"));
}

#[test]
fn a_stray_quote_costs_one_row_not_the_rest_of_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let mut csv = String::from("id,name\n");
    for i in 0..100_000 {
        if i == 2 {
            csv.push_str("acc-2,\"Acme \n");
        } else {
            csv.push_str(&format!("acc-{i},Account {i}\n"));
        }
    }
    let report = import(
        &mut conn,
        dir.path(),
        "big.csv",
        csv.as_bytes(),
        Entity::Accounts,
    );
    assert_eq!(report.rows_read, 100_000);
    assert_eq!((report.written, report.failed), (99_999, 1));
    assert_eq!(report.errors[0].line, 4, "the line where the quote opened");
    assert!(report.errors[0].reason.contains("opens a quote"));
    let n: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("n");
    assert_eq!(n, 99_999);
}

#[test]
fn ndjson_lines_are_judged_alike_wherever_they_are() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    accounts(&mut conn, dir.path());
    let mut text = Vec::new();
    for i in 0..300 {
        if i == 10 {
            // A bad byte early on: one rejected row, with its line.
            text.extend_from_slice(b"{\"account\":\"acme-1\",\"kind\":\"note\",\"date\":\"2026-01-01\",\"summary\":\"caf\xe9\"}\n");
            continue;
        }
        let extra = if i >= 250 {
            format!(",\"next_steps\":\"Follow up {i}\"")
        } else {
            String::new()
        };
        text.extend_from_slice(
            format!(
                "{{\"account\":\"acme-1\",\"kind\":\"call\",\"date\":\"2026-01-01\",\"summary\":\"Call {i}\"{extra}}}\n"
            )
            .as_bytes(),
        );
    }
    let report = import(
        &mut conn,
        dir.path(),
        "acts.ndjson",
        &text,
        Entity::Activities,
    );
    assert_eq!(
        (report.rows_read, report.written, report.failed),
        (300, 299, 1)
    );
    assert_eq!(report.errors[0].line, 11);
    assert!(report.errors[0].reason.contains("UTF-8"));
    let steps: i64 = conn
        .query_row(
            "SELECT count(*) FROM activities WHERE next_steps LIKE 'Follow up %'",
            [],
            |r| r.get(0),
        )
        .expect("steps");
    assert_eq!(steps, 50, "keys first seen after line 200 are kept");
}

#[test]
fn every_number_has_a_range_and_out_of_range_is_a_row_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    accounts(&mut conn, dir.path());
    let report = import(
        &mut conn,
        dir.path(),
        "usage.csv",
        b"account,day,active_users,api_calls\n\
          acme-1,2026-01-01,9223372036854775807,1\n\
          acme-1,2026-01-02,-3,1\n\
          acme-1,2026-01-03,12,99999999999999999999999\n\
          acme-1,2026-01-04,12,100\n",
        Entity::Usage,
    );
    assert_eq!((report.written, report.failed), (1, 3));
    let r = reasons(&report);
    assert_eq!(
        r[0],
        (
            2,
            "Active users: must be between 0 and 10,000,000.".to_string()
        )
    );
    assert_eq!(
        r[1],
        (
            3,
            "Active users: must be between 0 and 10,000,000.".to_string()
        )
    );
    assert_eq!(
        r[2],
        (
            4,
            "API calls: must be between 0 and 10,000,000,000.".to_string()
        )
    );

    let report = import(
        &mut conn,
        dir.path(),
        "big.csv",
        b"id,name,arr,employees\nx1,X,9223372036854775807,10\nx2,Y,-5,10\nx3,Z,5,-1\nx4,W,150000,20\n",
        Entity::Accounts,
    );
    assert_eq!(
        (report.written, report.failed),
        (1, 3),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0]
        .reason
        .starts_with("ARR: must be between 0 and"));
    assert!(report.errors[1]
        .reason
        .starts_with("ARR: must be between 0 and"));
    assert!(report.errors[2]
        .reason
        .starts_with("Employees: must be between 0 and"));
    // Nothing at the 64-bit limit reached the book, so nothing became tier A by it.
    let top: i64 = conn
        .query_row("SELECT max(arr_minor) FROM accounts", [], |r| r.get(0))
        .expect("max");
    assert_eq!(top, 15_000_000);
    // Usage in the future is not usage.
    let report = import(
        &mut conn,
        dir.path(),
        "future.csv",
        format!(
            "account,day,logins\nacme-1,{},3\n",
            today() + chrono::Duration::days(30)
        )
        .as_bytes(),
        Entity::Usage,
    );
    assert!(report.errors[0].reason.contains("in the future"));
}

#[test]
fn ids_are_case_sensitive_everywhere() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let report = import(
        &mut conn,
        dir.path(),
        "a.csv",
        b"id,name\nCase-1,Upper\ncase-1,Lower\n",
        Entity::Accounts,
    );
    assert_eq!(report.written, 2, "two accounts");
    let report = import(
        &mut conn,
        dir.path(),
        "u.csv",
        b"account,day,logins\nCase-1,2026-01-01,5\ncase-1,2026-01-01,7\ncase-1,2026-01-02,9\n",
        Entity::Usage,
    );
    assert_eq!(report.written, 3, "{:?}", report.errors);
    let per_account: Vec<(String, i64)> = conn
        .prepare(
            "SELECT a.name, sum(u.logins) FROM usage_daily u JOIN accounts a ON a.id = u.account_id
             GROUP BY a.name ORDER BY a.name",
        )
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("collect");
    assert_eq!(per_account, vec![("Lower".into(), 16), ("Upper".into(), 5)]);

    // A name two accounts share finds neither.
    import(
        &mut conn,
        dir.path(),
        "twins.csv",
        b"id,name\nt1,Acme Corp\nt2,Acme Corp\n",
        Entity::Accounts,
    );
    let report = import(
        &mut conn,
        dir.path(),
        "c.csv",
        b"account,name\nacme corp,Dana\nt2,Eve\n",
        Entity::Contacts,
    );
    assert_eq!(report.written, 1);
    assert!(report.errors[0]
        .reason
        .contains("Several accounts have the name 'acme corp'"));
}

#[test]
fn reported_lines_are_the_lines_an_editor_shows() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    // The bad row is on line 8, after blank lines.
    let text = "id,name\n\na1,A\n\n\na2,B\n\na3,\n";
    let report = import(
        &mut conn,
        dir.path(),
        "a.csv",
        text.as_bytes(),
        Entity::Accounts,
    );
    assert_eq!(
        reasons(&report),
        vec![(8, "Missing required field 'Name'.".to_string())]
    );
    let crlf = text.replace('\n', "\r\n");
    let report = import(
        &mut conn,
        dir.path(),
        "b.csv",
        crlf.as_bytes(),
        Entity::Accounts,
    );
    assert_eq!(report.errors[0].line, 8);
}

#[test]
fn usage_days_far_apart_or_newest_first_stay_cheap() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    accounts(&mut conn, dir.path());
    // The first and last day a file may hold, for one account: both go in.
    let report = import(
        &mut conn,
        dir.path(),
        "far.csv",
        b"account,day,logins\nacme-1,1900-01-01,1\nacme-1,2026-01-01,2\nacme-1,0001-01-01,3\nacme-1,9999-12-31,4\n",
        Entity::Usage,
    );
    assert_eq!((report.written, report.failed), (2, 2));
    // 5,001 rows newest first: every one goes in, each duplicate is found.
    let mut csv = String::from("account,day,logins\n");
    let first = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("day");
    for k in (0..5_001).rev() {
        csv.push_str(&format!(
            "glob-2,{},{k}\n",
            first + chrono::Duration::days(k)
        ));
    }
    csv.push_str(&format!("glob-2,{},1\n", first));
    let report = import(
        &mut conn,
        dir.path(),
        "newest.csv",
        csv.as_bytes(),
        Entity::Usage,
    );
    assert_eq!((report.written, report.failed), (5_001, 1));
    assert_eq!(report.errors[0].line, 5_003);
    assert!(report.errors[0]
        .reason
        .starts_with("Duplicate of line 5002"));
}
