//! The institution as it is now, kept in memory between reads.
//!
//! Reading a large institution from the database costs most of a second (every row's JSON is
//! parsed), and the diary, the reports, print and a device's first sign-in all read it. The cache
//! keeps the last read snapshot of each institution under its [`SnapshotVersion`] (last applied
//! `server_seq` and `reference_version`), which every write raises in the same transaction: a
//! read asks the database for the version (one indexed row) and reads the whole institution again
//! only when it moved. Several server processes over one database stay right, since each one asks
//! the database, not its own memory.
//!
//! For students and parents it also keeps, per version, the institution cut down to one set of
//! groups ([`Snapshot::part_for_groups`]): their part is then cut from a group's journal instead of
//! the whole institution's, by the same `for_user`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};

use journal_core::{GroupId, InstitutionId, UserId};
use journal_protocol::Snapshot;

use crate::storage::{SnapshotVersion, Storage};
use crate::StorageError;

/// How many institutions' snapshots one process keeps (a region's server holds many; the ones
/// read most recently stay).
const INSTITUTIONS_KEPT: usize = 8;

/// One institution's snapshot at one version, and the group cuts made from it so far.
struct Entry {
    version: SnapshotVersion,
    /// The institution's day the snapshot's grants are cut to (only those in force on it are
    /// kept): a new day reads again, since a grant may have begun or ended.
    day: NaiveDate,
    snapshot: Arc<Snapshot>,
    /// Its `server_seq`: what a device that loads it pulls after.
    server_seq: u64,
    parts: Mutex<HashMap<Vec<GroupId>, Arc<Snapshot>>>,
    /// When it was last read, by a counter of reads (for dropping the least recent).
    last_read: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
pub struct SnapshotCache {
    entries: Mutex<HashMap<InstitutionId, Arc<Entry>>>,
    /// One reader of the database per institution at a time: a thousand parents opening the diary
    /// after a change wait for one read instead of making a thousand.
    loading: Mutex<HashMap<InstitutionId, Arc<tokio::sync::Mutex<()>>>>,
    reads: std::sync::atomic::AtomicU64,
}

/// A snapshot read through the cache.
#[derive(Clone)]
pub struct Cached {
    pub snapshot: Arc<Snapshot>,
    pub server_seq: u64,
    pub version: SnapshotVersion,
    entry: Arc<Entry>,
}

impl Cached {
    /// What `user_id` may read (the same as `snapshot.for_user`), cut from their groups' part for
    /// a student or a parent.
    pub fn for_user(&self, user_id: UserId) -> Snapshot {
        self.part_for(user_id).for_user(user_id)
    }

    /// The snapshot `for_user` and `read_scope` of `user_id` are best cut from: the part of their
    /// groups for a student or a parent, the whole institution for everyone else.
    pub fn part_for(&self, user_id: UserId) -> Arc<Snapshot> {
        let Some(groups) = self.snapshot.family_groups(user_id) else {
            return self.snapshot.clone();
        };
        let mut parts = self
            .entry
            .parts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        parts
            .entry(groups)
            .or_insert_with_key(|groups| Arc::new(self.snapshot.part_for_groups(groups)))
            .clone()
    }
}

impl SnapshotCache {
    /// The institution's snapshot as of `now` (the server's clock, UTC), with only the grants in
    /// force on the institution's day.
    pub async fn read(
        &self,
        storage: &dyn Storage,
        institution_id: InstitutionId,
        now: NaiveDateTime,
    ) -> Result<Cached, StorageError> {
        let version = storage.snapshot_version(institution_id).await?;
        if let Some(hit) = self.current(institution_id, version, now) {
            if cfg!(debug_assertions) {
                check_hit(storage, institution_id, &hit).await?;
            }
            return Ok(hit);
        }
        let gate = {
            let mut loading = self
                .loading
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            loading.entry(institution_id).or_default().clone()
        };
        let _turn = gate.lock().await;
        // Another request may have read it while this one waited.
        let version = storage.snapshot_version(institution_id).await?;
        if let Some(hit) = self.current(institution_id, version, now) {
            return Ok(hit);
        }
        let (mut snapshot, server_seq) = storage.snapshot(institution_id).await?;
        let day = local_day(&snapshot.institution.timezone, now);
        snapshot.keep_grants_in_force_on(day);
        let entry = Arc::new(Entry {
            version,
            day,
            snapshot: Arc::new(snapshot),
            server_seq,
            parts: Mutex::default(),
            last_read: self.tick().into(),
        });
        // A write between the version and the snapshot read makes the snapshot newer than the
        // version: it is answered but not kept under a version it does not match.
        if server_seq == version.server_seq {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            entries.insert(institution_id, entry.clone());
            if entries.len() > INSTITUTIONS_KEPT {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, e)| e.last_read.load(std::sync::atomic::Ordering::Relaxed))
                    .map(|(id, _)| *id);
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        Ok(Cached {
            snapshot: entry.snapshot.clone(),
            server_seq,
            version,
            entry,
        })
    }

    /// The kept snapshot of the institution if its reference data (users, groups, students, loads,
    /// the timetable as imported) is still current — journal content may have moved on since. For
    /// readers that need only names and the timetable after a push (`mark_notices`), which would
    /// otherwise read the whole institution again after every push.
    pub fn kept_at_reference(
        &self,
        institution_id: InstitutionId,
        reference_version: u64,
    ) -> Option<Arc<Snapshot>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(&institution_id)
            .filter(|e| e.version.reference_version == reference_version)
            .map(|e| e.snapshot.clone())
    }

    fn current(
        &self,
        institution_id: InstitutionId,
        version: SnapshotVersion,
        now: NaiveDateTime,
    ) -> Option<Cached> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = entries.get(&institution_id).filter(|e| {
            e.version == version && e.day == local_day(&e.snapshot.institution.timezone, now)
        })?;
        entry
            .last_read
            .store(self.tick(), std::sync::atomic::Ordering::Relaxed);
        Some(Cached {
            snapshot: entry.snapshot.clone(),
            server_seq: entry.server_seq,
            version,
            entry: entry.clone(),
        })
    }

    fn tick(&self) -> u64 {
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// The institution's day at the UTC instant `now`.
fn local_day(timezone: &str, now: NaiveDateTime) -> NaiveDate {
    crate::authority::local_time(timezone, now)
        .unwrap_or(now)
        .date()
}

/// Debug builds (tests, `make run`) read the institution again on every hit and stop at the first
/// write that changed the snapshot without raising its version: the cache's one assumption.
async fn check_hit(
    storage: &dyn Storage,
    institution_id: InstitutionId,
    hit: &Cached,
) -> Result<(), StorageError> {
    let (mut fresh, server_seq) = storage.snapshot(institution_id).await?;
    fresh.keep_grants_in_force_on(hit.entry.day);
    if server_seq == hit.server_seq && fresh != *hit.snapshot {
        panic!(
            "the institution's data changed at server_seq {server_seq} and reference_version {} \
             without raising either: a write misses its version bump (see Storage::snapshot_version)",
            hit.version.reference_version
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use journal_core::Role;

    fn demo() -> Snapshot {
        let today = NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default();
        journal_demo::generate(journal_demo::DEFAULT_SEED, today)
    }

    /// A student's and a parent's part cut from their groups equals the one cut from the whole
    /// institution, for every student and parent of the demo (as snapshot and as read rules).
    #[test]
    fn family_part_reads_the_same_as_the_whole() {
        let mut full = demo();
        // A student's and a parent's account for every student (the demo has only a few).
        let students: Vec<_> = full.students.iter().map(|s| s.id).collect();
        for (i, student) in students.into_iter().enumerate() {
            for (role, n) in [(Role::Student, 0u128), (Role::Parent, 1)] {
                full.users.push(journal_protocol::User {
                    id: UserId(uuid::Uuid::from_u128(0xfa00_0000 + 2 * i as u128 + n)),
                    login: format!("family-{i}-{n}"),
                    full_name: format!("Семья {i}"),
                    grants: vec![journal_protocol::RoleGrant {
                        role,
                        group_id: None,
                        student_id: Some(student),
                        from: None,
                        until: None,
                    }],
                });
            }
        }
        let family: Vec<UserId> = full
            .users
            .iter()
            .filter(|u| {
                u.grants
                    .iter()
                    .any(|g| matches!(g.role, Role::Student | Role::Parent))
            })
            .map(|u| u.id)
            .collect();
        assert!(
            family.len() > 10,
            "the demo has students and parents with accounts ({} found)",
            family.len()
        );
        for user in family {
            let groups = full
                .family_groups(user)
                .expect("a user with only family grants has family groups");
            assert!(!groups.is_empty(), "{user:?} belongs to a group");
            let part = full.part_for_groups(&groups);
            assert!(
                part.cells.len() < full.cells.len(),
                "the part of {groups:?} holds fewer cells than the institution"
            );
            assert_eq!(
                part.for_user(user),
                full.for_user(user),
                "{user:?} reads the same from their groups' part as from the institution"
            );
            assert_eq!(
                part.read_scope(user),
                full.read_scope(user),
                "{user:?}'s read rules are the same from the part"
            );
        }
    }

    #[test]
    fn staff_have_no_family_groups() {
        let full = demo();
        for user in full.users.iter().filter(|u| {
            u.grants
                .iter()
                .any(|g| !matches!(g.role, Role::Student | Role::Parent))
        }) {
            assert_eq!(
                full.family_groups(user.id),
                None,
                "{} reads from the whole institution",
                user.login
            );
        }
    }
}
