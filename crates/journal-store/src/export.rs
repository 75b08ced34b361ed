//! Reading the whole local copy back as a [`Snapshot`] — what journal-print renders from, so the
//! documents a teacher prints offline show exactly what the local copy holds (pending edits too).

use crate::codec::{enum_col, json, parse, parse_opt};
use crate::{Store, StoreError};
use journal_protocol::{
    Cell, Final, Group, Homework, Lesson, LessonTopic, Load, PeriodLock, PeriodReopening,
    PlanTopic, Snapshot, Student, Subgroup, Subject, User,
};
use rusqlite::{Connection, Row};

fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut st = conn.prepare(sql)?;
    let v = st.query_map([], f)?.collect::<Result<_, _>>()?;
    Ok(v)
}

impl Store {
    /// Every row of the local copy as a snapshot. Tables with insertion order keep it (rowid);
    /// the rest come in key order, so the same content always gives the same snapshot.
    pub fn export_snapshot(&self) -> Result<Snapshot, StoreError> {
        let c = &self.conn;
        let institution = self
            .institution()?
            .ok_or_else(|| StoreError::NotFound("учреждение (копия журнала пуста)".into()))?;
        let year = self
            .academic_year()?
            .ok_or_else(|| StoreError::NotFound("учебный год (копия журнала пуста)".into()))?;
        let periods = self.periods()?;
        let holidays = self.holidays()?;
        let bells = self.bells()?;
        let users = rows(
            c,
            "SELECT id, login, full_name, grants FROM users ORDER BY rowid",
            |r| {
                Ok(User {
                    id: parse(r, 0)?,
                    login: r.get(1)?,
                    full_name: r.get(2)?,
                    grants: json(r, 3)?,
                })
            },
        )?;
        let groups = rows(
            c,
            "SELECT id, name, course, specialty, curator_id FROM study_groups ORDER BY rowid",
            |r| {
                Ok(Group {
                    id: parse(r, 0)?,
                    name: r.get(1)?,
                    course: r.get(2)?,
                    specialty: r.get(3)?,
                    curator_id: parse_opt(r, 4)?,
                })
            },
        )?;
        let subgroups = rows(
            c,
            "SELECT id, group_id, name FROM subgroups ORDER BY rowid",
            |r| {
                Ok(Subgroup {
                    id: parse(r, 0)?,
                    group_id: parse(r, 1)?,
                    name: r.get(2)?,
                })
            },
        )?;
        let students = rows(
            c,
            "SELECT id, last_name, first_name, patronymic, birth_date FROM students ORDER BY rowid",
            |r| {
                Ok(Student {
                    id: parse(r, 0)?,
                    last_name: r.get(1)?,
                    first_name: r.get(2)?,
                    patronymic: r.get(3)?,
                    birth_date: parse_opt(r, 4)?,
                })
            },
        )?;
        let memberships = self.memberships(None)?;
        let individual_plans = self.individual_plans()?;
        let subjects = rows(
            c,
            "SELECT id, name, short_name, kind, grading, module_id FROM subjects ORDER BY rowid",
            |r| {
                Ok(Subject {
                    id: parse(r, 0)?,
                    name: r.get(1)?,
                    short_name: r.get(2)?,
                    kind: enum_col(r, 3)?,
                    grading: enum_col(r, 4)?,
                    module_id: parse_opt(r, 5)?,
                })
            },
        )?;
        let curriculum = rows(
            c,
            "SELECT group_id, subject_id, period_id, hours, attestation FROM curriculum
             ORDER BY group_id, subject_id, period_id",
            |r| {
                Ok(journal_protocol::CurriculumLine {
                    group_id: parse(r, 0)?,
                    subject_id: parse(r, 1)?,
                    period_id: parse(r, 2)?,
                    hours: r.get(3)?,
                    attestation: crate::codec::opt_enum_col(r, 4)?,
                })
            },
        )?;
        let control_works = rows(
            c,
            "SELECT id, load_id, date, form, title, vtk, max_points, five, four, three
             FROM control_works ORDER BY date, load_id, id",
            crate::query::control_work_row,
        )?;
        let busy_slots = rows(
            c,
            "SELECT date, bell_number, group_id, subgroup_id FROM busy_slots
             ORDER BY group_id, subgroup_id, date, bell_number",
            crate::query::busy_slot_row,
        )?;
        let loads = rows(
            c,
            "SELECT id, teacher_id, group_id, subject_id, subgroup_id, date_from, date_to,
                    planned_hours FROM loads ORDER BY rowid",
            |r| {
                Ok(Load {
                    id: parse(r, 0)?,
                    teacher_id: parse(r, 1)?,
                    group_id: parse(r, 2)?,
                    subject_id: parse(r, 3)?,
                    subgroup_id: parse_opt(r, 4)?,
                    from: parse(r, 5)?,
                    to: parse_opt(r, 6)?,
                    planned_hours: r.get(7)?,
                })
            },
        )?;
        let plan_topics = rows(
            c,
            "SELECT id, load_id, ordinal, title, hours, work_type, work_number
             FROM plan_topics ORDER BY rowid",
            |r| {
                Ok(PlanTopic {
                    id: parse(r, 0)?,
                    load_id: parse(r, 1)?,
                    ordinal: r.get(2)?,
                    title: r.get(3)?,
                    hours: r.get(4)?,
                    work_type: enum_col(r, 5)?,
                    work_number: r.get(6)?,
                })
            },
        )?;
        let lessons = rows(
            c,
            "SELECT id, load_id, date, bell_number, hours, room, status, moved_to,
                    substitute_teacher_id, change_reason FROM lessons ORDER BY rowid",
            |r| {
                Ok(Lesson {
                    id: parse(r, 0)?,
                    load_id: parse(r, 1)?,
                    date: parse(r, 2)?,
                    bell_number: r.get(3)?,
                    hours: r.get(4)?,
                    room: r.get(5)?,
                    status: enum_col(r, 6)?,
                    moved_to: parse_opt(r, 7)?,
                    substitute_teacher_id: parse_opt(r, 8)?,
                    change_reason: r.get(9)?,
                })
            },
        )?;
        let lesson_topics = rows(
            c,
            "SELECT lesson_id, hour, plan_topic_id, title, work_type, work_number, makeup_of,
                    entered_at, author_id FROM lesson_topics ORDER BY lesson_id, hour",
            |r| {
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
            },
        )?;
        let homework = rows(
            c,
            "SELECT lesson_id, text, entered_at, author_id FROM homework ORDER BY rowid",
            |r| {
                Ok(Homework {
                    lesson_id: parse(r, 0)?,
                    text: r.get(1)?,
                    entered_at: parse(r, 2)?,
                    author_id: parse(r, 3)?,
                })
            },
        )?;
        let cells = rows(
            c,
            "SELECT lesson_id, student_id, value, entered_at, author_id FROM cells
             ORDER BY lesson_id, student_id",
            |r| {
                Ok(Cell {
                    lesson_id: parse(r, 0)?,
                    student_id: parse(r, 1)?,
                    value: json(r, 2)?,
                    entered_at: parse(r, 3)?,
                    author_id: parse(r, 4)?,
                })
            },
        )?;
        let finals = rows(
            c,
            "SELECT load_id, period_id, student_id, value, entered_at, author_id, final_column
             FROM finals ORDER BY load_id, period_id, student_id, final_column",
            |r| {
                Ok(Final {
                    load_id: parse(r, 0)?,
                    period_id: parse(r, 1)?,
                    student_id: parse(r, 2)?,
                    column: enum_col(r, 6)?,
                    value: json(r, 3)?,
                    entered_at: parse(r, 4)?,
                    author_id: parse(r, 5)?,
                })
            },
        )?;
        let locks = rows(
            c,
            "SELECT load_id, period_id, locked_at, locked_by FROM locks ORDER BY load_id, period_id",
            |r| {
                Ok(PeriodLock {
                    load_id: parse(r, 0)?,
                    period_id: parse(r, 1)?,
                    locked_at: parse(r, 2)?,
                    locked_by: parse(r, 3)?,
                })
            },
        )?;
        let remarks = rows(
            c,
            "SELECT id, load_id, author_id, created_at, text, resolved_at, data FROM remarks
             ORDER BY rowid",
            crate::outbox::remark_from_row,
        )?;
        let reopenings = rows(
            c,
            "SELECT load_id, period_id, reason, reopened_at, reopened_by FROM reopenings
             ORDER BY load_id, period_id",
            |r| {
                Ok(PeriodReopening {
                    load_id: parse(r, 0)?,
                    period_id: parse(r, 1)?,
                    reason: r.get(2)?,
                    reopened_at: parse(r, 3)?,
                    reopened_by: parse(r, 4)?,
                })
            },
        )?;
        Ok(Snapshot {
            institution,
            year,
            periods,
            holidays,
            bells,
            users,
            groups,
            subgroups,
            students,
            memberships,
            subjects,
            loads,
            plan_topics,
            lessons,
            lesson_topics,
            homework,
            cells,
            finals,
            locks,
            remarks,
            reopenings,
            rooms: Vec::new(),
            later_shift_bells: Vec::new(),
            curriculum,
            individual_plans,
            // Reference for the administration; a teacher's copy does not keep them.
            departments: Vec::new(),
            control_works,
            busy_slots,
            sign_ins: Vec::new(),
        })
    }
}
