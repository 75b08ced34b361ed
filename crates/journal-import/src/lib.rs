//! journal-import: reads the administrator's files into plain plans for the institution server,
//! with no database of its own.
//!
//! * CSV / XLSX ([`tabular`]): students, groups, teachers (staff users), loads, the weekly
//!   timetable and the КТП. Every row is checked against the institution's [`Snapshot`], names are
//!   matched normalised (never by ids in the file), and a file imports whole or not at all: any bad
//!   row gives [`ImportError::Rows`] with every bad row's number, column and Russian reason.
//! * aSc Timetables XML ([`asc`]): the 2012 and the older export layouts, any declared encoding,
//!   two-week cycles, divisions into subgroups, double lessons and unplaced lessons, read into a plain
//!   [`asc::AscTimetable`] and mapped onto the institution's weekly pattern by names.
//! * FET `.fet` files ([`fet`], [`fet_map`]): groups, subgroups, subjects, teachers, loads with
//!   weekly hours from the activities and, when the file holds a generated timetable, its lessons.
//! * Every import says what it does, row by row ([`Applied::items`], [`report`]): applied to a copy
//!   of the snapshot, that is the dry run's preview.
//!
//! [`Snapshot`]: journal_protocol::Snapshot

pub mod apply;
pub mod asc;
pub mod asc_map;
pub mod directory;
pub mod error;
pub mod fet;
pub mod fet_map;
pub mod modules;
pub mod pattern;
pub mod report;
pub mod table;
pub mod tabular;
pub mod text;

pub use apply::{Applied, LessonDates};
pub use error::{ImportError, RowError};
pub use fet_map::FetImport;
pub use pattern::{dates_of, WeekParity, WeeklyLesson};
pub use report::{ItemAction, ReportItem};
pub use table::{read_table, FileFormat, Table, TableRow};
pub use tabular::{
    import_groups, import_loads, import_plan, import_students, import_teachers, import_timetable,
    GroupRow, ImportKind, ImportPlan, LoadRow, PlanTopicRow, StudentRow, SubjectRef, TimetableRow,
    UserRow,
};

use journal_protocol::Snapshot;
use serde::Serialize;

/// An aSc export and its mapping onto the institution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscImport {
    pub timetable: asc::AscTimetable,
    pub mapping: asc_map::AscMapping,
}

impl AscImport {
    /// Whether every placed lesson found its names, its load and its teacher ↔ subgroup pairs.
    pub fn is_complete(&self) -> bool {
        self.mapping.unmatched.is_empty()
            && self.mapping.missing_loads.is_empty()
            && self.mapping.undecided.is_empty()
    }
}

/// What `journal-server import KIND FILE` gets back: the plan of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "plan", rename_all = "snake_case")]
pub enum Imported {
    Students(ImportPlan<StudentRow>),
    Groups(ImportPlan<GroupRow>),
    Teachers(ImportPlan<UserRow>),
    Loads(ImportPlan<LoadRow>),
    Timetable(ImportPlan<TimetableRow>),
    Plan(ImportPlan<PlanTopicRow>),
    Asc(Box<AscImport>),
    Fet(Box<FetImport>),
}

/// Reads a file of the given kind (CSV or XLSX detected from the bytes; aSc XML for `Asc`) against
/// the institution. CSV/XLSX kinds and FET are all-or-nothing; an aSc file gives its mapping with
/// warnings.
pub fn import_file(
    kind: ImportKind,
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<Imported, ImportError> {
    Ok(match kind {
        ImportKind::Students => Imported::Students(import_students(bytes, snapshot)?),
        ImportKind::Groups => Imported::Groups(import_groups(bytes, snapshot)?),
        ImportKind::Teachers => Imported::Teachers(import_teachers(bytes, snapshot)?),
        ImportKind::Loads => Imported::Loads(import_loads(bytes, snapshot)?),
        ImportKind::Timetable => Imported::Timetable(import_timetable(bytes, snapshot)?),
        ImportKind::Plan => Imported::Plan(import_plan(bytes, snapshot)?),
        ImportKind::Asc => {
            let timetable = asc::parse_asc(bytes)?;
            let mapping = asc_map::map_to_pattern(&timetable, snapshot);
            Imported::Asc(Box::new(AscImport { timetable, mapping }))
        }
        ImportKind::Fet => Imported::Fet(Box::new(fet_map::import_fet(bytes, snapshot)?)),
    })
}

impl Imported {
    /// One line in Russian for the CLI: how many rows are added and updated, and the warnings.
    pub fn summary_ru(&self) -> String {
        fn plan<R>(p: &ImportPlan<R>, existing: impl Fn(&R) -> bool) -> String {
            let updated = p.rows.iter().filter(|r| existing(r)).count();
            format!(
                "строк: {}, новых: {}, обновляемых: {}, предупреждений: {}",
                p.rows.len(),
                p.rows.len() - updated,
                updated,
                p.warnings.len()
            )
        }
        match self {
            Imported::Students(p) => plan(p, |r| r.existing.is_some()),
            Imported::Groups(p) => plan(p, |r| r.existing.is_some()),
            Imported::Teachers(p) => plan(p, |r| r.existing.is_some()),
            Imported::Loads(p) => plan(p, |r| r.existing.is_some()),
            Imported::Timetable(p) => format!(
                "уроков в неделю: {} (будущее расписание заменяется целиком), предупреждений: {}",
                p.rows.len(),
                p.warnings.len()
            ),
            Imported::Plan(p) => format!(
                "тем КТП: {} (КТП указанных нагрузок заменяется), предупреждений: {}",
                p.rows.len(),
                p.warnings.len()
            ),
            Imported::Fet(f) => format!(
                "FET: групп {}, дисциплин {}, преподавателей {}, нагрузок {}, уроков в неделю {}{}; предупреждений: {}",
                f.groups.len(),
                f.subjects.len(),
                f.teachers.len(),
                f.loads.len(),
                f.lessons.len(),
                if f.file.placements.is_empty() {
                    " (расписания в файле нет)"
                } else {
                    " (будущее расписание заменяется)"
                },
                f.warnings.len()
            ),
            Imported::Asc(a) => {
                let m = &a.mapping;
                let u = &m.unmatched;
                format!(
                    "aSc: классов {}, уроков {}, карточек {}; в расписание учреждения: {} уроков в неделю; \
                     не найдено — классов {}, подгрупп {}, преподавателей {}, дисциплин {}, звонков {}; \
                     нет нагрузки: {}; требуют решения: {}; предупреждений: {}",
                    a.timetable.classes.len(),
                    a.timetable.lessons.len(),
                    a.timetable.cards.len(),
                    m.lessons.len(),
                    u.classes.len(),
                    u.subgroups.len(),
                    u.teachers.len(),
                    u.subjects.len(),
                    u.periods.len(),
                    m.missing_loads.len(),
                    m.undecided.len(),
                    a.timetable.warnings.len() + m.warnings.len()
                )
            }
        }
    }
}
