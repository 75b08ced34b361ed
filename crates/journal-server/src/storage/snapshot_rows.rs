//! The institution's snapshot put together once for both backends (issue 16 item 1): which rows
//! fill which part, that a cleared cell is no journal content, which locked periods are open again.
//! A backend only loads the rows ([`SnapshotRows`]), in its own stored order, within one read
//! transaction; SQLite's loads never wait and run in one poll (`op_context::run_ready`).

use journal_protocol::{AcademicYear, Cell, Institution, PeriodLock, Snapshot};
use serde::de::DeserializeOwned;

use super::sqlite::{
    KIND_BELL, KIND_CONTROL_WORK, KIND_CURRICULUM, KIND_DEPARTMENT, KIND_GROUP, KIND_HOLIDAY,
    KIND_INDIVIDUAL_PLAN, KIND_LOAD, KIND_MEMBERSHIP, KIND_PERIOD, KIND_PLAN_TOPIC, KIND_ROOM,
    KIND_SHIFT_BELL, KIND_STUDENT, KIND_SUBGROUP, KIND_SUBJECT,
};
use crate::error::StorageError;

/// The institution's tables a snapshot reads whole (each row's JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentTable {
    Users,
    Lessons,
    LessonTopics,
    Homework,
    Cells,
    Finals,
    Locks,
    Remarks,
}

/// The rows a snapshot is made of, as a backend loads them.
pub(crate) trait SnapshotRows {
    /// The institution's record and its academic year.
    async fn institution(&mut self) -> Result<(Institution, AcademicYear), StorageError>;
    /// The reference rows of `kind`, in their imported order.
    async fn ref_rows<T: DeserializeOwned>(&mut self, kind: &str) -> Result<Vec<T>, StorageError>;
    /// A table's rows, in the backend's stored order.
    async fn content<T: DeserializeOwned>(
        &mut self,
        table: ContentTable,
    ) -> Result<Vec<T>, StorageError>;
    /// The applied unlocks (author_id, device_time, payload) in server order
    /// (`reopenings::open_reopenings`).
    async fn unlocks(&mut self) -> Result<Vec<(String, String, String)>, StorageError>;
}

/// The institution's snapshot from its rows.
pub(crate) async fn snapshot<R: SnapshotRows>(rows: &mut R) -> Result<Snapshot, StorageError> {
    let (institution, year) = rows.institution().await?;
    let locks: Vec<PeriodLock> = rows.content(ContentTable::Locks).await?;
    let mut snap = Snapshot {
        institution,
        year,
        periods: rows.ref_rows(KIND_PERIOD).await?,
        holidays: rows.ref_rows(KIND_HOLIDAY).await?,
        bells: rows.ref_rows(KIND_BELL).await?,
        users: rows.content(ContentTable::Users).await?,
        groups: rows.ref_rows(KIND_GROUP).await?,
        subgroups: rows.ref_rows(KIND_SUBGROUP).await?,
        students: rows.ref_rows(KIND_STUDENT).await?,
        memberships: rows.ref_rows(KIND_MEMBERSHIP).await?,
        subjects: rows.ref_rows(KIND_SUBJECT).await?,
        loads: rows.ref_rows(KIND_LOAD).await?,
        plan_topics: rows.ref_rows(KIND_PLAN_TOPIC).await?,
        rooms: rows.ref_rows(KIND_ROOM).await?,
        later_shift_bells: rows.ref_rows(KIND_SHIFT_BELL).await?,
        curriculum: rows.ref_rows(KIND_CURRICULUM).await?,
        individual_plans: rows.ref_rows(KIND_INDIVIDUAL_PLAN).await?,
        departments: rows.ref_rows(KIND_DEPARTMENT).await?,
        control_works: rows.ref_rows(KIND_CONTROL_WORK).await?,
        lessons: rows.content(ContentTable::Lessons).await?,
        lesson_topics: rows.content(ContentTable::LessonTopics).await?,
        homework: rows.content(ContentTable::Homework).await?,
        // A cleared cell is kept as a row (so a later edit from elsewhere conflicts with the
        // clearing) but is not journal content.
        cells: rows
            .content::<Cell>(ContentTable::Cells)
            .await?
            .into_iter()
            .filter(|c| !c.value.is_empty())
            .collect(),
        finals: rows.content(ContentTable::Finals).await?,
        reopenings: super::reopenings::open_reopenings(&rows.unlocks().await?, &locks)?,
        locks,
        remarks: rows.content(ContentTable::Remarks).await?,
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    };
    super::reopenings::keep_current(&mut snap);
    Ok(snap)
}
