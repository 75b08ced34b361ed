//! The administrator's commands of `journal-server`: import of the institution's files
//! (journal-import), export of the institution as JSON, and backup / restore of the database.

use std::path::Path;

use chrono::NaiveDateTime;
use journal_core::{DeviceId, InstitutionId, UserId};
use journal_import::{Applied, ImportError, ImportKind, Imported, ItemAction, LessonDates};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::authority::local_time;
use crate::error::StorageError;
use crate::storage::{AdminAction, Storage};

/// The name of the manifest file in a backup directory.
pub const MANIFEST_FILE: &str = "manifest.json";

use crate::backup_seal::{self, BackupKey};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("В базе данных нет ни одного учреждения: сначала выполните init")]
    NoInstitution,
    #[error("В базе данных несколько учреждений: укажите нужное через --institution: {0}")]
    SeveralInstitutions(String),
    #[error("Учреждение «{0}» не найдено в базе данных")]
    UnknownInstitution(String),
    #[error(
        "Неизвестный вид импорта «{0}»: students, groups, teachers, loads, timetable, plan, asc, fet"
    )]
    UnknownKind(String),
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("Расписание aSc не импортировано, база не изменена: {0}")]
    AscIncomplete(String),
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("Ошибка файла «{path}»: {reason}")]
    File { path: String, reason: String },
    #[error("Резервная копия повреждена, восстановление отменено: {0}")]
    BackupDamaged(String),
    #[error("База данных не пуста: чтобы заменить её резервной копией, добавьте --force")]
    NotEmpty,
    #[error("Подпись резервной копии не сходится: копия изменена после создания или сделана другим ключом; восстановление отменено")]
    BackupSignature,
    #[error("Резервная копия не подписана (сделана прежней версией сервера): её подлинность не проверить. Если вы уверены в ней, добавьте --accept-unsigned")]
    BackupUnsigned,
    #[error(
        "Копия зашифрована ключом {0}, а ключа резервных копий нет: укажите его через --backup-key"
    )]
    BackupKeyNeeded(String),
    #[error("Не задан ключ резервных копий: для базы PostgreSQL укажите файл ключа через --backup-key (если файла нет, он будет создан)")]
    NoBackupKey,
    #[error("{0}")]
    Seal(#[from] crate::backup_seal::SealError),
}

impl AdminError {
    pub fn code(&self) -> &'static str {
        match self {
            AdminError::NoInstitution => "no_institution",
            AdminError::SeveralInstitutions(_) => "several_institutions",
            AdminError::UnknownInstitution(_) => "unknown_institution",
            AdminError::UnknownKind(_) => "import_unknown_kind",
            AdminError::Import(e) => e.code(),
            AdminError::AscIncomplete(_) => "import_asc_incomplete",
            AdminError::Storage(e) => e.code(),
            AdminError::File { .. } => "file_error",
            AdminError::BackupDamaged(_) => "backup_damaged",
            AdminError::NotEmpty => "database_not_empty",
            AdminError::BackupSignature => "backup_signature_invalid",
            AdminError::BackupUnsigned => "backup_unsigned",
            AdminError::BackupKeyNeeded(_) => "backup_key_missing",
            AdminError::NoBackupKey => "backup_key_missing",
            AdminError::Seal(e) => e.code(),
        }
    }
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> AdminError {
    AdminError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The institution a command works on: the given one (by its id or its full or short name), or
/// the only one in the database.
pub async fn pick_institution(
    storage: &dyn Storage,
    wanted: Option<&str>,
) -> Result<InstitutionId, AdminError> {
    let all = storage.institutions().await?;
    let wanted = wanted.map(str::trim).filter(|w| !w.is_empty());
    if let (None, [(id, _)]) = (wanted, all.as_slice()) {
        return Ok(*id);
    }
    if all.is_empty() {
        return Err(AdminError::NoInstitution);
    }
    let mut names = Vec::with_capacity(all.len());
    for (id, _) in &all {
        let (snapshot, _) = storage.snapshot(*id).await?;
        names.push((
            *id,
            snapshot.institution.name,
            snapshot.institution.short_name,
        ));
    }
    match wanted {
        Some(w) => {
            let w_lower = w.to_lowercase();
            names
                .iter()
                .find(|(id, name, short)| {
                    id.to_string() == w
                        || name.trim().to_lowercase() == w_lower
                        || short.trim().to_lowercase() == w_lower
                })
                .map(|(id, _, _)| *id)
                .ok_or_else(|| AdminError::UnknownInstitution(w.to_string()))
        }
        None => Err(AdminError::SeveralInstitutions(
            names
                .iter()
                .map(|(_, name, _)| format!("«{name}»"))
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

/// What an import does (`applied: false`: a dry run that changed nothing) or did: counts of what
/// the file creates, changes and leaves as it is, one item per thing, and warnings (contract 1).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Whether the file was applied (false for `dry_run=true`).
    pub applied: bool,
    pub created: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub items: Vec<ImportItem>,
    /// Said in Russian about rows that import all the same, and what was kept on purpose.
    pub warnings: Vec<String>,
}

/// What happens to one thing a file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Change,
    Keep,
    Remove,
}

/// One line of an import's report.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportItem {
    /// The file's row (a spreadsheet's row number, a FET file's line); none for what no single row
    /// names (e.g. lessons of the old timetable removed).
    pub row: Option<u32>,
    pub action: ImportAction,
    /// What kind of thing, in Russian: «Студент», «Группа», «Урок»…
    pub entity: String,
    /// What happens to it, in Russian.
    pub text: String,
}

impl ImportReport {
    fn of(applied: bool, done: &Applied, warnings: Vec<String>) -> ImportReport {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        ImportReport {
            applied,
            created: count(done.added),
            changed: count(done.updated),
            unchanged: count(done.unchanged),
            items: done
                .items
                .iter()
                .map(|i| ImportItem {
                    row: i.row.map(count),
                    action: match i.action {
                        ItemAction::Create => ImportAction::Create,
                        ItemAction::Change => ImportAction::Change,
                        ItemAction::Keep => ImportAction::Keep,
                        ItemAction::Remove => ImportAction::Remove,
                    },
                    entity: i.entity.clone(),
                    text: i.text.clone(),
                })
                .collect(),
            warnings: warnings
                .into_iter()
                .chain(done.notes.iter().cloned())
                .collect(),
        }
    }

    /// The report as the command line prints it: a line of counts, a table and the warnings.
    pub fn to_text_ru(&self, kind: &str) -> String {
        let mut out = String::new();
        let head = if self.applied {
            format!("Импорт выполнен ({kind})")
        } else {
            format!("Проверка файла ({kind}), база не изменена")
        };
        let removed = self
            .items
            .iter()
            .filter(|i| i.action == ImportAction::Remove)
            .count();
        out.push_str(&format!(
            "{head}: {} {}, {} {}, без изменений {}{}\n",
            if self.applied {
                "добавлено"
            } else {
                "добавляется"
            },
            self.created,
            if self.applied {
                "изменено"
            } else {
                "изменяется"
            },
            self.changed,
            self.unchanged,
            if removed > 0 {
                format!(", удаляемых позиций {removed}")
            } else {
                String::new()
            }
        ));
        let verb = |a: ImportAction| match (a, self.applied) {
            (ImportAction::Create, false) => "добавляется",
            (ImportAction::Create, true) => "добавлено",
            (ImportAction::Change, false) => "изменяется",
            (ImportAction::Change, true) => "изменено",
            (ImportAction::Keep, _) => "без изменений",
            (ImportAction::Remove, false) => "удаляется",
            (ImportAction::Remove, true) => "удалено",
        };
        if !self.items.is_empty() {
            out.push_str("Строка | Действие | Что | Подробно\n");
            for i in &self.items {
                out.push_str(&format!(
                    "{} | {} | {} | {}\n",
                    i.row.map_or_else(|| "—".to_string(), |r| r.to_string()),
                    verb(i.action),
                    i.entity,
                    i.text
                ));
            }
        }
        for w in &self.warnings {
            out.push_str(&format!("  Внимание: {w}\n"));
        }
        out
    }
}

fn warnings_of(imported: &Imported) -> Vec<String> {
    match imported {
        Imported::Students(p) => p.warnings.clone(),
        Imported::Groups(p) => p.warnings.clone(),
        Imported::Teachers(p) => p.warnings.clone(),
        Imported::Loads(p) => p.warnings.clone(),
        Imported::Timetable(p) => p.warnings.clone(),
        Imported::Plan(p) => p.warnings.clone(),
        Imported::Fet(f) => f.warnings.clone(),
        Imported::Asc(a) => a
            .timetable
            .warnings
            .iter()
            .map(|w| w.to_string())
            .chain(a.mapping.warnings.iter().cloned())
            .collect(),
    }
}

/// Reads `bytes` as a file of `kind` against the institution and, only if the whole file is
/// good, applies it in one transaction with an audit entry. On any error nothing is changed.
pub async fn import(
    storage: &dyn Storage,
    institution: InstitutionId,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Result<ImportReport, AdminError> {
    import_by(
        storage,
        institution,
        kind,
        file_name,
        bytes,
        now,
        None,
        false,
    )
    .await
}

/// [`import`] on behalf of a signed-in administrator (user and device), who becomes the author of
/// the audit entry; `None` is the server's command line. With `dry_run` the file is checked and
/// applied to a copy of the institution only: the report says what would change, and nothing is
/// written (no data, no `reference_version`, no audit entry).
#[allow(clippy::too_many_arguments)]
pub async fn import_by(
    storage: &dyn Storage,
    institution: InstitutionId,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
    author: Option<(UserId, DeviceId)>,
    dry_run: bool,
) -> Result<ImportReport, AdminError> {
    let import_kind =
        ImportKind::parse(kind).ok_or_else(|| AdminError::UnknownKind(kind.into()))?;
    let (mut snapshot, _) = storage.snapshot(institution).await?;
    let imported = journal_import::import_file(import_kind, bytes, &snapshot)?;
    if let Imported::Asc(a) = &imported {
        if !a.is_complete() {
            let u = &a.mapping.unmatched;
            let mut parts = Vec::new();
            let mut list = |label: &str, names: &[String]| {
                if !names.is_empty() {
                    parts.push(format!("{label}: {}", names.join(", ")));
                }
            };
            list("не найдены классы", &u.classes);
            list("не найдены подгруппы", &u.subgroups);
            list("не найдены преподаватели", &u.teachers);
            list("не найдены дисциплины", &u.subjects);
            list("не найдены звонки", &u.periods);
            list("требуют решения", &a.mapping.undecided);
            if !a.mapping.missing_loads.is_empty() {
                parts.push(format!("нет нагрузки: {}", a.mapping.missing_loads.len()));
            }
            return Err(AdminError::AscIncomplete(parts.join("; ")));
        }
    }
    let local_now = local_time(&snapshot.institution.timezone, now).unwrap_or(now);
    let dates = LessonDates {
        from: local_now.date(),
        cycle_start: snapshot.year.starts_on,
    };
    let applied = imported.apply_to(&mut snapshot, &mut uuid::Uuid::now_v7, Some(dates));
    let report = ImportReport::of(!dry_run, &applied, warnings_of(&imported));
    if dry_run {
        return Ok(report);
    }
    let summary = imported.summary_ru();
    let detail = serde_json::json!({
        "kind": kind,
        "file": file_name,
        "sha256": hex::encode(Sha256::digest(bytes)),
        "summary": summary,
        "added": applied.added,
        "updated": applied.updated,
        "unchanged": applied.unchanged,
        "removed": applied.removed,
    });
    storage
        .apply_reference(
            snapshot,
            AdminAction {
                institution_id: institution,
                kind: "import".to_string(),
                author_id: author.map(|(user, _)| user),
                device_id: author.map(|(_, device)| device),
                subject: format!("{kind}: {file_name}"),
                detail,
            },
            now,
        )
        .await?;
    Ok(report)
}

/// The institution as it is now, with the last `server_seq` it includes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Export {
    pub server_seq: u64,
    pub snapshot: Snapshot,
}

/// Writes the institution's snapshot as JSON to `to`.
pub async fn export(
    storage: &dyn Storage,
    institution: InstitutionId,
    to: &Path,
) -> Result<Export, AdminError> {
    let (snapshot, server_seq) = storage.snapshot(institution).await?;
    let export = Export {
        server_seq,
        snapshot,
    };
    let json = serde_json::to_vec_pretty(&export).map_err(|e| file_error(to, e))?;
    std::fs::write(to, json).map_err(|e| file_error(to, e))?;
    Ok(export)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// `manifest.json` of a backup directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// "sqlite" or "postgres": a backup restores into the same backend.
    pub backend: String,
    /// UTC time the backup was taken.
    pub created_at: NaiveDateTime,
    /// Each institution's last server_seq when the backup started (the copy holds at least these).
    pub server_seq: Vec<(InstitutionId, u64)>,
    pub files: Vec<ManifestFile>,
    /// The id of the backup key the files are encrypted with (see [`crate::backup_seal`]); None
    /// in copies made before backups were sealed (plain files, no signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

fn sha256_file(path: &Path) -> Result<(u64, String), AdminError> {
    let bytes = std::fs::read(path).map_err(|e| file_error(path, e))?;
    Ok((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}

/// Takes a consistent backup into `dir` (created; must be empty) while the server may be serving:
/// every file encrypted with `key`, the manifest signed, the directory and its files private.
pub async fn backup(
    storage: &dyn Storage,
    backend: &str,
    dir: &Path,
    now: NaiveDateTime,
    key: &BackupKey,
) -> Result<Manifest, AdminError> {
    std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    backup_seal::make_private(dir)?;
    let not_empty = std::fs::read_dir(dir)
        .map_err(|e| file_error(dir, e))?
        .next()
        .is_some();
    if not_empty {
        return Err(file_error(dir, "каталог резервной копии должен быть пуст"));
    }
    let server_seq = storage.institutions().await?;
    let names = storage.backup_to(dir).await?;
    let mut files = Vec::new();
    for name in names {
        let sealed = key.seal_file(dir, &name)?;
        let (size, sha256) = sha256_file(&dir.join(&sealed))?;
        files.push(ManifestFile {
            name: sealed,
            size,
            sha256,
        });
    }
    let manifest = Manifest {
        backend: backend.to_string(),
        created_at: now,
        server_seq,
        files,
        key_id: Some(key.id()),
    };
    let path = dir.join(MANIFEST_FILE);
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| file_error(&path, e))?;
    std::fs::write(&path, &json).map_err(|e| file_error(&path, e))?;
    backup_seal::make_private(&path)?;
    let sig_path = dir.join(backup_seal::SIGNATURE_FILE);
    std::fs::write(&sig_path, key.sign(&json)).map_err(|e| file_error(&sig_path, e))?;
    backup_seal::make_private(&sig_path)?;
    Ok(manifest)
}

/// Checks a backup directory: the manifest's signature with `key` (an unsigned copy of an older
/// version only with `accept_unsigned`), then every file present with its size and sha256.
pub fn verify_backup(
    dir: &Path,
    backend: &str,
    key: Option<&BackupKey>,
    accept_unsigned: bool,
) -> Result<Manifest, AdminError> {
    let path = dir.join(MANIFEST_FILE);
    let text = std::fs::read(&path)
        .map_err(|e| AdminError::BackupDamaged(format!("нет файла {MANIFEST_FILE}: {e}")))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| AdminError::BackupDamaged(format!("{MANIFEST_FILE} не читается: {e}")))?;
    let signature = std::fs::read_to_string(dir.join(backup_seal::SIGNATURE_FILE)).ok();
    match (&manifest.key_id, signature) {
        (None, None) if accept_unsigned => {}
        (None, None) => return Err(AdminError::BackupUnsigned),
        (Some(id), _) if key.is_none() => return Err(AdminError::BackupKeyNeeded(id.clone())),
        (_, Some(sig)) => match key {
            Some(key) if key.verifies(&text, &sig) => {}
            Some(_) => return Err(AdminError::BackupSignature),
            None => {
                return Err(AdminError::BackupKeyNeeded(
                    manifest.key_id.clone().unwrap_or_default(),
                ))
            }
        },
        // A manifest naming a key but without its signature was tampered with.
        (Some(_), None) => return Err(AdminError::BackupSignature),
    }
    if manifest.backend != backend {
        return Err(AdminError::BackupDamaged(format!(
            "копия сделана для базы «{}», а восстанавливается в «{backend}»",
            manifest.backend
        )));
    }
    if manifest.files.is_empty() {
        return Err(AdminError::BackupDamaged(
            "в манифесте нет ни одного файла".to_string(),
        ));
    }
    for f in &manifest.files {
        // Names come from the manifest: only plain file names inside the backup directory.
        if f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            return Err(AdminError::BackupDamaged(format!(
                "недопустимое имя файла «{}»",
                f.name
            )));
        }
        let file = dir.join(&f.name);
        if !file.is_file() {
            return Err(AdminError::BackupDamaged(format!("нет файла «{}»", f.name)));
        }
        let (size, sha256) = sha256_file(&file)?;
        if size != f.size || sha256 != f.sha256 {
            return Err(AdminError::BackupDamaged(format!(
                "файл «{}» не совпадает с контрольной суммой в манифесте",
                f.name
            )));
        }
    }
    Ok(manifest)
}

/// Restores the database from a backup directory after checking it ([`verify_backup`]),
/// decrypting its files into a private temporary folder; refuses to replace a database that holds
/// an institution unless `force`.
pub async fn restore(
    storage: &dyn Storage,
    backend: &str,
    dir: &Path,
    force: bool,
    key: Option<&BackupKey>,
    accept_unsigned: bool,
) -> Result<Manifest, AdminError> {
    let manifest = verify_backup(dir, backend, key, accept_unsigned)?;
    if !force && !storage.institutions().await?.is_empty() {
        return Err(AdminError::NotEmpty);
    }
    match (&manifest.key_id, key) {
        (Some(_), Some(key)) => {
            let plain = tempfile::Builder::new()
                .prefix(".restore-")
                .tempdir()
                .map_err(|e| file_error(dir, e))?;
            backup_seal::make_private(plain.path())?;
            for f in &manifest.files {
                key.open_file(dir, &f.name, plain.path())?;
            }
            storage.restore_from(plain.path()).await?;
        }
        _ => storage.restore_from(dir).await?,
    }
    Ok(manifest)
}

/// What a restore drill found.
#[derive(Debug, Clone)]
pub struct DrillReport {
    pub manifest: Manifest,
    pub institutions: usize,
    pub audit_entries: u64,
}

/// The restore drill: restores the copy in `dir` into `scratch` (an empty database of the same
/// backend), verifies its audit chains and that every institution of the manifest is there with
/// at least the manifest's server_seq. Nothing of the live database is touched.
pub async fn restore_drill(
    scratch: &dyn Storage,
    backend: &str,
    dir: &Path,
    key: Option<&BackupKey>,
    accept_unsigned: bool,
) -> Result<DrillReport, AdminError> {
    let manifest = restore(scratch, backend, dir, false, key, accept_unsigned).await?;
    let audit = scratch.audit_verify().await?;
    if !audit.is_intact() {
        return Err(AdminError::BackupDamaged(format!(
            "журнал действий восстановленной копии нарушен: замечаний — {}",
            audit.problems.len()
        )));
    }
    let restored = scratch.institutions().await?;
    for (inst, seq) in &manifest.server_seq {
        match restored.iter().find(|(i, _)| i == inst) {
            Some((_, got)) if got >= seq => {}
            Some((_, got)) => {
                return Err(AdminError::BackupDamaged(format!(
                    "учреждение {inst}: в копии изменения до №{got}, а манифест обещает не меньше №{seq}"
                )))
            }
            None => {
                return Err(AdminError::BackupDamaged(format!(
                    "учреждения {inst} из манифеста нет в восстановленной копии"
                )))
            }
        }
    }
    Ok(DrillReport {
        manifest,
        institutions: restored.len(),
        audit_entries: audit.entries_checked,
    })
}

/// Where the backup key is when `--backup-key` is not given: beside a SQLite database
/// (`<db>.backup-key`); a PostgreSQL deployment names it.
pub fn default_backup_key_path(db: &str) -> Option<std::path::PathBuf> {
    (backend_of(db) == "sqlite").then(|| std::path::PathBuf::from(format!("{db}.backup-key")))
}

/// The backend name of a `--db` value.
pub fn backend_of(db: &str) -> &'static str {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        "postgres"
    } else {
        "sqlite"
    }
}
