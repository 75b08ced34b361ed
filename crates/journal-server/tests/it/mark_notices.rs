//! E-mail digests of new marks and absences (issue 12 item 4): a teacher's push that sets the
//! child's mark and absence sends the parent who has an e-mail in the contacts one letter when the
//! window closes, with both lines («Предмет, 03.03: 5», «…: н») and nothing of a classmate; once the
//! parent turns the notices off in the diary, no letter goes. Only a parent has these notices.

use std::time::Duration;

use journal_core::Role;
use serde_json::{json, Value};

use crate::messages::smtp_sink;
use crate::support::{outcome_name, set_cell, today, Backend, Device, TestServer};

async fn call(s: &TestServer, dev: &Device, method: &str, path: &str, body: Value) -> (u16, Value) {
    let req = match method {
        "PUT" => s.client.put(s.url(path)).json(&body),
        _ => s.client.get(s.url(path)),
    };
    let resp = req
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The letter's text: its body decoded where lettre sent it as base64 (a line too long for 8-bit).
pub(crate) fn letter_text(data: &str) -> String {
    let Some((head, body)) = data.split_once("\n\n") else {
        return data.to_string();
    };
    if !head.contains("Content-Transfer-Encoding: base64") {
        return data.to_string();
    }
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut bits, mut acc, mut out) = (0u32, 0u32, Vec::new());
    for c in body.bytes() {
        let Some(v) = alphabet.iter().position(|a| *a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    format!(
        "{head}\n\n{}",
        String::from_utf8_lossy(&out).replace("\r\n", "\n")
    )
}

async fn a_parent_gets_one_digest_of_the_childs_marks_and_absences(b: Backend) {
    let (port, mut mails) = smtp_sink().await;
    let config = journal_server::ServerConfig {
        smtp: Some(journal_server::notice::Smtp {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "journal@college.example".into(),
        }),
        // Long enough for the four pushes below to fall in one window on a loaded machine.
        mark_notice_interval: Duration::from_secs(5),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let parent_id = s.user("parent");
    let child = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == parent_id)
        .and_then(|u| u.grants.iter().find(|g| g.role == Role::Parent))
        .and_then(|g| g.student_id)
        .expect("the demo parent has a child");
    let (parent, curator) = (s.device("parent").await, s.device("curator").await);
    let (st, body) = call(
        &s,
        &curator,
        "PUT",
        &format!("/students/{}/parents/{}", child.0, parent_id.0),
        json!({"relation": "мать", "email": "mama@example.ru"}),
    )
    .await;
    assert_eq!(st, 200, "the curator keeps the parent's e-mail: {body}");

    // Two of today's lessons with the child, by whichever demo teachers give them.
    let logins: Vec<String> = s.snapshot.users.iter().map(|u| u.login.clone()).collect();
    let lessons: Vec<_> = logins
        .iter()
        .flat_map(|login| {
            s.lessons_of(login, today())
                .into_iter()
                .filter(|l| s.students_of(l).contains(&child))
                .map(move |l| (login.as_str(), l))
        })
        .take(2)
        .collect();
    assert_eq!(
        lessons.len(),
        2,
        "the child has two lessons today in the demo"
    );
    let subject_of = |l: &journal_protocol::Lesson| {
        let load = s.load(l.load_id);
        s.snapshot
            .subjects
            .iter()
            .find(|x| x.id == load.subject_id)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let classmate = s
        .students_of(&lessons[0].1)
        .into_iter()
        .find(|x| *x != child)
        .expect("the child has a classmate");
    let mut first = s.device(lessons[0].0).await;
    // Both teachers sign in before the window opens: a sign-in takes its time.
    let other_teacher = if lessons[1].0 == lessons[0].0 {
        None
    } else {
        Some(s.device(lessons[1].0).await)
    };
    let at = s.during(&lessons[0].1);
    let ops = vec![
        first.op(at, set_cell(lessons[0].1.id, child, "4")),
        first.op(at, set_cell(lessons[0].1.id, classmate, "2")),
    ];
    for r in s.push(&first, &ops).await {
        assert_eq!(
            outcome_name(&r),
            "applied",
            "the teacher's marks are applied"
        );
    }
    // Corrected within the window: the letter keeps the latest value.
    let op = first.op(at, set_cell(lessons[0].1.id, child, "5"));
    for r in s.push(&first, &[op]).await {
        assert_eq!(outcome_name(&r), "applied", "the correction is applied");
    }
    let mut second = other_teacher.unwrap_or(first);
    let at = s.during(&lessons[1].1);
    let op = second.op(at, set_cell(lessons[1].1.id, child, "н"));
    for r in s.push(&second, &[op]).await {
        assert_eq!(outcome_name(&r), "applied", "the absence is applied");
    }

    let (to, data) = crate::messages::next_mail(&mut mails, "the digest").await;
    let data = letter_text(&data);
    assert_eq!(
        to, "mama@example.ru",
        "the digest goes to the parent's address"
    );
    let day = today().format("%d.%m").to_string();
    let (mark, absence) = (
        format!("{}, {day}: 5", subject_of(&lessons[0].1)),
        format!("{}, {day}: н", subject_of(&lessons[1].1)),
    );
    assert!(
        data.contains(&mark) && data.contains(&absence),
        "one letter lists the mark «{mark}» and the absence «{absence}»: {data}"
    );
    assert!(
        !data.contains(": 4\n") && !data.contains(": 2\n"),
        "neither the corrected value nor the classmate's mark is in the letter: {data}"
    );
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(
        mails.try_recv().is_err(),
        "one letter for the whole window, not one per push"
    );

    // The parent turns the notices off in the diary: no more letters.
    let (st, shown) = call(&s, &parent, "GET", "/diary/notices", Value::Null).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(
        (shown["marks"].as_bool(), shown["email_kept"].as_bool()),
        (Some(true), Some(true)),
        "on by default, and the parent sees that an address is kept: {shown}"
    );
    assert_eq!(
        shown["interval_minutes"], 1,
        "the window's length in whole minutes (5 s here, shown as 1): {shown}"
    );
    let (st, shown) = call(
        &s,
        &parent,
        "PUT",
        "/diary/notices",
        json!({"marks": false}),
    )
    .await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["marks"], false, "turned off: {shown}");
    let (st, refused) = call(&s, &curator, "GET", "/diary/notices", Value::Null).await;
    assert_eq!(st, 403, "the notices of marks are a parent's: {refused}");

    let op = second.op(at, set_cell(lessons[1].1.id, child, "б"));
    for r in s.push(&second, &[op]).await {
        assert_eq!(outcome_name(&r), "applied", "the change is applied");
    }
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(
        mails.try_recv().is_err(),
        "no letter once the parent turned the notices off"
    );
}

/// The demo parent's address kept by the curator, and one of today's marks of their child pushed
/// by the lesson's teacher: the line the digest should carry («Предмет, 03.03: 5»).
pub(crate) async fn a_mark_for_the_demo_parent(s: &TestServer, email: &str) -> String {
    let parent_id = s.user("parent");
    let child = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == parent_id)
        .and_then(|u| u.grants.iter().find(|g| g.role == Role::Parent))
        .and_then(|g| g.student_id)
        .expect("the demo parent has a child");
    let curator = s.device("curator").await;
    let (st, body) = call(
        s,
        &curator,
        "PUT",
        &format!("/students/{}/parents/{}", child.0, parent_id.0),
        json!({"relation": "мать", "email": email}),
    )
    .await;
    assert_eq!(st, 200, "the curator keeps the parent's e-mail: {body}");
    let logins: Vec<String> = s.snapshot.users.iter().map(|u| u.login.clone()).collect();
    let (login, lesson) = logins
        .iter()
        .find_map(|login| {
            s.lessons_of(login, today())
                .into_iter()
                .find(|l| s.students_of(l).contains(&child))
                .map(|l| (login.clone(), l))
        })
        .expect("the child has a lesson today in the demo");
    let mut teacher = s.device(&login).await;
    let op = teacher.op(s.during(&lesson), set_cell(lesson.id, child, "5"));
    for r in s.push(&teacher, &[op]).await {
        assert_eq!(outcome_name(&r), "applied", "the teacher's mark is applied");
    }
    let subject = s
        .snapshot
        .subjects
        .iter()
        .find(|x| x.id == s.load(lesson.load_id).subject_id)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    format!("{subject}, {}: 5", today().format("%d.%m"))
}

/// How many digest lines wait in the database (counted by a no-op update behind the server).
async fn lines_waiting(s: &TestServer) -> u64 {
    s.tamper("UPDATE mark_notice_lines SET due_ms = due_ms")
        .await
}

async fn a_queued_digest_survives_a_restart_and_goes_once(b: Backend) {
    let (port, mut mails) = smtp_sink().await;
    let config = || journal_server::ServerConfig {
        smtp: Some(journal_server::notice::Smtp {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "journal@college.example".into(),
        }),
        // Long enough that the server is stopped before the window closes on a loaded machine.
        mark_notice_interval: Duration::from_secs(4),
        ..crate::support::test_config()
    };
    let mut s = TestServer::start_with(b, config()).await;
    let line = a_mark_for_the_demo_parent(&s, "papa@example.ru").await;
    // The line is queued in the background after the push is answered: wait until it is kept.
    let mut kept = 0;
    for _ in 0..50 {
        kept = lines_waiting(&s).await;
        if kept > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        kept, 1,
        "the mark's line waits in the database for its window"
    );

    s.stop();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(
        mails.try_recv().is_err(),
        "a stopped server sends nothing, though the window has closed"
    );
    assert_eq!(
        lines_waiting(&s).await,
        1,
        "the line outlives the stopped server"
    );

    s.restart(config()).await;
    let (to, data) = crate::messages::next_mail(&mut mails, "the digest after the restart").await;
    let data = letter_text(&data);
    assert_eq!(
        to, "papa@example.ru",
        "the digest goes to the parent's address"
    );
    assert!(
        data.contains(&line),
        "the letter after the restart carries the line «{line}»: {data}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        mails.try_recv().is_err(),
        "the letter goes once, not again after it was sent"
    );
    assert_eq!(lines_waiting(&s).await, 0, "a sent letter's lines are gone");
}

conformance!(
    a_parent_gets_one_digest_of_the_childs_marks_and_absences,
    a_queued_digest_survives_a_restart_and_goes_once
);
