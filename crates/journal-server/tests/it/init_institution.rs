//! `journal-server init --institution`: an empty institution with one administrator, from the real
//! binary; several institutions in one database, each administrator seeing only their own.

use std::net::SocketAddr;

use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, PeriodKind};
use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{LoginResponse, PROTOCOL_HEADER};
use journal_server::AppState;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{test_config, Backend};

const PASSWORD: &str = "пароль-админа-1";

/// A fresh empty database of the backend: its `--db` value and the directory that keeps it.
async fn fresh_db(b: Backend) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temp dir for the database");
    let db = match b {
        Backend::Sqlite => dir.path().join("server.db").to_string_lossy().into_owned(),
        Backend::Postgres => crate::pg::fresh_database().await,
    };
    (db, dir)
}

fn run(db: &str, args: &[&str], password: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("JOURNAL_PASSWORD", password)
        .output()
        .expect("the binary runs")
}

fn init(db: &str, name: &str, kind: &str, admin: &str) -> std::process::Output {
    run(
        db,
        &[
            "init",
            "--institution",
            name,
            "--kind",
            kind,
            "--admin",
            admin,
            "--admin-name",
            "Петрова Анна Сергеевна",
        ],
        PASSWORD,
    )
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A server over the database on 127.0.0.1:0; returns its API base.
async fn serve(db: &str) -> String {
    let storage = journal_server::open_storage(db)
        .await
        .expect("the database opens");
    let app = journal_server::app(AppState::new(storage, test_config()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let addr: SocketAddr = listener.local_addr().expect("the listener has an address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/api/v1")
}

/// Signs `login` in with the administrator's password and fetches their snapshot.
async fn snapshot_of(base: &str, login: &str) -> Value {
    let client = reqwest::Client::new();
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let resp = client
        .post(format!("{base}/auth/login"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(&json!({
            "login": login,
            "password": PASSWORD,
            "device_id": DeviceId(Uuid::new_v4()),
            "device_key": hex::encode(key.verifying_key().to_bytes()),
        }))
        .send()
        .await
        .expect("the login request reaches the server");
    assert_eq!(resp.status(), 200, "the new administrator {login} signs in");
    let login: LoginResponse = resp.json().await.expect("a login reply");
    let resp = client
        .get(format!("{base}/sync/snapshot"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&login.token)
        .send()
        .await
        .expect("the snapshot request reaches the server");
    assert_eq!(resp.status(), 200, "the administrator gets a snapshot");
    let body: Value = resp.json().await.expect("a snapshot");
    let resp = client
        .get(format!("{base}/admin/institution"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&login.token)
        .send()
        .await
        .expect("the institution request reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the administrator reads their institution"
    );
    let info: Value = resp.json().await.expect("the institution");
    assert_eq!(
        info["id"], body["snapshot"]["institution"]["id"],
        "GET /admin/institution names the caller's institution"
    );
    assert_eq!(info["name"], body["snapshot"]["institution"]["name"]);
    let kind = if body["snapshot"]["institution"]["policy"]["school_wording"] == json!(true) {
        "school"
    } else {
        "college"
    };
    assert_eq!(info["kind"], json!(kind));
    body["snapshot"].clone()
}

fn logins(snap: &Value) -> Vec<String> {
    snap["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["login"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn init_creates_an_empty_institution_and_adds_a_second(b: Backend) {
    let (db, dir) = fresh_db(b).await;
    let first = "ГБПОУ «Колледж связи № 1»";
    let out = init(&db, first, "college", "admin1");
    assert!(
        out.status.success(),
        "init --institution succeeds: {}",
        text(&out)
    );

    let base = serve(&db).await;
    let snap = snapshot_of(&base, "admin1").await;
    assert_eq!(snap["institution"]["name"], json!(first));
    assert_eq!(
        snap["institution"]["policy"]["period_kind"],
        serde_json::to_value(PeriodKind::Semester).expect("a kind"),
        "a college divides the year into semesters"
    );
    assert_eq!(
        snap["institution"]["policy"]["school_wording"],
        json!(false)
    );
    assert_eq!(snap["groups"], json!([]), "no groups yet");
    assert_eq!(snap["students"], json!([]), "no students yet");
    assert_eq!(
        snap["periods"].as_array().map(Vec::len),
        Some(2),
        "two semesters"
    );
    assert_eq!(
        logins(&snap),
        vec!["admin1".to_string()],
        "one administrator"
    );

    // The empty institution takes imports at once.
    let groups = dir.path().join("groups.csv");
    std::fs::write(&groups, "Группа;Курс\nИС-21;2\n").expect("the groups file is written");
    let groups = groups.to_string_lossy().into_owned();
    let out = run(&db, &["import", "groups", &groups], "");
    assert!(
        out.status.success(),
        "import groups succeeds: {}",
        text(&out)
    );
    let snap = snapshot_of(&base, "admin1").await;
    assert_eq!(
        snap["groups"][0]["name"],
        json!("ИС-21"),
        "the group is imported"
    );

    // The same name again: refused, nothing changed.
    let out = init(&db, first, "college", "admin9");
    assert!(!out.status.success(), "the same name is refused");
    assert!(
        text(&out).contains("уже есть"),
        "the refusal says the institution exists: {}",
        text(&out)
    );
    let out = run(&db, &["users", "--json"], "");
    assert!(
        out.status.success(),
        "still one institution: {}",
        text(&out)
    );
    let users: Value = serde_json::from_slice(&out.stdout).expect("users --json prints JSON");
    assert_eq!(users.as_array().map(Vec::len), Some(1), "no user was added");

    // A login already in the database: refused.
    let out = init(&db, "МБОУ «Школа № 2»", "school", "admin1");
    assert!(!out.status.success(), "a taken login is refused");
    assert!(text(&out).contains("занят"), "{}", text(&out));

    // A second institution joins the same database.
    let second = "МБОУ «Школа № 2»";
    let out = init(&db, second, "school", "admin2");
    assert!(
        out.status.success(),
        "a second institution is added: {}",
        text(&out)
    );
    let snap2 = snapshot_of(&base, "admin2").await;
    assert_eq!(snap2["institution"]["name"], json!(second));
    assert_eq!(
        snap2["institution"]["policy"]["period_kind"],
        serde_json::to_value(PeriodKind::Quarter).expect("a kind"),
        "a school divides the year into quarters"
    );
    assert_eq!(
        snap2["institution"]["policy"]["school_wording"],
        json!(true)
    );
    assert_eq!(snap2["periods"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        logins(&snap2),
        vec!["admin2".to_string()],
        "the second administrator sees none of the first institution's users"
    );
    assert_eq!(snap2["groups"], json!([]), "nor its groups");

    // With two institutions the commands ask which one, naming them.
    let out = run(&db, &["users"], "");
    assert!(
        !out.status.success(),
        "users without --institution is refused"
    );
    assert!(
        text(&out).contains(first) && text(&out).contains(second),
        "the refusal lists the institutions: {}",
        text(&out)
    );
    let out = run(&db, &["users", "--json", "--institution", second], "");
    assert!(
        out.status.success(),
        "users --institution NAME: {}",
        text(&out)
    );
    let users: Value = serde_json::from_slice(&out.stdout).expect("users --json prints JSON");
    assert_eq!(users[0]["login"], json!("admin2"));
    let out = run(
        &db,
        &["import", "groups", &groups, "--institution", second],
        "",
    );
    assert!(
        out.status.success(),
        "import --institution NAME: {}",
        text(&out)
    );
    let snap2 = snapshot_of(&base, "admin2").await;
    assert_eq!(snap2["groups"][0]["name"], json!("ИС-21"));
}

async fn init_refuses_a_misspelt_policy_field_and_a_short_password(b: Backend) {
    let (db, dir) = fresh_db(b).await;
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"deputy_may_edti": true}"#).expect("the policy is written");
    let policy = policy.to_string_lossy().into_owned();
    let out = run(
        &db,
        &[
            "init",
            "--institution",
            "Колледж",
            "--kind",
            "college",
            "--admin",
            "admin",
            "--policy",
            &policy,
        ],
        PASSWORD,
    );
    assert!(!out.status.success(), "a misspelt policy field is refused");
    assert!(
        text(&out).contains("deputy_may_edti"),
        "the refusal names the field: {}",
        text(&out)
    );
    let out = run(
        &db,
        &[
            "init",
            "--institution",
            "Колледж",
            "--kind",
            "college",
            "--admin",
            "admin",
        ],
        "short",
    );
    assert!(!out.status.success(), "a short password is refused");
    let out = run(&db, &["users"], "");
    assert!(
        text(&out).contains("нет ни одного учреждения"),
        "nothing was created: {}",
        text(&out)
    );
}

conformance!(
    init_creates_an_empty_institution_and_adds_a_second,
    init_refuses_a_misspelt_policy_field_and_a_short_password,
);
