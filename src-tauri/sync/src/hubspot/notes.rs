//! A check-in as a HubSpot note on the company and the people who took
//! part. Association type ids are read from HubSpot's label lists, never
//! assumed; the note carries the outbox reference so a send whose answer
//! was lost can be found by search instead of being sent twice.

use serde_json::{json, Value};
use steward_core::outbox::Pending;

use crate::http::{Failure, Http};
use crate::id_of;

/// HubSpot's limit on a note body.
const BODY_LIMIT: usize = 65_536;

/// The association types a note is written with.
pub struct NoteTypes {
    company: i64,
    contact: i64,
}

/// The unlabelled HubSpot-defined association type from notes to `to`.
fn type_to(http: &mut Http, to: &str) -> Result<i64, Failure> {
    let answer = http.get(&format!("/crm/v4/associations/notes/{to}/labels"))?;
    let types = answer
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let defined = |t: &&Value| t.get("category").and_then(Value::as_str) == Some("HUBSPOT_DEFINED");
    types
        .iter()
        .filter(defined)
        .find(|t| t.get("label").is_none_or(Value::is_null))
        .or_else(|| types.iter().find(defined))
        .and_then(|t| t.get("typeId").and_then(Value::as_i64))
        .ok_or_else(|| {
            Failure::Malformed(format!(
                "HubSpot names no association type from notes to {to}; nothing was sent."
            ))
        })
}

pub fn note_types(http: &mut Http) -> Result<NoteTypes, Failure> {
    Ok(NoteTypes {
        company: type_to(http, "companies")?,
        contact: type_to(http, "contacts")?,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

/// The note's HTML: what kind of check-in, when, how it felt, what was
/// said, the next steps, and the reference.
pub fn body(p: &Pending) -> String {
    let kind = p.kind.title();
    let mut head = format!("<p><strong>{kind}</strong> on {}", p.occurred_on);
    if let Some(s) = p.sentiment {
        head.push_str(&format!(" · sentiment {}", s.as_str()));
    }
    head.push_str("</p>");
    let steps = p
        .next_steps
        .as_deref()
        .map(|s| format!("<p><strong>Next steps</strong><br>{}</p>", escape(s)))
        .unwrap_or_default();
    let foot = format!("<p>Logged in Steward · {}</p>", p.reference);
    let room = BODY_LIMIT.saturating_sub(head.len() + steps.len() + foot.len() + 64);
    let mut summary = escape(&p.summary);
    if summary.len() > room {
        let mut cut = room;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
        summary.push_str(" […]");
    }
    format!("{head}<p>{summary}</p>{steps}{foot}")
}

/// Creates the note; returns its id.
pub fn create(http: &mut Http, types: &NoteTypes, p: &Pending) -> Result<String, Failure> {
    let mut associations = vec![json!({
        "to": {"id": p.account_remote},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": types.company}],
    })];
    for c in &p.contacts_remote {
        associations.push(json!({
            "to": {"id": c},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": types.contact}],
        }));
    }
    let answer = http.create(
        "/crm/v3/objects/notes",
        &json!({
            "properties": {
                // Midday UTC keeps the day the same in every time zone a
                // team is likely to read it in.
                "hs_timestamp": format!("{}T12:00:00Z", p.occurred_on),
                "hs_note_body": body(p),
            },
            "associations": associations,
        }),
    )?;
    id_of(answer.get("id"))
        .ok_or_else(|| Failure::Malformed("HubSpot took the note but sent back no id.".into()))
}

/// The note written with `reference`, when HubSpot's search has it.
pub fn find(http: &mut Http, reference: &str) -> Result<Option<String>, Failure> {
    let answer = http.search(
        "/crm/v3/objects/notes/search",
        &json!({
            "filterGroups": [{"filters": [
                {"propertyName": "hs_note_body", "operator": "CONTAINS_TOKEN", "value": reference},
            ]}],
            "properties": ["hs_timestamp"],
            "limit": 1,
        }),
    )?;
    Ok(answer
        .get("results")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|n| id_of(n.get("id"))))
}
