//! Outbox ops: every user edit on a device becomes one signed, hash-chained op that is pushed to the
//! server. The server answers each op with an [`OpOutcome`].
//!
//! The device and the server must hash exactly the same bytes, so the canonical form, the hash and
//! the signature live here, next to the type, and both sides call [`Op::seal`] / [`Op::verify`].

use chrono::NaiveDateTime;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use journal_core::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the user did. One variant per kind of edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpPayload {
    SetCell {
        lesson_id: LessonId,
        student_id: StudentId,
        value: CellValue,
        /// Why a value is corrected after the lesson's day (001 Приложение, заместитель п. 9:
        /// corrections under the deputy's control), where the policy allows corrections at all
        /// (`journal_core::timing::check_cell_entry`). Absent — and so left out of the signed bytes,
        /// which keeps every older op's hash — for any other edit. Added in protocol version 5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
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
        /// The exam's or the year's column; absent (and out of the signed bytes, so every older
        /// op keeps its hash) for a period final. Added in protocol version 6.
        #[serde(default, skip_serializing_if = "FinalColumn::is_period")]
        column: FinalColumn,
        value: Option<FinalValue>,
    },
    LockPeriod {
        load_id: LoadId,
        period_id: PeriodId,
    },
    /// Reopens a locked period for a correction (a deputy, where the policy lets deputies edit);
    /// the reason is part of the signed op and is logged. Shares the lock's target, so lock and
    /// unlock are last-writer by server order. Added in protocol version 2.
    UnlockPeriod {
        load_id: LoadId,
        period_id: PeriodId,
        reason: String,
    },
    /// «Устранено» without an answer (older devices; still applied).
    ResolveRemark {
        remark_id: uuid::Uuid,
    },
    /// The teacher's answer to a remark with «Устранено» (`Remark::answer`).
    AnswerRemark {
        remark_id: uuid::Uuid,
        answer: String,
    },
    /// A remark as it is after a step taken on the server (written, confirmed, returned by its
    /// author): never pushed by a device — the server records it as a change so that devices
    /// pull it like any other.
    RemarkState {
        remark: crate::Remark,
    },
    /// A change of one timetable lesson: substitution, postponement, not held, back as
    /// timetabled (`crate::lesson_change`). Added in protocol version 4.
    ChangeLesson {
        lesson_id: LessonId,
        change: crate::LessonChange,
    },
}

impl OpPayload {
    /// Stable snake_case name of the edit kind (the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            OpPayload::SetCell { .. } => "set_cell",
            OpPayload::SetTopic { .. } => "set_topic",
            OpPayload::SetHomework { .. } => "set_homework",
            OpPayload::SetFinal { .. } => "set_final",
            OpPayload::LockPeriod { .. } => "lock_period",
            OpPayload::UnlockPeriod { .. } => "unlock_period",
            OpPayload::ResolveRemark { .. } => "resolve_remark",
            OpPayload::AnswerRemark { .. } => "answer_remark",
            OpPayload::RemarkState { .. } => "remark_state",
            OpPayload::ChangeLesson { .. } => "change_lesson",
        }
    }

    /// The journal field this edit writes, as a stable key ("cell:<lesson>:<student>", …). Two ops
    /// with the same target compete for the same value: the store keeps a pulled value from
    /// overwriting a target with a pending local op, and the server detects conflicts per target.
    pub fn target(&self) -> String {
        match self {
            OpPayload::SetCell {
                lesson_id,
                student_id,
                ..
            } => format!("cell:{lesson_id}:{student_id}"),
            OpPayload::SetTopic {
                lesson_id, hour, ..
            } => format!("topic:{lesson_id}:{hour}"),
            OpPayload::SetHomework { lesson_id, .. } => format!("homework:{lesson_id}"),
            OpPayload::SetFinal {
                load_id,
                period_id,
                student_id,
                column: FinalColumn::Period,
                ..
            } => format!("final:{load_id}:{period_id}:{student_id}"),
            OpPayload::SetFinal {
                load_id,
                period_id,
                student_id,
                column,
                ..
            } => format!("{}:{load_id}:{period_id}:{student_id}", column.as_str()),
            OpPayload::LockPeriod { load_id, period_id }
            | OpPayload::UnlockPeriod {
                load_id, period_id, ..
            } => format!("lock:{load_id}:{period_id}"),
            OpPayload::ResolveRemark { remark_id } | OpPayload::AnswerRemark { remark_id, .. } => {
                format!("remark:{remark_id}")
            }
            OpPayload::RemarkState { remark } => format!("remark:{}", remark.id),
            OpPayload::ChangeLesson { lesson_id, .. } => format!("lesson:{lesson_id}"),
        }
    }
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
    /// The server sequence number up to which the device had pulled the journal when the edit was
    /// made, lowered to what it still showed (a pulled value hidden behind a pending local edit was
    /// never seen). A stored value from another device with a server_seq at or below it was on the
    /// teacher's screen: editing it is a sequential correction, not a concurrent edit. 0 = saw
    /// nothing (and what ops serialized before this field read as).
    #[serde(default)]
    pub seen_seq: u64,
    /// Hex SHA-256 over the op's canonical bytes (see [`Op::canonical_bytes`]) — chains the device's ops.
    pub hash: String,
    /// Hex ed25519 signature of the 32 raw bytes of `hash` by the device key.
    pub sig: String,
}

/// Domain separation: these bytes can never be mistaken for another signed structure, and a future
/// canonical form gets a new tag instead of silently changing the meaning of old signatures.
const CANONICAL_TAG: &[u8] = b"journal-op/v1\0";

/// Why an op failed verification. Codes are stable; messages are Russian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpVerifyError {
    #[error("Операция {seq}: хеш не совпадает с содержимым — операция изменена")]
    HashMismatch { seq: u64 },
    #[error("Операция {seq}: подпись устройства недействительна")]
    SignatureInvalid { seq: u64 },
    #[error("Открытый ключ устройства недействителен")]
    KeyInvalid,
    #[error("Операция {seq}: неверный формат хеша или подписи")]
    Malformed { seq: u64 },
    #[error("Не удалось закодировать операцию: {0}")]
    Encoding(String),
}

impl OpVerifyError {
    pub fn code(&self) -> &'static str {
        match self {
            OpVerifyError::HashMismatch { .. } => "op_hash_mismatch",
            OpVerifyError::SignatureInvalid { .. } => "op_signature_invalid",
            OpVerifyError::KeyInvalid => "op_key_invalid",
            OpVerifyError::Malformed { .. } => "op_malformed",
            OpVerifyError::Encoding(_) => "op_encoding",
        }
    }
}

fn push_len_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    // u64 so that no realistic length can overflow the prefix.
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Device time in its canonical text form: the same as chrono's serde form (ISO 8601 with `T`,
/// fractional seconds only when present), so the wire value and the signed value are one string.
fn canonical_time(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

impl Op {
    /// The bytes that are hashed (and, through the hash, signed).
    ///
    /// Why this form: a fixed-order concatenation of the fields, fixed-width where the field is
    /// fixed-width (UUIDs as their 16 raw bytes, `device_seq` as big-endian u64) and length-prefixed
    /// (u64 big-endian) where it is not, after a version tag. Length prefixes make the encoding
    /// injective — no two different ops give the same bytes — without any escaping rules. The
    /// payload is the one variable structure; it goes in as its serde_json text. serde_json of these
    /// derive-generated types is deterministic (struct fields in declaration order, no maps, no
    /// floats), and the server deserialises and re-serialises it with the same types; hence any
    /// change to [`OpPayload`]'s fields must come with a new [`crate::PROTOCOL_VERSION`].
    ///
    /// Covered: op_id, device_id, device_seq, user_id, device_time, payload, prev_hash, and
    /// seen_seq (big-endian u64 after prev_hash) when it is not 0. Not covered: `hash` and `sig`,
    /// which are derived from these bytes. Leaving seen_seq out when it is 0 keeps the bytes, and
    /// so the hashes and signatures, of ops made before the field existed; the form stays injective
    /// because prev_hash is length-prefixed, so the trailing 8 bytes are present exactly when
    /// seen_seq is not 0.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, OpVerifyError> {
        let payload = serde_json::to_vec(&self.payload)
            .map_err(|e| OpVerifyError::Encoding(e.to_string()))?;
        let time = canonical_time(&self.device_time);
        let mut out =
            Vec::with_capacity(CANONICAL_TAG.len() + 3 * 16 + 8 + 3 * 8 + 32 + payload.len() + 64);
        out.extend_from_slice(CANONICAL_TAG);
        out.extend_from_slice(self.op_id.0.as_bytes());
        out.extend_from_slice(self.device_id.0.as_bytes());
        out.extend_from_slice(&self.device_seq.to_be_bytes());
        out.extend_from_slice(self.user_id.0.as_bytes());
        push_len_prefixed(&mut out, time.as_bytes());
        push_len_prefixed(&mut out, &payload);
        push_len_prefixed(&mut out, self.prev_hash.as_bytes());
        if self.seen_seq != 0 {
            out.extend_from_slice(&self.seen_seq.to_be_bytes());
        }
        Ok(out)
    }

    /// Hex SHA-256 of [`Op::canonical_bytes`].
    pub fn compute_hash(&self) -> Result<String, OpVerifyError> {
        Ok(hex::encode(Sha256::digest(self.canonical_bytes()?)))
    }

    /// Builds a complete op: computes its hash over the canonical bytes and signs the hash with the
    /// device key. This is the only way the device makes an op. The op's `seen_seq` is 0 (saw
    /// nothing); [`Op::seal_seen`] records what the device had seen.
    #[allow(clippy::too_many_arguments)]
    pub fn seal(
        op_id: OpId,
        device_id: DeviceId,
        device_seq: u64,
        user_id: UserId,
        device_time: NaiveDateTime,
        payload: OpPayload,
        prev_hash: String,
        key: &SigningKey,
    ) -> Result<Op, OpVerifyError> {
        let op = Op {
            op_id,
            device_id,
            device_seq,
            user_id,
            device_time,
            payload,
            prev_hash,
            seen_seq: 0,
            hash: String::new(),
            sig: String::new(),
        };
        op.sealed(key)
    }

    /// [`Op::seal`] for an edit made when the device had seen the journal up to `seen_seq`.
    #[allow(clippy::too_many_arguments)]
    pub fn seal_seen(
        op_id: OpId,
        device_id: DeviceId,
        device_seq: u64,
        user_id: UserId,
        device_time: NaiveDateTime,
        payload: OpPayload,
        prev_hash: String,
        seen_seq: u64,
        key: &SigningKey,
    ) -> Result<Op, OpVerifyError> {
        let op = Op {
            op_id,
            device_id,
            device_seq,
            user_id,
            device_time,
            payload,
            prev_hash,
            seen_seq,
            hash: String::new(),
            sig: String::new(),
        };
        op.sealed(key)
    }

    fn sealed(self, key: &SigningKey) -> Result<Op, OpVerifyError> {
        let mut op = self;
        let digest = Sha256::digest(op.canonical_bytes()?);
        op.hash = hex::encode(digest);
        op.sig = hex::encode(key.sign(&digest).to_bytes());
        Ok(op)
    }

    /// Checks that `hash` is the hash of this op's content and `sig` is the device's signature of
    /// it. (Chain order — `prev_hash` and gap-free `device_seq` — is checked by whoever holds the
    /// previous op: the device's outbox check or the server.)
    pub fn verify(&self, public_key: &[u8; 32]) -> Result<(), OpVerifyError> {
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| OpVerifyError::KeyInvalid)?;
        self.verify_with_key(&key)
    }

    /// [`Op::verify`] with a key already decoded (a server checking many ops of one device decodes
    /// its key once).
    pub fn verify_with_key(&self, key: &VerifyingKey) -> Result<(), OpVerifyError> {
        let (digest, sig) = self.signed_parts()?;
        key.verify(&digest, &sig)
            .map_err(|_| OpVerifyError::SignatureInvalid {
                seq: self.device_seq,
            })
    }

    /// What the signature covers and the signature itself, once the op's `hash` is checked to be
    /// the hash of its content: for a verifier that checks many signatures at once.
    pub fn signed_parts(&self) -> Result<([u8; 32], Signature), OpVerifyError> {
        let seq = self.device_seq;
        let digest = Sha256::digest(self.canonical_bytes()?);
        let stored: [u8; 32] = hex::decode(&self.hash)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(OpVerifyError::Malformed { seq })?;
        if stored[..] != digest[..] {
            return Err(OpVerifyError::HashMismatch { seq });
        }
        let sig: [u8; 64] = hex::decode(&self.sig)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(OpVerifyError::Malformed { seq })?;
        Ok((stored, Signature::from_bytes(&sig)))
    }
}

/// The server's answer to one pushed op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OpOutcome {
    Applied {
        server_seq: u64,
    },
    Duplicate {
        server_seq: Option<u64>,
    },
    Rejected {
        code: String,
        message: String,
    },
    Conflict {
        server_value: serde_json::Value,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn key() -> SigningKey {
        SigningKey::generate(&mut rand::rngs::OsRng)
    }

    fn time() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(10, 15, 0))
            .unwrap_or_default()
    }

    fn sample(key: &SigningKey, prev: &str) -> Op {
        Op::seal(
            OpId(Uuid::now_v7()),
            DeviceId(Uuid::new_v4()),
            1,
            UserId(Uuid::new_v4()),
            time(),
            OpPayload::SetHomework {
                lesson_id: LessonId(Uuid::new_v4()),
                text: "§12, упр. 3".into(),
            },
            prev.into(),
            key,
        )
        .expect("sealing a plain op cannot fail to encode")
    }

    #[test]
    fn sealed_op_verifies_with_its_key_only() {
        let k = key();
        let op = sample(&k, "");
        assert_eq!(
            op.verify(&k.verifying_key().to_bytes()),
            Ok(()),
            "a freshly sealed op must verify"
        );
        let other = key();
        assert_eq!(
            op.verify(&other.verifying_key().to_bytes())
                .map_err(|e| e.code()),
            Err("op_signature_invalid"),
            "another device's key must not verify the op"
        );
    }

    #[test]
    fn any_changed_field_breaks_the_hash() {
        let k = key();
        let pk = k.verifying_key().to_bytes();
        let op = sample(&k, "");
        let mut changed = vec![];
        let mut a = op.clone();
        a.device_seq = 2;
        changed.push(a);
        let mut b = op.clone();
        b.prev_hash = "00".into();
        changed.push(b);
        let mut c = op.clone();
        c.device_time += chrono::Duration::seconds(1);
        changed.push(c);
        let mut d = op.clone();
        d.payload = OpPayload::SetHomework {
            lesson_id: LessonId(Uuid::nil()),
            text: "§13".into(),
        };
        changed.push(d);
        let mut e = op.clone();
        e.user_id = UserId(Uuid::nil());
        changed.push(e);
        for ch in changed {
            assert_eq!(
                ch.verify(&pk).map_err(|e| e.code()),
                Err("op_hash_mismatch"),
                "changing a covered field must be detected: {ch:?}"
            );
        }
    }

    #[test]
    fn canonical_bytes_survive_a_json_round_trip() {
        // The server hashes what it deserialised from the wire; it must get the device's bytes.
        let k = key();
        let op = sample(&k, "ab");
        let wire = serde_json::to_string(&op).expect("op serialises");
        let back: Op = serde_json::from_str(&wire).expect("op deserialises");
        assert_eq!(
            back.canonical_bytes(),
            op.canonical_bytes(),
            "the wire round trip must not change the canonical bytes"
        );
        assert_eq!(
            back.verify(&k.verifying_key().to_bytes()),
            Ok(()),
            "the received op verifies"
        );
    }

    #[test]
    fn length_prefixes_keep_fields_apart() {
        // Moving text between adjacent variable fields must change the bytes.
        let k = key();
        let mut a = sample(&k, "abc");
        a.payload = OpPayload::SetHomework {
            lesson_id: LessonId(Uuid::nil()),
            text: "x".into(),
        };
        let mut b = a.clone();
        b.prev_hash = "bc".into();
        assert_ne!(
            a.canonical_bytes(),
            b.canonical_bytes(),
            "different ops, different bytes"
        );
    }

    #[test]
    fn unlock_shares_the_lock_target_and_signs_its_reason() {
        let (load_id, period_id) = (LoadId(Uuid::new_v4()), PeriodId(Uuid::new_v4()));
        let lock = OpPayload::LockPeriod { load_id, period_id };
        let unlock = OpPayload::UnlockPeriod {
            load_id,
            period_id,
            reason: "ошибка в итоговой отметке".into(),
        };
        assert_eq!(
            lock.target(),
            unlock.target(),
            "lock and unlock compete for one target: last writer by server order"
        );
        assert_eq!(
            unlock.kind(),
            "unlock_period",
            "the serde tag of the new op"
        );
        let k = key();
        let mut op = sample(&k, "");
        op.payload = unlock;
        let op = Op::seal(
            op.op_id,
            op.device_id,
            op.device_seq,
            op.user_id,
            op.device_time,
            op.payload,
            op.prev_hash,
            &k,
        )
        .expect("an unlock op seals");
        let mut changed = op.clone();
        changed.payload = OpPayload::UnlockPeriod {
            load_id,
            period_id,
            reason: "другая причина".into(),
        };
        assert_eq!(
            changed
                .verify(&k.verifying_key().to_bytes())
                .map_err(|e| e.code()),
            Err("op_hash_mismatch"),
            "the reason is covered by the signature: it cannot be changed after the deputy signed"
        );
    }

    #[test]
    fn version_one_payloads_keep_their_wire_form() {
        // Protocol 2 only adds a variant: ops sealed by a v1 app (already in outboxes and on the
        // server) must keep the same JSON, hence the same canonical bytes and signatures.
        let lock = OpPayload::LockPeriod {
            load_id: LoadId(Uuid::nil()),
            period_id: PeriodId(Uuid::nil()),
        };
        assert_eq!(
            serde_json::to_string(&lock).expect("serialises"),
            r#"{"kind":"lock_period","load_id":"00000000-0000-0000-0000-000000000000","period_id":"00000000-0000-0000-0000-000000000000"}"#,
            "LockPeriod's JSON is unchanged by protocol 2"
        );
        let unlock: OpPayload = serde_json::from_str(
            r#"{"kind":"unlock_period","load_id":"00000000-0000-0000-0000-000000000000","period_id":"00000000-0000-0000-0000-000000000000","reason":"исправление"}"#,
        )
        .expect("the v2 op deserialises");
        assert!(
            matches!(unlock, OpPayload::UnlockPeriod { ref reason, .. } if reason == "исправление"),
            "unlock_period carries its reason: {unlock:?}"
        );
    }

    #[test]
    fn seen_seq_is_signed_and_old_ops_without_it_still_verify() {
        let k = key();
        let public = k.verifying_key().to_bytes();
        let old = sample(&k, "");
        // An op as serialized before the field existed: no "seen_seq" key at all.
        let mut json = serde_json::to_value(&old).expect("serializes");
        json.as_object_mut().map(|o| o.remove("seen_seq"));
        let read: Op = serde_json::from_value(json).expect("an op without seen_seq still reads");
        assert_eq!(
            read.seen_seq, 0,
            "a missing seen_seq means the device saw nothing"
        );
        assert_eq!(
            read.verify(&public),
            Ok(()),
            "an op signed before seen_seq existed must still verify"
        );
        let seen = Op::seal_seen(
            old.op_id,
            old.device_id,
            old.device_seq,
            old.user_id,
            old.device_time,
            old.payload.clone(),
            old.prev_hash.clone(),
            42,
            &k,
        )
        .expect("seals");
        assert_ne!(seen.hash, old.hash, "seen_seq is part of the signed bytes");
        let round: Op = serde_json::from_str(&serde_json::to_string(&seen).expect("serializes"))
            .expect("reads");
        assert_eq!(round.seen_seq, 42, "seen_seq crosses the wire");
        assert_eq!(round.verify(&public), Ok(()), "a sealed seen op verifies");
        let mut forged = seen.clone();
        forged.seen_seq = 1_000;
        assert_eq!(
            forged.verify(&public),
            Err(OpVerifyError::HashMismatch { seq: 1 }),
            "raising seen_seq after signing must break the hash"
        );
        forged.seen_seq = 0;
        assert!(
            forged.verify(&public).is_err(),
            "dropping seen_seq after signing must break the hash"
        );
    }

    #[test]
    fn malformed_hash_is_reported_not_panicking() {
        let k = key();
        let mut op = sample(&k, "");
        op.hash = "zz".into();
        assert_eq!(
            op.verify(&k.verifying_key().to_bytes())
                .map_err(|e| e.code()),
            Err("op_malformed"),
            "a non-hex hash is a malformed op"
        );
    }
}
