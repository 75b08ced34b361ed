//! «Посещаемость группы» (issue 13 item 3; 004 keeps absences on the group's page): one day of a
//! group — every lesson the copy has and each student's cell in it — and the curator's reason for
//! a student's absences of the day from a note («н» → «б» or «п» in every lesson of that day at
//! once). Each changed cell is an ordinary `SetCell` op through the same checks as a single cell
//! (journal-core's `authorise_cell_change`: the curator may give a reason, not a mark); all are
//! checked before any is recorded, so a refusal changes nothing.

use super::*;
use journal_core::{Absence, CellEntry, GroupId};

impl Journal {
    /// The groups whose day the user may look at: the curated ones first, then those of their
    /// loads, each once.
    pub fn attendance_groups(&self) -> Result<Vec<GroupChoice>, ApiError> {
        let curated: HashSet<GroupId> = self
            .me
            .grants
            .iter()
            .filter(|g| g.role == Role::Curator)
            .filter_map(|g| g.group_id)
            .collect();
        let taught: HashSet<GroupId> = self.loads()?.iter().map(|l| l.group_id).collect();
        let mut out: Vec<GroupChoice> = self
            .store
            .groups()?
            .into_iter()
            .filter(|g| curated.contains(&g.id) || taught.contains(&g.id))
            .map(|g| GroupChoice {
                curated: curated.contains(&g.id),
                id: g.id,
                name: g.name,
            })
            .collect();
        out.sort_by(|a, b| b.curated.cmp(&a.curated).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// The group's lessons on `date` that the user may read, in bell order, and every student on
    /// any of their lists with the cell of each (`None`: not on that lesson's list).
    pub fn group_day(&self, group_id: GroupId, date: NaiveDate) -> Result<GroupDay, ApiError> {
        let group = self
            .store
            .groups()?
            .into_iter()
            .find(|g| g.id == group_id)
            .ok_or_else(|| ApiError::not_found("Группа", group_id))?;
        let mut lessons = Vec::new();
        let mut details = Vec::new();
        for s in self.store.lessons_on_date(date)? {
            if s.group_id != group_id || s.lesson.status != LessonStatus::Scheduled {
                continue;
            }
            let load = self.load_row(s.lesson.load_id)?;
            if self.check_read(&load.load).is_err() {
                continue;
            }
            let teacher = s.lesson.substitute_teacher_id.unwrap_or(s.teacher_id);
            lessons.push(GroupDayLesson {
                id: s.lesson.id,
                bell_number: s.lesson.bell_number,
                subject_name: s.subject_name.clone(),
                subgroup_name: s.subgroup_name.clone(),
                teacher_name: self
                    .store
                    .user(teacher)?
                    .map(|u| u.full_name)
                    .unwrap_or_default(),
            });
            details.push(self.lesson_detail_row(s.lesson.id)?);
        }
        let mut rows: Vec<GroupDayRow> = Vec::new();
        for (i, d) in details.iter().enumerate() {
            for r in &d.roster {
                let at = match rows.iter().position(|x| x.student_id == r.student.id) {
                    Some(at) => at,
                    None => {
                        rows.push(GroupDayRow {
                            student_id: r.student.id,
                            full_name: r.full_name.clone(),
                            cells: vec![None; details.len()],
                            unexcused: 0,
                        });
                        rows.len() - 1
                    }
                };
                let value = r.cell.as_ref().map(|c| c.value.clone()).unwrap_or_default();
                if absence_of(&value) == Some(Absence::Absent) {
                    rows[at].unexcused += 1;
                }
                rows[at].cells[i] = Some(value.symbol());
            }
        }
        rows.sort_by_cached_key(|r| r.full_name.to_lowercase().replace('ё', "е"));
        let may_set_reasons = self.me.grants.iter().any(|g| {
            g.role == Role::Curator && g.group_id == Some(group_id)
                || journal_core::permissions::check(
                    g.role,
                    Action::SetAbsenceReason,
                    journal_core::Scope::Institution,
                    &self.policy,
                )
                .is_ok()
        });
        Ok(GroupDay {
            group_id,
            group_name: group.name,
            date,
            lessons,
            rows,
            may_set_reasons,
        })
    }

    /// Gives every «н» of the student on `date` in the group's lessons the reason from a note
    /// (`Ill` «б», `Excused` «п»), keeping any mark beside it. Returns the edits recorded (none
    /// when there is no «н» that day). Every cell is checked first; a refusal records nothing.
    pub fn excuse_day(
        &mut self,
        group_id: GroupId,
        date: NaiveDate,
        student_id: StudentId,
        reason: Absence,
    ) -> Result<Vec<EditReceipt>, ApiError> {
        if reason == Absence::Absent {
            return Err(ApiError::invalid_input(
                "Причина по справке — «б» (болезнь) или «п» (уважительная причина)",
            ));
        }
        let now = self.now();
        let day = self.group_day(group_id, date)?;
        let row = day
            .rows
            .iter()
            .find(|r| r.student_id == student_id)
            .ok_or(RuleError::StudentNotInGroup)?;
        let mut payloads = Vec::new();
        for (lesson, symbol) in day.lessons.iter().zip(&row.cells) {
            let Some(symbol) = symbol else { continue };
            let load = self.load_row(self.lesson_detail_row(lesson.id)?.summary.lesson.load_id)?;
            let double = self.policy.allows_double_mark(&load.subject.name);
            let value = journal_core::parse_cell(symbol, double, &self.policy)?;
            if absence_of(&value) != Some(Absence::Absent) {
                continue;
            }
            let excused = journal_core::CellValue {
                entries: value
                    .entries
                    .iter()
                    .map(|e| match e {
                        CellEntry::Absence { .. } => CellEntry::Absence { absence: reason },
                        other => *other,
                    })
                    .collect(),
            };
            payloads.push(self.checked_cell(
                lesson.id,
                student_id,
                &excused.symbol(),
                None,
                now,
            )?);
        }
        payloads.into_iter().map(|p| self.record(now, p)).collect()
    }
}

fn absence_of(value: &journal_core::CellValue) -> Option<Absence> {
    value.entries.iter().find_map(|e| match e {
        CellEntry::Absence { absence } => Some(*absence),
        _ => None,
    })
}
