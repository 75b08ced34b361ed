//! Plain-text tables for the terminal: columns padded by characters (not bytes), so Cyrillic lines up.

/// A table with a header row; cells are plain strings.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain(std::iter::once(self.header.len()))
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for line in std::iter::once(&self.header).chain(&self.rows) {
            for (i, cell) in line.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut push_line = |line: &[String]| {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = line.get(i).map(String::as_str).unwrap_or("");
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                let pad = width.saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        push_line(&self.header);
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        push_line(&rule);
        for row in &self.rows {
            push_line(row);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_columns_line_up_by_characters() {
        let mut t = Table::new(["№", "ФИО", "Отметка"]);
        t.row(["1", "Иванов Иван", "5"]);
        t.row(["2", "Ли Ан", "н"]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        let col = |line: &str, needle: &str| {
            line.rfind(needle)
                .map(|byte| line[..byte].chars().count())
                .expect("needle present")
        };
        assert_eq!(
            col(lines[2], "5"),
            col(lines[3], "н"),
            "third column starts at the same character position in every row:\n{text}"
        );
        assert_eq!(lines.len(), 4, "header, rule and two rows:\n{text}");
    }
}
