//! Deadlines as computed statuses: shown and reported, never blocking an entry.

use crate::LessonInfo;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// Something a teacher must do by a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Obligation {
    /// Attendance and marks on the day of the lesson.
    MarksSameDay,
    /// Homework within 1.5 hours after the lesson ends.
    HomeworkAfterLesson,
    /// Control-work marks within 3 days.
    ControlWorkMarks,
    /// Written works (сочинение, изложение) within 7 days.
    WrittenWorkMarks,
    /// Period finals during the period's last week.
    FinalsInLastWeek { period_end: NaiveDate },
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
}

fn end_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
}

/// From when the obligation exists, and when it is due (inclusive).
pub fn window(obligation: Obligation, lesson: &LessonInfo) -> (NaiveDateTime, NaiveDateTime) {
    match obligation {
        Obligation::MarksSameDay => (lesson.starts_at, end_of_day(lesson.date)),
        Obligation::HomeworkAfterLesson => {
            (lesson.starts_at, lesson.ends_at + Duration::minutes(90))
        }
        Obligation::ControlWorkMarks => (
            lesson.starts_at,
            end_of_day(lesson.date + Duration::days(3)),
        ),
        Obligation::WrittenWorkMarks => (
            lesson.starts_at,
            end_of_day(lesson.date + Duration::days(7)),
        ),
        Obligation::FinalsInLastWeek { period_end } => (
            (period_end - Duration::days(6)).and_time(NaiveTime::MIN),
            end_of_day(period_end),
        ),
    }
}

/// The status of `obligation` for `lesson`, done at `done_at` (the entry time, if done), seen at `now`.
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
