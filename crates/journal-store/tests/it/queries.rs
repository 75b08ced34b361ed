//! Read queries as journal-api uses them.

use crate::fixture::*;
use journal_core::*;
use journal_protocol::OpPayload;

#[test]
fn reference_queries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, fx) = store_with(dir.path(), None);
    let inst = store
        .institution()
        .expect("query")
        .expect("institution is there");
    assert_eq!(inst.short_name, "КС-1", "institution reads back");
    assert_eq!(inst.policy, Policy::default(), "policy reads back");
    assert_eq!(
        store.academic_year().expect("year").map(|y| y.name),
        Some("2026/2027".into()),
        "year"
    );
    assert_eq!(store.periods().expect("periods").len(), 2, "both periods");
    assert_eq!(
        store
            .period_on(date(2026, 10, 1))
            .expect("period")
            .map(|p| p.id),
        Some(fx.period),
        "the current period contains the date"
    );
    assert_eq!(
        store.period_on(date(2027, 1, 5)).expect("period"),
        None,
        "no period in the holidays"
    );
    assert_eq!(store.bells().expect("bells").len(), 2, "bells");
    assert_eq!(store.holidays().expect("holidays").len(), 1, "holidays");
    assert_eq!(store.users().expect("users").len(), 2, "users");
    assert_eq!(
        store.user_by_login("teacher").expect("user").map(|u| u.id),
        Some(fx.teacher),
        "user by login"
    );
    let loads = store.loads_of(fx.teacher).expect("loads");
    assert_eq!(loads.len(), 2, "the teacher has two loads");
    let sub = loads
        .iter()
        .find(|l| l.load.id == fx.sub_load)
        .expect("subgroup load listed");
    assert_eq!(
        sub.subgroup_name.as_deref(),
        Some("1 подгруппа"),
        "subgroup name is joined"
    );
    assert_eq!(sub.subject.name, "Информатика", "subject is joined");
    assert_eq!(
        sub.teacher_name.as_deref(),
        Some("Иванова Мария Петровна"),
        "teacher name is joined"
    );
    assert!(
        store
            .loads_of(UserId(uuid::Uuid::new_v4()))
            .expect("loads")
            .is_empty(),
        "stranger has no loads"
    );
    assert_eq!(store.groups().expect("groups").len(), 1, "groups");
    assert_eq!(
        store.plan_topics(fx.load).expect("plan").len(),
        1,
        "КТП of the load"
    );
}

#[test]
fn lessons_of_a_day_in_bell_order_with_topic_and_homework() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, fx) = store_with(dir.path(), None);
    let day = store.lessons_on(first_day(), fx.teacher).expect("lessons");
    assert_eq!(day.len(), 2, "two lessons on the first day");
    assert_eq!(day[0].lesson.id, fx.lessons[0], "bell 1 comes first");
    assert_eq!(
        day[0].starts.map(|t| t.to_string()),
        Some("08:30:00".into()),
        "bell time joined"
    );
    assert_eq!(day[0].topics.len(), 1, "the topic is listed");
    assert!(day[0].homework.is_some(), "homework presence is listed");
    assert_eq!(day[0].filled_cells, 1, "one cell filled");
    assert!(
        day[1].homework.is_none(),
        "no homework on the second lesson"
    );
    assert_eq!(
        day[1].subgroup_name.as_deref(),
        Some("1 подгруппа"),
        "subgroup lesson"
    );
    assert!(
        store
            .lessons_on(date(2026, 9, 30), fx.teacher)
            .expect("lessons")
            .is_empty(),
        "no lessons on a day without timetable"
    );
}

#[test]
fn roster_follows_membership_dates_subgroups_and_name_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, fx) = store_with(dir.path(), None);
    let first = store.lesson(fx.lessons[0]).expect("query").expect("lesson");
    let ids: Vec<StudentId> = first.roster.iter().map(|e| e.student.id).collect();
    assert!(
        ids.contains(&fx.withdrawn),
        "a student who leaves later is listed on day 1"
    );
    assert!(
        !ids.contains(&fx.late),
        "a student who joins later is not listed on day 1"
    );
    let names: Vec<&str> = first.roster.iter().map(|e| e.full_name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase().replace('ё', "е"));
    assert_eq!(
        names, sorted,
        "roster is ordered by full name (ё sorts as е)"
    );
    assert_eq!(names[0], "Алексеев Борис Олегович", "Алексеев first");
    assert_eq!(
        first.period.as_ref().map(|p| p.id),
        Some(fx.period),
        "lesson's period is given"
    );
    assert!(!first.locked, "not locked");

    let last = store.lesson(fx.lessons[4]).expect("query").expect("lesson");
    let ids: Vec<StudentId> = last.roster.iter().map(|e| e.student.id).collect();
    assert!(
        !ids.contains(&fx.withdrawn),
        "a withdrawn student is not listed after leaving"
    );
    assert!(
        ids.contains(&fx.late),
        "a student who joined is listed afterwards"
    );

    let sub = store
        .lesson(fx.sub_lessons[0])
        .expect("query")
        .expect("lesson");
    assert_eq!(
        sub.roster.len(),
        3,
        "a subgroup lesson lists only the subgroup's members of that day"
    );
    assert!(
        sub.roster.iter().all(|e| e.subgroup_id.is_some()),
        "subgroup members carry the subgroup"
    );
    assert!(
        store
            .lesson(LessonId(uuid::Uuid::new_v4()))
            .expect("query")
            .is_none(),
        "unknown lesson is None"
    );
}

#[test]
fn grid_aligns_cells_membership_finals_and_lock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let when = at(first_day() + chrono::Days::new(4), 12, 0);
    let s = fx.students[2];
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: fx.lessons[3],
                student_id: s,
                value: absent(),
                reason: None,
            },
        )
        .expect("edit");
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetFinal {
                load_id: fx.load,
                period_id: fx.period,
                student_id: s,
                column: Default::default(),
                value: Some(FinalValue::Pass),
            },
        )
        .expect("final");
    let grid = store.grid(fx.load, fx.period).expect("grid");
    assert_eq!(grid.lessons.len(), 5, "five lessons in the period");
    assert_eq!(
        grid.rows.len(),
        6,
        "every student with a membership overlapping the period"
    );
    let row = grid.rows.iter().find(|r| r.student_id == s).expect("row");
    assert_eq!(
        row.cells[3],
        Some(absent()),
        "the cell sits at its lesson's column"
    );
    assert_eq!(
        row.cells.iter().filter(|c| c.is_some()).count(),
        1,
        "no other cells for this student"
    );
    assert_eq!(
        row.final_value,
        Some(FinalValue::Pass),
        "the final is on the row"
    );
    let withdrawn = grid
        .rows
        .iter()
        .find(|r| r.student_id == fx.withdrawn)
        .expect("row");
    assert_eq!(
        withdrawn.member_on,
        vec![true, true, true, false, false],
        "membership per lesson date follows the withdrawal"
    );
    let late = grid
        .rows
        .iter()
        .find(|r| r.student_id == fx.late)
        .expect("row");
    assert_eq!(
        late.member_on,
        vec![false, false, true, true, true],
        "late joiner from day 3"
    );
    assert_eq!(grid.lessons[0].topics.len(), 1, "right page: topic");
    assert!(grid.lessons[0].homework.is_some(), "right page: homework");
    assert!(!grid.locked(), "not locked yet");
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::LockPeriod {
                load_id: fx.load,
                period_id: fx.period,
            },
        )
        .expect("lock");
    assert!(
        store.grid(fx.load, fx.period).expect("grid").locked(),
        "lock flag after locking"
    );
    let err = store
        .grid(fx.load, PeriodId(uuid::Uuid::new_v4()))
        .expect_err("unknown period");
    assert_eq!(err.code(), "store_not_found", "unknown period is not found");
}

#[test]
fn conflicts_counts_and_cursor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let when = at(first_day(), 12, 0);
    let op = store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: fx.lessons[0],
                student_id: fx.students[3],
                value: mark(4),
                reason: None,
            },
        )
        .expect("edit");
    let id = store
        .add_conflict(
            op.op_id,
            &serde_json::json!({"value": "4"}),
            Some(&serde_json::json!({"value": "3"})),
            "conflict_first_wins",
            "Другое значение уже принято сервером",
            when,
        )
        .expect("conflict recorded");
    store
        .set_op_state(op.op_id, journal_store::OpState::Conflict, None)
        .expect("state");
    let counts = store.counts().expect("counts");
    assert_eq!(
        (counts.pending_ops, counts.total_ops, counts.open_conflicts),
        (0, 1, 1),
        "counts"
    );
    let list = store.conflicts().expect("conflicts");
    assert_eq!(
        list[0].target,
        format!("cell:{}:{}", fx.lessons[0], fx.students[3]),
        "target kept"
    );
    assert!(list[0].open, "open until resolved");
    store.resolve_conflict(id, when).expect("resolve");
    assert_eq!(
        store.counts().expect("counts").open_conflicts,
        0,
        "resolved conflicts are not counted"
    );
    assert_eq!(
        store.sync_cursor().expect("cursor"),
        0,
        "cursor starts at 0"
    );
    store.set_sync_cursor(42, when).expect("cursor");
    assert_eq!(store.sync_cursor().expect("cursor"), 42, "cursor is kept");
}

/// A student on an individual plan is in the roster of their plan's loads only; with no plan kept
/// they are in every roster of the group (as before plans were kept). The plan survives export.
#[test]
fn an_individual_plan_keeps_the_student_off_other_loads_rosters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = crate::fixture::store_with(dir.path(), None);
    let iup = fx
        .snap
        .memberships
        .iter()
        .find(|m| m.individual_plan)
        .map(|m| m.student_id)
        .expect("the fixture has an ИУП student");
    let in_roster = |store: &journal_store::Store| {
        store
            .lesson(fx.lessons[3])
            .expect("query")
            .expect("lesson")
            .roster
            .iter()
            .any(|e| e.student.id == iup)
    };
    assert!(
        in_roster(&store),
        "with no plan kept the ИУП student is on the load's page"
    );
    let mut snap = fx.snap.clone();
    snap.individual_plans = vec![journal_protocol::IndividualPlan {
        student_id: iup,
        loads: vec![journal_protocol::IndividualPlanLoad {
            load_id: fx.sub_load,
            hours: 12,
        }],
    }];
    store
        .import_snapshot(&snap)
        .expect("the snapshot with a plan imports");
    assert!(
        !in_roster(&store),
        "a load outside the plan does not list the student"
    );
    assert_eq!(
        store.export_snapshot().expect("export").individual_plans,
        snap.individual_plans,
        "the plan is kept and exported as imported"
    );
    snap.individual_plans[0].loads[0].load_id = fx.load;
    store
        .import_snapshot(&snap)
        .expect("the changed plan imports");
    assert!(in_roster(&store), "the plan's load lists the student");
}
