//! Scoring each component of health (adoption, support, voice, commercial,
//! relationship, the CSM's rating) from an account's inputs against the
//! settings' thresholds, with the sentence behind each score and its
//! weakest inputs named.

use super::inputs::CheckIn;
use super::{scale, Component, Inputs, Settings};
use crate::lang::decimal;
use crate::model::LifecycleStage;
use crate::say;

fn mean(parts: &[f64]) -> Option<f64> {
    (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64)
}

pub(super) fn is_onboarding(i: &Inputs) -> bool {
    i.stage == Some(LifecycleStage::Onboarding)
}

/// A component's score, the sentence behind it, and the part of that
/// sentence about its weakest inputs (what "drags it down most" names).
pub(super) struct Scored {
    pub(super) score: f64,
    pub(super) detail: String,
    pub(super) weakest: String,
}

/// Averages a component's parts; `words[k]` describes `parts[k]`.
fn summarise(parts: &[f64], words: &[String]) -> Option<Scored> {
    let score = mean(parts)?;
    let mut weak: Vec<(f64, &String)> = parts
        .iter()
        .copied()
        .zip(words)
        .filter(|(p, _)| *p < 100.0)
        .collect();
    weak.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(Scored {
        score,
        detail: words.join("; "),
        weakest: weak
            .iter()
            .take(2)
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// Which sentences scoring writes: every component's (what the account
/// page shows); only the biggest drag's (what an assessment of the whole
/// book stores: formatting every sentence of every account was most of its
/// arithmetic); or none (score and band alone: history points, a settings
/// preview).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentences {
    All,
    DragOnly,
    None,
}

/// A component's sentences, said only when they are wanted.
struct Words {
    wanted: bool,
    said: Vec<String>,
}

impl Words {
    fn new(sentences: Sentences) -> Self {
        Words {
            wanted: sentences == Sentences::All,
            said: Vec::new(),
        }
    }

    fn push(&mut self, say: impl FnOnce() -> String) {
        if self.wanted {
            self.said.push(say());
        }
    }
}

/// One component's score and the sentence behind it (empty unless
/// `sentences` are All), or None without data.
pub(super) fn component(
    c: Component,
    i: &Inputs,
    s: &Settings,
    sentences: Sentences,
) -> Option<Scored> {
    let t = &s.thresholds;
    match c {
        Component::Adoption => {
            let mut parts = Vec::new();
            let mut words = Words::new(sentences);
            if is_onboarding(i) {
                // The bar rises from a quarter of the target to all of it
                // over the ramp; trends are meaningless while ramping up.
                let seats = i.seats_used_pct?;
                let day = i.tenure_days.unwrap_or(0).max(0);
                let ramp = (day as f64 / t.onboarding_ramp_days as f64).clamp(0.25, 1.0);
                let good = t.seats_good_pct * ramp;
                let poor = t.seats_poor_pct * ramp * 0.5;
                parts.push(scale(seats, poor, good));
                words.push(|| say!(
                    "active users {seats:.0}% of seats on day {day} of onboarding (expected {good:.0}% by now)",
                    "aktive Nutzer {seats:.0} % der Lizenzen an Tag {day} des Onboardings (erwartet jetzt {good:.0} %)"
                ));
            } else {
                if let Some(seats) = i.seats_used_pct {
                    parts.push(scale(seats, t.seats_poor_pct, t.seats_good_pct));
                    let good = t.seats_good_pct;
                    words.push(|| {
                        say!(
                            "active users {seats:.0}% of seats (good from {good:.0}%)",
                            "aktive Nutzer {seats:.0} % der Lizenzen (gut ab {good:.0} %)"
                        )
                    });
                }
                if let Some(trend) = i.usage_trend_pct {
                    parts.push(scale(trend, t.trend_poor_pct, t.trend_good_pct));
                    let poor = t.trend_poor_pct;
                    words.push(|| {
                        say!(
                        "usage {trend:+.0}% over the last 4 weeks (poor from {poor:+.0}%)",
                        "Nutzung {trend:+.0} % in den letzten 4 Wochen (schwach ab {poor:+.0} %)"
                    )
                    });
                }
                if let Some(quarter) = i.usage_quarter_pct {
                    parts.push(scale(quarter, t.trend_poor_pct, t.trend_good_pct));
                    words.push(|| {
                        say!(
                            "last 3 months {quarter:+.0}% against the 3 before",
                            "letzte 3 Monate {quarter:+.0} % gegenüber den 3 davor"
                        )
                    });
                }
                if let Some(days) = i.login_days_28d {
                    parts.push(scale(days, t.login_days_poor, t.login_days_good));
                    let good = t.login_days_good;
                    words.push(|| {
                        say!(
                            "logins on {days:.0} of the last 28 days (good from {good:.0})",
                            "Anmeldungen an {days:.0} der letzten 28 Tage (gut ab {good:.0})"
                        )
                    });
                }
                if let Some(events) = i.events_per_user_day {
                    parts.push(scale(
                        events,
                        t.events_per_user_poor,
                        t.events_per_user_good,
                    ));
                    words.push(|| {
                        let events = decimal(events, 1);
                        say!(
                            "{events} feature events per active user a day",
                            "{events} Funktionsereignisse je aktivem Nutzer und Tag"
                        )
                    });
                }
                if let Some(pct) = i.seat_use_percentile {
                    parts.push(scale(pct, t.percentile_poor, t.percentile_good));
                    let tier = i.tier.map(|t| t.as_str()).unwrap_or("?");
                    // Said from the side it is on: "above 0% of them" is
                    // true of the lowest and reads as praise.
                    let above = 100.0 - pct;
                    words.push(|| {
                        if pct < 0.5 {
                            say!(
                                "the lowest seat use of tier {tier} accounts",
                                "die geringste Lizenznutzung der Tier-{tier}-Kunden"
                            )
                        } else if pct < 50.0 {
                            say!(
                                "seat use below {above:.0}% of tier {tier} accounts",
                                "Lizenznutzung unter {above:.0} % der Tier-{tier}-Kunden"
                            )
                        } else {
                            say!(
                                "seat use above {pct:.0}% of tier {tier} accounts",
                                "Lizenznutzung über {pct:.0} % der Tier-{tier}-Kunden"
                            )
                        }
                    });
                }
            }
            summarise(&parts, &words.said)
        }
        Component::Support => {
            let urgent = i.open_urgent_tickets?;
            let recent = i.tickets_90d.unwrap_or(0);
            let mut parts = vec![
                scale(urgent as f64, t.urgent_tickets_poor, 0.0),
                scale(recent as f64, t.tickets_90d_poor, t.tickets_90d_good),
            ];
            let good = t.tickets_90d_good;
            let mut words = Words::new(sentences);
            words.push(|| {
                say!(
                    "{urgent} open urgent tickets",
                    "{urgent} offene dringende Tickets"
                )
            });
            words.push(|| {
                say!(
                    "{recent} tickets in 90 days (good up to {good:.0})",
                    "{recent} Tickets in 90 Tagen (gut bis {good:.0})"
                )
            });
            if let Some(days) = i.resolution_days_90d {
                parts.push(scale(days, t.resolution_days_poor, t.resolution_days_good));
                words.push(|| {
                    let (days, good) = (decimal(days, 1), t.resolution_days_good);
                    say!(
                        "resolved in {days} days on average (good within {good:.0})",
                        "im Mittel in {days} Tagen gelöst (gut innerhalb von {good:.0})"
                    )
                });
            }
            if let Some(csat) = i.ticket_csat_90d {
                parts.push(scale(csat, t.csat_poor, t.csat_good));
                words.push(|| {
                    let csat = decimal(csat, 1);
                    say!("ticket CSAT {csat} of 5", "Ticket-CSAT {csat} von 5")
                });
            }
            summarise(&parts, &words.said)
        }
        Component::Voice => {
            let mut parts = Vec::new();
            let mut words = Words::new(sentences);
            if let Some(nps) = i.nps_avg_12m {
                parts.push(scale(nps, t.nps_poor, t.nps_good));
                words.push(|| {
                    let (nps, good) = (decimal(nps, 1), t.nps_good);
                    say!(
                        "average NPS answer {nps} of 10 in 12 months (good from {good:.0})",
                        "mittlere NPS-Antwort {nps} von 10 in 12 Monaten (gut ab {good:.0})"
                    )
                });
            }
            if let Some(csat) = i.survey_csat_12m {
                parts.push(scale(csat, t.csat_poor, t.csat_good));
                words.push(|| {
                    let csat = decimal(csat, 1);
                    say!(
                        "CSAT surveys {csat} of 5 in 12 months",
                        "CSAT-Umfragen {csat} von 5 in 12 Monaten"
                    )
                });
            }
            summarise(&parts, &words.said)
        }
        Component::Commercial => {
            let mut parts = Vec::new();
            let mut words = Words::new(sentences);
            if i.invoices_12m > 0 {
                let share = i.late_or_failed_12m as f64 / i.invoices_12m as f64 * 100.0;
                parts.push(scale(share, t.late_invoices_poor_pct, 0.0));
                let (late, all) = (i.late_or_failed_12m, i.invoices_12m);
                words.push(|| {
                    say!(
                        "{late} of {all} invoices late or failed in 12 months",
                        "{late} von {all} Rechnungen in 12 Monaten überfällig oder fehlgeschlagen"
                    )
                });
            }
            if let Some(change) = i.mrr_change_12m_pct {
                parts.push(scale(change, t.contraction_poor_pct, 0.0));
                words.push(|| {
                    say!(
                        "contract {change:+.0}% against a year ago",
                        "Vertrag {change:+.0} % gegenüber dem Vorjahr"
                    )
                });
            }
            summarise(&parts, &words.said)
        }
        Component::Relationship => {
            let mut parts = Vec::new();
            let mut words = Words::new(sentences);
            if let (Some(champion), Some(sponsor)) = (i.champion_present, i.sponsor_present) {
                parts.push(f64::from(u8::from(champion) + u8::from(sponsor)) * 50.0);
                words.push(|| {
                    let champion_gone = if i.champion_left {
                        say!(" (the champion left)", " (der Champion ist gegangen)")
                    } else {
                        String::new()
                    };
                    match (champion, sponsor) {
                        (true, true) => say!(
                            "champion and executive sponsor in place",
                            "Champion und Executive Sponsor vorhanden"
                        ),
                        (false, true) => {
                            say!("no champion{champion_gone}", "kein Champion{champion_gone}")
                        }
                        (true, false) => say!("no executive sponsor", "kein Executive Sponsor"),
                        (false, false) => say!(
                            "no champion and no executive sponsor{champion_gone}",
                            "weder Champion noch Executive Sponsor{champion_gone}"
                        ),
                    }
                });
            }
            if let (Some(days), Some(tier)) = (i.days_since_touch, i.tier) {
                let cadence = s.tiers.cadence_days(tier) as f64;
                // The touch counts for the cadence, but a difficult call is
                // no sign of a good relationship.
                if matches!(i.checkin, Some((CheckIn::Negative, age)) if age == days) {
                    parts.push(0.0);
                    words.push(|| {
                        say!(
                            "last touch {days} days ago was a difficult check-in",
                            "der letzte Kontakt vor {days} Tagen war ein schwieriger Check-in"
                        )
                    });
                } else {
                    parts.push(scale(days as f64, cadence * t.touch_poor_multiple, cadence));
                    let tier = tier.as_str();
                    words.push(|| {
                        say!(
                        "last touch {days} days ago (tier {tier} cadence {cadence:.0} days)",
                        "letzter Kontakt vor {days} Tagen (Rhythmus Tier {tier}: {cadence:.0} Tage)"
                    )
                    });
                }
            }
            summarise(&parts, &words.said)
        }
        Component::Sentiment => {
            let mut parts = Vec::new();
            let mut words = Words::new(sentences);
            if let Some((rating, age)) = i.sentiment {
                parts.push(scale(rating as f64, 1.0, 5.0));
                words.push(|| {
                    say!(
                        "your rating {rating} of 5, {age} days ago",
                        "Ihre Bewertung {rating} von 5, vor {age} Tagen"
                    )
                });
            }
            if let Some((checkin, age)) = i.checkin {
                let points = match checkin {
                    CheckIn::Positive => 100.0,
                    CheckIn::Neutral => 60.0,
                    CheckIn::Negative => 0.0,
                };
                parts.push(points);
                words.push(|| match checkin {
                    CheckIn::Positive => say!(
                        "the last check-in, {age} days ago, went well",
                        "der letzte Check-in vor {age} Tagen lief gut"
                    ),
                    CheckIn::Neutral => say!(
                        "the last check-in, {age} days ago, was neutral",
                        "der letzte Check-in vor {age} Tagen war neutral"
                    ),
                    CheckIn::Negative => say!(
                        "the last check-in, {age} days ago, went badly",
                        "der letzte Check-in vor {age} Tagen lief schlecht"
                    ),
                });
            }
            summarise(&parts, &words.said)
        }
    }
}
