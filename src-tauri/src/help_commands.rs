//! «Справка» and «Предложение»: the teacher writes to the administration from the app. The text is
//! kept in the encrypted copy first and sent now if the server answers, otherwise by the next sync.

use crate::{blocking, AppState};
use journal_api::{ApiError, SuggestionReceipt, SupportView};
use tauri::State;

/// Keeps and (when online) sends a suggestion; off the UI thread, since sending waits for the server.
#[tauri::command]
pub async fn suggest(
    state: State<'_, AppState>,
    text: String,
    screen: String,
) -> Result<SuggestionReceipt, ApiError> {
    let state = state.inner().clone();
    blocking(move || state.with(|j| j.suggest(&text, &screen))).await
}

/// Suggestions written on this PC that the server has not yet taken.
#[tauri::command]
pub fn waiting_suggestions(state: State<AppState>) -> Result<u32, ApiError> {
    state.with(|j| j.waiting_suggestions())
}

/// The institution's support contact from the server; None when it is out of reach.
#[tauri::command]
pub async fn support_contact(state: State<'_, AppState>) -> Result<Option<SupportView>, ApiError> {
    let state = state.inner().clone();
    blocking(move || state.with(|j| Ok(j.support_contact()))).await
}
