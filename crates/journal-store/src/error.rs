//! The store's one error type: a stable code for programs and a Russian message for people.

use journal_protocol::OpVerifyError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Неверный ключ локальной копии журнала (или файл повреждён)")]
    KeyInvalid,
    #[error("Не удалось открыть локальную копию журнала: {0}")]
    Open(String),
    /// The file is there but damaged (the password is right, or the file is empty): never treated
    /// as a wrong password, never replaced by a fresh copy.
    #[error("Локальная копия журнала повреждена ({0}). Не удаляйте её файл: неотправленные записи из него переносятся в новую копию при входе с подключением к серверу")]
    Damaged(String),
    #[error("Не удалось обновить структуру локальной копии журнала: {0}")]
    Migration(String),
    #[error("Ошибка базы данных локальной копии: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("Не найдено: {0}")]
    NotFound(String),
    #[error("Данные локальной копии повреждены: {0}")]
    Corrupt(String),
    #[error("Полученные данные противоречивы и не загружены: {0}")]
    SnapshotInvalid(String),
    #[error("Цепочка изменений устройства нарушена: {0}")]
    ChainBroken(String),
    #[error("Подпись или хеш изменения неверны: {0}")]
    OpInvalid(#[from] OpVerifyError),
}

impl StoreError {
    /// Stable snake_case code, the same in logs, tests and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::KeyInvalid => "store_key_invalid",
            StoreError::Open(_) => "store_open_failed",
            StoreError::Damaged(_) => "store_damaged",
            StoreError::Migration(_) => "store_migration_failed",
            StoreError::Sqlite(_) => "store_sqlite",
            StoreError::NotFound(_) => "store_not_found",
            StoreError::Corrupt(_) => "store_corrupt",
            StoreError::SnapshotInvalid(_) => "store_snapshot_invalid",
            StoreError::ChainBroken(_) => "store_chain_broken",
            StoreError::OpInvalid(_) => "store_op_invalid",
        }
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        StoreError::Migration(e.to_string())
    }
}
