//! E-mail digests of new marks and absences for parents (issue 12 item 4), where `serve --smtp` is
//! set: when a push applies a cell with a mark or an absence, each parent of the student who keeps
//! an e-mail in the contacts and has not turned these notices off (`user_settings::MARK_NOTICES`,
//! the diary's «Извещения») gets the line «Математика, 05.10: 5» queued; the queue is sent as one
//! letter per parent.
//!
//! Why a window and not a letter per push: a teacher fills a lesson's cells in one sitting and the
//! app syncs as they go (and a teacher who was offline pushes a day at once), so a letter per push
//! would be a letter per cell or a burst of them. The first line queued for a parent opens their
//! window ([`crate::ServerConfig::mark_notice_interval`], 15 minutes by default); the lines that
//! come meanwhile join it, a cell corrected in the window keeps its latest value (cleared: its line
//! goes), and the letter goes when the window closes. The next line opens a new window, so a parent
//! gets at most one letter per interval and the first within it. The queue lives in memory: a
//! restart drops at most one window of letters, which only tell about what the diary shows anyway.
//! A letter names the subject, the day and the value, like the diary itself — nothing the parent
//! does not see there.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use journal_core::{CellEntry, CellValue, InstitutionId, LessonId, Role, StudentId, UserId};
use journal_protocol::{Op, OpOutcome, OpPayload, OpResult};

use crate::storage::contacts::ContactOf;
use crate::AppState;

/// One queued line: the cell it is about and its text.
type Lines = BTreeMap<(String, StudentId, LessonId), String>;

/// The parents' open windows: the lines queued for each.
#[derive(Default)]
pub struct Pending {
    open: Mutex<HashMap<(InstitutionId, UserId), Window>>,
}

struct Window {
    email: String,
    lines: Lines,
}

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

/// Queues the lines of the cells the push applied. Does nothing without SMTP; a failed read only
/// means no notice (the push itself is answered already).
pub async fn queue(
    state: &AppState,
    inst: InstitutionId,
    cells: Vec<(journal_core::OpId, LessonId, StudentId, CellValue)>,
    results: &[OpResult],
) {
    if state.config.smtp.is_none() || cells.is_empty() {
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
            add(
                state,
                inst,
                parent.id,
                email,
                (child.clone(), student_id, lesson_id),
                line.clone(),
            );
        }
    }
}

/// Adds (or, with `None`, takes back) a parent's line; the first line opens the window.
fn add(
    state: &AppState,
    inst: InstitutionId,
    parent: UserId,
    email: String,
    cell: (String, StudentId, LessonId),
    line: Option<String>,
) {
    let mut open = state
        .mark_notices
        .open
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let opens = !open.contains_key(&(inst, parent));
    let window = open.entry((inst, parent)).or_insert_with(|| Window {
        email: email.clone(),
        lines: Lines::new(),
    });
    window.email = email;
    match line {
        Some(l) => {
            window.lines.insert(cell, l);
        }
        None => {
            window.lines.remove(&cell);
        }
    }
    if opens {
        let state = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(state.config.mark_notice_interval).await;
            let window = state
                .mark_notices
                .open
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&(inst, parent));
            let Some(window) = window.filter(|w| !w.lines.is_empty()) else {
                return;
            };
            if let Some(smtp) = state.config.smtp.as_ref() {
                let text = digest_text(&window.lines);
                if let Err(e) = crate::notice::send_text(
                    smtp,
                    &window.email,
                    "Новые отметки в электронном журнале",
                    text,
                )
                .await
                {
                    tracing::warn!(error = %e, "e-mail digest of marks not sent");
                }
            }
        });
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
