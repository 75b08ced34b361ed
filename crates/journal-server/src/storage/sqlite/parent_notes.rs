//! Remarks meant for parents on SQLite (see `storage::parent_notes`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use rusqlite::params;

use super::{parse_time, time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::parent_notes::{
    attach, condition, from_columns, NotesOf, ParentNote, ParentNoteStorage, COLUMNS,
};

fn note_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[String; 5]> {
    let mut out: [String; 5] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i)?;
    }
    Ok(out)
}

fn ack_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

#[async_trait]
impl ParentNoteStorage for SqliteStorage {
    async fn parent_notes(
        &self,
        institution_id: InstitutionId,
        of: NotesOf,
    ) -> Result<Vec<ParentNote>, StorageError> {
        let (column, value) = condition(of);
        self.read(move |c| {
            let inst = institution_id.to_string();
            let cols = COLUMNS
                .split(", ")
                .map(|x| format!("n.{x}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {cols} FROM parent_notes n WHERE n.institution_id = ?1 AND {column} = ?2
                 ORDER BY n.created_at DESC, n.id"
            ))?;
            let mut notes = stmt
                .query_map(params![inst, value], note_row)?
                .map(|r| from_columns(r?))
                .collect::<Result<Vec<_>, _>>()?;
            let mut stmt = c.prepare_cached(&format!(
                "SELECT a.note_id, a.user_id, a.acknowledged_at
                 FROM parent_note_acknowledgements a JOIN parent_notes n
                   ON n.institution_id = a.institution_id AND n.id = a.note_id
                 WHERE n.institution_id = ?1 AND {column} = ?2"
            ))?;
            let acks = stmt
                .query_map(params![inst, value], ack_row)?
                .collect::<Result<Vec<_>, _>>()?;
            attach(&mut notes, acks)?;
            Ok(notes)
        })
        .await
    }

    async fn parent_note(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<ParentNote>, StorageError> {
        self.read(move |c| {
            let (inst, id) = (institution_id.to_string(), id.to_string());
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM parent_notes WHERE institution_id = ?1 AND id = ?2"
            ))?;
            let Some(row) = stmt.query_map(params![inst, id], note_row)?.next() else {
                return Ok(None);
            };
            let mut notes = vec![from_columns(row?)?];
            let acks = c
                .prepare_cached(
                    "SELECT note_id, user_id, acknowledged_at FROM parent_note_acknowledgements
                     WHERE institution_id = ?1 AND note_id = ?2",
                )?
                .query_map(params![inst, id], ack_row)?
                .collect::<Result<Vec<_>, _>>()?;
            attach(&mut notes, acks)?;
            Ok(notes.pop())
        })
        .await
    }

    async fn add_parent_note(
        &self,
        institution_id: InstitutionId,
        note: ParentNote,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO parent_notes (institution_id, {COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ))?
            .execute(params![
                institution_id.to_string(),
                note.id.to_string(),
                note.student_id.to_string(),
                note.author_id.to_string(),
                note.text,
                time_text(&note.created_at)
            ])?;
            Ok(())
        })
        .await
    }

    async fn acknowledge_parent_note(
        &self,
        institution_id: InstitutionId,
        note_id: uuid::Uuid,
        user_id: UserId,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError> {
        self.write(move |c| {
            let key = (
                institution_id.to_string(),
                note_id.to_string(),
                user_id.to_string(),
            );
            c.prepare_cached(
                "INSERT INTO parent_note_acknowledgements
                   (institution_id, note_id, user_id, acknowledged_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![key.0, key.1, key.2, time_text(&now)])?;
            let at: String = c
                .prepare_cached(
                    "SELECT acknowledged_at FROM parent_note_acknowledgements
                     WHERE institution_id = ?1 AND note_id = ?2 AND user_id = ?3",
                )?
                .query_row(params![key.0, key.1, key.2], |r| r.get(0))?;
            parse_time(&at)
        })
        .await
    }
}
