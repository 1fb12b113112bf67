//! Fuzzing the import the way a user meets it: the `steward` binary on
//! mutated CSV and NDJSON files of every entity, structured mutations
//! (hostile values, missing and extra cells, stray quotes, bad bytes, blank
//! lines, CRLF, huge rows, too many columns) and random byte damage. Each run
//! must end without a panic, within a memory cap, and with a report whose
//! counts add up (for well-formed files, to exactly the file's rows).
//!
//! It runs for `STEWARD_FUZZ_SECONDS` (default 40) from seed
//! `STEWARD_FUZZ_SEED` (default 1); a failing file is kept in
//! `artifacts/fuzz/` with the seed that made it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ENTITIES: &[&str] = &[
    "accounts",
    "contacts",
    "usage",
    "subscriptions",
    "invoices",
    "tickets",
    "surveys",
    "activities",
];

/// Address space one import may use: generous for the binary and SQLite,
/// far below what a file-sized (or span-sized) allocation would need.
const MEMORY_CAP: &str = "1610612736";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const HOSTILE: &[&str] = &[
    "",
    " ",
    "1,5",
    "1.234,56",
    "0.285",
    "9223372036854775807",
    "-1",
    "1e308",
    "NaN",
    "+10000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999999999999999",
    "\u{0}",
    "\u{202e}gnp.exe",
    "Café 🎉 مرحبا",
    "<b>bold</b> & 'quoted'",
    "'; DROP TABLE accounts; --",
    "\"",
    "a\"b",
    "two\nlines",
    "31/02/2026",
    "03/04/2026",
    "20240101",
    "1",
    "EUR 100",
    "¥100",
    "ACC-1",
    "acc-1",
    "urgent",
    "nps",
    "yes",
    "2026-13-45",
    "1762000000",
    "12k",
];

/// Column names and one good row for an entity, referring to accounts acc-0..acc-9.
fn row(entity: &str, rng: &mut Rng, k: usize) -> (Vec<&'static str>, Vec<String>) {
    let acc = format!("acc-{}", rng.below(10));
    let day = format!("2026-{:02}-{:02}", 1 + rng.below(10), 1 + rng.below(28));
    let n = || (k * 7 % 500).to_string();
    match entity {
        "accounts" => (
            vec![
                "id",
                "name",
                "domain",
                "arr",
                "currency",
                "renewal_date",
                "employees",
            ],
            vec![
                format!("new-{k}"),
                format!("Company {k}"),
                format!("c{k}.example"),
                format!("{}.50", 1000 + k),
                "EUR".into(),
                day,
                n(),
            ],
        ),
        "contacts" => (
            vec!["id", "account", "name", "email", "role", "left_company"],
            vec![
                format!("c-{k}"),
                acc,
                format!("Person {k}"),
                format!("p{k}@x.example"),
                "champion".into(),
                "no".into(),
            ],
        ),
        "usage" => (
            vec!["account", "day", "active_users", "logins", "api_calls"],
            vec![
                acc,
                format!("2025-{:02}-{:02}", 1 + k % 12, 1 + k % 28),
                n(),
                n(),
                n(),
            ],
        ),
        "subscriptions" => (
            vec![
                "id",
                "account",
                "plan",
                "status",
                "start_date",
                "mrr",
                "seats",
            ],
            vec![
                format!("s-{k}"),
                acc,
                "Pro".into(),
                "active".into(),
                day,
                format!("{}", 100 + k),
                n(),
            ],
        ),
        "invoices" => (
            vec!["id", "account", "amount", "status", "issued_on", "due_on"],
            vec![
                format!("i-{k}"),
                acc,
                format!("{}.99", k),
                "paid".into(),
                "2026-01-01".into(),
                "2026-02-01".into(),
            ],
        ),
        "tickets" => (
            vec!["id", "account", "subject", "priority", "opened_at", "csat"],
            vec![
                format!("t-{k}"),
                acc,
                format!("Ticket {k}"),
                "normal".into(),
                format!("{day}T10:00:00Z"),
                "4".into(),
            ],
        ),
        "surveys" => (
            vec!["id", "account", "kind", "score", "responded_on", "comment"],
            vec![
                format!("r-{k}"),
                acc,
                "nps".into(),
                (k % 11).to_string(),
                day,
                "fine".into(),
            ],
        ),
        _ => (
            vec![
                "id",
                "account",
                "kind",
                "occurred_on",
                "summary",
                "next_steps",
            ],
            vec![
                format!("a-{k}"),
                acc,
                "call".into(),
                day,
                format!("Call {k}"),
                "Follow up".into(),
            ],
        ),
    }
}

fn csv_cell(text: &str, delimiter: char) -> String {
    if text.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One mutated file: its bytes, and the rows a well-formed file holds (None
/// when the mutation may break the file's shape).
struct Case {
    name: String,
    bytes: Vec<u8>,
    expected_rows: Option<u64>,
}

fn structured(entity: &str, rng: &mut Rng, json: bool) -> Case {
    let rows_n = 1 + rng.below(40);
    let mut header = Vec::new();
    let mut grid: Vec<Vec<String>> = Vec::new();
    for k in 0..rows_n {
        let (h, r) = row(entity, rng, k);
        header = h;
        grid.push(r);
    }
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let r = rng.below(grid.len());
        match rng.below(6) {
            0..=2 if !grid[r].is_empty() => {
                let c = rng.below(grid[r].len());
                grid[r][c] = if rng.chance(20) {
                    "x".repeat(10_000)
                } else {
                    rng.pick(HOSTILE).to_string()
                };
                what.push("value");
            }
            0..=3 => {
                grid[r].pop();
                what.push("short row");
            }
            4 => {
                grid[r].push("extra".into());
                what.push("long row");
            }
            _ => {
                let copy = grid[r].clone();
                grid.push(copy);
                what.push("duplicate");
            }
        }
    }
    let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
    let expected = grid.iter().filter(|r| !blank(r)).count() as u64;
    let mut out = String::new();
    let crlf = rng.chance(4);
    let nl = if crlf { "\r\n" } else { "\n" };
    if json {
        for r in &grid {
            let mut obj = serde_json::Map::new();
            for (i, cell) in r.iter().enumerate() {
                let key = header.get(i).copied().unwrap_or("extra");
                let value = match cell.parse::<i64>() {
                    Ok(n) if rng.chance(2) => serde_json::Value::from(n),
                    _ => serde_json::Value::from(cell.as_str()),
                };
                obj.insert(key.to_string(), value);
            }
            out.push_str(&serde_json::Value::Object(obj).to_string());
            out.push_str(nl);
            if rng.chance(10) {
                out.push_str(nl);
            }
        }
    } else {
        let delimiter = if rng.chance(4) { ';' } else { ',' };
        if rng.chance(8) {
            out.push('\u{feff}');
        }
        out.push_str(&header.join(&delimiter.to_string()));
        out.push_str(nl);
        for r in &grid {
            let cells: Vec<String> = r.iter().map(|c| csv_cell(c, delimiter)).collect();
            out.push_str(&cells.join(&delimiter.to_string()));
            out.push_str(nl);
            if rng.chance(10) {
                out.push_str(nl);
            }
        }
    }
    // JSON rows with no readable key are still rows; CSV rows of only
    // separators are skipped as empty. A CSV row with a line break in a cell
    // and the wrong number of cells reads two ways (a stray quote, or one
    // long row): Steward takes it for a stray quote and reads the lines
    // after it again, so its row count is not the grid's.
    let ambiguous = grid
        .iter()
        .any(|r| r.len() != header.len() && r.iter().any(|c| c.contains(['\n', '\r'])));
    let expected_rows = match (json, ambiguous) {
        (true, _) => Some(grid.len() as u64),
        (false, true) => None,
        (false, false) => Some(expected),
    };
    Case {
        name: format!(
            "{entity}-structured-{}.{}",
            what.join("+"),
            if json { "ndjson" } else { "csv" }
        ),
        bytes: out.into_bytes(),
        expected_rows,
    }
}

fn damaged(entity: &str, rng: &mut Rng, json: bool) -> Case {
    let mut case = structured(entity, rng, json);
    let bytes = &mut case.bytes;
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 => {
                bytes.insert(at, b'"');
                what.push("stray quote");
            }
            1 => {
                bytes.insert(at, 0xFF);
                what.push("bad byte");
            }
            2 => {
                bytes.truncate(at);
                what.push("truncated");
            }
            3 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
                what.push("bit flip");
            }
            4 => {
                let long = vec![b'y'; (1 << 20) + 100];
                bytes.splice(at..at, long);
                what.push("overlong row");
            }
            5 => {
                let many: Vec<String> = (0..1_100).map(|i| format!("k{i}")).collect();
                let header = if json {
                    format!(
                        "{{{}}}\n",
                        many.iter()
                            .map(|k| format!("\"{k}\":1"))
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                } else {
                    format!("{}\n", many.join(","))
                };
                bytes.splice(0..0, header.into_bytes());
                what.push("too many columns");
            }
            6 => {
                bytes.splice(at..at, b"\n\n\r\n".iter().copied());
                what.push("blank lines");
            }
            _ => {
                bytes.splice(at..at, b"{\"oops\"".iter().copied());
                what.push("broken json");
            }
        }
    }
    case.name = format!(
        "{entity}-damaged-{}.{}",
        what.join("+"),
        if json { "ndjson" } else { "csv" }
    );
    case.expected_rows = None;
    case
}

/// The counts of "N rows read: a imported, b already up to date, c rejected".
fn counts(stdout: &str) -> Option<(u64, u64, u64, u64)> {
    let line = stdout.lines().find(|l| l.contains("rows read:"))?;
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (nums.len() == 4).then(|| (nums[0], nums[1], nums[2], nums[3]))
}

fn keep(case: &Case, seed: u64, why: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/fuzz");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("seed{seed}-{}", case.name.replace(['/', ' '], "_")));
    let _ = std::fs::write(&path, &case.bytes);
    let _ = std::fs::write(path.with_extension("why.txt"), why);
    path
}

#[test]
fn every_import_kind_survives_mutated_files() {
    let seconds: u64 = std::env::var("STEWARD_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("STEWARD_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let accounts = dir.path().join("accounts.csv");
    let list: String = (0..10).map(|k| format!("acc-{k},Account {k}\n")).collect();
    std::fs::write(&accounts, format!("id,name\n{list}")).expect("accounts");
    let prlimit = Command::new("prlimit").arg("--version").output().is_ok();
    let run = |args: &[&str]| {
        let mut cmd = if prlimit {
            let mut c = Command::new("prlimit");
            c.arg(format!("--as={MEMORY_CAP}"))
                .arg(env!("CARGO_BIN_EXE_steward"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_steward"))
        };
        // English, whatever the machine speaks: the tests read the words.
        cmd.env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        cmd.arg("--data-dir")
            .arg(&data)
            .args(["--today", "2026-11-23"])
            .args(args);
        cmd.output().expect("run steward")
    };
    let setup = run(&["import", "accounts", &accounts.display().to_string()]);
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );

    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let started = Instant::now();
    let (mut runs, mut refused) = (0u32, 0u32);
    let mut refusals: std::collections::BTreeMap<String, u32> = Default::default();
    while started.elapsed() < Duration::from_secs(seconds) || runs < 16 {
        let entity = ENTITIES[runs as usize % ENTITIES.len()];
        let json = runs / ENTITIES.len() as u32 % 2 == 1;
        let case = if rng.chance(2) {
            structured(entity, &mut rng, json)
        } else {
            damaged(entity, &mut rng, json)
        };
        let file = dir
            .path()
            .join(format!("case.{}", if json { "ndjson" } else { "csv" }));
        std::fs::write(&file, &case.bytes).expect("case");
        let out = run(&["import", entity, &file.display().to_string()]);
        runs += 1;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let fail = |why: &str| -> ! {
            let kept = keep(
                &case,
                seed,
                &format!("{why}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"),
            );
            panic!("{why} ({}; kept at {})", case.name, kept.display());
        };
        if stderr.contains("panicked") || out.status.code().is_none_or(|c| c > 1) {
            fail(&format!("crashed with {:?}", out.status));
        }
        if !out.status.success() {
            // A file refused as a whole says why in one line.
            if !stderr.contains("steward: ") {
                fail("failed without a message");
            }
            refused += 1;
            let why: String = stderr
                .lines()
                .last()
                .unwrap_or("")
                .chars()
                .take(70)
                .collect();
            *refusals.entry(why).or_default() += 1;
            continue;
        }
        let Some((read, written, unchanged, rejected)) = counts(&stdout) else {
            fail("no report");
        };
        if written + unchanged + rejected != read {
            fail("the report's counts do not add up");
        }
        if let Some(expected) = case.expected_rows {
            if read != expected {
                fail(&format!(
                    "read {read} rows of a well-formed file with {expected}"
                ));
            }
        }
    }
    eprintln!(
        "fuzz: {runs} files in {:.0} s from seed {seed}, {refused} refused as a whole",
        started.elapsed().as_secs_f64()
    );
    for (why, n) in &refusals {
        eprintln!("  {n:>4}  {why}");
    }
    assert!(runs >= 16);
}
