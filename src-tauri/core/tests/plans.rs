//! Success plans against a real portfolio file: objectives, milestones (met,
//! missed, taken back), QBRs, the missed-milestone warning, churn
//! post-mortems, and the demo book's plans.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::calendar;
use steward_core::onboarding::{self};
use steward_core::plans::{self, MilestoneInput, MilestoneStatus, ObjectiveInput, UsageMetric};
use steward_core::postmortem::{self, ChurnReason, Postmortem};
use steward_core::store;
use support::{d, new_account, today, try_write_on, write_on};

#[test]
fn objectives_follow_their_usage_metric_and_milestones_can_be_missed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    for (k, active) in [10, 20, 30, 40, 50, 60, 70, 80].iter().enumerate() {
        conn.execute(
            "INSERT INTO usage_daily(account_id, day, active_users) VALUES (?1, ?2, ?3)",
            rusqlite::params![id, d("2026-03-01") + Duration::days(k as i64), active],
        )
        .expect("usage");
    }
    let objective = write_on(&mut conn, today(), |w| {
        plans::add_objective(
            w,
            &ObjectiveInput {
                account_id: id,
                title: "Get the whole ops team using it daily".into(),
                metric: Some("daily active users".into()),
                usage_metric: Some(UsageMetric::ActiveUsers),
                baseline: Some(0.0),
                target: Some(100.0),
                target_date: Some(d("2026-06-30")),
            },
        )
    });
    let o = &plans::objectives(&conn, id).expect("objectives")[0];
    assert_eq!(o.id, objective);
    // The last 7 days: 20..80 -> average 50; half-way from 0 to 100.
    assert_eq!(o.current, Some(50.0));
    assert_eq!(o.progress_pct, Some(50.0));

    let m = write_on(&mut conn, today(), |w| {
        plans::add_milestone(
            w,
            &MilestoneInput {
                account_id: id,
                objective_id: Some(objective),
                title: "Ops team trained".into(),
                target_date: Some(d("2026-03-31")),
                first_value: false,
            },
        )
    });
    let status =
        |conn: &Connection, day: &str| plans::milestones(conn, id, d(day)).expect("list")[0].status;
    assert_eq!(status(&conn, "2026-03-31"), MilestoneStatus::Planned);
    assert_eq!(status(&conn, "2026-04-01"), MilestoneStatus::Missed);
    write_on(&mut conn, today(), |w| {
        plans::set_milestone_plan(w, m, plans::MilestonePlan::AtRisk)
    });
    assert_eq!(status(&conn, "2026-03-20"), MilestoneStatus::AtRisk);
    assert!(try_write_on(&mut conn, today(), |w| plans::add_milestone(
        w,
        &MilestoneInput {
            account_id: id,
            objective_id: None,
            title: "  ".into(),
            target_date: None,
            first_value: false
        }
    ))
    .is_err());
}

#[test]
fn objectives_and_milestones_can_be_edited_taken_back_and_deleted() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let other = new_account(&conn);
    let today = d("2026-04-30");
    let input = ObjectiveInput {
        account_id: id,
        title: "Cut handling time".into(),
        metric: Some("minutes per ticket".into()),
        usage_metric: None,
        baseline: Some(12.0),
        target: Some(8.0),
        target_date: Some(d("2026-09-30")),
    };
    let objective = write_on(&mut conn, today, |w| plans::add_objective(w, &input));
    write_on(&mut conn, today, |w| {
        plans::update_objective(
            w,
            objective,
            &ObjectiveInput {
                title: "Cut handling time by a third".into(),
                target: Some(7.5),
                ..input.clone()
            },
        )
    });
    let o = &plans::objectives(&conn, id).expect("list")[0];
    assert_eq!(
        (o.title.as_str(), o.target),
        ("Cut handling time by a third", Some(7.5))
    );
    assert!(
        try_write_on(&mut conn, today, |w| plans::update_objective(
            w,
            objective,
            &ObjectiveInput {
                account_id: other,
                ..input.clone()
            }
        ))
        .is_err(),
        "another account's objective is not touched"
    );

    let m = write_on(&mut conn, today, |w| {
        plans::add_milestone(
            w,
            &MilestoneInput {
                account_id: id,
                objective_id: Some(objective),
                title: "Macros rolled out".into(),
                target_date: Some(d("2026-04-15")),
                first_value: false,
            },
        )
    });
    assert_eq!(
        plans::milestones(&conn, id, today).expect("list")[0].status,
        MilestoneStatus::Missed
    );
    // Moving the target date clears the missed flag.
    write_on(&mut conn, today, |w| {
        plans::update_milestone(
            w,
            m,
            &MilestoneInput {
                account_id: id,
                objective_id: Some(objective),
                title: "Macros rolled out to both teams".into(),
                target_date: Some(d("2026-05-15")),
                first_value: true,
            },
        )
    });
    let got = &plans::milestones(&conn, id, today).expect("list")[0];
    assert_eq!(
        (got.title.as_str(), got.status, got.first_value),
        (
            "Macros rolled out to both teams",
            MilestoneStatus::Planned,
            true
        )
    );
    let other_objective = write_on(&mut conn, today, |w| {
        plans::add_objective(
            w,
            &ObjectiveInput {
                account_id: other,
                ..input.clone()
            },
        )
    });
    assert!(try_write_on(&mut conn, today, |w| plans::update_milestone(
        w,
        m,
        &MilestoneInput {
            account_id: id,
            objective_id: Some(other_objective),
            title: "x".into(),
            target_date: None,
            first_value: false
        }
    ))
    .is_err());

    let timeline = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM activities WHERE account_id = ?1 AND summary LIKE 'Milestone achieved%'",
            [id],
            |r| r.get(0),
        )
        .expect("count")
    };
    write_on(&mut conn, today, |w| plans::achieve(w, m, today, ""));
    assert_eq!(timeline(&conn), 1);
    assert_eq!(write_on(&mut conn, today, |w| plans::reopen(w, m)), id);
    let got = &plans::milestones(&conn, id, today).expect("list")[0];
    assert_eq!((got.status, got.for_qbr), (MilestoneStatus::Planned, false));
    assert_eq!(timeline(&conn), 0, "the achievement note goes with it");

    write_on(&mut conn, today, |w| plans::achieve(w, m, today, ""));
    write_on(&mut conn, today, |w| plans::delete_objective(w, objective));
    let got = &plans::milestones(&conn, id, today).expect("list")[0];
    assert_eq!(got.objective_id, None, "the milestone stays, unlinked");
    write_on(&mut conn, today, |w| plans::delete_milestone(w, m));
    assert!(plans::milestones(&conn, id, today)
        .expect("list")
        .is_empty());
    assert_eq!(timeline(&conn), 0);
    assert!(try_write_on(&mut conn, today, |w| plans::delete_milestone(w, m)).is_err());
}

#[test]
fn a_qbr_is_planned_moved_held_and_reports_the_achieved_milestones() {
    use steward_core::qbr;
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let on = d("2026-04-30");
    let first = write_on(&mut conn, today(), |w| {
        plans::add_milestone(
            w,
            &MilestoneInput {
                account_id: id,
                objective_id: None,
                title: "First team live".into(),
                target_date: Some(d("2026-03-02")),
                first_value: true,
            },
        )
    });
    write_on(&mut conn, on, |w| {
        plans::achieve(w, first, d("2026-03-10"), "12 agents live")
    });
    assert_eq!(qbr::plan(&conn, id).expect("plan").milestones_to_report, 1);

    assert!(
        try_write_on(&mut conn, on, |w| qbr::schedule(w, id, d("2026-04-29"))).is_err(),
        "a past day is refused"
    );
    let planned = write_on(&mut conn, on, |w| qbr::schedule(w, id, d("2026-05-20")));
    // Scheduling again moves the same QBR, so calendars update the event.
    assert_eq!(
        write_on(&mut conn, on, |w| qbr::schedule(w, id, d("2026-05-27"))),
        planned
    );
    let plan = qbr::plan(&conn, id).expect("plan");
    assert_eq!(
        plan.next.as_ref().map(|q| q.scheduled_on),
        Some(d("2026-05-27"))
    );
    // Today lists it from two weeks before, with what it will report.
    let on_today = |day: &str| {
        steward_core::today::list(&conn, d(day), 50)
            .expect("today")
            .items
            .into_iter()
            .find(|i| i.section == steward_core::today::Section::Qbr && i.account_id == id)
    };
    assert!(on_today("2026-05-12").is_none());
    let item = on_today("2026-05-13").expect("two weeks out");
    assert_eq!(
        (item.qbr_on, item.milestones_to_report),
        (Some(d("2026-05-27")), 1)
    );
    assert!(on_today("2026-06-03").is_some(), "past due and not held");
    let events = calendar::events(&conn, Some(id), on).expect("events");
    let qbrs: Vec<_> = events
        .iter()
        .filter(|e| e.summary == "QBR: Quokka Labs")
        .collect();
    assert_eq!(qbrs.len(), 1);
    assert_eq!(qbrs[0].day, d("2026-05-27"));
    assert_eq!(qbrs[0].uid, format!("qbr-{planned}@steward"));

    let later = d("2026-05-28");
    assert!(
        try_write_on(&mut conn, later, |w| qbr::hold(w, id, d("2026-05-29"), "")).is_err(),
        "not held in the future"
    );
    write_on(&mut conn, later, |w| {
        qbr::hold(w, id, d("2026-05-27"), "Renewal terms discussed")
    });
    let plan = qbr::plan(&conn, id).expect("plan");
    assert_eq!(plan.next, None);
    let held = plan.last_held.expect("held");
    assert_eq!(
        (held.id, held.held_on, held.note.as_deref()),
        (
            planned,
            Some(d("2026-05-27")),
            Some("Renewal terms discussed")
        )
    );
    assert_eq!(plan.milestones_to_report, 0, "the QBR reported it");
    let logged: String = conn
        .query_row(
            "SELECT summary FROM activities WHERE account_id = ?1 AND kind = 'qbr'",
            [id],
            |r| r.get(0),
        )
        .expect("the QBR is on the timeline");
    assert_eq!(logged, "QBR held. Renewal terms discussed");
    assert!(calendar::events(&conn, Some(id), later)
        .expect("events")
        .iter()
        .all(|e| !e.summary.starts_with("QBR")));

    write_on(&mut conn, later, |w| qbr::schedule(w, id, d("2026-08-26")));
    write_on(&mut conn, today(), |w| qbr::cancel(w, id));
    assert_eq!(qbr::plan(&conn, id).expect("plan").next, None);
    conn.execute(
        "UPDATE accounts SET status = 'churned', churn_date = '2026-06-01' WHERE id = ?1",
        [id],
    )
    .expect("churn");
    let err = try_write_on(&mut conn, later, |w| qbr::schedule(w, id, d("2026-08-26")))
        .expect_err("churned");
    assert!(err.to_string().contains("churned"), "{err}");
}

#[test]
fn a_missed_milestone_raises_a_warning_until_it_is_met_or_moved() {
    use steward_core::alerts::{self, AlertReason, AlertStatus};
    use steward_core::assess;
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let today = d("2026-04-30");
    // The book's first assessment raises warnings without playbooks; later
    // ones apply them. Each write below reassesses the account it touched.
    write_on(&mut conn, today, assess::book);
    let input = MilestoneInput {
        account_id: id,
        objective_id: None,
        title: "Both teams live".into(),
        target_date: Some(d("2026-04-15")),
        first_value: false,
    };
    let m = write_on(&mut conn, today, |w| plans::add_milestone(w, &input));
    write_on(&mut conn, today, |w| {
        plans::add_milestone(
            w,
            &MilestoneInput {
                title: "Reporting rolled out".into(),
                target_date: Some(d("2026-04-20")),
                ..input.clone()
            },
        )
    });
    let warning = |conn: &Connection| {
        alerts::for_account(conn, id, today)
            .expect("alerts")
            .into_iter()
            .find(|a| a.reason == AlertReason::MilestoneMissed)
    };
    let w = warning(&conn).expect("raised");
    assert_eq!(w.status, AlertStatus::Open);
    assert_eq!(
        w.detail,
        "Milestone \u{201c}Both teams live\u{201d} was due 15 Apr 2026 and 1 more"
    );
    // Its playbook gave the CSM something to do.
    assert!(w.playbook_tasks_open > 0);

    // The oldest one is met late, the other moved: the warning clears itself.
    write_on(&mut conn, today, |w| plans::achieve(w, m, today, ""));
    assert!(warning(&conn)
        .expect("still there")
        .detail
        .contains("Reporting rolled out"));
    let second = plans::milestones(&conn, id, today).expect("list")[0].id;
    write_on(&mut conn, today, |w| {
        plans::update_milestone(
            w,
            second,
            &MilestoneInput {
                title: "Reporting rolled out".into(),
                target_date: Some(d("2026-05-20")),
                ..input
            },
        )
    });
    assert_eq!(
        warning(&conn).expect("kept, resolved").status,
        AlertStatus::Resolved
    );
}

#[test]
fn postmortems_are_for_churned_accounts_and_sum_up_by_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = support::book(dir.path(), 60, 5);
    let churned: Vec<(i64, NaiveDate)> = conn
        .prepare("SELECT id, churn_date FROM accounts WHERE status = 'churned' ORDER BY id LIMIT 3")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(churned.len(), 3);
    for (k, (id, churned_on)) in churned.iter().enumerate() {
        write_on(&mut conn, today(), |w| {
            postmortem::save(
                w,
                &Postmortem {
                    account_id: *id,
                    reason: if k < 2 {
                        ChurnReason::ChampionLeft
                    } else {
                        ChurnReason::Price
                    },
                    details: Some("  Our champion moved to another company.  ".into()),
                    first_signals_on: Some(*churned_on - Duration::days(90)),
                    lessons: Some("Multi-thread earlier".into()),
                },
            )
        });
    }
    let saved = postmortem::get(&conn, churned[0].0)
        .expect("get")
        .expect("saved");
    assert_eq!(
        saved.details.as_deref(),
        Some("Our champion moved to another company.")
    );
    let summary = postmortem::reasons(&conn).expect("reasons");
    assert_eq!(summary.reasons[0].reason, ChurnReason::ChampionLeft);
    assert_eq!(summary.reasons[0].accounts, 2);
    let total_churned: u32 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE status = 'churned'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(summary.without_postmortem, total_churned - 3);
    // A live account has no post-mortem; signals after the churn are refused.
    let live: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE status = 'active' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("live");
    let mut bad = saved.clone();
    bad.account_id = live;
    assert!(try_write_on(&mut conn, today(), |w| postmortem::save(w, &bad)).is_err());
    let mut late = saved;
    late.first_signals_on = Some(churned[0].1 + Duration::days(1));
    assert!(try_write_on(&mut conn, today(), |w| postmortem::save(w, &late)).is_err());
}

#[test]
fn the_demo_book_runs_checklists_and_plans() {
    let dir = tempfile::tempdir().expect("tmp");
    let (conn, demo) = support::book(dir.path(), 250, 42);
    let board = onboarding::board(&conn, today(), 14).expect("board");
    let onboarding_accounts = demo
        .with(steward_demo::Scenario::Onboarding)
        .filter(|t| !t.churned)
        .count() as i64;
    assert!(!board.is_empty() && board.len() as i64 <= onboarding_accounts);
    assert!(
        board.iter().any(|r| r.overdue > 0),
        "some onboardings run late"
    );
    assert!(board.iter().any(|r| r.done > 0), "and some items are done");
    let days: Vec<i64> = plans::time_to_value(&conn)
        .expect("ttv")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let median = plans::median_days(&days).expect("a median");
    assert!((14.0..=70.0).contains(&median), "{median}");
    // Achieved milestones are on their accounts' timelines.
    let (achieved, notes): (i64, i64) = conn
        .query_row(
            "SELECT count(*), (SELECT count(*) FROM activities WHERE summary LIKE 'Milestone achieved: %')
             FROM milestones WHERE achieved_on IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts");
    assert!(achieved > 0);
    assert_eq!(achieved, notes);
    // Tier A and B accounts meet quarterly: every one has its next QBR
    // planned, it is on the calendar, and past QBRs reported the milestones
    // achieved before them.
    let (top, planned, stale): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM accounts WHERE status = 'active' AND tier IN ('A','B')),
                    (SELECT count(*) FROM qbrs WHERE held_on IS NULL AND scheduled_on > ?1),
                    (SELECT count(*) FROM milestones m WHERE m.for_qbr AND m.achieved_on <=
                        (SELECT max(held_on) FROM qbrs q WHERE q.account_id = m.account_id))",
            [today()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("qbrs");
    assert!(top > 0);
    assert_eq!(planned, top);
    assert_eq!(stale, 0);
    let qbr_events = calendar::events(&conn, None, today())
        .expect("calendar")
        .iter()
        .filter(|e| e.summary.starts_with("QBR: "))
        .count() as i64;
    assert_eq!(qbr_events, top);
}

#[test]
fn value_measurements_are_read_line_by_line_and_prove_the_objective() {
    use steward_core::value::{self, Verdict};
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let today = today();
    // Hours to close the books: lower is better.
    let objective = write_on(&mut conn, today, |w| {
        plans::add_objective(
            w,
            &ObjectiveInput {
                account_id: id,
                title: "Close the books faster".into(),
                metric: Some("hours to close".into()),
                usage_metric: None,
                baseline: Some(40.0),
                target: Some(20.0),
                target_date: None,
            },
        )
    });
    let text = "group;phase;value;label\n\
                target;before;40;North\ntarget;before;44;East\ntarget;before;42;West\n\
                target;after;30;North\ntarget;after;32;East\ntarget;after;31;West\n\
                control;before;41\ncontrol;before;43\ncontrol;before;42\n\
                control;after;41\ncontrol;after;40\ncontrol;after;42\n\
                \n\
                pilot;before;3\n\
                target;during;3\n\
                target;after;1,5\n\
                target;after\n";
    let report = write_on(&mut conn, today, |w| {
        value::replace_measures(w, objective, text)
    });
    assert_eq!(report.kept, 12, "the good rows go in");
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [15, 16, 17, 18], "each bad row with its line");
    assert!(report.errors[0]
        .reason
        .contains("neither target nor control"));
    assert!(report.errors[2].reason.contains("not a number"));
    let p = value::proof(&conn, objective, today)
        .expect("proof")
        .expect("measured");
    // Target 42 -> 31 (-11), control 42 -> 41 (-1): ten hours fewer.
    assert!((p.effect + 10.0).abs() < 1e-9, "{}", p.effect);
    assert!(!p.higher_is_better);
    assert_eq!(p.verdict, Verdict::Better);
    // Saving again replaces; the text reads back in the same form.
    let again = value::measures(&conn, objective, today).expect("read").text;
    assert_eq!(again.lines().count(), 12);
    let report = write_on(&mut conn, today, |w| {
        value::replace_measures(w, objective, &again)
    });
    assert_eq!((report.kept, report.errors.len()), (12, 0));
    // Nothing recorded by an earlier day.
    assert!(value::proof(&conn, objective, today - Duration::days(400))
        .expect("proof")
        .is_none());
}
