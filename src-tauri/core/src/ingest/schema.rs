//! The entities data comes in as (accounts, contacts, usage, ...), their
//! fields, and each field's rules: its kind, whether it is required, and the
//! range a value must fall in. docs/importing.md states the same table for
//! people; `ranges_are_documented` keeps the two in step.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::say;

use crate::model::{
    AccountStatus, ActivityKind, ContactRole, InvoiceStatus, LifecycleStage, Sentiment,
    SubscriptionStatus, SurveyKind, TicketPriority, TicketStatus, Tier,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Accounts,
    Contacts,
    Usage,
    Subscriptions,
    Invoices,
    Tickets,
    Surveys,
    Activities,
}

impl Entity {
    pub const ALL: &'static [Entity] = &[
        Entity::Accounts,
        Entity::Contacts,
        Entity::Usage,
        Entity::Subscriptions,
        Entity::Invoices,
        Entity::Tickets,
        Entity::Surveys,
        Entity::Activities,
    ];

    pub fn parse(text: &str) -> Option<Entity> {
        Entity::ALL
            .iter()
            .copied()
            .find(|e| e.label().eq_ignore_ascii_case(text.trim()))
    }

    /// How people (and the CLI) name it.
    pub fn label(self) -> &'static str {
        match self {
            Entity::Accounts => "accounts",
            Entity::Contacts => "contacts",
            Entity::Usage => "usage",
            Entity::Subscriptions => "subscriptions",
            Entity::Invoices => "invoices",
            Entity::Tickets => "tickets",
            Entity::Surveys => "surveys",
            Entity::Activities => "activities",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            Entity::Usage => "usage_daily",
            Entity::Surveys => "survey_responses",
            other => other.label(),
        }
    }

    /// The entity's fields, in the order files usually have them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Entity::Accounts => ACCOUNTS,
            Entity::Contacts => CONTACTS,
            Entity::Usage => USAGE,
            Entity::Subscriptions => SUBSCRIPTIONS,
            Entity::Invoices => INVOICES,
            Entity::Tickets => TICKETS,
            Entity::Surveys => SURVEYS,
            Entity::Activities => ACTIVITIES,
        }
    }

    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.key == key)
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Text kept as written (trimmed).
    Text,
    /// A whole number within the field's range.
    Integer,
    /// An amount in major units within the field's range, stored as the
    /// currency's minor units.
    Money,
    /// An ISO 4217 code.
    Currency,
    Date,
    /// A moment, stored as UTC.
    Timestamp,
    Bool,
    /// One of a closed set, stored in its canonical spelling.
    Choice(fn(&str) -> Option<&'static str>, fn() -> String),
    /// The row's record id in its source (case-sensitive).
    Id,
    /// The account a row belongs to: its id (case-sensitive), domain or name.
    AccountRef,
    /// A contact of the row's account, by email.
    ContactRef,
    /// A contract term in months: a number, or words such as
    /// "month-to-month", "one year", "two years".
    Term,
}

#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    /// The English name, which English headers also match.
    pub label: &'static str,
    /// The German name, which German headers also match.
    pub label_de: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Database column; None for the id and the account reference.
    pub column: Option<&'static str>,
    /// Inclusive bounds for integers, and for money in major units.
    pub range: Option<(i64, i64)>,
}

impl Field {
    const fn new(
        key: &'static str,
        label: &'static str,
        label_de: &'static str,
        kind: Kind,
    ) -> Field {
        let column = match kind {
            Kind::Id | Kind::AccountRef => None,
            _ => Some(key),
        };
        Field {
            key,
            label,
            label_de,
            kind,
            required: false,
            column,
            range: None,
        }
    }

    /// The field's name in the language the person reads.
    pub fn says(&self) -> &'static str {
        match crate::Lang::current() {
            crate::Lang::En => self.label,
            crate::Lang::De => self.label_de,
        }
    }

    const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    const fn column(mut self, column: &'static str) -> Field {
        self.column = Some(column);
        self
    }

    const fn range(mut self, low: i64, high: i64) -> Field {
        self.range = Some((low, high));
        self
    }

    /// Checks a whole number (or a money amount in minor units with
    /// `minor_per_major`) against the field's range; the error follows the label.
    pub fn check_range(&self, n: i128, minor_per_major: i64) -> Result<(), String> {
        let Some((low, high)) = self.range else {
            return Ok(());
        };
        let scale = i128::from(minor_per_major.max(1));
        if n < i128::from(low) * scale || n > i128::from(high) * scale {
            let (low, high) = (group(low), group(high));
            return Err(say!(
                "must be between {low} and {high}",
                "muss zwischen {low} und {high} liegen"
            ));
        }
        Ok(())
    }
}

/// 1000000 as "1,000,000", for messages.
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

macro_rules! choice {
    ($t:ty) => {
        Kind::Choice(|s| <$t>::parse(s).map(|v| v.as_str()), <$t>::choices)
    };
}

use Kind::*;

const ACCOUNT: Field = Field::new(
    "account",
    "Account (id, domain or name)",
    "Kunde (ID, Domain oder Name)",
    AccountRef,
)
.required();
const MILLION: i64 = 1_000_000;
const BILLION: i64 = 1_000_000_000;

static ACCOUNTS: &[Field] = &[
    Field::new("id", "Account id", "Kunden-ID", Id).required(),
    Field::new("name", "Name", "Name", Text).required(),
    Field::new("domain", "Domain", "Domain", Text),
    Field::new("industry", "Industry", "Branche", Text),
    Field::new("employees", "Employees", "Mitarbeiter", Integer).range(0, 10 * MILLION),
    // The CRM's figure; what the account pays follows its subscriptions
    // when it has them (`rollup::refresh`).
    Field::new("arr", "ARR", "ARR", Money)
        .column("crm_arr_minor")
        .range(0, 1000 * BILLION),
    Field::new("currency", "Currency", "Währung", Currency),
    Field::new("tier", "Tier", "Tier", choice!(Tier)),
    Field::new(
        "lifecycle_stage",
        "Lifecycle stage",
        "Lebenszyklusphase",
        choice!(LifecycleStage),
    ),
    Field::new("owner", "Owner", "Verantwortlich", Text),
    Field::new("contract_start", "Contract start", "Vertragsbeginn", Date),
    Field::new("renewal_date", "Renewal date", "Verlängerungsdatum", Date),
    Field::new("status", "Status", "Status", choice!(AccountStatus)),
    Field::new("churn_date", "Churn date", "Abwanderungsdatum", Date),
    Field::new("churn_reason", "Churn reason", "Abwanderungsgrund", Text),
    Field::new("contract_term", "Contract term", "Vertragslaufzeit", Term)
        .column("contract_term_months")
        .range(1, 120),
    Field::new("payment_method", "Payment method", "Zahlungsart", Text),
];

static CONTACTS: &[Field] = &[
    Field::new("id", "Contact id", "Kontakt-ID", Id),
    ACCOUNT,
    Field::new("name", "Name", "Name", Text).required(),
    Field::new("email", "Email", "E-Mail", Text),
    Field::new("title", "Job title", "Position", Text),
    Field::new("role", "Role", "Rolle", choice!(ContactRole)),
    Field::new("is_primary", "Primary", "Hauptkontakt", Bool),
    Field::new(
        "left_company",
        "Left the company",
        "Hat das Unternehmen verlassen",
        Bool,
    ),
    Field::new("started_on", "Started on", "Begonnen am", Date),
    Field::new("left_on", "Left on", "Ausgeschieden am", Date),
];

static USAGE: &[Field] = &[
    ACCOUNT,
    Field::new("day", "Day", "Tag", Date).required(),
    Field::new("active_users", "Active users", "Aktive Nutzer", Integer).range(0, 10 * MILLION),
    Field::new("logins", "Logins", "Anmeldungen", Integer).range(0, BILLION),
    Field::new(
        "feature_events",
        "Feature events",
        "Funktionsereignisse",
        Integer,
    )
    .range(0, BILLION),
    Field::new("api_calls", "API calls", "API-Aufrufe", Integer).range(0, 10 * BILLION),
    Field::new(
        "licensed_seats",
        "Licensed seats",
        "Lizenzierte Plätze",
        Integer,
    )
    .range(0, 10 * MILLION),
];

static SUBSCRIPTIONS: &[Field] = &[
    Field::new("id", "Subscription id", "Abonnement-ID", Id),
    ACCOUNT,
    Field::new("plan", "Plan", "Tarif", Text).required(),
    Field::new("status", "Status", "Status", choice!(SubscriptionStatus)),
    Field::new("start_date", "Start date", "Startdatum", Date).required(),
    Field::new("end_date", "End date", "Enddatum", Date),
    Field::new("mrr", "MRR", "MRR", Money)
        .column("mrr_minor")
        .range(0, 100 * BILLION),
    Field::new("currency", "Currency", "Währung", Currency),
    Field::new("seats", "Seats", "Lizenzen", Integer).range(0, 10 * MILLION),
];

static INVOICES: &[Field] = &[
    Field::new("id", "Invoice id", "Rechnungs-ID", Id),
    ACCOUNT,
    Field::new("number", "Invoice number", "Rechnungsnummer", Text),
    Field::new("amount", "Amount", "Betrag", Money)
        .column("amount_minor")
        .required()
        .range(0, 1000 * BILLION),
    Field::new("currency", "Currency", "Währung", Currency),
    Field::new("status", "Status", "Status", choice!(InvoiceStatus)).required(),
    Field::new("issued_on", "Issued on", "Ausgestellt am", Date).required(),
    Field::new("due_on", "Due on", "Fällig am", Date),
    Field::new("paid_on", "Paid on", "Bezahlt am", Date),
    Field::new("failed_on", "Failed on", "Fehlgeschlagen am", Date),
];

static TICKETS: &[Field] = &[
    Field::new("id", "Ticket id", "Ticket-ID", Id),
    ACCOUNT,
    Field::new("subject", "Subject", "Betreff", Text).required(),
    Field::new("priority", "Priority", "Priorität", choice!(TicketPriority)),
    Field::new("status", "Status", "Status", choice!(TicketStatus)),
    Field::new("opened_at", "Opened at", "Eröffnet am", Timestamp).required(),
    Field::new("resolved_at", "Resolved at", "Gelöst am", Timestamp),
    Field::new("csat", "CSAT (1-5)", "CSAT (1–5)", Integer).range(1, 5),
];

static SURVEYS: &[Field] = &[
    Field::new("id", "Response id", "Antwort-ID", Id),
    ACCOUNT,
    Field::new(
        "contact_email",
        "Contact email",
        "E-Mail des Kontakts",
        ContactRef,
    )
    .column("contact_id"),
    Field::new(
        "kind",
        "Survey (nps or csat)",
        "Umfrage (nps oder csat)",
        choice!(SurveyKind),
    )
    .required(),
    Field::new(
        "score",
        "Score (NPS 0-10, CSAT 1-5)",
        "Wert (NPS 0–10, CSAT 1–5)",
        Integer,
    )
    .required()
    .range(0, 10),
    Field::new("comment", "Comment", "Kommentar", Text),
    Field::new("responded_on", "Responded on", "Beantwortet am", Date).required(),
];

static ACTIVITIES: &[Field] = &[
    Field::new("id", "Activity id", "Aktivitäts-ID", Id),
    ACCOUNT,
    Field::new(
        "kind",
        "Type (call, meeting, email, note, qbr)",
        "Art (call, meeting, email, note, qbr)",
        choice!(ActivityKind),
    )
    .required(),
    Field::new("occurred_on", "Date", "Datum", Date).required(),
    Field::new("summary", "Summary", "Zusammenfassung", Text).required(),
    Field::new("sentiment", "Sentiment", "Stimmung", choice!(Sentiment)),
    Field::new("next_steps", "Next steps", "Nächste Schritte", Text),
];

/// The kind of one of the CSM's own fields (a kept column of a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomKind {
    Number,
    Category,
}

impl CustomKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomKind::Number => "number",
            CustomKind::Category => "category",
        }
    }
}

/// The key a kept column is stored under: its header in lower case, words
/// joined by underscores ("Add-on Count" is `add_on_count`).
pub fn custom_key(header: &str) -> String {
    let mut key = String::new();
    for word in header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push('_');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// A contract term in months from a number of months or the words exports
/// use ("Month-to-month", "One year", "2 years", "annual").
pub fn parse_term(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let words = [
        ("month to month", 1),
        ("monthly", 1),
        ("m2m", 1),
        ("quarterly", 3),
        ("annual", 12),
        ("annually", 12),
        ("yearly", 12),
        ("one year", 12),
        ("two year", 24),
        ("two years", 24),
        ("three year", 36),
        ("three years", 36),
    ];
    if let Some((_, n)) = words.iter().find(|(w, _)| *w == t) {
        return Some(*n);
    }
    let (number, unit) = match t.split_once(' ') {
        Some((n, u)) => (n, u),
        None => (t.as_str(), "months"),
    };
    let n: i64 = number.parse().ok()?;
    match unit {
        "month" | "months" | "mo" => Some(n),
        "year" | "years" | "yr" | "yrs" => Some(n * 12),
        _ => None,
    }
}

/// Rules that tie two fields of one row together. `get` gives a field's value.
pub(crate) fn check_row(entity: Entity, get: impl Fn(&str) -> Option<Value>) -> Result<(), String> {
    let text = |key: &str| match get(key) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    };
    let before = |earlier: &str, later: &str, message: &str| -> Result<(), String> {
        match (text(earlier), text(later)) {
            (Some(a), Some(b)) if b < a => Err(message.to_string()),
            _ => Ok(()),
        }
    };
    match entity {
        Entity::Surveys => {
            if let (Some(kind), Some(Value::Integer(score))) = (text("kind"), get("score")) {
                if kind == "csat" && !(1..=5).contains(&score) {
                    return Err(format!("A CSAT score is 1 to 5, not {score}."));
                }
            }
            Ok(())
        }
        Entity::Subscriptions => before(
            "start_date",
            "end_date",
            "The end date is before the start date.",
        ),
        Entity::Tickets => before(
            "opened_at",
            "resolved_at",
            "The ticket is resolved before it was opened.",
        ),
        Entity::Invoices => before(
            "issued_on",
            "due_on",
            "The invoice is due before it was issued.",
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_documented() {
        let doc = include_str!("../../../../docs/importing.md");
        for entity in Entity::ALL {
            for field in entity.fields() {
                if let Some((low, high)) = field.range {
                    let row = format!("| {} | `{}` |", entity.label(), field.key);
                    let line = doc
                        .lines()
                        .find(|l| l.starts_with(&row))
                        .unwrap_or_else(|| panic!("docs/importing.md has no row {row}"));
                    let range = format!("{} to {}", group(low), group(high));
                    assert!(line.contains(&range), "{row} should say {range}: {line}");
                }
            }
        }
    }

    #[test]
    fn contract_terms_in_months_or_the_words_exports_use() {
        for (text, months) in [
            ("Month-to-month", Some(1)),
            ("One year", Some(12)),
            ("Two year", Some(24)),
            ("annual", Some(12)),
            ("24", Some(24)),
            ("3 years", Some(36)),
            ("6 months", Some(6)),
            ("forever", None),
            ("1.5", None),
        ] {
            assert_eq!(parse_term(text), months, "{text}");
        }
    }

    #[test]
    fn ranges_read_in_minor_units_for_money() {
        let arr = Entity::Accounts.field("arr").expect("arr");
        assert!(arr.check_range(-1, 100).is_err());
        assert!(arr.check_range(100_000_000_000_000, 100).is_ok());
        assert!(arr.check_range(100_000_000_000_001, 100).is_err());
        assert!(
            arr.check_range(1_000_000_000_000, 1).is_ok(),
            "a trillion yen"
        );
        assert_eq!(group(10_000_000), "10,000,000");
        let usage = Entity::Usage.field("active_users").expect("users");
        assert_eq!(
            usage.check_range(i128::from(i64::MAX), 1),
            Err("must be between 0 and 10,000,000".into())
        );
    }
}
