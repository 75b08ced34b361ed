//! Parents' digests of new marks and absences waiting for their window to close (migration 0028,
//! `crate::mark_notices`): kept in the database so that a restart loses none. A supertrait of
//! [`super::Storage`], implemented by both backends (`sqlite/mark_notice_lines.rs`,
//! `postgres/mark_notice_lines.rs`).

use async_trait::async_trait;
use journal_core::{InstitutionId, LessonId, StudentId, UserId};

use crate::error::StorageError;

/// One queued line of a parent's digest: the cell it is about and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkNoticeLine {
    pub parent_id: UserId,
    pub student_id: StudentId,
    pub lesson_id: LessonId,
    /// The child's name, the letter's heading for its lines.
    pub child_name: String,
    /// «Математика, 05.10: 5».
    pub line: String,
    /// The parent's address when the line was queued.
    pub email: String,
}

#[async_trait]
pub trait MarkNoticeStorage: Send + Sync {
    /// Queues `line` (replacing the cell's earlier line): it joins the parent's open window, or
    /// opens one that closes at `due_ms` (Unix milliseconds) when the parent has none.
    async fn queue_mark_notice(
        &self,
        institution_id: InstitutionId,
        line: MarkNoticeLine,
        due_ms: i64,
    ) -> Result<(), StorageError>;

    /// Takes back the cell's queued line (the cell was cleared in the window).
    async fn drop_mark_notice(
        &self,
        institution_id: InstitutionId,
        parent_id: UserId,
        student_id: StudentId,
        lesson_id: LessonId,
    ) -> Result<(), StorageError>;

    /// Removes and returns every line whose window closed by `now_ms`: whoever takes them sends
    /// them, so no two server processes send the same letter.
    async fn take_due_mark_notices(
        &self,
        institution_id: InstitutionId,
        now_ms: i64,
    ) -> Result<Vec<MarkNoticeLine>, StorageError>;
}
