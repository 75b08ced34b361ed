//! «Данные журнала» — the journal's own values for analysis and the electronic archive copy (003:
//! «электронная выгрузка» each half-year; issue 14 item 4): every entry of every held lesson of the
//! filter (marks, absences) and every period final, one row each, with the columns documented in
//! [`ENTRY_COLUMNS`] and [`FINAL_COLUMNS`] (CSV/XLSX through the report routes).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use journal_core::{CellEntry, StudentId};
use journal_protocol::Snapshot;

use crate::data::Data;
use crate::{Figure, Parts, Resolved, Table, Value};

/// One row per lesson entry: the group, discipline and teacher of the load; the lesson's date, bell
/// number («Пара»), hours and work type; the student; the whole entry as the journal shows it
/// («Запись», e.g. «н 4» or «5/4»), its marks («Отметки», space-separated), its absence (н, б or п);
/// when it was entered (device time) and by whom.
pub const ENTRY_COLUMNS: [&str; 13] = [
    "Группа",
    "Дисциплина",
    "Преподаватель",
    "Дата",
    "Пара",
    "Часов",
    "Вид работы",
    "Обучающийся",
    "Запись",
    "Отметки",
    "Пропуск",
    "Внесено",
    "Кем внесено",
];

/// One row per period final: the load, the period, the student, the final as written, when and by whom.
pub const FINAL_COLUMNS: [&str; 8] = [
    "Группа",
    "Дисциплина",
    "Преподаватель",
    "Период",
    "Обучающийся",
    "Итоговая отметка",
    "Внесено",
    "Кем внесено",
];

fn time_text(t: NaiveDateTime) -> String {
    t.format("%d.%m.%Y %H:%M").to_string()
}

pub fn journal_data(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> Parts {
    let d = Data::new(snap, r, now);
    let students: HashMap<StudentId, String> = snap
        .students
        .iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let student = |id: StudentId| students.get(&id).cloned().unwrap_or_default();
    let mut entries = Table {
        title: "Записи уроков (отметки и пропуски)".into(),
        columns: ENTRY_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: Vec::new(),
    };
    let (mut marks, mut absences) = (0usize, 0usize);
    for load in &d.loads {
        let (group, subject, teacher) = (
            d.group_name(load),
            d.load_subject(load),
            d.teacher_name(load),
        );
        for lesson in d.held(load.id) {
            let work = d.lesson_info(lesson).work_type.name_ru();
            let mut cells = d.cells(lesson.id).to_vec();
            cells.sort_by_key(|c| student(c.student_id));
            for c in cells {
                let marks_here: Vec<String> =
                    c.value.marks().map(|m| m.get().to_string()).collect();
                let absence: Vec<&str> = c
                    .value
                    .entries
                    .iter()
                    .filter_map(|e| match e {
                        CellEntry::Absence { absence } => Some(absence.symbol()),
                        _ => None,
                    })
                    .collect();
                marks += marks_here.len();
                absences += absence.len();
                entries.rows.push(vec![
                    Value::from(group.clone()),
                    subject.clone().into(),
                    teacher.clone().into(),
                    lesson.date.format("%d.%m.%Y").to_string().into(),
                    Value::from(u32::from(lesson.bell_number)),
                    Value::from(u32::from(lesson.hours)),
                    work.into(),
                    student(c.student_id).into(),
                    c.value.symbol().into(),
                    marks_here.join(" ").into(),
                    absence.join(" ").into(),
                    time_text(c.entered_at).into(),
                    d.user_name(c.author_id).into(),
                ]);
            }
        }
    }
    let mut finals = Table {
        title: "Итоговые отметки за периоды".into(),
        columns: FINAL_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: Vec::new(),
    };
    for load in &d.loads {
        let mut of_load: Vec<_> = snap
            .finals
            .iter()
            .filter(|f| f.load_id == load.id)
            .collect();
        let period = |id| {
            snap.periods
                .iter()
                .find(|p| p.id == id)
                .map(|p| (p.ordinal, p.name.clone()))
                .unwrap_or_default()
        };
        of_load.sort_by_key(|f| (period(f.period_id), f.column, student(f.student_id)));
        for f in of_load {
            // The exam's and the year's columns are named beside the period they are kept in.
            let period_text = match f.column {
                journal_core::FinalColumn::Period => period(f.period_id).1,
                journal_core::FinalColumn::Exam => format!("{}, экзамен", period(f.period_id).1),
                journal_core::FinalColumn::Year => "год".to_string(),
            };
            finals.rows.push(vec![
                d.group_name(load).into(),
                d.load_subject(load).into(),
                d.teacher_name(load).into(),
                period_text.into(),
                student(f.student_id).into(),
                f.value.symbol().into(),
                time_text(f.entered_at).into(),
                d.user_name(f.author_id).into(),
            ]);
        }
    }
    let figures = vec![
        Figure {
            name: "Записей уроков".into(),
            value: entries.rows.len().into(),
        },
        Figure {
            name: "Отметок".into(),
            value: marks.into(),
        },
        Figure {
            name: "Пропусков".into(),
            value: absences.into(),
        },
        Figure {
            name: "Итоговых отметок".into(),
            value: finals.rows.len().into(),
        },
    ];
    (figures, vec![entries, finals], Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    fn text(v: &Value) -> String {
        match v {
            Value::Text(s) => s.clone(),
            other => other.text(),
        }
    }

    #[test]
    fn every_entry_and_final_is_one_row_with_the_documented_columns() {
        let (figures, tables, _) = journal_data(&snapshot(), &semester(), now());
        let (entries, finals) = (&tables[0], &tables[1]);
        assert_eq!(entries.columns, ENTRY_COLUMNS.map(String::from).to_vec());
        assert_eq!(finals.columns, FINAL_COLUMNS.map(String::from).to_vec());
        assert_eq!(
            entries.rows.len(),
            7,
            "the fixture's cells: A 5, 2, н, б; B 4, п; C н (the cancelled lesson has none)"
        );
        let values: Vec<(i64, f64)> = figures
            .iter()
            .map(|f| match f.value {
                Value::Int(n) => (n, 0.0),
                _ => (-1, 0.0),
            })
            .collect();
        assert_eq!(
            values.iter().map(|v| v.0).collect::<Vec<_>>(),
            vec![7, 3, 4, 23],
            "7 entries, marks 5, 2, 4; absences н, б, п, н; 23 finals"
        );
        let s01_at_a = entries
            .rows
            .iter()
            .find(|r| text(&r[7]) == "Студент01 Имя" && text(&r[3]) == "05.10.2026")
            .expect("S01's mark at lesson A");
        assert_eq!(text(&s01_at_a[8]), "5", "the entry as written");
        assert_eq!(text(&s01_at_a[9]), "5", "its marks");
        assert_eq!(text(&s01_at_a[10]), "", "no absence");
        assert_eq!(text(&s01_at_a[11]), "05.10.2026 09:40", "entered at");
        let s01_at_c = entries
            .rows
            .iter()
            .find(|r| text(&r[7]) == "Студент01 Имя" && text(&r[3]) == "07.10.2026")
            .expect("S01's absence at the pair C");
        assert_eq!(
            (text(&s01_at_c[5]), text(&s01_at_c[10]), text(&s01_at_c[9])),
            ("2".to_string(), "н".to_string(), String::new()),
            "a missed pair: two hours, «н», no mark"
        );
        assert_eq!(finals.rows.len(), 23, "every final of the load");
        assert_eq!(text(&finals.rows[0][3]), "1 семестр");
        assert_eq!(text(&finals.rows[0][6]), "25.12.2026 10:00");
    }
}
