//! Tasks and the calendar export against a real portfolio file: tasks the
//! CSM writes down, due and overdue on the CSM's own calendar day, and an
//! .ics that calendar apps open.

mod support;

use chrono::{Duration, NaiveDate};
use steward_core::calendar;
use steward_core::onboarding::{self};
use steward_core::plans::{self, MilestoneInput};
use steward_core::store;
use support::{d, new_account, today, try_write_on, write_on};

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
        onboarding::apply(w, id, template.id, "", None)
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
