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
    Mark {
        value: MarkValue,
    },
    /// «5/4»: two marks in one cell (e.g. literacy / content), only where the subject allows it.
    DoubleMark {
        first: MarkValue,
        second: MarkValue,
    },
    Absence {
        absence: Absence,
    },
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
        self.entries
            .iter()
            .map(CellEntry::symbol)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How many marks one cell may hold besides an absence symbol (two answers at one lesson).
pub const MAX_MARKS_PER_CELL: usize = 2;

/// Maps a typed character to an absence symbol. Accepts the Cyrillic letters in either case, the
/// Latin capital/small «H» that looks exactly like «Н», and the Latin transliterations n/b/p that a
/// teacher types when the keyboard is left in the Latin layout.
fn absence_from_char(c: char) -> Option<Absence> {
    match c {
        'н' | 'Н' | 'H' | 'h' | 'n' | 'N' => Some(Absence::Absent),
        'б' | 'Б' | 'b' | 'B' => Some(Absence::Ill),
        'п' | 'П' | 'p' | 'P' => Some(Absence::Excused),
        _ => None,
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';'
}

/// Parses what a teacher typed into a cell.
///
/// * `""` (or only spaces) clears the cell;
/// * `2`–`5` a mark; `н`, `б`, `п` an absence (see [`absence_from_char`] for the lookalikes accepted);
/// * `5/4` a double mark, only if `double_mark_allowed` (see [`crate::Policy::allows_double_mark`]);
/// * several entries separated by spaces, commas or `;` (e.g. `н 4`: absence + make-up mark) where the
///   policy allows several entries per cell.
///
/// The result is canonical: the absence first, then the marks in the order typed, so that the same
/// meaning always gives the same value.
pub fn parse_cell(
    input: &str,
    double_mark_allowed: bool,
    policy: &crate::Policy,
) -> Result<CellValue, RuleError> {
    let tokens = tokenize(input)?;
    let mut absence: Option<Absence> = None;
    let mut marks: Vec<CellEntry> = Vec::new();
    for token in tokens {
        match token {
            CellEntry::Absence { absence: a } => {
                if absence.is_some() {
                    return Err(RuleError::TwoAbsencesInCell);
                }
                absence = Some(a);
            }
            CellEntry::DoubleMark { .. } if !double_mark_allowed => {
                return Err(RuleError::DoubleMarkNotAllowed);
            }
            entry => marks.push(entry),
        }
    }
    let total = marks.len() + usize::from(absence.is_some());
    if total > 1 && !policy.multiple_entries_per_cell {
        return Err(RuleError::TooManyEntries);
    }
    if marks.len() > MAX_MARKS_PER_CELL {
        return Err(RuleError::TooManyEntries);
    }
    let mut entries = Vec::with_capacity(total);
    if let Some(a) = absence {
        entries.push(CellEntry::Absence { absence: a });
    }
    entries.extend(marks);
    Ok(CellValue { entries })
}

/// Splits the input into entries; any character that is not a mark, an absence symbol, «/» between two
/// marks or a separator makes the whole input invalid (nothing is half-accepted).
fn tokenize(input: &str) -> Result<Vec<CellEntry>, RuleError> {
    let invalid = || RuleError::InvalidCellValue(input.trim().to_string());
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_separator(c) {
            i += 1;
            continue;
        }
        if let Some(a) = absence_from_char(c) {
            // A letter must stand alone or be followed by a separator or a mark («н4» is read as «н 4»).
            if let Some(&next) = chars.get(i + 1) {
                if !(is_separator(next) || next.is_ascii_digit()) {
                    return Err(invalid());
                }
            }
            out.push(CellEntry::Absence { absence: a });
            i += 1;
            continue;
        }
        let first = mark_from_char(c).ok_or_else(invalid)?;
        i += 1;
        if chars.get(i) == Some(&'/') {
            let second = chars
                .get(i + 1)
                .and_then(|&c| mark_from_char(c))
                .ok_or_else(invalid)?;
            i += 2;
            out.push(CellEntry::DoubleMark { first, second });
        } else {
            out.push(CellEntry::Mark { value: first });
        }
        // A mark ends at a separator, a letter or the end: «45» or «5/4/3» are typos, not two marks.
        if let Some(&next) = chars.get(i) {
            if !(is_separator(next) || absence_from_char(next).is_some()) {
                return Err(invalid());
            }
        }
    }
    Ok(out)
}

fn mark_from_char(c: char) -> Option<MarkValue> {
    let d = c.to_digit(10)?;
    MarkValue::new(u8::try_from(d).ok()?).ok()
}

impl CellValue {
    /// The marks in the cell, a double mark giving both of its marks (each counts in an average).
    pub fn marks(&self) -> impl Iterator<Item = MarkValue> + '_ {
        self.entries.iter().flat_map(|e| match *e {
            CellEntry::Mark { value } => vec![value],
            CellEntry::DoubleMark { first, second } => vec![first, second],
            CellEntry::Absence { .. } => vec![],
        })
    }

    /// The absence recorded in the cell, if any.
    pub fn absence(&self) -> Option<Absence> {
        self.entries.iter().find_map(|e| match *e {
            CellEntry::Absence { absence } => Some(absence),
            _ => None,
        })
    }
}
