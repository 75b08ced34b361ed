//! Assembles the snapshot: the fixed college of `institution`, random students, the year's
//! lessons from the weekly timetable, the КТП, and the journal history before "today".

use crate::calendar::Calendar;
use crate::institution::{homework_templates, GROUPS, LOADS, STAFF, SUBJECTS};
use crate::people::{alphabetical_key, father_of, random_person, Person};
use crate::rng::{demo_id, Rng};
use crate::syllabus::lay_out;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use journal_core::{
    Absence, CellEntry, CellValue, ControlWorkId, FinalValue, GroupId, InstitutionId, LessonId,
    LoadId, MarkCriteria, MarkValue, PeriodId, Policy, Role, StudentId, SubgroupId, SubjectId,
    TopicId, UserId, WorkType,
};
use journal_protocol::*;
use std::collections::{BTreeSet, HashMap};

/// Every lesson of the demo is one pair (пара) of two academic hours: `hours` = 2, a topic per hour.
pub const PAIR_HOURS: u8 = 2;

struct Gen {
    seed: u64,
    cal: Calendar,
    policy: Policy,
}

/// Per-student tendencies that make marks and absences look like a real group's.
struct Traits {
    ability: f64,
    truancy: f64,
    illnesses: Vec<(NaiveDate, NaiveDate)>,
}

/// A lesson with what the generator needs to know about it.
struct Slot {
    lesson: Lesson,
    load: usize,
}

impl Gen {
    fn id(&self, kind: &str, key: &str) -> uuid::Uuid {
        demo_id(self.seed, kind, key)
    }
    fn user(&self, login: &str) -> UserId {
        UserId(self.id("user", login))
    }
    fn group(&self, g: usize) -> GroupId {
        GroupId(self.id("group", GROUPS[g].name))
    }
    fn subgroup(&self, g: usize, n: u8) -> SubgroupId {
        SubgroupId(self.id("subgroup", &format!("{}/{n}", GROUPS[g].name)))
    }
    fn load_key(&self, l: usize) -> String {
        let d = &LOADS[l];
        format!(
            "{}/{}/{}",
            GROUPS[d.group].name,
            SUBJECTS[d.subject].name,
            d.subgroup.map_or(0, u32::from)
        )
    }
    fn load(&self, l: usize) -> LoadId {
        LoadId(self.id("load", &self.load_key(l)))
    }
    fn period(&self, s: usize) -> PeriodId {
        PeriodId(self.id("period", &format!("{}/{}", self.cal.year.name, s + 1)))
    }
    fn at(&self, d: NaiveDate, bell: u8, start: bool) -> NaiveDateTime {
        let t = self
            .cal
            .bell(bell)
            .map(|b| if start { b.starts } else { b.ends })
            .unwrap_or(NaiveTime::MIN);
        d.and_time(t)
    }
}

pub fn generate(seed: u64, today: NaiveDate) -> Snapshot {
    let g = Gen {
        seed,
        cal: Calendar::for_today(today),
        policy: Policy::default(),
    };
    let y = g.cal.year.starts_on.year();

    let institution = Institution {
        id: InstitutionId(g.id("institution", "demo")),
        name: "Государственное бюджетное профессиональное образовательное учреждение \
               «Северореченский колледж информационных технологий и сервиса»"
            .to_string(),
        short_name: "ГБПОУ «СКИТиС»".to_string(),
        timezone: "Europe/Moscow".to_string(),
        policy: g.policy.clone(),
        regime: Default::default(),
        support: Default::default(),
    };
    let periods: Vec<Period> = g
        .cal
        .semesters
        .iter()
        .enumerate()
        .map(|(s, (name, from, to))| Period {
            id: g.period(s),
            name: name.clone(),
            ordinal: s as u8 + 1,
            starts_on: *from,
            ends_on: *to,
        })
        .collect();

    // ---- groups and subgroups
    let groups: Vec<Group> = GROUPS
        .iter()
        .enumerate()
        .map(|(i, d)| Group {
            id: g.group(i),
            name: d.name.to_string(),
            course: d.course,
            specialty: d.specialty.to_string(),
            curator_id: Some(g.user(d.curator)),
        })
        .collect();
    let mut subgroups = Vec::new();
    for (i, d) in GROUPS.iter().enumerate() {
        if d.has_subgroups {
            for n in 1..=2u8 {
                subgroups.push(Subgroup {
                    id: g.subgroup(i, n),
                    group_id: g.group(i),
                    name: format!("{n} подгруппа"),
                });
            }
        }
    }

    // ---- students: unique full names, alphabetical within the group (the journal's order)
    let mut rng = Rng::for_key(seed, "students");
    let mut taken = BTreeSet::new();
    let mut roster: Vec<Vec<(Person, Student)>> = Vec::new();
    for d in GROUPS {
        let mut list = Vec::new();
        while list.len() < d.students {
            let p = random_person(&mut rng);
            if !taken.insert(p.full_name()) {
                continue;
            }
            // Entered after the 9th grade at 15–16; one year older per course; some a year older still.
            let older = i32::from(rng.chance(0.1));
            let born_from = NaiveDate::from_ymd_opt(y - 15 - i32::from(d.course) - older, 9, 1)
                .unwrap_or(g.cal.year.starts_on);
            let birth = born_from + Duration::days(rng.range(0, 364));
            let student = Student {
                id: StudentId(g.id("student", &format!("{}#{}", d.name, list.len()))),
                last_name: p.last_name.clone(),
                first_name: p.first_name.clone(),
                patronymic: Some(p.patronymic.clone()),
                birth_date: Some(birth),
            };
            list.push((p, student));
        }
        list.sort_by_key(|(p, _)| alphabetical_key(&p.full_name()));
        roster.push(list);
    }

    // Special cases, chosen once per seed.
    let mut roles_rng = Rng::for_key(seed, "special-students");
    let the_student = roles_rng.below(roster[0].len());
    let transferred = roles_rng.below(roster[1].len());
    let withdrawn = roles_rng.below(roster[2].len());
    let individual = (withdrawn + 1 + roles_rng.below(roster[2].len() - 1)) % roster[2].len();
    let monday_on_or_after = |d: NaiveDate| {
        let back = d.weekday().num_days_from_monday();
        let m = if back == 0 {
            d
        } else {
            d + Duration::days(7 - i64::from(back))
        };
        g.cal.school_day_from(m).unwrap_or(m)
    };
    let first_of =
        |m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(g.cal.year.starts_on);
    // Membership changes are known only once they happened.
    let transfer_on = Some(monday_on_or_after(first_of(10, 19))).filter(|d| *d <= today);
    let withdrawn_on = Some(monday_on_or_after(first_of(11, 16))).filter(|d| *d <= today);

    let mut students = Vec::new();
    let mut memberships = Vec::new();
    let start = g.cal.year.starts_on;
    for (gi, list) in roster.iter().enumerate() {
        let half = list.len().div_ceil(2);
        for (k, (_, s)) in list.iter().enumerate() {
            students.push(s.clone());
            let subgroup_id = GROUPS[gi]
                .has_subgroups
                .then(|| g.subgroup(gi, if k < half { 1 } else { 2 }));
            let mut m = Membership {
                student_id: s.id,
                group_id: g.group(gi),
                subgroup_id,
                from: start,
                to: None,
                individual_plan: gi == 2 && k == individual,
            };
            if gi == 1 && k == transferred {
                if let Some(day) = transfer_on {
                    m.to = Some(day - Duration::days(1));
                    memberships.push(m.clone());
                    // Moved to ИС-11 (1 подгруппа is full: joins the 2nd).
                    m = Membership {
                        student_id: s.id,
                        group_id: g.group(0),
                        subgroup_id: Some(g.subgroup(0, 2)),
                        from: day,
                        to: None,
                        individual_plan: false,
                    };
                }
            }
            if gi == 2 && k == withdrawn {
                if let Some(day) = withdrawn_on {
                    m.to = Some(day - Duration::days(1));
                }
            }
            memberships.push(m);
        }
    }

    // ---- users
    let mut users: Vec<User> = STAFF
        .iter()
        .map(|s| {
            let mut grants: Vec<RoleGrant> = s
                .roles
                .iter()
                .map(|&role| RoleGrant {
                    role,
                    group_id: None,
                    student_id: None,
                    from: None,
                    until: None,
                })
                .collect();
            for (gi, gd) in GROUPS.iter().enumerate() {
                if gd.curator == s.login {
                    grants.push(RoleGrant {
                        role: Role::Curator,
                        group_id: Some(g.group(gi)),
                        student_id: None,
                        from: None,
                        until: None,
                    });
                }
            }
            User {
                id: g.user(s.login),
                login: s.login.to_string(),
                full_name: s.full_name.to_string(),
                grants,
            }
        })
        .collect();
    let (child, child_row) = &roster[0][the_student];
    users.push(User {
        id: g.user("student"),
        login: "student".to_string(),
        full_name: child.full_name(),
        grants: vec![RoleGrant {
            role: Role::Student,
            group_id: Some(g.group(0)),
            student_id: Some(child_row.id),
            from: None,
            until: None,
        }],
    });
    let father = father_of(child, &mut Rng::for_key(seed, "parent"));
    users.push(User {
        id: g.user("parent"),
        login: "parent".to_string(),
        full_name: father.full_name(),
        grants: vec![RoleGrant {
            role: Role::Parent,
            group_id: None,
            student_id: Some(child_row.id),
            from: None,
            until: None,
        }],
    });

    // ---- subjects and loads (hours filled in once the lessons are known)
    let subjects: Vec<Subject> = SUBJECTS
        .iter()
        .map(|s| Subject {
            id: SubjectId(g.id("subject", s.name)),
            name: s.name.to_string(),
            short_name: s.short_name.to_string(),
            kind: s.kind,
            grading: Default::default(),
            module_id: s.module.map(|m| SubjectId(g.id("subject", m))),
        })
        .collect();
    let mut loads: Vec<Load> = LOADS
        .iter()
        .enumerate()
        .map(|(l, d)| Load {
            id: g.load(l),
            teacher_id: g.user(d.teacher),
            group_id: g.group(d.group),
            subject_id: subjects[d.subject].id,
            subgroup_id: d.subgroup.map(|n| g.subgroup(d.group, n)),
            from: d.only_semester.map_or(start, |s| g.cal.semesters[s].1),
            to: None,
            planned_hours: 0,
        })
        .collect();

    // ---- the year's lessons from the weekly pattern
    let mut slots: Vec<Slot> = Vec::new();
    let mut day = start;
    while day <= g.cal.year.ends_on {
        if let (true, Some(sem)) = (g.cal.is_school_day(day), g.cal.semester_of(day)) {
            let wd = day.weekday().num_days_from_monday() as usize;
            for (gi, gd) in GROUPS.iter().enumerate() {
                let Some(pattern) = gd.week.get(wd) else {
                    continue;
                };
                for (b, code) in pattern.chars().enumerate() {
                    for (l, ld) in LOADS.iter().enumerate() {
                        if ld.group == gi
                            && ld.code == code
                            && ld.only_semester.is_none_or(|s| s == sem)
                        {
                            slots.push(new_slot(&g, l, day, b as u8 + 1, ""));
                        }
                    }
                }
            }
        }
        day += Duration::days(1);
    }

    // ---- changes: substitutions («Замена») and one postponement («перенос»), on fixed days of
    // the year so that they do not move with "today".
    let find =
        |slots: &[Slot], group: usize, code: char, from: NaiveDate, weekday: Option<Weekday>| {
            slots.iter().position(|s| {
                let d = &LOADS[s.load];
                d.group == group
                    && d.code == code
                    && s.lesson.date >= from
                    && weekday.is_none_or(|w| s.lesson.date.weekday() == w)
                    && s.lesson.status == LessonStatus::Scheduled
                    && s.lesson.substitute_teacher_id.is_none()
            })
        };
    let busy = |slots: &[Slot], date: NaiveDate, bell: u8, who: UserId| {
        slots.iter().any(|s| {
            s.lesson.date == date
                && s.lesson.bell_number == bell
                && s.lesson.status == LessonStatus::Scheduled
                && (s.lesson.substitute_teacher_id == Some(who)
                    || (s.lesson.substitute_teacher_id.is_none()
                        && g.user(LOADS[s.load].teacher) == who))
        })
    };
    // `teacher` is replaced on a Monday, when she has another lesson too: she keeps lessons on
    // every school day.
    // (group, load code, who may replace, days after the year's start, on which weekday)
    type Substitution = (usize, char, &'static [&'static str], i64, Option<Weekday>);
    let substitutions: [Substitution; 3] = [
        (
            0,
            'R',
            &["curator", "teacher4", "teacher3"],
            24,
            Some(Weekday::Mon),
        ),
        (1, 'M', &["teacher", "teacher6", "teacher7"], 38, None),
        (2, 'P', &["teacher7", "teacher4", "curator"], 52, None),
    ];
    for (group, code, candidates, offset, weekday) in substitutions {
        if let Some(i) = find(&slots, group, code, start + Duration::days(offset), weekday) {
            let (date, bell) = (slots[i].lesson.date, slots[i].lesson.bell_number);
            if let Some(who) = candidates
                .iter()
                .map(|c| g.user(c))
                .find(|&u| !busy(&slots, date, bell, u))
            {
                slots[i].lesson.substitute_teacher_id = Some(who);
            }
        }
    }
    if let Some(i) = find(&slots, 0, 'M', start + Duration::days(45), None) {
        if let Some(moved) = g
            .cal
            .school_day_from(slots[i].lesson.date + Duration::days(7))
        {
            slots[i].lesson.status = LessonStatus::Postponed;
            slots[i].lesson.moved_to = Some(moved);
            // Pair 5 is free for every group and teacher in the weekly pattern.
            let l = slots[i].load;
            slots.push(new_slot(&g, l, moved, 5, "/перенос"));
        }
    }
    slots.sort_by_key(|s| (s.lesson.date, s.lesson.bell_number, s.load));

    // ---- КТП per load, stretched to the load's real hours; each lesson's hour topics
    let mut plan_topics = Vec::new();
    // For each slot: the plan topic (index into plan_topics) of hour 1 and hour 2.
    let mut hour_topics: Vec<[Option<usize>; 2]> = vec![[None, None]; slots.len()];
    for (l, load) in loads.iter_mut().enumerate() {
        let taught: Vec<usize> = (0..slots.len())
            .filter(|&i| slots[i].load == l && slots[i].lesson.status == LessonStatus::Scheduled)
            .collect();
        let hours: u32 = taught
            .iter()
            .map(|&i| u32::from(slots[i].lesson.hours))
            .sum();
        load.planned_hours = hours;
        let base = plan_topics.len();
        let mut per_hour = Vec::new();
        for (k, t) in lay_out(LOADS[l].syllabus, hours).into_iter().enumerate() {
            for _ in 0..t.hours {
                per_hour.push(base + k);
            }
            plan_topics.push(PlanTopic {
                id: TopicId(g.id("topic", &format!("{}/{}", g.load_key(l), k + 1))),
                load_id: load.id,
                ordinal: k as u32 + 1,
                title: t.title,
                hours: t.hours,
                work_type: t.work_type,
                work_number: t.work_number,
            });
        }
        let mut hour = per_hour.into_iter();
        for &i in &taught {
            hour_topics[i] = [hour.next(), hour.next()];
        }
    }

    // ---- student traits
    let mut traits: HashMap<StudentId, Traits> = HashMap::new();
    for s in &students {
        let mut r = Rng::for_key(seed, &format!("traits/{}", s.id));
        let ability = 3.2 + 1.7 * r.unit();
        let truancy = 0.01 + 0.09 * r.unit() * r.unit();
        let mut illnesses = Vec::new();
        for (_, from, to) in &g.cal.semesters {
            if r.chance(0.45) {
                let span = (*to - *from).num_days() - 10;
                let begin = *from + Duration::days(r.range(0, span.max(0)));
                illnesses.push((begin, begin + Duration::days(r.range(3, 8))));
            }
        }
        traits.insert(
            s.id,
            Traits {
                ability,
                truancy,
                illnesses,
            },
        );
    }

    // ---- the deputy's ВТК schedule: for each group, on its first load without subgroups, the
    // «Входной контроль» in the year's third week and the semester's administrative work in its
    // last fortnight, each on a day of that load's lesson. Every present student is marked there.
    let mut control_works = Vec::new();
    let first_semester_end = g.cal.semesters[0].2;
    for (gi, group) in GROUPS.iter().enumerate() {
        let Some(l) = LOADS
            .iter()
            .position(|d| d.group == gi && d.subgroup.is_none())
        else {
            continue;
        };
        let days: Vec<NaiveDate> = slots
            .iter()
            .map(|x| &x.lesson)
            .filter(|x| x.load_id == loads[l].id && x.status == LessonStatus::Scheduled)
            .map(|x| x.date)
            .collect();
        let entrance = days.iter().find(|d| **d >= start + Duration::days(14));
        let semester = days
            .iter()
            .rev()
            .find(|d| **d <= first_semester_end && **d >= first_semester_end - Duration::days(14));
        let works = [
            (
                entrance,
                "entrance",
                ControlForm::KnowledgeCut,
                "Входной контроль",
                MarkCriteria {
                    max_points: 20,
                    five: 18,
                    four: 14,
                    three: 10,
                },
            ),
            (
                semester,
                "semester-1",
                ControlForm::ControlWork,
                "Административная контрольная работа за 1 семестр",
                MarkCriteria {
                    max_points: 10,
                    five: 9,
                    four: 7,
                    three: 5,
                },
            ),
        ];
        for (date, key, form, title, criteria) in works {
            if let Some(date) = date {
                control_works.push(ControlWork {
                    id: ControlWorkId(g.id("control-work", &format!("{}/{key}", group.name))),
                    load_id: loads[l].id,
                    date: *date,
                    form,
                    title: title.into(),
                    vtk: true,
                    criteria: Some(criteria),
                });
            }
        }
    }

    let vtk_days: std::collections::HashSet<(LoadId, NaiveDate)> =
        control_works.iter().map(|w| (w.load_id, w.date)).collect();

    // ---- history: everything strictly before today
    let mut lessons = Vec::with_capacity(slots.len());
    let mut lesson_topics = Vec::new();
    let mut homework = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut late_homework: Option<(usize, NaiveDate)> = None;
    let mut late_homework_lesson = None;
    for (i, slot) in slots.iter().enumerate() {
        let lesson = &slot.lesson;
        lessons.push(lesson.clone());
        if lesson.date >= today || lesson.status != LessonStatus::Scheduled {
            continue;
        }
        let ld = &LOADS[slot.load];
        let load = &loads[slot.load];
        let author = lesson.substitute_teacher_id.unwrap_or(load.teacher_id);
        let starts = g.at(lesson.date, lesson.bell_number, true);
        let ends = g.at(lesson.date, lesson.bell_number, false);
        let mut r = Rng::for_key(seed, &format!("lesson/{}", lesson.id));

        let mut kinds = Vec::new();
        for (h, topic) in hour_topics[i].iter().enumerate() {
            let Some(t) = topic.map(|t| &plan_topics[t]) else {
                continue;
            };
            kinds.push(t.work_type);
            let offset = if h == 0 {
                r.range(3, 30)
            } else {
                r.range(50, 85)
            };
            lesson_topics.push(LessonTopic {
                lesson_id: lesson.id,
                hour: h as u8 + 1,
                plan_topic_id: Some(t.id),
                title: t.title.clone(),
                work_type: t.work_type,
                work_number: t.work_number,
                makeup_of: None,
                entered_at: starts + Duration::minutes(offset),
                author_id: author,
            });
        }
        let assessed = kinds
            .iter()
            .any(|k| matches!(k, WorkType::Control | WorkType::Written | WorkType::Test));
        let practical = kinds
            .iter()
            .any(|k| matches!(k, WorkType::Practical | WorkType::Laboratory));
        let written = kinds.contains(&WorkType::Written);

        // Homework (may be «не задано» = empty), usually within 1.5 h after the lesson.
        let templates = homework_templates(ld.subject);
        let raw = if assessed && r.chance(0.5) {
            String::new()
        } else {
            let p = r.range(12, 240);
            let a = r.range(10, 400);
            r.pick(templates)
                .replace("{p}", &p.to_string())
                .replace("{a}", &a.to_string())
                .replace("{b}", &(a + r.range(1, 6)).to_string())
        };
        // Stored as the app would store it (e.g. «индивидуальные задания» in its standard form).
        let text = journal_core::normalise_homework(&raw).unwrap_or(raw);
        let late = r.chance(0.04);
        let hw_at = ends
            + Duration::minutes(if late {
                r.range(95, 160)
            } else {
                r.range(2, 80)
            });
        if late && late_homework.is_none() && LOADS[slot.load].teacher == "teacher" {
            late_homework = Some((slot.load, lesson.date));
            late_homework_lesson = Some(lesson.id);
        }
        homework.push(Homework {
            lesson_id: lesson.id,
            text,
            entered_at: hw_at,
            author_id: author,
        });

        // Attendance and marks for the students of the group (subgroup) on that date.
        let double_allowed = g.policy.allows_double_mark(SUBJECTS[ld.subject].name);
        let vtk = vtk_days.contains(&(lesson.load_id, lesson.date));
        let mark_chance = if vtk {
            1.0
        } else if assessed {
            0.97
        } else if practical {
            0.45
        } else {
            0.14
        };
        for m in memberships.iter().filter(|m| {
            m.group_id == load.group_id
                && m.from <= lesson.date
                && m.to.is_none_or(|t| lesson.date <= t)
                && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
        }) {
            let Some(t) = traits.get(&m.student_id) else {
                continue;
            };
            let mut entries = Vec::new();
            let absence = if t
                .illnesses
                .iter()
                .any(|(a, b)| *a <= lesson.date && lesson.date <= *b)
            {
                Some(Absence::Ill)
            } else if r.chance(t.truancy) {
                Some(Absence::Absent)
            } else if r.chance(0.012) {
                Some(Absence::Excused)
            } else {
                None
            };
            if let Some(a) = absence {
                entries.push(CellEntry::Absence { absence: a });
            } else if r.chance(mark_chance) {
                let first = draw_mark(&mut r, t.ability);
                let double = double_allowed && r.chance(if written { 0.85 } else { 0.08 });
                match (first, double) {
                    (Some(first), true) => {
                        if let Some(second) = draw_mark(&mut r, t.ability + 0.3) {
                            entries.push(CellEntry::DoubleMark { first, second });
                        }
                    }
                    (Some(value), false) => entries.push(CellEntry::Mark { value }),
                    (None, _) => {}
                }
            }
            if entries.is_empty() {
                continue;
            }
            let has_mark = entries
                .iter()
                .any(|e| !matches!(e, CellEntry::Absence { .. }));
            let entered_at = if has_mark {
                ends + Duration::minutes(r.range(1, 100))
            } else {
                starts + Duration::minutes(r.range(2, 15))
            };
            cells.push(Cell {
                lesson_id: lesson.id,
                student_id: m.student_id,
                value: CellValue { entries },
                entered_at,
                author_id: author,
            });
        }
    }

    // ---- finals and locks for the semesters that ended before today
    let mut finals = Vec::new();
    let mut locks = Vec::new();
    // Cells of each student in each load and semester, for the suggested finals.
    let lesson_index: HashMap<LessonId, usize> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| (s.lesson.id, i))
        .collect();
    let mut by_student_load_semester: HashMap<(StudentId, usize, usize), Vec<CellValue>> =
        HashMap::new();
    for c in &cells {
        if let Some(&i) = lesson_index.get(&c.lesson_id) {
            if let Some(sem) = g.cal.semester_of(slots[i].lesson.date) {
                by_student_load_semester
                    .entry((c.student_id, slots[i].load, sem))
                    .or_default()
                    .push(c.value.clone());
            }
        }
    }
    for (s, (_, from, to)) in g.cal.semesters.iter().enumerate() {
        if *to >= today {
            continue;
        }
        let Some(last_day) = g.cal.school_day_until(*to) else {
            continue;
        };
        let set_at =
            last_day.and_time(NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN));
        for (l, load) in loads.iter().enumerate() {
            let in_period = |slot: &Slot| {
                slot.load == l
                    && slot.lesson.status == LessonStatus::Scheduled
                    && *from <= slot.lesson.date
                    && slot.lesson.date <= *to
            };
            if !slots.iter().any(in_period) {
                continue;
            }
            for m in memberships.iter().filter(|m| {
                m.group_id == load.group_id
                    && m.from <= *to
                    && m.to.is_none_or(|t| t >= *to)
                    && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            }) {
                let marks: &[CellValue] = by_student_load_semester
                    .get(&(m.student_id, l, s))
                    .map_or(&[], Vec::as_slice);
                let value =
                    journal_core::finals::suggest_final_with(marks, g.policy.final_rounding)
                        .unwrap_or_else(|| {
                            let ill_at_end = traits.get(&m.student_id).is_some_and(|t| {
                                t.illnesses
                                    .iter()
                                    .any(|(_, b)| *b + Duration::days(10) >= *to && *b <= *to)
                            });
                            if ill_at_end {
                                FinalValue::Deferred
                            } else {
                                FinalValue::NotAttested
                            }
                        });
                finals.push(Final {
                    load_id: load.id,
                    period_id: periods[s].id,
                    student_id: m.student_id,
                    column: journal_core::FinalColumn::Period,
                    value,
                    entered_at: set_at,
                    author_id: load.teacher_id,
                });
            }
            if g.policy.lock_after_finals {
                locks.push(PeriodLock {
                    load_id: load.id,
                    period_id: periods[s].id,
                    locked_at: set_at + Duration::minutes(30),
                    locked_by: load.teacher_id,
                });
            }
        }
    }

    // ---- remarks from the deputy to `teacher`
    let mut remarks = Vec::new();
    let deputy = g.user("deputy");
    let midnight = today.and_time(NaiveTime::MIN);
    if let Some((l, date)) = late_homework {
        if let Some(next) = g.cal.school_day_from(date + Duration::days(1)) {
            let created =
                next.and_time(NaiveTime::from_hms_opt(9, 40, 0).unwrap_or(NaiveTime::MIN));
            if created < midnight {
                let resolved = created + Duration::hours(5);
                let mut remark = Remark::new(
                    g.id("remark", "late-homework"),
                    loads[l].id,
                    deputy,
                    created,
                    format!(
                        "Домашнее задание к занятию {} записано позже чем через 1,5 часа после \
                         окончания занятия. Записывать домашнее задание своевременно.",
                        date.format("%d.%m.%Y")
                    ),
                );
                remark.lesson_id = late_homework_lesson;
                remark.deadline = Some(created.date() + Duration::days(7));
                if resolved < midnight {
                    // The demo's own text: never empty, and the remark is open.
                    let _ = remark.answer(
                        loads[l].teacher_id,
                        "Домашнее задание записывается в день занятия.",
                        resolved,
                    );
                }
                remarks.push(remark);
            }
        }
    }
    if let Some(check) = g.cal.school_day_from(start + Duration::days(56)) {
        let created = check.and_time(NaiveTime::from_hms_opt(11, 15, 0).unwrap_or(NaiveTime::MIN));
        if created < midnight {
            if let Some(l) = LOADS
                .iter()
                .position(|d| d.teacher == "teacher" && d.group == 1)
            {
                let mut remark = Remark::new(
                    g.id("remark", "check-1"),
                    loads[l].id,
                    deputy,
                    created,
                    format!(
                        "Проверка журнала {}: в домашнем задании указывать номера упражнений и \
                         страницы учебника; темы сочинений записывать полностью, как в КТП.",
                        check.format("%d.%m.%Y")
                    ),
                );
                remark.date_from = Some(start);
                remark.date_to = Some(check);
                remark.deadline = Some(check + Duration::days(7));
                remarks.push(remark);
            }
        }
    }

    Snapshot {
        institution,
        year: g.cal.year.clone(),
        periods,
        holidays: g.cal.holidays.clone(),
        bells: g.cal.bells.clone(),
        users,
        groups,
        subgroups,
        students,
        memberships,
        subjects,
        loads,
        plan_topics,
        lessons,
        lesson_topics,
        homework,
        cells,
        finals,
        locks,
        remarks,
        reopenings: Vec::new(),
        rooms: Vec::new(),
        later_shift_bells: Vec::new(),
        curriculum: Vec::new(),
        individual_plans: Vec::new(),
        departments: Vec::new(),
        control_works,
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    }
}

fn new_slot(g: &Gen, l: usize, date: NaiveDate, bell: u8, suffix: &str) -> Slot {
    let key = format!("{}/{}/{}{}", g.load_key(l), date, bell, suffix);
    Slot {
        lesson: Lesson {
            id: LessonId(g.id("lesson", &key)),
            load_id: g.load(l),
            date,
            bell_number: bell,
            hours: PAIR_HOURS,
            room: Some(LOADS[l].room.to_string()),
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        },
        load: l,
    }
}

/// A mark around the student's ability: mostly 4 and 5, some 3, rarely 2.
fn draw_mark(r: &mut Rng, ability: f64) -> Option<MarkValue> {
    let noise = (r.unit() + r.unit() + r.unit() - 1.5) * 1.1;
    let v = (ability + noise).round().clamp(2.0, 5.0) as u8;
    MarkValue::new(v).ok()
}
