//! Institution policies: where the five regulations disagree, the institution chooses; the default is
//! the strictest reading. Kept on the server and synced to devices as data.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    HalfYear,
    Semester,
    Quarter,
    Trimester,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateEntry {
    /// 004: no corrections after the day, no backdating.
    Strict,
    /// 001: control-work marks within 3 days, written works within 7 days, make-up marks, and
    /// corrections under the deputy's control — each logged with a reason.
    AllowedCases,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub period_kind: PeriodKind,
    pub late_entry: LateEntry,
    /// Lock a period's marks once its finals are set (default: yes, for everyone).
    pub lock_after_finals: bool,
    /// Deputies may edit entries (000/002: no — view only, the default).
    pub deputy_may_edit: bool,
    /// Deputies may record substitutions (001).
    pub deputy_records_substitutions: bool,
    /// Subjects (by name) where a double mark like 5/4 is allowed.
    pub double_mark_subjects: Vec<String>,
    /// Several entries in one cell (e.g. an absence and a make-up mark).
    pub multiple_entries_per_cell: bool,
    /// Wording: «класс/классный руководитель/четверть» (school) or «группа/куратор/семестр» (college).
    pub school_wording: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            period_kind: PeriodKind::Semester,
            late_entry: LateEntry::Strict,
            lock_after_finals: true,
            deputy_may_edit: false,
            deputy_records_substitutions: false,
            double_mark_subjects: vec![
                "Русский язык".into(),
                "Литература".into(),
                "Русский язык и литература".into(),
            ],
            multiple_entries_per_cell: true,
            school_wording: false,
        }
    }
}

/// Normalises a subject name for comparison: trimmed, case-insensitive, «ё» = «е», single spaces.
fn normalise_subject(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

impl Policy {
    /// Whether a double mark like «5/4» may be written for this subject (001 п. 4.9: only Russian
    /// language and literature by default; the institution lists its subjects in the policy).
    pub fn allows_double_mark(&self, subject_name: &str) -> bool {
        let wanted = normalise_subject(subject_name);
        !wanted.is_empty()
            && self
                .double_mark_subjects
                .iter()
                .any(|s| normalise_subject(s) == wanted)
    }
}
