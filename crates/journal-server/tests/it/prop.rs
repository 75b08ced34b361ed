//! Property: whatever the delivery order — duplicated, reordered, interleaved batches from several
//! devices — every op ends with one stable outcome, pushing it again changes nothing, and the
//! institution's server_seq stays gap-free with exactly one change per applied op.

use std::collections::HashMap;
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, OpId};
use journal_protocol::{Op, OpOutcome};
use journal_server::dto::OpResult;
use journal_server::{PostgresStorage, SqliteStorage, Storage};
use proptest::prelude::*;
use uuid::Uuid;

use crate::support::{set_cell, today, Backend, Device};

struct World {
    storage: Arc<dyn Storage>,
    snapshot: journal_protocol::Snapshot,
    inst: journal_core::InstitutionId,
    _dir: tempfile::TempDir,
}

async fn world(backend: Backend) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage: Arc<dyn Storage> = match backend {
        Backend::Sqlite => {
            Arc::new(SqliteStorage::open(&dir.path().join("p.db")).expect("storage opens"))
        }
        Backend::Postgres => Arc::new(
            PostgresStorage::connect(&crate::pg::fresh_database().await)
                .await
                .expect("PostgreSQL storage connects"),
        ),
    };
    let snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    journal_server::demo::load_institution(storage.as_ref(), snapshot.clone(), "demo")
        .await
        .expect("demo loads");
    World {
        inst: snapshot.institution.id,
        storage,
        snapshot,
        _dir: dir,
    }
}

/// One delivery: which device, which of its ops (indices, possibly repeated and out of order).
type Delivery = (usize, Vec<usize>);

fn deliveries(devices: usize, ops_per_device: usize) -> impl Strategy<Value = Vec<Delivery>> {
    prop::collection::vec(
        (0..devices, prop::collection::vec(0..ops_per_device, 1..6)),
        1..12,
    )
}

const DEVICES: usize = 3;
const OPS: usize = 6;

fn outcome_key(r: &OpResult) -> String {
    match &r.outcome {
        OpOutcome::Applied { server_seq }
        | OpOutcome::Duplicate {
            server_seq: Some(server_seq),
        } => {
            format!("applied:{server_seq}")
        }
        OpOutcome::Duplicate { server_seq: None } => "duplicate-without-seq".into(),
        OpOutcome::Rejected { code, .. } => format!("rejected:{code}"),
        OpOutcome::Conflict { .. } => "conflict".into(),
    }
}

/// Answers that do not enter the device's chain: the device must send again from expected_seq.
fn transient(r: &OpResult) -> bool {
    matches!(&r.outcome, OpOutcome::Rejected { code, .. } if code == "sequence_gap")
}

async fn run_case(
    backend: Backend,
    plan: Vec<Delivery>,
    values: Vec<u8>,
) -> Result<(), TestCaseError> {
    let w = world(backend).await;
    let teacher = w
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "teacher")
        .map(|u| u.id)
        .expect("demo teacher");
    let load_ids: Vec<_> = w
        .snapshot
        .loads
        .iter()
        .filter(|l| l.teacher_id == teacher)
        .map(|l| l.id)
        .collect();
    let lesson = w
        .snapshot
        .lessons
        .iter()
        .find(|l| l.date == today() && load_ids.contains(&l.load_id))
        .expect("teacher has a lesson today")
        .clone();
    let load = w
        .snapshot
        .loads
        .iter()
        .find(|l| l.id == lesson.load_id)
        .expect("the lesson's load");
    let students: Vec<_> = w
        .snapshot
        .memberships
        .iter()
        .filter(|m| {
            m.group_id == load.group_id
                && m.from <= lesson.date
                && m.to.is_none_or(|t| lesson.date <= t)
        })
        .map(|m| m.student_id)
        .take(4)
        .collect();
    let bell = w
        .snapshot
        .bells
        .iter()
        .find(|b| b.number == lesson.bell_number)
        .expect("bell");
    let at = lesson.date.and_time(bell.starts) + chrono::Duration::minutes(5);

    // Three devices of the same teacher, each with OPS ops on a few shared cells, so that
    // merges and conflicts happen too.
    let mut chains: Vec<Vec<Op>> = Vec::new();
    for d in 0..DEVICES {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let id = DeviceId(Uuid::new_v4());
        w.storage
            .register_device(w.inst, id, teacher, Some(key.verifying_key().to_bytes()))
            .await
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut dev = Device {
            id,
            key,
            user_id: teacher,
            token: String::new(),
            seq: 0,
            last_hash: String::new(),
        };
        let ops = (0..OPS)
            .map(|i| {
                let v = values[(d * OPS + i) % values.len()];
                let input = ["2", "3", "4", "5", "н"][usize::from(v) % 5];
                dev.op(
                    at,
                    set_cell(lesson.id, students[(d + i) % students.len()], input),
                )
            })
            .collect();
        chains.push(ops);
    }

    let mut first: HashMap<OpId, String> = HashMap::new();
    let mut check = |results: &[OpResult]| -> Result<(), TestCaseError> {
        for r in results {
            if transient(r) {
                continue;
            }
            let key = outcome_key(r);
            if let Some(prev) = first.get(&r.op_id) {
                // A fork answer is for a different op with the same seq; this op id was settled.
                prop_assert_eq!(prev, &key, "an op's outcome never changes once given");
            } else {
                first.insert(r.op_id, key);
            }
        }
        Ok(())
    };

    for (device, indices) in plan {
        let batch: Vec<Op> = indices.iter().map(|i| chains[device][*i].clone()).collect();
        let results = w
            .storage
            .push(w.inst, batch, at)
            .await
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        check(&results)?;
    }
    // Finally each device sends its whole outbox in order, as a client does after an interruption;
    // twice, to see the second round change nothing.
    for round in 0..2 {
        for chain in &chains {
            let results = w
                .storage
                .push(w.inst, chain.clone(), at)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            for r in &results {
                prop_assert!(
                    !transient(r),
                    "round {}: an in-order outbox has no gap: {:?}",
                    round,
                    r
                );
            }
            check(&results)?;
        }
    }
    let applied: Vec<u64> = first
        .values()
        .filter_map(|k| k.strip_prefix("applied:").and_then(|s| s.parse().ok()))
        .collect();
    prop_assert_eq!(first.len(), DEVICES * OPS, "every op got a final outcome");
    let mut seqs = applied.clone();
    seqs.sort_unstable();
    let expected: Vec<u64> = (1..=applied.len() as u64).collect();
    prop_assert_eq!(seqs, expected, "server_seq is gap-free, one per applied op");
    let page = w
        .storage
        .pull(w.inst, teacher, 0, 10_000, chrono::NaiveDate::MIN)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        page.changes.len(),
        applied.len(),
        "one change per applied op, nothing else"
    );
    let report = w
        .storage
        .audit_verify()
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        report.is_intact(),
        "the audit chain verifies: {:?}",
        report.problems
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_delivery_order_is_idempotent_and_gap_free(
        plan in deliveries(DEVICES, OPS),
        values in prop::collection::vec(any::<u8>(), DEVICES * OPS),
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        rt.block_on(run_case(Backend::Sqlite, plan, values))?;
    }
}

proptest! {
    // Fewer cases: each makes a PostgreSQL database and loads the demo into it.
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn any_delivery_order_is_idempotent_and_gap_free_on_postgres(
        plan in deliveries(DEVICES, OPS),
        values in prop::collection::vec(any::<u8>(), DEVICES * OPS),
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        rt.block_on(run_case(Backend::Postgres, plan, values))?;
    }
}
