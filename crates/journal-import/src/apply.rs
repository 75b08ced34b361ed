//! Applies a plan to an institution [`Snapshot`] in memory — for a server that keeps (or can build)
//! the institution as a snapshot, and for tests — and says what it did, row by row ([`Applied`]):
//! applied to a copy, that is the dry run's preview. Nothing is deleted that the journal refers to:
//! students keep their history (a transfer closes the old membership), a КТП topic used by a lesson
//! stays, and a new timetable replaces only future lessons that have no entries.

use crate::pattern::{dates_of, WeeklyLesson};
use crate::report::{ItemAction, ReportItem};
use crate::tabular::{
    GroupRow, ImportPlan, LoadRow, PlanTopicRow, StudentRow, SubjectRef, UserRow,
};
use crate::text::normalise_name;
use crate::Imported;
use chrono::NaiveDate;
use journal_core::{
    GroupId, LessonId, LoadId, Role, StudentId, SubgroupId, SubjectId, TopicId, UserId,
};
use journal_protocol::snapshot::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// What applying a plan changed: counts (`added` = created, `updated` = changed, `unchanged` =
/// named by the file and already so, `removed`) and one [`ReportItem`] per thing.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub items: Vec<ReportItem>,
    /// Things left as they were on purpose, in Russian.
    pub notes: Vec<String>,
}

impl Applied {
    pub(crate) fn item(
        &mut self,
        row: Option<usize>,
        action: ItemAction,
        entity: &str,
        text: String,
    ) {
        match action {
            ItemAction::Create => self.added += 1,
            ItemAction::Change => self.updated += 1,
            ItemAction::Keep => self.unchanged += 1,
            ItemAction::Remove => self.removed += 1,
        }
        self.items.push(ReportItem {
            row,
            action,
            entity: entity.to_string(),
            text,
        });
    }

    /// Adds another part's account (an import of several kinds, e.g. FET).
    pub fn extend(&mut self, other: Applied) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
        self.items.extend(other.items);
        self.notes.extend(other.notes);
    }
}

/// The dates lessons of a timetable are laid out on: from `from` (usually today) to the year's end,
/// with week A being the week of `cycle_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonDates {
    pub from: NaiveDate,
    pub cycle_start: NaiveDate,
}

impl Imported {
    /// Applies the plan to `snapshot`; `new_id` makes ids for new rows (UUIDv7 on the server,
    /// fixed ones in tests). Timetables need `dates` to lay lessons out on; without it they add none.
    pub fn apply_to(
        &self,
        snapshot: &mut Snapshot,
        new_id: &mut dyn FnMut() -> Uuid,
        dates: Option<LessonDates>,
    ) -> Applied {
        match self {
            Imported::Students(p) => apply_students(p, snapshot, new_id),
            Imported::Groups(p) => apply_groups(p, snapshot, new_id, dates.map(|d| d.from)),
            Imported::Teachers(p) => apply_teachers(p, snapshot, new_id, dates.map(|d| d.from)),
            Imported::Loads(p) => apply_loads(p, snapshot, new_id),
            Imported::Plan(p) => apply_plan(p, snapshot, new_id),
            Imported::Timetable(p) => {
                let lessons: Vec<(Option<usize>, WeeklyLesson)> = p
                    .rows
                    .iter()
                    .map(|r| (Some(r.row), r.lesson.clone()))
                    .collect();
                replace_lessons(&lessons, snapshot, new_id, dates)
            }
            Imported::Asc(a) => {
                let lessons: Vec<(Option<usize>, WeeklyLesson)> = a
                    .mapping
                    .lessons
                    .iter()
                    .map(|l| (None, l.clone()))
                    .collect();
                replace_lessons(&lessons, snapshot, new_id, dates)
            }
            Imported::Fet(f) => crate::fet_map::apply_fet(f, snapshot, new_id, dates),
        }
    }
}

/// «ИС-21 (1 подгруппа), Математика, Смирнова Елена Александровна» for a load.
pub(crate) fn load_text(snap: &Snapshot, load: LoadId) -> String {
    let Some(l) = snap.loads.iter().find(|l| l.id == load) else {
        return "нагрузка".into();
    };
    let group = snap
        .groups
        .iter()
        .find(|g| g.id == l.group_id)
        .map_or("?", |g| g.name.as_str());
    let sub = l
        .subgroup_id
        .and_then(|s| snap.subgroups.iter().find(|x| x.id == s))
        .map(|s| format!(" ({})", s.name))
        .unwrap_or_default();
    let subject = snap
        .subjects
        .iter()
        .find(|s| s.id == l.subject_id)
        .map_or("?", |s| s.name.as_str());
    let teacher = snap
        .users
        .iter()
        .find(|u| u.id == l.teacher_id)
        .map_or("?", |u| u.full_name.as_str());
    format!("{group}{sub}, {subject}, {teacher}")
}

fn group_name(snap: &Snapshot, id: GroupId) -> String {
    snap.groups
        .iter()
        .find(|g| g.id == id)
        .map_or_else(|| "?".into(), |g| g.name.clone())
}

fn user_name(snap: &Snapshot, id: UserId) -> String {
    snap.users
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| "?".into(), |u| u.full_name.clone())
}

fn apply_students(
    plan: &ImportPlan<StudentRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        let mut changes: Vec<String> = Vec::new();
        let full = |last: &str, first: &str, patronymic: &Option<String>| match patronymic {
            Some(p) => format!("{last} {first} {p}"),
            None => format!("{last} {first}"),
        };
        let name = full(&row.last_name, &row.first_name, &row.patronymic);
        let id = match row.existing {
            Some(id) => {
                if let Some(s) = snap.students.iter_mut().find(|s| s.id == id) {
                    let before = s.full_name();
                    if before != name {
                        changes.push(format!("ФИО «{before}» → «{name}»"));
                    }
                    if row.birth_date.is_some() && s.birth_date != row.birth_date {
                        changes.push("дата рождения".into());
                    }
                    s.last_name = row.last_name.clone();
                    s.first_name = row.first_name.clone();
                    s.patronymic = row.patronymic.clone();
                    s.birth_date = row.birth_date.or(s.birth_date);
                }
                id
            }
            None => {
                let id = StudentId(new_id());
                snap.students.push(Student {
                    id,
                    last_name: row.last_name.clone(),
                    first_name: row.first_name.clone(),
                    patronymic: row.patronymic.clone(),
                    birth_date: row.birth_date,
                });
                id
            }
        };
        let group = group_name(snap, row.group_id);
        let open = snap
            .memberships
            .iter_mut()
            .filter(|m| m.student_id == id && m.to.is_none());
        let mut in_group = false;
        let mut left: Vec<GroupId> = Vec::new();
        for m in open {
            if m.group_id == row.group_id {
                if m.subgroup_id != row.subgroup_id {
                    changes.push("подгруппа".into());
                }
                m.subgroup_id = row.subgroup_id;
                in_group = true;
            } else if m.from < row.enrolled_on {
                // A transfer: the old group keeps the student's history up to the day before.
                m.to = row.enrolled_on.pred_opt();
                left.push(m.group_id);
            }
        }
        for g in left {
            changes.push(format!(
                "перевод из группы «{}» с {}",
                group_name(snap, g),
                row.enrolled_on.format("%d.%m.%Y")
            ));
        }
        if !in_group {
            if row.existing.is_some() && changes.is_empty() {
                changes.push(format!("зачисление в группу «{group}»"));
            }
            snap.memberships.push(Membership {
                student_id: id,
                group_id: row.group_id,
                subgroup_id: row.subgroup_id,
                from: row.enrolled_on,
                to: None,
                individual_plan: false,
            });
        }
        let (action, text) = match (row.existing, changes.is_empty()) {
            (None, _) => (
                ItemAction::Create,
                format!(
                    "{name}, группа «{group}» с {}",
                    row.enrolled_on.format("%d.%m.%Y")
                ),
            ),
            (Some(_), true) => (ItemAction::Keep, format!("{name}, группа «{group}»")),
            (Some(_), false) => (
                ItemAction::Change,
                format!("{name}: {}", changes.join("; ")),
            ),
        };
        out.item(Some(row.row), action, "Студент", text);
    }
    out
}

fn ensure_subgroup(
    snap: &mut Snapshot,
    group: GroupId,
    name: &str,
    new_id: &mut dyn FnMut() -> Uuid,
) -> bool {
    let key = normalise_name(name);
    if snap
        .subgroups
        .iter()
        .any(|s| s.group_id == group && normalise_name(&s.name) == key)
    {
        return false;
    }
    snap.subgroups.push(Subgroup {
        id: SubgroupId(new_id()),
        group_id: group,
        name: name.to_string(),
    });
    true
}

/// Makes `user` the group's one curator: the group names them, they get the curator's role for it,
/// and whoever was its curator before loses that role for this group (a group has one curator).
/// With `today` (an import on the server) the previous curator's role ends yesterday rather than
/// vanishing, so the group's history still names who was its curator before; the new one's role
/// starts today. Returns the previous curator when there was another one.
pub(crate) fn set_curator(
    snap: &mut Snapshot,
    user: UserId,
    group: GroupId,
    today: Option<NaiveDate>,
) -> Option<UserId> {
    let is_grant = |g: &RoleGrant| g.role == Role::Curator && g.group_id == Some(group);
    let current = |g: &RoleGrant| is_grant(g) && today.is_none_or(|d| g.in_force_on(d));
    let mut previous = snap
        .groups
        .iter()
        .find(|g| g.id == group)
        .and_then(|g| g.curator_id)
        .filter(|c| *c != user);
    for u in snap.users.iter_mut().filter(|u| u.id != user) {
        if !u.grants.iter().any(current) {
            continue;
        }
        previous = previous.or(Some(u.id));
        match today.and_then(|d| d.pred_opt().map(|y| (d, y))) {
            Some((today, yesterday)) => {
                // A role that would only start today or later is withdrawn; one in force ends.
                u.grants
                    .retain(|g| !(is_grant(g) && g.from.is_some_and(|f| f >= today)));
                for g in u.grants.iter_mut().filter(|g| current(g)) {
                    g.until = Some(yesterday);
                }
            }
            None => u.grants.retain(|g| !is_grant(g)),
        }
    }
    if let Some(g) = snap.groups.iter_mut().find(|g| g.id == group) {
        g.curator_id = Some(user);
    }
    if let Some(u) = snap.users.iter_mut().find(|u| u.id == user) {
        if !u.grants.iter().any(current) {
            u.grants.push(RoleGrant {
                role: Role::Curator,
                group_id: Some(group),
                student_id: None,
                // Dated only when it takes over from someone: a new group's curator is its
                // curator from the start.
                from: previous.and(today),
                until: None,
            });
        }
    }
    previous
}

fn apply_groups(
    plan: &ImportPlan<GroupRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
    today: Option<NaiveDate>,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        let mut changes: Vec<String> = Vec::new();
        let id = match row.existing {
            Some(id) => {
                if let Some(g) = snap.groups.iter_mut().find(|g| g.id == id) {
                    if g.course != row.course {
                        changes.push(format!("курс {} → {}", g.course, row.course));
                    }
                    g.course = row.course;
                    if !row.specialty.is_empty() && g.specialty != row.specialty {
                        changes.push(format!("специальность «{}»", row.specialty));
                        g.specialty = row.specialty.clone();
                    }
                }
                id
            }
            None => {
                let id = GroupId(new_id());
                snap.groups.push(Group {
                    id,
                    name: row.name.clone(),
                    course: row.course,
                    specialty: row.specialty.clone(),
                    curator_id: None,
                });
                id
            }
        };
        let mut new_subgroups = Vec::new();
        for name in &row.subgroups {
            if ensure_subgroup(snap, id, name, new_id) {
                new_subgroups.push(name.clone());
            }
        }
        if let Some(curator) = row.curator_id {
            let was = snap
                .groups
                .iter()
                .find(|g| g.id == id)
                .and_then(|g| g.curator_id);
            let previous = set_curator(snap, curator, id, today);
            if was != Some(curator) || previous.is_some() {
                let text = match previous {
                    Some(p) => format!(
                        "куратор «{}» вместо «{}»",
                        user_name(snap, curator),
                        user_name(snap, p)
                    ),
                    None => format!("куратор «{}»", user_name(snap, curator)),
                };
                changes.push(text);
            }
        }
        let (action, text) = match (row.existing, changes.is_empty()) {
            (None, _) => (
                ItemAction::Create,
                format!("«{}», курс {}{}", row.name, row.course, {
                    let c = changes
                        .iter()
                        .filter(|c| c.starts_with("куратор"))
                        .cloned()
                        .collect::<Vec<_>>();
                    if c.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", c.join(", "))
                    }
                }),
            ),
            (Some(_), true) => (ItemAction::Keep, format!("«{}»", row.name)),
            (Some(_), false) => (
                ItemAction::Change,
                format!("«{}»: {}", row.name, changes.join("; ")),
            ),
        };
        out.item(Some(row.row), action, "Группа", text);
        for name in new_subgroups {
            out.item(
                Some(row.row),
                ItemAction::Create,
                "Подгруппа",
                format!("«{name}» группы «{}»", row.name),
            );
        }
    }
    out
}

fn role_ru(role: Role) -> &'static str {
    match role {
        Role::Teacher => "преподаватель",
        Role::Curator => "куратор",
        Role::Director => "директор",
        Role::Deputy => "заместитель директора",
        Role::DepartmentHead => "заведующий отделением",
        Role::SocialPedagogue => "социальный педагог",
        Role::HrOfficer => "специалист отдела кадров",
        Role::Admin => "администратор",
        Role::Inspector => "проверяющий",
        Role::ControlGroup => "рабочая группа",
        _ => "роль",
    }
}

fn apply_teachers(
    plan: &ImportPlan<UserRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
    today: Option<NaiveDate>,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        let roles = row
            .grants
            .iter()
            .map(|g| role_ru(g.role))
            .collect::<Vec<_>>()
            .join(", ");
        let user_id = match row
            .existing
            .and_then(|id| snap.users.iter_mut().find(|u| u.id == id))
        {
            Some(u) => {
                let mut changes = Vec::new();
                if u.full_name != row.full_name {
                    changes.push(format!("ФИО «{}» → «{}»", u.full_name, row.full_name));
                }
                u.full_name = row.full_name.clone();
                for g in &row.grants {
                    if !u.grants.contains(g) {
                        changes.push(format!("роль «{}»", role_ru(g.role)));
                        u.grants.push(g.clone());
                    }
                }
                let id = u.id;
                if changes.is_empty() {
                    out.item(
                        Some(row.row),
                        ItemAction::Keep,
                        "Сотрудник",
                        format!("{} ({})", row.full_name, row.login),
                    );
                } else {
                    out.item(
                        Some(row.row),
                        ItemAction::Change,
                        "Сотрудник",
                        format!("{} ({}): {}", row.full_name, row.login, changes.join("; ")),
                    );
                }
                id
            }
            None => {
                let id = UserId(new_id());
                snap.users.push(User {
                    id,
                    login: row.login.clone(),
                    full_name: row.full_name.clone(),
                    grants: row.grants.clone(),
                });
                out.item(
                    Some(row.row),
                    ItemAction::Create,
                    "Сотрудник",
                    format!("{}, логин «{}», {roles}", row.full_name, row.login),
                );
                id
            }
        };
        // A curator's group names them, and only them, as its curator.
        for g in row.grants.iter().filter(|g| g.role == Role::Curator) {
            if let Some(group) = g.group_id {
                if let Some(p) = set_curator(snap, user_id, group, today) {
                    out.notes.push(format!(
                        "Строка {}: куратор группы «{}» — {} вместо {}",
                        row.row,
                        group_name(snap, group),
                        row.full_name,
                        user_name(snap, p)
                    ));
                }
            }
        }
    }
    out
}

/// A short name for a new subject: the name itself when it fits in 20 characters, else its first
/// 20, and never one another subject of the institution already has (a number is added).
pub(crate) fn unique_short_name(snap: &Snapshot, name: &str) -> String {
    let taken: HashSet<String> = snap
        .subjects
        .iter()
        .map(|s| normalise_name(&s.short_name))
        .collect();
    let base: String = name.chars().take(20).collect();
    if !taken.contains(&normalise_name(&base)) {
        return base;
    }
    for n in 2.. {
        let suffix = format!(" {n}");
        let cut: String = name.chars().take(20 - suffix.chars().count()).collect();
        let candidate = format!("{}{suffix}", cut.trim_end());
        if !taken.contains(&normalise_name(&candidate)) {
            return candidate;
        }
    }
    base
}

/// The institution's subject for a plan's reference: existing, created earlier in this import
/// (`created`, by normalised name), or created now with a unique short name.
pub(crate) fn subject_for(
    subject: &SubjectRef,
    snap: &mut Snapshot,
    created: &mut HashMap<String, SubjectId>,
    new_id: &mut dyn FnMut() -> Uuid,
    out: &mut Applied,
    row: Option<usize>,
) -> SubjectId {
    match subject {
        SubjectRef::Existing(id) => *id,
        SubjectRef::New { name, kind } => {
            if let Some(id) = created.get(&normalise_name(name)) {
                return *id;
            }
            let id = SubjectId(new_id());
            let short_name = unique_short_name(snap, name);
            snap.subjects.push(Subject {
                id,
                name: name.clone(),
                short_name: short_name.clone(),
                kind: *kind,
                grading: Default::default(),
                module_id: None,
            });
            created.insert(normalise_name(name), id);
            out.item(
                row,
                ItemAction::Create,
                "Дисциплина",
                format!("«{name}» (кратко «{short_name}»)"),
            );
            id
        }
    }
}

fn apply_loads(
    plan: &ImportPlan<LoadRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    let mut created: HashMap<String, SubjectId> = HashMap::new();
    for row in &plan.rows {
        let subject = subject_for(
            &row.subject,
            snap,
            &mut created,
            new_id,
            &mut out,
            Some(row.row),
        );
        match row
            .existing
            .and_then(|id| snap.loads.iter_mut().find(|l| l.id == id))
        {
            Some(l) => {
                let id = l.id;
                if l.planned_hours == row.planned_hours {
                    out.item(
                        Some(row.row),
                        ItemAction::Keep,
                        "Нагрузка",
                        format!("{}: {} ч", load_text(snap, id), row.planned_hours),
                    );
                } else {
                    let before = l.planned_hours;
                    l.planned_hours = row.planned_hours;
                    out.item(
                        Some(row.row),
                        ItemAction::Change,
                        "Нагрузка",
                        format!(
                            "{}: часов {before} → {}",
                            load_text(snap, id),
                            row.planned_hours
                        ),
                    );
                }
            }
            None => {
                let id = LoadId(new_id());
                snap.loads.push(Load {
                    id,
                    teacher_id: row.teacher_id,
                    group_id: row.group_id,
                    subject_id: subject,
                    subgroup_id: row.subgroup_id,
                    from: row.from,
                    to: None,
                    planned_hours: row.planned_hours,
                });
                out.item(
                    Some(row.row),
                    ItemAction::Create,
                    "Нагрузка",
                    format!("{}: {} ч", load_text(snap, id), row.planned_hours),
                );
            }
        }
    }
    let created: HashSet<SubjectId> = created.into_values().collect();
    crate::modules::link_to_modules(snap, &created, &mut out);
    out
}

fn apply_plan(
    plan: &ImportPlan<PlanTopicRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    let loads: HashSet<LoadId> = plan.rows.iter().map(|r| r.load_id).collect();
    let used: HashSet<TopicId> = snap
        .lesson_topics
        .iter()
        .filter_map(|t| t.plan_topic_id)
        .collect();
    let in_file: HashSet<(LoadId, u32)> =
        plan.rows.iter().map(|r| (r.load_id, r.ordinal)).collect();
    // Topics of these loads the file no longer has: removed unless a lesson refers to them.
    let mut kept = 0;
    let mut removed: Vec<PlanTopic> = Vec::new();
    snap.plan_topics.retain(|t| {
        if !loads.contains(&t.load_id) || in_file.contains(&(t.load_id, t.ordinal)) {
            return true;
        }
        if used.contains(&t.id) {
            kept += 1;
            true
        } else {
            removed.push(t.clone());
            false
        }
    });
    for t in removed {
        let load = load_text(snap, t.load_id);
        out.item(
            None,
            ItemAction::Remove,
            "Тема КТП",
            format!("{load}: № {} «{}»", t.ordinal, t.title),
        );
    }
    if kept > 0 {
        out.notes.push(format!(
            "Тем КТП, которых нет в файле, но которые уже записаны на уроках, оставлено: {kept}"
        ));
    }
    for row in &plan.rows {
        let text = format!("№ {} «{}», {} ч", row.ordinal, row.title, row.hours);
        match snap
            .plan_topics
            .iter_mut()
            .find(|t| t.load_id == row.load_id && t.ordinal == row.ordinal)
        {
            Some(t) => {
                let same = t.title == row.title
                    && t.hours == row.hours
                    && t.work_type == row.work_type
                    && t.work_number == row.work_number;
                t.title = row.title.clone();
                t.hours = row.hours;
                t.work_type = row.work_type;
                t.work_number = row.work_number;
                let action = if same {
                    ItemAction::Keep
                } else {
                    ItemAction::Change
                };
                out.item(Some(row.row), action, "Тема КТП", text);
            }
            None => {
                snap.plan_topics.push(PlanTopic {
                    id: TopicId(new_id()),
                    load_id: row.load_id,
                    ordinal: row.ordinal,
                    title: row.title.clone(),
                    hours: row.hours,
                    work_type: row.work_type,
                    work_number: row.work_number,
                });
                out.item(Some(row.row), ItemAction::Create, "Тема КТП", text);
            }
        }
    }
    snap.plan_topics.sort_by_key(|t| (t.load_id, t.ordinal));
    out
}

/// Lessons of the snapshot that hold journal entries (marks or attendance, a topic, homework):
/// a new timetable never removes them.
fn lessons_with_entries(snap: &Snapshot) -> HashSet<LessonId> {
    snap.cells
        .iter()
        .map(|c| c.lesson_id)
        .chain(snap.lesson_topics.iter().map(|t| t.lesson_id))
        .chain(snap.homework.iter().map(|h| h.lesson_id))
        .collect()
}

/// Replaces the institution's future timetable with the weekly pattern laid out on the year's
/// dates from `dates.from`: school days only (not in a holiday, inside the load's dates). A future
/// lesson the pattern also has stays as it is (same id); one it does not have is removed, unless it
/// holds entries — then it stays and a note says so. Lessons before `dates.from` are not touched.
pub(crate) fn replace_lessons(
    lessons: &[(Option<usize>, WeeklyLesson)],
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
    dates: Option<LessonDates>,
) -> Applied {
    let mut out = Applied::default();
    let Some(dates) = dates else {
        out.notes
            .push("Даты не заданы: уроки по расписанию не созданы".into());
        return out;
    };
    let holidays = snap.holidays.clone();
    let in_holiday = |d: NaiveDate| holidays.iter().any(|h| h.starts_on <= d && d <= h.ends_on);
    let from = dates.from.max(snap.year.starts_on);
    // Every dated lesson the pattern asks for, by slot, with the pattern row it comes from.
    let mut wanted: Vec<(usize, (LoadId, NaiveDate, u8), &WeeklyLesson)> = Vec::new();
    let mut seen: HashSet<(LoadId, NaiveDate, u8)> = HashSet::new();
    for (i, (_, w)) in lessons.iter().enumerate() {
        let Some(load) = snap.loads.iter().find(|l| l.id == w.load_id).cloned() else {
            continue;
        };
        let start = from.max(load.from);
        let end = load
            .to
            .map_or(snap.year.ends_on, |t| t.min(snap.year.ends_on));
        for date in dates_of(w, start, end, dates.cycle_start, in_holiday) {
            let slot = (w.load_id, date, w.bell_number);
            if seen.insert(slot) {
                wanted.push((i, slot, w));
            }
        }
    }
    let entries = lessons_with_entries(snap);
    // The future lessons there are now: kept when the pattern has them (or they hold entries).
    let mut kept_slots: HashSet<(LoadId, NaiveDate, u8)> = HashSet::new();
    let mut removed: BTreeMap<LoadId, usize> = BTreeMap::new();
    let mut kept_with_entries: BTreeMap<LoadId, Vec<NaiveDate>> = BTreeMap::new();
    snap.lessons.retain(|l| {
        if l.date < from {
            kept_slots.insert((l.load_id, l.date, l.bell_number));
            return true;
        }
        let slot = (l.load_id, l.date, l.bell_number);
        let in_pattern = seen.contains(&slot);
        if in_pattern && l.status == LessonStatus::Scheduled {
            kept_slots.insert(slot);
            return true;
        }
        if entries.contains(&l.id) {
            kept_slots.insert(slot);
            if !in_pattern {
                kept_with_entries.entry(l.load_id).or_default().push(l.date);
            }
            return true;
        }
        *removed.entry(l.load_id).or_default() += 1;
        false
    });
    for (load, n) in removed {
        let text = format!(
            "{}: будущих уроков прежнего расписания без записей — {n}",
            load_text(snap, load)
        );
        out.item(None, ItemAction::Remove, "Урок", text);
        out.removed += n - 1;
    }
    for (load, dates) in kept_with_entries {
        let list = dates
            .iter()
            .take(5)
            .map(|d| d.format("%d.%m.%Y").to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let more = if dates.len() > 5 { ", …" } else { "" };
        out.notes.push(format!(
            "{}: уроков прежнего расписания с записями в журнале оставлено — {} ({list}{more}); в новом расписании их нет, проверьте их",
            load_text(snap, load),
            dates.len()
        ));
    }
    // Per pattern row: how many dated lessons are new and how many were already there.
    let mut per_row: Vec<(usize, usize)> = vec![(0, 0); lessons.len()];
    for (i, slot, w) in wanted {
        if kept_slots.contains(&slot) {
            per_row[i].1 += 1;
            continue;
        }
        snap.lessons.push(Lesson {
            id: LessonId(new_id()),
            load_id: w.load_id,
            date: slot.1,
            bell_number: w.bell_number,
            hours: w.hours,
            room: w.room.clone(),
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        });
        per_row[i].0 += 1;
    }
    for ((row, w), (new, had)) in lessons.iter().zip(per_row) {
        let slot = format!(
            "{}, урок № {} ({})",
            crate::pattern::weekday_ru(w.weekday),
            w.bell_number,
            w.week.label_ru()
        );
        let load = load_text(snap, w.load_id);
        if new > 0 {
            out.items.push(ReportItem {
                row: *row,
                action: ItemAction::Create,
                entity: "Урок".into(),
                text: format!(
                    "{slot}: {load} — новых уроков {new} с {}",
                    from.format("%d.%m.%Y")
                ),
            });
            out.added += new;
        } else {
            out.items.push(ReportItem {
                row: *row,
                action: ItemAction::Keep,
                entity: "Урок".into(),
                text: format!("{slot}: {load} — уроков {had}, уже в расписании"),
            });
        }
        out.unchanged += had;
    }
    snap.lessons
        .sort_by_key(|l| (l.date, l.bell_number, l.load_id));
    out
}
