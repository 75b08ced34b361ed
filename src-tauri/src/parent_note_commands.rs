//! «Замечания родителям» in the teacher's app: the notes sent (from the server, online) and those
//! kept in the encrypted copy; a new note is kept first and sent now or by the next sync
//! (journal-api `sync/parent_note.rs`).

use crate::AppState;
use journal_api::{ApiError, ParentNoteReceipt, ParentNotesView};
use tauri::State;

#[tauri::command]
pub fn parent_notes(state: State<AppState>) -> Result<ParentNotesView, ApiError> {
    state.with(|j| j.parent_notes())
}

#[tauri::command]
pub fn write_parent_note(
    state: State<AppState>,
    student_id: uuid::Uuid,
    text: String,
) -> Result<ParentNoteReceipt, ApiError> {
    state.with(|j| j.write_parent_note(student_id, &text))
}

#[tauri::command]
pub fn dismiss_parent_note(state: State<AppState>, local_id: i64) -> Result<(), ApiError> {
    state.with(|j| j.dismiss_parent_note(local_id))
}
