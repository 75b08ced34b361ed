//! Parents' queued digests on PostgreSQL (see `storage::mark_notice_lines`).

use async_trait::async_trait;
use journal_core::{InstitutionId, LessonId, StudentId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::mark_notice_lines::{MarkNoticeLine, MarkNoticeStorage};
use crate::storage::sqlite::parse_id;

#[async_trait]
impl MarkNoticeStorage for PostgresStorage {
    async fn queue_mark_notice(
        &self,
        institution_id: InstitutionId,
        line: MarkNoticeLine,
        due_ms: i64,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        // The parent's open window keeps its closing time; a new window closes at `due_ms`.
        client
            .execute(
                "INSERT INTO mark_notice_lines (institution_id, parent_id, student_id, lesson_id,
                   child_name, line, email, due_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE(
                   (SELECT MIN(due_ms) FROM mark_notice_lines
                    WHERE institution_id = $1 AND parent_id = $2), $8))
                 ON CONFLICT (institution_id, parent_id, student_id, lesson_id) DO UPDATE SET
                   child_name = excluded.child_name, line = excluded.line, email = excluded.email",
                &[
                    &institution_id.to_string(),
                    &line.parent_id.to_string(),
                    &line.student_id.to_string(),
                    &line.lesson_id.to_string(),
                    &line.child_name,
                    &line.line,
                    &line.email,
                    &due_ms,
                ],
            )
            .await?;
        Ok(())
    }

    async fn drop_mark_notice(
        &self,
        institution_id: InstitutionId,
        parent_id: UserId,
        student_id: StudentId,
        lesson_id: LessonId,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "DELETE FROM mark_notice_lines WHERE institution_id = $1 AND parent_id = $2
                 AND student_id = $3 AND lesson_id = $4",
                &[
                    &institution_id.to_string(),
                    &parent_id.to_string(),
                    &student_id.to_string(),
                    &lesson_id.to_string(),
                ],
            )
            .await?;
        Ok(())
    }

    async fn take_due_mark_notices(
        &self,
        institution_id: InstitutionId,
        now_ms: i64,
    ) -> Result<Vec<MarkNoticeLine>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "DELETE FROM mark_notice_lines WHERE institution_id = $1 AND due_ms <= $2
                 RETURNING parent_id, student_id, lesson_id, child_name, line, email",
                &[&institution_id.to_string(), &now_ms],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MarkNoticeLine {
                    parent_id: parse_id(&r.try_get::<_, String>(0)?)?,
                    student_id: parse_id(&r.try_get::<_, String>(1)?)?,
                    lesson_id: parse_id(&r.try_get::<_, String>(2)?)?,
                    child_name: r.try_get(3)?,
                    line: r.try_get(4)?,
                    email: r.try_get(5)?,
                })
            })
            .collect()
    }
}
