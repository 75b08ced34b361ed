//! Lesson changes (issue 13 item 2): «Урок не проведён» with its reason, «Перенос» to a free bell,
//! «Замена» recorded by the deputy where the policy lets them, the substitute then filling the
//! lesson. Each is one signed op the server judges with journal-protocol's `lesson_change::check`
//! (the function the app calls) and that every device sees in its next snapshot. On both backends.

use chrono::Duration;
use journal_core::{LessonId, Policy};
use journal_protocol::{BusySlot, Lesson, LessonChange, LessonStatus, OpPayload, Snapshot};
use uuid::Uuid;

use crate::support::{
    outcome_name, rejection_code, set_cell, test_config, today, Backend, Device, TestServer,
};

fn change(lesson: &Lesson, change: LessonChange) -> OpPayload {
    OpPayload::ChangeLesson {
        lesson_id: lesson.id,
        change,
    }
}

async fn snapshot_of(s: &TestServer, device: &Device) -> Snapshot {
    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(&device.token)
        .send()
        .await
        .expect("the snapshot request reaches the server");
    assert_eq!(resp.status(), 200, "the snapshot is given");
    let body: serde_json::Value = resp.json().await.expect("a snapshot body");
    serde_json::from_value(body["snapshot"].clone()).expect("a snapshot")
}

fn lesson_in(snap: &Snapshot, id: LessonId) -> Option<&Lesson> {
    snap.lessons.iter().find(|l| l.id == id)
}

/// A lesson of `login` a week ahead: nothing is entered in it yet.
fn next_week_lesson(s: &TestServer, login: &str) -> Lesson {
    (7..14)
        .flat_map(|d| s.lessons_of(login, today() + Duration::days(d)))
        .next()
        .unwrap_or_else(|| panic!("{login} has a lesson next week"))
}

async fn a_lesson_not_held_and_one_postponed_show_in_every_snapshot(b: Backend) {
    let s = TestServer::start(b).await;
    let mut teacher = s.device("teacher").await;
    let lesson = next_week_lesson(&s, "teacher");
    let t = s.during(&s.lessons_of("teacher", today())[0]);
    let before = s.pull(&teacher.token, 0, 1).await.reference_version;

    let r = s
        .push_new(
            &mut teacher,
            (
                t,
                change(
                    &lesson,
                    LessonChange::NotHeld {
                        reason: "  ".into(),
                    },
                ),
            ),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "lesson_reason_invalid",
        "a lesson not held needs its reason"
    );
    let r = s
        .push_new(
            &mut teacher,
            (
                t,
                change(
                    &lesson,
                    LessonChange::NotHeld {
                        reason: "карантин".into(),
                    },
                ),
            ),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the teacher's own lesson");
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before + 1,
        "the timetable changed: devices fetch it again"
    );
    let curator = s.device("curator").await;
    let snap = snapshot_of(&s, &curator).await;
    if let Some(seen) = lesson_in(&snap, lesson.id) {
        assert_eq!(
            seen.status,
            LessonStatus::Cancelled,
            "not held, for everyone"
        );
        assert_eq!(seen.change_reason.as_deref(), Some("карантин"));
    }
    let snap = snapshot_of(&s, &teacher).await;
    let seen = lesson_in(&snap, lesson.id).expect("the teacher has the lesson");
    assert_eq!(seen.status, LessonStatus::Cancelled);
    assert_eq!(seen.change_reason.as_deref(), Some("карантин"));
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(&mut teacher, (t, set_cell(lesson.id, student, "н")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "lesson_cancelled",
        "nothing is entered in a lesson not held — the server refuses what the app refuses"
    );

    // Back in the timetable, then postponed to a bell the group has free.
    let r = s
        .push_new(&mut teacher, (t, change(&lesson, LessonChange::Restore)))
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "restored");
    let load = s.load(lesson.load_id).clone();
    let busy: Vec<u8> = s
        .snapshot
        .lessons
        .iter()
        .filter(|l| l.date == lesson.date + Duration::days(1))
        .filter(|l| s.load(l.load_id).group_id == load.group_id)
        .map(|l| l.bell_number)
        .collect();
    let max_bell = s.snapshot.bells.iter().map(|b| b.number).max().unwrap_or(0);
    let free = (1..=max_bell)
        .find(|n| !busy.contains(n))
        .expect("the group has a free bell the next day");
    if let Some(taken) = busy.first() {
        let r = s
            .push_new(
                &mut teacher,
                (
                    t,
                    change(
                        &lesson,
                        LessonChange::Postpone {
                            to: lesson.date + Duration::days(1),
                            bell_number: *taken,
                            new_lesson_id: LessonId(Uuid::new_v4()),
                        },
                    ),
                ),
            )
            .await;
        assert_eq!(
            rejection_code(&r[0]),
            "postpone_slot_taken",
            "the group already has a lesson at that bell"
        );
    }
    let new_id = LessonId(Uuid::new_v4());
    let r = s
        .push_new(
            &mut teacher,
            (
                t,
                change(
                    &lesson,
                    LessonChange::Postpone {
                        to: lesson.date + Duration::days(1),
                        bell_number: free,
                        new_lesson_id: new_id,
                    },
                ),
            ),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "postponed to a free bell");
    let snap = snapshot_of(&s, &teacher).await;
    let old = lesson_in(&snap, lesson.id).expect("the old lesson stays");
    assert_eq!(old.status, LessonStatus::Postponed);
    assert_eq!(old.moved_to, Some(lesson.date + Duration::days(1)));
    let new = lesson_in(&snap, new_id).expect("the new lesson is in the timetable");
    assert_eq!(
        (new.date, new.bell_number, new.load_id, new.status),
        (
            lesson.date + Duration::days(1),
            free,
            lesson.load_id,
            LessonStatus::Scheduled
        )
    );
    let r = s
        .push_new(&mut teacher, (t, change(&lesson, LessonChange::Restore)))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "lesson_postponed",
        "a postponed lesson is changed through its new one"
    );
}

async fn a_lesson_with_marks_was_held(b: Backend) {
    let s = TestServer::start(b).await;
    let mut teacher = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let r = s
        .push_new(&mut teacher, (t, set_cell(lesson.id, student, "5")))
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "a mark in today's lesson");
    let r = s
        .push_new(
            &mut teacher,
            (
                t,
                change(
                    &lesson,
                    LessonChange::NotHeld {
                        reason: "болезнь".into(),
                    },
                ),
            ),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "lesson_has_entries",
        "a lesson with marks was held"
    );
}

async fn the_deputy_records_a_substitution_where_the_policy_says_and_the_substitute_fills_it(
    b: Backend,
) {
    // The strict default: the deputy does not record substitutions.
    let s = TestServer::start(b).await;
    let lesson = next_week_lesson(&s, "teacher");
    let substitute = s.user("teacher2");
    let mut deputy = s.device("deputy").await;
    let t = s.during(&s.lessons_of("teacher", today())[0]);
    let r = s
        .push_new(
            &mut deputy,
            (
                t,
                change(
                    &lesson,
                    LessonChange::Substitute {
                        teacher_id: substitute,
                    },
                ),
            ),
        )
        .await;
    assert_eq!(rejection_code(&r[0]), "forbidden", "000: not the deputy's");

    // 001: «Отмечает факты замены».
    let s = TestServer::start_with_policy(
        b,
        test_config(),
        Policy {
            deputy_records_substitutions: true,
            ..Policy::default()
        },
    )
    .await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let mut deputy = s.device("deputy").await;
    let t = s.during(&lesson);
    let parent = s.user("parent");
    let r = s
        .push_new(
            &mut deputy,
            (
                t,
                change(&lesson, LessonChange::Substitute { teacher_id: parent }),
            ),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "substitute_not_teacher",
        "only a teacher substitutes"
    );
    let r = s
        .push_new(
            &mut deputy,
            (
                t,
                change(
                    &lesson,
                    LessonChange::Substitute {
                        teacher_id: s.user("teacher2"),
                    },
                ),
            ),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the deputy records it");

    let mut sub = s.device("teacher2").await;
    let snap = snapshot_of(&s, &sub).await;
    let seen = lesson_in(&snap, lesson.id).expect("the substitute now has the lesson");
    assert_eq!(seen.substitute_teacher_id, Some(s.user("teacher2")));
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(&mut sub, (t, set_cell(lesson.id, student, "4")))
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the substitute fills the lesson they teach"
    );
}

/// A teacher's copy keeps the slots of other teachers' lessons of their groups, not the lessons;
/// another teacher's postponement raises the reference version, and the teacher's next snapshot
/// holds the slot it took and no longer the one it left. A family's copy keeps none.
async fn another_teachers_postponement_is_a_busy_slot_in_the_teachers_next_snapshot(b: Backend) {
    let s = TestServer::start(b).await;
    let me = s.user("teacher");
    let groups: Vec<_> = s
        .snapshot
        .loads
        .iter()
        .filter(|l| l.teacher_id == me)
        .map(|l| l.group_id)
        .collect();
    let last_bell = s.snapshot.bells.iter().map(|b| b.number).max().unwrap_or(0);
    let in_group_at = |group, date, bell| {
        s.snapshot.lessons.iter().any(|l| {
            let load = s.load(l.load_id);
            load.group_id == group
                && l.date == date
                && l.bell_number == bell
                && l.status == LessonStatus::Scheduled
        })
    };
    // A whole-group lesson of another teacher next week, and a bell of its day the group has free.
    let (theirs, free) = s
        .snapshot
        .lessons
        .iter()
        .filter(|l| l.date >= today() + Duration::days(7) && l.date < today() + Duration::days(14))
        .filter(|l| l.status == LessonStatus::Scheduled && l.substitute_teacher_id.is_none())
        .find_map(|l| {
            let load = s.load(l.load_id);
            if load.teacher_id == me
                || load.subgroup_id.is_some()
                || !groups.contains(&load.group_id)
            {
                return None;
            }
            let free = (1..=last_bell).find(|b| !in_group_at(load.group_id, l.date, *b))?;
            Some((l.clone(), free))
        })
        .expect("another teacher gives the demo teacher's group a lesson next week");
    let load = s.load(theirs.load_id).clone();
    let slot = |date, bell_number| BusySlot {
        group_id: load.group_id,
        subgroup_id: None,
        date,
        bell_number,
    };
    let teacher = s.device("teacher").await;
    let before = snapshot_of(&s, &teacher).await;
    assert!(
        before
            .busy_slots
            .contains(&slot(theirs.date, theirs.bell_number))
            && !before.busy_slots.contains(&slot(theirs.date, free)),
        "the teacher's copy has the other teacher's lesson as a slot"
    );
    assert!(
        lesson_in(&before, theirs.id).is_none() && !before.loads.iter().any(|l| l.id == load.id),
        "and neither the lesson nor its load"
    );
    let version = s.pull(&teacher.token, 0, 1).await.reference_version;

    let their_login = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == load.teacher_id)
        .map(|u| u.login.clone())
        .expect("the other teacher");
    let mut other = s.device(&their_login).await;
    let t = s.during(&s.lessons_of("teacher", today())[0]);
    let r = s
        .push_new(
            &mut other,
            (
                t,
                change(
                    &theirs,
                    LessonChange::Postpone {
                        to: theirs.date,
                        bell_number: free,
                        new_lesson_id: LessonId(Uuid::new_v4()),
                    },
                ),
            ),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "{r:?}");

    assert_ne!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        version,
        "the teacher's pull names a new reference version: the app fetches the snapshot again"
    );
    let after = snapshot_of(&s, &teacher).await;
    assert!(
        after.busy_slots.contains(&slot(theirs.date, free)),
        "the slot the postponement took is busy in the teacher's copy"
    );
    if !s.snapshot.lessons.iter().any(|l| {
        l.id != theirs.id
            && l.date == theirs.date
            && l.bell_number == theirs.bell_number
            && s.load(l.load_id).group_id == load.group_id
    }) {
        assert!(
            !after.busy_slots.iter().any(|b| b.group_id == load.group_id
                && b.date == theirs.date
                && b.bell_number == theirs.bell_number),
            "the slot it left is free"
        );
    }
    let parent = s.device("parent").await;
    assert!(
        snapshot_of(&s, &parent).await.busy_slots.is_empty(),
        "a family's copy keeps no slot"
    );
}

conformance!(
    a_lesson_not_held_and_one_postponed_show_in_every_snapshot,
    a_lesson_with_marks_was_held,
    the_deputy_records_a_substitution_where_the_policy_says_and_the_substitute_fills_it,
    another_teachers_postponement_is_a_busy_slot_in_the_teachers_next_snapshot,
);
