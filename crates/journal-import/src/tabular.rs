//! CSV / XLSX imports of reference data: students, groups, teachers (users), loads, the weekly
//! timetable and the КТП. Each reads a [`Table`], checks every row against the institution's
//! [`Snapshot`] (matching by normalised names, never by ids in the file) and returns either the whole
//! plan or every bad row — never part of a file.
//!
//! Headers (any order, any case, «ё» = «е»; `*` = required):
//! * students: Фамилия*, Имя*, Отчество, Дата рождения, Группа*, Подгруппа, Дата зачисления
//! * groups: Группа*, Курс*, Специальность, Куратор, Подгруппы (names separated by commas)
//! * teachers: Фамилия*, Имя*, Отчество, Логин*, Роли (commas; default «преподаватель»), Группа
//!   (the group of a «куратор»)
//! * loads: Преподаватель*, Группа*, Подгруппа, Дисциплина*, Часы*, Дата начала
//! * timetable: День недели*, Номер урока*, Неделя, Группа*, Подгруппа, Дисциплина*,
//!   Преподаватель*, Аудитория, Часов
//! * plan (КТП): Преподаватель*, Группа*, Подгруппа, Дисциплина*, №*, Тема*, Часы*, Вид занятия,
//!   Номер работы

use crate::directory::Directory;
use crate::error::{ImportError, RowError};
use crate::pattern::{parse_week, parse_weekday, weekday_ru, WeekParity, WeeklyLesson};
use crate::table::{read_table, Column, Columns, Table, TableRow};
use crate::text::{normalise_name, tidy};
use chrono::NaiveDate;
use journal_core::{
    validate_full_name, validate_topic, GroupId, LoadId, Role, StudentId, SubgroupId, SubjectId,
    UserId, WorkType,
};
use journal_protocol::snapshot::{Load, RoleGrant, Snapshot, SubjectKind};
use serde::Serialize;
use std::collections::HashMap;

/// The kinds of file `journal-server import KIND FILE` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Students,
    Groups,
    Teachers,
    Loads,
    Timetable,
    Plan,
    /// aSc Timetables XML export.
    Asc,
    /// FET `.fet` file.
    Fet,
}

impl ImportKind {
    /// The CLI word: students, groups, teachers, loads, timetable, plan (or ktp), asc, fet.
    pub fn parse(word: &str) -> Option<ImportKind> {
        Some(match word.trim().to_lowercase().as_str() {
            "students" => ImportKind::Students,
            "groups" => ImportKind::Groups,
            "teachers" | "users" => ImportKind::Teachers,
            "loads" => ImportKind::Loads,
            "timetable" => ImportKind::Timetable,
            "plan" | "ktp" => ImportKind::Plan,
            "asc" => ImportKind::Asc,
            "fet" => ImportKind::Fet,
            _ => return None,
        })
    }
}

/// What an import would change: rows to add (no `existing`) or update (`existing` is the id
/// matched by name). Warnings do not stop the import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPlan<R> {
    pub rows: Vec<R>,
    pub warnings: Vec<String>,
}

// ------------------------------------------------------------------ shared row checks

struct Rows<'t> {
    table: &'t Table,
    columns: Columns,
    specs: &'static [Column],
    errors: Vec<RowError>,
    /// Said about rows that import all the same (a teacher found by surname and initials…).
    warnings: Vec<String>,
}

impl<'t> Rows<'t> {
    fn new(table: &'t Table, specs: &'static [Column]) -> Result<Rows<'t>, ImportError> {
        let columns = Columns::locate(table, specs)?;
        if table.rows.is_empty() {
            return Err(ImportError::NoRows);
        }
        Ok(Rows {
            table,
            columns,
            specs,
            errors: Vec::new(),
            warnings: Vec::new(),
        })
    }

    fn cell<'a>(&self, row: &'a TableRow, col: usize) -> &'a str {
        self.columns.get(row, col)
    }

    fn fail(&mut self, row: &TableRow, col: Option<usize>, reason: impl Into<String>) {
        self.errors.push(RowError {
            row: row.number,
            column: col.map(|c| self.specs[c].header.to_string()),
            reason: reason.into(),
        });
    }

    /// A cell holding a control or private-use character is an error: such a character is invisible
    /// and would make two names that look the same differ.
    fn clean(&mut self, row: &TableRow, col: usize) -> Option<String> {
        let raw = self.cell(row, col);
        if let Err(e) = journal_core::check_name_chars(raw) {
            self.fail(row, Some(col), e.to_string());
            return None;
        }
        Some(tidy(raw))
    }

    /// A required cell: empty → error.
    fn required(&mut self, row: &TableRow, col: usize) -> Option<String> {
        let v = self.clean(row, col)?;
        if v.is_empty() {
            self.fail(row, Some(col), "не заполнено");
            None
        } else {
            Some(v)
        }
    }

    fn optional(&mut self, row: &TableRow, col: usize) -> Option<String> {
        self.clean(row, col).filter(|v| !v.is_empty())
    }

    /// The staff member a row names in `col`, with the login in `login_col` (when the file has that
    /// column) telling namesakes apart; found by surname and initials, the row says whom it took.
    fn staff(
        &mut self,
        dir: &Directory,
        row: &TableRow,
        col: usize,
        login_col: Option<usize>,
        what: &str,
    ) -> Option<UserId> {
        let name = self.required(row, col)?;
        let login = login_col.and_then(|c| self.optional(row, c));
        match dir.staff(&name, login.as_deref()) {
            Ok(m) => {
                if m.by_initials {
                    self.warnings.push(format!(
                        "Строка {}: «{name}» — это {} (единственный подходящий сотрудник)",
                        row.number,
                        crate::directory::describe_user(m.user)
                    ));
                }
                Some(m.user.id)
            }
            Err(l) => {
                self.fail(row, Some(col), l.reason(what, &name));
                None
            }
        }
    }

    /// The existing group a row names in `col`; an error when there is none or the name only looks
    /// like one.
    fn group<'d>(
        &mut self,
        dir: &Directory<'d>,
        row: &TableRow,
        col: usize,
    ) -> Option<&'d journal_protocol::snapshot::Group> {
        let g = self.required(row, col)?;
        match dir.group_exact(&g) {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                self.fail(
                    row,
                    Some(col),
                    format!("группа «{g}» не найдена в учреждении"),
                );
                None
            }
            Err(reason) => {
                self.fail(row, Some(col), reason);
                None
            }
        }
    }

    /// The subgroup a row names in `col` (none when the cell is empty); `Err` after an error.
    fn subgroup(
        &mut self,
        dir: &Directory,
        row: &TableRow,
        col: usize,
        group: Option<&journal_protocol::snapshot::Group>,
    ) -> Result<Option<SubgroupId>, ()> {
        let (Some(g), Some(s)) = (group, self.optional(row, col)) else {
            return Ok(None);
        };
        match dir.subgroup_exact(g.id, &s) {
            Ok(Some(sg)) => Ok(Some(sg.id)),
            Ok(None) => {
                self.fail(
                    row,
                    Some(col),
                    format!("в группе «{}» нет подгруппы «{s}»", g.name),
                );
                Err(())
            }
            Err(reason) => {
                self.fail(row, Some(col), reason);
                Err(())
            }
        }
    }

    fn date(&mut self, row: &TableRow, col: usize) -> Result<Option<NaiveDate>, ()> {
        match self.optional(row, col) {
            None => Ok(None),
            Some(v) => match parse_date(&v) {
                Some(d) => Ok(Some(d)),
                None => {
                    self.fail(
                        row,
                        Some(col),
                        format!("«{v}» — не дата (ожидается ДД.ММ.ГГГГ)"),
                    );
                    Err(())
                }
            },
        }
    }

    fn number(&mut self, row: &TableRow, col: usize, min: u32, max: u32) -> Option<u32> {
        let v = self.required(row, col)?;
        match v.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.fail(
                    row,
                    Some(col),
                    format!("«{v}» вне допустимых значений {min}–{max}"),
                );
                None
            }
            Err(_) => {
                self.fail(row, Some(col), format!("«{v}» — не целое число"));
                None
            }
        }
    }

    fn finish<R>(self, rows: Vec<R>, warnings: Vec<String>) -> Result<ImportPlan<R>, ImportError> {
        let mut warnings = [self.warnings, warnings].concat();
        if !self.errors.is_empty() {
            let mut errors = self.errors;
            errors.sort_by_key(|e| e.row);
            return Err(ImportError::Rows(errors));
        }
        if !self.columns.unknown.is_empty() {
            warnings.insert(
                0,
                format!(
                    "Столбцы не распознаны и пропущены: {}",
                    self.columns
                        .unknown
                        .iter()
                        .map(|c| format!("«{c}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        Ok(ImportPlan { rows, warnings })
    }

    fn data(&self) -> &'t [TableRow] {
        &self.table.rows
    }
}

/// Dates as people type them: 01.09.2026, 1.9.2026, 2026-09-01, 01/09/2026.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
}

/// A part of a person's name: letters (Russian among them), hyphens, apostrophes, spaces.
fn name_part_problem(v: &str) -> Option<String> {
    if v.ends_with('.') || v.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return Some(format!("«{v}» — сокращение; записывается полностью"));
    }
    if !v
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | ' ' | '\'' | '’'))
    {
        return Some(format!("«{v}» содержит недопустимые символы"));
    }
    if !journal_core::text::has_russian(v) {
        return Some(format!("«{v}» записано не русскими буквами"));
    }
    None
}

// ------------------------------------------------------------------ students

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudentRow {
    pub row: usize,
    /// The student already in the institution with this full name (and birth date, when both have one).
    pub existing: Option<StudentId>,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub group_id: GroupId,
    pub subgroup_id: Option<SubgroupId>,
    /// Start of the membership; the year's first day when the file gives none.
    pub enrolled_on: NaiveDate,
}

const STUDENT_COLUMNS: &[Column] = &[
    Column {
        header: "Фамилия",
        aliases: &[],
        required: true,
    },
    Column {
        header: "Имя",
        aliases: &[],
        required: true,
    },
    Column {
        header: "Отчество",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Дата рождения",
        aliases: &["Дата рожд."],
        required: false,
    },
    Column {
        header: "Группа",
        aliases: &["Класс"],
        required: true,
    },
    Column {
        header: "Подгруппа",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Дата зачисления",
        aliases: &["Зачислен", "Дата приема", "Дата приёма"],
        required: false,
    },
];

/// Students with their group (and subgroup) membership. CSV or XLSX.
pub fn import_students(
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<ImportPlan<StudentRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, STUDENT_COLUMNS)?;
    let mut out: Vec<StudentRow> = Vec::new();
    let mut seen: HashMap<(String, Option<NaiveDate>), usize> = HashMap::new();
    for row in r.data() {
        let before = r.errors.len();
        let last = r.required(row, 0);
        let first = r.required(row, 1);
        let patronymic = r.optional(row, 2);
        for (col, v) in [(0, &last), (1, &first), (2, &patronymic)] {
            if let Some(p) = v.as_deref().and_then(name_part_problem) {
                r.fail(row, Some(col), p);
            }
        }
        let birth = r.date(row, 3).ok().flatten();
        let group = r.group(&dir, row, 4);
        let subgroup = r.subgroup(&dir, row, 5, group).ok().flatten();
        let enrolled = r.date(row, 6).ok().flatten();
        if let (Some(b), Some(e)) = (birth, enrolled) {
            if b >= e {
                r.fail(row, Some(3), "дата рождения не раньше даты зачисления");
            }
        }
        let (Some(last), Some(first), Some(group)) = (last, first, group) else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        let full = normalise_name(&format!(
            "{last} {first} {}",
            patronymic.as_deref().unwrap_or("")
        ));
        if let Some(prev) = seen.insert((full.clone(), birth), row.number) {
            r.fail(row, None, format!("этот ученик уже указан в строке {prev}"));
            continue;
        }
        let existing = snapshot
            .students
            .iter()
            .filter(|s| normalise_name(&s.full_name()) == full)
            .find(|s| birth.is_none() || s.birth_date.is_none() || s.birth_date == birth)
            .map(|s| s.id);
        out.push(StudentRow {
            row: row.number,
            existing,
            last_name: last,
            first_name: first,
            patronymic,
            birth_date: birth,
            group_id: group.id,
            subgroup_id: subgroup,
            enrolled_on: enrolled.unwrap_or(snapshot.year.starts_on),
        });
    }
    r.finish(out, Vec::new())
}

// ------------------------------------------------------------------ groups

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    pub row: usize,
    pub existing: Option<GroupId>,
    pub name: String,
    pub course: u8,
    pub specialty: String,
    pub curator_id: Option<UserId>,
    /// Subgroups the group must have (existing ones are kept; these are added when missing).
    pub subgroups: Vec<String>,
}

const GROUP_COLUMNS: &[Column] = &[
    Column {
        header: "Группа",
        aliases: &["Класс", "Название"],
        required: true,
    },
    Column {
        header: "Курс",
        aliases: &["Параллель"],
        required: true,
    },
    Column {
        header: "Специальность",
        aliases: &["Профессия", "Специальность/профессия"],
        required: false,
    },
    Column {
        header: "Куратор",
        aliases: &["Классный руководитель"],
        required: false,
    },
    Column {
        header: "Подгруппы",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Логин куратора",
        aliases: &[],
        required: false,
    },
];

/// Groups (классы) with course, specialty, curator and subgroups. CSV or XLSX.
pub fn import_groups(
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<ImportPlan<GroupRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, GROUP_COLUMNS)?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in r.data() {
        let before = r.errors.len();
        let name = r.required(row, 0);
        let course = r.number(row, 1, 1, 11);
        let specialty = r.optional(row, 2).unwrap_or_default();
        let curator = match r.optional(row, 3) {
            Some(_) => r.staff(&dir, row, 3, Some(5), "сотрудник"),
            None => None,
        };
        let subgroups: Vec<String> = r
            .optional(row, 4)
            .map(|s| {
                s.split([',', ';'])
                    .map(tidy)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let (Some(name), Some(course)) = (name, course) else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        if let Some(prev) = seen.insert(normalise_name(&name), row.number) {
            r.fail(
                row,
                Some(0),
                format!("группа «{name}» уже указана в строке {prev}"),
            );
            continue;
        }
        let existing = match dir.group_exact(&name) {
            Ok(g) => g.map(|g| g.id),
            Err(reason) => {
                r.fail(row, Some(0), reason);
                continue;
            }
        };
        out.push(GroupRow {
            row: row.number,
            existing,
            name,
            course: course as u8,
            specialty,
            curator_id: curator,
            subgroups,
        });
    }
    r.finish(out, Vec::new())
}

// ------------------------------------------------------------------ teachers (users)

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRow {
    pub row: usize,
    /// Matched by login, else by full name.
    pub existing: Option<UserId>,
    pub login: String,
    pub full_name: String,
    pub grants: Vec<RoleGrant>,
}

const USER_COLUMNS: &[Column] = &[
    Column {
        header: "Фамилия",
        aliases: &[],
        required: true,
    },
    Column {
        header: "Имя",
        aliases: &[],
        required: true,
    },
    Column {
        header: "Отчество",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Логин",
        aliases: &["Login"],
        required: true,
    },
    Column {
        header: "Роли",
        aliases: &["Роль", "Должность"],
        required: false,
    },
    Column {
        header: "Группа",
        aliases: &["Группа куратора", "Класс"],
        required: false,
    },
];

/// Role names as the regulations write them.
pub fn parse_role(word: &str) -> Option<Role> {
    Some(match normalise_name(word).as_str() {
        "преподаватель" | "учитель" | "педагог" => Role::Teacher,
        "куратор"
        | "классный руководитель"
        | "мастер производственного обучения"
        | "мастер п/о" => Role::Curator,
        "директор" => Role::Director,
        "заместитель директора" | "зам. директора" | "заместитель" | "завуч" => {
            Role::Deputy
        }
        "заведующий отделением" | "зав. отделением" => {
            Role::DepartmentHead
        }
        "социальный педагог" => Role::SocialPedagogue,
        "специалист отдела кадров" | "инспектор отдела кадров" | "кадры" => {
            Role::HrOfficer
        }
        "администратор" | "технический администратор" => {
            Role::Admin
        }
        "проверяющий" => Role::Inspector,
        "рабочая группа" | "рабочая группа по контролю" => {
            Role::ControlGroup
        }
        _ => return None,
    })
}

/// Staff accounts (teachers, curators, deputies…). Students and parents are not imported here.
pub fn import_teachers(
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<ImportPlan<UserRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, USER_COLUMNS)?;
    let mut out = Vec::new();
    let mut renamed: Vec<String> = Vec::new();
    let mut logins: HashMap<String, usize> = HashMap::new();
    for row in r.data() {
        let before = r.errors.len();
        let last = r.required(row, 0);
        let first = r.required(row, 1);
        let patronymic = r.optional(row, 2);
        let login = r.required(row, 3);
        if let Some(l) = &login {
            if !l
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                r.fail(
                    row,
                    Some(3),
                    format!("«{l}»: логин — латинские буквы, цифры, точка, дефис, подчёркивание"),
                );
            }
        }
        let full_name = match (&last, &first) {
            (Some(l), Some(f)) => {
                let full = match &patronymic {
                    Some(p) => format!("{l} {f} {p}"),
                    None => format!("{l} {f}"),
                };
                if let Err(e) = validate_full_name(&full) {
                    r.fail(row, None, e.to_string());
                }
                Some(full)
            }
            _ => None,
        };
        let roles_text = r.optional(row, 4).unwrap_or_else(|| "преподаватель".into());
        let group_text = r.optional(row, 5);
        let mut grants = Vec::new();
        for word in roles_text
            .split([',', ';'])
            .map(tidy)
            .filter(|w| !w.is_empty())
        {
            let Some(role) = parse_role(&word) else {
                r.fail(row, Some(4), format!("неизвестная роль «{word}»"));
                continue;
            };
            let group_id = if role == Role::Curator {
                match group_text.as_deref() {
                    Some(_) => r.group(&dir, row, 5).map(|g| g.id),
                    None => {
                        r.fail(row, Some(5), "для роли «куратор» укажите группу");
                        None
                    }
                }
            } else {
                None
            };
            grants.push(RoleGrant {
                role,
                group_id,
                student_id: None,
                from: None,
                until: None,
            });
        }
        let (Some(login), Some(full_name)) = (login, full_name) else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        if let Some(prev) = logins.insert(login.to_lowercase(), row.number) {
            r.fail(
                row,
                Some(3),
                format!("логин «{login}» уже указан в строке {prev}"),
            );
            continue;
        }
        let existing = match dir.user_by_login(&login) {
            Some(u) => {
                if normalise_name(&u.full_name) != normalise_name(&full_name) {
                    renamed.push(format!(
                        "Строка {}: у сотрудника с логином «{login}» меняется ФИО: «{}» → «{full_name}»",
                        row.number, u.full_name
                    ));
                }
                Some(u.id)
            }
            None => match dir.user_by_name(&full_name) {
                Ok(u) => {
                    r.fail(
                        row,
                        Some(3),
                        format!(
                            "сотрудник «{full_name}» уже есть в учреждении с логином «{}»",
                            u.login
                        ),
                    );
                    continue;
                }
                Err(_) => None,
            },
        };
        out.push(UserRow {
            row: row.number,
            existing,
            login,
            full_name,
            grants,
        });
    }
    r.finish(out, renamed)
}

// ------------------------------------------------------------------ loads

/// A subject of a load: one the institution has, or a new one to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRef {
    Existing(SubjectId),
    New { name: String, kind: SubjectKind },
}

/// The kind of a subject from its name: «МДК…», «ПМ…», «…практика», «Внеурочная деятельность…».
pub fn subject_kind_of(name: &str) -> SubjectKind {
    let n = normalise_name(name);
    if n.starts_with("мдк") {
        SubjectKind::Mdk
    } else if n.starts_with("пм") {
        SubjectKind::Module
    } else if n.starts_with("внеурочн") {
        SubjectKind::Extracurricular
    } else if n.contains("практика") {
        SubjectKind::Practice
    } else {
        SubjectKind::Discipline
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadRow {
    pub row: usize,
    /// The load with the same teacher, group, subgroup and subject (its hours are updated).
    pub existing: Option<LoadId>,
    pub teacher_id: UserId,
    pub group_id: GroupId,
    pub subgroup_id: Option<SubgroupId>,
    pub subject: SubjectRef,
    pub planned_hours: u32,
    pub from: NaiveDate,
}

const LOAD_COLUMNS: &[Column] = &[
    Column {
        header: "Преподаватель",
        aliases: &["Учитель", "ФИО преподавателя"],
        required: true,
    },
    Column {
        header: "Группа",
        aliases: &["Класс"],
        required: true,
    },
    Column {
        header: "Подгруппа",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Дисциплина",
        aliases: &["Предмет", "Учебный предмет"],
        required: true,
    },
    Column {
        header: "Часы",
        aliases: &["Часов", "Часы по плану", "Количество часов"],
        required: true,
    },
    Column {
        header: "Дата начала",
        aliases: &["С"],
        required: false,
    },
    Column {
        header: "Логин преподавателя",
        aliases: &["Логин"],
        required: false,
    },
];

struct LoadKey {
    teacher: UserId,
    group: GroupId,
    subgroup: Option<SubgroupId>,
    subject: Option<SubjectId>,
    subject_name: String,
}

/// Reads the teacher, group, subgroup and subject cells (columns 0..4 in that order), and the
/// teacher's login from `login_col` when the file has it.
fn load_key(
    r: &mut Rows,
    dir: &Directory,
    row: &TableRow,
    cols: [usize; 4],
    login_col: usize,
) -> Option<LoadKey> {
    let [ct, cg, cs, cd] = cols;
    let teacher = r.staff(dir, row, ct, Some(login_col), "преподаватель");
    let group = r.group(dir, row, cg);
    let subgroup = r.subgroup(dir, row, cs, group).ok();
    let subject_name = r.required(row, cd)?;
    let subject = match dir.subject_exact(&subject_name) {
        Ok(s) => s.map(|s| s.id),
        Err(reason) => {
            r.fail(row, Some(cd), reason);
            return None;
        }
    };
    Some(LoadKey {
        teacher: teacher?,
        group: group?.id,
        subgroup: subgroup?,
        subject,
        subject_name,
    })
}

/// Teaching loads: teacher × group (× subgroup) × subject with the year's hours. A subject the
/// institution lacks is created (its kind guessed from the name: МДК, ПМ, практика).
pub fn import_loads(bytes: &[u8], snapshot: &Snapshot) -> Result<ImportPlan<LoadRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, LOAD_COLUMNS)?;
    let mut out: Vec<LoadRow> = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<(UserId, GroupId, Option<SubgroupId>, String), usize> = HashMap::new();
    for row in r.data() {
        let before = r.errors.len();
        let key = load_key(&mut r, &dir, row, [0, 1, 2, 3], 6);
        let hours = r.number(row, 4, 1, 5000);
        let from = r.date(row, 5).ok().flatten();
        if let Some(d) = from {
            if d < snapshot.year.starts_on || d > snapshot.year.ends_on {
                r.fail(
                    row,
                    Some(5),
                    format!(
                        "{} — вне учебного года {}",
                        d.format("%d.%m.%Y"),
                        snapshot.year.name
                    ),
                );
            }
        }
        let (Some(key), Some(hours)) = (key, hours) else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        let teaches = snapshot
            .users
            .iter()
            .find(|u| u.id == key.teacher)
            .is_some_and(|u| u.grants.iter().any(|g| g.role == Role::Teacher));
        if !teaches {
            warnings.push(format!(
                "Строка {}: у сотрудника нет роли «преподаватель» — добавьте её, чтобы он вёл журнал",
                row.number
            ));
        }
        let k = (
            key.teacher,
            key.group,
            key.subgroup,
            normalise_name(&key.subject_name),
        );
        if let Some(prev) = seen.insert(k, row.number) {
            r.fail(
                row,
                None,
                format!("эта нагрузка уже указана в строке {prev}"),
            );
            continue;
        }
        let subject = match key.subject {
            Some(id) => SubjectRef::Existing(id),
            None => {
                warnings.push(format!(
                    "Строка {}: дисциплины «{}» нет в учреждении — она будет создана",
                    row.number, key.subject_name
                ));
                SubjectRef::New {
                    kind: subject_kind_of(&key.subject_name),
                    name: key.subject_name,
                }
            }
        };
        let existing = key
            .subject
            .and_then(|s| dir.load(key.teacher, key.group, key.subgroup, s))
            .map(|l| l.id);
        out.push(LoadRow {
            row: row.number,
            existing,
            teacher_id: key.teacher,
            group_id: key.group,
            subgroup_id: key.subgroup,
            subject,
            planned_hours: hours,
            from: from.unwrap_or(snapshot.year.starts_on),
        });
    }
    r.finish(out, warnings)
}

/// The existing load a row names; an error reason otherwise.
fn existing_load<'a>(dir: &Directory<'a>, key: &LoadKey) -> Result<&'a Load, String> {
    let Some(subject) = key.subject else {
        return Err(format!(
            "дисциплина «{}» не найдена в учреждении",
            key.subject_name
        ));
    };
    dir.load(key.teacher, key.group, key.subgroup, subject).ok_or_else(|| {
        "нет такой нагрузки (преподаватель × группа × подгруппа × дисциплина): импортируйте сначала нагрузку".to_string()
    })
}

// ------------------------------------------------------------------ timetable

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimetableRow {
    pub row: usize,
    pub lesson: WeeklyLesson,
}

const TIMETABLE_COLUMNS: &[Column] = &[
    Column {
        header: "День недели",
        aliases: &["День"],
        required: true,
    },
    Column {
        header: "Номер урока",
        aliases: &["Урок", "Пара", "Номер пары", "№ урока", "№ пары"],
        required: true,
    },
    Column {
        header: "Неделя",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Группа",
        aliases: &["Класс"],
        required: true,
    },
    Column {
        header: "Подгруппа",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Дисциплина",
        aliases: &["Предмет"],
        required: true,
    },
    Column {
        header: "Преподаватель",
        aliases: &["Учитель"],
        required: true,
    },
    Column {
        header: "Аудитория",
        aliases: &["Кабинет"],
        required: false,
    },
    Column {
        header: "Часов",
        aliases: &["Часы"],
        required: false,
    },
    Column {
        header: "Логин преподавателя",
        aliases: &["Логин"],
        required: false,
    },
];

/// The weekly timetable: each row one lesson of an existing load at a bell of the schedule. The
/// whole pattern replaces the institution's; a teacher or a group in two places at once is an error.
pub fn import_timetable(
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<ImportPlan<TimetableRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, TIMETABLE_COLUMNS)?;
    let mut out: Vec<TimetableRow> = Vec::new();
    let max_bell = snapshot.bells.iter().map(|b| b.number).max().unwrap_or(0);
    for row in r.data() {
        let before = r.errors.len();
        let weekday = r.required(row, 0).and_then(|d| {
            let w = parse_weekday(&d);
            if w.is_none() {
                r.fail(row, Some(0), format!("«{d}» — не день недели"));
            }
            w
        });
        let bell = r.number(row, 1, 1, 20).and_then(|b| {
            if snapshot.bells.iter().any(|x| u32::from(x.number) == b) {
                Some(b as u8)
            } else {
                r.fail(
                    row,
                    Some(1),
                    format!("в расписании звонков нет урока № {b} (последний — № {max_bell})"),
                );
                None
            }
        });
        let week = match r.optional(row, 2) {
            None => Some(WeekParity::Every),
            Some(w) => {
                let p = parse_week(&w);
                if p.is_none() {
                    r.fail(
                        row,
                        Some(2),
                        format!(
                            "«{w}»: неделя — пусто, «1»/«А»/«числитель» или «2»/«Б»/«знаменатель»"
                        ),
                    );
                }
                p
            }
        };
        let key = load_key(&mut r, &dir, row, [6, 3, 4, 5], 9);
        let room = r.optional(row, 7);
        let hours = match r.optional(row, 8) {
            None => Some(1),
            Some(_) => r.number(row, 8, 1, 2).map(|h| h as u8),
        };
        let (Some(weekday), Some(bell), Some(week), Some(key), Some(hours)) =
            (weekday, bell, week, key, hours)
        else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        let load = match existing_load(&dir, &key) {
            Ok(l) => l,
            Err(reason) => {
                r.fail(row, None, reason);
                continue;
            }
        };
        let lesson = WeeklyLesson {
            weekday,
            bell_number: bell,
            hours,
            week,
            load_id: load.id,
            room,
        };
        if let Some(clash) = out
            .iter()
            .find_map(|o| clash(&dir, &o.lesson, &lesson).map(|w| (o.row, w)))
        {
            r.fail(
                row,
                None,
                format!(
                    "{} уже занят(а) в {}, урок № {} ({}): строка {}",
                    clash.1,
                    weekday_ru(weekday),
                    bell,
                    week.label_ru(),
                    clash.0
                ),
            );
            continue;
        }
        out.push(TimetableRow {
            row: row.number,
            lesson,
        });
    }
    r.finish(out, Vec::new())
}

/// Who is double-booked by two lessons of a pattern, if anyone: the teacher, or the group
/// (a whole-group lesson clashes with any of its subgroups; two subgroups do not clash).
pub(crate) fn clash(dir: &Directory, a: &WeeklyLesson, b: &WeeklyLesson) -> Option<String> {
    if a.weekday != b.weekday || a.bell_number != b.bell_number || !a.week.overlaps(b.week) {
        return None;
    }
    let (la, lb) = (dir.load_by_id(a.load_id)?, dir.load_by_id(b.load_id)?);
    let snapshot = dir.snapshot;
    if la.teacher_id == lb.teacher_id {
        let name = snapshot
            .users
            .iter()
            .find(|u| u.id == la.teacher_id)
            .map_or("?", |u| u.full_name.as_str());
        return Some(format!("преподаватель «{name}»"));
    }
    if la.group_id == lb.group_id
        && (la.subgroup_id.is_none()
            || lb.subgroup_id.is_none()
            || la.subgroup_id == lb.subgroup_id)
    {
        let name = snapshot
            .groups
            .iter()
            .find(|g| g.id == la.group_id)
            .map_or("?", |g| g.name.as_str());
        return Some(format!("группа «{name}»"));
    }
    None
}

// ------------------------------------------------------------------ plan (КТП)

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanTopicRow {
    pub row: usize,
    pub load_id: LoadId,
    pub ordinal: u32,
    pub title: String,
    pub hours: u8,
    pub work_type: WorkType,
    pub work_number: Option<u32>,
}

const PLAN_COLUMNS: &[Column] = &[
    Column {
        header: "Преподаватель",
        aliases: &["Учитель"],
        required: true,
    },
    Column {
        header: "Группа",
        aliases: &["Класс"],
        required: true,
    },
    Column {
        header: "Подгруппа",
        aliases: &[],
        required: false,
    },
    Column {
        header: "Дисциплина",
        aliases: &["Предмет"],
        required: true,
    },
    Column {
        header: "№",
        aliases: &["Номер", "№ п/п", "Порядковый номер"],
        required: true,
    },
    Column {
        header: "Тема",
        aliases: &["Тема занятия", "Тема урока"],
        required: true,
    },
    Column {
        header: "Часы",
        aliases: &["Часов", "Кол-во часов"],
        required: true,
    },
    Column {
        header: "Вид занятия",
        aliases: &["Вид работы", "Тип занятия"],
        required: false,
    },
    Column {
        header: "Номер работы",
        aliases: &["№ работы"],
        required: false,
    },
    Column {
        header: "Логин преподавателя",
        aliases: &["Логин"],
        required: false,
    },
];

/// Work types as КТП files name them.
pub fn parse_work_type(text: &str) -> Option<WorkType> {
    let t = normalise_name(text);
    Some(match t.trim_end_matches('.') {
        ""
        | "урок"
        | "комбинированный урок"
        | "комбинированный"
        | "теория"
        | "теоретическое занятие" => WorkType::Lesson,
        "лекция" => WorkType::Lecture,
        "практическая работа" | "практическое занятие" | "практика" | "пр" | "пз" => {
            WorkType::Practical
        }
        "лабораторная работа" | "лабораторное занятие" | "лр" => {
            WorkType::Laboratory
        }
        "контрольная работа" | "кр" => WorkType::Control,
        "письменная работа" | "сочинение" | "изложение" | "диктант" => {
            WorkType::Written
        }
        "семинар" => WorkType::Seminar,
        "зачет" | "зачетное занятие" | "дифференцированный зачет" => {
            WorkType::Test
        }
        "самостоятельная работа" | "ср" => WorkType::Independent,
        _ => return None,
    })
}

/// The КТП of existing loads: ordered topics with hours and work type. The server replaces each
/// named load's КТП with the file's topics for it.
pub fn import_plan(
    bytes: &[u8],
    snapshot: &Snapshot,
) -> Result<ImportPlan<PlanTopicRow>, ImportError> {
    let table = read_table(bytes)?;
    let dir = Directory::new(snapshot);
    let mut r = Rows::new(&table, PLAN_COLUMNS)?;
    let mut out: Vec<PlanTopicRow> = Vec::new();
    let mut ordinals: HashMap<(LoadId, u32), usize> = HashMap::new();
    let mut warnings = Vec::new();
    for row in r.data() {
        let before = r.errors.len();
        let key = load_key(&mut r, &dir, row, [0, 1, 2, 3], 9);
        let ordinal = r.number(row, 4, 1, 10_000);
        let title = r.required(row, 5);
        let hours = r.number(row, 6, 1, 255).map(|h| h as u8);
        let work_type = match r.optional(row, 7) {
            None => Some(WorkType::Lesson),
            Some(w) => {
                let t = parse_work_type(&w);
                if t.is_none() {
                    r.fail(row, Some(7), format!("неизвестный вид занятия «{w}»"));
                }
                t
            }
        };
        let work_number = match r.optional(row, 8) {
            None => Ok(None),
            Some(_) => r.number(row, 8, 1, 1000).map(Some).ok_or(()),
        };
        if let (Some(t), Some(w), Ok(n)) = (&title, work_type, work_number) {
            if let Err(e) = validate_topic(t, w, n) {
                r.fail(row, Some(5), e.to_string());
            }
        }
        let (Some(key), Some(ordinal), Some(title), Some(hours), Some(work_type), Ok(work_number)) =
            (key, ordinal, title, hours, work_type, work_number)
        else {
            continue;
        };
        if r.errors.len() > before {
            continue;
        }
        let load = match existing_load(&dir, &key) {
            Ok(l) => l,
            Err(reason) => {
                r.fail(row, None, reason);
                continue;
            }
        };
        if let Some(prev) = ordinals.insert((load.id, ordinal), row.number) {
            r.fail(
                row,
                Some(4),
                format!("тема № {ordinal} этой нагрузки уже указана в строке {prev}"),
            );
            continue;
        }
        out.push(PlanTopicRow {
            row: row.number,
            load_id: load.id,
            ordinal,
            title,
            hours,
            work_type,
            work_number,
        });
    }
    // Hours against the load's plan, per load.
    let mut by_load: HashMap<LoadId, u32> = HashMap::new();
    for t in &out {
        *by_load.entry(t.load_id).or_default() += u32::from(t.hours);
    }
    for (load, hours) in by_load {
        if let Some(l) = dir.load_by_id(load) {
            if l.planned_hours != 0 && l.planned_hours != hours {
                warnings.push(format!(
                    "КТП нагрузки «{}»: {} ч по темам, по учебному плану {} ч",
                    snapshot
                        .subjects
                        .iter()
                        .find(|s| s.id == l.subject_id)
                        .map_or("?", |s| s.name.as_str()),
                    hours,
                    l.planned_hours
                ));
            }
        }
    }
    warnings.sort();
    r.finish(out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_a_subject_follows_its_name() {
        for (name, kind) in [
            ("МДК.01.01 Разработка модулей", SubjectKind::Mdk),
            ("ПМ.01 Разработка модулей", SubjectKind::Module),
            ("Учебная практика УП.01", SubjectKind::Practice),
            (
                "Внеурочная деятельность: шахматы",
                SubjectKind::Extracurricular,
            ),
            (
                "внеурочное занятие «Разговоры о важном»",
                SubjectKind::Extracurricular,
            ),
            ("Математика", SubjectKind::Discipline),
        ] {
            assert_eq!(subject_kind_of(name), kind, "{name}");
        }
    }
}
