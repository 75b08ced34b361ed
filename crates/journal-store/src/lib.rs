//! journal-store: the teacher's local copy of the journal — a SQLite file (SQLCipher-encrypted when
//! opened with a key) holding the reference data of the institution, the journal content, and the
//! device's outbox of signed, hash-chained edits waiting for the server.
//!
//! Invariant: every user edit is ONE transaction that changes the domain row and appends its outbox
//! op ([`Store::record_edit`]); once it returns, the edit is durable (WAL, `synchronous=FULL`).
//! Rule checks are journal-core's and happen in journal-api before the edit reaches the store.

mod codec;
mod error;
mod export;
mod import;
mod message;
mod outbox;
mod parent_note;
mod query;
mod reference;
mod remote;
mod reopen;
mod salvage;
mod schema;
mod suggestion;

pub use error::StoreError;
pub use message::PendingMessage;
pub use outbox::{OpState, OutboxCheck};
pub use parent_note::PendingParentNote;
pub use query::*;
pub use remote::{RemoteChange, REPLACED_ELSEWHERE};
pub use reopen::Reopening;
pub use salvage::{salvage, Salvage, UnreadableOp};
pub use schema::MIGRATIONS;
pub use suggestion::PendingSuggestion;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use journal_core::DeviceId;
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// The 32 raw bytes that encrypt a local copy (derived from the teacher's password by journal-api).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey(pub [u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("StoreKey(…)")
    }
}

/// An opened local copy.
pub struct Store {
    conn: Connection,
    device_id: DeviceId,
    signing_key: SigningKey,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating if missing) the local copy at `path`. With a key the file is encrypted by
    /// SQLCipher; a wrong key (or a key for a plain file, or none for an encrypted one) gives
    /// `store_key_invalid`. Applies pending migrations and creates the device identity (device id
    /// and ed25519 key) on first open.
    pub fn open(path: &Path, key: Option<&StoreKey>) -> Result<Store, StoreError> {
        // An existing empty file is a copy whose contents were lost, not a new copy: opening it
        // would silently make a fresh database in its place.
        if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
            return Err(StoreError::Damaged("файл копии пуст".into()));
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open(e.to_string()))?;
        // SQLCipher logs a failed key check to stderr; the caller gets `store_key_invalid` instead.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")
            .map_err(|e| StoreError::Open(e.to_string()))?;
        if let Some(key) = key {
            // The raw-key form skips SQLCipher's passphrase KDF: the caller already derived the key
            // (Argon2id). It must be the first statement on the connection.
            let sql = format!("PRAGMA key = \"x'{}'\";", hex::encode(key.0));
            conn.execute_batch(&sql)
                .map_err(|e| StoreError::Open(e.to_string()))?;
        }
        // The first read of the schema is where a wrong key shows up (SQLITE_NOTADB).
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::KeyInvalid)
            }
            Err(e) => return Err(damaged_or(e, |e| StoreError::Open(e.to_string()))),
        }
        Store::finish_open(conn).map_err(|e| match e {
            StoreError::Sqlite(e) => damaged_or(e, StoreError::Sqlite),
            other => other,
        })
    }

    fn finish_open(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open(format!(
                "журнал WAL недоступен (режим {mode})"
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrations().to_latest(&mut conn)?;
        let (device_id, signing_key) = load_or_create_device(&conn)?;
        Ok(Store {
            conn,
            device_id,
            signing_key,
        })
    }

    /// This device's id (made on first open, kept in the store).
    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// This device's ed25519 public key, which the server registers to verify its ops.
    pub fn device_public_key(&self) -> [u8; 32] {
        self.signing_key.verifying_key().to_bytes()
    }

    /// Reads every page of the copy (`PRAGMA quick_check`; with SQLCipher each page's HMAC is
    /// checked as it is read): damage anywhere in the file is `store_damaged`.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let rows: Result<Vec<String>, rusqlite::Error> = self
            .conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
        match rows {
            Ok(r) if r.len() == 1 && r[0] == "ok" => Ok(()),
            Ok(r) => Err(StoreError::Damaged(r.join("; "))),
            Err(e) => Err(StoreError::Damaged(e.to_string())),
        }
    }

    /// Direct access for tests and benchmarks of this crate's own invariants.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A page that does not decrypt or parse past the first read is damage, not a wrong key.
fn damaged_or(e: rusqlite::Error, other: impl FnOnce(rusqlite::Error) -> StoreError) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt => {
            StoreError::Damaged(e.to_string())
        }
        _ => other(e),
    }
}

fn load_or_create_device(conn: &Connection) -> Result<(DeviceId, SigningKey), StoreError> {
    let existing = conn
        .query_row(
            "SELECT device_id, signing_key FROM device WHERE singleton = 1",
            [],
            |r| Ok((codec::parse::<Uuid>(r, 0)?, r.get::<_, Vec<u8>>(1)?)),
        )
        .optional()?;
    if let Some((id, key)) = existing {
        let bytes: [u8; 32] = key
            .try_into()
            .map_err(|_| StoreError::Corrupt("ключ устройства имеет неверную длину".into()))?;
        return Ok((DeviceId(id), SigningKey::from_bytes(&bytes)));
    }
    let id = DeviceId(Uuid::new_v4());
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    conn.execute(
        "INSERT INTO device (singleton, device_id, signing_key, created_at) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![
            id.to_string(),
            key.to_bytes().to_vec(),
            codec::dt(&Utc::now().naive_utc())
        ],
    )?;
    Ok((id, key))
}
