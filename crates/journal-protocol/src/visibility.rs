//! What one user may read of the institution's journal, decided once: [`ReadScope`]. The snapshot a
//! device receives ([`Snapshot::for_user`]) and the changes it pulls (the server's `/sync/pull`)
//! both ask it, so a parent's pull can never show more than a parent's snapshot.

use crate::snapshot::{Lesson, Load, Membership, Snapshot, User};
use crate::OpPayload;
use journal_core::{LessonId, LoadId, Policy, Role, StudentId, UserId};
use std::collections::{HashMap, HashSet};

/// Roles that read the whole institution's journal.
pub(crate) fn role_reads_everything(role: Role) -> bool {
    matches!(
        role,
        Role::Admin
            | Role::Director
            | Role::Deputy
            | Role::DepartmentHead
            | Role::Inspector
            | Role::ControlGroup
    )
}

/// Whether `user` reads everything (then [`ReadScope::new`] needs no loads, lessons or memberships,
/// and a caller may skip reading them).
pub fn reads_everything(user: &User) -> bool {
    user.grants.iter().any(|g| role_reads_everything(g.role))
}

/// What one user may read of the journal content.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadScope {
    /// Staff who read the whole institution.
    All,
    /// An unknown user: reference data only, no journal content.
    Nothing,
    Limited(Box<LimitedScope>),
}

/// The sets a limited reader's visibility is made of (teacher, curator, student, parent, …).
#[derive(Debug, Clone, PartialEq)]
pub struct LimitedScope {
    pub user_id: UserId,
    /// Loads read in full: own (teacher) and the curated group's.
    pub full_loads: HashSet<LoadId>,
    /// Loads the user teaches (their remarks).
    pub teaching: HashSet<LoadId>,
    /// Students whose own record the user reads (student, parent's child).
    pub own_students: HashSet<StudentId>,
    /// Loads of the own students' groups (own subgroup only).
    pub student_loads: HashSet<LoadId>,
    /// Lessons taken in by substitution, outside the full loads.
    pub substituted: HashSet<LessonId>,
    /// Every lesson the user sees.
    pub lessons: HashSet<LessonId>,
    /// Lessons the user sees as staff (every student's cells, topics, homework).
    pub staff_lessons: HashSet<LessonId>,
    /// Every load the user sees (by name at least).
    pub loads: HashSet<LoadId>,
    /// Loads staff work in (full loads and substituted lessons' loads): their КТП.
    pub staff_loads: HashSet<LoadId>,
    /// Loads whose finals, locks and reopenings the user sees.
    pub period_loads: HashSet<LoadId>,
    pub shows_topics: bool,
    pub shows_homework: bool,
}

impl ReadScope {
    /// The scope of `user_id` in an institution's snapshot (only its reference part is read).
    pub fn for_snapshot(snapshot: &Snapshot, user_id: UserId) -> ReadScope {
        let user = snapshot.users.iter().find(|u| u.id == user_id);
        ReadScope::new(
            user,
            &snapshot.loads,
            &snapshot.memberships,
            &snapshot.lessons,
            &snapshot.institution.policy,
        )
    }

    /// The scope of `user` (None: unknown). `memberships` must contain at least those of the
    /// students named in the user's grants; `lessons` every lesson of the institution (both are
    /// unused for a user who [`reads_everything`]).
    ///
    /// * staff of [`reads_everything`]: all;
    /// * teacher: their loads in full; a lesson they substitute in, without the rest of its load;
    /// * curator: every load of their group in full;
    /// * student / parent: the loads of the student's group (own subgroup only), lessons only within
    ///   the student's membership dates, the student's own cells and finals; topics and homework
    ///   only where the policy lets the diary show them (`diary_shows_topics`,
    ///   `diary_shows_homework`); no remarks.
    ///
    /// A user with several grants gets the union.
    pub fn new(
        user: Option<&User>,
        loads: &[Load],
        memberships: &[Membership],
        lessons: &[Lesson],
        policy: &Policy,
    ) -> ReadScope {
        let Some(user) = user else {
            return ReadScope::Nothing;
        };
        if reads_everything(user) {
            return ReadScope::All;
        }
        let user_id = user.id;
        let mut s = LimitedScope {
            user_id,
            full_loads: HashSet::new(),
            teaching: HashSet::new(),
            own_students: HashSet::new(),
            student_loads: HashSet::new(),
            substituted: HashSet::new(),
            lessons: HashSet::new(),
            staff_lessons: HashSet::new(),
            loads: HashSet::new(),
            staff_loads: HashSet::new(),
            period_loads: HashSet::new(),
            shows_topics: policy.diary_shows_topics,
            shows_homework: policy.diary_shows_homework,
        };
        for grant in &user.grants {
            match grant.role {
                Role::Teacher => {
                    for l in loads.iter().filter(|l| l.teacher_id == user_id) {
                        s.full_loads.insert(l.id);
                        s.teaching.insert(l.id);
                    }
                }
                Role::Curator => {
                    if let Some(g) = grant.group_id {
                        s.full_loads
                            .extend(loads.iter().filter(|l| l.group_id == g).map(|l| l.id));
                    }
                }
                Role::Student | Role::Parent => {
                    if let Some(st) = grant.student_id {
                        s.own_students.insert(st);
                    }
                }
                _ => {}
            }
        }
        // A student's loads: their groups' whole-group loads and their own subgroup's.
        let student_memberships: Vec<&Membership> = memberships
            .iter()
            .filter(|m| s.own_students.contains(&m.student_id))
            .collect();
        for l in loads {
            if student_memberships.iter().any(|m| {
                m.group_id == l.group_id
                    && (l.subgroup_id.is_none() || l.subgroup_id == m.subgroup_id)
            }) {
                s.student_loads.insert(l.id);
            }
        }
        let load_by_id: HashMap<LoadId, &Load> = loads.iter().map(|l| (l.id, l)).collect();
        s.substituted = lessons
            .iter()
            .filter(|l| {
                l.substitute_teacher_id == Some(user_id) && !s.full_loads.contains(&l.load_id)
            })
            .map(|l| l.id)
            .collect();
        // A student sees the lessons inside their memberships' dates.
        let student_sees = |lesson: &Lesson| {
            s.student_loads.contains(&lesson.load_id)
                && load_by_id.get(&lesson.load_id).is_some_and(|load| {
                    student_memberships.iter().any(|m| {
                        m.group_id == load.group_id
                            && (load.subgroup_id.is_none() || load.subgroup_id == m.subgroup_id)
                            && m.from <= lesson.date
                            && m.to.is_none_or(|t| lesson.date <= t)
                    })
                })
        };
        let mut seen_lessons = HashSet::new();
        let mut staff_lessons = HashSet::new();
        let mut lesson_loads = HashSet::new();
        for l in lessons {
            let staff = s.full_loads.contains(&l.load_id) || s.substituted.contains(&l.id);
            if staff || student_sees(l) {
                seen_lessons.insert(l.id);
                lesson_loads.insert(l.load_id);
                if staff {
                    staff_lessons.insert(l.id);
                }
            }
        }
        s.lessons = seen_lessons;
        s.staff_lessons = staff_lessons;
        s.loads = s.full_loads.clone();
        s.loads.extend(s.student_loads.iter().copied());
        s.loads.extend(lesson_loads);
        s.staff_loads = lessons
            .iter()
            .filter(|l| s.substituted.contains(&l.id))
            .map(|l| l.load_id)
            .chain(s.full_loads.iter().copied())
            .collect();
        s.period_loads = s.full_loads.union(&s.student_loads).copied().collect();
        ReadScope::Limited(Box::new(s))
    }

    fn limited(&self) -> Result<&LimitedScope, bool> {
        match self {
            ReadScope::All => Err(true),
            ReadScope::Nothing => Err(false),
            ReadScope::Limited(s) => Ok(s),
        }
    }

    /// Whether the user sees the lesson (its timetable entry).
    pub fn sees_lesson(&self, lesson: &LessonId) -> bool {
        self.limited()
            .map_or_else(|all| all, |s| s.lessons.contains(lesson))
    }

    /// Whether the user sees a load (by name at least).
    pub fn sees_load(&self, load: &LoadId) -> bool {
        self.limited()
            .map_or_else(|all| all, |s| s.loads.contains(load))
    }

    /// A cell (mark, attendance) of `student` in `lesson`.
    pub fn sees_cell(&self, lesson: &LessonId, student: &StudentId) -> bool {
        self.limited().map_or_else(
            |all| all,
            |s| {
                s.lessons.contains(lesson)
                    && (s.staff_lessons.contains(lesson) || s.own_students.contains(student))
            },
        )
    }

    /// A final mark of `student` for `load`.
    pub fn sees_final(&self, load: &LoadId, student: &StudentId) -> bool {
        self.limited().map_or_else(
            |all| all,
            |s| {
                s.period_loads.contains(load)
                    && (s.full_loads.contains(load) || s.own_students.contains(student))
            },
        )
    }

    /// A КТП topic of `load`.
    pub fn sees_plan_topic(&self, load: &LoadId) -> bool {
        self.limited().map_or_else(
            |all| all,
            |s| s.staff_loads.contains(load) || (s.shows_topics && s.loads.contains(load)),
        )
    }

    /// A lesson's topic (what was taught).
    pub fn sees_lesson_topic(&self, lesson: &LessonId) -> bool {
        self.limited().map_or_else(
            |all| all,
            |s| s.staff_lessons.contains(lesson) || (s.shows_topics && s.lessons.contains(lesson)),
        )
    }

    /// A lesson's homework.
    pub fn sees_homework(&self, lesson: &LessonId) -> bool {
        self.limited().map_or_else(
            |all| all,
            |s| {
                s.staff_lessons.contains(lesson) || (s.shows_homework && s.lessons.contains(lesson))
            },
        )
    }

    /// Locks and reopenings of `load`'s periods.
    pub fn sees_period_state(&self, load: &LoadId) -> bool {
        self.limited()
            .map_or_else(|all| all, |s| s.period_loads.contains(load))
    }

    /// Remarks addressed to `load`'s teacher.
    pub fn sees_remarks(&self, load: &LoadId) -> bool {
        self.limited()
            .map_or_else(|all| all, |s| s.teaching.contains(load))
    }

    /// Whether the user may read a synced change: `load_id` is the load the change belongs to.
    pub fn sees_payload(&self, load_id: &LoadId, payload: &OpPayload) -> bool {
        if let Err(all) = self.limited() {
            return all;
        }
        match payload {
            OpPayload::SetCell {
                lesson_id,
                student_id,
                ..
            } => self.sees_cell(lesson_id, student_id),
            OpPayload::SetTopic { lesson_id, .. } => self.sees_lesson_topic(lesson_id),
            OpPayload::SetHomework { lesson_id, .. } => self.sees_homework(lesson_id),
            OpPayload::SetFinal {
                load_id,
                student_id,
                ..
            } => self.sees_final(load_id, student_id),
            OpPayload::LockPeriod { load_id, .. } | OpPayload::UnlockPeriod { load_id, .. } => {
                self.sees_period_state(load_id)
            }
            OpPayload::ResolveRemark { .. } => self.sees_remarks(load_id),
        }
    }
}
