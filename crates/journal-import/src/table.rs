//! A file of rows under a header line, from CSV (`;`, `,` or tab separated; UTF-8 with or without a
//! BOM, or Windows-1251) or XLSX (the first sheet). Both give the same [`Table`], so every kind of
//! import reads the same headers from either format.

use crate::error::ImportError;
use crate::text::{decode_text, normalise_name, tidy};
use calamine::{Data, Reader};
use chrono::NaiveDate;
use std::io::Cursor;

/// The format of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    /// XLSX (also ODS, XLSB and the old binary XLS, which calamine reads as well).
    Spreadsheet,
}

impl FileFormat {
    /// XLSX and ODS are ZIP archives (`PK\x03\x04`), XLS is an OLE file (`D0 CF 11 E0`); anything
    /// else is read as CSV text.
    pub fn detect(bytes: &[u8]) -> FileFormat {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            FileFormat::Spreadsheet
        } else {
            FileFormat::Csv
        }
    }
}

/// One data row with its number as the spreadsheet shows it (the header is row 1).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub number: usize,
    pub cells: Vec<String>,
}

/// Rows under a header. Cells are trimmed text; XLSX dates come as `ДД.ММ.ГГГГ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// Reads a CSV or XLSX file (detected from its bytes) into a table. Blank rows are dropped.
pub fn read_table(bytes: &[u8]) -> Result<Table, ImportError> {
    match FileFormat::detect(bytes) {
        FileFormat::Csv => read_csv(bytes),
        FileFormat::Spreadsheet => read_spreadsheet(bytes),
    }
}

/// Picks the separator from the header line: the most frequent of `;`, `,` and tab (`;` on a tie,
/// since Russian Excel writes `;`).
fn detect_separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // Excel's hint line «sep=;».
    if let Some(sep) = header.trim().strip_prefix("sep=") {
        if let Some(&b) = sep.as_bytes().first() {
            return b;
        }
    }
    let count = |c: char| header.chars().filter(|&x| x == c).count();
    let (semi, comma, tab) = (count(';'), count(','), count('\t'));
    if tab > semi && tab > comma {
        b'\t'
    } else if comma > semi {
        b','
    } else {
        b';'
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, ImportError> {
    let (text, _) = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_separator(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut raw: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            ImportError::Unreadable(format!("строка {}: {}", i + 1, csv_reason(&e)))
        })?;
        // The line number the user sees (a quoted cell may span lines; the reader's position of a
        // record that follows blank lines points at the blank lines, so skip them).
        let line = record
            .position()
            .map_or(i + 1, |p| line_of(&text, p.byte() as usize));
        raw.push((line, record.iter().map(tidy).collect()));
    }
    into_table(raw)
}

/// The 1-based line of the first non-blank character at or after `byte`.
fn line_of(text: &str, byte: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = byte.min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "текст не в кодировке UTF-8".into(),
        _ => format!("ошибка формата CSV ({e})"),
    }
}

fn read_spreadsheet(bytes: &[u8]) -> Result<Table, ImportError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        ImportError::Unreadable(format!("книга Excel повреждена или не XLSX/XLS/ODS ({e})"))
    })?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Unreadable("в книге нет ни одного листа".into()))?
        .map_err(|e| ImportError::Unreadable(format!("первый лист не прочитан ({e})")))?;
    // Row numbers as Excel shows them, even when the used range starts below row 1.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let raw = range
        .rows()
        .enumerate()
        .map(|(i, row)| (first_row + i + 1, row.iter().map(cell_text).collect()))
        .collect();
    into_table(raw)
}

/// A cell's text. Whole numbers print without «.0»; dates print as ДД.ММ.ГГГГ.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => tidy(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "да" } else { "нет" }.to_string(),
        Data::DateTime(dt) => excel_serial_date(dt.as_f64())
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Excel's serial day number (1900 system) as a date.
fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))
}

fn into_table(raw: Vec<(usize, Vec<String>)>) -> Result<Table, ImportError> {
    let mut rows = raw
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .skip_while(|(_, cells)| cells.first().is_some_and(|c| c.starts_with("sep=")));
    let (_, headers) = rows.next().ok_or(ImportError::NoHeader)?;
    let rows: Vec<TableRow> = rows
        .map(|(number, cells)| TableRow { number, cells })
        .collect();
    Ok(Table { headers, rows })
}

/// A column an import kind reads: its header and the other spellings it accepts.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Where each of a kind's columns sits in a table (None: the optional column is absent).
#[derive(Debug)]
pub struct Columns {
    positions: Vec<Option<usize>>,
    pub unknown: Vec<String>,
}

fn header_key(h: &str) -> String {
    normalise_name(h.trim_end_matches([':', '*']))
}

impl Columns {
    /// Finds the kind's columns among the table's headers (in any order, any case, «ё» = «е»).
    pub fn locate(table: &Table, columns: &[Column]) -> Result<Columns, ImportError> {
        let keys: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
        for (i, k) in keys.iter().enumerate() {
            if !k.is_empty() && keys[..i].contains(k) {
                return Err(ImportError::DuplicateColumn(table.headers[i].clone()));
            }
        }
        let mut missing = Vec::new();
        let mut positions = Vec::new();
        for c in columns {
            let pos = keys.iter().position(|k| {
                *k == header_key(c.header) || c.aliases.iter().any(|a| *k == header_key(a))
            });
            if pos.is_none() && c.required {
                missing.push(format!("«{}»", c.header));
            }
            positions.push(pos);
        }
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing));
        }
        let unknown = table
            .headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.is_empty() && !positions.contains(&Some(*i)))
            .map(|(_, h)| h.clone())
            .collect();
        Ok(Columns { positions, unknown })
    }

    /// The cell of the `index`-th column of the kind in a row ("" when absent).
    pub fn get<'a>(&self, row: &'a TableRow, index: usize) -> &'a str {
        self.positions
            .get(index)
            .copied()
            .flatten()
            .and_then(|p| row.cells.get(p))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_detected() {
        assert_eq!(detect_separator("a;b;c\n1,5;2;3"), b';', "semicolons");
        assert_eq!(detect_separator("a,b,c\n"), b',', "commas");
        assert_eq!(detect_separator("a\tb\tc"), b'\t', "tabs");
        assert_eq!(
            detect_separator("sep=,\na;b,c"),
            b',',
            "Excel's «sep=» line wins"
        );
        let t = read_csv("sep=;\nГруппа;Курс\nИС-21;2\n".as_bytes()).map(|t| t.headers);
        assert_eq!(
            t,
            Ok(vec!["Группа".to_string(), "Курс".to_string()]),
            "the «sep=» line is not the header"
        );
    }

    #[test]
    fn csv_rows_keep_their_line_numbers() {
        let t = read_csv("Группа;Курс\n\nИС-21;2\n\"ИС\n22\";3\nИС-23;1\n".as_bytes());
        let t = t.map_err(|e| e.to_string());
        let numbers: Result<Vec<usize>, String> =
            t.map(|t| t.rows.iter().map(|r| r.number).collect());
        assert_eq!(
            numbers,
            Ok(vec![3, 4, 6]),
            "blank lines are skipped, a quoted multi-line cell counts its lines"
        );
    }

    #[test]
    fn excel_dates() {
        assert_eq!(
            excel_serial_date(45536.0),
            NaiveDate::from_ymd_opt(2024, 9, 1),
            "Excel serial 45536 is 1 September 2024"
        );
    }
}
