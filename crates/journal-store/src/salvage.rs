//! Reading the outbox of a damaged copy page by page, without SQLite: a damaged copy may have lost
//! its first page (the schema) or the inner pages of the outbox's b-tree, and SQLite then reads no
//! row at all. Each SQLCipher page is decrypted on its own (AES-256-CBC with the page's own IV,
//! SQLCipher 4's layout: 4096-byte pages, 16-byte IV and 64-byte HMAC at the page end), every
//! table leaf page of the file and of its WAL is parsed, and the rows shaped like the outbox's or
//! the device's are kept. The page HMAC is not checked (its key derives from the file's salt,
//! which may be the damaged part); instead every op must verify under the device's signature, so a
//! garbled op is never taken for an edit.

use crate::{OpState, StoreError, StoreKey};
use aes::cipher::{BlockCipherDecrypt, KeyInit};
use chrono::NaiveDateTime;
use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, OpId, UserId};
use journal_protocol::{Op, OpPayload};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// SQLCipher 4's defaults, which the store never changes.
const PAGE: usize = 4096;
/// IV (16) + HMAC-SHA512 (64) at the end of each page.
const RESERVE: usize = 80;
const USABLE: usize = PAGE - RESERVE;
/// A WAL file's header and each frame's header.
const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// An outbox row that was found but cannot be sent: what is known of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableOp {
    pub device_seq: u64,
    /// The edit's kind and target, when its row was read (its signature did not verify).
    pub kind: Option<String>,
    pub target: Option<String>,
    pub device_time: Option<NaiveDateTime>,
}

/// What was read from a damaged copy.
#[derive(Debug, Clone, Default)]
pub struct Salvage {
    /// The device of the damaged copy, when its row was read.
    pub device_id: Option<DeviceId>,
    /// Every op whose signature verifies, by `device_seq`, with the most advanced state any copy
    /// of its row showed (a state only ever moves on from `pending`).
    pub ops: BTreeMap<u64, (Op, OpState)>,
    /// Rows shaped like ops whose signature does not verify.
    pub garbled: BTreeMap<u64, UnreadableOp>,
    /// Pages of the file and its WAL that were read.
    pub pages: usize,
    /// A device row decrypted and parsed: the key is this copy's (a wrong key yields noise).
    pub key_fits: bool,
}

impl Salvage {
    /// The highest `device_seq` the server answered: every op up to it reached the server (the
    /// device's chain there has no gaps), whether or not its own row survived.
    pub fn answered_through(&self) -> u64 {
        self.ops
            .iter()
            .filter(|(_, (_, s))| *s != OpState::Pending)
            .map(|(seq, _)| *seq)
            .max()
            .unwrap_or(0)
    }

    /// The unsent ops that were read and verify, in `device_seq` order.
    pub fn unsent(&self) -> Vec<Op> {
        let from = self.answered_through();
        self.ops
            .iter()
            .filter(|(seq, (_, s))| **seq > from && *s == OpState::Pending)
            .map(|(_, (op, _))| op.clone())
            .collect()
    }

    /// The unsent ops that could not be read: the numbers missing after the last answered op up
    /// to the last one found, and the garbled ones (ops after the last one found leave no trace).
    pub fn lost(&self) -> Vec<UnreadableOp> {
        let from = self.answered_through();
        let to = self
            .ops
            .keys()
            .chain(self.garbled.keys())
            .max()
            .copied()
            .unwrap_or(0);
        ((from + 1)..=to)
            .filter(|seq| !self.ops.contains_key(seq))
            .map(|seq| {
                self.garbled.get(&seq).cloned().unwrap_or(UnreadableOp {
                    device_seq: seq,
                    kind: None,
                    target: None,
                    device_time: None,
                })
            })
            .collect()
    }
}

/// Reads every op that can still be read from the copy at `path` (and its `-wal`), encrypted
/// with `key`. Never writes to either file.
pub fn salvage(path: &Path, key: &StoreKey) -> Result<Salvage, StoreError> {
    let cipher = aes::Aes256::new(&key.0.into());
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let main = std::fs::read(path).map_err(|e| StoreError::Open(e.to_string()))?;
    for (i, raw) in main.chunks(PAGE).enumerate() {
        // Page 1 is the schema's root, never a table's leaf; a cut-off last page is unreadable.
        if i > 0 && raw.len() == PAGE {
            pages.push(decrypt(&cipher, raw));
        }
    }
    let mut wal_path = path.as_os_str().to_owned();
    wal_path.push("-wal");
    if let Ok(wal) = std::fs::read(std::path::PathBuf::from(wal_path)) {
        // Frames in order; later frames of a page are newer (a state moves on, never back).
        let mut at = WAL_HEADER;
        while at + FRAME_HEADER + PAGE <= wal.len() {
            let page_no = u32::from_be_bytes([wal[at], wal[at + 1], wal[at + 2], wal[at + 3]]);
            if page_no > 1 {
                let raw = &wal[at + FRAME_HEADER..at + FRAME_HEADER + PAGE];
                pages.push(decrypt(&cipher, raw));
            }
            at += FRAME_HEADER + PAGE;
        }
    }
    let mut devices: Vec<(DeviceId, SigningKey)> = Vec::new();
    let mut rows: Vec<(u64, Vec<Value>)> = Vec::new();
    for page in &pages {
        for (rowid, record) in leaf_records(page) {
            if let Some(device) = device_row(&record) {
                devices.push(device);
            } else if record.len() == 13 || record.len() == 14 {
                rows.push((rowid, record));
            }
        }
    }
    let mut out = Salvage {
        pages: pages.len(),
        key_fits: !devices.is_empty(),
        ..Salvage::default()
    };
    for (seq, record) in rows {
        let Some((op, state, kind, target)) = op_row(seq, &record) else {
            continue;
        };
        let verified = devices.iter().find(|(id, key)| {
            *id == op.device_id && op.verify_with_key(&key.verifying_key()).is_ok()
        });
        match verified {
            Some((id, _)) => {
                out.device_id = Some(*id);
                out.garbled.remove(&seq);
                let entry = out.ops.entry(seq).or_insert((op, state));
                if entry.1 == OpState::Pending {
                    entry.1 = state;
                }
            }
            None if !out.ops.contains_key(&seq) => {
                out.garbled.insert(
                    seq,
                    UnreadableOp {
                        device_seq: seq,
                        kind: Some(kind),
                        target: Some(target),
                        device_time: Some(op.device_time),
                    },
                );
            }
            None => {}
        }
    }
    Ok(out)
}

/// The plaintext of one page (the reserve bytes are left as they are, unused).
fn decrypt(cipher: &aes::Aes256, raw: &[u8]) -> Vec<u8> {
    let mut out = raw[..USABLE].to_vec();
    let mut prev = [0u8; 16];
    prev.copy_from_slice(&raw[USABLE..USABLE + 16]);
    for chunk in out.chunks_mut(16) {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        let mut b = aes::Block::from(block);
        cipher.decrypt_block(&mut b);
        for (i, byte) in chunk.iter_mut().enumerate() {
            *byte = b[i] ^ prev[i];
        }
        prev = block;
    }
    out
}

/// A column value of a record.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real,
    Text(String),
    Blob(Vec<u8>),
}

/// SQLite's varint (1–9 bytes, big-endian, 7 bits a byte, the ninth 8 bits).
fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(at + i)?;
        if i == 8 {
            return Some(((v << 8) | byte as u64, 9));
        }
        v = (v << 7) | (byte & 0x7f) as u64;
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// The (rowid, record) of every cell of a table leaf page held wholly on the page (an op row
/// is far smaller than a page, so none overflows).
fn leaf_records(page: &[u8]) -> Vec<(u64, Vec<Value>)> {
    let mut out = Vec::new();
    if page.first() != Some(&0x0D) || page.len() < 8 {
        return out;
    }
    let cells = u16::from_be_bytes([page[3], page[4]]) as usize;
    for c in 0..cells {
        let p = 8 + 2 * c;
        let Some(ptr) = page.get(p..p + 2) else {
            break;
        };
        let at = u16::from_be_bytes([ptr[0], ptr[1]]) as usize;
        if let Some(r) = cell(page, at) {
            out.push(r);
        }
    }
    out
}

fn cell(page: &[u8], at: usize) -> Option<(u64, Vec<Value>)> {
    let (len, n1) = varint(page, at)?;
    let (rowid, n2) = varint(page, at + n1)?;
    let start = at + n1 + n2;
    let len = usize::try_from(len).ok()?;
    if len > USABLE - 35 {
        return None;
    }
    let payload = page.get(start..start.checked_add(len)?)?;
    Some((rowid, record(payload)?))
}

fn record(p: &[u8]) -> Option<Vec<Value>> {
    let (header_len, mut at) = varint(p, 0)?;
    let header_len = usize::try_from(header_len).ok()?;
    let mut types = Vec::new();
    while at < header_len {
        let (t, n) = varint(p, at)?;
        types.push(t);
        at += n;
    }
    let mut body = header_len;
    let mut values = Vec::with_capacity(types.len());
    for t in types {
        let int = |len: usize, body: usize| -> Option<i64> {
            let bytes = p.get(body..body + len)?;
            let mut v: i64 = if bytes.first()? & 0x80 != 0 { -1 } else { 0 };
            for b in bytes {
                v = (v << 8) | *b as i64;
            }
            Some(v)
        };
        let (value, len) = match t {
            0 => (Value::Null, 0),
            1..=4 => (Value::Int(int(t as usize, body)?), t as usize),
            5 => (Value::Int(int(6, body)?), 6),
            6 => (Value::Int(int(8, body)?), 8),
            7 => (Value::Real, 8),
            8 => (Value::Int(0), 0),
            9 => (Value::Int(1), 0),
            t if t >= 12 && t % 2 == 0 => {
                let len = usize::try_from((t - 12) / 2).ok()?;
                (Value::Blob(p.get(body..body + len)?.to_vec()), len)
            }
            t if t >= 13 => {
                let len = usize::try_from((t - 13) / 2).ok()?;
                let text = std::str::from_utf8(p.get(body..body + len)?).ok()?;
                (Value::Text(text.to_string()), len)
            }
            _ => return None,
        };
        values.push(value);
        body += len;
    }
    Some(values)
}

/// `device (singleton, device_id, signing_key, created_at)`.
fn device_row(r: &[Value]) -> Option<(DeviceId, SigningKey)> {
    match r {
        [Value::Null | Value::Int(1), Value::Text(id), Value::Blob(key), Value::Text(_)] => {
            let id = id.parse().ok().map(DeviceId)?;
            let key: [u8; 32] = key.as_slice().try_into().ok()?;
            Some((id, SigningKey::from_bytes(&key)))
        }
        _ => None,
    }
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

/// `outbox (device_seq, op_id, device_id, user_id, device_time, kind, target, payload,
/// prev_hash, hash, sig, state, outcome[, seen_seq])`: the op, its state, kind and target.
fn op_row(seq: u64, r: &[Value]) -> Option<(Op, OpState, String, String)> {
    if r.first() != Some(&Value::Null) {
        return None;
    }
    let op_id: OpId = text(r.get(1)?)?.parse().ok().map(OpId)?;
    let device_id: DeviceId = text(r.get(2)?)?.parse().ok().map(DeviceId)?;
    let user_id: UserId = text(r.get(3)?)?.parse().ok().map(UserId)?;
    let device_time: NaiveDateTime = text(r.get(4)?)?.parse().ok()?;
    let kind = text(r.get(5)?)?.to_string();
    let target = text(r.get(6)?)?.to_string();
    let payload: OpPayload = serde_json::from_str(text(r.get(7)?)?).ok()?;
    let state: OpState =
        serde_json::from_value(serde_json::Value::String(text(r.get(11)?)?.to_string())).ok()?;
    let seen_seq = match r.get(13) {
        Some(Value::Int(s)) => u64::try_from(*s).ok()?,
        _ => 0,
    };
    let op = Op {
        op_id,
        device_id,
        device_seq: seq,
        user_id,
        device_time,
        payload,
        prev_hash: text(r.get(8)?)?.to_string(),
        hash: text(r.get(9)?)?.to_string(),
        sig: text(r.get(10)?)?.to_string(),
        seen_seq,
    };
    Some((op, state, kind, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_as_sqlite_writes_them() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(
            varint(&[0xff; 9], 0),
            Some((u64::MAX, 9)),
            "nine bytes: the last one counts 8 bits"
        );
        assert_eq!(varint(&[0x81], 0), None, "a cut-off varint is no value");
    }

    #[test]
    fn a_garbled_page_yields_no_rows() {
        let page = vec![0x0D, 0, 0, 0xff, 0xff, 0, 0, 0];
        assert!(
            leaf_records(&page).is_empty(),
            "cell pointers past the page end are skipped"
        );
    }
}
