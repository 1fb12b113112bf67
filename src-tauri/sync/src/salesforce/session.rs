//! Signing in to Salesforce and calling the instance it names, with an
//! expired session renewed once.

use serde_json::Value;

use steward_core::error::{Error, Result};

use super::{failure, API};
use crate::http::{encode, Failure, Http};
use crate::Vendor;
use steward_core::say;

/// The parts of the stored secret: client id, client secret and, for the
/// refresh-token flow, the refresh token.
pub(super) fn credentials(secret: &str) -> Result<(String, String, Option<String>)> {
    let mut parts = secret.trim().splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(s), refresh) if !id.is_empty() && !s.is_empty() => Ok((
            id.to_string(),
            s.to_string(),
            refresh.filter(|r| !r.is_empty()).map(str::to_string),
        )),
        _ => Err(Error::invalid(say!(
            "Salesforce needs {}.",
            "Salesforce braucht {}.",
            Vendor::Salesforce.secret_help()
        ))),
    }
}

/// Signs in at `login` and points the client at the instance it names.
pub(crate) fn sign_in(http: &mut Http, login: &str, secret: &str) -> Result<()> {
    let (id, client_secret, refresh) = credentials(secret)?;
    let url = format!("{}/services/oauth2/token", login.trim_end_matches('/'));
    let mut form = vec![
        ("client_id", id.as_str()),
        ("client_secret", client_secret.as_str()),
    ];
    match &refresh {
        Some(r) => {
            form.push(("grant_type", "refresh_token"));
            form.push(("refresh_token", r.as_str()));
        }
        None => form.push(("grant_type", "client_credentials")),
    }
    let answer = http.token(&url, &form).map_err(failure)?;
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(token), Some(instance)) = (text("access_token"), text("instance_url")) else {
        return Err(Error::invalid(
            "Salesforce: the sign-in answered without a session or an instance; nothing was changed.",
        ));
    };
    http.set_session(&instance, &token);
    Ok(())
}

/// A session: the client, and how to sign in again when it expires.
pub(crate) struct Session<'a> {
    login: String,
    secret: String,
    http: &'a mut Http,
}

impl<'a> Session<'a> {
    /// A session on a client already signed in.
    pub(crate) fn new(http: &'a mut Http, login: &str, secret: &str) -> Session<'a> {
        Session {
            login: login.to_string(),
            secret: secret.to_string(),
            http,
        }
    }

    /// Signs in with the client's own address and secret.
    pub(crate) fn open(http: &'a mut Http) -> Result<Session<'a>> {
        let login = http.origin().to_string();
        let secret = http.secret().to_string();
        sign_in(http, &login, &secret)?;
        Ok(Session {
            login,
            secret,
            http,
        })
    }

    /// A record created on the instance; an expired session (refused, so
    /// nothing was created) is renewed once. Other failures go back as
    /// they are: the caller knows whether the record may exist.
    pub(crate) fn create(
        &mut self,
        path: &str,
        body: &Value,
    ) -> std::result::Result<Value, Failure> {
        match self.http.create(path, body) {
            Err(Failure::Unauthorized(_)) => {
                let (login, secret) = (self.login.clone(), self.secret.clone());
                if sign_in(self.http, &login, &secret).is_err() {
                    return Err(Failure::Unauthorized(
                        "Salesforce refused the sign-in: reconnect with new credentials.".into(),
                    ));
                }
                self.http.create(path, body)
            }
            other => other,
        }
    }

    /// A PATCH on the instance (fields set to values; safe to repeat); an
    /// expired session is renewed once.
    pub(crate) fn patch(&mut self, path: &str, body: &Value) -> Result<Value> {
        match self.http.patch(path, body) {
            Err(Failure::Unauthorized(_)) => {
                let (login, secret) = (self.login.clone(), self.secret.clone());
                sign_in(self.http, &login, &secret)?;
                self.http.patch(path, body).map_err(failure)
            }
            other => other.map_err(failure),
        }
    }

    /// A GET on the instance; an expired session is renewed once.
    pub(crate) fn get(&mut self, path: &str) -> Result<Value> {
        match self.http.get(path) {
            Err(Failure::Unauthorized(_)) => {
                sign_in(self.http, &self.login, &self.secret)?;
                self.http.get(path).map_err(failure)
            }
            other => other.map_err(failure),
        }
    }

    pub(crate) fn query(&mut self, soql: &str) -> Result<Value> {
        self.get(&format!("{API}/query?q={}", encode(soql)))
    }
}
