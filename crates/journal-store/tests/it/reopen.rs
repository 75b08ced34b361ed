//! A deputy's reopening of a locked period, pulled from the server: the period is editable again
//! and shows who reopened it and why, until the teacher locks it again.

use crate::fixture::*;
use journal_protocol::OpPayload;
use journal_store::RemoteChange;

#[test]
fn a_pulled_reopening_opens_the_period_with_its_reason_until_it_is_locked_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let deputy = fx
        .snap
        .users
        .iter()
        .find(|u| u.login == "deputy")
        .map(|u| u.id)
        .expect("the fixture has a deputy");
    let when = at(first_day() + chrono::Days::new(1), 9, 30);
    let lock = OpPayload::LockPeriod {
        load_id: fx.load,
        period_id: fx.period,
    };
    store
        .record_edit(fx.teacher, when, lock.clone())
        .expect("the teacher locks the period");
    // The lock was answered (not pending), so the pulled reopening is not shadowed.
    for op in store.pending_ops().expect("pending ops") {
        store
            .set_op_state(op.op_id, journal_store::OpState::Applied, None)
            .expect("the lock's answer is stored");
    }
    assert!(
        store.lesson_locked(fx.lessons[0]).expect("lock query"),
        "the period is locked"
    );

    let reason = "ошибка в итоговой отметке";
    let reopen_at = when + chrono::Duration::hours(2);
    let applied = store
        .apply_remote_changes(
            &[RemoteChange {
                server_seq: 10,
                device_id: journal_core::DeviceId(uuid::Uuid::new_v4()),
                author_id: deputy,
                device_time: reopen_at,
                payload: OpPayload::UnlockPeriod {
                    load_id: fx.load,
                    period_id: fx.period,
                    reason: reason.into(),
                },
            }],
            10,
            reopen_at,
            reopen_at,
        )
        .expect("the pulled reopening applies");
    assert_eq!(applied, 1, "the reopening is written");
    assert!(
        !store.is_locked(fx.load, fx.period).expect("lock query"),
        "a reopened period is editable again"
    );
    let r = store
        .reopening(fx.load, fx.period)
        .expect("reopening query")
        .expect("the period shows it is reopened");
    assert_eq!(r.reason, reason, "the reopening keeps its reason");
    assert_eq!(r.reopened_by, deputy, "the reopening names the deputy");
    assert_eq!(
        r.reopened_by_name.as_deref(),
        Some("Сидоров Павел Андреевич"),
        "the deputy's name comes from the local copy"
    );
    assert_eq!(r.reopened_at, reopen_at, "the reopening's time is kept");
    assert_eq!(
        store
            .lesson_reopening(fx.lessons[0])
            .expect("lesson reopening query")
            .map(|r| r.reason),
        Some(reason.to_string()),
        "a lesson of the reopened period shows the reopening"
    );

    store
        .record_edit(fx.teacher, reopen_at, lock)
        .expect("the teacher locks the corrected period again");
    assert!(
        store.is_locked(fx.load, fx.period).expect("lock query"),
        "locked again"
    );
    assert_eq!(
        store
            .reopening(fx.load, fx.period)
            .expect("reopening query"),
        None,
        "a period locked again is no longer shown as reopened"
    );
}

#[test]
fn a_snapshot_brings_the_reopenings_and_a_new_import_replaces_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let mut snap = fx.snap.clone();
    snap.reopenings = vec![journal_protocol::PeriodReopening {
        load_id: fx.load,
        period_id: fx.period,
        reason: "исправление итоговой".into(),
        reopened_at: at(first_day(), 15, 0),
        reopened_by: fx.teacher,
    }];
    store.import_snapshot(&snap).expect("the snapshot imports");
    assert_eq!(
        store
            .reopening(fx.load, fx.period)
            .expect("reopening query")
            .map(|r| r.reason),
        Some("исправление итоговой".to_string()),
        "a copy made after the reopening shows it"
    );
    assert_eq!(
        store.export_snapshot().expect("export").reopenings,
        snap.reopenings,
        "the reopening is part of the copy's snapshot"
    );
    store
        .import_snapshot(&fx.snap)
        .expect("a later snapshot imports");
    assert_eq!(
        store
            .reopening(fx.load, fx.period)
            .expect("reopening query"),
        None,
        "a later snapshot without the reopening replaces it"
    );
}
