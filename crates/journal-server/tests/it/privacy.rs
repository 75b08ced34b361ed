//! What a family reads through `/sync/pull`: a student or a parent pulls only the values their
//! snapshot would hold (their own child's cells and finals, lessons within the membership, topics
//! and homework only where the policy shows them) — the same `ReadScope` cuts both.

use journal_core::{Role, StudentId};
use journal_protocol::{Change, OpPayload};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

/// Every change `token` can pull from the start.
async fn pull_all(s: &TestServer, token: &str) -> Vec<Change> {
    let mut after = 0;
    let mut all = Vec::new();
    loop {
        let page = s.pull(token, after, 500).await;
        all.extend(page.changes);
        after = page.next_after;
        if !page.has_more {
            return all;
        }
    }
}

fn child_of(s: &TestServer, login: &str, role: Role) -> StudentId {
    s.snapshot
        .users
        .iter()
        .find(|u| u.login == login)
        .and_then(|u| {
            u.grants
                .iter()
                .find(|g| g.role == role)
                .and_then(|g| g.student_id)
        })
        .unwrap_or_else(|| panic!("the demo's {login} has a {role:?} grant naming a student"))
}

async fn a_family_pulls_only_its_own_childs_values(b: Backend) {
    // The default policy is the strictest: the diary shows neither topics nor homework.
    let s = TestServer::start(b).await;
    assert!(
        !s.snapshot.institution.policy.diary_shows_topics
            && !s.snapshot.institution.policy.diary_shows_homework,
        "the test relies on the strict default policy"
    );
    let child = child_of(&s, "parent", Role::Parent);
    assert_eq!(
        child,
        child_of(&s, "student", Role::Student),
        "the demo's parent is the demo student's parent"
    );
    let (login, lesson) = ["teacher", "teacher2"]
        .into_iter()
        .find_map(|login| {
            s.lessons_of(login, today())
                .into_iter()
                .find(|l| s.students_of(l).contains(&child))
                .map(|l| (login, l))
        })
        .expect("a demo teacher has a lesson today with the demo student in its class list");
    let classmate = s
        .students_of(&lesson)
        .into_iter()
        .find(|st| *st != child)
        .expect("the lesson has another student");
    let mut teacher = s.device(login).await;
    let at = s.during(&lesson);
    let ops = vec![
        teacher.op(at, set_cell(lesson.id, child, "5")),
        teacher.op(at, set_cell(lesson.id, classmate, "2")),
        teacher.op(
            at,
            OpPayload::SetTopic {
                lesson_id: lesson.id,
                hour: 1,
                plan_topic_id: None,
                title: "Решение систем линейных уравнений методом Гаусса".into(),
                work_type: journal_core::WorkType::Lesson,
                work_number: None,
                makeup_of: None,
            },
        ),
        teacher.op(
            at,
            OpPayload::SetHomework {
                lesson_id: lesson.id,
                text: "§ 12, задачи 3–7".into(),
            },
        ),
    ];
    let results = s.push(&teacher, &ops).await;
    for (r, what) in results
        .iter()
        .zip(["child's mark", "classmate's mark", "topic", "homework"])
    {
        assert_eq!(
            outcome_name(r),
            "applied",
            "the teacher's {what} is applied"
        );
    }

    for family in ["parent", "student"] {
        let dev = s.device(family).await;
        let changes = pull_all(&s, &dev.token).await;
        assert!(
            changes.iter().any(|c| matches!(&c.payload,
                OpPayload::SetCell { lesson_id, student_id, .. }
                    if *lesson_id == lesson.id && *student_id == child)),
            "the {family} pulls the child's own mark"
        );
        for c in &changes {
            match &c.payload {
                OpPayload::SetCell { student_id, .. } | OpPayload::SetFinal { student_id, .. } => {
                    assert_eq!(
                        *student_id, child,
                        "the {family} pulls no other student's mark or final: {c:?}"
                    )
                }
                OpPayload::SetTopic { .. } | OpPayload::SetHomework { .. } => panic!(
                    "the policy hides topics and homework from the diary, yet the {family} pulled {c:?}"
                ),
                OpPayload::ResolveRemark { .. }
                | OpPayload::AnswerRemark { .. }
                | OpPayload::RemarkState { .. } => {
                    panic!("remarks are the teacher's, yet the {family} pulled {c:?}")
                }
                OpPayload::LockPeriod { .. }
                | OpPayload::UnlockPeriod { .. }
                | OpPayload::ChangeLesson { .. } => {}
            }
        }
    }

    // Staff who read the whole institution still pull everything.
    let deputy = s.device("deputy").await;
    let all = pull_all(&s, &deputy.token).await;
    assert!(
        all.len() >= 4,
        "the deputy pulls every change, got {}",
        all.len()
    );
}

conformance!(a_family_pulls_only_its_own_childs_values);
