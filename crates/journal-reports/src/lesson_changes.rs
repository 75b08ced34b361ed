//! «Изменения расписания и расхождения с журналом» — the timetable and the journal checked against
//! each other (issue 13 item 2; 001 Приложение «Заместитель директора» п. 4: «Отмечает факты
//! замены»; 004 п. 4.2.1: the substitute fills the journal). Two tables over the filter's loads and
//! dates: every substitution, postponement and lesson not held, with who, where to and why; and
//! the differences — a past lesson of the timetable with nothing in the journal (held? not held?
//! nobody said), or a lesson marked not held or postponed that has entries.

use chrono::NaiveDateTime;
use journal_protocol::{lesson_change, Lesson, LessonStatus};

use crate::data::Data;
use crate::{Figure, Parts, Resolved, Table, Value};

/// One lesson's line: the columns both tables share, and what goes into each.
struct Row<'a> {
    lesson: &'a Lesson,
    group: String,
    head: Vec<Value>,
    change: Option<String>,
    difference: Option<String>,
}

pub fn lesson_changes(
    snap: &journal_protocol::Snapshot,
    r: &Resolved,
    now: NaiveDateTime,
) -> Parts {
    let d = Data::new(snap, r, now);
    let columns = [
        "Дата",
        "Урок",
        "Группа",
        "Дисциплина",
        "Преподаватель по нагрузке",
    ];
    let mut changes = Table::new(
        "Замены, переносы и непроведённые уроки",
        &[&columns[..], &["Изменение"]].concat(),
    );
    let mut differences = Table::new(
        "Расхождения расписания и журнала",
        &[&columns[..], &["Расхождение"]].concat(),
    );
    let (mut substituted, mut postponed, mut not_held) = (0usize, 0usize, 0usize);
    let mut rows: Vec<Row> = Vec::new();
    for load in &d.loads {
        let (group, subject, teacher) = (
            d.group_name(load),
            d.load_subject(load),
            d.teacher_name(load),
        );
        for lesson in d.in_dates(load.id) {
            let has_entries = !d.cells(lesson.id).is_empty()
                || !d.topics(lesson.id).is_empty()
                || d.homework(lesson.id).is_some();
            let change = match lesson.status {
                LessonStatus::Scheduled => lesson.substitute_teacher_id.map(|s| {
                    substituted += 1;
                    format!("Замена: {}", d.user_name(s))
                }),
                LessonStatus::Postponed => {
                    postponed += 1;
                    lesson_change::describe(lesson)
                }
                LessonStatus::Cancelled => {
                    not_held += 1;
                    lesson_change::describe(lesson)
                }
            };
            let difference = match lesson.status {
                // A lesson of a day gone by, neither marked not held nor filled in.
                LessonStatus::Scheduled if lesson.date < d.today && !has_entries => {
                    Some("По расписанию урок был, в журнале записей нет".to_string())
                }
                LessonStatus::Postponed | LessonStatus::Cancelled if has_entries => Some(format!(
                    "{} — но в журнале есть записи",
                    lesson_change::describe(lesson).unwrap_or_default()
                )),
                _ => None,
            };
            if change.is_none() && difference.is_none() {
                continue;
            }
            let head = vec![
                lesson.date.format("%d.%m.%Y").to_string().into(),
                Value::from(u32::from(lesson.bell_number)),
                group.clone().into(),
                subject.clone().into(),
                teacher.clone().into(),
            ];
            rows.push(Row {
                lesson,
                group: group.clone(),
                head,
                change,
                difference,
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.lesson.date, a.lesson.bell_number, &a.group).cmp(&(
            b.lesson.date,
            b.lesson.bell_number,
            &b.group,
        ))
    });
    for Row {
        head,
        change,
        difference,
        ..
    } in rows
    {
        if let Some(c) = change {
            let mut row = head.clone();
            row.push(c.into());
            changes.rows.push(row);
        }
        if let Some(x) = difference {
            let mut row = head;
            row.push(x.into());
            differences.rows.push(row);
        }
    }
    let figures = vec![
        Figure {
            name: "Замен".into(),
            value: substituted.into(),
        },
        Figure {
            name: "Переносов".into(),
            value: postponed.into(),
        },
        Figure {
            name: "Уроков не проведено".into(),
            value: not_held.into(),
        },
        Figure {
            name: "Расхождений расписания и журнала".into(),
            value: differences.rows.len().into(),
        },
    ];
    (figures, vec![changes, differences], Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn substitutions_lessons_not_held_and_empty_past_lessons_are_listed() {
        let (figures, tables, _) = lesson_changes(&snapshot(), &semester(), now());
        let changes = &tables[0].rows;
        assert_eq!(changes.len(), 2, "E substituted, D not held: {changes:?}");
        assert_eq!(changes[0][0], Value::from("05.10.2026"), "by date: E first");
        assert_eq!(
            changes[0][5],
            Value::from("Замена: Иванова Анна Андреевна"),
            "the substitute by name"
        );
        assert_eq!(changes[1][0], Value::from("08.10.2026"));
        assert_eq!(changes[1][5], Value::from("Не проведён"));
        let differences = &tables[1].rows;
        assert_eq!(
            differences.len(),
            1,
            "E (Mon 5th) was in the timetable and nothing is in the journal: {differences:?}"
        );
        assert_eq!(differences[0][3], Value::from("История"));
        assert_eq!(figures[0].value, Value::from(1usize), "one substitution");
        assert_eq!(figures[2].value, Value::from(1usize), "one lesson not held");
        assert_eq!(figures[3].value, Value::from(1usize), "one difference");
    }
}
