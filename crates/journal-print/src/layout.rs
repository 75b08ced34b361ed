//! Our own page model: text runs, lines and fills in millimetres from the page's top-left corner,
//! laid out by hand (greedy wrapping, shrinking 8 → 6.5 pt) so nothing overflows a cell. The model
//! is also what a page's verification code is computed from.

use crate::fonts::{Face, Fonts};

pub const A4_W: f32 = 210.0;
pub const A4_H: f32 = 297.0;
/// Margin on the binding side (left of a right-hand page, right of a left-hand page).
pub const INNER: f32 = 22.0;
pub const OUTER: f32 = 12.0;
pub const TOP: f32 = 12.0;
/// Lowest y that content may reach; the footer sits below it.
pub const BOTTOM: f32 = 280.0;

pub const SIZE: f32 = 8.0;
pub const SIZE_MIN: f32 = 6.5;
pub const PAD: f32 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub enum Item {
    /// A run of text; `y` is the baseline. `vertical` runs bottom to top.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        text: String,
        vertical: bool,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A grey fill (0 = black, 1 = white).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

#[derive(Debug, Clone)]
pub struct Page {
    pub number: usize,
    pub width: f32,
    pub height: f32,
    /// Content area between the mirrored margins.
    pub left: f32,
    pub right: f32,
    pub items: Vec<Item>,
}

/// Line height for a font size, in millimetres.
pub fn line_h(size: f32) -> f32 {
    size * crate::fonts::PT_MM * 1.18
}

/// Splits text into lines no wider than `width` at `size`: greedy by words, a word longer than
/// the line is broken by characters. Explicit newlines start new lines.
pub fn wrap(text: &str, width: f32, size: f32, face: Face) -> Vec<String> {
    let Ok(fonts) = Fonts::get() else {
        return vec![text.to_string()];
    };
    let f = fonts.face(face);
    let space = f.width_mm(" ", size);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut cur = String::new();
        let mut cur_w = 0.0;
        for word in para.split_whitespace() {
            let ww = f.width_mm(word, size);
            if ww > width {
                // Break an over-long word by characters.
                for c in word.chars() {
                    let cw = f.width_mm(c.encode_utf8(&mut [0; 4]), size);
                    let extra = if cur.is_empty() { 0.0 } else { cw };
                    if !cur.is_empty() && cur_w + extra > width {
                        lines.push(std::mem::take(&mut cur));
                        cur_w = 0.0;
                    }
                    cur.push(c);
                    cur_w += cw;
                }
                continue;
            }
            let need = if cur.is_empty() {
                ww
            } else {
                cur_w + space + ww
            };
            if need <= width {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(word);
                cur_w = need;
            } else {
                lines.push(std::mem::take(&mut cur));
                cur.push_str(word);
                cur_w = ww;
            }
        }
        lines.push(cur);
    }
    lines
}

/// Text fitted into a box: the size used and its lines.
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

/// Fits text into a w × h box: 8 pt if it fits, else 7, else 6.5 pt; at 6.5 pt lines that still do
/// not fit are cut and the last shown line ends with «…» — never drawn outside the box.
pub fn fit(text: &str, w: f32, h: f32, face: Face, max_size: f32) -> Fitted {
    let inner_w = (w - 2.0 * PAD).max(1.0);
    let inner_h = (h - 0.4).max(line_h(SIZE_MIN));
    let mut sizes = vec![max_size];
    for s in [7.0, SIZE_MIN] {
        if s < max_size {
            sizes.push(s);
        }
    }
    // Prefer a size at which no word has to be broken; then any size at which the text fits.
    for whole_words in [true, false] {
        for &s in &sizes {
            if whole_words && longest_word(text, s, face) > inner_w {
                continue;
            }
            let lines = wrap(text, inner_w, s, face);
            if lines.len() as f32 * line_h(s) <= inner_h + 0.01 {
                return Fitted { size: s, lines };
            }
        }
    }
    let s = *sizes.last().unwrap_or(&SIZE_MIN);
    let mut lines = wrap(text, inner_w, s, face);
    let max_lines = ((inner_h / line_h(s)).floor() as usize).max(1);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(last, inner_w, s, face);
        }
    }
    Fitted { size: s, lines }
}

fn longest_word(text: &str, size: f32, face: Face) -> f32 {
    let Ok(fonts) = Fonts::get() else { return 0.0 };
    let f = fonts.face(face);
    text.split_whitespace()
        .map(|w| f.width_mm(w, size))
        .fold(0.0, f32::max)
}

pub fn ellipsize(line: &str, width: f32, size: f32, face: Face) -> String {
    let Ok(fonts) = Fonts::get() else {
        return line.to_string();
    };
    let f = fonts.face(face);
    let mut s: String = line.to_string();
    loop {
        let candidate = format!("{s}…");
        if f.width_mm(&candidate, size) <= width || s.is_empty() {
            return candidate;
        }
        s.pop();
    }
}

impl Page {
    pub fn new(number: usize) -> Self {
        Self::with_binding(number, true)
    }

    /// A page with mirror margins (`mirror`, double-sided) or with the binding always on the left.
    pub fn with_binding(number: usize, mirror: bool) -> Self {
        // Odd pages are right-hand (recto): binding on the left. Even pages are left-hand.
        let (left, right) = if number % 2 == 1 || !mirror {
            (INNER, A4_W - OUTER)
        } else {
            (OUTER, A4_W - INNER)
        };
        Self {
            number,
            width: A4_W,
            height: A4_H,
            left,
            right,
            items: Vec::new(),
        }
    }

    pub fn content_width(&self) -> f32 {
        self.right - self.left
    }

    pub fn text(&mut self, x: f32, baseline: f32, size: f32, face: Face, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = match Fonts::get() {
            Ok(f) => crate::fonts::drawable(f.face(face), text),
            Err(_) => text.to_string(),
        };
        self.items.push(Item::Text {
            x,
            y: baseline,
            size,
            face,
            text,
            vertical: false,
        });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.items.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        });
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.line(x, y, x + w, y, width);
        self.line(x, y + h, x + w, y + h, width);
        self.line(x, y, x, y + h, width);
        self.line(x + w, y, x + w, y + h, width);
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        self.items.push(Item::Fill { x, y, w, h, grey });
    }

    /// Text fitted into the box (x, y, w, h), vertically centred.
    #[allow(clippy::too_many_arguments)]
    pub fn cell(&mut self, x: f32, y: f32, w: f32, h: f32, text: &str, align: Align, face: Face) {
        self.cell_sized(x, y, w, h, text, align, face, SIZE);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn cell_sized(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        text: &str,
        align: Align,
        face: Face,
        max_size: f32,
    ) {
        if text.trim().is_empty() {
            return;
        }
        let fitted = fit(text, w, h, face, max_size);
        self.draw_lines(x, y, w, h, &fitted, align, face, true);
    }

    /// Already wrapped text, vertically centred in the box.
    #[allow(clippy::too_many_arguments)]
    pub fn cell_fitted(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fitted: &Fitted,
        align: Align,
        face: Face,
    ) {
        self.draw_lines(x, y, w, h, fitted, align, face, true);
    }

    /// Text from the top of the box (for tall rows whose height was computed from the text).
    pub fn cell_top(&mut self, x: f32, y: f32, w: f32, h: f32, fitted: &Fitted, face: Face) {
        self.draw_lines(x, y, w, h, fitted, Align::Left, face, false);
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_lines(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fitted: &Fitted,
        align: Align,
        face: Face,
        centre: bool,
    ) {
        let Ok(fonts) = Fonts::get() else { return };
        let f = fonts.face(face);
        let lh = line_h(fitted.size);
        let total = lh * fitted.lines.len() as f32;
        let top = if centre {
            y + ((h - total) / 2.0).max(0.2)
        } else {
            y + PAD * 0.6
        };
        let asc = f.ascent_mm(fitted.size);
        for (i, line) in fitted.lines.iter().enumerate() {
            let lw = f.width_mm(line, fitted.size);
            let lx = match align {
                Align::Left => x + PAD,
                Align::Center => x + (w - lw) / 2.0,
                Align::Right => x + w - PAD - lw,
            };
            let baseline =
                top + i as f32 * lh + asc + (lh - fitted.size * crate::fonts::PT_MM) / 2.0;
            self.text(lx, baseline, fitted.size, face, line);
        }
    }

    /// Text running bottom-to-top in the box (column headers of narrow columns).
    pub fn cell_vertical(&mut self, x: f32, y: f32, w: f32, h: f32, text: &str, face: Face) {
        // Rotated: the box's height is the line length, its width holds the lines.
        let fitted = fit(text, h, w, face, SIZE);
        let Ok(fonts) = Fonts::get() else { return };
        let f = fonts.face(face);
        let lh = line_h(fitted.size);
        let total = lh * fitted.lines.len() as f32;
        let left = x + ((w - total) / 2.0).max(0.2);
        let asc = f.ascent_mm(fitted.size);
        for (i, line) in fitted.lines.iter().enumerate() {
            let bx = left + i as f32 * lh + asc;
            let text = crate::fonts::drawable(f, line);
            self.items.push(Item::Text {
                x: bx,
                y: y + h - PAD,
                size: fitted.size,
                face,
                text,
                vertical: true,
            });
        }
    }

    /// A paragraph wrapped to the width from (x, y_top); returns the y below it.
    pub fn paragraph(
        &mut self,
        x: f32,
        y_top: f32,
        w: f32,
        text: &str,
        size: f32,
        face: Face,
    ) -> f32 {
        let lines = wrap(text, w, size, face);
        let asc = Fonts::get()
            .map(|f| f.face(face).ascent_mm(size))
            .unwrap_or(size * 0.3);
        let lh = line_h(size);
        for (i, l) in lines.iter().enumerate() {
            self.text(x, y_top + asc + i as f32 * lh, size, face, l);
        }
        y_top + lh * lines.len() as f32
    }

    /// Centred single line at a baseline.
    pub fn centered(&mut self, baseline: f32, size: f32, face: Face, text: &str) {
        let lines = wrap(text, self.content_width(), size, face);
        let Ok(fonts) = Fonts::get() else { return };
        let f = fonts.face(face);
        let cx = (self.left + self.right) / 2.0;
        for (i, l) in lines.iter().enumerate() {
            let w = f.width_mm(l, size);
            self.text(
                cx - w / 2.0,
                baseline + i as f32 * line_h(size),
                size,
                face,
                l,
            );
        }
    }

    /// The page's printed content as text, in drawing order (what its verification code covers).
    pub fn content_text(&self) -> String {
        let mut s = String::new();
        for it in &self.items {
            if let Item::Text { text, .. } = it {
                s.push_str(text);
                s.push('\u{1f}');
            }
        }
        s
    }
}

/// Lines a text needs at a size within a width (for computing row heights).
pub fn lines_needed(text: &str, w: f32, size: f32, face: Face) -> usize {
    if text.trim().is_empty() {
        1
    } else {
        wrap(text, (w - 2.0 * PAD).max(1.0), size, face).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_never_exceed_the_width() {
        let f = Fonts::get().expect("fonts");
        let text = "Применение дифференциального и интегрального исчисления в решении прикладных задач Сверхдлинноесловобезпробеловкотороенепомещается";
        for w in [15.0, 30.0, 60.0] {
            for line in wrap(text, w, 8.0, Face::Regular) {
                assert!(
                    f.regular.width_mm(&line, 8.0) <= w + 0.01,
                    "line {line:?} is wider than {w} mm"
                );
            }
        }
    }

    #[test]
    fn fit_shrinks_before_cutting_and_marks_a_cut_with_an_ellipsis() {
        let text = "Константинопольская Александра-Евгения Владиславовна";
        let roomy = fit(text, 80.0, 8.0, Face::Regular, SIZE);
        assert_eq!(roomy.size, SIZE, "a name that fits keeps 8 pt");
        let tight = fit(text, 40.0, 6.0, Face::Regular, SIZE);
        assert!(tight.size < SIZE, "a name that does not fit shrinks");
        let tiny = fit(&text.repeat(5), 20.0, 5.0, Face::Regular, SIZE);
        assert_eq!(tiny.size, SIZE_MIN, "shrinks no further than 6.5 pt");
        assert!(
            tiny.lines.last().is_some_and(|l| l.ends_with('…')),
            "a cut text ends with an ellipsis"
        );
        assert!(
            tiny.lines.len() as f32 * line_h(SIZE_MIN) <= 5.0,
            "the cut text stays inside the box"
        );
    }

    #[test]
    fn mirror_margins_put_the_binding_side_inside() {
        let recto = Page::new(1);
        let verso = Page::new(2);
        assert_eq!(recto.left, INNER, "odd pages bind on the left");
        assert_eq!(A4_W - verso.right, INNER, "even pages bind on the right");
    }
}
