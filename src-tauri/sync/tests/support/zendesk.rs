//! A fake Zendesk written for these tests from the documented wire format
//! (../shared/docs/vendor-apis.md): the time-based organization export
//! (`start_time`, `end_time`, `end_of_stream`, and a 422 for a start time
//! less than a minute old), the cursor-based ticket export (`start_time`
//! then `cursor`, `after_cursor`, `end_of_stream`, metric sets on
//! request), basic auth with an API token, and the exports' rate limit
//! answered with 429 and `Retry-After`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::{serve, Reply, Request, Server};

pub const SECRET: &str = "agent@example.com/token:ztoken123";
/// Basic auth of SECRET: base64("agent@example.com/token:ztoken123").
const AUTH: &str = "Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46enRva2VuMTIz";

#[derive(Debug, Clone)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub domains: Vec<String>,
    pub updated: i64,
}

#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: i64,
    pub organization: Option<i64>,
    pub subject: String,
    pub priority: Option<&'static str>,
    pub status: &'static str,
    pub created: i64,
    pub updated: i64,
    pub solved: Option<i64>,
    pub rating: Option<&'static str>,
}

pub struct State {
    pub organizations: Vec<Organization>,
    pub tickets: Vec<Ticket>,
    /// Export requests allowed per `window`.
    pub limit: usize,
    pub window: std::time::Duration,
    recent: VecDeque<std::time::Instant>,
    pub requests: u64,
    pub limited: u64,
    pub page_size: usize,
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn render(t: &Ticket) -> Value {
    json!({
        "id": t.id, "url": format!("https://example.zendesk.com/api/v2/tickets/{}.json", t.id),
        "subject": t.subject, "priority": t.priority, "status": t.status,
        "organization_id": t.organization, "created_at": iso(t.created), "updated_at": iso(t.updated),
        "satisfaction_rating": t.rating.map(|r| json!({"score": r})),
        "generated_timestamp": t.updated,
    })
}

fn respond(state: &Mutex<State>, r: &Request) -> Reply {
    let mut s = state.lock().expect("state");
    s.requests += 1;
    if r.header("Authorization") != Some(AUTH) {
        return Reply::json(401, json!({"error": "Couldn't authenticate you"}));
    }
    let now = std::time::Instant::now();
    let window = s.window;
    while s
        .recent
        .front()
        .is_some_and(|f| now.duration_since(*f) >= window)
    {
        s.recent.pop_front();
    }
    if s.recent.len() >= s.limit {
        s.limited += 1;
        let mut reply = Reply::json(
            429,
            json!({"error": "APIRateLimitExceeded", "description": "Number of allowed incremental export API requests per minute exceeded"}),
        );
        reply.headers.push(("Retry-After".into(), "1".into()));
        return reply;
    }
    s.recent.push_back(now);
    let size = s.page_size;
    match r.path.as_str() {
        "/api/v2/incremental/organizations.json" => {
            let start: i64 = r
                .param("start_time")
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1);
            if start < 0 {
                return Reply::json(
                    400,
                    json!({"error": "InvalidValue", "description": "start_time is required"}),
                );
            }
            if start > chrono::Utc::now().timestamp() - 60 {
                return Reply::json(
                    422,
                    json!({"error": "InvalidValue", "description": "Too recent start_time. Use a start_time older than 1 minute"}),
                );
            }
            let mut orgs: Vec<&Organization> = s
                .organizations
                .iter()
                .filter(|o| o.updated >= start)
                .collect();
            orgs.sort_by_key(|o| (o.updated, o.id));
            let page: Vec<&Organization> = orgs.iter().take(size).copied().collect();
            let end = page.last().map_or(start, |o| o.updated);
            let body: Vec<Value> = page
                .iter()
                .map(|o| {
                    json!({"id": o.id, "name": o.name, "domain_names": o.domains,
                                "updated_at": iso(o.updated), "deleted_at": null})
                })
                .collect();
            Reply::json(
                200,
                json!({
                    "organizations": body, "count": body.len(), "end_time": end,
                    "end_of_stream": orgs.len() <= size,
                    "next_page": format!("/api/v2/incremental/organizations.json?start_time={end}"),
                }),
            )
        }
        "/api/v2/incremental/tickets/cursor.json" => {
            let mut all: Vec<&Ticket> = s.tickets.iter().collect();
            all.sort_by_key(|t| (t.updated, t.id));
            // The opaque cursor: the last (updated, id) sent, reversed.
            let from: Option<(i64, i64)> = match (r.param("cursor"), r.param("start_time")) {
                (Some(c), _) => {
                    let plain: String = c.chars().rev().collect();
                    match plain.split_once('.') {
                        Some((u, i)) => Some((u.parse().unwrap_or(0), i.parse().unwrap_or(0))),
                        None => {
                            return Reply::json(
                                400,
                                json!({"error": "InvalidPaginationParameter", "description": "cursor is invalid"}),
                            )
                        }
                    }
                }
                (None, Some(t)) => Some((t.parse::<i64>().unwrap_or(0) - 1, i64::MAX)),
                (None, None) => {
                    return Reply::json(
                        400,
                        json!({"error": "InvalidValue", "description": "start_time or cursor is required"}),
                    )
                }
            };
            let rest: Vec<&Ticket> = all
                .into_iter()
                .filter(|t| from.is_none_or(|f| (t.updated, t.id) > f))
                .collect();
            let page: Vec<&Ticket> = rest.iter().take(size).copied().collect();
            let last = page
                .last()
                .map(|t| (t.updated, t.id))
                .or(from)
                .unwrap_or((0, 0));
            let cursor: String = format!("{}.{}", last.0, last.1).chars().rev().collect();
            let mut out = json!({
                "tickets": page.iter().map(|t| render(t)).collect::<Vec<_>>(),
                "after_cursor": cursor,
                "before_cursor": null,
                "after_url": format!("/api/v2/incremental/tickets/cursor.json?cursor={cursor}"),
                "end_of_stream": rest.len() <= size,
            });
            if r.param("include") == Some("metric_sets") {
                out["metric_sets"] = page
                    .iter()
                    .map(|t| json!({"ticket_id": t.id, "solved_at": t.solved.map(iso)}))
                    .collect();
            }
            Reply::json(200, out)
        }
        _ => Reply::json(
            404,
            json!({"error": "InvalidEndpoint", "description": "Not found"}),
        ),
    }
}

pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    _server: Server,
}

impl Fake {
    pub fn start(organizations: Vec<Organization>, tickets: Vec<Ticket>) -> Fake {
        let state = Arc::new(Mutex::new(State {
            organizations,
            tickets,
            limit: 10,
            window: std::time::Duration::from_secs(2),
            recent: VecDeque::new(),
            requests: 0,
            limited: 0,
            page_size: 100,
        }));
        let st = state.clone();
        let server = serve(move |r| respond(&st, r));
        Fake {
            url: server.url.clone(),
            state,
            _server: server,
        }
    }
}

/// `n` organizations with a domain each, updated long ago.
pub fn organizations(n: i64) -> Vec<Organization> {
    (1..=n)
        .map(|id| Organization {
            id: 9000 + id,
            name: format!("Org {id}"),
            domains: vec![format!("org{id}.example")],
            updated: 1_700_000_000 + id * 60,
        })
        .collect()
}

/// `n` tickets spread over the organizations (every 20th without one).
pub fn tickets(n: i64, organizations: i64) -> Vec<Ticket> {
    (1..=n)
        .map(|id| {
            let status = match id % 5 {
                0 => "solved",
                1 => "closed",
                2 => "pending",
                3 => "new",
                _ => "open",
            };
            let created = 1_710_000_000 + id * 3_600;
            Ticket {
                id,
                organization: (id % 20 != 0).then_some(9001 + id % organizations),
                subject: format!("Ticket {id}"),
                priority: [
                    Some("low"),
                    Some("normal"),
                    Some("high"),
                    Some("urgent"),
                    None,
                ][(id % 5) as usize],
                status,
                created,
                updated: created + 7_200,
                solved: matches!(status, "solved" | "closed").then_some(created + 5_400),
                rating: match id % 7 {
                    0 => Some("good"),
                    1 => Some("bad"),
                    2 => Some("offered"),
                    _ => None,
                },
            }
        })
        .collect()
}
