//! Push and pull: per-op outcomes, dedup, forks, gaps, authority, conflicts, complete pages.

use journal_protocol::{OpOutcome, OpPayload};
use journal_server::dto::SnapshotResponse;
use serde_json::json;

use crate::support::{outcome_name, rejection_code, set_cell, today, Backend, TestServer};

async fn push_applies_then_answers_duplicate_and_pull_returns_the_change(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let op = dev.op(s.during(&lesson), set_cell(lesson.id, student, "5"));

    let first = s.push(&dev, std::slice::from_ref(&op)).await;
    let OpOutcome::Applied { server_seq } = first[0].outcome else {
        panic!(
            "a valid mark by the lesson's teacher during the lesson is applied: {:?}",
            first[0]
        );
    };
    assert_eq!(
        server_seq, 1,
        "the first change of the institution gets server_seq 1"
    );

    let again = s.push(&dev, std::slice::from_ref(&op)).await;
    assert_eq!(
        again[0].outcome,
        OpOutcome::Duplicate {
            server_seq: Some(server_seq)
        },
        "the same op again is a duplicate with the stored server_seq"
    );

    let page = s.pull(&dev.token, 0, 100).await;
    assert_eq!(
        page.changes.len(),
        1,
        "one applied op, one change (the duplicate adds nothing)"
    );
    assert_eq!(
        page.changes[0].op_id, op.op_id,
        "the change is the pushed op"
    );
    assert_eq!(page.changes[0].payload, op.payload, "with its payload");
    assert_eq!(
        page.changes[0].device_time, op.device_time,
        "and its entry time"
    );
    assert!(!page.has_more, "nothing more to pull");
}

async fn same_device_seq_with_other_content_is_a_fork(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let op1 = dev.op(s.during(&lesson), set_cell(lesson.id, students[0], "5"));
    assert_eq!(
        outcome_name(&s.push(&dev, &[op1]).await[0]),
        "applied",
        "the first op applies"
    );

    // The device restored from an old copy: its seq 1 again, with other content.
    dev.seq = 0;
    dev.last_hash = String::new();
    let forked = dev.op(s.during(&lesson), set_cell(lesson.id, students[1], "4"));
    let r = s.push(&dev, &[forked]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "device_fork",
        "seq 1 with another hash is a fork"
    );
}

async fn a_gap_is_refused_with_the_expected_seq(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let op1 = dev.op(s.during(&lesson), set_cell(lesson.id, students[0], "5"));
    let _lost = dev.op(s.during(&lesson), set_cell(lesson.id, students[1], "4"));
    let op3 = dev.op(s.during(&lesson), set_cell(lesson.id, students[2], "3"));
    let r = s.push(&dev, &[op1, op3.clone()]).await;
    assert_eq!(outcome_name(&r[0]), "applied", "op 1 applies");
    assert_eq!(
        rejection_code(&r[1]),
        "sequence_gap",
        "op 3 after op 1 is a gap"
    );
    assert_eq!(
        r[1].expected_seq,
        Some(2),
        "the server says which seq it expects"
    );

    // A gap is not recorded: once op 2 arrives, op 3 is accepted.
    let page = s.pull(&dev.token, 0, 100).await;
    assert_eq!(page.changes.len(), 1, "only op 1 became a change");
}

async fn tampered_or_unsigned_ops_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let mut op = dev.op(s.during(&lesson), set_cell(lesson.id, student, "5"));
    op.payload = set_cell(lesson.id, student, "2");
    let r = s.push(&dev, &[op]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "op_hash_mismatch",
        "a changed payload breaks the hash"
    );

    let mut other = s.device("teacher").await;
    let mut foreign = other.op(s.during(&lesson), set_cell(lesson.id, student, "5"));
    // Signed by another device's key, claimed for `dev`.
    foreign.device_id = dev.id;
    let r = s.push(&dev, &[foreign]).await;
    assert_ne!(
        outcome_name(&r[0]),
        "applied",
        "an op signed by another key is never applied"
    );
}

async fn locked_period_and_foreign_load_are_rejected_and_recorded(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.user("teacher");
    let mut dev = s.device("teacher").await;

    // A lesson of the teacher in a period the demo history locked after its finals.
    let lock = s
        .snapshot
        .locks
        .iter()
        .find(|l| s.load(l.load_id).teacher_id == teacher)
        .expect("the demo locks the teacher's finished semester");
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.id == lock.period_id)
        .expect("the lock's period exists");
    let locked_lesson = s
        .snapshot
        .lessons
        .iter()
        .find(|l| {
            l.load_id == lock.load_id && l.date >= period.starts_on && l.date <= period.ends_on
        })
        .expect("the locked load has lessons in the period")
        .clone();
    let student = s.students_of(&locked_lesson)[0];
    let op = dev.op(
        s.during(&locked_lesson),
        set_cell(locked_lesson.id, student, "2"),
    );
    let r = s.push(&dev, &[op]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_locked",
        "a locked period refuses marks"
    );

    // Today's lesson of another teacher.
    let foreign = s.lessons_of("teacher2", today()).remove(0);
    let student = s.students_of(&foreign)[0];
    let op = dev.op(s.during(&foreign), set_cell(foreign.id, student, "5"));
    let r = s.push(&dev, std::slice::from_ref(&op)).await;
    assert_eq!(
        rejection_code(&r[0]),
        "forbidden",
        "a teacher cannot mark another teacher's lesson"
    );

    // Rejections are kept: the same op again gets the same rejection, and the chain goes on.
    let r = s.push(&dev, std::slice::from_ref(&op)).await;
    assert_eq!(
        rejection_code(&r[0]),
        "forbidden",
        "the stored outcome is answered again"
    );
    let own = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&own)[0];
    let next = dev.op(s.during(&own), set_cell(own.id, student, "4"));
    let r = s.push(&dev, &[next]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "after rejected ops the device's chain continues"
    );
}

async fn rules_of_journal_core_are_enforced(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let before_start = s.during(&lesson) - chrono::Duration::hours(3);
    let early = dev.op(before_start, set_cell(lesson.id, student, "5"));
    let topic = dev.op(
        s.during(&lesson),
        OpPayload::SetTopic {
            lesson_id: lesson.id,
            hour: 1,
            plan_topic_id: None,
            title: "Повторение".into(),
            work_type: journal_core::WorkType::Lesson,
            work_number: None,
            makeup_of: None,
        },
    );
    let r = s.push(&dev, &[early, topic]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "future_lesson",
        "no entry before the lesson starts"
    );
    assert_eq!(
        rejection_code(&r[1]),
        "topic_too_generic",
        "a bare «Повторение» is not a topic"
    );
}

async fn a_different_later_mark_from_another_device_is_a_conflict(b: Backend) {
    let s = TestServer::start(b).await;
    let mut a = s.device("teacher").await;
    let mut b = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let t = s.during(&lesson);

    let ra = s
        .push_new(&mut a, (t, set_cell(lesson.id, students[0], "5")))
        .await;
    assert_eq!(
        outcome_name(&ra[0]),
        "applied",
        "the first value is accepted"
    );
    let rb = s
        .push_new(&mut b, (t, set_cell(lesson.id, students[0], "4")))
        .await;
    match &rb[0].outcome {
        OpOutcome::Conflict { server_value, .. } => assert_eq!(
            server_value,
            &serde_json::to_value(
                journal_core::parse_cell("5", false, &Default::default()).expect("valid")
            )
            .expect("serialises"),
            "the conflict shows the value that stays"
        ),
        other => panic!("a different later value from another device is a conflict, got {other:?}"),
    }
    let same = s
        .push_new(&mut b, (t, set_cell(lesson.id, students[0], "5")))
        .await;
    assert_eq!(
        outcome_name(&same[0]),
        "applied",
        "an identical value merges silently"
    );

    // The device's own later edit of its own value is a correction, not a conflict.
    let own = s
        .push_new(&mut a, (t, set_cell(lesson.id, students[0], "4")))
        .await;
    assert_eq!(
        outcome_name(&own[0]),
        "applied",
        "a device corrects its own value on the lesson's day"
    );

    // Homework: last writer by server order.
    let hw = |text: &str| OpPayload::SetHomework {
        lesson_id: lesson.id,
        text: text.into(),
    };
    assert_eq!(
        outcome_name(&s.push_new(&mut a, (t, hw("§1"))).await[0]),
        "applied",
        "homework A"
    );
    assert_eq!(
        outcome_name(&s.push_new(&mut b, (t, hw("§2"))).await[0]),
        "applied",
        "homework B, later"
    );
    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(&a.token)
        .send()
        .await
        .expect("snapshot reaches the server");
    assert_eq!(resp.status(), 200, "the teacher gets their snapshot");
    let snap: SnapshotResponse = resp.json().await.expect("a snapshot");
    let text = snap
        .snapshot
        .homework
        .iter()
        .find(|h| h.lesson_id == lesson.id)
        .map(|h| h.text.clone());
    assert_eq!(text.as_deref(), Some("§2"), "the later homework wins");
    let cell = snap
        .snapshot
        .cells
        .iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == students[0])
        .map(|c| c.value.symbol());
    assert_eq!(
        cell.as_deref(),
        Some("4"),
        "the snapshot holds the current cell value"
    );
    assert!(
        snap.server_seq >= 4,
        "the snapshot names the last change it includes"
    );
}

async fn pull_pages_are_complete_and_gap_free(b: Backend) {
    let s = TestServer::start(b).await;
    let mut a = s.device("teacher").await;
    let mut b = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let t = s.during(&lesson);
    let ops_a: Vec<_> = students
        .iter()
        .take(10)
        .map(|st| a.op(t, set_cell(lesson.id, *st, "5")))
        .collect();
    let ops_b: Vec<_> = students
        .iter()
        .skip(10)
        .take(7)
        .map(|st| b.op(t, set_cell(lesson.id, *st, "н")))
        .collect();
    s.push(&a, &ops_a).await;
    s.push(&b, &ops_b).await;

    let mut after = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = s.pull(&a.token, after, 3).await;
        pages += 1;
        assert!(
            page.changes.len() <= 3,
            "a page holds at most `limit` changes"
        );
        seen.extend(page.changes.iter().map(|c| c.server_seq));
        after = page.next_after;
        if !page.has_more {
            break;
        }
        assert!(pages < 100, "paging ends");
    }
    assert_eq!(
        seen,
        (1..=17).collect::<Vec<u64>>(),
        "every change exactly once, in order, no holes"
    );

    // Another teacher does not pull this teacher's journal.
    let other = s.device("teacher5").await;
    let page = s.pull(&other.token, 0, 100).await;
    assert!(
        page.changes.is_empty(),
        "changes of loads a user may not read are not pulled"
    );
    assert_eq!(page.next_after, 17, "the cursor still moves past them");
}

async fn user_never_signed_in_on_the_device_is_rejected(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let mut op_payload_author = dev.op(s.during(&lesson), set_cell(lesson.id, student, "5"));
    // Re-seal as teacher2 on this device, which teacher2 never signed in on.
    dev.seq -= 1;
    dev.last_hash = String::new();
    dev.user_id = s.user("teacher2");
    op_payload_author = dev.op(op_payload_author.device_time, op_payload_author.payload);
    let r = s.push(&dev, &[op_payload_author]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "user_not_on_device",
        "a device vouches only for its users"
    );
}

async fn push_batch_limit_and_bad_limit_are_refused(b: Backend) {
    let s = TestServer::start_with(
        b,
        journal_server::ServerConfig {
            max_ops_per_push: 2,
            ..crate::support::test_config()
        },
    )
    .await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let ops: Vec<_> = students
        .iter()
        .take(3)
        .map(|st| dev.op(s.during(&lesson), set_cell(lesson.id, *st, "5")))
        .collect();
    let resp = s
        .post("/sync/push")
        .bearer_auth(&dev.token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .expect("push reaches the server");
    assert_eq!(
        resp.status(),
        413,
        "too many ops in one push is refused as a whole"
    );
    let resp = s
        .get("/sync/pull")
        .bearer_auth(&dev.token)
        .query(&[("after", "0"), ("limit", "0")])
        .send()
        .await
        .expect("pull reaches the server");
    assert_eq!(resp.status(), 400, "a zero page size is refused");
}

async fn concurrent_pushes_from_several_devices_keep_server_seq_gap_free(b: Backend) {
    let s = TestServer::start(b).await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let t = s.during(&lesson);
    let mut batches = Vec::new();
    for d in 0..3 {
        let mut dev = s.device("teacher").await;
        let ops: Vec<_> = (0..15)
            .map(|i| {
                let st = students[(d * 7 + i) % students.len()];
                dev.op(
                    t,
                    OpPayload::SetHomework {
                        lesson_id: lesson.id,
                        text: format!("Упражнение §{d}.{i} {st}"),
                    },
                )
            })
            .collect();
        batches.push((dev, ops));
    }
    // All devices push at once, in batches of five, each device in its own task.
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for (dev, ops) in batches {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for chunk in ops.chunks(5) {
                outcomes.extend(s.push(&dev, chunk).await);
            }
            (dev.token.clone(), outcomes)
        }));
    }
    let mut token = String::new();
    let mut applied = Vec::new();
    for task in tasks {
        let (tok, outcomes) = task.await.expect("a push task finishes");
        token = tok;
        for r in outcomes {
            match r.outcome {
                OpOutcome::Applied { server_seq } => applied.push(server_seq),
                other => panic!("every homework op applies: {other:?}"),
            }
        }
    }
    applied.sort_unstable();
    assert_eq!(
        applied,
        (1..=45).collect::<Vec<u64>>(),
        "concurrent pushes get distinct, gap-free server_seq"
    );
    let page = s.pull(&token, 0, 1000).await;
    let seqs: Vec<u64> = page.changes.iter().map(|c| c.server_seq).collect();
    assert_eq!(
        seqs,
        (1..=45).collect::<Vec<u64>>(),
        "the pull sees every change once, in order"
    );
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    assert!(
        report.is_intact(),
        "the audit chain stays one chain under concurrency: {:?}",
        report.problems
    );
}

async fn a_device_clock_ahead_of_the_server_is_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    // The server's clock says 18:00 of today in the institution's zone; the device says tomorrow.
    let tomorrow = (today() + chrono::Duration::days(1))
        .and_hms_opt(10, 0, 0)
        .unwrap_or_default();
    let r = s
        .push_new(&mut dev, (tomorrow, set_cell(lesson.id, student, "5")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "device_clock_ahead",
        "an entry time ahead of the server's clock is refused"
    );
}

async fn finals_conflict_and_a_period_lock_closes_the_journal(b: Backend) {
    let s = TestServer::start(b).await;
    let mut a = s.device("teacher").await;
    let mut other = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .id;
    let final_of = |v: u8| OpPayload::SetFinal {
        load_id: lesson.load_id,
        period_id: period,
        student_id: student,
        column: Default::default(),
        value: Some(journal_core::FinalValue::Mark {
            value: journal_core::MarkValue::new(v).expect("a valid mark"),
        }),
    };
    let r = s.push_new(&mut a, (t, final_of(5))).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the first final is accepted"
    );
    let r = s.push_new(&mut other, (t, final_of(4))).await;
    assert_eq!(
        outcome_name(&r[0]),
        "conflict",
        "another device's different final is a conflict"
    );

    let lock = OpPayload::LockPeriod {
        load_id: lesson.load_id,
        period_id: period,
    };
    let r = s.push_new(&mut a, (t, lock.clone())).await;
    assert_eq!(
        rejection_code(&r[0]),
        "finals_incomplete",
        "001 п. 5: not before every student has a final — the server refuses what the app refuses"
    );
    s.finals_for_everyone(&mut a, lesson.load_id, period, t)
        .await;
    let r = s.push_new(&mut a, (t, lock.clone())).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher locks the period of their load"
    );
    let r = s.push_new(&mut other, (t, lock)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "locking an already locked period merges"
    );
    let r = s
        .push_new(&mut a, (t, set_cell(lesson.id, student, "3")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_locked",
        "after the lock no mark enters the period"
    );
    let r = s.push_new(&mut a, (t, final_of(3))).await;
    assert_eq!(rejection_code(&r[0]), "period_locked", "nor a final");
}

/// 001 «Преподаватель» п. 11 as a policy: finals only in the period's last week. The server refuses
/// an earlier final with the app's code and takes one in the window — the same
/// `journal_core::timing::check_final_time` decides on both sides.
async fn finals_only_in_the_policys_window(b: Backend) {
    let probe = TestServer::start(b).await;
    let period = probe
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .clone();
    drop(probe);
    // The server's clock stands on the period's last day but one, so an entry in the window is not
    // ahead of it.
    let last_days = period.ends_on - chrono::Duration::days(1);
    let config = journal_server::ServerConfig {
        clock: std::sync::Arc::new(move || last_days.and_hms_opt(15, 0, 0).unwrap_or_default()),
        ..crate::support::test_config()
    };
    let policy = journal_core::Policy {
        finals_window_days: 7,
        ..journal_core::Policy::default()
    };
    let s = TestServer::start_with_policy(b, config, policy).await;
    let mut a = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let final_five = OpPayload::SetFinal {
        load_id: lesson.load_id,
        period_id: period.id,
        student_id: student,
        column: Default::default(),
        value: Some(journal_core::FinalValue::Mark {
            value: journal_core::MarkValue::new(5).expect("a valid mark"),
        }),
    };
    let early = (period.ends_on - chrono::Duration::days(7))
        .and_hms_opt(12, 0, 0)
        .unwrap_or_default();
    let r = s.push_new(&mut a, (early, final_five.clone())).await;
    assert_eq!(
        rejection_code(&r[0]),
        "finals_too_early",
        "the day before the last week: refused as the app refuses it"
    );
    let in_window = (period.ends_on - chrono::Duration::days(6))
        .and_hms_opt(12, 0, 0)
        .unwrap_or_default();
    let r = s.push_new(&mut a, (in_window, final_five)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the last week's first day takes the final"
    );
}

/// A push batch is decided in memory against what it read at its start: its later ops must still
/// see its earlier ones (the same cell, final and homework written twice, the same op sent twice,
/// a lock), exactly as if each op had been written on its own.
async fn later_ops_of_a_batch_see_its_earlier_ones(b: Backend) {
    let s = TestServer::start(b).await;
    let mut a = s.device("teacher").await;
    let mut other = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let t = s.during(&lesson);
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .id;
    let final_of = |v: u8| OpPayload::SetFinal {
        load_id: lesson.load_id,
        period_id: period,
        student_id: students[0],
        column: Default::default(),
        value: Some(journal_core::FinalValue::Mark {
            value: journal_core::MarkValue::new(v).expect("a valid mark"),
        }),
    };
    let hw = |text: &str| OpPayload::SetHomework {
        lesson_id: lesson.id,
        text: text.into(),
    };
    let first = a.op(t, set_cell(lesson.id, students[0], "5"));
    let batch = vec![
        first.clone(),
        a.op(t, set_cell(lesson.id, students[0], "4")),
        first.clone(),
        a.op(t, final_of(5)),
        a.op(t, final_of(4)),
        a.op(t, hw("§1")),
        a.op(t, hw("§2")),
        // The server takes any device's ops in a push (a relay), so another device's edits of
        // the same cell and final can be in the same batch.
        other.op(t, set_cell(lesson.id, students[0], "3")),
        other.op(t, final_of(3)),
    ];
    let r = s.push(&a, &batch).await;
    let names: Vec<String> = r.iter().map(outcome_name).collect();
    assert_eq!(
        names,
        [
            "applied",
            "applied",
            "duplicate",
            "applied",
            "applied",
            "applied",
            "applied",
            "conflict",
            "conflict"
        ],
        "a device corrects its own cell, final and homework within one batch, an op sent twice in it is a duplicate, and another device's different values later in the batch are conflicts"
    );
    assert_eq!(
        r[2].outcome,
        OpOutcome::Duplicate {
            server_seq: Some(1)
        },
        "the repeat answers the server_seq its first copy got in the same batch"
    );

    let four = journal_core::parse_cell("4", false, &Default::default()).expect("valid");
    match &r[7].outcome {
        OpOutcome::Conflict { server_value, .. } => assert_eq!(
            server_value,
            &serde_json::to_value(four).expect("serialises"),
            "the value that stays is the batch's last one"
        ),
        other => panic!("another device's different mark is a conflict, got {other:?}"),
    }

    let lock = OpPayload::LockPeriod {
        load_id: lesson.load_id,
        period_id: period,
    };
    // The other students' finals go in the same batch as the lock: the lock must see them.
    let period_row = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.id == period)
        .expect("the period")
        .clone();
    let rest: Vec<_> = journal_protocol::students_needing_final(
        s.load(lesson.load_id),
        &period_row,
        &s.snapshot.memberships,
        &s.snapshot.individual_plans,
        &s.snapshot.lessons,
    )
    .into_iter()
    .filter(|st| *st != students[0])
    .collect();
    let mut ops: Vec<_> = rest
        .iter()
        .map(|&student_id| {
            a.op(
                t,
                OpPayload::SetFinal {
                    load_id: lesson.load_id,
                    period_id: period,
                    student_id,
                    column: Default::default(),
                    value: Some(journal_core::FinalValue::Mark {
                        value: journal_core::MarkValue::new(5).expect("a valid mark"),
                    }),
                },
            )
        })
        .collect();
    ops.push(a.op(t, lock));
    ops.push(a.op(t, set_cell(lesson.id, students[1], "5")));
    let r = s.push(&a, &ops).await;
    let n = rest.len();
    assert_eq!(
        outcome_name(&r[n]),
        "applied",
        "the teacher locks the period: the finals earlier in the batch count"
    );
    assert_eq!(
        rejection_code(&r[n + 1]),
        "period_locked",
        "the next op of the same batch already finds the period locked"
    );

    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(&a.token)
        .send()
        .await
        .expect("snapshot reaches the server");
    assert_eq!(resp.status(), 200, "the teacher gets their snapshot");
    let snap: SnapshotResponse = resp.json().await.expect("a snapshot");
    let cell = snap
        .snapshot
        .cells
        .iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == students[0])
        .map(|c| c.value.symbol());
    assert_eq!(
        cell.as_deref(),
        Some("4"),
        "the stored cell is the batch's last value"
    );
    let homework = snap
        .snapshot
        .homework
        .iter()
        .find(|h| h.lesson_id == lesson.id)
        .map(|h| h.text.clone());
    assert_eq!(
        homework.as_deref(),
        Some("§2"),
        "and the homework its last text"
    );
    let final_value = snap
        .snapshot
        .finals
        .iter()
        .find(|f| {
            f.student_id == students[0] && f.period_id == period && f.load_id == lesson.load_id
        })
        .map(|f| f.value);
    assert_eq!(
        final_value,
        Some(journal_core::FinalValue::Mark {
            value: journal_core::MarkValue::new(4).expect("a valid mark"),
        }),
        "and the final its last mark"
    );
    let page = s.pull(&a.token, 0, 500).await;
    let seqs: Vec<u64> = page.changes.iter().map(|c| c.server_seq).collect();
    assert_eq!(
        seqs,
        (1..=7 + n as u64).collect::<Vec<u64>>(),
        "six applied ops of the first batch, the other finals and the lock: gap-free changes, the duplicate adds none"
    );
}

conformance!(
    later_ops_of_a_batch_see_its_earlier_ones,
    finals_only_in_the_policys_window,
    finals_conflict_and_a_period_lock_closes_the_journal,
    a_device_clock_ahead_of_the_server_is_refused,
    concurrent_pushes_from_several_devices_keep_server_seq_gap_free,
    push_applies_then_answers_duplicate_and_pull_returns_the_change,
    same_device_seq_with_other_content_is_a_fork,
    a_gap_is_refused_with_the_expected_seq,
    tampered_or_unsigned_ops_are_refused,
    locked_period_and_foreign_load_are_rejected_and_recorded,
    rules_of_journal_core_are_enforced,
    a_different_later_mark_from_another_device_is_a_conflict,
    pull_pages_are_complete_and_gap_free,
    user_never_signed_in_on_the_device_is_rejected,
    push_batch_limit_and_bad_limit_are_refused
);
