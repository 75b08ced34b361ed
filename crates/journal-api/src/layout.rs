//! Where local copies live. One data dir per computer account holds one store per signed-in user
//! (`users/<login>/journal.db`), so several teachers on a shared PC keep separate copies.

use crate::ApiError;
use std::path::{Path, PathBuf};

/// File name of a user's local store inside their folder.
pub const STORE_FILE: &str = "journal.db";

/// The data dir of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The per-user default: `$XDG_DATA_HOME/offline-journal`, else `~/.local/share/offline-journal`
    /// (on Windows `%APPDATA%\offline-journal`), else `./offline-journal`.
    pub fn default_root() -> PathBuf {
        const NAME: &str = "offline-journal";
        let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(x) = non_empty("XDG_DATA_HOME") {
            return PathBuf::from(x).join(NAME);
        }
        if let Some(a) = non_empty("APPDATA") {
            return PathBuf::from(a).join(NAME);
        }
        if let Some(h) = non_empty("HOME") {
            return PathBuf::from(h).join(".local").join("share").join(NAME);
        }
        PathBuf::from(NAME)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn users_dir(&self) -> PathBuf {
        self.root.join("users")
    }

    /// The folder of one user's local copy. The login becomes a folder name, so it is checked.
    pub fn user_dir(&self, login: &str) -> Result<PathBuf, ApiError> {
        check_login(login)?;
        Ok(self.users_dir().join(login))
    }

    pub fn store_path(&self, login: &str) -> Result<PathBuf, ApiError> {
        Ok(self.user_dir(login)?.join(STORE_FILE))
    }

    /// Logins that have a local copy here, sorted.
    pub fn local_users(&self) -> Result<Vec<String>, ApiError> {
        let dir = self.users_dir();
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut logins = Vec::new();
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if check_login(&name).is_ok() && entry.path().join(STORE_FILE).exists() {
                logins.push(name);
            }
        }
        logins.sort();
        Ok(logins)
    }
}

/// A login usable as a folder name on every OS: letters, digits, `.`, `_`, `-`; not starting with `.`.
pub fn check_login(login: &str) -> Result<(), ApiError> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && !login.starts_with('.')
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            "invalid_login",
            format!("Недопустимое имя пользователя: «{login}» (разрешены латинские буквы, цифры, точка, дефис и подчёркивание)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_gets_own_store_file() {
        let d = DataDir::new("/data");
        let a = d.store_path("teacher").expect("valid login");
        let b = d.store_path("teacher2").expect("valid login");
        assert_ne!(a, b, "two teachers on one PC never share a store");
        assert!(
            a.ends_with("users/teacher/journal.db"),
            "layout is users/<login>/journal.db: {a:?}"
        );
    }

    #[test]
    fn logins_that_could_escape_the_folder_are_refused() {
        let d = DataDir::new("/data");
        for bad in ["", "..", "../x", "a/b", "a\\b", ".hidden", "учитель"] {
            let err = d.store_path(bad).expect_err("unsafe login must be refused");
            assert_eq!(err.code, "invalid_login", "login {bad:?}");
        }
    }

    #[test]
    fn local_users_lists_only_folders_with_a_store() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let d = DataDir::new(tmp.path());
        assert!(
            d.local_users().expect("empty dir lists").is_empty(),
            "no users dir yet = no users"
        );
        let t = d.user_dir("teacher").expect("valid login");
        std::fs::create_dir_all(&t).expect("mkdir");
        std::fs::write(t.join(STORE_FILE), b"").expect("touch");
        std::fs::create_dir_all(d.user_dir("empty").expect("valid login")).expect("mkdir");
        assert_eq!(
            d.local_users().expect("lists"),
            vec!["teacher".to_string()],
            "a folder without a store is not a local copy"
        );
    }
}
