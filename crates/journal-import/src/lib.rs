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
//!
//! [`Snapshot`]: journal_protocol::Snapshot

pub mod asc;
pub mod asc_map;
pub mod directory;
pub mod error;
pub mod pattern;
pub mod table;
pub mod tabular;
pub mod text;

pub use error::{ImportError, RowError};
pub use pattern::{dates_of, WeekParity, WeeklyLesson};
pub use table::{read_table, FileFormat, Table, TableRow};
pub use tabular::{
    import_groups, import_loads, import_plan, import_students, import_teachers, import_timetable,
    GroupRow, ImportKind, ImportPlan, LoadRow, PlanTopicRow, StudentRow, SubjectRef, TimetableRow,
    UserRow,
};
