//! Внеурочная деятельность (003 п. 3.1, 5.2.3): the administrator creates such a subject «без
//! отметок» and a load of it for a group; both reach the teacher's copy like any subject's, so the
//! teacher journals it like a lesson; its period locks without finals, which it cannot have.

use journal_protocol::OpPayload;
use serde_json::{json, Value};

use crate::support::{outcome_name, rejection_code, today, Backend, TestServer};

async fn extracurricular_subject_and_load_reach_the_teacher(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let (st, subject) = s
        .call(
            &admin.token,
            "/admin/subjects",
            Some(
                json!({"name": "Шахматный клуб", "short_name": "Шахм.", "kind": "extracurricular",
                "grading": "ungraded"}),
            ),
        )
        .await;
    assert_eq!(st, 201, "the subject is created: {subject}");
    assert_eq!(subject["kind"], "extracurricular");
    assert_eq!(subject["grading"], "ungraded");
    let group = s.snapshot.groups[0].id;
    let (st, load) = s
        .call(
            &admin.token,
            "/admin/loads",
            Some(json!({"teacher_id": s.user("teacher"), "group_id": group,
                "subject_id": subject["id"], "from": today(), "planned_hours": 34})),
        )
        .await;
    assert_eq!(st, 201, "a load of it is created: {load}");

    // The teacher's copy has the subject as внеурочная деятельность and the load among theirs.
    let teacher = s.device("teacher").await;
    let (st, snap) = s.call(&teacher.token, "/sync/snapshot", None).await;
    assert_eq!(st, 200, "{snap}");
    let subjects = snap["snapshot"]["subjects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kept: Value = subjects
        .into_iter()
        .find(|x| x["id"] == subject["id"])
        .unwrap_or_default();
    assert_eq!(
        (kept["kind"].clone(), kept["grading"].clone()),
        (json!("extracurricular"), json!("ungraded")),
        "the teacher's copy knows the kind: {kept}"
    );
    assert!(
        snap["snapshot"]["loads"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| l["subject_id"] == subject["id"]),
        "the load is the teacher's"
    );
    // No final fits «без отметок»: the teacher closes the period without any (a five-point
    // subject's lock waits for every final — `finals_incomplete`, tests/it/sync.rs).
    let load_id: journal_core::LoadId =
        serde_json::from_value(load["id"].clone()).expect("the load's id");
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .id;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let t = s.during(&lesson);
    let mut device = s.device("teacher").await;
    let r = s
        .push_new(
            &mut device,
            (
                t,
                OpPayload::LockPeriod {
                    load_id,
                    period_id: period,
                },
            ),
        )
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the period of внеурочная деятельность locks without finals: {}",
        rejection_code(&r[0])
    );

    let (st, list) = s.call(&admin.token, "/admin/subjects", None).await;
    assert_eq!(st, 200, "{list}");
    assert!(
        list.to_string().contains("extracurricular"),
        "the console's list shows the kind: {list}"
    );
}

conformance!(extracurricular_subject_and_load_reach_the_teacher);
