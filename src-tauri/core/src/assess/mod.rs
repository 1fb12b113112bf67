//! Assessment ties health, churn risk and alerts together and stores the
//! result: the current score of every live account (`health_scores`, what
//! lists and Today read), one history point per account per day
//! (`health_history`), and alerts in line with the rules. It runs for the
//! whole book (start of day, import, settings saved) or for one account after
//! a write that touches it (check-in, sentiment), which takes a few
//! milliseconds.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::alerts::{self, SyncSummary};
use crate::churn::{self, Risk};
use crate::error::{Error, Result};
use crate::health::{self, inputs, settings, Band, Settings};
use crate::say;
use crate::store::Scope;
use crate::write::{Changes, Write};

mod points;
pub use points::{
    backfill_history, history, week_changes, BandCounts, BandMove, HealthPoint, WeekChanges,
};
use points::{count_new_points, scores_on, sort_moves, stored_on, StoredScore};

#[derive(Debug, Clone, Copy, Default, Serialize, TS)]
pub struct AssessSummary {
    pub accounts: u32,
    pub alerts: SyncSummary,
}

/// Scores, predicts and raises alerts for the book (or one account) as of
/// `today`, in the caller's transaction. Playbooks are applied to newly
/// raised alerts only when `apply_playbooks` (not on a book's first
/// assessment, which would bury the CSM in tasks for old problems).
pub(crate) fn run(
    conn: &Connection,
    today: NaiveDate,
    scope: Scope<'_>,
    apply_playbooks: bool,
) -> Result<AssessSummary> {
    let current = settings::current(conn)?;
    let s = &current.settings;
    let all_inputs = inputs::gather(
        conn,
        today,
        s.thresholds.sentiment_valid_days,
        scope,
        inputs::Depth::Full,
    )?;
    let model = churn::current(conn)?;
    let before = scores_on(
        conn,
        today - Duration::days(s.alerts.drop_days),
        current.version,
        scope,
    )?;
    let week_ago = scores_on(conn, today - Duration::days(7), current.version, scope)?;

    let mut upsert = conn.prepare_cached(
        "INSERT INTO health_scores(account_id, model_version, score, band, biggest_drag, churn_risk, risk_factors, change_7d, computed_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(account_id) DO UPDATE SET model_version = excluded.model_version, score = excluded.score,
           band = excluded.band, biggest_drag = excluded.biggest_drag, churn_risk = excluded.churn_risk,
           risk_factors = excluded.risk_factors, change_7d = excluded.change_7d,
           computed_on = excluded.computed_on",
    )?;
    // An account whose score, risk and point of the day are as the day's
    // earlier assessment stored them is not written again: a reassessment
    // after an import, a sync or an edit writes only what moved.
    let stored = if scope == Scope::Book {
        stored_on(conn, today, all_inputs.len())?
    } else {
        HashMap::new()
    };
    let today_text = today.to_string();
    // The day's point: a new one is counted into the day's bands below; one
    // the day's earlier assessment wrote is changed only where it moved
    // (its band count then follows by trigger).
    let mut insert_point = conn.prepare_cached(
        "INSERT OR IGNORE INTO health_history(account_id, day, score, band, model_version)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut update_point = conn.prepare_cached(
        "UPDATE health_history SET score = ?3, band = ?4, model_version = ?5
         WHERE account_id = ?1 AND day = ?2
           AND (score IS NOT ?3 OR band IS NOT ?4 OR model_version IS NOT ?5)",
    )?;
    // Score, risk with its reasons in words, and the rules that fire are
    // arithmetic on each account's inputs alone: worked out on every core
    // and stored, in the order of the inputs, while the next are worked out.
    let accounts: Vec<(&i64, &inputs::Inputs)> = all_inputs.iter().collect();
    let mut firing = HashMap::with_capacity(all_inputs.len());
    let mut new_points = BandCounts::default();
    crate::cores::map_then(
        &accounts,
        |&(&id, i)| {
            // What is stored: the score, band and biggest drag; the
            // components' sentences are the account page's to write.
            let h = health::score_with(id, i, s, health::Sentences::DragOnly);
            let risk = model.as_ref().map(|m| m.predict(i, s));
            let reasons = risk
                .as_ref()
                .and_then(|r| serde_json::to_string(&(&r.raises, &r.lowers)).ok())
                .unwrap_or_else(|| "[[],[]]".into());
            let fires = alerts::evaluate(i, &h, before.get(&id).copied(), s);
            (id, h, risk.map(|r| r.probability), reasons, fires)
        },
        |(id, h, probability, reasons, fires)| -> Result<()> {
            firing.insert(id, fires);
            let score = (h.band != Band::Unknown).then_some(h.score);
            let now = StoredScore {
                version: current.version,
                score,
                band: h.band.as_str().to_string(),
                drag: h.biggest_drag,
                risk: probability.map(|p| (p * 1000.0).round() / 1000.0),
                reasons,
                change_7d: score.zip(week_ago.get(&id)).map(|(now, then)| now - then),
                on: today_text.clone(),
                point: Some((score, h.band.as_str().to_string(), current.version)),
            };
            if stored.get(&id) == Some(&now) {
                return Ok(());
            }
            upsert.execute(params![
                id,
                now.version,
                now.score,
                now.band,
                now.drag,
                now.risk,
                now.reasons,
                now.change_7d,
                now.on
            ])?;
            let point = params![id, now.on, score, now.band, now.version];
            // Known to be there when the day's earlier assessment stored it.
            let there = stored.get(&id).is_some_and(|s| s.point.is_some());
            if !there && insert_point.execute(point)? > 0 {
                new_points.add(h.band);
            } else {
                update_point.execute(point)?;
            }
            Ok(())
        },
    )?;
    count_new_points(conn, today, &new_points)?;
    if scope == Scope::Book {
        conn.execute(
            "DELETE FROM health_scores WHERE account_id IN (SELECT id FROM accounts WHERE status <> 'active')",
            [],
        )?;
        crate::store::set_meta(conn, "assessed_on", &today.to_string())?;
    }
    let alerts = alerts::sync(conn, today, &firing, scope, apply_playbooks)?;
    Ok(AssessSummary {
        accounts: all_inputs.len() as u32,
        alerts,
    })
}

/// Reassesses after a write. Playbooks apply to new alerts once the book has
/// been assessed before (a first import raises old problems, not news).
pub(crate) fn run_after_change(
    conn: &Connection,
    today: NaiveDate,
    scope: Scope<'_>,
) -> Result<AssessSummary> {
    let assessed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'assessed_on')",
        [],
        |r| r.get(0),
    )?;
    run(conn, today, scope, assessed)
}

/// After a write to one account's timeline or plan: its rollups (last touch)
/// and its assessment follow.
pub(crate) fn after_account_write(
    conn: &Connection,
    account_id: i64,
    today: NaiveDate,
) -> Result<AssessSummary> {
    crate::rollup::refresh(conn, Scope::One(account_id), today)?;
    run_after_change(conn, today, Scope::One(account_id))
}

/// Reassesses one account now, as a write does before it commits.
pub fn account(w: &Write<'_>, id: i64) -> Result<AssessSummary> {
    after_account_write(w.conn(), id, w.today())
}

/// Reassesses the whole book now; what the CLI's `assess` and a retrained
/// model call for.
pub fn book(w: &Write<'_>) -> Result<AssessSummary> {
    run_after_change(w.conn(), w.today(), Scope::Book)
}

/// Brings rollups and the assessment to `today` when they were computed on
/// an earlier day (usage windows, cadences and due dates move with the
/// calendar): the first start of a day, or the first start of a build whose
/// churn model format differs. None when they were current.
pub fn bring_up_to_date(conn: &mut Connection, today: NaiveDate) -> Result<Option<Changes>> {
    let on = |key: &str| -> Result<Option<NaiveDate>> {
        Ok(crate::store::meta(conn, key)?.and_then(|v| v.parse().ok()))
    };
    // A model stored by an older build is retrained at once, never misread.
    let outdated = matches!(churn::stored(conn)?, churn::Stored::Outdated);
    if on("assessed_on")? == Some(today) && on("rollups_on")? == Some(today) && !outdated {
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let ((), changes) = crate::write::run(conn, today, |w| {
        crate::rollup::refresh_all(w)?;
        if outdated {
            churn::retrain(w, &mut crate::progress::ignore)?;
        }
        // A book assessed before gets playbooks for what is new since.
        w.touch_book();
        Ok(())
    })?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "book brought up to date"
    );
    Ok(Some(changes))
}

/// The stored churn risk of one account, or None without a model.
pub fn stored_risk(conn: &Connection, account_id: i64) -> Result<Option<Risk>> {
    let row: Option<(Option<f64>, String)> = conn
        .query_row(
            "SELECT churn_risk, risk_factors FROM health_scores WHERE account_id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((Some(probability), factors)) = row else {
        return Ok(None);
    };
    let horizon_days = churn::horizon(conn)?.unwrap_or(churn::DEFAULT_HORIZON);
    // What raises it and what lowers it; older builds stored the first only.
    let (raises, lowers): (Vec<String>, Vec<String>) = serde_json::from_str(&factors)
        .or_else(|_| serde_json::from_str::<Vec<String>>(&factors).map(|r| (r, Vec::new())))
        .unwrap_or_default();
    Ok(Some(Risk {
        probability,
        raises,
        lowers,
        horizon_days,
    }))
}

/// Records the CSM's 1-5 rating of an account and reassesses it.
pub fn rate_sentiment(w: &Write<'_>, account_id: i64, rating: i64, note: &str) -> Result<()> {
    let (conn, today) = (w.conn(), w.today());
    if !(1..=5).contains(&rating) {
        return Err(Error::invalid(say!(
            "Rate the account from 1 to 5.",
            "Bewerten Sie den Kunden von 1 bis 5."
        )));
    }
    let live: Option<String> = conn
        .query_row(
            "SELECT status FROM accounts WHERE id = ?1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?;
    match live.as_deref() {
        None => {
            return Err(Error::not_found(say!(
                "Account {account_id} does not exist.",
                "Kunde {account_id} existiert nicht."
            )))
        }
        Some("active") => {}
        Some(_) => {
            return Err(Error::invalid(say!(
                "A churned account cannot be rated.",
                "Ein abgewanderter Kunde kann nicht bewertet werden."
            )))
        }
    }
    let note = note.trim();
    conn.execute(
        "INSERT INTO sentiment_ratings(account_id, rating, note, rated_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account_id, rating, (!note.is_empty()).then_some(note), today, Utc::now().to_rfc3339()],
    )?;
    w.touch(account_id);
    Ok(())
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SentimentRating {
    #[ts(type = "number")]
    pub rating: i64,
    pub note: Option<String>,
    pub rated_on: NaiveDate,
}

pub fn latest_sentiment(conn: &Connection, account_id: i64) -> Result<Option<SentimentRating>> {
    Ok(conn
        .query_row(
            "SELECT rating, note, rated_on FROM sentiment_ratings WHERE account_id = ?1
             ORDER BY rated_on DESC, id DESC LIMIT 1",
            [account_id],
            |r| {
                Ok(SentimentRating {
                    rating: r.get(0)?,
                    note: r.get(1)?,
                    rated_on: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Saves new settings as a version and reassesses the whole book with them.
pub fn save_settings(w: &Write<'_>, s: &Settings, note: Option<&str>) -> Result<i64> {
    let version = settings::save(w.conn(), s, note)?;
    w.touch_book();
    Ok(version)
}

/// What saving `proposed` would do: accounts that would change band.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsPreview {
    pub now_counts: BandCounts,
    pub proposed_counts: BandCounts,
    pub moves: Vec<BandMove>,
}

pub fn preview_settings(
    conn: &Connection,
    proposed: &Settings,
    today: NaiveDate,
) -> Result<SettingsPreview> {
    proposed.validate()?;
    let current = settings::current(conn)?.settings;
    let all = inputs::gather(
        conn,
        today,
        proposed
            .thresholds
            .sentiment_valid_days
            .max(current.thresholds.sentiment_valid_days),
        Scope::Book,
        inputs::Depth::Scores,
    )?;
    let names: HashMap<i64, String> = conn
        .prepare_cached("SELECT id, name FROM accounts WHERE status = 'active'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut now_counts = BandCounts::default();
    let mut proposed_counts = BandCounts::default();
    let mut moves = Vec::new();
    for (id, i) in &all {
        // Tier follows the proposed cut-offs too.
        let mut proposed_inputs = i.clone();
        if let Some(arr) = i.arr {
            proposed_inputs.tier = Some(proposed.tiers.tier_for(arr));
        }
        let mut i_now = i.clone();
        i_now.sentiment = i
            .sentiment
            .filter(|(_, age)| *age < current.thresholds.sentiment_valid_days);
        proposed_inputs.sentiment = i
            .sentiment
            .filter(|(_, age)| *age < proposed.thresholds.sentiment_valid_days);
        let a = health::score_with(*id, &i_now, &current, health::Sentences::None);
        let b = health::score_with(*id, &proposed_inputs, proposed, health::Sentences::None);
        now_counts.add(a.band);
        proposed_counts.add(b.band);
        if a.band != b.band {
            moves.push(BandMove {
                account_id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                from_band: a.band,
                to_band: b.band,
                from_score: Some(a.score),
                to_score: Some(b.score),
            });
        }
    }
    sort_moves(&mut moves);
    Ok(SettingsPreview {
        now_counts,
        proposed_counts,
        moves,
    })
}
