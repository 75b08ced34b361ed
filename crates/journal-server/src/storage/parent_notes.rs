//! Remarks meant for parents (migration 0023): a note from the curator or a teacher to a student's
//! parents, and each parent's «Ознакомлен». A supertrait of [`super::Storage`], implemented by both
//! backends (`sqlite/parent_notes.rs`, `postgres/parent_notes.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, StudentId, UserId};

use crate::error::StorageError;

/// One note with the acknowledgements it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentNote {
    pub id: uuid::Uuid,
    pub student_id: StudentId,
    pub author_id: UserId,
    pub text: String,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// Each parent who acknowledged, and when (UTC), first first.
    pub acknowledgements: Vec<(UserId, NaiveDateTime)>,
}

/// Which notes to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotesOf {
    Student(StudentId),
    Author(UserId),
}

#[async_trait]
pub trait ParentNoteStorage: Send + Sync {
    /// The notes of a student or by an author, newest first.
    async fn parent_notes(
        &self,
        institution_id: InstitutionId,
        of: NotesOf,
    ) -> Result<Vec<ParentNote>, StorageError>;

    /// One note.
    async fn parent_note(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<ParentNote>, StorageError>;

    /// Keeps a new note (its acknowledgements are ignored).
    async fn add_parent_note(
        &self,
        institution_id: InstitutionId,
        note: ParentNote,
    ) -> Result<(), StorageError>;

    /// Records a parent's «Ознакомлен» at `now`; a repeated one keeps the first time, which it
    /// returns.
    async fn acknowledge_parent_note(
        &self,
        institution_id: InstitutionId,
        note_id: uuid::Uuid,
        user_id: UserId,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError>;
}

/// The columns of a note, in this order.
pub(crate) const COLUMNS: &str = "id, student_id, author_id, text, created_at";

/// A note read in [`COLUMNS`] order (no acknowledgements yet).
pub(crate) fn from_columns(row: [String; 5]) -> Result<ParentNote, StorageError> {
    use super::sqlite::{parse_id, parse_time};
    let [id, student, author, text, at] = row;
    Ok(ParentNote {
        id: parse_id(&id)?,
        student_id: parse_id(&student)?,
        author_id: parse_id(&author)?,
        text,
        created_at: parse_time(&at)?,
        acknowledgements: Vec::new(),
    })
}

/// Puts each acknowledgement row (note id, user, time) on its note.
pub(crate) fn attach(
    notes: &mut [ParentNote],
    acks: Vec<(String, String, String)>,
) -> Result<(), StorageError> {
    use super::sqlite::{parse_id, parse_time};
    for (note, user, at) in acks {
        let note: uuid::Uuid = parse_id(&note)?;
        if let Some(n) = notes.iter_mut().find(|n| n.id == note) {
            n.acknowledgements
                .push((parse_id(&user)?, parse_time(&at)?));
        }
    }
    for n in notes.iter_mut() {
        n.acknowledgements.sort_by_key(|(_, at)| *at);
    }
    Ok(())
}

/// The WHERE condition on `parent_notes n` for `of`, and its value.
pub(crate) fn condition(of: NotesOf) -> (&'static str, String) {
    match of {
        NotesOf::Student(s) => ("n.student_id", s.to_string()),
        NotesOf::Author(a) => ("n.author_id", a.to_string()),
    }
}
