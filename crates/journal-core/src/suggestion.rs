//! «Предложение»: the one rule for what a user may send to the administration, used by the server
//! before it records a suggestion and by the app before it keeps one to send later, so a text the
//! app accepted offline is never refused when it finally reaches the server.

/// The longest suggestion, in characters (a page of text).
pub const MAX_SUGGESTION_CHARS: usize = 3_000;
/// The longest name of the screen a suggestion was written from.
pub const MAX_SCREEN_CHARS: usize = 100;

/// Why a suggestion is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuggestionError {
    #[error("Напишите текст предложения")]
    Empty,
    #[error("Предложение длиннее {MAX_SUGGESTION_CHARS} знаков: сократите его")]
    TooLong,
    #[error("В тексте есть служебные (непечатаемые) символы: удалите их")]
    InvalidCharacters,
    #[error("Раздел указан неверно")]
    InvalidScreen,
}

impl SuggestionError {
    pub fn code(&self) -> &'static str {
        match self {
            SuggestionError::Empty => "suggestion_empty",
            SuggestionError::TooLong => "suggestion_too_long",
            SuggestionError::InvalidCharacters => "suggestion_invalid_characters",
            SuggestionError::InvalidScreen => "suggestion_invalid_screen",
        }
    }
}

/// A control or private-use character: never text (line breaks and tabs are, in the body).
fn unprintable(c: char) -> bool {
    c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The suggestion's text and screen as they are kept: trimmed, checked.
pub fn check_suggestion(text: &str, screen: &str) -> Result<(String, String), SuggestionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SuggestionError::Empty);
    }
    if text.chars().count() > MAX_SUGGESTION_CHARS {
        return Err(SuggestionError::TooLong);
    }
    if text
        .chars()
        .any(|c| unprintable(c) && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(SuggestionError::InvalidCharacters);
    }
    let screen = screen.trim();
    if screen.chars().count() > MAX_SCREEN_CHARS || screen.chars().any(unprintable) {
        return Err(SuggestionError::InvalidScreen);
    }
    Ok((text.to_string(), screen.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_keeps_its_lines() {
        assert_eq!(
            check_suggestion("  Добавьте печать\nпо подгруппам \n", " Журнал "),
            Ok(("Добавьте печать\nпо подгруппам".into(), "Журнал".into())),
            "trimmed, lines kept"
        );
    }

    #[test]
    fn empty_long_and_unprintable_texts_are_refused() {
        let code = |t: &str, s: &str| check_suggestion(t, s).err().map(|e| e.code());
        assert_eq!(code("  \n ", ""), Some("suggestion_empty"));
        let long = "а".repeat(MAX_SUGGESTION_CHARS + 1);
        assert_eq!(code(&long, ""), Some("suggestion_too_long"));
        assert_eq!(
            code(&"а".repeat(MAX_SUGGESTION_CHARS), ""),
            None,
            "exactly the limit is fine"
        );
        assert_eq!(
            code("текст\u{0007}", ""),
            Some("suggestion_invalid_characters"),
            "a bell character is not text"
        );
        assert_eq!(
            code("текст\u{E001}", ""),
            Some("suggestion_invalid_characters"),
            "a private-use character is not text"
        );
        assert_eq!(code("текст", "Журнал\n"), None, "the screen is trimmed");
        assert_eq!(code("текст", "Жур\nнал"), Some("suggestion_invalid_screen"));
    }
}
