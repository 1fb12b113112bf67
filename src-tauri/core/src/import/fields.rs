//! What each importable entity's columns are, how headers are matched to
//! them, and how a cell's text becomes a typed value (dates, numbers with
//! either decimal convention, money in minor units, closed sets of values).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
            .find(|e| e.table_label().eq_ignore_ascii_case(text.trim()))
    }

    pub fn table_label(self) -> &'static str {
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

    pub(crate) fn table(self) -> &'static str {
        match self {
            Entity::Usage => "usage_daily",
            Entity::Surveys => "survey_responses",
            other => other.table_label(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Integer,
    /// A decimal amount in major units, stored as integer minor units.
    Money,
    Date,
    Timestamp,
    Bool,
    /// Validated against a closed set and stored in its canonical spelling.
    Choice(fn(&str) -> Option<&'static str>, fn() -> String),
    /// The account this row belongs to (external id, domain or name).
    AccountRef,
    /// A contact of the row's account, by email.
    ContactRef,
}

pub(crate) struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// Database column; None for fields handled specially (account, id).
    pub column: Option<&'static str>,
    pub aliases: &'static [&'static str],
}

/// A field as the UI shows it in the mapping step.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldInfo {
    pub key: String,
    pub label: String,
    pub required: bool,
}

macro_rules! choice {
    ($t:ty) => {
        Kind::Choice(|s| <$t>::parse(s).map(|v| v.as_str()), <$t>::choices)
    };
}

const fn f(
    key: &'static str,
    label: &'static str,
    required: bool,
    kind: Kind,
    column: Option<&'static str>,
    aliases: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        key,
        label,
        required,
        kind,
        column,
        aliases,
    }
}

const ACCOUNT_REF: FieldSpec = f(
    "account",
    "Account (id, domain or name)",
    true,
    Kind::AccountRef,
    None,
    &[
        "account id",
        "account_id",
        "company",
        "company id",
        "customer",
        "customer id",
        "account name",
        "organization",
    ],
);

pub(crate) fn specs(entity: Entity) -> Vec<FieldSpec> {
    use Kind::*;
    match entity {
        Entity::Accounts => vec![
            f(
                "id",
                "Account id",
                true,
                Text,
                None,
                &[
                    "account id",
                    "external id",
                    "company id",
                    "customer id",
                    "record id",
                ],
            ),
            f(
                "name",
                "Name",
                true,
                Text,
                Some("name"),
                &["account name", "company name", "company", "customer name"],
            ),
            f(
                "domain",
                "Domain",
                false,
                Text,
                Some("domain"),
                &["website", "company domain"],
            ),
            f(
                "industry",
                "Industry",
                false,
                Text,
                Some("industry"),
                &["sector", "branche"],
            ),
            f(
                "employees",
                "Employees",
                false,
                Integer,
                Some("employees"),
                &["employee count", "number of employees", "headcount"],
            ),
            f(
                "arr",
                "ARR",
                false,
                Money,
                Some("arr_minor"),
                &[
                    "annual recurring revenue",
                    "arr amount",
                    "contract value",
                    "acv",
                ],
            ),
            f(
                "currency",
                "Currency",
                false,
                Text,
                Some("currency"),
                &["currency code", "arr currency"],
            ),
            f(
                "tier",
                "Tier",
                false,
                choice!(Tier),
                Some("tier"),
                &["segment"],
            ),
            f(
                "lifecycle_stage",
                "Lifecycle stage",
                false,
                choice!(LifecycleStage),
                Some("lifecycle_stage"),
                &["stage", "lifecycle"],
            ),
            f(
                "owner",
                "Owner",
                false,
                Text,
                Some("owner"),
                &["csm", "account owner", "customer success manager"],
            ),
            f(
                "contract_start",
                "Contract start",
                false,
                Date,
                Some("contract_start"),
                &["start date", "customer since", "contract start date"],
            ),
            f(
                "renewal_date",
                "Renewal date",
                false,
                Date,
                Some("renewal_date"),
                &["renewal", "contract end", "renewal on"],
            ),
            f(
                "status",
                "Status",
                false,
                choice!(AccountStatus),
                Some("status"),
                &["account status"],
            ),
            f(
                "churn_date",
                "Churn date",
                false,
                Date,
                Some("churn_date"),
                &["churned on", "churned at"],
            ),
            f(
                "churn_reason",
                "Churn reason",
                false,
                Text,
                Some("churn_reason"),
                &["reason"],
            ),
        ],
        Entity::Contacts => vec![
            f(
                "id",
                "Contact id",
                false,
                Text,
                None,
                &["contact id", "external id", "record id"],
            ),
            ACCOUNT_REF,
            f(
                "name",
                "Name",
                true,
                Text,
                Some("name"),
                &["full name", "contact name", "contact"],
            ),
            f(
                "email",
                "Email",
                false,
                Text,
                Some("email"),
                &["e-mail", "email address", "mail"],
            ),
            f(
                "title",
                "Job title",
                false,
                Text,
                Some("title"),
                &["job title", "position"],
            ),
            f(
                "role",
                "Role",
                false,
                choice!(ContactRole),
                Some("role"),
                &["contact role", "persona"],
            ),
            f(
                "is_primary",
                "Primary",
                false,
                Bool,
                Some("is_primary"),
                &["primary contact", "primary"],
            ),
            f(
                "left_company",
                "Left the company",
                false,
                Bool,
                Some("left_company"),
                &["left", "departed", "inactive"],
            ),
        ],
        Entity::Usage => vec![
            ACCOUNT_REF,
            f(
                "day",
                "Day",
                true,
                Date,
                Some("day"),
                &["date", "usage date"],
            ),
            f(
                "active_users",
                "Active users",
                false,
                Integer,
                Some("active_users"),
                &["dau", "active", "users"],
            ),
            f(
                "logins",
                "Logins",
                false,
                Integer,
                Some("logins"),
                &["sessions", "login count"],
            ),
            f(
                "feature_events",
                "Feature events",
                false,
                Integer,
                Some("feature_events"),
                &["events", "feature usage"],
            ),
            f(
                "api_calls",
                "API calls",
                false,
                Integer,
                Some("api_calls"),
                &["api requests", "api"],
            ),
            f(
                "licensed_seats",
                "Licensed seats",
                false,
                Integer,
                Some("licensed_seats"),
                &["seats", "licenses", "licences"],
            ),
        ],
        Entity::Subscriptions => vec![
            f(
                "id",
                "Subscription id",
                false,
                Text,
                None,
                &["subscription id", "external id"],
            ),
            ACCOUNT_REF,
            f(
                "plan",
                "Plan",
                true,
                Text,
                Some("plan"),
                &["product", "plan name"],
            ),
            f(
                "status",
                "Status",
                false,
                choice!(SubscriptionStatus),
                Some("status"),
                &["subscription status"],
            ),
            f(
                "start_date",
                "Start date",
                true,
                Date,
                Some("start_date"),
                &["start", "started on", "current period start"],
            ),
            f(
                "end_date",
                "End date",
                false,
                Date,
                Some("end_date"),
                &["end", "ends on", "canceled at"],
            ),
            f(
                "mrr",
                "MRR",
                false,
                Money,
                Some("mrr_minor"),
                &["monthly recurring revenue", "mrr amount"],
            ),
            f(
                "currency",
                "Currency",
                false,
                Text,
                Some("currency"),
                &["currency code"],
            ),
            f(
                "seats",
                "Seats",
                false,
                Integer,
                Some("seats"),
                &["quantity", "licenses"],
            ),
        ],
        Entity::Invoices => vec![
            f(
                "id",
                "Invoice id",
                false,
                Text,
                None,
                &["invoice id", "external id"],
            ),
            ACCOUNT_REF,
            f(
                "number",
                "Invoice number",
                false,
                Text,
                Some("number"),
                &["invoice number", "invoice no", "rechnungsnummer"],
            ),
            f(
                "amount",
                "Amount",
                true,
                Money,
                Some("amount_minor"),
                &["total", "amount due", "betrag"],
            ),
            f(
                "currency",
                "Currency",
                false,
                Text,
                Some("currency"),
                &["currency code", "waehrung"],
            ),
            f(
                "status",
                "Status",
                true,
                choice!(InvoiceStatus),
                Some("status"),
                &["invoice status"],
            ),
            f(
                "issued_on",
                "Issued on",
                true,
                Date,
                Some("issued_on"),
                &["date", "invoice date", "created", "issued"],
            ),
            f(
                "due_on",
                "Due on",
                false,
                Date,
                Some("due_on"),
                &["due date", "due"],
            ),
            f(
                "paid_on",
                "Paid on",
                false,
                Date,
                Some("paid_on"),
                &["paid date", "paid at", "paid"],
            ),
        ],
        Entity::Tickets => vec![
            f(
                "id",
                "Ticket id",
                false,
                Text,
                None,
                &["ticket id", "external id"],
            ),
            ACCOUNT_REF,
            f(
                "subject",
                "Subject",
                true,
                Text,
                Some("subject"),
                &["title", "summary"],
            ),
            f(
                "priority",
                "Priority",
                false,
                choice!(TicketPriority),
                Some("priority"),
                &["severity"],
            ),
            f(
                "status",
                "Status",
                false,
                choice!(TicketStatus),
                Some("status"),
                &["ticket status"],
            ),
            f(
                "opened_at",
                "Opened at",
                true,
                Timestamp,
                Some("opened_at"),
                &["created", "created at", "opened"],
            ),
            f(
                "resolved_at",
                "Resolved at",
                false,
                Timestamp,
                Some("resolved_at"),
                &["solved at", "closed at", "resolved"],
            ),
            f(
                "csat",
                "CSAT (1-5)",
                false,
                Integer,
                Some("csat"),
                &["satisfaction", "satisfaction rating"],
            ),
        ],
        Entity::Surveys => vec![
            f(
                "id",
                "Response id",
                false,
                Text,
                None,
                &["response id", "external id"],
            ),
            ACCOUNT_REF,
            f(
                "contact_email",
                "Contact email",
                false,
                ContactRef,
                Some("contact_id"),
                &["email", "respondent email", "contact"],
            ),
            f(
                "kind",
                "Survey (nps or csat)",
                true,
                choice!(SurveyKind),
                Some("kind"),
                &["type", "survey", "survey type"],
            ),
            f(
                "score",
                "Score",
                true,
                Integer,
                Some("score"),
                &["rating", "nps score"],
            ),
            f(
                "comment",
                "Comment",
                false,
                Text,
                Some("comment"),
                &["feedback", "verbatim"],
            ),
            f(
                "responded_on",
                "Responded on",
                true,
                Date,
                Some("responded_on"),
                &["date", "submitted at", "response date"],
            ),
        ],
        Entity::Activities => vec![
            f(
                "id",
                "Activity id",
                false,
                Text,
                None,
                &["activity id", "external id"],
            ),
            ACCOUNT_REF,
            f(
                "kind",
                "Type (call, meeting, email, note, qbr)",
                true,
                choice!(ActivityKind),
                Some("kind"),
                &["type", "activity type"],
            ),
            f(
                "occurred_on",
                "Date",
                true,
                Date,
                Some("occurred_on"),
                &["date", "activity date", "when"],
            ),
            f(
                "summary",
                "Summary",
                true,
                Text,
                Some("summary"),
                &["notes", "description", "subject"],
            ),
            f(
                "sentiment",
                "Sentiment",
                false,
                choice!(Sentiment),
                Some("sentiment"),
                &["mood"],
            ),
            f(
                "next_steps",
                "Next steps",
                false,
                Text,
                Some("next_steps"),
                &["follow up", "follow-up", "action items"],
            ),
        ],
    }
}

pub fn fields(entity: Entity) -> Vec<FieldInfo> {
    specs(entity)
        .into_iter()
        .map(|s| FieldInfo {
            key: s.key.into(),
            label: s.label.into(),
            required: s.required,
        })
        .collect()
}

fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Proposes a header for each field: exact key or label first, then aliases.
pub fn auto_map(entity: Entity, headers: &[String]) -> Vec<(String, Option<String>)> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut taken = vec![false; headers.len()];
    let specs = specs(entity);
    let mut result: Vec<(String, Option<String>)> =
        specs.iter().map(|s| (s.key.to_string(), None)).collect();
    // Two passes so an exact match anywhere wins over an alias match.
    for exact in [true, false] {
        for (i, spec) in specs.iter().enumerate() {
            if result[i].1.is_some() {
                continue;
            }
            let mut names = vec![normalize(spec.key), normalize(spec.label)];
            if !exact {
                names.extend(spec.aliases.iter().map(|a| normalize(a)));
            }
            let found = names
                .iter()
                .find_map(|name| (0..headers.len()).find(|&c| !taken[c] && normalized[c] == *name));
            if let Some(col) = found {
                taken[col] = true;
                result[i].1 = Some(headers[col].clone());
            }
        }
    }
    result
}

/// Parses one cell; empty text is NULL. Errors are phrased to follow
/// "'<field>' ..." in a row report.
pub(crate) fn parse_cell(kind: Kind, text: &str, decimal_comma: bool) -> Result<Value, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match kind {
        Kind::Text | Kind::AccountRef | Kind::ContactRef => Ok(Value::Text(text.to_string())),
        Kind::Integer => {
            let n = parse_number(text, decimal_comma)
                .ok_or_else(|| format!("'{text}' is not a number"))?;
            if n.fract().abs() > 1e-9 {
                return Err(format!("'{text}' is not a whole number"));
            }
            Ok(Value::Integer(n as i64))
        }
        Kind::Money => {
            let n = parse_number(text, decimal_comma)
                .ok_or_else(|| format!("'{text}' is not an amount"))?;
            Ok(Value::Integer((n * 100.0).round() as i64))
        }
        Kind::Date => parse_date(text)
            .map(|d| Value::Text(d.to_string()))
            .ok_or_else(|| {
                format!("'{text}' is not a date (use YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY)")
            }),
        Kind::Timestamp => parse_timestamp(text).map(Value::Text).ok_or_else(|| {
            format!("'{text}' is not a date and time (use ISO 8601, e.g. 2026-03-01T14:30:00Z)")
        }),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "y" | "x" | "ja" | "wahr" => Ok(Value::Integer(1)),
            "0" | "false" | "no" | "n" | "nein" | "falsch" => Ok(Value::Integer(0)),
            _ => Err(format!("'{text}' is not yes/no")),
        },
        Kind::Choice(parse, choices) => parse(text)
            .map(|v| Value::Text(v.to_string()))
            .ok_or_else(|| format!("'{text}' is not one of {}", choices())),
    }
}

/// Reads "1,234.56", "1.234,56" (with `decimal_comma`), "$ 99", "EUR 1.000",
/// "12 %". Anything else around the digits ("12k") makes it not a number.
pub(crate) fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    // Fast path for plain integers, which is what most numeric cells of a big
    // usage export are; the general path below allocates.
    let bytes = text.as_bytes();
    if !bytes.is_empty()
        && bytes.len() <= 15
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && *b == b'-' && bytes.len() > 1))
    {
        return text.parse::<i64>().ok().map(|n| n as f64);
    }
    let mut core = text.trim();
    for affix in ["$", "€", "£", "¥", "%", "USD", "EUR", "GBP", "CHF", "JPY"] {
        core = core
            .trim_start_matches(affix)
            .trim_end_matches(affix)
            .trim();
    }
    let cleaned: String = core
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != '\u{a0}')
        .collect();
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
    {
        return None;
    }
    let cleaned = if decimal_comma {
        cleaned.replace('.', "").replace(',', ".")
    } else {
        cleaned.replace(',', "")
    };
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // Fast path for ISO dates, by far the most common form in exports.
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return Some(d);
        }
    }
    // A timestamp where a date is expected: keep its date.
    if let Some(ts) = parse_timestamp(text) {
        return NaiveDate::parse_from_str(&ts[..10], "%Y-%m-%d").ok();
    }
    None
}

/// Normalises to UTC "YYYY-MM-DDTHH:MM:SSZ"; times without a zone are taken as UTC.
pub(crate) fn parse_timestamp(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
        );
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
    if let Ok(n) = text.parse::<i64>() {
        // Epoch milliseconds (HubSpot, PostHog) or seconds (Stripe).
        let secs = if n > 100_000_000_000 { n / 1000 } else { n };
        return DateTime::from_timestamp(secs, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    for format in ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return Some(format!("{d}T00:00:00Z"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_decimal_conventions() {
        assert_eq!(parse_number("1,234.56", false), Some(1234.56));
        assert_eq!(parse_number("1.234,56", true), Some(1234.56));
        assert_eq!(parse_number("12,5", true), Some(12.5));
        assert_eq!(parse_number("$ 99", false), Some(99.0));
        assert_eq!(parse_number("EUR 1.000", true), Some(1000.0));
        assert_eq!(parse_number("-3", false), Some(-3.0));
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(parse_number("12k", false), None);
        assert_eq!(parse_number("12 %", false), Some(12.0));
        assert_eq!(
            parse_cell(Kind::Money, "1.234,56", true),
            Ok(Value::Integer(123_456))
        );
        assert!(parse_cell(Kind::Integer, "2.5", false).is_err());
    }

    #[test]
    fn dates_in_iso_german_and_us_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31);
        assert_eq!(parse_date("2026-03-31"), d);
        assert_eq!(parse_date("31.03.2026"), d);
        assert_eq!(parse_date("03/31/2026"), d);
        assert_eq!(parse_date("2026-03-31T23:10:00+02:00"), d);
        assert_eq!(parse_date("31/31/2026"), None);
        assert_eq!(
            parse_timestamp("2026-03-01 14:30:00").as_deref(),
            Some("2026-03-01T14:30:00Z")
        );
        assert_eq!(
            parse_timestamp("1772375400000").as_deref(),
            Some("2026-03-01T14:30:00Z")
        );
    }

    #[test]
    fn headers_are_matched_by_name_then_alias() {
        let headers: Vec<String> = ["Company", "Account Name", "ARR", "Renewal", "Segment"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = auto_map(Entity::Accounts, &headers);
        let get = |k: &str| {
            map.iter()
                .find(|(f, _)| f == k)
                .and_then(|(_, c)| c.clone())
        };
        assert_eq!(get("name").as_deref(), Some("Account Name"));
        assert_eq!(get("arr").as_deref(), Some("ARR"));
        assert_eq!(get("renewal_date").as_deref(), Some("Renewal"));
        assert_eq!(get("tier").as_deref(), Some("Segment"));
        assert_eq!(get("id").as_deref(), None);
    }
}
