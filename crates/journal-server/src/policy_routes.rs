//! The institution's policy over HTTP (contract 5): `GET /api/v1/admin/policy` reads it (whoever reads
//! the whole institution: the administrator, the deputy, the director); `PUT` replaces it with the
//! whole policy, read as strictly as `init --policy` reads a file (an unknown or misspelt field is
//! refused by name, a missing one too). A change that would alter a closed period is refused: once a
//! period is locked or has finals, its division (`period_kind`), whether it stays locked
//! (`lock_after_finals`) and how its finals were suggested (`final_rounding`) stay as they are. The
//! other fields only govern entries still to be made, which a closed period does not take. Every
//! change is audited with the old and the new policy and raises the reference_version, so devices
//! fetch the snapshot (which carries the policy) at their next sync.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use journal_core::{Action, Policy};
use journal_protocol::Snapshot;
use serde::Serialize;

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::reference_routes::{check_name_text, edit_institution, Edit};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/policy", get(read_policy).put(set_policy))
}

/// The policy as JSON (`journal_core::Policy`; the enum fields are snake_case words). Documents the
/// body; the route reads and answers `Policy` itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyBody {
    /// half_year, semester, quarter, trimester
    pub period_kind: String,
    /// strict, allowed_cases
    pub late_entry: String,
    pub lock_after_finals: bool,
    pub deputy_may_edit: bool,
    pub deputy_records_substitutions: bool,
    pub double_mark_subjects: Vec<String>,
    pub multiple_entries_per_cell: bool,
    pub school_wording: bool,
    /// half_up, from_six_tenths
    pub final_rounding: String,
    /// curator, department_head
    pub diary_logins_issued_by: String,
    pub diary_shows_homework: bool,
    pub diary_shows_topics: bool,
    pub parallel_paper_journal: bool,
    pub paper_copy_each_period: bool,
    /// Days a teacher has to deal with a remark (7 by default).
    pub remark_deadline_days: u32,
    /// The year journal prints for the archive only once accepted by the deputy.
    pub archive_print_after_acceptance: bool,
    /// Days after a control work for its marks (3 by default, 001 «Преподаватель» п. 9); 0–30.
    pub control_work_days: u32,
    /// Days after a written work for its marks (7 by default, п. 10); 0–30.
    pub written_work_days: u32,
    /// Finals only in the period's last this many days (001 п. 11: 7); 0 = any day of the period.
    pub finals_window_days: u32,
    /// A year final (годовая) closes the year's last period, suggested from the period finals.
    pub year_finals: bool,
}

/// A refused policy: the error body with the field it concerns, so the console shows it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PolicyRefusal {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub message: String,
    /// The policy field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl PolicyRefusal {
    fn invalid(field: Option<&str>, message: String) -> Self {
        PolicyRefusal {
            status: 400,
            code: "invalid_policy".into(),
            message,
            field: field.map(str::to_string),
        }
    }
}

impl IntoResponse for PolicyRefusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(self)).into_response()
    }
}

impl From<ApiError> for PolicyRefusal {
    fn from(e: ApiError) -> Self {
        PolicyRefusal {
            status: e.status.as_u16(),
            code: e.code,
            message: e.message,
            field: None,
        }
    }
}

/// The field's name as the console labels it.
fn field_label(field: &str) -> &'static str {
    match field {
        "period_kind" => "Деление учебного года на периоды",
        "late_entry" => "Отметки «задним числом»",
        "lock_after_finals" => "Закрывать журнал периода после выставления итоговых отметок",
        "deputy_may_edit" => "Заместитель директора может исправлять записи",
        "deputy_records_substitutions" => "Заместитель директора отмечает замены",
        "double_mark_subjects" => "Дисциплины с двойной отметкой",
        "multiple_entries_per_cell" => "Пропуск и отметка за отработку в одной клетке",
        "school_wording" => "Школьные названия",
        "final_rounding" => "Округление предлагаемой итоговой отметки",
        "diary_logins_issued_by" => "Кто выдаёт логины студентам и родителям",
        "diary_shows_homework" => "Студенты и родители видят домашнее задание",
        "diary_shows_topics" => "Студенты и родители видят темы занятий",
        "parallel_paper_journal" => "Бумажный журнал ведётся параллельно",
        "paper_copy_each_period" => "Бумажная копия после каждого периода",
        "remark_deadline_days" => "Срок устранения замечаний, дней",
        "archive_print_after_acceptance" => "Печать журнала для архива только после приёмки",
        "control_work_days" => "Срок выставления отметок за контрольную работу, дней",
        "written_work_days" => "Срок выставления отметок за письменную работу, дней",
        "finals_window_days" => "Итоговые отметки только в последние дни периода, дней",
        "year_finals" => "Годовые отметки",
        _ => "поле политики",
    }
}

/// Reads the whole policy strictly: every field of `Policy` given, no other, each value of its
/// type; a refusal names the field.
pub fn parse_whole_policy(given: &serde_json::Value) -> Result<Policy, PolicyRefusal> {
    let serde_json::Value::Object(given) = given else {
        return Err(PolicyRefusal::invalid(
            None,
            "Ожидается объект JSON со всеми полями политики".into(),
        ));
    };
    let serde_json::Value::Object(base) = serde_json::to_value(Policy::default())
        .map_err(|e| PolicyRefusal::invalid(None, e.to_string()))?
    else {
        return Err(PolicyRefusal::invalid(None, "политика не объект".into()));
    };
    if let Some(field) = given.keys().find(|k| !base.contains_key(*k)) {
        return Err(PolicyRefusal::invalid(
            Some(field),
            format!("В политике неизвестное поле «{field}» (опечатка?); ничего не изменено"),
        ));
    }
    if let Some(field) = base.keys().find(|k| !given.contains_key(*k)) {
        return Err(PolicyRefusal::invalid(
            Some(field),
            format!(
                "В политике не указано поле «{field}» ({}): отправьте политику целиком",
                field_label(field)
            ),
        ));
    }
    // Each field alone over the default, so that a bad value is named by its field.
    for (field, value) in given {
        let mut one = base.clone();
        one.insert(field.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<Policy>(serde_json::Value::Object(one)) {
            return Err(PolicyRefusal::invalid(
                Some(field),
                format!(
                    "Недопустимое значение поля «{}» ({field}): {e}",
                    field_label(field)
                ),
            ));
        }
    }
    let policy: Policy = serde_json::from_value(serde_json::Value::Object(given.clone()))
        .map_err(|e| PolicyRefusal::invalid(None, e.to_string()))?;
    if let Some(over) = policy.days_out_of_bounds() {
        return Err(PolicyRefusal::invalid(
            Some(over.field),
            format!(
                "«{}»: не больше {} дней, указано {}",
                field_label(over.field),
                over.max,
                over.value
            ),
        ));
    }
    let mut seen = Vec::new();
    for name in &policy.double_mark_subjects {
        check_name_text(name, "Название дисциплины")
            .map_err(|e| PolicyRefusal::invalid(Some("double_mark_subjects"), e.message))?;
        let key = name.trim().to_lowercase().replace('ё', "е");
        if seen.contains(&key) {
            return Err(PolicyRefusal::invalid(
                Some("double_mark_subjects"),
                format!("Дисциплина «{}» указана дважды", name.trim()),
            ));
        }
        seen.push(key);
    }
    let mut policy = policy;
    policy.double_mark_subjects = policy
        .double_mark_subjects
        .iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    Ok(policy)
}

/// The fields whose change would alter a closed period (see the module's comment), with their
/// labels; refused while any period is locked or has finals.
pub fn check_closed_periods(current: &Snapshot, new: &Policy) -> Result<(), PolicyRefusal> {
    let old = &current.institution.policy;
    let changed: Vec<&str> = [
        ("period_kind", old.period_kind != new.period_kind),
        (
            "lock_after_finals",
            old.lock_after_finals != new.lock_after_finals,
        ),
        ("final_rounding", old.final_rounding != new.final_rounding),
    ]
    .into_iter()
    .filter(|(_, c)| *c)
    .map(|(f, _)| f)
    .collect();
    let Some(&field) = changed.first() else {
        return Ok(());
    };
    let closed: Vec<&str> = current
        .periods
        .iter()
        .filter(|p| {
            current.locks.iter().any(|l| l.period_id == p.id)
                || current.finals.iter().any(|f| f.period_id == p.id)
        })
        .map(|p| p.name.as_str())
        .collect();
    if closed.is_empty() {
        return Ok(());
    }
    Err(PolicyRefusal {
        status: 409,
        code: "policy_change_closed_periods".into(),
        message: format!(
            "«{}» нельзя изменить: это изменило бы закрытые периоды ({}), в которых выставлены итоговые отметки",
            field_label(field),
            closed
                .iter()
                .map(|n| format!("«{n}»"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        field: Some(field.to_string()),
    })
}

/// The names of the fields that differ.
fn changed_fields(old: &Policy, new: &Policy) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

#[utoipa::path(get, path = "/api/v1/admin/policy", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Политика учреждения (journal_core::Policy)", body = PolicyBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_policy(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Policy>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ReadJournal],
        "Настройки учреждения видят администрация и администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(snap.institution.policy))
}

#[utoipa::path(put, path = "/api/v1/admin/policy", tag = "admin", security(("bearer" = [])),
    request_body = PolicyBody,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Политика изменена (или уже была такой)", body = PolicyBody),
        (status = 400, description = "invalid_policy: неизвестное, пропущенное поле или неверное значение; ничего не изменено", body = PolicyRefusal),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "policy_change_closed_periods: изменение затронуло бы закрытые периоды", body = PolicyRefusal)))]
async fn set_policy(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(given): ApiJson<serde_json::Value>,
) -> Result<Json<Policy>, PolicyRefusal> {
    let refusal = "Настройки учреждения меняет администратор";
    let new = edit_institution(
        &state,
        &auth,
        (&[Action::ManageYear], refusal),
        "policy_changed",
        |snap| {
            let new = parse_whole_policy(&given)?;
            let old = snap.institution.policy.clone();
            let fields = changed_fields(&old, &new);
            if fields.is_empty() {
                return Ok::<_, PolicyRefusal>(Edit::Unchanged(old));
            }
            check_closed_periods(snap, &new)?;
            snap.institution.policy = new.clone();
            Ok(Edit::Changed {
                subject: fields.join(", "),
                detail: serde_json::json!({ "old": old, "new": new, "fields": fields }),
                out: new,
            })
        },
    )
    .await?;
    let inst = auth.session.institution_id;
    // The permission checks read the policy through this cache.
    state
        .institution_clocks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&inst);
    Ok(Json(new))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_policy, set_policy),
    components(schemas(PolicyBody, PolicyRefusal))
)]
pub struct PolicyApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    fn whole() -> serde_json::Value {
        serde_json::to_value(Policy::default()).unwrap_or_default()
    }

    #[test]
    fn the_documented_body_has_the_policys_fields() {
        let doc = serde_json::to_value(PolicyBody {
            period_kind: String::new(),
            late_entry: String::new(),
            lock_after_finals: false,
            deputy_may_edit: false,
            deputy_records_substitutions: false,
            double_mark_subjects: Vec::new(),
            multiple_entries_per_cell: false,
            school_wording: false,
            final_rounding: String::new(),
            diary_logins_issued_by: String::new(),
            diary_shows_homework: false,
            diary_shows_topics: false,
            parallel_paper_journal: false,
            paper_copy_each_period: false,
            remark_deadline_days: 7,
            archive_print_after_acceptance: false,
            control_work_days: 3,
            written_work_days: 7,
            finals_window_days: 0,
            year_finals: false,
        })
        .unwrap_or_default();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            k.sort();
            k
        };
        assert_eq!(
            keys(&doc),
            keys(&whole()),
            "OpenAPI's PolicyBody names every Policy field"
        );
    }

    #[test]
    fn a_whole_policy_reads_and_faults_name_their_field() {
        assert_eq!(
            parse_whole_policy(&whole()).ok(),
            Some(Policy::default()),
            "the whole default policy reads back"
        );
        let mut misspelt = whole();
        misspelt["deputy_may_edti"] = true.into();
        let e = parse_whole_policy(&misspelt).err();
        assert_eq!(
            e.as_ref().map(|e| (e.code.as_str(), e.field.as_deref())),
            Some(("invalid_policy", Some("deputy_may_edti"))),
            "a misspelt field is refused by name"
        );
        let mut missing = whole();
        missing.as_object_mut().map(|o| o.remove("late_entry"));
        assert_eq!(
            parse_whole_policy(&missing).err().and_then(|e| e.field),
            Some("late_entry".into()),
            "a missing field is named"
        );
        let mut bad = whole();
        bad["final_rounding"] = "down".into();
        assert_eq!(
            parse_whole_policy(&bad).err().and_then(|e| e.field),
            Some("final_rounding".into()),
            "a bad value is named by its field"
        );
        let mut twice = whole();
        twice["double_mark_subjects"] = serde_json::json!(["Литература", "литература "]);
        assert_eq!(
            parse_whole_policy(&twice).err().and_then(|e| e.field),
            Some("double_mark_subjects".into()),
            "a subject listed twice is refused"
        );
        let mut long = whole();
        long["control_work_days"] = 45.into();
        assert_eq!(
            parse_whole_policy(&long).err().and_then(|e| e.field),
            Some("control_work_days".into()),
            "a checking window over 30 days is refused by its field"
        );
        let mut negative = whole();
        negative["finals_window_days"] = (-1).into();
        assert_eq!(
            parse_whole_policy(&negative).err().and_then(|e| e.field),
            Some("finals_window_days".into()),
            "a negative window is not a number of days"
        );
        let mut allowed = whole();
        allowed["finals_window_days"] = 7.into();
        allowed["control_work_days"] = 5.into();
        assert_eq!(
            parse_whole_policy(&allowed)
                .ok()
                .map(|p| (p.finals_window_days, p.control_work_days)),
            Some((7, 5)),
            "001's last week and a 5-day control-work window are taken"
        );
    }
}
