//! Refused writes: each returns the rule's stable code and changes nothing — no outbox op, the
//! lesson as it was.

use crate::fixture::*;
use chrono::Duration;
use journal_api::{DataDir, Journal, TopicInput, WorkType};
use journal_core::{LateEntry, StudentId};
use journal_protocol::OpPayload;
use uuid::Uuid;

#[test]
fn entries_for_a_lesson_that_has_not_started_are_refused() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let student = f.detail(&l).students[0].student_id;
    // Before the lesson's bell: «запрещено заполнять журнал за урок, который ещё не состоялся».
    f.clock.set(l.starts_at - Duration::minutes(5));
    assert_refused_unchanged(&mut f, Some(&l), "future_lesson", |j| {
        j.set_cell(l.id, student, "5")
    });
    assert_refused_unchanged(&mut f, Some(&l), "future_lesson", |j| {
        j.set_homework(l.id, "Параграф 3")
    });
    assert_refused_unchanged(&mut f, Some(&l), "future_lesson", |j| {
        j.set_topic(
            l.id,
            &TopicInput {
                title: Some("Введение в предмет".into()),
                ..TopicInput::default()
            },
        )
    });
    // At the bell the same mark is accepted.
    f.clock.set(l.starts_at);
    f.journal
        .set_cell(l.id, student, "5")
        .expect("accepted once the lesson has started");
}

#[test]
fn backdating_is_refused_under_the_strict_policy() {
    let mut f = Fixture::open();
    if f.journal.policy().late_entry != LateEntry::Strict {
        // The demo institution's policy decides; this test is about the strict default (004).
        assert_eq!(f.journal.policy().late_entry, LateEntry::AllowedCases);
        return;
    }
    let earlier = (1..30)
        .map(|k| f.day - Duration::days(k))
        .find_map(|d| {
            f.journal
                .today_lessons(d)
                .ok()
                .and_then(|ls| ls.into_iter().find(held_by_me))
        })
        .expect("the demo has earlier lessons of the teacher");
    let student = f.detail(&earlier).students[0].student_id;
    assert_refused_unchanged(&mut f, Some(&earlier), "backdating", |j| {
        j.set_cell(earlier.id, student, "3")
    });
}

#[test]
fn a_locked_period_refuses_cells_topics_and_finals() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let g = f.journal.grid(l.load_id, None).expect("grid");
    for r in &g.rows {
        f.journal
            .set_final(l.load_id, g.period.id, r.student_id, "5")
            .expect("final accepted");
    }
    assert!(
        f.journal.grid(l.load_id, None).expect("grid").locked,
        "the last final locks the period (the default policy locks after finals)"
    );
    let student = f.detail(&l).students[0].student_id;
    assert_refused_unchanged(&mut f, Some(&l), "period_locked", |j| {
        j.set_cell(l.id, student, "4")
    });
    assert_refused_unchanged(&mut f, Some(&l), "period_locked", |j| {
        j.set_topic(
            l.id,
            &TopicInput {
                title: Some("Введение в предмет".into()),
                ..TopicInput::default()
            },
        )
    });
    assert_refused_unchanged(&mut f, Some(&l), "period_locked", |j| {
        j.set_final(l.load_id, g.period.id, student, "3")
    });
    assert_refused_unchanged(&mut f, Some(&l), "period_locked", |j| {
        j.lock_period(l.load_id, g.period.id)
    });
}

#[test]
fn bad_values_are_refused() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let d = f.detail(&l);
    let student = d.students[0].student_id;
    for bad in ["7", "отл", "5 5 5 5", "н б"] {
        let err = assert_refused_unchanged(&mut f, Some(&l), &expected_cell_code(bad), |j| {
            j.set_cell(l.id, student, bad)
        });
        assert!(!err.message.is_empty(), "«{bad}» refused with a message");
    }
    if !d.double_mark_allowed {
        assert_refused_unchanged(&mut f, Some(&l), "double_mark_not_allowed", |j| {
            j.set_cell(l.id, student, "5/4")
        });
    }
    assert_refused_unchanged(&mut f, Some(&l), "invalid_final_value", |j| {
        j.set_final(
            l.load_id,
            d.period.as_ref().expect("period").id,
            student,
            "6",
        )
    });
    assert_refused_unchanged(&mut f, Some(&l), "student_not_in_group", |j| {
        j.set_cell(l.id, StudentId(Uuid::from_u128(0xdead)), "5")
    });
    assert_refused_unchanged(&mut f, Some(&l), "text_too_long", |j| {
        j.set_homework(l.id, &"а".repeat(journal_api::MAX_TEXT_CHARS + 1))
    });
}

/// What core answers for each bad cell input.
fn expected_cell_code(input: &str) -> String {
    match input {
        "н б" => "two_absences_in_cell",
        "5 5 5 5" => "too_many_entries",
        _ => "invalid_cell_value",
    }
    .to_string()
}

#[test]
fn generic_empty_and_unnumbered_topics_are_refused() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let topic = |title: &str, work_type: Option<WorkType>| TopicInput {
        title: Some(title.into()),
        work_type,
        ..TopicInput::default()
    };
    assert_refused_unchanged(&mut f, Some(&l), "topic_too_generic", |j| {
        j.set_topic(l.id, &topic("Повторение", None))
    });
    assert_refused_unchanged(&mut f, Some(&l), "topic_empty", |j| {
        j.set_topic(l.id, &topic("   ", None))
    });
    assert_refused_unchanged(&mut f, Some(&l), "work_number_missing", |j| {
        j.set_topic(l.id, &topic("Контрольная работа", Some(WorkType::Control)))
    });
    assert_refused_unchanged(&mut f, Some(&l), "topic_hour_invalid", |j| {
        j.set_topic(
            l.id,
            &TopicInput {
                hour: Some(l.hours + 1),
                ..topic("Введение в предмет", None)
            },
        )
    });
}

#[test]
fn a_curator_reads_but_cannot_write_another_teachers_load() {
    let f = Fixture::open();
    let mut journal = curator_copy(&f);
    let load = journal
        .loads()
        .expect("loads")
        .into_iter()
        .find(|l| !l.own)
        .expect("the curator sees a load of another teacher in their group");
    let grid = journal
        .grid(load.id, None)
        .expect("the curator reads the grid");
    let column = grid
        .columns
        .iter()
        .find(|c| c.date <= f.day)
        .expect("a held lesson");
    let student = grid.rows[0].student_id;
    let pending = journal.status().expect("status").pending_ops;
    let err = journal
        .set_cell(column.lesson_id, student, "5")
        .expect_err("a curator may not mark in another teacher's load");
    assert_eq!(err.code, "forbidden", "permission refusal: {}", err.message);
    let err = journal
        .set_final(load.id, grid.period.id, student, "5")
        .expect_err("nor set its finals");
    assert_eq!(err.code, "forbidden", "permission refusal: {}", err.message);
    assert_eq!(
        journal.status().expect("status").pending_ops,
        pending,
        "refusals add no outbox op"
    );
}

#[test]
fn loads_outside_the_copy_are_not_found() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let student = f.detail(&l).students[0].student_id;
    let g = f.journal.grid(l.load_id, None).expect("grid");
    let unknown = journal_core::LoadId(Uuid::from_u128(0xbeef));
    assert_refused_unchanged(&mut f, None, "load_not_found", |j| {
        j.set_final(unknown, g.period.id, student, "5")
    });
}

#[test]
fn corrections_and_first_marks_after_the_day_are_refused_under_the_strict_policy() {
    let mut f = Fixture::open();
    if f.journal.policy().late_entry != LateEntry::Strict {
        assert_eq!(f.journal.policy().late_entry, LateEntry::AllowedCases);
        return;
    }
    let l = f.lesson_of_day();
    let d = f.detail(&l);
    let (a, b) = (d.students[0].student_id, d.students[1].student_id);
    f.journal.set_cell(l.id, a, "5").expect("mark on the day");
    f.clock.set(at(f.day + Duration::days(1), 9, 0));
    // 004 п. 4.2.1: «Исправление отметок и выставление отметок „задним числом“ запрещено».
    assert_refused_unchanged(&mut f, Some(&l), "correction_forbidden", |j| {
        j.set_cell(l.id, a, "3")
    });
    assert_refused_unchanged(&mut f, Some(&l), "backdating", |j| j.set_cell(l.id, b, "4"));
}

#[test]
fn a_curator_may_only_give_the_reason_of_an_absence_in_another_teachers_load() {
    let f = Fixture::open();
    let mut journal = curator_copy(&f);
    let load = journal
        .loads()
        .expect("loads")
        .into_iter()
        .find(|l| !l.own)
        .expect("a load of another teacher in the curator's group");
    let grid = journal.grid(load.id, None).expect("grid");
    // An «н» from the demo's history, before the clock's day.
    let (lesson_id, student_id) = grid
        .rows
        .iter()
        .find_map(|r| {
            r.cells.iter().enumerate().find_map(|(i, c)| {
                (c.as_deref() == Some("н") && grid.columns[i].date < f.day)
                    .then(|| (grid.columns[i].lesson_id, r.student_id))
            })
        })
        .expect("the demo history has an absence in the curator's group");
    let pending = journal.status().expect("status").pending_ops;
    let err = journal
        .set_cell(lesson_id, student_id, "5")
        .expect_err("a curator may not put a mark");
    assert_eq!(err.code, "forbidden", "{}", err.message);
    assert_eq!(
        journal.status().expect("status").pending_ops,
        pending,
        "the refusal added nothing"
    );
    // 004 п. 4.2.4: the curator records the reason of an absence, later, when it is known.
    journal
        .set_cell(lesson_id, student_id, "б")
        .expect("«н» → «б» by the curator is accepted");
    assert_eq!(
        journal.status().expect("status").pending_ops,
        pending + 1,
        "one outbox op"
    );
}

fn curator_copy(f: &Fixture) -> Journal {
    let snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, demo_today());
    let curator = snapshot
        .users
        .iter()
        .find(|u| u.login == "curator")
        .expect("demo has a curator");
    let path = DataDir::new(f.dir.path())
        .store_path("curator")
        .expect("valid login");
    std::fs::create_dir_all(path.parent().expect("user dir")).expect("mkdir");
    let mut store = journal_store::Store::open(&path, None).expect("store opens");
    store
        .import_snapshot(&snapshot.for_user(curator.id))
        .expect("curator's copy imported");
    drop(store);
    Journal::open(f.dir.path(), "curator", None)
        .expect("curator's copy opens")
        .with_clock(f.clock.clone())
}

#[test]
fn the_allowed_cases_policy_takes_make_up_marks_and_corrections_with_their_reason() {
    // The same demo, but the institution chose 001's late-entry cases instead of 004's strictness.
    let f = Fixture::open();
    let mut snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, demo_today());
    snapshot.institution.policy.late_entry = LateEntry::AllowedCases;
    let teacher = snapshot
        .users
        .iter()
        .find(|u| u.login == "teacher")
        .expect("demo teacher")
        .id;
    let other = tempfile::tempdir().expect("temp dir");
    let path = DataDir::new(other.path())
        .store_path("teacher")
        .expect("valid login");
    std::fs::create_dir_all(path.parent().expect("user dir")).expect("mkdir");
    let mut store = journal_store::Store::open(&path, None).expect("store opens");
    store
        .import_snapshot(&snapshot.for_user(teacher))
        .expect("imported");
    drop(store);
    let mut journal = Journal::open(other.path(), "teacher", None)
        .expect("opens")
        .with_clock(f.clock.clone());
    assert_eq!(
        journal.policy().late_entry,
        LateEntry::AllowedCases,
        "policy is data"
    );
    // An «н» of an earlier ordinary lesson in the demo history.
    let (lesson, student) = (1..30)
        .map(|k| f.day - Duration::days(k))
        .flat_map(|d| journal.today_lessons(d).unwrap_or_default())
        .filter(held_by_me)
        .find_map(|l| {
            let d = journal.lesson(l.id).ok()?;
            let s = d.students.iter().find(|s| s.cell.symbol == "н")?;
            Some((l, s.student_id))
        })
        .expect("an absence in the teacher's recent lessons");
    let pending = journal.status().expect("status").pending_ops;
    // 001 «Преподаватель» п. 2: the make-up mark goes beside the absence in the missed lesson.
    journal
        .set_cell(lesson.id, student, "н 4")
        .expect("a make-up mark after the day is accepted under 001");
    let err = journal
        .set_cell(lesson.id, student, "н 5")
        .expect_err("changing it later is a correction");
    assert_eq!(
        err.code, "correction_reason_required",
        "a late correction needs a reason (001 заместитель п. 9): {}",
        err.message
    );
    assert_eq!(
        journal.status().expect("status").pending_ops,
        pending + 1,
        "only the make-up mark became an op"
    );
    let err = journal
        .set_cell_with_reason(lesson.id, student, "н 5", Some("  "))
        .expect_err("a blank reason is no reason");
    assert_eq!(err.code, "correction_reason_required", "{}", err.message);
    let why = "ошибка ввода: по протоколу отработки «5»";
    journal
        .set_cell_with_reason(lesson.id, student, "н 5", Some(why))
        .expect("with a reason the correction is taken under 001");
    assert_eq!(
        journal
            .lesson(lesson.id)
            .expect("lesson")
            .students
            .iter()
            .find(|s| s.student_id == student)
            .expect("student")
            .cell
            .symbol,
        "н 5",
        "the corrected value is shown"
    );
    drop(journal);
    let ops = journal_store::Store::open(&path, None)
        .expect("store reopens")
        .pending_ops()
        .expect("ops");
    let last = ops.last().expect("the correction is an op");
    assert!(
        matches!(&last.payload, OpPayload::SetCell { reason: Some(r), .. } if r == why),
        "the op carries the reason to the server's audit: {:?}",
        last.payload
    );
    let first = &ops[ops.len() - 2];
    assert!(
        matches!(&first.payload, OpPayload::SetCell { reason: None, .. }),
        "a make-up mark needs no reason and carries none: {:?}",
        first.payload
    );
}
