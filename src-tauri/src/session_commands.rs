//! Sign-in on a shared PC: the sign-in screen's facts, online sign-in when the server answers and
//! offline sign-in (opening the teacher's own encrypted copy) when it does not, lock and unlock,
//! switching user. The work is journal-api's (`Journal::sign_in_online_with`,
//! `Journal::sign_in_offline`); this module only decides which to call and keeps the session slot.

use crate::{blocking, not_signed_in, AppState, OpenSession, Slot};
use journal_api::{ApiError, Journal};
use serde::Serialize;
use tauri::State;

/// What the sign-in (or lock) screen shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SignInState {
    /// Teachers with a local copy on this PC, for a quick choice.
    pub local_users: Vec<String>,
    /// The server address to offer.
    pub server_url: Option<String>,
    /// Someone's journal is open.
    pub signed_in: bool,
    /// The app is locked by this login (its copy is closed).
    pub locked_login: Option<String>,
    pub locked_name: Option<String>,
    /// Why the app could not start normally (a malformed setting), shown on the screen.
    pub startup_error: Option<ApiError>,
}

/// How a sign-in went.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SignInOutcome {
    pub login: String,
    pub full_name: String,
    /// Signed in through the server (false: opened the local copy without network).
    pub online: bool,
    /// A note for the teacher (e.g. why this is an offline sign-in).
    pub notice: Option<String>,
    /// The copy was found damaged and rescued: what was kept, rescued and lost.
    pub rescue: Option<journal_api::RescueReport>,
}

impl AppState {
    pub(crate) fn sign_in_state(&self) -> Result<SignInState, ApiError> {
        let (signed_in, locked_login, locked_name) = match &*self.slot() {
            Slot::Open(_) => (true, None, None),
            Slot::Locked { login, full_name } => {
                (false, Some(login.clone()), Some(full_name.clone()))
            }
            Slot::SignedOut => (false, None, None),
        };
        Ok(SignInState {
            local_users: Journal::local_users(&self.settings().data_dir)?,
            server_url: self.default_server_url(),
            signed_in,
            locked_login,
            locked_name,
            startup_error: self.shared.startup_error.clone(),
        })
    }

    /// Signs `login` in: through the server at `server_url` (or the default one) when it answers,
    /// else by opening the local copy with the password. Whatever copy was open is closed first,
    /// so two teachers' data are never in memory together. On failure a locked session stays
    /// locked (its owner can still unlock it).
    pub(crate) fn sign_in(
        &self,
        login: &str,
        password: &str,
        server_url: Option<&str>,
    ) -> Result<SignInOutcome, ApiError> {
        if let Some(e) = &self.shared.startup_error {
            return Err(e.clone());
        }
        let login = login.trim();
        if login.is_empty() {
            return Err(ApiError::invalid_input("Введите логин"));
        }
        if password.is_empty() {
            return Err(ApiError::invalid_input("Введите пароль"));
        }
        journal_api::layout::check_login(login)?;
        let server_url = server_url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .or_else(|| self.default_server_url());

        // Close the open copy (switching user); keep a lock screen's owner if this attempt fails.
        let previous = {
            let mut slot = self.slot();
            match std::mem::replace(&mut *slot, Slot::SignedOut) {
                Slot::Open(_) => Slot::SignedOut,
                other => other,
            }
        };
        self.sync_memory().forget();
        match self.open_copy(login, password, server_url.as_deref()) {
            Ok((journal, online, notice)) => {
                let user = journal.user();
                let rescue = journal.rescue_report().cloned();
                *self.slot() = Slot::Open(Box::new(OpenSession {
                    journal,
                    password: password.to_string(),
                }));
                self.sync_memory().set_contact(online);
                Ok(SignInOutcome {
                    login: user.login,
                    full_name: user.full_name,
                    online,
                    notice,
                    rescue,
                })
            }
            Err(e) => {
                *self.slot() = previous;
                Err(e)
            }
        }
    }

    fn open_copy(
        &self,
        login: &str,
        password: &str,
        server_url: Option<&str>,
    ) -> Result<(Journal, bool, Option<String>), ApiError> {
        let settings = self.settings();
        let dir = &settings.data_dir;
        let clock = settings.clock.clone();
        let Some(url) = server_url else {
            let j = Journal::sign_in_offline(dir, login, password)?;
            return Ok((j.with_clock(clock), false, None));
        };
        match Journal::sign_in_online_with(dir, url, login, password, settings.kdf) {
            Ok(j) => {
                let mut prefs = self.prefs();
                if prefs.server_url.as_deref() != Some(url) {
                    prefs.server_url = Some(url.to_string());
                    // Not remembering the address only costs retyping it: the sign-in stands.
                    let _ = prefs.save(dir);
                }
                Ok((j.with_clock(clock), true, None))
            }
            Err(e) if is_unreachable(&e) => match Journal::sign_in_offline(dir, login, password) {
                Ok(mut j) => {
                    j.set_server_url(url);
                    Ok((
                        j.with_clock(clock),
                        false,
                        Some(format!(
                            "Сервер {url} не отвечает: открыта локальная копия на этом компьютере. Изменения будут отправлены, когда связь появится"
                        )),
                    ))
                }
                Err(e) if e.code == "no_local_copy" => Err(ApiError::new(
                    "no_local_copy_offline",
                    format!(
                        "Нет связи с сервером {url}, а локальной копии журнала пользователя {login} на этом компьютере нет. Войдите, когда появится связь с сервером"
                    ),
                )),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Closes the copy and keeps only who locked it.
    pub(crate) fn lock(&self) -> Result<(), ApiError> {
        let mut slot = self.slot();
        match std::mem::replace(&mut *slot, Slot::SignedOut) {
            Slot::Open(s) => {
                let user = s.journal.user();
                *slot = Slot::Locked {
                    login: user.login,
                    full_name: user.full_name,
                };
                // `s` (the decrypted copy and the password) is dropped here.
                Ok(())
            }
            Slot::Locked { login, full_name } => {
                *slot = Slot::Locked { login, full_name };
                Ok(())
            }
            Slot::SignedOut => Err(not_signed_in()),
        }
    }

    /// Opens the locked teacher's copy again with their password.
    pub(crate) fn unlock(&self, password: &str) -> Result<SignInOutcome, ApiError> {
        let login = match &*self.slot() {
            Slot::Locked { login, .. } => login.clone(),
            Slot::Open(_) => return Err(ApiError::new("not_locked", "Журнал не заблокирован")),
            Slot::SignedOut => return Err(not_signed_in()),
        };
        self.sign_in(&login, password, None)
    }

    /// «Сменить пользователя»: closes the copy; the sign-in screen follows.
    pub(crate) fn sign_out(&self) {
        *self.slot() = Slot::SignedOut;
        self.sync_memory().forget();
    }
}

/// The server did not answer (as opposed to answering «no»).
pub(crate) fn is_unreachable(e: &ApiError) -> bool {
    matches!(e.code.as_str(), "server_unreachable" | "http_client_failed")
}

#[tauri::command]
pub fn sign_in_state(state: State<AppState>) -> Result<SignInState, ApiError> {
    state.sign_in_state()
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    login: String,
    password: String,
    server_url: Option<String>,
) -> Result<SignInOutcome, ApiError> {
    let state = state.inner().clone();
    blocking(move || state.sign_in(&login, &password, server_url.as_deref())).await
}

#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    password: String,
) -> Result<SignInOutcome, ApiError> {
    let state = state.inner().clone();
    blocking(move || state.unlock(&password)).await
}

#[tauri::command]
pub fn lock(state: State<AppState>) -> Result<(), ApiError> {
    state.lock()
}

#[tauri::command]
pub fn sign_out(state: State<AppState>) {
    state.sign_out()
}

/// Saves the auto-lock setting (whole minutes, 1–240) and returns the minutes now in force (an
/// environment override wins).
#[tauri::command]
pub fn set_lock_minutes(state: State<AppState>, minutes: u32) -> Result<f64, ApiError> {
    if !(1..=240).contains(&minutes) {
        return Err(ApiError::invalid_input(
            "Время до блокировки: от 1 до 240 минут",
        ));
    }
    {
        let mut prefs = state.prefs();
        prefs.lock_minutes = Some(f64::from(minutes));
        prefs.save(&state.settings().data_dir)?;
    }
    Ok(state.lock_minutes())
}
