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

/// Creates «ПМ.02 …» (the demo has «ПМ.01») and answers its row.
async fn create_module(s: &TestServer, token: &str) -> Value {
    let (st, module) = s
        .call(
            token,
            "/admin/subjects",
            Some(
                json!({"name": "ПМ.02 Сопровождение и обслуживание программного обеспечения",
                "short_name": "ПМ.02", "kind": "module", "grading": "five_point"}),
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
    assert_eq!(
        mdk["module_id"],
        subject_named(&subjects, "ПМ.01")["id"],
        "the demo's МДК belongs to its ПМ.01"
    );

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
        assert_eq!(st, 200, "{} goes under ПМ.02: {row}", part["name"]);
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

/// GETs a print URL: the status and the body.
async fn print(s: &TestServer, token: &str, path: &str) -> (u16, Vec<u8>) {
    let resp = s
        .get(path)
        .bearer_auth(token)
        .send()
        .await
        .expect("the print request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("a body").to_vec())
}

fn code_of(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// «Журнал учета обучения по профессиональному модулю» from the server: the administration for any
/// group, the teacher of one of the module's loads and the group's curator for theirs; anyone else
/// is refused, as is a subject that is not a module or a group without the module.
async fn the_module_journal_prints_for_those_who_keep_it(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let module = create_module(&s, &admin.token).await;
    let (_, subjects) = s.call(&admin.token, "/admin/subjects", None).await;
    let mdk = subject_named(&subjects, "МДК.01.01").clone();
    let practice = subject_named(&subjects, "Учебная практика").clone();
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
        assert_eq!(st, 200, "{row}");
    }
    let mdk_id: journal_core::SubjectId =
        serde_json::from_value(mdk["id"].clone()).expect("the МДК's id");
    let Some(mdk_load) = s.snapshot.loads.iter().find(|l| l.subject_id == mdk_id) else {
        panic!("the demo has a load of the МДК")
    };
    let group = mdk_load.group_id;
    let login_of = |id: journal_core::UserId| {
        s.snapshot
            .users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.login.clone())
            .unwrap_or_default()
    };
    let teacher = login_of(mdk_load.teacher_id);
    let curator_id = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.id == group)
        .and_then(|g| g.curator_id)
        .expect("the МДК's group has a curator");
    let curator = login_of(curator_id);
    let module_id = module["id"].as_str().unwrap_or_default().to_string();
    let path = format!("/print/module_journal?group={group}&module={module_id}");

    for who in ["deputy", teacher.as_str(), curator.as_str()] {
        let device = s.device(who).await;
        let (st, body) = print(&s, &device.token, &path).await;
        assert_eq!(
            st,
            200,
            "{who} prints the module journal: {}",
            code_of(&body)
        );
        let stamp = journal_print::read_stamp(&body)
            .unwrap_or_else(|e| panic!("{who}'s PDF is a stamped journal document: {e}"));
        assert!(
            matches!(
                stamp.request,
                journal_print::PrintRequest::ModuleJournal { .. }
            ),
            "the stamp names the module journal: {:?}",
            stamp.request
        );
    }

    // A teacher with no load of the module in the group: refused.
    let outsider = s
        .snapshot
        .users
        .iter()
        .find(|u| {
            u.login.starts_with("teacher")
                && u.id != mdk_load.teacher_id
                && u.id != curator_id
                && u.grants
                    .iter()
                    .all(|g| g.role == journal_core::Role::Teacher)
        })
        .map(|u| u.login.clone())
        .expect("the demo has another teacher");
    let device = s.device(&outsider).await;
    let (st, body) = print(&s, &device.token, &path).await;
    assert_eq!(
        st,
        403,
        "{outsider} keeps no part of the module: {}",
        code_of(&body)
    );

    let deputy = s.device("deputy").await;
    let mdk_path = format!(
        "/print/module_journal?group={group}&module={}",
        mdk["id"].as_str().unwrap_or_default()
    );
    let (st, body) = print(&s, &deputy.token, &mdk_path).await;
    assert_eq!(
        (st, code_of(&body).as_str()),
        (404, "print_module_not_found"),
        "an МДК is not a module"
    );
    let (st, body) = print(
        &s,
        &deputy.token,
        &format!("/print/module_journal?group={group}"),
    )
    .await;
    assert_eq!(
        (st, code_of(&body).as_str()),
        (400, "invalid_query"),
        "the module is asked for"
    );
    let other = s
        .snapshot
        .groups
        .iter()
        .find(|g| {
            !s.snapshot
                .loads
                .iter()
                .any(|l| l.group_id == g.id && l.subject_id == mdk_id)
        })
        .map(|g| g.id)
        .expect("a demo group without the МДК");
    let (st, body) = print(
        &s,
        &deputy.token,
        &format!("/print/module_journal?group={other}&module={module_id}"),
    )
    .await;
    assert_eq!(
        (st, code_of(&body).as_str()),
        (404, "print_module_without_loads"),
        "a group without the module has no journal of it"
    );
}

conformance!(
    mdk_and_practice_are_put_under_their_module,
    the_module_journal_prints_for_those_who_keep_it
);
