//! Applying changes pulled from the server (sync), added for journal-api's sync client: the same
//! writes as a local edit, without an outbox op, skipping every field a pending local edit holds.
//! A pulled change that replaces a value this device had entered (and the server had taken) is
//! kept as a notice for the teacher — who changed it, when, why — so that nothing this PC showed
//! changes silently (e.g. another PC's «Отправить повторно» after a conflict).

use crate::codec::dt;
use crate::outbox::apply_payload;
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use journal_core::{Absence, CellEntry, CellValue, DeviceId, OpId, UserId};
use journal_protocol::{OpOutcome, OpPayload};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

/// One change pulled from the server: who made it, its entry time, what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChange {
    /// The change's place in the server's order.
    pub server_seq: u64,
    /// The device the change was made on.
    pub device_id: DeviceId,
    pub author_id: UserId,
    pub device_time: NaiveDateTime,
    pub payload: OpPayload,
}

impl Store {
    /// Applies a pulled page in server order and moves the sync cursor to `cursor`, in ONE
    /// transaction (so an interrupted sync resumes from the last applied page). A change whose
    /// target has a pending local op is skipped: the local edit shadows it until the server answers
    /// that op. A change for a row this copy does not hold is skipped too. Returns how many changes
    /// were written. `at` is the sync's time (UTC); `local_now` the institution's time on this
    /// device, which a notice of a replaced value is dated by, as every conflict is.
    pub fn apply_remote_changes(
        &mut self,
        changes: &[RemoteChange],
        cursor: u64,
        at: NaiveDateTime,
        local_now: NaiveDateTime,
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
            let replaced = if c.device_id == self.device_id {
                None
            } else {
                replaced_own_value(&tx, c)?
            };
            match apply_payload(&tx, c.author_id, c.device_time, &c.payload) {
                Ok(()) => {
                    applied += 1;
                    if let Some((op_id, mine)) = replaced {
                        add_replaced_notice(&tx, op_id, &mine, c, local_now)?;
                    }
                }
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

/// The code of the notice that a value entered on this device was replaced from another one.
pub const REPLACED_ELSEWHERE: &str = "replaced_elsewhere";

/// This device's last edit of a field that the server answered (store migration 0015 indexes it).
const LAST_ANSWERED_EDIT: &str = "SELECT op_id, payload, outcome FROM outbox
     WHERE target = ?1 AND state IN ('applied', 'duplicate')
     ORDER BY device_seq DESC LIMIT 1";

/// This device's op whose value `c` replaces: the last op on the same target that the server
/// took before `c`, with another value, and not yet the subject of a notice (a second change of
/// the same field no longer replaces this device's value).
fn replaced_own_value(
    tx: &rusqlite::Transaction<'_>,
    c: &RemoteChange,
) -> Result<Option<(OpId, OpPayload)>, StoreError> {
    if !matches!(
        c.payload,
        OpPayload::SetCell { .. }
            | OpPayload::SetTopic { .. }
            | OpPayload::SetHomework { .. }
            | OpPayload::SetFinal { .. }
    ) {
        return Ok(None);
    }
    let last: Option<(String, String, Option<String>)> = tx
        .prepare_cached(LAST_ANSWERED_EDIT)?
        .query_row([c.payload.target()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((op_id, payload, outcome)) = last else {
        return Ok(None);
    };
    let taken_at = outcome
        .and_then(|o| serde_json::from_str::<OpOutcome>(&o).ok())
        .and_then(|o| match o {
            OpOutcome::Applied { server_seq } => Some(server_seq),
            OpOutcome::Duplicate { server_seq } => server_seq,
            _ => None,
        });
    // A change the server ordered before this device's value did not replace it.
    if taken_at.is_none_or(|s| s >= c.server_seq) {
        return Ok(None);
    }
    let (Ok(op_id), Ok(mine)) = (
        op_id.parse::<OpId>(),
        serde_json::from_str::<OpPayload>(&payload),
    ) else {
        return Ok(None);
    };
    if same_value(&mine, &c.payload) {
        return Ok(None);
    }
    let noticed = tx
        .prepare_cached("SELECT 1 FROM conflicts WHERE op_id = ?1 AND code = ?2")?
        .query_row(params![op_id.to_string(), REPLACED_ELSEWHERE], |_| Ok(()))
        .optional()?
        .is_some();
    Ok((!noticed).then_some((op_id, mine)))
}

/// Whether two edits of one target leave what the teacher entered as it was: a correction's reason
/// is not the value, and an absence given its reason («н» made «б» or «п» by the curator from a
/// note) is still the absence the teacher recorded.
fn same_value(a: &OpPayload, b: &OpPayload) -> bool {
    match (a, b) {
        (
            OpPayload::SetCell {
                lesson_id: la,
                student_id: sa,
                value: va,
                ..
            },
            OpPayload::SetCell {
                lesson_id: lb,
                student_id: sb,
                value: vb,
                ..
            },
        ) => la == lb && sa == sb && as_entered(va) == as_entered(vb),
        _ => a == b,
    }
}

/// A cell's entries with every absence read as «н».
fn as_entered(v: &CellValue) -> Vec<CellEntry> {
    v.entries
        .iter()
        .map(|e| match e {
            CellEntry::Absence { .. } => CellEntry::Absence {
                absence: Absence::Absent,
            },
            other => *other,
        })
        .collect()
}

/// Keeps the notice: the value this device entered (`mine`), the one that replaced it, and who
/// entered that, when and why, in the words of the server's conflicts.
fn add_replaced_notice(
    tx: &rusqlite::Transaction<'_>,
    op_id: OpId,
    mine: &OpPayload,
    c: &RemoteChange,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let author: Option<String> = tx
        .prepare_cached("SELECT full_name FROM users WHERE id = ?1")?
        .query_row([c.author_id.to_string()], |r| r.get(0))
        .optional()?;
    let mut message = format!(
        "Значение, выставленное на этом компьютере, заменено: {}, {}, на другом устройстве",
        author.as_deref().unwrap_or("другой пользователь"),
        c.device_time.format("%d.%m.%Y в %H:%M"),
    );
    if let OpPayload::SetCell {
        reason: Some(reason),
        ..
    } = &c.payload
    {
        message.push_str(&format!("; причина: {}", reason.trim()));
    }
    let json =
        |p: &OpPayload| serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()));
    tx.prepare_cached(
        "INSERT INTO conflicts (op_id, target, local_value, server_value, code, message, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        op_id.to_string(),
        c.payload.target(),
        json(mine)?,
        json(&c.payload)?,
        REPLACED_ELSEWHERE,
        message,
        dt(&at)
    ])?;
    Ok(())
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_answered_edit_of_a_field_is_found_by_the_index_not_a_scan() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("in-memory database");
        crate::schema::migrations()
            .to_latest(&mut conn)
            .expect("the migrations apply");
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::LAST_ANSWERED_EDIT))
            .expect("the query plans")
            .query_map(["cell:x"], |r| r.get::<_, String>(3))
            .expect("the plan reads")
            .collect::<Result<_, _>>()
            .expect("the plan's rows");
        assert!(
            plan.iter().any(|p| p.contains("outbox_targets")),
            "a pulled change must not scan the whole outbox: {plan:?}"
        );
    }
}
