//! Plans applied to a snapshot: rows added and updated, history kept (transfers, used КТП topics),
//! the weekly timetable laid out on school days.

use crate::fixtures::{college, date, id, IS21, IS22};
use journal_core::{GroupId, LoadId, Role, WorkType};
use journal_import::{import_file, ImportKind, Imported, ItemAction, LessonDates};
use journal_protocol::snapshot::{Holiday, LessonTopic, Snapshot};
use uuid::Uuid;

fn ids() -> impl FnMut() -> Uuid {
    let mut n = 10_000u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

fn imported(kind: ImportKind, file: &str, snap: &Snapshot) -> Imported {
    match import_file(kind, file.as_bytes(), snap) {
        Ok(i) => i,
        Err(e) => panic!("{kind:?} imports: {e}"),
    }
}

#[test]
fn students_are_added_updated_and_transferred() {
    let mut snap = college();
    let mut new_id = ids();
    let file = "Фамилия;Имя;Отчество;Дата рождения;Группа;Подгруппа;Дата зачисления\n\
                Петров;Пётр;Ильич;04.03.2009;ИС-21;1;\n\
                Сидорова;Анна;;30.11.2009;ИС-22;;15.09.2026\n";
    let applied =
        imported(ImportKind::Students, file, &snap).apply_to(&mut snap, &mut new_id, None);
    assert_eq!(
        (applied.added, applied.updated),
        (1, 1),
        "Петров updated, Сидорова added"
    );
    assert_eq!(snap.students.len(), 2, "one new student");
    let sidorova = snap
        .students
        .iter()
        .find(|s| s.last_name == "Сидорова")
        .map(|s| s.id);
    let Some(sidorova) = sidorova else {
        panic!("Сидорова is in the snapshot")
    };
    // A transfer to ИС-21 on 1 February: ИС-22 keeps her until 31 January.
    let transfer = "Фамилия;Имя;Дата рождения;Группа;Дата зачисления\nСидорова;Анна;30.11.2009;ИС-21;01.02.2027\n";
    let plan = imported(ImportKind::Students, transfer, &snap);
    let applied = plan.apply_to(&mut snap, &mut new_id, None);
    assert_eq!(
        applied.updated, 1,
        "the same student, matched by name and birth date"
    );
    let mut spans: Vec<(GroupId, _, _)> = snap
        .memberships
        .iter()
        .filter(|m| m.student_id == sidorova)
        .map(|m| (m.group_id, m.from, m.to))
        .collect();
    spans.sort_by_key(|s| s.1);
    assert_eq!(
        spans,
        vec![
            (
                GroupId(id(IS22)),
                date(2026, 9, 15),
                Some(date(2027, 1, 31))
            ),
            (GroupId(id(IS21)), date(2027, 2, 1), None),
        ],
        "a transfer closes the old membership the day before and opens the new one"
    );
}

#[test]
fn groups_teachers_and_loads_are_applied() {
    let mut snap = college();
    let mut new_id = ids();
    let groups = "Группа;Курс;Куратор;Подгруппы\nИС-31;3;Волков Андрей Николаевич;\"1 подгруппа, 2 подгруппа\"\n";
    imported(ImportKind::Groups, groups, &snap).apply_to(&mut snap, &mut new_id, None);
    let Some(is31) = snap.groups.iter().find(|g| g.name == "ИС-31").map(|g| g.id) else {
        panic!("ИС-31 added")
    };
    assert_eq!(
        snap.subgroups.iter().filter(|s| s.group_id == is31).count(),
        2,
        "its two subgroups"
    );
    let volkov = snap.users.iter().find(|u| u.login == "volkov");
    assert!(
        volkov.is_some_and(|u| u
            .grants
            .iter()
            .any(|g| g.role == Role::Curator && g.group_id == Some(is31))),
        "the curator gets the curator role for the group"
    );
    let teachers = "Фамилия;Имя;Отчество;Логин\nЗайцев;Виктор;Михайлович;zaitsev\n";
    imported(ImportKind::Teachers, teachers, &snap).apply_to(&mut snap, &mut new_id, None);
    assert!(
        snap.users
            .iter()
            .any(|u| u.login == "zaitsev" && u.full_name == "Зайцев Виктор Михайлович"),
        "new teacher"
    );
    let loads = "Преподаватель;Группа;Подгруппа;Дисциплина;Часы\n\
                 Зайцев Виктор Михайлович;ИС-31;1;Физика;36\n\
                 Зайцев Виктор Михайлович;ИС-31;2;физика;36\n\
                 Смирнова Елена Александровна;ИС-21;;Математика;120\n";
    let applied = imported(ImportKind::Loads, loads, &snap).apply_to(&mut snap, &mut new_id, None);
    assert_eq!(
        (applied.added, applied.updated),
        (3, 1),
        "two new loads and their new subject, one load updated: {:?}",
        applied.items
    );
    assert_eq!(
        snap.subjects
            .iter()
            .filter(|s| s.name.to_lowercase() == "физика")
            .count(),
        1,
        "the new subject is created once"
    );
    assert_eq!(
        snap.loads
            .iter()
            .find(|l| l.id == LoadId(id(300)))
            .map(|l| l.planned_hours),
        Some(120),
        "hours updated"
    );
}

#[test]
fn mdk_and_practices_of_a_loads_file_are_linked_to_their_module() {
    let mut snap = college();
    let mut new_id = ids();
    let loads = "Преподаватель;Группа;Подгруппа;Дисциплина;Часы\n\
                 Смирнова Елена Александровна;ИС-21;;ПМ.01 Разработка модулей;6\n\
                 Смирнова Елена Александровна;ИС-21;;МДК.01.01 Разработка программных модулей;120\n\
                 Смирнова Елена Александровна;ИС-21;;Учебная практика УП.01;72\n\
                 Смирнова Елена Александровна;ИС-21;;Производственная практика ПП.02;72\n";
    let applied = imported(ImportKind::Loads, loads, &snap).apply_to(&mut snap, &mut new_id, None);
    let by_name = |name: &str| snap.subjects.iter().find(|s| s.name == name);
    let module = by_name("ПМ.01 Разработка модулей").map(|s| s.id);
    assert!(module.is_some(), "the module is created");
    assert_eq!(
        by_name("МДК.01.01 Разработка программных модулей").and_then(|s| s.module_id),
        module,
        "МДК.01.01 belongs to ПМ.01"
    );
    assert_eq!(
        by_name("Учебная практика УП.01").and_then(|s| s.module_id),
        module,
        "УП.01 belongs to ПМ.01"
    );
    assert_eq!(
        by_name("Производственная практика ПП.02").and_then(|s| s.module_id),
        None,
        "no ПМ.02 in the file or the institution: ПП.02 stays without a module"
    );
    assert_eq!(
        applied
            .items
            .iter()
            .filter(|i| i.action == ItemAction::Change
                && i.text.contains("входит в профессиональный модуль"))
            .count(),
        2,
        "the report names each link: {:?}",
        applied.items
    );
}

#[test]
fn a_new_plan_keeps_topics_already_used_by_lessons() {
    let mut snap = college();
    let mut new_id = ids();
    let head = "Преподаватель;Группа;Дисциплина;№;Тема;Часы\n";
    let row = |n: u32, title: &str| {
        format!("Смирнова Елена Александровна;ИС-21;Математика;{n};{title};1\n")
    };
    let first = format!(
        "{head}{}{}{}",
        row(1, "Действительные числа"),
        row(2, "Корни и степени"),
        row(3, "Логарифмы")
    );
    imported(ImportKind::Plan, &first, &snap).apply_to(&mut snap, &mut new_id, None);
    let topic = |snap: &Snapshot, n: u32| {
        snap.plan_topics
            .iter()
            .find(|t| t.load_id == LoadId(id(300)) && t.ordinal == n)
            .map(|t| (t.id, t.title.clone()))
    };
    let Some((used, _)) = topic(&snap, 2) else {
        panic!("topic 2 exists")
    };
    snap.lesson_topics.push(LessonTopic {
        lesson_id: journal_core::LessonId(id(900)),
        hour: 1,
        plan_topic_id: Some(used),
        title: "Корни и степени".into(),
        work_type: WorkType::Lesson,
        work_number: None,
        makeup_of: None,
        entered_at: date(2026, 9, 7).and_hms_opt(9, 0, 0).unwrap_or_default(),
        author_id: journal_core::UserId(id(crate::fixtures::SMIRNOVA)),
    });
    let second = format!("{head}{}", row(1, "Действительные и комплексные числа"));
    let applied = imported(ImportKind::Plan, &second, &snap).apply_to(&mut snap, &mut new_id, None);
    assert_eq!(applied.updated, 1, "topic 1 is updated in place");
    assert_eq!(
        topic(&snap, 1).map(|t| t.1),
        Some("Действительные и комплексные числа".into()),
        "new title"
    );
    assert_eq!(
        topic(&snap, 2).map(|t| t.0),
        Some(used),
        "topic 2 is recorded on a lesson: kept"
    );
    assert_eq!(topic(&snap, 3), None, "unused topic 3 is removed");
    assert_eq!(
        applied.notes.len(),
        1,
        "the kept topic is noted: {:?}",
        applied.notes
    );
}

#[test]
fn the_timetable_is_laid_out_on_school_days() {
    let mut snap = college();
    snap.year.ends_on = date(2026, 9, 30);
    snap.holidays.push(Holiday {
        name: "День учителя".into(),
        starts_on: date(2026, 9, 21),
        ends_on: date(2026, 9, 21),
    });
    let file = "День недели;Номер урока;Неделя;Группа;Подгруппа;Дисциплина;Преподаватель\n\
                понедельник;1;;ИС-21;;Математика;Смирнова Елена Александровна\n\
                понедельник;2;А;ИС-21;1;Информатика;Волков Андрей Николаевич\n";
    let plan = imported(ImportKind::Timetable, file, &snap);
    let mut new_id = ids();
    let dates = Some(LessonDates {
        from: date(2026, 9, 1),
        cycle_start: date(2026, 9, 1),
    });
    let applied = plan.apply_to(&mut snap, &mut new_id, dates);
    let on = |load: u128| -> Vec<_> {
        snap.lessons
            .iter()
            .filter(|l| l.load_id == LoadId(id(load)))
            .map(|l| l.date)
            .collect()
    };
    assert_eq!(
        on(300),
        vec![date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 28)],
        "September Mondays but the holiday"
    );
    assert_eq!(
        on(301),
        vec![date(2026, 9, 14), date(2026, 9, 28)],
        "week A Mondays (week A holds 1 September)"
    );
    assert_eq!(applied.added, 5, "five lessons");
    let again = plan.apply_to(&mut snap, &mut new_id, dates);
    assert_eq!(again.added, 0, "applying twice adds no lesson twice");
    let none = plan.apply_to(&mut snap, &mut new_id, None);
    assert_eq!(
        (none.added, none.notes.len()),
        (0, 1),
        "no dates, no lessons, and a note says so"
    );
}

#[test]
fn on_the_server_the_old_curators_role_ends_yesterday_and_the_new_one_starts_today() {
    let mut snap = college();
    let mut new_id = ids();
    let monday = date(2026, 10, 5);
    let dates = Some(LessonDates {
        from: monday,
        cycle_start: monday,
    });
    let group = GroupId(id(IS21));
    let first = "Группа;Курс;Куратор\nИС-21;2;Волков Андрей Николаевич\n";
    imported(ImportKind::Groups, first, &snap).apply_to(&mut snap, &mut new_id, None);
    let second = "Группа;Курс;Куратор\nИС-21;2;Орлова Наталья Сергеевна\n";
    imported(ImportKind::Groups, second, &snap).apply_to(&mut snap, &mut new_id, dates);
    let grant = |login: &str| {
        snap.users.iter().find(|u| u.login == login).and_then(|u| {
            u.grants
                .iter()
                .find(|g| g.role == Role::Curator && g.group_id == Some(group))
                .cloned()
        })
    };
    let old = grant("volkov").expect("the old curator's role is kept as history, not deleted");
    assert_eq!(
        (old.from, old.until),
        (None, Some(date(2026, 10, 4))),
        "the old curator's role ends the day before the import"
    );
    assert!(!old.in_force_on(monday), "and is not in force any more");
    let new = grant("orlova").expect("the new curator has the role");
    assert_eq!(
        (new.from, new.until),
        (Some(monday), None),
        "the new curator's role starts on the import's day"
    );
    assert!(new.in_force_on(monday), "and is in force");
}

#[test]
fn a_new_curator_replaces_the_old_one() {
    let mut snap = college();
    let mut new_id = ids();
    let first = "Группа;Курс;Куратор\nИС-21;2;Волков Андрей Николаевич\n";
    imported(ImportKind::Groups, first, &snap).apply_to(&mut snap, &mut new_id, None);
    let second = "Группа;Курс;Куратор\nИС-21;2;Орлова Наталья Сергеевна\n";
    let applied =
        imported(ImportKind::Groups, second, &snap).apply_to(&mut snap, &mut new_id, None);
    let curators: Vec<&str> = snap
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| g.role == Role::Curator && g.group_id == Some(GroupId(id(IS21))))
        })
        .map(|u| u.login.as_str())
        .collect();
    assert_eq!(
        curators,
        vec!["orlova"],
        "ИС-21 has one curator, the new one"
    );
    assert_eq!(
        snap.groups
            .iter()
            .find(|g| g.id == GroupId(id(IS21)))
            .and_then(|g| g.curator_id),
        Some(journal_core::UserId(id(crate::fixtures::ORLOVA))),
        "the group names the new curator"
    );
    assert!(
        applied
            .items
            .iter()
            .any(|i| i.text.contains("вместо «Волков")),
        "the report says whom she replaces: {:?}",
        applied.items
    );
    // A teachers file giving the curator's role for ИС-21 replaces her in turn.
    let teachers = "Фамилия;Имя;Отчество;Логин;Роли;Группа\nВолков;Андрей;Николаевич;volkov;преподаватель, куратор;ИС-21\n";
    imported(ImportKind::Teachers, teachers, &snap).apply_to(&mut snap, &mut new_id, None);
    let curators: Vec<&str> = snap
        .users
        .iter()
        .filter(|u| u.grants.iter().any(|g| g.role == Role::Curator))
        .map(|u| u.login.as_str())
        .collect();
    assert_eq!(
        curators,
        vec!["volkov"],
        "the teachers file's curator is the one curator"
    );
}

#[test]
fn a_new_timetable_replaces_future_lessons_but_keeps_those_with_entries() {
    let mut snap = college();
    snap.year.ends_on = date(2026, 9, 30);
    let mut new_id = ids();
    let dates = |from| {
        Some(LessonDates {
            from,
            cycle_start: date(2026, 9, 1),
        })
    };
    let monday = "День недели;Номер урока;Группа;Дисциплина;Преподаватель\n\
                  понедельник;1;ИС-21;Математика;Смирнова Елена Александровна\n";
    imported(ImportKind::Timetable, monday, &snap).apply_to(
        &mut snap,
        &mut new_id,
        dates(date(2026, 9, 1)),
    );
    let mondays: Vec<_> = snap.lessons.iter().map(|l| (l.id, l.date)).collect();
    assert_eq!(mondays.len(), 4, "four Mondays in September from the 7th");
    // A topic on 14 September (an entry), then the timetable moves to Tuesdays from the 10th.
    let (with_entry, _) = mondays[1];
    snap.lesson_topics.push(LessonTopic {
        lesson_id: with_entry,
        hour: 1,
        plan_topic_id: None,
        title: "Действительные числа".into(),
        work_type: WorkType::Lesson,
        work_number: None,
        makeup_of: None,
        entered_at: date(2026, 9, 7).and_hms_opt(9, 0, 0).unwrap_or_default(),
        author_id: journal_core::UserId(id(crate::fixtures::SMIRNOVA)),
    });
    let tuesday = "День недели;Номер урока;Группа;Дисциплина;Преподаватель\n\
                   вторник;1;ИС-21;Математика;Смирнова Елена Александровна\n";
    let applied = imported(ImportKind::Timetable, tuesday, &snap).apply_to(
        &mut snap,
        &mut new_id,
        dates(date(2026, 9, 10)),
    );
    let dates_now: Vec<_> = snap.lessons.iter().map(|l| l.date).collect();
    assert_eq!(
        dates_now,
        vec![
            date(2026, 9, 7),
            date(2026, 9, 14),
            date(2026, 9, 15),
            date(2026, 9, 22),
            date(2026, 9, 29)
        ],
        "the past Monday stays, the Monday with a topic stays, the other future Mondays go, Tuesdays come"
    );
    assert_eq!(
        (applied.added, applied.removed),
        (3, 2),
        "three Tuesdays added, two Mondays removed: {:?}",
        applied.items
    );
    assert!(
        applied
            .items
            .iter()
            .any(|i| i.action == ItemAction::Remove && i.entity == "Урок"),
        "the removal is in the report"
    );
    assert!(
        applied
            .notes
            .iter()
            .any(|n| n.contains("с записями") && n.contains("14.09.2026")),
        "the kept lesson with an entry is a warning naming its date: {:?}",
        applied.notes
    );
}

#[test]
fn new_subjects_get_unique_short_names() {
    let mut snap = college();
    let mut new_id = ids();
    let loads = "Преподаватель;Группа;Дисциплина;Часы\n\
                 Смирнова Елена Александровна;ИС-22;Информационные технологии в профессиональной деятельности;36\n\
                 Смирнова Елена Александровна;ИС-22;Информационные технологии в управлении;36\n\
                 Смирнова Елена Александровна;ИС-22;Мате;36\n";
    imported(ImportKind::Loads, loads, &snap).apply_to(&mut snap, &mut new_id, None);
    let mut shorts: Vec<String> = snap.subjects.iter().map(|s| s.short_name.clone()).collect();
    let all = shorts.len();
    assert!(
        shorts.iter().all(|s| s.chars().count() <= 20),
        "short names fit 20 characters: {shorts:?}"
    );
    shorts.sort();
    shorts.dedup();
    assert_eq!(
        shorts.len(),
        all,
        "no two subjects share a short name: {shorts:?}"
    );
}
