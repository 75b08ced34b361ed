//! The demo institution: deterministic, the agreed sizes and logins, and every row valid for the
//! rules of journal-core (cells parse, topics pass, entries are timely, nothing is from the future).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use journal_core::cell::parse_cell;
use journal_core::finals::parse_final;
use journal_core::timing::{check_entry, EntryKind};
use journal_core::topic::validate_topic;
use journal_core::{CellEntry, LessonId, LessonInfo, Role, UserId, WorkType};
use journal_demo::{generate, DEFAULT_SEED, DEMO_LOGINS, DEMO_PASSWORD, PAIR_HOURS};
use journal_protocol::{Lesson, LessonStatus, Membership, Snapshot, SubjectKind};
use std::collections::{HashMap, HashSet};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// The date the brief's figures are reported for.
fn report_day() -> NaiveDate {
    date(2026, 11, 27)
}

fn user_id(s: &Snapshot, login: &str) -> UserId {
    s.users
        .iter()
        .find(|u| u.login == login)
        .unwrap_or_else(|| panic!("login {login} must exist"))
        .id
}

fn school_day(s: &Snapshot, d: NaiveDate) -> bool {
    d.weekday() != Weekday::Sun
        && s.periods.iter().any(|p| p.starts_on <= d && d <= p.ends_on)
        && !s
            .holidays
            .iter()
            .any(|h| h.starts_on <= d && d <= h.ends_on)
}

fn lesson_info(s: &Snapshot, lesson: &Lesson, work_type: WorkType) -> LessonInfo {
    let bell = s
        .bells
        .iter()
        .find(|b| b.number == lesson.bell_number)
        .expect("every lesson's pair is in the bell schedule");
    LessonInfo {
        date: lesson.date,
        starts_at: lesson.date.and_time(bell.starts),
        ends_at: lesson.date.and_time(bell.ends),
        hours: lesson.hours,
        work_type,
    }
}

fn member_on(m: &Membership, d: NaiveDate) -> bool {
    journal_core::membership::is_member_on(d, m.from, m.to)
}

#[test]
fn same_seed_and_day_give_identical_output() {
    let a = serde_json::to_string(&generate(DEFAULT_SEED, report_day())).expect("serialises");
    let b = serde_json::to_string(&generate(DEFAULT_SEED, report_day())).expect("serialises");
    assert!(a == b, "generate must be a pure function of seed and today");
    let c = serde_json::to_string(&generate(DEFAULT_SEED + 1, report_day())).expect("serialises");
    assert!(a != c, "another seed gives another institution");
    assert_eq!(DEMO_PASSWORD, "demo", "the agreed demo password");
}

#[test]
fn history_of_a_day_does_not_change_when_today_moves_on() {
    let early = generate(DEFAULT_SEED, date(2026, 11, 2));
    let late = generate(DEFAULT_SEED, report_day());
    let before = |s: &Snapshot| {
        let dates: HashMap<LessonId, NaiveDate> =
            s.lessons.iter().map(|l| (l.id, l.date)).collect();
        s.cells
            .iter()
            .filter(|c| dates[&c.lesson_id] < date(2026, 11, 2))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        !before(&early).is_empty(),
        "there is history before 2 November"
    );
    assert_eq!(
        before(&early),
        before(&late),
        "past cells stay as they were"
    );
    assert_eq!(
        early.lessons, late.lessons,
        "the year's timetable does not depend on today"
    );
    assert_eq!(early.plan_topics, late.plan_topics, "nor does the КТП");
}

#[test]
fn sizes_match_the_brief() {
    let s = generate(DEFAULT_SEED, report_day());
    assert_eq!(s.groups.len(), 3, "three groups");
    for g in &s.groups {
        let ever: HashSet<_> = s
            .memberships
            .iter()
            .filter(|m| m.group_id == g.id)
            .map(|m| m.student_id)
            .collect();
        let now = s
            .memberships
            .iter()
            .filter(|m| m.group_id == g.id && member_on(m, report_day()))
            .count();
        assert!(
            (25..=30).contains(&ever.len()),
            "{}: {} students over the year",
            g.name,
            ever.len()
        );
        assert!((25..=30).contains(&now), "{}: {now} students today", g.name);
        assert!(
            g.specialty.starts_with("09.02.07 ") || g.specialty.starts_with("38.02.01 "),
            "specialty with its code"
        );
    }
    assert!(
        (8..=11).contains(&s.subjects.len()),
        "8–10 subjects and the МДК's профессиональный модуль, got {}",
        s.subjects.len()
    );
    let count =
        |f: &dyn Fn(&journal_protocol::Subject) -> bool| s.subjects.iter().filter(|x| f(x)).count();
    assert_eq!(
        count(&|x| x.name == "Русский язык и литература"),
        1,
        "one Русский язык и литература"
    );
    assert_eq!(
        count(&|x| x.kind == SubjectKind::Mdk && x.name.starts_with("МДК.")),
        1,
        "one МДК"
    );
    assert_eq!(
        count(&|x| x.kind == SubjectKind::Practice),
        1,
        "one practice"
    );
    let module = s
        .subjects
        .iter()
        .find(|x| x.kind == SubjectKind::Module)
        .map(|x| x.id);
    assert!(module.is_some(), "one профессиональный модуль");
    assert_eq!(
        count(&|x| x.module_id.is_some() && x.module_id == module),
        2,
        "the МДК and the practice belong to the module"
    );
    for required in [
        "Математика",
        "Иностранный язык",
        "История",
        "Физическая культура",
        "Информатика",
    ] {
        assert_eq!(count(&|x| x.name == required), 1, "subject {required}");
    }
    // Subgroups: two loads of one subject in one group, one per subgroup, with different teachers.
    let mut by_group_subject: HashMap<_, Vec<_>> = HashMap::new();
    for l in s.loads.iter().filter(|l| l.subgroup_id.is_some()) {
        by_group_subject
            .entry((l.group_id, l.subject_id))
            .or_default()
            .push(l);
    }
    assert!(
        !by_group_subject.is_empty(),
        "some subject is taught in subgroups"
    );
    for loads in by_group_subject.values() {
        let subgroups: HashSet<_> = loads.iter().map(|l| l.subgroup_id).collect();
        let teachers: HashSet<_> = loads.iter().map(|l| l.teacher_id).collect();
        assert_eq!(subgroups.len(), 2, "1 и 2 подгруппа each have their load");
        assert_eq!(teachers.len(), 2, "each subgroup has its teacher");
        assert!(
            loads.iter().all(|l| s
                .subgroups
                .iter()
                .any(|sg| Some(sg.id) == l.subgroup_id && sg.group_id == l.group_id)),
            "a subgroup load's subgroup belongs to its group"
        );
    }
    // The student list: every student of a subgrouped group is in one subgroup.
    for m in &s.memberships {
        let divided = s.subgroups.iter().any(|sg| sg.group_id == m.group_id);
        assert_eq!(
            m.subgroup_id.is_some(),
            divided,
            "subgroup set exactly in divided groups"
        );
    }
}

#[test]
fn every_login_exists_with_its_role() {
    let s = generate(DEFAULT_SEED, report_day());
    for login in [
        "admin", "deputy", "curator", "teacher", "teacher2", "student", "parent",
    ] {
        assert!(DEMO_LOGINS.contains(&login), "{login} is listed");
    }
    for login in DEMO_LOGINS {
        let u = s.users.iter().find(|u| u.login == *login);
        assert!(u.is_some(), "login {login} exists");
    }
    let has = |login: &str, role: Role| {
        s.users
            .iter()
            .find(|u| u.login == login)
            .is_some_and(|u| u.grants.iter().any(|g| g.role == role))
    };
    assert!(
        has("admin", Role::Admin) && has("deputy", Role::Deputy),
        "admin and deputy roles"
    );
    assert!(
        has("teacher", Role::Teacher) && has("teacher2", Role::Teacher),
        "teachers"
    );
    let curator = s
        .users
        .iter()
        .find(|u| u.login == "curator")
        .expect("curator");
    let group = curator
        .grants
        .iter()
        .find(|g| g.role == Role::Curator)
        .and_then(|g| g.group_id)
        .expect("the curator has a group");
    assert!(
        s.groups
            .iter()
            .any(|g| g.id == group && g.curator_id == Some(curator.id)),
        "the group names its curator"
    );
    let student_of = |login: &str, role: Role| {
        s.users
            .iter()
            .find(|u| u.login == login)
            .and_then(|u| u.grants.iter().find(|g| g.role == role))
            .and_then(|g| g.student_id)
    };
    let child = student_of("student", Role::Student).expect("student grant names the student");
    assert_eq!(
        student_of("parent", Role::Parent),
        Some(child),
        "the parent is linked to that student"
    );
    assert!(
        s.memberships
            .iter()
            .any(|m| m.student_id == child && m.group_id == group && member_on(m, report_day())),
        "`student` is in the curator's group"
    );
    let student_user = s
        .users
        .iter()
        .find(|u| u.login == "student")
        .expect("student");
    let row = s
        .students
        .iter()
        .find(|x| x.id == child)
        .expect("student row");
    assert_eq!(
        student_user.full_name,
        row.full_name(),
        "the student's login carries their name"
    );
    let parent = s
        .users
        .iter()
        .find(|u| u.login == "parent")
        .expect("parent");
    assert!(
        row.patronymic.as_deref().is_some_and(|p| {
            let father = parent.full_name.split(' ').nth(1).unwrap_or("");
            let stem: String = father.chars().take(3).collect();
            !stem.is_empty() && p.starts_with(&stem)
        }),
        "the parent is the father whose name the patronymic comes from: {} / {}",
        parent.full_name,
        row.full_name()
    );
    let teacher = user_id(&s, "teacher");
    let rus = s
        .subjects
        .iter()
        .find(|x| x.name == "Русский язык и литература")
        .expect("subject");
    let rus_groups: HashSet<_> = s
        .loads
        .iter()
        .filter(|l| l.teacher_id == teacher && l.subject_id == rus.id)
        .map(|l| l.group_id)
        .collect();
    assert!(
        rus_groups.len() >= 2,
        "`teacher` teaches Русский язык и литература in 2+ groups"
    );
    assert!(
        s.loads.iter().filter(|l| l.teacher_id == teacher).count() >= 3,
        "and several loads"
    );
}

#[test]
fn names_are_full() {
    let s = generate(DEFAULT_SEED, report_day());
    for u in &s.users {
        assert_eq!(
            u.full_name.split(' ').count(),
            3,
            "full name, never initials: «{}»",
            u.full_name
        );
        assert!(!u.full_name.contains('.'), "no initials: «{}»", u.full_name);
    }
    let names: HashSet<_> = s.students.iter().map(|x| x.full_name()).collect();
    assert_eq!(
        names.len(),
        s.students.len(),
        "no two students share a full name"
    );
    for st in &s.students {
        assert_eq!(
            st.full_name().split(' ').count(),
            3,
            "surname, name, patronymic: «{}»",
            st.full_name()
        );
        let female = st
            .patronymic
            .as_deref()
            .is_some_and(|p| p.ends_with("вна") || p.ends_with("чна"));
        let female_surname = st.last_name.ends_with('а') || st.last_name.ends_with("ая");
        let fixed = ["о", "м", "к"].iter().any(|e| st.last_name.ends_with(e));
        assert!(
            fixed || female == female_surname,
            "surname form agrees with the gender: «{}»",
            st.full_name()
        );
        let born = st.birth_date.expect("birth date");
        assert!(
            (date(2008, 9, 1)..date(2011, 9, 1)).contains(&born),
            "birth date fits a 1st–2nd course student in 2026: {born}"
        );
    }
}

#[test]
fn teacher_has_lessons_on_every_sample_school_day() {
    for today in [
        report_day(),
        date(2026, 9, 1),
        date(2026, 9, 5),
        date(2026, 10, 26),
        date(2026, 12, 30),
        date(2027, 1, 12),
        date(2027, 3, 2),
        date(2027, 5, 15),
        date(2027, 6, 30),
    ] {
        let s = generate(DEFAULT_SEED, today);
        assert!(school_day(&s, today), "{today} is a school day");
        let teacher = user_id(&s, "teacher");
        let loads: HashSet<_> = s
            .loads
            .iter()
            .filter(|l| l.teacher_id == teacher)
            .map(|l| l.id)
            .collect();
        let n = s
            .lessons
            .iter()
            .filter(|l| l.date == today && l.status == LessonStatus::Scheduled)
            .filter(|l| {
                (loads.contains(&l.load_id) && l.substitute_teacher_id.is_none())
                    || l.substitute_teacher_id == Some(teacher)
            })
            .count();
        assert!(n >= 1, "`teacher` has lessons on {today}");
        let todays: HashSet<LessonId> = s
            .lessons
            .iter()
            .filter(|l| l.date == today)
            .map(|l| l.id)
            .collect();
        assert!(
            !s.cells.iter().any(|c| todays.contains(&c.lesson_id)),
            "today's lessons are left for the teacher to fill ({today})"
        );
    }
}

#[test]
fn teacher_has_lessons_on_every_school_day_of_the_year() {
    let s = generate(DEFAULT_SEED, report_day());
    let teacher = user_id(&s, "teacher");
    let loads: HashSet<_> = s
        .loads
        .iter()
        .filter(|l| l.teacher_id == teacher)
        .map(|l| l.id)
        .collect();
    let teaching_days: HashSet<NaiveDate> = s
        .lessons
        .iter()
        .filter(|l| l.status == LessonStatus::Scheduled)
        .filter(|l| {
            (loads.contains(&l.load_id) && l.substitute_teacher_id.is_none())
                || l.substitute_teacher_id == Some(teacher)
        })
        .map(|l| l.date)
        .collect();
    let mut d = s.year.starts_on;
    let mut school_days = 0;
    while d <= s.year.ends_on {
        if school_day(&s, d) {
            school_days += 1;
            assert!(
                teaching_days.contains(&d),
                "`teacher` has a lesson on every school day, also {d}"
            );
        }
        d += Duration::days(1);
    }
    assert!(
        school_days > 200,
        "a six-day week over two semesters: {school_days} school days"
    );
}

#[test]
fn no_lesson_on_holidays_or_sundays() {
    let s = generate(DEFAULT_SEED, report_day());
    for l in &s.lessons {
        assert!(
            school_day(&s, l.date),
            "lesson on {} ({:?}) must be on a school day",
            l.date,
            l.date.weekday()
        );
        if let Some(m) = l.moved_to {
            assert!(school_day(&s, m), "moved to a school day");
        }
    }
    assert_eq!(s.year.starts_on, date(2026, 9, 1));
    assert_eq!(s.year.ends_on, date(2027, 6, 30));
    assert_eq!(s.periods.len(), 2, "two semesters");
    for name in [
        "День народного единства",
        "Зимние каникулы",
        "День защитника Отечества",
        "Международный женский день",
        "День Победы",
    ] {
        assert!(s.holidays.iter().any(|h| h.name == name), "holiday {name}");
    }
    assert!(
        s.bells
            .iter()
            .all(|b| (b.ends - b.starts) == Duration::minutes(90)),
        "pairs of 2×45 min"
    );
}

#[test]
fn no_double_booking_of_teachers_or_groups() {
    let s = generate(DEFAULT_SEED, report_day());
    let load = |id| {
        s.loads
            .iter()
            .find(|l| l.id == id)
            .expect("lesson's load exists")
    };
    let mut teachers = HashSet::new();
    let mut groups = HashSet::new();
    for l in s
        .lessons
        .iter()
        .filter(|l| l.status == LessonStatus::Scheduled)
    {
        let ld = load(l.load_id);
        let who = l.substitute_teacher_id.unwrap_or(ld.teacher_id);
        assert!(
            teachers.insert((l.date, l.bell_number, who)),
            "a teacher is in one place at {} pair {}",
            l.date,
            l.bell_number
        );
        assert!(
            groups.insert((l.date, l.bell_number, ld.group_id, ld.subgroup_id)),
            "a group (subgroup) has one lesson at a time"
        );
        assert_eq!(l.hours, PAIR_HOURS, "every lesson is one pair of 2 hours");
    }
}

#[test]
fn changes_substitutions_postponement_transfer_withdrawal_individual_plan() {
    let s = generate(DEFAULT_SEED, report_day());
    let subs: Vec<_> = s
        .lessons
        .iter()
        .filter(|l| l.substitute_teacher_id.is_some())
        .collect();
    assert!(subs.len() >= 2, "a few substitutions, got {}", subs.len());
    for l in &subs {
        let ld = s.loads.iter().find(|x| x.id == l.load_id).expect("load");
        assert_ne!(
            l.substitute_teacher_id,
            Some(ld.teacher_id),
            "a substitute is someone else"
        );
        if l.date < report_day() {
            assert!(
                s.cells
                    .iter()
                    .filter(|c| c.lesson_id == l.id)
                    .all(|c| Some(c.author_id) == l.substitute_teacher_id),
                "the substitute authors the lesson's entries"
            );
        }
    }
    let postponed: Vec<_> = s
        .lessons
        .iter()
        .filter(|l| l.status == LessonStatus::Postponed)
        .collect();
    assert_eq!(postponed.len(), 1, "one postponed lesson");
    let p = postponed[0];
    let to = p.moved_to.expect("a postponed lesson says where");
    assert!(
        s.lessons
            .iter()
            .any(|l| l.load_id == p.load_id && l.date == to && l.status == LessonStatus::Scheduled),
        "the lesson takes place on the new date"
    );
    assert!(
        !s.cells.iter().any(|c| c.lesson_id == p.id),
        "nothing is entered for the postponed slot"
    );

    let mut per_student: HashMap<_, Vec<&Membership>> = HashMap::new();
    for m in &s.memberships {
        per_student.entry(m.student_id).or_default().push(m);
    }
    let transferred = per_student.values().filter(|ms| {
        ms.len() == 2
            && ms[0].group_id != ms[1].group_id
            && ms[0]
                .to
                .is_some_and(|t| t + Duration::days(1) == ms[1].from)
    });
    assert_eq!(
        transferred.count(),
        1,
        "one student transferred between groups mid-year"
    );
    let withdrawn = per_student
        .values()
        .filter(|ms| ms.len() == 1 && ms[0].to.is_some());
    assert_eq!(withdrawn.count(), 1, "one student withdrawn");
    assert_eq!(
        s.memberships.iter().filter(|m| m.individual_plan).count(),
        1,
        "one student on an individual plan"
    );

    let deputy = user_id(&s, "deputy");
    let teacher = user_id(&s, "teacher");
    let teacher_remarks = s
        .remarks
        .iter()
        .filter(|r| {
            r.author_id == deputy
                && s.loads
                    .iter()
                    .any(|l| l.id == r.load_id && l.teacher_id == teacher)
        })
        .count();
    assert!(
        (1..=2).contains(&teacher_remarks),
        "one or two remarks from the deputy to `teacher`"
    );
}

#[test]
fn nothing_is_entered_in_the_future_and_entries_are_timely() {
    for today in [report_day(), date(2027, 3, 1), date(2027, 7, 10)] {
        let s = generate(DEFAULT_SEED, today);
        let policy = &s.institution.policy;
        let midnight = today.and_hms_opt(0, 0, 0).expect("midnight");
        let lessons: HashMap<LessonId, &Lesson> = s.lessons.iter().map(|l| (l.id, l)).collect();
        let mut types: HashMap<LessonId, WorkType> = HashMap::new();
        for t in &s.lesson_topics {
            let lesson = lessons[&t.lesson_id];
            assert!(t.entered_at < midnight, "topic entered before today");
            assert!(lesson.date < today, "history only for past lessons");
            let info = lesson_info(&s, lesson, t.work_type);
            assert!(
                check_entry(&info, t.entered_at, EntryKind::Topic, policy).is_ok(),
                "topic timely"
            );
            types.entry(t.lesson_id).or_insert(t.work_type);
        }
        for h in &s.homework {
            let lesson = lessons[&h.lesson_id];
            assert!(
                h.entered_at < midnight && lesson.date < today,
                "homework before today"
            );
            let info = lesson_info(&s, lesson, WorkType::Lesson);
            assert!(
                check_entry(&info, h.entered_at, EntryKind::Homework, policy).is_ok(),
                "homework same day"
            );
        }
        for c in &s.cells {
            let lesson = lessons[&c.lesson_id];
            assert!(
                c.entered_at < midnight && lesson.date < today,
                "cell before today"
            );
            let work = types.get(&c.lesson_id).copied().unwrap_or(WorkType::Lesson);
            let kind = if c.value.marks().next().is_some() {
                EntryKind::Mark
            } else {
                EntryKind::Attendance
            };
            let info = lesson_info(&s, lesson, work);
            assert!(
                check_entry(&info, c.entered_at, kind, policy).is_ok(),
                "cell entered after the lesson began, the same day"
            );
        }
        let stamps = s
            .finals
            .iter()
            .map(|f| f.entered_at)
            .chain(s.locks.iter().map(|l| l.locked_at))
            .chain(s.remarks.iter().map(|r| r.created_at))
            .chain(s.remarks.iter().filter_map(|r| r.resolved_at));
        for t in stamps {
            assert!(
                t < midnight,
                "finals, locks and remarks are in the past: {t}"
            );
        }
        for p in &s.periods {
            let has_finals = s.finals.iter().any(|f| f.period_id == p.id);
            assert_eq!(
                has_finals,
                p.ends_on < today,
                "finals only for periods ended before {today}: {}",
                p.name
            );
            let locked = s.locks.iter().any(|l| l.period_id == p.id);
            assert_eq!(locked, p.ends_on < today, "locks only for ended periods");
        }
    }
}

#[test]
fn every_cell_parses_through_core_and_marks_look_real() {
    let s = generate(DEFAULT_SEED, report_day());
    let policy = &s.institution.policy;
    let subject_of: HashMap<LessonId, &str> = s
        .lessons
        .iter()
        .map(|l| {
            let load = s.loads.iter().find(|x| x.id == l.load_id).expect("load");
            let subject = s
                .subjects
                .iter()
                .find(|x| x.id == load.subject_id)
                .expect("subject");
            (l.id, subject.name.as_str())
        })
        .collect();
    let (mut marks, mut absences, mut doubles_rus, mut fives_fours) =
        (HashMap::new(), 0usize, 0usize, 0usize);
    for c in &s.cells {
        let subject = subject_of[&c.lesson_id];
        let typed = c.value.symbol();
        let parsed = parse_cell(&typed, policy.allows_double_mark(subject), policy);
        assert_eq!(
            parsed.as_ref().ok(),
            Some(&c.value),
            "cell «{typed}» ({subject}) parses back to itself"
        );
        for e in &c.value.entries {
            match e {
                CellEntry::DoubleMark { first, second } => {
                    assert_eq!(
                        subject, "Русский язык и литература",
                        "double marks only where allowed"
                    );
                    doubles_rus += 1;
                    if first.get() == 5 && second.get() == 4 {
                        fives_fours += 1;
                    }
                }
                CellEntry::Mark { value } => *marks.entry(value.get()).or_insert(0usize) += 1,
                CellEntry::Absence { .. } => absences += 1,
            }
        }
    }
    assert!(
        doubles_rus > 0 && fives_fours > 0,
        "a double mark 5/4 in Русский язык и литература"
    );
    let total: usize = marks.values().sum();
    let share = |m: u8| *marks.get(&m).unwrap_or(&0) as f64 / total as f64;
    assert!(share(4) + share(5) > 0.6, "marks skewed to 4–5: {marks:?}");
    assert!(share(3) > 0.08, "some 3: {marks:?}");
    assert!(share(2) > 0.0 && share(2) < 0.06, "rare 2: {marks:?}");

    // Attendance: about 8 % of the student-lessons are absences.
    let dates: HashMap<LessonId, NaiveDate> = s.lessons.iter().map(|l| (l.id, l.date)).collect();
    let mut seats = 0usize;
    for l in s
        .lessons
        .iter()
        .filter(|l| l.date < report_day() && l.status == LessonStatus::Scheduled)
    {
        let load = s.loads.iter().find(|x| x.id == l.load_id).expect("load");
        seats += s
            .memberships
            .iter()
            .filter(|m| m.group_id == load.group_id && member_on(m, dates[&l.id]))
            .filter(|m| load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            .count();
    }
    let rate = absences as f64 / seats as f64;
    assert!(
        (0.04..0.14).contains(&rate),
        "absence rate about 8 %: {rate:.3}"
    );
}

#[test]
fn memberships_cover_every_cell_and_finals() {
    for today in [report_day(), date(2027, 6, 1)] {
        let s = generate(DEFAULT_SEED, today);
        let lessons: HashMap<LessonId, &Lesson> = s.lessons.iter().map(|l| (l.id, l)).collect();
        for c in &s.cells {
            let l = lessons[&c.lesson_id];
            let load = s.loads.iter().find(|x| x.id == l.load_id).expect("load");
            assert!(
                s.memberships.iter().any(|m| m.student_id == c.student_id
                    && m.group_id == load.group_id
                    && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
                    && member_on(m, l.date)),
                "a cell only for a member of the group (subgroup) on the lesson's date"
            );
        }
        for f in &s.finals {
            assert!(
                parse_final(&f.value.symbol()).is_ok(),
                "final «{}» parses",
                f.value.symbol()
            );
        }
    }
}

#[test]
fn rows_pass_the_other_core_checks() {
    let s = generate(DEFAULT_SEED, date(2027, 2, 1));
    for u in &s.users {
        assert!(
            journal_core::validate_full_name(&u.full_name).is_ok(),
            "full name «{}»",
            u.full_name
        );
    }
    for st in &s.students {
        assert!(
            journal_core::validate_full_name(&st.full_name()).is_ok(),
            "full name «{}»",
            st.full_name()
        );
    }
    let lessons: HashMap<LessonId, &Lesson> = s.lessons.iter().map(|l| (l.id, l)).collect();
    let teacher_of = |id: &LessonId| {
        let l = lessons[id];
        let load = s.loads.iter().find(|x| x.id == l.load_id).expect("load");
        (load.teacher_id, l.substitute_teacher_id)
    };
    for h in &s.homework {
        assert_eq!(
            journal_core::normalise_homework(&h.text).as_deref(),
            Ok(h.text.as_str()),
            "homework stored in its normal form"
        );
        let (t, sub) = teacher_of(&h.lesson_id);
        assert!(
            journal_core::check_lesson_author(h.author_id, t, sub).is_ok(),
            "homework by the lesson's teacher"
        );
    }
    for c in &s.cells {
        let (t, sub) = teacher_of(&c.lesson_id);
        assert!(
            journal_core::check_lesson_author(c.author_id, t, sub).is_ok(),
            "cell by the lesson's teacher"
        );
    }
    let mut per_lesson: HashMap<LessonId, Vec<journal_core::HourTopic<'_>>> = HashMap::new();
    for t in &s.lesson_topics {
        let (teacher, sub) = teacher_of(&t.lesson_id);
        assert!(
            journal_core::check_lesson_author(t.author_id, teacher, sub).is_ok(),
            "topic by the lesson's teacher"
        );
        per_lesson
            .entry(t.lesson_id)
            .or_default()
            .push(journal_core::HourTopic {
                hour: t.hour,
                title: &t.title,
                work_type: t.work_type,
                work_number: t.work_number,
            });
    }
    for (id, topics) in &per_lesson {
        assert!(
            journal_core::validate_lesson_topics(lessons[id].hours, topics).is_ok(),
            "a topic for each hour of the pair"
        );
    }
    // Locked periods have a final for every student of the load on the period's last day.
    assert!(
        !s.locks.is_empty(),
        "the 1st semester is locked by February"
    );
    for lock in &s.locks {
        let load = s.loads.iter().find(|x| x.id == lock.load_id).expect("load");
        let period = s
            .periods
            .iter()
            .find(|p| p.id == lock.period_id)
            .expect("period");
        let without = s
            .memberships
            .iter()
            .filter(|m| m.group_id == load.group_id && member_on(m, period.ends_on))
            .filter(|m| load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            .filter(|m| {
                !s.finals.iter().any(|f| {
                    f.load_id == load.id && f.period_id == period.id && f.student_id == m.student_id
                })
            })
            .count();
        assert!(
            journal_core::check_can_lock(without).is_ok(),
            "lock only with all finals set"
        );
    }
}

#[test]
fn plan_topics_cover_the_hours_and_pass_the_rules() {
    let s = generate(DEFAULT_SEED, report_day());
    for load in &s.loads {
        let taught: u32 = s
            .lessons
            .iter()
            .filter(|l| l.load_id == load.id && l.status == LessonStatus::Scheduled)
            .map(|l| u32::from(l.hours))
            .sum();
        let planned: u32 = s
            .plan_topics
            .iter()
            .filter(|t| t.load_id == load.id)
            .map(|t| u32::from(t.hours))
            .sum();
        assert_eq!(
            load.planned_hours, taught,
            "planned hours = the timetable's hours"
        );
        assert_eq!(planned, taught, "the КТП covers the year's hours");
        assert!(taught > 0, "every load has lessons");
    }
    for t in &s.plan_topics {
        assert!(
            validate_topic(&t.title, t.work_type, t.work_number).is_ok(),
            "КТП topic «{}» passes",
            t.title
        );
        if matches!(
            t.work_type,
            WorkType::Control | WorkType::Practical | WorkType::Laboratory
        ) {
            let n = t.work_number.expect("numbered work");
            assert!(
                t.title.contains(&format!("№ {n}")),
                "the number is in the title: «{}»",
                t.title
            );
        }
    }
    for t in &s.lesson_topics {
        assert!(
            validate_topic(&t.title, t.work_type, t.work_number).is_ok(),
            "lesson topic «{}» passes",
            t.title
        );
    }
    let math = s
        .subjects
        .iter()
        .find(|x| x.name == "Математика")
        .expect("Математика");
    let math_titles: Vec<_> = s
        .plan_topics
        .iter()
        .filter(|t| {
            s.loads
                .iter()
                .any(|l| l.id == t.load_id && l.subject_id == math.id)
        })
        .map(|t| t.title.as_str())
        .collect();
    assert!(
        math_titles
            .iter()
            .any(|t| t.starts_with("Действительные числа")),
        "real topics of the 1st course"
    );
    assert!(
        math_titles
            .iter()
            .any(|t| t.starts_with("Контрольная работа № 1. ")),
        "numbered control works"
    );
    // Lesson topics follow the КТП in order, each hour of a pair.
    let ordinal: HashMap<_, _> = s
        .plan_topics
        .iter()
        .map(|t| (t.id, (t.load_id, t.ordinal)))
        .collect();
    let mut last: HashMap<_, u32> = HashMap::new();
    let mut dated: Vec<_> = s.lesson_topics.iter().collect();
    let order: HashMap<LessonId, (NaiveDate, u8)> = s
        .lessons
        .iter()
        .map(|l| (l.id, (l.date, l.bell_number)))
        .collect();
    dated.sort_by_key(|t| (order[&t.lesson_id], t.hour));
    for t in dated {
        let (load, n) = ordinal[&t.plan_topic_id.expect("from the КТП")];
        let prev = last.insert(load, n).unwrap_or(0);
        assert!(n >= prev && n <= prev + 1, "topics follow the КТП in order");
    }
    let per_lesson = s.lesson_topics.len() as f64 / s.homework.len() as f64;
    assert!(
        (per_lesson - 2.0).abs() < 1e-9,
        "a topic for each hour of every recorded pair"
    );
}

#[test]
fn user_copies_follow_scopes() {
    let s = generate(DEFAULT_SEED, report_day());
    let teacher = s.for_user(user_id(&s, "teacher"));
    let me = user_id(&s, "teacher");
    assert!(
        teacher.loads.iter().filter(|l| l.teacher_id == me).count() >= 3,
        "own loads"
    );
    assert!(
        teacher.lessons.len() < s.lessons.len() / 3,
        "a teacher's copy is a part of the institution"
    );
    assert!(
        teacher
            .cells
            .iter()
            .all(|c| teacher.lessons.iter().any(|l| l.id == c.lesson_id)),
        "cells only of the kept lessons"
    );
    assert_eq!(
        s.for_user(user_id(&s, "deputy")),
        s,
        "the deputy keeps everything"
    );
    let student = s.for_user(user_id(&s, "student"));
    assert_eq!(
        student.students.len(),
        1,
        "a student keeps their own record only"
    );
}

#[test]
fn a_year_generates_fast_enough_to_print_the_figures() {
    // Not a timing assertion: prints the figures for the report (run with --nocapture).
    let started = std::time::Instant::now();
    let s = generate(DEFAULT_SEED, report_day());
    let took = started.elapsed();
    let past = s.lessons.iter().filter(|l| l.date < report_day()).count();
    println!(
        "demo {}: students {}, lessons {} ({} before today), lesson topics {}, cells {}, plan topics {}, generated in {:?}",
        report_day(),
        s.students.len(),
        s.lessons.len(),
        past,
        s.lesson_topics.len(),
        s.cells.len(),
        s.plan_topics.len(),
        took
    );
    let started = std::time::Instant::now();
    let full_year = generate(DEFAULT_SEED, date(2027, 7, 1));
    println!(
        "demo 2027-07-01 (whole year of history): lessons {}, lesson topics {}, cells {}, finals {}, locks {}, generated in {:?}",
        full_year.lessons.len(),
        full_year.lesson_topics.len(),
        full_year.cells.len(),
        full_year.finals.len(),
        full_year.locks.len(),
        started.elapsed()
    );
    assert!(
        full_year.cells.len() > s.cells.len(),
        "a later today has more history"
    );
}

/// `Snapshot::read_scope` (what `/sync/pull` lets through) admits exactly the values
/// `Snapshot::for_user` keeps, for every demo login and both diary settings: the snapshot a
/// device gets and the changes it pulls later are cut by one decision.
#[test]
fn read_scope_admits_what_for_user_keeps() {
    use journal_protocol::OpPayload;
    for shows in [false, true] {
        // In March the first semester's finals are set, so every kind of value is there.
        let mut full = generate(DEFAULT_SEED, date(2027, 3, 3));
        full.institution.policy.diary_shows_topics = shows;
        full.institution.policy.diary_shows_homework = shows;
        assert!(
            !full.cells.is_empty()
                && !full.finals.is_empty()
                && !full.lesson_topics.is_empty()
                && !full.homework.is_empty(),
            "the demo holds cells, finals, topics and homework to compare"
        );
        let load_of: HashMap<LessonId, journal_core::LoadId> =
            full.lessons.iter().map(|l| (l.id, l.load_id)).collect();
        let mut users: Vec<UserId> = DEMO_LOGINS.iter().map(|l| user_id(&full, l)).collect();
        users.push(UserId(uuid::Uuid::from_u128(9999)));
        for user in users {
            let mine = full.for_user(user);
            let scope = full.read_scope(user);
            let cells: HashSet<_> = mine
                .cells
                .iter()
                .map(|c| (c.lesson_id, c.student_id))
                .collect();
            for c in &full.cells {
                let payload = OpPayload::SetCell {
                    lesson_id: c.lesson_id,
                    student_id: c.student_id,
                    value: c.value.clone(),
                    reason: None,
                };
                assert_eq!(
                    scope.sees(load_of[&c.lesson_id], &payload),
                    cells.contains(&(c.lesson_id, c.student_id)),
                    "user {user:?}: a cell is pulled exactly when the snapshot keeps it"
                );
            }
            let finals: HashSet<_> = mine
                .finals
                .iter()
                .map(|f| (f.load_id, f.period_id, f.student_id))
                .collect();
            for f in &full.finals {
                let payload = OpPayload::SetFinal {
                    load_id: f.load_id,
                    period_id: f.period_id,
                    student_id: f.student_id,
                    column: Default::default(),
                    value: Some(f.value),
                };
                assert_eq!(
                    scope.sees(f.load_id, &payload),
                    finals.contains(&(f.load_id, f.period_id, f.student_id)),
                    "user {user:?}: a final is pulled exactly when the snapshot keeps it"
                );
            }
            let topics: HashSet<_> = mine
                .lesson_topics
                .iter()
                .map(|t| (t.lesson_id, t.hour))
                .collect();
            for t in &full.lesson_topics {
                let payload = OpPayload::SetTopic {
                    lesson_id: t.lesson_id,
                    hour: t.hour,
                    plan_topic_id: t.plan_topic_id,
                    title: t.title.clone(),
                    work_type: t.work_type,
                    work_number: t.work_number,
                    makeup_of: None,
                };
                assert_eq!(
                    scope.sees(load_of[&t.lesson_id], &payload),
                    topics.contains(&(t.lesson_id, t.hour)),
                    "user {user:?}, diary shows topics {shows}: a topic is pulled exactly when the snapshot keeps it"
                );
            }
            let homework: HashSet<_> = mine.homework.iter().map(|h| h.lesson_id).collect();
            for h in &full.homework {
                let payload = OpPayload::SetHomework {
                    lesson_id: h.lesson_id,
                    text: h.text.clone(),
                };
                assert_eq!(
                    scope.sees(load_of[&h.lesson_id], &payload),
                    homework.contains(&h.lesson_id),
                    "user {user:?}, diary shows homework {shows}: homework is pulled exactly when the snapshot keeps it"
                );
            }
        }
    }
}
