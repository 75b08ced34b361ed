//! Cell values of the journal grid: marks 2–5, absences н/б/п, double marks 5/4 where the subject allows.

use crate::RuleError;
use serde::{Deserialize, Serialize};

/// A mark on the five-point scale, 2..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct MarkValue(u8);

impl MarkValue {
    pub fn new(v: u8) -> Result<Self, RuleError> {
        if (2..=5).contains(&v) {
            Ok(Self(v))
        } else {
            Err(RuleError::InvalidCellValue(v.to_string()))
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
}
impl TryFrom<u8> for MarkValue {
    type Error = RuleError;
    fn try_from(v: u8) -> Result<Self, RuleError> {
        Self::new(v)
    }
}
impl From<MarkValue> for u8 {
    fn from(m: MarkValue) -> u8 {
        m.0
    }
}

/// Why a student was not at the lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Absence {
    /// «н» — absent without a known reason.
    Absent,
    /// «б» — ill.
    Ill,
    /// «п» — absent for a good (excused) reason.
    Excused,
}

impl Absence {
    pub fn symbol(self) -> &'static str {
        match self {
            Absence::Absent => "н",
            Absence::Ill => "б",
            Absence::Excused => "п",
        }
    }
}

/// One entry in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellEntry {
    Mark { value: MarkValue },
    /// «5/4»: two marks in one cell (e.g. literacy / content), only where the subject allows it.
    DoubleMark { first: MarkValue, second: MarkValue },
    Absence { absence: Absence },
}

impl CellEntry {
    pub fn symbol(&self) -> String {
        match self {
            CellEntry::Mark { value } => value.get().to_string(),
            CellEntry::DoubleMark { first, second } => format!("{}/{}", first.get(), second.get()),
            CellEntry::Absence { absence } => absence.symbol().to_string(),
        }
    }
}

/// What a journal cell (student × lesson) holds: zero or more entries, shown space-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellValue {
    pub entries: Vec<CellEntry>,
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The cell as printed in the journal, e.g. «н 4» or «5/4».
    pub fn symbol(&self) -> String {
        self.entries.iter().map(CellEntry::symbol).collect::<Vec<_>>().join(" ")
    }
}
