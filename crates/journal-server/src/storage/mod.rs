//! Where the server keeps its data. One trait, [`Storage`], with an implementation per backend; the
//! HTTP layer and the CLI only see the trait. Every row carries its institution's id and every
//! sequence (`server_seq`, the audit chain) is per institution.

pub mod archive;
pub mod contacts;
mod content_rows;
pub mod device_secrets;
pub mod diary;
pub mod events;
pub mod health;
mod institution_part;
pub mod mark_notice_lines;
pub mod messages;
mod op_context;
mod op_record;
pub mod parent_notes;
pub mod plan_drafts;
pub mod postgres;
mod pull_page;
mod push_pipeline;
pub mod remarks;
mod reopenings;
pub mod smtp_settings;
mod snapshot_rows;
pub mod sqlite;
pub mod user_settings;

use std::path::Path;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{DeviceId, InstitutionId, UserId};
use journal_protocol::{Op, Snapshot, User};

use crate::audit::AuditEntry;
use crate::dto::{AuditReport, OpResult, PullPage};
use crate::error::StorageError;

/// A user account as the login needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub institution_id: InstitutionId,
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The password was given by the administrator: the user changes it before anything else.
    pub must_change_password: bool,
}

/// Failed logins of one login name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    /// UTC; while in the future the login is refused without checking the password.
    pub locked_until: Option<NaiveDateTime>,
}

/// A signed-in device session, looked up by the hash of its token.
#[derive(Debug, Clone)]
pub struct Session {
    pub institution_id: InstitutionId,
    pub user_id: UserId,
    pub device_id: DeviceId,
    /// UTC.
    pub expires_at: NaiveDateTime,
}

/// An admin action for the audit log.
#[derive(Debug, Clone)]
pub struct AdminAction {
    pub institution_id: InstitutionId,
    pub kind: String,
    pub author_id: Option<UserId>,
    pub device_id: Option<DeviceId>,
    pub subject: String,
    pub detail: serde_json::Value,
}

/// The storage of the institution server. Implementations do their blocking work off the async
/// threads and make every multi-row change atomic.
#[async_trait]
pub trait Storage:
    diary::DiaryStorage
    + archive::ArchiveStorage
    + events::EventStorage
    + contacts::ContactStorage
    + device_secrets::DeviceSecretStorage
    + remarks::RemarkStorage
    + messages::MessageStorage
    + user_settings::UserSettingStorage
    + plan_drafts::PlanDraftStorage
    + mark_notice_lines::MarkNoticeStorage
    + smtp_settings::SmtpSettingStorage
    + parent_notes::ParentNoteStorage
    + health::HealthStorage
    + Send
    + Sync
{
    /// "sqlite" or "postgres": what a backup's manifest names (a backup restores into the same).
    fn backend(&self) -> &'static str;

    /// Loads an institution (reference data and journal content) into an empty database, with the
    /// users' Argon2id password hashes, and starts its audit chain with an "init" entry.
    async fn import_institution(
        &self,
        snapshot: Snapshot,
        password_hashes: Vec<(UserId, String)>,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StorageError>;
    async fn account_by_id(&self, user_id: UserId) -> Result<Option<Account>, StorageError>;

    async fn login_failures(&self, login: &str) -> Result<LoginFailures, StorageError>;
    /// Records a failed login; from the `max_failures`-th one on, locks the login until `now + lockout`.
    async fn record_login_failure(
        &self,
        login: &str,
        now: NaiveDateTime,
        max_failures: u32,
        lockout: chrono::Duration,
    ) -> Result<LoginFailures, StorageError>;
    async fn clear_login_failures(&self, login: &str) -> Result<(), StorageError>;

    /// Registers the device (and its public key, if given) for the user. A device keeps the key it
    /// was first registered with: another key is refused.
    async fn register_device(
        &self,
        institution_id: InstitutionId,
        device_id: DeviceId,
        user_id: UserId,
        public_key: Option<[u8; 32]>,
    ) -> Result<(), StorageError>;

    async fn create_session(
        &self,
        token_hash: &str,
        session: Session,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StorageError>;
    /// Records that the device was sent everything up to `server_seq` (a snapshot's or a pull
    /// page's cursor): its ops' seen_seq is capped at the highest such mark. Only for a device
    /// `user_id` signed in on (another is left as it is). Writes only when the mark rises, so a
    /// pull with nothing new stays a read.
    async fn record_given(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        server_seq: u64,
    ) -> Result<(), StorageError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError>;
    /// Sets a new password hash (`must_change`: given by the administrator, to be changed at the
    /// next sign-in) and ends all the user's sessions but `keep_token_hash`; audited.
    async fn set_password(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        password_hash: String,
        must_change: bool,
        keep_token_hash: &str,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Processes pushed ops in order, each atomically (see DESIGN.md "Sync protocol"), and answers
    /// each. Nothing is answered before it is durable.
    async fn push(
        &self,
        institution_id: InstitutionId,
        ops: Vec<Op>,
        received_at: NaiveDateTime,
    ) -> Result<Vec<OpResult>, StorageError>;

    /// Applied changes after `after` that `user_id` may read by their grants in force on `today`
    /// (the institution's day), at most `limit` of them.
    async fn pull(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        after: u64,
        limit: u32,
        today: chrono::NaiveDate,
    ) -> Result<PullPage, StorageError>;

    /// The whole institution as it is now, with the last `server_seq` it includes (read
    /// consistently: a device that loads it pulls from that cursor on and misses nothing).
    async fn snapshot(
        &self,
        institution_id: InstitutionId,
    ) -> Result<(Snapshot, u64), StorageError>;

    async fn append_admin_action(
        &self,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Checks every institution's audit chain.
    async fn audit_verify(&self) -> Result<AuditReport, StorageError>;

    /// The institution's audit entries of `kind`, newest first, at most `limit`.
    async fn audit_entries(
        &self,
        institution_id: InstitutionId,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StorageError>;

    /// A page of the institution's audit entries matching `query`, newest first, with how many
    /// match in all (the administrator's «Журнал действий»).
    async fn audit_page(
        &self,
        institution_id: InstitutionId,
        query: &AuditQuery,
    ) -> Result<(u64, Vec<AuditEntry>), StorageError>;

    /// The payload (JSON text) of the load's last applied change of `target`
    /// (`OpPayload::target`) before `before_seq`: the audit query tells an edit's previous value by
    /// it. Found through the `changes.target` column (migration 0025).
    async fn previous_change(
        &self,
        institution_id: InstitutionId,
        load_id: &str,
        target: &str,
        before_seq: u64,
    ) -> Result<Option<String>, StorageError>;

    /// The institutions in the database with the last `server_seq` of each.
    async fn institutions(&self) -> Result<Vec<(InstitutionId, u64)>, StorageError>;

    /// An admin import: replaces the institution's reference data (periods … КТП) with the
    /// snapshot's, upserts its users (a new user has no password until an admin sets one) and its
    /// lessons, and appends `action` to the audit chain — one transaction. Journal content
    /// (cells, topics, finals, …) is not touched.
    async fn apply_reference(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Writes a consistent copy of the whole database into the existing directory `dir` while the
    /// server keeps serving; returns the names of the files written (relative to `dir`).
    async fn backup_to(&self, dir: &Path) -> Result<Vec<String>, StorageError>;

    /// Replaces the whole database with a backup that [`Storage::backup_to`] of the same backend
    /// wrote into `dir` (checked by the caller), in one transaction.
    async fn restore_from(&self, dir: &Path) -> Result<(), StorageError>;

    // ---- year setup by the administrator (`setup_routes`)

    /// The institution's users by login, each with whether it is active and has a password.
    async fn user_records(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<UserRecord>, StorageError>;

    /// When the user was deactivated; `None` while active (or unknown).
    async fn user_deactivated_at(
        &self,
        user_id: UserId,
    ) -> Result<Option<NaiveDateTime>, StorageError>;

    /// Deactivates the user (records `now` and ends every session of theirs) or, with `active`,
    /// reactivates them, and appends `action` to the audit chain — one transaction.
    async fn set_user_active(
        &self,
        user_id: UserId,
        active: bool,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Replaces the institution's academic year (name, dates) and its reference rows (periods,
    /// holidays, … КТП) with the snapshot's and appends `action` — one transaction. Users, lessons
    /// and journal content are not touched.
    async fn apply_year(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Replaces the institution's record (name, policy, work regime) and its reference rows
    /// (periods … КТП, bells, subjects, rooms) with the snapshot's, raises its reference_version and
    /// appends `action` — one transaction. Users, lessons and journal content are not touched.
    async fn apply_institution_setup(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// The institution's count of reference-data changes so far: every `apply_reference`,
    /// `apply_year` and `set_user_active` adds one in its own transaction.
    async fn reference_version(&self, institution_id: InstitutionId) -> Result<u64, StorageError>;

    /// Where the institution's data stands: its last applied `server_seq` and its
    /// `reference_version`. Every write that changes what [`Storage::snapshot`] returns raises one
    /// of the two in the same transaction, so equal versions mean equal snapshots (the server's
    /// snapshot cache keys on it; a restore replaces the database while the server is stopped).
    async fn snapshot_version(
        &self,
        institution_id: InstitutionId,
    ) -> Result<SnapshotVersion, StorageError>;

    /// Waits for and takes the institution's turn for a read-edit-write of its reference data (an
    /// administrator's change, an import), held until the returned value is dropped. PostgreSQL
    /// takes it in the database (a session advisory lock), so every server process over one
    /// database waits for it; SQLite, served by one process, takes it in that process.
    async fn reference_turn(
        &self,
        institution_id: InstitutionId,
    ) -> Result<ReferenceTurn, StorageError>;
}

/// See [`Storage::reference_turn`]: the turn lasts as long as this value.
pub struct ReferenceTurn {
    _held: Box<dyn Send + Sync>,
}

impl ReferenceTurn {
    pub(crate) fn new(held: impl Send + Sync + 'static) -> Self {
        ReferenceTurn {
            _held: Box::new(held),
        }
    }
}

/// See [`Storage::snapshot_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotVersion {
    pub server_seq: u64,
    pub reference_version: u64,
}

/// Which audit entries to read: every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub author_id: Option<UserId>,
    /// UTC, inclusive.
    pub from: Option<NaiveDateTime>,
    /// UTC, exclusive.
    pub before: Option<NaiveDateTime>,
    pub kind: Option<String>,
    pub limit: u32,
    pub offset: u64,
}

impl AuditQuery {
    /// The WHERE clause after the institution's condition, with `$n`-style placeholders numbered
    /// from `first`, and the texts to bind in that order (both backends store the times as text of
    /// one format, so text order is time order).
    pub(crate) fn conditions(&self, first: usize, placeholder: char) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut args = Vec::new();
        let mut add = |column_op: &str, value: String| {
            args.push(value);
            sql.push_str(&format!(
                " AND {column_op} {placeholder}{}",
                first + args.len() - 1
            ));
        };
        if let Some(a) = self.author_id {
            add("author_id =", a.to_string());
        }
        if let Some(t) = self.from {
            add("server_time >=", sqlite::time_text(&t));
        }
        if let Some(t) = self.before {
            add("server_time <", sqlite::time_text(&t));
        }
        if let Some(k) = &self.kind {
            add("kind =", k.clone());
        }
        (sql, args)
    }
}

/// A user as the administrator's list shows them.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    /// UTC; `None` while the user may sign in.
    pub deactivated_at: Option<NaiveDateTime>,
    /// Whether a password was ever set (an imported user has none until the administrator sets one).
    pub has_password: bool,
    /// The password was given by the administrator and not yet changed by the user.
    pub must_change_password: bool,
}

/// The tables every backup has had a file for since the first version: the first 17 of [`TABLES`]
/// (institutions … audit).
pub const FIRST_TABLES: &[&str] = TABLES.split_at(17).0;

/// Every table of the server's schema, parents before children (restore inserts in this order
/// and deletes in the reverse one).
pub const TABLES: &[&str] = &[
    "institutions",
    "ref_rows",
    "users",
    "lessons",
    "cells",
    "lesson_topics",
    "homework",
    "finals",
    "locks",
    "remarks",
    "changes",
    "ops",
    "devices",
    "device_users",
    "sessions",
    "login_failures",
    "audit",
    "diary_consents",
    "diary_acknowledgements",
    "diary_views",
    "message_threads",
    "messages",
    "message_reads",
    "events",
    "contacts",
    "archived_years",
    "journal_acceptances",
    "device_secrets",
    "user_settings",
    "parent_notes",
    "parent_note_acknowledgements",
    "health_sheet",
    "plan_drafts",
    "mark_notice_lines",
    "institution_smtp",
];
