//! «Предложение»: a teacher and a parent write to the administration; the administrator reads them,
//! newest first, with the author and the screen, and marks one dealt with; a teacher or a deputy
//! cannot read them; bad text is refused and changes nothing.

use journal_server::suggestion_routes::{SuggestionList, MAX_PER_DAY};
use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn list(s: &TestServer, token: &str) -> SuggestionList {
    let resp = s
        .get("/admin/suggestions")
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the administrator reads the suggestions"
    );
    resp.json().await.expect("a list of suggestions")
}

async fn send(s: &TestServer, token: &str, body: Value) -> (u16, Value) {
    let resp = s
        .post("/suggestions")
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn suggestions_reach_the_administrator(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.device("teacher").await;
    let parent = s.device("parent").await;
    let admin = s.device("admin").await;

    let (status, body) = send(
        &s,
        &teacher.token,
        json!({"text": "Хотелось бы печатать журнал по подгруппам.\nСпасибо.", "screen": "Печать"}),
    )
    .await;
    assert_eq!(status, 201, "a teacher's suggestion is taken: {body}");
    let (status, body) = send(&s, &parent.token, json!({"text": "Нужна тёмная тема"})).await;
    assert_eq!(status, 201, "a parent may write too: {body}");

    let got = list(&s, &admin.token).await;
    assert_eq!(got.suggestions.len(), 2, "both arrive: {got:?}");
    assert_eq!(got.open, 2, "neither is dealt with yet");
    let newest = &got.suggestions[0];
    assert_eq!(newest.text, "Нужна тёмная тема", "newest first");
    assert!(
        newest.author_roles.contains(&journal_core::Role::Parent),
        "the author's role is shown: {newest:?}"
    );
    let first = &got.suggestions[1];
    assert_eq!(
        first.text, "Хотелось бы печатать журнал по подгруппам.\nСпасибо.",
        "the text keeps its lines"
    );
    assert_eq!(first.screen, "Печать", "the screen it was written from");
    assert_eq!(
        first.author_id,
        Some(s.user("teacher")),
        "the author is named"
    );
    assert!(
        first.author_name.as_deref().is_some_and(|n| !n.is_empty()),
        "with the full name"
    );

    // «Рассмотрено», twice: the second changes nothing.
    let seq = first.seq;
    for round in 0..2 {
        let resp = s
            .post(&format!("/admin/suggestions/{seq}/done"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 200, "marked dealt with (round {round})");
        let one: journal_server::suggestion_routes::Suggestion =
            resp.json().await.expect("the suggestion");
        assert!(
            one.done && one.done_by_name.is_some(),
            "done, by whom: {one:?}"
        );
    }
    let got = list(&s, &admin.token).await;
    assert_eq!(got.open, 1, "one left to deal with: {got:?}");
    let handled = s
        .storage
        .audit_entries(s.snapshot.institution.id, "suggestion_done", 10)
        .await
        .expect("the audit reads");
    assert_eq!(
        handled.len(),
        1,
        "a repeated «Рассмотрено» is not recorded again"
    );

    for (login, what) in [("teacher", "a teacher"), ("deputy", "a deputy")] {
        let d = s.device(login).await;
        let resp = s
            .get("/admin/suggestions")
            .bearer_auth(&d.token)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 403, "{what} does not read the suggestions");
        let resp = s
            .post(&format!("/admin/suggestions/{seq}/done"))
            .bearer_auth(&d.token)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 403, "{what} does not mark them");
    }
    for bad in ["999999", "x"] {
        let resp = s
            .post(&format!("/admin/suggestions/{bad}/done"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 404, "an unknown suggestion «{bad}»");
    }
}

async fn bad_suggestions_are_refused_and_change_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.device("teacher").await;
    let admin = s.device("admin").await;
    for (body, code) in [
        (json!({"text": "   "}), "suggestion_empty"),
        (json!({"text": "а".repeat(3_001)}), "suggestion_too_long"),
        (
            json!({"text": "звонок\u{0007}"}),
            "suggestion_invalid_characters",
        ),
        (
            json!({"text": "текст", "screeen": "опечатка"}),
            "invalid_request",
        ),
    ] {
        let (status, got) = send(&s, &teacher.token, body.clone()).await;
        assert_eq!(status, 400, "refused: {body} → {got}");
        assert_eq!(got["code"], code, "with its code: {got}");
    }
    let resp = s
        .post("/suggestions")
        .json(&json!({"text": "без входа"}))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 401, "only a signed-in user writes");
    assert!(
        list(&s, &admin.token).await.suggestions.is_empty(),
        "nothing was recorded"
    );

    for i in 0..MAX_PER_DAY {
        let (status, _) = send(&s, &teacher.token, json!({"text": format!("№ {i}")})).await;
        assert_eq!(status, 201, "suggestion {i} of the day is taken");
    }
    let (status, got) = send(&s, &teacher.token, json!({"text": "ещё одно"})).await;
    assert_eq!(status, 429, "one more in the same day is refused: {got}");
    assert_eq!(got["code"], "too_many_suggestions");
    assert_eq!(
        list(&s, &admin.token).await.suggestions.len(),
        MAX_PER_DAY,
        "the refused one is not recorded"
    );
}

async fn the_support_contact_is_kept_by_the_administrator_and_read_by_everyone(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let parent = s.device("parent").await;
    let teacher = s.device("teacher").await;
    let help = |token: String| {
        let req = s.get("/help").bearer_auth(token);
        async move {
            let resp = req.send().await.expect("the request reaches the server");
            assert_eq!(
                resp.status(),
                200,
                "any signed-in user reads «Справка»'s contact"
            );
            resp.json::<Value>().await.expect("JSON")
        }
    };
    let before = help(parent.token.clone()).await;
    assert_eq!(before["support"]["phone"], "", "no contact yet: {before}");
    assert_eq!(before["institution"], s.snapshot.institution.name.as_str());

    let contact = json!({"name": "Петров Иван Сергеевич", "phone": "+7 812 555-01-02",
        "email": "journal@college.ru", "hours": "пн–пт 9:00–17:00, каб. 214"});
    let put = |token: String, body: Value| {
        s.client
            .put(s.url("/admin/support"))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let resp = put(teacher.token.clone(), contact.clone())
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 403, "a teacher does not set it");
    let resp = put(
        admin.token.clone(),
        json!({"name": "x", "email": "не почта"}),
    )
    .await
    .expect("reaches");
    assert_eq!(resp.status(), 400, "a malformed e-mail is refused");
    assert_eq!(
        help(parent.token.clone()).await,
        before,
        "a refusal changes nothing"
    );
    let version = s
        .storage
        .reference_version(s.snapshot.institution.id)
        .await
        .expect("version");
    let resp = put(admin.token.clone(), contact.clone())
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 200, "the administrator sets it");
    let after = help(parent.token.clone()).await;
    assert_eq!(after["support"], contact, "a parent reads the contact");
    assert_eq!(
        s.storage
            .reference_version(s.snapshot.institution.id)
            .await
            .expect("version"),
        version + 1,
        "devices learn it with the snapshot at their next sync"
    );
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(
        snap.institution.support.email, "journal@college.ru",
        "kept with the institution"
    );
    let changed = s
        .storage
        .audit_entries(s.snapshot.institution.id, "support_changed", 10)
        .await
        .expect("the audit reads");
    assert_eq!(changed.len(), 1, "audited once");
}

conformance!(
    suggestions_reach_the_administrator,
    bad_suggestions_are_refused_and_change_nothing,
    the_support_contact_is_kept_by_the_administrator_and_read_by_everyone
);
