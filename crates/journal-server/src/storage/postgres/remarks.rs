//! A remark's server-side steps on PostgreSQL (see `storage::remarks`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_protocol::{OpPayload, Remark};

use super::{append_admin_audit, time_text, to_json, PostgresStorage};
use crate::error::StorageError;
use crate::storage::remarks::{change_op_id, RemarkStorage};
use crate::storage::AdminAction;

#[async_trait]
impl RemarkStorage for PostgresStorage {
    async fn record_remark(
        &self,
        remark: Remark,
        action: AdminAction,
        device_time: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<u64, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = action.institution_id.to_string();
        // The institution's row lock first, as a push takes it: server_seq stays gap-free.
        let seq: i64 = tx
            .query_one(
                "UPDATE institutions SET last_server_seq = last_server_seq + 1 WHERE id = $1
                 RETURNING last_server_seq",
                &[&inst],
            )
            .await?
            .get(0);
        tx.execute(
            "INSERT INTO remarks (institution_id, id, load_id, data) VALUES ($1, $2, $3, $4::text::jsonb)
             ON CONFLICT (institution_id, id) DO UPDATE SET data = excluded.data",
            &[
                &inst,
                &remark.id.to_string(),
                &remark.load_id.to_string(),
                &to_json(&remark)?,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO changes (institution_id, server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &inst,
                &seq,
                &change_op_id().to_string(),
                &remark.load_id.to_string(),
                &action.author_id.map(|u| u.to_string()).unwrap_or_default(),
                &action.device_id.map(|d| d.to_string()).unwrap_or_default(),
                &time_text(&device_time),
                &time_text(&now),
                &to_json(&OpPayload::RemarkState { remark })?,
            ],
        )
        .await?;
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(seq as u64)
    }
}
