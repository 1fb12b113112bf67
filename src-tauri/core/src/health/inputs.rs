//! What an account's health, churn risk and alerts are computed from, read
//! "as of" any day: today for the live score, past days for backfilled
//! history and for the churn model's training snapshots. One aggregate query
//! per source table covers the whole book (or one account), and every query
//! reads what was known on that day: rows dated up to it, account fields
//! from their history (`history`), contacts by when they joined and left,
//! invoices by when they were paid or failed. `gather(day)` on the whole
//! book equals `gather(day)` on a copy cut off at that day (the time-machine
//! test in core/tests/time_machine.rs).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

use crate::error::Result;
use crate::model::{LifecycleStage, Tier};
use crate::store::{each_row, Scope};

/// None is "no data". Counts default to zero for live accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub tier: Option<Tier>,
    pub stage: Option<LifecycleStage>,
    /// ARR in the account's currency, major units: its subscriptions active
    /// on the day, else the ARR recorded for it then. None when unknown (a
    /// churned account Steward learnt of only after it left with ARR 0: the
    /// CRM's zero says nothing about it before it left).
    pub arr: Option<f64>,
    /// The currency the account's money is in.
    pub currency: String,
    /// Contract term in months (1 is month-to-month).
    pub term_months: Option<i64>,
    /// How the customer pays, as the CRM says it.
    pub payment_method: Option<String>,
    /// The CSM's own fields from import files, by key.
    pub custom: HashMap<String, String>,
    /// Days since contract start.
    pub tenure_days: Option<i64>,
    pub renewal_in_days: Option<i64>,
    /// Weekly peak of active users as % of licensed seats.
    pub seats_used_pct: Option<f64>,
    /// Average active users, last 4 weeks against the 4 before, in %.
    pub usage_trend_pct: Option<f64>,
    /// Average active users, last 3 months against the 3 before, in %.
    pub usage_quarter_pct: Option<f64>,
    /// Days with any login in the last 4 weeks.
    pub login_days_28d: Option<f64>,
    /// Feature events per active user and day over the last 4 weeks.
    pub events_per_user_day: Option<f64>,
    /// Share of live accounts of the same tier with lower seat use, in %.
    pub seat_use_percentile: Option<f64>,
    /// Average active users, last 30 days against the 90 before, in %.
    pub usage_30_vs_90_pct: Option<f64>,
    pub open_urgent_tickets: Option<i64>,
    /// Age in days of the oldest open urgent ticket.
    pub oldest_urgent_days: Option<i64>,
    pub tickets_90d: Option<i64>,
    /// Average days from opening to resolution of tickets opened in 90 days.
    pub resolution_days_90d: Option<f64>,
    /// Average CSAT (1-5) on those tickets.
    pub ticket_csat_90d: Option<f64>,
    pub nps_avg_12m: Option<f64>,
    /// Average CSAT survey answer (1-5) over 12 months.
    pub survey_csat_12m: Option<f64>,
    /// MRR now against a year ago, in % (None for accounts younger than a
    /// year or without subscriptions).
    pub mrr_change_12m_pct: Option<f64>,
    /// NPS answers of 0-6 in the last 90 days.
    pub detractors_90d: i64,
    pub invoices_12m: i64,
    pub late_or_failed_12m: i64,
    /// Invoices failed or past due and unpaid on the day.
    pub invoices_overdue: i64,
    /// Milestones whose target day passed before the day without them
    /// (full depth only), and the oldest one's title and target day.
    pub milestones_missed: i64,
    pub missed_milestone: Option<(String, NaiveDate)>,
    pub champion_present: Option<bool>,
    pub champion_left: bool,
    pub sponsor_present: Option<bool>,
    pub days_since_touch: Option<i64>,
    /// The CSM's latest rating (1-5) within its shelf life, and its age in days.
    pub sentiment: Option<(i64, i64)>,
    /// How the last touch went, when it was logged with a sentiment within
    /// the rating's shelf life, and its age in days: a bad call is not good news.
    pub checkin: Option<(CheckIn, i64)>,
    /// Days since Steward first knew the account (None when it learnt of it
    /// only after the day): "never touched" counts from then, not from a
    /// contract start years before the import.
    pub days_known: Option<i64>,
}

/// The sentiment a check-in was logged with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    Positive,
    Neutral,
    Negative,
}

impl CheckIn {
    fn parse(s: &str) -> Option<CheckIn> {
        match s {
            "positive" => Some(CheckIn::Positive),
            "neutral" => Some(CheckIn::Neutral),
            "negative" => Some(CheckIn::Negative),
            _ => None,
        }
    }
}

/// Accounts that were customers on `day`: started by then and not yet churned.
pub(crate) const LIVE_ON: &str =
    "coalesce(a.contract_start, '') <= ?1 AND (a.status = 'active' OR a.churn_date > ?1)";

/// The renewal that was next on `day`: a date that had passed moves on by
/// whole terms (a year unless the contract says otherwise): the contract
/// renewed. With `back`, a date recorded only after the day (a later cycle
/// of the same contract) also moves back to the first on or after the day;
/// a date known on the day stands as the CSM had it.
fn renewal_on_or_after(date: NaiveDate, term_months: i64, day: NaiveDate, back: bool) -> NaiveDate {
    let term = term_months.clamp(1, 120) as u32;
    let mut d = date;
    // Bounded steps: a date far from the day is a data error, not a loop.
    for _ in 0..400 {
        if d < day {
            d = crate::dates::add_months(d, term);
        } else if back {
            match d.checked_sub_months(chrono::Months::new(term)) {
                Some(earlier) if earlier >= day => d = earlier,
                _ => break,
            }
        } else {
            break;
        }
    }
    d
}

/// How much to read: health scores compare the last 3 months of usage with
/// the 3 before (180 days); warnings add 30 days against the 90 before and
/// missed milestones; the churn model's snapshots read only what its
/// features use: seat use and the 4-week trend (56 days, a third of the
/// rows), ticket counts and the NPS average (no login days, events,
/// resolution times, CSAT or detractors, which stay empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Full,
    Scores,
    ChurnFeatures,
}

impl Depth {
    /// The ranges of days before the day its usage is summed over.
    pub(crate) fn usage_bounds(self) -> &'static [i64] {
        match self {
            Depth::ChurnFeatures => &[0, 7, 28, 56],
            Depth::Scores => &[0, 7, 28, 56, 90, 180],
            Depth::Full => super::usage::BOUNDS,
        }
    }
}

/// Gathers the inputs of every account live on `day` (or of one).
pub fn gather(
    conn: &Connection,
    day: NaiveDate,
    sentiment_valid_days: i64,
    scope: Scope<'_>,
    depth: Depth,
) -> Result<HashMap<i64, Inputs>> {
    gather_with(conn, day, sentiment_valid_days, scope, depth, None)
}

/// Usage spans already read for the day (`usage::read_days`), between the
/// bounds they were read with.
pub(crate) type ReadUsage<'a> = (&'a [i64], HashMap<i64, Vec<super::usage::Span>>);

/// `gather`, with the day's usage spans given when they were read already.
pub(crate) fn gather_with(
    conn: &Connection,
    day: NaiveDate,
    sentiment_valid_days: i64,
    scope: Scope<'_>,
    depth: Depth,
    usage: Option<ReadUsage<'_>>,
) -> Result<HashMap<i64, Inputs>> {
    // Account fields as they were known on the day.
    let known = |field: &str| crate::history::as_of(conn, field, day, scope);
    let (tiers, stages, renewals) = (
        known("tier")?,
        known("lifecycle_stage")?,
        known("renewal_date")?,
    );
    // Sized for every account with a known tier up front: an account's
    // inputs are large, and growing the map moved them all a dozen times
    // (a sixth of reading a 5,000-account book's accounts).
    let mut all: HashMap<i64, Inputs> = HashMap::with_capacity(tiers.len());
    let (arrs, terms, methods) = (
        known("arr_minor")?,
        known("contract_term_months")?,
        known("payment_method")?,
    );
    let value = |map: &HashMap<i64, crate::history::Known>, id: i64| {
        map.get(&id).and_then(|k| k.value.clone())
    };
    each_row(
        conn,
        &format!(
            "SELECT a.id, a.tier, a.contract_start, a.churn_date, a.currency
             FROM accounts a WHERE {LIVE_ON} {{ONE}}"
        ),
        "a.id",
        &[&day],
        scope,
        |r| {
            let id: i64 = r.get(0)?;
            let start = crate::dates::column_opt(r, 2)?;
            let churned_on = crate::dates::column_opt(r, 3)?;
            let currency: String = r.get(4)?;
            let tier = value(&tiers, id)
                .and_then(|t| Tier::parse(&t))
                .unwrap_or(r.get(1)?);
            // A stage first recorded after the account churned says nothing
            // of the stages before.
            let stage = value(&stages, id)
                .and_then(|s| LifecycleStage::parse(&s))
                .filter(|s| *s != LifecycleStage::Churned || churned_on.is_some_and(|c| c <= day));
            let arr = arrs.get(&id).and_then(|k| {
                let minor: i64 = k.value.as_deref()?.parse().ok()?;
                if minor == 0 && !k.by_then && churned_on.is_some() {
                    return None;
                }
                Some(crate::currency::to_major(minor, &currency))
            });
            let term = value(&terms, id).and_then(|t| t.parse::<i64>().ok());
            // A month-to-month contract has no renewal to prepare: every
            // month is one, and the churn model reads the term itself.
            let renewal = renewals
                .get(&id)
                .filter(|_| term != Some(1))
                .and_then(|k| Some((crate::dates::parse(k.value.as_deref()?)?, k.by_then)))
                .map(|(d, by_then)| renewal_on_or_after(d, term.unwrap_or(12), day, !by_then));
            let inputs = Inputs {
                tier: Some(tier),
                stage,
                arr,
                currency,
                term_months: term,
                payment_method: value(&methods, id),
                tenure_days: start.map(|s| (day - s).num_days()),
                renewal_in_days: renewal.map(|d| (d - day).num_days()),
                // When Steward first knew the account: its first recorded
                // tier (the churn model does not read it).
                days_known: tiers
                    .get(&id)
                    .filter(|k| k.first <= day && depth != Depth::ChurnFeatures)
                    .map(|k| (day - k.first).num_days()),
                ..Inputs::default()
            };
            all.insert(id, inputs);
            Ok(())
        },
    )?;
    // The CSM's own fields, as they were on the day.
    let keys: Vec<String> = conn
        .prepare_cached("SELECT key FROM custom_fields ORDER BY key")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for key in keys {
        for (id, k) in crate::history::as_of(conn, &crate::history::custom(&key), day, scope)? {
            if let (Some(i), Some(v)) = (all.get_mut(&id), k.value) {
                i.custom.insert(key.clone(), v);
            }
        }
    }
    // A book with tickets by the day has a support record for every account,
    // even an empty one (no tickets is good news); a book without any has
    // no support data at all, and zero tickets would be a made-up fact.
    let has_tickets: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM tickets WHERE opened_at < ?1)",
        [format!("{}T00:00:00Z", day + Duration::days(1))],
        |r| r.get(0),
    )?;
    if has_tickets {
        for i in all.values_mut() {
            i.open_urgent_tickets = Some(0);
            i.tickets_90d = Some(0);
        }
    }

    let mut merge =
        |sql: &str,
         params: &[&dyn rusqlite::ToSql],
         apply: &dyn Fn(&rusqlite::Row<'_>, &mut Inputs) -> rusqlite::Result<()>| {
            each_row(conn, sql, "account_id", params, scope, |r| {
                if let Some(i) = all.get_mut(&r.get::<_, i64>(0)?) {
                    apply(r, i)?;
                }
                Ok(())
            })
        };

    let d = |n: i64| day - Duration::days(n);
    let end = format!("{}T00:00:00Z", day + Duration::days(1));
    let since_90 = format!("{}T00:00:00Z", d(90));
    // Small index ranges instead of every ticket of the book: urgent ones (a
    // partial index), and each live account's last 90 days.
    merge(
        "SELECT account_id, count(*), min(opened_at) FROM tickets
         WHERE priority = 'urgent' AND opened_at < ?1
           AND ((resolved_at IS NULL AND status IN ('open', 'pending')) OR resolved_at >= ?1) {ONE}
         GROUP BY account_id",
        &[&end],
        &|r, i| {
            i.open_urgent_tickets = Some(r.get(1)?);
            let oldest: Option<String> = r.get(2)?;
            i.oldest_urgent_days = oldest
                .and_then(|o| o.get(..10).and_then(crate::dates::parse))
                .map(|o| (day - o).num_days());
            Ok(())
        },
    )?;
    merge(
        &format!(
            "SELECT a.id AS account_id, count(*), {}
             FROM accounts a JOIN tickets t ON t.account_id = a.id AND t.opened_at >= ?3 AND t.opened_at < ?2
             WHERE {LIVE_ON} {{ONE}} GROUP BY a.id",
            // The churn model reads the count only.
            if depth == Depth::ChurnFeatures {
                "NULL, NULL"
            } else {
                "avg(CASE WHEN t.resolved_at < ?2 THEN julianday(t.resolved_at) - julianday(t.opened_at) END),
                 avg(CASE WHEN t.resolved_at < ?2 THEN t.csat END)"
            }
        ),
        &[&day, &end, &since_90],
        &|r, i| {
            i.tickets_90d = Some(r.get(1)?);
            i.resolution_days_90d = r.get(2)?;
            i.ticket_csat_90d = r.get(3)?;
            Ok(())
        },
    )?;
    let (year_ago, quarter_ago) = (d(365), d(90));
    let survey_params: &[&dyn rusqlite::ToSql] = if depth == Depth::ChurnFeatures {
        &[&day, &year_ago]
    } else {
        &[&day, &year_ago, &quarter_ago]
    };
    merge(
        &format!(
            "SELECT a.id AS account_id, avg(CASE WHEN s.kind = 'nps' THEN s.score END), {}
             FROM accounts a JOIN survey_responses s
               ON s.account_id = a.id AND s.responded_on > ?2 AND s.responded_on <= ?1
             WHERE {LIVE_ON} {{ONE}} GROUP BY a.id",
            // The churn model reads the NPS average only.
            if depth == Depth::ChurnFeatures {
                "0, NULL"
            } else {
                "sum(s.kind = 'nps' AND s.responded_on > ?3 AND s.score <= 6),
                 avg(CASE WHEN s.kind = 'csat' THEN s.score END)"
            }
        ),
        survey_params,
        &|r, i| {
            i.nps_avg_12m = r.get(1)?;
            i.detractors_90d = r.get(2)?;
            i.survey_csat_12m = r.get(3)?;
            Ok(())
        },
    )?;
    // Contract growth: what the account pays now against a year ago; and
    // what it paid on the day, when it had subscriptions then.
    merge(
        &format!(
            "SELECT a.id AS account_id,
                    sum(CASE WHEN s.start_date <= ?1 AND (s.end_date IS NULL OR s.end_date > ?1) THEN s.mrr_minor ELSE 0 END),
                    sum(CASE WHEN s.start_date <= ?2 AND (s.end_date IS NULL OR s.end_date > ?2) THEN s.mrr_minor ELSE 0 END),
                    a.currency
             FROM accounts a JOIN subscriptions s ON s.account_id = a.id AND s.status <> 'trialing'
               AND s.currency = a.currency AND s.start_date <= ?1
             WHERE {LIVE_ON} {{ONE}} GROUP BY a.id"
        ),
        &[&day, &d(365)],
        &|r, i| {
            let (now, before): (i64, i64) = (r.get(1)?, r.get(2)?);
            i.mrr_change_12m_pct = (before > 0 && now > 0)
                .then(|| ((now - before) as f64 / before as f64 * 1000.0).round() / 10.0);
            if now > 0 {
                let currency: String = r.get(3)?;
                i.arr = Some(crate::currency::to_major(12 * now, &currency));
            }
            Ok(())
        },
    )?;
    // Joined from live accounts so each reads one index range of a year.
    merge(
        &format!(
            "SELECT a.id, count(*),
                -- As known on the day: failed by then, or past due and paid
                -- late (or not by then). A paid invoice without a paid date
                -- counts as paid on time; without a due date an invoice is
                -- late only if it failed (and comparisons with NULL would
                -- make the whole sum NULL, hence coalesce).
                coalesce(sum(i.failed_on <= ?1 OR (i.due_on < ?1 AND (i.paid_on > i.due_on OR i.paid_on > ?1
                    OR (i.paid_on IS NULL AND i.status <> 'paid')))), 0),
                coalesce(sum((i.failed_on <= ?1 AND NOT coalesce(i.paid_on <= ?1, 0))
                    OR (i.due_on < ?1 AND NOT coalesce(i.paid_on <= ?1, i.status = 'paid'))), 0)
             FROM accounts a JOIN invoices i ON i.account_id = a.id AND i.issued_on > ?2 AND i.issued_on <= ?1
             WHERE i.status <> 'void' AND (i.status <> 'draft' OR i.paid_on <= ?1 OR i.failed_on <= ?1)
               AND {LIVE_ON} {{ONE}}
             GROUP BY a.id"
        ),
        &[&day, &d(365)],
        &|r, i| {
            i.invoices_12m = r.get(1)?;
            i.late_or_failed_12m = r.get(2)?;
            i.invoices_overdue = r.get(3)?;
            Ok(())
        },
    )?;
    // Who was there on the day: joined by then (or undated) and not yet left.
    // An account without any contact by then has no relationship record
    // (nothing known), not a missing champion: one index seek per account
    // says which have one, and the champions and sponsors (a fraction of
    // all contacts) say who.
    merge(
        &format!(
            "SELECT a.id AS account_id FROM accounts a WHERE {LIVE_ON} {{ONE}}
               AND EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND coalesce(c.started_on <= ?1, 1))"
        ),
        &[&day],
        &|_, i| {
            i.champion_present = Some(false);
            i.sponsor_present = Some(false);
            Ok(())
        },
    )?;
    merge(
        "SELECT account_id, max(role = 'champion' AND there), max(role = 'executive_sponsor' AND there),
                coalesce(max(role = 'champion' AND left_on <= ?1), 0)
         FROM (SELECT account_id, role, left_on,
                      coalesce(started_on <= ?1, 1) AND coalesce(left_on > ?1, 1) AS there
               FROM contacts WHERE role IN ('champion', 'executive_sponsor') {ONE})
         GROUP BY account_id",
        &[&day],
        &|r, i| {
            if i.champion_present.is_some() {
                i.champion_present = Some(r.get(1)?);
                i.sponsor_present = Some(r.get(2)?);
                i.champion_left = r.get(3)?;
            }
            Ok(())
        },
    )?;
    // One index seek per live account rather than a scan of every activity:
    // the last touch and how it went (its sentiment, when logged and within
    // the shelf life of a rating).
    merge(
        &format!(
            "SELECT a.id AS account_id,
                (SELECT u.occurred_on || ' ' || coalesce(u.sentiment, '') FROM activities u
                 WHERE u.account_id = a.id AND u.occurred_on <= ?1
                 ORDER BY u.occurred_on DESC, u.id DESC LIMIT 1)
             FROM accounts a WHERE {LIVE_ON} {{ONE}}"
        ),
        &[&day],
        &|r, i| {
            let last: Option<String> = r.get(1)?;
            let (on, sentiment) = last.as_deref().and_then(|l| l.split_once(' ')).unzip();
            i.days_since_touch = on
                .and_then(crate::dates::parse)
                .map(|t| (day - t).num_days());
            i.checkin = sentiment
                .and_then(CheckIn::parse)
                .zip(i.days_since_touch)
                .filter(|(_, age)| *age < sentiment_valid_days);
            Ok(())
        },
    )?;
    // The latest rating per account: max(rated_on, id) picks its row.
    merge(
        "SELECT account_id, rating, rated_on FROM sentiment_ratings s
         WHERE rated_on <= ?1 AND rated_on > ?2 {ONE}
           AND id = (SELECT id FROM sentiment_ratings t WHERE t.account_id = s.account_id AND t.rated_on <= ?1
                     ORDER BY rated_on DESC, id DESC LIMIT 1)",
        &[&day, &d(sentiment_valid_days)],
        &|r, i| {
            let on: NaiveDate = r.get(2)?;
            i.sentiment = Some((r.get(1)?, (day - on).num_days()));
            Ok(())
        },
    )?;
    if depth == Depth::Full {
        // SQLite takes the bare title from the row that gave min(), so the
        // oldest missed milestone comes with the count in one pass.
        merge(
            "SELECT account_id, count(*), min(target_date), title FROM milestones
             WHERE target_date < ?1 AND (achieved_on IS NULL OR achieved_on > ?1) {ONE}
             GROUP BY account_id",
            &[&day],
            &|r, i| {
                i.milestones_missed = r.get(1)?;
                i.missed_milestone = Some((r.get(3)?, r.get(2)?));
                Ok(())
            },
        )?;
    }
    // Usage over the ranges the windows are made of: as the rollups keep
    // it when they are of the day, else from the usage rows.
    let kept = match usage {
        Some(read) => Some(read),
        None => super::usage::kept(conn, day, scope)?.map(|spans| (super::usage::BOUNDS, spans)),
    };
    let (bounds, spans): (&[i64], _) = match kept {
        Some(read) => read,
        None => {
            let bounds = depth.usage_bounds();
            (
                bounds,
                super::usage::read(
                    conn,
                    day,
                    bounds,
                    LIVE_ON,
                    scope,
                    depth != Depth::ChurnFeatures,
                )?,
            )
        }
    };
    // Average active users over (day - older, day - newer].
    let window = |row: &[super::usage::Span], newer: i64, older: i64| {
        let (sum, count) = bounds
            .windows(2)
            .zip(row)
            .filter(|(pair, _)| pair[0] >= newer && pair[1] <= older)
            .fold((0.0, 0.0), |(s, c), (_, span)| {
                (s + span.sum, c + span.count)
            });
        (count > 0.0).then(|| sum / count)
    };
    let change = |now: Option<f64>, before: Option<f64>| match (now, before) {
        (Some(n), Some(b)) if b > 0.0 => Some(((n - b) / b * 1000.0).round() / 10.0),
        _ => None,
    };
    for (id, row) in &spans {
        let Some(i) = all.get_mut(id) else { continue };
        let week = row[0];
        i.seats_used_pct = match (week.peak, week.seats) {
            (Some(p), Some(s)) if s > 0.0 => Some((p / s * 1000.0).round() / 10.0),
            _ => None,
        };
        i.usage_trend_pct = change(window(row, 0, 28), window(row, 28, 56));
        if depth != Depth::ChurnFeatures {
            i.usage_quarter_pct = change(window(row, 0, 90), window(row, 90, 180));
        }
        if depth == Depth::Full {
            i.usage_30_vs_90_pct = change(window(row, 0, 30), window(row, 30, 120));
        }
        // The last four weeks: the spans up to 28 days back.
        let recent = bounds.windows(2).zip(row).filter(|(pair, _)| pair[1] <= 28);
        let (days, logins, active, events) =
            recent.fold((0.0, 0.0, 0.0, 0.0), |(d, l, a, e), (_, span)| {
                (
                    d + span.count,
                    l + span.login_days,
                    a + span.sum,
                    e + span.events,
                )
            });
        if days > 0.0 {
            i.login_days_28d = Some(logins);
            i.events_per_user_day = (active > 0.0).then(|| (events / active * 10.0).round() / 10.0);
        }
    }
    super::usage::seat_use_percentiles(conn, &mut all, scope)?;

    Ok(all)
}
