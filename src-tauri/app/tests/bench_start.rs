//! Start-up benchmark of the real app window on a large book: time from
//! launching the app to the first screen's first row (Today), and the resident
//! memory of the app and its WebKit helper processes at that moment.
//! Two clocks: from the WebDriver request that launches the app to the first
//! row in the DOM, and from the app process's own start to the frame that
//! shows Today (the page's `steward:*` marks), which leaves out the driver's
//! own start-up; the marks between say where the time goes.
//! Run by scripts/bench.sh (release binary, 5,000-account book, Xvfb).

#[path = "e2e/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use support::{app_binary, open_app, start_driver_in, wait_for};

/// A memory figure in bytes from a /proc file ("VmRSS:" in status, "Pss:"
/// in smaps_rollup).
fn proc_bytes(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn rss(pid: u32) -> u64 {
    proc_bytes(pid, "status", "VmRSS:")
}

/// Proportional set size: pages shared between processes are divided among
/// them, so the sum over the app and its WebKit helpers is not inflated.
fn pss(pid: u32) -> u64 {
    proc_bytes(pid, "smaps_rollup", "Pss:")
}

/// When process `pid` started, in milliseconds since the Unix epoch: its
/// start in clock ticks after boot (/proc/PID/stat), and the boot's moment
/// from the clock now less /proc/uptime. Good to about 10 ms.
fn started_at_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let ticks: f64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    // USER_HZ is 100 on every Linux this runs on.
    Some((now - uptime + ticks / 100.0) * 1000.0)
}

/// The page's start-up marks (`steward:*`, set by the UI) and when its
/// navigation began, in milliseconds since the Unix epoch.
async fn page_marks(client: &fantoccini::Client) -> (f64, Vec<(String, f64)>) {
    // The first row can be in the DOM a frame before the screen is shown.
    let value = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const read = () => [performance.timeOrigin, performance.getEntriesByType('mark')
               .filter(m => m.name.startsWith('steward:'))
               .map(m => [m.name.slice(8), m.startTime])];
             const started = performance.now();
             const look = () => {
               const [origin, marks] = read();
               if (marks.some(m => m[0] === 'shown') || performance.now() - started > 3000) done([origin, marks]);
               else setTimeout(look, 10);
             };
             look();",
            vec![],
        )
        .await
        .expect("marks");
    let origin = value[0].as_f64().unwrap_or(0.0);
    let marks = value[1]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        m[0].as_str().unwrap_or("").to_string(),
                        m[1].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (origin, marks)
}

fn parent(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("PPid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// The app's process and every process below it (WebKit's web and network processes).
fn app_processes(binary: &str) -> (Option<u32>, Vec<u32>) {
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let target = std::fs::canonicalize(binary).unwrap_or_else(|_| PathBuf::from(binary));
    let app = pids
        .iter()
        .copied()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == target));
    let Some(app) = app else {
        return (None, Vec::new());
    };
    let descendants = pids
        .iter()
        .copied()
        .filter(|&pid| {
            let mut p = pid;
            for _ in 0..8 {
                match parent(p) {
                    Some(pp) if pp == app => return true,
                    Some(pp) if pp > 1 => p = pp,
                    _ => return false,
                }
            }
            false
        })
        .collect();
    (Some(app), descendants)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by scripts/bench.sh on a large book"]
async fn app_start_to_today_with_a_large_book() {
    let book = std::env::var("STEWARD_BENCH_DATA_DIR")
        .expect("STEWARD_BENCH_DATA_DIR names a data folder holding the benchmark book");
    let home = tempfile::tempdir().expect("tmp");
    let shaders = home.path().join("mesa-shaders").display().to_string();
    let mut times = Vec::new();
    let mut memory = Vec::new();
    let mut from_launch = Vec::new();
    for run in 0..6 {
        // Each start has data, config and cache folders of its own (the
        // app's first start), but Mesa's compiled GL shaders are kept
        // between starts as on any desktop, where they stay in the user's
        // cache: only the first start here compiles them.
        let driver = start_driver_in(
            std::path::Path::new(&book),
            &home.path().join(format!("xdg{run}")),
            &[("MESA_SHADER_CACHE_DIR", &shaders)],
        );
        let started = Instant::now();
        let client = open_app(&driver).await;
        let session = started.elapsed().as_secs_f64() * 1000.0;
        wait_for(&client, "[data-testid=today-item]").await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        println!(
            "run {run}: WebDriver session open (app launched, page loaded) after {session:.0} ms"
        );
        let (app, helpers) = app_processes(&app_binary());
        // From the app process's own start, so the driver's start-up and
        // retries do not count: when the page began, and each mark.
        let launched = app.and_then(started_at_ms);
        let (origin, marks) = page_marks(&client).await;
        if let Some(launched) = launched {
            let mut line = format!("run {run}: from launch: page {:.0} ms", origin - launched);
            for (name, at) in &marks {
                line.push_str(&format!(", {name} {:.0}", origin + at - launched));
            }
            println!("{line}");
            if let Some((_, at)) = marks.iter().find(|(n, _)| n == "shown") {
                from_launch.push(origin + at - launched);
            }
        }
        let app_rss = app.map_or(0, rss);
        let rss_sum = app_rss + helpers.iter().map(|&p| rss(p)).sum::<u64>();
        let pss_sum = app.map_or(0, pss) + helpers.iter().map(|&p| pss(p)).sum::<u64>();
        memory.push((app_rss, rss_sum, pss_sum, helpers.len()));
        client.close().await.expect("close");
    }
    let mb = |b: u64| b as f64 / 1e6;
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "start_to_today_ms runs={times:.0?} median={:.0} max={:.0}",
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1]
    );
    if let Some((first, rest)) = from_launch.split_first() {
        let mut rest = rest.to_vec();
        rest.sort_by(f64::total_cmp);
        if let Some(median) = rest.get(rest.len() / 2) {
            println!(
                "launch_to_today_shown_ms first_with_shaders_compiled={first:.0} then_sorted={rest:.0?} median_of_these={median:.0}"
            );
        }
    }
    from_launch.sort_by(f64::total_cmp);
    if let Some(median) = from_launch.get(from_launch.len() / 2) {
        println!("launch_to_today_shown_ms sorted={from_launch:.0?} median={median:.0}");
    }
    let (app_rss, rss_sum, pss_sum, helpers) = memory[memory.len() - 1];
    println!(
        "rss_app_mb={:.0} rss_sum_with_{helpers}_webkit_helpers_mb={:.0} pss_sum_mb={:.0}",
        mb(app_rss),
        mb(rss_sum),
        mb(pss_sum)
    );
    assert!(app_rss > 0, "the app process was found");
}
