//! A fake Salesforce written for these tests from the documented wire
//! format (../shared/docs/vendor-apis.md): a login server whose token
//! endpoint answers the refresh-token and client-credentials flows with an
//! access token and an `instance_url` on a second server (so a client that
//! calls the login address for data fails); sessions that expire
//! (`401 [{"errorCode":"INVALID_SESSION_ID"}]`); SOQL over Account, Contact
//! and Opportunity with `SystemModstamp >=`, `ORDER BY SystemModstamp, Id`
//! and `COUNT()`, answered in batches with a relative `nextRecordsUrl`;
//! datetimes as `2025-06-02T10:11:12.000+0000`; the deleted endpoint and
//! its 15-day window; the daily cap as `403 REQUEST_LIMIT_EXCEEDED`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::{serve, Reply, Request, Server};

pub const CLIENT_ID: &str = "3MVG9fake";
pub const CLIENT_SECRET: &str = "s3cr3t";
pub const REFRESH: &str = "5Aep861refresh";
/// The stored secret of the refresh-token flow.
pub const SECRET: &str = "3MVG9fake:s3cr3t:5Aep861refresh";

/// A record (an account, a contact, an opportunity, a task made through
/// the API): its object, id, stamp (ms) and fields as Salesforce sends them.
#[derive(Debug, Clone)]
pub struct Sobject {
    pub object: &'static str,
    pub id: String,
    pub modstamp_ms: i64,
    pub fields: Map<String, Value>,
}

#[derive(Default)]
pub struct State {
    pub records: Vec<Sobject>,
    /// (object, id, when in ms) of deleted records.
    pub deleted: Vec<(&'static str, String, i64)>,
    pub batch: usize,
    /// The current session's token; older ones are refused.
    pub token: String,
    pub sessions: u32,
    /// Requests the instance takes before the session expires.
    pub expire_after: Option<u32>,
    pub since_session: u32,
    /// Requests a day before REQUEST_LIMIT_EXCEEDED.
    pub daily_limit: u32,
    pub requests: u32,
    pub queries: Vec<String>,
    /// Query results still being paged, by locator.
    locators: HashMap<String, Vec<Value>>,
    pub instance_url: String,
    /// For the next task creations: Some(true) makes the task and then
    /// answers 502, Some(false) answers 502 without making it.
    pub create_faults: std::collections::VecDeque<bool>,
}

pub struct Fake {
    /// The login address (connect here).
    pub url: String,
    pub state: Arc<Mutex<State>>,
    _login: Server,
    _instance: Server,
}

pub fn stamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string())
        .unwrap_or_default()
}

fn parse_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn errors(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!([{"message": message, "errorCode": code, "fields": []}]),
    )
}

fn login(s: &mut State, r: &Request) -> Reply {
    let form: HashMap<String, String> = r
        .body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%3A", ":")))
        .collect();
    let get = |k: &str| form.get(k).map(String::as_str);
    let good = get("client_id") == Some(CLIENT_ID)
        && get("client_secret") == Some(CLIENT_SECRET)
        && match get("grant_type") {
            Some("refresh_token") => get("refresh_token") == Some(REFRESH),
            Some("client_credentials") => true,
            _ => false,
        };
    if r.method != "POST" || r.path != "/services/oauth2/token" || !good {
        return Reply::json(
            400,
            json!({"error": "invalid_grant", "error_description": "authentication failure"}),
        );
    }
    s.sessions += 1;
    s.since_session = 0;
    s.token = format!("00Dfake!session{}", s.sessions);
    Reply::json(
        200,
        json!({"access_token": s.token, "instance_url": s.instance_url, "id": "https://login.example/id/00D/005",
               "token_type": "Bearer", "issued_at": "1700000000000", "signature": "sig"}),
    )
}

fn render(r: &Sobject, fields: &[String]) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": r.object, "url": format!("/services/data/v62.0/sobjects/{}/{}", r.object, r.id)}),
    );
    for f in fields {
        let v = match f.as_str() {
            "Id" => json!(r.id),
            "SystemModstamp" => json!(stamp(r.modstamp_ms)),
            other => r.fields.get(other).cloned().unwrap_or(Value::Null),
        };
        out.insert(f.clone(), v);
    }
    Value::Object(out)
}

/// POST sobjects/Task: checks what Salesforce checks (a subject, a WhatId
/// that exists, a WhoId that is a contact) and keeps it.
fn create_task(s: &mut State, body: &str) -> Reply {
    let fault = s.create_faults.pop_front();
    if fault == Some(false) {
        return Reply {
            status: 502,
            body: "<html><body>Bad gateway</body></html>".into(),
            headers: vec![],
        };
    }
    let Ok(Value::Object(task)) = serde_json::from_str::<Value>(body) else {
        return errors(400, "JSON_PARSER_ERROR", "Unexpected character");
    };
    let exists = |object: &str, id: Option<&Value>| {
        id.and_then(Value::as_str)
            .is_some_and(|id| s.records.iter().any(|r| r.object == object && r.id == id))
    };
    if task
        .get("Subject")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return errors(
            400,
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [Subject]",
        );
    }
    if !exists("Account", task.get("WhatId")) {
        return errors(
            400,
            "FIELD_INTEGRITY_EXCEPTION",
            "Related To ID: id value of incorrect type",
        );
    }
    if task.contains_key("WhoId") && !exists("Contact", task.get("WhoId")) {
        return errors(
            400,
            "FIELD_INTEGRITY_EXCEPTION",
            "Name ID: id value of incorrect type",
        );
    }
    let id = format!(
        "00T{:015}",
        s.records.iter().filter(|r| r.object == "Task").count() + 1
    );
    s.records.push(Sobject {
        object: "Task",
        id: id.clone(),
        modstamp_ms: chrono::Utc::now().timestamp_millis(),
        fields: task,
    });
    if fault == Some(true) {
        return Reply {
            status: 502,
            body: "<html><body>Bad gateway</body></html>".into(),
            headers: vec![],
        };
    }
    Reply::json(201, json!({"id": id, "success": true, "errors": []}))
}

/// SELECT a, b FROM X [WHERE SystemModstamp >= T | Subject LIKE '%t%'] [ORDER BY ...] [LIMIT n]
fn query(s: &mut State, soql: &str) -> Reply {
    s.queries.push(soql.to_string());
    let Some((select, rest)) = soql
        .strip_prefix("SELECT ")
        .and_then(|q| q.split_once(" FROM "))
    else {
        return errors(400, "MALFORMED_QUERY", "unexpected token");
    };
    let object = rest.split_whitespace().next().unwrap_or("").to_string();
    let since = rest
        .split_once("SystemModstamp >= ")
        .and_then(|(_, t)| t.split_whitespace().next())
        .map(|t| parse_time(t).ok_or(()));
    let since = match since {
        Some(Err(())) => {
            return errors(
                400,
                "MALFORMED_QUERY",
                "value of filter criterion for field 'SystemModstamp' must be of type dateTime",
            )
        }
        Some(Ok(ms)) => Some(ms),
        None => None,
    };
    let limit = rest
        .split_once(" LIMIT ")
        .and_then(|(_, n)| n.trim().parse::<usize>().ok());
    let like = rest
        .split_once("Subject LIKE '%")
        .and_then(|(_, t)| t.split_once("%'"))
        .map(|(t, _)| t.to_string());
    let mut hits: Vec<&Sobject> = s
        .records
        .iter()
        .filter(|r| r.object == object && since.is_none_or(|ms| r.modstamp_ms >= ms))
        .filter(|r| {
            like.as_deref().is_none_or(|t| {
                r.fields
                    .get("Subject")
                    .and_then(Value::as_str)
                    .is_some_and(|sub| sub.contains(t))
            })
        })
        .collect();
    if select.trim() == "COUNT()" {
        return Reply::json(
            200,
            json!({"totalSize": hits.len(), "done": true, "records": []}),
        );
    }
    if rest.contains("ORDER BY Name") {
        hits.sort_by(|a, b| {
            a.fields
                .get("Name")
                .map(Value::to_string)
                .cmp(&b.fields.get("Name").map(Value::to_string))
        });
    } else {
        hits.sort_by(|a, b| (a.modstamp_ms, &a.id).cmp(&(b.modstamp_ms, &b.id)));
    }
    if let Some(n) = limit {
        hits.truncate(n);
    }
    let fields: Vec<String> = select.split(',').map(|f| f.trim().to_string()).collect();
    for f in &fields {
        let known = ["Id", "SystemModstamp"].contains(&f.as_str())
            || s.records
                .iter()
                .filter(|r| r.object == object)
                .any(|r| r.fields.contains_key(f));
        if !known && !s.records.iter().any(|r| r.object == object) {
            continue;
        }
        if !known {
            return errors(
                400,
                "INVALID_FIELD",
                &format!("No such column '{f}' on entity '{object}'."),
            );
        }
    }
    let rows: Vec<Value> = hits.iter().map(|r| render(r, &fields)).collect();
    page(s, rows, 0)
}

fn page(s: &mut State, rows: Vec<Value>, offset: usize) -> Reply {
    let total = rows.len();
    let end = (offset + s.batch).min(total);
    let mut out =
        json!({"totalSize": total, "done": end >= total, "records": rows[offset..end].to_vec()});
    if end < total {
        let locator = format!("01gFAKE{}", s.locators.len() + 1);
        out["nextRecordsUrl"] = json!(format!("/services/data/v62.0/query/{locator}-{end}"));
        s.locators.insert(locator, rows);
    }
    Reply::json(200, out)
}

fn instance(s: &mut State, r: &Request) -> Reply {
    s.requests += 1;
    s.since_session += 1;
    if s.requests > s.daily_limit {
        return errors(
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        );
    }
    let expired = s.expire_after.is_some_and(|n| s.since_session > n);
    if r.header("Authorization") != Some(&format!("Bearer {}", s.token)) || expired {
        return errors(401, "INVALID_SESSION_ID", "Session expired or invalid");
    }
    if r.method == "PATCH" && r.path == "/services/data/v62.0/composite/sobjects" {
        let q: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        let mut results = Vec::new();
        for rec in q["records"].as_array().into_iter().flatten() {
            let id = rec["id"].as_str().unwrap_or("").to_string();
            let Some(target) = s
                .records
                .iter_mut()
                .find(|x| x.object == "Account" && x.id == id)
            else {
                results.push(json!({"id": id, "success": false, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}]}));
                continue;
            };
            for (k, v) in rec.as_object().into_iter().flatten() {
                if k != "attributes" && k != "id" {
                    target.fields.insert(k.clone(), v.clone());
                }
            }
            target.modstamp_ms = chrono::Utc::now().timestamp_millis();
            results.push(json!({"id": id, "success": true, "errors": []}));
        }
        return Reply::json(200, Value::Array(results));
    }
    if r.method == "POST" && r.path == "/services/data/v62.0/sobjects/Task" {
        return create_task(s, &r.body);
    }
    if r.path == "/services/data/v62.0/query" || r.path == "/services/data/v62.0/query/" {
        let q = r.param("q").unwrap_or("").to_string();
        return query(s, &q);
    }
    if let Some(rest) = r.path.strip_prefix("/services/data/v62.0/query/") {
        let Some((locator, offset)) = rest.rsplit_once('-') else {
            return errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        };
        let Some(rows) = s.locators.get(locator).cloned() else {
            return errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        };
        return page(s, rows, offset.parse().unwrap_or(0));
    }
    if let Some(rest) = r.path.strip_prefix("/services/data/v62.0/sobjects/") {
        if let Some(object) = rest.strip_suffix("/deleted/") {
            let (Some(start), Some(end)) = (
                r.param("start").and_then(parse_time),
                r.param("end").and_then(parse_time),
            ) else {
                return errors(400, "MALFORMED_QUERY", "start and end are required");
            };
            let earliest = chrono::Utc::now().timestamp_millis() - 15 * 86_400_000;
            if start < earliest {
                return errors(
                    400,
                    "INVALID_REPLICATION_DATE",
                    "startDate cannot be more than 15 days ago",
                );
            }
            let gone: Vec<Value> = s
                .deleted
                .iter()
                .filter(|(o, _, at)| *o == object && *at >= start && *at <= end)
                .map(|(_, id, at)| json!({"id": id, "deletedDate": stamp(*at)}))
                .collect();
            return Reply::json(
                200,
                json!({"deletedRecords": gone, "earliestDateAvailable": stamp(earliest), "latestDateCovered": stamp(end)}),
            );
        }
    }
    errors(404, "NOT_FOUND", "The requested resource does not exist")
}

impl Fake {
    pub fn start(records: Vec<Sobject>) -> Fake {
        let state = Arc::new(Mutex::new(State {
            records,
            batch: 2000,
            daily_limit: u32::MAX,
            ..State::default()
        }));
        let st = state.clone();
        let instance_server = serve(move |r| instance(&mut st.lock().expect("state"), r));
        state.lock().expect("state").instance_url = instance_server.url.clone();
        let st = state.clone();
        let login_server = serve(move |r| login(&mut st.lock().expect("state"), r));
        Fake {
            url: login_server.url.clone(),
            state,
            _login: login_server,
            _instance: instance_server,
        }
    }

    /// Removes a record as Salesforce's recycle bin would, `ms` now.
    pub fn delete(&self, object: &'static str, id: &str, ms: i64) {
        let mut s = self.state.lock().expect("state");
        s.records.retain(|r| !(r.object == object && r.id == id));
        s.deleted.push((object, id.to_string(), ms));
    }
}

fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub fn account(n: i64, modstamp_ms: i64) -> Sobject {
    Sobject {
        object: "Account",
        id: format!("001{n:015}"),
        modstamp_ms,
        fields: fields(&[
            ("Name", json!(format!("Account {n}"))),
            (
                "Website",
                json!(format!("https://www.account{n}.example/home")),
            ),
            (
                "Industry",
                if n % 2 == 0 {
                    json!("Manufacturing")
                } else {
                    Value::Null
                },
            ),
            ("NumberOfEmployees", json!(n * 10)),
            ("Renewal_Date__c", json!(format!("2027-0{}-15", 1 + n % 9))),
            ("Tier__c", json!(["A", "B", "C"][(n % 3) as usize])),
        ]),
    }
}

pub fn contact(n: i64, account: i64, modstamp_ms: i64) -> Sobject {
    Sobject {
        object: "Contact",
        id: format!("003{n:015}"),
        modstamp_ms,
        fields: fields(&[
            ("AccountId", json!(format!("001{account:015}"))),
            ("FirstName", json!(format!("Kim{n}"))),
            ("LastName", json!("Berger")),
            ("Email", json!(format!("Kim{n}@Account{account}.example"))),
            ("Title", json!("VP Operations")),
        ]),
    }
}

pub fn opportunity(
    n: i64,
    account: i64,
    kind: &str,
    close: &str,
    amount: f64,
    modstamp_ms: i64,
) -> Sobject {
    Sobject {
        object: "Opportunity",
        id: format!("006{n:015}"),
        modstamp_ms,
        fields: fields(&[
            ("AccountId", json!(format!("001{account:015}"))),
            ("Name", json!(format!("Opportunity {n}"))),
            ("StageName", json!("Negotiation/Review")),
            ("Type", json!(kind)),
            ("Amount", json!(amount)),
            ("CloseDate", json!(close)),
            ("IsClosed", json!(false)),
            ("IsWon", json!(false)),
        ]),
    }
}

pub fn contract(n: i64, account: i64, status: &str, start: &str, end: &str, term: i64) -> Sobject {
    Sobject {
        object: "Contract",
        id: format!("800{n:015}"),
        modstamp_ms: 1_700_000_000_000,
        fields: fields(&[
            ("AccountId", json!(format!("001{account:015}"))),
            ("Status", json!(status)),
            ("StartDate", json!(start)),
            ("EndDate", json!(end)),
            ("ContractTerm", json!(term)),
        ]),
    }
}
