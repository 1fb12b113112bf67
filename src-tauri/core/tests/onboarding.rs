//! Onboarding checklists against a real portfolio file: the shipped
//! template becomes an account's own checklist, items are checked off and
//! stay in step with their milestones, and they join the task list.

mod support;

use chrono::Duration;
use rusqlite::Connection;
use steward_core::lang::Lang;
use steward_core::onboarding::{self, ItemOwner, TemplateItem, TemplatePhase};
use steward_core::plans::{self, MilestoneStatus};
use steward_core::{account_page, store};
use support::{d, new_account, today, try_write_on, write_on};

#[test]
fn a_running_customer_starts_its_checklist_today_a_new_one_at_its_contract_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates")[0].clone();
    // Contract start 31 Jan; applied on 20 Feb (20 days in): a new customer.
    assert_eq!(
        onboarding::default_start(&conn, id, d("2026-02-20")).expect("start"),
        d("2026-01-31")
    );
    // Applied in November, ten months in: it counts from that day, so
    // nothing is late and no milestone is missed at once.
    let on = d("2026-11-23");
    assert_eq!(onboarding::default_start(&conn, id, on).expect("start"), on);
    write_on(&mut conn, on, |w| {
        onboarding::apply(w, id, template.id, "", None)
    });
    let list = onboarding::checklist(&conn, id, on)
        .expect("read")
        .expect("checklist");
    assert_eq!(list.overdue, 0, "{list:?}");
    assert_eq!(list.started_on, on);
    let missed: i64 = conn
        .query_row(
            "SELECT count(*) FROM alerts WHERE account_id = ?1 AND reason = 'milestone_missed'",
            [id],
            |r| r.get(0),
        )
        .expect("alerts");
    assert_eq!(missed, 0);
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
        onboarding::apply(
            w,
            id,
            template.id,
            "Live in 30 days for the ops team",
            Some(d("2026-01-31")),
        )
    });
    assert!(
        try_write_on(&mut conn, on, |w| onboarding::apply(
            w,
            id,
            template.id,
            "",
            None
        ))
        .is_err(),
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
fn a_german_csm_is_offered_the_german_template_and_keeps_the_english_one_they_edited() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let names = |conn: &Connection, lang: Lang| -> Vec<String> {
        lang.scoped(|| onboarding::templates(conn).expect("templates"))
            .into_iter()
            .map(|t| t.name)
            .collect()
    };
    assert_eq!(names(&conn, Lang::En), ["Standard onboarding"]);
    assert_eq!(names(&conn, Lang::De), ["Standard-Onboarding"]);

    // Applied in German, the account's checklist is German.
    let german = Lang::De
        .scoped(|| onboarding::shipped_template(&conn))
        .expect("shipped");
    write_on(&mut conn, d("2026-02-20"), |w| {
        onboarding::apply(w, id, german.id, "", None)
    });
    let list = onboarding::checklist(&conn, id, d("2026-02-20"))
        .expect("read")
        .expect("checklist");
    let phases: Vec<&str> = list.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(phases[1], "Technische Einrichtung");
    assert_eq!(list.phases[0].items[0].title, "Kick-off-Termin gehalten");
    assert_eq!(list.total, 9);

    // An English template the CSM edited is theirs: offered in German too,
    // while the unedited German one stays German only.
    let english = Lang::En
        .scoped(|| onboarding::shipped_template(&conn))
        .expect("shipped");
    write_on(&mut conn, today(), |w| {
        onboarding::save_template(w, &english.name, &english.phases)
    });
    assert_eq!(
        names(&conn, Lang::De),
        ["Standard onboarding", "Standard-Onboarding"]
    );
    assert_eq!(names(&conn, Lang::En), ["Standard onboarding"]);
}

#[test]
fn the_task_list_holds_the_csms_checklist_items_too() {
    use steward_core::tasks::{self, TaskKind};
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates").remove(0);
    let on = d("2026-03-05");
    write_on(&mut conn, on, |w| {
        onboarding::apply(w, id, template.id, "", Some(d("2026-01-31")))
    });
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
fn a_milestone_and_its_checklist_item_stay_in_step() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = store::open_in(dir.path()).expect("open");
    let id = new_account(&conn);
    let template = onboarding::templates(&conn).expect("templates").remove(0);
    let on = d("2026-03-20");
    write_on(&mut conn, on, |w| {
        onboarding::apply(w, id, template.id, "", Some(d("2026-01-31")))
    });
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
