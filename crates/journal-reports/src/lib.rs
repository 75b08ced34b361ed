//! The reports the regulations require of the administration, computed once from the institution's
//! data: journal-keeping control with what is overdue today, timeliness and completeness of filling,
//! успеваемость and качество, attendance, the number of marks, the programme carried out and a
//! forecast of period finals.
//!
//! Pure functions, like journal-core: the input is the institution's [`Snapshot`] (the server's, or
//! one already cut to what the user may read), a [`Filter`] and "now" in the institution's time; no
//! IO, no clock. The server answers them as JSON, CSV, XLSX and PDF, the console draws them. Every
//! report names the regulation point it implements ([`ReportKind::regulation_ru`]).
//!
//! What counts, everywhere: a lesson is *held* when it stands in the timetable as scheduled (not
//! postponed or cancelled) on a date up to today within the chosen dates; a student belongs to a
//! load's list on the dates of their membership (and subgroup, for a subgroup's load).

pub mod activity;
mod attendance;
mod control;
pub mod control_works;
mod curriculum;
mod data;
mod forecast;
pub mod journal_data;
pub mod lesson_changes;
mod marks_count;
pub mod missed_topics;
mod progress;
mod timeliness;

#[cfg(test)]
mod fixture;

pub use attendance::{AttendanceReport, AttendanceRow, MonthAbsences};
pub use control::{ControlReport, ControlRow, OverdueItem};
pub use curriculum::{CurriculumReport, CurriculumRow};
pub use forecast::{ForecastReport, ForecastRow};
pub use marks_count::{MarksCountReport, MarksCountRow};
pub use progress::{ProgressReport, ProgressRow, UnsatisfactoryItem};
pub use timeliness::{TimelinessReport, TimelinessRow};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use journal_core::{GroupId, PeriodId, SubjectId, UserId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

/// The kinds of report, by the names the HTTP route and the CLI take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Control,
    Timeliness,
    Progress,
    Attendance,
    MarksCount,
    Curriculum,
    Forecast,
    JournalData,
    MissedTopics,
    ControlWorks,
    Activity,
    LessonChanges,
}

impl ReportKind {
    pub const ALL: [ReportKind; 12] = [
        ReportKind::Control,
        ReportKind::Timeliness,
        ReportKind::Progress,
        ReportKind::Attendance,
        ReportKind::MarksCount,
        ReportKind::Curriculum,
        ReportKind::Forecast,
        ReportKind::JournalData,
        ReportKind::MissedTopics,
        ReportKind::ControlWorks,
        ReportKind::Activity,
        ReportKind::LessonChanges,
    ];

    /// The name in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Control => "control",
            ReportKind::Timeliness => "timeliness",
            ReportKind::Progress => "progress",
            ReportKind::Attendance => "attendance",
            ReportKind::MarksCount => "marks_count",
            ReportKind::Curriculum => "curriculum",
            ReportKind::Forecast => "forecast",
            ReportKind::JournalData => "journal_data",
            ReportKind::MissedTopics => "missed_topics",
            ReportKind::ControlWorks => "control_works",
            ReportKind::Activity => "activity",
            ReportKind::LessonChanges => "lesson_changes",
        }
    }

    pub fn from_code(code: &str) -> Result<ReportKind, ReportError> {
        ReportKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| ReportError::UnknownKind(code.to_string()))
    }

    /// The report's title, in the regulations' words.
    pub fn title_ru(self) -> &'static str {
        match self {
            ReportKind::Control => "Контроль ведения журнала",
            ReportKind::Timeliness => "Своевременность и полнота заполнения журнала",
            ReportKind::Progress => "Успеваемость и качество знаний",
            ReportKind::Attendance => "Посещаемость",
            ReportKind::MarksCount => "Накопляемость отметок по месяцам",
            ReportKind::Curriculum => "Выполнение программы (часы по плану и фактически)",
            ReportKind::Forecast => "Прогноз итоговых отметок",
            ReportKind::JournalData => "Данные журнала: отметки, пропуски, итоговые отметки",
            ReportKind::MissedTopics => "Пропущенные темы (для отработки)",
            ReportKind::ControlWorks => "Контрольные работы и их результаты",
            ReportKind::Activity => "Активность ведения журнала по неделям",
            ReportKind::LessonChanges => {
                "Замены, переносы, непроведённые уроки и расхождения с журналом"
            }
        }
    }

    /// The regulation point the report implements.
    pub fn regulation_ru(self) -> &'static str {
        match self {
            ReportKind::Control => {
                "001 п. 4.13, Приложение «Заместитель директора» п. 13; 001 п. 6.7; 004 п. 4.2.1: \
                 заполнение в день урока, тема, домашнее задание, накопляемость отметок, \
                 выполнение программы, замены, устранение замечаний"
            }
            ReportKind::Timeliness => {
                "001 Приложение «Заместитель директора» п. 13: «отчетность о полноте и \
                 своевременности заполнения»; сроки — 001 Приложение «Преподаватель» п. 2, 4, 7, 9, 10"
            }
            ReportKind::Progress => {
                "001 Приложение «Заместитель директора» п. 13: «количество итоговых оценок за \
                 отчетный период (не ниже «3») / количество обучающихся в группе × 100%»"
            }
            ReportKind::Attendance => {
                "001 п. 4.8 (н, б, п), 004 п. 4.2.4: учёт пропусков по причинам, в занятиях и часах"
            }
            ReportKind::MarksCount => {
                "001 Приложение «Заместитель директора» п. 13: контроль накопляемости отметок"
            }
            ReportKind::Curriculum => {
                "001 п. 6.10: количество часов по плану и фактически, «Программа выполнена» \
                 или «Не пройдены следующие темы»"
            }
            ReportKind::Forecast => {
                "001 Приложение «Преподаватель» п. 11: итоговые отметки периода; прогноз — \
                 средний балл текущих отметок, округлённый по правилу учреждения"
            }
            ReportKind::JournalData => {
                "003: электронная выгрузка журнала каждое полугодие; 001 п. 8.6: хранение журнала \
                 в электронном виде — отметки, пропуски и итоговые отметки для анализа"
            }
            ReportKind::MissedTopics => {
                "001 Приложение «Преподаватель» п. 2: пропуск и отметка за отработку; \
                 темы пропущенных занятий по обучающимся"
            }
            ReportKind::ControlWorks => {
                "001 Приложение «Заместитель директора» п. 13: контроль выполнения программы и \
                 знаний — контрольные работы, их результаты, успеваемость и качество"
            }
            ReportKind::Activity => {
                "001 Приложение «Заместитель директора» п. 13: полнота и своевременность \
                 заполнения — записи по неделям, в день занятия и позже"
            }
            ReportKind::LessonChanges => {
                "001 Приложение «Заместитель директора» п. 4: «Отмечает факты замены»; 004 п. 4.2.1: \
                 замещающий преподаватель заполняет журнал; расписание и журнал сверяются"
            }
        }
    }
}

/// What a report is about: every field narrows it; dates are resolved by [`Filter::resolve`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub group_id: Option<GroupId>,
    pub teacher_id: Option<UserId>,
    pub subject_id: Option<SubjectId>,
    /// A department (ПЦК / методическое объединение): the loads of its head and its teachers.
    #[serde(default)]
    pub department_id: Option<uuid::Uuid>,
    pub period_id: Option<PeriodId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The filter with its dates fixed: a period's dates, or `from`/`to`, else the academic year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    pub group_id: Option<GroupId>,
    pub teacher_id: Option<UserId>,
    pub subject_id: Option<SubjectId>,
    #[serde(default)]
    pub department_id: Option<uuid::Uuid>,
    /// The teachers of the chosen department (its head and members), sorted; `None`: no
    /// department chosen.
    #[serde(default)]
    pub department_teachers: Option<Vec<UserId>>,
    /// The period whose finals the progress report counts: the chosen one, else the one holding
    /// `to` or today, whichever is earlier (else the last one begun by then).
    pub period_id: Option<PeriodId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Filter {
    /// Checks the names it holds against the snapshot and fixes the dates (`today` picks the
    /// default period).
    pub fn resolve(&self, snap: &Snapshot, today: NaiveDate) -> Result<Resolved, ReportError> {
        if let Some(g) = self.group_id {
            if !snap.groups.iter().any(|x| x.id == g) {
                return Err(ReportError::GroupNotFound(g.to_string()));
            }
        }
        if let Some(t) = self.teacher_id {
            if !snap.users.iter().any(|x| x.id == t) {
                return Err(ReportError::TeacherNotFound(t.to_string()));
            }
        }
        if let Some(s) = self.subject_id {
            if !snap.subjects.iter().any(|x| x.id == s) {
                return Err(ReportError::SubjectNotFound(s.to_string()));
            }
        }
        let department_teachers = match self.department_id {
            Some(id) => {
                let dep = snap
                    .departments
                    .iter()
                    .find(|d| d.id == id)
                    .ok_or_else(|| ReportError::DepartmentNotFound(id.to_string()))?;
                let mut teachers: Vec<UserId> =
                    dep.teacher_ids.iter().copied().chain(dep.head_id).collect();
                teachers.sort();
                teachers.dedup();
                Some(teachers)
            }
            None => None,
        };
        let period = match self.period_id {
            Some(p) => Some(
                snap.periods
                    .iter()
                    .find(|x| x.id == p)
                    .ok_or_else(|| ReportError::PeriodNotFound(p.to_string()))?,
            ),
            None => None,
        };
        let (from, to) = match period {
            Some(p) => (
                self.from.unwrap_or(p.starts_on).max(p.starts_on),
                self.to.unwrap_or(p.ends_on).min(p.ends_on),
            ),
            None => (
                self.from.unwrap_or(snap.year.starts_on),
                self.to.unwrap_or(snap.year.ends_on),
            ),
        };
        if from > to {
            return Err(ReportError::InvalidRange { from, to });
        }
        let period_id = period.map(|p| p.id).or_else(|| {
            let to = to.min(today);
            snap.periods
                .iter()
                .find(|p| p.starts_on <= to && to <= p.ends_on)
                .or_else(|| {
                    snap.periods
                        .iter()
                        .filter(|p| p.starts_on <= to)
                        .max_by_key(|p| p.starts_on)
                })
                .map(|p| p.id)
        });
        Ok(Resolved {
            group_id: self.group_id,
            teacher_id: self.teacher_id,
            subject_id: self.subject_id,
            department_id: self.department_id,
            department_teachers,
            period_id,
            from,
            to,
        })
    }
}

/// A report refused: what the filter names does not exist, or the dates are wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("Нет такого отчёта: {0} (control, timeliness, progress, attendance, marks_count, curriculum, forecast, journal_data, missed_topics, control_works, activity, lesson_changes)")]
    UnknownKind(String),
    #[error("Группа не найдена: {0}")]
    GroupNotFound(String),
    #[error("Преподаватель не найден: {0}")]
    TeacherNotFound(String),
    #[error("Предмет не найден: {0}")]
    SubjectNotFound(String),
    #[error("Цикловая комиссия (методическое объединение) не найдена: {0}")]
    DepartmentNotFound(String),
    #[error("Учебный период не найден: {0}")]
    PeriodNotFound(String),
    #[error("Начало интервала {from} позже его конца {to}")]
    InvalidRange { from: NaiveDate, to: NaiveDate },
}

impl ReportError {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::UnknownKind(_) => "report_unknown_kind",
            ReportError::GroupNotFound(_) => "group_not_found",
            ReportError::TeacherNotFound(_) => "teacher_not_found",
            ReportError::SubjectNotFound(_) => "subject_not_found",
            ReportError::DepartmentNotFound(_) => "department_not_found",
            ReportError::PeriodNotFound(_) => "period_not_found",
            ReportError::InvalidRange { .. } => "invalid_range",
        }
    }
}

/// One value of a table: text or a number (so that a spreadsheet gets numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    Number(f64),
    Text(String),
    Empty,
}

impl Value {
    /// As printed: a number with one decimal, «—» for nothing.
    pub fn text(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Number(x) => format!("{x:.1}").replace('.', ","),
            Value::Text(s) => s.clone(),
            Value::Empty => "—".to_string(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(i64::from(n))
    }
}
impl From<Option<f64>> for Value {
    fn from(x: Option<f64>) -> Value {
        match x {
            Some(x) => Value::Number((x * 10.0).round() / 10.0),
            None => Value::Empty,
        }
    }
}

/// A table of a report, as shown and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    fn new(title: &str, columns: &[&str]) -> Table {
        Table {
            title: title.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A bar chart: one bar per label in each series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    /// What the values measure («%», «ч»).
    pub unit: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A headline figure («Успеваемость, %: 79,3»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub name: String,
    pub value: Value,
}

/// A computed report in the one shape every format is made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    pub title: String,
    pub regulation: String,
    pub filter: Resolved,
    /// The filter in words («Группа: ИС-21; Период: 1 семестр; 01.09.2026–31.12.2026»).
    pub subject_line: String,
    pub generated_at: NaiveDateTime,
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
}

/// Computes a report of `kind` over `snap` at `now` (the institution's local time).
pub fn build(
    kind: ReportKind,
    snap: &Snapshot,
    filter: &Filter,
    now: NaiveDateTime,
) -> Result<Report, ReportError> {
    let r = filter.resolve(snap, now.date())?;
    let (figures, tables, charts) = match kind {
        ReportKind::Control => control::control(snap, &r, now).into_parts(),
        ReportKind::Timeliness => timeliness::timeliness(snap, &r, now).into_parts(),
        ReportKind::Progress => progress::progress(snap, &r, now).into_parts(),
        ReportKind::Attendance => attendance::attendance(snap, &r, now).into_parts(),
        ReportKind::MarksCount => marks_count::marks_count(snap, &r, now).into_parts(),
        ReportKind::Curriculum => curriculum::curriculum(snap, &r, now).into_parts(),
        ReportKind::Forecast => forecast::forecast(snap, &r, now).into_parts(),
        ReportKind::JournalData => journal_data::journal_data(snap, &r, now),
        ReportKind::MissedTopics => missed_topics::missed_topics(snap, &r, now),
        ReportKind::ControlWorks => control_works::control_works(snap, &r, now),
        ReportKind::Activity => activity::activity(snap, &r, now),
        ReportKind::LessonChanges => lesson_changes::lesson_changes(snap, &r, now),
    };
    Ok(Report {
        kind,
        title: kind.title_ru().to_string(),
        regulation: kind.regulation_ru().to_string(),
        subject_line: subject_line(snap, &r),
        filter: r,
        generated_at: now,
        figures,
        tables,
        charts,
    })
}

type Parts = (Vec<Figure>, Vec<Table>, Vec<Chart>);

fn subject_line(snap: &Snapshot, r: &Resolved) -> String {
    let mut parts = Vec::new();
    if let Some(g) = r
        .group_id
        .and_then(|g| snap.groups.iter().find(|x| x.id == g))
    {
        parts.push(format!("Группа: {}", g.name));
    }
    if let Some(u) = r
        .teacher_id
        .and_then(|t| snap.users.iter().find(|x| x.id == t))
    {
        parts.push(format!("Преподаватель: {}", u.full_name));
    }
    if let Some(s) = r
        .subject_id
        .and_then(|s| snap.subjects.iter().find(|x| x.id == s))
    {
        parts.push(format!("Предмет: {}", s.name));
    }
    if let Some(d) = r
        .department_id
        .and_then(|d| snap.departments.iter().find(|x| x.id == d))
    {
        parts.push(format!("Цикловая комиссия: {}", d.name));
    }
    if let Some(p) = r
        .period_id
        .and_then(|p| snap.periods.iter().find(|x| x.id == p))
    {
        // Named as the period when the dates lie in it; over longer dates only the finals are its.
        if p.starts_on <= r.from && r.to <= p.ends_on {
            parts.push(format!("Период: {}", p.name));
        } else {
            parts.push(format!("Итоговые отметки: {}", p.name));
        }
    }
    parts.push(format!("{} — {}", ru_date(r.from), ru_date(r.to)));
    parts.join("; ")
}

/// «05.10.2026».
pub fn ru_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// «2026-10» as «октябрь 2026».
pub fn month_name_ru(year: i32, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ];
    let name = NAMES
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    format!("{name} {year}")
}

/// The months from `from` to `to` as (year, month).
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push((y, m));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// A share in percent, `None` for 0 of 0.
pub fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_code() {
        for k in ReportKind::ALL {
            assert_eq!(ReportKind::from_code(k.code()), Ok(k), "{k:?} by its code");
        }
        assert_eq!(
            ReportKind::from_code("nope").map_err(|e| e.code()),
            Err("report_unknown_kind"),
            "an unknown kind is a typed error"
        );
    }

    #[test]
    fn the_default_period_is_todays() {
        let snap = crate::fixture::snapshot();
        let r = Filter::default()
            .resolve(&snap, crate::fixture::now().date())
            .expect("no names to check");
        assert_eq!(
            r.period_id,
            Some(crate::fixture::p1()),
            "in October: the first semester"
        );
        assert_eq!(
            (r.from, r.to),
            (snap.year.starts_on, snap.year.ends_on),
            "the whole year"
        );
        let bad = Filter {
            from: Some(snap.year.ends_on),
            to: Some(snap.year.starts_on),
            ..Filter::default()
        };
        assert_eq!(
            bad.resolve(&snap, snap.year.starts_on)
                .map_err(|e| e.code()),
            Err("invalid_range"),
            "from after to is refused"
        );
    }

    #[test]
    fn a_department_narrows_a_report_to_its_teachers_loads() {
        let mut snap = crate::fixture::snapshot();
        let teacher_of = |load| {
            snap.loads
                .iter()
                .find(|l| l.id == load)
                .map(|l| l.teacher_id)
                .expect("the fixture's load")
        };
        let (t1, t2) = (
            teacher_of(crate::fixture::l1()),
            teacher_of(crate::fixture::l2()),
        );
        assert_ne!(t1, t2, "the fixture's two loads have two teachers");
        let dep = uuid::Uuid::from_u128(0xDE9);
        snap.departments.push(journal_protocol::Department {
            id: dep,
            name: "ПЦК математических дисциплин".into(),
            head_id: Some(t1),
            teacher_ids: Vec::new(),
        });
        let r = Filter {
            department_id: Some(dep),
            period_id: Some(crate::fixture::p1()),
            ..Filter::default()
        }
        .resolve(&snap, crate::fixture::now().date())
        .expect("the department exists");
        let d = crate::data::Data::new(&snap, &r, crate::fixture::now());
        let loads: Vec<_> = d.loads.iter().map(|l| l.id).collect();
        assert_eq!(
            loads,
            vec![crate::fixture::l1()],
            "the head's own loads are the department's; another teacher's are not"
        );
        let unknown = Filter {
            department_id: Some(uuid::Uuid::from_u128(1)),
            ..Filter::default()
        };
        assert_eq!(
            unknown
                .resolve(&snap, crate::fixture::now().date())
                .map_err(|e| e.code()),
            Err("department_not_found"),
            "a department that does not exist is a typed refusal"
        );
    }

    #[test]
    fn months_cross_the_new_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(
            months(d(2026, 11, 15), d(2027, 2, 1)),
            vec![(2026, 11), (2026, 12), (2027, 1), (2027, 2)],
            "every month touched, in order"
        );
    }
}
