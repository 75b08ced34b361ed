//! Replacing the local copy's content with a snapshot from the server (or the demo generator),
//! keeping every value that a pending local edit wrote.

use crate::codec::{dt, enum_text, to_json};
use crate::{Store, StoreError};
use journal_protocol::Snapshot;
use rusqlite::{params, Transaction, TransactionBehavior};
use std::collections::HashSet;

/// Journal tables whose rows a pending op may have written, with the SQL expression that gives a
/// row's op target (the same text as `OpPayload::target`).
const SHADOWED: &[(&str, &str)] = &[
    ("cells", "'cell:' || lesson_id || ':' || student_id"),
    ("lesson_topics", "'topic:' || lesson_id || ':' || hour"),
    ("homework", "'homework:' || lesson_id"),
    (
        "finals",
        "(CASE final_column WHEN 'period' THEN 'final' ELSE final_column END) || ':' || load_id
         || ':' || period_id || ':' || student_id",
    ),
    ("locks", "'lock:' || load_id || ':' || period_id"),
    ("reopenings", "'lock:' || load_id || ':' || period_id"),
    ("remarks", "'remark:' || id"),
];

/// Reference tables, replaced whole.
const REFERENCE: &[&str] = &[
    "busy_slots",
    "control_works",
    "individual_plan_loads",
    "curriculum",
    "lessons",
    "plan_topics",
    "loads",
    "memberships",
    "students",
    "subgroups",
    "study_groups",
    "subjects",
    "periods",
    "holidays",
    "bells",
    "academic_year",
    "institution",
];

impl Store {
    /// Replaces the reference data and the journal content with `snap`, in one transaction. A
    /// value that a pending outbox op wrote (cell, topic, homework, final, lock, remark state) is
    /// kept instead of the snapshot's; the ops themselves are never touched. Cached users are
    /// updated in place so their local password hashes survive.
    pub fn import_snapshot(&mut self, snap: &Snapshot) -> Result<(), StoreError> {
        self.import_snapshot_tx(snap).map_err(|e| match e {
            // A snapshot that points at rows it does not contain (or repeats a unique key) is
            // refused whole; the transaction rolled back, the local copy is as it was.
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, msg))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::SnapshotInvalid(msg.unwrap_or_else(|| f.to_string()))
            }
            other => other,
        })
    }

    fn import_snapshot_tx(&mut self, snap: &Snapshot) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Kept local rows may point at reference rows that are deleted and re-inserted below.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
        let shadow: HashSet<String> = {
            let mut stmt =
                tx.prepare("SELECT DISTINCT target FROM outbox WHERE state = 'pending'")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for (table, target) in SHADOWED {
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM outbox o
                     WHERE o.state = 'pending' AND o.target = {target})"
                ),
                [],
            )?;
        }
        for table in REFERENCE {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        insert_reference(&tx, snap)?;
        replay_lesson_changes(&tx)?;
        insert_journal(&tx, snap, &shadow)?;
        // A kept local row whose lesson/load the server removed cannot be shown any more; its op
        // stays in the outbox and the server's answer will tell the teacher. Only kept rows are
        // cleaned: a snapshot row pointing at nothing fails the commit (deferred foreign keys).
        for (table, parent) in [
            ("cells", "lesson_id IN (SELECT id FROM lessons) AND student_id IN (SELECT id FROM students)"),
            ("lesson_topics", "lesson_id IN (SELECT id FROM lessons)"),
            ("homework", "lesson_id IN (SELECT id FROM lessons)"),
            ("finals", "load_id IN (SELECT id FROM loads) AND period_id IN (SELECT id FROM periods) AND student_id IN (SELECT id FROM students)"),
            ("locks", "load_id IN (SELECT id FROM loads) AND period_id IN (SELECT id FROM periods)"),
            ("remarks", "load_id IN (SELECT id FROM loads)"),
        ] {
            let target = SHADOWED
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, target)| *target)
                .ok_or_else(|| StoreError::Corrupt(format!("нет ключа изменений для {table}")))?;
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE NOT ({parent}) AND EXISTS (SELECT 1 FROM outbox o
                     WHERE o.state = 'pending' AND o.target = {target})"
                ),
                [],
            )?;
        }
        // Kept reopenings of loads or periods the server removed go.
        tx.execute(
            "DELETE FROM reopenings WHERE load_id NOT IN (SELECT id FROM loads)
                 OR period_id NOT IN (SELECT id FROM periods)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Lessons are reference data, replaced whole; a lesson change not yet pushed is applied again on
/// top, so the teacher keeps seeing it until the server has it. A change whose lesson the server
/// removed waits in the outbox for the server's answer.
fn replay_lesson_changes(tx: &Transaction<'_>) -> Result<(), StoreError> {
    for op in crate::outbox::pending_of_kind(tx, "change_lesson")? {
        match crate::outbox::apply_payload(tx, op.user_id, op.device_time, &op.payload) {
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn insert_reference(tx: &Transaction<'_>, s: &Snapshot) -> Result<(), StoreError> {
    let i = &s.institution;
    tx.execute(
        "INSERT INTO institution (singleton, id, name, short_name, timezone, policy)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![
            i.id.to_string(),
            i.name,
            i.short_name,
            i.timezone,
            to_json(&i.policy)?
        ],
    )?;
    tx.execute(
        "INSERT INTO academic_year (singleton, name, starts_on, ends_on) VALUES (1, ?1, ?2, ?3)",
        params![
            s.year.name,
            s.year.starts_on.to_string(),
            s.year.ends_on.to_string()
        ],
    )?;
    let mut st = tx.prepare(
        "INSERT INTO periods (id, name, ordinal, starts_on, ends_on) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for p in &s.periods {
        st.execute(params![
            p.id.to_string(),
            p.name,
            p.ordinal,
            p.starts_on.to_string(),
            p.ends_on.to_string()
        ])?;
    }
    let mut st =
        tx.prepare("INSERT INTO holidays (name, starts_on, ends_on) VALUES (?1, ?2, ?3)")?;
    for h in &s.holidays {
        st.execute(params![
            h.name,
            h.starts_on.to_string(),
            h.ends_on.to_string()
        ])?;
    }
    let mut st = tx.prepare("INSERT INTO bells (number, starts, ends) VALUES (?1, ?2, ?3)")?;
    // The local copy keeps one time per lesson number (its table is keyed by number and a lesson
    // names no shift): the first shift's schedule.
    for b in s.bells.iter().filter(|b| b.shift <= 1) {
        st.execute(params![b.number, b.starts.to_string(), b.ends.to_string()])?;
    }
    // Users: update in place (the local password hash column is the device's, not the server's).
    let ids: HashSet<String> = s.users.iter().map(|u| u.id.to_string()).collect();
    {
        let mut existing = tx.prepare("SELECT id FROM users")?;
        let gone: Vec<String> = existing
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|id| !ids.contains(id))
            .collect();
        for id in gone {
            tx.execute("DELETE FROM users WHERE id = ?1", [id])?;
        }
    }
    let mut st = tx.prepare(
        "INSERT INTO users (id, login, full_name, grants) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET login = excluded.login, full_name = excluded.full_name,
                                        grants = excluded.grants",
    )?;
    for u in &s.users {
        st.execute(params![
            u.id.to_string(),
            u.login,
            u.full_name,
            to_json(&u.grants)?
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO study_groups (id, name, course, specialty, curator_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for g in &s.groups {
        st.execute(params![
            g.id.to_string(),
            g.name,
            g.course,
            g.specialty,
            g.curator_id.map(|c| c.to_string())
        ])?;
    }
    let mut st = tx.prepare("INSERT INTO subgroups (id, group_id, name) VALUES (?1, ?2, ?3)")?;
    for g in &s.subgroups {
        st.execute(params![g.id.to_string(), g.group_id.to_string(), g.name])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO students (id, last_name, first_name, patronymic, birth_date)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for p in &s.students {
        st.execute(params![
            p.id.to_string(),
            p.last_name,
            p.first_name,
            p.patronymic,
            p.birth_date.map(|d| d.to_string())
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO memberships (student_id, group_id, subgroup_id, date_from, date_to, individual_plan)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for m in &s.memberships {
        st.execute(params![
            m.student_id.to_string(),
            m.group_id.to_string(),
            m.subgroup_id.map(|g| g.to_string()),
            m.from.to_string(),
            m.to.map(|d| d.to_string()),
            m.individual_plan
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO individual_plan_loads (student_id, load_id, hours) VALUES (?1, ?2, ?3)",
    )?;
    for p in &s.individual_plans {
        for l in &p.loads {
            st.execute(params![
                p.student_id.to_string(),
                l.load_id.to_string(),
                l.hours
            ])?;
        }
    }
    let mut st = tx.prepare(
        "INSERT INTO subjects (id, name, short_name, kind, grading, module_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for x in &s.subjects {
        st.execute(params![
            x.id.to_string(),
            x.name,
            x.short_name,
            enum_text(&x.kind),
            enum_text(&x.grading),
            x.module_id.map(|m| m.to_string())
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO control_works (id, load_id, date, form, title, vtk, max_points, five, four, three)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for w in &s.control_works {
        let c = w.criteria;
        st.execute(params![
            w.id.to_string(),
            w.load_id.to_string(),
            w.date.to_string(),
            enum_text(&w.form),
            w.title,
            w.vtk,
            c.map(|c| c.max_points),
            c.map(|c| c.five),
            c.map(|c| c.four),
            c.map(|c| c.three)
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO busy_slots (date, bell_number, group_id, subgroup_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for b in &s.busy_slots {
        st.execute(params![
            b.date.to_string(),
            b.bell_number,
            b.group_id.to_string(),
            b.subgroup_id.map(|g| g.to_string())
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT OR REPLACE INTO curriculum (group_id, subject_id, period_id, hours, attestation)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &s.curriculum {
        st.execute(params![
            c.group_id.to_string(),
            c.subject_id.to_string(),
            c.period_id.to_string(),
            c.hours,
            c.attestation.as_ref().map(enum_text)
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO loads (id, teacher_id, group_id, subject_id, subgroup_id, date_from, date_to, planned_hours)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for l in &s.loads {
        st.execute(params![
            l.id.to_string(),
            l.teacher_id.to_string(),
            l.group_id.to_string(),
            l.subject_id.to_string(),
            l.subgroup_id.map(|g| g.to_string()),
            l.from.to_string(),
            l.to.map(|d| d.to_string()),
            l.planned_hours
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO plan_topics (id, load_id, ordinal, title, hours, work_type, work_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for t in &s.plan_topics {
        st.execute(params![
            t.id.to_string(),
            t.load_id.to_string(),
            t.ordinal,
            t.title,
            t.hours,
            enum_text(&t.work_type),
            t.work_number
        ])?;
    }
    for l in &s.lessons {
        crate::outbox::write_lesson(tx, l)?;
    }
    Ok(())
}

fn insert_journal(
    tx: &Transaction<'_>,
    s: &Snapshot,
    shadow: &HashSet<String>,
) -> Result<(), StoreError> {
    let kept = |key: String| shadow.contains(&key);
    let mut st = tx.prepare(
        "INSERT INTO lesson_topics (lesson_id, hour, plan_topic_id, title, work_type, work_number,
                                    makeup_of, entered_at, author_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for t in &s.lesson_topics {
        if kept(format!("topic:{}:{}", t.lesson_id, t.hour)) {
            continue;
        }
        st.execute(params![
            t.lesson_id.to_string(),
            t.hour,
            t.plan_topic_id.map(|x| x.to_string()),
            t.title,
            enum_text(&t.work_type),
            t.work_number,
            t.makeup_of.map(|x| x.to_string()),
            dt(&t.entered_at),
            t.author_id.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO homework (lesson_id, text, entered_at, author_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for h in &s.homework {
        if kept(format!("homework:{}", h.lesson_id)) {
            continue;
        }
        st.execute(params![
            h.lesson_id.to_string(),
            h.text,
            dt(&h.entered_at),
            h.author_id.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO cells (lesson_id, student_id, value, entered_at, author_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &s.cells {
        if kept(format!("cell:{}:{}", c.lesson_id, c.student_id)) {
            continue;
        }
        st.execute(params![
            c.lesson_id.to_string(),
            c.student_id.to_string(),
            to_json(&c.value)?,
            dt(&c.entered_at),
            c.author_id.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO finals (load_id, period_id, student_id, final_column, value, entered_at, author_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for f in &s.finals {
        let target = journal_protocol::OpPayload::SetFinal {
            load_id: f.load_id,
            period_id: f.period_id,
            student_id: f.student_id,
            column: f.column,
            value: None,
        }
        .target();
        if kept(target) {
            continue;
        }
        st.execute(params![
            f.load_id.to_string(),
            f.period_id.to_string(),
            f.student_id.to_string(),
            f.column.as_str(),
            to_json(&f.value)?,
            dt(&f.entered_at),
            f.author_id.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO locks (load_id, period_id, locked_at, locked_by) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for l in &s.locks {
        if kept(format!("lock:{}:{}", l.load_id, l.period_id)) {
            continue;
        }
        st.execute(params![
            l.load_id.to_string(),
            l.period_id.to_string(),
            dt(&l.locked_at),
            l.locked_by.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO remarks (id, load_id, author_id, created_at, text, resolved_at, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in &s.remarks {
        if kept(format!("remark:{}", r.id)) {
            continue;
        }
        st.execute(params![
            r.id.to_string(),
            r.load_id.to_string(),
            r.author_id.to_string(),
            dt(&r.created_at),
            r.text,
            r.resolved_at.as_ref().map(dt),
            crate::codec::to_json(r)?
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO reopenings (load_id, period_id, reason, reopened_at, reopened_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in &s.reopenings {
        if kept(format!("lock:{}:{}", r.load_id, r.period_id)) {
            continue;
        }
        st.execute(params![
            r.load_id.to_string(),
            r.period_id.to_string(),
            r.reason,
            dt(&r.reopened_at),
            r.reopened_by.to_string()
        ])?;
    }
    Ok(())
}
