//! Each institution's own mail server (`/api/v1/admin/smtp`): two institutions on one server, each
//! with its own SMTP sink, and the server's `--smtp` as a third. Each institution's letters (the
//! parents' digest, the administrator's test letter) reach its own sink only; an institution
//! without its own uses the default. The password is never answered nor audited; a test letter the
//! mail server cannot take is answered in Russian; bad settings change nothing.

use std::time::Duration;

use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::PROTOCOL_HEADER;
use journal_server::init::{create_institution, NewInstitution};
use serde_json::{json, Value};

use crate::messages::{next_mail, smtp_sink};
use crate::support::{today, Backend, TestServer};

const PASSWORD_B: &str = "пароль-админа-Б";
const SECRET: &str = "секрет-почты-А";

async fn send(s: &TestServer, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let url = s.url(path);
    let req = match method {
        "PUT" => s.client.put(url).json(&body),
        "DELETE" => s.client.delete(url),
        "POST" => s.client.post(url).json(&body),
        _ => s.client.get(url),
    };
    let resp = req
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    assert!(
        !text.contains(SECRET),
        "{method} {path} never answers the password: {text}"
    );
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn own(port: u16, sender: &str) -> Value {
    json!({"host": "127.0.0.1", "port": port, "security": "none", "login": "",
           "sender": sender})
}

async fn login(s: &TestServer, login: &str, password: &str) -> String {
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let resp = s
        .post("/auth/login")
        .json(&json!({
            "login": login, "password": password,
            "device_id": journal_core::DeviceId(uuid::Uuid::new_v4()),
            "device_key": hex::encode(key.verifying_key().to_bytes()),
        }))
        .send()
        .await
        .expect("the login request reaches the server");
    assert_eq!(resp.status(), 200, "{login} signs in");
    let body: Value = resp.json().await.expect("a login reply");
    body["token"].as_str().unwrap_or_default().to_string()
}

async fn each_institution_sends_through_its_own_mail_server(b: Backend) {
    let (default_port, mut default_mails) = smtp_sink().await;
    let (port_a, mut mails_a) = smtp_sink().await;
    let (port_b, mut mails_b) = smtp_sink().await;
    let config = journal_server::ServerConfig {
        smtp: Some(journal_server::notice::Smtp {
            url: format!("smtp://127.0.0.1:{default_port}"),
            from: "journal@region.example".into(),
        }),
        mark_notice_interval: Duration::from_secs(1),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    create_institution(
        s.storage.as_ref(),
        NewInstitution {
            name: "ГБПОУ «Колледж Б»".into(),
            short_name: Some("Колледж Б".into()),
            timezone: "Europe/Moscow".into(),
            policy: journal_core::Policy::default(),
            admin_login: "adminb".into(),
            admin_name: Some("Иванова Мария Петровна".into()),
        },
        PASSWORD_B,
        today(),
        today().and_hms_opt(9, 0, 0).unwrap_or_default(),
    )
    .await
    .expect("institution B is created beside the demo");
    let admin_a = s.device("admin").await.token;
    let admin_b = login(&s, "adminb", PASSWORD_B).await;

    let (st, shown) = send(&s, &admin_a, "GET", "/admin/smtp", Value::Null).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(
        (shown["own"].as_bool(), shown["default_set"].as_bool()),
        (Some(false), Some(true)),
        "no own mail server yet, the server's default is there: {shown}"
    );

    // Bad settings are refused by field and change nothing.
    for (body, code) in [
        (
            json!({"host": "smtp a", "port": 25, "security": "none", "sender": "a@a.ru"}),
            "smtp_bad_host",
        ),
        (
            json!({"host": "smtp.a.ru", "port": 0, "security": "none", "sender": "a@a.ru"}),
            "smtp_bad_port",
        ),
        (
            json!({"host": "smtp.a.ru", "port": 25, "security": "ssl", "sender": "a@a.ru"}),
            "smtp_bad_security",
        ),
        (
            json!({"host": "smtp.a.ru", "port": 25, "security": "none", "sender": "журнал"}),
            "smtp_bad_sender",
        ),
        (
            json!({"host": "smtp.a.ru", "port": 25, "security": "none", "login": "journal", "sender": "a@a.ru"}),
            "smtp_password_missing",
        ),
    ] {
        let (st, refused) = send(&s, &admin_a, "PUT", "/admin/smtp", body.clone()).await;
        assert_eq!(
            (st, refused["code"].as_str()),
            (400, Some(code)),
            "{body} is refused: {refused}"
        );
    }
    let (_, shown) = send(&s, &admin_a, "GET", "/admin/smtp", Value::Null).await;
    assert_eq!(
        shown["own"], false,
        "a refused setting changed nothing: {shown}"
    );

    // A keeps its own server, with a login and a password that no answer repeats.
    let mut body = own(port_a, "journal@kolledzh-a.example");
    body["login"] = json!("journal-a");
    body["password"] = json!(SECRET);
    let (st, shown) = send(&s, &admin_a, "PUT", "/admin/smtp", body).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(
        (
            shown["own"].as_bool(),
            shown["password_set"].as_bool(),
            shown["login"].as_str()
        ),
        (Some(true), Some(true), Some("journal-a")),
        "A's own server is kept, its password said to be set: {shown}"
    );
    // The sink takes letters without signing in: the login goes again, the password is kept.
    let (st, shown) = send(
        &s,
        &admin_a,
        "PUT",
        "/admin/smtp",
        own(port_a, "journal@kolledzh-a.example"),
    )
    .await;
    assert_eq!(st, 200, "{shown}");
    let (st, shown) = send(
        &s,
        &admin_b,
        "PUT",
        "/admin/smtp",
        own(port_b, "journal@kolledzh-b.example"),
    )
    .await;
    assert_eq!(st, 200, "{shown}");
    let (_, seen_by_b) = send(&s, &admin_b, "GET", "/admin/smtp", Value::Null).await;
    assert_eq!(
        seen_by_b["sender"], "journal@kolledzh-b.example",
        "B's administrator sees B's own server, not A's: {seen_by_b}"
    );

    // Test letters: each through its own server.
    let (st, sent) = send(
        &s,
        &admin_a,
        "POST",
        "/admin/smtp/test",
        json!({"to": "director-a@example.ru"}),
    )
    .await;
    assert_eq!((st, sent["own"].as_bool()), (200, Some(true)), "{sent}");
    let (to, data) = next_mail(&mut mails_a, "A's test letter").await;
    assert_eq!(
        to, "director-a@example.ru",
        "A's test letter reaches A's server"
    );
    assert!(
        data.contains("journal@kolledzh-a.example"),
        "from A's sender: {data}"
    );
    let (st, sent) = send(
        &s,
        &admin_b,
        "POST",
        "/admin/smtp/test",
        json!({"to": "director-b@example.ru"}),
    )
    .await;
    assert_eq!(st, 200, "{sent}");
    let (to, _) = next_mail(&mut mails_b, "B's test letter").await;
    assert_eq!(
        to, "director-b@example.ru",
        "B's test letter reaches B's server"
    );

    // A parent's digest of A goes through A's server.
    let line = crate::mark_notices::a_mark_for_the_demo_parent(&s, "mama-a@example.ru").await;
    let (to, data) = next_mail(&mut mails_a, "A's digest of marks").await;
    assert_eq!(to, "mama-a@example.ru", "A's digest reaches A's server");
    let data = crate::mark_notices::letter_text(&data);
    assert!(data.contains(&line), "the digest carries «{line}»: {data}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        default_mails.try_recv().is_err() && mails_b.try_recv().is_err(),
        "neither the default server nor B's took any of A's letters"
    );

    // B goes back to the default: its letters go through the server's `--smtp`.
    let (st, shown) = send(&s, &admin_b, "DELETE", "/admin/smtp", Value::Null).await;
    assert_eq!((st, shown["own"].as_bool()), (200, Some(false)), "{shown}");
    let (st, sent) = send(
        &s,
        &admin_b,
        "POST",
        "/admin/smtp/test",
        json!({"to": "director-b@example.ru"}),
    )
    .await;
    assert_eq!((st, sent["own"].as_bool()), (200, Some(false)), "{sent}");
    let (to, data) = next_mail(&mut default_mails, "B's letter through the default").await;
    assert_eq!(
        to, "director-b@example.ru",
        "B without its own uses the default server"
    );
    assert!(
        data.contains("journal@region.example"),
        "from the default sender: {data}"
    );
    let (_, shown) = send(&s, &admin_a, "GET", "/admin/smtp", Value::Null).await;
    assert_eq!(
        shown["own"], true,
        "B's change left A's own server as it was: {shown}"
    );

    // A server that takes no letters: the refusal in Russian, with a code.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        l.local_addr().expect("its address").port()
    };
    let (st, _) = send(
        &s,
        &admin_a,
        "PUT",
        "/admin/smtp",
        own(closed, "journal@kolledzh-a.example"),
    )
    .await;
    assert_eq!(st, 200, "a server that is down can still be kept");
    let (st, refused) = send(
        &s,
        &admin_a,
        "POST",
        "/admin/smtp/test",
        json!({"to": "director-a@example.ru"}),
    )
    .await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (502, Some("smtp_unreachable")),
        "the test letter is refused by the mail server: {refused}"
    );
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Тестовое письмо не отправлено: Почтовый сервер не отвечает"),
        "the refusal is told in Russian: {message}"
    );
    let (st, refused) = send(
        &s,
        &admin_a,
        "POST",
        "/admin/smtp/test",
        json!({"to": "не адрес"}),
    )
    .await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (400, Some("smtp_bad_recipient")),
        "{refused}"
    );

    // Only the administrator; the audit names the changes, never the password.
    let deputy = s.device("deputy").await.token;
    let (st, refused) = send(&s, &deputy, "GET", "/admin/smtp", Value::Null).await;
    assert_eq!(
        st, 403,
        "the deputy does not keep the mail server: {refused}"
    );
    let resp = s
        .get("/admin/audit")
        .bearer_auth(&admin_a)
        .query(&[("kind", "smtp_setting_changed")])
        .send()
        .await
        .expect("the audit query reaches the server");
    let audit = resp.text().await.unwrap_or_default();
    assert!(
        audit.contains("smtp_setting_changed") && audit.contains("пароль изменён"),
        "the audit records the change and that the password changed: {audit}"
    );
    assert!(
        !audit.contains(SECRET),
        "the audit never holds the password"
    );
}

conformance!(each_institution_sends_through_its_own_mail_server);
