//! Read queries for journal-api: plain serialisable structs, one query (or a few) each.

use crate::codec::{enum_col, json, parse, parse_opt};
use crate::{Store, StoreError};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::{
    CellValue, FinalColumn, FinalValue, GroupId, LessonId, LoadId, PeriodId, StudentId, SubgroupId,
    SubjectId, UserId,
};
use journal_protocol::{
    AcademicYear, AttestationForm, Bell, Cell, Final, Group, Holiday, Homework, IndividualPlan,
    IndividualPlanLoad, Institution, Lesson, LessonTopic, Load, Membership, Period, PeriodLock,
    PlanTopic, Remark, Student, Subject, User,
};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashMap;

/// A teaching load with the names the UI shows next to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadSummary {
    pub load: Load,
    pub subject: Subject,
    pub group_name: String,
    pub subgroup_name: Option<String>,
    pub teacher_name: Option<String>,
}

/// A lesson as listed for a day: what, with whom, when, and what is filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonSummary {
    pub lesson: Lesson,
    pub subject_id: journal_core::SubjectId,
    pub subject_name: String,
    pub group_id: GroupId,
    pub group_name: String,
    pub subgroup_id: Option<SubgroupId>,
    pub subgroup_name: Option<String>,
    /// The load's teacher (a substitute is on the lesson).
    pub teacher_id: UserId,
    /// Bell times of the lesson's slot; None when the bell schedule has no such number.
    pub starts: Option<NaiveTime>,
    pub ends: Option<NaiveTime>,
    /// Topic per hour (one for a single lesson, up to two for a paired one).
    pub topics: Vec<LessonTopic>,
    pub homework: Option<Homework>,
    /// Cells with something entered.
    pub filled_cells: u32,
}

/// One student of a lesson's roster with their cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterEntry {
    pub student: Student,
    pub full_name: String,
    pub subgroup_id: Option<SubgroupId>,
    pub individual_plan: bool,
    pub cell: Option<Cell>,
}

/// A lesson with its students (by membership on the lesson's date) and their cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonDetail {
    pub summary: LessonSummary,
    pub period: Option<Period>,
    /// The lesson's period is locked for its load.
    pub locked: bool,
    pub roster: Vec<RosterEntry>,
}

/// A column of the grid (a lesson) with its right-page data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridLesson {
    pub lesson: Lesson,
    pub topics: Vec<LessonTopic>,
    pub homework: Option<Homework>,
}

/// A row of the grid: one student, cells aligned with [`Grid::lessons`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridRow {
    pub student_id: StudentId,
    pub full_name: String,
    pub individual_plan: bool,
    /// `cells[i]` is the cell at `lessons[i]`.
    pub cells: Vec<Option<CellValue>>,
    /// `member_on[i]`: the student belonged to the group (subgroup) on `lessons[i]`'s date.
    pub member_on: Vec<bool>,
    pub final_value: Option<FinalValue>,
    /// The exam's mark, where the plan ends the period with an exam.
    pub exam_value: Option<FinalValue>,
    /// The year final (kept in the year's last period).
    pub year_value: Option<FinalValue>,
}

/// A load's journal for a period: students × lessons, the right page, finals and the lock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    pub load: LoadSummary,
    pub period: Period,
    pub lessons: Vec<GridLesson>,
    pub rows: Vec<GridRow>,
    pub lock: Option<PeriodLock>,
    /// How the учебный план ends this period of the group's subject, where it says.
    pub attestation: Option<AttestationForm>,
}

impl Grid {
    pub fn locked(&self) -> bool {
        self.lock.is_some()
    }
}

/// Counts for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub pending_ops: u64,
    pub total_ops: u64,
    pub open_conflicts: u64,
}

/// A conflict or refusal the server answered, kept until the user resolves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub id: i64,
    pub op_id: journal_core::OpId,
    pub target: String,
    pub local_value: serde_json::Value,
    pub server_value: Option<serde_json::Value>,
    pub code: String,
    pub message: String,
    pub open: bool,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

/// Sorting key for Russian full names: case-insensitive, «ё» with «е».
fn name_key(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

pub(crate) const LESSON_COLS: &str =
    "l.id, l.load_id, l.date, l.bell_number, l.hours, l.room, l.status, \
                           l.moved_to, l.substitute_teacher_id, l.change_reason";
/// How many columns [`LESSON_COLS`] names: the next column of a query is at this index.
const LESSON_COL_COUNT: usize = 10;

pub(crate) fn lesson_at(r: &Row<'_>, o: usize) -> rusqlite::Result<Lesson> {
    Ok(Lesson {
        id: parse(r, o)?,
        load_id: parse(r, o + 1)?,
        date: parse(r, o + 2)?,
        bell_number: r.get(o + 3)?,
        hours: r.get(o + 4)?,
        room: r.get(o + 5)?,
        status: enum_col(r, o + 6)?,
        moved_to: parse_opt(r, o + 7)?,
        substitute_teacher_id: parse_opt(r, o + 8)?,
        change_reason: r.get(o + 9)?,
    })
}

const STUDENT_COLS: &str = "s.id, s.last_name, s.first_name, s.patronymic, s.birth_date";

fn student_at(r: &Row<'_>, o: usize) -> rusqlite::Result<Student> {
    Ok(Student {
        id: parse(r, o)?,
        last_name: r.get(o + 1)?,
        first_name: r.get(o + 2)?,
        patronymic: r.get(o + 3)?,
        birth_date: parse_opt(r, o + 4)?,
    })
}

const LOAD_COLS: &str = "ld.id, ld.teacher_id, ld.group_id, ld.subject_id, ld.subgroup_id, \
                         ld.date_from, ld.date_to, ld.planned_hours";

fn load_at(r: &Row<'_>, o: usize) -> rusqlite::Result<Load> {
    Ok(Load {
        id: parse(r, o)?,
        teacher_id: parse(r, o + 1)?,
        group_id: parse(r, o + 2)?,
        subject_id: parse(r, o + 3)?,
        subgroup_id: parse_opt(r, o + 4)?,
        from: parse(r, o + 5)?,
        to: parse_opt(r, o + 6)?,
        planned_hours: r.get(o + 7)?,
    })
}

fn period_row(r: &Row<'_>) -> rusqlite::Result<Period> {
    Ok(Period {
        id: parse(r, 0)?,
        name: r.get(1)?,
        ordinal: r.get(2)?,
        starts_on: parse(r, 3)?,
        ends_on: parse(r, 4)?,
    })
}

fn topic_row(r: &Row<'_>) -> rusqlite::Result<LessonTopic> {
    Ok(LessonTopic {
        lesson_id: parse(r, 0)?,
        hour: r.get(1)?,
        plan_topic_id: parse_opt(r, 2)?,
        title: r.get(3)?,
        work_type: enum_col(r, 4)?,
        work_number: r.get(5)?,
        makeup_of: parse_opt(r, 6)?,
        entered_at: parse(r, 7)?,
        author_id: parse(r, 8)?,
    })
}

fn homework_row(r: &Row<'_>) -> rusqlite::Result<Homework> {
    Ok(Homework {
        lesson_id: parse(r, 0)?,
        text: r.get(1)?,
        entered_at: parse(r, 2)?,
        author_id: parse(r, 3)?,
    })
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: parse(r, 0)?,
        login: r.get(1)?,
        full_name: r.get(2)?,
        grants: json(r, 3)?,
    })
}

fn lock_row(r: &Row<'_>) -> rusqlite::Result<PeriodLock> {
    Ok(PeriodLock {
        load_id: parse(r, 0)?,
        period_id: parse(r, 1)?,
        locked_at: parse(r, 2)?,
        locked_by: parse(r, 3)?,
    })
}

/// A membership row as the roster needs it.
struct MemberSpan {
    subgroup_id: Option<SubgroupId>,
    from: NaiveDate,
    to: Option<NaiveDate>,
    individual_plan: bool,
}

impl MemberSpan {
    fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

impl Store {
    pub fn institution(&self) -> Result<Option<Institution>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, short_name, timezone, policy FROM institution WHERE singleton = 1",
                [],
                |r| {
                    Ok(Institution {
                        id: parse(r, 0)?,
                        name: r.get(1)?,
                        short_name: r.get(2)?,
                        timezone: r.get(3)?,
                        policy: json(r, 4)?,
                        regime: Default::default(),
                        support: Default::default(),
                    })
                },
            )
            .optional()?)
    }

    pub fn academic_year(&self) -> Result<Option<AcademicYear>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, starts_on, ends_on FROM academic_year WHERE singleton = 1",
                [],
                |r| {
                    Ok(AcademicYear {
                        name: r.get(0)?,
                        starts_on: parse(r, 1)?,
                        ends_on: parse(r, 2)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id, login, full_name, grants FROM users ORDER BY full_name")?;
        let v = st.query_map([], user_row)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, login, full_name, grants FROM users WHERE id = ?1")?
            .query_row([id.to_string()], user_row)
            .optional()?)
    }

    pub fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, login, full_name, grants FROM users WHERE login = ?1")?
            .query_row([login], user_row)
            .optional()?)
    }

    /// Stores the local password hash of a cached user (for offline sign-in; the hash format is
    /// the caller's, e.g. an Argon2id PHC string).
    pub fn set_local_password_hash(
        &mut self,
        user_id: UserId,
        hash: &str,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user_id.to_string(), hash],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("пользователь {user_id}")));
        }
        Ok(())
    }

    pub fn local_password_hash(&self, user_id: UserId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                [user_id.to_string()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    pub fn periods(&self) -> Result<Vec<Period>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, ordinal, starts_on, ends_on FROM periods ORDER BY ordinal, starts_on",
        )?;
        let v = st.query_map([], period_row)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn period(&self, id: PeriodId) -> Result<Option<Period>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, ordinal, starts_on, ends_on FROM periods WHERE id = ?1",
            )?
            .query_row([id.to_string()], period_row)
            .optional()?)
    }

    /// The period that contains `date` (the current period when `date` is today).
    pub fn period_on(&self, date: NaiveDate) -> Result<Option<Period>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, ordinal, starts_on, ends_on FROM periods
                 WHERE starts_on <= ?1 AND ends_on >= ?1 ORDER BY ordinal LIMIT 1",
            )?
            .query_row([date.to_string()], period_row)
            .optional()?)
    }

    pub fn holidays(&self) -> Result<Vec<Holiday>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name, starts_on, ends_on FROM holidays ORDER BY starts_on")?;
        let v = st
            .query_map([], |r| {
                Ok(Holiday {
                    name: r.get(0)?,
                    starts_on: parse(r, 1)?,
                    ends_on: parse(r, 2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn bells(&self) -> Result<Vec<Bell>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT number, starts, ends FROM bells ORDER BY number")?;
        let v = st
            .query_map([], |r| {
                Ok(Bell {
                    number: r.get(0)?,
                    starts: parse(r, 1)?,
                    ends: parse(r, 2)?,
                    shift: 1,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, course, specialty, curator_id FROM study_groups ORDER BY course, name",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(Group {
                    id: parse(r, 0)?,
                    name: r.get(1)?,
                    course: r.get(2)?,
                    specialty: r.get(3)?,
                    curator_id: parse_opt(r, 4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn subjects(&self) -> Result<Vec<Subject>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, short_name, kind, grading, module_id FROM subjects ORDER BY name",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(Subject {
                    id: parse(r, 0)?,
                    name: r.get(1)?,
                    short_name: r.get(2)?,
                    kind: enum_col(r, 3)?,
                    grading: enum_col(r, 4)?,
                    module_id: parse_opt(r, 5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    fn load_summaries(&self, filter: &str, arg: String) -> Result<Vec<LoadSummary>, StoreError> {
        let sql = format!(
            "SELECT {LOAD_COLS}, sj.id, sj.name, sj.short_name, sj.kind, g.name, sg.name, u.full_name,
                    sj.grading, sj.module_id
             FROM loads ld
             JOIN subjects sj ON sj.id = ld.subject_id
             JOIN study_groups g ON g.id = ld.group_id
             LEFT JOIN subgroups sg ON sg.id = ld.subgroup_id
             LEFT JOIN users u ON u.id = ld.teacher_id
             WHERE {filter}
             ORDER BY g.name, sj.name, sg.name"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let v = st
            .query_map([arg], |r| {
                Ok(LoadSummary {
                    load: load_at(r, 0)?,
                    subject: Subject {
                        id: parse(r, 8)?,
                        name: r.get(9)?,
                        short_name: r.get(10)?,
                        kind: enum_col(r, 11)?,
                        grading: enum_col(r, 15)?,
                        module_id: parse_opt(r, 16)?,
                    },
                    group_name: r.get(12)?,
                    subgroup_name: r.get(13)?,
                    teacher_name: r.get(14)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The loads a teacher teaches, with subject and group names.
    pub fn loads_of(&self, teacher_id: UserId) -> Result<Vec<LoadSummary>, StoreError> {
        self.load_summaries("ld.teacher_id = ?1", teacher_id.to_string())
    }

    /// All loads of a group (the curator's view).
    pub fn loads_of_group(&self, group_id: GroupId) -> Result<Vec<LoadSummary>, StoreError> {
        self.load_summaries("ld.group_id = ?1", group_id.to_string())
    }

    pub fn load(&self, load_id: LoadId) -> Result<Option<LoadSummary>, StoreError> {
        Ok(self
            .load_summaries("ld.id = ?1", load_id.to_string())?
            .into_iter()
            .next())
    }

    /// The КТП of a load in order.
    pub fn plan_topics(&self, load_id: LoadId) -> Result<Vec<PlanTopic>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, load_id, ordinal, title, hours, work_type, work_number
             FROM plan_topics WHERE load_id = ?1 ORDER BY ordinal",
        )?;
        let v = st
            .query_map([load_id.to_string()], |r| {
                Ok(PlanTopic {
                    id: parse(r, 0)?,
                    load_id: parse(r, 1)?,
                    ordinal: r.get(2)?,
                    title: r.get(3)?,
                    hours: r.get(4)?,
                    work_type: enum_col(r, 5)?,
                    work_number: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    fn lesson_summaries(
        &self,
        filter: &str,
        args: &[String],
    ) -> Result<Vec<LessonSummary>, StoreError> {
        let sql = format!(
            "SELECT {LESSON_COLS}, sj.id, sj.name, g.id, g.name, ld.subgroup_id, sg.name,
                    ld.teacher_id, b.starts, b.ends,
                    (SELECT count(*) FROM cells c WHERE c.lesson_id = l.id)
             FROM lessons l
             JOIN loads ld ON ld.id = l.load_id
             JOIN subjects sj ON sj.id = ld.subject_id
             JOIN study_groups g ON g.id = ld.group_id
             LEFT JOIN subgroups sg ON sg.id = ld.subgroup_id
             LEFT JOIN bells b ON b.number = l.bell_number
             WHERE {filter}
             ORDER BY l.date, l.bell_number, g.name"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let n = LESSON_COL_COUNT;
        let mut v: Vec<LessonSummary> = st
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(LessonSummary {
                    lesson: lesson_at(r, 0)?,
                    subject_id: parse(r, n)?,
                    subject_name: r.get(n + 1)?,
                    group_id: parse(r, n + 2)?,
                    group_name: r.get(n + 3)?,
                    subgroup_id: parse_opt(r, n + 4)?,
                    subgroup_name: r.get(n + 5)?,
                    teacher_id: parse(r, n + 6)?,
                    starts: parse_opt(r, n + 7)?,
                    ends: parse_opt(r, n + 8)?,
                    topics: vec![],
                    homework: None,
                    filled_cells: r.get(n + 9)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        for s in &mut v {
            s.topics = self.lesson_topics(s.lesson.id)?;
            s.homework = self.homework(s.lesson.id)?;
        }
        Ok(v)
    }

    /// The lessons a teacher gives on a date (own loads, and lessons where they substitute), in
    /// bell order.
    pub fn lessons_on(
        &self,
        date: NaiveDate,
        teacher_id: UserId,
    ) -> Result<Vec<LessonSummary>, StoreError> {
        self.lesson_summaries(
            "l.date = ?1 AND (ld.teacher_id = ?2 OR l.substitute_teacher_id = ?2)",
            &[date.to_string(), teacher_id.to_string()],
        )
    }

    /// Every lesson of the local copy on a date (all teachers' the copy has), in bell order.
    pub fn lessons_on_date(&self, date: NaiveDate) -> Result<Vec<LessonSummary>, StoreError> {
        self.lesson_summaries("l.date = ?1", &[date.to_string()])
    }

    /// The slots of `date` held by lessons of the copy's groups that the copy does not keep
    /// (`Snapshot::busy_slots`): with the day's own lessons, what a postponement there meets.
    pub fn busy_slots_on(
        &self,
        date: NaiveDate,
    ) -> Result<Vec<journal_protocol::BusySlot>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT date, bell_number, group_id, subgroup_id FROM busy_slots WHERE date = ?1
             ORDER BY group_id, subgroup_id, bell_number",
        )?;
        let v = st
            .query_map([date.to_string()], busy_slot_row)?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn lesson_topics(&self, lesson_id: LessonId) -> Result<Vec<LessonTopic>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT lesson_id, hour, plan_topic_id, title, work_type, work_number, makeup_of,
                    entered_at, author_id
             FROM lesson_topics WHERE lesson_id = ?1 ORDER BY hour",
        )?;
        let v = st
            .query_map([lesson_id.to_string()], topic_row)?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn homework(&self, lesson_id: LessonId) -> Result<Option<Homework>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT lesson_id, text, entered_at, author_id FROM homework WHERE lesson_id = ?1",
            )?
            .query_row([lesson_id.to_string()], homework_row)
            .optional()?)
    }

    /// The memberships of `group` (every group's when none), in the order the snapshot gave them.
    pub fn memberships(&self, group: Option<GroupId>) -> Result<Vec<Membership>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT student_id, group_id, subgroup_id, date_from, date_to, individual_plan
             FROM memberships WHERE ?1 IS NULL OR group_id = ?1 ORDER BY id",
        )?;
        let v = st
            .query_map([group.map(|g| g.to_string())], |r| {
                Ok(Membership {
                    student_id: parse(r, 0)?,
                    group_id: parse(r, 1)?,
                    subgroup_id: parse_opt(r, 2)?,
                    from: parse(r, 3)?,
                    to: parse_opt(r, 4)?,
                    individual_plan: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The individual plans (ИУП) the copy keeps, each student's loads in the snapshot's order.
    pub fn individual_plans(&self) -> Result<Vec<IndividualPlan>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT student_id, load_id, hours FROM individual_plan_loads ORDER BY student_id, rowid",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                parse::<StudentId>(r, 0)?,
                IndividualPlanLoad {
                    load_id: parse(r, 1)?,
                    hours: r.get(2)?,
                },
            ))
        })?;
        let mut plans: Vec<IndividualPlan> = Vec::new();
        for row in rows {
            let (student_id, load) = row?;
            match plans.last_mut() {
                Some(p) if p.student_id == student_id => p.loads.push(load),
                _ => plans.push(IndividualPlan {
                    student_id,
                    loads: vec![load],
                }),
            }
        }
        Ok(plans)
    }

    /// Memberships of a load's group (and subgroup, when the load is for one), less those of students
    /// on an individual plan that is kept and leaves the load out (`Snapshot::studies_load`).
    fn member_spans(&self, load: &Load) -> Result<Vec<(Student, MemberSpan)>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {STUDENT_COLS}, m.subgroup_id, m.date_from, m.date_to, m.individual_plan
             FROM memberships m JOIN students s ON s.id = m.student_id
             WHERE m.group_id = ?1 AND (?2 IS NULL OR m.subgroup_id = ?2)
               AND (NOT m.individual_plan
                    OR NOT EXISTS (SELECT 1 FROM individual_plan_loads p WHERE p.student_id = m.student_id)
                    OR EXISTS (SELECT 1 FROM individual_plan_loads p
                               WHERE p.student_id = m.student_id AND p.load_id = ?3))"
        ))?;
        let v = st
            .query_map(
                params![
                    load.group_id.to_string(),
                    load.subgroup_id.map(|s| s.to_string()),
                    load.id.to_string()
                ],
                |r| {
                    let student = student_at(r, 0)?;
                    let span = MemberSpan {
                        subgroup_id: parse_opt(r, 5)?,
                        from: parse(r, 6)?,
                        to: parse_opt(r, 7)?,
                        individual_plan: r.get(8)?,
                    };
                    Ok((student, span))
                },
            )?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Whether the period containing the lesson's date is locked for the lesson's load.
    pub fn lesson_locked(&self, lesson_id: LessonId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM lessons l
                 JOIN periods p ON p.starts_on <= l.date AND p.ends_on >= l.date
                 JOIN locks k ON k.load_id = l.load_id AND k.period_id = p.id
                 WHERE l.id = ?1 LIMIT 1",
            )?
            .query_row([lesson_id.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// One lesson with its roster: the students whose membership of the load's group (and
    /// subgroup) covers the lesson's date, ordered by full name, each with their cell.
    pub fn lesson(&self, lesson_id: LessonId) -> Result<Option<LessonDetail>, StoreError> {
        let Some(summary) = self
            .lesson_summaries("l.id = ?1", &[lesson_id.to_string()])?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let load = self
            .load(summary.lesson.load_id)?
            .ok_or_else(|| StoreError::Corrupt(format!("урок {lesson_id} без нагрузки")))?;
        let date = summary.lesson.date;
        let mut cells: HashMap<StudentId, Cell> = {
            let mut st = self.conn.prepare_cached(
                "SELECT lesson_id, student_id, value, entered_at, author_id FROM cells WHERE lesson_id = ?1",
            )?;
            let rows = st.query_map([lesson_id.to_string()], |r| {
                Ok(Cell {
                    lesson_id: parse(r, 0)?,
                    student_id: parse(r, 1)?,
                    value: json(r, 2)?,
                    entered_at: parse(r, 3)?,
                    author_id: parse(r, 4)?,
                })
            })?;
            rows.map(|c| c.map(|c| (c.student_id, c)))
                .collect::<Result<_, _>>()?
        };
        let mut roster: Vec<RosterEntry> = vec![];
        for (student, span) in self.member_spans(&load.load)? {
            if !span.covers(date) || roster.iter().any(|e| e.student.id == student.id) {
                continue;
            }
            roster.push(RosterEntry {
                full_name: student.full_name(),
                cell: cells.remove(&student.id),
                subgroup_id: span.subgroup_id,
                individual_plan: span.individual_plan,
                student,
            });
        }
        roster.sort_by_cached_key(|e| name_key(&e.full_name));
        Ok(Some(LessonDetail {
            period: self.period_on(date)?,
            locked: self.lesson_locked(lesson_id)?,
            summary,
            roster,
        }))
    }

    /// A load's journal for one period: students (any membership of the group/subgroup overlapping
    /// the period) × the load's lessons in the period, with cells, the right page (topics,
    /// homework), finals and the lock.
    pub fn grid(&self, load_id: LoadId, period_id: PeriodId) -> Result<Grid, StoreError> {
        let load = self
            .load(load_id)?
            .ok_or_else(|| StoreError::NotFound(format!("нагрузка {load_id}")))?;
        let period = self
            .period(period_id)?
            .ok_or_else(|| StoreError::NotFound(format!("период {period_id}")))?;
        let (from, to) = (period.starts_on.to_string(), period.ends_on.to_string());
        let lid = load_id.to_string();

        let mut lessons: Vec<GridLesson> = {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {LESSON_COLS} FROM lessons l
                 WHERE l.load_id = ?1 AND l.date >= ?2 AND l.date <= ?3
                 ORDER BY l.date, l.bell_number"
            ))?;
            let rows = st.query_map(params![lid, from, to], |r| {
                Ok(GridLesson {
                    lesson: lesson_at(r, 0)?,
                    topics: vec![],
                    homework: None,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let col: HashMap<LessonId, usize> = lessons
            .iter()
            .enumerate()
            .map(|(i, l)| (l.lesson.id, i))
            .collect();
        {
            let mut st = self.conn.prepare_cached(
                "SELECT t.lesson_id, t.hour, t.plan_topic_id, t.title, t.work_type, t.work_number,
                        t.makeup_of, t.entered_at, t.author_id
                 FROM lesson_topics t JOIN lessons l ON l.id = t.lesson_id
                 WHERE l.load_id = ?1 AND l.date >= ?2 AND l.date <= ?3 ORDER BY t.hour",
            )?;
            for t in st.query_map(params![lid, from, to], topic_row)? {
                let t = t?;
                if let Some(&i) = col.get(&t.lesson_id) {
                    lessons[i].topics.push(t);
                }
            }
            let mut st = self.conn.prepare_cached(
                "SELECT h.lesson_id, h.text, h.entered_at, h.author_id
                 FROM homework h JOIN lessons l ON l.id = h.lesson_id
                 WHERE l.load_id = ?1 AND l.date >= ?2 AND l.date <= ?3",
            )?;
            for h in st.query_map(params![lid, from, to], homework_row)? {
                let h = h?;
                if let Some(&i) = col.get(&h.lesson_id) {
                    lessons[i].homework = Some(h);
                }
            }
        }

        // Rows: every student with a membership overlapping the period.
        let mut rows: Vec<GridRow> = vec![];
        let mut row_of: HashMap<StudentId, usize> = HashMap::new();
        let spans = self.member_spans(&load.load)?;
        for (student, span) in &spans {
            let overlaps =
                span.from <= period.ends_on && span.to.is_none_or(|t| t >= period.starts_on);
            if !overlaps {
                continue;
            }
            let i = *row_of.entry(student.id).or_insert_with(|| {
                rows.push(GridRow {
                    student_id: student.id,
                    full_name: student.full_name(),
                    individual_plan: false,
                    cells: vec![None; lessons.len()],
                    member_on: vec![false; lessons.len()],
                    final_value: None,
                    exam_value: None,
                    year_value: None,
                });
                rows.len() - 1
            });
            let row = &mut rows[i];
            row.individual_plan |= span.individual_plan;
            for (j, l) in lessons.iter().enumerate() {
                if span.covers(l.lesson.date) {
                    row.member_on[j] = true;
                }
            }
        }
        rows.sort_by_cached_key(|r| name_key(&r.full_name));
        row_of = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.student_id, i))
            .collect();

        {
            let mut st = self.conn.prepare_cached(
                "SELECT c.lesson_id, c.student_id, c.value
                 FROM lessons l JOIN cells c ON c.lesson_id = l.id
                 WHERE l.load_id = ?1 AND l.date >= ?2 AND l.date <= ?3",
            )?;
            let mut q = st.query(params![lid, from, to])?;
            while let Some(r) = q.next()? {
                let lesson_id: LessonId = parse(r, 0)?;
                let student_id: StudentId = parse(r, 1)?;
                // A cell of a student no longer listed (e.g. membership data changed) is not
                // dropped from the store, only not shown in this grid.
                if let (Some(&i), Some(&j)) = (row_of.get(&student_id), col.get(&lesson_id)) {
                    rows[i].cells[j] = Some(json(r, 2)?);
                }
            }
            let mut st = self.conn.prepare_cached(
                "SELECT student_id, value, final_column FROM finals
                 WHERE load_id = ?1 AND period_id = ?2",
            )?;
            let mut q = st.query(params![lid, period_id.to_string()])?;
            while let Some(r) = q.next()? {
                let student_id: StudentId = parse(r, 0)?;
                if let Some(&i) = row_of.get(&student_id) {
                    let value = Some(json(r, 1)?);
                    match enum_col(r, 2)? {
                        FinalColumn::Period => rows[i].final_value = value,
                        FinalColumn::Exam => rows[i].exam_value = value,
                        FinalColumn::Year => rows[i].year_value = value,
                    }
                }
            }
        }
        let lock = self
            .conn
            .prepare_cached(
                "SELECT load_id, period_id, locked_at, locked_by FROM locks
                 WHERE load_id = ?1 AND period_id = ?2",
            )?
            .query_row(params![lid, period_id.to_string()], lock_row)
            .optional()?;
        let attestation = self.attestation(load.load.group_id, load.load.subject_id, period.id)?;
        Ok(Grid {
            load,
            period,
            lessons,
            rows,
            lock,
            attestation,
        })
    }

    /// Period finals of a load for a period (not the exam's or the year's column).
    pub fn finals(&self, load_id: LoadId, period_id: PeriodId) -> Result<Vec<Final>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT load_id, period_id, student_id, value, entered_at, author_id FROM finals
             WHERE load_id = ?1 AND period_id = ?2 AND final_column = 'period'",
        )?;
        let v = st
            .query_map(params![load_id.to_string(), period_id.to_string()], |r| {
                Ok(Final {
                    load_id: parse(r, 0)?,
                    period_id: parse(r, 1)?,
                    student_id: parse(r, 2)?,
                    column: FinalColumn::Period,
                    value: json(r, 3)?,
                    entered_at: parse(r, 4)?,
                    author_id: parse(r, 5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// A student's period finals of a load in every period, by period id (the year final's
    /// suggestion).
    pub fn period_finals_of_load(
        &self,
        load_id: LoadId,
    ) -> Result<HashMap<(PeriodId, StudentId), FinalValue>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT period_id, student_id, value FROM finals
             WHERE load_id = ?1 AND final_column = 'period'",
        )?;
        let v = st
            .query_map(params![load_id.to_string()], |r| {
                Ok(((parse(r, 0)?, parse(r, 1)?), json(r, 2)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// How the учебный план ends `period` of `subject` for `group` (None: no line, or no
    /// attestation in this period).
    pub fn attestation(
        &self,
        group_id: GroupId,
        subject_id: SubjectId,
        period_id: PeriodId,
    ) -> Result<Option<AttestationForm>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT attestation FROM curriculum
                 WHERE group_id = ?1 AND subject_id = ?2 AND period_id = ?3",
            )?
            .query_row(
                params![
                    group_id.to_string(),
                    subject_id.to_string(),
                    period_id.to_string()
                ],
                |r| crate::codec::opt_enum_col(r, 0),
            )
            .optional()?
            .flatten())
    }

    /// The scheduled control work of `load_id` on `date` (ВТК and the administration's works),
    /// with its criteria.
    pub fn control_work_on(
        &self,
        load_id: LoadId,
        date: NaiveDate,
    ) -> Result<Option<journal_protocol::ControlWork>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, load_id, date, form, title, vtk, max_points, five, four, three
                 FROM control_works WHERE load_id = ?1 AND date = ?2 ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![load_id.to_string(), date.to_string()],
                control_work_row,
            )
            .optional()?)
    }

    pub fn locks(&self) -> Result<Vec<PeriodLock>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT load_id, period_id, locked_at, locked_by FROM locks ORDER BY locked_at",
        )?;
        let v = st.query_map([], lock_row)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn is_locked(&self, load_id: LoadId, period_id: PeriodId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM locks WHERE load_id = ?1 AND period_id = ?2")?
            .query_row(params![load_id.to_string(), period_id.to_string()], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// Remarks, newest first; of one load or of all.
    pub fn remarks(&self, load_id: Option<LoadId>) -> Result<Vec<Remark>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, load_id, author_id, created_at, text, resolved_at, data FROM remarks
             WHERE ?1 IS NULL OR load_id = ?1 ORDER BY created_at DESC",
        )?;
        let v = st
            .query_map([load_id.map(|l| l.to_string())], |r| {
                crate::outbox::remark_from_row(r)
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Counts for the status line.
    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),
                    (SELECT count(*) FROM outbox),
                    (SELECT count(*) FROM conflicts WHERE state = 'open')",
            [],
            |r| {
                Ok(StoreCounts {
                    pending_ops: r.get::<_, i64>(0)? as u64,
                    total_ops: r.get::<_, i64>(1)? as u64,
                    open_conflicts: r.get::<_, i64>(2)? as u64,
                })
            },
        )?)
    }

    /// Records what the server answered against a local op (sync), to show the user.
    pub fn add_conflict(
        &mut self,
        op_id: journal_core::OpId,
        local_value: &serde_json::Value,
        server_value: Option<&serde_json::Value>,
        code: &str,
        message: &str,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        let target: String = self
            .conn
            .query_row(
                "SELECT target FROM outbox WHERE op_id = ?1",
                [op_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("изменение {op_id}")))?;
        self.conn.execute(
            "INSERT INTO conflicts (op_id, target, local_value, server_value, code, message, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                op_id.to_string(),
                target,
                local_value.to_string(),
                server_value.map(|v| v.to_string()),
                code,
                message,
                crate::codec::dt(&at)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn resolve_conflict(&mut self, id: i64, at: NaiveDateTime) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE conflicts SET state = 'resolved', resolved_at = ?2 WHERE id = ?1",
            params![id, crate::codec::dt(&at)],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("конфликт {id}")));
        }
        Ok(())
    }

    /// Conflicts and refusals, open first, newest first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, op_id, target, local_value, server_value, code, message, state, created_at,
                    resolved_at
             FROM conflicts ORDER BY state = 'resolved', created_at DESC, id DESC",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(Conflict {
                    id: r.get(0)?,
                    op_id: parse(r, 1)?,
                    target: r.get(2)?,
                    local_value: json(r, 3)?,
                    server_value: r
                        .get::<_, Option<String>>(4)?
                        .map(|s| serde_json::from_str(&s))
                        .transpose()
                        .map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(
                                4,
                                rusqlite::types::Type::Text,
                                Box::new(e),
                            )
                        })?,
                    code: r.get(5)?,
                    message: r.get(6)?,
                    open: r.get::<_, String>(7)? == "open",
                    created_at: parse(r, 8)?,
                    resolved_at: parse_opt(r, 9)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The last server_seq pulled (0 before the first pull).
    pub fn sync_cursor(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT server_seq FROM sync_cursor WHERE singleton = 1",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0) as u64)
    }

    pub fn set_sync_cursor(
        &mut self,
        server_seq: u64,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sync_cursor (singleton, server_seq, last_sync_at) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET server_seq = excluded.server_seq,
                                                   last_sync_at = excluded.last_sync_at",
            params![server_seq as i64, crate::codec::dt(&at)],
        )?;
        Ok(())
    }
}

/// A row of `control_works` (id, load_id, date, form, title, vtk, max_points, five, four, three).
/// A row of `busy_slots` (date, bell_number, group_id, subgroup_id).
pub(crate) fn busy_slot_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<journal_protocol::BusySlot> {
    Ok(journal_protocol::BusySlot {
        date: crate::codec::parse(r, 0)?,
        bell_number: r.get(1)?,
        group_id: crate::codec::parse(r, 2)?,
        subgroup_id: crate::codec::parse_opt(r, 3)?,
    })
}

pub(crate) fn control_work_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<journal_protocol::ControlWork> {
    let points: [Option<u16>; 4] = [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?];
    let criteria = match points {
        [Some(max_points), Some(five), Some(four), Some(three)] => {
            Some(journal_core::MarkCriteria {
                max_points,
                five,
                four,
                three,
            })
        }
        _ => None,
    };
    Ok(journal_protocol::ControlWork {
        id: crate::codec::parse(r, 0)?,
        load_id: crate::codec::parse(r, 1)?,
        date: crate::codec::parse(r, 2)?,
        form: crate::codec::enum_col(r, 3)?,
        title: r.get(4)?,
        vtk: r.get(5)?,
        criteria,
    })
}
