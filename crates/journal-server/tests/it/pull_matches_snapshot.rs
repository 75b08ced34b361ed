//! Pull and snapshot agree: for one user of every role, the changes `/sync/pull` gives are exactly
//! those whose records the user's `/sync/snapshot` holds (issue 12, item 1: no more, no less).

use crate::support::{outcome_name, set_cell, today, Backend, Device, TestServer};
use journal_core::{FinalValue, MarkValue, Policy, StudentId};
use journal_protocol::{Lesson, Op, OpPayload, Snapshot};

/// The policy of a school whose diary shows neither topics nor homework.
fn diary_hides_topics_and_homework() -> Policy {
    Policy {
        diary_shows_topics: false,
        diary_shows_homework: false,
        ..Policy::default()
    }
}

/// The demo with the diary policy hiding topics and homework, after the teacher of one of the
/// child's lessons today marked the child and a classmate, gave the classmate a final, and set the
/// lesson's topic and homework. Answers the server, the child, the lesson and the pushed ops.
async fn teacher_marks_child_and_classmate(
    b: Backend,
) -> (TestServer, StudentId, Lesson, Vec<Op>, Device) {
    let s = TestServer::start_with_policy(
        b,
        crate::support::test_config(),
        diary_hides_topics_and_homework(),
    )
    .await;
    let child: StudentId = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "student")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .expect("the demo's student account names its student");
    // A lesson of today the child attends, with at least one classmate.
    let lesson: Lesson = s
        .snapshot
        .lessons
        .iter()
        .filter(|l| l.date == today() && l.status == journal_protocol::LessonStatus::Scheduled)
        .find(|l| {
            let students = s.students_of(l);
            students.contains(&child) && students.len() > 1
        })
        .cloned()
        .expect("the child has a lesson today with classmates");
    let classmate = s
        .students_of(&lesson)
        .into_iter()
        .find(|st| *st != child)
        .expect("a classmate");
    let teacher_id = s.load(lesson.load_id).teacher_id;
    let teacher_login = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == teacher_id)
        .map(|u| u.login.clone())
        .expect("the load's teacher has an account");
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .id;

    let mut teacher = s.device(&teacher_login).await;
    let t = s.during(&lesson);
    let ops = vec![
        teacher.op(t, set_cell(lesson.id, child, "5")),
        teacher.op(t, set_cell(lesson.id, classmate, "2")),
        teacher.op(
            t,
            OpPayload::SetFinal {
                load_id: lesson.load_id,
                period_id: period,
                student_id: classmate,
                column: Default::default(),
                value: Some(FinalValue::Mark {
                    value: MarkValue::new(3).expect("a valid mark"),
                }),
            },
        ),
        teacher.op(
            t,
            OpPayload::SetTopic {
                lesson_id: lesson.id,
                hour: 1,
                plan_topic_id: None,
                title: "Решение квадратных уравнений по формуле корней".into(),
                work_type: journal_core::WorkType::Lesson,
                work_number: None,
                makeup_of: None,
            },
        ),
        teacher.op(
            t,
            OpPayload::SetHomework {
                lesson_id: lesson.id,
                text: "§ 12, задачи 3–5".into(),
            },
        ),
    ];
    let results = s.push(&teacher, &ops).await;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(
            outcome_name(r),
            "applied",
            "the teacher's op {i} is accepted: {r:?}"
        );
    }
    (s, child, lesson, ops, teacher)
}

/// For one user of every role in the demo, the pushed changes they pull are exactly those whose
/// records their snapshot (`Snapshot::for_user`) holds: pull shows no more and no less.
async fn pull_carries_exactly_what_the_snapshot_shows_for_every_role(b: Backend) {
    let (s, _child, _lesson, ops, _teacher) = teacher_marks_child_and_classmate(b).await;
    let mut logins: Vec<String> = Vec::new();
    let mut roles_seen = std::collections::HashSet::new();
    for u in &s.snapshot.users {
        let roles: Vec<_> = u.grants.iter().map(|g| format!("{:?}", g.role)).collect();
        if roles.iter().any(|r| roles_seen.insert(r.clone())) {
            logins.push(u.login.clone());
        }
    }
    for extra in ["teacher", "student", "parent"] {
        if !logins.iter().any(|l| l == extra) {
            logins.push(extra.to_string());
        }
    }
    for login in &logins {
        let dev = s.device(login).await;
        let pulled: Vec<_> = s
            .pull(&dev.token, 0, 1000)
            .await
            .changes
            .into_iter()
            .filter(|c| ops.iter().any(|o| o.op_id == c.op_id))
            .map(|c| c.op_id)
            .collect();
        let resp = s
            .get("/sync/snapshot")
            .bearer_auth(&dev.token)
            .send()
            .await
            .expect("the snapshot request reaches the server");
        assert_eq!(resp.status(), 200, "{login} gets a snapshot");
        let body: serde_json::Value = resp.json().await.expect("a snapshot reply");
        let snap: Snapshot =
            serde_json::from_value(body["snapshot"].clone()).expect("the snapshot parses");
        for op in &ops {
            let in_snapshot = match &op.payload {
                OpPayload::SetCell {
                    lesson_id,
                    student_id,
                    ..
                } => snap
                    .cells
                    .iter()
                    .any(|c| c.lesson_id == *lesson_id && c.student_id == *student_id),
                OpPayload::SetFinal {
                    load_id,
                    period_id,
                    student_id,
                    ..
                } => snap.finals.iter().any(|f| {
                    f.load_id == *load_id
                        && f.period_id == *period_id
                        && f.student_id == *student_id
                }),
                OpPayload::SetTopic {
                    lesson_id, hour, ..
                } => snap
                    .lesson_topics
                    .iter()
                    .any(|t| t.lesson_id == *lesson_id && t.hour == *hour),
                OpPayload::SetHomework { lesson_id, .. } => {
                    snap.homework.iter().any(|h| h.lesson_id == *lesson_id)
                }
                other => panic!("the sample pushes no {}", other.kind()),
            };
            assert_eq!(
                pulled.contains(&op.op_id),
                in_snapshot,
                "{login}: the pull and the snapshot disagree on the {} (pulled, in snapshot)",
                op.payload.kind()
            );
        }
    }
}

conformance!(pull_carries_exactly_what_the_snapshot_shows_for_every_role);
