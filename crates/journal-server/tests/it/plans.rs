//! Teachers' own КТП (`/api/v1/plans`): the load's teacher sends the file, which takes effect at
//! once — or, where the policy asks for approval, waits for the deputy, who returns it with a reason
//! or approves it; nobody else sends a load's КТП, and a file with another load's rows is refused
//! with nothing changed.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

/// The demo teacher's first load without a subgroup, and a КТП file of `titles` for it.
fn plan_file(s: &TestServer, titles: &[&str]) -> (journal_core::LoadId, String) {
    let teacher = s.user("teacher");
    let load = s
        .snapshot
        .loads
        .iter()
        .find(|l| l.teacher_id == teacher && l.subgroup_id.is_none())
        .expect("the demo teacher has a load of a whole group");
    let name = |id| {
        s.snapshot
            .users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .expect("a user")
    };
    let group = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.id == load.group_id)
        .expect("group");
    let subject = s
        .snapshot
        .subjects
        .iter()
        .find(|x| x.id == load.subject_id)
        .expect("subject");
    let mut file = String::from("Преподаватель;Группа;Дисциплина;№;Тема;Часы\n");
    for (i, t) in titles.iter().enumerate() {
        file.push_str(&format!(
            "{};{};{};{};{t};2\n",
            name(teacher),
            group.name,
            subject.name,
            i + 1
        ));
    }
    (load.id, file)
}

async fn send(s: &TestServer, token: &str, path: &str, file: &str) -> (u16, Value) {
    let resp = s
        .post(path)
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file.to_string())
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn topics_of(s: &TestServer, load: journal_core::LoadId) -> Vec<String> {
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    let mut t: Vec<_> = snap
        .plan_topics
        .iter()
        .filter(|t| t.load_id == load)
        .map(|t| (t.ordinal, t.title.clone()))
        .collect();
    t.sort();
    t.into_iter().map(|(_, title)| title).collect()
}

async fn a_teachers_plan_takes_effect_where_no_approval_is_asked(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.device("teacher").await;
    let other = s.device("teacher2").await;
    let (load, file) = plan_file(&s, &["Введение в дисциплину", "Решение задач на движение"]);
    let path = format!("/plans/{load}?file=ktp.csv");
    let before = topics_of(&s, load).await;
    let (st, body) = send(&s, &other.token, &path, &file).await;
    assert_eq!(
        st, 403,
        "another teacher does not send this load's КТП: {body}"
    );
    let (other_load, _) = {
        let teacher2 = s.user("teacher2");
        let l = s
            .snapshot
            .loads
            .iter()
            .find(|l| l.teacher_id == teacher2)
            .expect("teacher2 has a load");
        (l.id, ())
    };
    let (st, body) = send(&s, &teacher.token, &format!("/plans/{other_load}"), &file).await;
    assert_eq!(st, 403, "nor a teacher another's load: {body}");
    assert_eq!(
        topics_of(&s, load).await,
        before,
        "a refusal changes nothing"
    );
    let (st, body) = send(&s, &teacher.token, &path, &file).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["state"], json!("applied"), "no approval asked: {body}");
    // Topics already given at lessons stay (the КТП import keeps what lessons refer to).
    assert_eq!(
        topics_of(&s, load).await[..2],
        ["Введение в дисциплину", "Решение задач на движение"],
        "the teacher's КТП is in effect"
    );
    let (st, view) = s.call(&teacher.token, "/plans", None).await;
    assert_eq!(st, 200);
    assert_eq!(view["approval_required"], json!(false));
    let mine = view["loads"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["load_id"] == json!(load.0)))
        .expect("the teacher's load is listed");
    assert_eq!(
        mine["topics"].as_u64(),
        Some(topics_of(&s, load).await.len() as u64),
        "the page counts the plan in effect"
    );
    assert_eq!(mine["can_submit"], json!(true));
}

async fn the_deputy_returns_and_approves_a_teachers_plan_where_the_policy_asks(b: Backend) {
    let policy = journal_core::Policy {
        plan_approval: true,
        ..journal_core::Policy::default()
    };
    let s = TestServer::start_with_policy(b, crate::support::test_config(), policy).await;
    let teacher = s.device("teacher").await;
    let deputy = s.device("deputy").await;
    let (load, file) = plan_file(&s, &["Повторение пройденного материала по теме «Дроби»"]);
    let before = topics_of(&s, load).await;
    let (st, body) = send(
        &s,
        &teacher.token,
        &format!("/plans/{load}?file=ktp.csv"),
        &file,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["state"], json!("submitted"), "{body}");
    assert_eq!(
        topics_of(&s, load).await,
        before,
        "not in effect before the approval"
    );
    let (st, _) = s
        .call(
            &teacher.token,
            &format!("/plans/{load}/approve"),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, 403, "the teacher does not approve their own КТП");
    let (st, view) = s.call(&deputy.token, "/plans", None).await;
    assert_eq!(st, 200);
    let draft = &view["loads"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["load_id"] == json!(load.0)))
        .expect("the deputy sees the draft")["draft"];
    assert_eq!(
        draft["topics"][0]["title"],
        json!("Повторение пройденного материала по теме «Дроби»"),
        "the deputy reads the topics before deciding"
    );
    let (st, body) = s
        .call(
            &deputy.token,
            &format!("/plans/{load}/return"),
            Some(json!({"reason": ""})),
        )
        .await;
    assert_eq!(st, 400, "a return needs its reason: {body}");
    let (st, _) = s
        .call(
            &deputy.token,
            &format!("/plans/{load}/return"),
            Some(json!({"reason": "Не хватает контрольных работ"})),
        )
        .await;
    assert_eq!(st, 204);
    let (_, view) = s.call(&teacher.token, "/plans", None).await;
    let mine = view["loads"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["load_id"] == json!(load.0)))
        .expect("listed");
    assert_eq!(
        mine["draft"]["return_reason"],
        json!("Не хватает контрольных работ"),
        "the teacher reads why: {mine}"
    );
    let (st, _) = send(&s, &teacher.token, &format!("/plans/{load}"), &file).await;
    assert_eq!(st, 200, "the teacher sends it again");
    let (st, body) = s
        .call(
            &deputy.token,
            &format!("/plans/{load}/approve"),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        topics_of(&s, load).await[..1],
        ["Повторение пройденного материала по теме «Дроби»"],
        "approved: in effect"
    );
    let (st, _) = s
        .call(
            &deputy.token,
            &format!("/plans/{load}/approve"),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, 404, "nothing waits any more");
}

conformance!(
    a_teachers_plan_takes_effect_where_no_approval_is_asked,
    the_deputy_returns_and_approves_a_teachers_plan_where_the_policy_asks
);
