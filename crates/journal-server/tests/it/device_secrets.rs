//! `POST /auth/device-secret`: one secret per user and device, the same at every sign-in, handed
//! only to that user's session on that device (also right after an administrator's reset, before
//! the forced change), never in a snapshot.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{Backend, TestServer};

async fn login(s: &TestServer, login: &str, password: &str, device: Uuid) -> String {
    let resp = s
        .post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": device}))
        .send()
        .await
        .expect("the login reaches the server");
    assert_eq!(resp.status(), 200, "{login} signs in");
    let body: Value = resp.json().await.expect("a login reply");
    body["token"].as_str().expect("a token").to_string()
}

async fn secret(s: &TestServer, token: &str) -> (u16, Value) {
    let resp = s
        .post("/auth/device-secret")
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn a_device_secret_belongs_to_one_user_on_one_device(b: Backend) {
    let s = TestServer::start(b).await;
    let (pc1, pc2) = (Uuid::new_v4(), Uuid::new_v4());
    let t1 = login(&s, "teacher", journal_demo::DEMO_PASSWORD, pc1).await;
    let (status, first) = secret(&s, &t1).await;
    assert_eq!(
        status, 200,
        "the signed-in teacher gets the secret: {first}"
    );
    assert_eq!(first["device_id"], json!(pc1), "of the session's device");
    let hex = first["secret"].as_str().expect("a secret");
    assert_eq!(hex.len(), 64, "32 bytes in hex: {hex}");

    let again = login(&s, "teacher", journal_demo::DEMO_PASSWORD, pc1).await;
    assert_eq!(
        secret(&s, &again).await.1["secret"],
        first["secret"],
        "the same user on the same device gets the same secret at every sign-in"
    );
    let other_pc = login(&s, "teacher", journal_demo::DEMO_PASSWORD, pc2).await;
    assert_ne!(
        secret(&s, &other_pc).await.1["secret"],
        first["secret"],
        "another device of the user has its own secret"
    );
    let deputy = login(&s, "deputy", journal_demo::DEMO_PASSWORD, pc1).await;
    assert_ne!(
        secret(&s, &deputy).await.1["secret"],
        first["secret"],
        "another user on the same PC has their own secret"
    );
    let resp = s
        .post("/auth/device-secret")
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 401, "no secret without a sign-in");

    let snapshot = s
        .get("/sync/snapshot")
        .bearer_auth(&t1)
        .send()
        .await
        .expect("the request reaches the server")
        .text()
        .await
        .expect("the snapshot");
    assert!(
        !snapshot.contains(hex),
        "the secret is never part of the user's snapshot"
    );

    // After an administrator's reset the teacher signs in with the new password and, before the
    // forced change, still gets the secret (the app needs it to open the copy).
    let admin = login(&s, "admin", journal_demo::DEMO_PASSWORD, Uuid::new_v4()).await;
    let resp = s
        .post(&format!("/admin/users/{}/password", s.user("teacher")))
        .bearer_auth(&admin)
        .json(&json!({"new_password": "новый-пароль-учителя"}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "the administrator resets the password");
    let (status, _) = secret(&s, &t1).await;
    assert_eq!(status, 401, "the old session ends at the reset");
    let t2 = login(&s, "teacher", "новый-пароль-учителя", pc1).await;
    let (status, after) = secret(&s, &t2).await;
    assert_eq!(status, 200, "allowed before the forced change: {after}");
    assert_eq!(
        after["secret"], first["secret"],
        "the secret of the device is kept through the reset"
    );
}

conformance!(a_device_secret_belongs_to_one_user_on_one_device);
