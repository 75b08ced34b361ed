//! The embedded fonts (Liberation Sans 2, OFL — see assets/fonts/), glyph widths for our own text
//! layout, and subsetting to the glyphs a document uses (printpdf without its text-layout feature
//! would embed the whole 400 KiB font twice).

use crate::PrintError;
use printpdf::ParsedFont;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const REGULAR_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/fonts/LiberationSans-Regular.ttf"
));
const BOLD_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/fonts/LiberationSans-Bold.ttf"
));

/// Which face of the family a text run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
}

/// One parsed face with its advance widths in em.
pub struct FontFace {
    pub bytes: &'static [u8],
    pub parsed: ParsedFont,
    /// Advance width in em for code points below `DIRECT`.
    direct: Vec<f32>,
    ascent_em: f32,
}

const DIRECT: usize = 0x2200;

impl FontFace {
    fn load(bytes: &'static [u8]) -> Result<Self, PrintError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| PrintError::Font("шрифт не читается".into()))?;
        let upem = f32::from(parsed.units_per_em.max(1));
        let mut direct = vec![f32::NAN; DIRECT];
        for (cp, gid) in &parsed.codepoint_to_glyph {
            let idx = *cp as usize;
            if idx < DIRECT {
                let w = parsed.get_glyph_width(*gid).unwrap_or(0);
                direct[idx] = f32::from(w) / upem;
            }
        }
        let ascent_em = f32::from(parsed.font_metrics.ascent) / upem;
        Ok(Self {
            bytes,
            parsed,
            direct,
            ascent_em,
        })
    }

    /// Whether the face can draw this character (a missing glyph would be dropped silently).
    pub fn has_glyph(&self, c: char) -> bool {
        let idx = c as usize;
        if idx < DIRECT {
            !self.direct[idx].is_nan()
        } else {
            self.parsed.lookup_glyph_index(c as u32).is_some()
        }
    }

    fn char_em(&self, c: char) -> f32 {
        let idx = c as usize;
        if idx < DIRECT {
            let w = self.direct[idx];
            if w.is_nan() {
                0.5
            } else {
                w
            }
        } else {
            match self.parsed.lookup_glyph_index(c as u32) {
                Some(gid) => {
                    f32::from(self.parsed.get_glyph_width(gid).unwrap_or(0))
                        / f32::from(self.parsed.units_per_em.max(1))
                }
                None => 0.5,
            }
        }
    }

    /// Width of `text` in millimetres at `size_pt`.
    pub fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        let em: f32 = text.chars().map(|c| self.char_em(c)).sum();
        em * size_pt * PT_MM
    }

    /// Distance from the top of a line box to the baseline, in millimetres.
    pub fn ascent_mm(&self, size_pt: f32) -> f32 {
        self.ascent_em * size_pt * PT_MM
    }

    /// A copy of the face holding only the glyphs of `chars` (plus .notdef), parsed again so that
    /// printpdf maps characters to the renumbered glyphs through the subset's own cmap.
    pub fn subset(&self, chars: &BTreeSet<char>) -> Result<ParsedFont, PrintError> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{subset, CmapTarget, SubsetProfile};
        let gids: BTreeSet<u16> = chars
            .iter()
            .filter_map(|c| self.parsed.lookup_glyph_index(*c as u32))
            .filter(|g| *g != 0)
            .collect();
        // .notdef must come first (allsorts requires it and renumbers by position).
        let ids: Vec<u16> = std::iter::once(0).chain(gids).collect();
        let scope = ReadScope::new(self.bytes);
        let font_file = scope
            .read::<FontData<'_>>()
            .map_err(|e| PrintError::Font(e.to_string()))?;
        let provider = font_file
            .table_provider(0)
            .map_err(|e| PrintError::Font(e.to_string()))?;
        let bytes = subset(
            &provider,
            &ids,
            &SubsetProfile::Minimal,
            CmapTarget::Unicode,
        )
        .map_err(|e| PrintError::Font(e.to_string()))?;
        ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| PrintError::Font("подмножество шрифта не читается".into()))
    }
}

/// Millimetres per typographic point.
pub const PT_MM: f32 = 25.4 / 72.0;

pub struct Fonts {
    pub regular: FontFace,
    pub bold: FontFace,
}

impl Fonts {
    pub fn get() -> Result<&'static Fonts, PrintError> {
        static FONTS: OnceLock<Result<Fonts, PrintError>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Ok(Fonts {
                    regular: FontFace::load(REGULAR_TTF)?,
                    bold: FontFace::load(BOLD_TTF)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn face(&self, face: Face) -> &FontFace {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// Replaces characters the font cannot draw by «?», so nothing vanishes from a printed page unseen.
pub fn drawable(face: &FontFace, text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == ' ' || face.has_glyph(c) {
                c
            } else if c.is_whitespace() {
                ' '
            } else {
                '?'
            }
        })
        .collect()
}

/// Characters used per face, collected while emitting pages.
pub type UsedChars = BTreeMap<Face, BTreeSet<char>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_russian_letter_and_journal_sign_has_a_glyph_in_both_faces() {
        let fonts = Fonts::get().expect("embedded fonts parse");
        let needed = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ«»№—–…0123456789/.,:;()";
        for face in [&fonts.regular, &fonts.bold] {
            for c in needed.chars() {
                assert!(
                    face.has_glyph(c),
                    "the font must draw {c:?}, or it would vanish from the page"
                );
            }
        }
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        let fonts = Fonts::get().expect("embedded fonts parse");
        let a = fonts.regular.width_mm("Иванов", 8.0);
        let b = fonts.regular.width_mm("Иванова", 8.0);
        assert!(b > a && a > 5.0, "a longer word is wider ({a} < {b})");
        let c = fonts.regular.width_mm("Иванов", 6.5);
        assert!(
            (c / a - 6.5 / 8.0).abs() < 1e-4,
            "width scales with the size"
        );
    }

    #[test]
    fn subset_keeps_the_used_letters_and_drops_the_rest() {
        let fonts = Fonts::get().expect("embedded fonts parse");
        let chars: BTreeSet<char> = "Журнал 5".chars().collect();
        let sub = fonts.regular.subset(&chars).expect("subset");
        for c in "Журнал5".chars() {
            assert!(
                sub.lookup_glyph_index(c as u32).is_some(),
                "subset keeps {c:?}"
            );
        }
        assert!(
            sub.lookup_glyph_index('Я' as u32).is_none(),
            "subset drops unused letters"
        );
        assert!(
            sub.original_bytes.len() < fonts.regular.bytes.len() / 10,
            "subset is small"
        );
    }
}
