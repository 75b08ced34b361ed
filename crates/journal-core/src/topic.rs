//! Lesson topics, 001 п. 4.5: «Тема … записывается строго в соответствии с календарно-тематическим
//! планированием … При проведении сдвоенных уроков/занятий записываются темы каждого урока отдельно.
//! Не допускается сокращение слов при записи тем урока. Не допускаются такие записи, как
//! «Повторение», «Решение задач» и др. без указания конкретной темы. При проведении контрольных,
//! самостоятельных, лабораторных и практических работ указывается их тема и (или) номер работы».
//! 001 п. 6.8: entries in Russian, foreign-language lessons included.

use crate::{RuleError, WorkType};

/// The most hours one lesson slot may have (a «пара» is 2; some colleges run 3-hour practice blocks).
pub const MAX_LESSON_HOURS: u8 = 4;

/// Phrases that say nothing on their own («Повторение», «Решение задач» и др.). A title made only of
/// these (in any order, separated by punctuation) is refused.
const GENERIC_PHRASES: &[&str] = &[
    "повторение",
    "повторение материала",
    "повторение пройденного",
    "повторение пройденного материала",
    "повторение изученного",
    "повторение изученного материала",
    "решение задач",
    "решение примеров",
    "решение упражнений",
    "выполнение упражнений",
    "выполнение заданий",
    "закрепление",
    "закрепление материала",
    "закрепление изученного",
    "закрепление пройденного",
    "обобщение",
    "обобщение материала",
    "обобщение и систематизация",
    "обобщение и систематизация знаний",
    "систематизация знаний",
    "работа над ошибками",
    "анализ контрольной работы",
    "консультация",
    "урок",
    "занятие",
    "лекция",
    "семинар",
    "практика",
    "тема",
    "новая тема",
];

/// Bare names of works (and their usual shortenings) that need a number or a topic.
const WORK_NAMES: &[&str] = &[
    "контрольная работа",
    "самостоятельная работа",
    "лабораторная работа",
    "практическая работа",
    "практическое занятие",
    "лабораторное занятие",
    "проверочная работа",
    "зачетная работа",
    "работа",
    "кр",
    "лр",
    "пр",
    "ср",
];

fn normalise(text: &str) -> String {
    text.to_lowercase()
        .replace('ё', "е")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a normalised title into phrases at punctuation («Повторение. Решение задач»).
fn phrases(norm: &str) -> impl Iterator<Item = &str> {
    norm.split(|c: char| ".,;:!?—–-«»\"()…".contains(c))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Stems that are shortenings when followed by a dot, wherever they stand («Повт.», «Контр. раб.»).
const SHORTENED_STEMS: &[&str] = &[
    "повт",
    "реш",
    "зад",
    "упр",
    "контр",
    "самост",
    "лаб",
    "практ",
    "раб",
    "стр",
    "закр",
    "обобщ",
    "сист",
    "изуч",
    "введ",
    "прим",
    "кр",
    "лр",
    "пр",
    "ср",
    "др",
    "см",
    "ур",
    "зан",
    "тем",
    "пов",
    "гл",
    "пар",
    "кл",
    "ч",
    "т",
    "д",
    "п",
    "с",
    "р",
];

/// A word that is itself a shortening: «т.е.», «к/р», «р/р», a known stem with a dot («повт.»), a word
/// with a dot followed by a lowercase word («реш. задач»), or a title's last word of up to three
/// letters with a dot («и др.»). Not shortenings: initials («А. С. Пушкина»), acronyms («ЭВМ»,
/// «CSS.»), units («км/ч»), and a full stop between two sentences («Кинематика. Равноускоренное …»).
fn abbreviated_word(word: &str, next: Option<&str>) -> bool {
    let core = word.trim_matches(|c: char| "«»\"(),;:!?".contains(c));
    let letters: Vec<char> = core.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() || is_acronym(&letters) {
        return false;
    }
    let is_initials = core
        .split('.')
        .filter(|p| !p.is_empty())
        .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase));
    if is_initials && core.contains('.') {
        return false;
    }
    if core.contains('/') {
        // «к/р», «д/з», «р/р»: two short parts with a slash; «км/ч», «м/с» are units, not words.
        let parts: Vec<&str> = core.split('/').collect();
        return parts.len() == 2
            && parts.iter().all(|p| {
                let n = p.chars().count();
                (1..=2).contains(&n) && p.chars().all(char::is_alphabetic)
            })
            && !matches!(core, "км/ч" | "м/с" | "кг/м" | "г/л");
    }
    if core.trim_end_matches('.').contains('.') {
        return true; // «т.е.», «и.т.д.»
    }
    if !core.ends_with('.') {
        return false;
    }
    let stem = core.trim_end_matches('.').to_lowercase();
    if SHORTENED_STEMS.contains(&stem.as_str()) {
        return true;
    }
    match next.and_then(|n| n.chars().find(|c| c.is_alphanumeric())) {
        Some(c) => c.is_lowercase(),
        None => letters.len() <= 3,
    }
}

/// A word that is an acronym (all capitals, like «ЭВМ», «HTML», «КР») or a number: fine inside a topic,
/// but a title made only of such words says nothing in words.
fn acronym_or_number(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.is_empty() || is_acronym(&letters)
}

/// Two to six capitals («ЭВМ», «HTML», «СССР»); a longer word in capitals is a word typed with Caps Lock.
fn is_acronym(letters: &[char]) -> bool {
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_uppercase())
}

/// Checks the topic of one hour of a lesson.
///
/// * empty → [`RuleError::TopicEmpty`];
/// * every word a shortening, an acronym or a number («КР № 2», «Повт.») →
///   [`RuleError::TopicAbbreviationsOnly`];
/// * any shortened word («Реш. задач на движение», «к/р») → [`RuleError::TopicAbbreviatedWord`];
/// * only generic phrases («Повторение», «Решение задач», «Повторение. Закрепление») →
///   [`RuleError::TopicTooGeneric`];
/// * a control, independent, lab or practical work without its number and whose title is only the
///   work's name → [`RuleError::WorkNumberMissing`].
pub fn validate_topic(
    title: &str,
    work_type: WorkType,
    work_number: Option<u32>,
) -> Result<(), RuleError> {
    let trimmed = title.trim();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if words.is_empty() || !trimmed.chars().any(char::is_alphanumeric) {
        return Err(RuleError::TopicEmpty);
    }
    // Unseen control characters (U+0000 cannot even be kept by PostgreSQL's jsonb).
    crate::text::check_name_chars(trimmed)?;
    // 001 п. 6.8: every entry in Russian, foreign-language lessons included.
    crate::text::check_russian(trimmed)?;
    let shortened: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(i, w)| abbreviated_word(w, words.get(i + 1).copied()))
        .collect();
    if words
        .iter()
        .zip(&shortened)
        .all(|(w, &s)| s || acronym_or_number(w))
    {
        return Err(RuleError::TopicAbbreviationsOnly);
    }
    if let Some((w, _)) = words.iter().zip(&shortened).find(|(_, &s)| s) {
        return Err(RuleError::TopicAbbreviatedWord((*w).to_string()));
    }
    let norm = normalise(trimmed);
    if phrases(&norm).all(|p| GENERIC_PHRASES.contains(&p)) {
        return Err(RuleError::TopicTooGeneric(trimmed.to_string()));
    }
    if needs_number_or_topic(work_type) && work_number.filter(|&n| n > 0).is_none() {
        // «тема и (или) номер»: without a number, the title must say more than the work's name.
        let said = strip_work_names(&norm);
        if !said.chars().any(char::is_alphanumeric) {
            return Err(RuleError::WorkNumberMissing);
        }
        if phrases(&said).all(|p| GENERIC_PHRASES.contains(&p)) {
            return Err(RuleError::WorkNumberMissing);
        }
    }
    Ok(())
}

/// Work types for which 001 п. 4.5 wants «их тема и (или) номер работы».
pub fn needs_number_or_topic(work_type: WorkType) -> bool {
    matches!(
        work_type,
        WorkType::Control | WorkType::Independent | WorkType::Laboratory | WorkType::Practical
    )
}

/// The normalised title without the works' names and «№», so that what remains is the number or topic.
fn strip_work_names(norm: &str) -> String {
    let mut rest = format!(" {} ", norm.replace('№', " "));
    let mut names: Vec<&str> = WORK_NAMES.to_vec();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for name in names {
        rest = rest.replace(&format!(" {name} "), " ");
        rest = rest.replace(&format!(" {name}."), " ");
    }
    rest.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "по" && *w != "теме" && *w != "тема" && *w != "на")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The topic entered for one hour of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourTopic<'a> {
    /// 1-based hour of the lesson.
    pub hour: u8,
    pub title: &'a str,
    pub work_type: WorkType,
    pub work_number: Option<u32>,
}

/// Checks all topics of a lesson of `hours` hours: each hour exactly once, each topic valid (001 п. 4.5:
/// «При проведении сдвоенных уроков/занятий записываются темы каждого урока отдельно»). Both hours may
/// carry the same КТП topic when it is planned for two hours.
pub fn validate_lesson_topics(hours: u8, topics: &[HourTopic<'_>]) -> Result<(), RuleError> {
    if hours == 0 || hours > MAX_LESSON_HOURS {
        return Err(RuleError::InvalidLessonHours(MAX_LESSON_HOURS));
    }
    for t in topics {
        if t.hour == 0 || t.hour > hours {
            return Err(RuleError::TopicHourInvalid(t.hour));
        }
    }
    for hour in 1..=hours {
        let mut of_hour = topics.iter().filter(|t| t.hour == hour);
        let t = of_hour.next().ok_or(RuleError::TopicMissingForHour(hour))?;
        if of_hour.next().is_some() {
            return Err(RuleError::TopicHourInvalid(hour));
        }
        validate_topic(t.title, t.work_type, t.work_number)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(title: &str) {
        assert_eq!(
            validate_topic(title, WorkType::Lesson, None),
            Ok(()),
            "001 п. 4.5: «{title}» is a proper topic"
        );
    }
    fn code(title: &str, wt: WorkType, n: Option<u32>) -> Option<&'static str> {
        validate_topic(title, wt, n).err().map(|e| e.code())
    }

    #[test]
    fn real_topics_pass() {
        ok("Решение задач на движение");
        ok("Повторение темы «Сложноподчинённые предложения»");
        ok("Лирика А. С. Пушкина");
        ok("Архитектура ЭВМ");
        ok("Основы HTML и CSS.");
        ok("Скорость 60 км/ч и ускорение");
        ok("Кинематика. Равноускоренное движение");
        ok("Времена группы Present: Present Simple");
    }

    #[test]
    fn topics_are_written_in_russian() {
        // 001 п. 6.8: «По всем учебным предметам (включая уроки по иностранному языку) записи также
        // должны вестись на русском языке».
        assert_eq!(
            code("Present Simple tense", WorkType::Lesson, None),
            Some("not_in_russian"),
            "001 п. 6.8: an English-only topic is refused"
        );
    }

    #[test]
    fn empty_topic_refused() {
        for t in ["", "   ", "—", "..."] {
            assert_eq!(
                code(t, WorkType::Lesson, None),
                Some("topic_empty"),
                "topic must be filled: «{t}»"
            );
        }
    }

    #[test]
    fn bare_generic_words_refused() {
        // 001 п. 4.5: «Не допускаются такие записи, как «Повторение», «Решение задач» и др. без
        // указания конкретной темы».
        for t in [
            "Повторение",
            "повторение.",
            "Решение задач",
            "  РЕШЕНИЕ   ЗАДАЧ ",
            "Повторение. Решение задач",
            "Закрепление материала",
        ] {
            assert_eq!(
                code(t, WorkType::Lesson, None),
                Some("topic_too_generic"),
                "001 п. 4.5: «{t}» alone is refused"
            );
        }
    }

    #[test]
    fn shortened_words_refused() {
        // 001 п. 4.5: «Не допускается сокращение слов при записи тем урока».
        for t in ["Повт.", "КР", "к/р", "ЛР № 3", "Реш. зад."] {
            assert_eq!(
                code(t, WorkType::Lesson, None),
                Some("topic_abbreviations_only"),
                "001 п. 4.5: «{t}» is only shortenings"
            );
        }
        for t in [
            "Реш. задач на движение",
            "Решение задач и т.д.",
            "Задачи на проценты и др.",
            "Сочинение р/р по роману",
        ] {
            assert_eq!(
                code(t, WorkType::Lesson, None),
                Some("topic_abbreviated_word"),
                "001 п. 4.5: «{t}» has a shortened word"
            );
        }
    }

    #[test]
    fn works_need_number_or_topic() {
        // 001 п. 4.5: «При проведении контрольных, самостоятельных, лабораторных и практических работ
        // указывается их тема и (или) номер работы».
        for wt in [
            WorkType::Control,
            WorkType::Independent,
            WorkType::Laboratory,
            WorkType::Practical,
        ] {
            let name = wt.name_ru();
            assert_eq!(
                code(name, wt, None),
                Some("work_number_missing"),
                "001 п. 4.5: bare «{name}» needs a number or topic"
            );
            assert_eq!(
                code(&format!("{name} №"), wt, None),
                Some("work_number_missing"),
                "001 п. 4.5: «№» without a number"
            );
            assert_eq!(
                code(name, wt, Some(2)),
                None,
                "001 п. 4.5: «{name}» with its number is fine"
            );
            assert_eq!(
                code(&format!("{name} № 2"), wt, None),
                None,
                "001 п. 4.5: the number in the title is fine"
            );
            assert_eq!(
                code(&format!("{name} по теме «Дроби»"), wt, None),
                None,
                "001 п. 4.5: the topic is fine"
            );
            assert_eq!(
                code(&format!("{name} по теме «Повторение»"), wt, None),
                Some("work_number_missing"),
                "001 п. 4.5: a generic word is no topic for a work"
            );
        }
        assert_eq!(
            code("Контрольная работа", WorkType::Lesson, None),
            None,
            "an ordinary lesson needs no number"
        );
        assert_eq!(
            code("Лабораторная работа", WorkType::Laboratory, Some(0)),
            Some("work_number_missing"),
            "number 0 is no number"
        );
    }

    #[test]
    fn paired_lesson_needs_each_hours_topic() {
        // 001 п. 4.5: «При проведении сдвоенных уроков/занятий записываются темы каждого урока отдельно».
        let t = |hour, title| HourTopic {
            hour,
            title,
            work_type: WorkType::Lesson,
            work_number: None,
        };
        assert_eq!(
            validate_lesson_topics(2, &[t(1, "Дроби"), t(2, "Сложение дробей")]),
            Ok(()),
            "001 п. 4.5: both hours"
        );
        assert_eq!(
            validate_lesson_topics(2, &[t(1, "Дроби")]),
            Err(RuleError::TopicMissingForHour(2)),
            "001 п. 4.5: «темы каждого урока отдельно» — second hour missing"
        );
        assert_eq!(
            validate_lesson_topics(1, &[t(1, "Дроби"), t(2, "Дроби")]),
            Err(RuleError::TopicHourInvalid(2)),
            "a single lesson has no second hour"
        );
        assert_eq!(
            validate_lesson_topics(2, &[t(1, "Дроби"), t(1, "Дроби"), t(2, "Дроби")]),
            Err(RuleError::TopicHourInvalid(1)),
            "one topic per hour"
        );
        assert_eq!(
            validate_lesson_topics(2, &[t(1, "Дроби"), t(2, "Повторение")]).map_err(|e| e.code()),
            Err("topic_too_generic"),
            "001 п. 4.5: each hour's topic is checked"
        );
        assert_eq!(
            validate_lesson_topics(0, &[]).map_err(|e| e.code()),
            Err("invalid_lesson_hours"),
            "a lesson has hours"
        );
    }

    proptest! {
        // Rules combined: a proper topic stays proper with the work's number added, and any valid
        // title is still valid for a work that has its number.
        #[test]
        fn a_numbered_work_with_a_valid_title_is_valid(
            words in prop::collection::vec("[а-яё]{4,10}", 1..5),
            n in 1u32..40,
            wt in prop::sample::select(vec![WorkType::Control, WorkType::Independent, WorkType::Laboratory, WorkType::Practical]),
        ) {
            let title = words.join(" ");
            if validate_topic(&title, WorkType::Lesson, None).is_ok() {
                prop_assert_eq!(validate_topic(&title, wt, Some(n)), Ok(()), "numbered work with a valid title: {}", title);
            }
        }

        #[test]
        fn any_title_of_only_generic_phrases_is_refused(
            picks in prop::collection::vec(prop::sample::select(GENERIC_PHRASES.to_vec()), 1..4),
            sep in prop::sample::select(vec![". ", "; ", ", "]),
        ) {
            let title = picks.join(sep);
            prop_assert!(validate_topic(&title, WorkType::Lesson, None).is_err(),
                "001 п. 4.5: «{}» says nothing specific", title);
        }
    }
}
