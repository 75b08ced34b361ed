//! [`Journal`]: one opened local copy for one signed-in user, and every use case of the app as a
//! method. Each write runs the same gate — permission, lesson held, lock, entry time, value —
//! through journal-core and only then hands the edit to the store, which records it in one
//! transaction together with its outbox op. A refused write changes nothing.

use crate::clock::{zoned, Clock, SystemClock};
use crate::dto::*;
use crate::layout::DataDir;
use crate::view;
use crate::ApiError;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::timing::EntryKind;
use journal_core::{
    permissions, Action, CellValue, FinalColumn, FinalValue, GroupId, LessonId, LessonInfo, LoadId,
    PeriodId, Policy, Role, RuleError, Scope, StudentId, TopicId,
};
use journal_protocol::{Cell, Lesson, LessonStatus, Load, OpPayload, Period, User};
use journal_store::{self as store, Store, StoreKey};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

mod attendance;

/// Login of the demo teacher whose copy `open_demo` makes.
pub const DEMO_LOGIN: &str = "teacher";

/// Longest homework or topic text accepted (a journal line, not an essay).
pub const MAX_TEXT_CHARS: usize = 2000;

/// One opened local copy for one signed-in user.
pub struct Journal {
    pub(crate) store: Store,
    pub(crate) store_path: PathBuf,
    pub(crate) me: User,
    policy: Policy,
    institution_name: String,
    /// The institution's IANA zone: "now" is read in it.
    timezone: String,
    clock: Arc<dyn Clock>,
    /// The server this copy syncs with and the session token (memory only).
    pub(crate) link: crate::sync::SyncLink,
    /// What the sign-in did with a damaged copy it found (see [`Journal::rescue_report`]).
    pub(crate) rescue: Option<crate::dto::RescueReport>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("user", &self.me.login)
            .field("store_path", &self.store_path)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens the demo teacher's local copy in `data_dir`, creating it from the demo institution
    /// (default seed, "today" = `today`, filtered to what the teacher's device keeps) when missing.
    pub fn open_demo(data_dir: &Path, today: NaiveDate) -> Result<Journal, ApiError> {
        Journal::open_demo_with_key(data_dir, today, None)
    }

    /// As [`Journal::open_demo`], the copy encrypted with `key` (SQLCipher) when one is given.
    pub fn open_demo_with_key(
        data_dir: &Path,
        today: NaiveDate,
        key: Option<&StoreKey>,
    ) -> Result<Journal, ApiError> {
        let path = DataDir::new(data_dir).store_path(DEMO_LOGIN)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut store = Store::open(&path, key)?;
        // Filled-ness is asked of the store, not the file: a first run killed between creating the
        // file and importing leaves an empty store that the next run fills.
        if store.institution()?.is_none() {
            let snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
            let user = snapshot
                .users
                .iter()
                .find(|u| u.login == DEMO_LOGIN)
                .ok_or_else(|| {
                    ApiError::new(
                        "demo_user_missing",
                        "В демонстрационных данных нет преподавателя teacher",
                    )
                })?;
            let mine = snapshot.for_user(user.id);
            store.import_snapshot(&mine)?;
        }
        Journal::from_store(store, path, DEMO_LOGIN)
    }

    /// Opens the existing local copy of `login` (an encrypted copy needs its key).
    pub fn open(data_dir: &Path, login: &str, key: Option<&StoreKey>) -> Result<Journal, ApiError> {
        let path = DataDir::new(data_dir).store_path(login)?;
        if !path.exists() {
            return Err(ApiError::new(
                "no_local_copy",
                format!("На этом компьютере нет локальной копии журнала пользователя {login}"),
            ));
        }
        let store = Store::open(&path, key)?;
        Journal::from_store(store, path, login)
    }

    /// Deletes the local copy of `login` (the demo's `--reset`). Unsent edits go with it.
    pub fn remove_local_copy(data_dir: &Path, login: &str) -> Result<(), ApiError> {
        let dir = DataDir::new(data_dir).user_dir(login)?;
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        Ok(())
    }

    pub(crate) fn from_store(
        store: Store,
        store_path: PathBuf,
        login: &str,
    ) -> Result<Journal, ApiError> {
        let institution = store.institution()?.ok_or_else(|| {
            ApiError::new(
                "local_copy_empty",
                "Локальная копия журнала пуста: войдите, когда есть связь с сервером",
            )
        })?;
        let me = store.user_by_login(login)?.ok_or_else(|| {
            ApiError::new(
                "user_not_in_copy",
                format!("Пользователь {login} не найден в локальной копии журнала"),
            )
        })?;
        Ok(Journal {
            store,
            store_path,
            me,
            policy: institution.policy,
            institution_name: institution.name,
            clock: zoned(Arc::new(SystemClock), &institution.timezone),
            timezone: institution.timezone,
            link: crate::sync::SyncLink::default(),
            rescue: None,
        })
    }

    /// Replaces the clock (tests, the CLI's `--now`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Journal {
        self.set_clock(clock);
        self
    }

    /// Uses `clock` for "now", read in the institution's zone.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = zoned(clock, &self.timezone);
    }

    /// "Now" as the injected clock says.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    pub fn user(&self) -> UserInfo {
        user_info(&self.me)
    }

    /// How the last contact with the server went in this session: true = it answered, false =
    /// no answer, None = not tried.
    pub fn last_contact(&self) -> Option<bool> {
        self.link.online
    }

    /// A UTC time stored by the copy (the last sync) on the institution's clock; kept as it is
    /// when the institution's zone is unknown.
    fn in_institution_zone(&self, utc: NaiveDateTime) -> NaiveDateTime {
        match self.timezone.parse::<chrono_tz::Tz>() {
            Ok(zone) => utc.and_utc().with_timezone(&zone).naive_local(),
            Err(_) => utc,
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The store underneath, for the sync client and benchmarks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    // ----- reads -------------------------------------------------------------------------------

    /// The user's lessons on `date` from the timetable — own loads and lessons where they
    /// substitute — in bell order, each with what is still missing and its deadline status.
    pub fn today_lessons(&self, date: NaiveDate) -> Result<Vec<LessonSummary>, ApiError> {
        let now = self.now();
        self.store
            .lessons_on(date, self.me.id)?
            .iter()
            .map(|s| {
                let detail = self.lesson_detail_row(s.lesson.id)?;
                Ok(self.summary(&detail, now))
            })
            .collect()
    }

    /// Everything the lesson screen shows: the list with cells, topics, homework, the КТП with
    /// the suggested next topic, and whether the user may edit now.
    pub fn lesson(&self, id: LessonId) -> Result<LessonDetail, ApiError> {
        let now = self.now();
        let detail = self.lesson_detail_row(id)?;
        let load = self.load_row(detail.summary.lesson.load_id)?;
        self.check_read(&load.load)?;
        let progress = self.load_progress(&load.load)?;
        let plan = view::plan_views(&self.store.plan_topics(load.load.id)?, &progress.given);
        let read_only_reason = self
            .gate(&detail, &load.load, Action::EditCells, EntryKind::Mark, now)
            .err();
        let students = detail
            .roster
            .iter()
            .enumerate()
            .map(|(i, r)| RosterRow {
                number: i as u32 + 1,
                student_id: r.student.id,
                full_name: r.full_name.clone(),
                individual_plan: r.individual_plan,
                cell: view::cell_view(r.cell.as_ref()),
            })
            .collect();
        Ok(LessonDetail {
            summary: self.summary(&detail, now),
            period: detail.period.as_ref().map(period_view),
            students,
            topics: detail.summary.topics.iter().map(view::topic_view).collect(),
            homework: detail.summary.homework.as_ref().map(|h| HomeworkView {
                text: h.text.clone(),
                entered_at: h.entered_at,
            }),
            suggested_topic: view::suggested_topic(&plan),
            plan,
            double_mark_allowed: self.policy.allows_double_mark(&load.subject.name),
            read_only_reason,
            reopened: self.store.lesson_reopening(id)?.map(reopening_view),
            control_work: self
                .store
                .control_work_on(load.load.id, detail.summary.lesson.date)?
                .map(control_work_line),
        })
    }

    /// The journal page of `load` for `period` (default: the period containing today; between
    /// periods the next one; after the year the last): students × lesson dates, averages, finals
    /// and suggested finals, lock state. Cancelled and postponed lessons get no column.
    pub fn grid(&self, load_id: LoadId, period: Option<PeriodId>) -> Result<Grid, ApiError> {
        let load = self.load_row(load_id)?;
        self.check_read(&load.load)?;
        let periods = self.store.periods()?;
        let period = match period {
            Some(id) => periods
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or_else(|| ApiError::period_not_found(id))?,
            None => self.current_period(&periods)?,
        };
        let raw = self.store.grid(load_id, period.id)?;
        let slot = self.final_slot(&load, &period, &periods, FinalColumn::Year)?;
        // The period finals of the whole year, read only where the page has the year's column.
        let year_finals = if slot.year_final_open {
            Some(self.store.period_finals_of_load(load_id)?)
        } else {
            None
        };
        let held: Vec<usize> = raw
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, l)| l.lesson.status == LessonStatus::Scheduled)
            .map(|(i, _)| i)
            .collect();
        let columns = held
            .iter()
            .map(|&i| {
                let l = &raw.lessons[i];
                GridColumn {
                    lesson_id: l.lesson.id,
                    date: l.lesson.date,
                    hours: l.lesson.hours,
                    topic: if l.topics.is_empty() {
                        None
                    } else {
                        Some(
                            l.topics
                                .iter()
                                .map(|t| t.title.as_str())
                                .collect::<Vec<_>>()
                                .join(" / "),
                        )
                    },
                    work_type: if l.topics.is_empty() {
                        None
                    } else {
                        Some(view::lesson_work_type(&l.topics).into())
                    },
                    homework: l.homework.as_ref().map(|h| h.text.clone()),
                    control_work: self
                        .store
                        .control_work_on(l.lesson.load_id, l.lesson.date)
                        .ok()
                        .flatten()
                        .map(control_work_line),
                }
            })
            .collect();
        let rows = raw
            .rows
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let values: Vec<CellValue> = held
                    .iter()
                    .filter_map(|&i| r.cells.get(i).cloned().flatten())
                    .collect();
                GridRow {
                    number: n as u32 + 1,
                    student_id: r.student_id,
                    full_name: r.full_name.clone(),
                    individual_plan: r.individual_plan,
                    cells: held
                        .iter()
                        .map(|&i| {
                            if r.member_on.get(i).copied().unwrap_or(false) {
                                Some(
                                    r.cells
                                        .get(i)
                                        .and_then(|c| c.as_ref())
                                        .map(|c| c.symbol())
                                        .unwrap_or_default(),
                                )
                            } else {
                                None
                            }
                        })
                        .collect(),
                    average: journal_core::finals::average(&values),
                    final_value: r.final_value.as_ref().map(FinalValue::symbol),
                    suggested_final: journal_core::suggest_final_with(
                        &values,
                        self.policy.final_rounding,
                    )
                    .map(|f| f.symbol()),
                    exam_value: r.exam_value.as_ref().map(FinalValue::symbol),
                    year_value: r.year_value.as_ref().map(FinalValue::symbol),
                    suggested_year: year_finals.as_ref().and_then(|finals| {
                        let of_periods: Vec<Option<FinalValue>> = periods
                            .iter()
                            .map(|p| finals.get(&(p.id, r.student_id)).copied())
                            .collect();
                        journal_core::suggest_year_final(&of_periods, self.policy.final_rounding)
                            .map(|f| f.symbol())
                    }),
                }
            })
            .collect();
        let finals_done_at = if self.finals_missing(&raw)? == 0 && !raw.rows.is_empty() {
            self.store
                .finals(load_id, period.id)?
                .iter()
                .map(|f| f.entered_at)
                .max()
        } else {
            None
        };
        let finals_deadline = if journal_core::finals_required(load.subject.grading) {
            view::duty_of_status(
                DutyKind::Finals,
                journal_core::deadlines::finals_status(period.ends_on, finals_done_at, self.now()),
                finals_done_at.is_some(),
            )
        } else {
            // A subject «без отметок» (внеурочная деятельность) has no finals: nothing is due.
            Duty {
                state_ru: "Не выставляются: без отметок".into(),
                ..view::duty_of_status(
                    DutyKind::Finals,
                    journal_core::deadlines::DeadlineStatus::NotDue,
                    true,
                )
            }
        };
        Ok(Grid {
            finals_deadline,
            load: self.load_summary(&load)?,
            periods: periods.iter().map(period_view).collect(),
            period: period_view(&period),
            columns,
            rows,
            locked: raw.lock.is_some(),
            locked_at: raw.lock.as_ref().map(|l| l.locked_at),
            double_mark_allowed: self.policy.allows_double_mark(&load.subject.name),
            reopened: self
                .store
                .reopening(load_id, period.id)?
                .map(reopening_view),
            can_reopen: raw.lock.is_some()
                && self
                    .check_permission(&load.load, None, Action::UnlockPeriod)
                    .is_ok(),
            locks_after_finals: journal_core::locks_after_finals(&self.policy),
            finals_open_from: journal_core::timing::finals_open_from(period.ends_on, &self.policy),
            exam_column: raw
                .attestation
                .filter(|a| a.has_exam())
                .map(|a| a.heading_ru()),
            year_column: slot.year_final_open,
        })
    }

    /// What a final's column needs of the plan and the policy (journal_core::check_final_slot):
    /// the subject's scale, whether the plan ends the period with an exam, whether the period is
    /// the year's last and the policy keeps year finals.
    fn final_slot(
        &self,
        load: &store::LoadSummary,
        period: &Period,
        periods: &[Period],
        column: FinalColumn,
    ) -> Result<journal_core::FinalSlot, ApiError> {
        let attestation =
            self.store
                .attestation(load.load.group_id, load.load.subject_id, period.id)?;
        Ok(journal_core::FinalSlot {
            column,
            scale: load.subject.grading,
            exam_in_period: attestation.is_some_and(|a| a.has_exam()),
            year_final_open: self.policy.year_finals
                && periods.iter().all(|p| p.ends_on <= period.ends_on),
        })
    }

    /// The groups in which the user sees loads, each with those loads.
    pub fn groups(&self) -> Result<Vec<GroupSummary>, ApiError> {
        let loads = self.loads()?;
        let periods = self.store.periods()?;
        let current = self.current_period(&periods).ok();
        let mut out = Vec::new();
        for g in self.store.groups()? {
            let mine: Vec<LoadSummary> = loads
                .iter()
                .filter(|l| l.group_id == g.id)
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mut students: HashSet<StudentId> = HashSet::new();
            if let Some(p) = &current {
                for l in &mine {
                    students.extend(
                        self.store
                            .grid(l.id, p.id)?
                            .rows
                            .iter()
                            .map(|r| r.student_id),
                    );
                }
            }
            let curator_name = match g.curator_id {
                Some(id) => self.store.user(id)?.map(|u| u.full_name),
                None => None,
            };
            out.push(GroupSummary {
                id: g.id,
                name: g.name,
                course: g.course,
                specialty: g.specialty,
                curator_name,
                student_count: students.len() as u32,
                loads: mine,
            });
        }
        Ok(out)
    }

    /// The loads the user may read — own loads, and for a curator their group's — by group and
    /// subject.
    pub fn loads(&self) -> Result<Vec<LoadSummary>, ApiError> {
        let mut out = Vec::new();
        for g in self.store.groups()? {
            for load in self.store.loads_of_group(g.id)? {
                if self.check_read(&load.load).is_ok() {
                    out.push(self.load_summary(&load)?);
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.group_name, &a.subject_name, &a.subgroup_name).cmp(&(
                &b.group_name,
                &b.subject_name,
                &b.subgroup_name,
            ))
        });
        Ok(out)
    }

    /// Periods of the academic year in order.
    pub fn periods(&self) -> Result<Vec<PeriodView>, ApiError> {
        Ok(self.store.periods()?.iter().map(period_view).collect())
    }

    /// A load by group and subject names (CLI convenience); refuses when subgroups make it ambiguous.
    pub fn find_load(&self, group: &str, subject: &str) -> Result<LoadId, ApiError> {
        let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
        let matches: Vec<LoadSummary> = self
            .loads()?
            .into_iter()
            .filter(|l| {
                norm(&l.group_name) == norm(group) && norm(&l.subject_name) == norm(subject)
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.id),
            [] => Err(ApiError::load_not_found(format!("{group}, {subject}"))),
            _ => Err(ApiError::new(
                "load_ambiguous",
                format!(
                    "У группы {group} несколько нагрузок по предмету «{subject}» (подгруппы): укажите нагрузку"
                ),
            )),
        }
    }

    /// A period by id, ordinal («1») or name («1 семестр»).
    pub fn find_period(&self, given: &str) -> Result<PeriodId, ApiError> {
        let periods = self.store.periods()?;
        let given = given.trim();
        if let Ok(id) = given.parse::<PeriodId>() {
            return periods
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.id)
                .ok_or_else(|| ApiError::period_not_found(id));
        }
        if let Ok(n) = given.parse::<u8>() {
            if let Some(p) = periods.iter().find(|p| p.ordinal == n) {
                return Ok(p.id);
            }
        }
        let lower = given.to_lowercase();
        periods
            .iter()
            .find(|p| p.name.to_lowercase() == lower)
            .map(|p| p.id)
            .ok_or_else(|| ApiError::period_not_found(given))
    }

    /// Remarks («Замечания по ведению журнала») on the loads the user reads, newest first, each with
    /// its one-week deadline.
    pub fn remarks(&self) -> Result<Vec<RemarkView>, ApiError> {
        let now = self.now();
        let mut out = Vec::new();
        for r in self.store.remarks(None)? {
            let Some(load) = self.store.load(r.load_id)? else {
                continue;
            };
            if self.check_read(&load.load).is_err() {
                continue;
            }
            let status = journal_core::remark_status(r.created_at, r.resolved_at, now);
            let (state, due) = view::deadline_state(status);
            let mut history = Vec::new();
            for step in &r.history {
                let who = self
                    .store
                    .user(step.by)?
                    .map(|u| u.full_name)
                    .unwrap_or_default();
                let text = if step.text.is_empty() {
                    String::new()
                } else {
                    format!(": {}", step.text)
                };
                history.push(format!(
                    "{} — {who} — {}{text}",
                    step.at.format("%d.%m.%Y %H:%M"),
                    step.status.name_ru()
                ));
            }
            let may_answer = r.is_open()
                && self
                    .check_permission(&load.load, None, Action::ResolveRemark)
                    .is_ok();
            let lesson_date = match r.lesson_id {
                Some(id) => self.store.lesson(id)?.map(|l| l.summary.lesson.date),
                None => None,
            };
            let remark_status = r.state();
            let status_code = serde_json::to_value(remark_status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let (deadline, overdue) = (r.due_date(), r.is_overdue(now.date()));
            out.push(RemarkView {
                id: r.id,
                load_id: r.load_id,
                group_name: load.group_name.clone(),
                subject_name: load.subject.name.clone(),
                author_name: self
                    .store
                    .user(r.author_id)?
                    .map(|u| u.full_name)
                    .unwrap_or_default(),
                created_at: r.created_at,
                text: r.text,
                resolved_at: r.resolved_at,
                state,
                state_ru: status.label_ru().to_string(),
                due,
                status: status_code,
                status_ru: remark_status.name_ru().to_string(),
                deadline,
                overdue,
                lesson_date,
                date_from: r.date_from,
                date_to: r.date_to,
                answer: r.answer,
                decision_comment: r.decision_comment,
                history,
                may_answer,
            });
        }
        Ok(out)
    }

    /// Conflicts and refusals the server answered for this copy's edits, open first.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>, ApiError> {
        Ok(self
            .store
            .conflicts()?
            .into_iter()
            .map(|c| ConflictView {
                id: c.id,
                op_id: c.op_id.to_string(),
                target: c.target,
                local_value: c.local_value,
                server_value: c.server_value,
                code: c.code,
                message: c.message,
                open: c.open,
                created_at: c.created_at,
                resolved_at: c.resolved_at,
            })
            .collect())
    }

    /// The state of the local copy with every page of its file read back (slow on a big copy).
    pub fn status_checked(&self) -> Result<Status, ApiError> {
        let mut status = self.status()?;
        status.copy_intact = Some(self.store.check_integrity().is_ok());
        Ok(status)
    }

    /// The state of the local copy: unsent edits, conflicts, device, and whether the outbox chain
    /// verifies.
    pub fn status(&self) -> Result<Status, ApiError> {
        let counts = self.store.counts()?;
        Ok(Status {
            user: self.user(),
            institution_name: self.institution_name.clone(),
            device_id: self.store.device_id().to_string(),
            pending_ops: counts.pending_ops,
            conflicts: counts.open_conflicts,
            last_sync: self
                .store
                .last_sync_at()?
                .map(|t| self.in_institution_zone(t)),
            online: self.link.online,
            server_url: self.link.server_url.clone(),
            outbox_intact: self.store.verify_outbox().is_ok(),
            copy_intact: None,
            store_path: self.store_path.display().to_string(),
        })
    }

    // ----- writes ------------------------------------------------------------------------------

    /// Sets a cell (attendance and/or marks) as typed: "5", "н", "5/4", "н 4"; "" clears it.
    /// The change against the cell's current value decides what kind of entry it is (a first mark,
    /// a make-up mark, the reason of an absence, a correction) and so which time rule applies.
    pub fn set_cell(
        &mut self,
        lesson_id: LessonId,
        student_id: StudentId,
        input: &str,
    ) -> Result<EditReceipt, ApiError> {
        self.set_cell_with_reason(lesson_id, student_id, input, None)
    }

    /// [`Self::set_cell`] with the reason of a correction: after the lesson's day a changed or
    /// removed value is taken only where the policy allows corrections, and only with a reason,
    /// which the op carries to the server and its audit (001 Приложение, заместитель п. 9). Without
    /// one such an edit is refused with `correction_reason_required`, which the app answers by
    /// asking for the reason.
    pub fn set_cell_with_reason(
        &mut self,
        lesson_id: LessonId,
        student_id: StudentId,
        input: &str,
        reason: Option<&str>,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let payload = self.checked_cell(lesson_id, student_id, input, reason, now)?;
        self.record(now, payload)
    }

    /// Every check of [`Self::set_cell_with_reason`], without recording: the op it would record.
    fn checked_cell(
        &self,
        lesson_id: LessonId,
        student_id: StudentId,
        input: &str,
        reason: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<OpPayload, ApiError> {
        let detail = self.lesson_detail_row(lesson_id)?;
        let lesson = &detail.summary.lesson;
        let load = self.load_row(lesson.load_id)?;
        // Anyone who may neither edit cells nor give absences their reason is refused before the
        // value is read; which of the two the change needs is known once it is parsed.
        let may_edit = self.permission(&load.load, Some(lesson), Action::EditCells);
        if let Err(e) = &may_edit {
            self.permission(&load.load, Some(lesson), Action::SetAbsenceReason)
                .map_err(|_| e.clone())?;
        }
        check_held(lesson)?;
        journal_core::check_unlocked(detail.locked)?;
        let double = self.policy.allows_double_mark(&load.subject.name);
        // «=17»: points of the day's control work, turned into the mark by its criteria.
        let typed = match journal_core::criteria::points_in(input) {
            None => input.to_string(),
            Some(points) => {
                let points = points?;
                let criteria = self
                    .store
                    .control_work_on(lesson.load_id, lesson.date)?
                    .and_then(|w| w.criteria)
                    .ok_or(RuleError::NoCriteria)?;
                criteria.mark_for(points)?.get().to_string()
            }
        };
        let value = journal_core::parse_cell(&typed, double, &self.policy)?;
        let row = detail
            .roster
            .iter()
            .find(|r| r.student.id == student_id)
            .ok_or(RuleError::StudentNotInGroup)?;
        let old = row
            .cell
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default();
        // The same decision as the server's (journal-core's one function).
        journal_core::authorise_cell_change(&old, &value, |action| {
            self.permission(&load.load, Some(lesson), action)
        })?;
        // The value already there changes nothing: the server merges it whatever the time, so
        // no entry-time rule applies (it used to be refused here as «задним числом»).
        let kind = journal_core::classify_change(&old, &value);
        // A reason travels only with the correction that needs it; any other edit drops it.
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty() && kind == Some(EntryKind::Correction))
            .filter(|_| now.date() > lesson.date)
            .map(str::to_string);
        if let Some(kind) = kind {
            let info = self.lesson_info(&detail)?;
            journal_core::timing::check_entry_with_reason(
                &info,
                now,
                kind,
                &self.policy,
                reason.as_deref(),
            )?;
        }
        Ok(OpPayload::SetCell {
            lesson_id,
            student_id,
            value,
            reason,
        })
    }

    /// Records the topic of one hour of a lesson: a КТП topic (its title, work type and number
    /// unless given), or free text checked by the rules.
    pub fn set_topic(
        &mut self,
        lesson_id: LessonId,
        input: &TopicInput,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let detail = self.lesson_detail_row(lesson_id)?;
        let lesson = detail.summary.lesson.clone();
        let load = self.load_row(lesson.load_id)?;
        let hour = input.hour.unwrap_or(1);
        // Rewriting an hour's topic after the lesson's day is a correction, not a first entry.
        let kind = if detail.summary.topics.iter().any(|t| t.hour == hour) {
            EntryKind::Correction
        } else {
            EntryKind::Topic
        };
        self.gate(&detail, &load.load, Action::EditTopic, kind, now)?;
        if hour == 0 || hour > lesson.hours.max(1) {
            return Err(RuleError::TopicHourInvalid(hour).into());
        }
        let plan = match input.plan_topic_id {
            Some(id) => Some(
                self.store
                    .plan_topics(load.load.id)?
                    .into_iter()
                    .find(|p| p.id == id)
                    .ok_or_else(|| {
                        ApiError::new(
                            "plan_topic_not_found",
                            format!("В КТП этого предмета нет темы {id}"),
                        )
                    })?,
            ),
            None => None,
        };
        let title = input
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| plan.as_ref().map(|p| p.title.clone()))
            .unwrap_or_default();
        check_length(&title, "Тема урока")?;
        let work_type: journal_core::WorkType = input
            .work_type
            .map(Into::into)
            .or(plan.as_ref().map(|p| p.work_type))
            .unwrap_or(journal_core::WorkType::Lesson);
        let work_number = input
            .work_number
            .or(plan.as_ref().and_then(|p| p.work_number));
        journal_core::validate_topic(&title, work_type, work_number)?;
        if let Some(missed) = input.makeup_of {
            let original = self
                .store
                .lesson(missed)?
                .ok_or_else(|| ApiError::lesson_not_found(missed))?;
            let original = &original.summary.lesson;
            if original.load_id != lesson.load_id
                || original.id == lesson.id
                || original.date > lesson.date
            {
                return Err(ApiError::new(
                    "invalid_makeup",
                    "Отработать можно только тему более раннего урока того же предмета",
                ));
            }
        }
        self.record(
            now,
            OpPayload::SetTopic {
                lesson_id,
                hour,
                plan_topic_id: plan.map(|p| p.id),
                title,
                work_type,
                work_number,
                makeup_of: input.makeup_of,
            },
        )
    }

    /// Records the homework of a lesson as journal-core normalises it: «нет», «-», "" → not given
    /// (empty); «инд.» → «индивидуальные задания».
    pub fn set_homework(
        &mut self,
        lesson_id: LessonId,
        text: &str,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let detail = self.lesson_detail_row(lesson_id)?;
        let load = self.load_row(detail.summary.lesson.load_id)?;
        let kind = if detail.summary.homework.is_some() {
            EntryKind::Correction
        } else {
            EntryKind::Homework
        };
        self.gate(&detail, &load.load, Action::EditHomework, kind, now)?;
        check_length(text, "Домашнее задание")?;
        let text = journal_core::normalise_homework(text)?;
        self.record(now, OpPayload::SetHomework { lesson_id, text })
    }

    /// A colleague of the local copy by login (a substitution names them).
    pub fn colleague(&self, login: &str) -> Result<journal_core::UserId, ApiError> {
        self.store
            .user_by_login(login.trim())?
            .map(|u| u.id)
            .ok_or_else(|| {
                ApiError::new(
                    "user_not_found",
                    format!(
                        "Пользователя «{}» нет в данных этого компьютера",
                        login.trim()
                    ),
                )
            })
    }

    /// Teachers the local copy knows who may substitute in `lesson_id` (not the load's teacher),
    /// by name: the choices of the «Замена» dialog.
    pub fn substitutes(&self, lesson_id: LessonId) -> Result<Vec<UserChoice>, ApiError> {
        let detail = self.lesson_detail_row(lesson_id)?;
        let today = self.now().date();
        let mut v: Vec<UserChoice> = self
            .store
            .users()?
            .into_iter()
            .filter(|u| u.id != detail.summary.teacher_id)
            .filter(|u| {
                u.grants
                    .iter()
                    .any(|g| g.role == journal_core::Role::Teacher && g.in_force_on(today))
            })
            .map(|u| UserChoice {
                id: u.id,
                full_name: u.full_name,
            })
            .collect();
        v.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        Ok(v)
    }

    /// Records a change of a lesson: «Замена», «Перенос», «Урок не проведён», or back in the
    /// timetable. Judged by journal-protocol's `lesson_change::check` on facts from this copy —
    /// the same function and facts builder the server uses. A postponement meets the day's lessons
    /// of the copy and the slots of the group's other lessons the copy keeps without them
    /// (`Snapshot::busy_slots`), so it is taken or refused as on the server; a copy does not know
    /// every colleague, so a substitution may still be refused there (shown to resolve).
    pub fn change_lesson(
        &mut self,
        lesson_id: LessonId,
        request: LessonChangeRequest,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let detail = self.lesson_detail_row(lesson_id)?;
        let load = self.load_row(detail.summary.lesson.load_id)?.load;
        self.check_permission(&load, None, Action::RecordSubstitution)?;
        journal_core::check_unlocked(detail.locked)?;
        let change = match request {
            LessonChangeRequest::Substitute { teacher_id } => {
                journal_protocol::LessonChange::Substitute { teacher_id }
            }
            LessonChangeRequest::NoSubstitute => journal_protocol::LessonChange::NoSubstitute,
            LessonChangeRequest::Postpone { to, bell_number } => {
                journal_protocol::LessonChange::Postpone {
                    to,
                    bell_number,
                    new_lesson_id: LessonId(Uuid::new_v4()),
                }
            }
            LessonChangeRequest::NotHeld { reason } => {
                journal_protocol::LessonChange::NotHeld { reason }
            }
            LessonChangeRequest::Restore => journal_protocol::LessonChange::Restore,
        };
        let s = &detail.summary;
        let has_entries = s.filled_cells > 0 || !s.topics.is_empty() || s.homework.is_some();
        let substitute = match &change {
            journal_protocol::LessonChange::Substitute { teacher_id } => {
                self.store.user(*teacher_id)?
            }
            _ => None,
        };
        let mut same_day: Vec<Lesson> = Vec::new();
        let mut busy = Vec::new();
        let mut loads = std::collections::HashMap::new();
        if let journal_protocol::LessonChange::Postpone { to, .. } = &change {
            for other in self.store.lessons_on_date(*to)? {
                let other_load = self.load_row(other.lesson.load_id)?.load;
                loads.insert(other_load.id, other_load);
                same_day.push(other.lesson);
            }
            busy = self.store.busy_slots_on(*to)?;
        }
        let facts = journal_protocol::lesson_change::facts(
            &s.lesson,
            &load,
            &change,
            &loads,
            &self.store.periods()?,
            &self.store.bells()?,
            &same_day,
            &busy,
            has_entries,
            substitute.as_ref(),
            now.date(),
        );
        journal_protocol::lesson_change::check(&s.lesson, &change, &facts)
            .map_err(|e| ApiError::new(e.code(), e.to_string()))?;
        self.record(now, OpPayload::ChangeLesson { lesson_id, change })
    }

    /// Sets a student's period final: 2–5, зачёт, незачёт, н/а, отсрочка; "" clears it.
    pub fn set_final(
        &mut self,
        load_id: LoadId,
        period_id: PeriodId,
        student_id: StudentId,
        input: &str,
    ) -> Result<EditReceipt, ApiError> {
        self.set_final_in(load_id, period_id, student_id, FinalColumn::Period, input)
    }

    /// Sets a student's value in one of the page's final columns: the period final, the exam's
    /// mark (where the plan ends the period with an exam) or the year final (the year's last
    /// period, where the policy keeps year finals); "" clears it. The value must fit the subject's
    /// grading scale (journal_core::check_final_slot, which the server applies too).
    pub fn set_final_in(
        &mut self,
        load_id: LoadId,
        period_id: PeriodId,
        student_id: StudentId,
        column: FinalColumn,
        input: &str,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let load = self.load_row(load_id)?;
        self.check_permission(&load.load, None, Action::SetFinals)?;
        let period = self.period_row(period_id)?;
        let grid = self.store.grid(load_id, period_id)?;
        journal_core::check_unlocked(grid.lock.is_some())?;
        journal_core::timing::check_final_time(period.ends_on, now, &self.policy)?;
        let value: Option<FinalValue> = if input.trim().is_empty() {
            None
        } else {
            Some(journal_core::parse_final(input)?)
        };
        let slot = self.final_slot(&load, &period, &self.store.periods()?, column)?;
        journal_core::check_final_slot(slot, value.as_ref())?;
        if !grid.rows.iter().any(|r| r.student_id == student_id) {
            return Err(RuleError::StudentNotInGroup.into());
        }
        let receipt = self.record(
            now,
            OpPayload::SetFinal {
                load_id,
                period_id,
                student_id,
                column,
                value,
            },
        )?;
        // 001 «Преподаватель» п. 5: «не имеет права редактировать ЭЖ после выставления итоговых
        // оценок» — where the policy says so, the final that completes the list closes the period,
        // as the teacher's own signed op (the server judges it like an explicit lock).
        if value.is_some()
            && column == FinalColumn::Period
            && journal_core::locks_after_finals(&self.policy)
            && self
                .check_permission(&load.load, None, Action::LockPeriod)
                .is_ok()
        {
            let after = self.store.grid(load_id, period_id)?;
            if after.lock.is_none() && self.finals_missing(&after)? == 0 {
                self.record(now, OpPayload::LockPeriod { load_id, period_id })?;
            }
        }
        Ok(receipt)
    }

    /// Closes a period of a load for editing once every student on its list at the period's end
    /// has a final (journal_core::check_can_lock).
    pub fn lock_period(
        &mut self,
        load_id: LoadId,
        period_id: PeriodId,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let load = self.load_row(load_id)?;
        self.check_permission(&load.load, None, Action::LockPeriod)?;
        let period = self.period_row(period_id)?;
        let grid = self.store.grid(load_id, period_id)?;
        journal_core::check_unlocked(grid.lock.is_some())?;
        journal_core::check_entry(&period_info(&period), now, EntryKind::Final, &self.policy)?;
        journal_core::check_can_lock(self.finals_missing(&grid)?)?;
        self.record(now, OpPayload::LockPeriod { load_id, period_id })
    }

    /// How many students on the grid's period list still need a final: journal-protocol's
    /// `finals_missing` over the copy's memberships, ИУП and the grid's lessons and finals — the
    /// function the server refuses a lock by.
    fn finals_missing(&self, grid: &store::Grid) -> Result<usize, ApiError> {
        let lessons: Vec<Lesson> = grid.lessons.iter().map(|l| l.lesson.clone()).collect();
        Ok(journal_protocol::finals_missing(
            &grid.load.load,
            &grid.period,
            grid.load.subject.grading,
            &self.store.memberships(Some(grid.load.load.group_id))?,
            &self.store.individual_plans()?,
            &lessons,
            |s| {
                grid.rows
                    .iter()
                    .any(|r| r.student_id == s && r.final_value.is_some())
            },
        ))
    }

    /// Reopens a locked period of a load for a correction: a deputy (or the director) where the
    /// policy lets deputies edit, with a reason (journal_core::check_can_unlock); the reason goes
    /// into the signed op, which the server re-checks and logs.
    pub fn unlock_period(
        &mut self,
        load_id: LoadId,
        period_id: PeriodId,
        reason: &str,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let load = self.load_row(load_id)?;
        self.check_permission(&load.load, None, Action::UnlockPeriod)?;
        let reason = reason.trim();
        check_length(reason, "Причина")?;
        let mut refusal: Option<RuleError> = None;
        let may = self.me.grants.iter().any(|g| {
            match journal_core::check_can_unlock(g.role, Some(reason), &self.policy) {
                Ok(()) => true,
                Err(e) => {
                    // A missing reason is the answer that matters to a role that may reopen.
                    if refusal.is_none() || e == RuleError::CorrectionReasonRequired {
                        refusal = Some(e);
                    }
                    false
                }
            }
        });
        if !may {
            return Err(refusal
                .unwrap_or_else(|| RuleError::Forbidden("у пользователя нет ни одной роли".into()))
                .into());
        }
        self.period_row(period_id)?;
        if !self.store.is_locked(load_id, period_id)? {
            return Err(ApiError::new(
                "period_not_locked",
                "Период не закрыт: открывать для исправления нечего",
            ));
        }
        self.record(
            now,
            OpPayload::UnlockPeriod {
                load_id,
                period_id,
                reason: reason.to_string(),
            },
        )
    }

    /// Marks a remark on the user's load as dealt with («Устранено»).
    pub fn resolve_remark(&mut self, remark_id: Uuid) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let remark = self
            .store
            .remarks(None)?
            .into_iter()
            .find(|r| r.id == remark_id)
            .ok_or_else(|| {
                ApiError::new(
                    "remark_not_found",
                    format!("Замечание не найдено: {remark_id}"),
                )
            })?;
        let load = self.load_row(remark.load_id)?;
        self.check_permission(&load.load, None, Action::ResolveRemark)?;
        if !remark.is_open() {
            return Err(ApiError::new(
                "remark_already_resolved",
                "Замечание уже отмечено как устранённое",
            ));
        }
        self.record(now, OpPayload::ResolveRemark { remark_id })
    }

    /// The teacher's answer to a remark with «Устранено», offline like any edit: checked by
    /// journal-protocol's `Remark::answer` (the server applies the same), recorded as an
    /// `AnswerRemark` op. A returned remark is open again and may be answered anew.
    pub fn answer_remark(
        &mut self,
        remark_id: Uuid,
        answer: &str,
    ) -> Result<EditReceipt, ApiError> {
        let now = self.now();
        let mut remark = self
            .store
            .remarks(None)?
            .into_iter()
            .find(|r| r.id == remark_id)
            .ok_or_else(|| {
                ApiError::new(
                    "remark_not_found",
                    format!("Замечание не найдено: {remark_id}"),
                )
            })?;
        let load = self.load_row(remark.load_id)?;
        self.check_permission(&load.load, None, Action::ResolveRemark)?;
        remark
            .answer(self.me.id, answer, now)
            .map_err(|e| ApiError::new(e.code(), e.to_string()))?;
        self.record(
            now,
            OpPayload::AnswerRemark {
                remark_id,
                answer: answer.trim().to_string(),
            },
        )
    }

    // ----- the gate ----------------------------------------------------------------------------

    fn record(&mut self, now: NaiveDateTime, payload: OpPayload) -> Result<EditReceipt, ApiError> {
        let op = self.store.record_edit(self.me.id, now, payload)?;
        Ok(EditReceipt {
            op_id: op.op_id.to_string(),
            device_seq: op.device_seq,
            entered_at: op.device_time,
        })
    }

    /// The user's relation to a load (or one lesson of it), for one of their role grants: own
    /// (journal_core::lesson_scope: the load's teacher, or the lesson's recorded substitute), own
    /// group (curator of the load's group), or the institution.
    fn scope_for(
        &self,
        role: Role,
        grant_group: Option<GroupId>,
        load: &Load,
        lesson: Option<&Lesson>,
    ) -> Scope {
        permissions::scope_for(
            self.me.id,
            role,
            grant_group,
            load.teacher_id,
            load.group_id,
            lesson.map(|l| l.substitute_teacher_id),
        )
    }

    /// Allowed when any of the user's role grants allows `action` on its scope (journal_core
    /// decides); otherwise the refusal for the first grant.
    pub(crate) fn check_permission(
        &self,
        load: &Load,
        lesson: Option<&Lesson>,
        action: Action,
    ) -> Result<(), ApiError> {
        Ok(self.permission(load, lesson, action)?)
    }

    /// [`Self::check_permission`] as journal-core's error.
    fn permission(
        &self,
        load: &Load,
        lesson: Option<&Lesson>,
        action: Action,
    ) -> Result<(), RuleError> {
        let mut first_refusal: Option<RuleError> = None;
        for grant in &self.me.grants {
            let scope = self.scope_for(grant.role, grant.group_id, load, lesson);
            match permissions::check(grant.role, action, scope, &self.policy) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    first_refusal.get_or_insert(e);
                }
            }
        }
        Err(first_refusal
            .unwrap_or_else(|| RuleError::Forbidden("у пользователя нет ни одной роли".into())))
    }

    fn check_read(&self, load: &Load) -> Result<(), ApiError> {
        self.check_permission(load, None, Action::ReadJournal)
    }

    /// The checks every lesson write shares, in this order: permission, the lesson is held (not
    /// postponed or cancelled), its period is not locked, now is an allowed entry time for `kind`.
    fn gate(
        &self,
        detail: &store::LessonDetail,
        load: &Load,
        action: Action,
        kind: EntryKind,
        now: NaiveDateTime,
    ) -> Result<(), ApiError> {
        let lesson = &detail.summary.lesson;
        self.check_permission(load, Some(lesson), action)?;
        check_held(lesson)?;
        journal_core::check_unlocked(detail.locked)?;
        self.check_time(detail, kind, now)
    }

    /// The entry-time rule for `kind` at `now`, for an edit without a reason (topics, homework): a
    /// correction after the lesson's day, where the policy allows one, needs a logged reason
    /// (journal_core::check_correction_reason), which only a cell's op carries
    /// ([`Self::set_cell_with_reason`]), so such an edit is refused.
    fn check_time(
        &self,
        detail: &store::LessonDetail,
        kind: EntryKind,
        now: NaiveDateTime,
    ) -> Result<(), ApiError> {
        let info = self.lesson_info(detail)?;
        Ok(journal_core::timing::check_entry_without_reason(
            &info,
            now,
            kind,
            &self.policy,
        )?)
    }

    // ----- helpers -----------------------------------------------------------------------------

    fn lesson_detail_row(&self, id: LessonId) -> Result<store::LessonDetail, ApiError> {
        self.store
            .lesson(id)?
            .ok_or_else(|| ApiError::lesson_not_found(id))
    }

    fn load_row(&self, id: LoadId) -> Result<store::LoadSummary, ApiError> {
        self.store
            .load(id)?
            .ok_or_else(|| ApiError::load_not_found(id))
    }

    fn period_row(&self, id: PeriodId) -> Result<Period, ApiError> {
        self.store
            .period(id)?
            .ok_or_else(|| ApiError::period_not_found(id))
    }

    fn current_period(&self, periods: &[Period]) -> Result<Period, ApiError> {
        let today = self.now().date();
        periods
            .iter()
            .find(|p| p.starts_on <= today && today <= p.ends_on)
            // Between periods (holidays) the next one; after the year, the last.
            .or_else(|| {
                periods
                    .iter()
                    .filter(|p| today < p.starts_on)
                    .min_by_key(|p| p.starts_on)
            })
            .or_else(|| periods.iter().max_by_key(|p| p.ends_on))
            .cloned()
            .ok_or_else(|| {
                ApiError::new("no_periods", "В учебном году не задано ни одного периода")
            })
    }

    fn lesson_info(&self, detail: &store::LessonDetail) -> Result<LessonInfo, ApiError> {
        let s = &detail.summary;
        match (s.starts, s.ends) {
            (Some(starts), Some(ends)) => Ok(view::lesson_info(
                s.lesson.date,
                starts,
                ends,
                s.lesson.hours,
                &s.topics,
                self.store
                    .control_work_on(s.lesson.load_id, s.lesson.date)?
                    .is_some(),
            )),
            _ => Err(ApiError::new(
                "bell_missing",
                format!(
                    "В расписании звонков нет урока № {}: время урока неизвестно",
                    s.lesson.bell_number
                ),
            )),
        }
    }

    /// Which КТП topics a load has given, and how many hours carry a topic, over the whole year.
    fn load_progress(&self, load: &Load) -> Result<LoadProgress, ApiError> {
        let mut progress = LoadProgress::default();
        for p in self.store.periods()? {
            for l in self.store.grid(load.id, p.id)?.lessons {
                progress.hours += l.topics.len() as u32;
                progress
                    .given
                    .extend(l.topics.iter().filter_map(|t| t.plan_topic_id));
            }
        }
        Ok(progress)
    }

    fn load_summary(&self, load: &store::LoadSummary) -> Result<LoadSummary, ApiError> {
        Ok(LoadSummary {
            id: load.load.id,
            group_id: load.load.group_id,
            group_name: load.group_name.clone(),
            subgroup_name: load.subgroup_name.clone(),
            subject_name: load.subject.name.clone(),
            teacher_id: load.load.teacher_id,
            teacher_name: load.teacher_name.clone().unwrap_or_default(),
            planned_hours: load.load.planned_hours,
            given_hours: self.load_progress(&load.load)?.hours,
            own: load.load.teacher_id == self.me.id,
            module_id: load.subject.module_id,
            module_name: match load.subject.module_id {
                Some(m) => self
                    .store
                    .subjects()?
                    .into_iter()
                    .find(|s| s.id == m)
                    .map(|s| s.name),
                None => None,
            },
        })
    }

    /// The list line of a lesson. Duties are the teacher's who gives the lesson: a lesson someone
    /// else substitutes is shown to the load's teacher without duties.
    fn summary(&self, detail: &store::LessonDetail, now: NaiveDateTime) -> LessonSummary {
        let s = &detail.summary;
        let lesson = &s.lesson;
        let (starts_at, ends_at) = match (s.starts, s.ends) {
            (Some(a), Some(b)) => (lesson.date.and_time(a), lesson.date.and_time(b)),
            _ => (
                lesson.date.and_time(NaiveTime::MIN),
                lesson.date.and_time(NaiveTime::MIN),
            ),
        };
        let taught_by_me = lesson
            .substitute_teacher_id
            .is_none_or(|sub| sub == self.me.id);
        let cells: Vec<Cell> = detail
            .roster
            .iter()
            .filter_map(|r| r.cell.clone())
            .collect();
        let scheduled_work = self
            .store
            .control_work_on(lesson.load_id, lesson.date)
            .ok()
            .flatten();
        let duties = match (s.starts, s.ends, lesson.status) {
            (Some(a), Some(b), LessonStatus::Scheduled) if taught_by_me => {
                let info = view::lesson_info(
                    lesson.date,
                    a,
                    b,
                    lesson.hours,
                    &s.topics,
                    scheduled_work.is_some(),
                );
                view::duties(
                    &info,
                    &s.topics,
                    s.homework.as_ref(),
                    &cells,
                    now,
                    &self.policy,
                )
            }
            _ => Vec::new(),
        };
        let substitution = lesson.substitute_teacher_id.map(|id| Substitution {
            substitute_name: self
                .store
                .user(id)
                .ok()
                .flatten()
                .map(|u| u.full_name)
                .unwrap_or_default(),
            replaced_name: self
                .store
                .user(s.teacher_id)
                .ok()
                .flatten()
                .map(|u| u.full_name)
                .unwrap_or_default(),
            by_me: id == self.me.id,
        });
        LessonSummary {
            id: lesson.id,
            load_id: lesson.load_id,
            date: lesson.date,
            bell_number: lesson.bell_number,
            starts_at,
            ends_at,
            hours: lesson.hours,
            group_name: s.group_name.clone(),
            subgroup_name: s.subgroup_name.clone(),
            subject_name: s.subject_name.clone(),
            room: lesson.room.clone(),
            state: match lesson.status {
                LessonStatus::Scheduled => LessonState::Scheduled,
                LessonStatus::Postponed => LessonState::Postponed,
                LessonStatus::Cancelled => LessonState::Cancelled,
            },
            moved_to: lesson.moved_to,
            substitution,
            change_reason: lesson.change_reason.clone(),
            may_change: self
                .store
                .load(lesson.load_id)
                .ok()
                .flatten()
                .is_some_and(|l| {
                    self.check_permission(&l.load, None, Action::RecordSubstitution)
                        .is_ok()
                }),
            topics: s.topics.iter().map(|t| t.title.clone()).collect(),
            homework: s.homework.as_ref().map(|h| h.text.clone()),
            student_count: detail.roster.len() as u32,
            filled_cells: cells.iter().filter(|c| !c.value.is_empty()).count() as u32,
            missing: duties.iter().filter(|d| !d.done).count() as u32,
            duties,
            locked: detail.locked,
            control_work: scheduled_work.map(|w| {
                let form = w.form.name_ru();
                if w.vtk {
                    format!("ВТК: {form}")
                } else {
                    form.to_string()
                }
            }),
        }
    }
}

#[derive(Default)]
struct LoadProgress {
    given: HashSet<TopicId>,
    hours: u32,
}

fn user_info(u: &User) -> UserInfo {
    UserInfo {
        id: u.id,
        login: u.login.clone(),
        full_name: u.full_name.clone(),
        roles: u
            .grants
            .iter()
            .filter_map(|g| serde_json::to_value(g.role).ok())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    }
}

fn period_view(p: &Period) -> PeriodView {
    PeriodView {
        id: p.id,
        name: p.name.clone(),
        ordinal: p.ordinal,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
    }
}

/// The rules' view of a period for entries that belong to it as a whole (finals, lock).
fn period_info(p: &Period) -> LessonInfo {
    LessonInfo {
        date: p.ends_on,
        starts_at: p.starts_on.and_time(NaiveTime::MIN),
        ends_at: p.ends_on.and_time(NaiveTime::MIN),
        hours: 1,
        work_type: journal_core::WorkType::Lesson,
    }
}

/// Entries are made only for a lesson that takes place.
fn check_held(lesson: &Lesson) -> Result<(), ApiError> {
    journal_protocol::lesson_change::check_held(lesson)
        .map_err(|e| ApiError::new(e.code(), e.to_string()))
}

fn reopening_view(r: journal_store::Reopening) -> ReopeningView {
    ReopeningView {
        reason: r.reason,
        reopened_at: r.reopened_at,
        reopened_by: r
            .reopened_by_name
            .unwrap_or_else(|| "администрация".to_string()),
    }
}

fn check_length(text: &str, what: &str) -> Result<(), ApiError> {
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        Err(ApiError::new(
            "text_too_long",
            format!("{what}: слишком длинный текст ({n} знаков, допустимо до {MAX_TEXT_CHARS})"),
        ))
    } else {
        Ok(())
    }
}

/// A scheduled control work as the lesson and the page show it.
fn control_work_line(w: journal_protocol::ControlWork) -> ControlWorkLine {
    ControlWorkLine {
        form_name: w.form.name_ru().into(),
        title: w.title,
        vtk: w.vtk,
        criteria: w.criteria.map(|c| c.describe_ru()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_can_live_in_tauri_state() {
        // Tauri keeps the journal in a Mutex in managed state, which needs Send.
        fn is_send<T: Send>() {}
        is_send::<Journal>();
    }

    #[test]
    fn overlong_text_is_refused_with_a_code() {
        let long = "а".repeat(MAX_TEXT_CHARS + 1);
        let err = check_length(&long, "Тема").expect_err("too long");
        assert_eq!(err.code, "text_too_long", "stable code for the UI");
        assert!(check_length("Кратко", "Тема").is_ok(), "normal text passes");
    }
}
