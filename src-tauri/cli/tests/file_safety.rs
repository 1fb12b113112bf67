//! The portfolio file under the things that happen to real files: a reader
//! that stops reading, a damaged file, a full disk, and the process killed
//! in the middle of a write. Each runs the real `steward` binary.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn steward_cmd(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    // English, whatever the machine speaks: the tests read the words.
    cmd.env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd.arg("--data-dir")
        .arg(data)
        .args(["--today", "2026-11-23"])
        .args(args);
    cmd
}

fn steward(data: &Path, args: &[&str]) -> Output {
    steward_cmd(data, args).output().expect("run steward")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo(data: &Path, accounts: &str) {
    let out = steward(
        data,
        &[
            "demo",
            "--accounts",
            accounts,
            "--seed",
            "3",
            "--years",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `PRAGMA integrity_check` and a count, on a read-only connection.
fn check(db: &Path, count_sql: &str) -> (String, i64) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    let n: i64 = conn.query_row(count_sql, [], |r| r.get(0)).expect("count");
    (verdict, n)
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let dir = tempfile::tempdir().expect("tmp");
    demo(dir.path(), "5");
    for args in [
        &["info"][..],
        &["portfolio", "--json"],
        &["today"],
        &["tasks"],
    ] {
        // The read end of the pipe is closed before the command writes a
        // line (as `| head` does once it has its lines).
        let mut child = steward_cmd(dir.path(), args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("read stderr");
        let status = child.wait().expect("wait");
        assert!(status.success(), "{args:?}: {status:?} {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_damaged_portfolio_is_refused_by_every_command_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tmp");
    demo(dir.path(), "8");
    let db = dir.path().join("portfolio.sqlite3");
    let mut bytes = std::fs::read(&db).expect("read");
    let page = 4096 * (bytes.len() / 4096 / 2);
    bytes[page..page + 8].copy_from_slice(&[0xFF; 8]);
    std::fs::write(&db, &bytes).expect("damage");
    let csv = dir.path().join("a.csv");
    std::fs::write(&csv, "id,name\nx1,New Account\n").expect("csv");
    let csv = csv.display().to_string();
    for args in [
        &["info"][..],
        &["import", "accounts", &csv],
        &["assess"],
        &["portfolio"],
        &["churn", "--retrain"],
    ] {
        let out = steward(dir.path(), args);
        assert!(!out.status.success(), "{args:?} must refuse a damaged file");
        let err = stderr(&out);
        assert!(
            err.contains("damaged") && err.contains("restore"),
            "{args:?}: {err}"
        );
        assert_eq!(
            std::fs::read(&db).expect("read"),
            bytes,
            "{args:?} wrote into it"
        );
    }
}

/// A folder on a tiny file system of its own, for a full disk. Needs root
/// (as CI runs); elsewhere the test says so and does nothing.
struct TinyDisk {
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl TinyDisk {
    fn new(bytes: u64) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&mount)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("a full disk cannot be made here (mounting a tmpfs needs root): skipped");
            return None;
        }
        Some(TinyDisk { mount, _dir: dir })
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mount).status();
    }
}

#[test]
fn a_full_disk_gets_a_plain_message_and_leaves_no_litter() {
    let Some(disk) = TinyDisk::new(1 << 20) else {
        return;
    };
    let data = disk.mount.join("data");
    // The demo book does not fit in a megabyte.
    let out = steward(&data, &["demo", "--accounts", "40", "--years", "1"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("disk is full"), "{err}");
    let names: Vec<String> = std::fs::read_dir(&data)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(!names.iter().any(|n| n.ends_with(".bak")), "{names:?}");
    let db = data.join("portfolio.sqlite3");
    if db.exists() {
        let (verdict, accounts) = check(&db, "SELECT count(*) FROM accounts");
        assert_eq!((verdict.as_str(), accounts), ("ok", 0), "all or nothing");
    }
    // With the disk filled to the last byte, starting says the disk is full.
    let filler = disk.mount.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 2 << 20]);
    std::fs::remove_file(data.join("portfolio.sqlite3-shm")).ok();
    let out = steward(&data, &["info"]);
    if !out.status.success() {
        let err = stderr(&out);
        assert!(err.contains("full"), "{err}");
        assert!(!err.contains("disk I/O error"), "{err}");
    }
    let fresh = disk.mount.join("fresh");
    let out = steward(&fresh, &["info"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("full"), "{}", stderr(&out));
    assert!(
        !fresh.join("portfolio.sqlite3").exists()
            || std::fs::metadata(fresh.join("portfolio.sqlite3"))
                .map(|m| m.len())
                .unwrap_or(0)
                > 0
    );
}

#[test]
fn files_are_read_in_memory_bounded_by_a_row_not_by_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    // 16 MB of blank lines (16 million of them) around one row, and one 16 MB
    // line without a break: each is read within a 160 MB address space (the
    // binary needs under 100 MB; a buffer of line offsets as long as the file
    // has lines, or the long line held whole, would not fit).
    let blank = dir.path().join("blank.csv");
    let mut text = b"id,name\n".to_vec();
    text.extend(std::iter::repeat_n(b'\n', 16 << 20));
    text.extend_from_slice(b"z1,Zebra\n");
    std::fs::write(&blank, &text).expect("blank");
    let long = dir.path().join("long.csv");
    let mut text = b"id,name\nx1,".to_vec();
    text.extend(std::iter::repeat_n(b'x', 16 << 20));
    text.extend_from_slice(b"\ny1,Yak\n");
    std::fs::write(&long, &text).expect("long");
    let capped = Command::new("prlimit").arg("--version").output().is_ok();
    for (file, expect) in [
        (
            &blank,
            "1 rows read: 1 imported, 0 already up to date, 0 rejected",
        ),
        (
            &long,
            "2 rows read: 1 imported, 0 already up to date, 1 rejected",
        ),
    ] {
        let mut cmd = if capped {
            let mut c = Command::new("prlimit");
            c.arg("--as=167772160").arg(env!("CARGO_BIN_EXE_steward"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_steward"))
        };
        // English, whatever the machine speaks: the tests read the words.
        cmd.env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        let out = cmd
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["import", "accounts"])
            .arg(file)
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expect), "{stdout}");
    }
}

/// Starts `cmd` and kills it (SIGKILL) `ms` milliseconds later.
fn kill_after(mut cmd: Command, ms: u64) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(ms));
    let _ = child.kill();
    let _ = child.wait();
}

/// A small deterministic sequence for kill times.
fn kill_points(n: usize, most_ms: u64) -> Vec<u64> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            20 + x % most_ms
        })
        .collect()
}

#[test]
fn killing_an_import_or_the_demo_at_any_moment_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let base = dir.path().join("base");
    let accounts = dir.path().join("accounts.csv");
    let usage = dir.path().join("usage.csv");
    {
        use std::io::Write;
        let mut a = std::fs::File::create(&accounts).expect("accounts");
        writeln!(a, "id,name").expect("w");
        let mut u = std::io::BufWriter::new(std::fs::File::create(&usage).expect("usage"));
        writeln!(u, "account,day,active_users,logins").expect("w");
        let first = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("day");
        for k in 0..100 {
            writeln!(a, "acc-{k},Account {k}").expect("w");
            for d in 0..1_000 {
                writeln!(
                    u,
                    "acc-{k},{},{},{}",
                    first + chrono::Duration::days(d),
                    d % 50,
                    d % 7
                )
                .expect("w");
            }
        }
    }
    let imported = steward(
        &base,
        &["import", "accounts", &accounts.display().to_string()],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let base_db = base.join("portfolio.sqlite3");
    let usage = usage.display().to_string();
    let rows = 100_000;

    let mut outcomes = (0, 0);
    for (k, after) in kill_points(8, 2_500).into_iter().enumerate() {
        let run = dir.path().join(format!("run-{k}"));
        std::fs::create_dir(&run).expect("dir");
        std::fs::copy(&base_db, run.join("portfolio.sqlite3")).expect("copy");
        kill_after(steward_cmd(&run, &["import", "usage", &usage]), after);
        let (verdict, n) = check(
            &run.join("portfolio.sqlite3"),
            "SELECT count(*) FROM usage_daily",
        );
        assert_eq!(verdict, "ok", "killed after {after} ms");
        assert!(
            n == 0 || n == rows,
            "killed after {after} ms: {n} rows, a partial import"
        );
        if n == 0 {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        // The killed file opens and takes the import again.
        let again = steward(&run, &["import", "usage", &usage]);
        assert!(again.status.success(), "{}", stderr(&again));
        assert_eq!(
            check(
                &run.join("portfolio.sqlite3"),
                "SELECT count(*) FROM usage_daily"
            )
            .1,
            rows
        );
    }
    assert!(outcomes.0 > 0, "some kills landed mid-import: {outcomes:?}");

    // The demo book: killed while it is generated, the file holds all of it or none.
    for (k, after) in kill_points(4, 1_500).into_iter().enumerate() {
        let run = dir.path().join(format!("demo-{k}"));
        kill_after(
            steward_cmd(&run, &["demo", "--accounts", "60", "--years", "1"]),
            after,
        );
        let db = run.join("portfolio.sqlite3");
        if db.exists() {
            // Killed before the schema committed, the file holds no tables
            // at all: nothing, and the next start creates the schema in it.
            let (verdict, tables) = check(
                &db,
                "SELECT count(*) FROM sqlite_master WHERE name = 'accounts'",
            );
            assert_eq!(verdict, "ok", "killed after {after} ms");
            let n = if tables == 0 {
                let reopened = steward(&run, &["info"]);
                assert!(reopened.status.success(), "{}", stderr(&reopened));
                0
            } else {
                check(&db, "SELECT count(*) FROM accounts").1
            };
            assert!(n == 0 || n == 60, "killed after {after} ms: {n} accounts");
        }
    }
}

#[test]
fn a_backup_restores_the_book_and_a_bad_file_is_refused_with_nothing_changed() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    demo(&data, "8");
    let db = data.join("portfolio.sqlite3");
    let out = steward(&data, &["backup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let backup = PathBuf::from(
        said.trim()
            .strip_prefix("Backup written: ")
            .and_then(|r| r.rsplit_once(" ("))
            .map(|(p, _)| p)
            .expect("the backup's path"),
    );
    assert!(
        backup.starts_with(data.join("backups")),
        "{}",
        backup.display()
    );
    assert_eq!(
        check(&backup, "SELECT count(*) FROM accounts"),
        ("ok".into(), 8)
    );

    // The book changes after the backup: a check-in's worth of rows go.
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute("DELETE FROM activities", []).expect("change");
    }
    let before = check(&db, "SELECT count(*) FROM activities");
    assert_eq!(before.1, 0);

    // A damaged file and one from a newer Steward are refused untouched.
    let bytes = std::fs::read(&db).expect("read");
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, b"this is not a database at all, not even close.").expect("junk");
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&backup, &newer).expect("copy");
    rusqlite::Connection::open(&newer)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 99"))
        .expect("newer");
    for (file, why) in [
        (&junk, "not a Steward portfolio"),
        (&newer, "newer Steward"),
    ] {
        let out = steward(&data, &["restore", &file.display().to_string()]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(why) && stderr(&out).contains("Nothing was changed"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read(&db).expect("read"),
            bytes,
            "the portfolio is as it was"
        );
    }

    // The backup comes back; what was there is kept aside.
    let out = steward(&data, &["restore", &backup.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let restored = check(&db, "SELECT count(*) FROM activities");
    assert_eq!(restored.0, "ok");
    assert!(restored.1 > 0, "the check-ins are back");
    let aside = std::fs::read_dir(&data)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("before-restore"))
        .expect("kept aside");
    assert_eq!(
        check(&aside, "SELECT count(*) FROM activities"),
        ("ok".into(), 0)
    );
    assert!(
        String::from_utf8_lossy(&steward(&data, &["backup", "--list"]).stdout).contains("manual")
    );
}

#[test]
fn old_upgrade_copies_are_pruned_to_the_newest_three() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("book");
    demo(&data, "3");
    for v in 1..=5 {
        std::fs::write(
            data.join(format!("portfolio.v{v}-2026110{v}T000000Z.bak")),
            vec![0u8; 1000],
        )
        .expect("copy");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = steward(&data, &["backup", "--prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("2 old upgrade copies removed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let left: Vec<String> = std::fs::read_dir(&data)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    assert_eq!(left.len(), 3);
    assert!(
        !left
            .iter()
            .any(|n| n.starts_with("portfolio.v1-") || n.starts_with("portfolio.v2-")),
        "{left:?}"
    );
}
