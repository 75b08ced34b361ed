//! Indexes over a snapshot for printing: who is in a group when, a load's lessons in order, cells,
//! topics, homework and finals by key.

use chrono::NaiveDate;
use journal_core::{
    CellValue, FinalColumn, FinalValue, GroupId, LessonId, LoadId, PeriodId, StudentId, SubjectId,
    UserId,
};
use journal_protocol::{
    Group, Homework, Lesson, LessonStatus, LessonTopic, Load, Membership, Period, Snapshot,
    Student, Subject, SubjectKind, User,
};
use std::collections::HashMap;

pub(crate) struct Model<'a> {
    pub snap: &'a Snapshot,
    pub students: HashMap<StudentId, &'a Student>,
    pub users: HashMap<UserId, &'a User>,
    pub subjects: HashMap<SubjectId, &'a Subject>,
    pub lessons_by_load: HashMap<LoadId, Vec<&'a Lesson>>,
    pub cells: HashMap<(LessonId, StudentId), &'a CellValue>,
    pub topics: HashMap<LessonId, Vec<&'a LessonTopic>>,
    pub homework: HashMap<LessonId, &'a Homework>,
    /// Period finals.
    pub finals: HashMap<(LoadId, PeriodId, StudentId), &'a FinalValue>,
    /// The exam's marks and the year finals, by their column.
    pub other_finals: HashMap<(LoadId, PeriodId, StudentId, FinalColumn), &'a FinalValue>,
}

/// Russian alphabetical key (ё sorts with е).
pub fn sort_key(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

impl<'a> Model<'a> {
    pub fn new(snap: &'a Snapshot) -> Self {
        let mut lessons_by_load: HashMap<LoadId, Vec<&Lesson>> = HashMap::new();
        for l in &snap.lessons {
            lessons_by_load.entry(l.load_id).or_default().push(l);
        }
        for v in lessons_by_load.values_mut() {
            v.sort_by_key(|l| (l.date, l.bell_number));
        }
        let mut topics: HashMap<LessonId, Vec<&LessonTopic>> = HashMap::new();
        for t in &snap.lesson_topics {
            topics.entry(t.lesson_id).or_default().push(t);
        }
        for v in topics.values_mut() {
            v.sort_by_key(|t| t.hour);
        }
        Self {
            snap,
            students: snap.students.iter().map(|s| (s.id, s)).collect(),
            users: snap.users.iter().map(|u| (u.id, u)).collect(),
            subjects: snap.subjects.iter().map(|s| (s.id, s)).collect(),
            lessons_by_load,
            cells: snap
                .cells
                .iter()
                .map(|c| ((c.lesson_id, c.student_id), &c.value))
                .collect(),
            topics,
            homework: snap.homework.iter().map(|h| (h.lesson_id, h)).collect(),
            finals: snap
                .finals
                .iter()
                .filter(|f| f.column.is_period())
                .map(|f| ((f.load_id, f.period_id, f.student_id), &f.value))
                .collect(),
            other_finals: snap
                .finals
                .iter()
                .filter(|f| !f.column.is_period())
                .map(|f| ((f.load_id, f.period_id, f.student_id, f.column), &f.value))
                .collect(),
        }
    }

    /// Whether a load's page has `column` in `period`: the exam's where the учебный план ends
    /// the period with an exam, the year's in the year's last period where the policy keeps year
    /// finals — or, either way, where a value was given in it.
    pub fn has_final_column(&self, load: &Load, period: &Period, column: FinalColumn) -> bool {
        let by_plan = match column {
            FinalColumn::Period => true,
            FinalColumn::Exam => self.snap.curriculum.iter().any(|c| {
                c.group_id == load.group_id
                    && c.subject_id == load.subject_id
                    && c.period_id == period.id
                    && c.attestation.is_some_and(|a| a.has_exam())
            }),
            FinalColumn::Year => {
                self.snap.institution.policy.year_finals
                    && self
                        .snap
                        .periods
                        .iter()
                        .all(|p| p.ends_on <= period.ends_on)
            }
        };
        by_plan
            || self
                .other_finals
                .keys()
                .any(|(l, p, _, c)| *l == load.id && *p == period.id && *c == column)
    }

    pub fn group(&self, id: GroupId) -> Option<&'a Group> {
        self.snap.groups.iter().find(|g| g.id == id)
    }

    pub fn user_name(&self, id: UserId) -> String {
        self.users
            .get(&id)
            .map(|u| u.full_name.clone())
            .unwrap_or_default()
    }

    pub fn subject_name(&self, load: &Load) -> String {
        let name = self
            .subjects
            .get(&load.subject_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        match load
            .subgroup_id
            .and_then(|sg| self.snap.subgroups.iter().find(|s| s.id == sg))
        {
            Some(sg) => format!("{name} ({})", sg.name),
            None => name,
        }
    }

    /// Whether the load is внеурочная деятельность (003 п. 3.1).
    pub fn is_extracurricular(&self, load: &Load) -> bool {
        self.subjects
            .get(&load.subject_id)
            .is_some_and(|s| s.kind == SubjectKind::Extracurricular)
    }

    /// Whether the load is учебная or производственная практика (its pages name the master).
    pub fn is_practice(&self, load: &Load) -> bool {
        self.subjects
            .get(&load.subject_id)
            .is_some_and(|s| s.kind == SubjectKind::Practice)
    }

    /// The title of a load's section: the subject's name, or for внеурочная деятельность
    /// «Журнал внеурочной деятельности: …», so that its pages are not taken for a subject's.
    pub fn section_title(&self, load: &Load) -> String {
        let name = self.subject_name(load);
        if self.is_extracurricular(load) {
            format!("Журнал внеурочной деятельности: {name}")
        } else {
            name
        }
    }

    /// The group's loads in curriculum order: disciplines, МДК, modules, practice, then
    /// внеурочная деятельность; then by name.
    pub fn loads_of_group(&self, group: GroupId) -> Vec<&'a Load> {
        let mut loads: Vec<&Load> = self
            .snap
            .loads
            .iter()
            .filter(|l| l.group_id == group)
            .collect();
        loads.sort_by_key(|l| {
            let s = self.subjects.get(&l.subject_id);
            let kind = match s.map(|s| s.kind) {
                Some(SubjectKind::Discipline) | None => 0,
                Some(SubjectKind::Mdk) => 1,
                Some(SubjectKind::Module) => 2,
                Some(SubjectKind::Practice) => 3,
                Some(SubjectKind::Extracurricular) => 4,
            };
            (kind, sort_key(&self.subject_name(l)), l.from)
        });
        loads
    }

    /// Lessons of a load that took place (not cancelled or moved) between two dates.
    pub fn lessons(&self, load: LoadId, from: NaiveDate, to: NaiveDate) -> Vec<&'a Lesson> {
        self.lessons_by_load
            .get(&load)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|l| {
                        l.status == LessonStatus::Scheduled && l.date >= from && l.date <= to
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn memberships_matching(
        &self,
        group: GroupId,
        subgroup: Option<journal_core::SubgroupId>,
    ) -> Vec<&'a Membership> {
        self.snap
            .memberships
            .iter()
            .filter(|m| m.group_id == group && (subgroup.is_none() || m.subgroup_id == subgroup))
            .collect()
    }

    /// Students who were in the group (subgroup) at any time between the dates, alphabetically.
    pub fn students_of(
        &self,
        group: GroupId,
        subgroup: Option<journal_core::SubgroupId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<&'a Student> {
        let mut ids: Vec<StudentId> = self
            .memberships_matching(group, subgroup)
            .into_iter()
            .filter(|m| m.from <= to && m.to.is_none_or(|t| t >= from))
            .map(|m| m.student_id)
            .collect();
        ids.sort();
        ids.dedup();
        let mut v: Vec<&Student> = ids
            .iter()
            .filter_map(|id| self.students.get(id).copied())
            .collect();
        v.sort_by_key(|s| (sort_key(&s.last_name), sort_key(&s.first_name), s.id));
        v
    }

    /// The students on a load's pages between the dates: the group's (subgroup's), less those who
    /// study by an individual plan without this load (`Snapshot::studies_load`).
    pub fn students_of_load(
        &self,
        load: &journal_protocol::Load,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<&'a Student> {
        self.students_of(load.group_id, load.subgroup_id, from, to)
            .into_iter()
            .filter(|s| self.snap.studies_load(s.id, load))
            .collect()
    }

    /// Whether a student belonged to the group (subgroup) on a date.
    pub fn member_on(
        &self,
        student: StudentId,
        group: GroupId,
        subgroup: Option<journal_core::SubgroupId>,
        date: NaiveDate,
    ) -> bool {
        self.snap.memberships.iter().any(|m| {
            m.student_id == student
                && m.group_id == group
                && (subgroup.is_none() || m.subgroup_id == subgroup)
                && m.from <= date
                && m.to.is_none_or(|t| t >= date)
        })
    }

    pub fn memberships_of(&self, student: StudentId) -> Vec<&'a Membership> {
        self.snap
            .memberships
            .iter()
            .filter(|m| m.student_id == student)
            .collect()
    }

    pub fn periods(&self) -> Vec<&'a Period> {
        let mut p: Vec<&Period> = self.snap.periods.iter().collect();
        p.sort_by_key(|p| (p.starts_on, p.ordinal));
        p
    }

    pub fn period_of(&self, date: NaiveDate) -> Option<&'a Period> {
        self.snap
            .periods
            .iter()
            .find(|p| p.starts_on <= date && date <= p.ends_on)
    }

    /// The right page's text for a lesson: the topic of each hour, work type, substitution.
    pub fn topic_text(&self, lesson: &Lesson) -> String {
        let topics = self
            .topics
            .get(&lesson.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut parts = Vec::new();
        for t in topics {
            let mut s = String::new();
            if topics.len() > 1 {
                s.push_str(&format!("{} ч.: ", t.hour));
            }
            s.push_str(&t.title);
            use journal_core::WorkType as W;
            if !matches!(t.work_type, W::Lesson | W::Lecture) {
                s.push_str(&format!(" ({}", t.work_type.name_ru()));
                if let Some(n) = t.work_number {
                    s.push_str(&format!(" № {n}"));
                }
                s.push(')');
            }
            if t.makeup_of.is_some() {
                s.push_str(" — отработка");
            }
            parts.push(s);
        }
        // The schedule of control works: the work written at this lesson, as the deputy planned it.
        if let Some(w) = self
            .snap
            .control_works
            .iter()
            .find(|w| w.load_id == lesson.load_id && w.date == lesson.date)
        {
            let kind = if w.vtk {
                "ВТК"
            } else {
                "По графику"
            };
            parts.push(format!("{kind}: {} «{}»", w.form.name_ru(), w.title));
        }
        if let Some(sub) = lesson.substitute_teacher_id {
            parts.push(format!("Замена: {}", self.user_name(sub)));
        }
        parts.join("\n")
    }

    pub fn homework_text(&self, lesson: LessonId) -> String {
        self.homework
            .get(&lesson)
            .map(|h| h.text.clone())
            .unwrap_or_default()
    }
}
