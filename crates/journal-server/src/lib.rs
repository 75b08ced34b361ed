//! journal-server: the institution server, the authority over an institution's journal.
//!
//! Devices push their signed, hash-chained ops; the server re-checks each one with journal-core
//! (roles, scope, locks, timing, values), answers it (applied, duplicate, rejected, conflict), gives
//! it the next gap-free `server_seq` of its institution and appends it to the institution's audit
//! chain. Devices pull the applied changes in pages. [`app`] is the HTTP API (axum) over a
//! [`storage::Storage`]; the `journal-server` binary wraps it with `init`, `serve`, `audit verify` and the
//! administrator's [`admin`] commands (`import`, `export`, `backup`, `restore`).

pub mod admin;
pub(crate) mod admin_access;
pub mod admin_routes;
pub mod archive_routes;
pub mod audit;
pub mod audit_routes;
pub mod auth;
pub mod authority;
pub mod backup_routes;
pub mod backup_schedule;
pub mod backup_seal;
pub mod clock_routes;
pub mod contact_routes;
pub mod control_work_routes;
pub mod curriculum_routes;
pub mod demo;
pub mod device_secret_routes;
pub mod diary_routes;
pub mod doctor;
pub mod dto;
pub mod error;
pub mod event_routes;
pub mod grant_routes;
pub mod health_routes;
pub mod help_routes;
pub mod http;
pub mod import_routes;
pub mod individual_plan_routes;
pub mod init;
pub mod institution_routes;
pub mod mark_notices;
pub mod merge;
pub mod message_routes;
pub mod metrics;
pub mod notice;
pub mod parent_note_routes;
pub mod plan_routes;
pub mod policy_routes;
pub mod print_routes;
pub mod readiness_routes;
pub mod reference_routes;
pub mod remark_routes;
pub mod report_routes;
pub mod rollover_routes;
pub mod roster_routes;
pub mod setup_routes;
pub mod slip_routes;
pub mod smtp_routes;
pub mod snapshot_cache;
pub mod storage;
pub mod suggestion_routes;
pub mod testing;
pub mod tls;
pub mod update_routes;
pub mod user_routes;
pub(crate) mod web_app;
pub mod year_routes;

use std::sync::Arc;

pub use error::{ApiError, ErrorBody, StorageError};
pub use http::app;
pub use storage::postgres::PostgresStorage;
pub use storage::sqlite::SqliteStorage;
pub use storage::Storage;

/// The server's clock: the current UTC time. Injected so that tests set "now".
pub type Clock = Arc<dyn Fn() -> chrono::NaiveDateTime + Send + Sync>;

/// Limits and lifetimes of the server; [`ServerConfig::default`] is what `serve` uses.
#[derive(Clone)]
pub struct ServerConfig {
    pub clock: Clock,
    /// How long a login token lives.
    pub token_ttl: chrono::Duration,
    /// Failed logins in a row after which the login is locked for [`ServerConfig::lockout`].
    pub max_failures: u32,
    pub lockout: chrono::Duration,
    /// Added delay per failed login in a row (slows down guessing before the lockout).
    pub failure_delay: std::time::Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Most ops in one push.
    pub max_ops_per_push: usize,
    /// Most changes in one pull page, and the default page size.
    pub max_pull_limit: u32,
    pub default_pull_limit: u32,
    /// Where `POST /api/v1/admin/backups` writes the administrator's backups (`serve
    /// --backup-dir`; beside a SQLite database by default). `None`: backups over HTTP are off.
    pub backup_dir: Option<std::path::PathBuf>,
    /// The backup key file (`serve --backup-key`; beside a SQLite database by default, made by the
    /// first backup). `None`: backups over HTTP cannot be sealed and are refused.
    pub backup_key: Option<std::path::PathBuf>,
    /// The address people sign in at, printed on login slips (`serve --public-url`); without it,
    /// the address the console was opened at.
    pub public_url: Option<String>,
    /// Where e-mail notices go out for an institution without its own mail server (`serve
    /// --smtp`, `notice::outgoing_for`); `None`: only institutions with their own send any.
    pub smtp: Option<notice::Smtp>,
    /// How long a parent's window of new marks and absences gathers before its one letter goes
    /// (`mark_notices`).
    pub mark_notice_interval: std::time::Duration,
    /// Where `journal-server updates publish` put the app's packages and signed manifest (`serve
    /// --updates-dir`); `None`: no updates are offered.
    pub updates_dir: Option<std::path::PathBuf>,
}

impl ServerConfig {
    /// Now, UTC, by the configured clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        (self.clock)()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            clock: Arc::new(|| chrono::Utc::now().naive_utc()),
            // A classroom PC may stay offline for days; a week keeps it able to sync when it's back.
            token_ttl: chrono::Duration::days(7),
            max_failures: 5,
            lockout: chrono::Duration::minutes(15),
            failure_delay: std::time::Duration::from_millis(250),
            max_body_bytes: 8 * 1024 * 1024,
            max_ops_per_push: 5_000,
            max_pull_limit: 5_000,
            default_pull_limit: 1_000,
            backup_dir: None,
            backup_key: None,
            public_url: None,
            smtp: None,
            mark_notice_interval: std::time::Duration::from_secs(15 * 60),
            updates_dir: None,
        }
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub config: Arc<ServerConfig>,
    /// Institutions' zones and policies for the device-clock check, read once per server.
    pub(crate) institution_clocks: clock_routes::InstitutionClocks,
    /// What `/metrics` shows.
    pub metrics: Arc<metrics::Metrics>,
    /// Institutions' snapshots between reads (see `snapshot_cache`).
    pub snapshots: Arc<snapshot_cache::SnapshotCache>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, config: ServerConfig) -> Self {
        AppState {
            storage,
            config: Arc::new(config),
            institution_clocks: Default::default(),
            metrics: metrics::fresh(),
            snapshots: Default::default(),
        }
    }
}

/// Opens the database named on the command line: a file path (SQLite) or a `postgres://` URL.
pub async fn open_storage(db: &str) -> Result<Arc<dyn Storage>, StorageError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStorage::connect(db).await?));
    }
    Ok(Arc::new(SqliteStorage::open(std::path::Path::new(db))?))
}
