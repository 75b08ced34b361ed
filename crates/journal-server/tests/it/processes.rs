//! Three `journal-server serve` processes over one PostgreSQL (a region's server that outgrew one
//! process), sent concurrent pushes, enrolments and imports, each to any of them: nothing is lost
//! (every enrolled student and imported group is there, every pushed mark is applied),
//! `server_seq` has no gap, and the audit chain verifies. Administrators' read-edit-writes take
//! turns in the database (`Storage::reference_turn`); before they did, two processes enrolling at
//! once each wrote back their own copy of the reference data, and one enrolment was lost.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

const PROCESSES: usize = 3;
/// Students each process enrols (one request after another, the processes at once).
const ENROLMENTS: usize = 4;
const SURNAMES: [&str; PROCESSES * ENROLMENTS] = [
    "Абрамов",
    "Борисов",
    "Власов",
    "Голубев",
    "Денисов",
    "Ефимов",
    "Жуков",
    "Зайцев",
    "Ильин",
    "Кузьмин",
    "Лебедев",
    "Макаров",
];

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

async fn serve(db: &str) -> (Process, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--today", &today().to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        // Its errors show with the test's output when it fails.
        .stderr(Stdio::inherit())
        .spawn()
        .expect("journal-server serve starts");
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http
        .get(format!("{base}/health"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(
            Instant::now() < deadline,
            "process on {port} never became ready"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (Process(child), base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_over_one_postgresql_lose_nothing() {
    let s = TestServer::start(Backend::Postgres).await;
    let mut processes = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..PROCESSES {
        let (p, base) = serve(&s.db).await;
        processes.push(p);
        servers.push(s.at(base));
    }
    let group = s.snapshot.groups[0].id;
    let teachers = ["teacher", "teacher2", "teacher3"];

    // Each process: an administrator enrolling students one after another, an import of a group,
    // and a teacher pushing marks for today's lessons — all processes at once.
    let work = servers.iter().enumerate().map(|(k, server)| {
        let teacher = teachers[k];
        async move {
            let admin = server.device("admin").await;
            let enrol = async {
                for i in 0..ENROLMENTS {
                    let resp = server
                        .post("/admin/students")
                        .bearer_auth(&admin.token)
                        .json(&json!({
                            "last_name": SURNAMES[k * ENROLMENTS + i],
                            "first_name": "Пётр",
                            "group_id": group,
                            "from": today(),
                        }))
                        .send()
                        .await
                        .expect("the enrolment reaches the server");
                    let status = resp.status();
                    let text = resp.text().await.unwrap_or_default();
                    assert!(status.is_success(), "process {k} enrols: {status} {text}");
                }
            };
            let import = async {
                let resp = server
                    .post("/admin/import/groups?file=groups.csv")
                    .bearer_auth(&admin.token)
                    .header("content-type", "text/csv")
                    .body(format!("Группа;Курс\nНГ-{k}1;1\n"))
                    .send()
                    .await
                    .expect("the import reaches the server");
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                assert!(status.is_success(), "process {k} imports a group: {text}");
            };
            let push = async {
                let mut device = server.device(teacher).await;
                let mut applied = 0;
                for lesson in server.lessons_of(teacher, today()) {
                    let at = server.during(&lesson);
                    let ops: Vec<_> = server
                        .students_of(&lesson)
                        .into_iter()
                        .take(5)
                        .map(|st| device.op(at, set_cell(lesson.id, st, "5")))
                        .collect();
                    for r in server.push(&device, &ops).await {
                        assert_eq!(outcome_name(&r), "applied", "process {k}: {r:?}");
                        applied += 1;
                    }
                }
                applied
            };
            let ((), (), applied) = tokio::join!(enrol, import, push);
            applied
        }
    });
    let [a, b, c]: [_; PROCESSES] = work.collect::<Vec<_>>().try_into().ok().expect("three");
    let (a, b, c) = tokio::join!(a, b, c);
    let applied = a + b + c;
    assert!(applied > 0, "the teachers had lessons today to mark");

    // Nothing lost: every student and group, in a snapshot read through any process.
    let (snap, seq) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the institution reads");
    for surname in SURNAMES {
        assert!(
            snap.students.iter().any(|st| st.last_name == surname),
            "the enrolment of {surname} survived the other processes' changes"
        );
    }
    for k in 0..PROCESSES {
        assert!(
            snap.groups.iter().any(|g| g.name == format!("НГ-{k}1")),
            "the group НГ-{k}1 imported through process {k} is there"
        );
    }
    // server_seq: every applied op once, no gap.
    let reader = servers[0].device("deputy").await;
    let mut seqs = Vec::new();
    let mut after = 0;
    loop {
        let page = servers[1].pull(&reader.token, after, 1000).await;
        seqs.extend(page.changes.iter().map(|c| c.server_seq));
        after = page.next_after;
        if !page.has_more {
            break;
        }
    }
    let marks = seqs.len();
    assert!(
        marks >= applied,
        "every applied mark is pulled ({marks} of {applied})"
    );
    assert_eq!(
        seqs,
        (seqs[0]..seqs[0] + seqs.len() as u64).collect::<Vec<_>>(),
        "server_seq has no gap"
    );
    assert_eq!(
        seqs.last().copied(),
        Some(seq),
        "the last change is the institution's seq"
    );
    let report = s.storage.audit_verify().await.expect("the audit reads");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    drop(processes);
}
