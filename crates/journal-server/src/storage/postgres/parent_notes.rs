//! Remarks meant for parents on PostgreSQL (see `storage::parent_notes`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::parent_notes::{
    attach, condition, from_columns, NotesOf, ParentNote, ParentNoteStorage, COLUMNS,
};
use crate::storage::sqlite::{parse_time, time_text};

fn note_of(r: &tokio_postgres::Row) -> Result<ParentNote, StorageError> {
    let mut out: [String; 5] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i);
    }
    from_columns(out)
}

fn ack_of(r: &tokio_postgres::Row) -> (String, String, String) {
    (r.get(0), r.get(1), r.get(2))
}

#[async_trait]
impl ParentNoteStorage for PostgresStorage {
    async fn parent_notes(
        &self,
        institution_id: InstitutionId,
        of: NotesOf,
    ) -> Result<Vec<ParentNote>, StorageError> {
        let (column, value) = condition(of);
        let inst = institution_id.to_string();
        let client = self.pool.get().await?;
        let cols = COLUMNS
            .split(", ")
            .map(|x| format!("n.{x}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = client
            .query(
                &format!(
                    "SELECT {cols} FROM parent_notes n WHERE n.institution_id = $1 AND {column} = $2
                     ORDER BY n.created_at DESC, n.id"
                ),
                &[&inst, &value],
            )
            .await?;
        let mut notes = rows.iter().map(note_of).collect::<Result<Vec<_>, _>>()?;
        let acks = client
            .query(
                &format!(
                    "SELECT a.note_id, a.user_id, a.acknowledged_at
                     FROM parent_note_acknowledgements a JOIN parent_notes n
                       ON n.institution_id = a.institution_id AND n.id = a.note_id
                     WHERE n.institution_id = $1 AND {column} = $2"
                ),
                &[&inst, &value],
            )
            .await?;
        attach(&mut notes, acks.iter().map(ack_of).collect())?;
        Ok(notes)
    }

    async fn parent_note(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<ParentNote>, StorageError> {
        let (inst, id) = (institution_id.to_string(), id.to_string());
        let client = self.pool.get().await?;
        let Some(row) = client
            .query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM parent_notes WHERE institution_id = $1 AND id = $2"
                ),
                &[&inst, &id],
            )
            .await?
        else {
            return Ok(None);
        };
        let mut notes = vec![note_of(&row)?];
        let acks = client
            .query(
                "SELECT note_id, user_id, acknowledged_at FROM parent_note_acknowledgements
                 WHERE institution_id = $1 AND note_id = $2",
                &[&inst, &id],
            )
            .await?;
        attach(&mut notes, acks.iter().map(ack_of).collect())?;
        Ok(notes.pop())
    }

    async fn add_parent_note(
        &self,
        institution_id: InstitutionId,
        note: ParentNote,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                &format!(
                    "INSERT INTO parent_notes (institution_id, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ),
                &[
                    &institution_id.to_string(),
                    &note.id.to_string(),
                    &note.student_id.to_string(),
                    &note.author_id.to_string(),
                    &note.text,
                    &time_text(&note.created_at),
                ],
            )
            .await?;
        Ok(())
    }

    async fn acknowledge_parent_note(
        &self,
        institution_id: InstitutionId,
        note_id: uuid::Uuid,
        user_id: UserId,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError> {
        let client = self.pool.get().await?;
        let (inst, note, user) = (
            institution_id.to_string(),
            note_id.to_string(),
            user_id.to_string(),
        );
        client
            .execute(
                "INSERT INTO parent_note_acknowledgements
                   (institution_id, note_id, user_id, acknowledged_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&inst, &note, &user, &time_text(&now)],
            )
            .await?;
        let row = client
            .query_one(
                "SELECT acknowledged_at FROM parent_note_acknowledgements
                 WHERE institution_id = $1 AND note_id = $2 AND user_id = $3",
                &[&inst, &note, &user],
            )
            .await?;
        parse_time(&row.get::<_, String>(0))
    }
}
