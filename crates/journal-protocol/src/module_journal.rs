//! A group's «журнал учета обучения по профессиональному модулю» (000 пп. 1.5–1.7, 002 п. 6.5): the
//! loads of the МДК and practices under the module (`Subject::module_id`), and the module's
//! «Сводная ведомость» — each student's period and exam finals of each МДК and practice, the
//! квалификационный экзамен (the module's own load, its exam column) and whether the вид
//! профессиональной деятельности is mastered. Computed once, pure: the print and the app's
//! read-only summary show the same rows.

use chrono::NaiveDate;
use journal_core::{FinalColumn, FinalValue, GroupId, LoadId, PeriodId, StudentId, SubjectId};
use serde::Serialize;

use crate::snapshot::{Load, Snapshot, SubjectKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModuleJournalError {
    #[error("Профессиональный модуль не найден: выберите предмет вида «ПМ»")]
    ModuleNotFound(SubjectId),
    #[error("Группа не найдена")]
    GroupNotFound(GroupId),
}

impl ModuleJournalError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ModuleJournalError::ModuleNotFound(_) => "module_not_found",
            ModuleJournalError::GroupNotFound(_) => "group_not_found",
        }
    }
}

/// One column of the summary: a part's (МДК's or practice's) final of a period, in its column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleSummaryColumn {
    pub subject_id: SubjectId,
    pub subject_name: String,
    pub short_name: String,
    pub kind: SubjectKind,
    pub period_id: PeriodId,
    pub period_name: String,
    /// The period final or the exam's mark.
    pub column: FinalColumn,
}

impl ModuleSummaryColumn {
    /// «МДК.01.01, 1 семестр» or «МДК.01.01, 1 семестр, экзамен».
    pub fn heading_ru(&self) -> String {
        match self.column {
            FinalColumn::Period => format!("{}, {}", self.short_name, self.period_name),
            other => format!(
                "{}, {}, {}",
                self.short_name,
                self.period_name,
                other.heading_ru().to_lowercase()
            ),
        }
    }
}

/// A student's line of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleSummaryRow {
    pub student_id: StudentId,
    pub full_name: String,
    /// One per column, in the columns' order.
    pub finals: Vec<Option<FinalValue>>,
    /// The квалификационный экзамен's mark.
    pub qualifying_exam: Option<FinalValue>,
    /// «ВПД освоен» (true) / «ВПД не освоен» (false); None while the exam is not held.
    pub mastered: Option<bool>,
}

impl ModuleSummaryRow {
    /// «ВПД освоен», «ВПД не освоен» or empty.
    pub fn mastered_ru(&self) -> &'static str {
        match self.mastered {
            Some(true) => "ВПД освоен",
            Some(false) => "ВПД не освоен",
            None => "",
        }
    }
}

/// The module's journal of a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleSummary {
    pub group_id: GroupId,
    pub module_id: SubjectId,
    pub module_name: String,
    /// The group's loads of the module's МДК, then of its practices, by name.
    pub part_loads: Vec<LoadId>,
    /// The group's loads of the module itself (the квалификационный экзамен's).
    pub module_loads: Vec<LoadId>,
    pub columns: Vec<ModuleSummaryColumn>,
    pub rows: Vec<ModuleSummaryRow>,
}

/// Alphabetical key (ё sorts with е).
fn sort_key(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

impl Snapshot {
    /// The modules whose МДК or practice a group has a load of (or whose own load it has), by
    /// name: what a module journal can be printed for.
    pub fn modules_of_group(&self, group_id: GroupId) -> Vec<SubjectId> {
        let mut modules: Vec<(String, SubjectId)> = Vec::new();
        for l in self.loads.iter().filter(|l| l.group_id == group_id) {
            let Some(s) = self.subjects.iter().find(|s| s.id == l.subject_id) else {
                continue;
            };
            let module = if s.kind == SubjectKind::Module {
                Some(s)
            } else {
                s.module_id
                    .and_then(|m| self.subjects.iter().find(|x| x.id == m))
            };
            if let Some(m) = module.filter(|m| m.kind == SubjectKind::Module) {
                if !modules.iter().any(|(_, id)| *id == m.id) {
                    modules.push((sort_key(&m.name), m.id));
                }
            }
        }
        modules.sort();
        modules.into_iter().map(|(_, id)| id).collect()
    }

    /// A group's loads of a module: of its МДК and practices and of the module itself — what its
    /// journal shows, so whoever may print one of them prints the journal.
    pub fn module_loads(
        &self,
        group_id: GroupId,
        module_id: SubjectId,
    ) -> Result<Vec<LoadId>, ModuleJournalError> {
        if !self
            .subjects
            .iter()
            .any(|s| s.id == module_id && s.kind == SubjectKind::Module)
        {
            return Err(ModuleJournalError::ModuleNotFound(module_id));
        }
        if !self.groups.iter().any(|g| g.id == group_id) {
            return Err(ModuleJournalError::GroupNotFound(group_id));
        }
        let of_module = |l: &Load| {
            l.subject_id == module_id
                || self
                    .subjects
                    .iter()
                    .any(|s| s.id == l.subject_id && s.module_id == Some(module_id))
        };
        Ok(self
            .loads
            .iter()
            .filter(|l| l.group_id == group_id && of_module(l))
            .map(|l| l.id)
            .collect())
    }

    /// The module journal of a group for the students in the group between `from` and `to`.
    pub fn module_summary(
        &self,
        group_id: GroupId,
        module_id: SubjectId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ModuleSummary, ModuleJournalError> {
        let module = self
            .subjects
            .iter()
            .find(|s| s.id == module_id && s.kind == SubjectKind::Module)
            .ok_or(ModuleJournalError::ModuleNotFound(module_id))?;
        if !self.groups.iter().any(|g| g.id == group_id) {
            return Err(ModuleJournalError::GroupNotFound(group_id));
        }
        let subject = |l: &Load| self.subjects.iter().find(|s| s.id == l.subject_id);
        let mut parts: Vec<&Load> = self
            .loads
            .iter()
            .filter(|l| l.group_id == group_id)
            .filter(|l| subject(l).is_some_and(|s| s.module_id == Some(module_id)))
            .collect();
        parts.sort_by_key(|l| {
            let s = subject(l);
            let practice = s.is_some_and(|s| s.kind == SubjectKind::Practice);
            (
                practice,
                sort_key(s.map(|s| s.name.as_str()).unwrap_or_default()),
                l.subgroup_id,
                l.from,
            )
        });
        let module_loads: Vec<&Load> = self
            .loads
            .iter()
            .filter(|l| l.group_id == group_id && l.subject_id == module_id)
            .collect();

        let mut periods: Vec<_> = self.periods.iter().collect();
        periods.sort_by_key(|p| (p.starts_on, p.ordinal));
        // A part's subject (subgroups share it) in the parts' order.
        let mut subjects: Vec<SubjectId> = Vec::new();
        for l in &parts {
            if !subjects.contains(&l.subject_id) {
                subjects.push(l.subject_id);
            }
        }
        let mut columns: Vec<ModuleSummaryColumn> = Vec::new();
        for sid in &subjects {
            let Some(s) = self.subjects.iter().find(|s| s.id == *sid) else {
                continue;
            };
            let loads: Vec<LoadId> = parts
                .iter()
                .filter(|l| l.subject_id == *sid)
                .map(|l| l.id)
                .collect();
            for p in &periods {
                let plan = self.curriculum.iter().find(|c| {
                    c.group_id == group_id && c.subject_id == *sid && c.period_id == p.id
                });
                let taught = self.lessons.iter().any(|x| {
                    loads.contains(&x.load_id) && p.starts_on <= x.date && x.date <= p.ends_on
                });
                let given = |column: FinalColumn| {
                    self.finals.iter().any(|f| {
                        loads.contains(&f.load_id) && f.period_id == p.id && f.column == column
                    })
                };
                let exam = plan
                    .and_then(|c| c.attestation)
                    .is_some_and(|a| a.has_exam())
                    || given(FinalColumn::Exam);
                if !(plan.is_some() || taught || given(FinalColumn::Period) || exam) {
                    continue;
                }
                let column = |column| ModuleSummaryColumn {
                    subject_id: s.id,
                    subject_name: s.name.clone(),
                    short_name: s.short_name.clone(),
                    kind: s.kind,
                    period_id: p.id,
                    period_name: p.name.clone(),
                    column,
                };
                if exam {
                    columns.push(column(FinalColumn::Exam));
                }
                columns.push(column(FinalColumn::Period));
            }
        }

        let mut students: Vec<StudentId> = self
            .memberships
            .iter()
            .filter(|m| m.group_id == group_id && m.from <= to && m.to.is_none_or(|t| t >= from))
            .map(|m| m.student_id)
            .collect();
        students.sort();
        students.dedup();
        let mut students: Vec<_> = students
            .iter()
            .filter_map(|id| self.students.iter().find(|s| s.id == *id))
            .collect();
        students.sort_by_key(|s| (sort_key(&s.last_name), sort_key(&s.first_name), s.id));

        let final_of = |loads: &mut dyn Iterator<Item = LoadId>,
                        period: PeriodId,
                        column: FinalColumn,
                        student: StudentId| {
            let loads: Vec<LoadId> = loads.collect();
            self.finals
                .iter()
                .find(|f| {
                    loads.contains(&f.load_id)
                        && f.period_id == period
                        && f.column == column
                        && f.student_id == student
                })
                .map(|f| f.value)
        };
        let rows = students
            .into_iter()
            .map(|st| {
                let finals = columns
                    .iter()
                    .map(|c| {
                        let mut loads = parts
                            .iter()
                            .filter(|l| l.subject_id == c.subject_id)
                            .map(|l| l.id);
                        final_of(&mut loads, c.period_id, c.column, st.id)
                    })
                    .collect();
                // The last period's exam of the module's own load.
                let qualifying_exam = periods.iter().rev().find_map(|p| {
                    final_of(
                        &mut module_loads.iter().map(|l| l.id),
                        p.id,
                        FinalColumn::Exam,
                        st.id,
                    )
                });
                ModuleSummaryRow {
                    student_id: st.id,
                    full_name: st.full_name(),
                    finals,
                    mastered: qualifying_exam.and_then(|v| v.masters_module()),
                    qualifying_exam,
                }
            })
            .collect();
        Ok(ModuleSummary {
            group_id,
            module_id,
            module_name: module.name.clone(),
            part_loads: parts.iter().map(|l| l.id).collect(),
            module_loads: module_loads.iter().map(|l| l.id).collect(),
            columns,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::{at, day, ld, sample, st, uid};
    use crate::snapshot::{AttestationForm, CurriculumLine, Final, Subject};
    use journal_core::{MarkValue, UserId};

    fn mark(v: u8) -> FinalValue {
        FinalValue::Mark {
            value: MarkValue::new(v).unwrap_or_else(|e| panic!("{v} is a mark: {e}")),
        }
    }

    /// The sample's «Математика» made an МДК of a new module, with the module's own load in G1
    /// and an exam at the end of the semester.
    fn with_module() -> (Snapshot, SubjectId, LoadId) {
        let mut s = sample();
        let module = SubjectId(uid(51));
        s.subjects[0].kind = SubjectKind::Mdk;
        s.subjects[0].module_id = Some(module);
        s.subjects.push(Subject {
            id: module,
            name: "ПМ.01 Разработка модулей".into(),
            short_name: "ПМ.01".into(),
            kind: SubjectKind::Module,
            grading: Default::default(),
            module_id: None,
        });
        let mut module_load = s.loads[0].clone();
        module_load.id = ld(9);
        module_load.subject_id = module;
        s.loads.push(module_load);
        let period = s.periods[0].id;
        s.curriculum.push(CurriculumLine {
            group_id: s.loads[0].group_id,
            subject_id: s.subjects[0].id,
            period_id: period,
            hours: 72,
            attestation: Some(AttestationForm::Exam),
        });
        let final_ = |load, student, column, value| Final {
            load_id: load,
            period_id: period,
            student_id: student,
            column,
            value,
            entered_at: at(30),
            author_id: UserId(uid(1)),
        };
        s.finals.extend([
            final_(ld(1), st(1), FinalColumn::Exam, mark(4)),
            final_(ld(9), st(1), FinalColumn::Exam, mark(4)),
            final_(ld(9), st(2), FinalColumn::Exam, mark(2)),
            final_(ld(9), st(4), FinalColumn::Exam, FinalValue::Deferred),
        ]);
        (s, module, ld(9))
    }

    #[test]
    fn the_summary_has_each_parts_finals_and_the_qualifying_exam() {
        let (s, module, module_load) = with_module();
        let g1 = s.loads[0].group_id;
        let summary = s
            .module_summary(g1, module, day(1), day(31))
            .unwrap_or_else(|e| panic!("the module's journal: {e}"));
        assert_eq!(
            summary.module_loads,
            vec![module_load],
            "the module's own load"
        );
        assert_eq!(
            summary.part_loads.len(),
            3,
            "the МДК's three loads of G1 (the group's and two subgroups')"
        );
        let headings: Vec<String> = summary.columns.iter().map(|c| c.heading_ru()).collect();
        assert_eq!(
            headings,
            vec!["Мат., 1 семестр, экзамен", "Мат., 1 семестр"],
            "the exam's column before the period final it feeds"
        );
        let row = |n| {
            summary
                .rows
                .iter()
                .find(|r| r.student_id == st(n))
                .unwrap_or_else(|| panic!("S{n} has a row"))
        };
        assert_eq!(
            row(1).finals,
            vec![Some(mark(4)), Some(FinalValue::Pass)],
            "S1's exam and period final"
        );
        assert_eq!(
            (row(1).qualifying_exam, row(1).mastered_ru()),
            (Some(mark(4)), "ВПД освоен"),
            "4 at the квалификационный экзамен masters the module"
        );
        assert_eq!(row(2).mastered_ru(), "ВПД не освоен", "2 does not");
        assert_eq!(row(4).mastered_ru(), "", "a deferred exam says nothing yet");
        assert!(
            summary.rows.iter().all(|r| r.student_id != st(3)),
            "S3 of the other group is not on G1's summary"
        );
    }

    #[test]
    fn a_group_lists_the_modules_of_its_loads_and_anything_else_is_refused() {
        let (s, module, _) = with_module();
        let g1 = s.loads[0].group_id;
        assert_eq!(
            s.modules_of_group(g1),
            vec![module],
            "G1 has the module's МДК"
        );
        let maths = s.subjects[0].id;
        assert_eq!(
            s.module_summary(g1, maths, day(1), day(31))
                .err()
                .map(|e| e.code()),
            Some("module_not_found"),
            "an МДК is not a module"
        );
        assert_eq!(
            s.module_summary(crate::snapshot::tests::g_unknown(), module, day(1), day(31))
                .err()
                .map(|e| e.code()),
            Some("group_not_found"),
            "no such group"
        );
    }
}
