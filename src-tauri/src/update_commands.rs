//! «Доступна новая версия»: after an online sign-in the UI asks [`update_check`]; «Установить»
//! runs [`update_install`] (download, check against the signed manifest, hand over to the package
//! manager — journal-api's `update`) while the UI reads [`update_progress`]; then
//! [`update_restart`] starts the installed version. The journal is not held during the download.

use std::sync::Mutex;

use journal_api::update::{package_kind_here, UpdateOffer, UpdateTrust};
use journal_api::ApiError;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::{blocking, AppState};

/// Where an install is.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct UpdateProgress {
    /// idle, downloading, installing, installed, failed.
    pub phase: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The install's progress, shared between the running install and the UI's reads.
#[derive(Default)]
pub struct UpdateProgressState(Mutex<UpdateProgress>);

impl UpdateProgressState {
    fn set(&self, phase: &str, done: u64, total: u64) {
        let mut p = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *p = UpdateProgress {
            phase: phase.to_string(),
            done,
            total,
        };
    }
}

/// What was installed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UpdateInstalled {
    pub version: String,
}

/// The version of this running app (tauri.conf.json's, as the package carries it).
fn current_version<R: Runtime>(app: &AppHandle<R>) -> String {
    app.package_info().version.to_string()
}

/// A newer version on the copy's server, if updates are set up on this PC (the trusted key, a
/// package kind) and the sign-in was online; otherwise None, quietly.
#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<UpdateOffer>, ApiError> {
    let (Some(trust), Some(kind)) = (UpdateTrust::load()?, package_kind_here()) else {
        return Ok(None);
    };
    let Ok(source) = state.with(|j| j.update_source()) else {
        return Ok(None);
    };
    let current = current_version(&app);
    blocking(move || source.check(&trust, &current, kind)).await
}

/// Downloads the offered version, checks it against the signed manifest and installs it. A
/// refusal (`update_unsigned`, `update_signature_invalid`, `update_package_altered`) installs
/// nothing; the downloaded file is removed either way.
#[tauri::command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<UpdateInstalled, ApiError> {
    let not_set_up = || {
        ApiError::new(
            "update_not_configured",
            "Обновления на этом компьютере не настроены: нет ключа обновлений учреждения",
        )
    };
    let trust = UpdateTrust::load()?.ok_or_else(not_set_up)?;
    let kind = package_kind_here().ok_or_else(|| {
        ApiError::new(
            "update_platform_unsupported",
            "На этом компьютере приложение обновляется вручную",
        )
    })?;
    let source = state.with(|j| j.update_source())?;
    let current = current_version(&app);
    blocking(move || {
        // The progress lives as long as the app (managed by Tauri); the UI reads it meanwhile.
        let progress = app.state::<UpdateProgressState>();
        progress.set("downloading", 0, 0);
        let dir =
            std::env::temp_dir().join(format!("offline-journal-update-{}", std::process::id()));
        let outcome = source
            .download(&trust, &current, kind, &dir, &mut |done, total| {
                progress.set("downloading", done, total)
            })
            .and_then(|package| {
                progress.set("installing", 0, 0);
                let installed = journal_api::update::install(&package);
                let _ = std::fs::remove_file(&package.path);
                installed.map(|()| UpdateInstalled {
                    version: package.version,
                })
            });
        let _ = std::fs::remove_dir(&dir);
        progress.set(
            if outcome.is_ok() {
                "installed"
            } else {
                "failed"
            },
            0,
            0,
        );
        outcome
    })
    .await
}

/// Where the running install is.
#[tauri::command]
pub fn update_progress(progress: State<UpdateProgressState>) -> UpdateProgress {
    progress.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Starts the installed version in place of this one. Every edit is already in the local copy
/// (each is one transaction), so nothing is lost.
#[tauri::command]
pub fn update_restart<R: Runtime>(app: AppHandle<R>) {
    app.restart()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ts_rs::TS;

    #[test]
    fn update_bindings_are_generated_for_the_ui() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        UpdateOffer::export_all_to(&dir).expect("export UpdateOffer.ts");
        UpdateProgress::export_all_to(&dir).expect("export UpdateProgress.ts");
        UpdateInstalled::export_all_to(&dir).expect("export UpdateInstalled.ts");
        let text = std::fs::read_to_string(dir.join("UpdateOffer.ts")).expect("written");
        assert!(
            text.contains("version: string") && text.contains("size: number"),
            "the offer reaches the UI with its version and size:\n{text}"
        );
    }

    #[test]
    fn progress_is_read_as_set() {
        let state = UpdateProgressState::default();
        state.set("downloading", 10, 40);
        let p = state.0.lock().expect("not poisoned").clone();
        assert_eq!((p.phase.as_str(), p.done, p.total), ("downloading", 10, 40));
    }
}
