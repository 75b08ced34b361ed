//! Lessons as the rules see them: date, bell times, hours (a paired lesson has two, each with its own
//! topic — 001 п. 4.5) and the kind of work, which sets the deadline for its marks.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Kind of work done at a lesson (вид занятия).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkType {
    /// Обычный урок / лекция / комбинированный.
    Lesson,
    Lecture,
    Practical,
    Laboratory,
    Control,
    /// Письменная работа (сочинение, изложение, диктант) — 7-day deadline for marks.
    Written,
    Seminar,
    Test,
    /// Самостоятельная работа — like control/lab/practical work, needs its number or topic (001 п. 4.5).
    Independent,
}

impl WorkType {
    /// Russian name as in the regulations.
    pub fn name_ru(self) -> &'static str {
        match self {
            WorkType::Lesson => "Урок",
            WorkType::Lecture => "Лекция",
            WorkType::Practical => "Практическая работа",
            WorkType::Laboratory => "Лабораторная работа",
            WorkType::Control => "Контрольная работа",
            WorkType::Written => "Письменная работа",
            WorkType::Seminar => "Семинар",
            WorkType::Test => "Зачёт",
            WorkType::Independent => "Самостоятельная работа",
        }
    }
}

/// What the rules need to know about a lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonInfo {
    pub date: NaiveDate,
    /// Start and end of the lesson (from the bell schedule), local time of the institution.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// 1 for a single lesson, 2 for a paired lesson (пара), each hour with its own topic.
    pub hours: u8,
    pub work_type: WorkType,
}
