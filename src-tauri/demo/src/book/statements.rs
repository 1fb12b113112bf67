//! The statements the demo writes its book with, prepared once for every
//! row of every account, and its days of usage, queued and written a
//! statement's worth at a time.

use chrono::Utc;
use rusqlite::{params, Connection};

use steward_core::error::Result;

use super::Writer;

/// Days of usage one statement writes: millions of days, and a statement
/// per day costs about a fifth more (as in the import).
const USAGE_ROWS_AT_ONCE: usize = 64;

/// One day of an account's usage: account, day, active users, logins,
/// feature events, API calls, licensed seats.
pub(super) type UsageRow = (i64, String, i64, i64, i64, i64, i64);

/// An insert of `rows` days of usage.
fn usage_insert(rows: usize) -> String {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; rows].join(", ");
    format!(
        "INSERT INTO usage_daily(account_id, day, active_users, logins, feature_events, api_calls, licensed_seats)
         VALUES {values}"
    )
}

impl<'c> Writer<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Writer {
            conn,
            account: conn.prepare_cached(
                "INSERT INTO accounts(name, domain, industry, employees, arr_minor, crm_arr_minor, currency, tier,
                   lifecycle_stage, owner, contract_start, renewal_date, status, churn_date, churn_reason,
                   contract_term_months, payment_method, source, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16, ?17, 'demo', ?15, ?15)",
            )?,
            external: conn.prepare_cached(
                "INSERT INTO account_external_ids(source, external_id, account_id) VALUES ('demo', ?1, ?2)",
            )?,
            contact: conn.prepare_cached(
                "INSERT INTO contacts(account_id, name, email, title, role, is_primary, left_company, source, external_id,
                   started_on, left_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?10 IS NOT NULL, 'demo', ?8, ?9, ?10)",
            )?,
            history: conn.prepare_cached(
                "INSERT INTO account_history(account_id, field, value, valid_from, source, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, 'demo', ?5)",
            )?,
            usage: conn.prepare_cached(&usage_insert(1))?,
            usage_many: conn.prepare_cached(&usage_insert(USAGE_ROWS_AT_ONCE))?,
            usage_rows: Vec::with_capacity(USAGE_ROWS_AT_ONCE),
            subscription: conn.prepare_cached(
                "INSERT INTO subscriptions(account_id, plan, status, start_date, end_date, mrr_minor, currency, seats, source, external_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'demo', ?9)",
            )?,
            invoice: conn.prepare_cached(
                "INSERT INTO invoices(account_id, number, amount_minor, currency, status, issued_on, due_on, paid_on, source,
                   external_id, failed_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'demo', ?2, CASE WHEN ?5 = 'failed' THEN ?7 END)",
            )?,
            ticket: conn.prepare_cached(
                "INSERT INTO tickets(account_id, subject, priority, status, opened_at, resolved_at, csat, source, external_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'demo', ?8)",
            )?,
            survey: conn.prepare_cached(
                "INSERT INTO survey_responses(account_id, contact_id, kind, score, comment, responded_on, source, external_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'demo', ?7)",
            )?,
            activity: conn.prepare_cached(
                "INSERT INTO activities(account_id, kind, occurred_on, summary, sentiment, next_steps, source, external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'demo', ?7, ?8)",
            )?,
            activity_contact: conn.prepare_cached(
                "INSERT OR IGNORE INTO activity_contacts(activity_id, contact_id) VALUES (?1, ?2)",
            )?,
            task: conn.prepare_cached(
                "INSERT INTO tasks(account_id, activity_id, title, due_on, done_at, source, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'demo', ?6)",
            )?,
            sentiment: conn.prepare_cached(
                "INSERT INTO sentiment_ratings(account_id, rating, note, rated_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            now: Utc::now().to_rfc3339(),
        })
    }
}

impl Writer<'_> {
    /// Queues a day of usage, writing the queue when a statement's worth
    /// is waiting.
    pub(super) fn push_usage(&mut self, row: UsageRow) -> Result<()> {
        self.usage_rows.push(row);
        if self.usage_rows.len() == USAGE_ROWS_AT_ONCE {
            self.write_usage()?;
        }
        Ok(())
    }

    /// Writes the days of usage waiting: a full batch in one statement,
    /// fewer one by one.
    pub(super) fn write_usage(&mut self) -> Result<()> {
        if self.usage_rows.len() == USAGE_ROWS_AT_ONCE {
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(USAGE_ROWS_AT_ONCE * 7);
            for (id, day, active, logins, events, api, seats) in &self.usage_rows {
                values.extend([
                    id as &dyn rusqlite::ToSql,
                    day,
                    active,
                    logins,
                    events,
                    api,
                    seats,
                ]);
            }
            self.usage_many.execute(values.as_slice())?;
        } else {
            for (id, day, active, logins, events, api, seats) in &self.usage_rows {
                self.usage
                    .execute(params![id, day, active, logins, events, api, seats])?;
            }
        }
        self.usage_rows.clear();
        Ok(())
    }
}
