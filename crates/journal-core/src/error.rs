//! The one error type of the rules: a stable machine code plus a Russian message for the user.
//!
//! Codes never change once released (clients, the server's stored outcomes and tests match on them);
//! new refusals get new variants.

/// A refusal by a rule of the regulations. `code()` is stable (clients and tests match on it);
/// `to_string()` is the Russian message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("Недопустимое значение отметки: «{0}». Допустимы 2, 3, 4, 5, н, б, п")]
    InvalidCellValue(String),
    #[error("Двойная отметка (например, 5/4) допускается только по русскому языку и литературе")]
    DoubleMarkNotAllowed,
    #[error("В одной клетке допускается одна отметка (или двойная отметка дробью по русскому языку и литературе) и, при отработке, отметка об отсутствии")]
    TooManyEntries,
    #[error(
        "Недопустимая итоговая отметка: «{0}». Допустимы 2, 3, 4, 5, зачёт, незачёт, н/а, отсрочка"
    )]
    InvalidFinalValue(String),
    #[error("Период закрыт после выставления итоговых отметок: изменения запрещены")]
    PeriodLocked,
    #[error("Нельзя заполнять журнал за урок, который ещё не состоялся")]
    FutureLesson,
    #[error("Запись задним числом запрещена: журнал заполняется в день проведения занятия")]
    Backdating,
    #[error("Тема урока не заполнена")]
    TopicEmpty,
    #[error("Тема урока не может состоять только из сокращений")]
    TopicAbbreviationsOnly,
    #[error("Тема «{0}» недостаточна: укажите, что именно повторяется или решается")]
    TopicTooGeneric(String),
    #[error("Для контрольной, самостоятельной, лабораторной или практической работы укажите её номер или тему")]
    WorkNumberMissing,
    #[error("Недостаточно прав: {0}")]
    Forbidden(String),
    #[error("Ученик не числится в группе на дату урока")]
    StudentNotInGroup,
    #[error("В одной клетке может быть только одна отметка об отсутствии (н, б или п)")]
    TwoAbsencesInCell,
    #[error("Срок внесения записи истёк: {0}")]
    EntryTooLate(String),
    #[error("Итоговые отметки за период выставляются с {from}: положение учреждения отводит на них последние дни периода (дней: {days})")]
    FinalsTooEarly { from: String, days: u32 },
    #[error("Сокращение слов в теме урока не допускается: «{0}»")]
    TopicAbbreviatedWord(String),
    #[error("Не записана тема {0}-го часа занятия: при сдвоенных занятиях тема каждого часа записывается отдельно")]
    TopicMissingForHour(u8),
    #[error("У занятия нет {0}-го часа")]
    TopicHourInvalid(u8),
    #[error("Исправление отметок запрещено положением об электронном журнале")]
    CorrectionForbidden,
    #[error("Для исправления записи после дня занятия укажите причину")]
    CorrectionReasonRequired,
    #[error("Причина слишком длинная: не более {0} знаков")]
    ReasonTooLong(usize),
    #[error("Нельзя закрыть период: итоговая отметка не выставлена {0} обучающимся")]
    FinalsIncomplete(usize),
    #[error("Время на устройстве опережает время сервера: проверьте часы компьютера")]
    DeviceClockAhead,
    #[error("Количество часов занятия должно быть от 1 до {0}")]
    InvalidLessonHours(u8),
    #[error(
        "Записи в журнале ведутся на русском языке (в том числе по иностранному языку): «{0}»"
    )]
    NotInRussian(String),
    #[error("Фамилия, имя, отчество записываются полностью, без сокращений: «{0}»")]
    FullNameRequired(String),
    #[error("Урок ведёт не преподаватель нагрузки: сначала отметьте замену («Замена») с ФИО замещающего")]
    SubstitutionNotRecorded,
    #[error("Недопустимый символ в названии или имени «{0}»: управляющие символы и символы личного использования Unicode не допускаются")]
    ForbiddenCharacter(String),
    #[error(
        "Дата окончания роли ({}) раньше даты её начала ({})",
        .until.format("%d.%m.%Y"),
        .from.format("%d.%m.%Y")
    )]
    GrantTermReversed {
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    },
    /// Giving, changing or ending a role the user may not give (the message says who gives it).
    #[error("{0}")]
    GrantNotAllowed(String),
    #[error("Итоговая отметка «{value}» не соответствует шкале оценивания предмета ({scale})")]
    FinalOffScale { value: String, scale: String },
    #[error(
        "По учебному плану в этом периоде по предмету нет экзамена: графа «Экзамен» не заполняется"
    )]
    NoExamInPeriod,
    #[error("Годовая отметка выставляется только в последнем периоде учебного года, если положение учреждения предусматривает годовые отметки")]
    NoYearFinal,
    #[error("Неверные критерии оценивания ({0}): пороги «3» < «4» < «5» не больше максимума баллов (до 1000)")]
    InvalidCriteria(String),
    #[error("Баллов ({points}) больше, чем максимум за работу ({max})")]
    PointsOverMaximum { points: u16, max: u16 },
    #[error("У этого урока нет контрольной работы с критериями оценивания: баллы не переводятся в отметку, введите отметку")]
    NoCriteria,
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
            RuleError::FinalsTooEarly { .. } => "finals_too_early",
            RuleError::TopicAbbreviatedWord(_) => "topic_abbreviated_word",
            RuleError::TopicMissingForHour(_) => "topic_missing_for_hour",
            RuleError::TopicHourInvalid(_) => "topic_hour_invalid",
            RuleError::CorrectionForbidden => "correction_forbidden",
            RuleError::CorrectionReasonRequired => "correction_reason_required",
            RuleError::ReasonTooLong(_) => "reason_too_long",
            RuleError::FinalsIncomplete(_) => "finals_incomplete",
            RuleError::DeviceClockAhead => "device_clock_ahead",
            RuleError::InvalidLessonHours(_) => "invalid_lesson_hours",
            RuleError::NotInRussian(_) => "not_in_russian",
            RuleError::FullNameRequired(_) => "full_name_required",
            RuleError::SubstitutionNotRecorded => "substitution_not_recorded",
            RuleError::ForbiddenCharacter(_) => "forbidden_character",
            RuleError::GrantTermReversed { .. } => "grant_term_reversed",
            RuleError::GrantNotAllowed(_) => "grant_not_allowed",
            RuleError::FinalOffScale { .. } => "final_off_scale",
            RuleError::NoExamInPeriod => "no_exam_in_period",
            RuleError::NoYearFinal => "no_year_final",
            RuleError::InvalidCriteria(_) => "invalid_criteria",
            RuleError::PointsOverMaximum { .. } => "points_over_maximum",
            RuleError::NoCriteria => "no_criteria",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all() -> Vec<RuleError> {
        vec![
            RuleError::InvalidCellValue("x".into()),
            RuleError::DoubleMarkNotAllowed,
            RuleError::TooManyEntries,
            RuleError::InvalidFinalValue("x".into()),
            RuleError::PeriodLocked,
            RuleError::FutureLesson,
            RuleError::Backdating,
            RuleError::TopicEmpty,
            RuleError::TopicAbbreviationsOnly,
            RuleError::TopicTooGeneric("x".into()),
            RuleError::WorkNumberMissing,
            RuleError::Forbidden("x".into()),
            RuleError::StudentNotInGroup,
            RuleError::TwoAbsencesInCell,
            RuleError::EntryTooLate("x".into()),
            RuleError::TopicAbbreviatedWord("x".into()),
            RuleError::TopicMissingForHour(2),
            RuleError::TopicHourInvalid(3),
            RuleError::CorrectionForbidden,
            RuleError::CorrectionReasonRequired,
            RuleError::ReasonTooLong(300),
            RuleError::FinalsIncomplete(1),
            RuleError::DeviceClockAhead,
            RuleError::InvalidLessonHours(2),
            RuleError::NotInRussian("x".into()),
            RuleError::FullNameRequired("x".into()),
            RuleError::SubstitutionNotRecorded,
            RuleError::ForbiddenCharacter("x".into()),
            RuleError::GrantTermReversed {
                from: chrono::NaiveDate::MIN,
                until: chrono::NaiveDate::MIN,
            },
            RuleError::FinalOffScale {
                value: "зачёт".into(),
                scale: "пятибалльная".into(),
            },
            RuleError::NoExamInPeriod,
            RuleError::NoYearFinal,
            RuleError::InvalidCriteria("x".into()),
            RuleError::PointsOverMaximum {
                points: 21,
                max: 20,
            },
        ]
    }

    #[test]
    fn codes_are_unique_snake_case_and_messages_russian() {
        let errors = all();
        let codes: HashSet<_> = errors.iter().map(RuleError::code).collect();
        assert_eq!(codes.len(), errors.len(), "every refusal has its own code");
        for e in &errors {
            let code = e.code();
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "code {code} is snake_case"
            );
            let msg = e.to_string();
            assert!(
                msg.chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))),
                "message of {code} is in Russian: {msg}"
            );
        }
    }

    #[test]
    fn released_codes_stay_stable() {
        // These codes were in the first release of the contract; renaming one breaks stored outcomes.
        assert_eq!(
            RuleError::PeriodLocked.code(),
            "period_locked",
            "stable code"
        );
        assert_eq!(RuleError::Backdating.code(), "backdating", "stable code");
        assert_eq!(
            RuleError::FutureLesson.code(),
            "future_lesson",
            "stable code"
        );
        assert_eq!(
            RuleError::Forbidden(String::new()).code(),
            "forbidden",
            "stable code"
        );
        assert_eq!(
            RuleError::InvalidCellValue(String::new()).code(),
            "invalid_cell_value",
            "stable code"
        );
    }
}
