//! The учебный план over HTTP: `GET /api/v1/admin/curriculum` reads it with the differences between
//! it and the loads (whoever reads the whole institution), `PUT` replaces it whole (the
//! administrator, journal-core's `ManageYear`). A line is a group's hours of a subject in a period,
//! with the form of промежуточная аттестация where the plan names one (001: «символами: 2, 3, 4, 5,
//! зачет, незачет»). A line naming an unknown group, subject or period, a line given twice or
//! impossible hours are refused with the line's field, and nothing changes. Every change is audited
//! with the old and the new plan and raises the reference_version (the plan travels in the
//! snapshot).

use std::collections::{BTreeMap, HashSet};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use journal_core::{Action, GroupId, SubjectId};
use journal_protocol::{AttestationForm, CurriculumLine, Snapshot};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin_access::permitted;
use crate::reference_routes::{edit_institution, Edit};

/// Who changes the plan, and the refusal for the others.
const WRITE: (&[Action], &str) = (&[Action::ManageYear], "Учебный план ведёт администратор");
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiQuery, Authenticated};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/curriculum",
            get(read_curriculum).put(set_curriculum),
        )
        .route("/api/v1/admin/curriculum/import", post(import_curriculum))
}

/// More hours than a year has in a period: a typing error, not a plan.
const MAX_HOURS: u32 = 2000;

/// One line of the plan as the API carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurriculumLineBody {
    #[schema(value_type = uuid::Uuid)]
    pub group_id: Uuid,
    #[schema(value_type = uuid::Uuid)]
    pub subject_id: Uuid,
    #[schema(value_type = uuid::Uuid)]
    pub period_id: Uuid,
    pub hours: u32,
    /// exam, credit, graded_credit, other; absent: no attestation in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<String>,
}

/// The whole plan (`PUT` body).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurriculumBody {
    pub lines: Vec<CurriculumLineBody>,
}

/// A group's subject where the plan and the loads disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CurriculumDifference {
    #[schema(value_type = uuid::Uuid)]
    pub group_id: Uuid,
    pub group_name: String,
    #[schema(value_type = uuid::Uuid)]
    pub subject_id: Uuid,
    pub subject_name: String,
    /// no_load: planned with no load; not_in_plan: a load the plan does not have; hours_differ.
    pub kind: String,
    /// The plan's hours for the year (sum over periods).
    pub planned_hours: u32,
    /// The loads' hours (`planned_hours` of the loads; subgroups' loads count once).
    pub load_hours: u32,
    /// In Russian, for the console.
    pub message: String,
}

/// The plan with its differences from the loads.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurriculumView {
    pub lines: Vec<CurriculumLineBody>,
    pub differences: Vec<CurriculumDifference>,
}

/// A refused plan: the error body with the line and field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CurriculumRefusal {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub message: String,
    /// e.g. `lines[3].subject_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl CurriculumRefusal {
    fn line(i: usize, field: &str, message: String) -> Self {
        CurriculumRefusal {
            status: 400,
            code: "invalid_curriculum".into(),
            message: format!("Строка {}: {message}; ничего не изменено", i + 1),
            field: Some(format!("lines[{i}].{field}")),
        }
    }
}

impl IntoResponse for CurriculumRefusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(self)).into_response()
    }
}

impl From<ApiError> for CurriculumRefusal {
    fn from(e: ApiError) -> Self {
        CurriculumRefusal {
            status: e.status.as_u16(),
            code: e.code,
            message: e.message,
            field: None,
        }
    }
}

fn form_word(f: AttestationForm) -> &'static str {
    match f {
        AttestationForm::Exam => "exam",
        AttestationForm::Credit => "credit",
        AttestationForm::GradedCredit => "graded_credit",
        AttestationForm::Other => "other",
        AttestationForm::QualifyingExam => "qualifying_exam",
    }
}

/// A form given by its word or by its Russian name (as a CSV from the plan has it).
pub fn parse_form(text: &str) -> Option<AttestationForm> {
    let t = text.trim().to_lowercase().replace('ё', "е");
    Some(match t.as_str() {
        "exam" | "экзамен" | "э" => AttestationForm::Exam,
        "credit" | "зачет" | "з" => AttestationForm::Credit,
        "graded_credit" | "дифференцированный зачет" | "дифзачет" | "диф. зачет" | "дз" => {
            AttestationForm::GradedCredit
        }
        "other" | "другая форма контроля" | "другое" | "др" => {
            AttestationForm::Other
        }
        "qualifying_exam"
        | "квалификационный экзамен"
        | "экзамен квалификационный"
        | "кэ"
        | "эк" => AttestationForm::QualifyingExam,
        _ => return None,
    })
}

/// The plan's lines whose group, subject and period still exist: a period replaced by a new year's
/// setup or a removed group leaves its lines behind, shown nowhere and dropped at the next save.
fn live_lines(snap: &Snapshot) -> impl Iterator<Item = &CurriculumLine> {
    snap.curriculum.iter().filter(|l| {
        snap.groups.iter().any(|g| g.id == l.group_id)
            && snap.subjects.iter().any(|s| s.id == l.subject_id)
            && snap.periods.iter().any(|p| p.id == l.period_id)
    })
}

fn body_of(l: &CurriculumLine) -> CurriculumLineBody {
    CurriculumLineBody {
        group_id: l.group_id.0,
        subject_id: l.subject_id.0,
        period_id: l.period_id.0,
        hours: l.hours,
        attestation: l.attestation.map(|f| form_word(f).to_string()),
    }
}

/// Checks every line against the institution's groups, subjects and periods; the plan as kept.
pub fn check_curriculum(
    lines: &[CurriculumLineBody],
    snap: &Snapshot,
) -> Result<Vec<CurriculumLine>, CurriculumRefusal> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let Some(group) = snap.groups.iter().find(|g| g.id.0 == l.group_id) else {
            return Err(CurriculumRefusal::line(
                i,
                "group_id",
                format!("группа {} не найдена в учреждении", l.group_id),
            ));
        };
        let Some(subject) = snap.subjects.iter().find(|s| s.id.0 == l.subject_id) else {
            return Err(CurriculumRefusal::line(
                i,
                "subject_id",
                format!("дисциплина {} не найдена в справочнике", l.subject_id),
            ));
        };
        let Some(period) = snap.periods.iter().find(|p| p.id.0 == l.period_id) else {
            return Err(CurriculumRefusal::line(
                i,
                "period_id",
                format!("период {} не найден в учебном году", l.period_id),
            ));
        };
        if l.hours > MAX_HOURS {
            return Err(CurriculumRefusal::line(
                i,
                "hours",
                format!("{} ч — больше {MAX_HOURS} ч за период", l.hours),
            ));
        }
        let attestation = match l.attestation.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(word) => Some(parse_form(word).ok_or_else(|| {
                CurriculumRefusal::line(
                    i,
                    "attestation",
                    format!(
                        "форма аттестации «{word}» неизвестна (экзамен, зачёт, дифференцированный зачёт, другая форма контроля)"
                    ),
                )
            })?),
        };
        if l.hours == 0 && attestation.is_none() {
            return Err(CurriculumRefusal::line(
                i,
                "hours",
                "укажите часы или форму аттестации".into(),
            ));
        }
        if !seen.insert((l.group_id, l.subject_id, l.period_id)) {
            return Err(CurriculumRefusal::line(
                i,
                "subject_id",
                format!(
                    "«{}» группы «{}» в периоде «{}» указана дважды",
                    subject.name, group.name, period.name
                ),
            ));
        }
        out.push(CurriculumLine {
            group_id: group.id,
            subject_id: subject.id,
            period_id: period.id,
            hours: l.hours,
            attestation,
        });
    }
    // Kept in the order groups, subjects and periods are listed, so the grid reads the same way.
    let pos = |v: &[Uuid], id: Uuid| v.iter().position(|x| *x == id).unwrap_or(usize::MAX);
    let groups: Vec<Uuid> = snap.groups.iter().map(|g| g.id.0).collect();
    let subjects: Vec<Uuid> = snap.subjects.iter().map(|s| s.id.0).collect();
    let periods: Vec<Uuid> = snap.periods.iter().map(|p| p.id.0).collect();
    out.sort_by_key(|l| {
        (
            pos(&groups, l.group_id.0),
            pos(&subjects, l.subject_id.0),
            pos(&periods, l.period_id.0),
        )
    });
    Ok(out)
}

/// The hours a group's loads give a subject: loads of the whole group add up; loads of subgroups
/// teach the same hours to each half, so each subgroup's sum counts once (the largest).
fn load_hours(snap: &Snapshot) -> BTreeMap<(GroupId, SubjectId), u32> {
    let mut whole: BTreeMap<(GroupId, SubjectId), u32> = BTreeMap::new();
    let mut halves: BTreeMap<(GroupId, SubjectId), BTreeMap<Uuid, u32>> = BTreeMap::new();
    for l in &snap.loads {
        let key = (l.group_id, l.subject_id);
        match l.subgroup_id {
            None => *whole.entry(key).or_default() += l.planned_hours,
            Some(s) => *halves.entry(key).or_default().entry(s.0).or_default() += l.planned_hours,
        }
    }
    for (key, per) in halves {
        *whole.entry(key).or_default() += per.values().copied().max().unwrap_or(0);
    }
    whole
}

/// Where the plan and the loads disagree, group by group in the order of the groups and subjects.
pub fn differences(snap: &Snapshot) -> Vec<CurriculumDifference> {
    let mut planned: BTreeMap<(GroupId, SubjectId), u32> = BTreeMap::new();
    for l in live_lines(snap) {
        *planned.entry((l.group_id, l.subject_id)).or_default() += l.hours;
    }
    let loads = load_hours(snap);
    let mut out = Vec::new();
    for g in &snap.groups {
        for s in &snap.subjects {
            let key = (g.id, s.id);
            let (p, l) = (planned.get(&key).copied(), loads.get(&key).copied());
            let (kind, message) = match (p, l) {
                (Some(p), None) if p > 0 => {
                    ("no_load", format!("По плану {p} ч, нагрузка не назначена"))
                }
                (None, Some(l)) => (
                    "not_in_plan",
                    format!("Нагрузка {l} ч, в учебном плане дисциплины нет"),
                ),
                (Some(p), Some(l)) if p != l => {
                    ("hours_differ", format!("По плану {p} ч, в нагрузке {l} ч"))
                }
                _ => continue,
            };
            out.push(CurriculumDifference {
                group_id: g.id.0,
                group_name: g.name.clone(),
                subject_id: s.id.0,
                subject_name: s.name.clone(),
                kind: kind.into(),
                planned_hours: p.unwrap_or(0),
                load_hours: l.unwrap_or(0),
                message,
            });
        }
    }
    out
}

fn view(snap: &Snapshot) -> CurriculumView {
    CurriculumView {
        lines: live_lines(snap).map(body_of).collect(),
        differences: differences(snap),
    }
}

#[utoipa::path(get, path = "/api/v1/admin/curriculum", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учебный план и расхождения с нагрузкой", body = CurriculumView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_curriculum(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<CurriculumView>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ReadJournal],
        "Учебный план видят администрация и администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(view(&snap)))
}

#[utoipa::path(put, path = "/api/v1/admin/curriculum", tag = "admin", security(("bearer" = [])),
    request_body = CurriculumBody,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учебный план заменён (или уже был таким)", body = CurriculumView),
        (status = 400, description = "invalid_curriculum: неизвестная группа, дисциплина, период, форма аттестации, строка дважды или неверные часы; ничего не изменено", body = CurriculumRefusal),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_curriculum(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(given): ApiJson<CurriculumBody>,
) -> Result<Json<CurriculumView>, CurriculumRefusal> {
    let out = edit_institution(&state, &auth, WRITE, "curriculum_changed", |snap| {
        let new = check_curriculum(&given.lines, snap)?;
        if new == snap.curriculum {
            return Ok::<_, CurriculumRefusal>(Edit::Unchanged(view(snap)));
        }
        let old: Vec<CurriculumLineBody> = snap.curriculum.iter().map(body_of).collect();
        snap.curriculum = new;
        let out = view(snap);
        let groups: HashSet<Uuid> = out.lines.iter().map(|l| l.group_id).collect();
        let subject = format!(
            "учебный план: {} строк, групп: {}",
            out.lines.len(),
            groups.len()
        );
        let detail = serde_json::json!({ "old": old, "new": out.lines });
        Ok(Edit::Changed {
            out,
            subject,
            detail,
        })
    })
    .await?;
    Ok(Json(out))
}

/// The columns of a plan file (CSV `;`/`,`/tab or XLSX), one line per group, subject and period.
const COLUMNS: [journal_import::table::Column; 5] = [
    journal_import::table::Column {
        header: "Группа",
        aliases: &["group"],
        required: true,
    },
    journal_import::table::Column {
        header: "Дисциплина",
        aliases: &["Предмет", "subject"],
        required: true,
    },
    journal_import::table::Column {
        header: "Период",
        aliases: &["Семестр", "period"],
        required: true,
    },
    journal_import::table::Column {
        header: "Часы",
        aliases: &["Часов", "hours"],
        required: true,
    },
    journal_import::table::Column {
        header: "Форма аттестации",
        aliases: &["Аттестация", "Форма контроля", "attestation"],
        required: false,
    },
];

fn file_refusal(row: usize, column: &str, message: String) -> CurriculumRefusal {
    CurriculumRefusal {
        status: 400,
        code: "invalid_curriculum".into(),
        message: format!("Строка {row} файла, «{column}»: {message}; ничего не изменено"),
        field: Some(format!("rows[{row}].{column}")),
    }
}

/// Reads a plan file into lines by names: a group by its name, a subject by its name or short name,
/// a period by its name or number. The groups the file names get exactly its lines; other groups
/// keep theirs.
pub fn read_plan_file(
    bytes: &[u8],
    snap: &Snapshot,
) -> Result<Vec<CurriculumLineBody>, CurriculumRefusal> {
    use journal_import::text::normalise_name;
    let bad_file = |e: journal_import::ImportError| CurriculumRefusal {
        status: 400,
        code: "invalid_curriculum".into(),
        message: format!("{e}; ничего не изменено"),
        field: None,
    };
    let table = journal_import::read_table(bytes).map_err(bad_file)?;
    let cols = journal_import::table::Columns::locate(&table, &COLUMNS).map_err(bad_file)?;
    let mut lines = Vec::new();
    let mut named_groups = HashSet::new();
    for row in &table.rows {
        let n = row.number;
        let (g, sub, per, hours, form) = (
            cols.get(row, 0),
            cols.get(row, 1),
            cols.get(row, 2),
            cols.get(row, 3),
            cols.get(row, 4),
        );
        let group = snap
            .groups
            .iter()
            .find(|x| normalise_name(&x.name) == normalise_name(g))
            .ok_or_else(|| file_refusal(n, "Группа", format!("группа «{g}» не найдена")))?;
        let subject = snap
            .subjects
            .iter()
            .find(|x| {
                normalise_name(&x.name) == normalise_name(sub)
                    || normalise_name(&x.short_name) == normalise_name(sub)
            })
            .ok_or_else(|| {
                file_refusal(n, "Дисциплина", format!("дисциплина «{sub}» не найдена"))
            })?;
        let period = snap
            .periods
            .iter()
            .find(|x| {
                normalise_name(&x.name) == normalise_name(per)
                    || per.trim().parse::<u8>().ok() == Some(x.ordinal)
            })
            .ok_or_else(|| file_refusal(n, "Период", format!("период «{per}» не найден")))?;
        let hours: u32 = hours
            .trim()
            .parse()
            .map_err(|_| file_refusal(n, "Часы", format!("«{hours}» — не целое число часов")))?;
        if !form.trim().is_empty() && parse_form(form).is_none() {
            return Err(file_refusal(
                n,
                "Форма аттестации",
                format!("форма «{form}» неизвестна (экзамен, зачёт, дифференцированный зачёт)"),
            ));
        }
        named_groups.insert(group.id.0);
        lines.push(CurriculumLineBody {
            group_id: group.id.0,
            subject_id: subject.id.0,
            period_id: period.id.0,
            hours,
            attestation: (!form.trim().is_empty()).then(|| form.trim().to_string()),
        });
    }
    // The file's own lines are checked first, so a refusal names the file's row.
    if let Err(e) = check_curriculum(&lines, snap) {
        let row = e
            .field
            .as_deref()
            .and_then(|f| f.strip_prefix("lines["))
            .and_then(|f| f.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| table.rows.get(i))
            .map_or(0, |r| r.number);
        return Err(CurriculumRefusal {
            message: e.message.replacen(
                e.message.split(':').next().unwrap_or(""),
                &format!("Строка {row} файла"),
                1,
            ),
            field: Some(format!("rows[{row}]")),
            ..e
        });
    }
    lines.extend(
        live_lines(snap)
            .filter(|l| !named_groups.contains(&l.group_id.0))
            .map(body_of),
    );
    Ok(lines)
}

/// `?dry_run=true`: only check and answer the plan as it would be.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanImportQuery {
    /// Имя файла (для журнала аудита).
    pub file: Option<String>,
    /// true — только проверить: ответ показывает план после загрузки, база не меняется.
    pub dry_run: Option<bool>,
}

/// The plan after an import (or as it would be, with `applied: false`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanImportReport {
    pub applied: bool,
    pub lines: Vec<CurriculumLineBody>,
    pub differences: Vec<CurriculumDifference>,
}

#[utoipa::path(post, path = "/api/v1/admin/curriculum/import", tag = "admin", security(("bearer" = [])),
    request_body(description = "Учебный план: CSV или XLSX со столбцами «Группа», «Дисциплина», «Период», «Часы», «Форма аттестации»",
        content((Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    params(PlanImportQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "План загружен (applied: true) или проверен (dry_run=true, applied: false); группы файла получают ровно его строки", body = PlanImportReport),
        (status = 400, description = "invalid_curriculum: нечитаемый файл, неизвестная группа, дисциплина, период, форма или неверные часы — с номером строки файла; ничего не изменено", body = CurriculumRefusal),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
async fn import_curriculum(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(query): ApiQuery<PlanImportQuery>,
    body: Bytes,
) -> Result<Json<PlanImportReport>, CurriculumRefusal> {
    let dry_run = query.dry_run.unwrap_or(false);
    let file = query.file.unwrap_or_default();
    let out = edit_institution(&state, &auth, WRITE, "curriculum_changed", |snap| {
        let given = read_plan_file(&body, snap)?;
        let new = check_curriculum(&given, snap)?;
        let unchanged = new == snap.curriculum;
        let old: Vec<CurriculumLineBody> = snap.curriculum.iter().map(body_of).collect();
        snap.curriculum = new;
        let out = view(snap);
        if dry_run || unchanged {
            // A dry run edits only this copy of the institution, which is dropped.
            return Ok::<_, CurriculumRefusal>(Edit::Unchanged(out));
        }
        let detail = serde_json::json!({ "file": file, "old": old, "new": out.lines });
        Ok(Edit::Changed {
            out,
            subject: format!("учебный план из файла {file}"),
            detail,
        })
    })
    .await?;
    Ok(Json(PlanImportReport {
        applied: !dry_run,
        lines: out.lines,
        differences: out.differences,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_curriculum, set_curriculum, import_curriculum),
    components(schemas(
        CurriculumLineBody,
        CurriculumBody,
        CurriculumView,
        CurriculumDifference,
        CurriculumRefusal,
        PlanImportReport
    ))
)]
pub struct CurriculumApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_read_by_word_and_by_russian_name() {
        assert_eq!(parse_form("Экзамен"), Some(AttestationForm::Exam));
        assert_eq!(parse_form("зачёт"), Some(AttestationForm::Credit));
        assert_eq!(
            parse_form("Квалификационный экзамен"),
            Some(AttestationForm::QualifyingExam)
        );
        assert_eq!(
            parse_form("Дифференцированный зачет"),
            Some(AttestationForm::GradedCredit)
        );
        assert_eq!(
            parse_form("graded_credit"),
            Some(AttestationForm::GradedCredit)
        );
        assert_eq!(
            parse_form("реферат"),
            None,
            "an unknown form is not guessed"
        );
        for f in [
            AttestationForm::Exam,
            AttestationForm::Credit,
            AttestationForm::GradedCredit,
            AttestationForm::Other,
            AttestationForm::QualifyingExam,
        ] {
            assert_eq!(parse_form(form_word(f)), Some(f), "{f:?} reads back");
        }
    }

    #[test]
    fn lines_left_behind_by_a_replaced_period_are_shown_nowhere_and_saving_drops_them() {
        let mut snap = journal_demo::generate(
            journal_demo::DEFAULT_SEED,
            chrono::NaiveDate::from_ymd_opt(2027, 6, 25).unwrap_or_default(),
        );
        let load = snap.loads[0].clone();
        let line = |period_id| CurriculumLine {
            group_id: load.group_id,
            subject_id: load.subject_id,
            period_id,
            hours: load.planned_hours,
            attestation: None,
        };
        snap.curriculum = vec![
            line(snap.periods[0].id),
            line(journal_core::PeriodId(Uuid::now_v7())),
        ];
        let v = view(&snap);
        assert_eq!(v.lines.len(), 1, "the line of a gone period is not shown");
        assert_eq!(
            check_curriculum(&v.lines, &snap).map(|l| l.len()).ok(),
            Some(1),
            "what the console sends back is accepted, without the gone line"
        );
    }
}
