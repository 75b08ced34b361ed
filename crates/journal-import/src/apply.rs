//! Applies a plan to an institution [`Snapshot`] in memory — for a server that keeps (or can build)
//! the institution as a snapshot, and for tests. Nothing is deleted that the journal refers to:
//! students keep their history (a transfer closes the old membership), a КТП topic used by a lesson
//! stays, lessons are only added.

use crate::pattern::{dates_of, WeeklyLesson};
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
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What applying a plan changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    /// Things left as they were on purpose, in Russian.
    pub notes: Vec<String>,
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
            Imported::Groups(p) => apply_groups(p, snapshot, new_id),
            Imported::Teachers(p) => apply_teachers(p, snapshot, new_id),
            Imported::Loads(p) => apply_loads(p, snapshot, new_id),
            Imported::Plan(p) => apply_plan(p, snapshot, new_id),
            Imported::Timetable(p) => {
                let lessons: Vec<WeeklyLesson> = p.rows.iter().map(|r| r.lesson.clone()).collect();
                add_lessons(&lessons, snapshot, new_id, dates)
            }
            Imported::Asc(a) => add_lessons(&a.mapping.lessons, snapshot, new_id, dates),
        }
    }
}

fn apply_students(
    plan: &ImportPlan<StudentRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        let id = match row.existing {
            Some(id) => {
                if let Some(s) = snap.students.iter_mut().find(|s| s.id == id) {
                    s.last_name = row.last_name.clone();
                    s.first_name = row.first_name.clone();
                    s.patronymic = row.patronymic.clone();
                    s.birth_date = row.birth_date.or(s.birth_date);
                }
                out.updated += 1;
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
                out.added += 1;
                id
            }
        };
        let open = snap
            .memberships
            .iter_mut()
            .filter(|m| m.student_id == id && m.to.is_none());
        let mut in_group = false;
        for m in open {
            if m.group_id == row.group_id {
                m.subgroup_id = row.subgroup_id;
                in_group = true;
            } else if m.from < row.enrolled_on {
                // A transfer: the old group keeps the student's history up to the day before.
                m.to = row.enrolled_on.pred_opt();
            }
        }
        if !in_group {
            snap.memberships.push(Membership {
                student_id: id,
                group_id: row.group_id,
                subgroup_id: row.subgroup_id,
                from: row.enrolled_on,
                to: None,
                individual_plan: false,
            });
        }
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

fn grant_curator(snap: &mut Snapshot, user: UserId, group: GroupId) {
    if let Some(u) = snap.users.iter_mut().find(|u| u.id == user) {
        if !u
            .grants
            .iter()
            .any(|g| g.role == Role::Curator && g.group_id == Some(group))
        {
            u.grants.push(RoleGrant {
                role: Role::Curator,
                group_id: Some(group),
                student_id: None,
            });
        }
    }
}

fn apply_groups(
    plan: &ImportPlan<GroupRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        let id = match row.existing {
            Some(id) => {
                if let Some(g) = snap.groups.iter_mut().find(|g| g.id == id) {
                    g.course = row.course;
                    if !row.specialty.is_empty() {
                        g.specialty = row.specialty.clone();
                    }
                    if row.curator_id.is_some() {
                        g.curator_id = row.curator_id;
                    }
                }
                out.updated += 1;
                id
            }
            None => {
                let id = GroupId(new_id());
                snap.groups.push(Group {
                    id,
                    name: row.name.clone(),
                    course: row.course,
                    specialty: row.specialty.clone(),
                    curator_id: row.curator_id,
                });
                out.added += 1;
                id
            }
        };
        for name in &row.subgroups {
            ensure_subgroup(snap, id, name, new_id);
        }
        if let Some(curator) = row.curator_id {
            grant_curator(snap, curator, id);
        }
    }
    out
}

fn apply_teachers(
    plan: &ImportPlan<UserRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    for row in &plan.rows {
        match row
            .existing
            .and_then(|id| snap.users.iter_mut().find(|u| u.id == id))
        {
            Some(u) => {
                u.full_name = row.full_name.clone();
                for g in &row.grants {
                    if !u.grants.contains(g) {
                        u.grants.push(g.clone());
                    }
                }
                out.updated += 1;
            }
            None => {
                snap.users.push(User {
                    id: UserId(new_id()),
                    login: row.login.clone(),
                    full_name: row.full_name.clone(),
                    grants: row.grants.clone(),
                });
                out.added += 1;
            }
        }
    }
    out
}

fn apply_loads(
    plan: &ImportPlan<LoadRow>,
    snap: &mut Snapshot,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Applied {
    let mut out = Applied::default();
    let mut created: HashMap<String, SubjectId> = HashMap::new();
    for row in &plan.rows {
        let subject = match &row.subject {
            SubjectRef::Existing(id) => *id,
            SubjectRef::New { name, kind } => {
                *created.entry(normalise_name(name)).or_insert_with(|| {
                    let id = SubjectId(new_id());
                    snap.subjects.push(Subject {
                        id,
                        name: name.clone(),
                        short_name: name.chars().take(20).collect(),
                        kind: *kind,
                        grading: Default::default(),
                    });
                    id
                })
            }
        };
        match row
            .existing
            .and_then(|id| snap.loads.iter_mut().find(|l| l.id == id))
        {
            Some(l) => {
                l.planned_hours = row.planned_hours;
                out.updated += 1;
            }
            None => {
                snap.loads.push(Load {
                    id: LoadId(new_id()),
                    teacher_id: row.teacher_id,
                    group_id: row.group_id,
                    subject_id: subject,
                    subgroup_id: row.subgroup_id,
                    from: row.from,
                    to: None,
                    planned_hours: row.planned_hours,
                });
                out.added += 1;
            }
        }
    }
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
    snap.plan_topics.retain(|t| {
        if !loads.contains(&t.load_id) || in_file.contains(&(t.load_id, t.ordinal)) {
            return true;
        }
        if used.contains(&t.id) {
            kept += 1;
            true
        } else {
            false
        }
    });
    if kept > 0 {
        out.notes.push(format!(
            "Тем КТП, которых нет в файле, но которые уже записаны на уроках, оставлено: {kept}"
        ));
    }
    for row in &plan.rows {
        match snap
            .plan_topics
            .iter_mut()
            .find(|t| t.load_id == row.load_id && t.ordinal == row.ordinal)
        {
            Some(t) => {
                t.title = row.title.clone();
                t.hours = row.hours;
                t.work_type = row.work_type;
                t.work_number = row.work_number;
                out.updated += 1;
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
                out.added += 1;
            }
        }
    }
    snap.plan_topics.sort_by_key(|t| (t.load_id, t.ordinal));
    out
}

/// Lays the weekly pattern out on the year's dates from `dates.from`: school days only (not in a
/// holiday, inside the load's dates), no lesson twice (same load, date and bell).
fn add_lessons(
    lessons: &[WeeklyLesson],
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
    let mut taken: HashSet<(LoadId, NaiveDate, u8)> = snap
        .lessons
        .iter()
        .map(|l| (l.load_id, l.date, l.bell_number))
        .collect();
    let from = dates.from.max(snap.year.starts_on);
    for w in lessons {
        let Some(load) = snap.loads.iter().find(|l| l.id == w.load_id).cloned() else {
            continue;
        };
        let start = from.max(load.from);
        let end = load
            .to
            .map_or(snap.year.ends_on, |t| t.min(snap.year.ends_on));
        for date in dates_of(w, start, end, dates.cycle_start, in_holiday) {
            if !taken.insert((w.load_id, date, w.bell_number)) {
                continue;
            }
            snap.lessons.push(Lesson {
                id: LessonId(new_id()),
                load_id: w.load_id,
                date,
                bell_number: w.bell_number,
                hours: w.hours,
                room: w.room.clone(),
                status: LessonStatus::Scheduled,
                moved_to: None,
                substitute_teacher_id: None,
            });
            out.added += 1;
        }
    }
    snap.lessons
        .sort_by_key(|l| (l.date, l.bell_number, l.load_id));
    out
}
