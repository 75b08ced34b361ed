//! journal-protocol: what crosses between a device and the institution server — the institution
//! snapshot a device keeps a copy of, the signed outbox ops it pushes, the push and pull bodies
//! ([`sync`]), and the protocol version.
//! Plain serde DTOs over journal-core's domain types; no IO.

pub mod diary;
pub mod finals_list;
pub mod lesson_change;
pub mod messaging;
pub mod module_journal;
pub mod op;
pub mod rollover;
pub mod snapshot;
pub mod sync;

pub use diary::*;
pub use finals_list::{finals_missing, students_needing_final};
pub use lesson_change::{LessonChange, LessonChangeError, LessonFacts};
pub use messaging::*;
pub use module_journal::{
    ModuleJournalError, ModuleSummary, ModuleSummaryColumn, ModuleSummaryRow,
};
pub use op::*;
pub use snapshot::*;
pub use sync::*;

/// Version of the sync protocol; every request carries it and an older client is refused clearly.
/// 2: `OpPayload::UnlockPeriod` (reopening a locked period for a correction, with a reason).
/// 3: remarks' whole cycle — the teacher's `OpPayload::AnswerRemark`, and `RemarkState` changes in
/// pulls, which an app of protocol 2 cannot read (it is told to update instead of failing to sync).
/// 4: `OpPayload::ChangeLesson` (substitution, postponement, a lesson not held) and
/// `Lesson::change_reason`.
/// 5: `OpPayload::SetCell::reason` — a correction after the lesson's day with its reason, which an
/// older server would drop and then find the op's hash changed.
/// 6: `OpPayload::SetFinal::column` and `Final::column` — the exam's and the year's columns beside
/// the period final — and `AttestationForm::QualifyingExam`, which an older app would take for
/// period finals or fail to read; `SubjectKind::Extracurricular` (внеурочная деятельность), which an
/// older app could not read in a snapshot.
pub const PROTOCOL_VERSION: u32 = 6;
