//! Scoring by hand-checked cases, and a property: any inputs score 0-100.

use super::inputs::CheckIn;
use super::*;
use crate::model::{LifecycleStage, Tier};

fn healthy() -> Inputs {
    Inputs {
        tier: Some(Tier::B),
        stage: Some(LifecycleStage::Mature),
        tenure_days: Some(700),
        seats_used_pct: Some(80.0),
        usage_trend_pct: Some(5.0),
        open_urgent_tickets: Some(0),
        tickets_90d: Some(2),
        nps_avg_12m: Some(9.0),
        invoices_12m: 4,
        late_or_failed_12m: 0,
        champion_present: Some(true),
        sponsor_present: Some(true),
        days_since_touch: Some(10),
        sentiment: Some((5, 3)),
        ..Inputs::default()
    }
}

fn component_of(h: &Health, c: Component) -> &ComponentScore {
    h.components
        .iter()
        .find(|x| x.component == c)
        .expect("component scored")
}

#[test]
fn thresholds_scale_linearly_both_ways() {
    assert_eq!(scale(55.0, 30.0, 80.0), 50.0);
    assert_eq!(scale(10.0, 30.0, 80.0), 0.0);
    assert_eq!(scale(95.0, 30.0, 80.0), 100.0);
    assert_eq!(scale(1.0, 2.0, 0.0), 50.0, "fewer is better");
}

#[test]
fn a_healthy_account_is_green_with_nothing_to_fix() {
    let h = score(1, &healthy(), &Settings::default());
    assert_eq!(h.score, 100.0);
    assert_eq!(h.band, Band::Green);
    assert_eq!(h.profile, Profile::Standard);
    assert!(h.missing.is_empty());
    assert_eq!(h.biggest_drag, None);
}

#[test]
fn hand_checked_score_and_the_input_that_drags_it_down() {
    let inputs = Inputs {
        seats_used_pct: Some(41.0),
        usage_trend_pct: Some(-30.0),
        ..healthy()
    };
    let h = score(1, &inputs, &Settings::default());
    // Adoption: seats 41% -> (41-30)/50 = 22; trend -30% -> 0; mean 11.
    let adoption = component_of(&h, Component::Adoption);
    assert!((adoption.score - 11.0).abs() < 1e-9);
    assert!((adoption.weight - 0.30).abs() < 1e-9);
    // Total: 0.30 x 11 + 0.70 x 100 = 73.3, shown and banded as 73.
    assert_eq!(h.score, 73.0);
    assert_eq!(h.band, Band::Green);
    let drag = h.biggest_drag.expect("a drag");
    assert!(
        drag.contains("active users 41% of seats (good from 80%)"),
        "{drag}"
    );
}

#[test]
fn the_csms_rating_counts_and_says_when_it_was_given() {
    let inputs = Inputs {
        sentiment: Some((2, 12)),
        ..healthy()
    };
    let h = score(1, &inputs, &Settings::default());
    let s = component_of(&h, Component::Sentiment);
    assert_eq!(s.score, 25.0);
    assert_eq!(s.detail, "your rating 2 of 5, 12 days ago");
    // 0.10 x 25 + 0.90 x 100.
    assert_eq!(h.score, 93.0, "92.5 in whole points");
    let unrated = score(
        1,
        &Inputs {
            sentiment: None,
            ..healthy()
        },
        &Settings::default(),
    );
    assert_eq!(unrated.missing, vec![Component::Sentiment]);
}

#[test]
fn edited_weights_and_thresholds_change_the_score() {
    let inputs = Inputs {
        seats_used_pct: Some(55.0),
        ..healthy()
    };
    let mut settings = Settings::default();
    let before = score(1, &inputs, &settings).score;
    // Adoption (50 + 100) / 2 = 75 at weight 0.3: 92.5, in whole points 93.
    assert_eq!(before, 93.0);
    settings.weights.adoption = 90.0;
    // Adoption weight 90 of 160: 75 x 90/160 + 100 x 70/160 = 85.9, so 86.
    assert_eq!(score(1, &inputs, &settings).score, 86.0);
    settings.thresholds.seats_good_pct = 55.0;
    assert_eq!(score(1, &inputs, &settings).score, 100.0);
}

#[test]
fn the_band_follows_the_score_as_shown() {
    // 85.9 shows as 86; with green from 86 it is green, not yellow.
    let inputs = Inputs {
        seats_used_pct: Some(55.0),
        ..healthy()
    };
    let mut settings = Settings::default();
    settings.weights.adoption = 90.0;
    settings.green_from = 86.0;
    let h = score(1, &inputs, &settings);
    assert_eq!((h.score, h.band), (86.0, Band::Green));
    settings.green_from = 87.0;
    assert_eq!(score(1, &inputs, &settings).band, Band::Yellow);
}

#[test]
fn a_bad_check_in_is_not_good_news() {
    // An account in the red, last touched long ago.
    let struggling = Inputs {
        seats_used_pct: Some(20.0),
        usage_trend_pct: Some(-40.0),
        days_since_touch: Some(120),
        champion_present: Some(false),
        nps_avg_12m: Some(5.0),
        tickets_90d: Some(8),
        sentiment: None,
        ..healthy()
    };
    let settings = Settings::default();
    let before = score(1, &struggling, &settings);
    assert_eq!(before.band, Band::Red, "{before:?}");
    let after_call = |checkin| {
        score(
            1,
            &Inputs {
                days_since_touch: Some(0),
                checkin: Some((checkin, 0)),
                ..struggling.clone()
            },
            &settings,
        )
    };
    let bad = after_call(CheckIn::Negative);
    assert!(
        bad.score <= before.score,
        "{} -> {}",
        before.score,
        bad.score
    );
    assert_eq!(bad.band, Band::Red);
    let sentiment = bad
        .components
        .iter()
        .find(|c| c.component == Component::Sentiment)
        .expect("the call counts as sentiment");
    assert!(
        sentiment.detail.contains("went badly"),
        "{}",
        sentiment.detail
    );
    // A good call is good news.
    assert!(after_call(CheckIn::Positive).score > before.score);
}

#[test]
fn an_account_with_too_little_data_is_not_judged() {
    // Imported with a contract and nothing else: no usage, no contacts,
    // no tickets, no surveys.
    let bare = Inputs {
        tier: Some(Tier::B),
        tenure_days: Some(400),
        renewal_in_days: Some(60),
        ..Inputs::default()
    };
    let h = score(1, &bare, &Settings::default());
    assert_eq!(h.band, Band::Unknown, "{h:?}");
    // A contact list alone is one thing known, still not enough.
    let contacts_only = Inputs {
        champion_present: Some(false),
        sponsor_present: Some(false),
        ..bare.clone()
    };
    assert_eq!(
        score(1, &contacts_only, &Settings::default()).band,
        Band::Unknown
    );
    // With usage it is judged.
    let with_usage = Inputs {
        seats_used_pct: Some(10.0),
        ..contacts_only
    };
    assert_eq!(score(1, &with_usage, &Settings::default()).band, Band::Red);
}

#[test]
fn onboarding_accounts_are_judged_against_a_rising_bar() {
    let settings = Settings::default();
    let early = Inputs {
        stage: Some(LifecycleStage::Onboarding),
        tenure_days: Some(30),
        seats_used_pct: Some(26.0),
        usage_trend_pct: Some(-50.0),
        nps_avg_12m: None,
        ..healthy()
    };
    let h = score(1, &early, &settings);
    assert_eq!(h.profile, Profile::Onboarding);
    // Day 30 of 90: expected 80% x 1/3 = 26.7%, poor at 15% x 1/3 = 5%;
    // the falling trend is not held against a ramping account.
    let adoption = component_of(&h, Component::Adoption);
    assert!((adoption.score - scale(26.0, 5.0, 80.0 / 3.0)).abs() < 1e-9);
    assert!(adoption
        .detail
        .contains("day 30 of onboarding (expected 27%"));
    assert!(adoption.score > 95.0);
    // Voice has no weight for onboarding accounts: not missing, just not used.
    assert!(!h.missing.contains(&Component::Voice));
    // The same usage on a mature account is poor.
    let mature = score(
        1,
        &Inputs {
            stage: Some(LifecycleStage::Mature),
            ..early
        },
        &settings,
    );
    assert!(component_of(&mature, Component::Adoption).score < 1.0);
}

#[test]
fn missing_inputs_are_left_out_and_their_weight_shared() {
    let inputs = Inputs {
        nps_avg_12m: None,
        invoices_12m: 0,
        sentiment: None,
        seats_used_pct: Some(30.0),
        usage_trend_pct: None,
        ..healthy()
    };
    let h = score(1, &inputs, &Settings::default());
    assert_eq!(
        h.missing,
        vec![
            Component::Voice,
            Component::Commercial,
            Component::Sentiment
        ]
    );
    let weights: f64 = h.components.iter().map(|c| c.weight).sum();
    assert!((weights - 1.0).abs() < 1e-9);
    // Adoption 0 with weight 30/65, support and relationship 100 with 35/65.
    assert_eq!(h.score, (35.0 / 65.0 * 100.0_f64).round());
    assert_eq!(h.band, Band::Yellow);
}

#[test]
fn scores_stay_in_range_whatever_the_inputs() {
    let settings = Settings::default();
    let extremes = [-1e9, -100.0, 0.0, 50.0, 1e9, f64::MAX, f64::NAN];
    for &v in &extremes {
        for days in [None, Some(-5), Some(0), Some(100_000)] {
            for stage in [LifecycleStage::Onboarding, LifecycleStage::Mature] {
                let inputs = Inputs {
                    tier: Some(Tier::A),
                    stage: Some(stage),
                    tenure_days: days,
                    seats_used_pct: Some(v),
                    usage_trend_pct: Some(-v),
                    open_urgent_tickets: Some(v.clamp(0.0, 1e6) as i64),
                    tickets_90d: Some(7),
                    nps_avg_12m: Some(v.clamp(-5.0, 15.0)),
                    invoices_12m: 3,
                    late_or_failed_12m: 7,
                    champion_present: Some(false),
                    sponsor_present: None,
                    days_since_touch: days,
                    sentiment: Some((v.clamp(-9.0, 9.0) as i64, 1)),
                    ..Inputs::default()
                };
                let h = score(1, &inputs, &settings);
                assert!((0.0..=100.0).contains(&h.score), "{h:?}");
                assert!(h
                    .components
                    .iter()
                    .all(|c| (0.0..=100.0).contains(&c.score)));
            }
        }
    }
    let empty = score(1, &Inputs::default(), &settings);
    assert_eq!(empty.band, Band::Unknown);
    assert_eq!(empty.missing.len(), Component::ALL.len());
}

#[test]
fn support_voice_and_commercial_use_every_input_they_have() {
    let inputs = Inputs {
        resolution_days_90d: Some(6.0),
        ticket_csat_90d: Some(3.5),
        survey_csat_12m: Some(2.5),
        mrr_change_12m_pct: Some(-10.0),
        ..healthy()
    };
    let h = score(1, &inputs, &Settings::default());
    // Support: urgent 100, volume 100, resolution 6 days between 10 and 2
    // -> 50, CSAT 3.5 between 2.5 and 4.5 -> 50; mean 75.
    let support = component_of(&h, Component::Support);
    assert_eq!(support.score, 75.0);
    assert!(support.detail.contains("resolved in 6.0 days on average"));
    // Voice: NPS 9 -> 100, survey CSAT 2.5 -> 0; mean 50.
    assert_eq!(component_of(&h, Component::Voice).score, 50.0);
    // Commercial: no late invoices -> 100, contract -10% (poor at -25%) -> 60; mean 80.
    let commercial = component_of(&h, Component::Commercial);
    assert_eq!(commercial.score, 80.0);
    assert!(commercial
        .detail
        .contains("contract -10% against a year ago"));
    // An account with no invoices is still judged on its contract.
    let young = Inputs {
        invoices_12m: 0,
        late_or_failed_12m: 0,
        mrr_change_12m_pct: Some(10.0),
        ..healthy()
    };
    let c = score(1, &young, &Settings::default());
    assert_eq!(component_of(&c, Component::Commercial).score, 100.0);
}

#[test]
fn adoption_uses_every_usage_signal_by_hand() {
    let inputs = Inputs {
        usage_quarter_pct: Some(-30.0),
        login_days_28d: Some(13.0),
        events_per_user_day: Some(4.0),
        seat_use_percentile: Some(30.0),
        ..healthy()
    };
    let h = score(1, &inputs, &Settings::default());
    // Seats 80% -> 100, 4-week trend +5% -> 100, quarter -30% -> 0,
    // 13 login days (8..18) -> 50, 4 events (2..6) -> 50, percentile 30
    // (10..50) -> 50: mean 350 / 6.
    let adoption = component_of(&h, Component::Adoption);
    assert!((adoption.score - 350.0 / 6.0).abs() < 1e-9);
    for words in [
        "last 3 months -30% against the 3 before",
        "logins on 13 of the last 28 days (good from 18)",
        "4.0 feature events per active user a day",
        "seat use below 70% of tier B accounts",
    ] {
        assert!(adoption.detail.contains(words), "{}", adoption.detail);
    }
    // What drags it down names the two weakest inputs, not the good ones.
    assert_eq!(
        h.biggest_drag.as_deref(),
        Some("last 3 months -30% against the 3 before; logins on 13 of the last 28 days (good from 18)")
    );
}

fn any_value() -> impl proptest::strategy::Strategy<Value = Option<f64>> {
    use proptest::prelude::*;
    prop_oneof![
        Just(None),
        proptest::num::f64::ANY.prop_map(Some),
        (-1e4..1e4f64).prop_map(Some),
    ]
}

proptest::proptest! {
    /// Whatever the data says (NaN, infinities, negative counts, missing
    /// anything), a score is a number from 0 to 100 and nothing panics.
    #[test]
    fn any_inputs_score_between_0_and_100(
        a in any_value(), b in any_value(), c in any_value(), d in any_value(),
        e in any_value(), f in any_value(), g in any_value(), h in any_value(),
        k in any_value(), m in any_value(),
        counts in proptest::array::uniform8(-5i64..1_000_000),
        flags in proptest::array::uniform3(proptest::option::of(proptest::bool::ANY)),
        onboarding in proptest::bool::ANY,
        sentiment in proptest::option::of((-3i64..9, -10i64..500)),
    ) {
        let inputs = Inputs {
            tier: Some(Tier::A),
            stage: Some(if onboarding { LifecycleStage::Onboarding } else { LifecycleStage::Mature }),
            arr: a,
            currency: "USD".into(),
            term_months: Some(counts[0].clamp(1, 120)),
            payment_method: None,
            custom: Default::default(),
            tenure_days: Some(counts[0]),
            renewal_in_days: Some(counts[1]),
            seats_used_pct: b,
            usage_trend_pct: c,
            usage_quarter_pct: d,
            login_days_28d: e,
            events_per_user_day: f,
            seat_use_percentile: g,
            usage_30_vs_90_pct: h,
            open_urgent_tickets: Some(counts[2]),
            oldest_urgent_days: Some(counts[3]),
            tickets_90d: Some(counts[4]),
            resolution_days_90d: k,
            ticket_csat_90d: m,
            nps_avg_12m: a,
            survey_csat_12m: b,
            mrr_change_12m_pct: c,
            detractors_90d: counts[5],
            invoices_12m: counts[6],
            late_or_failed_12m: counts[7],
            invoices_overdue: counts[5],
            milestones_missed: 0,
            missed_milestone: None,
            champion_present: flags[0],
            champion_left: flags[1].unwrap_or(false),
            sponsor_present: flags[2],
            days_since_touch: Some(counts[3]),
            sentiment,
            checkin: None,
            days_known: Some(counts[1]),
        };
        let h = score(1, &inputs, &Settings::default());
        proptest::prop_assert!((0.0..=100.0).contains(&h.score), "{h:?}");
        for c in &h.components {
            proptest::prop_assert!((0.0..=100.0).contains(&c.score), "{c:?}");
        }
    }
}

#[test]
fn settings_that_cannot_score_are_refused_with_the_reason() {
    let s = Settings {
        yellow_from: 80.0,
        ..Settings::default()
    };
    let e = s.validate().expect_err("bands crossed");
    assert!(e.to_string().contains("yellow from < green from"), "{e}");
    let s = Settings {
        weights: settings::Weights {
            adoption: 0.0,
            support: 0.0,
            voice: 0.0,
            commercial: 0.0,
            relationship: 0.0,
            sentiment: 0.0,
        },
        ..Settings::default()
    };
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.tiers.b_from_arr = 200_000.0;
    assert!(s.validate().is_err());
    assert!(Settings::default().validate().is_ok());
}
