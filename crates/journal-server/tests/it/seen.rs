//! A value another device entered and this device had pulled before its edit (the op's seen_seq)
//! is corrected, not a conflict; a value it never saw is still a concurrent edit, first accepted
//! wins. Both backends.

use journal_protocol::{Op, OpOutcome, OpPayload};
use journal_server::dto::SnapshotResponse;

use crate::support::{outcome_name, set_cell, today, Backend, Device, TestServer};

fn applied_seq(outcome: &OpOutcome) -> u64 {
    match outcome {
        OpOutcome::Applied { server_seq } => *server_seq,
        other => panic!("expected the op applied, got {other:?}"),
    }
}

async fn cell_symbol(s: &TestServer, device: &Device, op: &Op) -> String {
    let OpPayload::SetCell {
        lesson_id,
        student_id,
        ..
    } = &op.payload
    else {
        panic!("a cell op");
    };
    let snap: SnapshotResponse = s
        .get("/sync/snapshot")
        .bearer_auth(&device.token)
        .send()
        .await
        .expect("the snapshot request reaches the server")
        .json()
        .await
        .expect("a snapshot reply");
    snap.snapshot
        .cells
        .iter()
        .find(|c| c.lesson_id == *lesson_id && c.student_id == *student_id)
        .map(|c| c.value.symbol())
        .unwrap_or_default()
}

async fn a_correction_from_a_device_that_had_pulled_the_value_is_applied(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let four = classroom.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&classroom, std::slice::from_ref(&four)).await;
    let four_seq = applied_seq(&r[0].outcome);

    let cursor = s.pull_all(&staff_room).await;
    assert!(
        cursor >= four_seq,
        "the staff-room PC's pull covers the «4»"
    );
    let five = staff_room.op_seen(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "5"),
        cursor,
    );
    let r = s.push(&staff_room, std::slice::from_ref(&five)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "correcting a value the device had pulled is a sequential edit, not a conflict: {:?}",
        r[0].outcome
    );
    assert_eq!(
        cell_symbol(&s, &classroom, &five).await,
        "5",
        "the correction is the server's value"
    );
    let r = s.push(&staff_room, std::slice::from_ref(&five)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "duplicate",
        "the op with seen_seq pushed again is a duplicate"
    );
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    assert!(
        report.is_intact(),
        "the audit chain with seen_seq in op details verifies: {:?}",
        report.problems
    );
    // And back: the classroom PC pulls the «5» and corrects it again.
    let cursor = s.pull_all(&classroom).await;
    let three = classroom.op_seen(
        t + chrono::Duration::minutes(2),
        set_cell(lesson.id, student, "3"),
        cursor,
    );
    let r = s.push(&classroom, std::slice::from_ref(&three)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the first device corrects the second's value it pulled: {:?}",
        r[0].outcome
    );
}

async fn an_edit_without_having_pulled_the_value_is_still_a_conflict(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    // The staff-room PC pulled before the «4» existed: what it saw is older than the value.
    let before = s.pull_all(&staff_room).await;
    let four = classroom.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&classroom, std::slice::from_ref(&four)).await;
    let four_seq = applied_seq(&r[0].outcome);
    assert!(before < four_seq, "the pull came before the «4»");
    let unseen = staff_room.op_seen(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "5"),
        before,
    );
    let never_pulled = staff_room.op(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "3"),
    );
    let clear = staff_room.op_seen(
        t + chrono::Duration::minutes(1),
        OpPayload::SetCell {
            lesson_id: lesson.id,
            student_id: student,
            value: journal_core::CellValue::default(),
            reason: None,
        },
        before,
    );
    let r = s.push(&staff_room, &[unseen, never_pulled, clear]).await;
    for (result, what) in r.iter().zip([
        "a value pulled before the «4» was entered",
        "an op that saw nothing (seen_seq 0, as before this field)",
        "clearing a value it never pulled",
    ]) {
        assert_eq!(
            outcome_name(result),
            "conflict",
            "{what} is a concurrent edit: the first accepted value stays"
        );
    }
    assert_eq!(
        cell_symbol(&s, &classroom, &four).await,
        "4",
        "the first accepted value wins"
    );
    let journal_protocol::OpOutcome::Conflict { message, .. } = &r[0].outcome else {
        panic!("a conflict: {:?}", r[0].outcome);
    };
    let when = t.format("%d.%m.%Y в %H:%M").to_string();
    assert!(
        message.contains("выставлено: вы") && message.contains(&when),
        "the conflict says who entered the kept value (the same teacher, on the other PC) and when ({when}), not «раньше»: {message}"
    );
}

async fn a_final_from_a_device_that_had_pulled_it_is_applied(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
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
    let before = s.pull_all(&staff_room).await;
    let r = s.push_new(&mut classroom, (t, final_of(4))).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the first final is accepted"
    );
    let unseen = staff_room.op_seen(t, final_of(3), before);
    let r = s.push(&staff_room, &[unseen]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "conflict",
        "a final the device never pulled is a concurrent edit"
    );
    let cursor = s.pull_all(&staff_room).await;
    let corrected = staff_room.op_seen(t, final_of(5), cursor);
    let r = s.push(&staff_room, &[corrected]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "a final corrected after pulling it is a sequential edit: {:?}",
        r[0].outcome
    );
}

/// A value that came with `init --demo` or an import (no device, no server_seq) is in every device's
/// first snapshot: correcting it is a sequential edit, never a conflict with «another device».
async fn a_correction_of_an_imported_value_is_applied(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let four = classroom.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&classroom, std::slice::from_ref(&four)).await;
    applied_seq(&r[0].outcome);
    // Make the «4» what the demo seeding or an import writes: no device, no server_seq.
    let changed = s
        .tamper(&format!(
            "UPDATE cells SET device_id = NULL, server_seq = NULL WHERE lesson_id = '{}' AND student_id = '{}'",
            lesson.id, student
        ))
        .await;
    assert_eq!(changed, 1, "the cell is made an imported one");
    let mut staff_room = staff_room;
    let five = staff_room.op(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "5"),
    );
    let r = s.push(&staff_room, &[five]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "an imported value is seen by every device, so its correction is applied: {:?}",
        r[0].outcome
    );
    assert_eq!(
        cell_symbol(&s, &classroom, &four).await,
        "5",
        "the correction stands"
    );
}

/// A device cannot claim to have seen more than it was sent: its seen_seq is capped at the last
/// cursor the server gave it (snapshot or pull), so a made-up seen_seq does not turn a concurrent
/// edit into a silent overwrite.
async fn a_seen_seq_beyond_what_the_device_was_sent_is_capped(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let before = s.pull_all(&staff_room).await;
    let four = classroom.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&classroom, std::slice::from_ref(&four)).await;
    let four_seq = applied_seq(&r[0].outcome);
    assert!(
        before < four_seq,
        "the staff room's pull came before the «4»"
    );
    let claims = staff_room.op_seen(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "5"),
        four_seq + 1_000,
    );
    let r = s.push(&staff_room, &[claims]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "conflict",
        "a device that was never sent the «4» cannot overwrite it by claiming a later seen_seq: {:?}",
        r[0].outcome
    );
    assert_eq!(
        cell_symbol(&s, &classroom, &four).await,
        "4",
        "the «4» stays"
    );
}

/// An offline PC's exchange file is pushed and pulled from another PC of the same user: the pull
/// names the offline device, so what it carries counts as sent to that device — and only to a
/// device the user signed in on.
async fn a_pull_for_another_device_of_the_user_counts_as_sent_to_it(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut offline = s.device("teacher").await;
    let online = s.device("teacher").await;
    let stranger = s.device("teacher2").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let four = classroom.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&classroom, std::slice::from_ref(&four)).await;
    let four_seq = applied_seq(&r[0].outcome);
    let pull_for = |device: journal_core::DeviceId, token: String| {
        let req = s
            .get("/sync/pull")
            .bearer_auth(token)
            .query(&[("after", "0".to_string()), ("device", device.0.to_string())]);
        async move {
            let resp = req.send().await.expect("the pull reaches the server");
            assert_eq!(resp.status(), 200, "a pull for a named device is answered");
            let page: journal_server::dto::PullPage = resp.json().await.expect("a pull page");
            page.next_after
        }
    };
    // Someone else's pull naming the offline device does not vouch for it.
    pull_for(offline.id, stranger.token.clone()).await;
    let early = offline.op_seen(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "3"),
        four_seq,
    );
    let r = s.push(&offline, &[early]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "conflict",
        "another user's pull does not count as sent to this device"
    );
    let cursor = pull_for(offline.id, online.token.clone()).await;
    assert!(cursor >= four_seq, "the carried pull reaches the «4»");
    let corrected = offline.op_seen(
        t + chrono::Duration::minutes(2),
        set_cell(lesson.id, student, "5"),
        cursor,
    );
    let r = s.push(&offline, &[corrected]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "after the carried pull the offline device's correction is sequential: {:?}",
        r[0].outcome
    );
}

conformance!(
    a_seen_seq_beyond_what_the_device_was_sent_is_capped,
    a_pull_for_another_device_of_the_user_counts_as_sent_to_it,
    a_correction_of_an_imported_value_is_applied,
    a_correction_from_a_device_that_had_pulled_the_value_is_applied,
    an_edit_without_having_pulled_the_value_is_still_a_conflict,
    a_final_from_a_device_that_had_pulled_it_is_applied
);
