//! Integration tests of journal-server on a real listener (127.0.0.1:0) with a real HTTP client.

/// Generates, for each named `async fn(Backend)`, one test on SQLite and one on PostgreSQL: the
/// conformance suite both storage backends must pass.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::support::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::support::Backend::Postgres).await
                }
            )*
        }
    };
}

mod admin;
mod admin_audit;
mod admin_backups;
mod admin_checks;
mod admin_curriculum;
mod admin_import;
mod admin_individual_plan;
mod admin_policy;
mod admin_readiness;
mod admin_reference;
mod admin_roster;
mod admin_slips;
mod admin_user_state;
mod admin_users;
mod admin_year;
mod archive_cycle;
mod attestation;
mod audit;
mod auth;
mod backdating;
mod clock;
mod contacts;
mod control_works;
mod device_secrets;
mod diary;
mod doctor;
mod events;
mod extracurricular;
mod family_scope;
mod grants;
mod health;
mod init_institution;
mod isolation;
mod kill_loop;
mod lesson_changes;
mod mark_notices;
mod merge;
mod messages;
mod metrics;
mod migration;
mod names;
mod offline_revoked;
mod one_gate;
mod parent_notes;
mod pg;
mod plans;
mod print;
mod privacy;
mod processes;
mod professional_module;
mod prop;
mod pull_matches_snapshot;
mod pull_paging;
mod reference_version;
mod remarks;
mod reopen;
mod reports;
mod rollover;
mod seen;
mod smtp_settings;
mod suggestions;
mod support;
mod sync;
mod updates;
mod versions;
mod web_app;

use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{Health, PROTOCOL_HEADER};
use serde_json::{json, Value};
use support::{Backend, TestServer};

async fn health_answers_without_token_or_protocol_header(b: Backend) {
    let s = TestServer::start(b).await;
    let resp = s
        .client
        .get(s.url("/health"))
        .send()
        .await
        .expect("health reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "health needs neither a token nor a protocol header"
    );
    let h: Health = resp.json().await.expect("health is JSON");
    assert_eq!(h.status, "ok", "a running server reports ok");
    assert_eq!(
        h.protocol, PROTOCOL_VERSION,
        "health tells the protocol version"
    );
}

async fn older_protocol_is_refused_with_update_message(b: Backend) {
    let s = TestServer::start(b).await;
    let resp = s
        .client
        .post(s.url("/auth/login"))
        .header(PROTOCOL_HEADER, (PROTOCOL_VERSION - 1).to_string())
        .json(&json!({"login": "teacher", "password": "demo", "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(
        resp.status(),
        426,
        "an older client gets 426 Upgrade Required"
    );
    let body: Value = resp.json().await.expect("the error is JSON");
    assert_eq!(
        body["code"], "protocol_outdated",
        "the code names the cause"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("Обновите приложение"),
        "the message tells the user to update the app: {body}"
    );

    let resp = s
        .client
        .post(s.url("/auth/login"))
        .json(&json!({"login": "teacher", "password": "demo", "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(
        resp.status(),
        400,
        "a request without a protocol version is refused"
    );
    let body: Value = resp.json().await.expect("the error is JSON");
    assert_eq!(
        body["code"], "protocol_missing",
        "missing version has its own code"
    );
}

async fn malformed_and_unknown_fields_and_oversized_bodies_are_400_or_413_with_codes(b: Backend) {
    let s = TestServer::start(b).await;
    let cases = [
        (
            s.post("/auth/login")
                .header("content-type", "application/json")
                .body("{\"login\": \"teacher\", "),
            400,
            "malformed_json",
        ),
        (
            s.post("/auth/login").json(&json!({
                "login": "teacher", "password": "demo",
                "device_id": uuid::Uuid::new_v4(), "remember_me": true
            })),
            400,
            "invalid_request",
        ),
        (
            s.post("/auth/login").json(&json!({"login": "teacher"})),
            400,
            "invalid_request",
        ),
        (
            s.post("/auth/login")
                .header("content-type", "application/json")
                .body(format!("{{\"login\": \"{}\"}}", "x".repeat(300 * 1024))),
            413,
            "body_too_large",
        ),
        (s.get("/no/such/route"), 404, "not_found"),
    ];
    for (req, status, code) in cases {
        let resp = req.send().await.expect("request reaches the server");
        assert_eq!(resp.status().as_u16(), status, "status for {code}");
        let body: Value = resp.json().await.expect("every error is JSON");
        assert_eq!(body["code"], code, "error code: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "every error has a message: {body}"
        );
    }
}

#[tokio::test]
async fn init_demo_and_audit_verify_through_the_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    let bin = env!("CARGO_BIN_EXE_journal-server");
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "init",
            "--demo",
            "--today",
            "2027-03-03",
        ])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "init --demo succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("teacher"),
        "init --demo lists the demo logins: {stdout}"
    );

    let again = std::process::Command::new(bin)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "init",
            "--demo",
            "--today",
            "2027-03-03",
        ])
        .output()
        .expect("the binary runs");
    assert!(
        !again.status.success(),
        "a second init --demo into the same database is refused"
    );

    let out = std::process::Command::new(bin)
        .args(["--db", db.to_str().unwrap_or_default(), "audit", "verify"])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "a fresh demo database's audit chain verifies: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = std::process::Command::new(bin)
        .args([
            "--db",
            "postgres://journal@127.0.0.1:1/journal",
            "audit",
            "verify",
        ])
        .output()
        .expect("the binary runs");
    assert!(
        !out.status.success(),
        "an unreachable PostgreSQL fails the command"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PostgreSQL"),
        "the error names PostgreSQL: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn openapi_document_lists_every_route_and_each_exists(b: Backend) {
    let s = TestServer::start(b).await;
    let resp = s
        .client
        .get(s.url("/openapi.json"))
        .send()
        .await
        .expect("openapi.json reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the OpenAPI document needs neither token nor protocol header"
    );
    let doc: Value = resp.json().await.expect("the document is JSON");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "it is an OpenAPI 3 document"
    );
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut want = vec![
        "/api/v1/admin/audit",
        "/api/v1/admin/backups",
        "/api/v1/admin/backups/{name}",
        "/api/v1/admin/backups/{name}/verify",
        "/api/v1/admin/policy",
        "/api/v1/admin/smtp",
        "/api/v1/admin/smtp/test",
        "/api/v1/admin/readiness",
        "/api/v1/admin/regime",
        "/api/v1/admin/rooms",
        "/api/v1/admin/rooms/{id}",
        "/api/v1/admin/subjects",
        "/api/v1/admin/subjects/{id}",
        "/api/v1/admin/support",
        "/api/v1/admin/clock-skews",
        "/api/v1/admin/curriculum",
        "/api/v1/admin/curriculum/import",
        "/api/v1/admin/departments",
        "/api/v1/remarks",
        "/api/v1/remarks/{id}/decision",
        "/api/v1/admin/students/{id}/plan",
        "/api/v1/admin/import/{kind}",
        "/api/v1/admin/users",
        "/api/v1/admin/users/{id}/password",
        "/api/v1/admin/users/{id}/deactivate",
        "/api/v1/admin/users/{id}/email",
        "/api/v1/admin/users/{id}/reactivate",
        "/api/v1/admin/users/{id}/grants",
        "/api/v1/admin/year",
        "/api/v1/admin/year/rollover/plan",
        "/api/v1/admin/year/rollover",
        "/api/v1/admin/archive",
        "/api/v1/admin/archive/destroy",
        "/api/v1/archive/journals",
        "/api/v1/archive/journals/accept",
        "/api/v1/archive/journals/handover",
        "/api/v1/archive/export",
        "/api/v1/admin/groups",
        "/api/v1/admin/institution",
        "/api/v1/admin/logins/slips",
        "/api/v1/admin/students",
        "/api/v1/admin/students/{id}/transfer",
        "/api/v1/admin/students/{id}/withdraw",
        "/api/v1/admin/loads",
        "/api/v1/admin/loads/{id}/teacher",
        "/api/v1/admin/suggestions",
        "/api/v1/admin/suggestions/{seq}/done",
        "/api/v1/auth/login",
        "/api/v1/curator/unseen-parents",
        "/api/v1/diary/acknowledgements",
        "/api/v1/diary/children",
        "/api/v1/diary/consent",
        "/api/v1/diary/notes",
        "/api/v1/diary/notes/{id}/acknowledgement",
        "/api/v1/diary/notices",
        "/api/v1/diary/week",
        "/api/v1/control-works",
        "/api/v1/control-works/{id}",
        "/api/v1/events",
        "/api/v1/events/{id}",
        "/api/v1/messages",
        "/api/v1/messages/unread",
        "/api/v1/messages/recipients",
        "/api/v1/messages/{id}",
        "/api/v1/messages/{id}/replies",
        "/api/v1/plans",
        "/api/v1/plans/{load}",
        "/api/v1/plans/{load}/approve",
        "/api/v1/plans/{load}/return",
        "/api/v1/students/{id}/card",
        "/api/v1/students/{id}/health",
        "/api/v1/groups/{id}/health",
        "/api/v1/students/{id}/contacts",
        "/api/v1/students/{id}/parents/{user_id}",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/password",
        "/api/v1/auth/device-secret",
        "/api/v1/health",
        "/api/v1/help",
        "/api/v1/print/verify",
        "/api/v1/print/{document}",
        "/api/v1/reports",
        "/api/v1/reports/{kind}",
        "/api/v1/suggestions",
        "/api/v1/sync/pull",
        "/api/v1/sync/push",
        "/api/v1/sync/snapshot",
        "/api/v1/app/update",
        "/api/v1/app/packages/{file}",
    ];
    want.sort_unstable();
    assert_eq!(
        paths, want,
        "every API route is documented, and nothing else"
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(m, _)| m.clone())
        {
            let url = format!("{}{path}", s.base.trim_end_matches("/api/v1"));
            let req = match method.as_str() {
                "get" => s.client.get(&url),
                "post" => s.client.post(&url).json(&json!({})),
                "put" => s.client.put(&url).json(&json!({})),
                "delete" => s.client.delete(&url),
                other => panic!("unexpected method {other} in the document"),
            };
            let resp = req
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .send()
                .await
                .expect("request reaches the server");
            let status = resp.status();
            // A route may answer 404 with its own code (`no_updates`: nothing published); the
            // router's own 404 for an unknown address is `not_found`.
            let code = resp.json::<Value>().await.unwrap_or_default()["code"].clone();
            assert!(
                status != 404 || (code.is_string() && code != "not_found"),
                "{method} {path} from the document is a real route ({code})"
            );
            assert_ne!(status, 405, "{method} {path} is served with that method");
        }
    }
    for schema in [
        "PushRequest",
        "PushResponse",
        "PullPage",
        "LoginRequest",
        "ErrorBody",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "the schema {schema} is in the document"
        );
    }
    // A parameter documented «in: path» is a segment of its route's path: a query struct without
    // `#[into_params(parameter_in = Query)]` is documented as a path parameter (Schemathesis found
    // two such, /remarks and /diary/notes, after they landed).
    for (path, item) in doc["paths"].as_object().cloned().unwrap_or_default() {
        for (method, op) in item.as_object().cloned().unwrap_or_default() {
            for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap_or_default();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: «{name}» is documented in the path but is not a segment of it (a query parameter?)"
                    );
                }
            }
        }
    }
}

conformance!(
    openapi_document_lists_every_route_and_each_exists,
    health_answers_without_token_or_protocol_header,
    older_protocol_is_refused_with_update_message,
    malformed_and_unknown_fields_and_oversized_bodies_are_400_or_413_with_codes
);
