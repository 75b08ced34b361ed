//! journal-core: the domain of the electronic class journal and every rule of the regulations, once.
//!
//! Pure: no IO, no clock, no randomness — the current time is always a parameter. Both the teacher's
//! app (through journal-api) and the institution server call these functions, so a rule cannot differ
//! between them. Every refusal is a [`RuleError`] with a stable code and a Russian message. Where the
//! five regulations differ, a rule takes the institution's [`Policy`] (strictest reading by default).
//!
//! Modules: [`cell`] (cell symbols, parsing what a teacher types), [`finals`] (period finals and the
//! suggested final), [`timing`] (no future entries, no backdating, late-entry policy), [`deadlines`]
//! (deadline statuses), [`criteria`] (points → mark of a control work), [`topic`] (lesson topics, paired lessons), [`locks`] (period locks),
//! [`permissions`] (role × action × scope × policy), [`stats`] (успеваемость, качество, timeliness),
//! [`text`] (full names, homework, Russian language), [`membership`] (students' dates in groups),
//! [`archive`] (retention), [`curriculum`] (КТП execution).

pub mod archive;
pub mod cell;
pub mod criteria;
pub mod curriculum;
pub mod deadlines;
pub mod error;
pub mod finals;
pub mod ids;
pub mod lesson;
pub mod locks;
pub mod membership;
pub mod permissions;
pub mod policy;
pub mod roles;
pub mod stats;
pub mod suggestion;
pub mod text;
pub mod timing;
pub mod topic;

pub use archive::ArchiveDocument;
pub use cell::{
    authorise_cell_change, classify_change, parse_cell, Absence, CellEntry, CellValue, MarkValue,
};
pub use criteria::MarkCriteria;
pub use deadlines::{obligations_for, remark_status, DeadlineStatus, Obligation, REMARK_DAYS};
pub use error::RuleError;
pub use finals::{
    check_final_slot, parse_final, suggest_final, suggest_final_with, suggest_year_final,
    FinalColumn, FinalSlot, FinalValue, GradingScale,
};
pub use ids::*;
pub use lesson::{LessonInfo, WorkType};
pub use locks::{
    check_can_lock, check_can_unlock, check_unlocked, finals_required, locks_after_finals,
};
pub use membership::check_member_on;
pub use permissions::{check_lesson_author, lesson_scope};
pub use policy::{DaysOutOfBounds, DiaryLoginIssuer, FinalRounding, LateEntry, PeriodKind, Policy};
pub use roles::{Action, GrantTerm, Role, Scope};
pub use stats::{
    completeness_percent, quality_percent, success_percent, summarize, timeliness_percent, Summary,
};
pub use text::{check_name_chars, forbidden_char, normalise_homework, validate_full_name};
pub use timing::{check_correction_reason, check_device_time, check_entry, EntryKind};
pub use topic::{validate_lesson_topics, validate_topic, HourTopic};
