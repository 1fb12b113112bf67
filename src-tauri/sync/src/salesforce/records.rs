//! Salesforce's records as Steward's: its datetimes and websites, the
//! team's own fields mapped onto account fields, and accounts and
//! contacts as ingest records.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value as Sql;
use serde_json::Value;

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Kind, Record};

use crate::Page;
use steward_core::say;

/// `2025-06-02T10:11:12.000+0000` (Salesforce's form) as UTC.
pub(super) fn stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A moment as SOQL and the deleted endpoint take it.
pub(super) fn soql_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn text(record: &Value, key: &str) -> Option<String> {
    record
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A website as a domain: no scheme, no www, no path.
pub(super) fn domain(website: &str) -> Option<String> {
    let w = website.trim().to_lowercase();
    let w = w
        .strip_prefix("https://")
        .or_else(|| w.strip_prefix("http://"))
        .unwrap_or(&w);
    let w = w.strip_prefix("www.").unwrap_or(w);
    let host = w.split(['/', '?', '#']).next().unwrap_or("").trim();
    host.contains('.').then(|| host.to_string())
}

/// The team's own fields mapped onto account fields: "renewal_date=Renewal_Date__c,arr=ARR__c".
pub(super) fn account_fields(
    settings: &serde_json::Map<String, Value>,
) -> Result<Vec<(&'static str, String)>> {
    let Some(spec) = crate::setting(settings, "account_fields") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (ours, theirs) = pair.split_once('=').ok_or_else(|| {
            Error::invalid(say!(
                "Salesforce account_fields: \"{pair}\" is not FIELD=SalesforceField.",
                "Salesforce account_fields: „{pair}“ ist nicht FELD=SalesforceFeld."
            ))
        })?;
        let field = Entity::Accounts
            .field(ours.trim())
            .filter(|f| !matches!(f.kind, Kind::Id | Kind::AccountRef))
            .ok_or_else(|| {
                Error::invalid(say!(
                    "Salesforce account_fields: \"{}\" is not an account field.",
                    "Salesforce account_fields: „{}“ ist kein Kundenfeld.",
                    ours.trim()
                ))
            })?;
        let theirs = theirs.trim();
        if theirs.is_empty()
            || !theirs
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::invalid(say!(
                "Salesforce account_fields: \"{theirs}\" is not a Salesforce field name.",
                "Salesforce account_fields: „{theirs}“ ist kein Salesforce-Feldname."
            )));
        }
        out.push((field.key, theirs.to_string()));
    }
    Ok(out)
}

/// A Salesforce value as the account field `key` stores it.
pub(super) fn mapped(key: &str, value: &Value, currency: &str) -> std::result::Result<Sql, String> {
    let Some(field) = Entity::Accounts.field(key) else {
        return Ok(Sql::Null);
    };
    let as_text = match value {
        Value::Null => return Ok(Sql::Null),
        Value::String(s) if s.trim().is_empty() => return Ok(Sql::Null),
        Value::String(s) => s.trim().to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let bad = |what: &str| format!("{}: \"{as_text}\" is not {what}", field.says());
    Ok(match field.kind {
        Kind::Money => {
            let major: f64 = as_text.parse().map_err(|_| bad("an amount"))?;
            let per = steward_core::currency::minor_per_major(currency);
            Sql::Integer((major * per as f64).round() as i64)
        }
        Kind::Integer => Sql::Integer(
            as_text
                .parse::<f64>()
                .ok()
                .filter(|n| n.fract() == 0.0)
                .ok_or_else(|| bad("a whole number"))? as i64,
        ),
        Kind::Term => Sql::Integer(
            steward_core::ingest::schema::parse_term(&as_text)
                .ok_or_else(|| bad("a contract term"))?,
        ),
        Kind::Date => Sql::Text(
            as_text
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(|| bad("a date"))?
                .to_string(),
        ),
        Kind::Choice(parse, choices) => Sql::Text(
            parse(&as_text)
                .ok_or_else(|| {
                    format!(
                        "{}: \"{as_text}\" is not one of {}",
                        field.says(),
                        choices()
                    )
                })?
                .to_string(),
        ),
        Kind::Bool => Sql::Integer(i64::from(matches!(as_text.as_str(), "true" | "1"))),
        _ => Sql::Text(as_text),
    })
}

pub(super) fn account(
    r: &Value,
    id: &str,
    site: Option<String>,
    custom: &[(&'static str, String)],
    currency: &str,
) -> std::result::Result<Record, String> {
    let name = text(r, "Name").ok_or_else(|| format!("account {id} has no name"))?;
    let employees = match r.get("NumberOfEmployees") {
        Some(Value::Number(n)) => n.as_i64().map_or(Sql::Null, Sql::Integer),
        _ => Sql::Null,
    };
    let mut values = vec![
        Sql::Null,
        Sql::Text(name),
        site.map_or(Sql::Null, Sql::Text),
        text(r, "Industry").map_or(Sql::Null, Sql::Text),
        employees,
    ];
    for (ours, theirs) in custom {
        let v = r.get(theirs.as_str()).unwrap_or(&Value::Null);
        values.push(mapped(ours, v, currency).map_err(|e| format!("account {id}: {e}"))?);
    }
    Ok(Record {
        external_id: Some(id.to_string()),
        account_id: None,
        values,
    })
}

pub(super) fn contact(r: &Value, id: &str, page: &Page<'_>) -> std::result::Result<Record, String> {
    let account_id = text(r, "AccountId").ok_or_else(|| format!("contact {id} has no account"))?;
    let account = page
        .ingest
        .accounts
        .find(&account_id)
        .map_err(|_| format!("contact {id}: its account {account_id} has not been synced"))?;
    let name = [text(r, "FirstName"), text(r, "LastName")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let email = text(r, "Email").map(|e| e.to_lowercase());
    let name = if name.is_empty() {
        email
            .clone()
            .ok_or_else(|| format!("contact {id} has neither a name nor an email"))?
    } else {
        name
    };
    Ok(Record {
        external_id: Some(id.to_string()),
        account_id: Some(account),
        values: vec![
            Sql::Null,
            Sql::Null,
            Sql::Text(name),
            email.map_or(Sql::Null, Sql::Text),
            text(r, "Title").map_or(Sql::Null, Sql::Text),
        ],
    })
}
