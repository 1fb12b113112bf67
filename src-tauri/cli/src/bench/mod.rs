//! The benchmarks behind docs/benchmarks.md, run on a generated book in real
//! SQLite files: demo generation, usage import side by side with sqlite3's
//! `.import`, and the p50/p95 latency of the portfolio list, the account page
//! and search as the app runs them (query plus JSON serialisation).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use steward_core::ingest::Entity;
use steward_core::model::{LifecycleStage, Tier};
use steward_core::portfolio::{self, PortfolioQuery, PortfolioSort};
use steward_core::progress::{self, CancelToken};
use steward_core::{search, store, write, Error};
use steward_demo::rng::Rng;
use steward_demo::{self as demo, DemoSpec};

mod decks;
mod processes;

use processes::{export_usage, timed};

const ITERATIONS: usize = 300;

struct Latency {
    p50: f64,
    p95: f64,
    max: f64,
}

fn latency(mut times: Vec<Duration>) -> Latency {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((q * times.len() as f64).ceil() as usize).saturating_sub(1)]);
    Latency {
        p50: at(0.5),
        p95: at(0.95),
        max: ms(times[times.len() - 1]),
    }
}

/// Like `measure`, for slower work: `runs` timed runs after one warm-up.
fn measure_n(runs: usize, mut f: impl FnMut() -> Result<(), Error>) -> Result<Latency, Error> {
    f()?;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    Ok(latency(times))
}

fn measure(mut f: impl FnMut(usize) -> Result<(), Error>) -> Result<Latency, Error> {
    let mut times: Vec<Duration> = Vec::with_capacity(ITERATIONS);
    // Warm the page cache and statement caches the way a running app has them.
    for i in 0..10 {
        f(i)?;
    }
    for i in 0..ITERATIONS {
        let start = Instant::now();
        f(i)?;
        times.push(start.elapsed());
    }
    Ok(latency(times))
}

fn io(context: &str) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(context, e)
}

pub fn run(
    dir: &Path,
    accounts: u32,
    years: u32,
    import_rows: u64,
    today: NaiveDate,
) -> Result<String, Error> {
    // Only what an earlier run left: the folder may hold the caller's report.
    for old in [
        "book",
        "import",
        "decks",
        "batch",
        "batch-cli",
        "export",
        "import-crm",
    ] {
        if dir.join(old).exists() {
            std::fs::remove_dir_all(dir.join(old)).map_err(io("Cannot clear the bench folder"))?;
        }
    }
    for old in [
        "usage.csv",
        "accounts.csv",
        "sqlite3-import.db",
        "sqlite3-import.db-wal",
        "sqlite3-import.db-shm",
    ] {
        let _ = std::fs::remove_file(dir.join(old));
    }
    let book_dir = dir.join("book");
    let mut conn = store::open_in(&book_dir)?;
    let mut out = String::new();

    eprintln!("generating a {accounts}-account book with {years} years of usage...");
    let started = Instant::now();
    let (book, _) = steward_core::write::run(&mut conn, today, |w| {
        demo::generate(
            w,
            &DemoSpec {
                seed: 42,
                accounts,
                years,
            },
            &mut progress::ignore,
            &CancelToken::default(),
        )
    })?;
    let summary = book.summary;
    let generation = started.elapsed().as_secs_f64();
    let db_size = std::fs::metadata(book_dir.join(store::DB_FILE))
        .map(|m| m.len())
        .unwrap_or(0);

    let _ = writeln!(out, "## Machine\n\n{}\n", machine());
    let _ = writeln!(out, "## Book\n");
    let _ = writeln!(out, "| what | count |\n| --- | ---: |");
    for (label, n) in [
        ("accounts", u64::from(summary.accounts)),
        ("contacts", summary.contacts),
        ("usage days (rows of 5 metrics)", summary.usage_days),
        ("usage values", summary.usage_days * 5),
        ("activities", summary.activities),
        ("invoices", summary.invoices),
        ("tickets", summary.tickets),
        ("survey responses", summary.surveys),
    ] {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    let _ = writeln!(
        out,
        "\nGenerated in {generation:.1} s ({:.0} usage rows/s including everything else); file size {:.0} MB.\n",
        summary.usage_days as f64 / generation,
        db_size as f64 / 1e6
    );

    // Latency of the three reads the app makes most.
    eprintln!("measuring queries...");
    let sorts = [
        PortfolioSort::Name,
        PortfolioSort::Arr,
        PortfolioSort::Renewal,
        PortfolioSort::LastTouch,
        PortfolioSort::Trend,
        PortfolioSort::Tier,
    ];
    let texts = ["", "", "", "an", "north", "labs", "e"];
    let mut rows_seen = 0usize;
    let query_for = |i: usize| PortfolioQuery {
        text: texts[i % texts.len()].into(),
        tiers: if i % 3 == 0 {
            vec![Tier::A, Tier::B]
        } else {
            vec![]
        },
        stages: if i % 5 == 0 {
            vec![
                LifecycleStage::Mature,
                LifecycleStage::Renewal,
                LifecycleStage::AtRisk,
            ]
        } else {
            vec![]
        },
        include_churned: i % 4 == 0,
        sort: sorts[i % sorts.len()],
        descending: i % 2 == 0,
    };
    // What the window asks for: the rows on screen and a margin (150), at
    // the top or anywhere down the list, with the whole list's figures.
    let portfolio_latency = measure(|i| {
        let offset = if i % 2 == 0 {
            0
        } else {
            (i as u64 * 997) % 4_000
        };
        let page = portfolio::page(&conn, &query_for(i), today, offset, 150)?;
        rows_seen = rows_seen.max(page.total as usize);
        serde_json::to_vec(&page).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(())
    })?;
    // The whole list, as the command line reads it (and the window did
    // before it fetched by the window).
    let whole_latency = measure(|i| {
        let rows = portfolio::list(&conn, &query_for(i), today)?;
        serde_json::to_vec(&rows).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(())
    })?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM accounts")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut rng = Rng::new(9);
    let mut usage_points = 0usize;
    let page_latency = measure(|_| {
        let id = *rng.pick(&ids);
        let page = steward_core::account_page::page(&conn, id, 365 * 3, today)?;
        usage_points = usage_points.max(page.usage.days.len());
        serde_json::to_vec(&page).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(())
    })?;
    let terms = [
        "north",
        "ada",
        "roadmap",
        "budget",
        "sync issues",
        "ben sch",
        "lo",
        "cedar labs",
        "escalation",
        "train",
        "zoe",
        "vp",
    ];
    let search_latency = measure(|i| {
        let hits = search::query(&conn, terms[i % terms.len()], 20)?;
        serde_json::to_vec(&hits).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(())
    })?;
    let _ = writeln!(
        out,
        "## Reads (query + JSON, {ITERATIONS} runs each after 10 warm-up runs)\n"
    );
    let _ = writeln!(
        out,
        "| read | p50 ms | p95 ms | max ms | target p95 |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for (label, l, target) in [
        (
            format!("portfolio window of 150 rows and the list's figures, sorted and filtered (lists of up to {rows_seen} rows)"),
            &portfolio_latency,
            "30",
        ),
        (
            format!("portfolio list whole (up to {rows_seen} rows; the command line's read)"),
            &whole_latency,
            "",
        ),
        (
            format!("account page with 3 years of daily usage ({usage_points} days)"),
            &page_latency,
            "20",
        ),
        (
            "search (accounts, contacts, activities; 20 hits)".to_string(),
            &search_latency,
            "20",
        ),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.2} | {:.2} | {:.2} | {target} |",
            l.p50, l.p95, l.max
        );
    }

    // Health, churn risk, alerts and Today (issue 3). The reference is one
    // SQL aggregate over exactly the usage rows an assessment reads: the last
    // 180 days of every live account.
    eprintln!("measuring assessment, Today and the churn model...");
    use steward_core::{assess, churn, health, today as today_list};
    let settings = health::settings::current(&conn)?.settings;
    let mut assessed = 0;
    // Measured in dry runs: the same work as a write, rolled back.
    let full_latency = measure_n(10, || {
        assessed = write::dry_run(&mut conn, today, assess::book)?.accounts;
        Ok(())
    })?;
    let day_start_latency = measure_n(5, || {
        write::dry_run(&mut conn, today, |w| {
            steward_core::rollup::refresh_all(w)?;
            assess::book(w)
        })?;
        Ok(())
    })?;
    // The widest window an assessment reads (3 months against the 3 before).
    let window = today - chrono::Duration::days(180);
    let scan_latency = measure_n(10, || {
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, avg(u.active_users), max(u.licensed_seats)
             FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day > ?1 AND u.day <= ?2
             WHERE a.status = 'active' GROUP BY a.id",
        )?;
        let n = stmt
            .query_map(rusqlite::params![window, today], |r| r.get::<_, i64>(0))?
            .count();
        std::hint::black_box(n);
        Ok(())
    })?;
    // The same window read the way a plain report would: a scan of the
    // usage table filtered by day.
    let table_scan_latency = measure_n(5, || {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id, avg(active_users), max(licensed_seats) FROM usage_daily
             WHERE day > ?1 AND day <= ?2 GROUP BY account_id",
        )?;
        let n = stmt
            .query_map(rusqlite::params![window, today], |r| r.get::<_, i64>(0))?
            .count();
        std::hint::black_box(n);
        Ok(())
    })?;
    let live: Vec<i64> = conn
        .prepare("SELECT id FROM accounts WHERE status = 'active' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut k = 0;
    let one_latency = measure_n(50, || {
        // A write to one account (a new sentiment rating) and its reassessment.
        let id = live[(k * 97) % live.len()];
        k += 1;
        write::dry_run(&mut conn, today, |w| {
            assess::rate_sentiment(w, id, 2, "")?;
            assess::account(w, id)
        })?;
        Ok(())
    })?;
    let today_latency = measure_n(50, || {
        let list = today_list::list(&conn, today, 50)?;
        std::hint::black_box(serde_json::to_string(&list).map(|j| j.len()).unwrap_or(0));
        Ok(())
    })?;
    let metrics_latency = measure_n(50, || {
        let m = steward_core::metrics::compute(
            &conn,
            &steward_core::metrics::MetricsQuery {
                from: today - chrono::Duration::days(365),
                to: today,
                currency: None,
            },
        )?;
        std::hint::black_box(serde_json::to_string(&m).map(|j| j.len()).unwrap_or(0));
        Ok(())
    })?;
    let board_latency = measure_n(50, || {
        let rows = steward_core::onboarding::board(&conn, today, 14)?;
        std::hint::black_box(serde_json::to_string(&rows).map(|j| j.len()).unwrap_or(0));
        Ok(())
    })?;
    let mut calendar_events = 0;
    let calendar_latency = measure_n(20, || {
        let events = steward_core::calendar::events(&conn, None, today)?;
        calendar_events = events.len();
        std::hint::black_box(steward_core::calendar::render(&events, "Steward").len());
        Ok(())
    })?;
    let mut quality = None;
    let train_latency = measure_n(5, || {
        if let churn::Trained::Model(m) =
            churn::train(&conn, &settings, today, &mut steward_core::progress::ignore)?
        {
            quality = Some(m.quality);
        }
        Ok(())
    })?;
    let _ = writeln!(
        out,
        "\n## Health, churn risk, alerts, Today ({assessed} live accounts)\n"
    );
    let _ = writeln!(
        out,
        "| work | p50 ms | p95 ms | max ms | target ms |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for (label, l, target) in [
        (
            "full assessment: health + churn risk + alerts, stored",
            &full_latency,
            "500",
        ),
        (
            "start of a day: usage rollups, then full assessment",
            &day_start_latency,
            "",
        ),
        (
            "one SQL aggregate over the same usage rows by key ranges (reference)",
            &scan_latency,
            "",
        ),
        (
            "the same window as a scan of the usage table (reference)",
            &table_scan_latency,
            "",
        ),
        (
            "one account changed: write + reassess it",
            &one_latency,
            "10",
        ),
        ("Today list (query + JSON)", &today_latency, "30"),
        (
            "portfolio metrics, 12 months (query + JSON)",
            &metrics_latency,
            "",
        ),
        ("onboarding board (query + JSON)", &board_latency, ""),
        (
            "calendar export of the whole book (query + .ics text)",
            &calendar_latency,
            "",
        ),
        ("churn model retrain", &train_latency, "1000"),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.2} | {:.2} | {:.2} | {target} |",
            l.p50, l.p95, l.max
        );
    }
    let _ = writeln!(
        out,
        "\nRatio full assessment / usage aggregate by key ranges (p50): **{:.2}**; / usage table scan: **{:.2}** (target within 3).",
        full_latency.p50 / scan_latency.p50,
        full_latency.p50 / table_scan_latency.p50
    );
    let _ = writeln!(out, "\nThe calendar holds {calendar_events} events.");
    if let Some(q) = quality {
        let _ = writeln!(
            out,
            "\nChurn model ({}-day horizon, {} features): held-out AUC **{:.3}** (90% interval {:.3}-{:.3}), Brier {:.4}, {} training rows ({} churned) from {} snapshots, {} held-out rows ({} churned){}.",
            q.horizon_days, q.features, q.auc, q.auc_low, q.auc_high, q.brier, q.training_rows, q.training_churned, q.snapshots, q.test_rows, q.test_churned,
            match &q.time_split {
                Some(t) => format!(
                    "; held out in time as well (judged from {}, trained on {} rows whose horizon had passed): AUC **{:.3}** ({:.3}-{:.3}) on {} rows, {} churned",
                    t.from, t.training_rows, t.auc, t.auc_low, t.auc_high, t.rows, t.churned
                ),
                None => String::new(),
            }
        );
    }

    decks::measure(&conn, dir, &book_dir, today, &mut out)?;

    // The book's accounts, contacts and check-ins as files, imported into
    // an empty book: what a CSM moving from a spreadsheet or another tool does.
    eprintln!("importing the book's contacts and check-ins...");
    let exported = steward_core::export::write(&conn, &dir.join("export"))?;
    let exe = std::env::current_exe().map_err(io("Cannot find the steward binary"))?;
    let import_crm = |what: &str, path: &str| -> Result<(f64, u64), Error> {
        let mut cmd = Command::new(&exe);
        cmd.arg("--data-dir")
            .arg(dir.join("import-crm"))
            .arg("--today")
            .arg(today.to_string())
            .args(["import", what, path]);
        timed(cmd)
    };
    let _ = writeln!(
        out,
        "\n## Accounts, contacts and check-ins imported from files\n\n\
         Each file `steward export` wrote, imported into an empty book in turn \
         (one process each, its integrity check and reassessment included).\n\n\
         | file | rows | seconds | rows/s | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for entity in [Entity::Accounts, Entity::Contacts, Entity::Activities] {
        let Some(file) = exported.iter().find(|e| e.entity == entity) else {
            continue;
        };
        let (seconds, rss) = import_crm(entity.label(), &file.path)?;
        let _ = writeln!(
            out,
            "| {} | {} | {seconds:.2} | {:.0} | {:.0} |",
            entity.label(),
            file.rows,
            file.rows as f64 / seconds,
            rss as f64 / 1e6
        );
    }

    // Usage import: our importer against sqlite3's .import of the same file.
    if import_rows > 0 {
        eprintln!("writing a {import_rows}-row usage file...");
        let csv_path = dir.join("usage.csv");
        let accounts_path = dir.join("accounts.csv");
        let rows = export_usage(&conn, &csv_path, &accounts_path, import_rows)?;
        drop(conn);
        let csv_size = std::fs::metadata(&csv_path).map(|m| m.len()).unwrap_or(0);

        let target = dir.join("import");
        let steward = |args: &[&str]| -> Result<(f64, u64), Error> {
            let mut cmd = Command::new(&exe);
            cmd.arg("--data-dir")
                .arg(&target)
                .arg("--today")
                .arg(today.to_string())
                .args(args);
            timed(cmd)
        };
        steward(&["import", "accounts", &accounts_path.display().to_string()])?;
        eprintln!("importing with steward...");
        let (ours, ours_rss) = steward(&["import", "usage", &csv_path.display().to_string()])?;

        eprintln!("importing with sqlite3 .import...");
        let sqlite_db = dir.join("sqlite3-import.db");
        let schema = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE usage_import(account TEXT NOT NULL, day TEXT NOT NULL, active_users INTEGER,
              logins INTEGER, feature_events INTEGER, api_calls INTEGER, licensed_seats INTEGER,
              PRIMARY KEY (account, day)) WITHOUT ROWID;";
        let sqlite = match Command::new("sqlite3").arg(&sqlite_db).arg(schema).output() {
            Ok(o) if o.status.success() => {
                let mut cmd = Command::new("sqlite3");
                cmd.arg(&sqlite_db).arg(format!(
                    ".import --csv --skip 1 {} usage_import",
                    csv_path.display()
                ));
                Some(timed(cmd)?)
            }
            _ => None,
        };
        let _ = writeln!(
            out,
            "\n## Usage import ({rows} rows, {:.0} MB CSV)\n",
            csv_size as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "| importer | seconds | rows/s | peak RSS MB |\n| --- | ---: | ---: | ---: |"
        );
        let _ = writeln!(out, "| steward import usage (parse, validate, resolve accounts, upsert, rollups) | {ours:.2} | {:.0} | {:.0} |", rows as f64 / ours, ours_rss as f64 / 1e6);
        match sqlite {
            Some((theirs, theirs_rss)) => {
                let _ = writeln!(out, "| sqlite3 `.import` into an equivalent WITHOUT ROWID table | {theirs:.2} | {:.0} | {:.0} |", rows as f64 / theirs, theirs_rss as f64 / 1e6);
                let _ = writeln!(
                    out,
                    "\nRatio steward / sqlite3 time: **{:.2}** (below 1 means steward is faster).",
                    ours / theirs
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "| sqlite3 `.import` | not run: sqlite3 is not installed | | |"
                );
            }
        }
    }
    Ok(out)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem} RAM; release build; SQLite {}",
        rusqlite::version()
    )
}
