//! The push pipeline's judgements, once for both backends (issue 16 item 1): the answer to an op
//! the server already holds, the op's place in its device's chain (the signature checked before
//! the transaction where it can be), the context an op is decided in, and what the authority's
//! decision becomes — the outcome, the audit entry's kind and detail, and whether a change is
//! written. A backend reads the rows these need and writes what they return; the decision itself
//! is `authority::decide`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use journal_core::DeviceId;
use journal_protocol::{Op, OpOutcome, OpPayload, OpVerifyError};
use serde::Serialize;

use super::sqlite::{from_json, to_json};
use crate::authority::{self, Decision, OpContext};
use crate::dto::OpResult;
use crate::error::StorageError;

/// A device's row as both storages read it before applying one of its ops.
pub(crate) struct DeviceRow {
    pub institution_id: String,
    pub public_key: Option<String>,
    pub last_seq: u64,
    pub last_hash: String,
    /// The last server_seq the device was given (None: registered before this was recorded).
    pub given_seq: Option<u64>,
    /// The latest entry time of the device's ops so far (None: none recorded yet).
    pub last_entry: Option<NaiveDateTime>,
}

/// The signature check of one op made before the batch's transaction, with the device key it used.
pub(crate) struct PreVerified {
    key_hex: String,
    result: Result<(), OpVerifyError>,
}

/// Checks the ops' signatures with their devices' registered keys (`keys`: device → hex key),
/// decoding each key once. Runs before the writer is taken, so concurrent pushes check their
/// signatures in parallel instead of one after another under the lock. An op whose device has no
/// key yet gets None (checked in the transaction).
pub(crate) fn preverify(ops: &[Op], keys: &HashMap<DeviceId, String>) -> Vec<Option<PreVerified>> {
    let mut decoded: HashMap<DeviceId, Option<ed25519_dalek::VerifyingKey>> = HashMap::new();
    let mut out: Vec<Option<PreVerified>> = Vec::with_capacity(ops.len());
    // Ops whose hash and signature are well-formed, for one batch verification.
    let (mut idx, mut digests, mut sigs, mut vkeys) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, op) in ops.iter().enumerate() {
        let Some(key_hex) = keys.get(&op.device_id) else {
            out.push(None);
            continue;
        };
        let key = decoded.entry(op.device_id).or_insert_with(|| {
            hex::decode(key_hex)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
        });
        let Some(key) = key else {
            out.push(None);
            continue;
        };
        match op.signed_parts() {
            Ok((digest, sig)) => {
                idx.push(i);
                digests.push(digest);
                sigs.push(sig);
                vkeys.push(*key);
                out.push(Some(PreVerified {
                    key_hex: key_hex.clone(),
                    result: Ok(()),
                }));
            }
            Err(e) => out.push(Some(PreVerified {
                key_hex: key_hex.clone(),
                result: Err(e),
            })),
        }
    }
    // One batch check of all signatures (about twice as fast as one by one); if it fails, some
    // signature is bad and each is checked on its own to answer each op rightly.
    let messages: Vec<&[u8]> = digests.iter().map(|d| &d[..]).collect();
    if ed25519_dalek::verify_batch(&messages, &sigs, &vkeys).is_err() {
        for (k, &i) in idx.iter().enumerate() {
            if let (Some(Some(pre)), Some(op)) = (out.get_mut(i), ops.get(i)) {
                pre.result = op.verify_with_key(&vkeys[k]);
            }
        }
    }
    out
}

/// The device-chain checks of a push, the same for both storages: the device is known and of this
/// institution, the op is the next of its gap-free sequence (else `device_fork` or `sequence_gap`
/// with `expected_seq`), continues the device's hash chain and carries a valid signature — the
/// check `pre` made before the batch's transaction when it used the key the device row holds now.
pub(crate) fn check_device_chain_with(
    op: &Op,
    inst: &str,
    device: Option<&DeviceRow>,
    pre: Option<&PreVerified>,
) -> Result<(), Box<OpResult>> {
    let refuse = |code: &str, message: String| Err(Box::new(rejected(op, code, message)));
    let Some(device) = device else {
        return refuse(
            "unknown_device",
            "Устройство не зарегистрировано на сервере: войдите в систему с этого устройства"
                .into(),
        );
    };
    if device.institution_id != inst {
        return refuse(
            "device_other_institution",
            "Устройство принадлежит другому учреждению".into(),
        );
    }
    let last_seq = device.last_seq;
    if op.device_seq <= last_seq {
        return refuse(
            "device_fork",
            format!(
                "Операция №{} этого устройства уже получена с другим содержимым: журнал устройства раздвоился (восстановлен из копии?)",
                op.device_seq
            ),
        );
    }
    if op.device_seq > last_seq + 1 {
        let mut r = rejected(
            op,
            "sequence_gap",
            format!(
                "Пропущены операции устройства: ожидалась №{}, получена №{}",
                last_seq + 1,
                op.device_seq
            ),
        );
        r.expected_seq = Some(last_seq + 1);
        return Err(Box::new(r));
    }
    if op.prev_hash != device.last_hash {
        return refuse(
            "chain_broken",
            "Операция не продолжает цепочку операций устройства".into(),
        );
    }
    if let Some(pre) = pre.filter(|p| device.public_key.as_deref() == Some(p.key_hex.as_str())) {
        return pre
            .result
            .clone()
            .map_err(|e| Box::new(rejected(op, e.code(), e.to_string())));
    }
    let key: Option<[u8; 32]> = device
        .public_key
        .as_deref()
        .and_then(|k| hex::decode(k).ok())
        .and_then(|b| b.try_into().ok());
    let Some(key) = key else {
        return refuse(
            "device_key_missing",
            "Ключ устройства не зарегистрирован: войдите в систему с этого устройства заново"
                .into(),
        );
    };
    op.verify(&key)
        .map_err(|e| Box::new(rejected(op, e.code(), e.to_string())))
}

/// The audit detail of a pushed op, as JSON: its device_seq, hash, outcome and payload.
#[derive(Serialize)]
struct OpAuditDetail<'a> {
    device_seq: u64,
    /// What the device had seen (decides concurrency); left out when 0, as in details written
    /// before ops carried it.
    #[serde(skip_serializing_if = "is_zero")]
    seen_seq: u64,
    op_hash: &'a str,
    outcome: &'a OpOutcome,
    payload: &'a OpPayload,
}

/// [`OpAuditDetail`] as text, serialised straight from the op rather than through a
/// `serde_json::Value` (that detour cost about a tenth of a push's CPU).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

pub(crate) fn op_audit_detail(op: &Op, outcome: &OpOutcome) -> Result<String, StorageError> {
    to_json(&OpAuditDetail {
        device_seq: op.device_seq,
        seen_seq: op.seen_seq,
        op_hash: &op.hash,
        outcome,
        payload: &op.payload,
    })
}

pub(crate) fn rejected(op: &Op, code: &str, message: impl Into<String>) -> OpResult {
    OpResult {
        op_id: op.op_id,
        outcome: OpOutcome::Rejected {
            code: code.to_string(),
            message: message.into(),
        },
        expected_seq: None,
    }
}

/// An op the server recorded before (read by the batch, or stored by it): what a repeat of it is
/// answered.
pub(crate) struct KnownOp {
    pub institution_id: String,
    pub hash: String,
    /// JSON of the stored [`OpOutcome`].
    pub outcome: String,
    pub server_seq: Option<i64>,
}

/// The answer to an op the server already holds: its stored outcome (an applied op is a
/// duplicate now), or `op_id_reused` when the same id came with other content or from another
/// institution.
pub(crate) fn known_answer(op: &Op, inst: &str, known: &KnownOp) -> Result<OpResult, StorageError> {
    if known.institution_id != inst || known.hash != op.hash {
        return Ok(rejected(
            op,
            "op_id_reused",
            "Операция с этим идентификатором уже получена с другим содержимым",
        ));
    }
    let outcome = match from_json::<OpOutcome>(&known.outcome)? {
        OpOutcome::Applied { .. } | OpOutcome::Duplicate { .. } => OpOutcome::Duplicate {
            server_seq: known.server_seq.map(|s| s as u64),
        },
        other => other,
    };
    Ok(OpResult {
        op_id: op.op_id,
        outcome,
        expected_seq: None,
    })
}

/// Where an op stands in its device's chain once the chain takes it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ChainPlace {
    /// The latest entry time of the device's earlier ops.
    pub previous_entry: Option<NaiveDateTime>,
    /// The last server_seq the device was given.
    pub given_seq: Option<u64>,
}

/// Puts `op` into its device's chain ([`check_device_chain_with`]) and moves the device row's head
/// to it: from here on the op is recorded whatever its outcome. The refusal when the chain does
/// not take it.
pub(crate) fn enter_chain(
    op: &Op,
    inst: &str,
    device: Option<&mut DeviceRow>,
    pre: Option<&PreVerified>,
    received_local: Option<NaiveDateTime>,
) -> Result<ChainPlace, Box<OpResult>> {
    check_device_chain_with(op, inst, device.as_deref(), pre)?;
    let mut place = ChainPlace::default();
    if let Some(d) = device {
        d.last_seq = op.device_seq;
        d.last_hash = op.hash.clone();
        place.previous_entry = d.last_entry;
        place.given_seq = d.given_seq;
        d.last_entry = Some(authority::next_last_entry(
            place.previous_entry,
            op.device_time,
            received_local,
        ));
    }
    Ok(place)
}

/// What the device had seen when the op was made, believed only as far as the server sent it.
pub(crate) fn seen_by_device(op: &Op, place: &ChainPlace) -> u64 {
    place.given_seq.map_or(op.seen_seq, |g| op.seen_seq.min(g))
}

/// Completes an op's context with its device's place: what the device was given, and the floor
/// of its entry time (the later of its previous op and the change it had seen, `seen_change`).
pub(crate) fn place_in_context(
    ctx: &mut OpContext,
    place: &ChainPlace,
    seen_change: Option<NaiveDateTime>,
) {
    ctx.device_given_seq = place.given_seq;
    ctx.entry_floor = authority::entry_floor(place.previous_entry, seen_change);
}

/// The decision for an op whose author never signed in on the device.
pub(crate) fn not_on_device() -> Decision {
    Decision::Reject {
        code: "user_not_on_device".into(),
        message: "Автор операции не входил в систему на этом устройстве".into(),
    }
}

/// What a decision becomes.
pub(crate) enum Verdict {
    /// The op is applied under the next server_seq in `ctx`: its change is recorded; `write_value`
    /// false for a merge (an identical value: the row keeps its first writer).
    Apply {
        write_value: bool,
        ctx: Box<OpContext>,
    },
    /// The op is answered without a change: a conflict or a refusal, with its audit kind.
    Answer {
        outcome: OpOutcome,
        audit_kind: &'static str,
    },
}

/// [`Verdict`] of `decision` made in `ctx` (None for an op decided without one: only refusals are).
pub(crate) fn verdict(decision: Decision, ctx: Option<OpContext>) -> Result<Verdict, StorageError> {
    match (decision, ctx) {
        (d @ (Decision::Apply | Decision::Merge), Some(ctx)) => Ok(Verdict::Apply {
            write_value: d == Decision::Apply,
            ctx: Box::new(ctx),
        }),
        (Decision::Apply | Decision::Merge, None) => Err(StorageError::Corrupt(
            "решение без контекста операции".into(),
        )),
        (
            Decision::Conflict {
                server_value,
                message,
            },
            _,
        ) => Ok(Verdict::Answer {
            outcome: OpOutcome::Conflict {
                server_value,
                message,
            },
            audit_kind: "op_conflict",
        }),
        (Decision::Reject { code, message }, _) => Ok(Verdict::Answer {
            outcome: OpOutcome::Rejected { code, message },
            audit_kind: "op_rejected",
        }),
    }
}

/// The outcome and audit kind of an op applied under `server_seq`.
pub(crate) fn applied(server_seq: i64) -> (OpOutcome, &'static str) {
    (
        OpOutcome::Applied {
            server_seq: server_seq as u64,
        },
        "op",
    )
}

/// What a push batch reads once for all its ops: the institution's policy, clock and the
/// reference rows an op's context is cut from. Locks change within the batch (a lock or an
/// unlock applied is noted for the ops after it).
pub(crate) struct BatchRefs {
    pub policy: journal_core::Policy,
    /// The batch's arrival in the institution's local time.
    pub received_local: Option<NaiveDateTime>,
    /// The institution's day the batch arrived: its authors' grants in force on it are theirs.
    pub today: chrono::NaiveDate,
    /// The institution's zone: changes' server times (UTC) are read in it.
    pub timezone: String,
    pub periods: Vec<journal_protocol::Period>,
    pub bells: Vec<journal_protocol::Bell>,
    pub loads: HashMap<journal_core::LoadId, journal_protocol::Load>,
    pub subjects: HashMap<journal_core::SubjectId, journal_protocol::Subject>,
    pub locks: std::collections::HashSet<(journal_core::LoadId, journal_core::PeriodId)>,
    /// The loads' days of the schedule of control works: such a lesson is a control work for the
    /// entry-time rules, whatever its topic says (as the app judges it).
    pub scheduled_works: std::collections::HashSet<(journal_core::LoadId, chrono::NaiveDate)>,
}

impl BatchRefs {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        institution: journal_protocol::Institution,
        received_at: NaiveDateTime,
        periods: Vec<journal_protocol::Period>,
        bells: Vec<journal_protocol::Bell>,
        loads: Vec<journal_protocol::Load>,
        subjects: Vec<journal_protocol::Subject>,
        locks: std::collections::HashSet<(journal_core::LoadId, journal_core::PeriodId)>,
        control_works: Vec<journal_protocol::ControlWork>,
    ) -> BatchRefs {
        let received_local = authority::local_time(&institution.timezone, received_at);
        BatchRefs {
            today: received_local.unwrap_or(received_at).date(),
            received_local,
            timezone: institution.timezone,
            policy: institution.policy,
            periods,
            bells,
            loads: loads.into_iter().map(|l| (l.id, l)).collect(),
            subjects: subjects.into_iter().map(|s| (s.id, s)).collect(),
            locks,
            scheduled_works: control_works
                .into_iter()
                .map(|w| (w.load_id, w.date))
                .collect(),
        }
    }

    /// An op's context before its target's rows: the policy, the arrival and the author.
    pub fn context(&self, author: Option<journal_protocol::User>) -> OpContext {
        OpContext {
            policy: self.policy.clone(),
            received_local: self.received_local,
            author,
            ..OpContext::default()
        }
    }

    /// The lesson an op writes into, with its load, subject, bell, period, lock and the work type
    /// of its first hour (none recorded: an ordinary lesson).
    pub fn place_lesson(
        &self,
        ctx: &mut OpContext,
        lesson: journal_protocol::Lesson,
        work_type: Option<journal_core::WorkType>,
    ) {
        ctx.load = self.loads.get(&lesson.load_id).cloned();
        ctx.subject = ctx
            .load
            .as_ref()
            .and_then(|load| self.subjects.get(&load.subject_id).cloned());
        ctx.bell = self
            .bells
            .iter()
            .find(|b| b.number == lesson.bell_number)
            .cloned();
        ctx.period = self
            .periods
            .iter()
            .find(|p| p.starts_on <= lesson.date && lesson.date <= p.ends_on)
            .cloned();
        if let Some(p) = &ctx.period {
            ctx.locked = self.locks.contains(&(lesson.load_id, p.id));
        }
        ctx.lesson_work_type = if self
            .scheduled_works
            .contains(&(lesson.load_id, lesson.date))
        {
            Some(journal_core::WorkType::Control)
        } else {
            work_type.or(Some(journal_core::WorkType::Lesson))
        };
        ctx.lesson = Some(lesson);
    }

    /// A load's period as an op targets it (finals, locks): the load, the period and its lock.
    pub fn place_period(
        &self,
        ctx: &mut OpContext,
        load_id: journal_core::LoadId,
        period_id: journal_core::PeriodId,
    ) {
        ctx.load = self.loads.get(&load_id).cloned();
        ctx.subject = ctx
            .load
            .as_ref()
            .and_then(|load| self.subjects.get(&load.subject_id).cloned());
        ctx.period = self.periods.iter().find(|p| p.id == period_id).cloned();
        ctx.last_period = ctx
            .period
            .as_ref()
            .is_some_and(|p| self.periods.iter().all(|other| other.ends_on <= p.ends_on));
        ctx.locked = self.locks.contains(&(load_id, period_id));
    }

    /// The facts a lesson change is judged by (`journal_protocol::lesson_change::facts`).
    #[allow(clippy::too_many_arguments)]
    pub fn lesson_facts(
        &self,
        lesson: &journal_protocol::Lesson,
        load: &journal_protocol::Load,
        change: &journal_protocol::LessonChange,
        same_day: &[journal_protocol::Lesson],
        has_entries: bool,
        substitute: Option<&journal_protocol::User>,
    ) -> journal_protocol::LessonFacts {
        journal_protocol::lesson_change::facts(
            lesson,
            load,
            change,
            &self.loads,
            &self.periods,
            &self.bells,
            same_day,
            // The server keeps every lesson of the day: no slot is known only as busy.
            &[],
            has_entries,
            substitute,
            self.today,
        )
    }

    /// Notes an applied lock or unlock for the batch's later ops.
    pub fn note_applied(&mut self, payload: &OpPayload) {
        match payload {
            OpPayload::LockPeriod { load_id, period_id } => {
                self.locks.insert((*load_id, *period_id));
            }
            OpPayload::UnlockPeriod {
                load_id, period_id, ..
            } => {
                self.locks.remove(&(*load_id, *period_id));
            }
            _ => {}
        }
    }
}

/// The key of the учебный план's line of a load's period among the institution's reference rows
/// (`sqlite::curriculum_key`), which says whether the period ends with an exam.
pub(crate) fn curriculum_line_key(
    load: &journal_protocol::Load,
    period_id: journal_core::PeriodId,
) -> String {
    format!("{}:{}:{}", load.group_id, load.subject_id, period_id)
}

/// Whether a stored curriculum line (its JSON) ends the period with an exam.
pub(crate) fn line_has_exam(data: Option<&str>) -> Result<bool, StorageError> {
    Ok(match data {
        Some(d) => from_json::<journal_protocol::CurriculumLine>(d)?
            .attestation
            .is_some_and(journal_protocol::AttestationForm::has_exam),
        None => false,
    })
}

/// The op target of a stored final (`OpPayload::target`) as SQL over the finals table's columns.
pub(crate) const FINAL_TARGET_SQL: &str = "(CASE final_column WHEN 'period' THEN 'final' ELSE final_column END) || ':' || load_id || ':' || period_id || ':' || student_id";

/// The lesson an op writes into, if it is a lesson's op.
pub(crate) fn lesson_of(op: &Op) -> Option<journal_core::LessonId> {
    match &op.payload {
        OpPayload::SetCell { lesson_id, .. }
        | OpPayload::SetTopic { lesson_id, .. }
        | OpPayload::SetHomework { lesson_id, .. }
        | OpPayload::ChangeLesson { lesson_id, .. } => Some(*lesson_id),
        _ => None,
    }
}

/// How many students of the load's list in the period have no final yet (`with_final`: the ids
/// of those who have one) — what a lock is refused by: journal-protocol's `finals_missing`, which
/// the app counts by too, with the grading scale of `subject` (the load's).
pub(crate) fn finals_missing(
    load: &journal_protocol::Load,
    period: &journal_protocol::Period,
    subject: Option<&journal_protocol::Subject>,
    memberships: &[journal_protocol::Membership],
    plans: &[journal_protocol::IndividualPlan],
    lessons: &[journal_protocol::Lesson],
    with_final: &std::collections::HashSet<String>,
) -> usize {
    let grading = subject.map(|s| s.grading).unwrap_or_default();
    journal_protocol::finals_missing(load, period, grading, memberships, plans, lessons, |s| {
        with_final.contains(&s.to_string())
    })
}
