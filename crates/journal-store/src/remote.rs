//! Applying changes pulled from the server (sync), added for journal-api's sync client: the same
//! writes as a local edit, without an outbox op, skipping every field a pending local edit holds.

use crate::codec::dt;
use crate::outbox::apply_payload;
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use journal_core::UserId;
use journal_protocol::OpPayload;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

/// One change pulled from the server: who made it, its entry time, what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChange {
    pub author_id: UserId,
    pub device_time: NaiveDateTime,
    pub payload: OpPayload,
}

impl Store {
    /// Applies a pulled page in server order and moves the sync cursor to `cursor`, in ONE
    /// transaction (so an interrupted sync resumes from the last applied page). A change whose
    /// target has a pending local op is skipped: the local edit shadows it until the server answers
    /// that op. A change for a row this copy does not hold is skipped too. Returns how many changes
    /// were written.
    pub fn apply_remote_changes(
        &mut self,
        changes: &[RemoteChange],
        cursor: u64,
        at: NaiveDateTime,
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut applied = 0;
        for c in changes {
            let shadowed = tx
                .prepare_cached("SELECT 1 FROM outbox WHERE state = 'pending' AND target = ?1")?
                .query_row([c.payload.target()], |_| Ok(()))
                .optional()?
                .is_some();
            if shadowed {
                continue;
            }
            match apply_payload(&tx, c.author_id, c.device_time, &c.payload) {
                Ok(()) => applied += 1,
                // Every check of apply_payload runs before its write: nothing was changed.
                Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        tx.execute(
            "INSERT INTO sync_cursor (singleton, server_seq, last_sync_at) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET server_seq = excluded.server_seq,
                                                   last_sync_at = excluded.last_sync_at",
            params![cursor as i64, dt(&at)],
        )?;
        tx.commit()?;
        Ok(applied)
    }

    /// When the sync cursor last moved (the last successful pull); None = never.
    pub fn last_sync_at(&self) -> Result<Option<NaiveDateTime>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_sync_at FROM sync_cursor WHERE singleton = 1",
                [],
                |r| crate::codec::parse_opt::<NaiveDateTime>(r, 0),
            )
            .optional()?
            .flatten())
    }
}

impl Store {
    /// Re-encrypts an encrypted copy with `key` (SQLCipher `PRAGMA rekey`): the user's password
    /// changed. Added for journal-api's password change.
    pub fn rekey(&mut self, key: &crate::StoreKey) -> Result<(), StoreError> {
        self.conn
            .execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", hex::encode(key.0)))?;
        Ok(())
    }
}
