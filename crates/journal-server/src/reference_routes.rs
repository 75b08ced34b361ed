//! Reference data the institution keeps itself, over HTTP: the work regime (a five- or six-day week,
//! the shifts) with each shift's bell schedule (`GET|PUT /api/v1/admin/regime`), subjects with their
//! short names and grading scale (`GET|POST /api/v1/admin/subjects`, `PUT …/subjects/{id}`) and
//! rooms (`GET|POST /api/v1/admin/rooms`, `PUT …/rooms/{id}`: rename, deactivate). A rename keeps
//! the id; names refuse control and private-use characters, and a clash is refused naming what it
//! clashes with. Journal-core's `ManageYear` decides who changes them (whoever reads the whole
//! institution reads them); every change is audited with the old and the new value and raises the
//! reference_version, so a device gets them with its next snapshot.

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::NaiveTime;
use journal_core::{Action, GradingScale, RoomId, SubjectId};
use journal_protocol::{Bell, Room, Snapshot, Subject, SubjectKind, WorkRegime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin_access::{permitted, reference_change_turn};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/regime", get(read_regime).put(set_regime))
        .route(
            "/api/v1/admin/subjects",
            get(list_subjects).post(create_subject),
        )
        .route("/api/v1/admin/subjects/{id}", put(change_subject))
        .route("/api/v1/admin/rooms", get(list_rooms).post(create_room))
        .route("/api/v1/admin/rooms/{id}", put(change_room))
}

const READ_REFUSAL: &str = "Справочники учреждения видят администрация и администратор";
const WRITE_REFUSAL: &str = "Справочники учреждения ведёт администратор";
const MAX_NAME_CHARS: usize = 200;

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn conflict(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// Refuses a name that is empty, too long (`invalid_name`), or has control or private-use characters
/// (`forbidden_character`: they come from copying out of other programs and print as nothing or as
/// boxes). `what` names the field.
pub fn check_name_text(text: &str, what: &str) -> Result<(), ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(bad("invalid_name", format!("{what}: укажите значение")));
    }
    if t.chars().count() > MAX_NAME_CHARS {
        return Err(bad(
            "invalid_name",
            format!("{what}: не длиннее {MAX_NAME_CHARS} символов"),
        ));
    }
    crate::error::refuse_forbidden_chars(t, what)?;
    Ok(())
}

/// Spaces tidied: the form a name is kept in.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key two names clash on: case, «ё»/«е» and spacing do not tell them apart.
fn name_key(text: &str) -> String {
    tidy(text).to_lowercase().replace('ё', "е")
}

// ---- the work regime and the bells

/// One line of a shift's bell schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BellLine {
    /// The shift (смена), from 1.
    pub shift: u8,
    /// The lesson's (pair's) number in the day, from 1.
    pub number: u8,
    /// «08:30»
    #[schema(value_type = String, example = "08:30")]
    pub starts: NaiveTime,
    #[schema(value_type = String, example = "09:15")]
    pub ends: NaiveTime,
}

/// The work regime with the bell schedules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    /// 5 or 6 (пятидневная или шестидневная учебная неделя).
    pub days_per_week: u8,
    /// 1 or 2 (смены).
    pub shifts: u8,
    /// Every shift's lessons, each shift in the order of its lessons.
    pub bells: Vec<BellLine>,
}

fn regime_of(snap: &Snapshot) -> Regime {
    let mut bells: Vec<BellLine> = snap
        .bells
        .iter()
        .chain(&snap.later_shift_bells)
        .map(|b| BellLine {
            shift: b.shift,
            number: b.number,
            starts: b.starts,
            ends: b.ends,
        })
        .collect();
    bells.sort_by_key(|b| (b.shift, b.number));
    Regime {
        days_per_week: snap.institution.regime.days_per_week,
        shifts: snap.institution.regime.shifts,
        bells,
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Checks the regime: a five- or six-day week, one or two shifts, each shift's lessons numbered
/// 1, 2, … in order of time, each ending after it starts and before the next starts; a lesson number
/// the timetable uses stays. Gives the bells to store (first shift first).
pub fn check_regime(input: &Regime, current: &Snapshot) -> Result<Vec<Bell>, ApiError> {
    if !(5..=6).contains(&input.days_per_week) {
        return Err(bad(
            "invalid_work_week",
            "Учебная неделя — пятидневная или шестидневная (5 или 6 дней)",
        ));
    }
    if !(1..=2).contains(&input.shifts) {
        return Err(bad("invalid_shifts", "Смен может быть одна или две"));
    }
    let mut by_shift: BTreeMap<u8, Vec<&BellLine>> = BTreeMap::new();
    for b in &input.bells {
        if b.shift < 1 || b.shift > input.shifts {
            return Err(bad(
                "invalid_bell_shift",
                format!(
                    "Звонок на {} урок указан для {} смены, а смен {}",
                    b.number, b.shift, input.shifts
                ),
            ));
        }
        by_shift.entry(b.shift).or_default().push(b);
    }
    let mut bells = Vec::with_capacity(input.bells.len());
    for shift in 1..=input.shifts {
        let Some(lines) = by_shift.get_mut(&shift) else {
            return Err(bad(
                "empty_bell_schedule",
                format!("Укажите расписание звонков {shift} смены"),
            ));
        };
        lines.sort_by_key(|b| b.number);
        let mut prev: Option<&BellLine> = None;
        for (i, b) in lines.iter().enumerate() {
            if usize::from(b.number) != i + 1 {
                return Err(bad(
                    "bell_numbers",
                    format!(
                        "{shift} смена: уроки нумеруются подряд с 1; вместо {} указан {}",
                        i + 1,
                        b.number
                    ),
                ));
            }
            if b.starts >= b.ends {
                return Err(bad(
                    "invalid_bell_times",
                    format!(
                        "{shift} смена, {} урок: начало ({}) должно быть раньше конца ({})",
                        b.number,
                        hm(b.starts),
                        hm(b.ends)
                    ),
                ));
            }
            if let Some(p) = prev {
                if b.starts < p.ends {
                    return Err(bad(
                        "bells_overlap",
                        format!(
                            "{shift} смена: {} урок начинается в {}, раньше, чем заканчивается {} урок ({})",
                            b.number,
                            hm(b.starts),
                            p.number,
                            hm(p.ends)
                        ),
                    ));
                }
            }
            prev = Some(b);
            bells.push(Bell {
                number: b.number,
                starts: b.starts,
                ends: b.ends,
                shift,
            });
        }
    }
    let numbers: HashSet<u8> = bells.iter().map(|b| b.number).collect();
    if let Some(l) = current
        .lessons
        .iter()
        .find(|l| !numbers.contains(&l.bell_number))
    {
        return Err(conflict(
            "bell_in_use",
            format!(
                "В расписании занятий есть {} урок ({}), а в звонках его нет: добавьте его время",
                l.bell_number,
                l.date.format("%d.%m.%Y")
            ),
        ));
    }
    Ok(bells)
}

// ---- subjects

/// A subject as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectRow {
    #[schema(value_type = String, format = "uuid")]
    pub id: SubjectId,
    pub name: String,
    pub short_name: String,
    /// discipline, mdk, module, practice, extracurricular (внеурочная деятельность)
    #[schema(value_type = String)]
    pub kind: SubjectKind,
    /// five_point, pass_fail, five_point_or_pass_fail, ungraded
    #[schema(value_type = String)]
    pub grading: GradingScale,
    /// The профессиональный модуль of an МДК or a practice (a subject of kind module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub module_id: Option<SubjectId>,
}

/// A subject to create or its new state.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    pub name: String,
    /// Empty: the name itself.
    #[serde(default)]
    pub short_name: String,
    /// discipline (default), mdk, module, practice, extracurricular (внеурочная деятельность,
    /// usually with the grading «ungraded»)
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub kind: Option<SubjectKind>,
    /// five_point, pass_fail, five_point_or_pass_fail, ungraded
    #[schema(value_type = String)]
    pub grading: GradingScale,
    /// For an МДК or a practice: the профессиональный модуль it belongs to (a subject of kind
    /// module). Absent or null: none. Refused for other kinds.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub module_id: Option<SubjectId>,
}

fn subject_row(s: &Subject) -> SubjectRow {
    SubjectRow {
        id: s.id,
        name: s.name.clone(),
        short_name: s.short_name.clone(),
        kind: s.kind,
        grading: s.grading,
        module_id: s.module_id,
    }
}

/// Checks the module a subject of `kind` is put under (`module_not_allowed` for a kind that has
/// none, `unknown_module` for anything but a профессиональный модуль of the institution), and that
/// a module stays one while МДК or practices name it (`module_in_use`). `id` is the subject's own.
fn check_subject_module(
    snap: &Snapshot,
    id: SubjectId,
    kind: SubjectKind,
    module_id: Option<SubjectId>,
) -> Result<(), ApiError> {
    if let Some(module_id) = module_id {
        if !matches!(kind, SubjectKind::Mdk | SubjectKind::Practice) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "module_not_allowed",
                "Профессиональный модуль указывается только для МДК и практики",
            ));
        }
        let is_module = module_id != id
            && snap
                .subjects
                .iter()
                .any(|s| s.id == module_id && s.kind == SubjectKind::Module);
        if !is_module {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "unknown_module",
                "Такого профессионального модуля в учреждении нет: выберите предмет вида «ПМ»",
            ));
        }
    }
    if kind != SubjectKind::Module {
        if let Some(part) = snap.subjects.iter().find(|s| s.module_id == Some(id)) {
            return Err(conflict(
                "module_in_use",
                format!(
                    "«{}» входит в этот профессиональный модуль: сначала уберите из него МДК и практики",
                    part.name
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a subject against the others (`except` is the one being changed) and gives its stored
/// name and short name.
fn check_subject(
    input: &SubjectInput,
    snap: &Snapshot,
    except: Option<SubjectId>,
) -> Result<(String, String), ApiError> {
    check_name_text(&input.name, "Название предмета")?;
    let name = tidy(&input.name);
    let short = if input.short_name.trim().is_empty() {
        name.clone()
    } else {
        check_name_text(&input.short_name, "Краткое название")?;
        tidy(&input.short_name)
    };
    for s in snap.subjects.iter().filter(|s| Some(s.id) != except) {
        if name_key(&s.name) == name_key(&name) {
            return Err(conflict(
                "subject_exists",
                format!("Предмет «{}» уже есть", s.name),
            ));
        }
        if name_key(&s.short_name) == name_key(&short) {
            return Err(conflict(
                "subject_short_name_taken",
                format!(
                    "Краткое название «{short}» уже у предмета «{}»: краткие названия не повторяются",
                    s.name
                ),
            ));
        }
    }
    Ok((name, short))
}

// ---- rooms

/// A room to create or its new state.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    /// e.g. «204» or «Лаборатория информатики»
    pub name: String,
    /// Absent: active.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A room as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomRow {
    #[schema(value_type = String, format = "uuid")]
    pub id: RoomId,
    pub name: String,
    pub active: bool,
}

fn room_row(r: &Room) -> RoomRow {
    RoomRow {
        id: r.id,
        name: r.name.clone(),
        active: r.active,
    }
}

fn check_room(
    input: &RoomInput,
    snap: &Snapshot,
    except: Option<RoomId>,
) -> Result<String, ApiError> {
    check_name_text(&input.name, "Название кабинета")?;
    let name = tidy(&input.name);
    if let Some(r) = snap
        .rooms
        .iter()
        .find(|r| Some(r.id) != except && name_key(&r.name) == name_key(&name))
    {
        return Err(conflict(
            "room_exists",
            format!(
                "Кабинет «{}» уже есть{}",
                r.name,
                if r.active {
                    ""
                } else {
                    " (отключён: включите его)"
                }
            ),
        ));
    }
    Ok(name)
}

// ---- the routes

/// What an edit of the institution came to.
pub(crate) enum Edit<T> {
    /// Nothing to store (the same as before, or only a preview): answered as is, not audited.
    Unchanged(T),
    /// Store the edited institution with an audit entry about `subject`.
    Changed {
        out: T,
        subject: String,
        detail: serde_json::Value,
    },
}

/// The administrators' read-edit-write of the institution, in one place: asks journal-core that
/// the caller may do one of `actions` (else 403 with `refusal`), takes the reference-change turn,
/// reads the institution, lets `change` check and edit it (an error changes nothing), then stores
/// it with the audit entry `kind` and the reference_version raised.
pub(crate) async fn edit_institution<T, E: From<ApiError>>(
    state: &AppState,
    auth: &Authenticated,
    (actions, refusal): (&[Action], &str),
    kind: &str,
    change: impl FnOnce(&mut Snapshot) -> Result<Edit<T>, E>,
) -> Result<T, E> {
    let who = permitted(state, auth, actions, refusal).await?;
    let inst = auth.session.institution_id;
    let _turn = reference_change_turn(state, inst).await?;
    let (mut snap, _) = state.storage.snapshot(inst).await.map_err(ApiError::from)?;
    let (out, subject, detail) = match change(&mut snap)? {
        Edit::Unchanged(out) => return Ok(out),
        Edit::Changed {
            out,
            subject,
            detail,
        } => (out, subject, detail),
    };
    state
        .storage
        .apply_institution_setup(
            snap,
            AdminAction {
                institution_id: inst,
                kind: kind.into(),
                author_id: Some(who.user.id),
                device_id: Some(auth.session.device_id),
                subject,
                detail,
            },
            state.config.now(),
        )
        .await
        .map_err(ApiError::from)?;
    Ok(out)
}

/// [`edit_institution`] by the administrator (ManageYear), always stored.
pub(crate) async fn change_institution<T>(
    state: &AppState,
    auth: &Authenticated,
    kind: &str,
    change: impl FnOnce(&mut Snapshot) -> Result<(T, String, serde_json::Value), ApiError>,
) -> Result<T, ApiError> {
    edit_institution(
        state,
        auth,
        (&[Action::ManageYear], WRITE_REFUSAL),
        kind,
        |snap| {
            let (out, subject, detail) = change(snap)?;
            Ok(Edit::Changed {
                out,
                subject,
                detail,
            })
        },
    )
    .await
}

async fn read_snapshot(state: &AppState, auth: &Authenticated) -> Result<Snapshot, ApiError> {
    permitted(
        state,
        auth,
        &[Action::ManageYear, Action::ReadJournal],
        READ_REFUSAL,
    )
    .await?;
    Ok(state.storage.snapshot(auth.session.institution_id).await?.0)
}

fn parse_uuid(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim())
        .map_err(|_| bad("invalid_id", format!("«{text}» — не идентификатор {what}")))
}

#[utoipa::path(get, path = "/api/v1/admin/regime", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Режим работы и расписание звонков по сменам", body = Regime),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_regime(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Regime>, ApiError> {
    Ok(Json(regime_of(&read_snapshot(&state, &auth).await?)))
}

#[utoipa::path(put, path = "/api/v1/admin/regime", tag = "admin", security(("bearer" = [])),
    request_body = Regime,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Режим работы и звонки заданы", body = Regime),
        (status = 400, description = "Неверные дни, смены или звонки; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "bell_in_use: урок с таким номером есть в расписании", body = ErrorBody)))]
async fn set_regime(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(input): ApiJson<Regime>,
) -> Result<Json<Regime>, ApiError> {
    let regime = change_institution(&state, &auth, "regime_set", |snap| {
        let bells = check_regime(&input, snap)?;
        let old = regime_of(snap);
        // The first shift's bells where every copy reads them, the later shifts' beside them.
        let (first, later): (Vec<Bell>, Vec<Bell>) = bells.into_iter().partition(|b| b.shift <= 1);
        snap.bells = first;
        snap.later_shift_bells = later;
        snap.institution.regime = WorkRegime {
            days_per_week: input.days_per_week,
            shifts: input.shifts,
        };
        let new = regime_of(snap);
        let subject = format!("{}-дневная неделя, смен: {}", new.days_per_week, new.shifts);
        let detail = serde_json::json!({ "old": old, "new": new });
        Ok((new, subject, detail))
    })
    .await?;
    Ok(Json(regime))
}

#[utoipa::path(get, path = "/api/v1/admin/subjects", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Предметы учреждения по алфавиту", body = [SubjectRow]),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_subjects(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<SubjectRow>>, ApiError> {
    let snap = read_snapshot(&state, &auth).await?;
    let mut rows: Vec<SubjectRow> = snap.subjects.iter().map(subject_row).collect();
    rows.sort_by_key(|s| name_key(&s.name));
    Ok(Json(rows))
}

#[utoipa::path(post, path = "/api/v1/admin/subjects", tag = "admin", security(("bearer" = [])),
    request_body = SubjectInput,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Предмет добавлен", body = SubjectRow),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Предмет с таким названием или кратким названием уже есть", body = ErrorBody)))]
async fn create_subject(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(input): ApiJson<SubjectInput>,
) -> Result<(StatusCode, Json<SubjectRow>), ApiError> {
    let row = change_institution(&state, &auth, "subject_created", |snap| {
        let (name, short_name) = check_subject(&input, snap, None)?;
        let id = SubjectId(Uuid::now_v7());
        let kind = input.kind.unwrap_or(SubjectKind::Discipline);
        check_subject_module(snap, id, kind, input.module_id)?;
        let subject = Subject {
            id,
            name,
            short_name,
            kind,
            grading: input.grading,
            module_id: input.module_id,
        };
        let row = subject_row(&subject);
        snap.subjects.push(subject);
        let detail = serde_json::json!({ "old": null, "new": row });
        Ok((row.clone(), row.name.clone(), detail))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/admin/subjects/{id}", tag = "admin", security(("bearer" = [])),
    request_body = SubjectInput,
    params(("id" = String, Path, format = "uuid", description = "Предмет"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Предмет изменён (идентификатор прежний)", body = SubjectRow),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Такого предмета нет", body = ErrorBody),
        (status = 409, description = "Название занято, или итоговые отметки не подходят к новой шкале", body = ErrorBody)))]
async fn change_subject(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SubjectInput>,
) -> Result<Json<SubjectRow>, ApiError> {
    let id = SubjectId(parse_uuid(&id, "предмета")?);
    let row = change_institution(&state, &auth, "subject_changed", |snap| {
        let Some(idx) = snap.subjects.iter().position(|s| s.id == id) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_subject",
                "Такого предмета в учреждении нет",
            ));
        };
        let (name, short_name) = check_subject(&input, snap, Some(id))?;
        let old = subject_row(&snap.subjects[idx]);
        check_subject_module(snap, id, input.kind.unwrap_or(old.kind), input.module_id)?;
        if input.grading != old.grading {
            // A final already given must still fit its subject's scale.
            let loads: HashSet<_> = snap
                .loads
                .iter()
                .filter(|l| l.subject_id == id)
                .map(|l| l.id)
                .collect();
            if let Some(f) = snap
                .finals
                .iter()
                .find(|f| loads.contains(&f.load_id) && !input.grading.admits(&f.value))
            {
                return Err(conflict(
                    "grading_in_use",
                    format!(
                        "По предмету «{}» уже выставлена итоговая отметка «{}»: шкала «{}» её не допускает",
                        old.name,
                        f.value.symbol(),
                        input.grading.label()
                    ),
                ));
            }
        }
        let s = &mut snap.subjects[idx];
        s.name = name;
        s.short_name = short_name;
        if let Some(kind) = input.kind {
            s.kind = kind;
        }
        s.grading = input.grading;
        s.module_id = input.module_id;
        let row = subject_row(s);
        let detail = serde_json::json!({ "old": old, "new": row });
        Ok((row.clone(), row.name.clone(), detail))
    })
    .await?;
    Ok(Json(row))
}

#[utoipa::path(get, path = "/api/v1/admin/rooms", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Кабинеты учреждения по названию", body = [RoomRow]),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_rooms(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<RoomRow>>, ApiError> {
    let snap = read_snapshot(&state, &auth).await?;
    let mut rows: Vec<RoomRow> = snap.rooms.iter().map(room_row).collect();
    rows.sort_by_key(|r| name_key(&r.name));
    Ok(Json(rows))
}

#[utoipa::path(post, path = "/api/v1/admin/rooms", tag = "admin", security(("bearer" = [])),
    request_body = RoomInput,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Кабинет добавлен", body = RoomRow),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Кабинет с таким названием уже есть", body = ErrorBody)))]
async fn create_room(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(input): ApiJson<RoomInput>,
) -> Result<(StatusCode, Json<RoomRow>), ApiError> {
    let row = change_institution(&state, &auth, "room_created", |snap| {
        let name = check_room(&input, snap, None)?;
        let room = Room {
            id: RoomId(Uuid::now_v7()),
            name,
            active: input.active.unwrap_or(true),
        };
        let row = room_row(&room);
        snap.rooms.push(room);
        let detail = serde_json::json!({ "old": null, "new": row });
        Ok((row.clone(), row.name.clone(), detail))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/admin/rooms/{id}", tag = "admin", security(("bearer" = [])),
    request_body = RoomInput,
    params(("id" = String, Path, format = "uuid", description = "Кабинет"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Кабинет переименован, отключён или включён (идентификатор прежний)", body = RoomRow),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Такого кабинета нет", body = ErrorBody),
        (status = 409, description = "Кабинет с таким названием уже есть", body = ErrorBody)))]
async fn change_room(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoomInput>,
) -> Result<Json<RoomRow>, ApiError> {
    let id = RoomId(parse_uuid(&id, "кабинета")?);
    let row = change_institution(&state, &auth, "room_changed", |snap| {
        let Some(idx) = snap.rooms.iter().position(|r| r.id == id) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_room",
                "Такого кабинета в учреждении нет",
            ));
        };
        let name = check_room(&input, snap, Some(id))?;
        let old = room_row(&snap.rooms[idx]);
        let r = &mut snap.rooms[idx];
        r.name = name;
        if let Some(active) = input.active {
            r.active = active;
        }
        let row = room_row(r);
        let detail = serde_json::json!({ "old": old, "new": row });
        Ok((row.clone(), row.name.clone(), detail))
    })
    .await?;
    Ok(Json(row))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        read_regime,
        set_regime,
        list_subjects,
        create_subject,
        change_subject,
        list_rooms,
        create_room,
        change_room
    ),
    components(schemas(Regime, BellLine, SubjectRow, SubjectInput, RoomRow, RoomInput))
)]
pub struct ReferenceApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    fn line(shift: u8, number: u8, s: (u32, u32), e: (u32, u32)) -> BellLine {
        BellLine {
            shift,
            number,
            starts: t(s.0, s.1),
            ends: t(e.0, e.1),
        }
    }

    fn empty() -> Snapshot {
        let mut s = journal_demo::generate(
            journal_demo::DEFAULT_SEED,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
        );
        s.lessons.clear();
        s
    }

    fn code(r: Result<Vec<Bell>, ApiError>) -> String {
        r.err().map(|e| e.code).unwrap_or_else(|| "accepted".into())
    }

    #[test]
    fn bells_go_in_order_without_overlap_per_shift() {
        let snap = empty();
        let two = Regime {
            days_per_week: 6,
            shifts: 2,
            bells: vec![
                line(2, 1, (13, 0), (14, 30)),
                line(1, 2, (10, 0), (11, 30)),
                line(1, 1, (8, 30), (10, 0)),
            ],
        };
        let bells = check_regime(&two, &snap).expect("two shifts, each in order");
        assert_eq!(
            bells
                .iter()
                .map(|b| (b.shift, b.number))
                .collect::<Vec<_>>(),
            [(1, 1), (1, 2), (2, 1)],
            "stored by shift, then number"
        );
        let mut overlap = two.clone();
        overlap.bells[1].starts = t(9, 50);
        assert_eq!(
            code(check_regime(&overlap, &snap)),
            "bells_overlap",
            "2nd lesson starts before the 1st ends"
        );
        let mut backwards = two.clone();
        backwards.bells[0].ends = t(12, 0);
        assert_eq!(
            code(check_regime(&backwards, &snap)),
            "invalid_bell_times",
            "ends before it starts"
        );
        let mut gap = two.clone();
        gap.bells[1].number = 3;
        assert_eq!(
            code(check_regime(&gap, &snap)),
            "bell_numbers",
            "lessons numbered 1, 2, …"
        );
        let mut no_second = two.clone();
        no_second.bells.remove(0);
        assert_eq!(
            code(check_regime(&no_second, &snap)),
            "empty_bell_schedule",
            "each shift has its bells"
        );
        let mut seven = two;
        seven.days_per_week = 7;
        assert_eq!(
            code(check_regime(&seven, &snap)),
            "invalid_work_week",
            "5 or 6 days"
        );
    }

    #[test]
    fn names_refuse_control_and_private_use_characters() {
        assert!(
            check_name_text("Математика", "Название").is_ok(),
            "a plain name"
        );
        for (bad, code) in [
            ("", "invalid_name"),
            ("  ", "invalid_name"),
            ("Мате\u{0007}матика", "forbidden_character"),
            ("Физика\u{E000}", "forbidden_character"),
            ("a\tb", "forbidden_character"),
        ] {
            assert_eq!(
                check_name_text(bad, "Название").err().map(|e| e.code),
                Some(code.to_string()),
                "{bad:?} is refused as {code}"
            );
        }
    }

    #[test]
    fn a_subject_clash_names_the_subject_it_clashes_with() {
        let snap = empty();
        let first = &snap.subjects[0];
        let input = SubjectInput {
            name: format!(" {} ", first.name.to_uppercase()),
            short_name: String::new(),
            kind: None,
            grading: GradingScale::FivePoint,
            module_id: None,
        };
        let e = check_subject(&input, &snap, None).err();
        assert_eq!(
            e.as_ref().map(|e| e.code.as_str()),
            Some("subject_exists"),
            "same name in another case"
        );
        assert!(
            e.is_some_and(|e| e.message.contains(&first.name)),
            "the message names the existing subject"
        );
        assert!(
            check_subject(&input, &snap, Some(first.id)).is_ok(),
            "renaming a subject to its own name in another case is fine"
        );
    }
}
