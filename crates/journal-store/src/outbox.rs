//! Recording edits: the domain row and the signed outbox op in one transaction; checking the chain.

use crate::codec::{self, dt, json, parse, to_json};
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use journal_core::{OpId, UserId};
use journal_protocol::{Op, OpPayload};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

/// Where an outbox op stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpState {
    /// Not yet answered by the server; its targets shadow pulled values.
    Pending,
    Applied,
    Duplicate,
    Rejected,
    Conflict,
}

/// Result of a successful [`Store::verify_outbox`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxCheck {
    pub ops: u64,
    /// Hash of the last op ("" when the outbox is empty).
    pub last_hash: String,
}

const OP_COLUMNS: &str =
    "op_id, device_id, device_seq, user_id, device_time, payload, prev_hash, hash, sig, seen_seq";

fn op_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Op> {
    Ok(Op {
        op_id: parse(r, 0)?,
        device_id: parse(r, 1)?,
        device_seq: r.get::<_, i64>(2)? as u64,
        user_id: parse(r, 3)?,
        device_time: parse(r, 4)?,
        payload: json(r, 5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
        sig: r.get(8)?,
        seen_seq: r.get::<_, i64>(9)? as u64,
    })
}

/// The pending ops of one kind, oldest first.
pub(crate) fn pending_of_kind(tx: &Transaction<'_>, kind: &str) -> Result<Vec<Op>, StoreError> {
    let mut st = tx.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM outbox WHERE state = 'pending' AND kind = ?1 ORDER BY device_seq"
    ))?;
    let ops = st.query_map([kind], op_from_row)?;
    Ok(ops.collect::<Result<_, _>>()?)
}

/// What the device had seen of `target` when an edit is made: the sync cursor, but no more than
/// a pending op on the same target had seen — a value pulled since then was hidden behind that
/// pending op and never shown, so the edit cannot be a correction of it.
fn seen_seq(tx: &Transaction<'_>, target: &str) -> Result<u64, StoreError> {
    let cursor: i64 = tx
        .prepare_cached("SELECT server_seq FROM sync_cursor WHERE singleton = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let pending: Option<i64> = tx
        .prepare_cached("SELECT MIN(seen_seq) FROM outbox WHERE state = 'pending' AND target = ?1")?
        .query_row(params![target], |r| r.get(0))?;
    Ok(pending.map_or(cursor, |p| p.min(cursor)).max(0) as u64)
}

impl Store {
    /// Records one user edit: applies `payload` to the journal tables and appends the signed,
    /// chained outbox op, in ONE `BEGIN IMMEDIATE` transaction. When this returns Ok the edit is on
    /// disk; on any error nothing changed.
    pub fn record_edit(
        &mut self,
        user_id: UserId,
        device_time: NaiveDateTime,
        payload: OpPayload,
    ) -> Result<Op, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        apply_payload(&tx, user_id, device_time, &payload)?;
        let seen_seq = seen_seq(&tx, &payload.target())?;
        let op = append_op(
            &tx,
            (self.device_id, &self.signing_key),
            OpId(Uuid::now_v7()),
            user_id,
            device_time,
            payload,
            seen_seq,
        )?;
        tx.commit()?;
        Ok(op)
    }

    /// Puts an unsent op rescued from a damaged copy of this user into this copy's outbox: the
    /// same op id, author, entry time, payload and `seen_seq` (what the author had seen when making
    /// it), sealed anew in this device's chain. Its value is written to the journal tables when
    /// this copy holds its lesson; otherwise it goes to the server as it is, which judges it.
    pub fn record_rescued(&mut self, rescued: &Op) -> Result<Op, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        match apply_payload(&tx, rescued.user_id, rescued.device_time, &rescued.payload) {
            // Every check of apply_payload runs before its write: nothing was changed.
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let op = append_op(
            &tx,
            (self.device_id, &self.signing_key),
            rescued.op_id,
            rescued.user_id,
            rescued.device_time,
            rescued.payload.clone(),
            rescued.seen_seq,
        )?;
        tx.commit()?;
        Ok(op)
    }

    /// Ops not yet answered by the server, in `device_seq` order (the push order).
    pub fn pending_ops(&self) -> Result<Vec<Op>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY device_seq"
        ))?;
        let ops = stmt
            .query_map([], op_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ops)
    }

    /// Every op this device ever made, in `device_seq` order.
    pub fn all_ops(&self) -> Result<Vec<Op>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM outbox ORDER BY device_seq"
        ))?;
        let ops = stmt
            .query_map([], op_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ops)
    }

    /// Records the server's answer to an op (sync). The op stays in the outbox for the chain.
    pub fn set_op_state(
        &mut self,
        op_id: OpId,
        state: OpState,
        outcome: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        let outcome = outcome.map(|v| v.to_string());
        let n = self.conn.execute(
            "UPDATE outbox SET state = ?2, outcome = ?3 WHERE op_id = ?1",
            params![op_id.to_string(), codec::enum_text(&state), outcome],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("изменение {op_id}")));
        }
        Ok(())
    }

    /// Checks the whole outbox: `device_seq` runs 1, 2, 3… without gaps, each op's `prev_hash` is
    /// the previous op's hash, every op belongs to this device, and every hash and signature
    /// verifies with this device's key.
    pub fn verify_outbox(&self) -> Result<OutboxCheck, StoreError> {
        let public_key = self.device_public_key();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {OP_COLUMNS} FROM outbox ORDER BY device_seq"
        ))?;
        let mut rows = stmt.query([])?;
        let mut expected_seq = 1u64;
        let mut prev_hash = String::new();
        while let Some(row) = rows.next()? {
            let op = op_from_row(row).map_err(|e| {
                StoreError::ChainBroken(format!("изменение №{expected_seq} не читается: {e}"))
            })?;
            if op.device_seq != expected_seq {
                return Err(StoreError::ChainBroken(format!(
                    "пропуск в нумерации: ожидалось №{expected_seq}, найдено №{}",
                    op.device_seq
                )));
            }
            if op.device_id != self.device_id {
                return Err(StoreError::ChainBroken(format!(
                    "изменение №{} сделано другим устройством",
                    op.device_seq
                )));
            }
            if op.prev_hash != prev_hash {
                return Err(StoreError::ChainBroken(format!(
                    "изменение №{} не ссылается на предыдущее",
                    op.device_seq
                )));
            }
            op.verify(&public_key)?;
            prev_hash = op.hash;
            expected_seq += 1;
        }
        Ok(OutboxCheck {
            ops: expected_seq - 1,
            last_hash: prev_hash,
        })
    }
}

/// Seals `payload` as the next op of this device's chain and appends it to the outbox.
#[allow(clippy::too_many_arguments)]
fn append_op(
    tx: &Transaction<'_>,
    (device_id, signing_key): (journal_core::DeviceId, &ed25519_dalek::SigningKey),
    op_id: OpId,
    user_id: UserId,
    device_time: NaiveDateTime,
    payload: OpPayload,
    seen_seq: u64,
) -> Result<Op, StoreError> {
    let (last_seq, prev_hash) = tx
        .prepare_cached("SELECT device_seq, hash FROM outbox ORDER BY device_seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let op = Op::seal_seen(
        op_id,
        device_id,
        last_seq as u64 + 1,
        user_id,
        device_time,
        payload,
        prev_hash,
        seen_seq,
        signing_key,
    )?;
    tx.prepare_cached(
        "INSERT INTO outbox (device_seq, op_id, device_id, user_id, device_time, kind, target,
                             payload, prev_hash, hash, sig, state, seen_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12)",
    )?
    .execute(params![
        op.device_seq as i64,
        op.op_id.to_string(),
        op.device_id.to_string(),
        op.user_id.to_string(),
        dt(&op.device_time),
        op.payload.kind(),
        op.payload.target(),
        to_json(&op.payload)?,
        op.prev_hash,
        op.hash,
        op.sig,
        op.seen_seq as i64,
    ])?;
    Ok(op)
}

fn require(tx: &Transaction<'_>, sql: &str, id: String, what: &str) -> Result<(), StoreError> {
    let found = tx
        .prepare_cached(sql)?
        .query_row([&id], |_| Ok(()))
        .optional()?;
    found.ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
}

fn require_lesson(tx: &Transaction<'_>, id: String) -> Result<(), StoreError> {
    require(tx, "SELECT 1 FROM lessons WHERE id = ?1", id, "урок")
}

/// Writes what the edit means into the journal tables.
pub(crate) fn apply_payload(
    tx: &Transaction<'_>,
    user_id: UserId,
    at: NaiveDateTime,
    payload: &OpPayload,
) -> Result<(), StoreError> {
    let user = user_id.to_string();
    let when = at;
    let at = dt(&at);
    match payload {
        OpPayload::SetCell {
            lesson_id,
            student_id,
            value,
            ..
        } => {
            require_lesson(tx, lesson_id.to_string())?;
            require(
                tx,
                "SELECT 1 FROM students WHERE id = ?1",
                student_id.to_string(),
                "студент",
            )?;
            if value.is_empty() {
                tx.prepare_cached("DELETE FROM cells WHERE lesson_id = ?1 AND student_id = ?2")?
                    .execute(params![lesson_id.to_string(), student_id.to_string()])?;
            } else {
                tx.prepare_cached(
                    "INSERT INTO cells (lesson_id, student_id, value, entered_at, author_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (lesson_id, student_id) DO UPDATE SET
                         value = excluded.value, entered_at = excluded.entered_at,
                         author_id = excluded.author_id",
                )?
                .execute(params![
                    lesson_id.to_string(),
                    student_id.to_string(),
                    to_json(value)?,
                    at,
                    user
                ])?;
            }
        }
        OpPayload::SetTopic {
            lesson_id,
            hour,
            plan_topic_id,
            title,
            work_type,
            work_number,
            makeup_of,
        } => {
            require_lesson(tx, lesson_id.to_string())?;
            tx.prepare_cached(
                "INSERT INTO lesson_topics (lesson_id, hour, plan_topic_id, title, work_type,
                                            work_number, makeup_of, entered_at, author_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (lesson_id, hour) DO UPDATE SET
                     plan_topic_id = excluded.plan_topic_id, title = excluded.title,
                     work_type = excluded.work_type, work_number = excluded.work_number,
                     makeup_of = excluded.makeup_of, entered_at = excluded.entered_at,
                     author_id = excluded.author_id",
            )?
            .execute(params![
                lesson_id.to_string(),
                hour,
                plan_topic_id.map(|t| t.to_string()),
                title,
                codec::enum_text(work_type),
                work_number,
                makeup_of.map(|l| l.to_string()),
                at,
                user
            ])?;
        }
        OpPayload::SetHomework { lesson_id, text } => {
            require_lesson(tx, lesson_id.to_string())?;
            tx.prepare_cached(
                "INSERT INTO homework (lesson_id, text, entered_at, author_id)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (lesson_id) DO UPDATE SET
                     text = excluded.text, entered_at = excluded.entered_at,
                     author_id = excluded.author_id",
            )?
            .execute(params![lesson_id.to_string(), text, at, user])?;
        }
        OpPayload::SetFinal {
            load_id,
            period_id,
            student_id,
            column,
            value,
        } => {
            require(
                tx,
                "SELECT 1 FROM loads WHERE id = ?1",
                load_id.to_string(),
                "нагрузка",
            )?;
            require(
                tx,
                "SELECT 1 FROM periods WHERE id = ?1",
                period_id.to_string(),
                "период",
            )?;
            require(
                tx,
                "SELECT 1 FROM students WHERE id = ?1",
                student_id.to_string(),
                "студент",
            )?;
            match value {
                None => {
                    tx.prepare_cached(
                        "DELETE FROM finals WHERE load_id = ?1 AND period_id = ?2 AND student_id = ?3
                         AND final_column = ?4",
                    )?
                    .execute(params![
                        load_id.to_string(),
                        period_id.to_string(),
                        student_id.to_string(),
                        column.as_str()
                    ])?;
                }
                Some(v) => {
                    tx.prepare_cached(
                        "INSERT INTO finals (load_id, period_id, student_id, value, entered_at, author_id,
                             final_column)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                         ON CONFLICT (load_id, period_id, student_id, final_column) DO UPDATE SET
                             value = excluded.value, entered_at = excluded.entered_at,
                             author_id = excluded.author_id",
                    )?
                    .execute(params![
                        load_id.to_string(),
                        period_id.to_string(),
                        student_id.to_string(),
                        to_json(v)?,
                        at,
                        user,
                        column.as_str()
                    ])?;
                }
            }
        }
        OpPayload::LockPeriod { load_id, period_id } => {
            require(
                tx,
                "SELECT 1 FROM loads WHERE id = ?1",
                load_id.to_string(),
                "нагрузка",
            )?;
            require(
                tx,
                "SELECT 1 FROM periods WHERE id = ?1",
                period_id.to_string(),
                "период",
            )?;
            // The first lock stands: locking again changes nothing but is still recorded as an op.
            tx.prepare_cached(
                "INSERT INTO locks (load_id, period_id, locked_at, locked_by)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (load_id, period_id) DO NOTHING",
            )?
            .execute(params![
                load_id.to_string(),
                period_id.to_string(),
                at,
                user
            ])?;
            // Locked again after a correction: the period is no longer shown as reopened.
            tx.prepare_cached("DELETE FROM reopenings WHERE load_id = ?1 AND period_id = ?2")?
                .execute(params![load_id.to_string(), period_id.to_string()])?;
        }
        OpPayload::UnlockPeriod {
            load_id,
            period_id,
            reason,
        } => {
            require(
                tx,
                "SELECT 1 FROM loads WHERE id = ?1",
                load_id.to_string(),
                "нагрузка",
            )?;
            require(
                tx,
                "SELECT 1 FROM periods WHERE id = ?1",
                period_id.to_string(),
                "период",
            )?;
            tx.prepare_cached("DELETE FROM locks WHERE load_id = ?1 AND period_id = ?2")?
                .execute(params![load_id.to_string(), period_id.to_string()])?;
            tx.prepare_cached(
                "INSERT INTO reopenings (load_id, period_id, reason, reopened_at, reopened_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (load_id, period_id) DO UPDATE SET reason = excluded.reason,
                     reopened_at = excluded.reopened_at, reopened_by = excluded.reopened_by",
            )?
            .execute(params![
                load_id.to_string(),
                period_id.to_string(),
                reason,
                at,
                user
            ])?;
        }
        OpPayload::ResolveRemark { remark_id } | OpPayload::AnswerRemark { remark_id, .. } => {
            let mut remark = read_remark(tx, *remark_id)?
                .ok_or_else(|| StoreError::NotFound(format!("замечание {remark_id}")))?;
            // The app checked the step before recording it; a pulled step was decided by the
            // server, so a copy that already shows it (its own op coming back) stays as it is.
            let _ = match payload {
                OpPayload::AnswerRemark { answer, .. } => remark.answer(user_id, answer, when),
                _ => remark.resolve(user_id, when),
            };
            write_remark(tx, &remark)?;
        }
        OpPayload::RemarkState { remark } => write_remark(tx, remark)?,
        OpPayload::ChangeLesson { lesson_id, change } => {
            let lesson = read_lesson(tx, *lesson_id)?
                .ok_or_else(|| StoreError::NotFound(format!("урок {lesson_id}")))?;
            // The app checked the change before recording it; a pulled change was judged by the
            // server. Applying it again (its own op coming back) gives the same rows.
            let (after, made) = journal_protocol::lesson_change::apply(&lesson, change);
            write_lesson(tx, &after)?;
            if let Some(new) = made {
                write_lesson(tx, &new)?;
            }
        }
    }
    Ok(())
}

/// One lesson as the local copy has it.
pub(crate) fn read_lesson(
    tx: &Transaction<'_>,
    id: journal_core::LessonId,
) -> Result<Option<journal_protocol::Lesson>, StoreError> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT {} FROM lessons l WHERE l.id = ?1",
            crate::query::LESSON_COLS
        ))?
        .query_row([id.to_string()], |r| crate::query::lesson_at(r, 0))
        .optional()?)
}

/// Inserts a lesson or replaces the one with its id.
pub(crate) fn write_lesson(
    tx: &Transaction<'_>,
    l: &journal_protocol::Lesson,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO lessons (id, load_id, date, bell_number, hours, room, status, moved_to,
                              substitute_teacher_id, change_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET load_id = excluded.load_id, date = excluded.date,
             bell_number = excluded.bell_number, hours = excluded.hours, room = excluded.room,
             status = excluded.status, moved_to = excluded.moved_to,
             substitute_teacher_id = excluded.substitute_teacher_id,
             change_reason = excluded.change_reason",
    )?
    .execute(params![
        l.id.to_string(),
        l.load_id.to_string(),
        l.date.to_string(),
        l.bell_number,
        l.hours,
        l.room,
        crate::codec::enum_text(&l.status),
        l.moved_to.map(|d| d.to_string()),
        l.substitute_teacher_id.map(|u| u.to_string()),
        l.change_reason
    ])?;
    Ok(())
}

/// A remark row (`SELECT id, load_id, author_id, created_at, text, resolved_at, data`): the whole
/// remark from `data`, or, for rows written before migration 0008, from the old columns.
pub(crate) fn remark_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<journal_protocol::Remark> {
    if let Some(data) = r.get::<_, Option<String>>(6)? {
        return serde_json::from_str(&data).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, e.into())
        });
    }
    let mut remark = journal_protocol::Remark::new(
        crate::codec::parse(r, 0)?,
        crate::codec::parse(r, 1)?,
        crate::codec::parse(r, 2)?,
        crate::codec::parse(r, 3)?,
        r.get(4)?,
    );
    remark.resolved_at = crate::codec::parse_opt(r, 5)?;
    Ok(remark)
}

fn read_remark(
    tx: &Transaction<'_>,
    id: uuid::Uuid,
) -> Result<Option<journal_protocol::Remark>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT id, load_id, author_id, created_at, text, resolved_at, data FROM remarks
             WHERE id = ?1",
        )?
        .query_row(params![id.to_string()], remark_from_row)
        .optional()?)
}

/// Writes a remark as a whole (a new one from the server, or a step of one already kept).
fn write_remark(tx: &Transaction<'_>, r: &journal_protocol::Remark) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO remarks (id, load_id, author_id, created_at, text, resolved_at, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, resolved_at = excluded.resolved_at,
             data = excluded.data",
    )?
    .execute(params![
        r.id.to_string(),
        r.load_id.to_string(),
        r.author_id.to_string(),
        dt(&r.created_at),
        r.text,
        r.resolved_at.as_ref().map(dt),
        crate::codec::to_json(r)?
    ])?;
    Ok(())
}
