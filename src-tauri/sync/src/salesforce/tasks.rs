//! A check-in as a completed Salesforce Task on the account (and the first
//! person who took part). Its subject carries the outbox reference, so a
//! send whose answer was lost is found by SOQL (immediately consistent,
//! unlike HubSpot's search) instead of being sent twice.

use serde_json::{json, Value};
use steward_core::outbox::Pending;

use super::{Session, API};
use crate::http::Failure;
use crate::id_of;

/// Salesforce's limit on a task's description.
const DESCRIPTION_LIMIT: usize = 32_000;

fn subject(p: &Pending) -> String {
    let kind = p.kind.title();
    let first: String = p
        .summary
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    format!("{kind}: {first} [{}]", p.reference)
}

fn description(p: &Pending) -> String {
    let mut text = p.summary.clone();
    if let Some(s) = p.sentiment {
        text.push_str(&format!("\n\nSentiment: {}", s.as_str()));
    }
    if let Some(steps) = &p.next_steps {
        text.push_str(&format!("\n\nNext steps:\n{steps}"));
    }
    text.push_str(&format!("\n\nLogged in Steward · {}", p.reference));
    if text.len() > DESCRIPTION_LIMIT {
        let mut cut = DESCRIPTION_LIMIT - 8;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(" […]");
    }
    text
}

/// Creates the task; returns its id.
pub(crate) fn create(session: &mut Session<'_>, p: &Pending) -> Result<String, Failure> {
    let subtype = match p.kind.as_str() {
        "call" => "Call",
        "email" => "Email",
        _ => "Task",
    };
    let mut body = json!({
        "WhatId": p.account_remote,
        "Subject": subject(p),
        "Description": description(p),
        "ActivityDate": p.occurred_on.to_string(),
        "Status": "Completed",
        "Priority": "Normal",
        "TaskSubtype": subtype,
    });
    if let Some(who) = p.contacts_remote.first() {
        body["WhoId"] = json!(who);
    }
    let answer = session.create(&format!("{API}/sobjects/Task"), &body)?;
    id_of(answer.get("id"))
        .ok_or_else(|| Failure::Malformed("Salesforce took the task but sent back no id.".into()))
}

/// The task written with `reference`, when Salesforce has it.
pub(crate) fn find(
    session: &mut Session<'_>,
    reference: &str,
) -> steward_core::Result<Option<String>> {
    // References are letters and digits only: safe inside the quotes.
    let answer = session.query(&format!(
        "SELECT Id FROM Task WHERE Subject LIKE '%{reference}%' LIMIT 1"
    ))?;
    Ok(answer
        .get("records")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|t| id_of(t.get("Id"))))
}
