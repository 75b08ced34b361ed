//! journal-api: the app's use cases over the teacher's local copy — today's lessons, a lesson, the
//! journal grid, setting cells, topics, homework and finals, closing a period, the copy's status —
//! printing the documents (year journal, pages, finals sheet, extract, outage pages) and
//! checking a printed PDF against the copy ([`Journal::print`], [`Journal::verify_pdf`]) —
//! and signing in on a shared PC and syncing the copy with the institution server ([`sync`]).
//!
//! One [`Journal`] is one opened local copy for one signed-in user. The desktop app (Tauri
//! commands), the `journal` CLI and the tests call the same methods. Every write is checked with
//! journal-core (permission, lock, entry time, value) before the store records it, with its outbox
//! op, in one transaction; a refused write returns an [`ApiError`] `{code, message}` and changes
//! nothing. "Now" comes from an injected [`Clock`].
//!
//! The DTOs in [`dto`] are what the UI receives; their TypeScript types are generated into
//! `ui/src/bindings/` by this crate's tests.

pub mod bindings;
pub mod clock;
pub mod dto;
mod error;
mod journal;
mod journal_view;
pub mod layout;
mod print;
pub mod sync;
mod tls;
pub mod update;
mod view;

pub use clock::{zoned, Clock, FixedClock, ShiftedDateClock, SystemClock, ZoneClock};
pub use dto::*;
pub use error::ApiError;
pub use journal::{Journal, DEMO_LOGIN, MAX_TEXT_CHARS};
pub use journal_store::StoreKey;
pub use journal_view::MakeupCandidate;
pub use layout::DataDir;
pub use sync::{ConflictAction, KdfParams, SyncReport};
