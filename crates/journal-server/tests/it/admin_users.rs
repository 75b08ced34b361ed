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
    assert_eq!(resp.status(), 200, "the administrator resets a password");
    let reset: Value = resp.json().await.expect("the password in force");
    assert_eq!(
        reset["password"], "новый-пароль-учителя",
        "a chosen password is answered back as the one in force"
    );
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

/// Signs `login` in and answers the token and `user.must_change_password`.
async fn sign_in(s: &TestServer, login: &str, password: &str) -> (String, bool) {
    let resp = s
        .post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("the login reaches the server");
    assert_eq!(resp.status(), 200, "{login} signs in with {password}");
    let body: Value = resp.json().await.expect("a login reply");
    let must_change = body["user"]["must_change_password"]
        .as_bool()
        .expect("the login answers user.must_change_password");
    let token = body["token"].as_str().expect("a token").to_string();
    (token, must_change)
}

async fn snapshot_status(s: &TestServer, token: &str) -> (u16, Value) {
    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn change_password(s: &TestServer, token: &str, old: &str, new: &str) -> (u16, Value) {
    let resp = s
        .post("/auth/password")
        .bearer_auth(token)
        .json(&json!({"old_password": old, "new_password": new}))
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    let body = if status == 204 {
        Value::Null
    } else {
        resp.json().await.expect("a JSON error")
    };
    (status, body)
}

async fn a_first_password_is_changed_before_any_work(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;

    let (_, demo_forced) = sign_in(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert!(
        !demo_forced,
        "a demo user's password is not forced to change"
    );

    let resp = s
        .post("/admin/users")
        .bearer_auth(&admin.token)
        .json(&json!({
            "login": "novikova",
            "full_name": "Новикова Анна Сергеевна",
            "grants": [{"role": "teacher", "group_id": null, "student_id": null}],
            "password": "первый-пароль",
        }))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 201, "the administrator creates the account");
    let created: Value = resp.json().await.expect("the new user's id");
    let id = created["id"]
        .as_str()
        .expect("the new user's id")
        .to_string();

    let (token, forced) = sign_in(&s, "novikova", "первый-пароль").await;
    assert!(forced, "a password the administrator gave must be changed");
    let list: Value = s
        .get("/admin/users")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the request reaches the server")
        .json()
        .await
        .expect("the user list");
    let waiting: Vec<&str> = list["users"]
        .as_array()
        .expect("a list of users")
        .iter()
        .filter(|u| u["must_change_password"] == true)
        .filter_map(|u| u["login"].as_str())
        .collect();
    assert_eq!(
        waiting,
        ["novikova"],
        "the administrator's list shows who has not changed the first password"
    );
    let (status, body) = snapshot_status(&s, &token).await;
    assert_eq!(
        status, 403,
        "no work before the password is changed: {body}"
    );
    assert_eq!(body["code"], "password_change_required", "{body}");
    assert_eq!(
        body["message"], "Смените пароль, выданный администратором, перед началом работы",
        "the refusal says what to do"
    );
    let me = s
        .get("/auth/me")
        .bearer_auth(&token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(me.status(), 200, "«who am I» is allowed before the change");
    let me: Value = me.json().await.expect("the user");
    assert_eq!(
        me["must_change_password"], true,
        "/auth/me tells the flag too"
    );

    let (status, body) = change_password(&s, &token, "первый-пароль", "первый-пароль").await;
    assert_eq!(status, 400, "the same password is no change: {body}");
    assert_eq!(body["code"], "password_unchanged", "{body}");
    let (status, _) = snapshot_status(&s, &token).await;
    assert_eq!(status, 403, "a refused change leaves the flag set");

    let (status, body) = change_password(&s, &token, "первый-пароль", "свой-пароль-анны").await;
    assert_eq!(status, 204, "the user changes the password: {body}");
    let (status, body) = snapshot_status(&s, &token).await;
    assert_eq!(status, 200, "after the change the user works: {body}");
    let (_, forced) = sign_in(&s, "novikova", "свой-пароль-анны").await;
    assert!(!forced, "the user's own password is not forced to change");

    // A reset with `{}` generates a readable password that signs in and must be changed.
    let resp = s
        .post(&format!("/admin/users/{id}/password"))
        .bearer_auth(&admin.token)
        .json(&json!({}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "the administrator resets the password");
    let reset: Value = resp.json().await.expect("the generated password");
    let generated = reset["password"].as_str().expect("a generated password");
    assert_eq!(
        generated.chars().count(),
        10,
        "a 10-character password: {generated}"
    );
    let (token, forced) = sign_in(&s, "novikova", generated).await;
    assert!(forced, "a reset password must be changed");
    let (status, body) = snapshot_status(&s, &token).await;
    assert_eq!(status, 403, "a reset forces the change again: {body}");
    assert_eq!(body["code"], "password_change_required", "{body}");
    let logout = s
        .post("/auth/logout")
        .bearer_auth(&token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(
        logout.status(),
        204,
        "sign-out is allowed before the change"
    );

    // The administrator's own password is changed knowing the old one, never reset.
    let resp = s
        .post(&format!("/admin/users/{}/password", s.user("admin")))
        .bearer_auth(&admin.token)
        .json(&json!({}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 403, "one's own reset is refused");
    let body: Value = resp.json().await.expect("a JSON error");
    assert_eq!(body["code"], "own_password_via_admin", "{body}");
    assert_eq!(
        login_status(&s, "admin", journal_demo::DEMO_PASSWORD).await,
        200,
        "the refused reset left the administrator's password as it was"
    );
}

conformance!(
    admin_creates_a_user_and_resets_a_password,
    a_first_password_is_changed_before_any_work
);
