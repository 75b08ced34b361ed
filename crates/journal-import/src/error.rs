//! The errors of an import. A file either imports whole or not at all: every bad row is collected
//! and reported together, with its row number, its column and a Russian reason.

use std::fmt;

/// One bad row (or cell) of a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Row number as the spreadsheet shows it: the header is row 1, the first data row is row 2.
    pub row: usize,
    /// Header of the column at fault, when one column is.
    pub column: Option<String>,
    /// What is wrong, in Russian.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "Строка {}, столбец «{}»: {}", self.row, c, self.reason),
            None => write!(f, "Строка {}: {}", self.row, self.reason),
        }
    }
}

/// Why nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("Не удалось прочитать файл: {0}")]
    Unreadable(String),
    #[error("Файл пуст: нет строки заголовков")]
    NoHeader,
    #[error("В файле нет обязательных столбцов: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("Столбец «{0}» указан в заголовке дважды")]
    DuplicateColumn(String),
    #[error("В файле нет ни одной строки данных")]
    NoRows,
    #[error("Файл не импортирован: ошибок в строках — {}.\n{}", .0.len(), list(.0))]
    Rows(Vec<RowError>),
    #[error("Файл расписания aSc не прочитан: {0}")]
    AscXml(String),
    #[error("Файл FET не прочитан: {0}")]
    FetXml(String),
}

fn list(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ImportError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable(_) => "import_file_unreadable",
            ImportError::NoHeader => "import_no_header",
            ImportError::MissingColumns(_) => "import_missing_columns",
            ImportError::DuplicateColumn(_) => "import_duplicate_column",
            ImportError::NoRows => "import_no_rows",
            ImportError::Rows(_) => "import_rows_invalid",
            ImportError::AscXml(_) => "import_asc_invalid",
            ImportError::FetXml(_) => "import_fet_invalid",
        }
    }

    /// The bad rows, when the file was refused because of its rows.
    pub fn row_errors(&self) -> &[RowError] {
        match self {
            ImportError::Rows(rows) => rows,
            _ => &[],
        }
    }
}
