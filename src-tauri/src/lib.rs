//! journal-app: the teacher's desktop app — a thin Tauri shell over journal-api.
//!
//! Every command is a one-liner into [`journal_api::Journal`]; the app holds no rules. Errors cross
//! to the UI as journal-api's `ApiError` `{code, message}`. Where the local copy lives and which day
//! is "today" come from the environment (see [`Settings`]), so `make run`, the e2e tests and a
//! teacher's PC open the app the same way.

use chrono::{NaiveDate, NaiveDateTime};
use journal_api::{
    ApiError, Clock, DataDir, FixedClock, Journal, ShiftedDateClock, Status, SystemClock,
};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::State;

pub mod journal_commands;
pub mod print_commands;

/// Where the local copy lives: this directory (default: the per-user data dir of journal-api).
pub const ENV_DATA_DIR: &str = "JOURNAL_DATA_DIR";
/// The day the app treats as today (`YYYY-MM-DD`), with the computer's time of day — for demos.
pub const ENV_TODAY: &str = "JOURNAL_TODAY";
/// A fixed "now" (`YYYY-MM-DDTHH:MM[:SS]`) — for tests that need deadlines to be stable.
pub const ENV_NOW: &str = "JOURNAL_NOW";

/// How the app was started: data dir and clock, read once from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
}

impl Settings {
    /// Reads [`ENV_DATA_DIR`], [`ENV_NOW`] and [`ENV_TODAY`]; a malformed date is an error, not a
    /// silent fallback to the real date (a teacher must not type into the wrong day).
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
        Ok(Settings { data_dir, clock })
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

/// The opened local copy, or why it could not be opened (shown by the UI instead of a crash).
pub struct AppState {
    journal: Mutex<Result<Journal, ApiError>>,
    data_dir: PathBuf,
}

impl AppState {
    /// Opens (creating if missing) the demo teacher's copy; sign-in comes with the full app.
    pub fn open_demo(settings: &Settings) -> AppState {
        let today = settings.clock.now().date();
        let journal = Journal::open_demo(&settings.data_dir, today)
            .map(|j| j.with_clock(settings.clock.clone()));
        AppState {
            journal: Mutex::new(journal),
            data_dir: settings.data_dir.clone(),
        }
    }

    /// Runs one use case on the opened journal.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Journal) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        // A panic inside a use case cannot leave a half-written edit (each is one transaction), so
        // a poisoned lock is safe to reuse.
        let mut guard = self.journal.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Ok(journal) => f(journal),
            Err(e) => Err(e.clone()),
        }
    }
}

/// What the UI needs to know about this session besides the journal's status.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Session {
    /// The day the app treats as today.
    pub today: NaiveDate,
    pub now: NaiveDateTime,
    pub data_dir: String,
    /// The institution server this copy syncs with; None until sign-in against a server exists.
    pub server_url: Option<String>,
}

#[tauri::command]
fn session(state: State<AppState>) -> Result<Session, ApiError> {
    state.with(|j| {
        Ok(Session {
            today: j.now().date(),
            now: j.now(),
            data_dir: state.data_dir.display().to_string(),
            server_url: None,
        })
    })
}

#[tauri::command]
fn status(state: State<AppState>) -> Result<Status, ApiError> {
    state.with(|j| j.status())
}

/// The app with its state and commands on top of `base`: `tauri::Builder::default()` for the real
/// app, `tauri::test::mock_builder()` in tests (it carries the invoke key the mock IPC sends).
pub fn builder<R: tauri::Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.manage(state).invoke_handler(tauri::generate_handler![
        session,
        status,
        journal_commands::today_lessons,
        journal_commands::lesson,
        journal_commands::set_cell,
        journal_commands::set_topic,
        journal_commands::set_homework,
        journal_commands::groups,
        journal_commands::loads,
        journal_commands::periods,
        journal_commands::grid,
        journal_commands::set_final,
        journal_commands::lock_period,
        journal_commands::makeup_candidates,
        print_commands::print_default_path,
        print_commands::print_document,
        print_commands::print_find_student,
        print_commands::verify_printout,
    ])
}

/// Starts the desktop app.
pub fn run() -> Result<(), String> {
    let state = match Settings::from_env() {
        Ok(settings) => AppState::open_demo(&settings),
        Err(e) => AppState {
            journal: Mutex::new(Err(e)),
            data_dir: DataDir::default_root(),
        },
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
