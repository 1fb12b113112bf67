//! `steward`, the headless command line over steward-core: generate the demo
//! book, import files, list the portfolio, search, and run the benchmarks
//! recorded in docs/benchmarks.md. Scripts and tests use it; it shares every
//! line of product logic with the desktop app.

mod bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use steward_core::demo::{self, DemoSpec};
use steward_core::import::{self, Entity, ImportRequest};
use steward_core::portfolio::{self, PortfolioQuery, PortfolioSort};
use steward_core::progress::{CancelToken, Progress};
use steward_core::{assess, churn, search, store, tasks, today, Error};

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Steward, the CSM workbench, from the command line"
)]
struct Cli {
    /// Portfolio folder (default: STEWARD_DATA_DIR or the OS app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Pretend today is this date (YYYY-MM-DD), for reproducible output.
    #[arg(long, global = true)]
    today: Option<NaiveDate>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Where the portfolio is and what it holds.
    Info,
    /// Fill an empty portfolio with the demo book.
    Demo {
        #[arg(long, default_value_t = 250)]
        accounts: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 3)]
        years: u32,
    },
    /// Import a CSV or NDJSON file; bad rows are listed with their line.
    Import {
        /// accounts, contacts, usage, subscriptions, invoices, tickets, surveys or activities
        entity: String,
        file: PathBuf,
        /// Map a field to a column, e.g. --map name="Company Name" (repeatable).
        #[arg(long = "map", value_name = "FIELD=COLUMN")]
        mappings: Vec<String>,
        /// Check the first rows without saving anything.
        #[arg(long)]
        preview: bool,
    },
    /// List the portfolio.
    Portfolio {
        #[arg(long, default_value = "name")]
        sort: String,
        #[arg(long)]
        desc: bool,
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print the rows as JSON (for scripts) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Search accounts, contacts and activity text.
    Search { text: String },
    /// Open tasks: overdue, today, upcoming.
    Tasks,
    /// What needs the CSM today: risks, renewals, touches, expansion.
    Today {
        /// Items per section.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Rescore health, churn risk and alerts for the whole book now.
    Assess,
    /// The churn model's quality (held-out AUC, calibration); --retrain first.
    Churn {
        #[arg(long)]
        retrain: bool,
    },
    /// Write the calendar (renewals, milestones, due tasks) as an .ics file.
    Calendar {
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
        /// Only this account (its id).
        #[arg(long)]
        account: Option<i64>,
    },
    /// Run the benchmarks on a generated book and print a Markdown report.
    Bench {
        #[arg(long, default_value_t = 5000)]
        accounts: u32,
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// Rows in the usage file imported side by side with sqlite3's .import.
        #[arg(long, default_value_t = 1_000_000)]
        import_rows: u64,
        /// Folder for the benchmark's portfolio and files (default: a temp folder).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("steward: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let today = cli.today.unwrap_or_else(steward_core::today);
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => store::default_data_dir()?,
    };
    match cli.command {
        Command::Info => {
            let conn = store::open_in(&data_dir)?;
            println!("portfolio: {}", data_dir.join(store::DB_FILE).display());
            println!("schema:    {}", store::SCHEMA_VERSION);
            for table in [
                "accounts",
                "contacts",
                "usage_daily",
                "invoices",
                "tickets",
                "survey_responses",
                "activities",
                "tasks",
            ] {
                let n: i64 =
                    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                println!("{table:<17} {n}");
            }
        }
        Command::Demo {
            accounts,
            seed,
            years,
        } => {
            let mut conn = store::open_in(&data_dir)?;
            let started = std::time::Instant::now();
            let summary = demo::generate(
                &mut conn,
                &DemoSpec {
                    seed,
                    accounts,
                    years,
                },
                today,
                &mut print_progress,
                &CancelToken::default(),
            )?;
            eprintln!();
            println!(
                "Demo book: {} accounts ({} churned), {} contacts, {} usage days, {} activities, {} invoices, {} tickets, {} survey responses in {:.1} s",
                summary.accounts, summary.churned, summary.contacts, summary.usage_days, summary.activities,
                summary.invoices, summary.tickets, summary.surveys, started.elapsed().as_secs_f64()
            );
        }
        Command::Import {
            entity,
            file,
            mappings,
            preview,
        } => {
            let entity = Entity::parse(&entity).ok_or_else(|| {
                Error::invalid(format!(
                    "'{entity}' is not something Steward imports; use one of {}",
                    Entity::ALL
                        .iter()
                        .map(|e| e.table_label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let mut conn = store::open_in(&data_dir)?;
            let info = import::inspect(&file)?;
            let mut mapping = import::suggest_mapping(entity, &info.headers);
            for m in &mappings {
                let (field, column) = m.split_once('=').ok_or_else(|| {
                    Error::invalid(format!("--map takes FIELD=COLUMN, not '{m}'"))
                })?;
                let slot = mapping
                    .iter_mut()
                    .find(|s| s.field == field)
                    .ok_or_else(|| {
                        Error::invalid(format!("{} has no field '{field}'", entity.table_label()))
                    })?;
                slot.column = (!column.is_empty()).then(|| column.to_string());
            }
            let request = ImportRequest {
                path: file.display().to_string(),
                entity,
                options: info.options,
                mapping,
            };
            let report = if preview {
                import::preview(&mut conn, &request, today, 20)?
            } else {
                import::run(
                    &mut conn,
                    &request,
                    today,
                    &mut print_progress,
                    &CancelToken::default(),
                )?
            };
            eprintln!();
            println!(
                "{}{} rows read: {} imported, {} already up to date, {} rejected",
                if report.dry_run {
                    "Preview (nothing saved): "
                } else {
                    ""
                },
                report.rows_read,
                report.written,
                report.unchanged,
                report.failed
            );
            for e in &report.errors {
                println!("  line {}: {}", e.line, e.reason);
            }
            if report.failed as usize > report.errors.len() {
                println!(
                    "  ... and {} more",
                    report.failed as usize - report.errors.len()
                );
            }
        }
        Command::Portfolio {
            sort,
            desc,
            search,
            limit,
            json,
        } => {
            let conn = store::open_in(&data_dir)?;
            let sort: PortfolioSort = serde_json::from_value(serde_json::Value::String(sort.clone()))
                .map_err(|_| Error::invalid(format!("cannot sort by '{sort}'; use name, tier, arr, renewal, stage, last_touch, trend or health")))?;
            let rows = portfolio::list(
                &conn,
                &PortfolioQuery {
                    text: search,
                    sort,
                    descending: desc,
                    ..Default::default()
                },
                today,
            )?;
            if json {
                let shown: Vec<_> = rows.iter().take(limit).collect();
                let text = serde_json::to_string_pretty(&shown)
                    .map_err(|e| Error::Internal(e.to_string()))?;
                println!("{text}");
                return Ok(());
            }
            println!(
                "{:<6} {:<32} {:<4} {:>14} {:<11} {:<11} {:>6} {:>7} {:>6}",
                "id", "name", "tier", "ARR", "renewal", "stage", "touch", "trend", "health"
            );
            for r in rows.iter().take(limit) {
                println!(
                    "{:<6} {:<32} {:<4} {:>10} {} {:<11} {:<11} {:>6} {:>7} {:>6}",
                    r.id,
                    truncate(&r.name, 32),
                    r.tier.as_str(),
                    r.arr.minor / 100,
                    r.arr.currency,
                    r.renewal_date.map(|d| d.to_string()).unwrap_or_default(),
                    r.lifecycle_stage.as_str(),
                    r.days_since_touch
                        .map(|d| format!("{d}d"))
                        .unwrap_or_default(),
                    r.usage_trend_pct
                        .map(|t| format!("{t:+.0}%"))
                        .unwrap_or_default(),
                    r.health_score
                        .map(|h| format!("{h:.0}"))
                        .unwrap_or_default()
                );
            }
            println!("{} accounts", rows.len());
        }
        Command::Search { text } => {
            let conn = store::open_in(&data_dir)?;
            for hit in search::query(&conn, &text, 20)? {
                println!(
                    "{:<9} {:<28} {}",
                    format!("{:?}", hit.kind).to_lowercase(),
                    truncate(&hit.account_name, 28),
                    hit.excerpt
                );
            }
        }
        Command::Tasks => {
            let conn = store::open_in(&data_dir)?;
            let list = tasks::open(&conn, today)?;
            for (label, tasks) in [
                ("Overdue", &list.overdue),
                ("Today", &list.today),
                ("Upcoming", &list.upcoming),
            ] {
                println!("{label} ({})", tasks.len());
                for t in tasks.iter().take(20) {
                    println!(
                        "  {} {:<40} {}",
                        t.due_on
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "          ".into()),
                        truncate(&t.title, 40),
                        t.account_name.as_deref().unwrap_or("")
                    );
                }
            }
        }
        Command::Today { limit } => {
            let conn = store::open_in(&data_dir)?;
            let list = today::list(&conn, today, limit)?;
            for section in &list.sections {
                println!("{:?} ({})", section.section, section.total);
                for item in list.items.iter().filter(|i| i.section == section.section) {
                    let why = item
                        .reasons
                        .first()
                        .map(|r| r.detail.clone())
                        .or_else(|| item.overdue_task.clone())
                        .or_else(|| {
                            item.qbr_on.map(|d| {
                                format!(
                                    "QBR {d}, {} milestones to report",
                                    item.milestones_to_report
                                )
                            })
                        })
                        .or_else(|| item.renewal_date.map(|d| format!("renews {d}")))
                        .unwrap_or_default();
                    println!(
                        "  {:<28} {:>5} {:>6} {}",
                        truncate(&item.account_name, 28),
                        item.score.map(|s| format!("{s:.0}")).unwrap_or_default(),
                        item.churn_risk
                            .map(|r| format!("{:.0}%", r * 100.0))
                            .unwrap_or_default(),
                        why
                    );
                }
            }
            println!("snoozed: {}", list.snoozed);
        }
        Command::Assess => {
            let conn = store::open_in(&data_dir)?;
            let started = std::time::Instant::now();
            let tx = conn.unchecked_transaction()?;
            let summary = assess::run_after_change(&tx, today, None)?;
            tx.commit()?;
            println!(
                "{} accounts assessed in {:.0} ms; alerts: {} raised, {} updated, {} cleared; {} playbook tasks",
                summary.accounts,
                started.elapsed().as_secs_f64() * 1000.0,
                summary.alerts.raised,
                summary.alerts.updated,
                summary.alerts.cleared,
                summary.alerts.tasks_created
            );
        }
        Command::Churn { retrain } => {
            let conn = store::open_in(&data_dir)?;
            let status = if retrain {
                let tx = conn.unchecked_transaction()?;
                let settings = steward_core::health::settings::current(&tx)?.settings;
                let status = churn::retrain(&tx, &settings, today)?;
                assess::run_after_change(&tx, today, None)?;
                tx.commit()?;
                status
            } else {
                churn::status(&conn)?
            };
            match (status.quality, status.fallback_reason) {
                (Some(q), _) => {
                    println!(
                        "churn within {} days; trained on {} rows ({} churned) from {} snapshots in {:.0} ms",
                        q.horizon_days, q.training_rows, q.training_churned, q.snapshots, q.train_ms
                    );
                    println!(
                        "held out: {} rows ({} churned), AUC {:.3}, Brier {:.4}",
                        q.test_rows, q.test_churned, q.auc, q.brier
                    );
                    println!("calibration (predicted -> observed, n):");
                    for b in &q.calibration {
                        println!(
                            "  {:>5.1}% -> {:>5.1}%  {}",
                            b.predicted * 100.0,
                            b.observed * 100.0,
                            b.count
                        );
                    }
                    println!("weights (log-odds per standard deviation):");
                    for w in &q.weights {
                        println!("  {:<34} {:+.3}", w.feature, w.coefficient);
                    }
                }
                (None, reason) => println!("{}", reason.unwrap_or_default()),
            }
        }
        Command::Calendar { out, account } => {
            let conn = store::open_in(&data_dir)?;
            let events = steward_core::calendar::events(&conn, account, today)?;
            let ics = steward_core::calendar::render(&events, "Steward");
            std::fs::write(&out, ics)
                .map_err(|e| Error::io(format!("Cannot write {}", out.display()), e))?;
            println!("{} events written to {}", events.len(), out.display());
        }
        Command::Bench {
            accounts,
            years,
            import_rows,
            work_dir,
        } => {
            let temp;
            let dir: &Path = match &work_dir {
                Some(d) => d,
                None => {
                    temp =
                        std::env::temp_dir().join(format!("steward-bench-{}", std::process::id()));
                    &temp
                }
            };
            let report = bench::run(dir, accounts, years, import_rows, today)?;
            println!("{report}");
            if work_dir.is_none() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn print_progress(p: Progress) {
    match p.total {
        Some(total) if total > 0 => eprint!(
            "\r{}: {:.0}%   ",
            p.phase,
            p.done as f64 * 100.0 / total as f64
        ),
        _ => eprint!("\r{}...   ", p.phase),
    }
}
