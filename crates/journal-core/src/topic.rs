//! Lesson topics: written in full from the КТП, not bare generic words, works with their number or topic.

use crate::{RuleError, WorkType};

/// Topics that say nothing on their own (001 п. 4.5: «Повторение», «Решение задач» и др.).
const GENERIC_TOPICS: &[&str] = &[
    "повторение",
    "решение задач",
    "повторение материала",
    "повторение пройденного",
    "обобщение",
    "закрепление",
    "практика",
    "урок",
    "занятие",
];

fn normalise(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
        .trim_matches(|c: char| c.is_ascii_punctuation() || c == '«' || c == '»' || c == '…')
        .to_string()
}

/// A word that is only an abbreviation: short with a trailing dot («повт.», «р/з»), or all capitals.
fn is_abbreviation(word: &str) -> bool {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return true;
    }
    let has_dot_or_slash = word.contains('.') || word.contains('/');
    let all_caps = letters.chars().count() >= 2 && letters.chars().all(|c| c.is_uppercase());
    (has_dot_or_slash && letters.chars().count() <= 6) || all_caps
}

/// Checks a lesson topic.
pub fn validate_topic(
    title: &str,
    work_type: WorkType,
    work_number: Option<u32>,
) -> Result<(), RuleError> {
    let norm = normalise(title);
    if norm.is_empty() {
        return Err(RuleError::TopicEmpty);
    }
    if title.split_whitespace().all(is_abbreviation) {
        return Err(RuleError::TopicAbbreviationsOnly);
    }
    if GENERIC_TOPICS.contains(&norm.as_str()) {
        return Err(RuleError::TopicTooGeneric(title.trim().to_string()));
    }
    if matches!(
        work_type,
        WorkType::Control | WorkType::Laboratory | WorkType::Practical
    ) && work_number.is_none()
    {
        let bare = normalise(work_type.name_ru());
        // The bare work-type name without a number is not a topic.
        if norm == bare || norm.trim_end_matches(|c: char| c == '№' || c.is_whitespace()) == bare
        {
            return Err(RuleError::WorkNumberMissing);
        }
    }
    Ok(())
}
