//! Sync benchmarks against the fake vendors at the vendors' real pace
//! (`cargo bench -p steward-sync --bench sync`; docs/benchmarks.md):
//! a HubSpot first sync against the least time its rate limit allows, an
//! incremental sync of 100 changed companies, a Salesforce first sync of
//! 5,000 accounts with the CPU its ingest takes, a Stripe first sync of 5,000
//! customers with the CPU its ingest takes, and the portfolio list read by
//! another connection while that sync writes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use steward_core::portfolio::{self, PortfolioQuery};
use steward_core::store;
use steward_sync::Vendor;

/// CPU seconds this thread has used (Linux: utime + stime in clock ticks).
fn thread_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ")".
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15, here 11 and 12 (after ")": state = 0).
    (tick(11) + tick(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let today = chrono::Utc::now().date_naive();
    println!("## Sync against the fake vendors at their real pace\n");
    println!("| work | records | requests | seconds | least the limit allows | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");

    // HubSpot: 2,000 companies and 3,000 contacts, first sync.
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = support::Fake::start(support::companies(1, 2_000));
    fake.state.lock().expect("state").contacts = support::contacts(1, 3_000, 2_000);
    let mut http = Vendor::HubSpot
        .client(&fake.url, support::TOKEN)
        .expect("client");
    let started = Instant::now();
    let report = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today,
        false,
        None,
        None,
    )
    .expect("hubspot");
    let seconds = started.elapsed().as_secs_f64();
    let least = (report.traffic.requests - 1) as f64 * http.patience.spacing.as_secs_f64();
    println!(
        "| HubSpot first sync (2,000 companies, 3,000 contacts) | {} | {} | {seconds:.2} | {least:.2} | {:.3}x |",
        report.counts.written + report.counts.unchanged + report.counts.rejected,
        report.traffic.requests,
        seconds / least
    );

    // 100 companies changed since: the incremental run.
    let now = chrono::Utc::now().timestamp_millis();
    fake.edit(|cs| {
        for c in cs.iter_mut().take(100) {
            c.name = format!("{} (renamed)", c.name);
            c.modified_ms = now;
        }
    });
    let mut http = Vendor::HubSpot
        .client(&fake.url, support::TOKEN)
        .expect("client");
    let started = Instant::now();
    let report = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::HubSpot,
        today,
        false,
        None,
        None,
    )
    .expect("hubspot");
    let seconds = started.elapsed().as_secs_f64();
    let least = (report.traffic.requests - 1) as f64 * http.patience.slow_spacing.as_secs_f64();
    println!(
        "| HubSpot incremental (100 companies changed) | {} | {} | {seconds:.2} | {least:.2} | target < 2 s |",
        report.counts.written,
        report.traffic.requests
    );
    drop(conn);

    // Salesforce: 5,000 accounts, 10,000 contacts, 1,000 renewal
    // opportunities, in batches of 2,000.
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let mut records = Vec::new();
    for n in 1..=5_000 {
        records.push(support::salesforce::account(
            n,
            1_700_000_000_000 + n * 1_000,
        ));
        records.push(support::salesforce::contact(
            2 * n,
            n,
            1_700_000_000_000 + n * 1_000,
        ));
        records.push(support::salesforce::contact(
            2 * n + 1,
            n,
            1_700_000_000_000 + n * 1_000,
        ));
        if n % 5 == 0 {
            records.push(support::salesforce::opportunity(
                n,
                n,
                "Renewal",
                "2027-06-30",
                12_000.0,
                1_700_000_000_000,
            ));
        }
    }
    let fake = support::salesforce::Fake::start(records);
    let mut http = Vendor::Salesforce
        .client(&fake.url, support::salesforce::SECRET)
        .expect("client");
    let cpu = thread_cpu();
    let started = Instant::now();
    let report = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::Salesforce,
        today,
        false,
        None,
        None,
    )
    .expect("salesforce");
    let seconds = started.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu;
    let records = report.counts.written + report.counts.unchanged + report.counts.rejected;
    let least = (report.traffic.requests - 1) as f64 * http.patience.spacing.as_secs_f64();
    println!(
        "| Salesforce first sync (5,000 accounts, 10,000 contacts, 1,000 opportunities) | {records} | {} | {seconds:.2} | {least:.2} | {:.0} CPU ms per 10,000 records |",
        report.traffic.requests,
        cpu * 1000.0 * 10_000.0 / records as f64
    );
    drop(conn);

    // Stripe: 5,000 customers, first sync, with a reader on the side.
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let fake = support::stripe::Fake::start(support::stripe::book(5_000));
    let mut http = Vendor::Stripe
        .client(&fake.url, support::stripe::KEY)
        .expect("client");
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let path = dir.path().to_path_buf();
        std::thread::spawn(move || {
            let conn = store::open_in(&path).expect("reader");
            let mut latencies = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let rows = portfolio::list(&conn, &PortfolioQuery::default(), today).expect("list");
                latencies.push((t.elapsed().as_secs_f64() * 1000.0, rows.len()));
                std::thread::sleep(Duration::from_millis(50));
            }
            latencies
        })
    };
    let cpu = thread_cpu();
    let started = Instant::now();
    let report = steward_sync::run(
        &mut conn,
        &mut http,
        Vendor::Stripe,
        today,
        false,
        None,
        None,
    )
    .expect("stripe");
    let seconds = started.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu;
    done.store(true, Ordering::Relaxed);
    let records = report.counts.written + report.counts.unchanged + report.counts.rejected;
    let least = (report.traffic.requests - 1) as f64 * http.patience.spacing.as_secs_f64();
    println!(
        "| Stripe first sync (5,000 customers, subscriptions, 10,000 invoices) | {records} | {} | {seconds:.2} | {least:.2} | {:.3}x |",
        report.traffic.requests,
        seconds / least
    );
    println!(
        "\nStripe ingest: {cpu:.2} CPU s on the syncing thread for {records} records, {:.0} CPU ms per 10,000 records.",
        cpu * 1000.0 * 10_000.0 / records as f64
    );

    let latencies = reader.join().expect("reader");
    let mut during: Vec<f64> = latencies
        .iter()
        .filter(|(_, n)| *n > 1_000)
        .map(|(ms, _)| *ms)
        .collect();
    during.sort_by(f64::total_cmp);
    // The same read with nothing writing, on the finished book.
    let mut quiet: Vec<f64> = (0..during.len().clamp(20, 100))
        .map(|_| {
            let t = Instant::now();
            portfolio::list(&conn, &PortfolioQuery::default(), today).expect("list");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    quiet.sort_by(f64::total_cmp);
    println!(
        "Portfolio list (over 1,000 accounts) read by another connection during that sync: p50 {:.1} ms, p95 {:.1} ms over {} reads; with nothing writing (5,000 accounts): p50 {:.1} ms, p95 {:.1} ms.",
        percentile(&during, 0.5),
        percentile(&during, 0.95),
        during.len(),
        percentile(&quiet, 0.5),
        percentile(&quiet, 0.95),
    );
}
