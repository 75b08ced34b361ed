//! Messages (issue 12 item 4): a parent writes to their child's curator, the curator answers, each
//! sees the other's message as unread until they open the thread; a teacher who does not teach the
//! child is refused with a code and nothing is kept; the parent's request to correct personal data
//! goes to the curator only, flagged by its kind; the curator announces to their group's parents,
//! whom the announcement reaches, and nobody answers in it; bad text changes nothing; the 21st new
//! thread of a day is refused.

use journal_core::Role;
use serde_json::{json, Value};

use crate::support::{Backend, Device, TestServer};

async fn call(s: &TestServer, dev: &Device, path: &str, body: Option<Value>) -> (u16, Value) {
    let req = match body {
        Some(b) => s.post(path).json(&b),
        None => s.get(path),
    };
    let resp = req
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn unread(s: &TestServer, dev: &Device) -> i64 {
    let (st, body) = call(s, dev, "/messages/unread", None).await;
    assert_eq!(st, 200, "the unread count answers: {body}");
    body["unread"].as_i64().unwrap_or(-1)
}

async fn a_parent_and_the_curator_write_to_each_other(b: Backend) {
    let s = TestServer::start(b).await;
    let snap = s.snapshot.clone();
    let curator_id = s.user("curator");
    let parent_user = snap
        .users
        .iter()
        .find(|u| u.login == "parent")
        .expect("the demo parent");
    let child = parent_user
        .grants
        .iter()
        .find(|g| g.role == Role::Parent)
        .and_then(|g| g.student_id)
        .expect("the demo parent has a child");
    let (parent, curator, teacher) = (
        s.device("parent").await,
        s.device("curator").await,
        s.device("teacher").await,
    );

    // Whom the parent may write to: the curator in words, and only the child's teachers.
    let (st, list) = call(&s, &parent, "/messages/recipients", None).await;
    assert_eq!(st, 200, "{list}");
    let recipients = list["recipients"].as_array().cloned().unwrap_or_default();
    let curator_row = recipients
        .iter()
        .find(|r| r["user_id"] == json!(curator_id))
        .unwrap_or_else(|| panic!("the curator is among the parent's recipients: {list}"));
    assert!(
        curator_row["role"]
            .as_str()
            .is_some_and(|r| r.starts_with("Куратор группы ")),
        "the curator's role in words: {curator_row}"
    );
    assert!(
        recipients.iter().any(|r| r["role"]
            .as_str()
            .is_some_and(|r| r.contains("Преподаватель: "))),
        "the child's teachers with their subject: {list}"
    );
    assert!(
        list["correction_to"]
            .as_array()
            .is_some_and(|c| c.iter().any(|r| r["user_id"] == json!(curator_id))),
        "the correction request goes to the curator: {list}"
    );
    assert_eq!(
        list["audiences"],
        json!([]),
        "a parent sends no announcements"
    );
    let stranger = snap
        .users
        .iter()
        .find(|u| {
            u.grants.iter().any(|g| g.role == Role::Teacher)
                && !recipients.iter().any(|r| r["user_id"] == json!(u.id))
        })
        .expect("the demo has a teacher who does not teach the parent's child");
    let (st, refused) = call(
        &s,
        &parent,
        "/messages",
        Some(json!({"kind": "message", "to": stranger.id, "subject": "Вопрос", "body": "Здравствуйте"})),
    )
    .await;
    assert_eq!(st, 403, "a teacher who does not teach the child: {refused}");
    assert_eq!(refused["code"], "recipient_not_allowed", "{refused}");
    let (_, mine) = call(&s, &parent, "/messages", None).await;
    assert_eq!(
        mine["threads"],
        json!([]),
        "the refusal kept nothing: {mine}"
    );

    // Bad text changes nothing.
    for (body, code) in [
        (
            json!({"kind": "message", "to": curator_id, "subject": "Вопрос", "body": "Звонок\u{7}"}),
            "forbidden_character",
        ),
        (
            json!({"kind": "message", "to": curator_id, "subject": "Вопрос", "body": "   "}),
            "empty_message",
        ),
        (
            json!({"kind": "message", "to": curator_id, "subject": "", "body": "Текст"}),
            "empty_subject",
        ),
        (
            json!({"kind": "message", "subject": "Вопрос", "body": "Текст"}),
            "recipient_required",
        ),
    ] {
        let (st, e) = call(&s, &parent, "/messages", Some(body.clone())).await;
        assert_eq!(st, 400, "{body} is refused: {e}");
        assert_eq!(e["code"], code, "{body}: {e}");
    }
    let (_, mine) = call(&s, &parent, "/messages", None).await;
    assert_eq!(mine["threads"], json!([]), "bad text kept nothing: {mine}");

    // The parent writes; the curator sees it unread, opens it, answers.
    let (st, started) = call(
        &s,
        &parent,
        "/messages",
        Some(
            json!({"kind": "message", "to": curator_id, "subject": "Пропуск в пятницу",
            "body": "Здравствуйте!\nСын будет у врача в пятницу."}),
        ),
    )
    .await;
    assert_eq!(st, 201, "the parent writes to the curator: {started}");
    let thread = started["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        started["messages"][0]["body"], "Здравствуйте!\nСын будет у врача в пятницу.",
        "the text keeps its lines: {started}"
    );
    assert_eq!(unread(&s, &parent).await, 0, "one's own message is read");
    assert_eq!(unread(&s, &curator).await, 1, "the curator has one unread");
    let (_, list) = call(&s, &curator, "/messages", None).await;
    assert_eq!(list["threads"][0]["unread"], 1, "{list}");
    assert_eq!(
        list["threads"][0]["with"],
        json!(parent_user.full_name),
        "the curator sees who wrote: {list}"
    );
    let (st, opened) = call(&s, &curator, &format!("/messages/{thread}"), None).await;
    assert_eq!(st, 200, "{opened}");
    assert_eq!(opened["may_reply"], true, "{opened}");
    assert_eq!(unread(&s, &curator).await, 0, "opening marks it read");
    let (st, answered) = call(
        &s,
        &curator,
        &format!("/messages/{thread}/replies"),
        Some(json!({"body": "Спасибо, отмечу уважительную причину."})),
    )
    .await;
    assert_eq!(st, 201, "the curator answers: {answered}");
    assert_eq!(answered["messages"][1]["seq"], 2, "{answered}");
    assert_eq!(
        unread(&s, &parent).await,
        1,
        "the parent has the answer unread"
    );
    let (_, seen) = call(&s, &parent, &format!("/messages/{thread}"), None).await;
    assert_eq!(
        seen["messages"][1]["body"], "Спасибо, отмечу уважительную причину.",
        "{seen}"
    );
    assert_eq!(seen["messages"][1]["mine"], false, "{seen}");
    assert_eq!(unread(&s, &parent).await, 0, "read once opened");

    // Nobody else opens or answers it.
    let (st, e) = call(&s, &teacher, &format!("/messages/{thread}"), None).await;
    assert_eq!(st, 404, "another user does not see the thread: {e}");
    let (st, _) = call(
        &s,
        &teacher,
        &format!("/messages/{thread}/replies"),
        Some(json!({"body": "Вмешаюсь"})),
    )
    .await;
    assert_eq!(st, 404, "nor answers in it");

    // The request to correct personal data: to the curator only, flagged by its kind.
    let teacher_of_child = recipients
        .iter()
        .find(|r| {
            r["role"]
                .as_str()
                .is_some_and(|x| x.starts_with("Преподаватель") && !x.contains("Куратор"))
        })
        .map(|r| r["user_id"].clone())
        .expect("a teacher of the child");
    let (st, e) = call(
        &s,
        &parent,
        "/messages",
        Some(json!({"kind": "correction_request", "to": teacher_of_child,
            "body": "Фамилия ребёнка с ошибкой"})),
    )
    .await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(e["code"], "correction_not_to_curator", "{e}");
    let (st, req) = call(
        &s,
        &parent,
        "/messages",
        Some(json!({"kind": "correction_request", "to": curator_id,
            "body": "В фамилии ребёнка ошибка: Петров, не Петрова"})),
    )
    .await;
    assert_eq!(st, 201, "{req}");
    assert_eq!(req["subject"], "Запрос на исправление персональных данных");
    let (_, list) = call(&s, &curator, "/messages", None).await;
    assert!(
        list["threads"].as_array().is_some_and(|t| t
            .iter()
            .any(|t| t["kind"] == "correction_request" && t["unread"] == 1)),
        "the curator sees the request flagged: {list}"
    );

    // The curator announces to their group's parents; the parent gets it and does not answer in it.
    let (_, theirs) = call(&s, &curator, "/messages/recipients", None).await;
    let parents_key = theirs["audiences"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["key"].as_str().is_some_and(|k| k.ends_with(":parents")))
        .map(|a| a["key"].clone())
        .unwrap_or_else(|| panic!("the curator announces to their group's parents: {theirs}"));
    assert!(
        !theirs["audiences"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["key"] == "institution")),
        "a curator does not announce to the institution: {theirs}"
    );
    let (st, e) = call(
        &s,
        &curator,
        "/messages",
        Some(json!({"kind": "announcement", "audience": "institution", "subject": "Всем", "body": "Текст"})),
    )
    .await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(e["code"], "audience_not_allowed", "{e}");
    let (st, ann) = call(
        &s,
        &curator,
        "/messages",
        Some(
            json!({"kind": "announcement", "audience": parents_key, "subject": "Собрание",
            "body": "Родительское собрание в четверг в 18:00"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{ann}");
    let ann_id = ann["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        unread(&s, &parent).await,
        1,
        "the announcement reaches the parent"
    );
    let (st, e) = call(
        &s,
        &parent,
        &format!("/messages/{ann_id}/replies"),
        Some(json!({"body": "Приду"})),
    )
    .await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(e["code"], "announcement_no_replies", "{e}");
    let (st, _) = call(&s, &teacher, &format!("/messages/{ann_id}"), None).await;
    assert_eq!(st, 404, "the announcement is for the group's parents only");
    let (st, e) = call(
        &s,
        &teacher,
        "/messages",
        Some(json!({"kind": "announcement", "audience": parents_key, "subject": "Собрание", "body": "Текст"})),
    )
    .await;
    assert_eq!(st, 403, "a teacher sends no announcements: {e}");
    // The child sees it only if addressed to students: it was for parents.
    if let Some(student) = snap.users.iter().find(|u| {
        u.grants
            .iter()
            .any(|g| g.role == Role::Student && g.student_id == Some(child))
    }) {
        let dev = s.device(&student.login).await;
        let (st, _) = call(&s, &dev, &format!("/messages/{ann_id}"), None).await;
        assert_eq!(st, 404, "the parents' announcement is not the students'");
    }

    // The flood bound: the parent has started 2 threads today; 18 more, then the 21st is refused.
    for i in 0..18 {
        let (st, e) = call(
            &s,
            &parent,
            "/messages",
            Some(json!({"kind": "message", "to": curator_id, "subject": format!("Вопрос {i}"), "body": "Текст"})),
        )
        .await;
        assert_eq!(st, 201, "thread {} of the day: {e}", i + 3);
    }
    let (st, e) = call(
        &s,
        &parent,
        "/messages",
        Some(json!({"kind": "message", "to": curator_id, "subject": "Ещё", "body": "Текст"})),
    )
    .await;
    assert_eq!(st, 429, "the 21st thread of a day: {e}");
    assert_eq!(e["code"], "too_many_threads", "{e}");
    let (st, _) = call(
        &s,
        &parent,
        &format!("/messages/{thread}/replies"),
        Some(json!({"body": "И ещё вопрос"})),
    )
    .await;
    assert_eq!(st, 201, "replies are not bounded");
}

/// The next mail the sink took: its recipient and data (a test fails after 30 s without one).
pub(crate) async fn next_mail(
    mails: &mut tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
    what: &str,
) -> (String, String) {
    tokio::time::timeout(std::time::Duration::from_secs(30), mails.recv())
        .await
        .unwrap_or_else(|_| panic!("{what} reaches the SMTP sink"))
        .expect("the sink is open")
}

/// A demo user's full name.
fn full_name_of(s: &TestServer, id: journal_core::UserId) -> String {
    s.snapshot
        .users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.full_name.clone())
        .expect("a demo user")
}

/// A small SMTP server on 127.0.0.1: takes every mail it is given and hands its envelope
/// recipient and data on the channel.
pub(crate) async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<(String, String)>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the sink listens");
    let port = listener.local_addr().expect("the sink's port").port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink\r\n").await;
                let (mut rcpt, mut data, mut in_data) = (String::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let _ = tx.send((rcpt.clone(), std::mem::take(&mut data)));
                            let _ = write.write_all(b"250 kept\r\n").await;
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        if upper.starts_with("RCPT TO:") {
                            rcpt = line[8..].trim().trim_matches(['<', '>']).to_string();
                        }
                        b"250 ok\r\n"
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (port, rx)
}

async fn a_new_message_sends_an_email_notice(b: Backend) {
    let (port, mut mails) = smtp_sink().await;
    let config = journal_server::ServerConfig {
        smtp: Some(journal_server::notice::Smtp {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "journal@college.example".into(),
        }),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let curator_id = s.user("curator");
    let parent_user = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "parent")
        .expect("the demo parent")
        .clone();
    let child = parent_user
        .grants
        .iter()
        .find(|g| g.role == Role::Parent)
        .and_then(|g| g.student_id)
        .expect("the demo parent has a child");
    let (parent, curator) = (s.device("parent").await, s.device("curator").await);
    // The curator keeps the parent's e-mail (the contacts).
    let resp = s
        .client
        .put(s.url(&format!(
            "/students/{}/parents/{}",
            child.0, parent_user.id.0
        )))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&curator.token)
        .json(&json!({"relation": "мать", "email": "mama@example.ru"}))
        .send()
        .await
        .expect("the contacts request reaches the server");
    assert_eq!(resp.status(), 200, "the curator saves the parent's e-mail");

    // The parent writes: the curator has no address kept, so no notice.
    let (st, started) = call(
        &s,
        &parent,
        "/messages",
        Some(
            json!({"kind": "message", "to": curator_id, "subject": "Справка о болезни",
            "body": "Диагноз и подробности — только в журнале"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{started}");
    let thread = started["id"].as_str().unwrap_or_default().to_string();
    // The curator answers: the parent gets a notice with the curator's name, nothing of the text.
    let (st, answered) = call(
        &s,
        &curator,
        &format!("/messages/{thread}/replies"),
        Some(json!({"body": "Справку примем, подробности при встрече"})),
    )
    .await;
    assert_eq!(
        st, 201,
        "the answer is kept whatever the mail does: {answered}"
    );
    let (to, data) = next_mail(&mut mails, "the notice").await;
    assert_eq!(
        to, "mama@example.ru",
        "the notice goes to the parent's address"
    );
    let curator_name = &full_name_of(&s, curator_id);
    assert!(
        data.contains(curator_name.as_str()) && data.contains("Новое сообщение"),
        "the notice names the sender and says «Новое сообщение»: {data}"
    );
    assert!(
        !data.contains("Справк") && !data.contains("Диагноз"),
        "the notice carries neither the subject nor the text: {data}"
    );
    assert!(
        mails.try_recv().is_err(),
        "one notice only: the curator has no address kept"
    );
}

async fn put(s: &TestServer, dev: &Device, path: &str, body: Value) -> (u16, Value) {
    let resp = s
        .client
        .put(s.url(path))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&dev.token)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The administrator keeps a staff member's e-mail («Пользователи»): a malformed address is refused
/// with a Russian message, a parent's address is not theirs to keep, and a parent's message to the
/// curator who has an address sends a notice there — the parent's name, not the text. The address
/// never reaches a device's copy.
async fn a_message_to_the_curator_with_an_email_sends_a_notice(b: Backend) {
    let (port, mut mails) = smtp_sink().await;
    let config = journal_server::ServerConfig {
        smtp: Some(journal_server::notice::Smtp {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "journal@college.example".into(),
        }),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let (curator_id, parent_id) = (s.user("curator"), s.user("parent"));
    let (admin, parent, curator) = (
        s.device("admin").await,
        s.device("parent").await,
        s.device("curator").await,
    );
    let path = format!("/admin/users/{}/email", curator_id.0);

    let (st, refused) = put(&s, &admin, &path, json!({"email": "kurator.example.ru"})).await;
    assert_eq!(st, 400, "a malformed address is refused: {refused}");
    assert_eq!(refused["code"], "invalid_email", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap_or_default()
            .contains("имя@домен.ru"),
        "the refusal says in Russian what an address looks like: {refused}"
    );
    let (st, refused) = put(
        &s,
        &curator,
        &path,
        json!({"email": "kurator@college.example"}),
    )
    .await;
    assert_eq!(
        st, 403,
        "the curator does not keep staff addresses, the administrator does: {refused}"
    );
    let (st, refused) = put(
        &s,
        &admin,
        &format!("/admin/users/{}/email", parent_id.0),
        json!({"email": "mama@example.ru"}),
    )
    .await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (400, Some("email_not_staff")),
        "a parent's address is kept in the contacts, not here: {refused}"
    );

    let (st, kept) = put(
        &s,
        &admin,
        &path,
        json!({"email": " kurator@college.example "}),
    )
    .await;
    assert_eq!(
        st, 200,
        "the administrator keeps the curator's address: {kept}"
    );
    assert_eq!(kept["email"], "kurator@college.example", "kept trimmed");
    let (st, list) = call(&s, &admin, "/admin/users", None).await;
    assert_eq!(st, 200, "{list}");
    let row = list["users"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["login"] == "curator"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        row["email"], "kurator@college.example",
        "«Пользователи» shows the kept address: {row}"
    );
    let (st, snap) = call(&s, &curator, "/sync/snapshot", None).await;
    assert_eq!(st, 200, "the curator's snapshot answers");
    assert!(
        !snap.to_string().contains("kurator@college.example"),
        "a staff address is never in a device's copy"
    );

    let (st, started) = call(
        &s,
        &parent,
        "/messages",
        Some(
            json!({"kind": "message", "to": curator_id, "subject": "Справка о болезни",
            "body": "Диагноз и подробности — только в журнале"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "the parent writes to the curator: {started}");
    let (to, data) = next_mail(&mut mails, "the notice").await;
    assert_eq!(
        to, "kurator@college.example",
        "the notice goes to the curator's kept address"
    );
    let parent_name = &full_name_of(&s, parent_id);
    assert!(
        data.contains(parent_name.as_str()) && data.contains("электронном журнале"),
        "the notice names the sender and says to read it in the journal: {data}"
    );
    assert!(
        !data.contains("Справк") && !data.contains("Диагноз"),
        "the notice carries neither the subject nor the text: {data}"
    );

    // The address removed: no more notices.
    let (st, _) = put(&s, &admin, &path, json!({"email": ""})).await;
    assert_eq!(st, 200, "an empty address removes it");
    let thread = started["id"].as_str().unwrap_or_default().to_string();
    let (st, _) = call(
        &s,
        &parent,
        &format!("/messages/{thread}/replies"),
        Some(json!({"body": "И ещё вопрос"})),
    )
    .await;
    assert_eq!(st, 201);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        mails.try_recv().is_err(),
        "no notice once the address is removed"
    );
}

conformance!(
    a_parent_and_the_curator_write_to_each_other,
    a_new_message_sends_an_email_notice,
    a_message_to_the_curator_with_an_email_sends_a_notice
);
