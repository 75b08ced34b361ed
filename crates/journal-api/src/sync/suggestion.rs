//! «Предложение» from the app: kept in the encrypted copy first (so a text typed offline is not
//! lost), then sent to the server now if the session is online, or by the next sync.

use chrono::{DateTime, Utc};
use journal_core::suggestion::check_suggestion;
use serde::Deserialize;

use super::{client, get, post};
use crate::{ApiError, Journal, SuggestionReceipt, SupportView};

/// `GET /help`: the institution and its support contact.
#[derive(Debug, Deserialize)]
struct Help {
    support: journal_protocol::SupportContact,
}

/// The server's answer to a sent suggestion.
#[derive(Debug, Deserialize)]
struct Sent {
    #[allow(dead_code)] // read for its shape: a 201 without it is a server of another kind
    at: DateTime<Utc>,
}

impl Journal {
    /// Checks and keeps a suggestion to the administration, then tries to send what is waiting.
    /// A bad text is refused with journal-core's code and nothing is kept.
    pub fn suggest(&mut self, text: &str, screen: &str) -> Result<SuggestionReceipt, ApiError> {
        let (text, screen) =
            check_suggestion(text, screen).map_err(|e| ApiError::new(e.code(), e.to_string()))?;
        self.store
            .add_pending_suggestion(self.now(), &screen, &text)?;
        let sent = self.is_online_session() && self.send_pending_suggestions().is_ok();
        let waiting = self.store.pending_suggestions()?.len() as u32;
        Ok(SuggestionReceipt {
            sent: sent && waiting == 0,
            waiting,
        })
    }

    /// Sends the suggestions waiting in this copy, oldest first, and forgets each the server took.
    /// Stops at the first failure (no network, expired session): the rest stay for the next sync.
    pub fn send_pending_suggestions(&mut self) -> Result<usize, ApiError> {
        let waiting = self.store.pending_suggestions()?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let mut sent = 0;
        for s in waiting {
            let body = serde_json::json!({ "text": s.text, "screen": s.screen });
            let r: Result<Sent, ApiError> =
                post(&http, &server, Some(&token), "/suggestions", &body);
            self.contact(r)?;
            self.store.remove_pending_suggestion(s.id)?;
            sent += 1;
        }
        Ok(sent)
    }

    /// The institution's support contact, asked of the server (None when it is out of reach: the
    /// app then says to ask the journal's administrator).
    pub fn support_contact(&mut self) -> Option<SupportView> {
        let (server, token) = self.session().ok()?;
        let http = client(self.link.ca_file.as_deref()).ok()?;
        let r: Result<Help, ApiError> = get(&http, &server, &token, "/help", &[]);
        let c = self.contact(r).ok()?.support;
        Some(SupportView {
            name: c.name,
            phone: c.phone,
            email: c.email,
            hours: c.hours,
        })
    }

    /// Suggestions written in this copy that the server has not yet taken.
    pub fn waiting_suggestions(&self) -> Result<u32, ApiError> {
        Ok(self.store.pending_suggestions()?.len() as u32)
    }
}
