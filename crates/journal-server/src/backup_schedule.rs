//! Scheduled backups (`serve --backup-at HH:MM`): once a day a sealed copy of the whole database
//! goes to every backup place (001 asks for two media in different rooms), each place keeps its
//! newest `keep` copies, and every institution's audit chain records the copy. The restore drill
//! (`journal-server restore-drill`) proves a copy restores: into a throwaway database, with its
//! audit chains verified and its cursors at least those of the manifest.

use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, NaiveTime};

use crate::backup_routes::{make_zip, ZipFailure};
use crate::backup_seal::BackupKey;
use crate::storage::{AdminAction, Storage};
use crate::AppState;

/// When and where the daily copy goes.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Every place gets the copy; give two on different media.
    pub dirs: Vec<PathBuf>,
    pub key: PathBuf,
    /// Local time of day (the server machine's zone).
    pub at: NaiveTime,
    /// Copies kept in each place; older ones are removed after a new one is made.
    pub keep: usize,
}

/// What one place got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOutcome {
    pub dir: PathBuf,
    /// The copy's file name, or why the place did not get it.
    pub result: Result<String, String>,
    /// Old copies removed from the place.
    pub removed: Vec<String>,
}

/// The next local time at `at` strictly after `now`.
pub fn next_run(now: NaiveDateTime, at: NaiveTime) -> NaiveDateTime {
    let today = now.date().and_time(at);
    if today > now {
        today
    } else {
        today + chrono::Duration::days(1)
    }
}

/// Removes the oldest `journal-*.zip` copies of `dir` beyond the newest `keep`; answers their names.
pub fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<String>> {
    let mut copies: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("journal-") && n.ends_with(".zip"))
        .collect();
    // The names carry the time (journal-YYYYMMDD-HHMMSS[-n].zip): name order is time order.
    copies.sort();
    let excess = copies.len().saturating_sub(keep);
    let removed: Vec<String> = copies.into_iter().take(excess).collect();
    for name in &removed {
        std::fs::remove_file(dir.join(name))?;
    }
    Ok(removed)
}

/// Copies `file` into `dir` under its name, appearing only once complete, private.
fn place_copy(file: &Path, dir: &Path) -> Result<String, String> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| "нет имени файла".to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let part = dir.join(format!(".{name}.part"));
    std::fs::copy(file, &part).map_err(|e| e.to_string())?;
    crate::backup_seal::make_private(&part).map_err(|e| e.to_string())?;
    std::fs::File::open(&part)
        .and_then(|f| f.sync_all())
        .map_err(|e| e.to_string())?;
    std::fs::rename(&part, dir.join(&name)).map_err(|e| e.to_string())?;
    Ok(name)
}

/// Makes one copy now into every place of `schedule` and prunes each; records it in every
/// institution's audit chain. A place that fails does not stop the others.
pub async fn run_once(
    storage: &dyn Storage,
    schedule: &Schedule,
    now: NaiveDateTime,
) -> Vec<PlaceOutcome> {
    if schedule.dirs.is_empty() {
        return Vec::new();
    }
    let key = match BackupKey::load_or_create(&schedule.key) {
        Ok(key) => key,
        Err(e) => {
            return schedule
                .dirs
                .iter()
                .map(|dir| PlaceOutcome {
                    dir: dir.clone(),
                    result: Err(e.to_string()),
                    removed: Vec::new(),
                })
                .collect();
        }
    };
    // The copy is made in the first place that takes it; the others get that file.
    let mut made: Option<(PathBuf, String)> = None;
    let mut unavailable: Vec<(PathBuf, String)> = Vec::new();
    for dir in &schedule.dirs {
        match make_zip(storage, dir, &key, now).await {
            Ok((name, _, _)) => {
                made = Some((dir.clone(), name));
                break;
            }
            Err(e @ ZipFailure::DirUnavailable(_)) => {
                unavailable.push((dir.clone(), e.to_string()))
            }
            Err(e @ ZipFailure::Failed(_)) => {
                // The database could not be copied: no place gets anything.
                let message = e.to_string();
                return schedule
                    .dirs
                    .iter()
                    .map(|dir| PlaceOutcome {
                        dir: dir.clone(),
                        result: Err(message.clone()),
                        removed: Vec::new(),
                    })
                    .collect();
            }
        }
    }
    let outcomes: Vec<(PathBuf, Result<String, String>)> = schedule
        .dirs
        .iter()
        .map(|dir| {
            let placed = match &made {
                Some((home, name)) if home == dir => Ok(name.clone()),
                Some((home, name)) => place_copy(&home.join(name), dir),
                None => Err(unavailable
                    .iter()
                    .find(|(d, _)| d == dir)
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default()),
            };
            (dir.clone(), placed)
        })
        .collect();
    let mut result = Vec::new();
    for (dir, placed) in outcomes {
        let removed = if placed.is_ok() {
            prune(&dir, schedule.keep.max(1)).unwrap_or_default()
        } else {
            Vec::new()
        };
        result.push(PlaceOutcome {
            dir,
            result: placed,
            removed,
        });
    }
    if let Ok(institutions) = storage.institutions().await {
        let places: Vec<serde_json::Value> = result
            .iter()
            .map(|p| {
                serde_json::json!({
                    "dir": p.dir.display().to_string(),
                    "copy": p.result.as_ref().ok(),
                    "error": p.result.as_ref().err(),
                    "removed": p.removed,
                })
            })
            .collect();
        for (inst, _) in institutions {
            let _ = storage
                .append_admin_action(
                    AdminAction {
                        institution_id: inst,
                        kind: "backup_scheduled".into(),
                        author_id: None,
                        device_id: None,
                        subject: "backup".into(),
                        detail: serde_json::json!({ "places": places }),
                    },
                    now,
                )
                .await;
        }
    }
    result
}

/// Runs the schedule for as long as the server runs.
pub fn spawn(state: AppState, schedule: Schedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let now_local = chrono::Local::now().naive_local();
            let wait = (next_run(now_local, schedule.at) - now_local)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(60));
            tokio::time::sleep(wait).await;
            let outcomes = run_once(state.storage.as_ref(), &schedule, state.config.now()).await;
            for o in &outcomes {
                state.metrics.backup(o.result.is_ok());
                match &o.result {
                    Ok(name) => {
                        tracing::info!(dir = %o.dir.display(), copy = %name, removed = o.removed.len(), "scheduled backup made")
                    }
                    Err(e) => {
                        tracing::error!(dir = %o.dir.display(), error = %e, "scheduled backup failed")
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn the_next_run_is_today_if_still_ahead_else_tomorrow() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(1, 30, 0))
            .unwrap_or_default();
        assert_eq!(next_run(now, at(2, 0)), now.date().and_time(at(2, 0)));
        assert_eq!(
            next_run(now, at(1, 30)),
            now.date().and_time(at(1, 30)) + chrono::Duration::days(1),
            "the same minute is already past"
        );
    }

    #[test]
    fn pruning_keeps_the_newest_copies_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().expect("a temp dir");
        for name in [
            "journal-20261201-020000.zip",
            "journal-20261202-020000.zip",
            "journal-20261203-020000.zip",
            "journal-20261203-020000-2.zip",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").expect("written");
        }
        let removed = prune(dir.path(), 2).expect("pruned");
        assert_eq!(
            removed,
            vec!["journal-20261201-020000.zip", "journal-20261202-020000.zip"]
        );
        assert!(dir.path().join("notes.txt").exists(), "other files stay");
        assert!(dir.path().join("journal-20261203-020000-2.zip").exists());
    }
}
