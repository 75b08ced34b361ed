//! Accounts over `/api/v1/admin/users`: the administrator creates a teacher who can then sign in,
//! and resets a password (the user's sessions end); a teacher may do neither; bad input is a 400 or
//! 409 with a code and creates nothing; every action is in a verifying audit chain.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn login_status(s: &TestServer, login: &str, password: &str) -> u16 {
    s.post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("the login reaches the server")
        .status()
        .as_u16()
}

async fn admin_creates_a_user_and_resets_a_password(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let new_user = json!({
        "login": "novikova",
        "full_name": "Новикова Анна Сергеевна",
        "grants": [{"role": "teacher", "group_id": null, "student_id": null}],
        "password": "первый-пароль",
    });

    let resp = s
        .post("/admin/users")
        .bearer_auth(&teacher.token)
        .json(&new_user)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 403, "a teacher does not create accounts");

    let resp = s
        .post("/admin/users")
        .bearer_auth(&admin.token)
        .json(&new_user)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 201, "the administrator creates the account");
    let created: Value = resp.json().await.expect("the new user's id");
    assert!(created["id"].is_string(), "the reply names the new user");
    assert_eq!(
        login_status(&s, "novikova", "первый-пароль").await,
        200,
        "the new user signs in with the first password"
    );

    let resp = s
        .post("/admin/users")
        .bearer_auth(&admin.token)
        .json(&new_user)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 409, "a login is given once");
    let body: Value = resp.json().await.expect("a JSON error");
    assert_eq!(body["code"], "login_taken", "the code names the cause");

    for (bad, code) in [
        (
            json!({"login": "x y", "full_name": "Петров Пётр", "grants": [{"role": "teacher", "group_id": null, "student_id": null}], "password": "достаточно-длинный"}),
            "invalid_login",
        ),
        (
            json!({"login": "petrov", "full_name": "Петров", "grants": [{"role": "teacher", "group_id": null, "student_id": null}], "password": "достаточно-длинный"}),
            "invalid_full_name",
        ),
        (
            json!({"login": "petrov", "full_name": "Петров Пётр", "grants": [], "password": "достаточно-длинный"}),
            "no_roles",
        ),
        (
            json!({"login": "petrov", "full_name": "Петров Пётр", "grants": [{"role": "teacher", "group_id": null, "student_id": null}], "password": "корот"}),
            "password_too_short",
        ),
    ] {
        let resp = s
            .post("/admin/users")
            .bearer_auth(&admin.token)
            .json(&bad)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 400, "bad input is a 400: {bad}");
        let body: Value = resp.json().await.expect("a JSON error");
        assert_eq!(body["code"], code, "the code names the fault in {bad}");
    }
    assert_eq!(
        login_status(&s, "petrov", "достаточно-длинный").await,
        401,
        "a refused creation leaves no account"
    );

    // Reset the teacher's password: the old one and the teacher's session stop working.
    let teacher_id = s.user("teacher");
    let resp = s
        .post(&format!("/admin/users/{teacher_id}/password"))
        .bearer_auth(&admin.token)
        .json(&json!({"new_password": "новый-пароль-учителя"}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 204, "the administrator resets a password");
    let resp = s
        .get("/auth/me")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 401, "the user's sessions end at a reset");
    assert_eq!(
        login_status(&s, "teacher", "новый-пароль-учителя").await,
        200,
        "the new password signs in"
    );
    let resp = s
        .post(&format!("/admin/users/{}/password", uuid::Uuid::new_v4()))
        .bearer_auth(&admin.token)
        .json(&json!({"new_password": "новый-пароль-учителя"}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 404, "an unknown user is a 404");

    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    let audited = s
        .tamper("UPDATE audit SET kind = kind WHERE kind IN ('user_created', 'password_reset')")
        .await;
    assert_eq!(
        audited, 2,
        "the creation and the reset are each one audit entry (counted by a no-op update)"
    );
}

conformance!(admin_creates_a_user_and_resets_a_password);
