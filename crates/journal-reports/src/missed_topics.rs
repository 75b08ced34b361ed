//! «Пропущенные темы» — the topics each student missed (001 Приложение «Преподаватель» п. 2: an
//! absence is made up — «отработка»; the curator and the teacher need the list of what to make up):
//! every held lesson of the filter where the student has an absence (н, б or п), with the lesson's
//! topics, and whether a later lesson's topic names it as made up (`LessonTopic::makeup_of`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use journal_core::{CellEntry, LessonId, StudentId};
use journal_protocol::Snapshot;

use crate::data::Data;
use crate::{Figure, Parts, Resolved, Table, Value};

pub fn missed_topics(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> Parts {
    let d = Data::new(snap, r, now);
    let names: HashMap<StudentId, String> = snap
        .students
        .iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let made_up: HashSet<LessonId> = snap
        .lesson_topics
        .iter()
        .filter_map(|t| t.makeup_of)
        .collect();
    let mut rows: Vec<(String, String, String, chrono::NaiveDate, Vec<Value>)> = Vec::new();
    let (mut missed, mut open) = (0usize, 0usize);
    for load in &d.loads {
        let (group, subject) = (d.group_name(load), d.load_subject(load));
        for lesson in d.held(load.id) {
            let mut topics: Vec<_> = d.topics(lesson.id).to_vec();
            topics.sort_by_key(|t| t.hour);
            let titles: Vec<&str> = topics.iter().map(|t| t.title.as_str()).collect();
            for c in d.cells(lesson.id) {
                let Some(absence) = c.value.entries.iter().find_map(|e| match e {
                    CellEntry::Absence { absence } => Some(absence.symbol()),
                    _ => None,
                }) else {
                    continue;
                };
                let student = names.get(&c.student_id).cloned().unwrap_or_default();
                let done = made_up.contains(&lesson.id);
                missed += 1;
                if !done {
                    open += 1;
                }
                rows.push((
                    group.clone(),
                    student.clone(),
                    subject.clone(),
                    lesson.date,
                    vec![
                        group.clone().into(),
                        student.into(),
                        subject.clone().into(),
                        lesson.date.format("%d.%m.%Y").to_string().into(),
                        Value::from(u32::from(lesson.hours)),
                        if titles.is_empty() {
                            Value::from("тема не записана")
                        } else {
                            Value::from(titles.join("; "))
                        },
                        absence.into(),
                        if done {
                            "отработано"
                        } else {
                            "не отработано"
                        }
                        .into(),
                    ],
                ));
            }
        }
    }
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2, a.3).cmp(&(&b.0, &b.1, &b.2, b.3)));
    let table = Table {
        title: "Пропущенные темы по обучающимся".into(),
        columns: [
            "Группа",
            "Обучающийся",
            "Дисциплина",
            "Дата",
            "Часов",
            "Тема занятия",
            "Пропуск",
            "Отработка",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows: rows.into_iter().map(|r| r.4).collect(),
    };
    let figures = vec![
        Figure {
            name: "Пропущено занятий".into(),
            value: missed.into(),
        },
        Figure {
            name: "Не отработано".into(),
            value: open.into(),
        },
    ];
    (figures, vec![table], Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn every_absence_with_the_lessons_topics() {
        let (figures, tables, _) = missed_topics(&snapshot(), &semester(), now());
        let rows = &tables[0].rows;
        assert_eq!(
            rows.len(),
            4,
            "the fixture's absences: S03 н and S04 б at A, S02 п at B, S01 н at the pair C"
        );
        let s01 = rows
            .iter()
            .find(|r| r[1] == Value::from("Студент01 Имя"))
            .expect("S01 missed the pair C");
        assert_eq!(s01[3], Value::from("07.10.2026"));
        assert_eq!(s01[4], Value::from(2u32), "a pair is two hours");
        assert_eq!(s01[6], Value::from("н"));
        assert_eq!(figures[0].value, Value::from(4usize));
    }
}
