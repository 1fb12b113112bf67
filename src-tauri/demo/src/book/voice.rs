//! What an account's people say over its life, written after its contacts,
//! usage and billing: support tickets, NPS answers, the CSM's check-ins
//! (with the tasks they led to) and the CSM's own rating. The draws follow
//! the account's path: more and more urgent tickets, lower scores and
//! worse check-ins once it declines.

use chrono::{Duration, NaiveDate};
use rusqlite::params;

use steward_core::dates::add_months;
use steward_core::error::Result;
use steward_core::model::{ActivityKind, Sentiment, Tier};
use steward_core::say;

use super::Writer;
use crate::rng::Rng;
use crate::words::*;
use crate::{DemoSummary, Scenario};

/// What the account's earlier history decided, for what its people say.
#[derive(Clone, Copy)]
pub(super) struct Life<'a> {
    pub(super) id: i64,
    /// The account's number in the book (its external ids).
    pub(super) n: u32,
    pub(super) today: NaiveDate,
    pub(super) tier: Tier,
    pub(super) scenario: Scenario,
    /// The days it used the product.
    pub(super) usage_from: NaiveDate,
    pub(super) usage_to: NaiveDate,
    pub(super) decline_start: Option<NaiveDate>,
    pub(super) churn_date: Option<NaiveDate>,
    /// Churned or declining.
    pub(super) troubled: bool,
    pub(super) contact_ids: &'a [i64],
}

impl Writer<'_> {
    pub(super) fn support_and_voice(
        &mut self,
        rng: &mut Rng,
        life: Life<'_>,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        let Life {
            id,
            n,
            today,
            tier,
            scenario,
            usage_from,
            usage_to,
            decline_start,
            churn_date,
            troubled,
            contact_ids,
        } = life;
        // Support tickets.
        let monthly_rate = match tier {
            Tier::A => 1.5,
            Tier::B => 0.8,
            Tier::C => 0.3,
        };
        let mut t = 0;
        let mut month = usage_from;
        while month <= usage_to {
            let troubled_now = decline_start.is_some_and(|d| month > d);
            let rate = if troubled_now {
                monthly_rate * 2.5
            } else {
                monthly_rate
            };
            let count = (rate * rng.f64() * 2.0).round() as i64;
            for _ in 0..count {
                t += 1;
                let opened = month + Duration::days(rng.range(0, 27));
                if opened > today {
                    continue;
                }
                let priority = match rng.f64() {
                    x if x < if troubled_now { 0.2 } else { 0.05 } => "urgent",
                    x if x < 0.3 => "high",
                    x if x < 0.85 => "normal",
                    _ => "low",
                };
                let resolve_days = rng.range(0, if troubled_now { 20 } else { 6 });
                let resolved = opened + Duration::days(resolve_days);
                let (status, resolved_hour, csat) =
                    if resolved > today || (troubled_now && rng.chance(0.15)) {
                        ("open", None, None)
                    } else {
                        let csat = rng.chance(0.6).then(|| {
                            if troubled_now {
                                rng.range(1, 4)
                            } else {
                                rng.range(3, 5)
                            }
                        });
                        ("solved", Some(rng.range(8, 17)), csat)
                    };
                let subject = rng.pick(ticket_subjects());
                let mut opened_hour = rng.range(8, 17);
                // Solved the day it was opened: never before it was opened
                // (the same draws, ordered, keep the book otherwise as it was).
                let resolved_hour = resolved_hour.map(|h| {
                    if resolve_days == 0 && h < opened_hour {
                        std::mem::replace(&mut opened_hour, h)
                    } else {
                        h
                    }
                });
                self.ticket.execute(params![
                    id,
                    subject,
                    priority,
                    status,
                    format!("{opened}T{opened_hour:02}:15:00Z"),
                    resolved_hour.map(|h| format!("{resolved}T{h:02}:30:00Z")),
                    csat,
                    format!("demo-{}-t{}", n + 1, t)
                ])?;
                summary.tickets += 1;
            }
            month = add_months(month, 1);
        }

        // NPS every six months from one to three contacts.
        let mut survey_day = usage_from + Duration::days(rng.range(60, 150));
        let mut s = 0;
        while survey_day <= usage_to.min(today) {
            let declining = decline_start.is_some_and(|d| survey_day > d);
            for _ in 0..rng.range(1, 3) {
                s += 1;
                let score = match scenario {
                    _ if declining => rng.range(1, 7),
                    Scenario::Healthy | Scenario::Expanding => rng.range(7, 10),
                    _ => rng.range(5, 10),
                };
                let comment = match score {
                    9..=10 => Some(say!(
                        "Our team relies on it every day.",
                        "Unser Team verlässt sich jeden Tag darauf."
                    )),
                    0..=6 if rng.chance(0.5) => Some(say!(
                        "Too many issues lately and hard to justify the cost.",
                        "Zuletzt zu viele Probleme, die Kosten sind schwer zu rechtfertigen."
                    )),
                    _ => None,
                };
                self.survey.execute(params![
                    id,
                    rng.pick(contact_ids),
                    "nps",
                    score,
                    comment,
                    survey_day,
                    format!("demo-{}-s{}", n + 1, s)
                ])?;
                summary.surveys += 1;
            }
            survey_day += Duration::days(rng.range(160, 200));
        }

        // Check-ins at the tier's cadence, sentiment following the account's path.
        let cadence = match tier {
            Tier::A => 14,
            Tier::B => 30,
            Tier::C => 75,
        };
        let mut a = 0;
        let mut when = usage_from + Duration::days(rng.range(1, 10));
        let last_touch_limit = if troubled {
            usage_to - Duration::days(rng.range(20, 60))
        } else {
            usage_to
        };
        while when <= last_touch_limit.min(today) {
            a += 1;
            let declining = decline_start.is_some_and(|d| when > d);
            let sentiment = match rng.f64() {
                x if declining && x < 0.6 => Sentiment::Negative,
                x if !declining && x < 0.55 => Sentiment::Positive,
                x if x < 0.85 => Sentiment::Neutral,
                _ if declining => Sentiment::Neutral,
                _ => Sentiment::Positive,
            };
            let summary_text = match sentiment {
                Sentiment::Positive => rng.pick(positive_notes()),
                Sentiment::Neutral => rng.pick(neutral_notes()),
                Sentiment::Negative => rng.pick(negative_notes()),
            };
            let kind = match rng.f64() {
                x if x < 0.4 => ActivityKind::Call,
                x if x < 0.65 => ActivityKind::Email,
                x if x < 0.85 => ActivityKind::Meeting,
                x if x < 0.95 => ActivityKind::Note,
                _ => ActivityKind::Qbr,
            };
            let step = rng.chance(0.35).then(|| *rng.pick(next_steps()));
            self.activity.execute(params![
                id,
                kind,
                when,
                summary_text,
                sentiment,
                step,
                format!("demo-{}-a{}", n + 1, a),
                self.now
            ])?;
            let activity_id = self.last_id()?;
            self.activity_contact
                .execute(params![activity_id, rng.pick(contact_ids)])?;
            if let Some(step) = step {
                let due = when + Duration::days(rng.range(3, 14));
                // Older tasks were done; the last few may still be open.
                let done = (due < today - Duration::days(7)).then(|| format!("{due}T12:00:00Z"));
                if done.is_some() || churn_date.is_none() {
                    self.task
                        .execute(params![id, activity_id, step, due, done, self.now])?;
                }
            }
            summary.activities += 1;
            when += Duration::days((cadence as f64 * rng.jitter(0.4)).round().max(3.0) as i64);
        }
        // The CSM's own rating on some live accounts, given recently.
        if churn_date.is_none() && rng.chance(0.45) {
            let declining = decline_start.is_some_and(|d| d < today - Duration::days(30));
            let rating = match scenario {
                _ if declining => rng.range(1, 3),
                Scenario::Healthy | Scenario::Expanding => rng.range(4, 5),
                _ => rng.range(3, 4),
            };
            let on = today - Duration::days(rng.range(1, 60));
            self.sentiment.execute(params![
                id,
                rating,
                sentiment_notes()[(rating - 1) as usize],
                on,
                self.now
            ])?;
        }
        Ok(())
    }
}
