//! What a decided op records, built once for both backends (issue 16 item 1): the row an applied
//! op writes (its value as the domain row), the change a pull sends (with the load it is filtered
//! by), the op's own row and its audit entry, and the batch's heads those move (`server_seq`, the
//! audit chain). A backend writes these rows as its SQL wants; nothing here touches a database.

use chrono::NaiveDateTime;
use journal_core::{FinalColumn, LoadId, PeriodId, StudentId};
use journal_protocol::{
    Cell, Final, Homework, Lesson, LessonTopic, Op, OpOutcome, OpPayload, PeriodLock, Remark,
};

use super::push_pipeline::{applied, op_audit_detail, verdict, BatchRefs, Verdict};
use super::sqlite::to_json;
use crate::audit::AuditEntry;
use crate::authority::{self, Decision, Entered, Existing, OpContext};
use crate::dto::Change;
use crate::error::StorageError;

/// The row an applied op writes: its value with the op's author and entry time.
#[derive(Debug, Clone)]
pub(crate) enum RowWrite {
    Cell(Cell),
    Topic(LessonTopic),
    Homework(Homework),
    Final(Final),
    /// A final set to nothing: its row is removed.
    FinalRemoved {
        load_id: LoadId,
        period_id: PeriodId,
        student_id: StudentId,
        column: FinalColumn,
    },
    /// Kept if the period is locked already.
    Lock(PeriodLock),
    /// The period is open again; the unlock itself (author, time, reason) is kept as the change
    /// row and in the audit entry.
    Unlock {
        load_id: LoadId,
        period_id: PeriodId,
    },
    /// The remark after its teacher's resolution or answer.
    Remark(Remark),
    /// The changed lesson, and the lesson a postponement made. Lessons are reference data: the
    /// backend raises the institution's reference_version with them, so every device fetches the
    /// timetable again (a new substitute gets the lesson they now teach).
    Lessons(Vec<Lesson>),
}

/// The row `op` writes once applied in `ctx`; None where it writes none (a remark or a lesson
/// the context did not find, an op the authority refuses before it gets here).
pub(crate) fn row_write(op: &Op, ctx: &OpContext) -> Option<RowWrite> {
    let (at, by) = (op.device_time, op.user_id);
    Some(match &op.payload {
        OpPayload::SetCell {
            lesson_id,
            student_id,
            value,
            ..
        } => RowWrite::Cell(Cell {
            lesson_id: *lesson_id,
            student_id: *student_id,
            value: value.clone(),
            entered_at: at,
            author_id: by,
        }),
        OpPayload::SetTopic {
            lesson_id,
            hour,
            plan_topic_id,
            title,
            work_type,
            work_number,
            makeup_of,
        } => RowWrite::Topic(LessonTopic {
            lesson_id: *lesson_id,
            hour: *hour,
            plan_topic_id: *plan_topic_id,
            title: title.clone(),
            work_type: *work_type,
            work_number: *work_number,
            makeup_of: *makeup_of,
            entered_at: at,
            author_id: by,
        }),
        OpPayload::SetHomework { lesson_id, text } => RowWrite::Homework(Homework {
            lesson_id: *lesson_id,
            text: text.clone(),
            entered_at: at,
            author_id: by,
        }),
        OpPayload::SetFinal {
            load_id,
            period_id,
            student_id,
            column,
            value,
        } => match value {
            Some(v) => RowWrite::Final(Final {
                load_id: *load_id,
                period_id: *period_id,
                student_id: *student_id,
                column: *column,
                value: *v,
                entered_at: at,
                author_id: by,
            }),
            None => RowWrite::FinalRemoved {
                load_id: *load_id,
                period_id: *period_id,
                student_id: *student_id,
                column: *column,
            },
        },
        OpPayload::LockPeriod { load_id, period_id } => RowWrite::Lock(PeriodLock {
            load_id: *load_id,
            period_id: *period_id,
            locked_at: at,
            locked_by: by,
        }),
        OpPayload::UnlockPeriod {
            load_id, period_id, ..
        } => RowWrite::Unlock {
            load_id: *load_id,
            period_id: *period_id,
        },
        OpPayload::ResolveRemark { .. } | OpPayload::AnswerRemark { .. } => {
            RowWrite::Remark(authority::remark_after(ctx.remark.as_ref()?, op))
        }
        // Refused by the authority before it gets here.
        OpPayload::RemarkState { .. } => return None,
        OpPayload::ChangeLesson { change, .. } => {
            let (after, made) =
                journal_protocol::lesson_change::apply(ctx.lesson.as_ref()?, change);
            RowWrite::Lessons(std::iter::once(after).chain(made).collect())
        }
    })
}

/// A written value as the batch's later ops read it (the op's device and change, its author and
/// entry time).
pub(crate) fn written<T>(value: T, entered: Entered, op: &Op, server_seq: i64) -> Existing<T> {
    Existing {
        value,
        device_id: Some(op.device_id),
        server_seq: Some(server_seq as u64),
        entered,
    }
}

/// The head of an institution's audit chain: its last entry's seq and hash.
pub(crate) struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

impl AuditHead {
    /// The audit entry after the head, with its hash; the head moves to it.
    #[allow(clippy::too_many_arguments)]
    pub fn next_entry(
        &mut self,
        inst: &str,
        kind: &str,
        author_id: Option<String>,
        device_id: Option<String>,
        device_time: Option<NaiveDateTime>,
        server_time: NaiveDateTime,
        subject: String,
        detail: String,
    ) -> AuditEntry {
        let mut entry = AuditEntry {
            institution_id: inst.to_string(),
            seq: self.seq as u64 + 1,
            kind: kind.to_string(),
            author_id,
            device_id,
            device_time,
            server_time,
            subject,
            detail,
            prev_hash: std::mem::take(&mut self.hash),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        self.seq = entry.seq as i64;
        self.hash = entry.hash.clone();
        entry
    }
}

/// The heads a push batch moves: the institution's last server_seq and its audit chain's head,
/// read once at the batch's start and stored once at its end.
pub(crate) struct BatchHeads {
    pub server_seq: i64,
    /// Whether `server_seq` moved (SQLite writes it back only then).
    pub server_seq_moved: bool,
    pub audit: AuditHead,
}

impl BatchHeads {
    pub fn new(server_seq: i64, audit: AuditHead) -> BatchHeads {
        BatchHeads {
            server_seq,
            server_seq_moved: false,
            audit,
        }
    }

    pub fn next_server_seq(&mut self) -> i64 {
        self.server_seq += 1;
        self.server_seq_moved = true;
        self.server_seq
    }
}

/// What an applied op adds: its change and the row it writes.
pub(crate) struct AppliedChange {
    pub change: Change,
    /// The load the change belongs to: what a pull filters it by.
    pub load_id: LoadId,
    /// None for a merge (an identical value: the row keeps its first writer) or an op that
    /// writes no row.
    pub write: Option<RowWrite>,
}

/// Everything a decided op records.
pub(crate) struct OpRecord {
    pub outcome: OpOutcome,
    /// The outcome as stored in the op's row.
    pub outcome_json: String,
    /// The change's server_seq for an applied op.
    pub server_seq: Option<i64>,
    pub applied: Option<AppliedChange>,
    pub audit: AuditEntry,
}

/// What `decision` (made in `ctx`, None for an op decided without one) records for `op` received
/// at `received_at` (UTC): an applied op takes the next server_seq and its lock or unlock is noted
/// in `refs` for the batch's later ops; every op takes the next audit entry.
pub(crate) fn record(
    op: &Op,
    inst: &str,
    decision: Decision,
    ctx: Option<OpContext>,
    received_at: NaiveDateTime,
    refs: &mut BatchRefs,
    heads: &mut BatchHeads,
) -> Result<OpRecord, StorageError> {
    let (outcome, server_seq, audit_kind, applied_change) = match verdict(decision, ctx)? {
        Verdict::Apply { write_value, ctx } => {
            let seq = heads.next_server_seq();
            let load_id =
                ctx.load.as_ref().map(|l| l.id).ok_or_else(|| {
                    StorageError::Corrupt("применяемая операция без нагрузки".into())
                })?;
            let write = if write_value {
                refs.note_applied(&op.payload);
                row_write(op, &ctx)
            } else {
                None
            };
            // A merged op's change restates the value kept, with its first author and entry time.
            let recorded = crate::merge::recorded_change(op, &ctx, !write_value);
            let change = Change {
                server_seq: seq as u64,
                op_id: op.op_id,
                author_id: recorded.author_id,
                device_id: op.device_id,
                device_time: recorded.device_time,
                server_time: received_at,
                payload: recorded.payload,
            };
            let (outcome, kind) = applied(seq);
            let applied_change = AppliedChange {
                change,
                load_id,
                write,
            };
            (outcome, Some(seq), kind, Some(applied_change))
        }
        Verdict::Answer {
            outcome,
            audit_kind,
        } => (outcome, None, audit_kind, None),
    };
    let audit = heads.audit.next_entry(
        inst,
        audit_kind,
        Some(op.user_id.to_string()),
        Some(op.device_id.to_string()),
        Some(op.device_time),
        received_at,
        op.op_id.to_string(),
        op_audit_detail(op, &outcome)?,
    );
    Ok(OpRecord {
        outcome_json: to_json(&outcome)?,
        outcome,
        server_seq,
        applied: applied_change,
        audit,
    })
}
