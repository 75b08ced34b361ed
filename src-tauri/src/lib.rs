//! journal-app: the teacher's desktop app — a thin Tauri shell over journal-api.
//!
//! Every command is a one-liner into [`journal_api::Journal`]; the app holds no rules. Errors cross
//! to the UI as journal-api's `ApiError` `{code, message}`. Where the local copies live, which day
//! is "today", the server's address, the auto-lock and background-sync intervals come from the
//! environment (see [`Settings`]), so `make run`, the e2e tests and a teacher's PC open the app the
//! same way.
//!
//! No journal is open until a teacher signs in ([`session_commands`]): the state is signed out,
//! open (one teacher's decrypted copy in memory) or locked (the copy closed, only the login kept).
//! Switching user or locking drops the copy and the password from memory.

use chrono::{NaiveDate, NaiveDateTime};
use journal_api::{
    ApiError, Clock, DataDir, FixedClock, Journal, KdfParams, ShiftedDateClock, SystemClock,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tauri::State;

pub mod help_commands;
pub mod journal_commands;
pub mod message_commands;
pub mod parent_note_commands;
pub mod print_commands;
pub mod remark_commands;
pub mod session_commands;
pub mod sync_commands;
pub mod update_commands;

/// Where the local copies live: this directory (default: the per-user data dir of journal-api).
pub const ENV_DATA_DIR: &str = "JOURNAL_DATA_DIR";
/// The day the app treats as today (`YYYY-MM-DD`), with the computer's time of day — for demos.
pub const ENV_TODAY: &str = "JOURNAL_TODAY";
/// A fixed "now" (`YYYY-MM-DDTHH:MM[:SS]`) — for tests that need deadlines to be stable.
pub const ENV_NOW: &str = "JOURNAL_NOW";
/// The institution server's address (`http://host:port`), the sign-in screen's default.
pub const ENV_SERVER_URL: &str = "JOURNAL_SERVER_URL";
/// Minutes without keyboard or mouse after which the app locks (overrides the saved setting;
/// fractions allowed so tests need not wait minutes).
pub const ENV_LOCK_MINUTES: &str = "JOURNAL_LOCK_MINUTES";
/// Seconds between background syncs.
pub const ENV_SYNC_SECONDS: &str = "JOURNAL_SYNC_SECONDS";
/// The app's own settings file in the data dir (not secret: server address, lock minutes).
pub const PREFS_FILE: &str = "app-settings.json";
/// Default minutes of inactivity before the lock.
pub const DEFAULT_LOCK_MINUTES: f64 = 10.0;
/// Default seconds between background syncs.
pub const DEFAULT_SYNC_SECONDS: u64 = 60;

/// How the app was started: data dir, clock and the environment's overrides, read once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// [`ENV_SERVER_URL`], if set.
    pub server_url: Option<String>,
    /// [`ENV_LOCK_MINUTES`], if set (else the saved setting or [`DEFAULT_LOCK_MINUTES`]).
    pub lock_minutes: Option<f64>,
    pub sync_seconds: u64,
    /// Argon2id cost of a new local copy (the real one; tests pass a light one).
    pub kdf: KdfParams,
}

impl Settings {
    /// Settings for `data_dir` with the system clock and defaults (tests adjust the fields).
    pub fn new(data_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            data_dir: data_dir.into(),
            clock: Arc::new(SystemClock),
            server_url: None,
            lock_minutes: None,
            sync_seconds: DEFAULT_SYNC_SECONDS,
            kdf: KdfParams::default(),
        }
    }

    /// Reads the `JOURNAL_*` variables above; a malformed value is an error, not a silent
    /// fallback (a teacher must not type into the wrong day).
    pub fn from_env() -> Result<Settings, ApiError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let data_dir = var(ENV_DATA_DIR)
            .map(PathBuf::from)
            .unwrap_or_else(DataDir::default_root);
        let clock: Arc<dyn Clock> = if let Some(now) = var(ENV_NOW) {
            Arc::new(FixedClock::new(parse_now(&now)?))
        } else if let Some(today) = var(ENV_TODAY) {
            Arc::new(ShiftedDateClock {
                date: parse_date(&today)?,
            })
        } else {
            Arc::new(SystemClock)
        };
        let mut settings = Settings::new(data_dir);
        settings.clock = clock;
        settings.server_url = var(ENV_SERVER_URL).map(|u| u.trim().to_string());
        settings.lock_minutes = var(ENV_LOCK_MINUTES)
            .map(|v| parse_positive(ENV_LOCK_MINUTES, &v))
            .transpose()?;
        if let Some(v) = var(ENV_SYNC_SECONDS) {
            settings.sync_seconds = parse_positive(ENV_SYNC_SECONDS, &v)?.ceil() as u64;
        }
        Ok(settings)
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::new(
            "invalid_today",
            format!("{ENV_TODAY}: ожидается дата в виде ГГГГ-ММ-ДД, получено «{s}»"),
        )
    })
}

fn parse_now(s: &str) -> Result<NaiveDateTime, ApiError> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            ApiError::new(
                "invalid_now",
                format!("{ENV_NOW}: ожидается ГГГГ-ММ-ДДTЧЧ:ММ, получено «{s}»"),
            )
        })
}

fn parse_positive(name: &str, s: &str) -> Result<f64, ApiError> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| {
            ApiError::new(
                "invalid_setting",
                format!("{name}: ожидается положительное число, получено «{s}»"),
            )
        })
}

/// What the app remembers in [`PREFS_FILE`]: the server of the last successful sign-in and the
/// auto-lock setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Prefs {
    #[serde(default)]
    pub server_url: Option<String>,
    #[serde(default)]
    pub lock_minutes: Option<f64>,
}

impl Prefs {
    fn load(data_dir: &Path) -> Prefs {
        // A damaged settings file only loses the remembered address: the defaults still work.
        std::fs::read_to_string(data_dir.join(PREFS_FILE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub(crate) fn save(&self, data_dir: &Path) -> Result<(), ApiError> {
        std::fs::create_dir_all(data_dir)?;
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| ApiError::new("settings_invalid", e.to_string()))?;
        let tmp = data_dir.join(format!("{PREFS_FILE}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, data_dir.join(PREFS_FILE))?;
        Ok(())
    }
}

/// One teacher's opened copy, with the password kept in memory only while it is open: after an
/// offline sign-in the app signs in to the server with it once the server answers.
pub(crate) struct OpenSession {
    pub journal: Journal,
    pub password: String,
}

/// Who, if anyone, has the journal open.
pub(crate) enum Slot {
    SignedOut,
    Open(Box<OpenSession>),
    /// The copy is closed; only who locked it is kept (for the lock screen).
    Locked {
        login: String,
        full_name: String,
    },
}

/// The app's state: the settings, the session slot, and what the last syncs did.
pub(crate) struct Shared {
    pub settings: Settings,
    /// Why the settings could not be read, if so (sign-in shows it instead of crashing).
    pub startup_error: Option<ApiError>,
    pub slot: Mutex<Slot>,
    pub prefs: Mutex<Prefs>,
    pub sync: Mutex<sync_commands::SyncMemory>,
    pub sync_running: AtomicBool,
}

/// The state managed by Tauri (cheap to clone into a blocking task).
#[derive(Clone)]
pub struct AppState {
    pub(crate) shared: Arc<Shared>,
}

fn lock_ignoring_poison<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic inside a use case cannot leave a half-written edit (each is one transaction), so a
    // poisoned lock is safe to reuse.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn not_signed_in() -> ApiError {
    ApiError::new("not_signed_in", "Войдите в журнал: введите логин и пароль")
}

pub(crate) fn app_locked() -> ApiError {
    ApiError::new(
        "app_locked",
        "Журнал заблокирован: введите пароль, чтобы продолжить",
    )
}

impl AppState {
    /// The signed-out app (the sign-in screen comes first).
    pub fn new(settings: Settings) -> AppState {
        let prefs = Prefs::load(&settings.data_dir);
        AppState::build(settings, None, Slot::SignedOut, prefs)
    }

    /// Signed in as the demo teacher on an unencrypted demo copy without a server — for the
    /// mock-runtime tests of the journal's commands.
    pub fn open_demo(settings: &Settings) -> AppState {
        let today = settings.clock.now().date();
        let state = AppState::new(settings.clone());
        let slot = match Journal::open_demo(&settings.data_dir, today) {
            Ok(j) => Slot::Open(Box::new(OpenSession {
                journal: j.with_clock(settings.clock.clone()),
                password: String::new(),
            })),
            Err(e) => {
                return AppState::build(
                    settings.clone(),
                    Some(e),
                    Slot::SignedOut,
                    Prefs::default(),
                )
            }
        };
        *lock_ignoring_poison(&state.shared.slot) = slot;
        state
    }

    fn build(
        settings: Settings,
        startup_error: Option<ApiError>,
        slot: Slot,
        prefs: Prefs,
    ) -> AppState {
        AppState {
            shared: Arc::new(Shared {
                settings,
                startup_error,
                slot: Mutex::new(slot),
                prefs: Mutex::new(prefs),
                sync: Mutex::new(sync_commands::SyncMemory::default()),
                sync_running: AtomicBool::new(false),
            }),
        }
    }

    /// Runs one use case on the signed-in teacher's journal; refused when signed out or locked.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Journal) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut slot = lock_ignoring_poison(&self.shared.slot);
        let mut contact = None;
        let result = match &mut *slot {
            Slot::Open(s) => {
                let before = s.journal.last_contact();
                let r = f(&mut s.journal);
                let after = s.journal.last_contact();
                if after != before {
                    contact = after;
                }
                r
            }
            Slot::Locked { .. } => Err(app_locked()),
            Slot::SignedOut => Err(self
                .shared
                .startup_error
                .clone()
                .unwrap_or_else(not_signed_in)),
        };
        drop(slot);
        // A screen's call that reached the server or found none (messages, notes to parents)
        // shows in the header at once, not only at the next sync.
        if matches!(&result, Err(e) if session_commands::is_unreachable(e)) {
            contact = Some(false);
        }
        if let Some(online) = contact {
            self.sync_memory().set_contact(online);
        }
        result
    }

    pub(crate) fn slot(&self) -> MutexGuard<'_, Slot> {
        lock_ignoring_poison(&self.shared.slot)
    }

    pub(crate) fn prefs(&self) -> MutexGuard<'_, Prefs> {
        lock_ignoring_poison(&self.shared.prefs)
    }

    pub(crate) fn sync_memory(&self) -> MutexGuard<'_, sync_commands::SyncMemory> {
        lock_ignoring_poison(&self.shared.sync)
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    /// The server address to offer: the environment's, else the one of the last sign-in.
    pub(crate) fn default_server_url(&self) -> Option<String> {
        self.settings()
            .server_url
            .clone()
            .or_else(|| self.prefs().server_url.clone())
    }

    /// Minutes of inactivity before the lock: the environment's, else the saved setting.
    pub(crate) fn lock_minutes(&self) -> f64 {
        self.settings()
            .lock_minutes
            .or(self.prefs().lock_minutes)
            .unwrap_or(DEFAULT_LOCK_MINUTES)
    }

    pub(crate) fn is_sync_running(&self) -> bool {
        self.shared.sync_running.load(Ordering::SeqCst)
    }

    /// Marks a sync as running; false if one already is.
    pub(crate) fn begin_sync(&self) -> bool {
        !self.shared.sync_running.swap(true, Ordering::SeqCst)
    }

    pub(crate) fn end_sync(&self) {
        self.shared.sync_running.store(false, Ordering::SeqCst);
    }
}

/// Runs blocking work (Argon2id, SQLCipher, HTTP) off the UI thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new("task_failed", format!("Внутренняя ошибка приложения: {e}")))?
}

/// What the UI needs to know about this session besides the journal's status.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Session {
    /// The day the app treats as today.
    pub today: NaiveDate,
    pub now: NaiveDateTime,
    pub data_dir: String,
    /// The institution server this copy syncs with.
    pub server_url: Option<String>,
    pub login: String,
    pub full_name: String,
    /// Minutes without keyboard or mouse before the app locks.
    pub lock_minutes: f64,
    /// Seconds between background syncs.
    #[ts(type = "number")]
    pub sync_seconds: u64,
}

#[tauri::command]
fn session(state: State<AppState>) -> Result<Session, ApiError> {
    let lock_minutes = state.lock_minutes();
    let fallback_url = state.default_server_url();
    state.with(|j| {
        let user = j.user();
        Ok(Session {
            today: j.now().date(),
            now: j.now(),
            data_dir: state.settings().data_dir.display().to_string(),
            server_url: j.status()?.server_url.or(fallback_url),
            login: user.login,
            full_name: user.full_name,
            lock_minutes,
            sync_seconds: state.settings().sync_seconds,
        })
    })
}

#[tauri::command]
fn status(state: State<AppState>) -> Result<journal_api::Status, ApiError> {
    state.with(|j| j.status())
}

/// The app with its state and commands on top of `base`: `tauri::Builder::default()` for the real
/// app, `tauri::test::mock_builder()` in tests (it carries the invoke key the mock IPC sends).
pub fn builder<R: tauri::Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    let base = base.manage(update_commands::UpdateProgressState::default());
    base.manage(state).invoke_handler(tauri::generate_handler![
        session,
        status,
        journal_commands::today_lessons,
        journal_commands::lesson,
        journal_commands::set_cell,
        journal_commands::set_topic,
        journal_commands::set_homework,
        journal_commands::change_lesson,
        journal_commands::substitutes,
        journal_commands::attendance_groups,
        journal_commands::group_day,
        journal_commands::excuse_day,
        journal_commands::groups,
        journal_commands::loads,
        journal_commands::periods,
        journal_commands::grid,
        journal_commands::set_final,
        journal_commands::lock_period,
        journal_commands::unlock_period,
        journal_commands::makeup_candidates,
        session_commands::sign_in_state,
        session_commands::sign_in,
        session_commands::unlock,
        session_commands::lock,
        session_commands::sign_out,
        session_commands::set_lock_minutes,
        sync_commands::sync_state,
        sync_commands::sync_now,
        sync_commands::conflicts,
        sync_commands::resolve_conflict,
        sync_commands::export_bundle,
        sync_commands::import_bundle_answer,
        sync_commands::push_bundle,
        sync_commands::bundle_defaults,
        help_commands::suggest,
        help_commands::waiting_suggestions,
        help_commands::support_contact,
        remark_commands::remarks,
        remark_commands::resolve_remark,
        remark_commands::answer_remark,
        message_commands::messages,
        message_commands::waiting_messages,
        message_commands::message_thread,
        message_commands::message_recipients,
        message_commands::write_message,
        message_commands::reply_message,
        parent_note_commands::parent_notes,
        parent_note_commands::write_parent_note,
        parent_note_commands::dismiss_parent_note,
        print_commands::print_default_path,
        print_commands::print_document,
        print_commands::report_view,
        print_commands::module_summary,
        print_commands::print_find_student,
        print_commands::verify_printout,
        update_commands::update_check,
        update_commands::update_install,
        update_commands::update_progress,
        update_commands::update_restart,
    ])
}

/// Starts the desktop app.
pub fn run() -> Result<(), String> {
    let state = match Settings::from_env() {
        Ok(settings) => AppState::new(settings),
        Err(e) => AppState::build(
            Settings::new(DataDir::default_root()),
            Some(e),
            Slot::SignedOut,
            Prefs::default(),
        ),
    };
    builder(tauri::Builder::<tauri::Wry>::default(), state)
        .run(tauri::generate_context!())
        .map_err(|e| format!("Не удалось запустить приложение: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ts_rs::TS;

    /// Writes the TypeScript twin of [`Session`] beside journal-api's bindings in `ui/src/bindings/`.
    #[test]
    fn session_binding_is_generated_for_the_ui() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        Session::export_all_to(&dir).expect("export Session.ts");
        session_commands::SignInState::export_all_to(&dir).expect("export SignInState.ts");
        session_commands::SignInOutcome::export_all_to(&dir).expect("export SignInOutcome.ts");
        sync_commands::SyncState::export_all_to(&dir).expect("export SyncState.ts");
        sync_commands::ConflictItem::export_all_to(&dir).expect("export ConflictItem.ts");
        sync_commands::BundlePaths::export_all_to(&dir).expect("export BundlePaths.ts");
        for name in ["SignInState", "SyncState", "ConflictItem", "BundlePaths"] {
            assert!(
                dir.join(format!("{name}.ts")).exists(),
                "{name}.ts is generated for the UI"
            );
        }
        let text = std::fs::read_to_string(dir.join("Session.ts")).expect("Session.ts written");
        assert!(
            text.contains("export type Session") && text.contains("today: string"),
            "the UI gets the session with its date as a string:\n{text}"
        );
    }

    #[test]
    fn today_must_be_a_date() {
        assert!(parse_date("2026-10-05").is_ok(), "ISO dates are accepted");
        let err =
            parse_date("05.10.2026").expect_err("a Russian-style date is refused, not guessed");
        assert_eq!(err.code, "invalid_today", "the refusal has a stable code");
    }

    #[test]
    fn now_accepts_minutes_or_seconds() {
        assert!(parse_now("2026-10-05T10:30").is_ok(), "minutes suffice");
        assert!(
            parse_now("2026-10-05T10:30:15").is_ok(),
            "seconds are accepted"
        );
        assert_eq!(
            parse_now("завтра").map_err(|e| e.code),
            Err("invalid_now".to_string()),
            "anything else is refused with a code"
        );
    }
}
