//! A remark's server-side steps on SQLite (see `storage::remarks`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_protocol::{OpPayload, Remark};
use rusqlite::{params, TransactionBehavior};

use super::{append_admin_audit, time_text, to_json, SqliteStorage};
use crate::error::StorageError;
use crate::storage::remarks::{change_op_id, RemarkStorage};
use crate::storage::AdminAction;

#[async_trait]
impl RemarkStorage for SqliteStorage {
    async fn record_remark(
        &self,
        remark: Remark,
        action: AdminAction,
        device_time: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<u64, StorageError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = action.institution_id.to_string();
            tx.execute(
                "INSERT INTO remarks (institution_id, id, load_id, data) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (institution_id, id) DO UPDATE SET data = excluded.data",
                params![
                    inst,
                    remark.id.to_string(),
                    remark.load_id.to_string(),
                    to_json(&remark)?
                ],
            )?;
            let seq: i64 = tx.query_row(
                "UPDATE institutions SET last_server_seq = last_server_seq + 1 WHERE id = ?1
                 RETURNING last_server_seq",
                params![inst],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO changes (institution_id, server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    inst,
                    seq,
                    change_op_id().to_string(),
                    remark.load_id.to_string(),
                    action.author_id.map(|u| u.to_string()).unwrap_or_default(),
                    action.device_id.map(|d| d.to_string()).unwrap_or_default(),
                    time_text(&device_time),
                    time_text(&now),
                    to_json(&OpPayload::RemarkState { remark })?
                ],
            )?;
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(seq as u64)
        })
        .await
    }
}
