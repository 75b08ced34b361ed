//! «Сообщения» in the teacher's app: a message or a reply is kept in the encrypted copy first (so a
//! text typed offline is not lost), then sent now if the session is online, or by the next sync.
//! Whom a teacher may write to is the server's one rule; a message it refuses for good is dropped
//! and reported with the server's words. Reading threads needs the server.

use super::{client, get, post};
use crate::{
    ApiError, Journal, MessageReceipt, MessageRecipient, MessageThread, MessagesView, ThreadDetail,
};

const MAX_BODY: usize = 5000;
const MAX_SUBJECT: usize = 200;

#[derive(Debug, serde::Deserialize)]
struct RecipientList {
    recipients: Vec<MessageRecipient>,
}

#[derive(Debug, serde::Deserialize)]
struct ThreadList {
    threads: Vec<MessageThread>,
    unread: u32,
}

/// Codes after which a waiting message stays for the next sync: the server was not reached or the
/// session must be renewed. Any other refusal is final.
pub(super) fn stays(code: &str) -> bool {
    matches!(
        code,
        "server_unreachable"
            | "tls_untrusted"
            | "session_expired"
            | "not_signed_in"
            | "protocol_outdated"
            | "too_many_threads"
    ) || code.starts_with("server_")
}

/// The same checks as the server's (journal-core's character rule on each line, limits), so a bad
/// text is refused at once and never kept.
fn checked(text: &str, max: usize, what: &str, lines: bool) -> Result<String, ApiError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(ApiError::new(
            "empty_message",
            format!("{what}: напишите текст"),
        ));
    }
    if text.chars().count() > max {
        return Err(ApiError::new(
            "message_too_long",
            format!("{what}: не длиннее {max} символов"),
        ));
    }
    let parts: Vec<&str> = if lines {
        text.split('\n').collect()
    } else {
        vec![text.as_str()]
    };
    for part in parts {
        journal_core::check_name_chars(part)
            .map_err(|e| ApiError::new(e.code(), format!("{what}: {e}")))?;
    }
    Ok(text)
}

impl Journal {
    /// Keeps a new message to `to` and tries to send what is waiting.
    pub fn write_message(
        &mut self,
        to: uuid::Uuid,
        subject: &str,
        body: &str,
    ) -> Result<MessageReceipt, ApiError> {
        let subject = checked(subject, MAX_SUBJECT, "Тема", false)?;
        let body = checked(body, MAX_BODY, "Сообщение", true)?;
        self.store
            .add_pending_thread(self.now(), to, &subject, &body)?;
        self.after_keeping()
    }

    /// Keeps a reply in `thread` and tries to send what is waiting.
    pub fn reply_message(
        &mut self,
        thread: uuid::Uuid,
        body: &str,
    ) -> Result<MessageReceipt, ApiError> {
        let body = checked(body, MAX_BODY, "Ответ", true)?;
        self.store.add_pending_reply(self.now(), thread, &body)?;
        self.after_keeping()
    }

    fn after_keeping(&mut self) -> Result<MessageReceipt, ApiError> {
        let refused = if self.is_online_session() {
            self.send_pending_messages().unwrap_or_default()
        } else {
            Vec::new()
        };
        let waiting = self.store.pending_messages()?.len() as u32;
        Ok(MessageReceipt {
            sent: waiting == 0 && refused.is_empty(),
            waiting,
            refused,
        })
    }

    /// Sends the messages waiting in this copy, oldest first; forgets each the server took, and
    /// each it refused for good (returned with the server's words). Stops at the first message
    /// that must wait (no network, session to renew): the rest stay for the next sync.
    pub fn send_pending_messages(&mut self) -> Result<Vec<String>, ApiError> {
        let waiting = self.store.pending_messages()?;
        let mut refused = Vec::new();
        if waiting.is_empty() {
            return Ok(refused);
        }
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        for m in waiting {
            let r: Result<serde_json::Value, ApiError> = match m.thread_id {
                Some(thread) => post(
                    &http,
                    &server,
                    Some(&token),
                    &format!("/messages/{thread}/replies"),
                    &serde_json::json!({ "body": m.body }),
                ),
                None => post(
                    &http,
                    &server,
                    Some(&token),
                    "/messages",
                    &serde_json::json!({
                        "kind": "message", "to": m.to_user, "subject": m.subject, "body": m.body,
                    }),
                ),
            };
            match self.contact(r) {
                Ok(_) => self.store.remove_pending_message(m.id)?,
                Err(e) if stays(&e.code) => return Err(e),
                Err(e) => {
                    self.store.remove_pending_message(m.id)?;
                    refused.push(e.message);
                }
            }
        }
        Ok(refused)
    }

    /// The threads and the unread count from the server, and what waits in this copy. Offline:
    /// the server's refusal (`server_unreachable`), the waiting count still readable by
    /// [`Journal::waiting_messages`].
    pub fn messages(&mut self) -> Result<MessagesView, ApiError> {
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let r: Result<ThreadList, ApiError> = get(&http, &server, &token, "/messages", &[]);
        let list = self.contact(r)?;
        Ok(MessagesView {
            threads: list.threads,
            unread: list.unread,
            waiting: self.waiting_messages()?,
        })
    }

    /// How many messages to this user are unread (online): the menu's count.
    pub fn unread_messages(&mut self) -> Result<u32, ApiError> {
        #[derive(serde::Deserialize)]
        struct Unread {
            unread: u32,
        }
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let r: Result<Unread, ApiError> = get(&http, &server, &token, "/messages/unread", &[]);
        Ok(self.contact(r)?.unread)
    }

    /// One thread with its messages (online; the server marks it read for this user).
    pub fn message_thread(&mut self, thread: uuid::Uuid) -> Result<ThreadDetail, ApiError> {
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let r: Result<ThreadDetail, ApiError> =
            get(&http, &server, &token, &format!("/messages/{thread}"), &[]);
        self.contact(r)
    }

    /// Whom the signed-in user may write to (the server's one rule; online).
    pub fn message_recipients(&mut self) -> Result<Vec<MessageRecipient>, ApiError> {
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let r: Result<RecipientList, ApiError> =
            get(&http, &server, &token, "/messages/recipients", &[]);
        Ok(self.contact(r)?.recipients)
    }

    /// Messages written in this copy that the server has not yet taken.
    pub fn waiting_messages(&self) -> Result<u32, ApiError> {
        Ok(self.store.pending_messages()?.len() as u32)
    }
}
