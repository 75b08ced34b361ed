//! What an administrator's change of the institution's own settings writes back with all its
//! reference rows, for both backends: the institution's record (policy, work regime) or its
//! academic year. Each backend writes it in one transaction with the reference rows, the
//! reference_version raised and the audit entry (`setup::replace_reference`).

use journal_protocol::Snapshot;

use crate::error::StorageError;

/// The part of the institution's row written with its reference rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InstitutionPart {
    /// The institution's record: policy, work regime (`institutions.data`).
    Record,
    /// The academic year (`institutions.year`).
    Year,
}

impl InstitutionPart {
    /// The column of `institutions` the part is kept in.
    pub(crate) fn column(self) -> &'static str {
        match self {
            InstitutionPart::Record => "data",
            InstitutionPart::Year => "year",
        }
    }

    /// The part of `snap`, as the column keeps it.
    pub(crate) fn value(self, snap: &Snapshot) -> Result<String, StorageError> {
        let json = match self {
            InstitutionPart::Record => serde_json::to_string(&snap.institution),
            InstitutionPart::Year => serde_json::to_string(&snap.year),
        };
        json.map_err(|e| StorageError::Corrupt(e.to_string()))
    }

    /// Why a change naming another institution than the administrator's is refused.
    pub(crate) fn other_institution(self) -> &'static str {
        match self {
            InstitutionPart::Record => "настройки относятся к другому учреждению",
            InstitutionPart::Year => "учебный год относится к другому учреждению",
        }
    }
}
