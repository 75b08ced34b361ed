//! journal-core: the domain of the electronic class journal and every rule of the regulations, once.
//!
//! Pure: no IO, no clock, no randomness — the current time is always a parameter. Both the teacher's
//! app (through journal-api) and the institution server call these functions, so a rule cannot differ
//! between them. Every refusal is a [`RuleError`] with a stable code and a Russian message.

pub mod cell;
pub mod deadlines;
pub mod error;
pub mod finals;
pub mod ids;
pub mod lesson;
pub mod locks;
pub mod permissions;
pub mod policy;
pub mod roles;
pub mod stats;
pub mod timing;
pub mod topic;

pub use cell::{parse_cell, Absence, CellEntry, CellValue, MarkValue};
pub use deadlines::{DeadlineStatus, Obligation};
pub use error::RuleError;
pub use finals::{parse_final, suggest_final, FinalValue};
pub use ids::*;
pub use lesson::{LessonInfo, WorkType};
pub use locks::check_unlocked;
pub use policy::{LateEntry, PeriodKind, Policy};
pub use roles::{Action, Role, Scope};
pub use stats::{quality_percent, success_percent};
pub use timing::{check_entry, EntryKind};
pub use topic::validate_topic;
