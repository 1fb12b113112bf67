//! The Stripe connector against a fake Stripe: a full sync brings exactly
//! the fake's customers, subscriptions (every status, items past ten) and
//! invoices (yen without decimals); events bring creations, cancellations,
//! payments and deletions, old-version events read again in the pinned
//! version; an event Stripe no longer keeps starts a full walk; faults
//! converge; customers link to the accounts a book already has, and a
//! customer Steward cannot place waits for the CSM.

mod support;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use steward_core::store;
use steward_sync::review::{self, Decision};
use steward_sync::Vendor;
use support::stripe::{self, Fake, Fault, CURRENT, KEY, OLD};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn sync(
    conn: &mut Connection,
    fake: &Fake,
    full: bool,
) -> steward_core::Result<steward_sync::RunReport> {
    let mut http = Vendor::Stripe.client(&fake.url, KEY).expect("client");
    http.patience.base = Duration::from_millis(20);
    http.patience.cap = Duration::from_millis(200);
    steward_sync::run(conn, &mut http, Vendor::Stripe, today(), full, None, None)
}

type Sub = (String, String, i64, Option<i64>, String, String);
type Inv = (String, i64, String, String, Option<String>, String);
/// Accounts by customer, subscriptions, invoices.
type Billing = (Vec<(String, String, String)>, Vec<Sub>, Vec<Inv>);

fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("time")
        .date_naive()
        .to_string()
}

/// The book's Stripe subscriptions and invoices, and accounts by customer.
fn held(conn: &Connection) -> Billing {
    let q = |sql: &str| conn.prepare(sql).expect("query");
    let accounts = q("SELECT e.external_id, a.name, a.currency FROM accounts a
                      JOIN account_external_ids e ON e.account_id = a.id AND e.source = 'sync:stripe'
                      ORDER BY e.external_id")
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows");
    let subs = q(
        "SELECT external_id, status, mrr_minor, seats, plan, currency FROM subscriptions
                  WHERE source = 'sync:stripe' ORDER BY external_id",
    )
    .query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows");
    let invoices = q(
        "SELECT external_id, amount_minor, status, issued_on, paid_on, currency FROM invoices
                      WHERE source = 'sync:stripe' ORDER BY external_id",
    )
    .query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows");
    (accounts, subs, invoices)
}

/// What the book should hold, worked out from the fake's own records.
fn expected(fake: &Fake) -> Billing {
    let s = fake.state.lock().expect("state");
    let mut accounts: Vec<_> = s
        .customers
        .iter()
        .filter(|c| !c.deleted)
        .map(|c| {
            (
                c.id.clone(),
                c.name.clone().expect("name"),
                c.currency.clone().expect("currency").to_uppercase(),
            )
        })
        .collect();
    accounts.sort();
    let mut subs: Vec<Sub> = s
        .subscriptions
        .iter()
        .filter(|x| x.status != "incomplete")
        .map(|x| {
            let per_month = |i: &stripe::Item| {
                let months = if i.interval == "year" { 12.0 } else { 1.0 };
                (i.unit_amount * i.quantity) as f64 / months
            };
            let status = match x.status {
                "canceled" => "canceled",
                "past_due" => "past_due",
                _ => "active",
            };
            (
                x.id.clone(),
                status.to_string(),
                x.items.iter().map(per_month).sum::<f64>().round() as i64,
                Some(
                    x.items
                        .iter()
                        .filter(|i| !i.metered)
                        .map(|i| i.quantity)
                        .sum(),
                ),
                x.items[0].nickname.clone().unwrap_or_default(),
                x.currency.to_uppercase(),
            )
        })
        .collect();
    subs.sort();
    let mut invoices: Vec<Inv> = s
        .invoices
        .iter()
        .map(|i| {
            let status = if i.status == "uncollectible" {
                "failed"
            } else {
                i.status
            };
            (
                i.id.clone(),
                i.total,
                status.to_string(),
                day(i.created),
                i.paid_at.map(day),
                i.currency.to_uppercase(),
            )
        })
        .collect();
    invoices.sort();
    (accounts, subs, invoices)
}

#[test]
fn a_full_sync_brings_exactly_the_billing_and_a_second_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(stripe::book(230));
    let report = sync(&mut conn, &fake, false).expect("sync");
    let (accounts, subs, invoices) = held(&conn);
    assert_eq!(
        (accounts.len(), subs.len(), invoices.len()),
        (230, 229, 460)
    );
    assert_eq!(held(&conn), expected(&fake));
    assert_eq!(report.counts.rejected, 0, "{:?}", report.counts.reasons);
    // Yen have no minor unit: 1,235 yen are 1235, not 12.35.
    assert!(invoices.iter().any(|i| i.5 == "JPY" && i.1 == 1_235));
    // 3 pages of customers, 3 of subscriptions, 5 of invoices, the item
    // pages of the ten subscriptions with twelve items, the first event,
    // and the events after the walk.
    let s = fake.state.lock().expect("state");
    assert!(
        s.versions_seen.iter().all(|v| v == CURRENT),
        "every request pins the version"
    );
    let item_pages = s
        .paths
        .iter()
        .filter(|p| *p == "/v1/subscription_items")
        .count();
    assert_eq!(item_pages, 10);
    drop(s);
    assert_eq!(report.traffic.requests, 3 + 3 + 5 + 10 + 2);

    let again = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!((again.counts.written, again.traffic.requests), (0, 1));
}

#[test]
fn events_bring_new_cancelled_paid_and_deleted_billing_and_old_versions_are_read_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(stripe::book(60));
    sync(&mut conn, &fake, false).expect("first sync");

    // A new customer with a subscription and an invoice; a cancellation.
    fake.change(CURRENT, |s| {
        let mut c = s.customers[1].clone();
        c.id = "cus_new".into();
        c.name = Some("Newcomer AG".into());
        c.email = Some("finance@newcomer.example".into());
        let mut sub = s.subscriptions[1].clone();
        sub.id = "sub_new".into();
        sub.customer = "cus_new".into();
        let mut inv = s.invoices[2].clone();
        inv.id = "in_new".into();
        inv.customer = "cus_new".into();
        s.customers.push(c.clone());
        s.subscriptions.push(sub.clone());
        s.invoices.push(inv.clone());
        let cancelled = &mut s.subscriptions[2];
        cancelled.status = "canceled";
        cancelled.ended_at = Some(Utc::now().timestamp());
        let cancelled = stripe::subscription_json(cancelled, CURRENT);
        vec![
            ("customer.created", stripe::customer_json(&c)),
            (
                "customer.subscription.created",
                stripe::subscription_json(&sub, CURRENT),
            ),
            ("invoice.finalized", stripe::invoice_json(&inv, CURRENT)),
            ("customer.subscription.deleted", cancelled),
        ]
    });
    // An invoice paid and a plan changed, in events of an older version.
    fake.change(OLD, |s| {
        let paid = s
            .invoices
            .iter_mut()
            .find(|i| i.status == "open")
            .expect("open");
        paid.status = "paid";
        paid.paid_at = Some(Utc::now().timestamp());
        let paid = stripe::invoice_json(paid, OLD);
        let sub = &mut s.subscriptions[5];
        sub.items[0].quantity = 40;
        vec![
            ("invoice.paid", paid),
            (
                "customer.subscription.updated",
                stripe::subscription_json(sub, OLD),
            ),
        ]
    });
    // A draft made and deleted; a draft in the book deleted.
    fake.change(CURRENT, |s| {
        let mut draft = s.invoices[0].clone();
        draft.id = "in_draft".into();
        draft.status = "draft";
        let made = stripe::invoice_json(&draft, CURRENT);
        vec![("invoice.created", made.clone()), ("invoice.deleted", made)]
    });
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(held(&conn), expected(&fake));
    assert!(
        report.counts.written >= 6,
        "new customer, subscription, invoice; cancellation; payment; plan: {:?}",
        report.counts
    );
    assert_eq!(report.counts.deleted, 1, "the draft made and deleted");
    let paths = fake.state.lock().expect("state").paths.clone();
    assert!(
        paths.iter().any(|p| p == "/v1/subscriptions/sub_00005"),
        "old-version subscription read again"
    );
    assert!(
        paths.iter().any(|p| p.starts_with("/v1/invoices/in_")),
        "old-version invoice read again"
    );
    let cancelled: String = conn
        .query_row(
            "SELECT status FROM subscriptions WHERE external_id = 'sub_00002'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    assert_eq!(cancelled, "canceled");
    // And nothing more on the next run.
    assert_eq!(
        sync(&mut conn, &fake, false).expect("sync").counts.written,
        0
    );
}

#[test]
fn a_cursor_stripe_no_longer_keeps_starts_a_full_walk() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(stripe::book(40));
    sync(&mut conn, &fake, false).expect("sync");
    // Thirty days pass: the events the cursor knows are gone, and a
    // customer was renamed meanwhile.
    fake.change(CURRENT, |s| {
        s.events.clear();
        s.customers[3].name = Some("Renamed GmbH".into());
        vec![]
    });
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(held(&conn), expected(&fake));
    assert!(
        report.traffic.requests > 3,
        "a full walk: {:?}",
        report.traffic
    );
}

#[test]
fn rate_limits_and_retryable_errors_are_waited_out_and_a_broken_page_resumes() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(stripe::book(150));
    fake.fail_next(&[Fault::TooMany, Fault::Retryable, Fault::TooMany]);
    // The fourth request on (the second page of customers) is an HTML page.
    fake.state.lock().expect("state").fail_on = vec![(6, Fault::Html)];
    let err = sync(&mut conn, &fake, false).expect_err("the HTML page stops the run");
    assert!(err.to_string().contains("not JSON"), "{err}");
    let kept = held(&conn).0.len();
    assert_eq!(kept, 100, "the first page of customers is kept");
    fake.fail_next(&[Fault::Truncated]);
    assert!(sync(&mut conn, &fake, false).is_err());
    let report = sync(&mut conn, &fake, false).expect("resumes");
    assert_eq!(held(&conn), expected(&fake));
    assert_eq!(report.counts.written as usize + kept, 150 + 149 + 300);
}

#[test]
fn a_refused_key_stops_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = Fake::start(stripe::book(5));
    let mut http = Vendor::Stripe
        .client(&fake.url, "rk_test_revoked")
        .expect("client");
    let err = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::Stripe,
        today(),
        false,
        None,
        None,
    )
    .expect_err("401");
    assert!(err.to_string().contains("reconnect"), "{err}");
    assert!(!err.to_string().contains("rk_test_revoked"));
    assert_eq!(fake.requests(), 1);
}

#[test]
fn customers_join_the_accounts_a_book_has_and_doubtful_ones_wait_for_the_csm() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    support::file_accounts(
        &mut conn,
        [
            ("A-1", "Customer One GmbH", Some("customer1.example")),
            ("A-5a", "Customer 5", None),
            ("A-5b", "Customer 5", Some("other.example")),
            ("ACC-7", "Seven Seas Ltd", None),
        ]
        .map(|(id, name, domain)| (id.into(), name.into(), domain.map(Into::into))),
    );
    let mut state = stripe::book(12);
    state.customers[7].metadata = vec![("steward_account".into(), "ACC-7".into())];
    let fake = Fake::start(state);
    let report = sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(report.counts.held, 1, "{:?}", report.counts);

    let account_of = |conn: &Connection, sub: &str| -> Option<(String, String)> {
        conn.query_row(
            "SELECT a.name, coalesce(e.external_id, '') FROM subscriptions s JOIN accounts a ON a.id = s.account_id
             LEFT JOIN account_external_ids e ON e.account_id = a.id AND e.source = 'file'
             WHERE s.external_id = ?1",
            [sub],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
    };
    // By domain (the file's name stays), by metadata; the doubtful one waits.
    assert_eq!(
        account_of(&conn, "sub_00001"),
        Some(("Customer One GmbH".into(), "A-1".into()))
    );
    assert_eq!(
        account_of(&conn, "sub_00007"),
        Some(("Seven Seas Ltd".into(), "ACC-7".into()))
    );
    assert_eq!(account_of(&conn, "sub_00005"), None);
    let total: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("q");
    assert_eq!(total, 4 + 12 - 3, "no twin of an existing account");

    let waiting = review::waiting(&conn).expect("review");
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].external_id, "cus_00005");
    assert!(
        waiting[0].reason.contains("several accounts"),
        "{}",
        waiting[0].reason
    );
    assert_eq!(waiting[0].candidates.len(), 2);
    let chosen = waiting[0].candidates[1].0;

    review::decide(
        &mut conn,
        today(),
        Vendor::Stripe,
        "cus_00005",
        Decision::Account(chosen),
    )
    .expect("decide");
    sync(&mut conn, &fake, false).expect("sync");
    assert_eq!(
        account_of(&conn, "sub_00005"),
        Some(("Customer 5".into(), "A-5b".into()))
    );
    assert!(review::waiting(&conn).expect("review").is_empty());
    let total_after: i64 = conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .expect("q");
    assert_eq!(total_after, total);
}
