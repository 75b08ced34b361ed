//! A FET file mapped onto the institution ([`map_fet`]) and applied ([`apply_fet`]): years and
//! groups become groups (a year without groups is a group itself), subgroups subgroups; subjects
//! and teachers are found by name (teachers as [`Directory::staff`] finds them: «Фамилия И.О.» when
//! exactly one fits) or created; each teacher × group (× subgroup) × subject of the activities is a
//! load whose weekly hours are the activities' total durations (the parts of a split activity
//! count once); placed activities become the weekly pattern laid out as lessons like the aSc
//! import's. Nothing is guessed: a name fitting two records, or looking like one but spelt
//! otherwise, is an error naming the line.

use crate::apply::{load_text, replace_lessons, unique_short_name, Applied, LessonDates};
use crate::directory::{describe_user, Directory, Lookup};
use crate::error::{ImportError, RowError};
use crate::fet::{parse_fet, FetFile};
use crate::pattern::{parse_weekday, WeekParity, WeeklyLesson};
use crate::report::ItemAction;
use crate::tabular::subject_kind_of;
use crate::text::normalise_name;
use chrono::{Datelike, NaiveTime, Weekday};
use journal_core::{GroupId, LoadId, Role, SubgroupId, SubjectId, UserId};
use journal_protocol::snapshot::{Bell, Group, Load, RoleGrant, Snapshot, Subgroup, Subject, User};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// A group the file has: an existing one or one to create, with its subgroups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetGroupRow {
    pub line: usize,
    pub name: String,
    pub course: u8,
    pub existing: Option<GroupId>,
    pub subgroups: Vec<String>,
}

/// A subject of the file: the institution's or a new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetSubjectRow {
    pub line: usize,
    pub name: String,
    pub existing: Option<SubjectId>,
}

/// A teacher of the file: found among the staff, or a new account with a login made unique.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetTeacherRow {
    pub line: usize,
    /// As the file spells it.
    pub file_name: String,
    pub existing: Option<UserId>,
    pub full_name: String,
    pub login: String,
}

/// A load the activities give: names of the file (resolved when applied), weekly hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetLoadRow {
    pub line: usize,
    pub teacher: usize,
    pub group: String,
    pub subgroup: Option<String>,
    pub subject: String,
    pub weekly_hours: u32,
    pub activities: Vec<u32>,
}

/// One placed hour of an activity: the load (index into `loads`), day and bell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetLessonRow {
    pub line: usize,
    pub load: usize,
    pub weekday: Weekday,
    pub bell: u8,
}

/// What a FET file would change in the institution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetImport {
    pub file: FetFile,
    pub groups: Vec<FetGroupRow>,
    pub subjects: Vec<FetSubjectRow>,
    pub teachers: Vec<FetTeacherRow>,
    pub loads: Vec<FetLoadRow>,
    pub lessons: Vec<FetLessonRow>,
    /// Bells to create from the file's hours (the institution had none): number, start, end.
    pub bells: Vec<(u8, NaiveTime, NaiveTime)>,
    pub warnings: Vec<String>,
}

struct Errors(Vec<RowError>);

impl Errors {
    fn fail(&mut self, line: usize, tag: &str, reason: impl Into<String>) {
        self.0.push(RowError {
            row: line,
            column: Some(tag.to_string()),
            reason: reason.into(),
        });
    }
    /// Refuses a name holding an invisible character; true when the name is clean.
    fn clean(&mut self, line: usize, tag: &str, name: &str) -> bool {
        match journal_core::check_name_chars(name) {
            Ok(()) => true,
            Err(e) => {
                self.fail(line, tag, e.to_string());
                false
            }
        }
    }
}

/// The course a group belongs to: the first digit of its year's name («2 курс»), else of its own
/// name («ИС-21» → 2), else 1.
fn course_of(year: &str, group: &str) -> u8 {
    let digit = |s: &str| s.chars().find_map(|c| c.to_digit(10)).filter(|d| *d >= 1);
    digit(year)
        .or_else(|| digit(group))
        .map_or(1, |d| d.min(11) as u8)
}

/// The journal's name of a FET subgroup: FET wants every students set named uniquely, so files
/// write «ИС-21 1 подгруппа» or «ИС-21/1»; inside its group the journal calls it «1 подгруппа», «1».
fn subgroup_name(group: &str, subgroup: &str) -> String {
    let g = normalise_name(group);
    let s = normalise_name(subgroup);
    if s.starts_with(&g) {
        let rest: String = crate::text::tidy(subgroup)
            .chars()
            .skip(g.chars().count())
            .collect();
        let rest = rest
            .trim_start_matches([' ', '-', '/', '_', '.', ':'])
            .trim();
        if !rest.is_empty() {
            return rest.to_string();
        }
    }
    crate::text::tidy(subgroup)
}

/// Latin letters for a login made from a Russian name.
fn translit(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        let t = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(t);
    }
    out
}

/// A login for a new staff member: the surname and initials in Latin letters («ivanova.mp»), with
/// a number added when the institution (or this import) already has it.
fn unique_login(full_name: &str, taken: &mut HashSet<String>) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let surname = translit(words.first().copied().unwrap_or("user"));
    let initials: String = words
        .iter()
        .skip(1)
        .filter_map(|w| translit(w).chars().next())
        .collect();
    let base = match (surname.is_empty(), initials.is_empty()) {
        (true, _) => "teacher".to_string(),
        (false, true) => surname,
        (false, false) => format!("{surname}.{initials}"),
    };
    let mut login = base.clone();
    let mut n = 2;
    while taken.contains(&login) {
        login = format!("{base}{n}");
        n += 1;
    }
    taken.insert(login.clone());
    login
}

/// «08:00-08:45», «8.30 – 10.00» → the bell's start and end.
fn hour_times(name: &str) -> Option<(NaiveTime, NaiveTime)> {
    let n = normalise_name(name)
        .replace(['–', '—'], "-")
        .replace('.', ":");
    let (a, b) = n.split_once('-')?;
    let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    Some((t(a)?, t(b)?))
}

/// The bell number a FET hour stands for: the number its name starts with («1», «2 пара»), else
/// its position in the list.
fn bell_of_hour(name: &str, index: usize) -> u32 {
    let digits: String = name
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<u32>() {
        Ok(n) if !name.contains(':') => n,
        _ => index as u32 + 1,
    }
}

fn weekday_of(name: &str, index: usize) -> Option<Weekday> {
    let english = match normalise_name(name).as_str() {
        "monday" | "mon" => Some(Weekday::Mon),
        "tuesday" | "tue" => Some(Weekday::Tue),
        "wednesday" | "wed" => Some(Weekday::Wed),
        "thursday" | "thu" => Some(Weekday::Thu),
        "friday" | "fri" => Some(Weekday::Fri),
        "saturday" | "sat" => Some(Weekday::Sat),
        "sunday" | "sun" => Some(Weekday::Sun),
        _ => None,
    };
    parse_weekday(name).or(english).or(match index {
        0 => Some(Weekday::Mon),
        1 => Some(Weekday::Tue),
        2 => Some(Weekday::Wed),
        3 => Some(Weekday::Thu),
        4 => Some(Weekday::Fri),
        5 => Some(Weekday::Sat),
        6 => Some(Weekday::Sun),
        _ => None,
    })
}

/// Reads a `.fet` file and maps it onto the institution: the whole file or every bad line.
pub fn import_fet(bytes: &[u8], snapshot: &Snapshot) -> Result<FetImport, ImportError> {
    map_fet(parse_fet(bytes)?, snapshot)
}

/// Maps a read FET file onto the institution.
pub fn map_fet(file: FetFile, snapshot: &Snapshot) -> Result<FetImport, ImportError> {
    let dir = Directory::new(snapshot);
    let mut errors = Errors(Vec::new());
    let mut warnings: Vec<String> = Vec::new();

    // ---- groups: a year with groups gives its groups, a year without is a group itself.
    let mut groups: Vec<FetGroupRow> = Vec::new();
    let mut group_index: HashMap<String, usize> = HashMap::new();
    // Students set name → (group name, subgroup name) targets.
    let mut sets: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
    let mut add_group = |errors: &mut Errors,
                         groups: &mut Vec<FetGroupRow>,
                         name: &str,
                         line: usize,
                         course: u8,
                         subgroups: Vec<String>|
     -> bool {
        if name.is_empty() {
            errors.fail(line, "Name", "у группы нет названия");
            return false;
        }
        if !errors.clean(line, "Name", name) {
            return false;
        }
        if let Some(&i) = group_index.get(&normalise_name(name)) {
            // FET lets one group belong to several years: the same group.
            if groups[i].name != name {
                errors.fail(
                    line,
                    "Name",
                    format!(
                        "«{name}» и «{}» (строка {}) различаются только написанием",
                        groups[i].name, groups[i].line
                    ),
                );
                return false;
            }
            for s in subgroups {
                if !groups[i].subgroups.contains(&s) {
                    groups[i].subgroups.push(s);
                }
            }
            return true;
        }
        let existing = match dir.group_exact(name) {
            Ok(g) => g.map(|g| g.id),
            Err(reason) => {
                errors.fail(line, "Name", reason);
                return false;
            }
        };
        if let Some(g) = existing {
            for s in &subgroups {
                if let Err(reason) = dir.subgroup_exact(g, s) {
                    errors.fail(line, "Subgroup", reason);
                }
            }
        }
        group_index.insert(normalise_name(name), groups.len());
        groups.push(FetGroupRow {
            line,
            name: name.to_string(),
            course,
            existing,
            subgroups,
        });
        true
    };
    for year in &file.years {
        if !errors.clean(year.line, "Name", &year.name) {
            continue;
        }
        if year.groups.is_empty() {
            let course = course_of(&year.name, &year.name);
            if add_group(
                &mut errors,
                &mut groups,
                &year.name,
                year.line,
                course,
                Vec::new(),
            ) {
                sets.entry(year.name.clone())
                    .or_default()
                    .push((year.name.clone(), None));
            }
            continue;
        }
        for g in &year.groups {
            // (the file's name, the journal's name)
            let mut subs: Vec<(String, String)> = Vec::new();
            for s in &g.subgroups {
                if s.name.is_empty() {
                    errors.fail(s.line, "Subgroup", "у подгруппы нет названия");
                } else if errors.clean(s.line, "Subgroup", &s.name) {
                    subs.push((s.name.clone(), subgroup_name(&g.name, &s.name)));
                }
            }
            let course = course_of(&year.name, &g.name);
            let journal_names = subs.iter().map(|s| s.1.clone()).collect();
            if !add_group(
                &mut errors,
                &mut groups,
                &g.name,
                g.line,
                course,
                journal_names,
            ) {
                continue;
            }
            sets.entry(year.name.clone())
                .or_default()
                .push((g.name.clone(), None));
            sets.entry(g.name.clone())
                .or_default()
                .push((g.name.clone(), None));
            for (file_name, name) in subs {
                sets.entry(file_name)
                    .or_default()
                    .push((g.name.clone(), Some(name)));
            }
        }
    }
    for targets in sets.values_mut() {
        targets.sort();
        targets.dedup();
    }

    // ---- subjects
    let mut subjects: Vec<FetSubjectRow> = Vec::new();
    let mut subject_names: HashSet<String> = HashSet::new();
    for s in &file.subjects {
        if s.name.is_empty() || !errors.clean(s.line, "Subject", &s.name) {
            continue;
        }
        if !subject_names.insert(normalise_name(&s.name)) {
            errors.fail(
                s.line,
                "Subject",
                format!("дисциплина «{}» указана дважды", s.name),
            );
            continue;
        }
        match dir.subject_exact(&s.name) {
            Ok(found) => subjects.push(FetSubjectRow {
                line: s.line,
                name: s.name.clone(),
                existing: found.map(|x| x.id),
            }),
            Err(reason) => errors.fail(s.line, "Subject", reason),
        }
    }

    // ---- teachers: only those the activities name must resolve.
    let used: HashSet<&str> = file
        .activities
        .iter()
        .filter(|a| a.active)
        .flat_map(|a| a.teachers.iter().map(String::as_str))
        .collect();
    let mut logins: HashSet<String> = snapshot
        .users
        .iter()
        .map(|u| u.login.to_lowercase())
        .collect();
    let mut teachers: Vec<FetTeacherRow> = Vec::new();
    let mut teacher_index: HashMap<String, usize> = HashMap::new();
    let mut taken_users: HashMap<UserId, usize> = HashMap::new();
    for t in &file.teachers {
        if t.name.is_empty() || !errors.clean(t.line, "Teacher", &t.name) {
            continue;
        }
        if teacher_index.contains_key(&t.name) {
            errors.fail(
                t.line,
                "Teacher",
                format!("преподаватель «{}» указан дважды", t.name),
            );
            continue;
        }
        match dir.staff(&t.name, None) {
            Ok(m) => {
                if let Some(&other) = taken_users.get(&m.user.id) {
                    errors.fail(
                        t.line,
                        "Teacher",
                        format!(
                            "«{}» и «{}» (строка {}) — один и тот же сотрудник {}",
                            t.name,
                            teachers[other].file_name,
                            teachers[other].line,
                            describe_user(m.user)
                        ),
                    );
                    continue;
                }
                if m.by_initials {
                    warnings.push(format!(
                        "Строка {}: преподаватель «{}» — это {} (единственный подходящий сотрудник)",
                        t.line,
                        t.name,
                        describe_user(m.user)
                    ));
                }
                taken_users.insert(m.user.id, teachers.len());
                teacher_index.insert(t.name.clone(), teachers.len());
                teachers.push(FetTeacherRow {
                    line: t.line,
                    file_name: t.name.clone(),
                    existing: Some(m.user.id),
                    full_name: m.user.full_name.clone(),
                    login: m.user.login.clone(),
                });
            }
            Err(Lookup::NotFound) if journal_core::validate_full_name(&t.name).is_ok() => {
                let full_name = crate::text::tidy(&t.name);
                let login = unique_login(&full_name, &mut logins);
                teacher_index.insert(t.name.clone(), teachers.len());
                teachers.push(FetTeacherRow {
                    line: t.line,
                    file_name: t.name.clone(),
                    existing: None,
                    full_name,
                    login,
                });
            }
            Err(Lookup::NotFound) if !used.contains(t.name.as_str()) => warnings.push(format!(
                "Строка {}: преподаватель «{}» не найден и не ведёт занятий — пропущен",
                t.line, t.name
            )),
            Err(Lookup::NotFound) => errors.fail(
                t.line,
                "Teacher",
                format!(
                    "преподаватель «{}» не найден в учреждении; ФИО в файле сокращено, поэтому сотрудник не создаётся — добавьте его с полным ФИО (импорт сотрудников) или напишите ФИО полностью",
                    t.name
                ),
            ),
            Err(l) => errors.fail(t.line, "Teacher", l.reason("преподаватель", &t.name)),
        }
    }

    // ---- activities → loads
    let mut loads: Vec<FetLoadRow> = Vec::new();
    let mut load_index: HashMap<(usize, String, Option<String>, String), usize> = HashMap::new();
    // Parts of one split activity count once: (load, activity group) pairs already counted.
    let mut counted: HashSet<(usize, u32)> = HashSet::new();
    let mut loads_of_activity: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut activity_ids: HashSet<u32> = HashSet::new();
    for a in &file.activities {
        if !activity_ids.insert(a.id) {
            errors.fail(
                a.line,
                "Id",
                format!("занятие с Id {} указано дважды", a.id),
            );
            continue;
        }
        if !a.active {
            warnings.push(format!(
                "Строка {}: занятие {} отключено в FET — пропущено",
                a.line, a.id
            ));
            continue;
        }
        let Some(first) = a.teachers.first() else {
            warnings.push(format!(
                "Строка {}: у занятия {} ({}) нет преподавателя — нагрузка не создана",
                a.line, a.id, a.subject
            ));
            continue;
        };
        if a.teachers.len() > 1 {
            warnings.push(format!(
                "Строка {}: у занятия {} несколько преподавателей ({}); нагрузка записана на первого — «{first}»",
                a.line,
                a.id,
                a.teachers.join(", ")
            ));
        }
        let Some(&teacher) = teacher_index.get(first) else {
            if !file.teachers.iter().any(|t| &t.name == first) {
                errors.fail(
                    a.line,
                    "Teacher",
                    format!("преподавателя «{first}» нет в списке преподавателей файла"),
                );
            }
            continue;
        };
        if !subject_names.contains(&normalise_name(&a.subject)) {
            errors.fail(
                a.line,
                "Subject",
                format!("дисциплины «{}» нет в списке дисциплин файла", a.subject),
            );
            continue;
        }
        if a.students.is_empty() {
            warnings.push(format!(
                "Строка {}: у занятия {} ({}) не указаны студенты — нагрузка не создана",
                a.line, a.id, a.subject
            ));
            continue;
        }
        let subject = subjects
            .iter()
            .find(|s| normalise_name(&s.name) == normalise_name(&a.subject))
            .map_or_else(|| a.subject.clone(), |s| s.name.clone());
        let mut targets: Vec<(String, Option<String>)> = Vec::new();
        let mut bad = false;
        for st in &a.students {
            match sets.get(st) {
                Some(t) => targets.extend(t.iter().cloned()),
                None => {
                    errors.fail(
                        a.line,
                        "Students",
                        format!("«{st}» нет среди курсов, групп и подгрупп файла"),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        targets.sort();
        targets.dedup();
        // A whole group named beside its own subgroup: the group's load covers it.
        let whole: HashSet<String> = targets
            .iter()
            .filter(|t| t.1.is_none())
            .map(|t| t.0.clone())
            .collect();
        targets.retain(|t| t.1.is_none() || !whole.contains(&t.0));
        let split = if a.group_id == 0 { a.id } else { a.group_id };
        for (group, subgroup) in targets {
            let key = (
                teacher,
                group.clone(),
                subgroup.clone(),
                normalise_name(&subject),
            );
            let li = *load_index.entry(key).or_insert_with(|| {
                loads.push(FetLoadRow {
                    line: a.line,
                    teacher,
                    group,
                    subgroup,
                    subject: subject.clone(),
                    weekly_hours: 0,
                    activities: Vec::new(),
                });
                loads.len() - 1
            });
            if counted.insert((li, split)) {
                loads[li].weekly_hours += a.total_duration;
            }
            loads[li].activities.push(a.id);
            loads_of_activity.entry(a.id).or_default().push(li);
        }
    }

    // ---- bells: the institution's, or made from the file's hours when it has none.
    let mut bells: Vec<(u8, NaiveTime, NaiveTime)> = Vec::new();
    let have_bells: HashSet<u32> = snapshot.bells.iter().map(|b| u32::from(b.number)).collect();
    let mut bell_numbers: Vec<Option<u32>> = Vec::new();
    if !file.placements.is_empty() && snapshot.bells.is_empty() {
        for (i, h) in file.hours.iter().enumerate() {
            match hour_times(h) {
                Some((s, e)) => {
                    bells.push(((i + 1).min(255) as u8, s, e));
                    bell_numbers.push(Some(i as u32 + 1));
                }
                None => bell_numbers.push(None),
            }
        }
        if bells.len() != file.hours.len() {
            errors.fail(
                1,
                "Hours_List",
                "в учреждении не задано расписание звонков, а часы файла FET не записаны как время («08:30-10:00»): задайте звонки учреждения или время часов в FET",
            );
            bells.clear();
        }
    } else {
        for (i, h) in file.hours.iter().enumerate() {
            let n = bell_of_hour(h, i);
            bell_numbers.push(have_bells.contains(&n).then_some(n));
        }
    }

    // ---- placements → the weekly pattern
    let mut lessons: Vec<FetLessonRow> = Vec::new();
    let durations: HashMap<u32, u32> = file.activities.iter().map(|a| (a.id, a.duration)).collect();
    let mut slots: HashMap<(Weekday, u8, usize), usize> = HashMap::new();
    for p in &file.placements {
        let Some(&duration) = durations.get(&p.activity_id) else {
            errors.fail(
                p.line,
                "Activity_Id",
                format!("занятия {} нет в списке занятий файла", p.activity_id),
            );
            continue;
        };
        let Some(loads_here) = loads_of_activity.get(&p.activity_id) else {
            continue;
        };
        let Some(day_index) = file.days.iter().position(|d| *d == p.day) else {
            errors.fail(
                p.line,
                "Day",
                format!("дня «{}» нет в списке дней файла", p.day),
            );
            continue;
        };
        let Some(weekday) = weekday_of(&p.day, day_index) else {
            errors.fail(p.line, "Day", format!("«{}» — не день недели", p.day));
            continue;
        };
        let Some(hour_index) = file.hours.iter().position(|h| *h == p.hour) else {
            errors.fail(
                p.line,
                "Hour",
                format!("часа «{}» нет в списке часов файла", p.hour),
            );
            continue;
        };
        for k in 0..duration as usize {
            let bell = match bell_numbers.get(hour_index + k).copied().flatten() {
                Some(b) => b as u8,
                None => {
                    let name = file.hours.get(hour_index + k).cloned().unwrap_or_default();
                    errors.fail(
                        p.line,
                        "Hour",
                        format!(
                            "час «{name}» занятия {} не соответствует ни одному звонку учреждения",
                            p.activity_id
                        ),
                    );
                    break;
                }
            };
            for &li in loads_here {
                if let Some(prev) = slots.insert((weekday, bell, li), p.line) {
                    errors.fail(
                        p.line,
                        "Hour",
                        format!("этот урок уже поставлен в то же время (строка {prev})"),
                    );
                    continue;
                }
                lessons.push(FetLessonRow {
                    line: p.line,
                    load: li,
                    weekday,
                    bell,
                });
            }
        }
    }
    if file.placements.is_empty() {
        warnings.push(
            "В файле нет размещённого расписания (ConstraintActivityPreferredStartingTime): уроки не создаются, расписание не меняется".into(),
        );
    }
    if !errors.0.is_empty() {
        let mut e = errors.0;
        e.sort_by_key(|r| r.row);
        return Err(ImportError::Rows(e));
    }
    Ok(FetImport {
        file,
        groups,
        subjects,
        teachers,
        loads,
        lessons,
        bells,
        warnings,
    })
}

/// School weeks of the year: weeks with at least one weekday outside the holidays.
fn school_weeks(snap: &Snapshot) -> u32 {
    let mut weeks: HashSet<(i32, u32)> = HashSet::new();
    for d in snap
        .year
        .starts_on
        .iter_days()
        .take_while(|d| *d <= snap.year.ends_on)
    {
        let weekday = d.weekday().num_days_from_monday() < 5;
        let holiday = snap
            .holidays
            .iter()
            .any(|h| h.starts_on <= d && d <= h.ends_on);
        if weekday && !holiday {
            let w = d.iso_week();
            weeks.insert((w.year(), w.week()));
        }
    }
    weeks.len() as u32
}

/// Applies a mapped FET file: creates what is missing (bells, teachers, groups, subgroups,
/// subjects, loads) and, when the file holds a timetable, replaces the future lessons.
pub fn apply_fet(
    f: &FetImport,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
    dates: Option<LessonDates>,
) -> Applied {
    let mut out = Applied::default();
    let row = |line: usize| Some(line);
    for (number, starts, ends) in &f.bells {
        snap.bells.push(Bell {
            number: *number,
            starts: *starts,
            ends: *ends,
            shift: 1,
        });
        out.item(
            None,
            ItemAction::Create,
            "Звонок",
            format!(
                "урок № {number}: {}–{}",
                starts.format("%H:%M"),
                ends.format("%H:%M")
            ),
        );
    }
    snap.bells.sort_by_key(|b| b.number);
    let mut teacher_ids: Vec<UserId> = Vec::new();
    for t in &f.teachers {
        let teacher = RoleGrant {
            role: Role::Teacher,
            group_id: None,
            student_id: None,
            from: None,
            until: None,
        };
        match t.existing {
            Some(id) => {
                teacher_ids.push(id);
                let Some(u) = snap.users.iter_mut().find(|u| u.id == id) else {
                    continue;
                };
                if u.grants.iter().any(|g| g.role == Role::Teacher) {
                    out.item(
                        row(t.line),
                        ItemAction::Keep,
                        "Сотрудник",
                        format!("{} ({})", u.full_name, u.login),
                    );
                } else {
                    u.grants.push(teacher);
                    out.item(
                        row(t.line),
                        ItemAction::Change,
                        "Сотрудник",
                        format!("{} ({}): роль «преподаватель»", u.full_name, u.login),
                    );
                }
            }
            None => {
                let id = UserId(new_id());
                teacher_ids.push(id);
                snap.users.push(User {
                    id,
                    login: t.login.clone(),
                    full_name: t.full_name.clone(),
                    grants: vec![teacher],
                });
                out.item(
                    row(t.line),
                    ItemAction::Create,
                    "Сотрудник",
                    format!("{}, логин «{}», преподаватель", t.full_name, t.login),
                );
            }
        }
    }
    let mut group_ids: HashMap<String, GroupId> = HashMap::new();
    for g in &f.groups {
        let id = match g.existing {
            Some(id) => {
                out.item(
                    row(g.line),
                    ItemAction::Keep,
                    "Группа",
                    format!("«{}»", g.name),
                );
                id
            }
            None => {
                let id = GroupId(new_id());
                snap.groups.push(Group {
                    id,
                    name: g.name.clone(),
                    course: g.course,
                    specialty: String::new(),
                    curator_id: None,
                });
                out.item(
                    row(g.line),
                    ItemAction::Create,
                    "Группа",
                    format!("«{}», курс {}", g.name, g.course),
                );
                id
            }
        };
        group_ids.insert(g.name.clone(), id);
        for s in &g.subgroups {
            let exists = snap
                .subgroups
                .iter()
                .any(|x| x.group_id == id && normalise_name(&x.name) == normalise_name(s));
            if !exists {
                snap.subgroups.push(Subgroup {
                    id: SubgroupId(new_id()),
                    group_id: id,
                    name: s.clone(),
                });
                out.item(
                    row(g.line),
                    ItemAction::Create,
                    "Подгруппа",
                    format!("«{s}» группы «{}»", g.name),
                );
            }
        }
    }
    let mut subject_ids: HashMap<String, SubjectId> = HashMap::new();
    for s in &f.subjects {
        let id = match s.existing {
            Some(id) => {
                out.item(
                    row(s.line),
                    ItemAction::Keep,
                    "Дисциплина",
                    format!("«{}»", s.name),
                );
                id
            }
            None => {
                let id = SubjectId(new_id());
                let short_name = unique_short_name(snap, &s.name);
                snap.subjects.push(Subject {
                    id,
                    name: s.name.clone(),
                    short_name: short_name.clone(),
                    kind: subject_kind_of(&s.name),
                    grading: Default::default(),
                    module_id: None,
                });
                out.item(
                    row(s.line),
                    ItemAction::Create,
                    "Дисциплина",
                    format!("«{}» (кратко «{short_name}»)", s.name),
                );
                id
            }
        };
        subject_ids.insert(normalise_name(&s.name), id);
    }
    let created: HashSet<SubjectId> = f
        .subjects
        .iter()
        .filter(|s| s.existing.is_none())
        .filter_map(|s| subject_ids.get(&normalise_name(&s.name)).copied())
        .collect();
    crate::modules::link_to_modules(snap, &created, &mut out);
    let weeks = school_weeks(snap);
    let mut load_ids: Vec<Option<LoadId>> = Vec::new();
    for l in &f.loads {
        let (Some(&teacher), Some(&group), Some(&subject)) = (
            teacher_ids.get(l.teacher),
            group_ids.get(&l.group),
            subject_ids.get(&normalise_name(&l.subject)),
        ) else {
            load_ids.push(None);
            continue;
        };
        let subgroup = l.subgroup.as_ref().and_then(|s| {
            snap.subgroups
                .iter()
                .find(|x| x.group_id == group && normalise_name(&x.name) == normalise_name(s))
                .map(|x| x.id)
        });
        let planned = l.weekly_hours * weeks;
        let how = format!(
            "{} ч в неделю × {weeks} учебных недель = {planned} ч",
            l.weekly_hours
        );
        let existing = snap.loads.iter_mut().find(|x| {
            x.teacher_id == teacher
                && x.group_id == group
                && x.subgroup_id == subgroup
                && x.subject_id == subject
        });
        match existing {
            Some(x) => {
                let id = x.id;
                let before = x.planned_hours;
                x.planned_hours = planned;
                load_ids.push(Some(id));
                let action = if before == planned {
                    ItemAction::Keep
                } else {
                    ItemAction::Change
                };
                let text = if before == planned {
                    format!("{}: {how}", load_text(snap, id))
                } else {
                    format!(
                        "{}: часов {before} → {planned} ({how})",
                        load_text(snap, id)
                    )
                };
                out.item(row(l.line), action, "Нагрузка", text);
            }
            None => {
                let id = LoadId(new_id());
                snap.loads.push(Load {
                    id,
                    teacher_id: teacher,
                    group_id: group,
                    subject_id: subject,
                    subgroup_id: subgroup,
                    from: snap.year.starts_on,
                    to: None,
                    planned_hours: planned,
                });
                load_ids.push(Some(id));
                out.item(
                    row(l.line),
                    ItemAction::Create,
                    "Нагрузка",
                    format!("{}: {how}", load_text(snap, id)),
                );
            }
        }
    }
    if f.file.placements.is_empty() {
        return out;
    }
    // One pattern row per load, day and bell (a pair placed as two hours gives two bells).
    let mut pattern: BTreeMap<(usize, u8, u8), (usize, WeeklyLesson)> = BTreeMap::new();
    for l in &f.lessons {
        let Some(Some(load_id)) = load_ids.get(l.load) else {
            continue;
        };
        pattern
            .entry((l.load, l.weekday.num_days_from_monday() as u8, l.bell))
            .or_insert((
                l.line,
                WeeklyLesson {
                    weekday: l.weekday,
                    bell_number: l.bell,
                    hours: 1,
                    week: WeekParity::Every,
                    load_id: *load_id,
                    room: None,
                },
            ));
    }
    let lessons: Vec<(Option<usize>, WeeklyLesson)> = pattern
        .into_values()
        .map(|(line, w)| (Some(line), w))
        .collect();
    out.extend(replace_lessons(&lessons, snap, new_id, dates));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgroups_lose_their_group_prefix() {
        assert_eq!(subgroup_name("ИС-21", "ИС-21 1 подгруппа"), "1 подгруппа");
        assert_eq!(subgroup_name("ИС-21", "ИС-21/2"), "2");
        assert_eq!(
            subgroup_name("ИС-21", "Английский 1"),
            "Английский 1",
            "no prefix, no change"
        );
        assert_eq!(
            subgroup_name("ИС-21", "ИС-21"),
            "ИС-21",
            "nothing left: the whole name"
        );
    }

    #[test]
    fn logins_are_latin_and_unique() {
        let mut taken: HashSet<String> = ["ivanova.mp".to_string()].into();
        assert_eq!(
            unique_login("Иванова Мария Петровна", &mut taken),
            "ivanova.mp2",
            "a taken login gets a number"
        );
        assert_eq!(
            unique_login("Щукин Юрий Ёлкин", &mut taken),
            "shchukin.ye",
            "Russian letters become Latin ones"
        );
    }

    #[test]
    fn courses_hours_and_days_are_read_from_names() {
        assert_eq!(course_of("2 курс", "ИС-11"), 2, "the year's number wins");
        assert_eq!(
            course_of("Отделение ИТ", "ИС-31"),
            3,
            "else the group's first digit"
        );
        assert_eq!(course_of("", "Группа"), 1, "else the first course");
        assert_eq!(bell_of_hour("3", 0), 3, "an hour named by its number");
        assert_eq!(
            bell_of_hour("08:30-10:00", 1),
            2,
            "an hour named by its time: its position"
        );
        assert_eq!(
            hour_times("8.30 – 10.00"),
            NaiveTime::from_hms_opt(8, 30, 0).zip(NaiveTime::from_hms_opt(10, 0, 0)),
            "times with dots and a dash"
        );
        assert_eq!(
            weekday_of("Вторник", 0),
            Some(Weekday::Tue),
            "Russian names"
        );
        assert_eq!(
            weekday_of("Wednesday", 0),
            Some(Weekday::Wed),
            "English names"
        );
        assert_eq!(
            weekday_of("День 4", 3),
            Some(Weekday::Thu),
            "else the position"
        );
    }
}
