//! E-mail digests of new marks and absences for parents (issue 12 item 4), where the institution
//! has a mail server (its own or `serve --smtp`): when a push applies a cell with a mark or an
//! absence, each parent of the student who keeps an e-mail in the contacts and has not turned
//! these notices off (`user_settings::MARK_NOTICES`, the diary's «Извещения») gets the line
//! «Математика, 05.10: 5» queued; the queue is sent as one letter per parent.
//!
//! Why a window and not a letter per push: a teacher fills a lesson's cells in one sitting and the
//! app syncs as they go (and a teacher who was offline pushes a day at once), so a letter per push
//! would be a letter per cell or a burst of them. The first line queued for a parent opens their
//! window ([`crate::ServerConfig::mark_notice_interval`], 15 minutes by default); the lines that
//! come meanwhile join it, a cell corrected in the window keeps its latest value (cleared: its line
//! goes), and the letter goes when the window closes. The next line opens a new window, so a parent
//! gets at most one letter per interval and the first within it. The lines wait in the database
//! (`storage::mark_notice_lines`, migration 0028), so a restart loses none: [`spawn_sender`] looks
//! for closed windows every few seconds, and takes a window's lines out in the transaction that
//! reads them, so of several server processes over one database one sends each letter, once (a
//! failed send is logged and not retried: these letters only tell what the diary shows anyway).
//! A letter names the subject, the day and the value, like the diary itself — nothing the parent
//! does not see there. Each institution's letters go through its own mail server, else the
//! server's `--smtp` (`notice::outgoing_for`).

use std::collections::{BTreeMap, HashMap};

use journal_core::{CellEntry, CellValue, InstitutionId, LessonId, Role, StudentId, UserId};
use journal_protocol::{Op, OpOutcome, OpPayload, OpResult};

use crate::storage::contacts::ContactOf;
use crate::storage::mark_notice_lines::MarkNoticeLine;
use crate::AppState;

/// The lines of one letter, by child, then cell.
type Lines = BTreeMap<(String, StudentId, LessonId), String>;

/// What a cell shows in a notice: its marks and absences («5», «н», «5/4»), or `None` when empty.
fn shown(value: &CellValue) -> Option<String> {
    let parts: Vec<String> = value
        .entries
        .iter()
        .filter(|e| {
            matches!(
                e,
                CellEntry::Mark { .. } | CellEntry::DoubleMark { .. } | CellEntry::Absence { .. }
            )
        })
        .map(CellEntry::symbol)
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The cells a push sets, by op: taken before the ops go to the storage.
pub fn cells_of(ops: &[Op]) -> Vec<(journal_core::OpId, LessonId, StudentId, CellValue)> {
    ops.iter()
        .filter_map(|op| match &op.payload {
            OpPayload::SetCell {
                lesson_id,
                student_id,
                value,
                ..
            } => Some((op.op_id, *lesson_id, *student_id, value.clone())),
            _ => None,
        })
        .collect()
}

/// Queues the lines of the cells the push applied. Does nothing where the institution has no mail
/// server; a failed read only means no notice (the push itself is answered already).
pub async fn queue(
    state: &AppState,
    inst: InstitutionId,
    cells: Vec<(journal_core::OpId, LessonId, StudentId, CellValue)>,
    results: &[OpResult],
) {
    if cells.is_empty() || crate::notice::outgoing_for(state, inst).await.is_none() {
        return;
    }
    let applied: std::collections::HashSet<_> = results
        .iter()
        .filter(|r| matches!(r.outcome, OpOutcome::Applied { .. }))
        .map(|r| r.op_id)
        .collect();
    let cells: Vec<_> = cells
        .into_iter()
        .filter(|(op, ..)| applied.contains(op))
        .collect();
    if cells.is_empty() {
        return;
    }
    // Names and the timetable only: the snapshot kept before the push serves while the reference
    // data is unchanged (every push moves the journal's version, and reading the whole institution
    // after each would cost most of a second); a lesson it does not know yet reads it afresh.
    let kept = match state.storage.reference_version(inst).await {
        Ok(r) => state.snapshots.kept_at_reference(inst, r),
        Err(_) => None,
    }
    .filter(|s| {
        cells
            .iter()
            .all(|(_, lesson, ..)| s.lessons.iter().any(|l| l.id == *lesson))
    });
    let snap = match kept {
        Some(s) => s,
        None => match state
            .snapshots
            .read(state.storage.as_ref(), inst, state.config.now())
            .await
        {
            Ok(cached) => cached.snapshot,
            Err(_) => return,
        },
    };
    let snap = snap.as_ref();
    let off: std::collections::HashSet<UserId> = state
        .storage
        .user_settings(inst, crate::storage::user_settings::MARK_NOTICES)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| v == "off")
        .map(|(u, _)| u)
        .collect();
    let mut contacts: HashMap<StudentId, Vec<crate::storage::contacts::Contact>> = HashMap::new();
    for (_, lesson_id, student_id, value) in cells {
        let Some(lesson) = snap.lessons.iter().find(|l| l.id == lesson_id) else {
            continue;
        };
        let Some(subject) = snap
            .loads
            .iter()
            .find(|l| l.id == lesson.load_id)
            .and_then(|load| snap.subjects.iter().find(|s| s.id == load.subject_id))
        else {
            continue;
        };
        let child = snap
            .students
            .iter()
            .find(|s| s.id == student_id)
            .map(|s| s.full_name())
            .unwrap_or_default();
        let line = shown(&value)
            .map(|v| format!("{}, {}: {v}", subject.name, lesson.date.format("%d.%m")));
        let parents = snap.users.iter().filter(|u| {
            !off.contains(&u.id)
                && u.grants
                    .iter()
                    .any(|g| g.role == Role::Parent && g.student_id == Some(student_id))
        });
        for parent in parents {
            let rows = match contacts.entry(student_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    state
                        .storage
                        .contacts_of(inst, student_id)
                        .await
                        .unwrap_or_default(),
                ),
            };
            let Some(email) = rows
                .iter()
                .find(|c| c.of == ContactOf::Parent(parent.id) && !c.email.is_empty())
                .map(|c| c.email.clone())
            else {
                continue;
            };
            let queued = match &line {
                Some(l) => {
                    let due = now_ms().saturating_add(
                        i64::try_from(state.config.mark_notice_interval.as_millis())
                            .unwrap_or(i64::MAX),
                    );
                    let line = MarkNoticeLine {
                        parent_id: parent.id,
                        student_id,
                        lesson_id,
                        child_name: child.clone(),
                        line: l.clone(),
                        email,
                    };
                    state.storage.queue_mark_notice(inst, line, due).await
                }
                None => {
                    state
                        .storage
                        .drop_mark_notice(inst, parent.id, student_id, lesson_id)
                        .await
                }
            };
            if let Err(e) = queued {
                tracing::warn!(error = %e, "a line of a parent's digest not queued");
            }
        }
    }
}

/// Wall-clock milliseconds: the window is real time, also where `--today` shifts the server's day.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Sends the letters of closed windows, every few seconds (a tenth of the window, between 50 ms
/// and 30 s), until the task is aborted. `serve` starts it once per process.
pub fn spawn_sender(state: AppState) -> tokio::task::JoinHandle<()> {
    let tick = (state.config.mark_notice_interval / 10).clamp(
        std::time::Duration::from_millis(50),
        std::time::Duration::from_secs(30),
    );
    tokio::spawn(async move {
        loop {
            send_due(&state).await;
            tokio::time::sleep(tick).await;
        }
    })
}

/// Sends every letter whose window has closed, in every institution of the database.
pub async fn send_due(state: &AppState) {
    let institutions = match state.storage.institutions().await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "digests of marks: institutions not read");
            return;
        }
    };
    for (inst, _) in institutions {
        let due = match state.storage.take_due_mark_notices(inst, now_ms()).await {
            Ok(lines) => lines,
            Err(e) => {
                tracing::warn!(error = %e, "digests of marks not read");
                continue;
            }
        };
        if due.is_empty() {
            continue;
        }
        let mut letters: BTreeMap<UserId, (String, Lines)> = BTreeMap::new();
        for l in due {
            let letter = letters.entry(l.parent_id).or_default();
            letter.0 = l.email;
            letter
                .1
                .insert((l.child_name, l.student_id, l.lesson_id), l.line);
        }
        let Some(outgoing) = crate::notice::outgoing_for(state, inst).await else {
            continue;
        };
        for (email, lines) in letters.into_values() {
            let sent = crate::notice::send_text(
                &outgoing,
                &email,
                "Новые отметки в электронном журнале",
                digest_text(&lines),
            )
            .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "e-mail digest of marks not sent");
            }
        }
    }
}

/// The letter: by child, each line «Математика, 05.10: 5».
pub fn digest_text(lines: &Lines) -> String {
    // Short lines, as in `notice`: a letter that fits goes as typed (8-bit).
    let mut text =
        String::from("Здравствуйте!\n\nНовые отметки и пропуски\nв электронном журнале.\n");
    let mut child: Option<&str> = None;
    for ((name, ..), line) in lines {
        if child != Some(name.as_str()) {
            text.push_str(&format!("\n{name}:\n"));
            child = Some(name.as_str());
        }
        text.push_str(&format!("{line}\n"));
    }
    text.push_str(
        "\nПодробности — в дневнике\nэлектронного журнала.\nОтключить эти письма можно\nтам же, в разделе «Извещения».\n",
    );
    text
}
