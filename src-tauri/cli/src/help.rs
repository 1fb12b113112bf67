//! `steward --help` in the language the environment names: the commands'
//! descriptions and the headings. The English ones are the doc comments on
//! `Cli`; the German ones are here, by command name. The options of a
//! single command keep their English help.

use clap::Command;
use steward_core::Lang;

const GERMAN: &[(&str, &str)] = &[
    ("info", "Wo das Portfolio liegt und was es enthält."),
    ("demo", "Füllt ein leeres Portfolio mit dem Demo-Portfolio."),
    ("import", "Importiert eine CSV- oder NDJSON-Datei; fehlerhafte Zeilen werden mit ihrer Zeilennummer genannt."),
    ("portfolio", "Listet das Portfolio."),
    ("search", "Sucht in Kunden, Kontakten und Aktivitäten."),
    ("tasks", "Offene Aufgaben: überfällig, heute, demnächst."),
    ("today", "Was heute ansteht: Risiken, Verlängerungen, Kontakte, Ausbau."),
    ("assess", "Bewertet Health, Churn-Risiko und Warnungen des ganzen Portfolios jetzt neu."),
    ("churn", "Die Güte des Churn-Modells (AUC auf zurückgehaltenen Kunden, Kalibrierung); mit --retrain vorher neu trainiert."),
    ("calendar", "Schreibt den Kalender (Verlängerungen, Meilensteine, fällige Aufgaben) als .ics-Datei."),
    ("qbr", "Schreibt das QBR-Deck eines Kunden (.pptx mit echten Diagrammen) und sein Briefing, oder ein Deck je QBR in einem Zeitraum (--due-within)."),
    ("connect", "Verbindet einen Anbieter (hubspot, salesforce, stripe, zendesk, posthog): Adresse, Einstellungen und Schlüssel (von stdin) im Schlüsselbund des Systems."),
    ("disconnect", "Trennt einen Anbieter und entfernt seinen Schlüssel (die Daten bleiben)."),
    ("sync", "Gleicht mit einem oder allen verbundenen Anbietern ab. `steward sync status` zeigt die letzten Läufe, `steward sync review` was auf eine Entscheidung wartet, `steward sync link ANBIETER ID KUNDE|new` entscheidet."),
    ("outbox", "Was Steward dem CRM des Teams schuldet: Check-ins in der Warteschlange, gesendet oder abgewiesen. `steward outbox send` sendet, `steward outbox retry ID` stellt einen abgewiesenen wieder an."),
    ("export", "Schreibt das ganze Portfolio als die CSV-Dateien, die der Import liest (eine je Art), sodass ihr Import dasselbe Portfolio ergibt."),
    ("backup", "Sichert das Portfolio jetzt (in backups/ des Datenordners), listet die Sicherungen (--list) oder entfernt alle bis auf die drei neuesten Update-Kopien (--prune)."),
    ("restore", "Stellt das Portfolio aus einer Sicherung wieder her: die Datei wird zuerst geprüft, das jetzige Portfolio beiseitegelegt."),
    ("bench", "Führt die Benchmarks auf einem erzeugten Portfolio aus und gibt einen Markdown-Bericht aus."),
];

/// `cmd` with German descriptions and headings when the environment asks
/// for German; unchanged otherwise.
pub(crate) fn localized(cmd: Command) -> Command {
    if Lang::current() != Lang::De {
        return cmd;
    }
    let mut cmd = cmd
        .about("Steward, die Werkbank für Customer Success Manager, auf der Kommandozeile")
        .long_about(None::<&str>)
        .mut_arg("data_dir", |a| {
            a.help("Portfolio-Ordner (sonst STEWARD_DATA_DIR oder der Datenordner des Systems).")
        })
        .mut_arg("today", |a| {
            a.help("So tun, als wäre heute dieser Tag (JJJJ-MM-TT), für wiederholbare Ausgaben.")
        });
    for (name, about) in GERMAN {
        cmd = cmd.mut_subcommand(*name, |s| s.about(*about).long_about(None::<&str>));
    }
    // clap adds its help flag, version flag and help command when it builds
    // the command: build first, then word them.
    cmd.build();
    let mut cmd = german_headings(cmd)
        .mut_arg("version", |a| a.help("Version zeigen"))
        .mut_subcommand("help", |s| {
            s.about("Diese Hilfe oder die Hilfe eines Befehls zeigen")
        });
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, german_headings);
    }
    cmd
}

/// The headings of a command's help, and its help flag, in German.
fn german_headings(cmd: Command) -> Command {
    let cmd = cmd.help_template("{about-with-newline}\nAufruf: {usage}\n\n{all-args}{after-help}");
    let cmd = if cmd.get_arguments().any(|a| a.get_id() == "help") {
        cmd.mut_arg("help", |a| a.help("Hilfe zeigen"))
    } else {
        cmd
    };
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .filter(|a| a.get_help_heading().is_none())
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    let cmd = ids.into_iter().fold(cmd, |c, (id, positional)| {
        c.mut_arg(id, |a| {
            a.help_heading(if positional { "Argumente" } else { "Optionen" })
        })
    });
    cmd.subcommand_help_heading("Befehle")
}
