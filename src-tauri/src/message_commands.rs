//! «Сообщения» in the teacher's app: threads and whom one may write to come from the server
//! (online); a message or a reply is kept in the encrypted copy first and sent now or by the next
//! sync (journal-api `sync/message.rs`).

use crate::AppState;
use journal_api::{ApiError, MessageReceipt, MessageRecipient, MessagesView, ThreadDetail};
use tauri::State;

#[tauri::command]
pub fn messages(state: State<AppState>) -> Result<MessagesView, ApiError> {
    let view = state.with(|j| j.messages())?;
    state.sync_memory().unread_messages = Some(view.unread);
    Ok(view)
}

#[tauri::command]
pub fn waiting_messages(state: State<AppState>) -> Result<u32, ApiError> {
    state.with(|j| j.waiting_messages())
}

#[tauri::command]
pub fn message_thread(
    state: State<AppState>,
    thread_id: uuid::Uuid,
) -> Result<ThreadDetail, ApiError> {
    state.with(|j| j.message_thread(thread_id))
}

#[tauri::command]
pub fn message_recipients(state: State<AppState>) -> Result<Vec<MessageRecipient>, ApiError> {
    state.with(|j| j.message_recipients())
}

#[tauri::command]
pub fn write_message(
    state: State<AppState>,
    to: uuid::Uuid,
    subject: String,
    body: String,
) -> Result<MessageReceipt, ApiError> {
    state.with(|j| j.write_message(to, &subject, &body))
}

#[tauri::command]
pub fn reply_message(
    state: State<AppState>,
    thread_id: uuid::Uuid,
    body: String,
) -> Result<MessageReceipt, ApiError> {
    state.with(|j| j.reply_message(thread_id, &body))
}
