//! Closed academic years (migration 0013): when the administrator opens the next year, the closing
//! year's whole institution is kept as it was (read-only, printable) and the live institution
//! becomes the new year, in one transaction. A supertrait of [`super::Storage`], implemented by both
//! backends (`sqlite/archive.rs`, `postgres/archive.rs`).

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{GroupId, InstitutionId, UserId};
use journal_protocol::Snapshot;

use super::AdminAction;
use crate::error::StorageError;

/// A closed year as the archive lists it (its snapshot is read by [`ArchiveStorage::archived_year`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedYear {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// UTC.
    pub closed_at: NaiveDateTime,
    pub closed_by: UserId,
    /// The last `server_seq` the kept snapshot includes.
    pub server_seq: u64,
}

/// What closing a year did: done, or the institution changed since `closing` was read (a push came
/// in), so the caller reads it again and recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearClosing {
    Closed,
    ChangedMeanwhile,
}

/// A group's year journal on its way to the archive: accepted by the deputy, then handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub year_name: String,
    pub group_id: GroupId,
    /// UTC.
    pub accepted_at: NaiveDateTime,
    pub accepted_by: UserId,
    /// UTC.
    pub handed_over_at: Option<NaiveDateTime>,
    pub handed_over_by: Option<UserId>,
    /// The archive's reference («опись 3, дело 12»).
    pub archive_reference: String,
}

#[async_trait]
pub trait ArchiveStorage: Send + Sync {
    /// In one transaction, if the institution's last `server_seq` is still `closing_seq`: keeps
    /// `closing` as the archived year `closing.year`, makes `next` the live institution (its year,
    /// reference rows; the closed year's lessons, cells, topics, homework, finals, locks and remarks
    /// leave the live tables), raises reference_version and appends `action`. A year already
    /// archived under that name is refused (`StorageError::Conflict`).
    async fn close_year(
        &self,
        closing: Snapshot,
        closing_seq: u64,
        next: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<YearClosing, StorageError>;

    /// The institution's closed years, newest first.
    async fn archived_years(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<ArchivedYear>, StorageError>;

    /// The year's acceptances (live or closed year), by group.
    async fn acceptances(
        &self,
        institution_id: InstitutionId,
        year_name: &str,
    ) -> Result<Vec<Acceptance>, StorageError>;

    /// Records the deputy's acceptance and appends `action`, one transaction; false (and nothing
    /// written) if the group's journal of that year is already accepted.
    async fn accept_journal(
        &self,
        institution_id: InstitutionId,
        acceptance: Acceptance,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError>;

    /// Records the hand-over of an accepted journal and appends `action`, one transaction; false
    /// (and nothing written) unless it is accepted and not yet handed over.
    #[allow(clippy::too_many_arguments)]
    async fn hand_over(
        &self,
        institution_id: InstitutionId,
        year_name: &str,
        group_id: GroupId,
        by: UserId,
        reference: &str,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError>;

    /// Removes a closed year (its snapshot and acceptances) and appends `action`, one
    /// transaction; false if there was none. The caller checks the retention periods first.
    async fn destroy_archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError>;

    /// A closed year with the institution as it was when it closed.
    async fn archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
    ) -> Result<Option<(ArchivedYear, Snapshot)>, StorageError>;
}

/// The live tables that hold a year's journal content (rows keyed by the year's lessons and loads).
pub(crate) const YEAR_CONTENT_TABLES: &[&str] = &[
    "cells",
    "lesson_topics",
    "homework",
    "finals",
    "locks",
    "remarks",
    "lessons",
];

/// The acceptances' columns as both backends select them, in this order.
pub(crate) const ACCEPTANCE_COLUMNS: &str =
    "year_name, group_id, accepted_at, accepted_by, handed_over_at, handed_over_by, archive_reference";

/// An [`Acceptance`] from the text of [`ACCEPTANCE_COLUMNS`].
pub(crate) fn acceptance_of(c: [Option<String>; 7]) -> Result<Acceptance, StorageError> {
    use super::sqlite::{parse_id, parse_time};
    let [year, group, at, by, handed_at, handed_by, reference] = c;
    let need = |v: Option<String>| {
        v.ok_or_else(|| StorageError::Corrupt("приёмка журнала без обязательного поля".into()))
    };
    Ok(Acceptance {
        year_name: need(year)?,
        group_id: parse_id(&need(group)?)?,
        accepted_at: parse_time(&need(at)?)?,
        accepted_by: parse_id(&need(by)?)?,
        handed_over_at: handed_at.as_deref().map(parse_time).transpose()?,
        handed_over_by: handed_by.as_deref().map(parse_id).transpose()?,
        archive_reference: reference.unwrap_or_default(),
    })
}

/// The archive's columns as both backends select them, in this order.
pub(crate) const COLUMNS: &str = "name, starts_on, ends_on, closed_at, closed_by, server_seq";

/// An [`ArchivedYear`] from the text of [`COLUMNS`] and the seq.
pub(crate) fn from_columns(
    name: String,
    starts_on: &str,
    ends_on: &str,
    closed_at: &str,
    closed_by: &str,
    server_seq: i64,
) -> Result<ArchivedYear, StorageError> {
    let date = |s: &str| {
        s.parse::<NaiveDate>()
            .map_err(|e| StorageError::Corrupt(format!("дата архива «{s}»: {e}")))
    };
    Ok(ArchivedYear {
        name,
        starts_on: date(starts_on)?,
        ends_on: date(ends_on)?,
        closed_at: super::sqlite::parse_time(closed_at)?,
        closed_by: super::sqlite::parse_id(closed_by)?,
        server_seq: server_seq.max(0) as u64,
    })
}
