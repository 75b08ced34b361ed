//! A damaged local copy at an online sign-in: the file (with its WAL and key file) is set aside
//! under a dated name beside it — never deleted, never overwritten —, the unsent edits that can
//! still be read are taken from it ([`journal_store::salvage`]) and pushed as they were made (the
//! server answers `duplicate` for an edit it already has, so none is applied twice; those after a
//! lost op go into the new copy's outbox under their own op ids), and a fresh copy comes from the
//! server the way a first sign-in gets one. If the
//! sign-in then fails (no network, refused), the fresh files are removed and the damaged ones put
//! back as they were: a damaged copy is never replaced by an empty one.

use crate::dto::{LostEdit, RescueReport};
use crate::ApiError;
use chrono::NaiveDateTime;
use journal_protocol::{Op, OpOutcome, PushRequest, PushResponse};
use journal_store::{Salvage, UnreadableOp};
use std::path::{Path, PathBuf};

/// The files a rescue moved aside: (from, to).
#[derive(Debug)]
pub(super) struct Aside {
    moved: Vec<(PathBuf, PathBuf)>,
    /// The new name of the copy itself.
    pub(super) kept_as: PathBuf,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Moves the copy, its `-wal`/`-shm` and its key file aside: `journal.db` becomes
/// `journal-damaged-YYYYMMDD-HHMMSS.db` (and `key-damaged-….json`), beside them.
pub(super) fn set_aside(
    store_path: &Path,
    key_path: &Path,
    now: NaiveDateTime,
) -> Result<Aside, ApiError> {
    let dir = store_path.parent().unwrap_or(Path::new("."));
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    // A second rescue in the same second gets its own name: nothing is overwritten.
    let mut n = 0;
    let kept_as = loop {
        let tail = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = dir.join(format!("journal-damaged-{stamp}{tail}.db"));
        if !candidate.exists() && !with_suffix(&candidate, "-wal").exists() {
            break candidate;
        }
        n += 1;
    };
    let key_aside = kept_as.with_file_name(
        kept_as
            .file_name()
            .map(|f| f.to_string_lossy().replacen("journal-", "key-", 1))
            .unwrap_or_default()
            .replace(".db", ".json"),
    );
    let mut aside = Aside {
        moved: Vec::new(),
        kept_as: kept_as.clone(),
    };
    let mut plan = vec![(store_path.to_path_buf(), kept_as.clone())];
    for suffix in ["-wal", "-shm"] {
        plan.push((
            with_suffix(store_path, suffix),
            with_suffix(&kept_as, suffix),
        ));
    }
    plan.push((key_path.to_path_buf(), key_aside));
    for (from, to) in plan {
        if !from.exists() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, &to) {
            aside.put_back();
            return Err(ApiError::new(
                "rescue_failed",
                format!(
                    "Не удалось отложить повреждённую копию ({}): {e}. Файл не изменён",
                    from.display()
                ),
            ));
        }
        aside.moved.push((from, to));
    }
    Ok(aside)
}

impl Aside {
    /// Undoes [`set_aside`] after a failed sign-in: removes the fresh copy's files (they hold
    /// nothing but what the server has) and puts the damaged ones back where they were.
    pub(super) fn put_back(&self) {
        if let Some((store_path, _)) = self.moved.first() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(with_suffix(store_path, suffix));
            }
        }
        for (from, to) in self.moved.iter().rev() {
            let _ = std::fs::remove_file(from);
            let _ = std::fs::rename(to, from);
        }
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "set_cell" => "отметка",
        "set_topic" => "тема урока",
        "set_homework" => "домашнее задание",
        "set_final" => "итоговая отметка",
        "lock_period" => "закрытие периода",
        "unlock_period" => "открытие периода",
        _ => "замечание",
    }
}

/// How a lost edit is named to the teacher.
fn describe(lost: &UnreadableOp) -> String {
    let kind = lost.kind.as_deref().map(kind_name);
    match (kind, lost.device_time) {
        (Some(kind), Some(at)) => format!(
            "изменение №{} ({kind}, внесено {}): запись не прошла проверку подписи",
            lost.device_seq,
            at.format("%d.%m.%Y %H:%M")
        ),
        _ => format!("изменение №{}: запись не читается", lost.device_seq),
    }
}

/// What became of the rescued edits at the sign-in.
#[derive(Debug, Default)]
pub(super) struct Delivery {
    /// Taken by the server now, or already held by it (a `duplicate`: sent before the damage, its
    /// answer lost).
    pub(super) delivered: u64,
    /// Not part of the old device's chain on the server (an op before them was lost): for the new
    /// copy's outbox.
    pub(super) queued: Vec<Op>,
    /// Refused by the server on its merits (a period closed meanwhile, …), with its reason.
    pub(super) refused: Vec<(Op, String)>,
}

/// Pushes the rescued ops as they are, in the damaged copy's device chain (as a bundle from
/// another PC is pushed): none is applied twice, since the server answers an op id it holds with
/// `duplicate`. An op after a lost one cannot continue that chain (`sequence_gap`): the server does
/// not have it, so it is queued for the new copy's own chain.
pub(super) fn deliver(
    http: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    ops: &[Op],
) -> Result<Delivery, ApiError> {
    let mut out = Delivery::default();
    for batch in ops.chunks(super::PUSH_BATCH) {
        let reply: PushResponse = super::post(
            http,
            server,
            Some(token),
            "/sync/push",
            &PushRequest {
                ops: batch.to_vec(),
            },
        )?;
        for op in batch {
            match reply.results.iter().find(|r| r.op_id == op.op_id) {
                Some(r) => match &r.outcome {
                    OpOutcome::Applied { .. } | OpOutcome::Duplicate { .. } => out.delivered += 1,
                    OpOutcome::Rejected { code, .. }
                        if super::DEVICE_REFUSALS.contains(&code.as_str())
                            || code == "device_fork" =>
                    {
                        out.queued.push(op.clone())
                    }
                    OpOutcome::Rejected { message, .. } | OpOutcome::Conflict { message, .. } => {
                        out.refused.push((op.clone(), message.clone()))
                    }
                },
                // Not answered: not recorded on the server either.
                None => out.queued.push(op.clone()),
            }
        }
    }
    Ok(out)
}

pub(super) fn report(
    damage: String,
    kept_as: &Path,
    delivery: &Delivery,
    salvage: &Salvage,
) -> RescueReport {
    RescueReport {
        damage,
        kept_as: kept_as
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rescued: delivery.delivered + delivery.queued.len() as u64,
        queued: delivery.queued.len() as u64,
        refused: delivery
            .refused
            .iter()
            .map(|(op, message)| LostEdit {
                device_seq: op.device_seq,
                description: format!(
                    "изменение №{} ({}, внесено {}): сервер не принял — {message}",
                    op.device_seq,
                    kind_name(op.payload.kind()),
                    op.device_time.format("%d.%m.%Y %H:%M")
                ),
            })
            .collect(),
        lost: salvage
            .lost()
            .iter()
            .map(|l| LostEdit {
                device_seq: l.device_seq,
                description: describe(l),
            })
            .collect(),
    }
}
