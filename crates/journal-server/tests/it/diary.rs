//! The family diary over HTTP: consent first, then a parent reads only their own child's week and
//! results (a student only themself), the policy decides topics and homework, a parent
//! acknowledges a period's finals, every view is logged and the curator lists the parents who have
//! not looked.

use journal_core::{GroupId, Role, StudentId};
use journal_protocol::{DiaryChild, DiaryWeek};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, Device, TestServer};

fn child_of(s: &TestServer, login: &str) -> StudentId {
    s.snapshot
        .users
        .iter()
        .find(|u| u.login == login)
        .and_then(|u| {
            u.grants
                .iter()
                .find(|g| matches!(g.role, Role::Parent | Role::Student))
                .and_then(|g| g.student_id)
        })
        .unwrap_or_else(|| panic!("the demo's {login} names a student"))
}

/// The child's group in the demo and a classmate in it.
fn group_and_classmate(s: &TestServer, child: StudentId) -> (GroupId, StudentId) {
    let group = s
        .snapshot
        .memberships
        .iter()
        .find(|m| m.student_id == child)
        .map(|m| m.group_id)
        .expect("the demo student is in a group");
    let classmate = s
        .snapshot
        .memberships
        .iter()
        .find(|m| m.group_id == group && m.student_id != child)
        .map(|m| m.student_id)
        .expect("the group has another student");
    (group, classmate)
}

fn name_of(s: &TestServer, student: StudentId) -> String {
    s.snapshot
        .students
        .iter()
        .find(|st| st.id == student)
        .map(|st| st.full_name())
        .unwrap_or_default()
}

async fn get(s: &TestServer, dev: &Device, path: &str) -> (StatusCode, String) {
    let resp = s
        .get(path)
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status();
    (status, resp.text().await.unwrap_or_default())
}

async fn post(s: &TestServer, dev: &Device, path: &str, body: Value) -> (StatusCode, String) {
    let resp = s
        .post(path)
        .bearer_auth(&dev.token)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status();
    (status, resp.text().await.unwrap_or_default())
}

fn code(text: &str) -> String {
    serde_json::from_str::<Value>(text).unwrap_or_default()["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn consent(s: &TestServer, dev: &Device) {
    let (status, text) = get(s, dev, "/diary/consent").await;
    assert_eq!(status, 200, "the consent text is readable: {text}");
    let state: Value = serde_json::from_str(&text).unwrap_or_default();
    let (status, text) = post(
        s,
        dev,
        "/diary/consent",
        json!({"version": state["version"]}),
    )
    .await;
    assert_eq!(status, 200, "the consent is recorded: {text}");
}

async fn week_of(s: &TestServer, dev: &Device, student: StudentId, date: &str) -> DiaryWeek {
    let (status, text) = get(
        s,
        dev,
        &format!("/diary/week?student={}&date={date}", student.0),
    )
    .await;
    assert_eq!(status, 200, "the week of {date} opens: {text}");
    serde_json::from_str(&text).expect("a diary week")
}

async fn a_parent_reads_only_their_own_child_after_consent(b: Backend) {
    let s = TestServer::start(b).await;
    let child = child_of(&s, "parent");
    let (_, classmate) = group_and_classmate(&s, child);
    let parent = s.device("parent").await;

    // Before consent: the text is there, the data is not.
    let (status, text) = get(&s, &parent, "/diary/consent").await;
    assert_eq!(status, 200, "{text}");
    let state: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(state["required"], true, "consent is required first: {text}");
    assert!(
        state["text"].as_str().is_some_and(|t| t.contains("152-ФЗ")),
        "the text names the law: {text}"
    );
    for path in [
        format!("/diary/week?student={}", child.0),
        "/diary/children".to_string(),
    ] {
        let (status, text) = get(&s, &parent, &path).await;
        assert_eq!(status, 403, "{path} waits for the consent: {text}");
        assert_eq!(code(&text), "consent_required", "{path}: {text}");
        assert!(
            !text.contains(&name_of(&s, child)),
            "no data before consent: {text}"
        );
    }
    let (status, text) = post(&s, &parent, "/diary/consent", json!({"version": "0"})).await;
    assert_eq!(
        (status.as_u16(), code(&text)),
        (409, "consent_version_outdated".to_string()),
        "consent to another text's version is refused: {text}"
    );
    consent(&s, &parent).await;
    let (_, text) = get(&s, &parent, "/diary/consent").await;
    let state: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(state["required"], false, "consent recorded: {text}");
    assert!(state["given_at"].is_string(), "with its time: {text}");

    // The teacher marks the child today; the parent sees that mark in today's lesson.
    let (login, lesson) = ["teacher", "teacher2", "teacher3", "teacher4"]
        .into_iter()
        .find_map(|login| {
            s.lessons_of(login, today())
                .into_iter()
                .find(|l| s.students_of(l).contains(&child))
                .map(|l| (login, l))
        })
        .expect("a demo teacher has a lesson today with the child");
    let mut teacher = s.device(login).await;
    let at = s.during(&lesson);
    let ops = vec![
        teacher.op(at, set_cell(lesson.id, child, "5")),
        teacher.op(at, set_cell(lesson.id, classmate, "2")),
    ];
    for r in s.push(&teacher, &ops).await {
        assert_eq!(outcome_name(&r), "applied", "the teacher's mark is applied");
    }

    let (status, text) = get(&s, &parent, "/diary/children").await;
    assert_eq!(status, 200, "{text}");
    let children: Vec<DiaryChild> = serde_json::from_str(&text).expect("the children");
    assert_eq!(children.len(), 1, "the demo parent has one child: {text}");
    assert_eq!(children[0].student_id, child, "their own child");
    assert!(!children[0].groups.is_empty(), "with the group's name");

    let week = week_of(&s, &parent, child, &today().to_string()).await;
    assert_eq!(week.student_id, child);
    assert_eq!(week.days.len(), 7, "Monday to Sunday");
    assert_eq!(
        week.week_start,
        today() - chrono::Duration::days(2),
        "2027-03-03 is a Wednesday"
    );
    let today_day = week
        .days
        .iter()
        .find(|d| d.date == today())
        .expect("today is in the week");
    let marked = today_day
        .lessons
        .iter()
        .find(|l| l.lesson_id == lesson.id)
        .expect("the marked lesson is in the child's day");
    assert_eq!(
        marked
            .marks
            .iter()
            .map(|m| m.symbol.as_str())
            .collect::<Vec<_>>(),
        vec!["5"],
        "the child's own mark, not the classmate's 2"
    );
    assert!(
        week.days
            .iter()
            .flat_map(|d| &d.lessons)
            .all(|l| l.topics.is_empty() && l.homework.is_none()),
        "the strict default policy hides topics and homework"
    );
    let (_, text) = get(
        &s,
        &parent,
        &format!("/diary/week?student={}&date={}", child.0, today()),
    )
    .await;
    assert!(
        !text.contains(&classmate.0.to_string()) && !text.contains(&name_of(&s, classmate)),
        "nothing of a classmate in the week"
    );

    // Another student's id: refused, with nothing of theirs.
    let (status, text) = get(&s, &parent, &format!("/diary/week?student={}", classmate.0)).await;
    assert_eq!(status, 403, "another student's diary is refused: {text}");
    assert_eq!(code(&text), "diary_student_forbidden", "{text}");
    assert!(!text.contains(&name_of(&s, classmate)), "no data: {text}");

    // Staff have no diary.
    let (status, text) = get(&s, &teacher, "/diary/children").await;
    assert_eq!(
        (status.as_u16(), code(&text)),
        (403, "diary_family_only".to_string()),
        "a teacher has no diary: {text}"
    );
}

async fn a_student_sees_only_themself(b: Backend) {
    let s = TestServer::start(b).await;
    let me = child_of(&s, "student");
    let (_, classmate) = group_and_classmate(&s, me);
    let student = s.device("student").await;
    consent(&s, &student).await;
    let (status, text) = get(&s, &student, "/diary/children").await;
    assert_eq!(status, 200, "{text}");
    let children: Vec<DiaryChild> = serde_json::from_str(&text).expect("the list");
    assert_eq!(
        children.iter().map(|c| c.student_id).collect::<Vec<_>>(),
        vec![me],
        "a student's diary is their own"
    );
    let week = week_of(&s, &student, me, &today().to_string()).await;
    assert!(
        week.days.iter().any(|d| !d.lessons.is_empty()),
        "the student has lessons this week"
    );
    let (status, text) = get(
        &s,
        &student,
        &format!("/diary/week?student={}", classmate.0),
    )
    .await;
    assert_eq!(
        (status.as_u16(), code(&text)),
        (403, "diary_student_forbidden".to_string()),
        "a classmate's diary is refused: {text}"
    );
    let (status, text) = post(
        &s,
        &student,
        "/diary/acknowledgements",
        json!({"student_id": me, "period_id": s.snapshot.periods[0].id}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), code(&text)),
        (403, "acknowledgement_parents_only".to_string()),
        "parents acknowledge finals, not the student: {text}"
    );
}

async fn the_policy_showing_topics_and_homework_is_obeyed(b: Backend) {
    let policy = journal_core::Policy {
        diary_shows_topics: true,
        diary_shows_homework: true,
        ..journal_core::Policy::default()
    };
    let s = TestServer::start_with_policy(b, crate::support::test_config(), policy).await;
    let child = child_of(&s, "parent");
    let parent = s.device("parent").await;
    consent(&s, &parent).await;
    // Last week: the demo history has its topics and homework.
    let date = today() - chrono::Duration::days(7);
    let week = week_of(&s, &parent, child, &date.to_string()).await;
    assert!(
        week.shows_topics && week.shows_homework,
        "the policy says so"
    );
    let lessons: Vec<_> = week.days.iter().flat_map(|d| &d.lessons).collect();
    assert!(
        lessons.iter().any(|l| !l.topics.is_empty()),
        "topics are shown where the policy lets the diary show them"
    );
    assert!(
        lessons.iter().any(|l| l.homework.is_some()),
        "homework is shown where the policy lets the diary show it"
    );
}

async fn a_parent_acknowledges_the_first_semesters_finals(b: Backend) {
    let s = TestServer::start(b).await;
    let child = child_of(&s, "parent");
    let (_, classmate) = group_and_classmate(&s, child);
    let mut periods = s.snapshot.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    let (first, second) = (&periods[0], &periods[1]);
    let parent = s.device("parent").await;
    let body = json!({"student_id": child, "period_id": first.id});
    let (status, text) = post(&s, &parent, "/diary/acknowledgements", body.clone()).await;
    assert_eq!(
        (status.as_u16(), code(&text)),
        (403, "consent_required".to_string()),
        "consent comes first: {text}"
    );
    consent(&s, &parent).await;

    let week = week_of(&s, &parent, child, &first.ends_on.to_string()).await;
    let results = week.results.expect("the first semester's results");
    assert_eq!(results.period_id, first.id, "the period holding the date");
    assert!(results.has_finals, "the demo's first semester has finals");
    assert!(
        results.subjects.iter().any(|s| s.average.is_some()),
        "averages of the child's marks"
    );
    assert!(
        results.acknowledgements.is_empty(),
        "nothing acknowledged yet"
    );

    let (status, text) = post(&s, &parent, "/diary/acknowledgements", body.clone()).await;
    assert_eq!(status, 200, "the parent acknowledges: {text}");
    let first_at: Value = serde_json::from_str(&text).unwrap_or_default();
    let (status, text) = post(&s, &parent, "/diary/acknowledgements", body).await;
    assert_eq!(status, 200, "again: {text}");
    let again: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(
        first_at["acknowledged_at"], again["acknowledged_at"],
        "a repeated acknowledgement keeps the first time"
    );
    let week = week_of(&s, &parent, child, &first.ends_on.to_string()).await;
    let acks = week.results.expect("results").acknowledgements;
    assert_eq!(acks.len(), 1, "one acknowledgement recorded");
    assert_eq!(acks[0].parent_id, parent.user_id, "by this parent");

    let cases = [
        (
            json!({"student_id": classmate, "period_id": first.id}),
            403,
            "diary_student_forbidden",
        ),
        (
            json!({"student_id": child, "period_id": second.id}),
            409,
            "no_finals",
        ),
        (
            json!({"student_id": child, "period_id": uuid::Uuid::new_v4()}),
            404,
            "period_not_found",
        ),
    ];
    for (body, want, want_code) in cases {
        let (status, text) = post(&s, &parent, "/diary/acknowledgements", body.clone()).await;
        assert_eq!(
            (status.as_u16(), code(&text).as_str()),
            (want, want_code),
            "{body}: {text}"
        );
    }
}

async fn the_curator_lists_the_parents_who_have_not_looked(b: Backend) {
    let s = TestServer::start(b).await;
    let child = child_of(&s, "parent");
    let (group, _) = group_and_classmate(&s, child);
    let parent_id = s.user("parent");
    let curator = s.device("curator").await;
    let path = format!("/curator/unseen-parents?group={}&days=7", group.0);

    let unseen = |text: &str| -> Vec<(String, Value)> {
        let v: Value = serde_json::from_str(text).unwrap_or_default();
        v["unseen"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["user_id"].as_str().unwrap_or_default().to_string(),
                    p["last_view"].clone(),
                )
            })
            .collect()
    };
    let (status, text) = get(&s, &curator, &path).await;
    assert_eq!(status, 200, "the curator reads the list: {text}");
    let list = unseen(&text);
    assert!(
        list.iter()
            .any(|(id, last)| *id == parent_id.0.to_string() && last.is_null()),
        "the parent has never looked: {text}"
    );

    // The parent opens the diary: off the list.
    let parent = s.device("parent").await;
    consent(&s, &parent).await;
    week_of(&s, &parent, child, &today().to_string()).await;
    let (_, text) = get(&s, &curator, &path).await;
    assert!(
        !unseen(&text)
            .iter()
            .any(|(id, _)| *id == parent_id.0.to_string()),
        "a parent who looked today is not listed: {text}"
    );

    // A view ten days ago is too old for seven days, recent enough for fourteen.
    let changed = s
        .tamper("UPDATE diary_views SET viewed_at = '2027-02-21T10:00:00'")
        .await;
    assert_eq!(changed, 1, "one view was logged");
    let (_, text) = get(&s, &curator, &path).await;
    let list = unseen(&text);
    let last = list
        .iter()
        .find(|(id, _)| *id == parent_id.0.to_string())
        .map(|(_, last)| last.clone())
        .expect("the parent is listed again after seven days");
    assert!(
        last.as_str()
            .is_some_and(|t| t.starts_with("2027-02-21T10:00:00")),
        "with the last view: {last}"
    );
    let (_, text) = get(
        &s,
        &curator,
        &format!("/curator/unseen-parents?group={}&days=14", group.0),
    )
    .await;
    assert!(
        !unseen(&text)
            .iter()
            .any(|(id, _)| *id == parent_id.0.to_string()),
        "within fourteen days: {text}"
    );

    let resp = s
        .get(&format!("{path}&format=pdf"))
        .bearer_auth(&curator.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "the list prints");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = resp.bytes().await.unwrap_or_default();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");

    let deputy = s.device("deputy").await;
    let (status, _) = get(&s, &deputy, &path).await;
    assert_eq!(status, 200, "the deputy reads every group's list");
    let teacher = s.device("teacher3").await;
    let (status, text) = get(&s, &teacher, &path).await;
    assert_eq!(status, 403, "a teacher is not the group's curator: {text}");
    for (bad, want) in [
        (
            format!("/curator/unseen-parents?group={}&days=0", group.0),
            400,
        ),
        (
            format!("/curator/unseen-parents?group={}&format=doc", group.0),
            400,
        ),
        (
            format!("/curator/unseen-parents?group={}", uuid::Uuid::new_v4()),
            404,
        ),
    ] {
        let (status, text) = get(&s, &curator, &bad).await;
        assert_eq!(status.as_u16(), want, "{bad}: {text}");
    }
}

/// Every route of the OpenAPI document, called by a parent (after consent) naming their own child
/// and then a classmate: no answer holds another student's name, nor another student's id unless
/// the request itself named it (a refusal may echo it).
async fn a_parents_every_route_returns_only_their_child(b: Backend) {
    let s = TestServer::start(b).await;
    let child = child_of(&s, "parent");
    let (group, classmate) = group_and_classmate(&s, child);
    let parent = s.device("parent").await;
    consent(&s, &parent).await;
    let others: Vec<(String, String)> = s
        .snapshot
        .students
        .iter()
        .filter(|st| st.id != child)
        .map(|st| (st.id.0.to_string(), st.full_name()))
        .collect();
    let load = s.snapshot.loads[0].id.0.to_string();
    let period = s.snapshot.periods[0].id.0.to_string();
    let doc: Value = s
        .get("/openapi.json")
        .send()
        .await
        .expect("openapi.json reaches the server")
        .json()
        .await
        .expect("the document is JSON");
    let mut calls = 0;
    let mut answered = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let route = path.trim_start_matches("/api/v1");
        if matches!(route, "/auth/logout" | "/auth/password") {
            continue; // the parent's own session; no student in it
        }
        for target in [child, classmate] {
            let t = target.0.to_string();
            let routes: Vec<String> = match route {
                "/print/{document}" => ["extract", "year_journal", "finals", "subject", "outage"]
                    .iter()
                    .map(|d| format!("/print/{d}"))
                    .collect(),
                "/admin/import/{kind}" => vec!["/admin/import/students".into()],
                other => vec![other
                    .split('/')
                    .map(|part| {
                        if part.starts_with('{') {
                            t.clone()
                        } else {
                            part.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/")],
            };
            for url in routes {
                let query = format!(
                    "student={t}&group={}&load={load}&period={period}&date={}&after=0&limit=1000",
                    group.0,
                    today()
                );
                let body = json!({
                    "student_id": t, "period_id": period, "group_id": group.0,
                    "version": "2026-12-1", "load_id": load,
                });
                // With every parameter the routes take, and with none (a route that refuses
                // unknown parameters still answers with its defaults).
                let methods = item.as_object().into_iter().flatten().map(|(m, _)| m);
                let variants: Vec<(&String, String)> = methods
                    .flat_map(|m| [(m, format!("{url}?{query}")), (m, url.clone())])
                    .collect();
                for (method, full) in variants {
                    let req = match method.as_str() {
                        "get" => s.get(&full),
                        "post" => s.post(&full).json(&body),
                        "put" => s
                            .client
                            .put(s.url(&full))
                            .header(
                                journal_server::dto::PROTOCOL_HEADER,
                                journal_protocol::PROTOCOL_VERSION.to_string(),
                            )
                            .json(&body),
                        "delete" => s.client.delete(s.url(&full)).header(
                            journal_server::dto::PROTOCOL_HEADER,
                            journal_protocol::PROTOCOL_VERSION.to_string(),
                        ),
                        other => panic!("unexpected method {other}"),
                    };
                    let resp = req
                        .bearer_auth(&parent.token)
                        .send()
                        .await
                        .expect("the request reaches the server");
                    calls += 1;
                    let status = resp.status();
                    if status.is_success() {
                        answered += 1;
                    }
                    let text = String::from_utf8_lossy(&resp.bytes().await.unwrap_or_default())
                        .into_owned();
                    for (id, name) in &others {
                        assert!(
                            !text.contains(name.as_str()),
                            "{method} {full} ({status}) gave the parent another student's name «{name}»"
                        );
                        if *id != t {
                            assert!(
                                !text.contains(id.as_str()),
                                "{method} {full} ({status}) gave the parent another student's id {id}"
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(calls > 60, "every route was called ({calls} calls)");
    assert!(
        answered >= 10,
        "the parent's own routes answered (snapshot, pull, diary): {answered}"
    );
}

conformance!(
    a_parent_reads_only_their_own_child_after_consent,
    a_student_sees_only_themself,
    the_policy_showing_topics_and_homework_is_obeyed,
    a_parent_acknowledges_the_first_semesters_finals,
    the_curator_lists_the_parents_who_have_not_looked,
    a_parents_every_route_returns_only_their_child,
);
