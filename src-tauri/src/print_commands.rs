//! «Печать»: documents as PDF from the local copy (works offline) saved to a path the user sees
//! (e2e cannot drive native file dialogs, so the screen has a path field with a default under the
//! user's Documents), and «Проверить распечатку» — a printed PDF checked against the copy.

use crate::AppState;
use journal_api::{ApiError, DataDir, Journal, PrintDocument, PrintedFile, VerifyReportDto};
use journal_core::{GroupId, PeriodId, StudentId, SubjectId};
use std::path::Path;
use tauri::State;

/// The default path for a document the UI names `file_name` (in the user's Documents).
#[tauri::command]
pub fn print_default_path(file_name: String) -> String {
    Journal::default_print_path(&DataDir::default_root(), &file_name)
        .display()
        .to_string()
}

/// Prints `document` from the local copy into `path`; refused (no file) when the user may not.
/// Async: a year journal takes a moment to render and must not hold the window's thread.
#[tauri::command(async)]
pub fn print_document(
    state: State<AppState>,
    document: PrintDocument,
    path: String,
) -> Result<PrintedFile, ApiError> {
    state.with(|j| j.print_to_file(&document, Path::new(path.trim())))
}

/// A report of the user's own loads from the local copy, on screen (offline too).
#[tauri::command(async)]
pub fn report_view(
    state: State<AppState>,
    report: journal_reports::ReportKind,
    period_id: Option<PeriodId>,
) -> Result<journal_api::ReportView, ApiError> {
    state.with(|j| j.report(report, period_id))
}

/// A профессиональный модуль's «Сводная ведомость» for a group, read-only, from the local copy.
#[tauri::command(async)]
pub fn module_summary(
    state: State<AppState>,
    group_id: GroupId,
    module_id: SubjectId,
) -> Result<journal_api::ModuleSummaryView, ApiError> {
    state.with(|j| j.module_summary(group_id, module_id))
}

/// The extract's student by «Фамилия Имя», number in the group's list, or id.
#[tauri::command]
pub fn print_find_student(
    state: State<AppState>,
    group_id: GroupId,
    period_id: PeriodId,
    student: String,
) -> Result<StudentId, ApiError> {
    state.with(|j| j.find_group_student(group_id, period_id, &student))
}

/// «Проверить распечатку»: whether the PDF at `path` still shows what the local copy holds.
#[tauri::command(async)]
pub fn verify_printout(state: State<AppState>, path: String) -> Result<VerifyReportDto, ApiError> {
    state.with(|j| j.verify_file(Path::new(path.trim())))
}
