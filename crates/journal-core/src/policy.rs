//! Institution policies: where the five regulations disagree (or are silent), the institution chooses;
//! the default is the strictest reading. Kept on the server and synced to devices as data.
//!
//! Regulations are cited by file number: 000 Чеховский техникум, 001 Егорьевский техникум,
//! 002 Кузнецкий металлургический техникум, 003 СОШ № 1 с. Сергиевск, 004 ОГБПОУ РТТ. Points are the
//! regulations' own numbers; «001 «Преподаватель» п. 2» is a point of 001's appendix of duties, and
//! «004 п. 4.2.1» is 004's п. 4.2, subpoint 1).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    HalfYear,
    Semester,
    Quarter,
    Trimester,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateEntry {
    /// 004 п. 4.2.1: «Исправление отметок и выставление отметок „задним числом“ запрещено» — after the
    /// lesson's day only control/written-work marks within the checking norms (004 п. 4.2.1 itself
    /// defers to them); no make-up marks in old columns, no corrections.
    Strict,
    /// 001: besides control-work (3 days) and written-work (7 days) marks, make-up marks in the missed
    /// topic's column (Приложение, «Преподаватель» п. 2) and corrections with a reason under the
    /// deputy's control (Приложение, заместитель п. 9), each logged.
    AllowedCases,
}

/// How the suggested period final rounds the average of the marks. The five regulations are silent
/// on it (001 only lists the final's symbols, п. 4.10), so it is the institution's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalRounding {
    /// Arithmetic rounding: 3,5 → 4, 3,49 → 3.
    HalfUp,
    /// The stricter school practice: the higher mark only from ,6 (3,6 → 4, 3,5 → 3).
    FromSixTenths,
}

/// Who gives students and parents their diary logins (the regulations differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiaryLoginIssuer {
    /// 001 п. 3.2.1, 002 п. 6.3, 003 п. 4.2.2, 004 п. 3.1.2: классный руководитель / куратор.
    Curator,
    /// 000 п. 2.3: «через заведующего отделением».
    DepartmentHead,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    pub period_kind: PeriodKind,
    pub late_entry: LateEntry,
    /// Lock a period's marks once its finals are set (001 Приложение, «Преподаватель» п. 5: «не имеет
    /// права редактировать ЭЖ после выставления итоговых оценок»). Default: yes, for everyone.
    pub lock_after_finals: bool,
    /// Deputies may edit entries and reopen a locked period (001 Приложение, заместитель п. 9, 16).
    /// 000 п. 3.3 and 002 п. 7.4: view only, «без права редактирования» — the default.
    pub deputy_may_edit: bool,
    /// Deputies may record substitutions (001 Приложение, заместитель п. 4: «Отмечает факты замены»).
    pub deputy_records_substitutions: bool,
    /// Subjects (by name) where a double mark like 5/4 is allowed (001 п. 4.9).
    pub double_mark_subjects: Vec<String>,
    /// An absence and a make-up mark in one cell (001 Приложение, «Преподаватель» п. 2).
    pub multiple_entries_per_cell: bool,
    /// Wording: «класс/классный руководитель/четверть» (school) or «группа/куратор/семестр» (college).
    pub school_wording: bool,
    /// Rounding of the suggested final (regulations silent).
    pub final_rounding: FinalRounding,
    /// Who issues student and parent logins.
    pub diary_logins_issued_by: DiaryLoginIssuer,
    /// Students and parents also see homework (001 п. 3.2.2, 004 п. 3.1.1). 000 п. 2.7 and 002 п. 6.6:
    /// «только об его успеваемости, посещаемости и расписании» — the default.
    pub diary_shows_homework: bool,
    /// Students and parents also see lesson topics (001 п. 3.2.2, 004 п. 3.1.1); default as above.
    pub diary_shows_topics: bool,
    /// A paper journal is kept in parallel (000 п. 1.5); 003 п. 2.1 excludes paper journals.
    pub parallel_paper_journal: bool,
    /// The paper copy is printed after every period (004 п. 4.2.3 «по окончании семестров», 003
    /// п. 5.2.1 «раз в полугодие») rather than only at the year's end (001 п. 6.10, 8.2).
    pub paper_copy_each_period: bool,
    /// Days a teacher has to deal with a «Замечание по ведению журнала» (the author may set another
    /// deadline): 004 п. 4.2.1 «Еженедельно устранять замечания» — a week by default.
    pub remark_deadline_days: u32,
    /// The year journal is printed for the archive only after the deputy marked it «проверен и
    /// принят» (001 п. 8.3: «распечатывается … после проверки заместителем директора»); off by
    /// default, where the institution prints drafts for its own control too.
    pub archive_print_after_acceptance: bool,
    /// Days after a control work within which its marks may still be entered (001 Приложение,
    /// «Преподаватель» п. 9: «в течение 3 дней со дня ее проведения»; 004 п. 4.2.1 defers to the
    /// institution's checking norms).
    pub control_work_days: u32,
    /// Days after a written work (сочинение, изложение, диктант) within which its marks may still be
    /// entered (001 «Преподаватель» п. 10: «в течение одной недели»).
    pub written_work_days: u32,
    /// Finals are accepted only in the period's last this many days (001 «Преподаватель» п. 11:
    /// «в течение последней недели каждого учебного периода» — 7); 0 = from the period's start.
    /// Off by default: the other four regulations are silent, and a student who sits the
    /// attestation early (досрочная сдача: army service, a transfer) needs a final before the last
    /// week. The last-week deadline is reported either way ([`crate::deadlines`]).
    pub finals_window_days: u32,
    /// A year final (годовая отметка) closes the last period, suggested from the period finals
    /// (003, a school's АСУ РСО: «оценки за весь период»; the colleges' regulations count by
    /// semesters and keep none) — off by default.
    pub year_finals: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            period_kind: PeriodKind::Semester,
            late_entry: LateEntry::Strict,
            lock_after_finals: true,
            deputy_may_edit: false,
            deputy_records_substitutions: false,
            double_mark_subjects: vec![
                "Русский язык".into(),
                "Литература".into(),
                "Русский язык и литература".into(),
            ],
            multiple_entries_per_cell: true,
            school_wording: false,
            final_rounding: FinalRounding::HalfUp,
            diary_logins_issued_by: DiaryLoginIssuer::Curator,
            diary_shows_homework: false,
            diary_shows_topics: false,
            parallel_paper_journal: false,
            paper_copy_each_period: true,
            remark_deadline_days: 7,
            archive_print_after_acceptance: false,
            control_work_days: 3,
            written_work_days: 7,
            finals_window_days: 0,
            year_finals: false,
        }
    }
}

/// Normalises a subject name for comparison: trimmed, case-insensitive, «ё» = «е», single spaces.
fn normalise_subject(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// A day count of the policy over its bound: the field, its bound and the value given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaysOutOfBounds {
    pub field: &'static str,
    pub max: u32,
    pub value: u32,
}

impl Policy {
    /// The first day count over its bound (checking norms up to a month, the finals window up to a
    /// month, a remark's deadline up to two): a longer one is a typo, not a norm. The console's PUT
    /// and `init --policy` both refuse it.
    pub fn days_out_of_bounds(&self) -> Option<DaysOutOfBounds> {
        [
            ("control_work_days", self.control_work_days, 30),
            ("written_work_days", self.written_work_days, 30),
            ("finals_window_days", self.finals_window_days, 31),
            ("remark_deadline_days", self.remark_deadline_days, 60),
        ]
        .into_iter()
        .find(|(_, value, max)| value > max)
        .map(|(field, value, max)| DaysOutOfBounds { field, max, value })
    }

    /// Whether a double mark like «5/4» may be written for this subject (001 п. 4.9: only Russian
    /// language and literature by default; the institution lists its subjects in the policy).
    pub fn allows_double_mark(&self, subject_name: &str) -> bool {
        let wanted = normalise_subject(subject_name);
        !wanted.is_empty()
            && self
                .double_mark_subjects
                .iter()
                .any(|s| normalise_subject(s) == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_mark_only_for_russian_and_literature_by_default() {
        // 001 п. 4.9: «Выставление в одной клеточке двух оценок допускается только на уроках русского
        // языка и литературы».
        let p = Policy::default();
        for s in [
            "Русский язык",
            "Литература",
            "Русский язык и литература",
            "  русский   ЯЗЫК ",
        ] {
            assert!(
                p.allows_double_mark(s),
                "001 п. 4.9: двойная отметка допустима по «{s}»"
            );
        }
        for s in ["Математика", "Русский", "", "Родная литература"]
        {
            assert!(
                !p.allows_double_mark(s),
                "001 п. 4.9: двойная отметка недопустима по «{s}»"
            );
        }
    }

    #[test]
    fn policy_list_decides_and_yo_equals_ye() {
        let p = Policy {
            double_mark_subjects: vec!["Родная литература (русская)".into(), "Ёлки".into()],
            ..Policy::default()
        };
        assert!(
            p.allows_double_mark("родная литература (русская)"),
            "the institution's list decides"
        );
        assert!(
            p.allows_double_mark("елки"),
            "«ё» and «е» are one letter for matching"
        );
        assert!(
            !p.allows_double_mark("Русский язык"),
            "a subject not in the list is refused"
        );
    }

    #[test]
    fn default_is_the_strictest_reading() {
        let p = Policy::default();
        assert_eq!(
            p.late_entry,
            LateEntry::Strict,
            "004 п. 4.2.1: no backdating by default"
        );
        assert!(
            p.lock_after_finals,
            "001 «Преподаватель» п. 5: locked after finals by default"
        );
        assert!(
            !p.deputy_may_edit,
            "000 п. 3.3 / 002 п. 7.4: deputies view only by default"
        );
        assert!(
            !p.diary_shows_homework,
            "000 п. 2.7: the diary shows marks, attendance, timetable"
        );
    }

    #[test]
    fn old_policy_json_without_new_fields_still_reads() {
        // Policies stored before a field was added must keep loading, with the default for it.
        let json = r#"{"period_kind":"quarter","late_entry":"allowed_cases","lock_after_finals":true,
            "deputy_may_edit":false,"deputy_records_substitutions":true,"double_mark_subjects":[],
            "multiple_entries_per_cell":false,"school_wording":true}"#;
        let p: Policy = serde_json::from_str(json).expect("old policy JSON parses");
        assert_eq!(p.period_kind, PeriodKind::Quarter, "stored fields are kept");
        assert_eq!(
            p.final_rounding,
            FinalRounding::HalfUp,
            "missing fields take the default"
        );
    }
}
