//! `steward`, the headless command line over steward-core: generate the demo
//! book, import files, list the portfolio, search, tasks and Today
//! (`lists`), write QBR decks
//! (`decks`), connect and sync vendors (`vendors`), report the churn model
//! (`churn_report`), send the outbox, export, back up and restore the book
//! (`data`), and run the benchmarks recorded in docs/benchmarks.md. Scripts and tests use it; it shares every
//! line of product logic with the desktop app, and writes through the same
//! one write path. A reader that stops reading (`steward info | head -5`) ends a command quietly.
//! It speaks the language `LANG` names, its help included (`help`).

mod bench;

/// Writes a line of output; when the reader went away the command stops
/// quietly (through `CliError::Output`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(CliError::Output)?;
    }};
}

/// A line of output in the language the environment names:
/// `tell!("{n} rows", "{n} Zeilen")`.
macro_rules! tell {
    ($($arg:tt)*) => {
        out!("{}", steward_core::say!($($arg)*))
    };
}

mod churn_report;
mod data;
mod decks;
mod help;
mod lists;
mod vendors;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use steward_core::import::{self, DateOrder, Entity, ImportRequest};
use steward_core::progress::{CancelToken, Progress};
use steward_core::{assess, say, store, write, Error};
use steward_demo::{self as demo, DemoSpec};

/// Why a command stopped: the core's error, or output nobody reads anymore.
enum CliError {
    Core(Error),
    Output(std::io::Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Core(e)
    }
}

impl From<rusqlite::Error> for CliError {
    fn from(e: rusqlite::Error) -> Self {
        CliError::Core(e.into())
    }
}

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
        /// The file's decimal mark, when Steward's reading of it is wrong: point or comma.
        #[arg(long, value_name = "point|comma")]
        decimal: Option<String>,
        /// How the file writes dates like 03/04/2026: mdy (month first) or dmy (day first).
        #[arg(long, value_name = "mdy|dmy")]
        dates: Option<String>,
        /// Keep a column no field takes as your own account field (repeatable).
        #[arg(long = "keep", value_name = "COLUMN")]
        keep: Vec<String>,
        /// Keep every column no field takes as your own account fields.
        #[arg(long)]
        keep_rest: bool,
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
    /// Write an account's QBR deck (.pptx, native charts) and its Markdown
    /// brief, or one deck per QBR planned within a window (--due-within).
    Qbr(decks::QbrArgs),
    /// Store a connection to a vendor (hubspot, salesforce, stripe, zendesk, posthog):
    /// where it answers, its settings, and its secret (read from stdin)
    /// in the system keychain.
    Connect(vendors::ConnectArgs),
    /// Remove a vendor's connection and its stored secret (the data stays).
    Disconnect { vendor: String },
    /// Sync from one connected vendor or all of them. The secret comes from
    /// the keychain, or for one headless run from the vendor's environment
    /// variable (STEWARD_HUBSPOT_TOKEN, STEWARD_STRIPE_KEY, ...).
    /// `steward sync status` lists the last runs, `steward sync review` what
    /// waits for a decision, `steward sync link VENDOR ID ACCOUNT|new` decides.
    Sync(vendors::SyncArgs),
    /// What Steward owes the team's CRM: the check-ins queued, sent or
    /// refused. `steward outbox send` sends what waits (sync does too),
    /// `steward outbox retry ID` queues a refused one again.
    Outbox(vendors::OutboxArgs),
    /// Write the whole book as the CSV files the import reads (one per
    /// entity, accounts first), so importing them gives the same book.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Take a backup of the portfolio now (into the data folder's backups/),
    /// list the backups there are (--list), or remove all but the newest
    /// three copies upgrades left (--prune).
    Backup(data::BackupArgs),
    /// Restore the portfolio from a backup: the file is checked first, the
    /// current portfolio kept aside, and an older backup upgraded.
    Restore { file: PathBuf },
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
    steward_core::Lang::from_env().set(); // errors and explanations in LANG's language
    let matches = help::localized(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let _log = cli
        .data_dir
        .clone()
        .or_else(|| store::default_data_dir().ok())
        .and_then(|dir| steward_core::log::to_file(&dir, "steward-cli"));
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing is wrong.
        Err(CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(CliError::Output(e)) => {
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!("steward: cannot write the output: {e}\n"),
            );
            ExitCode::from(1)
        }
        Err(CliError::Core(e)) => {
            tracing::warn!(code = ?e.code(), "command failed");
            let _ =
                std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("steward: {e}\n"));
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let today = cli.today.unwrap_or_else(steward_core::today);
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => store::default_data_dir()?,
    };
    match cli.command {
        Command::Info => {
            let conn = store::open_in(&data_dir)?;
            let (file, schema) = (data_dir.join(store::DB_FILE), store::SCHEMA_VERSION);
            let file = file.display();
            tell!("portfolio: {file}", "Portfolio: {file}");
            tell!("schema:    {schema}", "Schema:    {schema}");
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
                out!("{table:<17} {n}");
            }
        }
        Command::Demo {
            accounts,
            seed,
            years,
        } => {
            let mut conn = store::open_in(&data_dir)?;
            let started = std::time::Instant::now();
            let (book, _) = write::run(&mut conn, today, |w| {
                demo::generate(
                    w,
                    &DemoSpec {
                        seed,
                        accounts,
                        years,
                    },
                    &mut print_progress,
                    &CancelToken::default(),
                )
            })?;
            let summary = book.summary;
            end_progress();
            let seconds = steward_core::lang::decimal(started.elapsed().as_secs_f64(), 1);
            tell!(
                "Demo book: {} accounts ({} churned), {} contacts, {} usage days, {} activities, {} invoices, {} tickets, {} survey responses in {seconds} s",
                "Demo-Portfolio: {} Kunden ({} abgewandert), {} Kontakte, {} Nutzungstage, {} Aktivitäten, {} Rechnungen, {} Tickets, {} Umfrageantworten in {seconds} s",
                summary.accounts, summary.churned, summary.contacts, summary.usage_days, summary.activities,
                summary.invoices, summary.tickets, summary.surveys
            );
        }
        Command::Import {
            entity,
            file,
            mappings,
            preview,
            decimal,
            dates,
            keep,
            keep_rest,
        } => {
            let entity = Entity::parse(&entity).ok_or_else(|| {
                Error::invalid(format!(
                    "'{entity}' is not something Steward imports; use one of {}",
                    Entity::ALL
                        .iter()
                        .map(|e| e.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let mut conn = store::open_in(&data_dir)?;
            let mut info = import::inspect(&file)?;
            match decimal.as_deref() {
                None => {}
                Some("point") => info.options.decimal_comma = false,
                Some("comma") => info.options.decimal_comma = true,
                Some(other) => {
                    return Err(Error::invalid(format!(
                        "--decimal takes point or comma, not '{other}'"
                    ))
                    .into())
                }
            }
            if decimal.is_some() {
                info.options.other_decimal_columns.clear();
            }
            match dates.as_deref() {
                None => {}
                Some("mdy") => info.options.slash_dates = Some(DateOrder::MonthFirst),
                Some("dmy") => info.options.slash_dates = Some(DateOrder::DayFirst),
                Some(other) => {
                    return Err(
                        Error::invalid(format!("--dates takes mdy or dmy, not '{other}'")).into(),
                    )
                }
            }
            let mut mapping = import::suggest_mapping(entity, &info.headers);
            for m in &mappings {
                let (field, column) = m.split_once('=').ok_or_else(|| {
                    Error::invalid(format!("--map takes FIELD=COLUMN, not '{m}'"))
                })?;
                let slot = mapping
                    .iter_mut()
                    .find(|s| s.field == field)
                    .ok_or_else(|| {
                        Error::invalid(format!("{} has no field '{field}'", entity.label()))
                    })?;
                slot.column = (!column.is_empty()).then(|| column.to_string());
            }
            let mapped: Vec<&str> = mapping.iter().filter_map(|m| m.column.as_deref()).collect();
            let mut kept: Vec<import::KeptColumn> = Vec::new();
            for (k, header) in info.headers.iter().enumerate() {
                let wanted = keep.iter().any(|c| c == header)
                    || (keep_rest
                        && !header.trim().is_empty()
                        && !mapped.contains(&header.as_str()));
                if wanted {
                    kept.push(import::KeptColumn {
                        column: header.clone(),
                        kind: info.column_kinds[k],
                    });
                }
            }
            if let Some(missing) = keep.iter().find(|c| !info.headers.contains(c)) {
                return Err(
                    Error::invalid(format!("The file has no column '{missing}' to keep.")).into(),
                );
            }
            let request = ImportRequest {
                path: file.display().to_string(),
                entity,
                options: info.options,
                mapping,
                keep: kept,
            };
            let report = if preview {
                write::dry_run(&mut conn, today, |w| import::preview(w, &request, 20))?
            } else {
                write::run(&mut conn, today, |w| {
                    import::run(w, &request, &mut print_progress, &CancelToken::default())
                })?
                .0
            };
            end_progress();
            let preview = if report.dry_run {
                say!(
                    "Preview (nothing saved): ",
                    "Vorschau (nichts gespeichert): "
                )
            } else {
                String::new()
            };
            tell!(
                "{preview}{} rows read: {} imported, {} already up to date, {} rejected",
                "{preview}{} Zeilen gelesen: {} importiert, {} schon aktuell, {} abgelehnt",
                report.rows_read,
                report.written,
                report.unchanged,
                report.failed
            );
            for e in &report.errors {
                tell!("  line {}: {}", "  Zeile {}: {}", e.line, e.reason);
            }
            let more = (report.failed as usize).saturating_sub(report.errors.len());
            if more > 0 {
                tell!("  ... and {more} more", "  ... und {more} weitere");
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
            let args = lists::PortfolioArgs {
                sort,
                desc,
                search,
                limit,
                json,
            };
            lists::portfolio(&conn, args, today)?;
        }
        Command::Search { text } => lists::search(&store::open_in(&data_dir)?, &text)?,
        Command::Tasks => lists::tasks(&store::open_in(&data_dir)?, today)?,
        Command::Today { limit } => lists::today(&store::open_in(&data_dir)?, today, limit)?,
        Command::Assess => {
            let mut conn = store::open_in(&data_dir)?;
            let started = std::time::Instant::now();
            let (summary, _) = write::run(&mut conn, today, assess::book)?;
            tell!(
                "{} accounts assessed in {:.0} ms; alerts: {} raised, {} updated, {} cleared; {} playbook tasks",
                "{} Kunden in {:.0} ms bewertet; Warnungen: {} neu, {} aktualisiert, {} aufgehoben; {} Playbook-Aufgaben",
                summary.accounts,
                started.elapsed().as_secs_f64() * 1000.0,
                summary.alerts.raised,
                summary.alerts.updated,
                summary.alerts.cleared,
                summary.alerts.tasks_created
            );
        }
        Command::Churn { retrain } => churn_report::run(&data_dir, today, retrain)?,
        Command::Calendar { out, account } => {
            let conn = store::open_in(&data_dir)?;
            let events = steward_core::calendar::events(&conn, account, today)?;
            let ics = steward_core::calendar::render(&events, "Steward");
            std::fs::write(&out, ics)
                .map_err(|e| Error::io(format!("Cannot write {}", out.display()), e))?;
            let (n, file) = (events.len(), out.display());
            tell!(
                "{n} events written to {file}",
                "{n} Termine in {file} geschrieben"
            );
        }
        Command::Qbr(args) => decks::run(&data_dir, today, args)?,
        Command::Connect(args) => vendors::connect(&data_dir, args)?,
        Command::Disconnect { vendor } => vendors::disconnect(&data_dir, &vendor)?,
        Command::Sync(args) => vendors::sync(&data_dir, today, args)?,
        Command::Export { out } => data::export(&data_dir, &out)?,
        Command::Backup(args) => data::backup(&data_dir, args)?,
        Command::Restore { file } => data::restore(&data_dir, &file)?,
        Command::Outbox(args) => vendors::outbox(&data_dir, today, args)?,
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
            out!("{report}");
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

/// Progress on one terminal line; a closed stderr is no reason to stop.
fn print_progress(p: Progress) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = match p.total {
        Some(total) if total > 0 => write!(
            err,
            "\r{}: {:.0}%   ",
            p.phase,
            p.done as f64 * 100.0 / total as f64
        ),
        _ => write!(err, "\r{}...   ", p.phase),
    };
}

fn end_progress() {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr());
}
