//! The профессиональный модуль's own journal (000 пп. 1.5–1.7, 001 «Мастер производственного
//! обучения»): the administrator puts an МДК and a practice under their ПМ in «Предметы» (refused,
//! changing nothing, for anything but a module of the institution or for another kind of subject);
//! the teacher's copy knows it.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn put(s: &TestServer, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = s
        .client
        .put(s.url(path))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn subject_named<'a>(list: &'a Value, prefix: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| {
            l.iter()
                .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
        })
        .unwrap_or_else(|| panic!("«{prefix}…» is among the subjects: {list}"))
}

/// The subject's body for a PUT, as the console sends it, with `module_id`.
fn input(subject: &Value, module_id: Value) -> Value {
    json!({"name": subject["name"], "short_name": subject["short_name"], "kind": subject["kind"],
        "grading": subject["grading"], "module_id": module_id})
}

/// Creates «ПМ.01 …» and answers its row.
pub async fn create_module(s: &TestServer, token: &str) -> Value {
    let (st, module) = s
        .call(
            token,
            "/admin/subjects",
            Some(
                json!({"name": "ПМ.01 Разработка модулей программного обеспечения",
                "short_name": "ПМ.01", "kind": "module", "grading": "five_point"}),
            ),
        )
        .await;
    assert_eq!(st, 201, "the module is created: {module}");
    module
}

async fn mdk_and_practice_are_put_under_their_module(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let module = create_module(&s, &admin.token).await;
    let (_, subjects) = s.call(&admin.token, "/admin/subjects", None).await;
    let mdk = subject_named(&subjects, "МДК.01.01").clone();
    let practice = subject_named(&subjects, "Учебная практика").clone();
    let maths = subject_named(&subjects, "Математика").clone();

    for part in [&mdk, &practice] {
        let (st, row) = put(
            &s,
            &admin.token,
            &format!(
                "/admin/subjects/{}",
                part["id"].as_str().unwrap_or_default()
            ),
            &input(part, module["id"].clone()),
        )
        .await;
        assert_eq!(st, 200, "{} goes under the module: {row}", part["name"]);
        assert_eq!(
            row["module_id"], module["id"],
            "the answer names the module"
        );
    }

    // Refusals change nothing: each is a code and a Russian message.
    let before = s.call(&admin.token, "/admin/subjects", None).await.1;
    let refusals = [
        (
            &maths,
            module["id"].clone(),
            400,
            "module_not_allowed",
            "a discipline has no module",
        ),
        (
            &mdk,
            maths["id"].clone(),
            400,
            "unknown_module",
            "a discipline is not a module",
        ),
        (
            &mdk,
            json!(uuid::Uuid::from_u128(42)),
            400,
            "unknown_module",
            "no such subject",
        ),
        (
            &module,
            Value::Null,
            409,
            "module_in_use",
            "a module with parts stays a module",
        ),
    ];
    for (subject, module_id, status, code, why) in refusals {
        let mut body = input(subject, module_id);
        if subject["id"] == module["id"] {
            body["kind"] = json!("discipline");
        }
        let (st, err) = put(
            &s,
            &admin.token,
            &format!(
                "/admin/subjects/{}",
                subject["id"].as_str().unwrap_or_default()
            ),
            &body,
        )
        .await;
        assert_eq!(
            (st, err["code"].as_str()),
            (status, Some(code)),
            "{why}: {err}"
        );
        assert!(
            err["message"]
                .as_str()
                .is_some_and(|m| m.chars().any(|c| ('а'..='я').contains(&c))),
            "the refusal is told in Russian: {err}"
        );
    }
    let after = s.call(&admin.token, "/admin/subjects", None).await.1;
    assert_eq!(
        after, before,
        "a refused change leaves the subjects as they were"
    );

    // The teacher of the МДК has the link in their copy.
    let teacher = s.device("teacher7").await;
    let (st, snap) = s.call(&teacher.token, "/sync/snapshot", None).await;
    assert_eq!(st, 200, "{snap}");
    let kept = snap["snapshot"]["subjects"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["id"] == mdk["id"]).cloned())
        .unwrap_or_default();
    assert_eq!(
        kept["module_id"], module["id"],
        "the teacher's copy knows the МДК's module"
    );
}

conformance!(mdk_and_practice_are_put_under_their_module);
