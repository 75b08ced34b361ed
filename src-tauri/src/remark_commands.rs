//! «Замечания по ведению журнала»: the deputies' remarks on the teacher's loads and marking one
//! «Устранено» with the teacher's answer (an edit like any other, sent with the next sync).

use crate::AppState;
use journal_api::{ApiError, EditReceipt, RemarkView};
use tauri::State;

#[tauri::command]
pub fn remarks(state: State<AppState>) -> Result<Vec<RemarkView>, ApiError> {
    state.with(|j| j.remarks())
}

#[tauri::command]
pub fn resolve_remark(
    state: State<AppState>,
    remark_id: uuid::Uuid,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.resolve_remark(remark_id))
}

/// The teacher's answer with «Устранено» (offline like any edit; the author confirms or returns it).
#[tauri::command]
pub fn answer_remark(
    state: State<AppState>,
    remark_id: uuid::Uuid,
    answer: String,
) -> Result<EditReceipt, ApiError> {
    state.with(|j| j.answer_remark(remark_id, &answer))
}
