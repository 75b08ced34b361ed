//! Names are matched, never guessed: a teacher written «Фамилия И.О.» or by surname alone is taken
//! when exactly one staff member fits (and the plan says whom); namesakes are told apart by the
//! login column; a name fitting two people, or a group or subject spelt like the institution's but
//! not the same («ИС–21» beside «ИС-21»), is a row error naming the existing record; invisible
//! characters are refused in every cell.

use crate::fixtures::{college, id, teacher, SMIRNOVA};
use journal_core::UserId;
use journal_import::{import_groups, import_loads, import_students, ImportError, RowError};

fn row_errors<T: std::fmt::Debug>(result: Result<T, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows(rows)) => rows,
        other => panic!("expected row errors and no plan, got {other:?}"),
    }
}

const LOADS_HEAD: &str = "Преподаватель;Группа;Подгруппа;Дисциплина;Часы\n";

#[test]
fn a_teacher_by_surname_and_initials_is_taken_when_one_fits() {
    let snap = college();
    for written in [
        "Смирнова Е.А.",
        "Смирнова Е. А.",
        "Е.А. Смирнова",
        "Смирнова",
        "СМИРНОВА  Елена",
        "Смирнова Елена Александровна",
        "смирнова елена александровна",
    ] {
        let file = format!("{LOADS_HEAD}{written};ИС-22;;Информатика;36\n");
        let plan = import_loads(file.as_bytes(), &snap)
            .unwrap_or_else(|e| panic!("«{written}» finds the one Смирнова: {e}"));
        assert_eq!(
            plan.rows[0].teacher_id,
            UserId(id(SMIRNOVA)),
            "«{written}» is Смирнова Елена Александровна"
        );
        let said = plan.warnings.iter().any(|w| {
            w.contains("Смирнова Елена Александровна (smirnova)") && w.contains("Строка 2")
        });
        let shortened = written.contains('.') || written.split_whitespace().count() < 3;
        assert_eq!(
            said, shortened,
            "«{written}»: a shortened name is reported with whom it was taken for: {:?}",
            plan.warnings
        );
    }
    let file = format!("{LOADS_HEAD}Смирнова И.А.;ИС-22;;Информатика;36\n");
    let errors = row_errors(import_loads(file.as_bytes(), &snap));
    assert!(
        errors[0].reason.contains("не найден"),
        "other initials fit nobody: {errors:?}"
    );
}

#[test]
fn namesakes_are_an_error_unless_the_login_tells_them_apart() {
    let mut snap = college();
    snap.users
        .push(teacher(77, "smirnova2", "Смирнова Елена Андреевна"));
    let file = format!("{LOADS_HEAD}Смирнова Е.А.;ИС-22;;Информатика;36\n");
    let errors = row_errors(import_loads(file.as_bytes(), &snap));
    assert_eq!(errors.len(), 1, "one bad row: {errors:?}");
    assert_eq!(
        errors[0].column.as_deref(),
        Some("Преподаватель"),
        "the teacher's cell is at fault"
    );
    assert!(
        errors[0]
            .reason
            .contains("Смирнова Елена Александровна (smirnova)")
            && errors[0]
                .reason
                .contains("Смирнова Елена Андреевна (smirnova2)"),
        "the reason names both people it could be: {}",
        errors[0].reason
    );
    let with_login = "Преподаватель;Логин преподавателя;Группа;Подгруппа;Дисциплина;Часы\n\
                      Смирнова Е.А.;smirnova2;ИС-22;;Информатика;36\n";
    let plan = import_loads(with_login.as_bytes(), &snap)
        .unwrap_or_else(|e| panic!("the login tells the namesakes apart: {e}"));
    assert_eq!(
        plan.rows[0].teacher_id,
        UserId(id(77)),
        "the login's user is taken"
    );
    let wrong = "Преподаватель;Логин преподавателя;Группа;Подгруппа;Дисциплина;Часы\n\
                 Волков А.Н.;smirnova2;ИС-22;;Информатика;36\n";
    let errors = row_errors(import_loads(wrong.as_bytes(), &snap));
    assert!(
        errors[0]
            .reason
            .contains("по логину найден(а) Смирнова Елена Андреевна"),
        "a login of someone else is refused, naming whom it found: {errors:?}"
    );
}

#[test]
fn look_alike_names_are_row_errors_naming_the_existing_record() {
    let snap = college();
    // «ИС–21» with an en dash, «ис-21» in lower case: equal once normalised, written otherwise.
    let file =
        "Фамилия;Имя;Группа\nБелова;Ксения;ИС\u{2013}21\nКотов;Илья;ис-21\nЛисин;Олег;ИС-21\n";
    let errors = row_errors(import_students(file.as_bytes(), &snap));
    assert_eq!(
        errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![2, 3],
        "both look-alikes are refused, the exact name is not: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e.reason.contains("«ИС-21»") && e.column.as_deref() == Some("Группа")),
        "each reason names the institution's group: {errors:?}"
    );
    let groups = "Группа;Курс\nИС\u{2013}22;2\n";
    let errors = row_errors(import_groups(groups.as_bytes(), &snap));
    assert!(
        errors[0].reason.contains("«ИС-22»"),
        "a group file does not create a second «ИС-22» spelt with another dash: {errors:?}"
    );
    let loads = format!("{LOADS_HEAD}Смирнова Е.А.;ИС-22;;математика;36\n");
    let errors = row_errors(import_loads(loads.as_bytes(), &snap));
    assert!(
        errors[0].reason.contains("«Математика»"),
        "nor a second subject «математика»: {errors:?}"
    );
}

#[test]
fn invisible_characters_are_refused_in_every_cell() {
    let snap = college();
    for (cell, what) in [
        ("Бел\u{0}ова", "a NUL"),
        ("Белова\u{7}", "a bell character"),
        ("Бел\u{e000}ова", "a private-use character"),
        ("Белова\u{9c}", "a C1 control"),
    ] {
        let file = format!("Фамилия;Имя;Группа\n{cell};Ксения;ИС-21\n");
        let errors = row_errors(import_students(file.as_bytes(), &snap));
        assert!(
            errors.iter().any(|e| e.row == 2
                && e.column.as_deref() == Some("Фамилия")
                && e.reason.contains("U+")),
            "{what} in a surname is refused with its code: {errors:?}"
        );
    }
}
