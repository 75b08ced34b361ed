//! Events of the family diary (migration 0016): a meeting, an excursion, a holiday concert — for
//! one group or the whole institution. A supertrait of [`super::Storage`], implemented by both
//! backends (`sqlite/events.rs`, `postgres/events.rs`).

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::{GroupId, InstitutionId, UserId};

use crate::error::StorageError;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: uuid::Uuid,
    /// `None`: the whole institution.
    pub group_id: Option<GroupId>,
    /// The institution's local date and time.
    pub on_date: NaiveDate,
    pub at_time: Option<NaiveTime>,
    pub title: String,
    pub place: String,
    pub author_id: UserId,
    /// UTC.
    pub created_at: NaiveDateTime,
}

#[async_trait]
pub trait EventStorage: Send + Sync {
    /// The institution's events from `from` to `to` inclusive, by date and time.
    async fn events_between(
        &self,
        institution_id: InstitutionId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Event>, StorageError>;

    async fn event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<Event>, StorageError>;

    async fn add_event(
        &self,
        institution_id: InstitutionId,
        event: Event,
    ) -> Result<(), StorageError>;

    /// Removes the event; false if there was none.
    async fn delete_event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<bool, StorageError>;
}

/// The columns both backends store an event in, in this order.
pub(crate) const COLUMNS: &str =
    "id, group_id, on_date, at_time, title, place, author_id, created_at";

/// An event's row as text, in [`COLUMNS`] order (both backends keep the same text).
pub(crate) fn to_columns(e: &Event) -> [Option<String>; 8] {
    [
        Some(e.id.to_string()),
        e.group_id.map(|g| g.to_string()),
        Some(e.on_date.to_string()),
        e.at_time.map(|t| t.format("%H:%M").to_string()),
        Some(e.title.clone()),
        Some(e.place.clone()),
        Some(e.author_id.to_string()),
        Some(super::sqlite::time_text(&e.created_at)),
    ]
}

/// The event of a row read in [`COLUMNS`] order.
pub(crate) fn from_columns(row: [Option<String>; 8]) -> Result<Event, StorageError> {
    use super::sqlite::{parse_id, parse_time};
    let [id, group, date, time, title, place, author, created] = row;
    let text = |v: Option<String>| v.unwrap_or_default();
    let corrupt = |what: &str, v: &str| StorageError::Corrupt(format!("{what} события «{v}»"));
    let date = text(date);
    Ok(Event {
        id: parse_id(&text(id))?,
        group_id: group.as_deref().map(parse_id).transpose()?,
        on_date: date.parse().map_err(|_| corrupt("дата", &date))?,
        at_time: time
            .as_deref()
            .map(|t| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| corrupt("время", t)))
            .transpose()?,
        title: text(title),
        place: text(place),
        author_id: parse_id(&text(author))?,
        created_at: parse_time(&text(created))?,
    })
}
