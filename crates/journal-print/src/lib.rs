//! journal-print: the journal on paper. Renders PDF documents from plain journal data (a
//! [`journal_protocol::Snapshot`]) — never opens a database and never reads the clock (the time of
//! generation is in [`PrintContext`]):
//!
//! - [`year_journal`]: the whole-year archive copy of a group (title page, «Оглавление» with true
//!   page numbers, students, per-subject spreads, finals, «Программа выполнена», «Замечания по
//!   ведению журнала», the archive and «Прошито, пронумеровано…» records);
//! - [`subject_pages`] (and [`subject_period_pages`], [`subject_month_pages`]): one load's spreads on demand;
//! - [`finals_sheet`]: «Сводная ведомость итоговых оценок» of a group for the year;
//! - [`module_journal`]: «Журнал учета обучения по профессиональному модулю» of a group — its МДК
//!   and practices' pages and the module's «Сводная ведомость» with the квалификационный экзамен;
//! - [`extract`]: «Выписка» of one student's marks and attendance for a period, for a parent;
//! - [`outage_pages`]: a teacher's lessons of a day with empty cells, to fill by hand during an outage;
//! - a control report ([`PrintRequest::Report`], journal-reports) with its figures, bar charts and
//!   tables;
//! - [`login_slips`]: cut-out slips with a login, a first password and the server's address.
//! - [`unseen_parents`]: a group's parents who have not opened the family diary lately.
//! - [`health_sheet`]: a group's «Листок здоровья» (001 п. 4.12).
//!
//! Every page's footer carries «стр. N из M», the generation time and a verification code derived
//! from the page's content and the document id. The codes, the document id and the request are also
//! written into the PDF's keywords, so [`read_stamp`] gets them back and [`verify`] re-renders the
//! same request from current data and says which pages no longer match.
//!
//! Layout is by hand (printpdf explicit operations; see [`layout`]), with Liberation Sans embedded
//! as subsets (see [`fonts`]).

pub mod documents;
pub mod fonts;
pub mod health;
pub mod layout;
mod model;
mod module;
pub mod parents;
mod pdf;
mod report;
pub mod slips;

use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{GroupId, LoadId, PeriodId, StudentId, SubjectId, UserId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

pub use documents::sheet_count;
pub use health::{health_sheet, HealthSheetLine};
pub use parents::{unseen_parents, UnseenParentLine};
pub use pdf::{page_code, read_stamp, Stamp};
pub use slips::{login_slips, LoginSlip};

/// What varies between two printings of the same data: when, and under which document id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintContext {
    /// Local time of generation: printed in footers and metadata; the year journal shows lessons
    /// up to this date.
    pub generated_at: NaiveDateTime,
    /// Identifies this printing; part of every page's verification code.
    pub document_id: uuid::Uuid,
}

/// A document to print and its parameters (stored in the PDF so it can be verified later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrintRequest {
    YearJournal {
        group_id: GroupId,
        /// Printed on both sides of the sheet: mirror margins, spreads on facing pages and
        /// «… N листов» = ⌈pages/2⌉. One-sided: binding always on the left, a sheet per page.
        #[serde(default)]
        double_sided: bool,
    },
    SubjectPages {
        load_id: LoadId,
        from: NaiveDate,
        to: NaiveDate,
    },
    FinalsSheet {
        group_id: GroupId,
    },
    Extract {
        student_id: StudentId,
        period_id: PeriodId,
    },
    OutagePages {
        teacher_id: UserId,
        date: NaiveDate,
    },
    /// A control report (journal-reports) with its filter, computed at the generation time.
    Report {
        report: journal_reports::ReportKind,
        filter: journal_reports::Filter,
    },
    /// «Журнал учета обучения по профессиональному модулю» of a group: its МДК and practices'
    /// pages and the module's «Сводная ведомость».
    ModuleJournal {
        group_id: GroupId,
        module_id: SubjectId,
    },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrintError {
    #[error("Группа не найдена: {0}")]
    GroupNotFound(GroupId),
    #[error("Нагрузка (предмет группы) не найдена: {0}")]
    LoadNotFound(LoadId),
    #[error("Обучающийся не найден: {0}")]
    StudentNotFound(StudentId),
    #[error("Учебный период не найден: {0}")]
    PeriodNotFound(PeriodId),
    #[error("Преподаватель не найден: {0}")]
    TeacherNotFound(UserId),
    #[error("Обучающийся не состоит ни в одной группе")]
    StudentWithoutGroup,
    #[error("Неверный интервал дат: {from} — {to}")]
    InvalidRange { from: NaiveDate, to: NaiveDate },
    #[error("У преподавателя нет занятий {0}")]
    NoLessons(NaiveDate),
    #[error("Ошибка шрифта: {0}")]
    Font(String),
    #[error("Файл не является PDF-документом журнала: {0}")]
    NotJournalPdf(String),
    #[error("{0}")]
    Report(journal_reports::ReportError),
    #[error("Профессиональный модуль не найден: {0}")]
    ModuleNotFound(SubjectId),
    #[error("У группы нет МДК, практик и нагрузки этого профессионального модуля")]
    ModuleWithoutLoads,
}

impl PrintError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::GroupNotFound(_) => "print_group_not_found",
            PrintError::LoadNotFound(_) => "print_load_not_found",
            PrintError::StudentNotFound(_) => "print_student_not_found",
            PrintError::PeriodNotFound(_) => "print_period_not_found",
            PrintError::TeacherNotFound(_) => "print_teacher_not_found",
            PrintError::StudentWithoutGroup => "print_student_without_group",
            PrintError::InvalidRange { .. } => "print_invalid_range",
            PrintError::NoLessons(_) => "print_no_lessons",
            PrintError::Font(_) => "print_font_invalid",
            PrintError::NotJournalPdf(_) => "print_not_journal_pdf",
            PrintError::Report(e) => e.code(),
            PrintError::ModuleNotFound(_) => "print_module_not_found",
            PrintError::ModuleWithoutLoads => "print_module_without_loads",
        }
    }
}

/// Renders any document.
pub fn render(
    snap: &Snapshot,
    req: &PrintRequest,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let doc = documents::build(snap, req, ctx)?;
    pdf::finish(doc, req, ctx)
}

/// The whole-year journal of a group (archive copy, printed double-sided; for one-sided printing
/// render [`PrintRequest::YearJournal`] with `double_sided: false`).
pub fn year_journal(
    snap: &Snapshot,
    group_id: GroupId,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(
        snap,
        &PrintRequest::YearJournal {
            group_id,
            double_sided: true,
        },
        ctx,
    )
}

/// One load's journal spreads for the lessons between two dates (inclusive).
pub fn subject_pages(
    snap: &Snapshot,
    load_id: LoadId,
    from: NaiveDate,
    to: NaiveDate,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(snap, &PrintRequest::SubjectPages { load_id, from, to }, ctx)
}

/// One load's journal spreads for a period.
pub fn subject_period_pages(
    snap: &Snapshot,
    load_id: LoadId,
    period_id: PeriodId,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let p = snap
        .periods
        .iter()
        .find(|p| p.id == period_id)
        .ok_or(PrintError::PeriodNotFound(period_id))?;
    subject_pages(snap, load_id, p.starts_on, p.ends_on, ctx)
}

/// One load's journal spreads for a calendar month.
pub fn subject_month_pages(
    snap: &Snapshot,
    load_id: LoadId,
    year: i32,
    month: u32,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next.and_then(|n| n.pred_opt())) {
        (Some(from), Some(to)) => subject_pages(snap, load_id, from, to, ctx),
        _ => {
            let d = NaiveDate::MIN;
            Err(PrintError::InvalidRange { from: d, to: d })
        }
    }
}

/// «Сводная ведомость итоговых оценок» of a group for the year.
pub fn finals_sheet(
    snap: &Snapshot,
    group_id: GroupId,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(snap, &PrintRequest::FinalsSheet { group_id }, ctx)
}

/// «Журнал учета обучения по профессиональному модулю» of a group.
pub fn module_journal(
    snap: &Snapshot,
    group_id: GroupId,
    module_id: SubjectId,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(
        snap,
        &PrintRequest::ModuleJournal {
            group_id,
            module_id,
        },
        ctx,
    )
}

/// «Выписка» for a parent: one student's marks and attendance for a period.
pub fn extract(
    snap: &Snapshot,
    student_id: StudentId,
    period_id: PeriodId,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(
        snap,
        &PrintRequest::Extract {
            student_id,
            period_id,
        },
        ctx,
    )
}

/// Pages for an outage: a teacher's lessons of a day with class lists and empty cells.
pub fn outage_pages(
    snap: &Snapshot,
    teacher_id: UserId,
    date: NaiveDate,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    render(snap, &PrintRequest::OutagePages { teacher_id, date }, ctx)
}

/// Keeps the loads in `keep` and everything that hangs on them (КТП, lessons, topics, homework,
/// cells, finals, locks, remarks); reference data (groups, students, periods, users) stays whole.
/// Printing restricts the data to what the user may print before rendering.
pub fn restrict_to_loads(mut s: Snapshot, keep: &std::collections::HashSet<LoadId>) -> Snapshot {
    s.loads.retain(|l| keep.contains(&l.id));
    s.plan_topics.retain(|t| keep.contains(&t.load_id));
    s.lessons.retain(|l| keep.contains(&l.load_id));
    let lessons: std::collections::HashSet<_> = s.lessons.iter().map(|l| l.id).collect();
    s.lesson_topics.retain(|t| lessons.contains(&t.lesson_id));
    s.homework.retain(|h| lessons.contains(&h.lesson_id));
    s.cells.retain(|c| lessons.contains(&c.lesson_id));
    s.finals.retain(|f| keep.contains(&f.load_id));
    s.locks.retain(|l| keep.contains(&l.load_id));
    s.remarks.retain(|r| keep.contains(&r.load_id));
    s
}

/// The outcome of checking a printed document against current data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub document_id: uuid::Uuid,
    pub request: PrintRequest,
    pub generated_at: NaiveDateTime,
    pub printed_pages: usize,
    pub current_pages: usize,
    /// 1-based numbers of printed pages whose code differs from the current data (or that no
    /// longer exist).
    pub changed_pages: Vec<usize>,
}

impl VerifyReport {
    /// True when every printed page still matches the stored journal.
    pub fn matches(&self) -> bool {
        self.changed_pages.is_empty() && self.printed_pages == self.current_pages
    }
}

/// Checks a printed PDF against current data: reads its stamp (document id, request, time, page
/// codes), renders the same request from `snap` under the same document id and time, and compares
/// the codes page by page. Codes cover the page's content, not the footer's generation time.
pub fn verify(pdf_bytes: &[u8], snap: &Snapshot) -> Result<VerifyReport, PrintError> {
    let stamp = read_stamp(pdf_bytes)?;
    let ctx = PrintContext {
        generated_at: stamp.generated_at,
        document_id: stamp.document_id,
    };
    let current = match documents::build(snap, &stamp.request, &ctx) {
        Ok(doc) => pdf::codes(&doc.pages, stamp.document_id),
        // Data the document was printed from is gone: every page differs.
        Err(_) => Vec::new(),
    };
    let changed_pages = stamp
        .codes
        .iter()
        .enumerate()
        .filter(|(i, c)| current.get(*i) != Some(*c))
        .map(|(i, _)| i + 1)
        .collect();
    Ok(VerifyReport {
        document_id: stamp.document_id,
        request: stamp.request,
        generated_at: stamp.generated_at,
        printed_pages: stamp.codes.len(),
        current_pages: current.len(),
        changed_pages,
    })
}
