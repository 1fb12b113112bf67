//! A fake HubSpot written for these tests from the documented wire format
//! (docs in ../shared/docs/vendor-apis.md): companies, contacts and deals
//! listed 100 a page with an opaque `after` (archived ones apart, with
//! `archived=true`), search by modification time with a `total`, ascending
//! sorts, a numeric offset and the 10,000-result cap (400 past it),
//! association reads, notes written with looked-up association types and
//! found by search only after a lag, batch updates of company properties,
//! bearer tokens (401 otherwise), and faults on demand: 429s with HubSpot's
//! body, 502s, an HTML page with status 200, a body cut short, an answer
//! later than the client waits, a note made whose answer is lost.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::{serve, Reply, Server};

pub const TOKEN: &str = "pat-test-123";

#[derive(Debug, Clone)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<String>,
    pub modified_ms: i64,
    pub archived: bool,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: i64,
    pub first: String,
    pub last: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub company: Option<i64>,
    pub modified_ms: i64,
    pub archived: bool,
}

/// A deal as HubSpot keeps it (amount and dates as its text properties).
#[derive(Debug, Clone)]
pub struct Deal {
    pub id: i64,
    pub name: String,
    pub dealtype: Option<String>,
    pub pipeline: String,
    pub stage: String,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub closedate: Option<String>,
    pub closed: bool,
    pub won: bool,
    pub company: Option<i64>,
    pub modified_ms: i64,
    pub archived: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    TooMany,
    BadGateway,
    Html,
    Truncated,
    /// The request is carried out, then a 502 goes back (a proxy that
    /// lost the answer): the client cannot know it worked.
    DoneThenBadGateway,
    /// The answer comes only after half a second (past a client's timeout).
    Stall,
}

/// A note written through the API, as HubSpot keeps it.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub timestamp: String,
    pub body: String,
    pub companies: Vec<String>,
    pub contacts: Vec<String>,
    pub created: std::time::Instant,
}

#[derive(Default)]
pub struct State {
    pub companies: Vec<Company>,
    pub contacts: Vec<Contact>,
    pub deals: Vec<Deal>,
    pub faults: VecDeque<Fault>,
    /// Faults for given request numbers (counted from the start).
    pub fail_on: Vec<(u64, Fault)>,
    pub requests: u64,
    pub searches: u64,
    pub notes: Vec<Note>,
    /// How long a new note stays invisible to search (HubSpot: up to a minute).
    pub search_lag: std::time::Duration,
    /// Association type ids from notes to companies and to contacts.
    pub note_types: (i64, i64),
    /// Held before a note's creation is answered (for kills mid-send).
    pub create_delay: std::time::Duration,
    /// Company properties set through batch updates, in order.
    pub updates: Vec<(String, serde_json::Map<String, Value>)>,
}

pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    server: Server,
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn render(c: &Company) -> Value {
    json!({
        "id": c.id.to_string(),
        "properties": {
            "name": c.name,
            "domain": c.domain,
            "industry": c.industry,
            "numberofemployees": c.employees,
            "hs_lastmodifieddate": iso(c.modified_ms),
            "hs_object_id": c.id.to_string(),
        },
        "createdAt": iso(c.modified_ms),
        "updatedAt": iso(c.modified_ms),
        "archived": c.archived,
        "archivedAt": c.archived.then(|| iso(c.modified_ms)),
    })
}

fn render_contact(c: &Contact) -> Value {
    json!({
        "id": c.id.to_string(),
        "properties": {
            "firstname": c.first,
            "lastname": c.last,
            "email": c.email,
            "jobtitle": c.title,
            "lastmodifieddate": iso(c.modified_ms),
            "hs_object_id": c.id.to_string(),
        },
        "createdAt": iso(c.modified_ms),
        "updatedAt": iso(c.modified_ms),
        "archived": c.archived,
        "archivedAt": c.archived.then(|| iso(c.modified_ms)),
    })
}

fn render_deal(d: &Deal) -> Value {
    json!({
        "id": d.id.to_string(),
        "properties": {
            "dealname": d.name,
            "dealtype": d.dealtype,
            "pipeline": d.pipeline,
            "dealstage": d.stage,
            "amount": d.amount,
            "deal_currency_code": d.currency,
            "closedate": d.closedate,
            "hs_is_closed": d.closed.to_string(),
            "hs_is_closed_won": d.won.to_string(),
            "hs_lastmodifieddate": iso(d.modified_ms),
            "hs_object_id": d.id.to_string(),
        },
        "createdAt": iso(d.modified_ms),
        "updatedAt": iso(d.modified_ms),
        "archived": d.archived,
        "archivedAt": d.archived.then(|| iso(d.modified_ms)),
    })
}

/// One listable thing: its id, modification time and JSON.
struct Item {
    id: i64,
    modified_ms: i64,
    json: Value,
}

/// The live records of an object, or with `archived` only the archived
/// ones (HubSpot lists those apart, with `archived=true`).
fn items(s: &State, object: &str, archived: bool) -> Vec<Item> {
    match object {
        "companies" => s
            .companies
            .iter()
            .filter(|c| c.archived == archived)
            .map(|c| Item {
                id: c.id,
                modified_ms: c.modified_ms,
                json: render(c),
            })
            .collect(),
        "deals" => s
            .deals
            .iter()
            .filter(|d| d.archived == archived)
            .map(|d| Item {
                id: d.id,
                modified_ms: d.modified_ms,
                json: render_deal(d),
            })
            .collect(),
        "contacts" => s
            .contacts
            .iter()
            .filter(|c| c.archived == archived)
            .map(|c| Item {
                id: c.id,
                modified_ms: c.modified_ms,
                json: render_contact(c),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn number(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

fn respond(
    state: &Mutex<State>,
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: &str,
) -> (u16, String, Vec<(String, String)>) {
    let mut s = state.lock().expect("state");
    s.requests += 1;
    if auth != Some(&format!("Bearer {TOKEN}")) {
        return (401, json!({"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION"}).to_string(), vec![]);
    }
    let numbered = s
        .fail_on
        .iter()
        .position(|(n, _)| *n == s.requests)
        .map(|i| s.fail_on.remove(i).1);
    let fault = numbered.or_else(|| s.faults.pop_front());
    if method == "POST"
        && url == "/crm/v3/objects/notes"
        && fault.is_none_or(|f| f == Fault::DoneThenBadGateway)
    {
        let reply = create_note(&mut s, body);
        let delay = s.create_delay;
        drop(s);
        std::thread::sleep(delay);
        return match fault {
            Some(_) => (502, "<html><body>Bad gateway</body></html>".into(), vec![]),
            None => reply,
        };
    }
    if let Some(reply) = notes(&mut s, method, url, body) {
        return reply;
    }
    if method == "POST" && url == "/crm/v3/objects/companies/batch/update" {
        let q: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let inputs = q["inputs"].as_array().cloned().unwrap_or_default();
        // Only properties the portal defines (here: Steward's own) exist.
        for i in &inputs {
            for k in i["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                if !k.starts_with("steward_") {
                    return hubspot_error(
                        400,
                        "VALIDATION_ERROR",
                        &format!("Property \"{k}\" does not exist"),
                    );
                }
            }
        }
        for i in inputs {
            let id = i["id"].as_str().unwrap_or("").to_string();
            let props = i["properties"].as_object().cloned().unwrap_or_default();
            s.updates.push((id, props));
        }
        return (
            200,
            json!({"status": "COMPLETE", "results": []}).to_string(),
            vec![],
        );
    }
    match fault {
        Some(Fault::TooMany) => {
            return (
                429,
                json!({"status": "error", "message": "You have reached your ten_secondly_rolling limit.", "errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"}).to_string(),
                vec![],
            )
        }
        Some(Fault::BadGateway) => return (502, "<html><body>Bad gateway</body></html>".into(), vec![]),
        Some(Fault::Html) => return (200, "<!DOCTYPE html><html><body>Maintenance</body></html>".into(), vec![]),
        Some(Fault::Truncated) => return (200, "{\"results\": [{\"id\": \"1\", \"prop".into(), vec![]),
        Some(Fault::Stall) => {
            // The server is busy: the answer comes, but late.
            drop(s);
            std::thread::sleep(std::time::Duration::from_millis(500));
            s = state.lock().expect("state");
        }
        Some(Fault::DoneThenBadGateway) | None => {}
    }
    if method == "POST"
        && (url == "/crm/v4/associations/contacts/companies/batch/read"
            || url == "/crm/v4/associations/deals/companies/batch/read")
    {
        let deals = url.contains("/deals/");
        let q: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let results: Vec<Value> = q["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| {
                let id = number(&i["id"]);
                let company = if deals {
                    s.deals.iter().find(|d| d.id == id)?.company?
                } else {
                    s.contacts.iter().find(|c| c.id == id)?.company?
                };
                // toObjectId comes as a number, or for some as a string.
                let to = if company % 2 == 0 { json!(company.to_string()) } else { json!(company) };
                Some(json!({"from": {"id": id.to_string()}, "to": [{"toObjectId": to, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": null}]}]}))
            })
            .collect();
        return (
            200,
            json!({"status": "COMPLETE", "results": results}).to_string(),
            vec![],
        );
    }
    let path = url.split('?').next().unwrap_or("");
    let object = path
        .strip_prefix("/crm/v3/objects/")
        .map(|rest| rest.trim_end_matches("/search"))
        .unwrap_or("")
        .to_string();
    let archived = url.contains("archived=true");
    let mut live = items(&s, &object, archived);
    if method == "GET" && !object.is_empty() && !path.ends_with("/search") {
        live.sort_by_key(|c| c.id);
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
        };
        let limit = param("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10usize)
            .min(100);
        // The opaque cursor is the next id, written backwards.
        let from: i64 = param("after")
            .map(|a| a.chars().rev().collect::<String>().parse().unwrap_or(0))
            .unwrap_or(0);
        let page: Vec<&Item> = live
            .iter()
            .filter(|c| c.id >= from)
            .take(limit + 1)
            .collect();
        let mut out =
            json!({"results": page.iter().take(limit).map(|c| c.json.clone()).collect::<Vec<_>>()});
        if page.len() > limit {
            out["paging"] = json!({"next": {"after": page[limit].id.to_string().chars().rev().collect::<String>(), "link": "..."}});
        }
        return (200, out.to_string(), vec![]);
    }
    if method == "POST" && path.ends_with("/search") {
        s.searches += 1;
        let q: Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(_) => {
                return (
                    400,
                    json!({"status": "error", "message": "Invalid input JSON"}).to_string(),
                    vec![],
                )
            }
        };
        let modified = if object == "contacts" {
            "lastmodifieddate"
        } else {
            "hs_lastmodifieddate"
        };
        let filters = q
            .pointer("/filterGroups/0/filters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut hits: Vec<Item> = live
            .into_iter()
            .filter(|c| {
                filters.iter().all(|f| {
                    let v = number(&f["value"]);
                    let have = match f["propertyName"].as_str() {
                        Some(p) if p == modified => c.modified_ms,
                        Some("hs_object_id") => c.id,
                        // Text properties (a deal's type or pipeline): EQ.
                        Some(p) if f["operator"] == "EQ" => {
                            return c
                                .json
                                .pointer(&format!("/properties/{p}"))
                                .and_then(Value::as_str)
                                == f["value"].as_str()
                        }
                        // A property this object does not have matches nothing.
                        _ => return false,
                    };
                    match f["operator"].as_str() {
                        Some("GTE") => have >= v,
                        Some("LTE") => have <= v,
                        Some("GT") => have > v,
                        Some("EQ") => have == v,
                        _ => true,
                    }
                })
            })
            .collect();
        match q.pointer("/sorts/0/propertyName").and_then(Value::as_str) {
            Some("hs_object_id") => hits.sort_by_key(|c| c.id),
            // Ties come back in no promised order: reversed ids here.
            _ => hits.sort_by_key(|c| (c.modified_ms, -c.id)),
        }
        let limit = q["limit"].as_i64().unwrap_or(10).min(200);
        let after = q.get("after").map(number).unwrap_or(0);
        if after + limit > 10_000 {
            return (
                400,
                json!({"status": "error", "message": "There was a problem with the request.", "category": "VALIDATION_ERROR"}).to_string(),
                vec![],
            );
        }
        let total = hits.len() as i64;
        let page: Vec<Value> = hits
            .iter()
            .skip(after as usize)
            .take(limit as usize)
            .map(|c| c.json.clone())
            .collect();
        let mut out = json!({"total": total, "results": page});
        if after + limit < total {
            out["paging"] = json!({"next": {"after": (after + limit).to_string()}});
        }
        return (200, out.to_string(), vec![]);
    }
    (
        404,
        json!({"status": "error", "message": "Not found"}).to_string(),
        vec![],
    )
}

type Answer = (u16, String, Vec<(String, String)>);

fn hubspot_error(status: u16, category: &str, message: &str) -> Answer {
    (
        status,
        json!({"status": "error", "message": message, "correlationId": "fake-1", "category": category}).to_string(),
        vec![],
    )
}

/// POST /crm/v3/objects/notes: checks what HubSpot checks (a timestamp,
/// associations with a known type to records that exist) and keeps it.
fn create_note(s: &mut State, body: &str) -> Answer {
    let q: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => return hubspot_error(400, "VALIDATION_ERROR", "Invalid input JSON"),
    };
    let text = |k: &str| {
        q.pointer(&format!("/properties/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    if text("hs_timestamp").is_empty() {
        return hubspot_error(
            400,
            "VALIDATION_ERROR",
            "Property values were not valid: hs_timestamp is required",
        );
    }
    if text("hs_note_body").len() > 65_536 {
        return hubspot_error(
            400,
            "VALIDATION_ERROR",
            "hs_note_body is longer than 65536 characters",
        );
    }
    let (mut companies, mut contacts) = (Vec::new(), Vec::new());
    for a in q["associations"].as_array().into_iter().flatten() {
        let to = a
            .pointer("/to/id")
            .map(|v| number(v).to_string())
            .unwrap_or_default();
        let kind = a
            .pointer("/types/0/associationTypeId")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let exists = if kind == s.note_types.0 {
            companies.push(to.clone());
            s.companies
                .iter()
                .any(|c| c.id.to_string() == to && !c.archived)
        } else if kind == s.note_types.1 {
            contacts.push(to.clone());
            s.contacts.iter().any(|c| c.id.to_string() == to)
        } else {
            return hubspot_error(
                400,
                "VALIDATION_ERROR",
                &format!("{kind} is not a valid association type id"),
            );
        };
        if !exists {
            return hubspot_error(
                400,
                "VALIDATION_ERROR",
                &format!("One or more associations are invalid: {to} was not found"),
            );
        }
    }
    let id = 9_000_000 + s.notes.len() as i64 + 1;
    s.notes.push(Note {
        id,
        timestamp: text("hs_timestamp"),
        body: text("hs_note_body"),
        companies,
        contacts,
        created: std::time::Instant::now(),
    });
    (201, json!({"id": id.to_string(), "properties": {"hs_timestamp": text("hs_timestamp")}, "archived": false}).to_string(), vec![])
}

/// The association label lists and the notes search.
fn notes(s: &mut State, method: &str, url: &str, body: &str) -> Option<Answer> {
    if method == "GET" {
        let kind = match url {
            "/crm/v4/associations/notes/companies/labels" => s.note_types.0,
            "/crm/v4/associations/notes/contacts/labels" => s.note_types.1,
            _ => return None,
        };
        return Some((
            200,
            json!({"results": [{"category": "HUBSPOT_DEFINED", "typeId": kind, "label": null}]})
                .to_string(),
            vec![],
        ));
    }
    if method != "POST" || url != "/crm/v3/objects/notes/search" {
        return None;
    }
    s.searches += 1;
    let q: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let filter = q
        .pointer("/filterGroups/0/filters/0")
        .cloned()
        .unwrap_or(Value::Null);
    if filter["propertyName"] != "hs_note_body" || filter["operator"] != "CONTAINS_TOKEN" {
        return Some(hubspot_error(
            400,
            "VALIDATION_ERROR",
            "unsupported filter in this fake",
        ));
    }
    let token = filter["value"].as_str().unwrap_or("");
    let lag = s.search_lag;
    let hits: Vec<Value> = s
        .notes
        .iter()
        .filter(|n| n.created.elapsed() >= lag)
        .filter(|n| {
            n.body
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case(token))
        })
        .map(|n| json!({"id": n.id.to_string(), "properties": {"hs_timestamp": n.timestamp}}))
        .collect();
    Some((
        200,
        json!({"total": hits.len(), "results": hits}).to_string(),
        vec![],
    ))
}

impl Fake {
    pub fn start(companies: Vec<Company>) -> Fake {
        let state = Arc::new(Mutex::new(State {
            companies,
            note_types: (190, 202),
            ..State::default()
        }));
        let st = state.clone();
        let server = serve(move |r| {
            let (status, body, headers) =
                respond(&st, &r.method, &r.url, r.header("Authorization"), &r.body);
            Reply {
                status,
                body,
                headers,
            }
        });
        Fake {
            url: server.url.clone(),
            state,
            server,
        }
    }

    pub fn fail_next(&self, faults: &[Fault]) {
        self.state
            .lock()
            .expect("state")
            .faults
            .extend(faults.iter().copied());
    }

    pub fn edit(&self, f: impl FnOnce(&mut Vec<Company>)) {
        f(&mut self.state.lock().expect("state").companies);
    }

    pub fn requests(&self) -> u64 {
        self.state.lock().expect("state").requests
    }
}
