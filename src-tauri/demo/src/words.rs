//! The words the demo book is made of: company names, industries, people,
//! ticket subjects, check-in notes, goals. Plain data. What a CSM reads
//! comes in English and German, lists of the same length, so a seed picks
//! the same items in either language; names stay as they are.

use steward_core::Lang;

/// The list in the language the book is generated in.
fn said<T: ?Sized>(en: &'static T, de: &'static T) -> &'static T {
    match Lang::current() {
        Lang::En => en,
        Lang::De => de,
    }
}

pub const PREFIXES: &[&str] = &[
    "Northwind",
    "Bluefin",
    "Cobalt",
    "Evergreen",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchard",
    "Pioneer",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidal",
    "Upland",
    "Vertex",
    "Willow",
    "Zephyr",
    "Alder",
    "Beacon",
    "Cedar",
    "Delta",
    "Ember",
    "Falcon",
    "Glacier",
    "Horizon",
    "Indigo",
    "Kestrel",
    "Lattice",
    "Mosaic",
    "Nova",
    "Onyx",
    "Prairie",
    "Quantum",
    "Riverbend",
    "Sierra",
    "Tango",
    "Umbra",
    "Vantage",
    "Wavecrest",
    "Yarrow",
    "Atlas",
    "Brightline",
    "Crescent",
    "Driftwood",
    "Elm",
    "Foxglove",
    "Greystone",
    "Helix",
];
pub const SUFFIXES: &[&str] = &[
    "Logistics",
    "Analytics",
    "Health",
    "Foods",
    "Energy",
    "Robotics",
    "Capital",
    "Media",
    "Software",
    "Labs",
    "Freight",
    "Retail",
    "Bank",
    "Insurance",
    "Pharma",
    "Studios",
    "Systems",
    "Networks",
    "Partners",
    "Group",
    "Works",
    "Dynamics",
    "Outfitters",
    "Mobility",
    "Learning",
];
const INDUSTRIES_EN: &[&str] = &[
    "Software",
    "Financial services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Logistics",
    "Media",
    "Education",
    "Energy",
    "Professional services",
];
pub const FIRST: &[&str] = &[
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zoe", "Amir", "Bianca", "Carlos", "Dana", "Emil", "Fatima",
];
pub const LAST: &[&str] = &[
    "Novak",
    "Schmidt",
    "Okafor",
    "Tanaka",
    "Garcia",
    "Larsen",
    "Rossi",
    "Kowalski",
    "Silva",
    "Nguyen",
    "Meyer",
    "Haddad",
    "Andersson",
    "Dubois",
    "Patel",
    "Kim",
    "Murphy",
    "Fischer",
    "Costa",
    "Ivanova",
    "Brennan",
    "Yilmaz",
    "Moreau",
    "Sato",
];
pub const OWNERS: &[&str] = &["Alex Rivera"];
const TICKET_SUBJECTS_EN: &[&str] = &[
    "SSO login fails for some users",
    "Export to CSV times out",
    "Question about seat billing",
    "Dashboard loads slowly",
    "API rate limit errors",
    "Webhook deliveries delayed",
    "Need help configuring roles",
    "Data sync missing records",
    "Report totals look wrong",
    "Request: bulk user import",
    "Mobile app crashes on start",
    "Invoice address change",
];
const POSITIVE_NOTES_EN: &[&str] = &[
    "Walked through the new reporting module; team is excited to roll it out to finance.",
    "Champion shared that adoption is up across two more departments.",
    "Reviewed goals for next quarter; they want to expand to the EU team.",
    "Great call, exec sponsor praised the support team's response times.",
    "Integration with their data warehouse is live and used daily.",
];
const NEUTRAL_NOTES_EN: &[&str] = &[
    "Routine check-in; no blockers raised, asked about roadmap for permissions.",
    "Sent the usage summary and training links for new hires.",
    "Discussed renewal timeline and procurement steps.",
    "Follow-up on open ticket about export performance.",
    "Quarterly review scheduled; gathered agenda items from the champion.",
];
const NEGATIVE_NOTES_EN: &[&str] = &[
    "Usage dropped after their reorg; new lead is unsure about the tool's value.",
    "Frustrated by repeated sync issues; asked for an escalation path.",
    "Budget review underway; they are evaluating a cheaper competitor.",
    "Champion left the company; no clear owner on their side now.",
    "Exec sponsor skipped the QBR; team says onboarding of new hires stalled.",
];
const NEXT_STEPS_EN: &[&str] = &[
    "Send recap and training links",
    "Schedule admin training",
    "Share roadmap deck",
    "Loop in support engineering on open ticket",
    "Prepare renewal proposal",
    "Book QBR with exec sponsor",
    "Introduce new champion to product team",
];

const SENTIMENT_NOTES_EN: [&str; 5] = [
    "Sponsor hinted they are evaluating alternatives",
    "Frustrated with open issues, renewal not certain",
    "Steady, nothing exciting",
    "Good momentum with the core team",
    "Champion is a vocal fan",
];

const EXPECTATIONS_EN: &[&str] = &[
    "Live for the operations team within 30 days",
    "Replace the spreadsheet process before quarter end",
    "All regional teams onboarded by the renewal",
];

const GOALS_EN: &[(&str, &str, &str, &str)] = &[
    (
        "Every support agent works in the product daily",
        "daily active users",
        "Support team trained",
        "Second region live",
    ),
    (
        "Cut reporting time for finance",
        "reports built in the product",
        "Finance dashboards built",
        "Board pack generated from the product",
    ),
    (
        "Roll out to all sales teams",
        "active sales reps",
        "EMEA sales live",
        "Americas sales live",
    ),
];

const INDUSTRIES_DE: &[&str] = &[
    "Software",
    "Finanzdienstleistungen",
    "Gesundheitswesen",
    "Handel",
    "Fertigung",
    "Logistik",
    "Medien",
    "Bildung",
    "Energie",
    "Beratung und Dienstleistungen",
];
const TICKET_SUBJECTS_DE: &[&str] = &[
    "SSO-Anmeldung schlägt für einige Nutzer fehl",
    "CSV-Export bricht mit Zeitüberschreitung ab",
    "Frage zur Abrechnung der Lizenzen",
    "Dashboard lädt langsam",
    "Fehler wegen API-Ratenlimit",
    "Webhook-Zustellungen verzögert",
    "Hilfe bei der Einrichtung von Rollen",
    "Datensync: Datensätze fehlen",
    "Summen im Bericht scheinen falsch",
    "Wunsch: Nutzer gesammelt importieren",
    "Mobile App stürzt beim Start ab",
    "Änderung der Rechnungsadresse",
];
const POSITIVE_NOTES_DE: &[&str] = &[
    "Das neue Berichtsmodul gezeigt; das Team will es gleich in der Buchhaltung einführen.",
    "Der Champion berichtet, dass zwei weitere Abteilungen das Produkt nutzen.",
    "Ziele fürs nächste Quartal besprochen; sie wollen auf das EU-Team ausweiten.",
    "Sehr gutes Gespräch, der Executive Sponsor lobte die Reaktionszeiten des Supports.",
    "Die Anbindung an ihr Data Warehouse läuft und wird täglich genutzt.",
];
const NEUTRAL_NOTES_DE: &[&str] = &[
    "Routine-Check-in; keine Hindernisse, Frage zur Roadmap für Berechtigungen.",
    "Nutzungsübersicht und Schulungslinks für neue Mitarbeitende geschickt.",
    "Zeitplan der Verlängerung und Schritte im Einkauf besprochen.",
    "Nachgefasst zum offenen Ticket über die Export-Geschwindigkeit.",
    "Quartalsreview geplant; Agendapunkte beim Champion gesammelt.",
];
const NEGATIVE_NOTES_DE: &[&str] = &[
    "Nutzung nach der Umstrukturierung gesunken; die neue Leitung zweifelt am Nutzen.",
    "Verärgert über wiederholte Sync-Probleme; bittet um einen Eskalationsweg.",
    "Budgetprüfung läuft; sie prüfen einen günstigeren Wettbewerber.",
    "Der Champion hat das Unternehmen verlassen; auf ihrer Seite ist niemand zuständig.",
    "Der Executive Sponsor hat den QBR ausgelassen; das Onboarding neuer Leute stockt.",
];
const NEXT_STEPS_DE: &[&str] = &[
    "Zusammenfassung und Schulungslinks schicken",
    "Admin-Schulung planen",
    "Roadmap-Präsentation teilen",
    "Support-Engineering zum offenen Ticket hinzuziehen",
    "Verlängerungsangebot vorbereiten",
    "QBR mit dem Executive Sponsor ansetzen",
    "Neuen Champion dem Produktteam vorstellen",
];
const SENTIMENT_NOTES_DE: [&str; 5] = [
    "Der Sponsor deutete an, dass sie Alternativen prüfen",
    "Verärgert über offene Punkte, Verlängerung unsicher",
    "Stabil, nichts Aufregendes",
    "Gute Dynamik mit dem Kernteam",
    "Der Champion ist ein lautstarker Fan",
];
const EXPECTATIONS_DE: &[&str] = &[
    "Innerhalb von 30 Tagen live für das Operations-Team",
    "Den Tabellenprozess vor Quartalsende ablösen",
    "Alle regionalen Teams bis zur Verlängerung eingeführt",
];
const GOALS_DE: &[(&str, &str, &str, &str)] = &[
    (
        "Jeder Support-Mitarbeitende arbeitet täglich im Produkt",
        "täglich aktive Nutzer",
        "Support-Team geschult",
        "Zweite Region live",
    ),
    (
        "Berichtszeit in der Buchhaltung verkürzen",
        "im Produkt erstellte Berichte",
        "Finanz-Dashboards gebaut",
        "Vorstandsbericht aus dem Produkt erzeugt",
    ),
    (
        "Einführung in allen Vertriebsteams",
        "aktive Vertriebsmitarbeitende",
        "Vertrieb EMEA live",
        "Vertrieb Amerika live",
    ),
];

pub fn industries() -> &'static [&'static str] {
    said(INDUSTRIES_EN, INDUSTRIES_DE)
}
pub fn ticket_subjects() -> &'static [&'static str] {
    said(TICKET_SUBJECTS_EN, TICKET_SUBJECTS_DE)
}
pub fn positive_notes() -> &'static [&'static str] {
    said(POSITIVE_NOTES_EN, POSITIVE_NOTES_DE)
}
pub fn neutral_notes() -> &'static [&'static str] {
    said(NEUTRAL_NOTES_EN, NEUTRAL_NOTES_DE)
}
pub fn negative_notes() -> &'static [&'static str] {
    said(NEGATIVE_NOTES_EN, NEGATIVE_NOTES_DE)
}
pub fn next_steps() -> &'static [&'static str] {
    said(NEXT_STEPS_EN, NEXT_STEPS_DE)
}
pub fn sentiment_notes() -> &'static [&'static str; 5] {
    said(&SENTIMENT_NOTES_EN, &SENTIMENT_NOTES_DE)
}
pub fn expectations() -> &'static [&'static str] {
    said(EXPECTATIONS_EN, EXPECTATIONS_DE)
}
/// (objective, metric, a past milestone, an upcoming milestone)
pub fn goals() -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
    said(GOALS_EN, GOALS_DE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_lists_so_a_seed_picks_the_same_items() {
        for (en, de) in [
            (INDUSTRIES_EN, INDUSTRIES_DE),
            (TICKET_SUBJECTS_EN, TICKET_SUBJECTS_DE),
            (POSITIVE_NOTES_EN, POSITIVE_NOTES_DE),
            (NEUTRAL_NOTES_EN, NEUTRAL_NOTES_DE),
            (NEGATIVE_NOTES_EN, NEGATIVE_NOTES_DE),
            (NEXT_STEPS_EN, NEXT_STEPS_DE),
            (EXPECTATIONS_EN, EXPECTATIONS_DE),
        ] {
            assert_eq!(en.len(), de.len(), "{en:?}");
        }
        assert_eq!(GOALS_EN.len(), GOALS_DE.len());
        assert_eq!(
            Lang::De.scoped(|| next_steps()[4]),
            "Verlängerungsangebot vorbereiten"
        );
        assert_eq!(
            Lang::En.scoped(|| next_steps()[4]),
            "Prepare renewal proposal"
        );
    }
}
