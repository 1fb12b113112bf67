//! Zendesk organizations and tickets. Organizations come from the
//! time-based incremental export and are linked to the book's accounts by
//! their domain names and name (an organization never makes an account;
//! one Steward cannot place waits for review). Tickets come from the
//! cursor-based incremental export with their metric sets (for the solved
//! time): priority, status, opened and solved times, satisfaction (good is
//! 5, bad is 1); a deleted ticket is removed. Each page and the export's
//! cursor after it commit together; `end_of_stream` ends a run, and the
//! next one resumes from the same cursor. The exports allow ten requests a
//! minute, which the client keeps to.

use std::collections::HashMap;

use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use steward_core::error::{Error, Result};
use steward_core::ingest::{Entity, Record};

use crate::http::Failure;
use crate::{id_of, utc, Linked, Run, Vendor};

const ORGANIZATIONS: &str = "organizations";
const TICKETS: &str = "tickets";
const TICKET_FIELDS: &[&str] = &[
    "id",
    "account",
    "subject",
    "priority",
    "status",
    "opened_at",
    "resolved_at",
    "csat",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OrganizationCursor {
    /// The export's next start time (Unix seconds).
    start_time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TicketCursor {
    /// The export's cursor; None before the first page.
    after: Option<String>,
}

fn failure(f: Failure) -> Error {
    crate::failure(Vendor::Zendesk)(f)
}

fn array(page: &Value, key: &str) -> Result<Vec<Value>> {
    page.get(key)
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| {
            Error::invalid(format!(
                "Zendesk: an export page without {key}; nothing was changed."
            ))
        })
}

/// Organizations first: a ticket lands on its organization's account.
pub fn sync(run: &mut Run<'_>) -> Result<()> {
    organizations(run)?;
    tickets(run)
}

fn organizations(run: &mut Run<'_>) -> Result<()> {
    // Zendesk refuses a start time less than a minute old; the repeat
    // this causes is harmless.
    let latest = chrono::Utc::now().timestamp() - 61;
    let mut start = run
        .cursor::<OrganizationCursor>(ORGANIZATIONS)?
        .map_or(0, |c| c.start_time)
        .min(latest);
    loop {
        let page = run
            .http
            .get_slow(&format!(
                "/api/v2/incremental/organizations.json?start_time={start}"
            ))
            .map_err(failure)?;
        let orgs = array(&page, "organizations")?;
        let end = page
            .get("end_time")
            .and_then(Value::as_i64)
            .unwrap_or(start);
        let done = page.get("end_of_stream").and_then(Value::as_bool) == Some(true);
        // A page whose end time does not move would repeat forever.
        let next = OrganizationCursor {
            start_time: end.max(start),
        };
        run.commit(ORGANIZATIONS, Entity::Accounts, &["id"], &next, |page| {
            for o in &orgs {
                let Some(id) = id_of(o.get("id")) else {
                    page.reject("an organization without an id".into());
                    continue;
                };
                if o.get("deleted_at").is_some_and(|d| !d.is_null()) {
                    page.skip();
                    continue;
                }
                let name = o
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("")
                    .to_string();
                let domain = o
                    .get("domain_names")
                    .and_then(Value::as_array)
                    .and_then(|d| d.first())
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match page.link(&id, &name, domain.as_deref())? {
                    Linked::Account(_) | Linked::Held => page.skip(),
                    Linked::New => page.reject(format!(
                        "organization {id} would make an account; Zendesk does not add accounts"
                    )),
                }
            }
            Ok(())
        })?;
        if done || end <= start {
            return Ok(());
        }
        start = end.min(latest);
    }
}

fn tickets(run: &mut Run<'_>) -> Result<()> {
    let mut after = run.cursor::<TicketCursor>(TICKETS)?.and_then(|c| c.after);
    loop {
        let path = match &after {
            Some(c) => format!(
                "/api/v2/incremental/tickets/cursor.json?cursor={}&include=metric_sets",
                crate::http::encode(c)
            ),
            None => "/api/v2/incremental/tickets/cursor.json?start_time=0&include=metric_sets"
                .to_string(),
        };
        let page = run.http.get_slow(&path).map_err(failure)?;
        let tickets = array(&page, "tickets")?;
        let solved: HashMap<String, String> = page
            .get("metric_sets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some((
                    id_of(m.get("ticket_id"))?,
                    utc(m.get("solved_at")?.as_str()?)?,
                ))
            })
            .collect();
        let done = page.get("end_of_stream").and_then(Value::as_bool) == Some(true);
        let next = TicketCursor {
            after: page
                .get("after_cursor")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(after.clone()),
        };
        run.commit(TICKETS, Entity::Tickets, TICKET_FIELDS, &next, |page| {
            for t in &tickets {
                let id = id_of(t.get("id")).unwrap_or_default();
                if t.get("status").and_then(Value::as_str) == Some("deleted") {
                    page.delete(Entity::Tickets, &id)?;
                    continue;
                }
                let record = ticket(t, &solved, &page.ingest.accounts);
                page.put(record)?;
            }
            Ok(())
        })?;
        if done || next.after == after {
            return Ok(());
        }
        after = next.after;
    }
}

fn ticket(
    t: &Value,
    solved: &HashMap<String, String>,
    accounts: &steward_core::ingest::Accounts,
) -> std::result::Result<Record, String> {
    let id = id_of(t.get("id")).ok_or("a ticket without an id")?;
    let org = id_of(t.get("organization_id"))
        .ok_or_else(|| format!("ticket {id} belongs to no organization"))?;
    let account = accounts.find(&org).map_err(|_| {
        format!("ticket {id}: its organization {org} is not linked to an account (see steward sync review)")
    })?;
    let text = |k: &str| {
        t.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let status = match text("status") {
        Some("new" | "open") => "open",
        Some("pending" | "hold") => "pending",
        Some("solved") => "solved",
        Some("closed") => "closed",
        other => return Err(format!("ticket {id}: unknown status {other:?}")),
    };
    let opened = text("created_at")
        .and_then(utc)
        .ok_or_else(|| format!("ticket {id} has no creation time"))?;
    let resolved = match status {
        "solved" | "closed" => solved
            .get(&id)
            .cloned()
            .or_else(|| text("updated_at").and_then(utc)),
        _ => None,
    };
    let csat = match t
        .pointer("/satisfaction_rating/score")
        .and_then(Value::as_str)
    {
        Some("good") => Sql::Integer(5),
        Some("bad") => Sql::Integer(1),
        _ => Sql::Null,
    };
    Ok(Record {
        external_id: Some(id),
        account_id: Some(account),
        values: vec![
            Sql::Null,
            Sql::Null,
            Sql::Text(text("subject").unwrap_or("(no subject)").to_string()),
            // Zendesk leaves priority empty until someone sets it.
            Sql::Text(text("priority").unwrap_or("normal").to_string()),
            Sql::Text(status.into()),
            Sql::Text(opened),
            resolved.map_or(Sql::Null, Sql::Text),
            csat,
        ],
    })
}

/// What the token can see: the first page of organizations.
pub fn probe(http: &mut crate::http::Http) -> Result<crate::Probe> {
    let page = http
        .get_slow("/api/v2/incremental/organizations.json?start_time=0")
        .map_err(failure)?;
    let organizations = array(&page, "organizations")?;
    let more = page.get("end_of_stream").and_then(Value::as_bool) == Some(false);
    let sample = organizations
        .iter()
        .filter_map(|o| o.get("name").and_then(Value::as_str).map(str::to_string))
        .take(5)
        .collect();
    Ok(crate::Probe {
        summary: format!(
            "Zendesk answers: {}{} organizations can be read.",
            if more { "more than " } else { "" },
            organizations.len()
        ),
        sample,
    })
}
