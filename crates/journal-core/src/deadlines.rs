//! Deadlines as computed statuses: shown in the app and in control reports, never blocking an entry
//! (what blocks is [`crate::timing`]). Each obligation has a window — from when it exists to when it
//! is due, both inclusive — and a status is computed from the entry time (when the teacher made the
//! entry, even offline) and "now", both parameters.
//!
//! * marks, attendance, topic on the lesson's day — 001 п. 6.7, «Преподаватель» п. 2 and 7;
//! * homework «во время проведения урока или в течение 1,5 часов после окончания занятий» — 001
//!   «Преподаватель» п. 4 (counted from the end of this lesson, the strictest reading);
//! * control-work marks «в течение 3 дней со дня ее проведения» — п. 9;
//! * written-work marks «в течение одной недели со дня ее проведения» — п. 10;
//! * finals «в течение последней недели каждого учебного периода до начала каникулярного периода» — п. 11.
//!
//! * remarks «Еженедельно устранять замечания в электронном журнале успеваемости» — 004 п. 4.2.1
//!   (within 7 days of the remark).
//!
//! Day counts follow ГК РФ ст. 191–192: a period counted in days starts the day after the event, so
//! «3 дня» from Monday's work end on Thursday evening and «одна неделя» on the next Monday evening.

use crate::{LessonInfo, Policy, WorkType};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// Something a teacher must do by a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Obligation {
    /// Marks on the day of the lesson.
    MarksSameDay,
    /// Homework within 1.5 hours after the lesson ends.
    HomeworkAfterLesson,
    /// Control-work marks within the policy's days (3 in 001).
    ControlWorkMarks { days: u32 },
    /// Written works (сочинение, изложение, диктант) within the policy's days (7 in 001).
    WrittenWorkMarks { days: u32 },
    /// Period finals during the period's last week.
    FinalsInLastWeek { period_end: NaiveDate },
    /// Attendance on the day of the lesson.
    AttendanceSameDay,
    /// The lesson's topic on the day of the lesson.
    TopicSameDay,
}

impl Obligation {
    /// The marks obligation for a lesson of this work type, with the policy's checking windows.
    pub fn marks_for(work_type: WorkType, policy: &Policy) -> Obligation {
        match work_type {
            WorkType::Control => Obligation::ControlWorkMarks {
                days: policy.control_work_days,
            },
            WorkType::Written => Obligation::WrittenWorkMarks {
                days: policy.written_work_days,
            },
            _ => Obligation::MarksSameDay,
        }
    }

    /// Russian name for reports.
    pub fn name_ru(&self) -> String {
        match self {
            Obligation::MarksSameDay => "Отметки в день урока".into(),
            Obligation::HomeworkAfterLesson => {
                "Домашнее задание в течение 1,5 часа после урока".into()
            }
            Obligation::ControlWorkMarks { days } => {
                format!("Отметки за контрольную работу в течение {}", days_ru(*days))
            }
            Obligation::WrittenWorkMarks { days } => {
                format!("Отметки за письменную работу в течение {}", days_ru(*days))
            }
            Obligation::FinalsInLastWeek { .. } => {
                "Итоговые отметки в последнюю неделю периода".into()
            }
            Obligation::AttendanceSameDay => "Посещаемость в день урока".into(),
            Obligation::TopicSameDay => "Тема урока в день урока".into(),
        }
    }
}

/// «3 дней», «1 дня», «21 дня» — the genitive after «в течение».
pub(crate) fn days_ru(n: u32) -> String {
    let word = if n % 10 == 1 && n % 100 != 11 {
        "дня"
    } else {
        "дней"
    };
    format!("{n} {word}")
}

/// The obligations a lesson creates (finals belong to the period and are not among them).
pub fn obligations_for(lesson: &LessonInfo, policy: &Policy) -> Vec<Obligation> {
    vec![
        Obligation::AttendanceSameDay,
        Obligation::TopicSameDay,
        Obligation::marks_for(lesson.work_type, policy),
        Obligation::HomeworkAfterLesson,
    ]
}

/// The state of an obligation at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineStatus {
    NotDue,
    Pending { due: NaiveDateTime },
    DoneInTime,
    DoneLate,
    Overdue { due: NaiveDateTime },
}

impl DeadlineStatus {
    /// Russian label for badges and reports.
    pub fn label_ru(&self) -> &'static str {
        match self {
            DeadlineStatus::NotDue => "Срок не наступил",
            DeadlineStatus::Pending { .. } => "Ожидает заполнения",
            DeadlineStatus::DoneInTime => "Заполнено в срок",
            DeadlineStatus::DoneLate => "Заполнено с опозданием",
            DeadlineStatus::Overdue { .. } => "Просрочено",
        }
    }

    /// Whether the status is a fault to report (late or overdue).
    pub fn is_violation(&self) -> bool {
        matches!(
            self,
            DeadlineStatus::DoneLate | DeadlineStatus::Overdue { .. }
        )
    }
}

fn end_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
}

/// From when the obligation exists, and when it is due (both inclusive).
pub fn window(obligation: Obligation, lesson: &LessonInfo) -> (NaiveDateTime, NaiveDateTime) {
    match obligation {
        Obligation::MarksSameDay | Obligation::AttendanceSameDay | Obligation::TopicSameDay => {
            (lesson.starts_at, end_of_day(lesson.date))
        }
        Obligation::HomeworkAfterLesson => {
            (lesson.starts_at, lesson.ends_at + Duration::minutes(90))
        }
        Obligation::ControlWorkMarks { days } | Obligation::WrittenWorkMarks { days } => (
            lesson.starts_at,
            end_of_day(lesson.date + Duration::days(i64::from(days))),
        ),
        Obligation::FinalsInLastWeek { period_end } => (
            (period_end - Duration::days(6)).and_time(NaiveTime::MIN),
            end_of_day(period_end),
        ),
    }
}

/// The status of `obligation` for `lesson`, done at `done_at` (the entry time, if done), seen at `now`.
/// Done early (finals before the last week) counts as in time.
pub fn status(
    obligation: Obligation,
    lesson: &LessonInfo,
    done_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> DeadlineStatus {
    let (from, due) = window(obligation, lesson);
    match done_at {
        Some(t) if t <= due => DeadlineStatus::DoneInTime,
        Some(_) => DeadlineStatus::DoneLate,
        None if now < from => DeadlineStatus::NotDue,
        None if now <= due => DeadlineStatus::Pending { due },
        None => DeadlineStatus::Overdue { due },
    }
}

/// The status of the finals of a period ending on `period_end` (no lesson needed).
pub fn finals_status(
    period_end: NaiveDate,
    done_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> DeadlineStatus {
    let day = end_of_day(period_end);
    let any_lesson = LessonInfo {
        date: period_end,
        starts_at: day,
        ends_at: day,
        hours: 1,
        work_type: WorkType::Lesson,
    };
    status(
        Obligation::FinalsInLastWeek { period_end },
        &any_lesson,
        done_at,
        now,
    )
}

/// Days a teacher has to deal with a remark (004 п. 4.2.1: «Еженедельно устранять замечания»).
pub const REMARK_DAYS: i64 = 7;

/// The status of a remark («Замечания по ведению журнала»): due by the end of the 7th day after it
/// was written.
pub fn remark_status(
    created_at: NaiveDateTime,
    resolved_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> DeadlineStatus {
    let due = end_of_day(created_at.date() + Duration::days(REMARK_DAYS));
    match resolved_at {
        Some(t) if t <= due => DeadlineStatus::DoneInTime,
        Some(_) => DeadlineStatus::DoneLate,
        None if now < created_at => DeadlineStatus::NotDue,
        None if now <= due => DeadlineStatus::Pending { due },
        None => DeadlineStatus::Overdue { due },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date")
    }
    fn lesson(work_type: WorkType) -> LessonInfo {
        LessonInfo {
            date: monday(),
            starts_at: monday().and_hms_opt(10, 0, 0).expect("valid"),
            ends_at: monday().and_hms_opt(11, 30, 0).expect("valid"),
            hours: 2,
            work_type,
        }
    }
    fn at(days: i64, h: u32, m: u32) -> NaiveDateTime {
        (monday() + Duration::days(days))
            .and_hms_opt(h, m, 0)
            .expect("valid")
    }

    #[test]
    fn marks_the_same_day() {
        // 001 «Преподаватель» п. 2: «Оценки за урок должны быть выставлены во время проведения урока
        // или в течение текущего учебного дня».
        let l = lesson(WorkType::Lesson);
        let o = Obligation::MarksSameDay;
        assert_eq!(
            status(o, &l, None, at(0, 9, 0)),
            DeadlineStatus::NotDue,
            "before the lesson: not due"
        );
        assert!(
            matches!(
                status(o, &l, None, at(0, 15, 0)),
                DeadlineStatus::Pending { .. }
            ),
            "001 п. 2: pending today"
        );
        assert_eq!(
            status(o, &l, Some(at(0, 23, 0)), at(1, 9, 0)),
            DeadlineStatus::DoneInTime,
            "001 п. 2: same day in time"
        );
        assert_eq!(
            status(o, &l, Some(at(1, 8, 0)), at(1, 9, 0)),
            DeadlineStatus::DoneLate,
            "001 п. 2: next day is late"
        );
        assert!(
            matches!(
                status(o, &l, None, at(1, 0, 0)),
                DeadlineStatus::Overdue { .. }
            ),
            "001 п. 2: overdue next day"
        );
    }

    #[test]
    fn homework_within_one_and_a_half_hours() {
        // 001 «Преподаватель» п. 4: «Внесение в журнал информации о домашнем задании должно
        // производиться во время проведения урока или в течение 1,5 часов после окончания занятий».
        let l = lesson(WorkType::Lesson);
        let o = Obligation::HomeworkAfterLesson;
        assert_eq!(
            status(o, &l, Some(at(0, 13, 0)), at(0, 14, 0)),
            DeadlineStatus::DoneInTime,
            "001 п. 4: 13:00 ≤ 11:30 + 1,5 ч"
        );
        assert_eq!(
            status(o, &l, Some(at(0, 13, 1)), at(0, 14, 0)),
            DeadlineStatus::DoneLate,
            "001 п. 4: 13:01 is late"
        );
        assert_eq!(
            status(o, &l, None, at(0, 12, 0)),
            DeadlineStatus::Pending { due: at(0, 13, 0) },
            "001 п. 4: due 13:00"
        );
    }

    #[test]
    fn control_and_written_work_marks() {
        // 001 «Преподаватель» п. 9: «в течение 3 дней со дня ее проведения»; п. 10: «в течение одной недели».
        let c = lesson(WorkType::Control);
        let o = Obligation::marks_for(WorkType::Control, &Policy::default());
        assert_eq!(
            o,
            Obligation::ControlWorkMarks { days: 3 },
            "control work has its own marks obligation"
        );
        assert_eq!(
            o.name_ru(),
            "Отметки за контрольную работу в течение 3 дней",
            "the report names the window"
        );
        assert_eq!(
            status(o, &c, Some(at(3, 23, 0)), at(5, 0, 0)),
            DeadlineStatus::DoneInTime,
            "001 п. 9: Thursday is in time"
        );
        assert_eq!(
            status(o, &c, Some(at(4, 8, 0)), at(5, 0, 0)),
            DeadlineStatus::DoneLate,
            "001 п. 9: Friday is late"
        );
        let w = lesson(WorkType::Written);
        let o = Obligation::marks_for(WorkType::Written, &Policy::default());
        assert_eq!(
            status(o, &w, Some(at(7, 20, 0)), at(9, 0, 0)),
            DeadlineStatus::DoneInTime,
            "001 п. 10: a week"
        );
        assert!(
            matches!(
                status(o, &w, None, at(8, 0, 0)),
                DeadlineStatus::Overdue { .. }
            ),
            "001 п. 10: overdue after a week"
        );
    }

    #[test]
    fn finals_in_the_last_week() {
        // 001 «Преподаватель» п. 11: «в течение последней недели каждого учебного периода до начала
        // каникулярного периода».
        let end = NaiveDate::from_ymd_opt(2026, 12, 27).expect("valid");
        let day = |d: u32, h: u32| {
            NaiveDate::from_ymd_opt(2026, 12, d)
                .and_then(|x| x.and_hms_opt(h, 0, 0))
                .expect("valid")
        };
        assert_eq!(
            finals_status(end, None, day(20, 12)),
            DeadlineStatus::NotDue,
            "001 п. 11: before the last week"
        );
        assert!(
            matches!(
                finals_status(end, None, day(21, 0)),
                DeadlineStatus::Pending { .. }
            ),
            "001 п. 11: the last week"
        );
        assert_eq!(
            finals_status(end, Some(day(27, 18)), day(28, 9)),
            DeadlineStatus::DoneInTime,
            "001 п. 11: by the period's end"
        );
        assert!(
            matches!(
                finals_status(end, None, day(28, 0)),
                DeadlineStatus::Overdue { .. }
            ),
            "001 п. 11: overdue in the holidays"
        );
    }

    #[test]
    fn the_checking_windows_are_the_institutions() {
        // 004 п. 4.2.1 defers control works to the institution's checking norms: a college that gives
        // 5 days for a control work and 10 for a written one has them in its policy.
        let policy = Policy {
            control_work_days: 5,
            written_work_days: 10,
            ..Policy::default()
        };
        let c = lesson(WorkType::Control);
        let o = Obligation::marks_for(WorkType::Control, &policy);
        assert_eq!(
            status(o, &c, Some(at(5, 20, 0)), at(9, 0, 0)),
            DeadlineStatus::DoneInTime,
            "the 5th day is in time under a 5-day norm"
        );
        assert_eq!(
            o.name_ru(),
            "Отметки за контрольную работу в течение 5 дней",
            "the report names the institution's window"
        );
        let w = lesson(WorkType::Written);
        assert!(
            matches!(
                status(
                    Obligation::marks_for(WorkType::Written, &policy),
                    &w,
                    None,
                    at(11, 0, 0)
                ),
                DeadlineStatus::Overdue { .. }
            ),
            "overdue after the 10 days"
        );
        assert_eq!(days_ru(21), "21 дня", "«в течение 21 дня»");
        assert_eq!(days_ru(11), "11 дней", "«в течение 11 дней»");
    }

    #[test]
    fn every_lesson_creates_its_obligations() {
        let o = obligations_for(&lesson(WorkType::Control), &Policy::default());
        assert!(
            o.contains(&Obligation::AttendanceSameDay),
            "001 «Преподаватель» п. 7: attendance on the day"
        );
        assert!(
            o.contains(&Obligation::ControlWorkMarks { days: 3 }),
            "001 п. 9: a control work's marks"
        );
        assert!(
            !o.contains(&Obligation::MarksSameDay),
            "a control work's marks are not due the same day"
        );
        assert_eq!(
            DeadlineStatus::DoneLate.label_ru(),
            "Заполнено с опозданием",
            "Russian label"
        );
    }

    #[test]
    fn remarks_within_a_week() {
        // 004 п. 4.2.1: «Еженедельно устранять замечания в электронном журнале успеваемости».
        let written = at(0, 15, 0);
        assert!(
            matches!(
                remark_status(written, None, at(7, 20, 0)),
                DeadlineStatus::Pending { .. }
            ),
            "004: a week to fix"
        );
        assert_eq!(
            remark_status(written, Some(at(7, 23, 0)), at(9, 0, 0)),
            DeadlineStatus::DoneInTime,
            "004: fixed in the week"
        );
        assert!(
            matches!(
                remark_status(written, None, at(8, 0, 0)),
                DeadlineStatus::Overdue { .. }
            ),
            "004: overdue after a week"
        );
    }

    proptest! {
        // The status is consistent with the window whatever the times: done ⇒ in time iff by the due
        // moment; not done ⇒ overdue iff past due, not due iff before the obligation exists.
        #[test]
        fn status_agrees_with_the_window(
            ob in prop::sample::select(vec![Obligation::MarksSameDay, Obligation::HomeworkAfterLesson,
                Obligation::ControlWorkMarks { days: 3 }, Obligation::WrittenWorkMarks { days: 7 },
                Obligation::ControlWorkMarks { days: 0 }, Obligation::TopicSameDay]),
            done in proptest::option::of(0i64..20_000),
            now in -2_000i64..20_000,
        ) {
            let l = lesson(WorkType::Lesson);
            let (from, due) = window(ob, &l);
            prop_assert!(from <= due, "a window never ends before it starts");
            let done_at = done.map(|m| l.starts_at + Duration::minutes(m));
            let now = l.starts_at + Duration::minutes(now);
            let s = status(ob, &l, done_at, now);
            match done_at {
                Some(t) => prop_assert_eq!(s == DeadlineStatus::DoneInTime, t <= due, "in time iff by the due moment"),
                None => {
                    prop_assert_eq!(matches!(s, DeadlineStatus::Overdue { .. }), now > due, "overdue iff past due");
                    prop_assert_eq!(s == DeadlineStatus::NotDue, now < from, "not due iff before the lesson");
                }
            }
        }
    }
}
