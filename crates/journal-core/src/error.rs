//! The one error type of the rules: a stable machine code plus a Russian message for the user.

/// A refusal by a rule of the regulations. `code()` is stable (clients and tests match on it);
/// `to_string()` is the Russian message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("Недопустимое значение отметки: «{0}». Допустимы 2, 3, 4, 5, н, б, п")]
    InvalidCellValue(String),
    #[error("Двойная отметка (например, 5/4) допускается только по русскому языку и литературе")]
    DoubleMarkNotAllowed,
    #[error("В одной клетке допускается не более одной отметки этого вида")]
    TooManyEntries,
    #[error(
        "Недопустимая итоговая отметка: «{0}». Допустимы 2, 3, 4, 5, зачёт, незачёт, н/а, отсрочка"
    )]
    InvalidFinalValue(String),
    #[error("Период закрыт после выставления итоговых отметок: изменения запрещены")]
    PeriodLocked,
    #[error("Нельзя заполнять журнал за урок, который ещё не состоялся")]
    FutureLesson,
    #[error("Запись задним числом запрещена положением об электронном журнале")]
    Backdating,
    #[error("Тема урока не заполнена")]
    TopicEmpty,
    #[error("Тема урока не может состоять только из сокращений")]
    TopicAbbreviationsOnly,
    #[error("Тема «{0}» недостаточна: укажите, что именно повторяется или решается")]
    TopicTooGeneric(String),
    #[error("Для контрольной, лабораторной или практической работы укажите её номер или тему")]
    WorkNumberMissing,
    #[error("Недостаточно прав: {0}")]
    Forbidden(String),
    #[error("Ученик не числится в группе на дату урока")]
    StudentNotInGroup,
    #[error("В одной клетке может быть только одна отметка об отсутствии (н, б или п)")]
    TwoAbsencesInCell,
    #[error("Срок внесения записи истёк: {0}")]
    EntryTooLate(String),
}

impl RuleError {
    /// Stable snake_case code, the same on the wire, in logs and in tests.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::InvalidCellValue(_) => "invalid_cell_value",
            RuleError::DoubleMarkNotAllowed => "double_mark_not_allowed",
            RuleError::TooManyEntries => "too_many_entries",
            RuleError::InvalidFinalValue(_) => "invalid_final_value",
            RuleError::PeriodLocked => "period_locked",
            RuleError::FutureLesson => "future_lesson",
            RuleError::Backdating => "backdating",
            RuleError::TopicEmpty => "topic_empty",
            RuleError::TopicAbbreviationsOnly => "topic_abbreviations_only",
            RuleError::TopicTooGeneric(_) => "topic_too_generic",
            RuleError::WorkNumberMissing => "work_number_missing",
            RuleError::Forbidden(_) => "forbidden",
            RuleError::StudentNotInGroup => "student_not_in_group",
            RuleError::TwoAbsencesInCell => "two_absences_in_cell",
            RuleError::EntryTooLate(_) => "entry_too_late",
        }
    }
}
