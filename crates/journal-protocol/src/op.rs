//! Outbox ops: every user edit on a device becomes one signed, hash-chained op that is pushed to the
//! server. The server answers each op with an [`OpOutcome`].

use chrono::NaiveDateTime;
use journal_core::*;
use serde::{Deserialize, Serialize};

/// What the user did. One variant per kind of edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpPayload {
    SetCell {
        lesson_id: LessonId,
        student_id: StudentId,
        value: CellValue,
    },
    SetTopic {
        lesson_id: LessonId,
        hour: u8,
        plan_topic_id: Option<TopicId>,
        title: String,
        work_type: WorkType,
        work_number: Option<u32>,
        makeup_of: Option<LessonId>,
    },
    SetHomework {
        lesson_id: LessonId,
        text: String,
    },
    SetFinal {
        load_id: LoadId,
        period_id: PeriodId,
        student_id: StudentId,
        value: Option<FinalValue>,
    },
    LockPeriod {
        load_id: LoadId,
        period_id: PeriodId,
    },
    ResolveRemark {
        remark_id: uuid::Uuid,
    },
}

/// The signed envelope of one edit, as kept in the device's outbox and pushed to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub op_id: OpId,
    pub device_id: DeviceId,
    /// Per-device, gap-free, starting at 1.
    pub device_seq: u64,
    pub user_id: UserId,
    /// When the teacher made the edit, on the device's clock (institution local time).
    pub device_time: NaiveDateTime,
    pub payload: OpPayload,
    /// Hex SHA-256 of the previous op of this device ("" for the first).
    pub prev_hash: String,
    /// Hex SHA-256 over the op's canonical bytes (see `signing_bytes`) — chains the device's ops.
    pub hash: String,
    /// Hex ed25519 signature of `hash` by the device key.
    pub sig: String,
}

/// The server's answer to one pushed op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OpOutcome {
    Applied { server_seq: u64 },
    Duplicate { server_seq: Option<u64> },
    Rejected { code: String, message: String },
    Conflict { server_value: serde_json::Value, message: String },
}
