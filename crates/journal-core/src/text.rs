//! Text written into the journal: names, homework, and the Russian-language rule.
//!
//! * 001 п. 4.3: «Фамилия, имя, отчество преподавателя, мастера производственного обучения
//!   записываются полностью (сокращения не допускаются)»;
//! * 001 п. 4.6: «В графе «Домашнее задание» записывается содержание задания … Если задание носит
//!   индивидуальный характер, тогда … записывается: индивидуальные задания. Если на конкретном уроке
//!   домашнее задание не задано …, графа остается пустой»;
//! * 001 п. 6.8: «Все записи в электронном журнале успеваемости ведутся на русском языке. По всем
//!   учебным предметам (включая уроки по иностранному языку) записи также должны вестись на русском
//!   языке».

use crate::RuleError;

/// The homework text for an individual task, as 001 п. 4.6 spells it.
pub const INDIVIDUAL_HOMEWORK: &str = "индивидуальные задания";

/// Whether the text has Russian words in it (at least one Cyrillic letter). Foreign terms inside a
/// Russian sentence are fine («Времена группы Present»); a text with no Russian word is not.
pub fn has_russian(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

/// Refuses a text with letters but no Russian word (001 п. 6.8).
pub fn check_russian(text: &str) -> Result<(), RuleError> {
    let trimmed = text.trim();
    if trimmed.chars().any(char::is_alphabetic) && !has_russian(trimmed) {
        Err(RuleError::NotInRussian(trimmed.to_string()))
    } else {
        Ok(())
    }
}

/// The first character a name may not hold: a control character (C0, DEL, C1 — tabs and line
/// breaks too: a name is one line) or a Unicode private-use character (they print as nothing or as
/// a box and make two names that look the same differ).
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
    })
}

/// Refuses a name (of a person, a group, a subject…) holding a [`forbidden_char`]; the message
/// shows the character's code, since it cannot be seen.
pub fn check_name_chars(text: &str) -> Result<(), RuleError> {
    match forbidden_char(text) {
        Some(c) => Err(RuleError::ForbiddenCharacter(format!(
            "{} (символ U+{:04X})",
            text.chars().filter(|c| !c.is_control()).collect::<String>(),
            c as u32
        ))),
        None => Ok(()),
    }
}

/// Checks a person's full name: at least a surname and a first name, no initials («Иванова М. П.»,
/// «Иванова М.П.»), in Russian letters (001 п. 4.3). A patronymic is optional: not everyone has one.
pub fn validate_full_name(name: &str) -> Result<(), RuleError> {
    let refuse = || RuleError::FullNameRequired(name.trim().to_string());
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 || !has_russian(name) {
        return Err(refuse());
    }
    for w in &words {
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        // «М.», «М.П.», «П» — an initial is a letter or letters cut by dots.
        if w.contains('.') || letters < 2 {
            return Err(refuse());
        }
    }
    Ok(())
}

/// Normalises homework as typed into what the journal keeps (001 п. 4.6):
/// * nothing given — «», «-», «—», «нет», «не задано», «без задания» → an empty column;
/// * an individual task — «индивидуальные задания», «индивидуально», «инд. задания», «инд.» →
///   «индивидуальные задания»;
/// * anything else is kept (spaces tidied), and must be in Russian (001 п. 6.8).
pub fn normalise_homework(text: &str) -> Result<String, RuleError> {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Unseen control characters (U+0000 cannot even be kept by PostgreSQL's jsonb).
    check_name_chars(&tidy)?;
    let key = tidy
        .to_lowercase()
        .replace('ё', "е")
        .trim_end_matches(['.', '!'])
        .to_string();
    if matches!(
        key.as_str(),
        "" | "-"
            | "—"
            | "–"
            | "нет"
            | "не задано"
            | "не задано домашнее задание"
            | "без задания"
            | "не задаётся"
            | "не задается"
    ) {
        return Ok(String::new());
    }
    if matches!(
        key.as_str(),
        "индивидуальные задания"
            | "индивидуальное задание"
            | "индивидуально"
            | "инд. задания"
            | "инд. задание"
            | "инд"
            | "индивид. задания"
    ) {
        return Ok(INDIVIDUAL_HOMEWORK.to_string());
    }
    check_russian(&tidy)?;
    Ok(tidy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_private_use_characters_are_refused_in_names() {
        for bad in [
            "ИС\u{0}21",
            "ИС-21\n",
            "Иванова\tМария",
            "ИС\u{7f}",
            "ИС\u{9c}",
            "ИС\u{E000}21",
            "ИС\u{F0001}",
        ] {
            let e =
                check_name_chars(bad).expect_err(&format!("{bad:?} holds a forbidden character"));
            assert_eq!(
                e.code(),
                "forbidden_character",
                "{bad:?}: the code names the cause"
            );
            assert!(
                e.to_string().contains("U+"),
                "the message shows the invisible character's code: {e}"
            );
        }
        for good in [
            "ИС-21",
            "Иванова Мария Петровна",
            "1 подгруппа",
            "МДК 01.01 «Разработка»",
            "Д'Артаньян",
        ] {
            assert_eq!(
                check_name_chars(good),
                Ok(()),
                "{good:?} is an ordinary name"
            );
        }
    }

    #[test]
    fn full_names_without_initials() {
        // 001 п. 4.3: «Фамилия, имя, отчество … записываются полностью (сокращения не допускаются)».
        assert_eq!(
            validate_full_name("Иванова Мария Петровна"),
            Ok(()),
            "001 п. 4.3: full name"
        );
        assert_eq!(
            validate_full_name("Ким Виктор"),
            Ok(()),
            "no patronymic is allowed"
        );
        for n in [
            "Иванова М. П.",
            "Иванова М.П.",
            "Иванова",
            "",
            "Ivanova Maria",
            "Иванова М Петровна",
        ] {
            assert_eq!(
                validate_full_name(n).map_err(|e| e.code()),
                Err("full_name_required"),
                "001 п. 4.3: «{n}» is not a full name"
            );
        }
    }

    #[test]
    fn homework_column() {
        // 001 п. 4.6: «Если на конкретном уроке домашнее задание не задано …, графа остается пустой».
        for t in ["", "  ", "-", "—", "нет", "Не задано."] {
            assert_eq!(
                normalise_homework(t),
                Ok(String::new()),
                "001 п. 4.6: «{t}» leaves the column empty"
            );
        }
        // 001 п. 4.6: «Если задание носит индивидуальный характер, тогда … записывается: индивидуальные задания».
        for t in ["индивидуально", "Инд. задания", "индивидуальные  задания"]
        {
            assert_eq!(
                normalise_homework(t),
                Ok(INDIVIDUAL_HOMEWORK.into()),
                "001 п. 4.6: «{t}»"
            );
        }
        assert_eq!(
            normalise_homework("  § 12,  упражнения 3–5 "),
            Ok("§ 12, упражнения 3–5".into()),
            "content kept"
        );
        // 001 п. 6.8: «записи также должны вестись на русском языке».
        assert_eq!(
            normalise_homework("Ex. 5 p. 34").map_err(|e| e.code()),
            Err("not_in_russian"),
            "001 п. 6.8: homework in Russian even for a foreign language"
        );
        assert_eq!(
            normalise_homework("Упражнение 5 (Present Simple), с. 34").map(|s| s.is_empty()),
            Ok(false),
            "foreign terms inside Russian text are fine"
        );
    }
}
