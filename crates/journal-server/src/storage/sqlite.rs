//! The embedded SQLite backend (rusqlite): one file, WAL, `synchronous=FULL`. All SQLite work runs on
//! tokio's blocking pool; one connection writes (SQLite has one writer anyway) and one reads, so a
//! long pull never waits for a push to finish and the reverse.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{
    CellValue, DeviceId, FinalValue, InstitutionId, LessonId, LoadId, StudentId, UserId, WorkType,
};
use journal_protocol::{
    AcademicYear, Institution, Lesson, LessonTopic, Load, Membership, Op, Period, Remark, Snapshot,
    Subject, User,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::content_rows::{imported_rows, init_detail, Value};
use super::institution_part::InstitutionPart;
use super::op_context::{
    decide, existing_cell, existing_final, run_ready, ContextRows, FinalKey, LockList,
};
use super::op_record::{record, AuditHead, BatchHeads, OpRecord, RowWrite};
use super::pull_page;
use super::push_pipeline::{enter_chain, known_answer, BatchRefs, KnownOp, FINAL_TARGET_SQL};
pub(crate) use super::push_pipeline::{preverify, DeviceRow, PreVerified};
use super::snapshot_rows::{self, ContentTable, SnapshotRows};
use super::{
    Account, AdminAction, LoginFailures, ReferenceTurn, Session, SnapshotVersion, Storage,
    UserRecord,
};
use crate::audit::{verify_chain, AuditEntry, StoredValue};
use crate::authority::{self, Existing};
use crate::dto::{AuditReport, Change, OpResult, PullPage};
use crate::error::StorageError;

mod archive;
mod contacts;
mod device_secrets;
mod diary;
mod events;
mod health;
mod mark_notice_lines;
mod messages;
mod parent_notes;
mod plan_drafts;
mod reference;
mod remarks;
mod setup;
mod smtp_settings;
mod user_settings;

/// The shipped migrations, in order. Append only: a test pins each one's text.
pub const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_user_deactivation.sql"),
    include_str!("migrations/0003_reference_version.sql"),
    include_str!("migrations/0005_must_change_password.sql"),
    include_str!("migrations/0006_changes_by_load.sql"),
    include_str!("migrations/0011_device_bounds.sql"),
    include_str!("migrations/0009_diary.sql"),
    include_str!("migrations/0016_events.sql"),
    include_str!("migrations/0017_contacts.sql"),
    include_str!("migrations/0014_messages.sql"),
    include_str!("migrations/0013_archived_years.sql"),
    include_str!("migrations/0021_journal_acceptances.sql"),
    include_str!("migrations/0019_device_secrets.sql"),
    include_str!("migrations/0022_user_settings.sql"),
    include_str!("migrations/0023_parent_notes.sql"),
    include_str!("migrations/0024_final_columns.sql"),
    include_str!("migrations/0025_typed_columns.sql"),
    include_str!("migrations/0026_health_sheet.sql"),
    include_str!("migrations/0027_plan_drafts.sql"),
    include_str!("migrations/0028_mark_notices_and_smtp.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// `t` as [`TIME_FORMAT`] text. Written out by hand because chrono's formatter parses the format
/// string on every call, and a push formats several times per op inside the writer; the text is
/// the same (a unit test compares the two), chrono's formatter is kept for what this does not
/// cover (years outside 0–9999, leap seconds).
pub(crate) fn time_text(t: &NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    let nano = t.nanosecond();
    if !(0..=9999).contains(&t.year()) || nano >= 1_000_000_000 {
        return t.format(TIME_FORMAT).to_string();
    }
    let mut out = String::with_capacity(29);
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    // chrono's `%.f`: no fraction for whole seconds, else 3, 6 or 9 digits, as few as exact.
    let _ = if nano == 0 {
        Ok(())
    } else if nano.is_multiple_of(1_000_000) {
        write!(out, ".{:03}", nano / 1_000_000)
    } else if nano.is_multiple_of(1_000) {
        write!(out, ".{:06}", nano / 1_000)
    } else {
        write!(out, ".{nano:09}")
    };
    out
}

pub(crate) fn parse_time(s: &str) -> Result<NaiveDateTime, StorageError> {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT)
        .map_err(|e| StorageError::Corrupt(format!("время «{s}»: {e}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String, StorageError> {
    serde_json::to_string(v).map_err(|e| StorageError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str) -> Result<T, StorageError> {
    serde_json::from_str(s).map_err(|e| StorageError::Corrupt(e.to_string()))
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, StorageError> {
    s.parse()
        .map_err(|_| StorageError::Corrupt(format!("идентификатор «{s}»")))
}

/// SQLite storage of the institution server.
#[derive(Clone)]
pub struct SqliteStorage {
    writer: Arc<Mutex<Connection>>,
    /// Push batches waiting for the writer (see [`push_group`]).
    push_queue: Arc<Mutex<Vec<PushJob>>>,
    reader: Arc<Mutex<Connection>>,
    path: PathBuf,
}

fn open_connection(path: &Path) -> Result<Connection, StorageError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a reply is sent only after the commit reached the disk (I1).
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // A push uses some 20 distinct statements: the default cache of 16 would re-prepare them on
    // every op.
    conn.set_prepared_statement_cache_capacity(64);
    // Statement journals and sorts in memory: no temporary file created per statement.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

impl SqliteStorage {
    /// Opens (creating if missing) the database file and brings its schema to the latest version.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        Self::open_migrated(path, MIGRATION_SQL.len())
    }

    /// [`SqliteStorage::open`] with the schema brought only as far as the first `count`
    /// migrations: a database as an older version left it, for the migration tests.
    #[doc(hidden)]
    pub fn open_migrated(path: &Path, count: usize) -> Result<Self, StorageError> {
        let new_file = !path.exists();
        let mut writer = open_connection(path)?;
        // A new database holds personal data and password hashes: its owner's alone (SQLite gives
        // the -wal and -shm files the database file's mode).
        #[cfg(unix)]
        if new_file {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
                |e| StorageError::File(format!("права доступа «{}»: {e}", path.display())),
            )?;
        }
        let upto = &MIGRATION_SQL[..count.min(MIGRATION_SQL.len())];
        Migrations::new(upto.iter().map(|sql| M::up(sql)).collect()).to_latest(&mut writer)?;
        let reader = open_connection(path)?;
        Ok(SqliteStorage {
            writer: Arc::new(Mutex::new(writer)),
            push_queue: Arc::new(Mutex::new(Vec::new())),
            reader: Arc::new(Mutex::new(reader)),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn write<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
    {
        let conn = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no half transaction (SQLite rolls it back), so
            // the connection stays usable.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|_| StorageError::TaskFailed)?
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
    {
        let conn = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|_| StorageError::TaskFailed)?
    }
}

// ---------------------------------------------------------------- reference data

pub(crate) const KIND_PERIOD: &str = "period";
pub(crate) const KIND_HOLIDAY: &str = "holiday";
pub(crate) const KIND_BELL: &str = "bell";
pub(crate) const KIND_GROUP: &str = "group";
pub(crate) const KIND_SUBGROUP: &str = "subgroup";
pub(crate) const KIND_STUDENT: &str = "student";
pub(crate) const KIND_MEMBERSHIP: &str = "membership";
pub(crate) const KIND_SUBJECT: &str = "subject";
pub(crate) const KIND_LOAD: &str = "load";
pub(crate) const KIND_PLAN_TOPIC: &str = "plan_topic";
pub(crate) const KIND_ROOM: &str = "room";
pub(crate) const KIND_SHIFT_BELL: &str = "shift_bell";
pub(crate) const KIND_CURRICULUM: &str = "curriculum";
pub(crate) const KIND_INDIVIDUAL_PLAN: &str = "individual_plan";
pub(crate) const KIND_DEPARTMENT: &str = "department";
pub(crate) const KIND_CONTROL_WORK: &str = "control_work";

/// A curriculum line's key: its group, subject and period (one line each).
pub(crate) fn curriculum_key(r: &journal_protocol::CurriculumLine) -> String {
    format!("{}:{}:{}", r.group_id, r.subject_id, r.period_id)
}

/// A bell line's key among the institution's bells: its number in the first shift (as before
/// shifts existed), «shift:number» in a later one.
pub(crate) fn bell_key(b: &journal_protocol::Bell) -> String {
    if b.shift <= 1 {
        b.number.to_string()
    } else {
        format!("{}:{}", b.shift, b.number)
    }
}

fn ref_rows<T: DeserializeOwned>(
    conn: &Connection,
    inst: &str,
    kind: &str,
) -> Result<Vec<T>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM ref_rows WHERE institution_id = ?1 AND kind = ?2 ORDER BY ordinal",
    )?;
    let rows = stmt.query_map(params![inst, kind], |r| r.get::<_, String>(0))?;
    rows.map(|r| from_json(&r?)).collect()
}

fn memberships_of(
    conn: &Connection,
    inst: &str,
    student_id: &str,
) -> Result<Vec<Membership>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM ref_rows WHERE institution_id = ?1 AND kind = 'membership' AND parent_id = ?2",
    )?;
    let rows = stmt.query_map(params![inst, student_id], |r| r.get::<_, String>(0))?;
    rows.map(|r| from_json(&r?)).collect()
}

/// The memberships of one group (`ref_rows.group_id`, migration 0025), in their imported order.
fn memberships_of_group(
    conn: &Connection,
    inst: &str,
    group_id: &str,
) -> Result<Vec<Membership>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM ref_rows WHERE institution_id = ?1 AND kind = 'membership' AND group_id = ?2 ORDER BY ordinal",
    )?;
    let rows = stmt.query_map(params![inst, group_id], |r| r.get::<_, String>(0))?;
    rows.map(|r| from_json(&r?)).collect()
}

fn institution(conn: &Connection, inst: &str) -> Result<Institution, StorageError> {
    let data: Option<String> = conn
        .query_row(
            "SELECT data FROM institutions WHERE id = ?1",
            params![inst],
            |r| r.get(0),
        )
        .optional()?;
    match data {
        Some(d) => from_json(&d),
        None => Err(StorageError::Corrupt(format!(
            "учреждение {inst} не найдено"
        ))),
    }
}

fn user_by(conn: &Connection, column: &str, value: &str) -> Result<Option<Account>, StorageError> {
    // `column` is one of two fixed names chosen by the caller, never user input.
    let sql = format!(
        "SELECT institution_id, data, password_hash, must_change_password FROM users WHERE {column} = ?1"
    );
    let row: Option<(String, String, String, bool)> = conn
        .prepare_cached(&sql)?
        .query_row(params![value], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    row.map(|(inst, data, hash, must_change)| {
        Ok(Account {
            institution_id: parse_id(&inst)?,
            user: from_json(&data)?,
            password_hash: hash,
            must_change_password: must_change,
        })
    })
    .transpose()
}

// ---------------------------------------------------------------- audit

/// The institution's heads: its last server_seq and its audit chain's last entry.
fn heads(tx: &Connection, inst: &str) -> Result<BatchHeads, StorageError> {
    Ok(tx
        .prepare_cached(
            "SELECT last_server_seq, audit_seq, audit_hash FROM institutions WHERE id = ?1",
        )?
        .query_row(params![inst], |r| {
            let audit = AuditHead {
                seq: r.get(1)?,
                hash: r.get(2)?,
            };
            Ok(BatchHeads::new(r.get(0)?, audit))
        })?)
}

/// Writes the heads back: the audit chain's always, server_seq where it moved.
fn store_heads(tx: &Connection, inst: &str, heads: &BatchHeads) -> Result<(), StorageError> {
    tx.prepare_cached("UPDATE institutions SET audit_seq = ?2, audit_hash = ?3 WHERE id = ?1")?
        .execute(params![inst, heads.audit.seq, heads.audit.hash])?;
    if heads.server_seq_moved {
        tx.prepare_cached("UPDATE institutions SET last_server_seq = ?2 WHERE id = ?1")?
            .execute(params![inst, heads.server_seq])?;
    }
    Ok(())
}

// The entry's fields, one argument each: every call site names all of them.
/// Appends an administrator's action to the audit chain (made on the server: no device time).
fn append_admin_audit(
    tx: &Connection,
    inst: &str,
    action: &AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    append_audit(
        tx,
        inst,
        &action.kind,
        action.author_id.map(|u| u.to_string()),
        action.device_id.map(|d| d.to_string()),
        None,
        now,
        action.subject.clone(),
        to_json(&action.detail)?,
    )
}

#[allow(clippy::too_many_arguments)]
fn append_audit(
    tx: &Connection,
    inst: &str,
    kind: &str,
    author_id: Option<String>,
    device_id: Option<String>,
    device_time: Option<NaiveDateTime>,
    server_time: NaiveDateTime,
    subject: String,
    detail: String,
) -> Result<(), StorageError> {
    let mut heads = heads(tx, inst)?;
    let entry = heads.audit.next_entry(
        inst,
        kind,
        author_id,
        device_id,
        device_time,
        server_time,
        subject,
        detail,
    );
    insert_audit(tx, &entry)?;
    store_heads(tx, inst, &heads)
}

/// Writes an audit entry made by [`AuditHead::next_entry`]; the caller stores the heads
/// (a push batch does it once, at its end, inside the same transaction).
fn insert_audit(tx: &Connection, entry: &AuditEntry) -> Result<(), StorageError> {
    tx.prepare_cached(
        "INSERT INTO audit (institution_id, seq, kind, author_id, device_id, device_time, server_time, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        entry.institution_id,
        entry.seq as i64,
        entry.kind,
        entry.author_id,
        entry.device_id,
        entry.device_time.map(|t| time_text(&t)),
        time_text(&entry.server_time),
        entry.subject,
        entry.detail,
        entry.prev_hash,
        entry.hash,
    ])?;
    Ok(())
}

/// The columns an audit entry is read from, in the order [`audit_entries`] takes them.
pub(crate) const AUDIT_COLUMNS: &str =
    "seq, kind, author_id, device_id, device_time, server_time, subject, detail, prev_hash, hash";

/// The audit entries of `inst` in `rows` of [`AUDIT_COLUMNS`].
fn audit_entries(
    mut rows: rusqlite::Rows<'_>,
    inst: &str,
) -> Result<Vec<AuditEntry>, StorageError> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let device_time: Option<String> = r.get(4)?;
        let server_time: String = r.get(5)?;
        out.push(AuditEntry {
            institution_id: inst.to_string(),
            seq: r.get::<_, i64>(0)? as u64,
            kind: r.get(1)?,
            author_id: r.get(2)?,
            device_id: r.get(3)?,
            device_time: device_time.as_deref().map(parse_time).transpose()?,
            server_time: parse_time(&server_time)?,
            subject: r.get(6)?,
            detail: r.get(7)?,
            prev_hash: r.get(8)?,
            hash: r.get(9)?,
        });
    }
    Ok(out)
}

fn audit_verify(conn: &Connection) -> Result<AuditReport, StorageError> {
    let heads: Vec<(String, i64, String)> = conn
        .prepare("SELECT id, audit_seq, audit_hash FROM institutions ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut report = AuditReport {
        entries_checked: 0,
        problems: Vec::new(),
    };
    for (inst, head_seq, head_hash) in heads {
        let entries = audit_entries(
            conn.prepare(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = ?1 ORDER BY seq"
            ))?
            .query(params![inst])?,
            &inst,
        )?;
        report.entries_checked += entries.len() as u64;
        let head = (head_seq > 0).then_some((head_seq as u64, head_hash));
        report.problems.extend(verify_chain(&inst, &entries, head));
        let mut stored = Vec::new();
        let finals_sql = format!("SELECT {FINAL_TARGET_SQL}, data, server_seq FROM finals WHERE institution_id = ?1 AND server_seq IS NOT NULL");
        for sql in [
            "SELECT 'cell:' || lesson_id || ':' || student_id, data, server_seq FROM cells WHERE institution_id = ?1 AND server_seq IS NOT NULL",
            finals_sql.as_str(),
        ] {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map(params![inst], |r| {
                Ok(StoredValue {
                    target: r.get(0)?,
                    data: r.get(1)?,
                    server_seq: r.get::<_, Option<i64>>(2)?.map(|s| s as u64),
                })
            })?;
            for row in rows {
                stored.push(row?);
            }
        }
        report
            .problems
            .extend(crate::audit::verify_values(&inst, &entries, &stored));
    }
    Ok(report)
}

// ---------------------------------------------------------------- import

fn import_institution(
    conn: &mut Connection,
    snap: &Snapshot,
    password_hashes: &HashMap<UserId, String>,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inst = snap.institution.id.to_string();
    let existing: Option<String> = tx
        .query_row(
            "SELECT data FROM institutions WHERE id = ?1",
            params![inst],
            |r| r.get(0),
        )
        .optional()?;
    if existing.is_some() {
        return Err(StorageError::AlreadyInitialised(
            snap.institution.name.clone(),
        ));
    }
    tx.execute(
        "INSERT INTO institutions (id, data, year) VALUES (?1, ?2, ?3)",
        params![inst, to_json(&snap.institution)?, to_json(&snap.year)?],
    )?;
    put_ref_rows(&tx, &inst, snap)?;
    for table in imported_rows(snap, password_hashes)? {
        let mut ins = tx.prepare(&table.insert_sql(|n| format!("?{n}"), |_| ""))?;
        for row in &table.rows {
            let mut params: Vec<&dyn rusqlite::ToSql> = vec![&inst];
            params.extend(row.iter().map(|v| match v {
                Value::Text(s) => s as &dyn rusqlite::ToSql,
                Value::Int(n) => n,
            }));
            ins.execute(params.as_slice())?;
        }
    }
    append_audit(
        &tx,
        &inst,
        "init",
        None,
        None,
        None,
        now,
        inst.clone(),
        init_detail(snap)?,
    )?;
    tx.commit()?;
    Ok(())
}

/// Writes the institution's reference rows (periods … plan topics), each kind in its order.
fn put_ref_rows(tx: &Connection, inst: &str, snap: &Snapshot) -> Result<(), StorageError> {
    let mut ins = tx.prepare(
        "INSERT INTO ref_rows (institution_id, kind, id, ordinal, parent_id, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut put = |kind: &str, id: String, ordinal: usize, parent: Option<String>, data: String| {
        ins.execute(params![inst, kind, id, ordinal as i64, parent, data])
    };
    for (i, r) in snap.periods.iter().enumerate() {
        put(KIND_PERIOD, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.holidays.iter().enumerate() {
        put(KIND_HOLIDAY, i.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.bells.iter().enumerate() {
        put(KIND_BELL, bell_key(r), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.groups.iter().enumerate() {
        put(KIND_GROUP, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.subgroups.iter().enumerate() {
        put(KIND_SUBGROUP, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.students.iter().enumerate() {
        put(KIND_STUDENT, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.memberships.iter().enumerate() {
        // A membership has no id of its own; its position keeps it unique.
        put(
            KIND_MEMBERSHIP,
            i.to_string(),
            i,
            Some(r.student_id.to_string()),
            to_json(r)?,
        )?;
    }
    for (i, r) in snap.subjects.iter().enumerate() {
        put(KIND_SUBJECT, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.loads.iter().enumerate() {
        put(KIND_LOAD, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.plan_topics.iter().enumerate() {
        put(
            KIND_PLAN_TOPIC,
            r.id.to_string(),
            i,
            Some(r.load_id.to_string()),
            to_json(r)?,
        )?;
    }
    for (i, r) in snap.rooms.iter().enumerate() {
        put(KIND_ROOM, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.later_shift_bells.iter().enumerate() {
        put(KIND_SHIFT_BELL, bell_key(r), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.curriculum.iter().enumerate() {
        put(KIND_CURRICULUM, curriculum_key(r), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.individual_plans.iter().enumerate() {
        put(
            KIND_INDIVIDUAL_PLAN,
            r.student_id.to_string(),
            i,
            None,
            to_json(r)?,
        )?;
    }
    for (i, r) in snap.departments.iter().enumerate() {
        put(KIND_DEPARTMENT, r.id.to_string(), i, None, to_json(r)?)?;
    }
    for (i, r) in snap.control_works.iter().enumerate() {
        put(
            KIND_CONTROL_WORK,
            r.id.to_string(),
            i,
            Some(r.load_id.to_string()),
            to_json(r)?,
        )?;
    }
    Ok(())
}

/// Replaces the institution's reference data with the snapshot's (an admin import), upserts its
/// users (a new user gets no password: an admin sets one) and lessons, and appends the admin
/// action to the audit chain, all in one transaction. Journal content is not touched.
fn apply_reference(
    conn: &mut Connection,
    snap: &Snapshot,
    action: &AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inst = snap.institution.id.to_string();
    if inst != action.institution_id.to_string() {
        return Err(StorageError::Corrupt(
            "импорт относится к другому учреждению".to_string(),
        ));
    }
    institution(&tx, &inst)?;
    tx.execute(
        "DELETE FROM ref_rows WHERE institution_id = ?1",
        params![inst],
    )?;
    put_ref_rows(&tx, &inst, snap)?;
    reference::bump_reference_version(&tx, &inst)?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO users (id, institution_id, login, data, password_hash) VALUES (?1, ?2, ?3, ?4, '')
             ON CONFLICT (id) DO UPDATE SET login = excluded.login, data = excluded.data",
        )?;
        for u in &snap.users {
            ins.execute(params![u.id.to_string(), inst, u.login, to_json(u)?])?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO lessons (institution_id, id, load_id, date, data) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (institution_id, id) DO UPDATE SET load_id = excluded.load_id, date = excluded.date, data = excluded.data",
        )?;
        for l in &snap.lessons {
            ins.execute(params![
                inst,
                l.id.to_string(),
                l.load_id.to_string(),
                l.date.to_string(),
                to_json(l)?
            ])?;
        }
        // Lessons the snapshot no longer has (a new timetable replaced them) go, unless journal
        // entries refer to them: those stay whatever the snapshot says.
        let keep: std::collections::HashSet<String> =
            snap.lessons.iter().map(|l| l.id.to_string()).collect();
        let stored: Vec<String> = tx
            .prepare("SELECT id FROM lessons WHERE institution_id = ?1")?
            .query_map(params![inst], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let mut del = tx.prepare(
            "DELETE FROM lessons WHERE institution_id = ?1 AND id = ?2
               AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.institution_id = ?1 AND c.lesson_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM lesson_topics t WHERE t.institution_id = ?1 AND t.lesson_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM homework h WHERE h.institution_id = ?1 AND h.lesson_id = ?2)",
        )?;
        for id in stored.iter().filter(|id| !keep.contains(*id)) {
            del.execute(params![inst, id])?;
        }
    }
    append_admin_audit(&tx, &inst, action, now)?;
    tx.commit()?;
    Ok(())
}

/// The rows of an institution's snapshot, read in the caller's transaction; content in stored
/// (rowid) order.
struct SnapshotRead<'a> {
    conn: &'a Connection,
    inst: &'a str,
}

impl SnapshotRows for SnapshotRead<'_> {
    async fn institution(&mut self) -> Result<(Institution, AcademicYear), StorageError> {
        let year: String = self.conn.query_row(
            "SELECT year FROM institutions WHERE id = ?1",
            params![self.inst],
            |r| r.get(0),
        )?;
        Ok((institution(self.conn, self.inst)?, from_json(&year)?))
    }

    async fn ref_rows<T: DeserializeOwned>(&mut self, kind: &str) -> Result<Vec<T>, StorageError> {
        ref_rows(self.conn, self.inst, kind)
    }

    async fn content<T: DeserializeOwned>(
        &mut self,
        table: ContentTable,
    ) -> Result<Vec<T>, StorageError> {
        let table = match table {
            ContentTable::Users => "users",
            ContentTable::Lessons => "lessons",
            ContentTable::LessonTopics => "lesson_topics",
            ContentTable::Homework => "homework",
            ContentTable::Cells => "cells",
            ContentTable::Finals => "finals",
            ContentTable::Locks => "locks",
            ContentTable::Remarks => "remarks",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT data FROM {table} WHERE institution_id = ?1 ORDER BY rowid"
        ))?;
        let rows = stmt.query_map(params![self.inst], |r| r.get::<_, String>(0))?;
        rows.map(|r| from_json(&r?)).collect()
    }

    async fn unlocks(&mut self) -> Result<Vec<(String, String, String)>, StorageError> {
        Ok(self
            .conn
            .prepare(
                "SELECT author_id, device_time, payload FROM changes
                 WHERE institution_id = ?1 AND kind = ?2 ORDER BY server_seq",
            )?
            .query_map(params![self.inst, super::reopenings::UNLOCK_KIND], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }
}

fn snapshot(conn: &Connection, inst: &str) -> Result<Snapshot, StorageError> {
    run_ready(snapshot_rows::snapshot(&mut SnapshotRead { conn, inst }))?
}

// ---------------------------------------------------------------- push

/// What a push batch reads at most once and keeps for all its ops: reference data, the authors,
/// lessons, memberships and locks the ops name, and the heads the batch advances (device chains,
/// `server_seq`, the audit chain), written back once at the end of the batch's transaction. An error
/// anywhere rolls the whole transaction back and this state is dropped with it, so memory and the
/// database never disagree.
struct BatchState {
    refs: BatchRefs,
    /// Local server time of changes by server_seq (an op's entry floor).
    change_times: HashMap<u64, Option<NaiveDateTime>>,
    authors: HashMap<UserId, Option<User>>,
    lessons: HashMap<LessonId, Option<Lesson>>,
    /// The work type of a lesson's first hour (None: no topic yet).
    work_types: HashMap<LessonId, Option<WorkType>>,
    memberships: HashMap<StudentId, Vec<Membership>>,
    devices: HashMap<DeviceId, Option<DeviceRow>>,
    /// Devices whose chain head moved in this batch.
    devices_moved: HashSet<DeviceId>,
    device_users: HashMap<(DeviceId, UserId), bool>,
    heads: BatchHeads,
}

impl BatchState {
    fn read(tx: &Connection, inst: &str, received_at: NaiveDateTime) -> Result<Self, StorageError> {
        let institution = institution(tx, inst)?;
        let loads: Vec<Load> = ref_rows(tx, inst, KIND_LOAD)?;
        let subjects: Vec<Subject> = ref_rows(tx, inst, KIND_SUBJECT)?;
        let mut locks = HashSet::new();
        {
            let mut stmt = tx
                .prepare_cached("SELECT load_id, period_id FROM locks WHERE institution_id = ?1")?;
            let rows = stmt.query_map(params![inst], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (load, period) = row?;
                locks.insert((parse_id(&load)?, parse_id(&period)?));
            }
        }
        Ok(BatchState {
            refs: BatchRefs::new(
                institution,
                received_at,
                ref_rows(tx, inst, KIND_PERIOD)?,
                ref_rows(tx, inst, KIND_BELL)?,
                loads,
                subjects,
                locks,
                ref_rows(tx, inst, KIND_CONTROL_WORK)?,
            ),
            change_times: HashMap::new(),
            authors: HashMap::new(),
            lessons: HashMap::new(),
            work_types: HashMap::new(),
            memberships: HashMap::new(),
            devices: HashMap::new(),
            devices_moved: HashSet::new(),
            device_users: HashMap::new(),
            heads: heads(tx, inst)?,
        })
    }

    fn author(
        &mut self,
        tx: &Connection,
        inst: &str,
        id: UserId,
    ) -> Result<Option<User>, StorageError> {
        // An op is judged by its author's grants in force on the institution's day it arrives.
        let today = self.refs.today;
        memo(&mut self.authors, id, || {
            Ok(user_by(tx, "id", &id.to_string())?
                .filter(|a| a.institution_id.to_string() == inst)
                .map(|a| a.user.in_force_on(today)))
        })
    }

    fn lesson(
        &mut self,
        tx: &Connection,
        inst: &str,
        id: LessonId,
    ) -> Result<Option<Lesson>, StorageError> {
        memo(&mut self.lessons, id, || lesson(tx, inst, &id.to_string()))
    }

    fn work_type(
        &mut self,
        tx: &Connection,
        inst: &str,
        id: LessonId,
    ) -> Result<Option<WorkType>, StorageError> {
        memo(&mut self.work_types, id, || {
            let topic: Option<String> = tx
                .prepare_cached("SELECT data FROM lesson_topics WHERE institution_id = ?1 AND lesson_id = ?2 AND hour = 1")?
                .query_row(params![inst, id.to_string()], |r| r.get(0))
                .optional()?;
            Ok(topic
                .map(|t| from_json::<LessonTopic>(&t))
                .transpose()?
                .map(|t| t.work_type))
        })
    }

    fn memberships(
        &mut self,
        tx: &Connection,
        inst: &str,
        id: StudentId,
    ) -> Result<Vec<Membership>, StorageError> {
        memo(&mut self.memberships, id, || {
            memberships_of(tx, inst, &id.to_string())
        })
    }

    fn device(
        &mut self,
        tx: &Connection,
        id: DeviceId,
    ) -> Result<Option<&mut DeviceRow>, StorageError> {
        let slot = match self.devices.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let row = tx
                    .prepare_cached(
                        "SELECT institution_id, public_key, last_seq, last_hash, given_seq, last_device_time FROM devices WHERE id = ?1",
                    )?
                    .query_row(params![id.to_string()], |r| {
                        let row = DeviceRow {
                            institution_id: r.get(0)?,
                            public_key: r.get(1)?,
                            last_seq: r.get::<_, i64>(2)? as u64,
                            last_hash: r.get(3)?,
                            given_seq: r.get::<_, Option<i64>>(4)?.map(|g| g as u64),
                            last_entry: None,
                        };
                        Ok((row, r.get::<_, Option<String>>(5)?))
                    })
                    .optional()?;
                let row = match row {
                    Some((mut d, last)) => {
                        d.last_entry = last.as_deref().map(parse_time).transpose()?;
                        Some(d)
                    }
                    None => None,
                };
                e.insert(row)
            }
        };
        Ok(slot.as_mut())
    }

    fn user_on_device(
        &mut self,
        tx: &Connection,
        device: DeviceId,
        user: UserId,
    ) -> Result<bool, StorageError> {
        if let Some(on) = self.device_users.get(&(device, user)) {
            return Ok(*on);
        }
        let on = tx
            .prepare_cached("SELECT 1 FROM device_users WHERE device_id = ?1 AND user_id = ?2")?
            .query_row(params![device.to_string(), user.to_string()], |_| Ok(()))
            .optional()?
            .is_some();
        self.device_users.insert((device, user), on);
        Ok(on)
    }

    /// The local server time of the institution's change `server_seq` (None for 0 or unknown).
    fn change_time(
        &mut self,
        tx: &Connection,
        inst: &str,
        server_seq: u64,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        if server_seq == 0 {
            return Ok(None);
        }
        let zone = self.refs.timezone.clone();
        memo(&mut self.change_times, server_seq, || {
            let at: Option<String> = tx
                .prepare_cached(
                    "SELECT server_time FROM changes WHERE institution_id = ?1 AND server_seq = ?2",
                )?
                .query_row(params![inst, server_seq as i64], |r| r.get(0))
                .optional()?;
            Ok(at
                .map(|t| parse_time(&t))
                .transpose()?
                .and_then(|utc| authority::local_time(&zone, utc)))
        })
    }

    /// Notes a row written for the batch's later ops: a first hour's work type, a lesson as it is
    /// now.
    fn note_written(&mut self, write: &RowWrite) {
        match write {
            RowWrite::Topic(t) if t.hour == 1 => {
                self.work_types.insert(t.lesson_id, Some(t.work_type));
            }
            RowWrite::Lessons(lessons) => {
                for l in lessons {
                    self.lessons.insert(l.id, Some(l.clone()));
                }
            }
            _ => {}
        }
    }

    /// Writes the heads the batch moved; called once, before the commit.
    fn store(&self, tx: &Connection, inst: &str) -> Result<(), StorageError> {
        for id in &self.devices_moved {
            if let Some(Some(d)) = self.devices.get(id) {
                tx.prepare_cached(
                    "UPDATE devices SET last_seq = ?2, last_hash = ?3, last_device_time = ?4 WHERE id = ?1",
                )?
                .execute(params![
                    id.to_string(),
                    d.last_seq as i64,
                    d.last_hash,
                    d.last_entry.as_ref().map(time_text)
                ])?;
            }
        }
        store_heads(tx, inst, &self.heads)
    }
}

fn lesson(tx: &Connection, inst: &str, id: &str) -> Result<Option<Lesson>, StorageError> {
    let data: Option<String> = tx
        .prepare_cached("SELECT data FROM lessons WHERE institution_id = ?1 AND id = ?2")?
        .query_row(params![inst, id], |r| r.get(0))
        .optional()?;
    data.map(|d| from_json(&d)).transpose()
}

/// The rows an op's context reads, each read when asked (the batch's memos first) in the push's
/// transaction.
struct BatchRows<'a> {
    tx: &'a Connection,
    inst: &'a str,
    st: &'a mut BatchState,
}

impl ContextRows for BatchRows<'_> {
    fn refs(&self) -> &BatchRefs {
        &self.st.refs
    }

    async fn user(&mut self, id: UserId) -> Result<Option<User>, StorageError> {
        self.st.author(self.tx, self.inst, id)
    }

    async fn lesson(&mut self, id: LessonId) -> Result<Option<Lesson>, StorageError> {
        self.st.lesson(self.tx, self.inst, id)
    }

    async fn work_type(&mut self, id: LessonId) -> Result<Option<WorkType>, StorageError> {
        self.st.work_type(self.tx, self.inst, id)
    }

    async fn memberships(&mut self, student: StudentId) -> Result<Vec<Membership>, StorageError> {
        self.st.memberships(self.tx, self.inst, student)
    }

    async fn cell(
        &mut self,
        lesson: LessonId,
        student: StudentId,
    ) -> Result<Option<Existing<CellValue>>, StorageError> {
        self.tx
            .prepare_cached(
                "SELECT data, device_id, server_seq FROM cells WHERE institution_id = ?1 AND lesson_id = ?2 AND student_id = ?3",
            )?
            .query_row(params![self.inst, lesson.to_string(), student.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get(2)?))
            })
            .optional()?
            .map(|(data, device, seq)| existing_cell(&data, device.as_deref(), seq))
            .transpose()
    }

    async fn final_value(
        &mut self,
        (load_id, period_id, student_id, column): FinalKey,
    ) -> Result<Option<Existing<FinalValue>>, StorageError> {
        self.tx
            .prepare_cached(
                "SELECT data, device_id, server_seq FROM finals WHERE institution_id = ?1 AND load_id = ?2 AND period_id = ?3 AND student_id = ?4 AND final_column = ?5",
            )?
            .query_row(
                params![self.inst, load_id.to_string(), period_id.to_string(), student_id.to_string(), column.as_str()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get(2)?)),
            )
            .optional()?
            .map(|(data, device, seq)| existing_final(&data, device.as_deref(), seq))
            .transpose()
    }

    async fn curriculum_line(&mut self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT data FROM ref_rows WHERE institution_id = ?1 AND kind = ?2 AND id = ?3",
            )?
            .query_row(params![self.inst, KIND_CURRICULUM, key], |r| r.get(0))
            .optional()?)
    }

    async fn lock_list(&mut self, load: &Load, period: &Period) -> Result<LockList, StorageError> {
        let (tx, inst) = (self.tx, self.inst);
        let lessons = tx
            .prepare_cached(
                "SELECT data FROM lessons WHERE institution_id = ?1 AND load_id = ?2 AND date >= ?3 AND date <= ?4",
            )?
            .query_map(
                params![inst, load.id.to_string(), period.starts_on.to_string(), period.ends_on.to_string()],
                |r| r.get::<_, String>(0),
            )?
            .map(|d| from_json::<Lesson>(&d?))
            .collect::<Result<_, _>>()?;
        let with_final = tx
            .prepare_cached(
                "SELECT student_id FROM finals WHERE institution_id = ?1 AND load_id = ?2 AND period_id = ?3 AND final_column = 'period'",
            )?
            .query_map(params![inst, load.id.to_string(), period.id.to_string()], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<Result<_, _>>()?;
        Ok(LockList {
            lessons,
            with_final,
            memberships: memberships_of_group(tx, inst, &load.group_id.to_string())?,
            plans: ref_rows(tx, inst, KIND_INDIVIDUAL_PLAN)?,
        })
    }

    async fn remark(&mut self, id: uuid::Uuid) -> Result<Option<Remark>, StorageError> {
        let data: Option<String> = self
            .tx
            .prepare_cached("SELECT data FROM remarks WHERE institution_id = ?1 AND id = ?2")?
            .query_row(params![self.inst, id.to_string()], |r| r.get(0))
            .optional()?;
        data.map(|d| from_json::<Remark>(&d)).transpose()
    }

    async fn has_entries(&mut self, lesson: LessonId) -> Result<bool, StorageError> {
        for table in ["cells", "lesson_topics", "homework"] {
            if self
                .tx
                .prepare_cached(&format!(
                    "SELECT 1 FROM {table} WHERE institution_id = ?1 AND lesson_id = ?2 LIMIT 1"
                ))?
                .exists(params![self.inst, lesson.to_string()])?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn lessons_on(&mut self, date: chrono::NaiveDate) -> Result<Vec<Lesson>, StorageError> {
        self.tx
            .prepare_cached("SELECT data FROM lessons WHERE institution_id = ?1 AND date = ?2")?
            .query_map(params![self.inst, date.to_string()], |r| {
                r.get::<_, String>(0)
            })?
            .map(|d| from_json::<Lesson>(&d?))
            .collect()
    }

    async fn user_on_device(
        &mut self,
        device: DeviceId,
        user: UserId,
    ) -> Result<bool, StorageError> {
        self.st.user_on_device(self.tx, device, user)
    }

    async fn change_time(
        &mut self,
        server_seq: u64,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        self.st.change_time(self.tx, self.inst, server_seq)
    }
}

/// Writes an applied op's row (its device and change beside its value).
fn write_row(
    tx: &Connection,
    inst: &str,
    write: &RowWrite,
    device: &str,
    server_seq: i64,
) -> Result<(), StorageError> {
    match write {
        RowWrite::Cell(cell) => {
            tx.prepare_cached(
                "INSERT INTO cells (institution_id, lesson_id, student_id, data, device_id, server_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (institution_id, lesson_id, student_id) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
            )?
            .execute(params![inst, cell.lesson_id.to_string(), cell.student_id.to_string(), to_json(cell)?, device, server_seq])?;
        }
        RowWrite::Topic(topic) => {
            tx.prepare_cached(
                "INSERT INTO lesson_topics (institution_id, lesson_id, hour, data, device_id, server_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (institution_id, lesson_id, hour) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
            )?
            .execute(params![inst, topic.lesson_id.to_string(), topic.hour, to_json(topic)?, device, server_seq])?;
        }
        RowWrite::Homework(hw) => {
            tx.prepare_cached(
                "INSERT INTO homework (institution_id, lesson_id, data, device_id, server_seq) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (institution_id, lesson_id) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
            )?
            .execute(params![inst, hw.lesson_id.to_string(), to_json(hw)?, device, server_seq])?;
        }
        RowWrite::Final(f) => {
            tx.prepare_cached(
                "INSERT INTO finals (institution_id, load_id, period_id, student_id, final_column, data, device_id, server_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (institution_id, load_id, period_id, student_id, final_column) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
            )?
            .execute(params![
                inst,
                f.load_id.to_string(),
                f.period_id.to_string(),
                f.student_id.to_string(),
                f.column.as_str(),
                to_json(f)?,
                device,
                server_seq
            ])?;
        }
        RowWrite::FinalRemoved {
            load_id,
            period_id,
            student_id,
            column,
        } => {
            tx.prepare_cached(
                "DELETE FROM finals WHERE institution_id = ?1 AND load_id = ?2 AND period_id = ?3 AND student_id = ?4 AND final_column = ?5",
            )?
            .execute(params![inst, load_id.to_string(), period_id.to_string(), student_id.to_string(), column.as_str()])?;
        }
        RowWrite::Lock(lock) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO locks (institution_id, load_id, period_id, data) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![inst, lock.load_id.to_string(), lock.period_id.to_string(), to_json(lock)?])?;
        }
        RowWrite::Unlock { load_id, period_id } => {
            tx.prepare_cached(
                "DELETE FROM locks WHERE institution_id = ?1 AND load_id = ?2 AND period_id = ?3",
            )?
            .execute(params![inst, load_id.to_string(), period_id.to_string()])?;
        }
        RowWrite::Remark(r) => {
            tx.prepare_cached(
                "UPDATE remarks SET data = ?3 WHERE institution_id = ?1 AND id = ?2",
            )?
            .execute(params![inst, r.id.to_string(), to_json(r)?])?;
        }
        RowWrite::Lessons(lessons) => {
            for lesson in lessons {
                tx.prepare_cached(
                    "INSERT INTO lessons (institution_id, id, load_id, date, data) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (institution_id, id) DO UPDATE SET date = excluded.date, data = excluded.data",
                )?
                .execute(params![
                    inst,
                    lesson.id.to_string(),
                    lesson.load_id.to_string(),
                    lesson.date.to_string(),
                    to_json(lesson)?
                ])?;
            }
            reference::bump_reference_version(tx, inst)?;
        }
    }
    Ok(())
}

/// One op, inside the batch transaction. An error aborts the whole batch (nothing of it is
/// committed), so an op is never half-applied.
fn push_one(
    tx: &Connection,
    inst: &str,
    op: &Op,
    pre: Option<&PreVerified>,
    st: &mut BatchState,
    received_at: NaiveDateTime,
) -> Result<OpResult, StorageError> {
    let op_id = op.op_id.to_string();
    // 1. The same op again: its stored outcome.
    let stored: Option<KnownOp> = tx
        .prepare_cached(
            "SELECT institution_id, hash, outcome, server_seq FROM ops WHERE op_id = ?1",
        )?
        .query_row(params![op_id], |r| {
            Ok(KnownOp {
                institution_id: r.get(0)?,
                hash: r.get(1)?,
                outcome: r.get(2)?,
                server_seq: r.get(3)?,
            })
        })
        .optional()?;
    if let Some(known) = stored {
        return known_answer(op, inst, &known);
    }
    // 2. The device and its chain (the row is written once, at the end of the batch).
    let received_local = st.refs.received_local;
    let place = match enter_chain(op, inst, st.device(tx, op.device_id)?, pre, received_local) {
        Ok(place) => place,
        Err(refusal) => return Ok(*refusal),
    };
    st.devices_moved.insert(op.device_id);
    let mut rows = BatchRows {
        tx,
        inst,
        st: &mut *st,
    };
    let (decision, ctx) = run_ready(decide(op, &place, &mut rows))??;
    let OpRecord {
        outcome,
        outcome_json,
        server_seq,
        applied,
        audit,
    } = record(
        op,
        inst,
        decision,
        ctx,
        received_at,
        &mut st.refs,
        &mut st.heads,
    )?;
    if let (Some(change), Some(seq)) = (&applied, server_seq) {
        if let Some(write) = &change.write {
            write_row(tx, inst, write, &op.device_id.to_string(), seq)?;
            st.note_written(write);
        }
        let c = &change.change;
        tx.prepare_cached(
            "INSERT INTO changes (institution_id, server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            inst,
            seq,
            op_id,
            change.load_id.to_string(),
            c.author_id.to_string(),
            c.device_id.to_string(),
            time_text(&c.device_time),
            time_text(&c.server_time),
            to_json(&c.payload)?
        ])?;
    }
    tx.prepare_cached(
        "INSERT INTO ops (op_id, institution_id, device_id, device_seq, hash, outcome, server_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![op_id, inst, op.device_id.to_string(), op.device_seq as i64, op.hash, outcome_json, server_seq])?;
    insert_audit(tx, &audit)?;
    Ok(OpResult {
        op_id: op.op_id,
        outcome,
        expected_seq: None,
    })
}

/// The registered keys of the ops' devices.
fn device_keys(conn: &Connection, ops: &[Op]) -> Result<HashMap<DeviceId, String>, StorageError> {
    let mut keys = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?;
    for op in ops {
        if keys.contains_key(&op.device_id) {
            continue;
        }
        let key: Option<Option<String>> = stmt
            .query_row(params![op.device_id.to_string()], |r| r.get(0))
            .optional()?;
        if let Some(Some(k)) = key {
            keys.insert(op.device_id, k);
        }
    }
    Ok(keys)
}

/// One push batch inside a transaction (or savepoint) the caller commits: what the ops read is read
/// once per batch (BatchState), and the heads they move are written once.
fn push(
    tx: &Connection,
    inst: &str,
    ops: &[Op],
    pre: &[Option<PreVerified>],
    received_at: NaiveDateTime,
) -> Result<Vec<OpResult>, StorageError> {
    let mut st = BatchState::read(tx, inst, received_at)?;
    let mut results = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let pre = pre.get(i).and_then(Option::as_ref);
        results.push(push_one(tx, inst, op, pre, &mut st, received_at)?);
    }
    st.store(tx, inst)?;
    Ok(results)
}

/// A push batch waiting for the writer, and where its answer goes.
struct PushJob {
    inst: String,
    ops: Arc<Vec<Op>>,
    pre: Vec<Option<PreVerified>>,
    received_at: NaiveDateTime,
    reply: std::sync::mpsc::Sender<Result<Vec<OpResult>, StorageError>>,
}

/// Group commit: the push batches waiting for the writer go into one transaction, each in its own
/// savepoint (a batch that fails is rolled back alone and answered its error), and are answered
/// after the one commit — one fsync for several devices' batches instead of one each, with
/// synchronous=FULL kept: no batch is answered before it is on disk.
fn push_group(conn: &mut Connection, jobs: Vec<PushJob>) {
    let mut done: Vec<(PushJob, Result<Vec<OpResult>, StorageError>)> = Vec::new();
    let outcome = (|| -> Result<(), rusqlite::Error> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for job in jobs {
            let sp = tx.savepoint()?;
            let result = push(&sp, &job.inst, &job.ops, &job.pre, job.received_at);
            if result.is_ok() {
                sp.commit()?;
            } // else: the savepoint rolls back as it is dropped.
            done.push((job, result));
        }
        tx.commit()
    })();
    match outcome {
        Ok(()) => {
            for (job, result) in done {
                // A pusher that went away no longer waits for its answer.
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            // Nothing of the group is committed: every batch gets the error.
            for (job, _) in done {
                let _ = job.reply.send(Err(copy_sqlite_error(&e)));
            }
        }
    }
}

/// The same failure for each batch of a failed group commit (rusqlite's error is not Clone).
fn copy_sqlite_error(e: &rusqlite::Error) -> StorageError {
    StorageError::Sqlite(match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    })
}

fn pull(
    conn: &Connection,
    inst: &str,
    user_id: &str,
    after: u64,
    limit: u32,
    today: chrono::NaiveDate,
) -> Result<PullPage, StorageError> {
    let policy = institution(conn, inst)?.policy;
    let user = user_by(conn, "id", user_id)?
        .map(|a| a.user.in_force_on(today))
        .ok_or_else(|| StorageError::Corrupt(format!("пользователь {user_id} не найден")))?;
    let loads: Vec<Load> = ref_rows(conn, inst, KIND_LOAD)?;
    let mut memberships = Vec::new();
    for g in &user.grants {
        if let Some(sid) = g.student_id {
            memberships.extend(memberships_of(conn, inst, &sid.to_string())?);
        }
    }
    let readable = authority::readable_loads(&user, &loads, &memberships, &policy);
    let ids = pull_page::readable_ids(readable.as_ref())
        .map(|ids| to_json(&ids))
        .transpose()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload
         FROM changes WHERE institution_id = ?1 AND server_seq > ?2
           AND (?3 IS NULL OR load_id IN (SELECT value FROM json_each(?3)) OR {})
         ORDER BY server_seq LIMIT ?4",
        pull_page::last_change_sql("?1")
    ))?;
    let mut rows = stmt.query(params![inst, after as i64, ids, i64::from(limit) + 1])?;
    let mut kept = Vec::new();
    while let Some(r) = rows.next()? {
        let load_id: LoadId = parse_id(&r.get::<_, String>(2)?)?;
        kept.push((
            load_id,
            Change {
                server_seq: r.get::<_, i64>(0)? as u64,
                op_id: parse_id(&r.get::<_, String>(1)?)?,
                author_id: parse_id(&r.get::<_, String>(3)?)?,
                device_id: parse_id(&r.get::<_, String>(4)?)?,
                device_time: parse_time(&r.get::<_, String>(5)?)?,
                server_time: parse_time(&r.get::<_, String>(6)?)?,
                payload: from_json(&r.get::<_, String>(7)?)?,
            },
        ));
    }
    let (changes, next_after, has_more) = pull_page::page(after, limit, readable.as_ref(), kept);
    Ok(PullPage {
        changes,
        next_after,
        has_more,
        reference_version: reference::reference_version(conn, inst)?,
    })
}

#[async_trait]
impl Storage for SqliteStorage {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn import_institution(
        &self,
        snapshot: Snapshot,
        password_hashes: Vec<(UserId, String)>,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let hashes: HashMap<UserId, String> = password_hashes.into_iter().collect();
        self.write(move |c| import_institution(c, &snapshot, &hashes, now))
            .await
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StorageError> {
        let login = login.to_string();
        self.read(move |c| user_by(c, "login", &login)).await
    }

    async fn account_by_id(&self, user_id: UserId) -> Result<Option<Account>, StorageError> {
        self.read(move |c| user_by(c, "id", &user_id.to_string()))
            .await
    }

    async fn login_failures(&self, login: &str) -> Result<LoginFailures, StorageError> {
        let login = login.to_string();
        self.read(move |c| {
            let row: Option<(i64, Option<String>)> = c
                .query_row(
                    "SELECT count, locked_until FROM login_failures WHERE login = ?1",
                    params![login],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            Ok(match row {
                Some((count, until)) => LoginFailures {
                    count: count as u32,
                    locked_until: until.as_deref().map(parse_time).transpose()?,
                },
                None => LoginFailures::default(),
            })
        })
        .await
    }

    async fn record_login_failure(
        &self,
        login: &str,
        now: NaiveDateTime,
        max_failures: u32,
        lockout: chrono::Duration,
    ) -> Result<LoginFailures, StorageError> {
        let login = login.to_string();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let count: i64 = tx.query_row(
                "INSERT INTO login_failures (login, count) VALUES (?1, 1)
                     ON CONFLICT (login) DO UPDATE SET count = count + 1 RETURNING count",
                params![login],
                |r| r.get(0),
            )?;
            let locked_until = (count as u32 >= max_failures).then(|| now + lockout);
            if let Some(until) = locked_until {
                tx.execute(
                    "UPDATE login_failures SET locked_until = ?2 WHERE login = ?1",
                    params![login, time_text(&until)],
                )?;
            }
            tx.commit()?;
            Ok(LoginFailures {
                count: count as u32,
                locked_until,
            })
        })
        .await
    }

    async fn clear_login_failures(&self, login: &str) -> Result<(), StorageError> {
        let login = login.to_string();
        self.write(move |c| {
            c.execute(
                "DELETE FROM login_failures WHERE login = ?1",
                params![login],
            )?;
            Ok(())
        })
        .await
    }

    async fn register_device(
        &self,
        institution_id: InstitutionId,
        device_id: DeviceId,
        user_id: UserId,
        public_key: Option<[u8; 32]>,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = institution_id.to_string();
            let dev = device_id.to_string();
            let key_hex = public_key.map(hex::encode);
            let row: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT institution_id, public_key FROM devices WHERE id = ?1",
                    params![dev],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match row {
                None => {
                    tx.execute(
                        "INSERT INTO devices (id, institution_id, public_key, given_seq) VALUES (?1, ?2, ?3, 0)",
                        params![dev, inst, key_hex],
                    )?;
                }
                Some((dev_inst, _)) if dev_inst != inst => {
                    return Err(StorageError::DeviceOtherInstitution)
                }
                Some((_, Some(existing))) => {
                    if key_hex.as_ref().is_some_and(|k| *k != existing) {
                        return Err(StorageError::DeviceKeyMismatch);
                    }
                }
                Some((_, None)) => {
                    if key_hex.is_some() {
                        tx.execute(
                            "UPDATE devices SET public_key = ?2 WHERE id = ?1",
                            params![dev, key_hex],
                        )?;
                    }
                }
            }
            tx.execute(
                "INSERT OR IGNORE INTO device_users (device_id, user_id) VALUES (?1, ?2)",
                params![dev, user_id.to_string()],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        session: Session,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let token_hash = token_hash.to_string();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Expired sessions are of no use to anyone: dropped as new ones come.
            tx.execute("DELETE FROM sessions WHERE expires_at < ?1", params![time_text(&now)])?;
            tx.execute(
                "INSERT INTO sessions (token_hash, institution_id, user_id, device_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    token_hash,
                    session.institution_id.to_string(),
                    session.user_id.to_string(),
                    session.device_id.to_string(),
                    time_text(&now),
                    time_text(&session.expires_at)
                ],
            )?;
            let inst = session.institution_id.to_string();
            append_audit(
                &tx,
                &inst,
                "login",
                Some(session.user_id.to_string()),
                Some(session.device_id.to_string()),
                None,
                now,
                session.user_id.to_string(),
                "{}".into(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StorageError> {
        let token_hash = token_hash.to_string();
        self.read(move |c| {
            let row: Option<(String, String, String, String)> = c
                .prepare_cached(
                    "SELECT institution_id, user_id, device_id, expires_at FROM sessions WHERE token_hash = ?1",
                )?
                .query_row(params![token_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?;
            row.map(|(i, u, d, e)| {
                Ok(Session {
                    institution_id: parse_id(&i)?,
                    user_id: parse_id(&u)?,
                    device_id: parse_id(&d)?,
                    expires_at: parse_time(&e)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn record_given(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        server_seq: u64,
    ) -> Result<(), StorageError> {
        let (inst, dev) = (institution_id.to_string(), device_id.to_string());
        let seq = server_seq as i64;
        let (inst2, dev2, user) = (inst.clone(), dev.clone(), user_id.to_string());
        let given: Option<Option<i64>> = self
            .read(move |c| {
                Ok(c.prepare_cached(
                    "SELECT d.given_seq FROM devices d JOIN device_users u ON u.device_id = d.id AND u.user_id = ?3 WHERE d.id = ?1 AND d.institution_id = ?2",
                )?
                .query_row(params![dev2, inst2, user], |r| r.get(0))
                .optional()?)
            })
            .await?;
        // Unknown device, or the mark already this high: nothing to write.
        if given.is_none_or(|g| g.is_some_and(|g| g >= seq)) {
            return Ok(());
        }
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE devices SET given_seq = ?3 WHERE id = ?1 AND institution_id = ?2 AND (given_seq IS NULL OR given_seq < ?3)",
            )?
            .execute(params![dev, inst, seq])?;
            Ok(())
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        let token_hash = token_hash.to_string();
        self.write(move |c| {
            c.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                params![token_hash],
            )?;
            Ok(())
        })
        .await
    }

    async fn set_password(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        password_hash: String,
        must_change: bool,
        keep_token_hash: &str,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let keep = keep_token_hash.to_string();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let user = user_id.to_string();
            tx.execute(
                "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
                params![user, password_hash, must_change],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2",
                params![user, keep],
            )?;
            append_audit(
                &tx,
                &institution_id.to_string(),
                "password_change",
                Some(user.clone()),
                None,
                None,
                now,
                user,
                "{}".into(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn push(
        &self,
        institution_id: InstitutionId,
        ops: Vec<Op>,
        received_at: NaiveDateTime,
    ) -> Result<Vec<OpResult>, StorageError> {
        // Signatures are checked first, off the writer: concurrent pushes verify in parallel.
        let ops = Arc::new(ops);
        let keys = {
            let ops = ops.clone();
            self.read(move |c| device_keys(c, &ops)).await?
        };
        let pre = {
            let ops = ops.clone();
            tokio::task::spawn_blocking(move || preverify(&ops, &keys))
                .await
                .map_err(|_| StorageError::TaskFailed)?
        };
        let (reply, answer) = std::sync::mpsc::channel();
        self.push_queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(PushJob {
                inst: institution_id.to_string(),
                ops,
                pre,
                received_at,
                reply,
            });
        let (writer, queue) = (self.writer.clone(), self.push_queue.clone());
        tokio::task::spawn_blocking(move || {
            {
                // Whoever holds the writer takes every waiting batch: this one is either taken
                // here or was taken by an earlier holder, who answers it after its commit.
                let mut conn = writer.lock().unwrap_or_else(|p| p.into_inner());
                let jobs = std::mem::take(&mut *queue.lock().unwrap_or_else(|p| p.into_inner()));
                if !jobs.is_empty() {
                    push_group(&mut conn, jobs);
                }
            }
            answer.recv().map_err(|_| StorageError::TaskFailed)?
        })
        .await
        .map_err(|_| StorageError::TaskFailed)?
    }

    async fn pull(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        after: u64,
        limit: u32,
        today: chrono::NaiveDate,
    ) -> Result<PullPage, StorageError> {
        self.read(move |c| {
            pull(
                c,
                &institution_id.to_string(),
                &user_id.to_string(),
                after,
                limit,
                today,
            )
        })
        .await
    }

    async fn snapshot(
        &self,
        institution_id: InstitutionId,
    ) -> Result<(Snapshot, u64), StorageError> {
        self.read(move |c| {
            // One read transaction: the snapshot and its cursor see the same committed state.
            let tx = c.transaction()?;
            let inst = institution_id.to_string();
            let seq: i64 = tx.query_row(
                "SELECT last_server_seq FROM institutions WHERE id = ?1",
                params![inst],
                |r| r.get(0),
            )?;
            let snap = snapshot(&tx, &inst)?;
            tx.commit()?;
            Ok((snap, seq as u64))
        })
        .await
    }

    async fn append_admin_action(
        &self,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            append_admin_audit(&tx, &action.institution_id.to_string(), &action, now)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn audit_entries(
        &self,
        institution_id: InstitutionId,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let inst = institution_id.to_string();
        let kind = kind.to_string();
        self.read(move |c| {
            audit_entries(
                c.prepare_cached(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = ?1 AND kind = ?2 ORDER BY seq DESC LIMIT ?3"
                ))?
                .query(params![inst, kind, i64::from(limit)])?,
                &inst,
            )
        })
        .await
    }

    async fn previous_change(
        &self,
        institution_id: InstitutionId,
        load_id: &str,
        target: &str,
        before_seq: u64,
    ) -> Result<Option<String>, StorageError> {
        let (inst, load, target) = (
            institution_id.to_string(),
            load_id.to_string(),
            target.to_string(),
        );
        let before = before_seq as i64;
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT payload FROM changes WHERE institution_id = ?1 AND target = ?2 AND server_seq < ?3 AND load_id = ?4
                 ORDER BY server_seq DESC LIMIT 1",
            )?
            .query_row(params![inst, target, before, load], |r| r.get(0))
            .optional()?)
        })
        .await
    }

    async fn audit_page(
        &self,
        institution_id: InstitutionId,
        query: &super::AuditQuery,
    ) -> Result<(u64, Vec<AuditEntry>), StorageError> {
        let inst = institution_id.to_string();
        let (cond, args) = query.conditions(2, '?');
        let (limit, offset) = (i64::from(query.limit), query.offset as i64);
        self.read(move |c| {
            let mut binds: Vec<&dyn rusqlite::ToSql> = vec![&inst];
            for a in &args {
                binds.push(a);
            }
            let total: i64 = c.query_row(
                &format!("SELECT COUNT(*) FROM audit WHERE institution_id = ?1{cond}"),
                binds.as_slice(),
                |r| r.get(0),
            )?;
            binds.push(&limit);
            binds.push(&offset);
            let n = binds.len();
            let out = audit_entries(
                c.prepare(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = ?1{cond} ORDER BY seq DESC LIMIT ?{} OFFSET ?{n}",
                    n - 1
                ))?
                .query(binds.as_slice())?,
                &inst,
            )?;
            Ok((total as u64, out))
        })
        .await
    }

    async fn audit_verify(&self) -> Result<AuditReport, StorageError> {
        self.read(|c| audit_verify(c)).await
    }

    async fn institutions(&self) -> Result<Vec<(InstitutionId, u64)>, StorageError> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT id, last_server_seq FROM institutions ORDER BY rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, seq) = row?;
                out.push((parse_id(&id)?, seq as u64));
            }
            Ok(out)
        })
        .await
    }

    async fn apply_reference(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        self.write(move |c| apply_reference(c, &snapshot, &action, now))
            .await
    }

    async fn backup_to(&self, dir: &Path) -> Result<Vec<String>, StorageError> {
        let target = dir.join(BACKUP_FILE);
        self.read(move |c| {
            // VACUUM INTO reads in one read transaction: a copy of one committed state, while
            // the writer keeps committing to the WAL.
            let target_text = target.to_string_lossy().into_owned();
            c.execute("VACUUM INTO ?1", params![target_text])?;
            Ok(vec![BACKUP_FILE.to_string()])
        })
        .await
    }

    async fn restore_from(&self, dir: &Path) -> Result<(), StorageError> {
        let path = dir.join(BACKUP_FILE);
        // A copy made by an older version has an older schema: brought to this one first, so
        // the tables match column for column.
        {
            let mut copy = Connection::open(&path)?;
            migrations()
                .to_latest(&mut copy)
                .map_err(|e| StorageError::Corrupt(format!("схема резервной копии: {e}")))?;
        }
        let source = path.to_string_lossy().into_owned();
        self.write(move |c| {
            c.execute("ATTACH DATABASE ?1 AS backup", params![source])?;
            let result = (|| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                for table in super::TABLES.iter().rev() {
                    tx.execute(&format!("DELETE FROM main.{table}"), [])?;
                }
                for table in super::TABLES {
                    // Generated columns (migration 0025) are computed, never inserted.
                    let columns: Vec<String> = tx
                        .prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0")?
                        .query_map(params![table], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    let columns = columns.join(", ");
                    tx.execute(
                        &format!(
                            "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM backup.{table} ORDER BY rowid"
                        ),
                        [],
                    )?;
                }
                tx.commit()?;
                Ok::<(), StorageError>(())
            })();
            c.execute("DETACH DATABASE backup", [])?;
            result
        })
        .await
    }

    async fn user_records(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<UserRecord>, StorageError> {
        setup::user_records(self, institution_id).await
    }

    async fn user_deactivated_at(
        &self,
        user_id: UserId,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        setup::user_deactivated_at(self, user_id).await
    }

    async fn set_user_active(
        &self,
        user_id: UserId,
        active: bool,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        setup::set_user_active(self, user_id, active, action, now).await
    }

    async fn apply_year(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        setup::replace_reference(self, InstitutionPart::Year, snapshot, action, now).await
    }

    async fn apply_institution_setup(
        &self,
        snapshot: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        setup::replace_reference(self, InstitutionPart::Record, snapshot, action, now).await
    }

    async fn reference_version(&self, institution_id: InstitutionId) -> Result<u64, StorageError> {
        self.read(move |c| reference::reference_version(c, &institution_id.to_string()))
            .await
    }

    async fn snapshot_version(
        &self,
        institution_id: InstitutionId,
    ) -> Result<SnapshotVersion, StorageError> {
        self.read(move |c| {
            let (seq, version): (i64, i64) = c
                .prepare_cached(
                    "SELECT last_server_seq, reference_version FROM institutions WHERE id = ?1",
                )?
                .query_row(params![institution_id.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            Ok(SnapshotVersion {
                server_seq: seq.max(0) as u64,
                reference_version: version.max(0) as u64,
            })
        })
        .await
    }

    async fn reference_turn(
        &self,
        _institution_id: InstitutionId,
    ) -> Result<ReferenceTurn, StorageError> {
        // A SQLite database is served by one process: the turn is that process's.
        static TURN: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
            std::sync::LazyLock::new(Default::default);
        Ok(ReferenceTurn::new(TURN.clone().lock_owned().await))
    }
}

/// The one file a SQLite backup consists of.
pub const BACKUP_FILE: &str = "journal.sqlite";

/// A push batch reads each author, lesson and membership list at most once: `load` runs on a miss.
fn memo<K: Eq + std::hash::Hash, V: Clone>(
    map: &mut HashMap<K, V>,
    key: K,
    load: impl FnOnce() -> Result<V, StorageError>,
) -> Result<V, StorageError> {
    if let Some(v) = map.get(&key) {
        return Ok(v.clone());
    }
    let v = load()?;
    map.insert(key, v.clone());
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_text_is_chronos_format() {
        let d = |y, mo, d, h, mi, s, n| {
            chrono::NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|d| d.and_hms_nano_opt(h, mi, s, n))
                .expect("a valid time")
        };
        let mut times = vec![
            d(2027, 3, 3, 15, 0, 0, 0),
            d(2027, 12, 31, 23, 59, 59, 999_999_999),
            d(2027, 1, 1, 0, 0, 0, 120_000_000),
            d(2027, 1, 1, 0, 0, 0, 120_500_000),
            d(2027, 1, 1, 0, 0, 0, 1_000),
            d(2027, 1, 1, 0, 0, 0, 1),
            d(999, 1, 1, 0, 0, 0, 0),
            d(10_000, 1, 1, 0, 0, 0, 0),
            d(-1, 1, 1, 0, 0, 0, 0),
            d(2016, 12, 31, 23, 59, 59, 1_500_000_000),
        ];
        // A spread of ordinary times, down to the nanosecond.
        let mut t = d(2020, 1, 1, 0, 0, 0, 0);
        for i in 0..2_000i64 {
            t += chrono::Duration::nanoseconds(i * 7_919_993_331 + (i % 3) * 1_000_000);
            times.push(t);
        }
        for t in times {
            assert_eq!(
                time_text(&t),
                t.format(TIME_FORMAT).to_string(),
                "the hand-written time text equals chrono's for {t:?}"
            );
        }
    }

    #[test]
    fn migrations_are_valid() {
        assert!(
            migrations().validate().is_ok(),
            "the shipped migrations must apply to an empty database"
        );
    }

    /// A backup copies and a restore replaces exactly the tables in `TABLES`: a table missing there
    /// would be lost by a restore (messages, events and contacts once were).
    #[test]
    fn backup_tables_are_every_table_of_the_schema() {
        let mut conn = Connection::open_in_memory().expect("an in-memory database");
        migrations()
            .to_latest(&mut conn)
            .expect("the migrations apply");
        let mut schema: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("the schema lists");
        schema.sort();
        let mut listed: Vec<String> = super::super::TABLES.iter().map(|t| t.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, schema,
            "storage::TABLES must name every table of the schema, or a restore loses it"
        );
        assert_eq!(
            (
                super::super::FIRST_TABLES.first(),
                super::super::FIRST_TABLES.last()
            ),
            (Some(&"institutions"), Some(&"audit")),
            "the first backup's tables are institutions … audit: new tables go after them"
        );
    }

    /// Shipped migrations are append-only: a changed text would leave existing databases on a
    /// schema the code no longer describes. To change the schema, add a migration.
    #[test]
    fn finals_from_before_the_columns_stay_period_finals() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        let m = migrations();
        // The list is in shipping order (not by number): 0024 is found by its text.
        let before = MIGRATION_SQL
            .iter()
            .position(|sql| sql.contains("finals_in_columns"))
            .expect("0024 is shipped");
        m.to_version(&mut conn, before)
            .expect("the schema before 0024");
        conn.execute(
            "INSERT INTO institutions (id, data, year) VALUES ('i', '{}', '{}')",
            [],
        )
        .expect("an institution");
        conn.execute(
            "INSERT INTO finals (institution_id, load_id, period_id, student_id, data, device_id, server_seq)
             VALUES ('i', 'l', 'p', 's', '{}', 'd', 7)",
            [],
        )
        .expect("a final stored before 0024");
        m.to_latest(&mut conn).expect("0024 applies");
        let row: (String, String, Option<String>, Option<i64>) = conn
            .query_row(
                "SELECT final_column, data, device_id, server_seq FROM finals WHERE institution_id = 'i'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("the final is kept");
        assert_eq!(
            row,
            ("period".into(), "{}".into(), Some("d".into()), Some(7)),
            "a final from before is a period final with its device and server_seq"
        );
    }

    #[test]
    fn shipped_migrations_never_change() {
        use sha2::{Digest, Sha256};
        let pinned: &[&str] = &[
            PINNED_0001,
            PINNED_0002,
            PINNED_0003,
            PINNED_0005,
            PINNED_0006,
            PINNED_0011,
            PINNED_0009,
            PINNED_0016,
            PINNED_0017,
            PINNED_0014,
            PINNED_0013,
            PINNED_0021,
            PINNED_0019,
            PINNED_0022,
            PINNED_0023,
            PINNED_0024,
            PINNED_0025,
            PINNED_0026,
            PINNED_0027,
            PINNED_0028,
        ];
        assert!(
            MIGRATION_SQL.len() >= pinned.len(),
            "a shipped migration was removed"
        );
        for (i, (sql, want)) in MIGRATION_SQL.iter().zip(pinned).enumerate() {
            let got = hex::encode(Sha256::digest(sql.as_bytes()));
            assert_eq!(
                &got,
                want,
                "shipped migration #{} changed its text; add a new migration instead",
                i + 1
            );
        }
    }

    const PINNED_0001: &str = "96b84a14337f633590729d0c8f211b4d83071e5ef3929f432a854719f4188c04";
    const PINNED_0002: &str = "43566a74113699837a62b587b737e48de9f2e2c59061db319af61f17a04e1112";
    const PINNED_0003: &str = "4641f07a2f4142f6464c84bfe239038f248ba9c0964a73d4f0013f07fe1b7ffe";
    const PINNED_0005: &str = "526242969b7153cd611bc18c8dd7d61c9d7b1216b4bef2d72319f98a2788caa3";
    const PINNED_0006: &str = "7c0737a52232db57299dc3533d6c206e2d78b456d0cac4277a91cac592d3b320";
    const PINNED_0011: &str = "ecae0c1d83d4046f060fe5a98e81e2d41a6d8d82d31f20cec405ece78a33dcf8";
    const PINNED_0009: &str = "6ab9bf7f5fdbb12dcd4b80dd8b7c8e5029456d98d571c072b27812464411191a";
    const PINNED_0016: &str = "87e0d556755a45567bc8f786a8388cb0552378a0058fa35c151257d0f1dcd8fb";
    const PINNED_0017: &str = "14d210b26f3146263053a5de3c6dd23319de61484206a2dbfa1710d292475eef";
    const PINNED_0021: &str = "8a651a635442422071290a6c336a0e6e4a70c40cd1917f95c994ee1b5a324982";
    const PINNED_0013: &str = "d5c328acd00f9388e445c7263e663a7b5a9c2de7b7c8e0aa932e1dafd2571ec2";
    const PINNED_0014: &str = "81eae1055d5eef328bb6133bb9e4684b0d88ec5b92bfca61862fdbdf166a914b";
    const PINNED_0019: &str = "398b8235d547b237e27bacdef1733a5e06e16dcd9a9e0af47983b78d4edc8ecf";
    const PINNED_0023: &str = "ba5ee0c8cdb2787c7b6534ff7e8e999d807211759ffaaaf6272fbb7330e4cb9c";
    const PINNED_0022: &str = "bb1d328d5514c27b63bb764db1b29caff06a9d2803da33094159fd9d5a683c6e";
    const PINNED_0024: &str = "9b4460796be7f8eceae86c289d89eecb0a2fa524195f81956c320f6c84cd72da";
    const PINNED_0025: &str = "74d89c52ac30fa6002ed5713c8c8128b737ab384bb738f3fc529227c589b409e";
    const PINNED_0026: &str = "cd57d66f8df6900f6196e496b0513e89ef9338ef87c04d7cb18db0b3be45640e";
    const PINNED_0027: &str = "b7468583202d0bacfa9f7cc8625184b0032c9536dd86396f37e0700d9496c6d4";
    const PINNED_0028: &str = "dd8c301e75eef45e4318e3301469cee26f7853ce8cfb6ce44fc51db71906f296";
}
