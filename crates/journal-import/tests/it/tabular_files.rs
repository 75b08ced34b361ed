//! CSV and XLSX files built in the tests: good files give a plan, a file with any bad row gives no
//! plan and names every bad row with its number, column and a Russian reason.

use crate::fixtures::{college, id, IS21, SMIRNOVA, SUB1};
use journal_core::{GroupId, LoadId, SubgroupId, UserId, WorkType};
use journal_import::{
    import_groups, import_loads, import_plan, import_students, import_teachers, import_timetable,
    ImportError, RowError, SubjectRef, WeekParity,
};

fn cp1251(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
}

fn row_errors<T: std::fmt::Debug>(result: Result<T, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows(rows)) => rows,
        other => panic!("expected row errors and no plan, got {other:?}"),
    }
}

fn has(errors: &[RowError], row: usize, column: Option<&str>, reason_part: &str) -> bool {
    errors
        .iter()
        .any(|e| e.row == row && e.column.as_deref() == column && e.reason.contains(reason_part))
}

#[test]
fn students_from_utf8_csv_with_bom() {
    let file = "\u{feff}Фамилия;Имя;Отчество;Дата рождения;Группа;Подгруппа;Дата зачисления\n\
                Петров;Петр;Ильич;04.03.2009;\u{a0}ИС-21  ;1;\n\
                Сидорова;Анна;;2009-11-30;ИС-22;;15.09.2026\n";
    let plan = import_students(file.as_bytes(), &college()).map_err(|e| e.to_string());
    let Ok(plan) = plan else {
        panic!("a good file imports: {plan:?}")
    };
    assert_eq!(plan.rows.len(), 2, "both rows are planned");
    let petrov = &plan.rows[0];
    assert_eq!(petrov.row, 2, "the first data row is row 2");
    assert_eq!(
        petrov.existing,
        Some(journal_core::StudentId(id(200))),
        "«Петр» matches the existing «Пётр» (ё = е) with the same birth date"
    );
    assert_eq!(
        petrov.group_id,
        GroupId(id(IS21)),
        "« ИС-21  » (spaces around, a no-break one too) matches the group «ИС-21»"
    );
    assert_eq!(
        petrov.subgroup_id,
        Some(SubgroupId(id(SUB1))),
        "«1» matches «1 подгруппа»"
    );
    assert_eq!(
        petrov.enrolled_on,
        crate::fixtures::date(2026, 9, 1),
        "no enrolment date: the year's first day"
    );
    assert_eq!(plan.rows[1].existing, None, "a new student is added");
    assert_eq!(plan.rows[1].patronymic, None, "no patronymic is fine");
}

#[test]
fn students_bad_rows_in_windows_1251_with_commas_yield_no_plan() {
    let file = cp1251(
        "Фамилия,Имя,Отчество,Дата рождения,Группа,Подгруппа\n\
         Иванов,Иван,Иванович,01.02.2009,ИС-21,2\n\
         Козлов,Олег,,31.02.2009,ИС-21,\n\
         Smith,John,,01.01.2009,ИС-21,\n\
         Лебедев,,,01.01.2009,ИС-99,\n\
         Новиков,Павел,,01.01.2009,ИС-22,3\n\
         Иванов,Иван,Иванович,01.02.2009,ИС-21,2\n",
    );
    let errors = row_errors(import_students(&file, &college()));
    assert!(
        has(&errors, 3, Some("Дата рождения"), "не дата"),
        "row 3: 31.02 is not a date: {errors:#?}"
    );
    assert!(
        has(&errors, 4, Some("Фамилия"), "не русскими буквами"),
        "row 4: Latin surname: {errors:#?}"
    );
    assert!(
        has(&errors, 5, Some("Имя"), "не заполнено"),
        "row 5: empty first name: {errors:#?}"
    );
    assert!(
        has(&errors, 5, Some("Группа"), "«ИС-99» не найдена"),
        "row 5: unknown group: {errors:#?}"
    );
    assert!(
        has(&errors, 6, Some("Подгруппа"), "нет подгруппы «3»"),
        "row 6: unknown subgroup: {errors:#?}"
    );
    assert!(
        has(&errors, 7, None, "уже указан в строке 2"),
        "row 7 repeats row 2: {errors:#?}"
    );
    assert!(!errors.iter().any(|e| e.row == 2), "row 2 is good");
    let text = ImportError::Rows(errors).to_string();
    assert!(
        text.contains("Строка 3, столбец «Дата рождения»"),
        "the message names row and column: {text}"
    );
}

#[test]
fn one_bad_row_among_good_ones_imports_nothing() {
    let file = "Фамилия;Имя;Группа\nИванов;Иван;ИС-21\nПетрова;Мария;ИС-21\nСидоров;С.;ИС-21\n";
    let errors = row_errors(import_students(file.as_bytes(), &college()));
    assert_eq!(
        errors.len(),
        1,
        "exactly the bad row is reported: {errors:#?}"
    );
    assert_eq!(
        (errors[0].row, errors[0].column.as_deref()),
        (4, Some("Имя")),
        "row 4, column Имя"
    );
    assert!(
        errors[0].reason.contains("сокращение"),
        "an initial is not a name: {}",
        errors[0].reason
    );
}

#[test]
fn file_level_problems() {
    let missing = import_students("Фамилия;Имя\nИванов;Иван\n".as_bytes(), &college());
    assert_eq!(
        missing.as_ref().map_err(|e| e.code()).err(),
        Some("import_missing_columns"),
        "no «Группа» column"
    );
    let text = missing.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("«Группа»"),
        "the message names the missing column: {text}"
    );
    let empty = import_groups("Группа;Курс\n".as_bytes(), &college());
    assert_eq!(
        empty.err().map(|e| e.code()),
        Some("import_no_rows"),
        "a header without rows"
    );
    let broken = import_groups(b"PK\x03\x04 not really a workbook", &college());
    assert_eq!(
        broken.err().map(|e| e.code()),
        Some("import_file_unreadable"),
        "a damaged workbook is refused with a reason"
    );
    let nothing = import_groups(b"", &college());
    assert_eq!(
        nothing.err().map(|e| e.code()),
        Some("import_no_header"),
        "an empty file"
    );
}

#[test]
fn students_from_xlsx_with_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let headers = [
            "Фамилия",
            "Имя",
            "Отчество",
            "Дата рождения",
            "Группа",
            "Подгруппа",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h)?;
        }
        let dates = Format::new().set_num_format("dd.mm.yyyy");
        ws.write_string(1, 0, "Морозова")?;
        ws.write_string(1, 1, "Дарья")?;
        ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2009, 5, 17)?, &dates)?;
        ws.write_string(1, 4, "ИС-21")?;
        ws.write_number(1, 5, 2)?;
        ws.write_string(2, 0, "Орлов")?;
        ws.write_string(2, 1, "Илья")?;
        ws.write_string(2, 4, "ИС-31")?;
        wb.save_to_buffer()
    };
    let bytes = match build() {
        Ok(b) => b,
        Err(e) => panic!("test workbook: {e}"),
    };
    let errors = row_errors(import_students(&bytes, &college()));
    assert_eq!(errors.len(), 1, "only row 3 is bad: {errors:#?}");
    assert!(
        has(&errors, 3, Some("Группа"), "«ИС-31» не найдена"),
        "row 3 as Excel numbers it: {errors:#?}"
    );

    let good = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let cells = [
            ["Фамилия", "Имя", "Дата рождения", "Группа"],
            ["Морозова", "Дарья", "", "ИС-21"],
        ];
        let mut result = Ok(());
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                result = result.and(ws.write_string(r as u32, c as u16, *v).map(|_| ()));
            }
        }
        let dates = Format::new().set_num_format("dd.mm.yyyy");
        let d = ExcelDateTime::from_ymd(2009, 5, 17)
            .and_then(|d| ws.write_datetime_with_format(1, 2, d, &dates).map(|_| ()));
        result.and(d).and_then(|_| wb.save_to_buffer())
    };
    let Ok(good) = good else {
        panic!("test workbook")
    };
    let plan = import_students(&good, &college()).map_err(|e| e.to_string());
    let birth = plan.map(|p| p.rows.iter().map(|r| r.birth_date).collect::<Vec<_>>());
    assert_eq!(
        birth,
        Ok(vec![Some(crate::fixtures::date(2009, 5, 17))]),
        "an Excel date cell is read as the date"
    );
}

#[test]
fn groups_teachers_and_loads() {
    let snap = college();
    let groups = "Группа;Курс;Специальность;Куратор;Подгруппы\n\
                  ИС-21;2;;Орлова Наталья Сергеевна;\"1 подгруппа, 2 подгруппа\"\n\
                  ИС-31;3;09.02.07;;\n\
                  ИС-41;15;;Неизвестная Мария Ивановна;\n";
    let errors = row_errors(import_groups(groups.as_bytes(), &snap));
    assert!(
        has(&errors, 4, Some("Курс"), "вне допустимых"),
        "course 15 is refused: {errors:#?}"
    );
    assert!(
        has(&errors, 4, Some("Куратор"), "не найден"),
        "unknown curator: {errors:#?}"
    );
    let fixed = groups.replace("ИС-41;15;;Неизвестная Мария Ивановна;\n", "");
    let plan = import_groups(fixed.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(
        plan.rows[0].existing,
        Some(GroupId(id(IS21))),
        "ИС-21 is updated"
    );
    assert_eq!(
        plan.rows[0].subgroups,
        vec!["1 подгруппа", "2 подгруппа"],
        "subgroups listed"
    );
    assert_eq!(plan.rows[1].existing, None, "ИС-31 is new");

    let teachers = "Фамилия;Имя;Отчество;Логин;Роли;Группа\n\
                    Зайцев;Виктор;Михайлович;zaitsev;преподаватель, куратор;ИС-22\n\
                    Ершова;Т.;Г.;ershova;;\n\
                    Никитин;Сергей;;nikitin;завхоз;\n\
                    Смирнова;Елена;Александровна;smirnova;преподаватель;\n";
    let errors = row_errors(import_teachers(teachers.as_bytes(), &snap));
    assert!(
        has(&errors, 3, None, "полностью"),
        "initials are refused (001 п. 4.3): {errors:#?}"
    );
    assert!(
        has(&errors, 4, Some("Роли"), "неизвестная роль «завхоз»"),
        "unknown role: {errors:#?}"
    );
    assert_eq!(
        errors.iter().filter(|e| e.row == 2 || e.row == 5).count(),
        0,
        "rows 2 and 5 are good: {errors:#?}"
    );
    let good: String = teachers
        .lines()
        .enumerate()
        .filter(|(i, _)| ![2, 3].contains(i))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let plan = import_teachers(good.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(plan.rows[0].grants.len(), 2, "teacher and curator");
    assert_eq!(
        plan.rows[0].grants[1].group_id,
        Some(GroupId(id(crate::fixtures::IS22))),
        "curator of ИС-22"
    );
    assert_eq!(
        plan.rows[1].existing,
        Some(UserId(id(SMIRNOVA))),
        "matched by login"
    );
    assert!(
        plan.warnings.is_empty(),
        "the same name: no warning: {:?}",
        plan.warnings
    );
    let renamed = "Фамилия;Имя;Отчество;Логин\nСмирнова-Орлова;Елена;Александровна;smirnova\n";
    let plan = import_teachers(renamed.as_bytes(), &snap).map_err(|e| e.to_string());
    let warnings = plan.map(|p| p.warnings);
    assert!(
        warnings
            .as_ref()
            .is_ok_and(|w| w.len() == 1 && w[0].contains("меняется ФИО")),
        "a new name for an existing login is a warning: {warnings:?}"
    );

    let loads = "Преподаватель;Группа;Подгруппа;Дисциплина;Часы;Дата начала\n\
                 Смирнова Елена Александровна;ИС-21;;Математика;120;\n\
                 Волков Андрей Николаевич;ИС-22;;МДК.01.01 Разработка программных модулей;80;01.02.2027\n\
                 Волков Андрей Николаевич;ИС-22;;История;ноль;\n\
                 Волков Андрей Николаевич;ИС-22;;История;10;01.09.2025\n";
    let errors = row_errors(import_loads(loads.as_bytes(), &snap));
    assert!(
        has(
            &errors,
            5,
            Some("Дата начала"),
            "вне учебного года 2026/2027"
        ),
        "a load starting in another year: {errors:#?}"
    );
    assert!(
        has(&errors, 4, Some("Часы"), "не целое число"),
        "hours must be a number: {errors:#?}"
    );
    let good: String = loads.lines().take(3).map(|l| format!("{l}\n")).collect();
    let plan = import_loads(good.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(
        plan.rows[0].existing,
        Some(LoadId(id(300))),
        "the existing load's hours are updated"
    );
    assert_eq!(plan.rows[0].planned_hours, 120, "hours read");
    assert!(
        matches!(
            &plan.rows[1].subject,
            SubjectRef::New {
                kind: journal_protocol::SubjectKind::Mdk,
                ..
            }
        ),
        "a missing МДК subject is created with its kind"
    );
    assert_eq!(
        plan.warnings.len(),
        1,
        "the new subject is a warning: {:?}",
        plan.warnings
    );
}

#[test]
fn timetable_rows_and_clashes() {
    let snap = college();
    let file =
        "День недели;Номер урока;Неделя;Группа;Подгруппа;Дисциплина;Преподаватель;Аудитория\n\
                Понедельник;1;;ИС-21;;Математика;Смирнова Елена Александровна;101\n\
                пн;2;числитель;ИС-21;1 подгруппа;Информатика;Волков Андрей Николаевич;204\n\
                пн;2;знаменатель;ИС-21;2 подгруппа;Информатика;Орлова Наталья Сергеевна;205\n\
                Вторник;1;Б;ИС-21;2;Информатика;Орлова Наталья Сергеевна;\n";
    let plan = import_timetable(file.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    let weeks: Vec<WeekParity> = plan.rows.iter().map(|r| r.lesson.week).collect();
    assert_eq!(
        weeks,
        vec![
            WeekParity::Every,
            WeekParity::A,
            WeekParity::B,
            WeekParity::B
        ],
        "week column read"
    );
    assert_eq!(
        plan.rows[1].lesson.load_id,
        LoadId(id(301)),
        "subgroup 1's load"
    );

    let bad = format!(
        "{file}среда;1;;ИС-22;;Математика;Смирнова Елена Александровна;\n\
         понедельник;1;;ИС-22;;Математика;Смирнова Елена Александровна;\n\
         понедельник;2;;ИС-21;;Математика;Смирнова Елена Александровна;\n\
         пятница;9;;ИС-21;;Математика;Смирнова Елена Александровна;\n\
         четверг;1;;ИС-21;;Русский язык;Смирнова Елена Александровна;\n\
         вскр;1;;ИС-21;;Математика;Смирнова Елена Александровна;\n"
    );
    let errors = row_errors(import_timetable(bad.as_bytes(), &snap));
    assert!(
        !errors.iter().any(|e| e.row == 6),
        "Wednesday is free: {errors:#?}"
    );
    assert!(
        has(
            &errors,
            7,
            None,
            "преподаватель «Смирнова Елена Александровна» уже занят"
        ),
        "the teacher is at ИС-21 then: {errors:#?}"
    );
    assert!(
        has(&errors, 8, None, "группа «ИС-21» уже занят"),
        "a whole-group lesson clashes with the subgroups' lessons: {errors:#?}"
    );
    assert!(
        has(&errors, 9, Some("Номер урока"), "нет урока № 9"),
        "bell 9 does not exist: {errors:#?}"
    );
    assert!(
        has(&errors, 10, None, "нет такой нагрузки"),
        "no load for Russian in ИС-21: {errors:#?}"
    );
    assert!(
        has(&errors, 11, Some("День недели"), "не день недели"),
        "unknown weekday: {errors:#?}"
    );
}

#[test]
fn plan_topics_follow_the_topic_rules() {
    let snap = college();
    let file = "Преподаватель;Группа;Подгруппа;Дисциплина;№;Тема;Часы;Вид занятия;Номер работы\n\
                Смирнова Елена Александровна;ИС-21;;Математика;1;Действительные числа;2;Урок;\n\
                Смирнова Елена Александровна;ИС-21;;Математика;2;Решение задач;2;;\n\
                Смирнова Елена Александровна;ИС-21;;Математика;3;Контрольная работа;2;Контрольная работа;\n\
                Смирнова Елена Александровна;ИС-21;;Математика;1;Пределы;2;Лекция;\n\
                Смирнова Елена Александровна;ИС-21;;Математика;4;Производная;2;Экскурсия;\n";
    let errors = row_errors(import_plan(file.as_bytes(), &snap));
    assert!(
        has(&errors, 3, Some("Тема"), "недостаточна"),
        "a bare «Решение задач» is refused: {errors:#?}"
    );
    assert!(
        has(&errors, 4, Some("Тема"), "номер или тему"),
        "a control work needs its number: {errors:#?}"
    );
    assert!(
        has(&errors, 5, Some("№"), "уже указана в строке 2"),
        "ordinal 1 twice: {errors:#?}"
    );
    assert!(
        has(&errors, 6, Some("Вид занятия"), "неизвестный вид"),
        "unknown work type: {errors:#?}"
    );
    let good = "Преподаватель;Группа;Дисциплина;№;Тема;Часы;Вид занятия;Номер работы\n\
                Смирнова Елена Александровна;ИС-21;Математика;1;Действительные числа;2;;\n\
                Смирнова Елена Александровна;ИС-21;Математика;2;Контрольная работа по теме «Числа»;1;контрольная работа;1\n";
    let plan = import_plan(good.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(plan.rows[1].work_type, WorkType::Control, "work type read");
    assert_eq!(plan.rows[1].work_number, Some(1), "work number read");
    assert_eq!(
        plan.warnings.len(),
        1,
        "3 topic hours against 4 planned is a warning: {:?}",
        plan.warnings
    );
}

#[test]
fn the_cli_dispatch_reads_each_kind() {
    use journal_import::{import_file, ImportKind, Imported};
    assert_eq!(
        ImportKind::parse("ktp"),
        Some(ImportKind::Plan),
        "«ktp» is the КТП"
    );
    assert_eq!(
        ImportKind::parse("ASC"),
        Some(ImportKind::Asc),
        "kinds ignore case"
    );
    assert_eq!(ImportKind::parse("marks"), None, "marks are not imported");
    let file = "Группа;Курс\nИС-21;2\nИС-31;3\n";
    let got = import_file(ImportKind::Groups, file.as_bytes(), &college());
    let Ok(imported) = got else { panic!("{got:?}") };
    assert!(matches!(imported, Imported::Groups(_)), "groups plan");
    assert_eq!(
        imported.summary_ru(),
        "строк: 2, новых: 1, обновляемых: 1, предупреждений: 0",
        "ИС-21 exists, ИС-31 is new"
    );
    let not_xml = import_file(ImportKind::Asc, file.as_bytes(), &college());
    assert_eq!(
        not_xml.err().map(|e| e.code()),
        Some("import_asc_invalid"),
        "a CSV is not an aSc export"
    );
}

#[test]
fn a_load_for_someone_who_is_not_a_teacher_is_a_warning() {
    let mut snap = college();
    for u in snap.users.iter_mut().filter(|u| u.login == "volkov") {
        u.grants[0].role = journal_core::Role::Deputy;
    }
    let file =
        "Преподаватель;Группа;Дисциплина;Часы\nВолков Андрей Николаевич;ИС-22;Информатика;36\n";
    let plan = import_loads(file.as_bytes(), &snap).map_err(|e| e.to_string());
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(plan.rows.len(), 1, "the load is planned");
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.starts_with("Строка 2") && w.contains("«преподаватель»")),
        "the missing teacher role is reported: {:?}",
        plan.warnings
    );
}
