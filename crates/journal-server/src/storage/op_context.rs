//! The context an op is decided in, put together once for both backends (issue 16 item 1): which
//! rows an op's decision reads and how they fill `authority::OpContext`. A backend only loads those
//! rows ([`ContextRows`]): SQLite reads each when asked, PostgreSQL mostly from what its batch read
//! for all the ops at once.
//!
//! The loads are `async` because PostgreSQL's are; SQLite's never wait, so its backend runs
//! [`op_context`] to completion in one poll ([`run_ready`]).

use std::collections::HashSet;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{
    CellValue, DeviceId, FinalColumn, FinalValue, LessonId, LoadId, PeriodId, StudentId, UserId,
    WorkType,
};
use journal_protocol::{
    Cell, Final, IndividualPlan, Lesson, LessonChange, Load, Membership, Op, OpPayload, Period,
    Remark, User,
};

use super::push_pipeline::{
    curriculum_line_key, finals_missing, lesson_of, line_has_exam, not_on_device, place_in_context,
    seen_by_device, BatchRefs, ChainPlace,
};
use super::sqlite::{from_json, parse_id};
use crate::authority::{self, Decision, Entered, Existing, OpContext};
use crate::error::StorageError;

/// A stored final's key: load, period, student and column.
pub(crate) type FinalKey = (LoadId, PeriodId, StudentId, FinalColumn);

/// What the lock of a load's period reads to count the students still without a final.
pub(crate) struct LockList {
    /// The load's lessons in the period.
    pub lessons: Vec<Lesson>,
    /// The students with a period final of the load in the period (their ids as stored).
    pub with_final: HashSet<String>,
    /// The memberships of the load's group.
    pub memberships: Vec<Membership>,
    pub plans: Vec<IndividualPlan>,
}

/// The rows an op's context is made of, as a backend loads them within the push's transaction.
/// Each sees the batch's earlier writes.
pub(crate) trait ContextRows {
    /// What the batch read once: policy, periods, bells, loads, subjects, locks.
    fn refs(&self) -> &BatchRefs;
    /// A user of the institution with the grants in force on the batch's day (None: not of it).
    async fn user(&mut self, id: UserId) -> Result<Option<User>, StorageError>;
    async fn lesson(&mut self, id: LessonId) -> Result<Option<Lesson>, StorageError>;
    /// The work type of the lesson's first hour (None: no topic yet).
    async fn work_type(&mut self, id: LessonId) -> Result<Option<WorkType>, StorageError>;
    async fn memberships(&mut self, student: StudentId) -> Result<Vec<Membership>, StorageError>;
    async fn cell(
        &mut self,
        lesson: LessonId,
        student: StudentId,
    ) -> Result<Option<Existing<CellValue>>, StorageError>;
    async fn final_value(
        &mut self,
        key: FinalKey,
    ) -> Result<Option<Existing<FinalValue>>, StorageError>;
    /// The JSON of the учебный план's line under `key` ([`curriculum_line_key`]).
    async fn curriculum_line(&mut self, key: &str) -> Result<Option<String>, StorageError>;
    /// Rare (once a period per load): read directly.
    async fn lock_list(&mut self, load: &Load, period: &Period) -> Result<LockList, StorageError>;
    async fn remark(&mut self, id: uuid::Uuid) -> Result<Option<Remark>, StorageError>;
    /// Whether the lesson has a cell, a topic or homework.
    async fn has_entries(&mut self, lesson: LessonId) -> Result<bool, StorageError>;
    /// The institution's lessons of a day (a postponement's slot).
    async fn lessons_on(&mut self, date: NaiveDate) -> Result<Vec<Lesson>, StorageError>;
    /// Whether `user` signed in on `device`: only then does the device vouch for their ops.
    async fn user_on_device(
        &mut self,
        device: DeviceId,
        user: UserId,
    ) -> Result<bool, StorageError>;
    /// The local server time of the institution's change `server_seq` (None for 0 or unknown).
    async fn change_time(&mut self, server_seq: u64)
        -> Result<Option<NaiveDateTime>, StorageError>;
}

/// The authority's decision on `op`, which its device's chain took at `place`, with the context
/// it was made in (None: decided without one, for an author who never signed in on the device).
pub(crate) async fn decide<R: ContextRows>(
    op: &Op,
    place: &ChainPlace,
    rows: &mut R,
) -> Result<(Decision, Option<OpContext>), StorageError> {
    if !rows.user_on_device(op.device_id, op.user_id).await? {
        return Ok((not_on_device(), None));
    }
    let mut ctx = op_context(op, rows).await?;
    let seen_change = rows.change_time(seen_by_device(op, place)).await?;
    place_in_context(&mut ctx, place, seen_change);
    Ok((authority::decide(op, &ctx), Some(ctx)))
}

/// What `authority::decide` needs for `op`.
async fn op_context<R: ContextRows>(op: &Op, rows: &mut R) -> Result<OpContext, StorageError> {
    let author = rows.user(op.user_id).await?;
    let mut ctx = rows.refs().context(author);
    if let Some(lesson_id) = lesson_of(op) {
        let Some(l) = rows.lesson(lesson_id).await? else {
            return Ok(ctx);
        };
        let work_type = rows.work_type(l.id).await?;
        rows.refs().place_lesson(&mut ctx, l, work_type);
    }
    match &op.payload {
        OpPayload::SetCell {
            lesson_id,
            student_id,
            ..
        } => {
            ctx.memberships = rows.memberships(*student_id).await?;
            ctx.cell = rows.cell(*lesson_id, *student_id).await?;
        }
        OpPayload::SetFinal {
            load_id,
            period_id,
            student_id,
            column,
            ..
        } => {
            rows.refs().place_period(&mut ctx, *load_id, *period_id);
            ctx.memberships = rows.memberships(*student_id).await?;
            if let (FinalColumn::Exam, Some(load)) = (column, &ctx.load) {
                let line = rows
                    .curriculum_line(&curriculum_line_key(load, *period_id))
                    .await?;
                ctx.exam_in_period = line_has_exam(line.as_deref())?;
            }
            ctx.final_value = rows
                .final_value((*load_id, *period_id, *student_id, *column))
                .await?;
        }
        OpPayload::LockPeriod { load_id, period_id }
        | OpPayload::UnlockPeriod {
            load_id, period_id, ..
        } => {
            rows.refs().place_period(&mut ctx, *load_id, *period_id);
            if let (OpPayload::LockPeriod { .. }, Some(load), Some(period), false) =
                (&op.payload, &ctx.load, &ctx.period, ctx.locked)
            {
                let list = rows.lock_list(load, period).await?;
                ctx.students_without_final = Some(finals_missing(
                    load,
                    period,
                    rows.refs().subjects.get(&load.subject_id),
                    &list.memberships,
                    &list.plans,
                    &list.lessons,
                    &list.with_final,
                ));
            }
        }
        OpPayload::ResolveRemark { remark_id } | OpPayload::AnswerRemark { remark_id, .. } => {
            ctx.remark = rows.remark(*remark_id).await?;
            if let Some(r) = &ctx.remark {
                ctx.load = rows.refs().loads.get(&r.load_id).cloned();
            }
        }
        OpPayload::ChangeLesson { change, .. } => {
            if let (Some(l), Some(load)) = (ctx.lesson.clone(), ctx.load.clone()) {
                let has_entries = rows.has_entries(l.id).await?;
                let substitute = match change {
                    LessonChange::Substitute { teacher_id } => rows.user(*teacher_id).await?,
                    _ => None,
                };
                let same_day = match change {
                    LessonChange::Postpone { to, .. } => rows.lessons_on(*to).await?,
                    _ => vec![],
                };
                ctx.lesson_facts = Some(rows.refs().lesson_facts(
                    &l,
                    &load,
                    change,
                    &same_day,
                    has_entries,
                    substitute.as_ref(),
                ));
            }
        }
        OpPayload::SetTopic { .. }
        | OpPayload::SetHomework { .. }
        | OpPayload::RemarkState { .. } => {}
    }
    if let Some(id) = authority::kept_author(&ctx, op) {
        ctx.kept_by = rows.user(id).await?.map(|u| u.full_name);
    }
    Ok(ctx)
}

/// A stored cell as the authority reads it: its value, the device and change that wrote it (None:
/// imported) and who entered it when — from the row's JSON, `device_id` and `server_seq`.
pub(crate) fn existing_cell(
    data: &str,
    device_id: Option<&str>,
    server_seq: Option<i64>,
) -> Result<Existing<CellValue>, StorageError> {
    let cell = from_json::<Cell>(data)?;
    let entered = Entered {
        author_id: cell.author_id,
        at: cell.entered_at,
    };
    stored(cell.value, entered, device_id, server_seq)
}

/// A stored final as the authority reads it (see [`existing_cell`]).
pub(crate) fn existing_final(
    data: &str,
    device_id: Option<&str>,
    server_seq: Option<i64>,
) -> Result<Existing<FinalValue>, StorageError> {
    let f = from_json::<Final>(data)?;
    let entered = Entered {
        author_id: f.author_id,
        at: f.entered_at,
    };
    stored(f.value, entered, device_id, server_seq)
}

fn stored<T>(
    value: T,
    entered: Entered,
    device_id: Option<&str>,
    server_seq: Option<i64>,
) -> Result<Existing<T>, StorageError> {
    Ok(Existing {
        value,
        device_id: device_id.map(parse_id::<DeviceId>).transpose()?,
        server_seq: server_seq.map(|s| s as u64),
        entered,
    })
}

/// The output of a future that never waits (SQLite's loads are synchronous), by one poll. One
/// that would wait is a programming error, answered as a failed storage task.
pub(crate) fn run_ready<F: Future>(future: F) -> Result<F::Output, StorageError> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => Ok(out),
        Poll::Pending => Err(StorageError::TaskFailed),
    }
}
