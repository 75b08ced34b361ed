//! The audit log: every applied op and every admin action, appended to a hash chain per institution.
//! Each entry's hash covers its content and the previous entry's hash, so a changed, removed or
//! reordered entry breaks the chain; the chain head is also kept apart from the entries, so removing
//! the last entries is found too.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::dto::AuditProblem;

const AUDIT_TAG: &[u8] = b"journal-audit/v1\0";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub institution_id: String,
    /// 1-based position in the institution's chain.
    pub seq: u64,
    /// What happened: "op" (an applied op), "op_rejected", "init", "login", "password_change", …
    pub kind: String,
    pub author_id: Option<String>,
    pub device_id: Option<String>,
    pub device_time: Option<NaiveDateTime>,
    /// UTC.
    pub server_time: NaiveDateTime,
    /// What the entry is about, e.g. the op_id.
    pub subject: String,
    /// JSON text with the details (the op's payload and outcome, the admin action's arguments).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn push_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        // A marker byte keeps None apart from Some("").
        None => out.push(0),
        Some(s) => {
            out.push(1);
            push_field(out, s.as_bytes());
        }
    }
}

fn time_text(t: &NaiveDateTime) -> String {
    // The storages' text of a time (the same "%Y-%m-%dT%H:%M:%S%.f", without reparsing the format).
    crate::storage::sqlite::time_text(t)
}

impl AuditEntry {
    /// Hex SHA-256 over the entry's content and `prev_hash` (not over `hash` itself).
    pub fn compute_hash(&self) -> String {
        let mut out = Vec::with_capacity(256 + self.detail.len());
        out.extend_from_slice(AUDIT_TAG);
        push_field(&mut out, self.institution_id.as_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        push_field(&mut out, self.kind.as_bytes());
        push_opt(&mut out, self.author_id.as_deref());
        push_opt(&mut out, self.device_id.as_deref());
        push_opt(&mut out, self.device_time.map(|t| time_text(&t)).as_deref());
        push_field(&mut out, time_text(&self.server_time).as_bytes());
        push_field(&mut out, self.subject.as_bytes());
        push_field(&mut out, self.detail.as_bytes());
        push_field(&mut out, self.prev_hash.as_bytes());
        hex::encode(Sha256::digest(&out))
    }
}

/// Checks one institution's chain, given its entries in stored `seq` order and the separately kept
/// head (last seq and hash). Returns every problem found.
pub fn verify_chain(
    institution_id: &str,
    entries: &[AuditEntry],
    head: Option<(u64, String)>,
) -> Vec<AuditProblem> {
    let mut problems = Vec::new();
    let problem = |seq: u64, code: &str, message: String| AuditProblem {
        institution_id: institution_id.to_string(),
        seq,
        code: code.to_string(),
        message,
    };
    let mut prev_hash = String::new();
    let mut expected_seq = 1u64;
    for e in entries {
        if e.seq != expected_seq {
            problems.push(problem(
                e.seq,
                "audit_seq_gap",
                format!(
                    "Ожидалась запись №{expected_seq}, найдена №{}: записи удалены или переставлены",
                    e.seq
                ),
            ));
        }
        if e.prev_hash != prev_hash {
            problems.push(problem(
                e.seq,
                "audit_chain_broken",
                format!(
                    "Запись №{} не продолжает цепочку: предыдущая запись удалена, изменена или переставлена",
                    e.seq
                ),
            ));
        }
        if e.compute_hash() != e.hash {
            problems.push(problem(
                e.seq,
                "audit_entry_changed",
                format!("Запись №{} изменена после записи в журнал аудита", e.seq),
            ));
        }
        prev_hash = e.hash.clone();
        expected_seq = e.seq + 1;
    }
    let last = entries.last().map(|e| (e.seq, e.hash.clone()));
    match (head, last) {
        (Some((hs, hh)), Some((ls, lh))) if hs != ls || hh != lh => problems.push(problem(
            ls,
            "audit_tail_missing",
            format!("Последняя запись журнала аудита — №{ls}, а должна быть №{hs}: записи в конце удалены или изменены"),
        )),
        (Some((hs, _)), None) => problems.push(problem(
            hs,
            "audit_tail_missing",
            format!("Журнал аудита пуст, а должен содержать {hs} записей"),
        )),
        (None, Some((ls, _))) => problems.push(problem(
            ls,
            "audit_head_missing",
            "Отсутствует контрольная запись о конце журнала аудита".to_string(),
        )),
        _ => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn chain(n: u64) -> Vec<AuditEntry> {
        let t = NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        let mut prev = String::new();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    institution_id: "i".into(),
                    seq,
                    kind: "op".into(),
                    author_id: Some("u".into()),
                    device_id: None,
                    device_time: Some(t),
                    server_time: t,
                    subject: format!("op{seq}"),
                    detail: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(c: &[AuditEntry]) -> Option<(u64, String)> {
        c.last().map(|e| (e.seq, e.hash.clone()))
    }

    fn codes(p: &[AuditProblem]) -> Vec<&str> {
        p.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert!(
            verify_chain("i", &c, head(&c)).is_empty(),
            "an untouched chain has no problems"
        );
    }

    #[test]
    fn changed_entry_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        c[2].detail = "{\"x\":1}".into();
        assert!(
            codes(&verify_chain("i", &c, h)).contains(&"audit_entry_changed"),
            "an edited detail must be found"
        );
    }

    #[test]
    fn removed_middle_entry_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        c.remove(2);
        let p = verify_chain("i", &c, h);
        assert!(
            codes(&p).contains(&"audit_seq_gap"),
            "a removed entry leaves a gap: {p:?}"
        );
    }

    #[test]
    fn removed_tail_is_found_through_the_head() {
        let mut c = chain(5);
        let h = head(&c);
        c.pop();
        assert_eq!(
            codes(&verify_chain("i", &c, h)),
            vec!["audit_tail_missing"],
            "a cut tail must be found"
        );
    }

    #[test]
    fn reordered_entries_are_found() {
        let mut c = chain(5);
        let h = head(&c);
        c.swap(1, 2);
        let (a, b) = (c[1].seq, c[2].seq);
        c[1].seq = b;
        c[2].seq = a;
        assert!(
            codes(&verify_chain("i", &c, h)).contains(&"audit_chain_broken"),
            "swapped entries must break the chain"
        );
    }
}

/// A stored journal value as the database holds it now: its key (`OpPayload::target`), the stored
/// row's JSON and the server_seq of the change that wrote it (None: imported or seeded).
#[derive(Debug, Clone)]
pub struct StoredValue {
    pub target: String,
    pub data: String,
    pub server_seq: Option<u64>,
}

/// The value a stored cell or final row holds (its `value` field), for comparison.
fn row_value(data: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("value").cloned())
}

/// Checks the journal's current cells and finals against the chain: every value written by a
/// synced op must be the value of the last applied op on its target in the audit chain. A mark
/// changed in the database behind the server's back (or a value with no op at all) is a problem.
/// Values that came with `init` or an import (no server_seq) have no op and are not judged.
pub fn verify_values(
    institution_id: &str,
    entries: &[AuditEntry],
    stored: &[StoredValue],
) -> Vec<AuditProblem> {
    use journal_protocol::{OpOutcome, OpPayload};
    #[derive(serde::Deserialize)]
    struct OpDetail {
        outcome: OpOutcome,
        payload: OpPayload,
    }
    // The last applied value per target, in chain (= server) order.
    let mut expected: std::collections::HashMap<String, (u64, serde_json::Value)> =
        std::collections::HashMap::new();
    for e in entries.iter().filter(|e| e.kind == "op") {
        let Ok(d) = serde_json::from_str::<OpDetail>(&e.detail) else {
            continue;
        };
        let OpOutcome::Applied { server_seq } = d.outcome else {
            continue;
        };
        let value = match &d.payload {
            OpPayload::SetCell { value, .. } => serde_json::to_value(value),
            OpPayload::SetFinal { value, .. } => serde_json::to_value(value),
            _ => continue,
        };
        if let Ok(value) = value {
            expected.insert(d.payload.target(), (server_seq, value));
        }
    }
    let problem = |seq: u64, code: &str, message: String| AuditProblem {
        institution_id: institution_id.to_string(),
        seq,
        code: code.to_string(),
        message,
    };
    let mut problems = Vec::new();
    for row in stored {
        let Some(row_seq) = row.server_seq else {
            continue;
        };
        let now = row_value(&row.data);
        match expected.get(&row.target) {
            None => problems.push(problem(
                row_seq,
                "audit_value_unrecorded",
                format!(
                    "Значение «{}» ({}) не записано ни одной операцией журнала действий: оно внесено в базу в обход сервера",
                    now.map(|v| v.to_string()).unwrap_or_default(),
                    row.target
                ),
            )),
            Some((seq, want)) if now.as_ref() != Some(want) => problems.push(problem(
                *seq,
                "audit_value_changed",
                format!(
                    "Значение {} в базе — {}, а по журналу действий — {}: оно изменено в обход сервера",
                    row.target,
                    now.map(|v| v.to_string()).unwrap_or_default(),
                    want
                ),
            )),
            Some(_) => {}
        }
    }
    problems
}
