//! Accepted writes: each becomes one outbox op and shows up in the views at once.

use crate::fixture::*;
use journal_api::{TopicInput, WorkType};

#[test]
fn marks_and_attendance_are_saved_and_shown() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let d = f.detail(&l);
    assert!(
        d.students.len() >= 3,
        "the lesson has at least three students"
    );
    let (a, b, c) = (
        d.students[0].student_id,
        d.students[1].student_id,
        d.students[2].student_id,
    );
    let r1 = f.journal.set_cell(l.id, a, "5").expect("mark 5 accepted");
    f.journal.set_cell(l.id, b, "н").expect("absence accepted");
    f.journal
        .set_cell(l.id, c, "Б")
        .expect("ill, capital letter accepted");
    assert_eq!(
        r1.entered_at,
        f.journal.now(),
        "the entry time is the clock's now"
    );
    assert_eq!(f.pending(), 3, "each edit is one outbox op");
    let d = f.detail(&l);
    let symbol = |id| {
        d.students
            .iter()
            .find(|s| s.student_id == id)
            .map(|s| s.cell.symbol.clone())
            .expect("student listed")
    };
    assert_eq!(symbol(a), "5", "the mark is in the cell");
    assert_eq!(symbol(b), "н", "the absence is in the cell");
    assert_eq!(symbol(c), "б", "ill is shown as «б»");
    let marks_duty = d
        .summary
        .duties
        .iter()
        .find(|x| x.kind == journal_api::DutyKind::Marks)
        .expect("marks duty");
    assert!(marks_duty.done, "with cells filled the marks duty is done");

    f.journal.set_cell(l.id, a, "").expect("clearing accepted");
    let d = f.detail(&l);
    let cleared = d
        .students
        .iter()
        .find(|s| s.student_id == a)
        .expect("listed");
    assert_eq!(cleared.cell.symbol, "", "an empty input clears the cell");
    assert!(
        f.journal.status().expect("status").outbox_intact,
        "the chain verifies"
    );
}

#[test]
fn grid_shows_a_mark_set_in_the_lesson() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let student = f.detail(&l).students[0].student_id;
    f.journal
        .set_cell(l.id, student, "4")
        .expect("mark accepted");
    let g = f.journal.grid(l.load_id, None).expect("grid");
    let col = g
        .columns
        .iter()
        .position(|c| c.lesson_id == l.id)
        .expect("lesson column");
    let row = g
        .rows
        .iter()
        .find(|r| r.student_id == student)
        .expect("student row");
    assert_eq!(
        row.cells[col].as_deref(),
        Some("4"),
        "the grid shows the new mark"
    );
}

#[test]
fn plan_topic_and_homework_are_recorded_and_the_suggestion_moves_on() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let d = f.detail(&l);
    let suggested = d.suggested_topic.clone().expect("a suggestion");
    f.journal
        .set_topic(
            l.id,
            &TopicInput {
                hour: Some(1),
                plan_topic_id: Some(suggested.id),
                ..TopicInput::default()
            },
        )
        .expect("the suggested КТП topic is accepted");
    if l.hours >= 2 {
        f.journal
            .set_topic(
                l.id,
                &TopicInput {
                    hour: Some(2),
                    title: Some("Разбор примеров по теме урока".into()),
                    work_type: Some(WorkType::Practical),
                    work_number: Some(3),
                    ..TopicInput::default()
                },
            )
            .expect("free text for the second hour is accepted");
    }
    f.journal
        .set_homework(l.id, "Конспект, с. 45–47, вопросы 1–5")
        .expect("homework accepted");
    let d = f.detail(&l);
    assert_eq!(
        d.topics[0].title, suggested.title,
        "the КТП title was recorded"
    );
    assert_eq!(
        d.topics[0].plan_topic_id,
        Some(suggested.id),
        "linked to the КТП topic"
    );
    assert_eq!(
        d.homework.as_ref().map(|h| h.text.as_str()),
        Some("Конспект, с. 45–47, вопросы 1–5"),
        "homework recorded"
    );
    assert_ne!(
        d.suggested_topic.as_ref().map(|p| p.id),
        Some(suggested.id),
        "a given topic is no longer suggested"
    );
    assert!(
        d.plan.iter().any(|p| p.id == suggested.id && p.given),
        "the КТП marks the topic as given"
    );
    let expected_ops = if l.hours >= 2 { 3 } else { 2 };
    assert_eq!(f.pending(), expected_ops, "one outbox op per write");
}

#[test]
fn the_last_final_closes_the_period() {
    // 001 «Преподаватель» п. 5: «не имеет права редактировать ЭЖ после выставления итоговых оценок»
    // — the default policy locks after finals: the final that completes the list closes the period.
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let g = f.journal.grid(l.load_id, None).expect("grid");
    assert!(
        g.locks_after_finals,
        "the default policy locks after finals"
    );
    assert_eq!(g.finals_open_from, None, "no finals window by default");
    let period = g.period.id;
    let needing: Vec<_> = g.rows.iter().map(|r| r.student_id).collect();
    let (first, rest) = needing.split_first().expect("students");
    f.journal
        .set_final(l.load_id, period, *first, "отсрочка")
        .expect("deferral accepted");
    assert_refused_unchanged(&mut f, Some(&l), "finals_incomplete", |j| {
        j.lock_period(l.load_id, period)
    });
    let (last, middle) = rest.split_last().expect("more than one student");
    for s in middle {
        f.journal
            .set_final(l.load_id, period, *s, "4")
            .expect("final accepted");
    }
    assert!(
        !f.journal
            .grid(l.load_id, Some(period))
            .expect("grid")
            .locked,
        "the period stays open while a student has no final"
    );
    let before = f.pending();
    f.journal
        .set_final(l.load_id, period, *last, "5")
        .expect("the last final accepted");
    assert_eq!(
        f.pending(),
        before + 2,
        "the last final and the lock are two signed ops of the teacher"
    );
    let g = f.journal.grid(l.load_id, Some(period)).expect("grid");
    assert!(
        g.rows.iter().all(|r| r.final_value.is_some()),
        "every student has a final"
    );
    assert!(g.locked && g.locked_at.is_some(), "the grid shows the lock");
    let d = f.detail(&l);
    assert_eq!(
        d.read_only_reason.as_ref().map(|e| e.code.as_str()),
        Some("period_locked"),
        "a locked period's lesson is read-only"
    );
    assert_refused_unchanged(&mut f, Some(&l), "period_locked", |j| {
        j.set_final(l.load_id, period, *last, "4")
    });
}

#[test]
fn a_same_day_correction_is_accepted_and_homework_is_normalised() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    let student = f.detail(&l).students[0].student_id;
    f.journal.set_cell(l.id, student, "3").expect("first mark");
    // 004 п. 4.2.1 forbids corrections after the day, not a slip corrected on the lesson's day.
    f.journal
        .set_cell(l.id, student, "4")
        .expect("the same day a mark may be corrected");
    f.journal
        .set_homework(l.id, "нет")
        .expect("«нет» is accepted as no homework");
    let d = f.detail(&l);
    assert_eq!(
        d.homework.as_ref().map(|h| h.text.as_str()),
        Some(""),
        "«нет» is kept as an empty homework column (001 п. 4.6)"
    );
    let cell = d
        .students
        .iter()
        .find(|s| s.student_id == student)
        .expect("listed");
    assert_eq!(cell.cell.symbol, "4", "the corrected mark is shown");
}

#[test]
fn remarks_are_listed_and_resolved_once() {
    let mut f = Fixture::open();
    let remarks = f.journal.remarks().expect("remarks");
    let Some(open) = remarks.iter().find(|r| r.resolved_at.is_none()).cloned() else {
        panic!("the demo history has an open remark on the teacher's loads: {remarks:?}");
    };
    assert!(
        !open.text.is_empty() && !open.author_name.is_empty(),
        "text and author shown"
    );
    f.journal
        .resolve_remark(open.id)
        .expect("the teacher resolves it");
    let after = f.journal.remarks().expect("remarks");
    let resolved = after
        .iter()
        .find(|r| r.id == open.id)
        .expect("still listed");
    assert_eq!(
        resolved.resolved_at,
        Some(f.journal.now()),
        "resolved at the entry time"
    );
    assert_refused_unchanged(&mut f, None, "remark_already_resolved", |j| {
        j.resolve_remark(open.id)
    });
}
