//! Loading an institution into the server: the demo institution of journal-demo, with every demo
//! user's Argon2id hash of the demo password.

use chrono::{NaiveDate, Utc};
use journal_protocol::Snapshot;

use crate::auth::hash_password;
use crate::storage::Storage;

/// Loads `snapshot` into an empty database, giving every user `password` (each with its own salt).
/// Returns a one-line summary.
pub async fn load_institution(
    storage: &dyn Storage,
    snapshot: Snapshot,
    password: &str,
) -> anyhow::Result<String> {
    let users: Vec<_> = snapshot.users.iter().map(|u| u.id).collect();
    let password = password.to_string();
    // Argon2id is slow on purpose: off the async threads.
    let hashes = tokio::task::spawn_blocking(move || {
        users
            .into_iter()
            .map(|id| hash_password(&password).map(|h| (id, h)))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?
    .map_err(|e| anyhow::anyhow!(e.message))?;
    let summary = format!(
        "Учреждение «{}» загружено: пользователей — {}, групп — {}, обучающихся — {}, уроков — {}, отметок — {}",
        snapshot.institution.short_name,
        snapshot.users.len(),
        snapshot.groups.len(),
        snapshot.students.len(),
        snapshot.lessons.len(),
        snapshot.cells.len()
    );
    storage
        .import_institution(snapshot, hashes, Utc::now().naive_utc())
        .await?;
    Ok(summary)
}

/// The demo institution of journal-demo for `today`, all users with the demo password.
pub async fn load_demo(storage: &dyn Storage, today: NaiveDate) -> anyhow::Result<String> {
    load_demo_with_policy(storage, today, None).await
}

/// [`load_demo`] with the institution's `policy` (where the regulations differ) instead of the
/// strict default, e.g. deputies who may reopen a locked period (a demo, a test).
pub async fn load_demo_with_policy(
    storage: &dyn Storage,
    today: NaiveDate,
    policy: Option<journal_core::Policy>,
) -> anyhow::Result<String> {
    let mut snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
    if let Some(policy) = policy {
        snapshot.institution.policy = policy;
    }
    let logins: Vec<String> = snapshot.users.iter().map(|u| u.login.clone()).collect();
    let summary = load_institution(storage, snapshot, journal_demo::DEMO_PASSWORD).await?;
    Ok(format!(
        "{summary}\nВходы (пароль «{}»): {}",
        journal_demo::DEMO_PASSWORD,
        logins.join(", ")
    ))
}
