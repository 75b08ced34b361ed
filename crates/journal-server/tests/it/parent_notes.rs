//! Remarks meant for parents (issue 12 item 3): the curator writes a note to the parents of a group's
//! student; the parent sees it in the diary and acknowledges («Ознакомлен»: who, when, once); the
//! curator then sees the acknowledgement. A teacher of the group writes too; one who does not teach
//! the student is refused (403), a parent of another child neither sees the note nor acknowledges
//! it (404), the student does not read their parents' notes, and bad text is refused with nothing
//! kept.

use journal_core::{Role, StudentId, UserId};
use serde_json::{json, Value};

use crate::support::{today, Backend, Device, TestServer};

async fn consent(s: &TestServer, token: &str) {
    let (st, state) = s.call(token, "/diary/consent", None).await;
    assert_eq!(st, 200, "the consent text is readable: {state}");
    let (st, body) = s
        .call(
            token,
            "/diary/consent",
            Some(json!({"version": state["version"]})),
        )
        .await;
    assert_eq!(st, 200, "the consent is recorded: {body}");
}

/// A parent account for `student`, created by the administrator, with its first password changed:
/// its token.
async fn another_parent(s: &TestServer, admin: &Device, student: StudentId) -> (String, UserId) {
    let (st, body) = s
        .call(
            &admin.token,
            "/admin/users",
            Some(
                json!({"login": "parent-other", "full_name": "Соседова Анна Ивановна",
            "grants": [{"role": "parent", "group_id": null, "student_id": student}],
            "password": "первый-пароль-1"}),
            ),
        )
        .await;
    assert_eq!(
        st, 201,
        "the administrator creates another child's parent: {body}"
    );
    let id: UserId = serde_json::from_value(body["id"].clone()).expect("the new user's id");
    let sign_in = |password: &'static str| async move {
        let resp = s
            .post("/auth/login")
            .json(&json!({"login": "parent-other", "password": password,
                "device_id": uuid::Uuid::new_v4()}))
            .send()
            .await
            .expect("the login reaches the server");
        assert_eq!(resp.status(), 200, "the other parent signs in");
        let body: Value = resp.json().await.expect("a login reply");
        body["token"].as_str().unwrap_or_default().to_string()
    };
    let token = sign_in("первый-пароль-1").await;
    let resp = s
        .post("/auth/password")
        .bearer_auth(&token)
        .json(&json!({"old_password": "первый-пароль-1", "new_password": "свой-пароль-родителя-2"}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 204, "the first password is changed");
    let token = sign_in("свой-пароль-родителя-2").await;
    consent(s, &token).await;
    (token, id)
}

async fn the_curator_writes_to_the_parents_who_acknowledge(b: Backend) {
    let s = TestServer::start(b).await;
    let parent_id = s.user("parent");
    let child = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == parent_id)
        .and_then(|u| u.grants.iter().find(|g| g.role == Role::Parent))
        .and_then(|g| g.student_id)
        .expect("the demo parent has a child");
    let on =
        |m: &journal_protocol::Membership| m.from <= today() && m.to.is_none_or(|to| today() <= to);
    let group = s
        .snapshot
        .memberships
        .iter()
        .find(|m| m.student_id == child && on(m))
        .map(|m| m.group_id)
        .expect("the child is in a group today");
    let classmate = s
        .snapshot
        .memberships
        .iter()
        .find(|m| m.group_id == group && m.student_id != child && on(m))
        .map(|m| m.student_id)
        .expect("the child has a classmate");
    // A teacher with no load in the child's group.
    let stranger = s
        .snapshot
        .users
        .iter()
        .filter(|u| {
            u.grants.iter().any(|g| g.role == Role::Teacher)
                && !u.grants.iter().any(|g| g.role == Role::Curator)
        })
        .find(|u| {
            !s.snapshot
                .loads
                .iter()
                .any(|l| l.teacher_id == u.id && l.group_id == group)
        })
        .map(|u| u.login.clone())
        .expect("a demo teacher who does not teach the child's group");
    // A teacher (not the curator) with a load in the child's group today.
    let own_teacher = s
        .snapshot
        .loads
        .iter()
        .filter(|l| l.group_id == group && l.subgroup_id.is_none())
        .filter(|l| l.from <= today() && l.to.is_none_or(|to| today() <= to))
        .filter_map(|l| s.snapshot.users.iter().find(|u| u.id == l.teacher_id))
        .find(|u| u.login != "curator")
        .map(|u| u.login.clone())
        .expect("a demo teacher who teaches the child's group");
    let (admin, curator, parent, student, stranger) = (
        s.device("admin").await,
        s.device("curator").await,
        s.device("parent").await,
        s.device("student").await,
        s.device(&stranger).await,
    );
    let text = "Опоздания на первую пару: прошу обсудить дома режим дня.";

    let (st, refused) = s
        .call(
            &stranger.token,
            "/diary/notes",
            Some(json!({"student_id": child, "text": text})),
        )
        .await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (403, Some("note_forbidden")),
        "a teacher who neither teaches nor curates the child writes nothing to the parents: {refused}"
    );
    for (bad, code) in [
        ("   ", "invalid_note_text"),
        ("a\u{7}b", "forbidden_character"),
    ] {
        let (st, refused) = s
            .call(
                &curator.token,
                "/diary/notes",
                Some(json!({"student_id": child, "text": bad})),
            )
            .await;
        assert_eq!(
            (st, refused["code"].as_str()),
            (400, Some(code)),
            "bad text is refused with its code: {refused}"
        );
    }
    let (st, note) = s
        .call(
            &curator.token,
            "/diary/notes",
            Some(json!({"student_id": child, "text": text})),
        )
        .await;
    assert_eq!(st, 201, "the curator writes to the group's parents: {note}");
    let id = note["id"].as_str().unwrap_or_default().to_string();
    let teacher = s.device(&own_teacher).await;
    let (st, by_teacher) = s
        .call(
            &teacher.token,
            "/diary/notes",
            Some(json!({"student_id": child, "text": "Не сдана лабораторная работа № 3."})),
        )
        .await;
    assert_eq!(
        st, 201,
        "a teacher of the child's group writes to the parents too: {by_teacher}"
    );
    let (_, teachers) = s.call(&teacher.token, "/diary/notes", None).await;
    assert_eq!(
        teachers.as_array().map(Vec::len),
        Some(1),
        "the teacher's list holds their own note only: {teachers}"
    );
    let (st, list) = s.call(&curator.token, "/diary/notes", None).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "the curator's written notes: only the new one (the bad ones kept nothing): {list}"
    );
    assert_eq!(
        list[0]["acknowledgements"],
        json!([]),
        "not yet acknowledged: {list}"
    );

    // The parent must consent first, then sees the note.
    let path = format!("/diary/notes?student={}", child.0);
    let (st, refused) = s.call(&parent.token, &path, None).await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (403, Some("consent_required")),
        "{refused}"
    );
    consent(&s, &parent.token).await;
    let (st, seen) = s.call(&parent.token, &path, None).await;
    assert_eq!(st, 200, "{seen}");
    assert_eq!(
        seen.as_array().map(Vec::len),
        Some(2),
        "the parent reads both notes about their child: {seen}"
    );
    assert!(
        seen.as_array()
            .into_iter()
            .flatten()
            .any(|n| n["text"] == text && n["id"] == id.as_str()),
        "the curator's note among them: {seen}"
    );
    assert!(
        seen[0]["author"].as_str().is_some_and(|a| !a.is_empty()),
        "with the curator's name: {seen}"
    );

    // The student and a parent of another child see nothing of it.
    let (st, refused) = s.call(&student.token, &path, None).await;
    assert_eq!(
        st, 404,
        "the student does not read their parents' notes: {refused}"
    );
    let (other, _) = another_parent(&s, &admin, classmate).await;
    let (st, refused) = s.call(&other, &path, None).await;
    assert_eq!(
        st, 404,
        "another child's parent does not see the note: {refused}"
    );
    assert!(
        !refused.to_string().contains("Опоздания"),
        "nor its text: {refused}"
    );
    let (st, own) = s
        .call(
            &other,
            &format!("/diary/notes?student={}", classmate.0),
            None,
        )
        .await;
    assert_eq!(
        (st, own.clone()),
        (200, json!([])),
        "their own child has no notes: {own}"
    );
    let ack = format!("/diary/notes/{id}/acknowledgement");
    let (st, refused) = s.call(&other, &ack, Some(json!({}))).await;
    assert_eq!(
        (st, refused["code"].as_str()),
        (404, Some("note_not_found")),
        "another child's parent cannot acknowledge it: {refused}"
    );
    let (st, refused) = s.call(&stranger.token, &path, None).await;
    assert_eq!(
        st, 404,
        "a teacher of other groups does not see it: {refused}"
    );

    // «Ознакомлен»: who and when, once.
    let (st, acked) = s.call(&parent.token, &ack, Some(json!({}))).await;
    assert_eq!(st, 200, "the parent acknowledges: {acked}");
    let first = acked["acknowledgements"].clone();
    assert_eq!(
        first.as_array().map(Vec::len),
        Some(1),
        "one acknowledgement: {acked}"
    );
    assert_eq!(first[0]["parent_id"], json!(parent_id), "by this parent");
    let (_, again) = s.call(&parent.token, &ack, Some(json!({}))).await;
    assert_eq!(
        again["acknowledgements"], first,
        "a repeated «Ознакомлен» keeps the first time"
    );
    let (_, list) = s.call(&curator.token, "/diary/notes", None).await;
    assert_eq!(
        list[0]["acknowledgements"][0]["parent_id"],
        json!(parent_id),
        "the curator sees that the parent acknowledged: {list}"
    );
    // When, on the institution's clock: the test server's 15:00 UTC is 18:00 in Moscow.
    for (what, time) in [
        ("written", &list[0]["created_at"]),
        ("acknowledged", &list[0]["acknowledgements"][0]["at"]),
    ] {
        assert_eq!(
            time.as_str(),
            Some(format!("{}T18:00:00+03:00", crate::support::today()).as_str()),
            "{what} in the institution's time with its offset: {list}"
        );
    }
}

conformance!(the_curator_writes_to_the_parents_who_acknowledge);
