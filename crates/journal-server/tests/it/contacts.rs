//! Students' and parents' contact data: the curator keeps their own group's (the student's phone,
//! e-mail, address; each parent's relation, phone, e-mail), the administrator and the deputy any
//! group's; another group's curator, a teacher and the parent themself are refused; a bad phone or
//! e-mail changes nothing; the audit names the fields changed, never the values.

use journal_core::Role;
use serde_json::{json, Value};

use crate::support::{Backend, Device, TestServer};

async fn call(s: &TestServer, dev: &Device, method: &str, path: &str, body: Value) -> (u16, Value) {
    let req = if method == "put" {
        s.client
            .put(s.url(path))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .json(&body)
    } else {
        s.get(path)
    };
    let resp = req
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn the_curator_keeps_their_groups_contacts(b: Backend) {
    let s = TestServer::start(b).await;
    // The demo parent's child is in the demo curator's group.
    let parent_user = s
        .snapshot
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
    let (curator, other_curator, teacher, deputy, admin, parent) = (
        s.device("curator").await,
        s.device("teacher2").await,
        s.device("teacher").await,
        s.device("deputy").await,
        s.device("admin").await,
        s.device("parent").await,
    );
    let card = format!("/students/{}/card", child.0);
    let contacts = format!("/students/{}/contacts", child.0);
    let parent_path = format!("/students/{}/parents/{}", child.0, parent_user.id.0);

    let (st, before) = call(&s, &curator, "get", &card, Value::Null).await;
    assert_eq!(st, 200, "the curator opens their student's card: {before}");
    assert_eq!(
        before["parents"][0]["login"], "parent",
        "the card lists the parent linked to the student: {before}"
    );

    let (st, saved) = call(&s, &curator, "put", &contacts, json!({
        "phone": "+7 912 345-67-89", "email": "ученик@example.ru", "address": "г. Северореченск, ул. Лесная, 5",
    })).await;
    // A Cyrillic local part is accepted as typed.
    assert_eq!(st, 200, "the curator saves the student's contacts: {saved}");
    assert_eq!(saved["contacts"]["phone"], "+7 912 345-67-89");
    let (st, saved) = call(
        &s,
        &curator,
        "put",
        &parent_path,
        json!({
            "relation": "отец", "phone": "8 (912) 000-11-22", "email": "otec@example.ru",
        }),
    )
    .await;
    assert_eq!(st, 200, "the curator saves the parent's contacts: {saved}");
    assert_eq!(saved["parents"][0]["contacts"]["relation"], "отец");
    assert_eq!(
        saved["parents"][0]["contacts"]["phone"],
        "8 (912) 000-11-22"
    );

    // Bad input: a clear code, nothing changed.
    for (path, body, code) in [
        (
            &contacts,
            json!({"phone": "позвонить маме"}),
            "invalid_phone",
        ),
        (&contacts, json!({"phone": "12"}), "invalid_phone"),
        (&contacts, json!({"email": "нет-собаки"}), "invalid_email"),
        (
            &contacts,
            json!({"address": "Лесная\u{7}"}),
            "forbidden_character",
        ),
        (
            &parent_path,
            json!({"relation": "отец\u{E000}"}),
            "forbidden_character",
        ),
    ] {
        let (st, err) = call(&s, &curator, "put", path, body.clone()).await;
        assert_eq!(
            (st, err["code"].as_str()),
            (400, Some(code)),
            "{body}: {err}"
        );
    }
    let (_, after) = call(&s, &curator, "get", &card, Value::Null).await;
    assert_eq!(
        after["contacts"]["phone"], "+7 912 345-67-89",
        "refusals changed nothing: {after}"
    );
    assert_eq!(after["parents"][0]["contacts"]["email"], "otec@example.ru");

    // A user who is not the student's parent is not a parent of the card.
    let not_parent = format!("/students/{}/parents/{}", child.0, s.user("teacher").0);
    let (st, err) = call(
        &s,
        &curator,
        "put",
        &not_parent,
        json!({"relation": "отец"}),
    )
    .await;
    assert_eq!(
        (st, err["code"].as_str()),
        (404, Some("parent_not_found")),
        "{err}"
    );

    // Who else: the deputy and the administrator may; another group's curator, a teacher and the
    // parent may not.
    for (who, dev, want) in [
        ("deputy", &deputy, 200),
        ("admin", &admin, 200),
        ("another group's curator", &other_curator, 403),
        ("a teacher", &teacher, 403),
        ("the parent", &parent, 403),
    ] {
        let (st, body) = call(&s, dev, "get", &card, Value::Null).await;
        assert_eq!(st, want, "{who} opening the card: {body}");
        if want == 403 {
            assert!(
                !body.to_string().contains("+7 912 345-67-89"),
                "{who} sees no contact data: {body}"
            );
        }
    }

    // The audit names the fields, not the values.
    let (st, audit) = call(
        &s,
        &admin,
        "get",
        "/admin/audit?kind=contacts_changed",
        Value::Null,
    )
    .await;
    assert_eq!(st, 200, "{audit}");
    let text = audit.to_string();
    assert!(
        text.contains("phone"),
        "the audit names the changed fields: {text}"
    );
    assert!(
        !text.contains("345-67-89") && !text.contains("otec@example.ru"),
        "the audit keeps no contact values: {text}"
    );
}

conformance!(the_curator_keeps_their_groups_contacts);
