//! «Замечания родителям» in the teacher's app (issue 12): a teacher writes a note to the parents of
//! a student of their loads; it is kept in the encrypted copy first (so a text typed offline is not
//! lost), then sent now if the session is online, or by the next sync. Whom one may write about is
//! the server's rule (journal-core `WriteParentNote`); a note it refuses for good stays listed with
//! the server's words until the teacher dismisses it, so nothing typed disappears silently. The
//! notes sent, with the parents' «Ознакомлен», are read from the server.

use std::collections::BTreeMap;

use super::message::stays;
use super::{client, get, post};
use crate::{
    ApiError, Journal, NoteAcknowledgementView, NoteState, NoteStudent, ParentNoteEntry,
    ParentNoteReceipt, ParentNotesView,
};

/// The server's limit (`parent_note_routes::MAX_TEXT`).
const MAX_TEXT: usize = 2000;

/// A note as `GET /diary/notes` answers it.
#[derive(Debug, serde::Deserialize)]
struct ServerNote {
    id: uuid::Uuid,
    student_id: uuid::Uuid,
    student: String,
    text: String,
    created_at: chrono::DateTime<chrono::FixedOffset>,
    acknowledgements: Vec<NoteAcknowledgementView>,
}

/// The same checks as the server's (journal-core's character rule on each line, the length), so a
/// bad text is refused at once and never kept.
fn checked(text: &str) -> Result<String, ApiError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(ApiError::new("empty_note", "Замечание: напишите текст"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::new(
            "note_too_long",
            format!("Замечание: не длиннее {MAX_TEXT} символов"),
        ));
    }
    for line in text.split('\n') {
        journal_core::check_name_chars(line)
            .map_err(|e| ApiError::new(e.code(), format!("Замечание: {e}")))?;
    }
    Ok(text)
}

impl Journal {
    /// The students of the signed-in teacher's own loads, by group then name: whom a note can be
    /// about (the server decides at sending).
    pub fn note_students(&self) -> Result<Vec<NoteStudent>, ApiError> {
        let mut out: BTreeMap<(String, String, uuid::Uuid), NoteStudent> = BTreeMap::new();
        for load in self.loads()?.into_iter().filter(|l| l.own) {
            // A load with no period today (between years) has nobody to write about.
            let Ok(grid) = self.grid(load.id, None) else {
                continue;
            };
            for row in grid.rows {
                let key = (
                    load.group_name.clone(),
                    row.full_name.clone(),
                    row.student_id.0,
                );
                out.entry(key).or_insert(NoteStudent {
                    id: row.student_id.0,
                    full_name: row.full_name,
                    group_name: load.group_name.clone(),
                });
            }
        }
        Ok(out.into_values().collect())
    }

    /// Keeps a note to the parents of `student` and tries to send what is waiting.
    pub fn write_parent_note(
        &mut self,
        student: uuid::Uuid,
        text: &str,
    ) -> Result<ParentNoteReceipt, ApiError> {
        let text = checked(text)?;
        self.store
            .add_pending_parent_note(self.now(), student, &text)?;
        let refused = if self.is_online_session() {
            self.send_pending_parent_notes().unwrap_or_default()
        } else {
            Vec::new()
        };
        let waiting = self.waiting_parent_notes()?;
        Ok(ParentNoteReceipt {
            sent: waiting == 0 && refused.is_empty(),
            waiting,
            refused,
        })
    }

    /// Sends the notes waiting in this copy, oldest first; forgets each the server took and marks
    /// each it refused for good (returned with the server's words). Stops at the first note that
    /// must wait (no network, session to renew): the rest stay for the next sync.
    pub fn send_pending_parent_notes(&mut self) -> Result<Vec<String>, ApiError> {
        let waiting: Vec<_> = self
            .store
            .pending_parent_notes()?
            .into_iter()
            .filter(|n| n.refused.is_none())
            .collect();
        let mut refused = Vec::new();
        if waiting.is_empty() {
            return Ok(refused);
        }
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        for n in waiting {
            let r: Result<serde_json::Value, ApiError> = post(
                &http,
                &server,
                Some(&token),
                "/diary/notes",
                &serde_json::json!({ "student_id": n.student_id, "text": n.text }),
            );
            match self.contact(r) {
                Ok(_) => {
                    self.store.remove_pending_parent_note(n.id)?;
                }
                Err(e) if stays(&e.code) => return Err(e),
                Err(e) => {
                    self.store
                        .refuse_pending_parent_note(n.id, &e.code, &e.message)?;
                    refused.push(e.message);
                }
            }
        }
        Ok(refused)
    }

    /// Notes kept in this copy that the server has not yet taken (refused ones not counted).
    pub fn waiting_parent_notes(&self) -> Result<u32, ApiError> {
        Ok(self
            .store
            .pending_parent_notes()?
            .iter()
            .filter(|n| n.refused.is_none())
            .count() as u32)
    }

    /// The notes the teacher wrote: those kept here (waiting, refused) first, then the sent ones
    /// from the server, newest first, with the parents' «Ознакомлен». Offline the sent ones are
    /// left out and `unreachable` says why.
    pub fn parent_notes(&mut self) -> Result<ParentNotesView, ApiError> {
        let students = self.note_students()?;
        let name_of = |id: uuid::Uuid| {
            students
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.full_name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let mut notes: Vec<ParentNoteEntry> = self
            .store
            .pending_parent_notes()?
            .into_iter()
            .rev()
            .map(|n| ParentNoteEntry {
                id: None,
                local_id: Some(n.id),
                student_id: n.student_id,
                student: name_of(n.student_id),
                text: n.text,
                written_at: n.written_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                state: if n.refused.is_some() {
                    NoteState::Refused
                } else {
                    NoteState::Waiting
                },
                acknowledgements: Vec::new(),
                refusal: n.refused.map(|(_, words)| words),
            })
            .collect();
        let sent: Result<Vec<ServerNote>, ApiError> = match self.session() {
            Ok((server, token)) => {
                let http = client(self.link.ca_file.as_deref())?;
                let r = get(&http, &server, &token, "/diary/notes", &[]);
                self.contact(r)
            }
            Err(e) => Err(e),
        };
        let unreachable = match sent {
            Ok(mut list) => {
                list.sort_by_key(|n| std::cmp::Reverse(n.created_at));
                notes.extend(list.into_iter().map(|n| ParentNoteEntry {
                    id: Some(n.id),
                    local_id: None,
                    student_id: n.student_id,
                    student: n.student,
                    text: n.text,
                    written_at: n.created_at.to_rfc3339(),
                    state: NoteState::Sent,
                    acknowledgements: n.acknowledgements,
                    refusal: None,
                }));
                None
            }
            Err(e) => Some(e.message),
        };
        Ok(ParentNotesView {
            notes,
            unreachable,
            students,
        })
    }

    /// Forgets a note the server refused, once the teacher has read why. A waiting note is not
    /// dismissed this way: it is still to be sent.
    pub fn dismiss_parent_note(&mut self, local_id: i64) -> Result<(), ApiError> {
        let refused = self
            .store
            .pending_parent_notes()?
            .into_iter()
            .any(|n| n.id == local_id && n.refused.is_some());
        if !refused {
            return Err(ApiError::new(
                "note_not_refused",
                "Убрать из списка можно только замечание, которое сервер не принял",
            ));
        }
        self.store.remove_pending_parent_note(local_id)?;
        Ok(())
    }
}
