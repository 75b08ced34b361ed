//! Sync as the teacher sees it: the state always shown in the header (online or not, pending
//! edits, last sync, conflicts), a sync on demand or in the background, the conflicts and refusals
//! with the actions on them, and file bundles for a PC without network.
//!
//! A sync holds the journal for its duration (`Journal::sync` takes `&mut self`), so it runs on a
//! blocking task and [`sync_state`] answers from what it remembers instead of waiting for it.
//! After an offline sign-in the copy has no server session: once the server answers, the app signs
//! in to it with the password kept for the open session, then syncs.

use crate::session_commands::is_unreachable;
use crate::{app_locked, blocking, not_signed_in, AppState, Slot};
use chrono::NaiveDateTime;
use journal_api::{ApiError, ConflictAction, ConflictView, Journal, SyncReport};
use journal_protocol::OpPayload;
use serde::Serialize;
use std::path::PathBuf;
use tauri::State;

/// What the app remembers about syncing this session (reset on sign-in and sign-out).
#[derive(Debug, Clone, Default)]
pub struct SyncMemory {
    /// Last contact: the server answered (true) or not (false); None = not tried yet.
    contact: Option<bool>,
    /// Edits being sent by the running sync.
    sending: Option<u64>,
    last_report: Option<SyncReport>,
    last_error: Option<ApiError>,
    last_attempt_at: Option<NaiveDateTime>,
    /// The server refused the kept password (changed elsewhere): no more automatic sign-ins,
    /// which would only lock the account.
    reconnect_refused: bool,
    /// The counts as of the last look, shown while a sync holds the journal.
    cached: Option<Counts>,
    /// Unread messages as of the last sync or the last look at «Сообщения» (None: not known).
    pub(crate) unread_messages: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Counts {
    pending: u64,
    conflicts: u64,
    last_sync: Option<NaiveDateTime>,
}

impl SyncMemory {
    pub(crate) fn forget(&mut self) {
        *self = SyncMemory::default();
    }

    pub(crate) fn set_contact(&mut self, online: bool) {
        self.contact = Some(online);
    }
}

/// The header's sync line.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SyncState {
    pub signed_in: bool,
    /// Last contact with the server: true = answered, false = not, None = not tried yet.
    pub online: Option<bool>,
    /// A sync is running now.
    pub running: bool,
    /// Edits the running sync is sending.
    #[ts(type = "number | null")]
    pub sending: Option<u64>,
    /// Edits not yet accepted by the server.
    #[ts(type = "number")]
    pub pending: u64,
    /// Open conflicts and refusals.
    #[ts(type = "number")]
    pub conflicts: u64,
    /// Last successful sync.
    pub last_sync: Option<NaiveDateTime>,
    pub last_report: Option<SyncReport>,
    /// Why the last sync did not finish (no network, a refused sign-in…).
    pub last_error: Option<ApiError>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub server_url: Option<String>,
    /// Seconds between background syncs.
    #[ts(type = "number")]
    pub sync_seconds: u64,
    /// Unread messages (the menu's «Сообщения» count); null when the server was not asked yet.
    pub unread_messages: Option<u32>,
}

/// A conflict or refusal as the conflicts screen shows it: the stored record and, in Russian,
/// what it concerns and both values.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ConflictItem {
    pub conflict: ConflictView,
    /// «Отметка», «Тема урока», «Домашнее задание», «Итоговая отметка», «Закрытие периода»…
    pub what: String,
    /// The lesson (date, bell, subject, group) or the subject and group, when the copy has it.
    pub place: Option<String>,
    pub student: Option<String>,
    pub local_text: String,
    pub server_text: Option<String>,
}

/// Default paths for bundle files (the data dir's `bundles/` folder).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BundlePaths {
    pub export_path: String,
    pub answer_path: String,
}

impl AppState {
    pub(crate) fn sync_state(&self) -> SyncState {
        let running = self.is_sync_running();
        // While a sync holds the journal the header shows the last known counts.
        let looked = match self.shared.slot.try_lock() {
            Ok(slot) => match &*slot {
                Slot::Open(s) => Some(s.journal.status().map(|st| {
                    (
                        Counts {
                            pending: st.pending_ops,
                            conflicts: st.conflicts,
                            last_sync: st.last_sync,
                        },
                        st.server_url,
                    )
                })),
                _ => None,
            },
            Err(_) => Some(Err(ApiError::new("busy", "занято"))),
        };
        let signed_in = looked.is_some();
        let mut memory = self.sync_memory();
        let server_url = match looked {
            Some(Ok((counts, url))) => {
                memory.cached = Some(counts);
                url
            }
            _ => None,
        }
        .or_else(|| self.default_server_url());
        let counts = memory.cached.unwrap_or(Counts {
            pending: 0,
            conflicts: 0,
            last_sync: None,
        });
        SyncState {
            signed_in,
            online: memory.contact,
            running,
            sending: if running { memory.sending } else { None },
            pending: counts.pending,
            conflicts: counts.conflicts,
            last_sync: counts.last_sync,
            last_report: memory.last_report.clone(),
            last_error: memory.last_error.clone(),
            last_attempt_at: memory.last_attempt_at,
            server_url,
            sync_seconds: self.settings().sync_seconds,
            unread_messages: memory.unread_messages,
        }
    }

    /// One sync: sign in to the server first if this session has none, then push and pull. The
    /// outcome (or why it failed) is remembered for the header; a second sync while one runs
    /// only reports the running one.
    pub(crate) fn sync_now(&self) -> Result<SyncState, ApiError> {
        if !self.begin_sync() {
            return Ok(self.sync_state());
        }
        let result = self.run_sync();
        self.end_sync();
        let now = self.settings().clock.now();
        {
            let mut memory = self.sync_memory();
            memory.sending = None;
            memory.last_attempt_at = Some(now);
            match &result {
                Ok(report) => {
                    memory.contact = Some(true);
                    memory.last_report = Some(report.clone());
                    memory.last_error = None;
                }
                Err(e) if e.code == "not_signed_in" || e.code == "app_locked" => {}
                Err(e) => {
                    if is_unreachable(e) {
                        memory.contact = Some(false);
                    } else if matches!(e.code.as_str(), "bad_credentials" | "login_locked") {
                        memory.reconnect_refused = true;
                    }
                    memory.last_error = Some(e.clone());
                }
            }
        }
        match result {
            Err(e) if e.code == "not_signed_in" || e.code == "app_locked" => Err(e),
            _ => Ok(self.sync_state()),
        }
    }

    fn run_sync(&self) -> Result<SyncReport, ApiError> {
        let (login, password, url, has_session, pending) = {
            let slot = self.slot();
            match &*slot {
                Slot::Open(s) => {
                    let status = s.journal.status()?;
                    (
                        s.journal.user().login,
                        s.password.clone(),
                        status.server_url.or_else(|| self.default_server_url()),
                        s.journal.is_online_session(),
                        status.pending_ops,
                    )
                }
                Slot::Locked { .. } => return Err(app_locked()),
                Slot::SignedOut => return Err(not_signed_in()),
            }
        };
        self.sync_memory().sending = Some(pending);
        if !has_session {
            self.reconnect(&login, &password, url.as_deref())?;
        }
        let report = match self.with(|j| j.sync()) {
            Err(e) if e.code == "session_expired" => {
                self.reconnect(&login, &password, url.as_deref())?;
                self.with(|j| j.sync())
            }
            other => other,
        }?;
        // The menu's count comes with each sync; a failed look keeps the last known one.
        if let Ok(n) = self.with(|j| j.unread_messages()) {
            self.sync_memory().unread_messages = Some(n);
        }
        Ok(report)
    }

    /// Signs in to the server with the open session's password (without holding the journal,
    /// so the teacher keeps working) and swaps the new session in if the same teacher is still
    /// signed in.
    fn reconnect(&self, login: &str, password: &str, url: Option<&str>) -> Result<(), ApiError> {
        if self.sync_memory().reconnect_refused {
            return Err(ApiError::new(
                "reconnect_refused",
                "Сервер не принял пароль этого сеанса: выйдите («Сменить пользователя») и войдите снова с подключением к серверу",
            ));
        }
        let Some(url) = url else {
            return Err(ApiError::new(
                "no_server_url",
                "Адрес сервера журнала не задан: укажите его при входе",
            ));
        };
        if password.is_empty() {
            return Err(ApiError::new(
                "not_signed_in_online",
                "Для синхронизации войдите с подключением к серверу",
            ));
        }
        let settings = self.settings();
        let fresh =
            Journal::sign_in_online_with(&settings.data_dir, url, login, password, settings.kdf)?
                .with_clock(settings.clock.clone());
        let mut slot = self.slot();
        match &mut *slot {
            Slot::Open(s) if s.journal.user().login == login => {
                s.journal = fresh;
                Ok(())
            }
            Slot::Open(_) | Slot::SignedOut => Err(not_signed_in()),
            Slot::Locked { .. } => Err(app_locked()),
        }
    }

    pub(crate) fn conflict_items(&self) -> Result<Vec<ConflictItem>, ApiError> {
        self.with(|j| {
            let views = j.conflicts()?;
            Ok(views.into_iter().map(|c| describe(j, c)).collect())
        })
    }

    pub(crate) fn bundle_paths(&self) -> Result<BundlePaths, ApiError> {
        let login = self.with(|j| Ok(j.user().login))?;
        let dir = self.settings().data_dir.join("bundles");
        Ok(BundlePaths {
            export_path: dir
                .join(format!("{login}-bundle.json"))
                .display()
                .to_string(),
            answer_path: dir
                .join(format!("{login}-answer.json"))
                .display()
                .to_string(),
        })
    }
}

/// Russian words for the stored conflict: the edit's kind, its lesson and student, both values.
fn describe(j: &Journal, conflict: ConflictView) -> ConflictItem {
    let local: Option<OpPayload> = serde_json::from_value(conflict.local_value.clone()).ok();
    let (what, place, student, local_text) = match &local {
        Some(p) => {
            let (place, student) = place_of(j, p);
            (kind_ru(p).to_string(), place, student, payload_text(p))
        }
        None => (
            "Изменение".to_string(),
            None,
            None,
            conflict.local_value.to_string(),
        ),
    };
    let server_text = conflict
        .server_value
        .as_ref()
        .map(|v| value_text(v, local.as_ref()));
    ConflictItem {
        conflict,
        what,
        place,
        student,
        local_text,
        server_text,
    }
}

fn kind_ru(p: &OpPayload) -> &'static str {
    match p {
        OpPayload::SetCell { .. } => "Отметка",
        OpPayload::SetTopic { .. } => "Тема урока",
        OpPayload::SetHomework { .. } => "Домашнее задание",
        OpPayload::SetFinal { .. } => "Итоговая отметка",
        OpPayload::LockPeriod { .. } => "Закрытие периода",
        OpPayload::UnlockPeriod { .. } => "Открытие периода для исправления",
        OpPayload::ResolveRemark { .. }
        | OpPayload::AnswerRemark { .. }
        | OpPayload::RemarkState { .. } => "Замечание",
        OpPayload::ChangeLesson { .. } => "Изменение урока",
    }
}

fn place_of(j: &Journal, p: &OpPayload) -> (Option<String>, Option<String>) {
    let lesson_place = |lesson_id, student_id: Option<journal_core::StudentId>| {
        let Ok(d) = j.lesson(lesson_id) else {
            return (None, None);
        };
        let s = &d.summary;
        let group = match &s.subgroup_name {
            Some(sub) => format!("{}, {sub}", s.group_name),
            None => s.group_name.clone(),
        };
        let place = format!(
            "{}, {} урок, {}, {}",
            s.date.format("%d.%m.%Y"),
            s.bell_number,
            s.subject_name,
            group
        );
        let student = student_id.and_then(|id| {
            d.students
                .iter()
                .find(|r| r.student_id == id)
                .map(|r| r.full_name.clone())
        });
        (Some(place), student)
    };
    let load_place = |load_id| {
        j.loads().ok().and_then(|ls| {
            ls.into_iter()
                .find(|l| l.id == load_id)
                .map(|l| format!("{}, {}", l.subject_name, l.group_name))
        })
    };
    match p {
        OpPayload::SetCell {
            lesson_id,
            student_id,
            ..
        } => lesson_place(*lesson_id, Some(*student_id)),
        OpPayload::SetTopic { lesson_id, .. }
        | OpPayload::SetHomework { lesson_id, .. }
        | OpPayload::ChangeLesson { lesson_id, .. } => lesson_place(*lesson_id, None),
        OpPayload::SetFinal { load_id, .. }
        | OpPayload::LockPeriod { load_id, .. }
        | OpPayload::UnlockPeriod { load_id, .. } => (load_place(*load_id), None),
        OpPayload::RemarkState { remark } => (load_place(remark.load_id), None),
        OpPayload::ResolveRemark { .. } | OpPayload::AnswerRemark { .. } => (None, None),
    }
}

fn payload_text(p: &OpPayload) -> String {
    let or_empty = |s: String| {
        if s.trim().is_empty() {
            "(пусто)".to_string()
        } else {
            s
        }
    };
    match p {
        OpPayload::SetCell { value, .. } => or_empty(value.symbol()),
        OpPayload::SetTopic { hour, title, .. } => format!("{hour} ч: {}", or_empty(title.clone())),
        OpPayload::SetHomework { text, .. } => or_empty(text.clone()),
        OpPayload::SetFinal { value, .. } => match value {
            Some(v) => serde_json::to_value(v)
                .map(|v| value_text(&v, None))
                .unwrap_or_default(),
            None => "(пусто)".to_string(),
        },
        OpPayload::LockPeriod { .. } => "период закрыт".to_string(),
        OpPayload::UnlockPeriod { reason, .. } => format!("открыт для исправления: {reason}"),
        OpPayload::ResolveRemark { .. } => "устранено".to_string(),
        OpPayload::AnswerRemark { answer, .. } => format!("устранено: {answer}"),
        OpPayload::RemarkState { remark } => remark.state().name_ru().to_string(),
        // The substitute is named by id here: the conflict list names the lesson beside it.
        OpPayload::ChangeLesson { change, .. } => {
            change.describe(|_| "другой преподаватель".into())
        }
    }
}

/// The server's value: a whole edit, a cell value, or plain JSON shown as it is.
fn value_text(v: &serde_json::Value, local: Option<&OpPayload>) -> String {
    if let Ok(p) = serde_json::from_value::<OpPayload>(v.clone()) {
        return payload_text(&p);
    }
    if let Some(OpPayload::SetCell { .. }) = local {
        if let Ok(c) = serde_json::from_value::<journal_core::CellValue>(v.clone()) {
            return if c.is_empty() {
                "(пусто)".to_string()
            } else {
                c.symbol()
            };
        }
    }
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "(пусто)".to_string(),
        other => other.to_string(),
    }
}

fn non_empty_path(path: &str) -> Result<PathBuf, ApiError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(ApiError::invalid_input("Укажите путь к файлу"));
    }
    Ok(PathBuf::from(path))
}

#[tauri::command]
pub fn sync_state(state: State<AppState>) -> SyncState {
    state.sync_state()
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncState, ApiError> {
    let state = state.inner().clone();
    blocking(move || state.sync_now()).await
}

#[tauri::command]
pub fn conflicts(state: State<AppState>) -> Result<Vec<ConflictItem>, ApiError> {
    state.conflict_items()
}

#[tauri::command]
pub fn resolve_conflict(
    state: State<AppState>,
    id: i64,
    action: ConflictAction,
) -> Result<(), ApiError> {
    state.with(|j| j.resolve_conflict(id, action))
}

#[tauri::command]
pub fn bundle_defaults(state: State<AppState>) -> Result<BundlePaths, ApiError> {
    state.bundle_paths()
}

/// Writes this PC's unsent edits into `path`; returns how many.
#[tauri::command]
pub fn export_bundle(state: State<AppState>, path: String) -> Result<u64, ApiError> {
    let path = non_empty_path(&path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(ApiError::from)?;
    }
    state.with(|j| j.export_bundle(&path))
}

#[tauri::command]
pub async fn import_bundle_answer(
    state: State<'_, AppState>,
    path: String,
) -> Result<SyncReport, ApiError> {
    let path = non_empty_path(&path)?;
    let state = state.inner().clone();
    blocking(move || state.with(|j| j.import_bundle_answer(&path))).await
}

/// On a PC with network: sends another PC's bundle for the same teacher and writes the answer.
#[tauri::command]
pub async fn push_bundle(
    state: State<'_, AppState>,
    bundle: String,
    answer: String,
) -> Result<SyncReport, ApiError> {
    let bundle = non_empty_path(&bundle)?;
    let answer = non_empty_path(&answer)?;
    let state = state.inner().clone();
    blocking(move || state.with(|j| j.push_bundle(&bundle, &answer))).await
}
