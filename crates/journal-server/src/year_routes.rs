//! The academic year over HTTP: `GET /api/v1/admin/year` reads the year (name, dates), its periods
//! (their kind — семестр, четверть, … — is the institution's policy) and holidays; `PUT` replaces
//! them after checking that the year's dates are in order, the periods are as many as the kind has,
//! inside the year, in order and not overlapping, and the holidays inside the year. A period that
//! is closed (locked) or has finals can be neither removed nor moved, and a period is not moved so
//! that a lesson with entries falls outside it. Journal-core's `ManageYear` decides who may change
//! it (whoever reads the whole institution may read it); every change is audited.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use journal_core::{Action, PeriodId, PeriodKind};
use journal_protocol::{AcademicYear, Holiday, Period, Snapshot};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin_access::{permitted, reference_change_turn};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/year", get(read_year).put(set_year))
}

/// One period of the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearPeriod {
    #[schema(value_type = String, format = "uuid")]
    pub id: PeriodId,
    /// e.g. «1 семестр»
    pub name: String,
    pub ordinal: u8,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearHoliday {
    /// e.g. «Зимние каникулы»
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The academic year as it is set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearSetup {
    /// e.g. «2026/2027»
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The institution's division of the year (policy): half_year, semester, quarter, trimester.
    #[schema(value_type = String)]
    pub period_kind: PeriodKind,
    pub periods: Vec<YearPeriod>,
    pub holidays: Vec<YearHoliday>,
    /// After a change: every scheduled lesson that falls on a holiday («23.02.2027, 2 урок: ИС-21
    /// — Математика — День защитника Отечества»). The year is set all the same — an
    /// administrator adds a holiday on purpose — and the lessons stay in the timetable until
    /// moved or cancelled; empty when reading.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A period as the administrator sends it: an existing one by its id, a new one without.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearPeriodInput {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub id: Option<PeriodId>,
    /// Empty or absent: «N семестр» (or четверть, … by the policy).
    #[serde(default)]
    pub name: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The whole year to set: periods in order (their ordinals follow it).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearSetupInput {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub periods: Vec<YearPeriodInput>,
    #[serde(default)]
    pub holidays: Vec<YearHoliday>,
}

fn setup_of(snap: &Snapshot) -> YearSetup {
    let mut periods: Vec<YearPeriod> = snap
        .periods
        .iter()
        .map(|p| YearPeriod {
            id: p.id,
            name: p.name.clone(),
            ordinal: p.ordinal,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        })
        .collect();
    periods.sort_by_key(|p| p.ordinal);
    YearSetup {
        name: snap.year.name.clone(),
        starts_on: snap.year.starts_on,
        ends_on: snap.year.ends_on,
        period_kind: snap.institution.policy.period_kind,
        periods,
        holidays: snap
            .holidays
            .iter()
            .map(|h| YearHoliday {
                name: h.name.clone(),
                starts_on: h.starts_on,
                ends_on: h.ends_on,
            })
            .collect(),
        warnings: Vec::new(),
    }
}

/// Most lessons a change warns about one by one; the rest are counted.
const MAX_WARNINGS: usize = 100;

/// The scheduled lessons of `snap` on its holidays, one line each, by date and bell.
fn lessons_on_holidays(snap: &Snapshot) -> Vec<String> {
    let mut hits: Vec<(&journal_protocol::Lesson, &Holiday)> = snap
        .lessons
        .iter()
        .filter(|l| l.status == journal_protocol::LessonStatus::Scheduled)
        .filter_map(|l| {
            snap.holidays
                .iter()
                .find(|h| h.starts_on <= l.date && l.date <= h.ends_on)
                .map(|h| (l, h))
        })
        .collect();
    let load_name = |l: &journal_protocol::Lesson| {
        let Some(load) = snap.loads.iter().find(|x| x.id == l.load_id) else {
            return String::new();
        };
        let group = snap
            .groups
            .iter()
            .find(|g| g.id == load.group_id)
            .map(|g| g.name.as_str())
            .unwrap_or_default();
        let subject = snap
            .subjects
            .iter()
            .find(|x| x.id == load.subject_id)
            .map(|x| x.name.as_str())
            .unwrap_or_default();
        format!("{group} — {subject}")
    };
    // By date, bell and name: the same order on every backend.
    hits.sort_by_cached_key(|(l, _)| (l.date, l.bell_number, load_name(l)));
    let mut out: Vec<String> = hits
        .iter()
        .take(MAX_WARNINGS)
        .map(|(l, h)| {
            format!(
                "{}, {} урок: {} — на этот день приходится «{}»; урок остаётся в расписании, перенесите или отмените его",
                ru(l.date),
                l.bell_number,
                load_name(l),
                h.name
            )
        })
        .collect();
    if hits.len() > MAX_WARNINGS {
        out.push(format!(
            "И ещё уроков в праздничные и каникулярные дни: {}",
            hits.len() - MAX_WARNINGS
        ));
    }
    out
}

/// How many periods a year of the kind has, and the word a period is named with.
fn kind_shape(kind: PeriodKind) -> (usize, &'static str, &'static str) {
    match kind {
        PeriodKind::HalfYear => (2, "полугодие", "полугодия"),
        PeriodKind::Semester => (2, "семестр", "семестра"),
        PeriodKind::Quarter => (4, "четверть", "четверти"),
        PeriodKind::Trimester => (3, "триместр", "триместра"),
    }
}

fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn bad(code: &str, message: String) -> ApiError {
    ApiError::bad_request(code, message)
}

/// Checks the year to set against the rules and against what the journal already holds; gives the
/// year, its periods and holidays to store, or the first fault with its code.
pub fn check_year(
    input: &YearSetupInput,
    current: &Snapshot,
) -> Result<(AcademicYear, Vec<Period>, Vec<Holiday>), ApiError> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(bad(
            "invalid_year_name",
            "Укажите название учебного года, например «2026/2027»".into(),
        ));
    }
    crate::error::refuse_forbidden_chars(name, "Учебный год")?;
    for p in &input.periods {
        crate::error::refuse_forbidden_chars(p.name.as_deref().unwrap_or_default(), "Период")?;
    }
    if input.starts_on >= input.ends_on {
        return Err(bad(
            "invalid_year_dates",
            format!(
                "Учебный год должен начинаться раньше, чем заканчивается: {} — {}",
                ru(input.starts_on),
                ru(input.ends_on)
            ),
        ));
    }
    let kind = current.institution.policy.period_kind;
    let (count, word, word_gen) = kind_shape(kind);
    if input.periods.len() != count {
        return Err(bad(
            "period_count",
            format!(
                "В учреждении год делится на периоды вида «{word}»: их должно быть {count}, а указано {}",
                input.periods.len()
            ),
        ));
    }
    let old: HashMap<PeriodId, &Period> = current.periods.iter().map(|p| (p.id, p)).collect();
    let mut periods: Vec<Period> = Vec::with_capacity(count);
    let mut seen: HashSet<PeriodId> = HashSet::new();
    for (i, p) in input.periods.iter().enumerate() {
        let ordinal = i as u8 + 1;
        let name = p
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{ordinal} {word}"));
        if p.starts_on > p.ends_on {
            return Err(bad(
                "invalid_period_dates",
                format!(
                    "Период «{name}» заканчивается ({}) раньше, чем начинается ({})",
                    ru(p.ends_on),
                    ru(p.starts_on)
                ),
            ));
        }
        if p.starts_on < input.starts_on || p.ends_on > input.ends_on {
            return Err(bad(
                "period_outside_year",
                format!(
                    "Период «{name}» ({} — {}) выходит за границы учебного года ({} — {})",
                    ru(p.starts_on),
                    ru(p.ends_on),
                    ru(input.starts_on),
                    ru(input.ends_on)
                ),
            ));
        }
        if let Some(prev) = periods.last() {
            if p.starts_on <= prev.ends_on {
                return Err(bad(
                    "periods_overlap",
                    format!(
                        "Периоды должны идти по порядку и не пересекаться: «{name}» начинается {}, а «{}» заканчивается {}",
                        ru(p.starts_on),
                        prev.name,
                        ru(prev.ends_on)
                    ),
                ));
            }
        }
        let id = match p.id {
            Some(id) if !old.contains_key(&id) => {
                return Err(bad(
                    "unknown_period",
                    format!("Периода с идентификатором {id} в учебном году нет"),
                ))
            }
            Some(id) if !seen.insert(id) => {
                return Err(bad(
                    "duplicate_period",
                    format!("Период {id} указан дважды"),
                ))
            }
            Some(id) => id,
            None => PeriodId(Uuid::now_v7()),
        };
        periods.push(Period {
            id,
            name,
            ordinal,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        });
    }
    let mut holidays = Vec::with_capacity(input.holidays.len());
    for h in &input.holidays {
        let name = h.name.trim();
        if name.is_empty() {
            return Err(bad(
                "invalid_holiday_name",
                "Укажите название каникул или праздника".into(),
            ));
        }
        crate::error::refuse_forbidden_chars(name, "Каникулы")?;
        if h.starts_on > h.ends_on {
            return Err(bad(
                "invalid_holiday_dates",
                format!(
                    "«{name}» заканчиваются ({}) раньше, чем начинаются ({})",
                    ru(h.ends_on),
                    ru(h.starts_on)
                ),
            ));
        }
        if h.starts_on < input.starts_on || h.ends_on > input.ends_on {
            return Err(bad(
                "holiday_outside_year",
                format!(
                    "«{name}» ({} — {}) выходят за границы учебного года",
                    ru(h.starts_on),
                    ru(h.ends_on)
                ),
            ));
        }
        holidays.push(Holiday {
            name: name.to_string(),
            starts_on: h.starts_on,
            ends_on: h.ends_on,
        });
    }
    check_entries_stay(current, &periods, word_gen)?;
    Ok((
        AcademicYear {
            name: name.to_string(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
        },
        periods,
        holidays,
    ))
}

/// A closed period or one with finals keeps its dates and cannot go; a lesson with entries stays
/// inside the period it was in.
fn check_entries_stay(current: &Snapshot, new: &[Period], word_gen: &str) -> Result<(), ApiError> {
    let new_by_id: HashMap<PeriodId, &Period> = new.iter().map(|p| (p.id, p)).collect();
    for old in &current.periods {
        let locked = current.locks.iter().any(|l| l.period_id == old.id);
        let has_finals = current.finals.iter().any(|f| f.period_id == old.id);
        let kept = new_by_id.get(&old.id);
        let unchanged =
            kept.is_some_and(|p| p.starts_on == old.starts_on && p.ends_on == old.ends_on);
        if (locked || has_finals) && !unchanged {
            let why = if locked {
                "закрыт после выставления итоговых отметок"
            } else {
                "в нём выставлены итоговые отметки"
            };
            return Err(bad(
                "period_in_use",
                format!(
                    "Период «{}» {why}: его нельзя удалить или изменить даты {word_gen}",
                    old.name
                ),
            ));
        }
    }
    let with_entries: HashSet<_> = current
        .cells
        .iter()
        .map(|c| c.lesson_id)
        .chain(current.lesson_topics.iter().map(|t| t.lesson_id))
        .chain(current.homework.iter().map(|h| h.lesson_id))
        .collect();
    // The earliest and latest lesson with entries of each old period are enough to check.
    let mut spans: HashMap<PeriodId, (NaiveDate, NaiveDate)> = HashMap::new();
    for lesson in current
        .lessons
        .iter()
        .filter(|l| with_entries.contains(&l.id))
    {
        if let Some(p) = current
            .periods
            .iter()
            .find(|p| p.starts_on <= lesson.date && lesson.date <= p.ends_on)
        {
            let span = spans.entry(p.id).or_insert((lesson.date, lesson.date));
            span.0 = span.0.min(lesson.date);
            span.1 = span.1.max(lesson.date);
        }
    }
    for old in &current.periods {
        let Some(&(first, last)) = spans.get(&old.id) else {
            continue;
        };
        match new_by_id.get(&old.id) {
            None => {
                return Err(bad(
                    "period_in_use",
                    format!(
                        "Период «{}» нельзя удалить: в нём есть записи журнала ({} — {})",
                        old.name,
                        ru(first),
                        ru(last)
                    ),
                ))
            }
            Some(p) if first < p.starts_on || last > p.ends_on => {
                return Err(bad(
                    "entries_outside_period",
                    format!(
                        "Период «{}» нельзя сдвинуть на {} — {}: записи журнала за {} — {} оказались бы вне его",
                        old.name,
                        ru(p.starts_on),
                        ru(p.ends_on),
                        ru(first),
                        ru(last)
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/admin/year", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учебный год, его периоды и каникулы", body = YearSetup),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_year(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<YearSetup>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ReadJournal],
        "Учебный год видят администрация и администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(setup_of(&snap)))
}

#[utoipa::path(put, path = "/api/v1/admin/year", tag = "admin", security(("bearer" = [])),
    request_body = YearSetupInput,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учебный год задан; warnings — запланированные уроки, пришедшиеся на праздничные и каникулярные дни (они остаются в расписании)", body = YearSetup),
        (status = 400, description = "Неверные даты или периоды; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_year(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(input): ApiJson<YearSetupInput>,
) -> Result<Json<YearSetup>, ApiError> {
    let admin = permitted(
        &state,
        &auth,
        &[Action::ManageYear],
        "Учебный год задаёт администратор",
    )
    .await?;
    let inst = auth.session.institution_id;
    let _turn = reference_change_turn(&state, inst).await?;
    let (mut snap, _) = state.storage.snapshot(inst).await?;
    let (year, periods, holidays) = check_year(&input, &snap)?;
    snap.year = year;
    snap.periods = periods;
    snap.holidays = holidays;
    let mut setup = setup_of(&snap);
    let warnings = lessons_on_holidays(&snap);
    state
        .storage
        .apply_year(
            snap,
            AdminAction {
                institution_id: inst,
                kind: "year_set".into(),
                author_id: Some(admin.user.id),
                device_id: Some(auth.session.device_id),
                subject: setup.name.clone(),
                detail: serde_json::to_value(&setup).unwrap_or_default(),
            },
            state.config.now(),
        )
        .await?;
    setup.warnings = warnings;
    Ok(Json(setup))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_year, set_year),
    components(schemas(YearSetup, YearPeriod, YearHoliday, YearSetupInput, YearPeriodInput))
)]
pub struct YearApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Snapshot {
        let today = NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default();
        journal_demo::generate(journal_demo::DEFAULT_SEED, today)
    }

    fn input_of(snap: &Snapshot) -> YearSetupInput {
        YearSetupInput {
            name: snap.year.name.clone(),
            starts_on: snap.year.starts_on,
            ends_on: snap.year.ends_on,
            periods: snap
                .periods
                .iter()
                .map(|p| YearPeriodInput {
                    id: Some(p.id),
                    name: Some(p.name.clone()),
                    starts_on: p.starts_on,
                    ends_on: p.ends_on,
                })
                .collect(),
            holidays: Vec::new(),
        }
    }

    fn code_of(r: Result<(AcademicYear, Vec<Period>, Vec<Holiday>), ApiError>) -> String {
        r.err().map(|e| e.code).unwrap_or_else(|| "accepted".into())
    }

    #[test]
    fn the_year_as_it_is_is_accepted_with_its_ids() {
        let snap = demo();
        let (year, periods, _) =
            check_year(&input_of(&snap), &snap).expect("the demo year is a valid year");
        assert_eq!(year, snap.year, "the same year back");
        assert_eq!(periods, snap.periods, "the same periods, ids and ordinals");
    }

    #[test]
    fn a_year_without_the_journal_may_be_redrawn_and_names_follow_the_policy() {
        let mut snap = demo();
        // No entries, finals or locks: any valid division goes.
        snap.cells.clear();
        snap.lesson_topics.clear();
        snap.homework.clear();
        snap.finals.clear();
        snap.locks.clear();
        snap.institution.policy.period_kind = PeriodKind::Quarter;
        let mut input = input_of(&snap);
        let start = snap.year.starts_on;
        input.periods = (0..4)
            .map(|q| YearPeriodInput {
                id: None,
                name: None,
                starts_on: start + chrono::Duration::days(70 * q),
                ends_on: start + chrono::Duration::days(70 * q + 60),
            })
            .collect();
        let (_, periods, _) = check_year(&input, &snap).expect("four quarters in order");
        let names: Vec<_> = periods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["1 четверть", "2 четверть", "3 четверть", "4 четверть"],
            "unnamed periods are named by the policy's kind"
        );
        assert!(
            periods
                .iter()
                .all(|p| !snap.periods.iter().any(|o| o.id == p.id)),
            "new periods get new ids"
        );
        input.periods.pop();
        assert_eq!(
            code_of(check_year(&input, &snap)),
            "period_count",
            "a quarter year has four periods"
        );
    }

    #[test]
    fn periods_must_be_ordered_and_inside_the_year() {
        let snap = demo();
        let mut swapped = input_of(&snap);
        swapped.periods.swap(0, 1);
        assert_eq!(
            code_of(check_year(&swapped, &snap)),
            "periods_overlap",
            "periods go in order"
        );
        let mut late = input_of(&snap);
        late.ends_on = late.periods[1].ends_on - chrono::Duration::days(1);
        assert_eq!(
            code_of(check_year(&late, &snap)),
            "period_outside_year",
            "a period ends inside the year"
        );
    }
}
