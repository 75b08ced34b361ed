//! The journal's commands: today's lessons, a lesson's cells, topics and homework, the subject grid,
//! finals and locks. Each is one call into [`journal_api::Journal`] through [`AppState::with`].

use crate::AppState;
use chrono::NaiveDate;
use journal_api::{
    ApiError, EditReceipt, Grid, GroupChoice, GroupDay, GroupSummary, LessonChangeRequest,
    LessonDetail, LessonSummary, LoadSummary, MakeupCandidate, PeriodView, TopicInput, UserChoice,
};
use journal_core::{Absence, GroupId, LessonId, LoadId, PeriodId, StudentId};
use tauri::State;

#[tauri::command]
pub fn today_lessons(
    state: State<AppState>,
    date: NaiveDate,
) -> Result<Vec<LessonSummary>, ApiError> {
    state.with(|j| j.today_lessons(date))
}

#[tauri::command]
pub fn lesson(state: State<AppState>, lesson_id: LessonId) -> Result<LessonDetail, ApiError> {
    state.with(|j| j.lesson(lesson_id))
}

#[tauri::command]
pub fn set_cell(
    state: State<AppState>,
    lesson_id: LessonId,
    student_id: StudentId,
    input: String,
    reason: Option<String>,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.set_cell_with_reason(lesson_id, student_id, &input, reason.as_deref()))
}

#[tauri::command]
pub fn set_topic(
    state: State<AppState>,
    lesson_id: LessonId,
    input: TopicInput,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.set_topic(lesson_id, &input))
}

#[tauri::command]
pub fn set_homework(
    state: State<AppState>,
    lesson_id: LessonId,
    text: String,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.set_homework(lesson_id, &text))
}

/// «Изменение урока»: замена, перенос, урок не проведён, вернуть в расписание.
#[tauri::command]
pub fn change_lesson(
    state: State<AppState>,
    lesson_id: LessonId,
    request: LessonChangeRequest,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.change_lesson(lesson_id, request))
}

/// «Посещаемость группы»: the groups the user may look at.
#[tauri::command]
pub fn attendance_groups(state: State<AppState>) -> Result<Vec<GroupChoice>, ApiError> {
    state.with(|j| j.attendance_groups())
}

/// One day of a group: its lessons and each student's cell.
#[tauri::command]
pub fn group_day(
    state: State<AppState>,
    group_id: GroupId,
    date: NaiveDate,
) -> Result<GroupDay, ApiError> {
    state.with(|j| j.group_day(group_id, date))
}

/// The reason from a note for every «н» of a student that day.
#[tauri::command]
pub fn excuse_day(
    state: State<AppState>,
    group_id: GroupId,
    date: NaiveDate,
    student_id: StudentId,
    reason: Absence,
) -> Result<Vec<EditReceipt>, ApiError> {
    state.with(|j| j.excuse_day(group_id, date, student_id, reason))
}

/// The teachers this copy knows who may substitute in the lesson.
#[tauri::command]
pub fn substitutes(
    state: State<AppState>,
    lesson_id: LessonId,
) -> Result<Vec<UserChoice>, ApiError> {
    state.with(|j| j.substitutes(lesson_id))
}

#[tauri::command]
pub fn groups(state: State<AppState>) -> Result<Vec<GroupSummary>, ApiError> {
    state.with(|j| j.groups())
}

#[tauri::command]
pub fn loads(state: State<AppState>) -> Result<Vec<LoadSummary>, ApiError> {
    state.with(|j| j.loads())
}

#[tauri::command]
pub fn periods(state: State<AppState>) -> Result<Vec<PeriodView>, ApiError> {
    state.with(|j| j.periods())
}

#[tauri::command]
pub fn grid(
    state: State<AppState>,
    load_id: LoadId,
    period_id: Option<PeriodId>,
) -> Result<Grid, ApiError> {
    state.with(|j| j.grid(load_id, period_id))
}

#[tauri::command]
pub fn set_final(
    state: State<AppState>,
    load_id: LoadId,
    period_id: PeriodId,
    student_id: StudentId,
    input: String,
    column: Option<String>,
) -> Result<EditReceipt, ApiError> {
    // The column by its stable name ("period", "exam", "year"); absent: the period final.
    let column =
        journal_core::FinalColumn::parse(column.as_deref().unwrap_or("")).ok_or_else(|| {
            ApiError::new("invalid_final_column", "Неизвестная графа итоговых отметок")
        })?;
    state.with(|j| j.set_final_in(load_id, period_id, student_id, column, &input))
}

#[tauri::command]
pub fn lock_period(
    state: State<AppState>,
    load_id: LoadId,
    period_id: PeriodId,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.lock_period(load_id, period_id))
}

#[tauri::command]
pub fn unlock_period(
    state: State<AppState>,
    load_id: LoadId,
    period_id: PeriodId,
    reason: String,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.unlock_period(load_id, period_id, &reason))
}

#[tauri::command]
pub fn makeup_candidates(
    state: State<AppState>,
    lesson_id: LessonId,
) -> Result<Vec<MakeupCandidate>, ApiError> {
    state.with(|j| j.makeup_candidates(lesson_id))
}
