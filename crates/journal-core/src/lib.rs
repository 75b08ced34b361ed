//! journal-core: the domain of the electronic class journal and every rule of the regulations, once.
//!
//! Pure: no IO, no clock, no randomness — the current time is always a parameter. Both the teacher's
//! app (through journal-api) and the institution server call these functions, so a rule cannot differ
//! between them. Every refusal is a [`RuleError`] with a stable code and a Russian message.

pub mod cell;
pub mod error;
pub mod finals;
pub mod ids;
pub mod lesson;
pub mod policy;
pub mod roles;

pub use cell::{Absence, CellEntry, CellValue, MarkValue};
pub use error::RuleError;
pub use finals::FinalValue;
pub use ids::*;
pub use lesson::{LessonInfo, WorkType};
pub use policy::Policy;
pub use roles::{Action, Role, Scope};
