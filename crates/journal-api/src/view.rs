//! Pure building blocks of the views: who is on a lesson's list, the rules' view of a lesson, the
//! duties with their deadlines, the suggested КТП topic. No store access, so each is unit-tested on
//! plain rows.

use crate::dto::{CellView, DeadlineState, Duty, DutyKind, PlanTopicView, TopicView};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::deadlines::{self, Obligation};
use journal_core::{CellValue, DeadlineStatus, LessonInfo, Policy, TopicId, WorkType};
use journal_protocol::{Cell, Homework, LessonTopic, PlanTopic};
use std::collections::HashSet;

/// The work type that decides a lesson's deadlines: a control or written work in any hour wins.
pub fn lesson_work_type(topics: &[LessonTopic]) -> WorkType {
    if topics.iter().any(|t| t.work_type == WorkType::Control) {
        WorkType::Control
    } else if topics.iter().any(|t| t.work_type == WorkType::Written) {
        WorkType::Written
    } else {
        topics
            .iter()
            .min_by_key(|t| t.hour)
            .map(|t| t.work_type)
            .unwrap_or(WorkType::Lesson)
    }
}

/// The rules' view of a lesson: its bell times on its date. A lesson the schedule of control works
/// holds a work at (`scheduled_work`) is a control work whatever its topic says: its marks are due
/// within the policy's checking days (001 «Преподаватель» п. 24), as on the server.
pub fn lesson_info(
    date: NaiveDate,
    starts: NaiveTime,
    ends: NaiveTime,
    hours: u8,
    topics: &[LessonTopic],
    scheduled_work: bool,
) -> LessonInfo {
    LessonInfo {
        date,
        starts_at: date.and_time(starts),
        ends_at: date.and_time(ends),
        hours,
        work_type: if scheduled_work {
            WorkType::Control
        } else {
            lesson_work_type(topics)
        },
    }
}

fn duty(
    kind: DutyKind,
    obligation: Obligation,
    lesson: &LessonInfo,
    done_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Duty {
    duty_of_status(
        kind,
        deadlines::status(obligation, lesson, done_at, now),
        done_at.is_some(),
    )
}

/// journal_core's deadline status as the UI gets it: the state and, while open, the due time.
pub fn deadline_state(status: DeadlineStatus) -> (DeadlineState, Option<NaiveDateTime>) {
    match status {
        DeadlineStatus::NotDue => (DeadlineState::NotDue, None),
        DeadlineStatus::Pending { due } => (DeadlineState::Pending, Some(due)),
        DeadlineStatus::DoneInTime => (DeadlineState::DoneInTime, None),
        DeadlineStatus::DoneLate => (DeadlineState::DoneLate, None),
        DeadlineStatus::Overdue { due } => (DeadlineState::Overdue, Some(due)),
    }
}

pub fn duty_of_status(kind: DutyKind, status: DeadlineStatus, done: bool) -> Duty {
    let (state, due) = deadline_state(status);
    let label_ru = match kind {
        DutyKind::Marks => "Отметки и посещаемость",
        DutyKind::Topic => "Тема урока",
        DutyKind::Homework => "Домашнее задание",
        DutyKind::Finals => "Итоговые отметки",
    };
    Duty {
        kind,
        label_ru: label_ru.to_string(),
        done,
        state,
        state_ru: status.label_ru().to_string(),
        due,
    }
}

/// What a held lesson obliges the teacher to fill in, with each deadline's status at `now`.
/// Marks count as done once any cell of the lesson is filled. The journal records absences, not
/// presence: at an ordinary lesson where everyone came and nobody was marked, the filled topic is
/// what shows the lesson was kept, so the duty is done when the topic was entered. A control or
/// written work still needs its marks.
pub fn duties(
    lesson: &LessonInfo,
    topics: &[LessonTopic],
    homework: Option<&Homework>,
    cells: &[Cell],
    now: NaiveDateTime,
    policy: &Policy,
) -> Vec<Duty> {
    let marks_obligation = Obligation::marks_for(lesson.work_type, policy);
    let marks_done = cells
        .iter()
        .filter(|c| !c.value.is_empty())
        .map(|c| c.entered_at)
        .max();
    let all_hours = (1..=lesson.hours.max(1)).all(|h| topics.iter().any(|t| t.hour == h));
    let topic_done = if all_hours {
        topics.iter().map(|t| t.entered_at).max()
    } else {
        None
    };
    let marks_done = match marks_obligation {
        Obligation::MarksSameDay => marks_done.or(topic_done),
        _ => marks_done,
    };
    vec![
        duty(DutyKind::Marks, marks_obligation, lesson, marks_done, now),
        duty(
            DutyKind::Topic,
            Obligation::TopicSameDay,
            lesson,
            topic_done,
            now,
        ),
        duty(
            DutyKind::Homework,
            Obligation::HomeworkAfterLesson,
            lesson,
            homework.map(|h| h.entered_at),
            now,
        ),
    ]
}

pub fn cell_view(cell: Option<&Cell>) -> CellView {
    match cell {
        None => CellView {
            symbol: String::new(),
            marks: Vec::new(),
            absence: None,
            entered_at: None,
        },
        Some(c) => CellView {
            symbol: c.value.symbol(),
            marks: value_marks(&c.value),
            absence: c.value.absence().map(|a| a.symbol().to_string()),
            entered_at: Some(c.entered_at),
        },
    }
}

fn value_marks(value: &CellValue) -> Vec<u8> {
    value.marks().map(|m| m.get()).collect()
}

pub fn topic_view(t: &LessonTopic) -> TopicView {
    TopicView {
        hour: t.hour,
        plan_topic_id: t.plan_topic_id,
        title: t.title.clone(),
        work_type: t.work_type.into(),
        work_type_ru: t.work_type.name_ru().to_string(),
        work_number: t.work_number,
        makeup_of: t.makeup_of,
        entered_at: t.entered_at,
    }
}

/// The КТП in order, each topic flagged when some lesson of the load already recorded it.
pub fn plan_views(plan: &[PlanTopic], given: &HashSet<TopicId>) -> Vec<PlanTopicView> {
    let mut plan: Vec<&PlanTopic> = plan.iter().collect();
    plan.sort_by_key(|p| p.ordinal);
    plan.into_iter()
        .map(|p| PlanTopicView {
            id: p.id,
            ordinal: p.ordinal,
            title: p.title.clone(),
            hours: p.hours,
            work_type: p.work_type.into(),
            work_type_ru: p.work_type.name_ru().to_string(),
            work_number: p.work_number,
            given: given.contains(&p.id),
        })
        .collect()
}

/// The suggested topic: the first КТП topic (by ordinal) not given yet.
pub fn suggested_topic(plan: &[PlanTopicView]) -> Option<PlanTopicView> {
    plan.iter().find(|p| !p.given).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use journal_core::{LessonId, LoadId, UserId};
    use uuid::Uuid;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn info() -> LessonInfo {
        lesson_info(d(2026, 10, 5), t(10, 0), t(11, 35), 2, &[], false)
    }

    fn topic(hour: u8, at: NaiveDateTime, work_type: WorkType) -> LessonTopic {
        LessonTopic {
            lesson_id: LessonId(Uuid::from_u128(5)),
            hour,
            plan_topic_id: None,
            title: "Тема".into(),
            work_type,
            work_number: None,
            makeup_of: None,
            entered_at: at,
            author_id: UserId(Uuid::from_u128(2)),
        }
    }

    #[test]
    fn homework_is_due_ninety_minutes_after_the_lesson() {
        // 001: «в течение 1,5 часов после окончания занятий».
        let lesson = info();
        let now = d(2026, 10, 5).and_time(t(12, 0));
        let ds = duties(&lesson, &[], None, &[], now, &Policy::default());
        let hw = ds
            .iter()
            .find(|x| x.kind == DutyKind::Homework)
            .expect("homework duty listed");
        assert_eq!(hw.state, DeadlineState::Pending, "still open at 12:00");
        assert_eq!(
            hw.due,
            Some(d(2026, 10, 5).and_time(t(13, 5))),
            "11:35 + 1.5 h"
        );
        assert!(!hw.done, "nothing written yet");
    }

    #[test]
    fn everyone_present_and_nobody_marked_is_done_once_the_topic_is_in() {
        // Issue: such a lesson stayed «Просрочено» on the marks duty for ever.
        let lesson = lesson_info(d(2026, 10, 5), t(10, 0), t(10, 45), 1, &[], false);
        let at = d(2026, 10, 5).and_time(t(10, 40));
        let next_day = d(2026, 10, 6).and_time(t(9, 0));
        let marks = |ds: Vec<Duty>| {
            ds.into_iter()
                .find(|x| x.kind == DutyKind::Marks)
                .expect("marks duty")
        };
        let without_topic = marks(duties(
            &lesson,
            &[],
            None,
            &[],
            next_day,
            &Policy::default(),
        ));
        assert_eq!(
            without_topic.state,
            DeadlineState::Overdue,
            "nothing filled: overdue"
        );
        let filled = marks(duties(
            &lesson,
            &[topic(1, at, WorkType::Lesson)],
            None,
            &[],
            next_day,
            &Policy::default(),
        ));
        assert!(
            filled.done,
            "the topic shows the lesson was kept with nobody absent: {filled:?}"
        );
        assert_ne!(
            filled.state,
            DeadlineState::Overdue,
            "not overdue: {filled:?}"
        );
        let control = lesson_info(d(2026, 10, 5), t(10, 0), t(10, 45), 1, &[], false);
        let work = marks(duties(
            &LessonInfo {
                work_type: WorkType::Control,
                ..control
            },
            &[topic(1, at, WorkType::Control)],
            None,
            &[],
            d(2026, 10, 9).and_time(t(9, 0)),
            &Policy::default(),
        ));
        assert!(!work.done, "a control work still needs its marks: {work:?}");
    }

    #[test]
    fn a_paired_lesson_needs_a_topic_for_each_hour() {
        let lesson = info();
        let at = d(2026, 10, 5).and_time(t(10, 30));
        let now = d(2026, 10, 5).and_time(t(11, 0));
        let one = duties(
            &lesson,
            &[topic(1, at, WorkType::Lesson)],
            None,
            &[],
            now,
            &Policy::default(),
        );
        assert!(
            !one.iter().any(|x| x.kind == DutyKind::Topic && x.done),
            "one hour of two is not done"
        );
        let both = duties(
            &lesson,
            &[
                topic(1, at, WorkType::Lesson),
                topic(2, at, WorkType::Lesson),
            ],
            None,
            &[],
            now,
            &Policy::default(),
        );
        assert!(
            both.iter().any(|x| x.kind == DutyKind::Topic && x.done),
            "both hours recorded = done"
        );
    }

    #[test]
    fn control_work_in_any_hour_decides_the_work_type() {
        let at = d(2026, 10, 5).and_time(t(10, 30));
        assert_eq!(
            lesson_work_type(&[
                topic(1, at, WorkType::Lecture),
                topic(2, at, WorkType::Control)
            ]),
            WorkType::Control,
            "control-work marks get their 3 days even when it is the second hour"
        );
        assert_eq!(
            lesson_work_type(&[]),
            WorkType::Lesson,
            "no topic = ordinary lesson"
        );
    }

    #[test]
    fn suggestion_is_the_first_plan_topic_not_given() {
        let mk = |n: u128, ordinal: u32| PlanTopic {
            id: TopicId(Uuid::from_u128(n)),
            load_id: LoadId(Uuid::from_u128(1)),
            ordinal,
            title: format!("Тема {ordinal}"),
            hours: 2,
            work_type: WorkType::Lecture,
            work_number: None,
        };
        // Deliberately out of order: the КТП order is the ordinal, not storage order.
        let plan = vec![mk(3, 3), mk(1, 1), mk(2, 2)];
        let given: HashSet<TopicId> = [TopicId(Uuid::from_u128(1))].into_iter().collect();
        let views = plan_views(&plan, &given);
        assert_eq!(
            suggested_topic(&views).map(|p| p.ordinal),
            Some(2),
            "topic 1 given → topic 2 suggested"
        );
        let all: HashSet<TopicId> = plan.iter().map(|p| p.id).collect();
        assert_eq!(
            suggested_topic(&plan_views(&plan, &all)),
            None,
            "a finished КТП suggests nothing"
        );
    }
}
