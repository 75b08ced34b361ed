//! What an import does, row by row, in the administrator's words: the preview a dry run shows and
//! the account a real import gives (contract 1 of the console: `ImportReport.items`).

use serde::Serialize;

/// What happens to one thing the file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    Create,
    Change,
    Keep,
    Remove,
}

impl ItemAction {
    /// The verb for the command line's table.
    pub fn label_ru(self) -> &'static str {
        match self {
            ItemAction::Create => "добавляется",
            ItemAction::Change => "изменяется",
            ItemAction::Keep => "без изменений",
            ItemAction::Remove => "удаляется",
        }
    }
}

/// One line of the report: the file's row (none for what no single row names, e.g. lessons removed
/// from the old timetable), the action, what kind of thing it is and a description, in Russian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportItem {
    pub row: Option<usize>,
    pub action: ItemAction,
    /// «Студент», «Группа», «Урок»…
    pub entity: String,
    pub text: String,
}
