//! The diary suite: parents reading their child's week through the institution server's HTTP API
//! on 127.0.0.1 (SQLite), with the demo institution copied `scale` times (groups, students, loads,
//! lessons and the journal; the staff teach every copy) and `parents` parent accounts spread over
//! its students, each signed in (a session, as after a login) and with the consent given.
//!
//! Figures, as (name, value, unit):
//! - `diary_week_p95_ms` — p95 of `GET /api/v1/diary/week` while every parent reads at once;
//! - `diary_reads_per_s` — those reads divided by the wall time from the first request to the
//!   last answer (client and server on this machine);
//! - `diary_students`, `diary_lessons` — the size of the institution read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use journal_core::{
    DeviceId, GroupId, LessonId, LoadId, Role, StudentId, SubgroupId, TopicId, UserId,
};
use journal_protocol::{RoleGrant, Snapshot, User, PROTOCOL_VERSION};
use journal_server::dto::PROTOCOL_HEADER;
use journal_server::storage::Session;
use journal_server::{AppState, ServerConfig, SqliteStorage, Storage};
use uuid::Uuid;

/// Requests each parent makes in the timed phase (one after another).
const READS_PER_PARENT: usize = 2;

fn today() -> NaiveDate {
    // A Wednesday of the second semester, as in the server suite.
    NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default()
}

/// Copy `k` of an id: copy 0 keeps the demo's ids.
fn copy(id: Uuid, k: usize) -> Uuid {
    Uuid::from_u128(id.as_u128() ^ ((k as u128) << 80))
}

/// The demo institution with its groups, students and journal `scale` times.
fn scaled(base: &Snapshot, scale: usize) -> Snapshot {
    let mut s = base.clone();
    let g = |id: GroupId, k| GroupId(copy(id.0, k));
    let sg = |id: SubgroupId, k| SubgroupId(copy(id.0, k));
    let st = |id: StudentId, k| StudentId(copy(id.0, k));
    let ld = |id: LoadId, k| LoadId(copy(id.0, k));
    let ls = |id: LessonId, k| LessonId(copy(id.0, k));
    let tp = |id: TopicId, k| TopicId(copy(id.0, k));
    for k in 1..scale {
        s.groups.extend(base.groups.iter().map(|x| {
            let mut x = x.clone();
            x.id = g(x.id, k);
            x.name = format!("{}-{k}", x.name);
            x
        }));
        s.subgroups.extend(base.subgroups.iter().map(|x| {
            let mut x = x.clone();
            x.id = sg(x.id, k);
            x.group_id = g(x.group_id, k);
            x
        }));
        s.students.extend(base.students.iter().map(|x| {
            let mut x = x.clone();
            x.id = st(x.id, k);
            x
        }));
        s.memberships.extend(base.memberships.iter().map(|x| {
            let mut x = x.clone();
            x.student_id = st(x.student_id, k);
            x.group_id = g(x.group_id, k);
            x.subgroup_id = x.subgroup_id.map(|v| sg(v, k));
            x
        }));
        s.loads.extend(base.loads.iter().map(|x| {
            let mut x = x.clone();
            x.id = ld(x.id, k);
            x.group_id = g(x.group_id, k);
            x.subgroup_id = x.subgroup_id.map(|v| sg(v, k));
            x
        }));
        s.plan_topics.extend(base.plan_topics.iter().map(|x| {
            let mut x = x.clone();
            x.id = tp(x.id, k);
            x.load_id = ld(x.load_id, k);
            x
        }));
        s.lessons.extend(base.lessons.iter().map(|x| {
            let mut x = x.clone();
            x.id = ls(x.id, k);
            x.load_id = ld(x.load_id, k);
            x
        }));
        s.lesson_topics.extend(base.lesson_topics.iter().map(|x| {
            let mut x = x.clone();
            x.lesson_id = ls(x.lesson_id, k);
            x.plan_topic_id = x.plan_topic_id.map(|v| tp(v, k));
            x.makeup_of = x.makeup_of.map(|v| ls(v, k));
            x
        }));
        s.homework.extend(base.homework.iter().map(|x| {
            let mut x = x.clone();
            x.lesson_id = ls(x.lesson_id, k);
            x
        }));
        s.cells.extend(base.cells.iter().map(|x| {
            let mut x = x.clone();
            x.lesson_id = ls(x.lesson_id, k);
            x.student_id = st(x.student_id, k);
            x
        }));
        s.finals.extend(base.finals.iter().map(|x| {
            let mut x = x.clone();
            x.load_id = ld(x.load_id, k);
            x.student_id = st(x.student_id, k);
            x
        }));
        s.locks.extend(base.locks.iter().map(|x| {
            let mut x = x.clone();
            x.load_id = ld(x.load_id, k);
            x
        }));
        s.reopenings.extend(base.reopenings.iter().map(|x| {
            let mut x = x.clone();
            x.load_id = ld(x.load_id, k);
            x
        }));
        s.remarks.extend(base.remarks.iter().map(|x| {
            let mut x = x.clone();
            x.id = copy(x.id, k);
            x.load_id = ld(x.load_id, k);
            x
        }));
    }
    s
}

/// `parents` parent accounts over the students (a second parent where there are more parents
/// than students), and each one's child.
fn add_parents(s: &mut Snapshot, parents: usize) -> Vec<(UserId, StudentId)> {
    let students: Vec<StudentId> = s.students.iter().map(|x| x.id).collect();
    (0..parents)
        .filter_map(|i| {
            let child = *students.get(i % students.len().max(1))?;
            let id = UserId(Uuid::from_u128(
                0xd1a5_0000_0000_0000_0000_0000_0000_0000 + i as u128,
            ));
            s.users.push(User {
                id,
                login: format!("bench-parent-{i}"),
                full_name: format!("Родитель Тестовый {i}"),
                grants: vec![RoleGrant {
                    role: Role::Parent,
                    group_id: None,
                    student_id: Some(child),
                    from: None,
                    until: None,
                }],
            });
            Some((id, child))
        })
        .collect()
}

async fn run_async(scale: usize, parents: usize) -> anyhow::Result<Vec<(String, f64, String)>> {
    let dir = tempfile::tempdir()?;
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.path().join("diary.db"))?);
    let mut snapshot = scaled(
        &journal_demo::generate(journal_demo::DEFAULT_SEED, today()),
        scale.max(1),
    );
    let family = add_parents(&mut snapshot, parents);
    if family.is_empty() {
        bail!("no parents to read");
    }
    let institution = snapshot.institution.id;
    let (students, lessons) = (snapshot.students.len(), snapshot.lessons.len());
    // One password hash for everyone: the parents are signed in below, no login is timed.
    let hash = journal_server::auth::hash_password(journal_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let hashes = snapshot
        .users
        .iter()
        .map(|u| (u.id, hash.clone()))
        .collect();
    let now = today().and_hms_opt(15, 0, 0).context("time")?;
    storage.import_institution(snapshot, hashes, now).await?;
    let mut tokens = Vec::with_capacity(family.len());
    for (user, child) in &family {
        let token = journal_server::auth::new_token();
        storage
            .create_session(
                &journal_server::auth::token_hash(&token),
                Session {
                    institution_id: institution,
                    user_id: *user,
                    device_id: DeviceId(Uuid::new_v4()),
                    expires_at: now + chrono::Duration::days(1),
                },
                now,
            )
            .await?;
        storage
            .record_diary_consent(
                institution,
                *user,
                journal_server::diary_routes::CONSENT_VERSION,
                now,
            )
            .await?;
        tokens.push((token, *child));
    }
    let config = ServerConfig {
        clock: Arc::new(move || now),
        ..ServerConfig::default()
    };
    let app = journal_server::app(AppState::new(storage, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    journal_server::tls::install_ring_provider();
    let base = format!("http://{addr}/api/v1/diary/week");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(parents + 16)
        .timeout(Duration::from_secs(600))
        .build()?;

    // Warm-up: one read, and it must be a week.
    let (token, child) = &tokens[0];
    let resp = client
        .get(&base)
        .query(&[("student", child.0.to_string())])
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(token)
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("a parent's week is refused: {}", resp.text().await?);
    }

    let start = Arc::new(tokio::sync::Barrier::new(tokens.len() + 1));
    let mut tasks = Vec::with_capacity(tokens.len());
    for (token, child) in tokens {
        let (client, base, start) = (client.clone(), base.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut times = Vec::with_capacity(READS_PER_PARENT);
            for _ in 0..READS_PER_PARENT {
                let t = Instant::now();
                let resp = client
                    .get(&base)
                    .query(&[("student", child.0.to_string())])
                    .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                    .bearer_auth(&token)
                    .send()
                    .await?;
                let ok = resp.status().is_success();
                let _ = resp.bytes().await?;
                if !ok {
                    bail!("a read was refused");
                }
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    start.wait().await;
    let wall = Instant::now();
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    let elapsed = wall.elapsed().as_secs_f64();
    times.sort();
    let p95 = times
        .get((times.len() * 95 / 100).min(times.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    Ok(vec![
        (
            "diary_week_p95_ms".into(),
            p95.as_secs_f64() * 1000.0,
            "ms".into(),
        ),
        (
            "diary_reads_per_s".into(),
            times.len() as f64 / elapsed.max(1e-9),
            "reads/s".into(),
        ),
        ("diary_students".into(), students as f64, "students".into()),
        ("diary_lessons".into(), lessons as f64, "lessons".into()),
        ("diary_parents".into(), parents as f64, "parents".into()),
    ])
}

pub fn run(scale: usize, parents: usize) -> anyhow::Result<Vec<(String, f64, String)>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run_async(scale, parents))
}
