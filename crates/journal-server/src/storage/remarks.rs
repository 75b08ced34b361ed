//! A remark's steps taken on the server (written, confirmed, returned by its author). A supertrait
//! of [`super::Storage`], implemented by both backends (`sqlite/remarks.rs`, `postgres/remarks.rs`).
//! Each step stores the remark, records it as a change of its load (journal-protocol
//! `OpPayload::RemarkState`) so that the teacher's and the curator's devices pull it like any other,
//! and appends the audit entry — in one transaction. The teacher's answer is an op of the push.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_protocol::Remark;

use super::AdminAction;
use crate::error::StorageError;

#[async_trait]
pub trait RemarkStorage: Send + Sync {
    /// Stores `remark` as it is after the step, records the change (`device_time` the step's
    /// local time, `now` UTC) and the audit entry; returns the change's server_seq.
    async fn record_remark(
        &self,
        remark: Remark,
        action: AdminAction,
        device_time: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<u64, StorageError>;
}

/// The change row's op id: a fresh UUIDv7, as a device's op would have.
pub(crate) fn change_op_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
