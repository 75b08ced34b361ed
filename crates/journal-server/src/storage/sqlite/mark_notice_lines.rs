//! Parents' queued digests on SQLite (see `storage::mark_notice_lines`).

use async_trait::async_trait;
use journal_core::{InstitutionId, LessonId, StudentId, UserId};
use rusqlite::params;

use super::{parse_id, SqliteStorage};
use crate::error::StorageError;
use crate::storage::mark_notice_lines::{MarkNoticeLine, MarkNoticeStorage};

#[async_trait]
impl MarkNoticeStorage for SqliteStorage {
    async fn queue_mark_notice(
        &self,
        institution_id: InstitutionId,
        line: MarkNoticeLine,
        due_ms: i64,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let inst = institution_id.to_string();
            let parent = line.parent_id.to_string();
            // The parent's open window keeps its closing time; a new window closes at `due_ms`.
            let due: i64 = c
                .prepare_cached(
                    "SELECT COALESCE(MIN(due_ms), ?3) FROM mark_notice_lines
                     WHERE institution_id = ?1 AND parent_id = ?2",
                )?
                .query_row(params![inst, parent, due_ms], |r| r.get(0))?;
            c.prepare_cached(
                "INSERT OR REPLACE INTO mark_notice_lines
                 (institution_id, parent_id, student_id, lesson_id, child_name, line, email, due_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                inst,
                parent,
                line.student_id.to_string(),
                line.lesson_id.to_string(),
                line.child_name,
                line.line,
                line.email,
                due
            ])?;
            Ok(())
        })
        .await
    }

    async fn drop_mark_notice(
        &self,
        institution_id: InstitutionId,
        parent_id: UserId,
        student_id: StudentId,
        lesson_id: LessonId,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(
                "DELETE FROM mark_notice_lines WHERE institution_id = ?1 AND parent_id = ?2
                 AND student_id = ?3 AND lesson_id = ?4",
            )?
            .execute(params![
                institution_id.to_string(),
                parent_id.to_string(),
                student_id.to_string(),
                lesson_id.to_string()
            ])?;
            Ok(())
        })
        .await
    }

    async fn take_due_mark_notices(
        &self,
        institution_id: InstitutionId,
        now_ms: i64,
    ) -> Result<Vec<MarkNoticeLine>, StorageError> {
        self.write(move |c| {
            let mut stmt = c.prepare_cached(
                "DELETE FROM mark_notice_lines WHERE institution_id = ?1 AND due_ms <= ?2
                 RETURNING parent_id, student_id, lesson_id, child_name, line, email",
            )?;
            let rows = stmt.query_map(params![institution_id.to_string(), now_ms], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            let rows: Vec<_> = rows.collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(parent, student, lesson, child_name, line, email)| {
                    Ok(MarkNoticeLine {
                        parent_id: parse_id(&parent)?,
                        student_id: parse_id(&student)?,
                        lesson_id: parse_id(&lesson)?,
                        child_name,
                        line,
                        email,
                    })
                })
                .collect()
        })
        .await
    }
}
