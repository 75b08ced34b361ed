//! A pulled change that replaces a value this PC entered and the server took is kept as a notice
//! (who, when, why) — once, only for a later change from another device with another value.

use crate::fixture::*;
use journal_core::{DeviceId, UserId};
use journal_protocol::{OpOutcome, OpPayload};
use journal_store::{OpState, RemoteChange, Store, REPLACED_ELSEWHERE};

fn cell(fx: &Fixture, value: journal_core::CellValue, reason: Option<&str>) -> OpPayload {
    OpPayload::SetCell {
        lesson_id: fx.lessons[0],
        student_id: fx.students[0],
        value,
        reason: reason.map(str::to_string),
    }
}

/// The teacher's «4» on this PC, taken by the server as change `server_seq`.
fn entered_and_taken(store: &mut Store, fx: &Fixture, server_seq: u64) {
    let op = store
        .record_edit(fx.teacher, at(first_day(), 9, 0), cell(fx, mark(4), None))
        .expect("the teacher enters «4»");
    let outcome = serde_json::to_value(OpOutcome::Applied { server_seq }).expect("outcome");
    store
        .set_op_state(op.op_id, OpState::Applied, Some(&outcome))
        .expect("the server's answer is stored");
}

fn pulled(
    store: &mut Store,
    server_seq: u64,
    device_id: DeviceId,
    author_id: UserId,
    payload: OpPayload,
) {
    let when = at(first_day(), 12, 5);
    store
        .apply_remote_changes(
            &[RemoteChange {
                server_seq,
                device_id,
                author_id,
                device_time: when,
                payload,
            }],
            server_seq,
            when,
            when,
        )
        .expect("the pulled change applies");
}

fn notices(store: &Store) -> Vec<journal_store::Conflict> {
    store
        .conflicts()
        .expect("conflicts")
        .into_iter()
        .filter(|c| c.code == REPLACED_ELSEWHERE)
        .collect()
}

fn deputy(fx: &Fixture) -> (UserId, String) {
    fx.snap
        .users
        .iter()
        .find(|u| u.login == "deputy")
        .map(|u| (u.id, u.full_name.clone()))
        .expect("the fixture has a deputy")
}

#[test]
fn a_later_change_from_another_device_is_noticed_once_with_who_when_and_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let (deputy, name) = deputy(&fx);
    let elsewhere = DeviceId(uuid::Uuid::new_v4());
    entered_and_taken(&mut store, &fx, 5);

    pulled(
        &mut store,
        7,
        elsewhere,
        deputy,
        cell(&fx, mark(5), Some("ошибка при вводе")),
    );
    let n = notices(&store);
    assert_eq!(n.len(), 1, "the replaced «4» is noticed: {n:?}");
    assert!(n[0].open, "the notice waits for the teacher");
    assert!(
        n[0].message.contains(&name)
            && n[0].message.contains("12:05")
            && n[0].message.contains("ошибка при вводе"),
        "the notice says who, when and why: {}",
        n[0].message
    );
    let mine: OpPayload = serde_json::from_value(n[0].local_value.clone()).expect("payload");
    assert_eq!(
        mine,
        cell(&fx, mark(4), None),
        "the notice keeps this PC's value"
    );
    assert_eq!(
        store.counts().expect("counts").open_conflicts,
        1,
        "the header counts it among what the teacher should look at"
    );

    pulled(&mut store, 9, elsewhere, deputy, cell(&fx, mark(3), None));
    assert_eq!(
        notices(&store).len(),
        1,
        "a second change replaces the other device's value, not this PC's"
    );
}

#[test]
fn own_changes_earlier_changes_and_equal_values_are_not_noticed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let (deputy, _) = deputy(&fx);
    let elsewhere = DeviceId(uuid::Uuid::new_v4());
    entered_and_taken(&mut store, &fx, 5);

    let own = store.device_id();
    pulled(&mut store, 5, own, fx.teacher, cell(&fx, mark(4), None));
    pulled(&mut store, 4, elsewhere, deputy, cell(&fx, mark(2), None));
    pulled(
        &mut store,
        8,
        elsewhere,
        deputy,
        cell(&fx, mark(4), Some("та же отметка")),
    );
    assert!(
        notices(&store).is_empty(),
        "this PC's own change, one the server ordered before it and the same value are no news: {:?}",
        notices(&store)
    );
}

#[test]
fn an_absence_given_its_reason_elsewhere_is_no_replacement() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let (curator, _) = deputy(&fx);
    let op = store
        .record_edit(fx.teacher, at(first_day(), 9, 0), cell(&fx, absent(), None))
        .expect("the teacher records «н»");
    let outcome = serde_json::to_value(OpOutcome::Applied { server_seq: 5 }).expect("outcome");
    store
        .set_op_state(op.op_id, OpState::Applied, Some(&outcome))
        .expect("the server's answer is stored");
    let ill = journal_core::CellValue {
        entries: vec![journal_core::CellEntry::Absence {
            absence: journal_core::Absence::Ill,
        }],
    };
    pulled(
        &mut store,
        7,
        DeviceId(uuid::Uuid::new_v4()),
        curator,
        cell(&fx, ill, None),
    );
    assert!(
        notices(&store).is_empty(),
        "«н» made «б» from a note is the absence the teacher recorded, with its reason: {:?}",
        notices(&store)
    );
}
