//! A pull's page, cut once for both backends (issue 16 item 1). The backend's SQL keeps, after the
//! cursor and in server order, the changes of the loads the user reads and the institution's last
//! change whatever its load ([`last_change_sql`]), at most `limit + 1` of them; [`page`] makes the page
//! and its cursor from those rows exactly as a scan of every change would: a change the user does
//! not read is skipped and the cursor moves past it while the page has room, so a user whose loads
//! are quiet is not asked to pull the same changes again.

use std::collections::HashSet;

use journal_core::LoadId;

use crate::dto::Change;

/// What a pull's SQL keeps besides the readable loads' changes: the institution's last change,
/// which moves the cursor to the end when the page has room. `{inst}` is the institution's
/// parameter.
pub(crate) fn last_change_sql(inst: &str) -> String {
    format!("server_seq = (SELECT MAX(server_seq) FROM changes WHERE institution_id = {inst})")
}

/// The readable loads' ids as a parameter (None: the user reads every load).
pub(crate) fn readable_ids(readable: Option<&HashSet<LoadId>>) -> Option<Vec<String>> {
    readable.map(|set| {
        let mut ids: Vec<String> = set.iter().map(LoadId::to_string).collect();
        ids.sort();
        ids
    })
}

/// The page of at most `limit` changes from `rows` (each with its load, in server order, as the
/// SQL kept them), the cursor after it and whether more changes wait.
pub(crate) fn page(
    after: u64,
    limit: u32,
    readable: Option<&HashSet<LoadId>>,
    rows: impl IntoIterator<Item = (LoadId, Change)>,
) -> (Vec<Change>, u64, bool) {
    let limit = limit as usize;
    let mut changes = Vec::new();
    let mut next_after = after;
    for (load_id, change) in rows {
        let seq = change.server_seq;
        if readable.is_some_and(|set| !set.contains(&load_id)) {
            // Not readable for this user: skipped, and the cursor moves past it.
            if changes.len() < limit {
                next_after = seq;
            }
            continue;
        }
        if changes.len() == limit {
            return (changes, next_after, true);
        }
        changes.push(change);
        next_after = seq;
    }
    (changes, next_after, false)
}
