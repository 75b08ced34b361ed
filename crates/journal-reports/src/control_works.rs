//! «Контрольные работы и их результаты» — 001 Приложение «Заместитель директора» п. 13 (control of
//! the programme and of knowledge; ВТК, контрольные): every held lesson of the filter whose topic is
//! a control work (`WorkType::Control`, or a зачёт), with its marks: how many 5, 4, 3 and 2, how many
//! were absent, how many of the group have no mark, успеваемость (3 and above ÷ the students on the
//! lesson's list) and качество (4 and 5 ÷ the same), средний балл.

use chrono::NaiveDateTime;
use journal_core::WorkType;
use journal_protocol::Snapshot;

use crate::data::Data;
use crate::{Figure, Parts, Resolved, Table, Value};

pub fn control_works(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> Parts {
    let d = Data::new(snap, r, now);
    let mut table = Table {
        title: "Контрольные работы".into(),
        columns: [
            "Группа",
            "Дисциплина",
            "Преподаватель",
            "Дата",
            "Вид работы",
            "Тема",
            "Обучающихся",
            "«5»",
            "«4»",
            "«3»",
            "«2»",
            "Отсутствовали",
            "Без отметки",
            "Успеваемость, %",
            "Качество, %",
            "Средний балл",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows: Vec::new(),
    };
    let mut works = 0usize;
    let mut low = 0usize;
    for load in &d.loads {
        let on_list = d.load_students(load);
        for lesson in d.held(load.id) {
            let topics = d.topics(lesson.id);
            let Some(work) = topics
                .iter()
                .find(|t| matches!(t.work_type, WorkType::Control | WorkType::Test))
            else {
                continue;
            };
            works += 1;
            let mut counts = [0u32; 6];
            let (mut absent, mut unmarked, mut sum, mut n) = (0u32, 0u32, 0u32, 0u32);
            let cells = d.cells(lesson.id);
            for s in &on_list {
                let cell = cells.iter().find(|c| c.student_id == s.id);
                let marks: Vec<u8> = cell
                    .map(|c| c.value.marks().map(|m| m.get()).collect())
                    .unwrap_or_default();
                match marks.first() {
                    Some(&m) => {
                        counts[usize::from(m.min(5))] += 1;
                        sum += u32::from(m);
                        n += 1;
                    }
                    None if cell.is_some_and(|c| !c.value.is_empty()) => absent += 1,
                    None => unmarked += 1,
                }
            }
            let students = on_list.len() as u32;
            let pct = |x: u32| {
                if students == 0 {
                    Value::Empty
                } else {
                    Value::Number(f64::from(x) * 100.0 / f64::from(students))
                }
            };
            let passed = counts[3] + counts[4] + counts[5];
            let good = counts[4] + counts[5];
            if students > 0 && passed * 2 < students {
                low += 1;
            }
            table.rows.push(vec![
                d.group_name(load).into(),
                d.load_subject(load).into(),
                d.teacher_name(load).into(),
                lesson.date.format("%d.%m.%Y").to_string().into(),
                work.work_type.name_ru().into(),
                work.title.clone().into(),
                students.into(),
                counts[5].into(),
                counts[4].into(),
                counts[3].into(),
                counts[2].into(),
                absent.into(),
                unmarked.into(),
                pct(passed),
                pct(good),
                if n == 0 {
                    Value::Empty
                } else {
                    Value::Number(f64::from(sum) / f64::from(n))
                },
            ]);
        }
    }
    let figures = vec![
        Figure {
            name: "Контрольных работ".into(),
            value: works.into(),
        },
        Figure {
            name: "С успеваемостью ниже 50 %".into(),
            value: low.into(),
        },
    ];
    (figures, vec![table], Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;
    use journal_core::LessonId;

    #[test]
    fn a_control_work_counts_its_marks_over_the_whole_list() {
        let mut snap = snapshot();
        let (_, tables, _) = control_works(&snap, &semester(), now());
        assert!(
            tables[0].rows.is_empty(),
            "the fixture has no control work yet"
        );
        // Lesson A (5, 2, н, б among 29 students) becomes a control work.
        for t in &mut snap.lesson_topics {
            if t.lesson_id == LessonId(id(A)) {
                t.work_type = WorkType::Control;
            }
        }
        let (figures, tables, _) = control_works(&snap, &semester(), now());
        let row = &tables[0].rows[0];
        assert_eq!(row[4], Value::from("Контрольная работа"));
        assert_eq!(row[5], Value::from("Числа"));
        assert_eq!(row[6], Value::from(29u32), "every student on the list");
        assert_eq!(
            (&row[7], &row[10], &row[11], &row[12]),
            (
                &Value::from(1u32),
                &Value::from(1u32),
                &Value::from(2u32),
                &Value::from(25u32)
            ),
            "one 5, one 2, two absent (н, б), 25 without a mark"
        );
        match (&row[13], &row[14], &row[15]) {
            (Value::Number(s), Value::Number(q), Value::Number(avg)) => {
                assert!((s - 100.0 / 29.0).abs() < 1e-9, "успеваемость 1 of 29: {s}");
                assert!((q - 100.0 / 29.0).abs() < 1e-9, "качество 1 of 29: {q}");
                assert!((avg - 3.5).abs() < 1e-9, "средний балл (5 + 2) / 2: {avg}");
            }
            other => panic!("percentages and the average are numbers: {other:?}"),
        }
        assert_eq!(figures[1].value, Value::from(1usize), "below 50 %");
    }
}
