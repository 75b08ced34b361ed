//! When an entry may be made: never for a lesson that has not started, and late only as the
//! institution's late-entry policy allows. The entry time is the time the teacher made the entry
//! (the device time signed into the op), never the time it reached the server.

use crate::policy::LateEntry;
use crate::{LessonInfo, Policy, RuleError, WorkType};
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What is being entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Attendance,
    Mark,
    /// A mark for a missed topic (отработка), written in the missed lesson's column.
    MakeUpMark,
    Topic,
    Homework,
    Final,
}

/// Checks an entry's time against the lesson and the policy.
pub fn check_entry(
    lesson: &LessonInfo,
    entered_at: NaiveDateTime,
    kind: EntryKind,
    policy: &Policy,
) -> Result<(), RuleError> {
    if kind != EntryKind::Final && entered_at < lesson.starts_at {
        return Err(RuleError::FutureLesson);
    }
    let last_day = match (policy.late_entry, kind) {
        (_, EntryKind::Final) => return Ok(()),
        (LateEntry::Strict, _) => lesson.date,
        (LateEntry::AllowedCases, EntryKind::MakeUpMark) => return Ok(()),
        (LateEntry::AllowedCases, EntryKind::Mark) => match lesson.work_type {
            WorkType::Control => lesson.date + Duration::days(3),
            WorkType::Written => lesson.date + Duration::days(7),
            _ => lesson.date,
        },
        (LateEntry::AllowedCases, _) => lesson.date,
    };
    if entered_at.date() > last_day {
        return Err(RuleError::Backdating);
    }
    Ok(())
}
