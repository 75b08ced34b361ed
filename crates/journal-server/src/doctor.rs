//! `journal-server doctor`: checks a deployment before (or while) it serves and says, in Russian,
//! what to fix — the database reachable and on this version's schema, its audit chains intact,
//! the server's clock not behind what it already recorded, the TLS files loading, every backup
//! location writable, the backup key readable. Each check is a line; any failure makes the
//! command exit non-zero, so a service manager or a cron job can act on it.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::backup_seal::BackupKey;
use crate::storage::{AuditQuery, Storage};

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    /// What was checked and what was found.
    pub what: String,
    /// What to do about a failure (empty when ok).
    pub fix: String,
}

impl Check {
    fn ok(what: impl Into<String>) -> Check {
        Check {
            ok: true,
            what: what.into(),
            fix: String::new(),
        }
    }

    fn failed(what: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            ok: false,
            what: what.into(),
            fix: fix.into(),
        }
    }
}

/// What the deployment is configured with (the same options `serve` takes).
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub backup_dirs: Vec<PathBuf>,
    pub backup_key: Option<PathBuf>,
}

/// How far behind the last recorded audit entry the clock may be before it is called set back.
const CLOCK_SLACK_MINUTES: i64 = 5;

/// Runs every check against an opened storage (`storage`: None when the database did not open,
/// with the reason in `open_error`) at UTC time `now`.
pub async fn run(
    storage: Option<&dyn Storage>,
    open_error: Option<String>,
    deployment: &Deployment,
    now: NaiveDateTime,
) -> Vec<Check> {
    let mut checks = Vec::new();
    match (storage, open_error) {
        (Some(storage), _) => database_checks(storage, now, &mut checks).await,
        (None, reason) => checks.push(Check::failed(
            format!(
                "База данных недоступна: {}",
                reason.unwrap_or_else(|| "причина неизвестна".into())
            ),
            "проверьте --db (путь к файлу SQLite или адрес postgres://), права на файл и что PostgreSQL запущен",
        )),
    }
    checks.push(tls_check(deployment));
    if deployment.backup_dirs.is_empty() {
        checks.push(Check::failed(
            "Места для резервных копий не заданы",
            "укажите --backup-dir (положение 001: два носителя в разных помещениях — два каталога на разных дисках)",
        ));
    } else {
        if deployment.backup_dirs.len() < 2 {
            checks.push(Check::failed(
                "Задано одно место для резервных копий",
                "добавьте второй --backup-dir на другом носителе: копии хранятся на двух носителях в разных помещениях",
            ));
        }
        for dir in &deployment.backup_dirs {
            checks.push(writable_check(dir));
        }
    }
    checks.push(backup_key_check(deployment.backup_key.as_deref()));
    checks
}

async fn database_checks(storage: &dyn Storage, now: NaiveDateTime, checks: &mut Vec<Check>) {
    let institutions = match storage.institutions().await {
        Ok(list) => list,
        Err(e) => {
            checks.push(Check::failed(
                format!("База данных не читается: {e}"),
                "восстановите базу из резервной копии (journal-server restore)",
            ));
            return;
        }
    };
    checks.push(Check::ok(format!(
        "База данных доступна ({}), схема этой версии; учреждений: {}",
        storage.backend(),
        institutions.len()
    )));
    if institutions.is_empty() {
        checks.push(Check::failed(
            "В базе нет ни одного учреждения",
            "создайте его: journal-server --db … init --institution «Полное наименование» --kind college --admin LOGIN",
        ));
    }
    match storage.audit_verify().await {
        Ok(report) if report.is_intact() => checks.push(Check::ok(format!(
            "Журналы действий целы (записей: {})",
            report.entries_checked
        ))),
        Ok(report) => checks.push(Check::failed(
            format!(
                "Журнал действий нарушен: замечаний — {}",
                report.problems.len()
            ),
            "выполните journal-server audit verify и восстановите базу из последней целой копии",
        )),
        Err(e) => checks.push(Check::failed(
            format!("Журнал действий не проверен: {e}"),
            "выполните journal-server audit verify",
        )),
    }
    // The newest entry of any institution: a clock behind it was set back (entries would be out
    // of order, and the deadlines judged by a wrong day).
    let mut newest: Option<NaiveDateTime> = None;
    for (inst, _) in &institutions {
        let query = AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        };
        if let Ok((_, entries)) = storage.audit_page(*inst, &query).await {
            newest = newest.max(entries.first().map(|e| e.server_time));
        }
    }
    match newest {
        Some(last) if now + chrono::Duration::minutes(CLOCK_SLACK_MINUTES) < last => {
            checks.push(Check::failed(
                format!(
                    "Часы сервера ({} UTC) отстают от последней записи журнала ({} UTC)",
                    now.format("%d.%m.%Y %H:%M"),
                    last.format("%d.%m.%Y %H:%M")
                ),
                "настройте синхронизацию времени (NTP, timedatectl set-ntp true) и проверьте часовой пояс",
            ))
        }
        _ => checks.push(Check::ok(format!(
            "Часы сервера: {} UTC, не отстают от записей журнала",
            now.format("%d.%m.%Y %H:%M")
        ))),
    }
}

fn tls_check(d: &Deployment) -> Check {
    match (&d.tls_cert, &d.tls_key) {
        (Some(cert), Some(key)) => match crate::tls::server_config(cert, key) {
            Ok(_) => Check::ok(format!(
                "Сертификат TLS «{}» и его ключ загружаются",
                cert.display()
            )),
            Err(e) => Check::failed(
                format!("TLS: {e}"),
                "укажите действующий сертификат (PEM, цепочка) и его закрытый ключ",
            ),
        },
        (None, None) => Check::failed(
            "TLS не настроен: сервер будет работать по HTTP",
            "в сети учреждения укажите --tls-cert и --tls-key (пароли и отметки не должны идти открытым текстом)",
        ),
        _ => Check::failed(
            "Указан только один из --tls-cert и --tls-key",
            "укажите оба файла",
        ),
    }
}

fn writable_check(dir: &Path) -> Check {
    let probe = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::Builder::new()
            .prefix(".doctor-")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut file.as_file(), b"probe")?;
        file.as_file().sync_all()
    };
    match probe() {
        Ok(()) => Check::ok(format!(
            "Каталог резервных копий «{}» доступен для записи",
            dir.display()
        )),
        Err(e) => Check::failed(
            format!(
                "Каталог резервных копий «{}» недоступен для записи: {e}",
                dir.display()
            ),
            "проверьте, что носитель подключён и у пользователя сервера есть права на запись",
        ),
    }
}

fn backup_key_check(path: Option<&Path>) -> Check {
    let Some(path) = path else {
        return Check::failed(
            "Ключ резервных копий не задан",
            "укажите --backup-key ФАЙЛ (для PostgreSQL обязательно); храните копию ключа отдельно от сервера",
        );
    };
    if !path.exists() {
        return Check::failed(
            format!("Ключа резервных копий «{}» ещё нет", path.display()),
            "он будет создан первой резервной копией; сразу сохраните его копию отдельно от сервера",
        );
    }
    match BackupKey::load(path) {
        Ok(key) => Check::ok(format!(
            "Ключ резервных копий «{}» читается (отпечаток {})",
            path.display(),
            key.id()
        )),
        Err(e) => Check::failed(
            e.to_string(),
            "восстановите файл ключа из сохранённой копии",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_second_backup_place_tls_and_key_are_each_named_with_a_fix() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let deployment = Deployment {
            backup_dirs: vec![dir.path().join("copies")],
            ..Deployment::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let checks = rt.block_on(run(
            None,
            Some("нет файла".into()),
            &deployment,
            NaiveDateTime::default(),
        ));
        let failed: Vec<&str> = checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.what.as_str())
            .collect();
        assert!(failed.iter().any(|w| w.contains("База данных недоступна")));
        assert!(failed.iter().any(|w| w.contains("TLS не настроен")));
        assert!(failed.iter().any(|w| w.contains("одно место")));
        assert!(failed
            .iter()
            .any(|w| w.contains("Ключ резервных копий не задан")));
        assert!(
            checks
                .iter()
                .any(|c| c.ok && c.what.contains("доступен для записи")),
            "the one backup place is writable: {checks:?}"
        );
        assert!(
            checks.iter().all(|c| c.ok || !c.fix.is_empty()),
            "every failure says what to do"
        );
    }
}
