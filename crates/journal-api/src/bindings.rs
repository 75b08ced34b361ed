//! Generates the TypeScript twins of the DTOs into `ui/src/bindings/` (run by `cargo test`), so the
//! UI's types are never written by hand. The files are committed; a changed DTO shows up as a diff.

use crate::dto::*;
use crate::ApiError;
use std::path::PathBuf;
use ts_rs::TS;

/// `<repo>/ui/src/bindings`, from this crate's manifest dir.
pub fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("ui")
        .join("src")
        .join("bindings")
}

/// Writes every type the UI receives or sends (with the types they use) into `dir`.
pub fn export_all(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    ApiError::export_all_to(dir)?;
    UserInfo::export_all_to(dir)?;
    SuggestionReceipt::export_all_to(dir)?;
    MessageReceipt::export_all_to(dir)?;
    ParentNotesView::export_all_to(dir)?;
    ParentNoteReceipt::export_all_to(dir)?;
    MessageThread::export_all_to(dir)?;
    MessagesView::export_all_to(dir)?;
    ThreadDetail::export_all_to(dir)?;
    MessageRecipient::export_all_to(dir)?;
    SupportView::export_all_to(dir)?;
    LessonSummary::export_all_to(dir)?;
    LessonDetail::export_all_to(dir)?;
    Grid::export_all_to(dir)?;
    ReopeningView::export_all_to(dir)?;
    GroupSummary::export_all_to(dir)?;
    LoadSummary::export_all_to(dir)?;
    PeriodView::export_all_to(dir)?;
    Status::export_all_to(dir)?;
    EditReceipt::export_all_to(dir)?;
    TopicInput::export_all_to(dir)?;
    WorkType::export_all_to(dir)?;
    RemarkView::export_all_to(dir)?;
    ConflictView::export_all_to(dir)?;
    SyncReportDto::export_all_to(dir)?;
    RescueReport::export_all_to(dir)?;
    crate::sync::ConflictAction::export_all_to(dir)?;
    PrintDocument::export_all_to(dir)?;
    VerifyReportDto::export_all_to(dir)?;
    PrintedFile::export_all_to(dir)?;
    ReportView::export_all_to(dir)?;
    ModuleSummaryView::export_all_to(dir)?;
    LessonChangeRequest::export_all_to(dir)?;
    UserChoice::export_all_to(dir)?;
    GroupChoice::export_all_to(dir)?;
    GroupDay::export_all_to(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_bindings_are_generated_for_the_ui() {
        let dir = bindings_dir();
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        export_all(&dir).expect("export TypeScript bindings");
        let summary = std::fs::read_to_string(dir.join("LessonSummary.ts"))
            .expect("LessonSummary.ts written");
        assert!(
            summary.contains("export type LessonSummary"),
            "the file declares the type:\n{summary}"
        );
        assert!(
            summary.contains("id: string"),
            "ids cross to TypeScript as strings:\n{summary}"
        );
        let error = std::fs::read_to_string(dir.join("ApiError.ts")).expect("ApiError.ts written");
        assert!(
            error.contains("code: string") && error.contains("message: string"),
            "errors cross as {{code, message}}:\n{error}"
        );
    }
}
