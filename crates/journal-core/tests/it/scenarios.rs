//! Scenarios of a teacher's work, each step checked by the rule that governs it.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use journal_core::deadlines::{self, status};
use journal_core::{
    check_can_lock, check_can_unlock, check_device_time, check_entry, check_unlocked,
    classify_change, parse_cell, parse_final, permissions, quality_percent, success_percent,
    suggest_final, validate_lesson_topics, Action, CellValue, DeadlineStatus, EntryKind, HourTopic,
    LateEntry, LessonInfo, Obligation, Policy, Role, RuleError, Scope, UserId, WorkType,
};
use proptest::prelude::*;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date") + Duration::days(offset)
}
fn at(offset: i64, h: u32, m: u32) -> NaiveDateTime {
    day(offset).and_hms_opt(h, m, 0).expect("valid time")
}
fn paired_lesson(offset: i64, work_type: WorkType) -> LessonInfo {
    LessonInfo {
        date: day(offset),
        starts_at: at(offset, 10, 0),
        ends_at: at(offset, 11, 30),
        hours: 2,
        work_type,
    }
}
fn cell(s: &str) -> CellValue {
    parse_cell(s, false, &Policy::default()).expect("valid cell")
}

/// Applies a typed input to a cell as the app does: parse, classify, check the time.
fn enter(
    old: &CellValue,
    input: &str,
    lesson: &LessonInfo,
    when: NaiveDateTime,
    policy: &Policy,
) -> Result<CellValue, RuleError> {
    let new = parse_cell(input, false, policy)?;
    if let Some(kind) = classify_change(old, &new) {
        check_entry(lesson, when, kind, policy)?;
    }
    Ok(new)
}

#[test]
fn a_lesson_day_under_the_strict_policy() {
    let p = Policy::default();
    let l = paired_lesson(0, WorkType::Lesson);
    // 001 п. 4.8 symbols, entered during the lesson (001 «Преподаватель» п. 2: «во время проведения урока»).
    let absent =
        enter(&CellValue::default(), "н", &l, at(0, 10, 5), &p).expect("attendance at the lesson");
    let mark =
        enter(&CellValue::default(), "5", &l, at(0, 10, 40), &p).expect("mark at the lesson");
    // 001 п. 4.5: each hour of a paired lesson has its topic.
    let topics = [
        HourTopic {
            hour: 1,
            title: "Производная функции",
            work_type: WorkType::Lesson,
            work_number: None,
        },
        HourTopic {
            hour: 2,
            title: "Правила дифференцирования",
            work_type: WorkType::Lesson,
            work_number: None,
        },
    ];
    assert_eq!(
        validate_lesson_topics(l.hours, &topics),
        Ok(()),
        "001 п. 4.5: both hours have topics"
    );
    assert_eq!(
        check_entry(&l, at(0, 11, 0), EntryKind::Topic, &p),
        Ok(()),
        "topic on the day"
    );
    // 001 «Преподаватель» п. 4: homework within 1,5 h after the lesson.
    assert_eq!(
        status(
            Obligation::HomeworkAfterLesson,
            &l,
            Some(at(0, 12, 30)),
            at(0, 18, 0)
        ),
        DeadlineStatus::DoneInTime,
        "001 п. 4: homework at 12:30 after an 11:30 end is in time"
    );
    // Next day: 004 п. 4.2.1 «Исправление отметок … запрещено»; the absence's reason may follow.
    assert_eq!(
        enter(&mark, "4", &l, at(1, 9, 0), &p),
        Err(RuleError::CorrectionForbidden),
        "004 п. 4.2.1: no correction of a mark after the day"
    );
    assert_eq!(
        enter(&absent, "б", &l, at(1, 9, 0), &p).map(|c| c.symbol()),
        Ok("б".into()),
        "a medical certificate turns «н» into «б» later"
    );
    assert_eq!(
        enter(&absent, "н 4", &l, at(8, 9, 0), &p),
        Err(RuleError::Backdating),
        "004 п. 4.2.1: no make-up mark in an old column under the strict policy"
    );
}

#[test]
fn an_offline_edit_keeps_its_entry_time() {
    // DESIGN «Entry time is the time the teacher entered it»: made offline at 10:10, synced next day.
    let p = Policy::default();
    let l = paired_lesson(0, WorkType::Lesson);
    let device_time = at(0, 10, 10);
    let received = at(1, 18, 0);
    assert_eq!(
        check_device_time(device_time, received, Duration::minutes(5)),
        Ok(()),
        "a past device time is kept"
    );
    assert_eq!(
        check_entry(&l, device_time, EntryKind::Mark, &p),
        Ok(()),
        "004 п. 4.2.1: judged by the entry time, the mark was made on the lesson's day"
    );
    assert_eq!(
        status(Obligation::MarksSameDay, &l, Some(device_time), received),
        DeadlineStatus::DoneInTime,
        "001 «Преподаватель» п. 2: in time, though it reached the server the next day"
    );
    assert_eq!(
        check_entry(&l, received, EntryKind::Mark, &p),
        Err(RuleError::Backdating),
        "had the receive time been used, the same mark would wrongly be backdating"
    );
}

#[test]
fn make_up_finals_lock_and_reports_under_allowed_cases() {
    let p = Policy {
        late_entry: LateEntry::AllowedCases,
        ..Policy::default()
    };
    let lessons: Vec<LessonInfo> = (0..5)
        .map(|w| paired_lesson(7 * w, WorkType::Lesson))
        .collect();
    // Student A: absent at the first lesson, makes the topic up two weeks later (001 «Преподаватель» п. 2).
    let a0 = enter(&CellValue::default(), "б", &lessons[0], at(0, 10, 5), &p).expect("ill");
    let a0 = enter(&a0, "б 4", &lessons[0], at(14, 15, 0), &p)
        .expect("001 п. 2: make-up mark goes to the missed lesson");
    assert_eq!(
        a0.symbol(),
        "б 4",
        "001 п. 2: the absence stays visible beside the mark"
    );
    let a_cells = vec![a0, cell("5"), cell("4"), cell("н"), cell("5")];
    let b_cells = vec![cell("3"), cell("2"), cell("3"), cell("3"), cell("н")];
    // Suggested finals: 4,5 → 5 and 2,75 → 3; absences do not count.
    let a_final = suggest_final(&a_cells).expect("marks give a suggestion");
    let b_final = suggest_final(&b_cells).expect("marks give a suggestion");
    assert_eq!(
        (a_final.symbol(), b_final.symbol()),
        ("5".into(), "3".into()),
        "rounded averages"
    );
    let c_final = parse_final("отсрочка").expect("001 «Преподаватель» п. 12: deferral for illness");
    // 001 «Преподаватель» п. 5: a final for every student before the period closes.
    assert_eq!(
        check_can_lock(1),
        Err(RuleError::FinalsIncomplete(1)),
        "one student still without a final"
    );
    assert_eq!(
        check_can_lock(0),
        Ok(()),
        "all three have finals (a deferral counts as set)"
    );
    assert!(
        permissions::check(Role::Teacher, Action::LockPeriod, Scope::OwnLoad, &p).is_ok(),
        "the teacher closes own period"
    );
    // After the lock nothing changes, not even in the allowed cases.
    assert_eq!(
        check_unlocked(true),
        Err(RuleError::PeriodLocked),
        "001 п. 5: no editing after the finals"
    );
    assert!(
        check_can_unlock(Role::Teacher, Some("ошибка"), &p).is_err(),
        "the teacher cannot reopen"
    );
    // Reports over one subject: A has 5, B has 3, C is deferred.
    let group = vec![vec![a_final], vec![b_final], vec![c_final]];
    let s = success_percent(&group).expect("students present");
    let q = quality_percent(&group).expect("students present");
    assert!(
        (s - 200.0 / 3.0).abs() < 1e-9,
        "успеваемость: 2 of 3 (the deferred one not yet), got {s}"
    );
    assert!((q - 100.0 / 3.0).abs() < 1e-9, "качество: 1 of 3, got {q}");
    let end = day(27);
    assert_eq!(
        deadlines::finals_status(end, Some(at(25, 12, 0)), at(30, 9, 0)),
        DeadlineStatus::DoneInTime,
        "001 «Преподаватель» п. 11: finals in the last week"
    );
}

#[test]
fn a_substitute_fills_the_lesson_they_taught() {
    // 004 п. 4.2.1: «преподаватель …, замещающий коллегу, заполняет электронный журнал в установленном порядке».
    let p = Policy::default();
    let (owner, sub) = (
        UserId(uuid::Uuid::from_u128(1)),
        UserId(uuid::Uuid::from_u128(2)),
    );
    let scope = permissions::lesson_scope(sub, owner, Some(sub));
    assert!(
        permissions::check(Role::Teacher, Action::EditCells, scope, &p).is_ok(),
        "the substitute writes marks"
    );
    let scope = permissions::lesson_scope(sub, owner, None);
    assert!(
        permissions::check(Role::Teacher, Action::EditCells, scope, &p).is_err(),
        "001 «Преподаватель» п. 8: without the substitution recorded, another teacher cannot write"
    );
}

proptest! {
    // Rules combined over a sequence of typed inputs at random times: whatever the sequence, each
    // accepted value is a valid cell (001 п. 4.8–4.9), nothing is accepted before the lesson, and under
    // the strict policy (004 п. 4.2.1) no mark set on the lesson's day is changed afterwards.
    #[test]
    fn strict_policy_never_lets_a_mark_change_after_the_day(
        steps in prop::collection::vec((
            prop::sample::select(vec!["", "2", "3", "4", "5", "н", "б", "п", "н 4", "б 5", "п 3", "x", "4 5"]),
            -300i64..6000,
        ), 1..12),
        wt in prop::sample::select(vec![WorkType::Lesson, WorkType::Control, WorkType::Written]),
    ) {
        let p = Policy::default();
        let l = paired_lesson(0, wt);
        let mut value = CellValue::default();
        let mut ordered = steps.clone();
        ordered.sort_by_key(|(_, m)| *m);
        for (input, minutes) in ordered {
            let when = l.starts_at + Duration::minutes(minutes);
            match enter(&value, input, &l, when, &p) {
                Ok(new) => {
                    if new != value {
                        prop_assert!(when >= l.starts_at, "nothing changes before the lesson");
                    }
                    if when.date() > l.date && value.mark_entry().is_some() {
                        prop_assert_eq!(new.mark_entry(), value.mark_entry(),
                            "004 п. 4.2.1: a mark present after the day never changes");
                    }
                    value = new;
                }
                Err(e) => prop_assert!(!e.code().is_empty(), "every refusal has a code"),
            }
        }
    }
}
