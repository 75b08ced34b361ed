//! Reads for the lesson screen beyond [`Journal::lesson`]: the earlier lessons of a load whose
//! topic is still owed, which a make-up (отработка) can cover.

use crate::dto::LessonState;
use crate::{ApiError, Journal};
use chrono::NaiveDate;
use journal_core::{Action, LessonId};
use journal_protocol::LessonStatus;
use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;

/// An earlier lesson of the same load whose topic was not given: cancelled, postponed, or held
/// without a topic, and not made up yet.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MakeupCandidate {
    #[ts(type = "string")]
    pub lesson_id: LessonId,
    pub date: NaiveDate,
    pub bell_number: u8,
    pub state: LessonState,
    /// Why its topic is owed, in Russian: «урок отменён», «тема не записана», …
    pub reason_ru: String,
}

impl Journal {
    /// The lessons of `lesson_id`'s load before it (same day included) whose topic a make-up can
    /// cover, newest first. Set with [`Journal::set_topic`]'s `makeup_of`.
    pub fn makeup_candidates(&self, lesson_id: LessonId) -> Result<Vec<MakeupCandidate>, ApiError> {
        let detail = self
            .store
            .lesson(lesson_id)?
            .ok_or_else(|| ApiError::lesson_not_found(lesson_id))?;
        let lesson = &detail.summary.lesson;
        let load = self
            .store
            .load(lesson.load_id)?
            .ok_or_else(|| ApiError::load_not_found(lesson.load_id))?;
        self.check_permission(&load.load, None, Action::ReadJournal)?;
        let mut earlier = Vec::new();
        let mut made_up: HashSet<LessonId> = HashSet::new();
        for period in self.store.periods()? {
            for l in self.store.grid(load.load.id, period.id)?.lessons {
                made_up.extend(l.topics.iter().filter_map(|t| t.makeup_of));
                let before =
                    (l.lesson.date, l.lesson.bell_number) < (lesson.date, lesson.bell_number);
                if before {
                    earlier.push(l);
                }
            }
        }
        let mut out: Vec<MakeupCandidate> = earlier
            .into_iter()
            .filter(|l| !made_up.contains(&l.lesson.id))
            .filter_map(|l| {
                let (state, reason) = match l.lesson.status {
                    LessonStatus::Cancelled => (LessonState::Cancelled, "урок отменён"),
                    // A postponed lesson's topic is given where it moved to; only one that never
                    // moved anywhere owes it.
                    LessonStatus::Postponed if l.lesson.moved_to.is_none() => {
                        (LessonState::Postponed, "урок перенесён без даты")
                    }
                    LessonStatus::Scheduled if l.topics.is_empty() => {
                        (LessonState::Scheduled, "тема не записана")
                    }
                    _ => return None,
                };
                Some(MakeupCandidate {
                    lesson_id: l.lesson.id,
                    date: l.lesson.date,
                    bell_number: l.lesson.bell_number,
                    state,
                    reason_ru: reason.to_string(),
                })
            })
            .collect();
        out.sort_by_key(|c| std::cmp::Reverse((c.date, c.bell_number)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes the TypeScript twin of [`MakeupCandidate`] beside the other bindings.
    #[test]
    fn makeup_candidate_binding_is_generated_for_the_ui() {
        let dir = crate::bindings::bindings_dir();
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        MakeupCandidate::export_all_to(&dir).expect("export MakeupCandidate.ts");
        let text =
            std::fs::read_to_string(dir.join("MakeupCandidate.ts")).expect("MakeupCandidate.ts");
        assert!(
            text.contains("lesson_id: string") && text.contains("reason_ru: string"),
            "the UI gets the lesson id as a string and the reason in Russian:\n{text}"
        );
    }
}
