//! The QBR deck figures of the bench: one deck of a large account from the
//! book to its file, 25 in one batch in process, and the command line's
//! batch of every QBR planned in two weeks (with its peak memory).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use rusqlite::Connection;
use steward_core::Error;

use super::{io, measure_n, processes::timed};

pub(super) fn measure(
    conn: &Connection,
    dir: &Path,
    book_dir: &Path,
    today: NaiveDate,
    out: &mut String,
) -> Result<(), Error> {
    // QBR decks: one deck from the book to a file, a batch in process, and
    // the command line's batch of every QBR planned in two weeks.
    eprintln!("measuring QBR decks...");
    let deck_dir = dir.join("decks");
    std::fs::create_dir_all(&deck_dir).map_err(io("Cannot create the decks folder"))?;
    let biggest: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM accounts WHERE status = 'active' ORDER BY arr_minor DESC LIMIT 50")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut k = 0;
    let (mut deck_bytes, mut deck_slides) = (0u64, 0u64);
    let look = steward_qbr::Look::of(conn)?;
    let deck_latency = measure_n(50, || {
        let (id, name) = &biggest[k % biggest.len()];
        k += 1;
        let deck = steward_qbr::build(conn, *id, today, &steward_qbr::Choices::default())?;
        let bytes = steward_qbr::pptx(&deck, &look, chrono::Utc::now())?;
        steward_qbr::batch::write_whole(
            &deck_dir.join(steward_qbr::batch::file_name(name, today, "pptx")),
            &bytes,
        )?;
        deck_bytes += bytes.len() as u64;
        deck_slides += deck.slides.len() as u64;
        Ok(())
    })?;
    let started = Instant::now();
    let batch = steward_qbr::batch::write_decks(
        conn,
        &biggest[..25.min(biggest.len())],
        today,
        &dir.join("batch"),
        &look,
        &mut steward_core::progress::ignore,
        &steward_core::progress::CancelToken::default(),
    )?;
    let batch_secs = started.elapsed().as_secs_f64();
    let exe = std::env::current_exe().map_err(io("Cannot find the steward binary"))?;
    let mut cli = Command::new(exe);
    cli.arg("--data-dir")
        .arg(book_dir)
        .arg("--today")
        .arg(today.to_string())
        .args(["qbr", "--due-within", "14d", "--out-dir"])
        .arg(dir.join("batch-cli"));
    let (cli_secs, cli_peak) = timed(cli)?;
    let cli_decks = std::fs::read_dir(dir.join("batch-cli"))
        .map(|d| d.count())
        .unwrap_or(0);
    let runs = (k as u64).max(1);
    let _ = writeln!(out, "\n## QBR decks\n");
    let _ = writeln!(
        out,
        "| work | p50 ms | p95 ms | max ms | target p95 ms |\n| --- | ---: | ---: | ---: | ---: |\n| one deck of a large account: read as of today, lay out, write .pptx with charts and workbooks, save the file | {:.2} | {:.2} | {:.2} | 150 |",
        deck_latency.p50, deck_latency.p95, deck_latency.max
    );
    let _ = writeln!(
        out,
        "\nA deck holds {:.1} slides and {:.0} KB on average. {} decks of the 25 largest accounts in one batch: **{:.2} s** ({:.1} decks/s; target 25 in under 3 s). `steward qbr --due-within 14d`: {} decks in {:.2} s ({:.1} decks/s, the process included), peak RSS {:.0} MB.",
        deck_slides as f64 / runs as f64,
        deck_bytes as f64 / runs as f64 / 1024.0,
        batch.written.len(),
        batch_secs,
        batch.written.len() as f64 / batch_secs,
        cli_decks,
        cli_secs,
        cli_decks as f64 / cli_secs,
        cli_peak as f64 / 1_048_576.0
    );
    Ok(())
}
