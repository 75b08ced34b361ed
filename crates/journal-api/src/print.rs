//! Printing from the local copy (works offline): the year journal of a group, a load's pages for a
//! period or a month, the finals sheet, a group's профессиональный модуль journal, a parent's extract, the outage pages of the signed-in
//! teacher's day — and checking a printed PDF against the copy.
//!
//! The documents are rendered by journal-print from [`Store::export_snapshot`](journal_store::Store)
//! restricted to the loads the user may print (journal_core permissions, `Action::PrintDocuments`),
//! so a document never shows more than the user is allowed to print.

use crate::dto::{
    ModuleSummaryRowView, ModuleSummaryView, PrintDocument, PrintedFile, ReportView,
    VerifyReportDto,
};
use crate::{ApiError, Journal};
use chrono::{Datelike, NaiveDate};
use journal_core::{
    permissions, Action, GroupId, LoadId, PeriodId, Role, RuleError, Scope, StudentId,
};
use journal_print::{PrintContext, PrintError, PrintRequest};
use journal_protocol::{ModuleJournalError, Snapshot};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

impl From<PrintError> for ApiError {
    fn from(e: PrintError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

fn group_not_found(given: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        "group_not_found",
        format!("Группа не найдена в локальной копии журнала: {given}"),
    )
}

impl Journal {
    /// The whole local copy as a snapshot (what the documents are printed from).
    pub fn snapshot(&self) -> Result<Snapshot, ApiError> {
        Ok(self.store.export_snapshot()?)
    }

    /// Renders a document as PDF bytes from the local copy, stamped with "now" from the clock and a
    /// fresh document id (UUIDv7). Refused (nothing printed) when the user may not print it.
    pub fn print(&self, document: &PrintDocument) -> Result<Vec<u8>, ApiError> {
        let (snap, request) = self.printable(document)?;
        let ctx = PrintContext {
            generated_at: self.now(),
            document_id: uuid::Uuid::now_v7(),
        };
        Ok(journal_print::render(&snap, &request, &ctx)?)
    }

    /// A report of the user's own loads from the local copy, to read on screen: what
    /// [`PrintDocument::Report`] prints, computed now over the same loads (offline too).
    pub fn report(
        &self,
        report: journal_reports::ReportKind,
        period_id: Option<PeriodId>,
    ) -> Result<ReportView, ApiError> {
        let (snap, request) = self.printable(&PrintDocument::Report { report, period_id })?;
        let PrintRequest::Report { report, filter } = request else {
            return Err(ApiError::new(
                "report_failed",
                "Отчёт не сформирован: запрос не является отчётом",
            ));
        };
        journal_reports::build(report, &snap, &filter, self.now())
            .map(ReportView::from)
            .map_err(|e| PrintError::Report(e).into())
    }

    /// The «Сводная ведомость» of a профессиональный модуль for a group, read-only, from the local
    /// copy: what the module journal prints on its last sheet, cut to the same loads.
    pub fn module_summary(
        &self,
        group_id: GroupId,
        module_id: journal_core::SubjectId,
    ) -> Result<ModuleSummaryView, ApiError> {
        let (snap, _) = self.printable(&PrintDocument::ModuleJournal {
            group_id,
            module_id,
        })?;
        let until = snap.year.ends_on.min(self.now().date());
        let summary = snap
            .module_summary(group_id, module_id, snap.year.starts_on, until)
            .map_err(|e| ApiError::new(e.code(), e.to_string()))?;
        let text = |v: &Option<journal_core::FinalValue>| {
            v.as_ref().map(|f| f.symbol()).unwrap_or_default()
        };
        Ok(ModuleSummaryView {
            group_id,
            group_name: snap
                .groups
                .iter()
                .find(|g| g.id == group_id)
                .map(|g| g.name.clone())
                .unwrap_or_default(),
            module_id,
            module_name: summary.module_name.clone(),
            columns: summary.columns.iter().map(|c| c.heading_ru()).collect(),
            rows: summary
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| ModuleSummaryRowView {
                    number: i as u32 + 1,
                    full_name: r.full_name.clone(),
                    finals: r.finals.iter().map(text).collect(),
                    qualifying_exam: text(&r.qualifying_exam),
                    mastered: r.mastered_ru().to_string(),
                })
                .collect(),
        })
    }

    /// Prints `document` into the file `path` (its folder is created; written through a temporary
    /// file beside it, so a failure leaves no half a PDF). Refused before anything is written when
    /// the user may not print it.
    pub fn print_to_file(
        &self,
        document: &PrintDocument,
        path: &Path,
    ) -> Result<PrintedFile, ApiError> {
        if path.as_os_str().is_empty() {
            return Err(ApiError::invalid_input("Укажите, куда сохранить PDF"));
        }
        let pdf = self.print(document)?;
        write_file(path, &pdf)?;
        let pages = journal_print::read_stamp(&pdf)
            .map(|s| s.codes.len() as u32)
            .unwrap_or(0);
        Ok(PrintedFile {
            title: document.title_ru().to_string(),
            path: path.display().to_string(),
            pages,
            bytes: pdf.len() as u64,
        })
    }

    /// Checks the printed PDF in the file `path` against the local copy (see [`Journal::verify_pdf`]).
    pub fn verify_file(&self, path: &Path) -> Result<VerifyReportDto, ApiError> {
        let pdf = std::fs::read(path).map_err(|e| {
            ApiError::new(
                "print_read_failed",
                format!("Не удалось прочитать {}: {e}", path.display()),
            )
        })?;
        self.verify_pdf(&pdf)
    }

    /// Where a document named `file_name` is saved by default: in the user's Documents
    /// (XDG_DOCUMENTS_DIR, ~/Documents or ~/Документы when it exists), else in `prints/` of
    /// `data_root`; the name made safe for any file system and ending in `.pdf`.
    pub fn default_print_path(data_root: &Path, file_name: &str) -> PathBuf {
        Self::default_print_dir(data_root).join(safe_pdf_name(file_name))
    }

    fn default_print_dir(data_root: &Path) -> PathBuf {
        let existing = |p: PathBuf| p.is_dir().then_some(p);
        std::env::var_os("XDG_DOCUMENTS_DIR")
            .map(PathBuf::from)
            .and_then(existing)
            .or_else(|| {
                let home = PathBuf::from(std::env::var_os("HOME")?);
                existing(home.join("Documents")).or_else(|| existing(home.join("Документы")))
            })
            .unwrap_or_else(|| data_root.join("prints"))
    }

    /// Checks a printed PDF against the local copy: which of its pages no longer show what the
    /// journal holds. A PDF that is not one of ours is refused with `print_not_journal_pdf`.
    pub fn verify_pdf(&self, pdf: &[u8]) -> Result<VerifyReportDto, ApiError> {
        let stamp = journal_print::read_stamp(pdf)?;
        let document = PrintDocument::from_request(&stamp.request, self.me.id)?;
        let (snap, _) = self.printable(&document)?;
        let report = journal_print::verify(pdf, &snap)?;
        Ok(VerifyReportDto::new(&report, document))
    }

    /// A профессиональный модуль by id, name or short name («ПМ.01»; case and «ё» ignored), or
    /// by the name's beginning when one module starts so, among the subjects in the local copy.
    pub fn find_module(&self, given: &str) -> Result<journal_core::SubjectId, ApiError> {
        let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
        let modules: Vec<_> = self
            .store
            .subjects()?
            .into_iter()
            .filter(|s| s.kind == journal_protocol::SubjectKind::Module)
            .collect();
        let given_n = norm(given);
        if let Some(m) = modules.iter().find(|s| {
            s.id.to_string() == given.trim()
                || norm(&s.name) == given_n
                || norm(&s.short_name) == given_n
        }) {
            return Ok(m.id);
        }
        let starting: Vec<_> = modules
            .iter()
            .filter(|s| !given_n.is_empty() && norm(&s.name).starts_with(&given_n))
            .collect();
        match starting.as_slice() {
            [one] => Ok(one.id),
            _ => Err(ApiError::new(
                "module_not_found",
                format!("Профессиональный модуль не найден в локальной копии журнала: {given}"),
            )),
        }
    }

    /// A group by id or by name (case and «ё» ignored), among the groups in the local copy.
    pub fn find_group(&self, given: &str) -> Result<GroupId, ApiError> {
        let groups = self.store.groups()?;
        let given = given.trim();
        if let Ok(id) = given.parse::<GroupId>() {
            return groups
                .iter()
                .find(|g| g.id == id)
                .map(|g| g.id)
                .ok_or_else(|| group_not_found(id));
        }
        let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
        groups
            .iter()
            .find(|g| norm(&g.name) == norm(given))
            .map(|g| g.id)
            .ok_or_else(|| group_not_found(given))
    }

    /// A student of a group given by id, by number in the group's list for a period (members
    /// at any time of the period, in alphabetical order — the order of the printed lists), or by
    /// name («Фамилия Имя» or the full name; case and «ё» ignored; ambiguous names are refused).
    pub fn find_group_student(
        &self,
        group: GroupId,
        period: PeriodId,
        given: &str,
    ) -> Result<StudentId, ApiError> {
        let snap = self.store.export_snapshot()?;
        let period = snap
            .periods
            .iter()
            .find(|p| p.id == period)
            .ok_or_else(|| ApiError::period_not_found(period))?;
        let members: HashSet<StudentId> = snap
            .memberships
            .iter()
            .filter(|m| {
                m.group_id == group
                    && m.from <= period.ends_on
                    && m.to.is_none_or(|t| period.starts_on <= t)
            })
            .map(|m| m.student_id)
            .collect();
        if let Ok(id) = given.trim().parse::<StudentId>() {
            return if members.contains(&id) {
                Ok(id)
            } else {
                Err(ApiError::student_not_found(id))
            };
        }
        let key = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
                .replace('ё', "е")
        };
        let mut list: Vec<(String, StudentId)> = snap
            .students
            .iter()
            .filter(|s| members.contains(&s.id))
            .map(|s| (key(&s.full_name()), s.id))
            .collect();
        list.sort();
        let Ok(number) = given.trim().parse::<usize>() else {
            // «Фамилия Имя» (or the full name): the whole words of the name, from its start.
            let wanted = key(given);
            if wanted.is_empty() {
                return Err(ApiError::invalid_input(
                    "Обучающийся указывается идентификатором, номером в списке или фамилией и именем",
                ));
            }
            let found: Vec<StudentId> = list
                .iter()
                .filter(|(name, _)| name == &wanted || name.starts_with(&format!("{wanted} ")))
                .map(|(_, id)| *id)
                .collect();
            return match found.as_slice() {
                [one] => Ok(*one),
                [] => Err(ApiError::student_not_found(format!(
                    "«{}» в списке группы",
                    given.trim()
                ))),
                _ => Err(ApiError::invalid_input(format!(
                    "В группе несколько обучающихся «{}»: укажите полное имя или номер в списке",
                    given.trim()
                ))),
            };
        };
        number
            .checked_sub(1)
            .and_then(|i| list.get(i))
            .map(|(_, id)| *id)
            .ok_or_else(|| ApiError::student_not_found(format!("№ {number} в списке группы")))
    }

    /// The snapshot restricted to what the user may print for `document`, and journal-print's
    /// request for it. Refusals: unknown group/load/student/period, or no permission.
    fn printable(&self, document: &PrintDocument) -> Result<(Snapshot, PrintRequest), ApiError> {
        let full = self.store.export_snapshot()?;
        let mut first_refusal: Option<ApiError> = None;
        let mut allowed: HashSet<LoadId> = HashSet::new();
        for load in &full.loads {
            match self.check_permission(load, None, Action::PrintDocuments) {
                Ok(()) => {
                    allowed.insert(load.id);
                }
                Err(e) => {
                    first_refusal.get_or_insert(e);
                }
            }
        }
        let refused = |first: Option<ApiError>| {
            first.unwrap_or_else(|| {
                RuleError::Forbidden("нет доступных для печати предметов".into()).into()
            })
        };
        let period_range = |id: PeriodId| {
            full.periods
                .iter()
                .find(|p| p.id == id)
                .map(|p| (p.starts_on, p.ends_on))
                .ok_or_else(|| ApiError::period_not_found(id))
        };
        let load_of = |id: LoadId| {
            full.loads
                .iter()
                .find(|l| l.id == id)
                .ok_or_else(|| ApiError::load_not_found(id))
        };
        // A whole-group document shows the group's loads the user may print; none → refused.
        let group_check = |group_id: GroupId| -> Result<(), ApiError> {
            if !full.groups.iter().any(|g| g.id == group_id) {
                return Err(group_not_found(group_id));
            }
            let of_group: Vec<_> = full
                .loads
                .iter()
                .filter(|l| l.group_id == group_id)
                .collect();
            if of_group.iter().any(|l| allowed.contains(&l.id)) {
                Ok(())
            } else {
                Err(refused(first_refusal.clone()))
            }
        };
        let request = match *document {
            PrintDocument::YearJournal {
                group_id,
                double_sided,
            } => {
                group_check(group_id)?;
                PrintRequest::YearJournal {
                    group_id,
                    double_sided,
                }
            }
            PrintDocument::FinalsSheet { group_id } => {
                group_check(group_id)?;
                PrintRequest::FinalsSheet { group_id }
            }
            PrintDocument::ModuleJournal {
                group_id,
                module_id,
            } => {
                let loads: HashSet<LoadId> = full
                    .module_loads(group_id, module_id)
                    .map_err(|e| match e {
                        ModuleJournalError::ModuleNotFound(id) => {
                            ApiError::from(PrintError::ModuleNotFound(id))
                        }
                        ModuleJournalError::GroupNotFound(id) => group_not_found(id),
                    })?
                    .into_iter()
                    .collect();
                if loads.is_empty() {
                    return Err(PrintError::ModuleWithoutLoads.into());
                }
                // One document: whoever may print one of the module's loads of the group (its
                // teacher, the group's curator, the administration) prints all of them.
                if !loads.iter().any(|l| allowed.contains(l)) {
                    return Err(refused(first_refusal.clone()));
                }
                let keep: HashSet<LoadId> = allowed.union(&loads).copied().collect();
                return Ok((
                    journal_print::restrict_to_loads(full, &keep),
                    PrintRequest::ModuleJournal {
                        group_id,
                        module_id,
                    },
                ));
            }
            PrintDocument::SubjectPeriod { load_id, period_id } => {
                let load = load_of(load_id)?;
                self.check_permission(load, None, Action::PrintDocuments)?;
                let (from, to) = period_range(period_id)?;
                PrintRequest::SubjectPages { load_id, from, to }
            }
            PrintDocument::SubjectMonth {
                load_id,
                year,
                month,
            } => {
                let load = load_of(load_id)?;
                self.check_permission(load, None, Action::PrintDocuments)?;
                let from = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
                    ApiError::invalid_input(format!("Неверный месяц: {year}-{month:02}"))
                })?;
                let next = if from.month() == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)
                };
                let to = next.and_then(|n| n.pred_opt()).ok_or_else(|| {
                    ApiError::invalid_input(format!("Неверный месяц: {year}-{month:02}"))
                })?;
                PrintRequest::SubjectPages { load_id, from, to }
            }
            PrintDocument::SubjectRange { load_id, from, to } => {
                let load = load_of(load_id)?;
                self.check_permission(load, None, Action::PrintDocuments)?;
                PrintRequest::SubjectPages { load_id, from, to }
            }
            PrintDocument::Extract {
                student_id,
                period_id,
            } => {
                period_range(period_id)?;
                if !full.students.iter().any(|s| s.id == student_id) {
                    return Err(ApiError::student_not_found(student_id));
                }
                let groups: HashSet<GroupId> = full
                    .memberships
                    .iter()
                    .filter(|m| m.student_id == student_id)
                    .map(|m| m.group_id)
                    .collect();
                if !full
                    .loads
                    .iter()
                    .any(|l| groups.contains(&l.group_id) && allowed.contains(&l.id))
                {
                    return Err(refused(first_refusal.clone()));
                }
                PrintRequest::Extract {
                    student_id,
                    period_id,
                }
            }
            PrintDocument::OutagePages { date } => {
                // Own lessons only (the document lists the signed-in teacher's lessons, own loads
                // and substitutions): the teacher's right to print in an own load decides.
                let may = self.me.grants.iter().any(|g| {
                    permissions::check(
                        g.role,
                        Action::PrintDocuments,
                        Scope::OwnLoad,
                        self.policy(),
                    )
                    .is_ok()
                        && g.role == Role::Teacher
                });
                if !may {
                    return Err(RuleError::Forbidden(
                        "листы на время сбоя печатает преподаватель для своих уроков".into(),
                    )
                    .into());
                }
                // Substituted lessons belong to other teachers' loads: keep the whole copy, the
                // document itself selects this teacher's lessons of the day.
                return Ok((
                    full,
                    PrintRequest::OutagePages {
                        teacher_id: self.me.id,
                        date,
                    },
                ));
            }
            PrintDocument::Report { report, period_id } => {
                if let Some(p) = period_id {
                    period_range(p)?;
                }
                if allowed.is_empty() {
                    return Err(refused(first_refusal.clone()));
                }
                // Over the loads this copy may print; a teacher's report names them.
                let teaches = full
                    .loads
                    .iter()
                    .any(|l| l.teacher_id == self.me.id && allowed.contains(&l.id));
                PrintRequest::Report {
                    report,
                    filter: journal_reports::Filter {
                        teacher_id: teaches.then_some(self.me.id),
                        period_id,
                        ..Default::default()
                    },
                }
            }
        };
        Ok((journal_print::restrict_to_loads(full, &allowed), request))
    }
}

fn write_file(path: &Path, pdf: &[u8]) -> Result<(), ApiError> {
    let failed = |e: std::io::Error| {
        ApiError::new(
            "print_write_failed",
            format!("Не удалось сохранить PDF в {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, pdf).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

/// A file name for a document that is safe on every desktop system (no folders, no reserved
/// characters), ending in `.pdf`.
fn safe_pdf_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(['.', ' ']).to_string();
    let base = if cleaned.is_empty() {
        "document".to_string()
    } else {
        cleaned
    };
    if base.to_lowercase().ends_with(".pdf") {
        base
    } else {
        format!("{base}.pdf")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_made_safe_and_end_in_pdf() {
        assert_eq!(
            safe_pdf_name("Журнал ИС-21/2026"),
            "Журнал ИС-21_2026.pdf",
            "a slash cannot make a folder"
        );
        assert_eq!(safe_pdf_name("a.PDF"), "a.PDF", "an extension is kept");
        assert_eq!(
            safe_pdf_name("  .. "),
            "document.pdf",
            "an empty name gets one"
        );
    }

    #[test]
    fn a_refused_write_leaves_no_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").expect("a plain file");
        // A folder cannot be created inside a plain file.
        let target = blocker.join("sub").join("doc.pdf");
        let e = write_file(&target, b"%PDF").expect_err("cannot write under a file");
        assert_eq!(e.code, "print_write_failed", "the failure has its code");
        assert!(!target.exists(), "nothing was written");
    }

    use super::*;

    #[test]
    fn print_errors_keep_their_code() {
        let e = ApiError::from(PrintError::NoLessons(NaiveDate::MIN));
        assert_eq!(e.code, "print_no_lessons", "journal-print's code crosses");
        assert!(
            e.message.contains("нет занятий"),
            "and its Russian message: {}",
            e.message
        );
    }
}
