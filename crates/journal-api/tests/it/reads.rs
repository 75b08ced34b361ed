//! Reading the demo teacher's copy: today's lessons with bell times and duties, a lesson's list and
//! КТП suggestion, the grid, groups and loads, the status.

use crate::fixture::*;
use journal_api::{DeadlineState, DutyKind, Journal};

#[test]
fn opening_the_demo_twice_keeps_the_same_copy() {
    let f = Fixture::open();
    let device = f.journal.status().expect("status").device_id;
    let lesson = f.lesson_of_day();
    let student = f.detail(&lesson).students[0].student_id;
    let mut journal = f.journal;
    journal
        .set_cell(lesson.id, student, "5")
        .expect("mark accepted");
    drop(journal);
    let reopened = Journal::open_demo(f.dir.path(), demo_today()).expect("reopens");
    let status = reopened.status().expect("status");
    assert_eq!(
        status.device_id, device,
        "the same device identity after reopening"
    );
    assert_eq!(
        status.pending_ops, 1,
        "the edit made before is still pending"
    );
    assert!(
        status.outbox_intact,
        "the outbox chain verifies after reopening"
    );
    assert_eq!(
        status.user.login, "teacher",
        "the demo copy is the demo teacher's"
    );
}

#[test]
fn todays_lessons_come_with_bell_times_names_and_open_duties() {
    let f = Fixture::open();
    let lessons = f.journal.today_lessons(f.day).expect("lessons of the day");
    assert!(
        !lessons.is_empty(),
        "the demo teacher has lessons on {}",
        f.day
    );
    for pair in lessons.windows(2) {
        assert!(
            pair[0].bell_number <= pair[1].bell_number,
            "lessons are listed in bell order"
        );
    }
    let l = f.lesson_of_day();
    assert_eq!(l.date, f.day, "the lesson is on the asked day");
    assert!(
        l.starts_at < l.ends_at,
        "bell times known: {} – {}",
        l.starts_at,
        l.ends_at
    );
    assert!(
        !l.group_name.is_empty() && !l.subject_name.is_empty(),
        "group and subject named"
    );
    assert!(l.student_count >= 1, "the lesson has students on its list");
    let kinds: Vec<DutyKind> = l.duties.iter().map(|d| d.kind).collect();
    assert!(
        kinds.contains(&DutyKind::Marks)
            && kinds.contains(&DutyKind::Topic)
            && kinds.contains(&DutyKind::Homework),
        "every held lesson lists marks, topic and homework duties: {kinds:?}"
    );
    // The demo leaves the lessons of its today and later unfilled; at 20:00 the homework window
    // (1.5 h after the lesson) of a daytime lesson has passed.
    let homework = l
        .duties
        .iter()
        .find(|d| d.kind == DutyKind::Homework)
        .expect("homework duty");
    if l.homework.is_none() && l.ends_at + chrono::Duration::minutes(90) < at(f.day, 20, 0) {
        assert_eq!(
            homework.state,
            DeadlineState::Overdue,
            "homework is overdue at 20:00"
        );
    }
    assert_eq!(
        l.missing as usize,
        l.duties.iter().filter(|d| !d.done).count(),
        "missing counts the undone duties"
    );
}

#[test]
fn lesson_lists_students_and_suggests_the_next_plan_topic() {
    let f = Fixture::open();
    let l = f.lesson_of_day();
    let d = f.detail(&l);
    assert_eq!(
        d.students.len() as u32,
        l.student_count,
        "list size matches the summary"
    );
    let numbers: Vec<u32> = d.students.iter().map(|s| s.number).collect();
    let expected: Vec<u32> = (1..=d.students.len() as u32).collect();
    assert_eq!(
        numbers, expected,
        "students are numbered 1..n in list order"
    );
    assert!(!d.plan.is_empty(), "the load has a КТП");
    let suggested = d.suggested_topic.as_ref().expect("a topic is suggested");
    let first_open = d.plan.iter().find(|p| !p.given).expect("an open topic");
    assert_eq!(
        suggested.id, first_open.id,
        "the suggestion is the first КТП topic not yet given"
    );
    assert!(
        d.read_only_reason.is_none(),
        "the teacher may edit a held lesson of today: {:?}",
        d.read_only_reason
    );
}

#[test]
fn grid_shows_students_by_dates_with_suggested_finals() {
    let f = Fixture::open();
    let l = f.lesson_of_day();
    let g = f.journal.grid(l.load_id, None).expect("grid opens");
    assert!(
        g.period.starts_on <= f.day && f.day <= g.period.ends_on,
        "without a period the grid opens the current one"
    );
    assert!(!g.columns.is_empty(), "the period has lessons");
    for r in &g.rows {
        assert_eq!(
            r.cells.len(),
            g.columns.len(),
            "one cell per column in every row"
        );
    }
    assert!(
        g.columns.iter().any(|c| c.lesson_id == l.id),
        "today's lesson is a column of its load's grid"
    );
    // The demo has a history of marks before its today: some student has a suggested final.
    assert!(
        g.rows
            .iter()
            .any(|r| r.suggested_final.is_some() && r.average.is_some()),
        "marks of the period give an average and a suggested final"
    );
}

#[test]
fn groups_and_loads_are_the_teachers_own() {
    let f = Fixture::open();
    let me = f.journal.user().id;
    let loads = f.journal.loads().expect("loads");
    assert!(!loads.is_empty(), "the demo teacher has loads");
    assert!(
        loads.iter().all(|l| l.teacher_id == me && l.own),
        "a teacher's copy lists own loads"
    );
    let groups = f.journal.groups().expect("groups");
    assert!(!groups.is_empty(), "the teacher's groups are listed");
    for g in &groups {
        assert!(
            !g.loads.is_empty(),
            "a group is listed with the teacher's loads in it"
        );
        assert!(g.student_count > 0, "group {} has students", g.name);
    }
}

#[test]
fn status_of_a_fresh_copy_has_nothing_pending() {
    let f = Fixture::open();
    let s = f.journal.status().expect("status");
    assert_eq!(s.pending_ops, 0, "a fresh demo copy has no edits");
    assert_eq!(s.conflicts, 0, "and no conflicts");
    assert!(s.last_sync.is_none(), "it has never synced");
    assert!(!s.device_id.is_empty(), "the device has an id");
    assert!(s.outbox_intact, "an empty outbox verifies");
}

#[test]
fn an_encrypted_demo_copy_opens_only_with_its_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = journal_api::StoreKey([7u8; 32]);
    let journal = Journal::open_demo_with_key(dir.path(), demo_today(), Some(&key))
        .expect("created encrypted");
    let loads_before = journal.loads().expect("loads").len();
    drop(journal);
    let err = Journal::open(dir.path(), "teacher", None).expect_err("no key, no journal");
    assert_eq!(
        err.code, "store_key_invalid",
        "the store's code crosses: {}",
        err.message
    );
    let wrong = journal_api::StoreKey([8u8; 32]);
    let err = Journal::open(dir.path(), "teacher", Some(&wrong)).expect_err("wrong key");
    assert_eq!(err.code, "store_key_invalid", "{}", err.message);
    let journal = Journal::open(dir.path(), "teacher", Some(&key)).expect("the right key opens it");
    assert_eq!(
        journal.loads().expect("loads").len(),
        loads_before,
        "the same copy behind the key"
    );
}
