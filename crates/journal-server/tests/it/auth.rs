//! Accounts: login, wrong passwords and lockout, tokens, logout, password change.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{test_config, Backend, TestServer};
use journal_server::dto::LoginResponse;

fn login_body(login: &str, password: &str) -> Value {
    json!({"login": login, "password": password, "device_id": Uuid::new_v4()})
}

async fn login_returns_token_with_expiry_and_the_user(b: Backend) {
    let s = TestServer::start(b).await;
    let resp = s
        .post("/auth/login")
        .json(&login_body("teacher", "demo"))
        .send()
        .await
        .expect("login reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the demo teacher signs in with the demo password"
    );
    let body: LoginResponse = resp.json().await.expect("a login reply");
    assert_eq!(body.user.login, "teacher", "the reply names the user");
    assert!(
        body.user.roles.contains(&journal_core::Role::Teacher),
        "the teacher has the teacher role: {:?}",
        body.user.roles
    );
    assert!(body.token.len() >= 32, "the token is long and random");
    assert!(
        body.expires_at.naive_utc() > (test_config().clock)(),
        "the token expires after the server's now"
    );

    let me = s
        .get("/auth/me")
        .bearer_auth(&body.token)
        .send()
        .await
        .expect("me reaches the server");
    assert_eq!(me.status(), 200, "the token opens the API");
}

async fn wrong_password_and_unknown_login_are_the_same_401(b: Backend) {
    let s = TestServer::start(b).await;
    for (login, password) in [("teacher", "wrong"), ("nobody", "demo")] {
        let resp = s
            .post("/auth/login")
            .json(&login_body(login, password))
            .send()
            .await
            .expect("login reaches the server");
        assert_eq!(resp.status(), 401, "{login}/{password} is refused");
        let body: Value = resp.json().await.expect("JSON error");
        assert_eq!(
            body["code"], "bad_credentials",
            "the reply does not tell whether the login exists"
        );
    }
}

async fn repeated_failures_lock_the_login_even_for_the_right_password(b: Backend) {
    let s = TestServer::start(b).await; // max_failures = 3
    let mut last_status = 0;
    for _ in 0..3 {
        let resp = s
            .post("/auth/login")
            .json(&login_body("teacher2", "guess"))
            .send()
            .await
            .expect("login reaches the server");
        last_status = resp.status().as_u16();
    }
    assert_eq!(
        last_status, 429,
        "the third failure in a row locks the login"
    );
    let resp = s
        .post("/auth/login")
        .json(&login_body("teacher2", "demo"))
        .send()
        .await
        .expect("login reaches the server");
    assert_eq!(
        resp.status(),
        429,
        "while locked even the right password is refused"
    );
    assert!(
        resp.headers().get("retry-after").is_some(),
        "the lockout says when to retry"
    );
    let body: Value = resp.json().await.expect("JSON error");
    assert_eq!(body["code"], "login_locked", "lockout has its own code");

    let other = s
        .post("/auth/login")
        .json(&login_body("teacher", "demo"))
        .send()
        .await
        .expect("login reaches the server");
    assert_eq!(
        other.status(),
        200,
        "the lockout is per login: others still sign in"
    );
}

async fn a_success_resets_the_failure_count(b: Backend) {
    let s = TestServer::start(b).await; // max_failures = 3
    for round in 0..3 {
        for _ in 0..2 {
            let resp = s
                .post("/auth/login")
                .json(&login_body("curator", "guess"))
                .send()
                .await
                .expect("login reaches the server");
            assert_eq!(
                resp.status(),
                401,
                "round {round}: two failures do not lock yet"
            );
        }
        let resp = s
            .post("/auth/login")
            .json(&login_body("curator", "demo"))
            .send()
            .await
            .expect("login reaches the server");
        assert_eq!(
            resp.status(),
            200,
            "round {round}: the right password still works and resets the count"
        );
    }
}

async fn endpoints_need_a_valid_token(b: Backend) {
    let s = TestServer::start(b).await;
    for (name, req) in [
        ("pull without token", s.get("/sync/pull")),
        (
            "push without token",
            s.post("/sync/push").json(&json!({"ops": []})),
        ),
        ("snapshot without token", s.get("/sync/snapshot")),
        (
            "pull with a made-up token",
            s.get("/sync/pull").bearer_auth("0123456789abcdef"),
        ),
        (
            "me with a non-bearer header",
            s.get("/auth/me")
                .header("authorization", "Basic dGVhY2hlcjpkZW1v"),
        ),
    ] {
        let resp = req.send().await.expect("request reaches the server");
        assert_eq!(resp.status(), 401, "{name} is 401");
        let body: Value = resp.json().await.expect("JSON error");
        assert_eq!(body["code"], "unauthorized", "{name}: code");
    }
}

async fn an_expired_token_is_refused_with_its_own_code(b: Backend) {
    let s = TestServer::start_with(
        b,
        journal_server::ServerConfig {
            token_ttl: chrono::Duration::seconds(-1),
            ..test_config()
        },
    )
    .await;
    let dev = s.device("teacher").await;
    let resp = s
        .get("/sync/pull")
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(resp.status(), 401, "an expired token is refused");
    let body: Value = resp.json().await.expect("JSON error");
    assert_eq!(
        body["code"], "token_expired",
        "the client learns to sign in again"
    );
}

async fn logout_ends_the_token(b: Backend) {
    let s = TestServer::start(b).await;
    let dev = s.device("teacher").await;
    let resp = s
        .post("/auth/logout")
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("logout reaches the server");
    assert_eq!(resp.status(), 204, "logout succeeds");
    let resp = s
        .get("/auth/me")
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(resp.status(), 401, "the token is dead after logout");
}

async fn password_change_needs_the_old_password_and_ends_other_sessions(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.device("teacher").await;
    let b = s.device("teacher").await;
    let resp = s
        .post("/auth/password")
        .bearer_auth(&a.token)
        .json(&json!({"old_password": "wrong", "new_password": "новый-пароль-1"}))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(resp.status(), 403, "a wrong old password is refused");
    let resp = s
        .post("/auth/password")
        .bearer_auth(&a.token)
        .json(&json!({"old_password": "demo", "new_password": "short"}))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(resp.status(), 400, "a too short new password is refused");
    let resp = s
        .post("/auth/password")
        .bearer_auth(&a.token)
        .json(&json!({"old_password": "demo", "new_password": "новый-пароль-1"}))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(resp.status(), 204, "the password changes");

    let me_a = s
        .get("/auth/me")
        .bearer_auth(&a.token)
        .send()
        .await
        .expect("request");
    assert_eq!(
        me_a.status(),
        200,
        "the session that changed the password stays"
    );
    let me_b = s
        .get("/auth/me")
        .bearer_auth(&b.token)
        .send()
        .await
        .expect("request");
    assert_eq!(me_b.status(), 401, "other sessions of the user end");

    let old = s
        .post("/auth/login")
        .json(&login_body("teacher", "demo"))
        .send()
        .await
        .expect("request");
    assert_eq!(old.status(), 401, "the old password no longer works");
    let new = s
        .post("/auth/login")
        .json(&login_body("teacher", "новый-пароль-1"))
        .send()
        .await
        .expect("request");
    assert_eq!(new.status(), 200, "the new password works");
}

conformance!(
    login_returns_token_with_expiry_and_the_user,
    wrong_password_and_unknown_login_are_the_same_401,
    repeated_failures_lock_the_login_even_for_the_right_password,
    a_success_resets_the_failure_count,
    endpoints_need_a_valid_token,
    an_expired_token_is_refused_with_its_own_code,
    logout_ends_the_token,
    password_change_needs_the_old_password_and_ends_other_sessions
);
