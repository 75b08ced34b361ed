//! Cell values of the journal grid (student × lesson) and how a teacher's typing becomes one.
//!
//! 001 п. 4.8: «В клетках для оценок … имеет право записывать следующие символы: 2, 3, 4, 5, н, б, п».
//! 001 п. 4.9: two marks in one cell only in Russian language and literature, as a fraction (5/4, 4/3).
//! 001 Приложение, «Преподаватель» п. 2: a make-up mark goes to the missed topic's lesson while the
//! absence stays recorded — here an absence and a mark in one cell («н 4»), where the policy allows.

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

/// Maps a typed character to an absence symbol. Accepted: the Cyrillic letters in either case; the
/// Latin «H»/«h», which look exactly like «Н»/«н»; and the Latin transliterations «n», «b», «p» that a
/// teacher types when the keyboard is left in the Latin layout (n = н, b = б, p = п — the Latin «p» is
/// no lookalike of any cell symbol, so there is no ambiguity; «n» is read as н, its sound, and not as
/// the handwritten-looking п).
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

fn mark_from_char(c: char) -> Option<MarkValue> {
    let d = c.to_digit(10)?;
    MarkValue::new(u8::try_from(d).ok()?).ok()
}

/// Parses what a teacher typed into a cell.
///
/// * `""` (or only spaces) clears the cell;
/// * `2`–`5` a mark; `н`, `б`, `п` an absence (case-insensitive; the Latin lookalikes H, n, b, p are
///   accepted too, see the note on the symbol mapping below);
/// * `5/4` a double mark, only if `double_mark_allowed` (see [`crate::Policy::allows_double_mark`]);
/// * an absence and one mark together, separated by a space, a comma or `;` or written together
///   («н 4», «н4», «4 н»): the make-up mark of a missed lesson, where the policy allows several
///   entries in one cell.
///
/// Two marks side by side («4 5») are refused everywhere: 001 п. 4.9 allows two marks in a cell only
/// as a fraction. The result is canonical (the absence first, then the mark) so that the same
/// meaning always gives the same value.
pub fn parse_cell(
    input: &str,
    double_mark_allowed: bool,
    policy: &crate::Policy,
) -> Result<CellValue, RuleError> {
    let mut absence: Option<Absence> = None;
    let mut mark: Option<CellEntry> = None;
    for entry in tokenize(input)? {
        match entry {
            CellEntry::Absence { absence: a } => {
                if absence.is_some() {
                    return Err(RuleError::TwoAbsencesInCell);
                }
                absence = Some(a);
            }
            CellEntry::DoubleMark { .. } if !double_mark_allowed => {
                return Err(RuleError::DoubleMarkNotAllowed);
            }
            other => {
                if mark.is_some() {
                    return Err(RuleError::TooManyEntries);
                }
                mark = Some(other);
            }
        }
    }
    if absence.is_some() && mark.is_some() && !policy.multiple_entries_per_cell {
        return Err(RuleError::TooManyEntries);
    }
    let entries = absence
        .map(|absence| CellEntry::Absence { absence })
        .into_iter()
        .chain(mark)
        .collect();
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
        if let Some(absence) = absence_from_char(c) {
            // A letter stands alone or touches a mark («н4»); «нн» or «нет» are not symbols.
            if let Some(&next) = chars.get(i + 1) {
                if !(is_separator(next) || next.is_ascii_digit()) {
                    return Err(invalid());
                }
            }
            out.push(CellEntry::Absence { absence });
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

impl CellValue {
    /// The marks in the cell, a double mark giving both of its marks (each counts in an average).
    pub fn marks(&self) -> impl Iterator<Item = MarkValue> + '_ {
        self.entries
            .iter()
            .flat_map(|e| match *e {
                CellEntry::Mark { value } => [Some(value), None],
                CellEntry::DoubleMark { first, second } => [Some(first), Some(second)],
                CellEntry::Absence { .. } => [None, None],
            })
            .flatten()
    }

    /// The absence recorded in the cell, if any.
    pub fn absence(&self) -> Option<Absence> {
        self.entries.iter().find_map(|e| match *e {
            CellEntry::Absence { absence } => Some(absence),
            _ => None,
        })
    }

    /// The mark entry (single or double) of the cell, if any.
    pub fn mark_entry(&self) -> Option<CellEntry> {
        self.entries
            .iter()
            .copied()
            .find(|e| !matches!(e, CellEntry::Absence { .. }))
    }

    /// An absence together with a mark: the make-up (отработка) of a missed lesson.
    pub fn is_make_up(&self) -> bool {
        self.absence().is_some() && self.mark_entry().is_some()
    }
}

/// Who may change a cell from `old` to `new`: whoever may `EditCells`, or — when the change only
/// gives an absence its reason («н» → «б»/«п», from a note) — whoever may `SetAbsenceReason` (the
/// curator in their group, 004). `allowed` asks the user's roles for an action; the app and the
/// server both decide a cell's permission with this one function.
pub fn authorise_cell_change(
    old: &CellValue,
    new: &CellValue,
    allowed: impl Fn(crate::Action) -> Result<(), RuleError>,
) -> Result<(), RuleError> {
    match allowed(crate::Action::EditCells) {
        Ok(()) => Ok(()),
        Err(e) if classify_change(old, new) == Some(crate::timing::EntryKind::AbsenceReason) => {
            allowed(crate::Action::SetAbsenceReason).map_err(|_| e)
        }
        Err(e) => Err(e),
    }
}

/// What kind of entry turning `old` into `new` is, for the timing rules ([`crate::timing::check_entry`]);
/// `None` when nothing changes.
///
/// * nothing → an absence: attendance; nothing → a mark: a mark;
/// * an absence → the same absence with a mark: a make-up mark (001 «Преподаватель» п. 2);
/// * «н» → «б» or «п», the mark unchanged: the reason of an absence learnt later (000 п. 3.5: parents
///   inform the curator of the reason), not a correction;
/// * anything else — a mark changed or removed, an absence removed or made less excused: a correction
///   (004 п. 4.2.1 «Исправление отметок … запрещено»).
pub fn classify_change(old: &CellValue, new: &CellValue) -> Option<crate::timing::EntryKind> {
    use crate::timing::EntryKind;
    if old == new {
        return None;
    }
    let (old_abs, new_abs) = (old.absence(), new.absence());
    let (old_mark, new_mark) = (old.mark_entry(), new.mark_entry());
    if old.is_empty() {
        return Some(match (new_abs, new_mark) {
            (Some(_), Some(_)) => EntryKind::MakeUpMark,
            (None, Some(_)) => EntryKind::Mark,
            _ => EntryKind::Attendance,
        });
    }
    if old_mark.is_none() && new_mark.is_some() && old_abs.is_some() && old_abs == new_abs {
        return Some(EntryKind::MakeUpMark);
    }
    if old_mark == new_mark
        && old_abs == Some(Absence::Absent)
        && matches!(new_abs, Some(Absence::Ill | Absence::Excused))
    {
        return Some(EntryKind::AbsenceReason);
    }
    Some(EntryKind::Correction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timing::EntryKind;
    use crate::Policy;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<CellValue, RuleError> {
        parse_cell(input, false, &Policy::default())
    }
    fn parse_ru(input: &str) -> Result<CellValue, RuleError> {
        parse_cell(input, true, &Policy::default())
    }

    #[test]
    fn the_seven_symbols_are_accepted() {
        // 001 п. 4.8: «… имеет право записывать следующие символы: 2, 3, 4, 5, н, б, п».
        for s in ["2", "3", "4", "5", "н", "б", "п"] {
            let v = parse(s).unwrap_or_else(|e| panic!("001 п. 4.8: «{s}» допустим, got {e}"));
            assert_eq!(
                v.symbol(),
                s,
                "001 п. 4.8: «{s}» is stored and shown as typed"
            );
        }
    }

    #[test]
    fn other_marks_and_words_are_refused_with_a_typed_error() {
        // 001 п. 4.8: only 2, 3, 4, 5, н, б, п.
        for s in [
            "1",
            "0",
            "6",
            "10",
            "45",
            "5+",
            "4-",
            "нб",
            "нет",
            "x",
            "5//4",
            "/4",
            "5/",
            "н/а",
            "зачёт",
        ] {
            let e = parse_ru(s).expect_err(&format!("001 п. 4.8: «{s}» недопустим"));
            assert_eq!(
                e.code(),
                "invalid_cell_value",
                "«{s}» → invalid_cell_value, got {e}"
            );
        }
    }

    #[test]
    fn empty_input_clears_the_cell() {
        assert!(
            parse("").expect("empty clears").is_empty(),
            "«» clears the cell"
        );
        assert!(
            parse("   ").expect("blank clears").is_empty(),
            "spaces clear the cell"
        );
    }

    #[test]
    fn case_and_lookalikes_are_accepted() {
        assert_eq!(
            parse("Н").map(|v| v.absence()),
            Ok(Some(Absence::Absent)),
            "capital Н"
        );
        assert_eq!(
            parse("H").map(|v| v.absence()),
            Ok(Some(Absence::Absent)),
            "Latin H looks like Н"
        );
        assert_eq!(
            parse("n").map(|v| v.absence()),
            Ok(Some(Absence::Absent)),
            "Latin layout n = н"
        );
        assert_eq!(
            parse("Б").map(|v| v.absence()),
            Ok(Some(Absence::Ill)),
            "capital Б"
        );
        assert_eq!(
            parse("b").map(|v| v.absence()),
            Ok(Some(Absence::Ill)),
            "Latin layout b = б"
        );
        assert_eq!(
            parse("П").map(|v| v.absence()),
            Ok(Some(Absence::Excused)),
            "capital П"
        );
        assert_eq!(
            parse("p").map(|v| v.absence()),
            Ok(Some(Absence::Excused)),
            "Latin layout p = п"
        );
        assert_eq!(
            parse(" 5 ").map(|v| v.symbol()),
            Ok("5".into()),
            "spaces around are ignored"
        );
    }

    #[test]
    fn double_mark_only_where_allowed() {
        // 001 п. 4.9: «Выставление в одной клеточке двух оценок допускается только на уроках русского
        // языка и литературы. Оценка в этом случае выставляется двумя символами дробью (5/4, 4/3)».
        let v = parse_ru("5/4").expect("001 п. 4.9: 5/4 допустима по русскому языку");
        assert_eq!(v.symbol(), "5/4", "001 п. 4.9: shown as a fraction");
        assert_eq!(
            v.marks().map(MarkValue::get).collect::<Vec<_>>(),
            vec![5, 4],
            "both marks count"
        );
        assert_eq!(
            parse("5/4").map_err(|e| e.code()),
            Err("double_mark_not_allowed"),
            "001 п. 4.9: «только на уроках русского языка и литературы»"
        );
        assert_eq!(
            parse_ru("4 5").map_err(|e| e.code()),
            Err("too_many_entries"),
            "001 п. 4.9: two marks in a cell only as a fraction, even in Russian"
        );
        assert_eq!(
            parse_ru("5/4 3").map_err(|e| e.code()),
            Err("too_many_entries"),
            "one mark entry per cell"
        );
    }

    #[test]
    fn absence_with_make_up_mark() {
        // 001 Приложение, «Преподаватель» п. 2: «оценка выставляется в электронный журнал в
        // соответствующую тему, при этом информация о пропуске урока/занятия остается зафиксированной».
        for s in ["н 4", "н4", "4 н", "н, 4", "Н;4"] {
            let v = parse(s).unwrap_or_else(|e| panic!("«{s}»: absence + make-up mark, got {e}"));
            assert_eq!(
                v.symbol(),
                "н 4",
                "«{s}» is canonical «н 4»: the absence stays visible"
            );
            assert!(v.is_make_up(), "«{s}» is a make-up");
        }
        assert_eq!(
            parse_ru("б 5/4").map(|v| v.symbol()),
            Ok("б 5/4".into()),
            "make-up with a double mark"
        );
        let one_entry = Policy {
            multiple_entries_per_cell: false,
            ..Policy::default()
        };
        assert_eq!(
            parse_cell("н 4", false, &one_entry).map_err(|e| e.code()),
            Err("too_many_entries"),
            "policy without several entries per cell refuses «н 4»"
        );
        assert_eq!(
            parse("н б").map_err(|e| e.code()),
            Err("two_absences_in_cell"),
            "one absence per cell"
        );
    }

    #[test]
    fn change_kinds() {
        let v = |s: &str| parse_ru(s).expect("valid");
        let e = CellValue::default();
        assert_eq!(classify_change(&e, &e), None, "no change");
        assert_eq!(
            classify_change(&e, &v("н")),
            Some(EntryKind::Attendance),
            "absence is attendance"
        );
        assert_eq!(
            classify_change(&e, &v("4")),
            Some(EntryKind::Mark),
            "a first mark"
        );
        assert_eq!(
            classify_change(&v("н"), &v("н 4")),
            Some(EntryKind::MakeUpMark),
            "001 п. 2 make-up"
        );
        assert_eq!(
            classify_change(&v("н"), &v("б")),
            Some(EntryKind::AbsenceReason),
            "reason learnt later"
        );
        assert_eq!(
            classify_change(&v("б"), &v("н")),
            Some(EntryKind::Correction),
            "less excused = correction"
        );
        assert_eq!(
            classify_change(&v("4"), &v("5")),
            Some(EntryKind::Correction),
            "004: changing a mark"
        );
        assert_eq!(
            classify_change(&v("4"), &e),
            Some(EntryKind::Correction),
            "removing a mark"
        );
        assert_eq!(
            classify_change(&v("н 4"), &v("н")),
            Some(EntryKind::Correction),
            "removing a make-up"
        );
    }

    fn any_entry_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[2-5]",
            "[2-5]/[2-5]",
            prop::sample::select(vec!["н", "б", "п", "Н", "Б", "П", "h", "n", "b", "p"])
                .prop_map(String::from),
            "[0-9a-zа-я/+\\-.]{1,3}",
        ]
    }

    proptest! {
        // Rules combined: symbols (001 п. 4.8), the fraction (001 п. 4.9), absence + make-up
        // (001 «Преподаватель» п. 2), one entry of each kind.
        #[test]
        fn parsed_cells_are_canonical_and_reparse_to_themselves(
            parts in prop::collection::vec(any_entry_text(), 0..4),
            sep in prop::sample::select(vec![" ", ", ", ";", "  "]),
            double in any::<bool>(),
            several in any::<bool>(),
        ) {
            let policy = Policy { multiple_entries_per_cell: several, ..Policy::default() };
            let input = parts.join(sep);
            if let Ok(v) = parse_cell(&input, double, &policy) {
                let absences = v.entries.iter().filter(|e| matches!(e, CellEntry::Absence { .. })).count();
                let marks = v.entries.len() - absences;
                prop_assert!(absences <= 1, "001 п. 4.8: at most one absence symbol, {input:?}");
                prop_assert!(marks <= 1, "001 п. 4.9: at most one mark entry, {input:?}");
                prop_assert!(several || v.entries.len() <= 1, "policy: one entry per cell, {input:?}");
                prop_assert!(double || !v.entries.iter().any(|e| matches!(e, CellEntry::DoubleMark { .. })),
                    "001 п. 4.9: no fraction where the subject does not allow it, {input:?}");
                if let Some(first) = v.entries.first() {
                    prop_assert!(v.entries.len() == 1 || matches!(first, CellEntry::Absence { .. }),
                        "canonical order: the absence first, {input:?}");
                }
                let again = parse_cell(&v.symbol(), double, &policy);
                prop_assert_eq!(again, Ok(v.clone()), "the shown symbol parses back to the same value");
            }
        }
    }
}
