//! The HTTP client every connector uses: JSON in and out, a client-side
//! throttle that keeps a vendor under its documented rate, and retries of
//! what is worth retrying (429, 502, 503, 504, dropped connections and
//! timeouts) with capped exponential backoff and jitter, honouring
//! Retry-After in seconds or as an HTTP date. A 401 stops at once and asks
//! to reconnect; a 2xx whose body is not JSON (an HTML error page, a cut-off
//! body) is an error, so the caller never moves its cursor past it. The
//! token never appears in an error or a log.

use std::time::{Duration, Instant};

use serde_json::Value;
use steward_core::say;

/// Why a request failed, in words a CSM can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The token was refused: reconnect with a new one. Never retried.
    Unauthorized(String),
    /// The vendor's daily cap is spent; try again tomorrow. Never retried.
    DailyLimit(String),
    /// Still failing after every retry, or an error worth no retry.
    Vendor { status: u16, message: String },
    /// The body of a successful answer was not the JSON it should be.
    Malformed(String),
    /// No answer: offline, DNS, refused connection, timeout.
    Network(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unauthorized(m)
            | Failure::DailyLimit(m)
            | Failure::Malformed(m)
            | Failure::Network(m) => f.write_str(m),
            Failure::Vendor { status, message } => write!(f, "{message} (HTTP {status})"),
        }
    }
}

/// How patient the client is.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// First backoff; doubles per retry up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// The longest Retry-After obeyed; a longer one fails the request.
    pub longest_wait: Duration,
    /// Least time between two requests (the vendor's rate limit).
    pub spacing: Duration,
    /// Least time before a request to a slower endpoint (HubSpot's search
    /// allows about five a second and sends no rate headers to go by;
    /// Zendesk's incremental exports ten a minute).
    pub slow_spacing: Duration,
    pub timeout: Duration,
}

impl Patience {
    /// HubSpot's documented limit for the smallest plan: 100 requests in
    /// 10 seconds.
    pub fn hubspot() -> Patience {
        Patience {
            attempts: 6,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            longest_wait: Duration::from_secs(120),
            spacing: Duration::from_millis(100),
            slow_spacing: Duration::from_millis(220),
            timeout: Duration::from_secs(30),
        }
    }

    /// Stripe: 25 requests a second in test mode (100 live); keep under
    /// the lower one.
    pub fn stripe() -> Patience {
        Patience {
            spacing: Duration::from_millis(45),
            slow_spacing: Duration::ZERO,
            ..Patience::hubspot()
        }
    }

    /// Zendesk: its incremental exports allow ten requests a minute.
    pub fn zendesk() -> Patience {
        Patience {
            spacing: Duration::from_millis(100),
            slow_spacing: Duration::from_secs(6),
            ..Patience::hubspot()
        }
    }

    /// Salesforce: no per-second limit, a daily one (`REQUEST_LIMIT_EXCEEDED`
    /// stops the run); a gentle pace keeps a sync from spending it fast.
    pub fn salesforce() -> Patience {
        Patience {
            spacing: Duration::from_millis(50),
            slow_spacing: Duration::ZERO,
            timeout: Duration::from_secs(120),
            ..Patience::hubspot()
        }
    }

    /// PostHog: its query endpoint allows 120 queries an hour by default,
    /// and queries can take a while.
    pub fn posthog() -> Patience {
        Patience {
            spacing: Duration::from_secs(1),
            slow_spacing: Duration::ZERO,
            timeout: Duration::from_secs(120),
            ..Patience::hubspot()
        }
    }
}

/// How a request proves who it is.
#[derive(Clone)]
pub enum Auth {
    Bearer(String),
    /// User and password (Zendesk's "email/token" and API token).
    Basic(String, String),
}

impl Auth {
    /// Zendesk's API token form "agent@example.com/token:SECRET" is basic
    /// auth; anything else is a bearer token.
    pub fn from_secret(secret: &str) -> Auth {
        match secret.rsplit_once(':') {
            Some((user, password)) if user.ends_with("/token") => {
                Auth::Basic(user.to_string(), password.to_string())
            }
            _ => Auth::Bearer(secret.to_string()),
        }
    }
}

/// Counts a sync reports: requests made and time spent waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Traffic {
    pub requests: u64,
    pub retries: u64,
    pub waited_ms: u64,
}

pub struct Http {
    client: reqwest::blocking::Client,
    base: String,
    /// The address and secret it was made with (a Salesforce session is
    /// renewed from them); never logged.
    origin: String,
    secret: String,
    auth: Auth,
    /// Sent with every request (Stripe's pinned API version).
    headers: Vec<(&'static str, String)>,
    pub patience: Patience,
    pub traffic: Traffic,
    last: Option<Instant>,
    jitter: u64,
}

/// What a 429 or 503 asked for: seconds, or an HTTP date.
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (when.with_timezone(&chrono::Utc) - now)
        .num_milliseconds()
        .max(0);
    Some(Duration::from_millis(ms as u64))
}

impl Http {
    pub fn new(base: &str, secret: &str, patience: Patience) -> Result<Http, Failure> {
        // rustls needs one crypto provider for the process; a second
        // install is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .timeout(patience.timeout)
            .user_agent(concat!("Steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure::Network(format!("Cannot start an HTTP client: {e}")))?;
        Ok(Http {
            client,
            base: base.trim_end_matches('/').to_string(),
            origin: base.trim_end_matches('/').to_string(),
            secret: secret.to_string(),
            auth: Auth::from_secret(secret),
            headers: Vec::new(),
            patience,
            traffic: Traffic::default(),
            last: None,
            jitter: 0x9E37_79B9_7F4A_7C15 ^ u64::from(std::process::id()),
        })
    }

    /// The address the client was made for (a login address, for Salesforce).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The secret the client was made with.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }

    /// Calls another address with another bearer token from now on (a
    /// Salesforce login names the instance and the session).
    pub fn set_session(&mut self, base: &str, token: &str) {
        self.base = base.trim_end_matches('/').to_string();
        self.auth = Auth::Bearer(token.to_string());
    }

    /// An OAuth token request: a form POST to `url` (the login address, not
    /// the instance), retried like a read. A refused grant asks to reconnect.
    pub fn token(&mut self, url: &str, form: &[(&str, &str)]) -> Result<Value, Failure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.traffic.requests += 1;
            let sent = self
                .client
                .post(url)
                .header("Accept", "application/json")
                .form(form)
                .send();
            let last_try = attempt >= self.patience.attempts;
            let backoff = self.patience.base * 2u32.pow(attempt.min(8) - 1);
            let response = match sent {
                Ok(r) => r,
                Err(_) if !last_try => {
                    self.traffic.retries += 1;
                    self.pause(backoff.min(self.patience.cap));
                    continue;
                }
                Err(e) => {
                    return Err(Failure::Network(say!(
"{url} could not be reached to sign in: {e}; the last good data is kept.",
"{url} war zur Anmeldung nicht erreichbar: {e}; die letzten guten Daten bleiben."
                    )))
                }
            };
            let status = response.status().as_u16();
            let text = response.text().unwrap_or_default();
            match status {
                200..=299 => {
                    return serde_json::from_str(&text).map_err(|_| {
                        Failure::Malformed(say!(
                            "{url} answered the sign-in with something that is not JSON.",
                            "{url} hat die Anmeldung mit etwas beantwortet, das kein JSON ist."
                        ))
                    })
                }
                400 | 401 => {
                    let why = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| {
                            v.get("error_description")
                                .or_else(|| v.get("error"))
                                .cloned()
                        })
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| format!("HTTP {status}"));
                    return Err(Failure::Unauthorized(say!(
"The sign-in was refused ({why}): reconnect with new credentials. Nothing was changed.",
"Die Anmeldung wurde abgelehnt ({why}): verbinden Sie neu mit neuen Zugangsdaten. Nichts wurde geändert."
                    )));
                }
                429 | 500..=599 if !last_try => {
                    self.traffic.retries += 1;
                    self.pause(backoff.min(self.patience.cap));
                }
                _ => {
                    return Err(Failure::Vendor {
                        status,
                        message: vendor_message(&text)
                            .unwrap_or_else(|| format!("{url} refused the sign-in")),
                    })
                }
            }
        }
    }

    /// Sends this header with every request.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Http {
        self.headers.push((name, value.to_string()));
        self
    }

    fn pause(&mut self, d: Duration) {
        if d > Duration::ZERO {
            std::thread::sleep(d);
            self.traffic.waited_ms += d.as_millis() as u64;
        }
    }

    /// A factor between 0.8 and 1.2 (xorshift; no need for more).
    fn jitter(&mut self) -> f64 {
        self.jitter ^= self.jitter << 13;
        self.jitter ^= self.jitter >> 7;
        self.jitter ^= self.jitter << 17;
        0.8 + (self.jitter % 1000) as f64 / 2500.0
    }

    pub fn get(&mut self, path: &str) -> Result<Value, Failure> {
        self.send(
            reqwest::Method::GET,
            path,
            None,
            self.patience.spacing,
            true,
        )
    }

    /// A POST that reads (a batch read, a query): safe to send again.
    pub fn post(&mut self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.send(
            reqwest::Method::POST,
            path,
            Some(body),
            self.patience.spacing,
            true,
        )
    }

    /// A PATCH that sets fields to values (safe to send again).
    pub fn patch(&mut self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.send(
            reqwest::Method::PATCH,
            path,
            Some(body),
            self.patience.spacing,
            true,
        )
    }

    /// A POST that creates something. It is sent again only when the
    /// vendor certainly did not take it (a 429, a connection never made);
    /// after a 5xx, a timeout or a cut-off answer the record may exist, so
    /// the failure goes to the caller, who looks before sending again.
    pub fn create(&mut self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.send(
            reqwest::Method::POST,
            path,
            Some(body),
            self.patience.spacing,
            false,
        )
    }

    /// A search request, kept to the search endpoint's slower pace.
    pub fn search(&mut self, path: &str, body: &Value) -> Result<Value, Failure> {
        let spacing = self.patience.spacing.max(self.patience.slow_spacing);
        self.send(reqwest::Method::POST, path, Some(body), spacing, true)
    }

    /// A GET to an endpoint with a slower limit (an incremental export).
    pub fn get_slow(&mut self, path: &str) -> Result<Value, Failure> {
        let spacing = self.patience.spacing.max(self.patience.slow_spacing);
        self.send(reqwest::Method::GET, path, None, spacing, true)
    }

    fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        spacing: Duration,
        idempotent: bool,
    ) -> Result<Value, Failure> {
        // A vendor may hand back a whole address for the next page.
        let url = if path.starts_with("https://") || path.starts_with("http://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(last) = self.last {
                let since = last.elapsed();
                if since < spacing {
                    self.pause(spacing - since);
                }
            }
            self.last = Some(Instant::now());
            self.traffic.requests += 1;
            let mut request = self
                .client
                .request(method.clone(), &url)
                .header("Accept", "application/json");
            request = match &self.auth {
                Auth::Bearer(token) => request.bearer_auth(token),
                Auth::Basic(user, password) => request.basic_auth(user, Some(password)),
            };
            for (name, value) in &self.headers {
                request = request.header(*name, value);
            }
            if let Some(b) = body {
                request = request.json(b);
            }
            let backoff = {
                let exp = self.patience.base.as_millis() as f64 * 2f64.powi(attempt as i32 - 1);
                let ms = exp.min(self.patience.cap.as_millis() as f64) * self.jitter();
                Duration::from_millis(ms as u64)
            };
            let last_try = attempt >= self.patience.attempts;
            let response = match request.send() {
                Ok(r) => r,
                Err(e) => {
                    let what = if e.is_timeout() {
                        say!("timed out", "antwortete nicht rechtzeitig")
                    } else {
                        say!("could not connect", "war nicht erreichbar")
                    };
                    if last_try || !(idempotent || e.is_connect()) {
                        return Err(Failure::Network(say!(
                            "{} {what} after {attempt} tries; the last good data is kept.",
                            "{} {what} nach {attempt} Versuchen; die letzten guten Daten bleiben.",
                            self.base
                        )));
                    }
                    self.traffic.retries += 1;
                    self.pause(backoff);
                    continue;
                }
            };
            let status = response.status().as_u16();
            let wait = response
                .headers()
                .get("Retry-After")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, chrono::Utc::now()));
            // Stripe says itself whether a request is worth another try.
            let should_retry = response
                .headers()
                .get("Stripe-Should-Retry")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.eq_ignore_ascii_case("true"));
            let text = match response.text() {
                Ok(t) => t,
                Err(_) if !last_try && idempotent => {
                    // The connection dropped mid-body: worth another try.
                    self.traffic.retries += 1;
                    self.pause(backoff);
                    continue;
                }
                Err(e) => {
                    return Err(Failure::Network(say!(
                        "The answer from {} broke off: {e}",
                        "Die Antwort von {} brach ab: {e}",
                        self.base
                    )))
                }
            };
            match status {
                200..=299 => {
                    return serde_json::from_str::<Value>(&text).map_err(|_| {
                        let start: String = text.trim_start().chars().take(60).collect();
                        Failure::Malformed(say!(
"{} answered {status} with something that is not JSON (\"{}…\"); nothing was changed.",
"{} antwortete {status} mit etwas, das kein JSON ist („{}…“); nichts wurde geändert.",
                            self.base,
                            start.replace(['\n', '\r'], " ")
                        ))
                    })
                }
                401 => {
                    return Err(Failure::Unauthorized(
                        say!("The token was refused (HTTP 401): reconnect with a new one. Nothing was changed.", "Das Token wurde abgelehnt (HTTP 401): verbinden Sie neu mit einem neuen. Nichts wurde geändert."),
                    ))
                }
                // HubSpot's daily policy; Salesforce's daily API cap (403).
                429 | 403 if text.contains("\"DAILY\"") || text.contains("REQUEST_LIMIT_EXCEEDED") => {
                    return Err(Failure::DailyLimit(
                        say!("The vendor's daily request limit is spent; sync again tomorrow. What was synced is kept.", "Das tägliche Anfragelimit des Anbieters ist aufgebraucht; synchronisieren Sie morgen wieder. Was synchronisiert wurde, bleibt."),
                    ))
                }
                _ if should_retry == Some(false) => {
                    return Err(Failure::Vendor {
                        status,
                        message: vendor_message(&text)
                            .unwrap_or_else(|| format!("{} refused the request", self.base)),
                    })
                }
                429 | 502 | 503 | 504 if !last_try && (idempotent || status == 429) => {
                    let wait = wait.unwrap_or(backoff);
                    if wait > self.patience.longest_wait {
                        return Err(Failure::Vendor {
                            status,
                            message: format!("{} asked to wait {} s", self.base, wait.as_secs()),
                        });
                    }
                    self.traffic.retries += 1;
                    self.pause(wait);
                }
                409 | 500 if should_retry == Some(true) && !last_try && idempotent => {
                    self.traffic.retries += 1;
                    self.pause(backoff);
                }
                _ => {
                    return Err(Failure::Vendor {
                        status,
                        message: vendor_message(&text).unwrap_or_else(|| format!("{} refused the request", self.base)),
                    })
                }
            }
        }
    }
}

/// `text` safe inside a query string (RFC 3986 unreserved kept).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The vendor's own sentence from an error body, when it has one.
fn vendor_message(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    // HubSpot {message}, Stripe {error: {message}}, Salesforce
    // [{message, errorCode}], Zendesk {error, description}, PostHog {detail}.
    v.get("message")
        .or_else(|| v.get("error").and_then(|e| e.get("message")))
        .or_else(|| v.get(0).and_then(|e| e.get("message")))
        .or_else(|| v.get("description"))
        .or_else(|| v.get("detail"))
        .or_else(|| v.get("error").filter(|e| e.is_string()))
        .and_then(Value::as_str)
        .map(|m| m.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:58Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
