//! The PostgreSQL backend (tokio-postgres + deadpool-postgres) for region scale: several stateless
//! server processes over one database. The tables are those of the SQLite schema; a push locks its
//! institution's row (`FOR UPDATE`) so that server_seq and the audit chain stay gap-free per
//! institution while different institutions push in parallel.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use journal_core::{
    CellValue, DeviceId, FinalColumn, FinalValue, InstitutionId, LessonId, LoadId, OpId, PeriodId,
    StudentId, UserId, WorkType,
};
use journal_protocol::{
    AcademicYear, Bell, Cell, Institution, Lesson, LessonTopic, Load, Membership, Op, OpPayload,
    Period, Remark, Snapshot, Subject, User,
};
use serde::de::DeserializeOwned;
use tokio_postgres::{GenericClient, NoTls};

use super::content_rows::{imported_rows, init_detail, ColumnType, Value};
use super::institution_part::InstitutionPart;
use super::op_context::{decide, existing_cell, existing_final, ContextRows, FinalKey, LockList};
use super::op_record::{record, written, AuditHead, BatchHeads, OpRecord, RowWrite};
use super::pull_page;
use super::push_pipeline::{enter_chain, known_answer, BatchRefs, KnownOp, FINAL_TARGET_SQL};
use super::snapshot_rows::{self, ContentTable, SnapshotRows};
use super::sqlite::{
    from_json, parse_id, parse_time, preverify, time_text, to_json, DeviceRow, PreVerified,
    AUDIT_COLUMNS, KIND_BELL, KIND_CONTROL_WORK, KIND_CURRICULUM, KIND_DEPARTMENT, KIND_GROUP,
    KIND_HOLIDAY, KIND_INDIVIDUAL_PLAN, KIND_LOAD, KIND_MEMBERSHIP, KIND_PERIOD, KIND_PLAN_TOPIC,
    KIND_ROOM, KIND_SHIFT_BELL, KIND_STUDENT, KIND_SUBGROUP, KIND_SUBJECT,
};
use super::{
    Account, AdminAction, LoginFailures, ReferenceTurn, Session, SnapshotVersion, Storage,
    UserRecord,
};
use crate::audit::{verify_chain, AuditEntry, StoredValue};
use crate::authority::{self, Entered, Existing};
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

/// The shipped PostgreSQL migrations, in order. Append only: a test pins each one's text.
pub const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/pg_0001_init.sql"),
    include_str!("migrations/pg_0002_user_deactivation.sql"),
    include_str!("migrations/pg_0003_reference_version.sql"),
    include_str!("migrations/pg_0005_must_change_password.sql"),
    include_str!("migrations/pg_0006_changes_by_load.sql"),
    include_str!("migrations/pg_0011_device_bounds.sql"),
    include_str!("migrations/pg_0009_diary.sql"),
    include_str!("migrations/pg_0016_events.sql"),
    include_str!("migrations/pg_0017_contacts.sql"),
    include_str!("migrations/pg_0014_messages.sql"),
    include_str!("migrations/pg_0013_archived_years.sql"),
    include_str!("migrations/pg_0021_journal_acceptances.sql"),
    include_str!("migrations/pg_0019_device_secrets.sql"),
    include_str!("migrations/pg_0022_user_settings.sql"),
    include_str!("migrations/pg_0023_parent_notes.sql"),
    include_str!("migrations/pg_0024_final_columns.sql"),
    include_str!("migrations/pg_0025_typed_columns.sql"),
    include_str!("migrations/pg_0026_health_sheet.sql"),
    include_str!("migrations/pg_0027_plan_drafts.sql"),
    include_str!("migrations/pg_0028_mark_notices_and_smtp.sql"),
];

impl From<tokio_postgres::Error> for StorageError {
    fn from(e: tokio_postgres::Error) -> Self {
        // The server's own words («deadlock detected», the constraint), not just «db error».
        match e.as_db_error() {
            Some(db) => StorageError::Postgres(format!("{}: {}", db.code().code(), db.message())),
            None => StorageError::Postgres(e.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StorageError::Postgres(e.to_string())
    }
}

/// The tables whose `data` column is jsonb (migration 0025); the others keep JSON as text.
const JSONB_DATA_TABLES: &[&str] = &[
    "ref_rows",
    "users",
    "lessons",
    "cells",
    "lesson_topics",
    "homework",
    "locks",
    "remarks",
];

/// PostgreSQL storage of the institution server.
#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
}

impl PostgresStorage {
    /// Connects to `url` (postgres://…) and brings the schema to the latest version.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        Self::connect_migrated(url, MIGRATION_SQL.len()).await
    }

    /// [`PostgresStorage::connect`] with the schema brought only as far as the first `count`
    /// migrations: a database as an older version left it, for the migration tests.
    #[doc(hidden)]
    pub async fn connect_migrated(url: &str, count: usize) -> Result<Self, StorageError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| StorageError::Postgres(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|e| StorageError::Postgres(e.to_string()))?;
        let storage = PostgresStorage { pool };
        storage.migrate(count).await?;
        Ok(storage)
    }

    async fn migrate(&self, count: usize) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Several server processes may start at once: one migrates, the others wait.
        tx.execute("SELECT pg_advisory_xact_lock(727274)", &[])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .await?;
        let done: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )
            .await?
            .get(0);
        for (i, sql) in MIGRATION_SQL.iter().enumerate().take(count) {
            let version = i as i64 + 1;
            if version <= done {
                continue;
            }
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&version, &time_text(&chrono::Utc::now().naive_utc())],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn ref_rows<C: GenericClient, T: DeserializeOwned>(
    c: &C,
    inst: &str,
    kind: &str,
) -> Result<Vec<T>, StorageError> {
    let rows = c
        .query(
            "SELECT data::text FROM ref_rows WHERE institution_id = $1 AND kind = $2 ORDER BY ordinal",
            &[&inst, &kind],
        )
        .await?;
    rows.iter()
        .map(|r| from_json(r.get::<_, &str>(0)))
        .collect()
}

async fn memberships_of<C: GenericClient>(
    c: &C,
    inst: &str,
    student_id: &str,
) -> Result<Vec<Membership>, StorageError> {
    let rows = c
        .query(
            "SELECT data::text FROM ref_rows WHERE institution_id = $1 AND kind = 'membership' AND parent_id = $2",
            &[&inst, &student_id],
        )
        .await?;
    rows.iter()
        .map(|r| from_json(r.get::<_, &str>(0)))
        .collect()
}

async fn institution<C: GenericClient>(c: &C, inst: &str) -> Result<Institution, StorageError> {
    match c
        .query_opt("SELECT data FROM institutions WHERE id = $1", &[&inst])
        .await?
    {
        Some(r) => from_json(r.get::<_, &str>(0)),
        None => Err(StorageError::Corrupt(format!(
            "учреждение {inst} не найдено"
        ))),
    }
}

async fn user_by<C: GenericClient>(
    c: &C,
    by_login: bool,
    value: &str,
) -> Result<Option<Account>, StorageError> {
    let sql = if by_login {
        "SELECT institution_id, data::text, password_hash, must_change_password FROM users WHERE login = $1"
    } else {
        "SELECT institution_id, data::text, password_hash, must_change_password FROM users WHERE id = $1"
    };
    let row = c.query_opt(sql, &[&value]).await?;
    row.map(|r| {
        Ok(Account {
            institution_id: parse_id(r.get::<_, &str>(0))?,
            user: from_json(r.get::<_, &str>(1))?,
            password_hash: r.get::<_, String>(2),
            must_change_password: r.get::<_, bool>(3),
        })
    })
    .transpose()
}

/// Appends an administrator's action to the audit chain (made on the server: no device time).
/// Locks the institution's row for the rest of the transaction. A transaction that will append to
/// the audit chain takes it first, before any row it writes refers to the institution: a foreign
/// key's check share-locks that row, and two transactions each holding the share lock and then
/// asking for the chain's `FOR UPDATE` deadlock (two logins at once did, one answered 500).
pub(super) async fn lock_institution<C: GenericClient>(
    c: &C,
    inst: &str,
) -> Result<(), StorageError> {
    c.query_opt(
        "SELECT 1 FROM institutions WHERE id = $1 FOR UPDATE",
        &[&inst],
    )
    .await?;
    Ok(())
}

async fn append_admin_audit<C: GenericClient>(
    tx: &C,
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
    .await
}

#[allow(clippy::too_many_arguments)]
async fn append_audit<C: GenericClient>(
    tx: &C,
    inst: &str,
    kind: &str,
    author_id: Option<String>,
    device_id: Option<String>,
    device_time: Option<NaiveDateTime>,
    server_time: NaiveDateTime,
    subject: String,
    detail: String,
) -> Result<(), StorageError> {
    // FOR UPDATE: concurrent appenders of one institution take turns, so the chain never forks.
    let row = tx
        .query_one(
            "SELECT audit_seq, audit_hash FROM institutions WHERE id = $1 FOR UPDATE",
            &[&inst],
        )
        .await?;
    let mut head = AuditHead {
        seq: row.get(0),
        hash: row.get(1),
    };
    let entry = head.next_entry(
        inst,
        kind,
        author_id,
        device_id,
        device_time,
        server_time,
        subject,
        detail,
    );
    let seq = entry.seq as i64;
    let device_time = entry.device_time.map(|t| time_text(&t));
    let server_time = time_text(&entry.server_time);
    tx.execute(
        "INSERT INTO audit (institution_id, seq, kind, author_id, device_id, device_time, server_time, subject, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &inst,
            &seq,
            &entry.kind,
            &entry.author_id,
            &entry.device_id,
            &device_time,
            &server_time,
            &entry.subject,
            &entry.detail,
            &entry.prev_hash,
            &entry.hash,
        ],
    )
    .await?;
    tx.execute(
        "UPDATE institutions SET audit_seq = $2, audit_hash = $3 WHERE id = $1",
        &[&inst, &seq, &entry.hash],
    )
    .await?;
    Ok(())
}

/// The audit entries of `inst` in `rows` of [`AUDIT_COLUMNS`].
fn audit_entries(
    rows: &[tokio_postgres::Row],
    inst: &str,
) -> Result<Vec<AuditEntry>, StorageError> {
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                institution_id: inst.to_string(),
                seq: r.get::<_, i64>(0) as u64,
                kind: r.get(1),
                author_id: r.get(2),
                device_id: r.get(3),
                device_time: r.get::<_, Option<&str>>(4).map(parse_time).transpose()?,
                server_time: parse_time(r.get::<_, &str>(5))?,
                subject: r.get(6),
                detail: r.get(7),
                prev_hash: r.get(8),
                hash: r.get(9),
            })
        })
        .collect()
}

/// Writes the institution's reference rows (periods … plan topics), each kind in its order.
async fn put_ref_rows<C: GenericClient>(
    tx: &C,
    inst: &str,
    snap: &Snapshot,
) -> Result<(), StorageError> {
    let put = tx
        .prepare("INSERT INTO ref_rows (institution_id, kind, id, ordinal, parent_id, data) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)")
        .await?;
    let mut rows: Vec<(&str, String, Option<String>, String)> = Vec::new();
    for r in &snap.periods {
        rows.push((KIND_PERIOD, r.id.to_string(), None, to_json(r)?));
    }
    for (i, r) in snap.holidays.iter().enumerate() {
        rows.push((KIND_HOLIDAY, i.to_string(), None, to_json(r)?));
    }
    for r in &snap.bells {
        rows.push((KIND_BELL, super::sqlite::bell_key(r), None, to_json(r)?));
    }
    for r in &snap.groups {
        rows.push((KIND_GROUP, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.subgroups {
        rows.push((KIND_SUBGROUP, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.students {
        rows.push((KIND_STUDENT, r.id.to_string(), None, to_json(r)?));
    }
    for (i, r) in snap.memberships.iter().enumerate() {
        rows.push((
            KIND_MEMBERSHIP,
            i.to_string(),
            Some(r.student_id.to_string()),
            to_json(r)?,
        ));
    }
    for r in &snap.subjects {
        rows.push((KIND_SUBJECT, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.loads {
        rows.push((KIND_LOAD, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.plan_topics {
        rows.push((
            KIND_PLAN_TOPIC,
            r.id.to_string(),
            Some(r.load_id.to_string()),
            to_json(r)?,
        ));
    }
    for r in &snap.rooms {
        rows.push((KIND_ROOM, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.later_shift_bells {
        rows.push((
            KIND_SHIFT_BELL,
            super::sqlite::bell_key(r),
            None,
            to_json(r)?,
        ));
    }
    for r in &snap.curriculum {
        rows.push((
            KIND_CURRICULUM,
            super::sqlite::curriculum_key(r),
            None,
            to_json(r)?,
        ));
    }
    for r in &snap.individual_plans {
        rows.push((
            KIND_INDIVIDUAL_PLAN,
            r.student_id.to_string(),
            None,
            to_json(r)?,
        ));
    }
    for r in &snap.departments {
        rows.push((KIND_DEPARTMENT, r.id.to_string(), None, to_json(r)?));
    }
    for r in &snap.control_works {
        rows.push((
            KIND_CONTROL_WORK,
            r.id.to_string(),
            Some(r.load_id.to_string()),
            to_json(r)?,
        ));
    }
    // The ordinal keeps each kind's imported order.
    let mut ordinal_of_kind: HashMap<&str, i64> = HashMap::new();
    for (kind, id, parent, data) in &rows {
        let n = ordinal_of_kind.entry(kind).or_insert(0);
        tx.execute(&put, &[&inst, kind, id, &*n, parent, data])
            .await?;
        *n += 1;
    }
    Ok(())
}

/// A row of journal content a push batch writes: its JSON, the device that wrote it, the change's
/// server_seq.
struct ContentRow {
    data: String,
    device_id: String,
    server_seq: i64,
}

/// Content rows as the columns of one multi-row statement.
#[derive(Default)]
struct ContentColumns {
    data: Vec<String>,
    devices: Vec<String>,
    seqs: Vec<i64>,
}

impl ContentColumns {
    fn push(&mut self, row: ContentRow) {
        self.data.push(row.data);
        self.devices.push(row.device_id);
        self.seqs.push(row.server_seq);
    }

    /// Runs `sql` over the rows: its parameters are the institution, the rows' `keys` and then
    /// their data, devices and server_seqs.
    async fn write(
        &self,
        tx: &Transaction<'_>,
        sql: &str,
        inst: &str,
        keys: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<(), StorageError> {
        let stmt = tx.prepare_cached(sql).await?;
        let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&inst];
        params.extend_from_slice(keys);
        params.extend([
            &self.data as &(dyn tokio_postgres::types::ToSql + Sync),
            &self.devices,
            &self.seqs,
        ]);
        tx.execute(&stmt, &params).await?;
        Ok(())
    }
}

/// The rows a push batch writes, kept until the end of the batch (or until an op writes some row
/// directly: [`PgWrites::flush`] first) and then written with one multi-row statement per table.
/// The content maps keep one row per key, the batch's last (a later op of the batch replaces an
/// earlier one's value, as row-by-row writes would), so one statement never touches a row twice.
#[derive(Default)]
struct PgWrites {
    cells: HashMap<(String, String), ContentRow>,
    topics: HashMap<(String, i64), ContentRow>,
    homework: HashMap<String, ContentRow>,
    /// None: the final is removed.
    finals: HashMap<(String, String, String, &'static str), Option<ContentRow>>,
    changes: Vec<Change>,
    change_loads: Vec<String>,
    /// op_id, device_id, device_seq, hash, outcome JSON, server_seq.
    ops: Vec<(String, String, i64, String, String, Option<i64>)>,
    audit: Vec<AuditEntry>,
}

impl PgWrites {
    /// Writes what is pending, in the batch's transaction.
    async fn flush(&mut self, tx: &Transaction<'_>, inst: &str) -> Result<(), StorageError> {
        if !self.cells.is_empty() {
            let (mut lessons, mut students, mut rows) = (vec![], vec![], ContentColumns::default());
            for ((lesson, student), row) in self.cells.drain() {
                lessons.push(lesson);
                students.push(student);
                rows.push(row);
            }
            rows.write(
                tx,
                "INSERT INTO cells (institution_id, lesson_id, student_id, data, device_id, server_seq)
                     SELECT $1::text, l, s, d::jsonb, dev, seq FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(l, s, d, dev, seq)
                     ON CONFLICT (institution_id, lesson_id, student_id) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
                inst,
                &[&lessons, &students],
            )
            .await?;
        }
        if !self.topics.is_empty() {
            let (mut lessons, mut hours, mut rows) = (vec![], vec![], ContentColumns::default());
            for ((lesson, hour), row) in self.topics.drain() {
                lessons.push(lesson);
                hours.push(hour);
                rows.push(row);
            }
            rows.write(
                tx,
                "INSERT INTO lesson_topics (institution_id, lesson_id, hour, data, device_id, server_seq)
                     SELECT $1::text, l, h, d::jsonb, dev, seq FROM UNNEST($2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[]) AS u(l, h, d, dev, seq)
                     ON CONFLICT (institution_id, lesson_id, hour) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
                inst,
                &[&lessons, &hours],
            )
            .await?;
        }
        if !self.homework.is_empty() {
            let (mut lessons, mut rows) = (vec![], ContentColumns::default());
            for (lesson, row) in self.homework.drain() {
                lessons.push(lesson);
                rows.push(row);
            }
            rows.write(
                tx,
                "INSERT INTO homework (institution_id, lesson_id, data, device_id, server_seq)
                     SELECT $1::text, l, d::jsonb, dev, seq FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(l, d, dev, seq)
                     ON CONFLICT (institution_id, lesson_id) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
                inst,
                &[&lessons],
            )
            .await?;
        }
        if !self.finals.is_empty() {
            let (mut loads, mut periods, mut students, mut columns) =
                (vec![], vec![], vec![], vec![]);
            let mut rows = ContentColumns::default();
            let (mut gone_loads, mut gone_periods, mut gone_students, mut gone_columns) =
                (vec![], vec![], vec![], vec![]);
            for ((load, period, student, column), row) in self.finals.drain() {
                match row {
                    Some(row) => {
                        loads.push(load);
                        periods.push(period);
                        students.push(student);
                        columns.push(column);
                        rows.push(row);
                    }
                    None => {
                        gone_loads.push(load);
                        gone_periods.push(period);
                        gone_students.push(student);
                        gone_columns.push(column);
                    }
                }
            }
            if !gone_loads.is_empty() {
                let stmt = tx
                    .prepare_cached(
                        "DELETE FROM finals WHERE institution_id = $1 AND (load_id, period_id, student_id, final_column) IN
                         (SELECT * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[]))",
                    )
                    .await?;
                tx.execute(
                    &stmt,
                    &[
                        &inst,
                        &gone_loads,
                        &gone_periods,
                        &gone_students,
                        &gone_columns,
                    ],
                )
                .await?;
            }
            if !loads.is_empty() {
                rows.write(
                    tx,
                    "INSERT INTO finals (institution_id, load_id, period_id, student_id, final_column, data, device_id, server_seq)
                     SELECT $1::text, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
                     ON CONFLICT (institution_id, load_id, period_id, student_id, final_column) DO UPDATE SET data = excluded.data, device_id = excluded.device_id, server_seq = excluded.server_seq",
                    inst,
                    &[&loads, &periods, &students, &columns],
                )
                .await?;
            }
        }
        if !self.changes.is_empty() {
            let mut seqs = Vec::with_capacity(self.changes.len());
            let (mut op_ids, mut authors, mut devices, mut device_times, mut server_times) =
                (vec![], vec![], vec![], vec![], vec![]);
            let mut payloads = Vec::with_capacity(self.changes.len());
            for c in self.changes.drain(..) {
                seqs.push(c.server_seq as i64);
                op_ids.push(c.op_id.to_string());
                authors.push(c.author_id.to_string());
                devices.push(c.device_id.to_string());
                device_times.push(time_text(&c.device_time));
                server_times.push(time_text(&c.server_time));
                payloads.push(to_json(&c.payload)?);
            }
            let loads = std::mem::take(&mut self.change_loads);
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO changes (institution_id, server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload)
                     SELECT $1::text, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])",
                )
                .await?;
            tx.execute(
                &stmt,
                &[
                    &inst,
                    &seqs,
                    &op_ids,
                    &loads,
                    &authors,
                    &devices,
                    &device_times,
                    &server_times,
                    &payloads,
                ],
            )
            .await?;
        }
        if !self.ops.is_empty() {
            let (mut op_ids, mut devices, mut device_seqs, mut hashes, mut outcomes, mut seqs) =
                (vec![], vec![], vec![], vec![], vec![], vec![]);
            for (op_id, device, device_seq, hash, outcome, seq) in self.ops.drain(..) {
                op_ids.push(op_id);
                devices.push(device);
                device_seqs.push(device_seq);
                hashes.push(hash);
                outcomes.push(outcome);
                seqs.push(seq);
            }
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO ops (op_id, institution_id, device_id, device_seq, hash, outcome, server_seq)
                     SELECT o, $1::text, d, s, h, oc, ss
                     FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) AS u(o, d, s, h, oc, ss)",
                )
                .await?;
            tx.execute(
                &stmt,
                &[
                    &inst,
                    &op_ids,
                    &devices,
                    &device_seqs,
                    &hashes,
                    &outcomes,
                    &seqs,
                ],
            )
            .await?;
        }
        if !self.audit.is_empty() {
            let n = self.audit.len();
            let mut seqs = Vec::with_capacity(n);
            let (mut kinds, mut authors, mut devices, mut device_times, mut server_times) =
                (vec![], vec![], vec![], vec![], vec![]);
            let (mut subjects, mut details, mut prev_hashes, mut hashes) =
                (vec![], vec![], vec![], vec![]);
            for e in self.audit.drain(..) {
                seqs.push(e.seq as i64);
                kinds.push(e.kind);
                authors.push(e.author_id);
                devices.push(e.device_id);
                device_times.push(e.device_time.map(|t| time_text(&t)));
                server_times.push(time_text(&e.server_time));
                subjects.push(e.subject);
                details.push(e.detail);
                prev_hashes.push(e.prev_hash);
                hashes.push(e.hash);
            }
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO audit (institution_id, seq, kind, author_id, device_id, device_time, server_time, subject, detail, prev_hash, hash)
                     SELECT $1::text, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])",
                )
                .await?;
            tx.execute(
                &stmt,
                &[
                    &inst,
                    &seqs,
                    &kinds,
                    &authors,
                    &devices,
                    &device_times,
                    &server_times,
                    &subjects,
                    &details,
                    &prev_hashes,
                    &hashes,
                ],
            )
            .await?;
        }
        Ok(())
    }
}

/// A push batch on PostgreSQL: everything its ops read, fetched before the first op with one query
/// per table for the whole batch (the institution row is locked first, so nothing of it changes
/// under the batch), the heads the ops move (devices' chains, server_seq, the audit chain) and the
/// rows they write ([`PgWrites`]). The ops are decided in memory; what a later op of the batch
/// reads of an earlier one's write (a cell set twice, an op sent twice, a lock, a topic's work
/// type) is updated here as the write is made. A few dozen round trips per batch instead of some
/// forty per op; an error anywhere rolls the whole transaction back and this state is dropped.
struct PgBatch {
    inst: String,
    refs: BatchRefs,
    /// Local server time of changes by server_seq (an op's entry floor).
    change_times: HashMap<u64, Option<NaiveDateTime>>,
    /// The users the ops read (their authors first, the rest on first use), with the grants in
    /// force on the batch's day; None: not of this institution.
    users: HashMap<UserId, Option<User>>,
    lessons: HashMap<LessonId, Lesson>,
    /// The work type of a lesson's first hour (absent: no topic yet).
    work_types: HashMap<LessonId, WorkType>,
    memberships: HashMap<StudentId, Vec<Membership>>,
    cells: HashMap<(LessonId, StudentId), Existing<CellValue>>,
    /// Read on first use (finals and remarks are rare in a push).
    finals: HashMap<(LoadId, PeriodId, StudentId, FinalColumn), Option<Existing<FinalValue>>>,
    remarks: HashMap<uuid::Uuid, Option<Remark>>,
    known_ops: HashMap<OpId, KnownOp>,
    devices: HashMap<DeviceId, DeviceRow>,
    devices_moved: HashSet<DeviceId>,
    device_users: HashSet<(DeviceId, UserId)>,
    heads: BatchHeads,
    writes: PgWrites,
}

/// [`ref_rows`] with the batch's prepared statement.
async fn batch_ref_rows<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    inst: &str,
    kind: &str,
) -> Result<Vec<T>, StorageError> {
    let stmt = tx
        .prepare_cached(
            "SELECT data::text FROM ref_rows WHERE institution_id = $1 AND kind = $2 ORDER BY ordinal",
        )
        .await?;
    tx.query(&stmt, &[&inst, &kind])
        .await?
        .iter()
        .map(|r| from_json(r.get::<_, &str>(0)))
        .collect()
}

/// The ids as text, each once.
fn id_strings<T: ToString>(ids: impl IntoIterator<Item = T>) -> Vec<String> {
    let mut out: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    out.sort();
    out.dedup();
    out
}

impl PgBatch {
    /// Locks the institution's row and reads what the ops need.
    async fn read(
        tx: &Transaction<'_>,
        inst: &str,
        ops: &[Op],
        received_at: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        // One pusher per institution at a time: server_seq and the audit chain stay gap-free.
        let stmt = tx
            .prepare_cached(
                "SELECT data, last_server_seq, audit_seq, audit_hash FROM institutions WHERE id = $1 FOR UPDATE",
            )
            .await?;
        let Some(row) = tx.query_opt(&stmt, &[&inst]).await? else {
            return Err(StorageError::Corrupt(format!(
                "учреждение {inst} не найдено"
            )));
        };
        let institution: Institution = from_json(row.get::<_, &str>(0))?;
        let (server_seq, audit_seq, audit_hash): (i64, i64, String) =
            (row.get(1), row.get(2), row.get(3));

        let periods: Vec<Period> = batch_ref_rows(tx, inst, KIND_PERIOD).await?;
        let bells: Vec<Bell> = batch_ref_rows(tx, inst, KIND_BELL).await?;
        let loads: Vec<Load> = batch_ref_rows(tx, inst, KIND_LOAD).await?;
        let subjects: Vec<Subject> = batch_ref_rows(tx, inst, KIND_SUBJECT).await?;

        let mut locks = HashSet::new();
        let stmt = tx
            .prepare_cached("SELECT load_id, period_id FROM locks WHERE institution_id = $1")
            .await?;
        for r in tx.query(&stmt, &[&inst]).await? {
            locks.insert((
                parse_id(r.get::<_, &str>(0))?,
                parse_id(r.get::<_, &str>(1))?,
            ));
        }

        let op_ids = id_strings(ops.iter().map(|o| o.op_id));
        let mut known_ops = HashMap::new();
        let stmt = tx
            .prepare_cached(
                "SELECT op_id, institution_id, hash, outcome, server_seq FROM ops WHERE op_id = ANY($1::text[])",
            )
            .await?;
        for r in tx.query(&stmt, &[&op_ids]).await? {
            known_ops.insert(
                parse_id::<OpId>(r.get::<_, &str>(0))?,
                KnownOp {
                    institution_id: r.get(1),
                    hash: r.get(2),
                    outcome: r.get(3),
                    server_seq: r.get(4),
                },
            );
        }

        let device_ids = id_strings(ops.iter().map(|o| o.device_id));
        let mut devices = HashMap::new();
        let stmt = tx
            .prepare_cached(
                "SELECT id, institution_id, public_key, last_seq, last_hash, given_seq, last_device_time FROM devices WHERE id = ANY($1::text[])",
            )
            .await?;
        for r in tx.query(&stmt, &[&device_ids]).await? {
            devices.insert(
                parse_id::<DeviceId>(r.get::<_, &str>(0))?,
                DeviceRow {
                    institution_id: r.get(1),
                    public_key: r.get(2),
                    last_seq: r.get::<_, i64>(3) as u64,
                    last_hash: r.get(4),
                    given_seq: r.get::<_, Option<i64>>(5).map(|g| g as u64),
                    last_entry: r.get::<_, Option<&str>>(6).map(parse_time).transpose()?,
                },
            );
        }
        let mut device_users = HashSet::new();
        let stmt = tx
            .prepare_cached(
                "SELECT device_id, user_id FROM device_users WHERE device_id = ANY($1::text[])",
            )
            .await?;
        for r in tx.query(&stmt, &[&device_ids]).await? {
            device_users.insert((
                parse_id::<DeviceId>(r.get::<_, &str>(0))?,
                parse_id::<UserId>(r.get::<_, &str>(1))?,
            ));
        }

        let user_ids = id_strings(ops.iter().map(|o| o.user_id));
        let mut users: HashMap<UserId, Option<User>> =
            ops.iter().map(|o| (o.user_id, None)).collect();
        // An op is judged by its author's grants in force on the institution's day it arrives.
        let today = authority::local_time(&institution.timezone, received_at)
            .unwrap_or(received_at)
            .date();
        let stmt = tx
            .prepare_cached(
                "SELECT institution_id, data::text FROM users WHERE id = ANY($1::text[])",
            )
            .await?;
        for r in tx.query(&stmt, &[&user_ids]).await? {
            if r.get::<_, &str>(0) == inst {
                let user: User = from_json::<User>(r.get::<_, &str>(1))?.in_force_on(today);
                users.insert(user.id, Some(user));
            }
        }

        let lesson_ids = id_strings(ops.iter().filter_map(|o| match &o.payload {
            OpPayload::SetCell { lesson_id, .. }
            | OpPayload::SetTopic { lesson_id, .. }
            | OpPayload::SetHomework { lesson_id, .. }
            | OpPayload::ChangeLesson { lesson_id, .. } => Some(*lesson_id),
            _ => None,
        }));
        let mut lessons = HashMap::new();
        let mut work_types = HashMap::new();
        if !lesson_ids.is_empty() {
            let stmt = tx
                .prepare_cached(
                    "SELECT data::text FROM lessons WHERE institution_id = $1 AND id = ANY($2::text[])",
                )
                .await?;
            for r in tx.query(&stmt, &[&inst, &lesson_ids]).await? {
                let lesson: Lesson = from_json(r.get::<_, &str>(0))?;
                lessons.insert(lesson.id, lesson);
            }
            let stmt = tx
                .prepare_cached(
                    "SELECT data::text FROM lesson_topics WHERE institution_id = $1 AND hour = 1 AND lesson_id = ANY($2::text[])",
                )
                .await?;
            for r in tx.query(&stmt, &[&inst, &lesson_ids]).await? {
                let topic: LessonTopic = from_json(r.get::<_, &str>(0))?;
                work_types.insert(topic.lesson_id, topic.work_type);
            }
        }

        let student_ids = id_strings(ops.iter().filter_map(|o| match &o.payload {
            OpPayload::SetCell { student_id, .. } | OpPayload::SetFinal { student_id, .. } => {
                Some(*student_id)
            }
            _ => None,
        }));
        let mut memberships: HashMap<StudentId, Vec<Membership>> = HashMap::new();
        if !student_ids.is_empty() {
            let stmt = tx
                .prepare_cached(
                    "SELECT parent_id, data::text FROM ref_rows WHERE institution_id = $1 AND kind = 'membership' AND parent_id = ANY($2::text[]) ORDER BY ordinal",
                )
                .await?;
            for r in tx.query(&stmt, &[&inst, &student_ids]).await? {
                let student: StudentId = parse_id(r.get::<_, &str>(0))?;
                memberships
                    .entry(student)
                    .or_default()
                    .push(from_json(r.get::<_, &str>(1))?);
            }
        }

        let cell_keys: Vec<(String, String)> = {
            let mut keys: Vec<(String, String)> = ops
                .iter()
                .filter_map(|o| match &o.payload {
                    OpPayload::SetCell {
                        lesson_id,
                        student_id,
                        ..
                    } => Some((lesson_id.to_string(), student_id.to_string())),
                    _ => None,
                })
                .collect();
            keys.sort();
            keys.dedup();
            keys
        };
        let mut cells = HashMap::new();
        if !cell_keys.is_empty() {
            let (cell_lessons, cell_students): (Vec<String>, Vec<String>) =
                cell_keys.into_iter().unzip();
            let stmt = tx
                .prepare_cached(
                    "SELECT data::text, device_id, server_seq FROM cells WHERE institution_id = $1 AND (lesson_id, student_id) IN
                     (SELECT * FROM UNNEST($2::text[], $3::text[]))",
                )
                .await?;
            for r in tx
                .query(&stmt, &[&inst, &cell_lessons, &cell_students])
                .await?
            {
                let cell: Cell = from_json(r.get::<_, &str>(0))?;
                let stored = existing_cell(r.get(0), r.get(1), r.get(2))?;
                cells.insert((cell.lesson_id, cell.student_id), stored);
            }
        }

        Ok(PgBatch {
            inst: inst.to_string(),
            refs: BatchRefs::new(
                institution,
                received_at,
                periods,
                bells,
                loads,
                subjects,
                locks,
                batch_ref_rows(tx, inst, KIND_CONTROL_WORK).await?,
            ),
            change_times: HashMap::new(),
            users,
            lessons,
            work_types,
            memberships,
            cells,
            finals: HashMap::new(),
            remarks: HashMap::new(),
            known_ops,
            devices,
            devices_moved: HashSet::new(),
            device_users,
            heads: BatchHeads::new(
                server_seq,
                AuditHead {
                    seq: audit_seq,
                    hash: audit_hash,
                },
            ),
            writes: PgWrites::default(),
        })
    }

    /// The local server time of the institution's change `server_seq` (None for 0 or unknown).
    async fn change_time(
        &mut self,
        tx: &Transaction<'_>,
        server_seq: u64,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        if server_seq == 0 {
            return Ok(None);
        }
        if let Some(t) = self.change_times.get(&server_seq) {
            return Ok(*t);
        }
        let stmt = tx
            .prepare_cached(
                "SELECT server_time FROM changes WHERE institution_id = $1 AND server_seq = $2",
            )
            .await?;
        let t = match tx
            .query_opt(&stmt, &[&self.inst, &(server_seq as i64)])
            .await?
        {
            Some(r) => authority::local_time(&self.refs.timezone, parse_time(r.get::<_, &str>(0))?),
            None => None,
        };
        self.change_times.insert(server_seq, t);
        Ok(t)
    }

    /// Writes what the batch left pending and the heads it moved; called once, before the commit.
    async fn store(&mut self, tx: &Transaction<'_>) -> Result<(), StorageError> {
        self.writes.flush(tx, &self.inst).await?;
        if !self.devices_moved.is_empty() {
            let (mut ids, mut seqs, mut hashes, mut entries) = (vec![], vec![], vec![], vec![]);
            for id in &self.devices_moved {
                if let Some(d) = self.devices.get(id) {
                    ids.push(id.to_string());
                    seqs.push(d.last_seq as i64);
                    hashes.push(d.last_hash.clone());
                    entries.push(d.last_entry.as_ref().map(time_text));
                }
            }
            let stmt = tx
                .prepare_cached(
                    "UPDATE devices SET last_seq = u.s, last_hash = u.h, last_device_time = u.t
                     FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(id, s, h, t) WHERE devices.id = u.id",
                )
                .await?;
            tx.execute(&stmt, &[&ids, &seqs, &hashes, &entries]).await?;
        }
        let stmt = tx
            .prepare_cached(
                "UPDATE institutions SET last_server_seq = $2, audit_seq = $3, audit_hash = $4 WHERE id = $1",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &self.inst,
                &self.heads.server_seq,
                &self.heads.audit.seq,
                &self.heads.audit.hash,
            ],
        )
        .await?;
        Ok(())
    }
}

/// The rows an op's context reads: what the batch read for all its ops, the rest read on first
/// use (after writing what the batch left pending where the read must see it).
struct BatchRows<'a, 't> {
    tx: &'a Transaction<'t>,
    b: &'a mut PgBatch,
}

impl ContextRows for BatchRows<'_, '_> {
    fn refs(&self) -> &BatchRefs {
        &self.b.refs
    }

    async fn user(&mut self, id: UserId) -> Result<Option<User>, StorageError> {
        if let Some(u) = self.b.users.get(&id) {
            return Ok(u.clone());
        }
        let stmt = self
            .tx
            .prepare_cached("SELECT data::text FROM users WHERE institution_id = $1 AND id = $2")
            .await?;
        let user = match self
            .tx
            .query_opt(&stmt, &[&self.b.inst, &id.to_string()])
            .await?
        {
            Some(r) => Some(from_json::<User>(r.get::<_, &str>(0))?.in_force_on(self.b.refs.today)),
            None => None,
        };
        self.b.users.insert(id, user.clone());
        Ok(user)
    }

    async fn lesson(&mut self, id: LessonId) -> Result<Option<Lesson>, StorageError> {
        Ok(self.b.lessons.get(&id).cloned())
    }

    async fn work_type(&mut self, id: LessonId) -> Result<Option<WorkType>, StorageError> {
        Ok(self.b.work_types.get(&id).copied())
    }

    async fn memberships(&mut self, student: StudentId) -> Result<Vec<Membership>, StorageError> {
        Ok(self
            .b
            .memberships
            .get(&student)
            .cloned()
            .unwrap_or_default())
    }

    async fn cell(
        &mut self,
        lesson: LessonId,
        student: StudentId,
    ) -> Result<Option<Existing<CellValue>>, StorageError> {
        Ok(self.b.cells.get(&(lesson, student)).cloned())
    }

    async fn final_value(
        &mut self,
        key: FinalKey,
    ) -> Result<Option<Existing<FinalValue>>, StorageError> {
        if let Some(v) = self.b.finals.get(&key) {
            return Ok(v.clone());
        }
        let (load_id, period_id, student_id, column) = key;
        let stmt = self
            .tx
            .prepare_cached(
                "SELECT data::text, device_id, server_seq FROM finals WHERE institution_id = $1 AND load_id = $2 AND period_id = $3 AND student_id = $4 AND final_column = $5",
            )
            .await?;
        let v = match self
            .tx
            .query_opt(
                &stmt,
                &[
                    &self.b.inst,
                    &load_id.to_string(),
                    &period_id.to_string(),
                    &student_id.to_string(),
                    &column.as_str(),
                ],
            )
            .await?
        {
            Some(r) => Some(existing_final(r.get(0), r.get(1), r.get(2))?),
            None => None,
        };
        self.b.finals.insert(key, v.clone());
        Ok(v)
    }

    async fn curriculum_line(&mut self, key: &str) -> Result<Option<String>, StorageError> {
        let line = self
            .tx
            .query_opt(
                "SELECT data::text FROM ref_rows WHERE institution_id = $1 AND kind = $2 AND id = $3",
                &[&self.b.inst, &KIND_CURRICULUM, &key],
            )
            .await?;
        Ok(line.map(|r| r.try_get(0)).transpose()?)
    }

    async fn lock_list(&mut self, load: &Load, period: &Period) -> Result<LockList, StorageError> {
        let (tx, inst) = (self.tx, self.b.inst.as_str());
        // The batch's finals so far are written first.
        self.b.writes.flush(tx, inst).await?;
        let mut lessons: Vec<Lesson> = Vec::new();
        for r in tx
            .query(
                "SELECT data::text FROM lessons WHERE institution_id = $1 AND load_id = $2 AND date >= $3::text::date AND date <= $4::text::date",
                &[
                    &inst,
                    &load.id.to_string(),
                    &period.starts_on.to_string(),
                    &period.ends_on.to_string(),
                ],
            )
            .await?
        {
            lessons.push(from_json(r.get::<_, &str>(0))?);
        }
        let mut with_final: HashSet<String> = HashSet::new();
        for r in tx
            .query(
                "SELECT student_id FROM finals WHERE institution_id = $1 AND load_id = $2 AND period_id = $3 AND final_column = 'period'",
                &[&inst, &load.id.to_string(), &period.id.to_string()],
            )
            .await?
        {
            with_final.insert(r.get::<_, String>(0));
        }
        // Only the load's group's memberships count (`ref_rows.group_id`, migration 0025).
        let mut memberships: Vec<Membership> = Vec::new();
        for r in tx
            .query(
                "SELECT data::text FROM ref_rows WHERE institution_id = $1 AND kind = 'membership' AND group_id = $2 ORDER BY ordinal",
                &[&inst, &load.group_id.to_string()],
            )
            .await?
        {
            memberships.push(from_json(r.get::<_, &str>(0))?);
        }
        Ok(LockList {
            lessons,
            with_final,
            memberships,
            plans: batch_ref_rows(tx, inst, KIND_INDIVIDUAL_PLAN).await?,
        })
    }

    async fn remark(&mut self, id: uuid::Uuid) -> Result<Option<Remark>, StorageError> {
        if let Some(v) = self.b.remarks.get(&id) {
            return Ok(v.clone());
        }
        let stmt = self
            .tx
            .prepare_cached("SELECT data::text FROM remarks WHERE institution_id = $1 AND id = $2")
            .await?;
        let row = self
            .tx
            .query_opt(&stmt, &[&self.b.inst, &id.to_string()])
            .await?;
        let v = row
            .map(|r| from_json::<Remark>(r.get::<_, &str>(0)))
            .transpose()?;
        self.b.remarks.insert(id, v.clone());
        Ok(v)
    }

    async fn has_entries(&mut self, lesson: LessonId) -> Result<bool, StorageError> {
        // The batch's earlier entries count: they are written before the check reads.
        self.b.writes.flush(self.tx, &self.b.inst).await?;
        for table in ["cells", "lesson_topics", "homework"] {
            let stmt = self
                .tx
                .prepare_cached(&format!(
                    "SELECT 1 FROM {table} WHERE institution_id = $1 AND lesson_id = $2 LIMIT 1"
                ))
                .await?;
            if self
                .tx
                .query_opt(&stmt, &[&self.b.inst, &lesson.to_string()])
                .await?
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn lessons_on(&mut self, date: chrono::NaiveDate) -> Result<Vec<Lesson>, StorageError> {
        let stmt = self
            .tx
            .prepare_cached(
                "SELECT data::text FROM lessons WHERE institution_id = $1 AND date = $2::text::date",
            )
            .await?;
        let rows = self
            .tx
            .query(&stmt, &[&self.b.inst, &date.to_string()])
            .await?;
        rows.iter()
            .map(|r| from_json::<Lesson>(r.get::<_, &str>(0)))
            .collect()
    }

    async fn user_on_device(
        &mut self,
        device: DeviceId,
        user: UserId,
    ) -> Result<bool, StorageError> {
        Ok(self.b.device_users.contains(&(device, user)))
    }

    async fn change_time(
        &mut self,
        server_seq: u64,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        self.b.change_time(self.tx, server_seq).await
    }
}

/// Writes an applied op's row (pending in `b.writes`, or directly after flushing what is
/// pending, so the rows are written in the ops' order) and notes it where later ops of the batch
/// read it.
async fn write_row(
    tx: &Transaction<'_>,
    op: &Op,
    write: RowWrite,
    server_seq: i64,
    b: &mut PgBatch,
) -> Result<(), StorageError> {
    let row = |data: String| ContentRow {
        data,
        device_id: op.device_id.to_string(),
        server_seq,
    };
    match write {
        RowWrite::Cell(cell) => {
            b.writes.cells.insert(
                (cell.lesson_id.to_string(), cell.student_id.to_string()),
                row(to_json(&cell)?),
            );
            let entered = Entered {
                author_id: cell.author_id,
                at: cell.entered_at,
            };
            b.cells.insert(
                (cell.lesson_id, cell.student_id),
                written(cell.value, entered, op, server_seq),
            );
        }
        RowWrite::Topic(topic) => {
            b.writes.topics.insert(
                (topic.lesson_id.to_string(), i64::from(topic.hour)),
                row(to_json(&topic)?),
            );
            if topic.hour == 1 {
                b.work_types.insert(topic.lesson_id, topic.work_type);
            }
        }
        RowWrite::Homework(hw) => {
            b.writes
                .homework
                .insert(hw.lesson_id.to_string(), row(to_json(&hw)?));
        }
        RowWrite::Final(f) => {
            let key = (
                f.load_id.to_string(),
                f.period_id.to_string(),
                f.student_id.to_string(),
                f.column.as_str(),
            );
            b.writes.finals.insert(key, Some(row(to_json(&f)?)));
            let entered = Entered {
                author_id: f.author_id,
                at: f.entered_at,
            };
            b.finals.insert(
                (f.load_id, f.period_id, f.student_id, f.column),
                Some(written(f.value, entered, op, server_seq)),
            );
        }
        RowWrite::FinalRemoved {
            load_id,
            period_id,
            student_id,
            column,
        } => {
            let key = (
                load_id.to_string(),
                period_id.to_string(),
                student_id.to_string(),
                column.as_str(),
            );
            b.writes.finals.insert(key, None);
            b.finals
                .insert((load_id, period_id, student_id, column), None);
        }
        RowWrite::Lock(lock) => {
            b.writes.flush(tx, &b.inst).await?;
            tx.execute(
                "INSERT INTO locks (institution_id, load_id, period_id, data) VALUES ($1, $2, $3, $4::text::jsonb) ON CONFLICT DO NOTHING",
                &[&b.inst, &lock.load_id.to_string(), &lock.period_id.to_string(), &to_json(&lock)?],
            )
            .await?;
        }
        RowWrite::Unlock { load_id, period_id } => {
            b.writes.flush(tx, &b.inst).await?;
            tx.execute(
                "DELETE FROM locks WHERE institution_id = $1 AND load_id = $2 AND period_id = $3",
                &[&b.inst, &load_id.to_string(), &period_id.to_string()],
            )
            .await?;
        }
        RowWrite::Remark(r) => {
            b.writes.flush(tx, &b.inst).await?;
            tx.execute(
                "UPDATE remarks SET data = $3::text::jsonb WHERE institution_id = $1 AND id = $2",
                &[&b.inst, &r.id.to_string(), &to_json(&r)?],
            )
            .await?;
            b.remarks.insert(r.id, Some(r));
        }
        RowWrite::Lessons(lessons) => {
            b.writes.flush(tx, &b.inst).await?;
            for lesson in lessons {
                tx.execute(
                    "INSERT INTO lessons (institution_id, id, load_id, date, data) VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb)
                     ON CONFLICT (institution_id, id) DO UPDATE SET date = excluded.date, data = excluded.data",
                    &[
                        &b.inst,
                        &lesson.id.to_string(),
                        &lesson.load_id.to_string(),
                        &lesson.date.to_string(),
                        &to_json(&lesson)?,
                    ],
                )
                .await?;
                // The batch's later ops read the lesson as it is now.
                b.lessons.insert(lesson.id, lesson);
            }
            reference::bump_reference_version(&**tx, &b.inst).await?;
        }
    }
    Ok(())
}

/// One op of the batch, decided against what the batch read; its rows are written with the
/// batch's.
async fn push_one(
    tx: &Transaction<'_>,
    op: &Op,
    pre: Option<&PreVerified>,
    b: &mut PgBatch,
    received_at: NaiveDateTime,
) -> Result<OpResult, StorageError> {
    // 1. The same op again: its stored outcome.
    if let Some(known) = b.known_ops.get(&op.op_id) {
        return known_answer(op, &b.inst, known);
    }
    // 2. The device and its chain.
    let place = match enter_chain(
        op,
        &b.inst,
        b.devices.get_mut(&op.device_id),
        pre,
        b.refs.received_local,
    ) {
        Ok(place) => place,
        Err(refusal) => return Ok(*refusal),
    };
    b.devices_moved.insert(op.device_id);
    let (decision, ctx) = decide(op, &place, &mut BatchRows { tx, b: &mut *b }).await?;
    let OpRecord {
        outcome,
        outcome_json,
        server_seq,
        applied,
        audit,
    } = record(
        op,
        &b.inst,
        decision,
        ctx,
        received_at,
        &mut b.refs,
        &mut b.heads,
    )?;
    if let (Some(change), Some(seq)) = (applied, server_seq) {
        if let Some(write) = change.write {
            write_row(tx, op, write, seq, b).await?;
        }
        b.writes.changes.push(change.change);
        b.writes.change_loads.push(change.load_id.to_string());
    }
    b.writes.ops.push((
        op.op_id.to_string(),
        op.device_id.to_string(),
        op.device_seq as i64,
        op.hash.clone(),
        outcome_json.clone(),
        server_seq,
    ));
    b.known_ops.insert(
        op.op_id,
        KnownOp {
            institution_id: b.inst.clone(),
            hash: op.hash.clone(),
            outcome: outcome_json,
            server_seq,
        },
    );
    b.writes.audit.push(audit);
    Ok(OpResult {
        op_id: op.op_id,
        outcome,
        expected_seq: None,
    })
}

/// The registered keys of the ops' devices (device → hex key), read before the batch's
/// transaction for [`preverify`].
async fn device_keys<C: GenericClient>(
    c: &C,
    ops: &[Op],
) -> Result<HashMap<DeviceId, String>, StorageError> {
    let ids = id_strings(ops.iter().map(|o| o.device_id));
    let rows = c
        .query(
            "SELECT id, public_key FROM devices WHERE id = ANY($1::text[]) AND public_key IS NOT NULL",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((parse_id(r.get::<_, &str>(0))?, r.get::<_, String>(1))))
        .collect()
}

/// The rows of an institution's snapshot, read in one repeatable-read transaction; content in
/// its keys' order.
struct SnapshotRead<'a, 't> {
    tx: &'a Transaction<'t>,
    inst: &'a str,
    /// The institution's last server_seq, read with its record: the snapshot's cursor.
    server_seq: i64,
}

impl SnapshotRows for SnapshotRead<'_, '_> {
    async fn institution(&mut self) -> Result<(Institution, AcademicYear), StorageError> {
        let row = self
            .tx
            .query_one(
                "SELECT data, year, last_server_seq FROM institutions WHERE id = $1",
                &[&self.inst],
            )
            .await?;
        self.server_seq = row.get(2);
        Ok((
            from_json(row.get::<_, &str>(0))?,
            from_json(row.get::<_, &str>(1))?,
        ))
    }

    async fn ref_rows<T: DeserializeOwned>(&mut self, kind: &str) -> Result<Vec<T>, StorageError> {
        ref_rows(&**self.tx, self.inst, kind).await
    }

    async fn content<T: DeserializeOwned>(
        &mut self,
        table: ContentTable,
    ) -> Result<Vec<T>, StorageError> {
        let sql = match table {
            ContentTable::Users => {
                "SELECT data::text FROM users WHERE institution_id = $1 ORDER BY login"
            }
            ContentTable::Lessons => {
                "SELECT data::text FROM lessons WHERE institution_id = $1 ORDER BY date, id"
            }
            ContentTable::LessonTopics => {
                "SELECT data::text FROM lesson_topics WHERE institution_id = $1 ORDER BY lesson_id, hour"
            }
            ContentTable::Homework => {
                "SELECT data::text FROM homework WHERE institution_id = $1 ORDER BY lesson_id"
            }
            ContentTable::Cells => {
                "SELECT data::text FROM cells WHERE institution_id = $1 ORDER BY lesson_id, student_id"
            }
            ContentTable::Finals => {
                "SELECT data FROM finals WHERE institution_id = $1 ORDER BY load_id, period_id, student_id, final_column"
            }
            ContentTable::Locks => {
                "SELECT data::text FROM locks WHERE institution_id = $1 ORDER BY load_id, period_id"
            }
            ContentTable::Remarks => {
                "SELECT data::text FROM remarks WHERE institution_id = $1 ORDER BY id"
            }
        };
        let rows = self.tx.query(sql, &[&self.inst]).await?;
        rows.iter()
            .map(|r| from_json(r.get::<_, &str>(0)))
            .collect()
    }

    async fn unlocks(&mut self) -> Result<Vec<(String, String, String)>, StorageError> {
        Ok(self
            .tx
            .query(
                "SELECT author_id, device_time, payload FROM changes
                 WHERE institution_id = $1 AND kind = $2 ORDER BY server_seq",
                &[&self.inst, &super::reopenings::UNLOCK_KIND],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}

#[async_trait]
impl Storage for PostgresStorage {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn import_institution(
        &self,
        snap: Snapshot,
        password_hashes: Vec<(UserId, String)>,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let hashes: HashMap<UserId, String> = password_hashes.into_iter().collect();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = snap.institution.id.to_string();
        if tx
            .query_opt("SELECT 1 FROM institutions WHERE id = $1", &[&inst])
            .await?
            .is_some()
        {
            return Err(StorageError::AlreadyInitialised(
                snap.institution.name.clone(),
            ));
        }
        tx.execute(
            "INSERT INTO institutions (id, data, year) VALUES ($1, $2, $3)",
            &[&inst, &to_json(&snap.institution)?, &to_json(&snap.year)?],
        )
        .await?;
        put_ref_rows(&*tx, &inst, &snap).await?;
        for table in imported_rows(&snap, &hashes)? {
            let sql = table.insert_sql(
                |n| format!("${n}"),
                |ty| match ty {
                    ColumnType::Text | ColumnType::Int => "",
                    ColumnType::Date => "::text::date",
                    ColumnType::Json => "::text::jsonb",
                },
            );
            let ins = tx.prepare(&sql).await?;
            for row in &table.rows {
                let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&inst];
                params.extend(row.iter().map(|v| match v {
                    Value::Text(s) => s as &(dyn tokio_postgres::types::ToSql + Sync),
                    Value::Int(n) => n,
                }));
                tx.execute(&ins, &params).await?;
            }
        }
        append_audit(
            &*tx,
            &inst,
            "init",
            None,
            None,
            None,
            now,
            inst.clone(),
            init_detail(&snap)?,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StorageError> {
        let client = self.pool.get().await?;
        user_by(&**client, true, login).await
    }

    async fn account_by_id(&self, user_id: UserId) -> Result<Option<Account>, StorageError> {
        let client = self.pool.get().await?;
        user_by(&**client, false, &user_id.to_string()).await
    }

    async fn login_failures(&self, login: &str) -> Result<LoginFailures, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT count, locked_until FROM login_failures WHERE login = $1",
                &[&login],
            )
            .await?;
        Ok(match row {
            Some(r) => {
                let until: Option<String> = r.get(1);
                LoginFailures {
                    count: r.get::<_, i64>(0) as u32,
                    locked_until: until.as_deref().map(parse_time).transpose()?,
                }
            }
            None => LoginFailures::default(),
        })
    }

    async fn record_login_failure(
        &self,
        login: &str,
        now: NaiveDateTime,
        max_failures: u32,
        lockout: chrono::Duration,
    ) -> Result<LoginFailures, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let count: i64 = tx
            .query_one(
                "INSERT INTO login_failures (login, count) VALUES ($1, 1)
                 ON CONFLICT (login) DO UPDATE SET count = login_failures.count + 1 RETURNING count",
                &[&login],
            )
            .await?
            .get(0);
        let locked_until = (count as u32 >= max_failures).then(|| now + lockout);
        if let Some(until) = locked_until {
            tx.execute(
                "UPDATE login_failures SET locked_until = $2 WHERE login = $1",
                &[&login, &time_text(&until)],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(LoginFailures {
            count: count as u32,
            locked_until,
        })
    }

    async fn clear_login_failures(&self, login: &str) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute("DELETE FROM login_failures WHERE login = $1", &[&login])
            .await?;
        Ok(())
    }

    async fn register_device(
        &self,
        institution_id: InstitutionId,
        device_id: DeviceId,
        user_id: UserId,
        public_key: Option<[u8; 32]>,
    ) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        let dev = device_id.to_string();
        let key_hex = public_key.map(hex::encode);
        // Insert first (no-op if present), then lock the row: two logins of one device take turns.
        tx.execute(
            "INSERT INTO devices (id, institution_id, public_key, given_seq) VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING",
            &[&dev, &inst, &key_hex],
        )
        .await?;
        let row = tx
            .query_one(
                "SELECT institution_id, public_key FROM devices WHERE id = $1 FOR UPDATE",
                &[&dev],
            )
            .await?;
        let (dev_inst, existing): (String, Option<String>) = (row.get(0), row.get(1));
        if dev_inst != inst {
            return Err(StorageError::DeviceOtherInstitution);
        }
        match existing {
            Some(existing) => {
                if key_hex.as_ref().is_some_and(|k| *k != existing) {
                    return Err(StorageError::DeviceKeyMismatch);
                }
            }
            None => {
                if key_hex.is_some() {
                    tx.execute(
                        "UPDATE devices SET public_key = $2 WHERE id = $1",
                        &[&dev, &key_hex],
                    )
                    .await?;
                }
            }
        }
        tx.execute(
            "INSERT INTO device_users (device_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&dev, &user_id.to_string()],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        session: Session,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        lock_institution(&*tx, &session.institution_id.to_string()).await?;
        tx.execute(
            "DELETE FROM sessions WHERE expires_at < $1",
            &[&time_text(&now)],
        )
        .await?;
        tx.execute(
            "INSERT INTO sessions (token_hash, institution_id, user_id, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &token_hash,
                &session.institution_id.to_string(),
                &session.user_id.to_string(),
                &session.device_id.to_string(),
                &time_text(&now),
                &time_text(&session.expires_at),
            ],
        )
        .await?;
        append_audit(
            &*tx,
            &session.institution_id.to_string(),
            "login",
            Some(session.user_id.to_string()),
            Some(session.device_id.to_string()),
            None,
            now,
            session.user_id.to_string(),
            "{}".into(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT institution_id, user_id, device_id, expires_at FROM sessions WHERE token_hash = $1",
                &[&token_hash],
            )
            .await?;
        row.map(|r| {
            Ok(Session {
                institution_id: parse_id(r.get::<_, &str>(0))?,
                user_id: parse_id(r.get::<_, &str>(1))?,
                device_id: parse_id(r.get::<_, &str>(2))?,
                expires_at: parse_time(r.get::<_, &str>(3))?,
            })
        })
        .transpose()
    }

    async fn record_given(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        server_seq: u64,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        // The condition keeps it a no-op (no row version written) when the mark is already there.
        client
            .execute(
                "UPDATE devices SET given_seq = $3 WHERE id = $1 AND institution_id = $2 AND (given_seq IS NULL OR given_seq < $3)
                 AND EXISTS (SELECT 1 FROM device_users u WHERE u.device_id = devices.id AND u.user_id = $4)",
                &[&device_id.to_string(), &institution_id.to_string(), &(server_seq as i64), &user_id.to_string()],
            )
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
            .await?;
        Ok(())
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
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        lock_institution(&*tx, &institution_id.to_string()).await?;
        let user = user_id.to_string();
        tx.execute(
            "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1",
            &[&user, &password_hash, &must_change],
        )
        .await?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
            &[&user, &keep_token_hash],
        )
        .await?;
        append_audit(
            &*tx,
            &institution_id.to_string(),
            "password_change",
            Some(user.clone()),
            None,
            None,
            now,
            user,
            "{}".into(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn push(
        &self,
        institution_id: InstitutionId,
        ops: Vec<Op>,
        received_at: NaiveDateTime,
    ) -> Result<Vec<OpResult>, StorageError> {
        let mut client = self.pool.get().await?;
        // Signatures are checked first, in one batch verification off the async threads and
        // before the institution is locked, so concurrent pushes verify in parallel.
        let keys = device_keys(&**client, &ops).await?;
        let ops = Arc::new(ops);
        let pre = {
            let ops = ops.clone();
            tokio::task::spawn_blocking(move || preverify(&ops, &keys))
                .await
                .map_err(|_| StorageError::TaskFailed)?
        };
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        let mut batch = PgBatch::read(&tx, &inst, &ops, received_at).await?;
        let mut results = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let pre = pre.get(i).and_then(Option::as_ref);
            results.push(push_one(&tx, op, pre, &mut batch, received_at).await?);
        }
        batch.store(&tx).await?;
        tx.commit().await?;
        Ok(results)
    }

    async fn pull(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        after: u64,
        limit: u32,
        today: chrono::NaiveDate,
    ) -> Result<PullPage, StorageError> {
        let client = self.pool.get().await?;
        let c: &tokio_postgres::Client = &client;
        let inst = institution_id.to_string();
        let policy = institution(c, &inst).await?.policy;
        let user = user_by(c, false, &user_id.to_string())
            .await?
            .map(|a| a.user.in_force_on(today))
            .ok_or_else(|| StorageError::Corrupt(format!("пользователь {user_id} не найден")))?;
        let loads: Vec<Load> = ref_rows(c, &inst, KIND_LOAD).await?;
        let mut memberships = Vec::new();
        for g in &user.grants {
            if let Some(sid) = g.student_id {
                memberships.extend(memberships_of(c, &inst, &sid.to_string()).await?);
            }
        }
        let readable = authority::readable_loads(&user, &loads, &memberships, &policy);
        let rows = c
            .query(
                &format!(
                    "SELECT server_seq, op_id, load_id, author_id, device_id, device_time, server_time, payload
                     FROM changes WHERE institution_id = $1 AND server_seq > $2
                       AND ($3::text[] IS NULL OR load_id = ANY($3::text[]) OR {})
                     ORDER BY server_seq LIMIT $4",
                    pull_page::last_change_sql("$1")
                ),
                &[
                    &inst,
                    &(after as i64),
                    &pull_page::readable_ids(readable.as_ref()),
                    &(i64::from(limit) + 1),
                ],
            )
            .await?;
        let mut kept = Vec::with_capacity(rows.len());
        for r in &rows {
            let load_id: LoadId = parse_id(r.get::<_, &str>(2))?;
            kept.push((
                load_id,
                Change {
                    server_seq: r.get::<_, i64>(0) as u64,
                    op_id: parse_id(r.get::<_, &str>(1))?,
                    author_id: parse_id(r.get::<_, &str>(3))?,
                    device_id: parse_id(r.get::<_, &str>(4))?,
                    device_time: parse_time(r.get::<_, &str>(5))?,
                    server_time: parse_time(r.get::<_, &str>(6))?,
                    payload: from_json(r.get::<_, &str>(7))?,
                },
            ));
        }
        let (changes, next_after, has_more) =
            pull_page::page(after, limit, readable.as_ref(), kept);
        Ok(PullPage {
            changes,
            next_after,
            has_more,
            reference_version: reference::reference_version(c, &inst).await?,
        })
    }

    async fn snapshot(
        &self,
        institution_id: InstitutionId,
    ) -> Result<(Snapshot, u64), StorageError> {
        let mut client = self.pool.get().await?;
        // One repeatable-read transaction: the snapshot and its cursor see one committed state.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let inst = institution_id.to_string();
        let mut rows = SnapshotRead {
            tx: &tx,
            inst: &inst,
            server_seq: 0,
        };
        let snap = snapshot_rows::snapshot(&mut rows).await?;
        let seq = rows.server_seq;
        tx.commit().await?;
        Ok((snap, seq as u64))
    }

    async fn append_admin_action(
        &self,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        append_admin_audit(&*tx, &action.institution_id.to_string(), &action, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn institutions(&self) -> Result<Vec<(InstitutionId, u64)>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT id, last_server_seq FROM institutions ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((parse_id(r.get::<_, &str>(0))?, r.get::<_, i64>(1) as u64)))
            .collect()
    }

    async fn apply_reference(
        &self,
        snap: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = snap.institution.id.to_string();
        if inst != action.institution_id.to_string() {
            return Err(StorageError::Corrupt(
                "импорт относится к другому учреждению".to_string(),
            ));
        }
        // The institution's row lock: pushes of this institution wait for the import.
        tx.query_one(
            "SELECT 1 FROM institutions WHERE id = $1 FOR UPDATE",
            &[&inst],
        )
        .await?;
        tx.execute("DELETE FROM ref_rows WHERE institution_id = $1", &[&inst])
            .await?;
        put_ref_rows(&*tx, &inst, &snap).await?;
        reference::bump_reference_version(&*tx, &inst).await?;
        let ins = tx
            .prepare(
                "INSERT INTO users (id, institution_id, login, data, password_hash) VALUES ($1, $2, $3, $4::text::jsonb, '')
                 ON CONFLICT (id) DO UPDATE SET login = excluded.login, data = excluded.data",
            )
            .await?;
        for u in &snap.users {
            tx.execute(&ins, &[&u.id.to_string(), &inst, &u.login, &to_json(u)?])
                .await?;
        }
        let ins = tx
            .prepare(
                "INSERT INTO lessons (institution_id, id, load_id, date, data) VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb)
                 ON CONFLICT (institution_id, id) DO UPDATE SET load_id = excluded.load_id, date = excluded.date, data = excluded.data",
            )
            .await?;
        for l in &snap.lessons {
            tx.execute(
                &ins,
                &[
                    &inst,
                    &l.id.to_string(),
                    &l.load_id.to_string(),
                    &l.date.to_string(),
                    &to_json(l)?,
                ],
            )
            .await?;
        }
        // Lessons the snapshot no longer has (a new timetable replaced them) go, unless journal
        // entries refer to them: those stay whatever the snapshot says.
        let keep: Vec<String> = snap.lessons.iter().map(|l| l.id.to_string()).collect();
        tx.execute(
            "DELETE FROM lessons l WHERE l.institution_id = $1 AND NOT (l.id = ANY($2::text[]))
               AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.institution_id = $1 AND c.lesson_id = l.id)
               AND NOT EXISTS (SELECT 1 FROM lesson_topics t WHERE t.institution_id = $1 AND t.lesson_id = l.id)
               AND NOT EXISTS (SELECT 1 FROM homework h WHERE h.institution_id = $1 AND h.lesson_id = l.id)",
            &[&inst, &keep],
        )
        .await?;
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn backup_to(&self, dir: &Path) -> Result<Vec<String>, StorageError> {
        let mut client = self.pool.get().await?;
        // One repeatable-read transaction: every table's dump sees the same committed state.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let mut files = Vec::new();
        for table in super::TABLES {
            // A database at an older schema (a storage opened at a given migration count) has no
            // table of a later migration: no file, which a restore reads as an empty table.
            let exists: bool = tx
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[table])
                .await?
                .get(0);
            if !exists {
                continue;
            }
            let row = tx
                .query_one(
                    &format!("SELECT COALESCE(json_agg(t), '[]'::json)::text FROM {table} t"),
                    &[],
                )
                .await?;
            let name = format!("{table}.json");
            std::fs::write(dir.join(&name), row.get::<_, &str>(0))
                .map_err(|e| StorageError::Corrupt(format!("файл «{name}»: {e}")))?;
            files.push(name);
        }
        tx.commit().await?;
        Ok(files)
    }

    async fn restore_from(&self, dir: &Path) -> Result<(), StorageError> {
        let mut dumps = Vec::new();
        for table in super::TABLES {
            let name = format!("{table}.json");
            let path = dir.join(&name);
            // A copy made before a table existed (messages, events, contacts came later) has no
            // file for it: that table was empty then. The signed manifest guards the rest.
            let text = if path.exists() || super::FIRST_TABLES.contains(table) {
                std::fs::read_to_string(&path)
                    .map_err(|e| StorageError::Corrupt(format!("файл «{name}»: {e}")))?
            } else {
                "[]".to_string()
            };
            dumps.push((*table, text));
        }
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.batch_execute(&format!("TRUNCATE {} CASCADE", super::TABLES.join(", ")))
            .await?;
        for (table, text) in &dumps {
            // Generated columns (migration 0025) are computed, never inserted.
            let columns: Vec<String> = tx
                .query(
                    "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::text::regclass
                     AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                    &[table],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let columns = columns.join(", ");
            tx.execute(
                &format!(
                    "INSERT INTO {table} ({columns}) SELECT {columns} FROM json_populate_recordset(NULL::{table}, $1::text::json)"
                ),
                &[text],
            )
            .await?;
        }
        // A copy made before migration 0025 holds these columns as JSON text, which lands as a
        // jsonb string: parsed into the object it spells.
        for table in JSONB_DATA_TABLES {
            tx.execute(
                &format!(
                    "UPDATE {table} SET data = (data #>> '{{}}')::jsonb WHERE jsonb_typeof(data) = 'string'"
                ),
                &[],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(
        &self,
        institution_id: InstitutionId,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let client = self.pool.get().await?;
        let inst = institution_id.to_string();
        let rows = client
            .query(
                &format!("SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = $1 AND kind = $2 ORDER BY seq DESC LIMIT $3"),
                &[&inst, &kind, &i64::from(limit)],
            )
            .await?;
        let out = audit_entries(&rows, &inst)?;
        Ok(out)
    }

    async fn previous_change(
        &self,
        institution_id: InstitutionId,
        load_id: &str,
        target: &str,
        before_seq: u64,
    ) -> Result<Option<String>, StorageError> {
        let client = self.pool.get().await?;
        let (inst, load) = (institution_id.to_string(), load_id.to_string());
        let before = before_seq as i64;
        let row = client
            .query_opt(
                "SELECT payload FROM changes WHERE institution_id = $1 AND target = $2 AND server_seq < $3 AND load_id = $4
                 ORDER BY server_seq DESC LIMIT 1",
                &[&inst, &target, &before, &load],
            )
            .await?;
        Ok(row.map(|r| r.get::<_, String>(0)))
    }

    async fn audit_page(
        &self,
        institution_id: InstitutionId,
        query: &super::AuditQuery,
    ) -> Result<(u64, Vec<AuditEntry>), StorageError> {
        let client = self.pool.get().await?;
        let inst = institution_id.to_string();
        let (cond, args) = query.conditions(2, '$');
        let (limit, offset) = (i64::from(query.limit), query.offset as i64);
        let mut binds: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&inst];
        for a in &args {
            binds.push(a);
        }
        let total: i64 = client
            .query_one(
                &format!("SELECT COUNT(*) FROM audit WHERE institution_id = $1{cond}"),
                &binds,
            )
            .await?
            .get(0);
        binds.push(&limit);
        binds.push(&offset);
        let n = binds.len();
        let rows = client
            .query(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = $1{cond} ORDER BY seq DESC LIMIT ${} OFFSET ${n}",
                    n - 1
                ),
                &binds,
            )
            .await?;
        let out = audit_entries(&rows, &inst)?;
        Ok((total as u64, out))
    }

    async fn audit_verify(&self) -> Result<AuditReport, StorageError> {
        let client = self.pool.get().await?;
        let heads = client
            .query(
                "SELECT id, audit_seq, audit_hash FROM institutions ORDER BY id",
                &[],
            )
            .await?;
        let mut report = AuditReport {
            entries_checked: 0,
            problems: Vec::new(),
        };
        for head in heads {
            let (inst, head_seq, head_hash): (String, i64, String) =
                (head.get(0), head.get(1), head.get(2));
            let rows = client
                .query(
                    &format!(
                        "SELECT {AUDIT_COLUMNS} FROM audit WHERE institution_id = $1 ORDER BY seq"
                    ),
                    &[&inst],
                )
                .await?;
            let entries = audit_entries(&rows, &inst)?;
            report.entries_checked += entries.len() as u64;
            let head = (head_seq > 0).then_some((head_seq as u64, head_hash));
            report.problems.extend(verify_chain(&inst, &entries, head));
            let mut stored = Vec::new();
            let finals_sql = format!("SELECT {FINAL_TARGET_SQL}, data, server_seq FROM finals WHERE institution_id = $1 AND server_seq IS NOT NULL");
            for sql in [
                "SELECT 'cell:' || lesson_id || ':' || student_id, data::text, server_seq FROM cells WHERE institution_id = $1 AND server_seq IS NOT NULL",
                finals_sql.as_str(),
            ] {
                for r in client.query(sql, &[&inst]).await? {
                    stored.push(StoredValue {
                        target: r.get(0),
                        data: r.get(1),
                        server_seq: r.get::<_, Option<i64>>(2).map(|s| s as u64),
                    });
                }
            }
            report
                .problems
                .extend(crate::audit::verify_values(&inst, &entries, &stored));
        }
        Ok(report)
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
        let client = self.pool.get().await?;
        let c: &tokio_postgres::Client = &client;
        reference::reference_version(c, &institution_id.to_string()).await
    }

    async fn snapshot_version(
        &self,
        institution_id: InstitutionId,
    ) -> Result<SnapshotVersion, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                "SELECT last_server_seq, reference_version FROM institutions WHERE id = $1",
                &[&institution_id.to_string()],
            )
            .await?;
        Ok(SnapshotVersion {
            server_seq: row.get::<_, i64>(0).max(0) as u64,
            reference_version: row.get::<_, i64>(1).max(0) as u64,
        })
    }

    async fn reference_turn(
        &self,
        institution_id: InstitutionId,
    ) -> Result<ReferenceTurn, StorageError> {
        // A session advisory lock on a connection taken out of the pool: every server process over
        // this database waits for it, and it ends with that connection, so whatever happens to the
        // turn (a dropped request, a panic) no pooled connection is ever left holding it.
        let client = deadpool_postgres::Object::take(self.pool.get().await?);
        let id = institution_id.0.as_bytes();
        let key = i64::from_be_bytes([id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]]);
        client
            .execute("SELECT pg_advisory_lock($1)", &[&key])
            .await?;
        Ok(ReferenceTurn::new(client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shipped migrations are append-only (see the SQLite twin of this test).
    #[test]
    fn shipped_migrations_never_change() {
        use sha2::{Digest, Sha256};
        let pinned: &[&str] = &[
            "92175cfca36dd4f61cd89eb84e63200f777d72998a5edeb1935853f5229b5bb1",
            "43566a74113699837a62b587b737e48de9f2e2c59061db319af61f17a04e1112",
            "0b81e5e55a8904ad9d7a0a02cf136a664ac089c14965d0674334a9ca2e75314b",
            "8a531c499b078a01eec5f9e617d473f859798ac5570811c61a053cc19d7873bf",
            "7c0737a52232db57299dc3533d6c206e2d78b456d0cac4277a91cac592d3b320",
            "b216baf9196363297933710fb31ec210658611808e5ebf6fde729784883da8d8",
            "849b658d67d0ba666671e9d4b5ece9129d887633e9733d13e80904197ddb3ad4",
            "721be700c002737c300b583746d59ccbad528df4ced7e31a41530821fb7af5cd",
            "b630127b6208b3eca177bb846605dd2a5406c64b690e4afd33c0d6ca509c7c4a",
            "2992bce402b4ed4904556f25b3a3b5210cd5b8f601971e3824d8974bc2a1f8c7",
            "adbdebe18172a9571fb401632e6e9155b554c8811e489805a8f3ded579083464",
            "12c513731ca48fdb9db48df1736a8e3aeadafc41449731338daf3950633935de",
            "5c0ca80a0a5ba3429e64969dacce99c8211d58f577c2eb5769c47320c6cd37b8",
            "89c87e60e87e4e79f5170c853569542c42211185d6d6035742bbc446ca4c58dd",
            "95c9a8d9dc50cd5cc1a3434b3f6f2f7495a3645bd6a83bdae36fe666ec1ba5a8",
            "98c31cf285740500ed7be9e31eb833297ad56b487a88da91d8150094f914193b",
            // pg_0025_typed_columns.sql
            "db74f59b03b82ce29975336d7a6fc0b47c6fe912a652d7caeefa583573d7e1c9",
            // pg_0026_health_sheet.sql
            "2bfd5aa49fafe0c0a55cd94de7afe8990c2bd9e0b637c318c015137ebe3bd015",
            "bef0c676d9d2a42f9f26af26d9b80b8e6863cecc8dab19a3e32074a76fab5a16",
            // pg_0028_mark_notices_and_smtp.sql
            "7075fbcd5fa6ae92be7edf7891449fa298cd639b104e513db40ef57a776cbb9f",
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
                "shipped PostgreSQL migration #{} changed its text; add a new one",
                i + 1
            );
        }
    }
}
