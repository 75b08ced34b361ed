//! What an accepted op records as its change (the row devices pull).
//!
//! An applied op records itself: its author, its entry time, its value. An op merged into the
//! value already there (an identical mark from a second device, a period locked twice, a remark
//! resolved twice) changes nothing on the server, which keeps the first writer's author and entry
//! time. Its change must say so: every device applies pulled changes in server order, so a
//! change carrying the merged op's own author and time would overwrite the first writer's on every
//! device (the first one included) while the server kept the first — the devices would disagree
//! with the server on who entered the value and when, the deadline and backdating evidence that
//! also appears on printouts. So a merged op's change restates the stored value with its stored
//! author and entry time; the op itself (its author, device and time) stays in the audit chain.
//! The wire types are unchanged: a `Change` is still an author, a device time and a payload.

use crate::authority::OpContext;
use chrono::NaiveDateTime;
use journal_core::UserId;
use journal_protocol::{Op, OpPayload};

/// The author, entry time and payload a change row records for an accepted op.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedChange {
    pub author_id: UserId,
    pub device_time: NaiveDateTime,
    pub payload: OpPayload,
}

/// The change to record for `op`, accepted in `ctx`: its own, or — `merged`, an identical value —
/// the value kept with its first author and entry time.
pub fn recorded_change(op: &Op, ctx: &OpContext, merged: bool) -> RecordedChange {
    let own = RecordedChange {
        author_id: op.user_id,
        device_time: op.device_time,
        payload: op.payload.clone(),
    };
    if !merged {
        return own;
    }
    match (&op.payload, ctx) {
        (
            OpPayload::SetCell {
                lesson_id,
                student_id,
                ..
            },
            OpContext {
                cell: Some(kept), ..
            },
        ) => RecordedChange {
            author_id: kept.entered.author_id,
            device_time: kept.entered.at,
            payload: OpPayload::SetCell {
                lesson_id: *lesson_id,
                student_id: *student_id,
                value: kept.value.clone(),
                reason: None,
            },
        },
        (
            OpPayload::SetFinal {
                load_id,
                period_id,
                student_id,
                column,
                ..
            },
            OpContext {
                final_value: Some(kept),
                ..
            },
        ) => RecordedChange {
            author_id: kept.entered.author_id,
            device_time: kept.entered.at,
            payload: OpPayload::SetFinal {
                load_id: *load_id,
                period_id: *period_id,
                student_id: *student_id,
                column: *column,
                value: Some(kept.value),
            },
        },
        // The remark keeps its first resolution time (a remark records no resolver).
        (
            OpPayload::ResolveRemark { .. } | OpPayload::AnswerRemark { .. },
            OpContext {
                remark: Some(remark),
                ..
            },
        ) => RecordedChange {
            device_time: remark.resolved_at.unwrap_or(op.device_time),
            ..own
        },
        // Nothing stored to restate (a cleared value cleared again): the op's own change
        // already says what the server holds.
        _ => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::{Entered, Existing};
    use chrono::NaiveDate;
    use ed25519_dalek::SigningKey;
    use journal_core::{CellValue, DeviceId, LessonId, OpId, StudentId};
    use uuid::Uuid;

    fn time(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 3, 3)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    fn five() -> CellValue {
        journal_core::parse_cell("5", false, &journal_core::Policy::default())
            .expect("«5» is a mark")
    }

    fn cell_op(user: UserId, at: NaiveDateTime, lesson: LessonId, student: StudentId) -> Op {
        Op::seal(
            OpId(Uuid::now_v7()),
            DeviceId(Uuid::new_v4()),
            1,
            user,
            at,
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: student,
                value: five(),
                reason: None,
            },
            String::new(),
            &SigningKey::from_bytes(&[7; 32]),
        )
        .expect("the op seals")
    }

    #[test]
    fn a_merged_mark_restates_the_first_author_and_entry_time() {
        let (first, second) = (UserId(Uuid::new_v4()), UserId(Uuid::new_v4()));
        let (lesson, student) = (LessonId(Uuid::new_v4()), StudentId(Uuid::new_v4()));
        let op = cell_op(second, time(10, 20), lesson, student);
        let ctx = OpContext {
            cell: Some(Existing {
                value: five(),
                device_id: Some(DeviceId(Uuid::new_v4())),
                server_seq: Some(1),
                entered: Entered {
                    author_id: first,
                    at: time(10, 25),
                },
            }),
            ..OpContext::default()
        };
        let merged = recorded_change(&op, &ctx, true);
        assert_eq!(
            (merged.author_id, merged.device_time),
            (first, time(10, 25)),
            "a merged mark's change carries the kept value's author and entry time, not the op's"
        );
        assert_eq!(
            merged.payload, op.payload,
            "and the kept value, which is the op's identical one"
        );
        let applied = recorded_change(&op, &ctx, false);
        assert_eq!(
            (applied.author_id, applied.device_time),
            (second, time(10, 20)),
            "an applied op's change is the op's own"
        );
    }
}
