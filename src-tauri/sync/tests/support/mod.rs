//! Fake vendor servers written for these tests from the documented wire
//! formats (../shared/docs/vendor-apis.md), one module per vendor (HubSpot's
//! items are re-exported here), and what they share: a tiny HTTP server
//! answering one request at a time, the requests and replies it passes,
//! a client patience without real waits, and accounts from a file.

#![allow(dead_code)]

pub mod hubspot;
pub mod posthog;
pub mod salesforce;
pub mod stripe;
pub mod zendesk;

use std::sync::Arc;

use serde_json::Value;

pub use hubspot::*;

/// A client's patience without the real waits: retries after a
/// millisecond or few, no pacing.
pub fn quick() -> steward_sync::http::Patience {
    use std::time::Duration;
    steward_sync::http::Patience {
        attempts: 6,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        longest_wait: Duration::from_secs(2),
        spacing: Duration::ZERO,
        slow_spacing: Duration::ZERO,
        timeout: Duration::from_secs(10),
    }
}

/// `n` companies, ids from `first`, modified long ago.
pub fn companies(first: i64, n: i64) -> Vec<Company> {
    (first..first + n)
        .map(|id| Company {
            id,
            name: format!("Company {id}"),
            domain: Some(format!("company{id}.example")),
            industry: (id % 3 == 0).then(|| "Software".to_string()),
            employees: (id % 4 != 0).then(|| (id * 7 % 5000).to_string()),
            modified_ms: 1_700_000_000_000 + id,
            archived: false,
        })
        .collect()
}

/// `n` contacts from `first`, spread over companies `1..=companies`
/// (every tenth without a company), modified long ago.
pub fn contacts(first: i64, n: i64, companies: i64) -> Vec<Contact> {
    (first..first + n)
        .map(|id| Contact {
            id,
            first: format!("Dana{id}"),
            last: "Kim".into(),
            email: Some(format!("Dana{id}@Example.com")),
            title: (id % 2 == 0).then(|| "Head of Ops".to_string()),
            company: (id % 10 != 0).then_some(1 + id % companies),
            modified_ms: 1_700_000_000_000 + id,
            archived: false,
        })
        .collect()
}

/// Accounts a file brought into the book, as (id, name, domain), through
/// the same ingest path a file import takes.
pub fn file_accounts(
    conn: &mut rusqlite::Connection,
    rows: impl IntoIterator<Item = (String, String, Option<String>)>,
) {
    use rusqlite::types::Value as Sql;
    use steward_core::ingest::{Entity, Ingest, Record};
    let today = chrono::Utc::now().date_naive();
    steward_core::write::run(conn, today, |w| {
        let fields: Vec<_> = ["id", "name", "domain"]
            .iter()
            .filter_map(|k| Entity::Accounts.field(k))
            .collect();
        let mut ingest = Ingest::new(w, Entity::Accounts, "file", &fields)?;
        for (id, name, domain) in rows {
            ingest
                .upsert(&Record {
                    external_id: Some(id),
                    account_id: None,
                    values: vec![
                        Sql::Null,
                        Sql::Text(name),
                        domain.map_or(Sql::Null, Sql::Text),
                    ],
                })?
                .map_err(steward_core::Error::invalid)?;
        }
        ingest.finish()
    })
    .expect("file accounts");
}

/// One request as a fake sees it.
pub struct Request {
    pub method: String,
    /// Path and query as sent.
    pub url: String,
    pub path: String,
    /// Query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A fake's answer.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            headers: vec![],
        }
    }
}

/// A local HTTP server answering with `handler`, one request at a time.
pub struct Server {
    pub url: String,
    inner: Arc<tiny_http::Server>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.inner.unblock();
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&text[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn serve(handler: impl Fn(&Request) -> Reply + Send + 'static) -> Server {
    let inner = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("fake server"));
    let url = format!("http://{}", inner.server_addr().to_ip().expect("address"));
    let srv = inner.clone();
    std::thread::spawn(move || {
        for mut request in srv.incoming_requests() {
            let mut body = String::new();
            let _ = std::io::Read::read_to_string(request.as_reader(), &mut body);
            let url = request.url().to_string();
            let (path, query) = url.split_once('?').unwrap_or((&url, ""));
            let req = Request {
                method: request.method().as_str().to_string(),
                path: path.to_string(),
                query: query
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (decode(k), decode(v))
                    })
                    .collect(),
                headers: request
                    .headers()
                    .iter()
                    .map(|h| (h.field.to_string(), h.value.to_string()))
                    .collect(),
                url: url.clone(),
                body,
            };
            let reply = handler(&req);
            let kind = if reply.body.starts_with('<') {
                "text/html"
            } else {
                "application/json"
            };
            let mut response =
                tiny_http::Response::from_string(reply.body).with_status_code(reply.status);
            if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", kind) {
                response.add_header(h);
            }
            for (k, v) in reply.headers {
                if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                    response.add_header(h);
                }
            }
            let _ = request.respond(response);
        }
    });
    Server { url, inner }
}
