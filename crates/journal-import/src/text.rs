//! Text helpers shared by every importer: decoding bytes of unknown encoding, and the normalised
//! form of a name used to match a file's names with the institution's.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1251};

/// Decodes a text file: a BOM (UTF-8 or UTF-16) wins; otherwise valid UTF-8 is UTF-8, and anything
/// else is read as Windows-1251 (what Excel writes for «CSV (разделители — точка с запятой)» on a
/// Russian Windows). Returns the text and the encoding's name.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), UTF_8.name()),
        Err(_) => {
            let (text, _) = WINDOWS_1251.decode_without_bom_handling(bytes);
            (text.into_owned(), WINDOWS_1251.name())
        }
    }
}

/// The form in which names are compared: trimmed, inner spaces collapsed, lower case, «ё» as «е»,
/// and typographic dashes and quotes made plain. «  ИС-21 » and «ис‑21» are the same group.
pub fn normalise_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| match c {
            'ё' | 'Ё' => 'е',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '«' | '»' | '“' | '”' | '„' => '"',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect();
    mapped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Trims a cell and collapses its inner whitespace.
pub fn tidy(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_utf8_and_windows_1251() {
        let (t, enc) = decode_text("\u{feff}Фамилия".as_bytes());
        assert_eq!(
            (t.as_str(), enc),
            ("Фамилия", "UTF-8"),
            "a UTF-8 BOM is stripped"
        );
        let (t, enc) = decode_text("Фамилия".as_bytes());
        assert_eq!(
            (t.as_str(), enc),
            ("Фамилия", "UTF-8"),
            "plain UTF-8 is UTF-8"
        );
        let (cp, _, _) = WINDOWS_1251.encode("Фамилия;Имя");
        let (t, enc) = decode_text(&cp);
        assert_eq!(
            (t.as_str(), enc),
            ("Фамилия;Имя", "windows-1251"),
            "bytes that are not UTF-8 are read as Windows-1251"
        );
    }

    #[test]
    fn decodes_utf16_with_bom() {
        // Excel's «Текст Юникод» is UTF-16 LE with a BOM.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Группа\tКурс".encode_utf16().flat_map(u16::to_le_bytes));
        let (t, enc) = decode_text(&bytes);
        assert_eq!(
            (t.as_str(), enc),
            ("Группа\tКурс", "UTF-16LE"),
            "UTF-16 LE by its BOM"
        );
    }

    #[test]
    fn names_compare_normalised() {
        assert_eq!(
            normalise_name("  ИС‑21 "),
            normalise_name("ис-21"),
            "spaces, case and dashes do not matter"
        );
        assert_eq!(
            normalise_name("Пётр  Фёдоров"),
            "петр федоров",
            "ё compares as е"
        );
    }
}
