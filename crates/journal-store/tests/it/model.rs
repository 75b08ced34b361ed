//! Property: after any sequence of edits, the journal tables hold exactly what replaying the
//! outbox ops in device_seq order onto the imported snapshot gives — the outbox describes every
//! change — and the chain verifies.

use crate::fixture::*;
use journal_core::*;
use journal_protocol::OpPayload;
use proptest::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone)]
enum Edit {
    Cell {
        lesson: usize,
        student: usize,
        value: Option<u8>,
    },
    Homework {
        lesson: usize,
        text: u8,
    },
    Topic {
        lesson: usize,
        hour: u8,
        title: u8,
    },
    Final {
        student: usize,
        value: Option<u8>,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0..5usize, 0..4usize, proptest::option::of(1u8..=5))
            .prop_map(|(lesson, student, value)| Edit::Cell { lesson, student, value }),
        1 => (0..5usize, 0..3u8).prop_map(|(lesson, text)| Edit::Homework { lesson, text }),
        1 => (0..5usize, 1..=2u8, 0..3u8)
            .prop_map(|(lesson, hour, title)| Edit::Topic { lesson, hour, title }),
        1 => (0..4usize, proptest::option::of(2u8..=5))
            .prop_map(|(student, value)| Edit::Final { student, value }),
    ]
}

/// 1 stands for «н», 2..=5 for marks.
fn cell_value(v: u8) -> CellValue {
    if v == 1 {
        absent()
    } else {
        mark(v)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn journal_tables_equal_the_replayed_outbox(edits in proptest::collection::vec(edit(), 1..25)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut store, fx) = store_with(dir.path(), None);
        let when = at(first_day() + chrono::Days::new(6), 10, 0);
        // The model starts from the snapshot's content.
        let mut cells: HashMap<(LessonId, StudentId), CellValue> = fx
            .snap
            .cells
            .iter()
            .map(|c| ((c.lesson_id, c.student_id), c.value.clone()))
            .collect();
        let mut homework: HashMap<LessonId, String> =
            fx.snap.homework.iter().map(|h| (h.lesson_id, h.text.clone())).collect();
        let mut topics: HashMap<(LessonId, u8), String> = fx
            .snap
            .lesson_topics
            .iter()
            .map(|t| ((t.lesson_id, t.hour), t.title.clone()))
            .collect();
        let mut finals: HashMap<StudentId, FinalValue> = HashMap::new();
        for e in &edits {
            let payload = match *e {
                Edit::Cell { lesson, student, value } => OpPayload::SetCell {
                    lesson_id: fx.lessons[lesson],
                    student_id: fx.students[student],
                    value: value.map(cell_value).unwrap_or_default(),
                    reason: None,
                },
                Edit::Homework { lesson, text } => OpPayload::SetHomework {
                    lesson_id: fx.lessons[lesson],
                    text: format!("§{text}"),
                },
                Edit::Topic { lesson, hour, title } => OpPayload::SetTopic {
                    lesson_id: fx.lessons[lesson],
                    hour,
                    plan_topic_id: None,
                    title: format!("Тема {title}"),
                    work_type: WorkType::Lesson,
                    work_number: None,
                    makeup_of: None,
                },
                Edit::Final { student, value } => OpPayload::SetFinal {
                    load_id: fx.load,
                    period_id: fx.period,
                    student_id: fx.students[student],
                    column: Default::default(),
                    value: value.map(|v| FinalValue::Mark { value: MarkValue::new(v).expect("2..=5") }),
                },
            };
            store.record_edit(fx.teacher, when, payload).expect("edit");
        }
        // Replay what the outbox says (not what the test meant to do).
        for op in store.all_ops().expect("ops") {
            match op.payload {
                OpPayload::SetCell { lesson_id, student_id, value, .. } => {
                    if value.is_empty() {
                        cells.remove(&(lesson_id, student_id));
                    } else {
                        cells.insert((lesson_id, student_id), value);
                    }
                }
                OpPayload::SetHomework { lesson_id, text } => {
                    homework.insert(lesson_id, text);
                }
                OpPayload::SetTopic { lesson_id, hour, title, .. } => {
                    topics.insert((lesson_id, hour), title);
                }
                OpPayload::SetFinal { student_id, value, .. } => match value {
                    Some(v) => {
                        finals.insert(student_id, v);
                    }
                    None => {
                        finals.remove(&student_id);
                    }
                },
                other => panic!("unexpected op {other:?}"),
            }
        }
        let check = store.verify_outbox().expect("chain verifies");
        prop_assert_eq!(check.ops as usize, edits.len(), "one op per edit");
        let grid = store.grid(fx.load, fx.period).expect("grid");
        let mut got_cells = HashMap::new();
        for row in &grid.rows {
            for (j, c) in row.cells.iter().enumerate() {
                if let Some(c) = c {
                    got_cells.insert((grid.lessons[j].lesson.id, row.student_id), c.clone());
                }
            }
            if let Some(f) = row.final_value {
                prop_assert_eq!(finals.get(&row.student_id), Some(&f), "final matches the replay");
            }
        }
        prop_assert_eq!(got_cells, cells, "cells match the replayed outbox");
        let got_finals = grid.rows.iter().filter(|r| r.final_value.is_some()).count();
        prop_assert_eq!(got_finals, finals.len(), "no extra or missing finals");
        for gl in &grid.lessons {
            prop_assert_eq!(
                gl.homework.as_ref().map(|h| h.text.clone()),
                homework.get(&gl.lesson.id).cloned(),
                "homework matches the replay"
            );
            for t in &gl.topics {
                prop_assert_eq!(Some(&t.title), topics.get(&(gl.lesson.id, t.hour)), "topic matches");
            }
            let n = topics.keys().filter(|(l, _)| *l == gl.lesson.id).count();
            prop_assert_eq!(gl.topics.len(), n, "no extra or missing topics");
        }
    }
}
