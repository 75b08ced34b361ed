//! «Листок здоровья» (migration 0026): each student's health group, medical group for physical
//! education and the teachers' recommendation, entered by the curator from the social pedagogue's
//! paper sheet (001 п. 4.12). Health data: kept by the server only, never sent to a device. A
//! supertrait of [`super::Storage`], implemented by both backends (`sqlite/health.rs`,
//! `postgres/health.rs`).

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{InstitutionId, StudentId, UserId};
use serde::{Deserialize, Serialize};

use crate::error::StorageError;

/// Медицинская группа для занятий физической культурой.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeGroup {
    /// Основная.
    Main,
    /// Подготовительная.
    Preparatory,
    /// Специальная «А».
    SpecialA,
    /// Специальная «Б».
    SpecialB,
    /// Освобождён от занятий.
    Exempt,
}

impl PeGroup {
    pub const ALL: [PeGroup; 5] = [
        PeGroup::Main,
        PeGroup::Preparatory,
        PeGroup::SpecialA,
        PeGroup::SpecialB,
        PeGroup::Exempt,
    ];

    /// The stored and JSON name.
    pub fn code(self) -> &'static str {
        match self {
            PeGroup::Main => "main",
            PeGroup::Preparatory => "preparatory",
            PeGroup::SpecialA => "special_a",
            PeGroup::SpecialB => "special_b",
            PeGroup::Exempt => "exempt",
        }
    }

    /// The group as the sheet names it.
    pub fn name_ru(self) -> &'static str {
        match self {
            PeGroup::Main => "основная",
            PeGroup::Preparatory => "подготовительная",
            PeGroup::SpecialA => "специальная «А»",
            PeGroup::SpecialB => "специальная «Б»",
            PeGroup::Exempt => "освобождён",
        }
    }

    pub fn from_code(code: &str) -> Option<PeGroup> {
        PeGroup::ALL.into_iter().find(|g| g.code() == code)
    }
}

/// One student's line of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthEntry {
    pub student_id: StudentId,
    /// Группа здоровья, 1–5 (I–V); `None`: not given yet.
    pub health_group: Option<u8>,
    pub pe_group: Option<PeGroup>,
    /// «не сидеть у окна»; empty: none.
    pub recommendation: String,
    /// The date of the medical note the sheet is made from.
    pub note_date: Option<NaiveDate>,
    /// The last day the note is valid.
    pub valid_until: Option<NaiveDate>,
    /// UTC.
    pub updated_at: NaiveDateTime,
    pub updated_by: UserId,
}

#[async_trait]
pub trait HealthStorage: Send + Sync {
    /// The rows kept for these students (a student without one has none).
    async fn health_entries(
        &self,
        institution_id: InstitutionId,
        students: Vec<StudentId>,
    ) -> Result<Vec<HealthEntry>, StorageError>;

    /// Writes (replaces) one student's row.
    async fn set_health_entry(
        &self,
        institution_id: InstitutionId,
        entry: HealthEntry,
    ) -> Result<(), StorageError>;
}

/// The columns both backends keep an entry in, in this order.
pub(crate) const COLUMNS: &str = "student_id, health_group, pe_group, recommendation, note_date, \
     valid_until, updated_at, updated_by";

/// An entry as both backends read and write it, in [`COLUMNS`] order.
pub(crate) struct Row {
    pub student_id: String,
    pub health_group: Option<i32>,
    pub pe_group: Option<String>,
    pub recommendation: String,
    pub note_date: Option<String>,
    pub valid_until: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

impl Row {
    pub(crate) fn of(e: &HealthEntry) -> Row {
        Row {
            student_id: e.student_id.to_string(),
            health_group: e.health_group.map(i32::from),
            pe_group: e.pe_group.map(|g| g.code().to_string()),
            recommendation: e.recommendation.clone(),
            note_date: e.note_date.map(|d| d.to_string()),
            valid_until: e.valid_until.map(|d| d.to_string()),
            updated_at: super::sqlite::time_text(&e.updated_at),
            updated_by: e.updated_by.to_string(),
        }
    }

    pub(crate) fn entry(self) -> Result<HealthEntry, StorageError> {
        use super::sqlite::{parse_id, parse_time};
        let date = |d: Option<String>| {
            d.map(|d| {
                d.parse::<NaiveDate>()
                    .map_err(|_| StorageError::Corrupt(format!("дата листка здоровья «{d}»")))
            })
            .transpose()
        };
        let health_group = self
            .health_group
            .map(|g| {
                u8::try_from(g)
                    .ok()
                    .filter(|g| (1..=5).contains(g))
                    .ok_or_else(|| StorageError::Corrupt(format!("группа здоровья {g}")))
            })
            .transpose()?;
        let pe_group = self
            .pe_group
            .map(|g| {
                PeGroup::from_code(&g)
                    .ok_or_else(|| StorageError::Corrupt(format!("медицинская группа «{g}»")))
            })
            .transpose()?;
        Ok(HealthEntry {
            student_id: parse_id(&self.student_id)?,
            health_group,
            pe_group,
            recommendation: self.recommendation,
            note_date: date(self.note_date)?,
            valid_until: date(self.valid_until)?,
            updated_at: parse_time(&self.updated_at)?,
            updated_by: parse_id(&self.updated_by)?,
        })
    }
}
