//! Success plans, milestones, onboarding checklists, the calendar export and
//! churn post-mortems against a real portfolio file.

mod support;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use steward_core::calendar;
use steward_core::onboarding::{self, ItemOwner, TemplateItem, TemplatePhase};
use steward_core::plans::{self, MilestoneInput, MilestoneStatus, ObjectiveInput, UsageMetric};
use steward_core::postmortem::{self, ChurnReason, Postmortem};
use steward_core::{account_page, store};
use support::{today, try_write_on, write_on};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A new account that signed on the last day of January.
fn new_account(conn: &Connection) -> i64 {
    conn.execute(
        "INSERT INTO accounts(name, arr_minor, currency, contract_start, renewal_date, lifecycle_stage, source, created_at, updated_at)
         VALUES ('Quokka Labs', 4800000, 'USD', '2026-01-31', '2027-01-31', 'onboarding', 'user', '', '')",
        [],
    )
    .expect("account");
    conn.last_insert_rowid()
}

#[test]
fn the_default_template_becomes_the_accounts_own_checklist() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn)
        .expect("templates")
        .into_iter()
        .find(|t| t.name == "Standard onboarding")
        .expect("the shipped template");
    assert_eq!(template.version, 1);
    assert_eq!(template.phases.len(), 6);

    let on = d("2026-03-05");
    write_on(&mut conn, on, |w| {
        onboarding::apply(w, id, template.id, "Live in 30 days for the ops team")
    });
    assert!(
        try_write_on(&mut conn, on, |w| onboarding::apply(w, id, template.id, "")).is_err(),
        "one running checklist"
    );
    let list = onboarding::checklist(&conn, id, on)
        .expect("read")
        .expect("checklist");
    assert_eq!((list.done, list.total), (0, 9));
    assert_eq!(
        list.expectations.as_deref(),
        Some("Live in 30 days for the ops team")
    );
    // Due dates count from the contract start across the month end:
    // 31 Jan + 30 days = 2 Mar (2026 is not a leap year).
    let first_value = &list.phases[2];
    assert_eq!(first_value.name, "First value");
    assert_eq!(first_value.items[0].due_on, Some(d("2026-03-02")));
    assert!(first_value.items[0].overdue, "due 2 Mar, not done on 5 Mar");
    // Kick-off (7, 10), setup (14, 21) and first value (30) are past due.
    assert_eq!(list.overdue, 5);

    // Check two items off; the first-value item achieves its milestone.
    let kickoff = list.phases[0].items[0].id;
    write_on(&mut conn, on, |w| {
        onboarding::set_done(w, kickoff, Some(d("2026-02-06")), "")
    });
    write_on(&mut conn, on, |w| {
        onboarding::set_done(
            w,
            first_value.items[0].id,
            Some(d("2026-03-04")),
            "Ops team live",
        )
    });
    assert!(
        try_write_on(&mut conn, on, |w| onboarding::set_done(
            w,
            kickoff,
            Some(on + Duration::days(1)),
            ""
        ))
        .is_err(),
        "not in the future"
    );
    let list = onboarding::checklist(&conn, id, on)
        .expect("read")
        .expect("checklist");
    assert_eq!((list.done, list.total), (2, 9));
    assert_eq!(list.progress_pct, 22.2);
    assert_eq!((list.phases[0].done, list.phases[0].total), (1, 2));
    assert_eq!(list.overdue, 3);
    assert_eq!(list.last_done_on, Some(d("2026-03-04")));

    // The milestone is achieved, on the timeline, marked for the QBR, and
    // gives the time to value: 31 Jan -> 4 Mar = 32 days.
    let milestones = plans::milestones(&conn, id, on).expect("milestones");
    let fv = milestones
        .iter()
        .find(|m| m.first_value)
        .expect("first value");
    assert_eq!(fv.status, MilestoneStatus::Achieved);
    assert!(fv.for_qbr);
    let page = account_page::page(&conn, id, 30, on).expect("page");
    assert_eq!(
        page.activities[0].summary,
        "Milestone achieved: First team live on the product. Ops team live"
    );
    assert_eq!(plans::time_to_value(&conn).expect("ttv"), vec![(id, 32)]);

    // Editing the template makes version 2; the running checklist keeps its items.
    let mut phases = template.phases.clone();
    phases[0].items.push(TemplateItem {
        title: "Executive alignment call".into(),
        owner: ItemOwner::Csm,
        due_offset_days: 5,
        milestone: false,
        first_value: false,
    });
    let v2 = write_on(&mut conn, today(), |w| {
        onboarding::save_template(w, &template.name, &phases)
    });
    assert_eq!(v2.version, 2);
    let list = onboarding::checklist(&conn, id, on)
        .expect("read")
        .expect("checklist");
    assert_eq!((list.total, list.template_version), (9, 1));
    assert!(
        try_write_on(&mut conn, today(), |w| onboarding::save_template(
            w,
            "Empty",
            &[TemplatePhase {
                name: "Nothing".into(),
                items: vec![]
            }]
        ))
        .is_err()
    );

    // The onboarding board: progress, overdue, and stuck after 14 quiet days.
    let board = onboarding::board(&conn, on, 14).expect("board");
    assert_eq!(board.len(), 1);
    assert_eq!(
        (board[0].done, board[0].overdue, board[0].stuck),
        (2, 3, false)
    );
    let later = onboarding::board(&conn, d("2026-03-25"), 14).expect("board");
    assert!(later[0].stuck, "nothing done since 4 Mar");
}

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
fn the_calendar_export_opens_as_icalendar_with_renewals_milestones_and_tasks() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut conn, _) = support::book(dir.path(), 20, 5);
    let id: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE status = 'active' AND renewal_date > ?1 ORDER BY id LIMIT 1",
            [today()],
            |r| r.get(0),
        )
        .expect("an account");
    write_on(&mut conn, today(), |w| {
        plans::add_milestone(
            w,
            &MilestoneInput {
                account_id: id,
                objective_id: None,
                title: "Rollout; phase 2, EU".into(),
                target_date: Some(today() + Duration::days(20)),
                first_value: false,
            },
        )
    });
    let events = calendar::events(&conn, Some(id), today()).expect("events");
    let ics = calendar::render(&events, "Steward");
    // Parse it back: unfold lines, then read each VEVENT.
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    let vevents = lines.iter().filter(|l| **l == "BEGIN:VEVENT").count();
    assert_eq!(vevents, events.len());
    assert!(lines.iter().any(|l| l.starts_with("SUMMARY:Renewal: ")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("SUMMARY:Milestone: Rollout\\; phase 2\\, EU (")));
    let open_tasks: i64 = conn
        .query_row(
            "SELECT count(*) FROM tasks WHERE account_id = ?1 AND done_at IS NULL AND due_on IS NOT NULL",
            [id],
            |r| r.get(0),
        )
        .expect("tasks");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("SUMMARY:Task: "))
            .count() as i64,
        open_tasks
    );
    assert!(lines.iter().all(|l| l.len() <= 75));
    // The whole book's calendar holds at least every account's.
    assert!(calendar::events(&conn, None, today()).expect("all").len() >= events.len());
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
fn the_task_list_holds_the_csms_checklist_items_too() {
    use steward_core::tasks::{self, TaskKind};
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates").remove(0);
    let on = d("2026-03-05");
    write_on(&mut conn, on, |w| onboarding::apply(w, id, template.id, ""));
    let list = tasks::open(&conn, on).expect("tasks");
    let all: Vec<_> = list
        .overdue
        .iter()
        .chain(&list.today)
        .chain(&list.upcoming)
        .collect();
    // The template has 3 CSM items (kick-off call, admin and end-user training).
    assert_eq!(all.len(), 3);
    assert!(all
        .iter()
        .all(|t| t.kind == TaskKind::ChecklistItem && t.origin == tasks::TaskOrigin::Checklist));
    assert_eq!(list.overdue[0].title, "Kick-off call held");
    assert_eq!(list.overdue[0].account_name.as_deref(), Some("Quokka Labs"));
    write_on(&mut conn, on, |w| {
        onboarding::set_done(w, list.overdue[0].id, Some(on), "")
    });
    let after = tasks::open(&conn, on).expect("tasks");
    assert_eq!(
        after.overdue.len() + after.today.len() + after.upcoming.len(),
        2
    );
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
fn a_task_written_by_hand_joins_the_list_and_the_calendar() {
    use steward_core::tasks::{self, NewTask, TaskKind};
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let on = d("2026-03-05");
    let with_account = write_on(&mut conn, today(), |w| {
        tasks::add(
            w,
            &NewTask {
                account_id: Some(id),
                title: "  Send the security questionnaire ".into(),
                due_on: Some(on),
            },
        )
    });
    write_on(&mut conn, today(), |w| {
        tasks::add(
            w,
            &NewTask {
                account_id: None,
                title: "Prepare the team's renewal forecast".into(),
                due_on: None,
            },
        )
    });
    assert!(try_write_on(&mut conn, today(), |w| tasks::add(
        w,
        &NewTask {
            account_id: None,
            title: " ".into(),
            due_on: None
        }
    ))
    .is_err());
    let err = try_write_on(&mut conn, today(), |w| {
        tasks::add(
            w,
            &NewTask {
                account_id: Some(id + 99),
                title: "x".into(),
                due_on: None,
            },
        )
    })
    .expect_err("unknown account");
    assert!(err.to_string().contains("does not exist"), "{err}");

    let list = tasks::open(&conn, on).expect("list");
    assert_eq!(list.today.len(), 1);
    assert_eq!(list.today[0].id, with_account);
    assert_eq!(list.today[0].kind, TaskKind::Task);
    assert_eq!(list.today[0].origin, tasks::TaskOrigin::Manual);
    assert_eq!(list.today[0].title, "Send the security questionnaire");
    assert_eq!(list.today[0].account_name.as_deref(), Some("Quokka Labs"));
    assert_eq!(
        list.upcoming.last().map(|t| t.title.as_str()),
        Some("Prepare the team's renewal forecast")
    );
    let events = calendar::events(&conn, Some(id), on).expect("events");
    assert!(events
        .iter()
        .any(|e| e.summary == "Task: Send the security questionnaire (Quokka Labs)"));
}

#[test]
fn due_and_overdue_follow_the_csms_own_calendar_day_not_utc() {
    use chrono::{FixedOffset, TimeZone, Utc};
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates").remove(0);
    // Signed 31 January: the kick-off call is due 7 days later, 7 February.
    write_on(&mut conn, d("2026-02-01"), |w| {
        onboarding::apply(w, id, template.id, "")
    });
    // 07:30 UTC on 7 February is still the evening of 6 February in San
    // Francisco and already the afternoon of 7 February in Sydney.
    let instant = Utc
        .with_ymd_and_hms(2026, 2, 7, 7, 30, 0)
        .single()
        .expect("instant");
    let pacific = FixedOffset::west_opt(8 * 3600).expect("UTC-8");
    let sydney = FixedOffset::east_opt(11 * 3600).expect("UTC+11");
    assert_eq!(steward_core::day_in(instant, &pacific), d("2026-02-06"));
    assert_eq!(steward_core::day_in(instant, &sydney), d("2026-02-07"));
    let kick_off = |today: NaiveDate| {
        let tasks = steward_core::tasks::open(&conn, today).expect("tasks");
        let overdue = tasks
            .overdue
            .iter()
            .any(|t| t.title == "Kick-off call held");
        let due_today = tasks.today.iter().any(|t| t.title == "Kick-off call held");
        (overdue, due_today)
    };
    assert_eq!(
        kick_off(steward_core::day_in(instant, &pacific)),
        (false, false)
    );
    assert_eq!(
        kick_off(steward_core::day_in(instant, &sydney)),
        (false, true)
    );
    // A day later in Sydney it is overdue, and the checklist flags it.
    let next = steward_core::day_in(instant, &sydney) + Duration::days(1);
    assert_eq!(kick_off(next), (true, false));
    let list = onboarding::checklist(&conn, id, next)
        .expect("read")
        .expect("checklist");
    assert_eq!(list.overdue, 1);
}

#[test]
fn a_milestone_and_its_checklist_item_stay_in_step() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates").remove(0);
    let on = d("2026-03-20");
    write_on(&mut conn, on, |w| onboarding::apply(w, id, template.id, ""));
    let first_value = |conn: &Connection| {
        let m = plans::milestones(conn, id, on)
            .expect("milestones")
            .into_iter()
            .find(|m| m.first_value)
            .expect("the first-value milestone");
        let item = onboarding::checklist(conn, id, on)
            .expect("read")
            .expect("checklist")
            .phases
            .into_iter()
            .flat_map(|p| p.items)
            .find(|i| i.milestone)
            .expect("its item");
        (m, item)
    };
    let (m, item) = first_value(&conn);
    assert_eq!(item.title, m.title);

    // Achieved on the success plan: the item is checked off that day.
    write_on(&mut conn, on, |w| {
        plans::achieve(w, m.id, d("2026-03-02"), "")
    });
    let (m, item) = first_value(&conn);
    assert_eq!(
        (m.status, item.done_on),
        (MilestoneStatus::Achieved, Some(d("2026-03-02")))
    );
    // Taken back: the item opens again.
    write_on(&mut conn, today(), |w| plans::reopen(w, m.id));
    let (m, item) = first_value(&conn);
    assert_eq!((m.achieved_on, item.done_on), (None, None));

    // Checked off on the checklist: the milestone is achieved; opened again,
    // the achievement and its timeline note go.
    write_on(&mut conn, on, |w| {
        onboarding::set_done(w, item.id, Some(d("2026-03-05")), "")
    });
    assert_eq!(first_value(&conn).0.achieved_on, Some(d("2026-03-05")));
    write_on(&mut conn, on, |w| {
        onboarding::set_done(w, item.id, None, "")
    });
    assert_eq!(first_value(&conn).0.status, MilestoneStatus::Missed);
    let notes: i64 = conn
        .query_row(
            "SELECT count(*) FROM activities WHERE account_id = ?1 AND summary LIKE 'Milestone achieved%'",
            [id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(notes, 0);
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
