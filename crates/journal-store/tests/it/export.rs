//! export_snapshot gives back exactly what import_snapshot stored.

use crate::fixture::date;
use journal_protocol::Snapshot;
use journal_store::Store;
use serde::Serialize;

/// Sorts every row list by its JSON text: row order in a table without rowid is the key's, not
/// the snapshot's, and order carries no meaning in a snapshot.
fn sorted<T: Serialize>(v: &mut [T]) {
    v.sort_by_cached_key(|x| serde_json::to_string(x).unwrap_or_default());
}

fn normalized(mut s: Snapshot) -> Snapshot {
    sorted(&mut s.periods);
    sorted(&mut s.holidays);
    sorted(&mut s.bells);
    sorted(&mut s.users);
    sorted(&mut s.groups);
    sorted(&mut s.subgroups);
    sorted(&mut s.students);
    sorted(&mut s.memberships);
    sorted(&mut s.subjects);
    sorted(&mut s.loads);
    sorted(&mut s.plan_topics);
    sorted(&mut s.lessons);
    sorted(&mut s.lesson_topics);
    sorted(&mut s.homework);
    sorted(&mut s.cells);
    sorted(&mut s.finals);
    sorted(&mut s.locks);
    sorted(&mut s.remarks);
    sorted(&mut s.control_works);
    s
}

/// The demo institution and its teacher's id.
fn demo_and_teacher() -> (Snapshot, journal_core::UserId) {
    let full = journal_demo::generate(journal_demo::DEFAULT_SEED, date(2026, 11, 17));
    let teacher = full
        .users
        .iter()
        .find(|u| u.login == "teacher")
        .map(|u| u.id)
        .expect("the demo has a teacher login");
    (full, teacher)
}

#[test]
fn demo_teacher_copy_round_trips_through_import_and_export() {
    let (full, teacher) = demo_and_teacher();
    let snap = full.for_user(teacher);
    assert!(
        !snap.cells.is_empty() && !snap.lesson_topics.is_empty() && !snap.homework.is_empty(),
        "the demo teacher's copy has journal content to round-trip"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    store.import_snapshot(&snap).expect("import");
    let back = store.export_snapshot().expect("export");
    assert_eq!(back.cells.len(), snap.cells.len(), "every cell comes back");
    assert!(
        !snap.control_works.is_empty(),
        "the demo teacher's copy has the ВТК schedule of their loads"
    );
    assert!(
        !snap.busy_slots.is_empty(),
        "the demo teacher's groups have other teachers' lessons: their slots are in the copy"
    );
    assert!(
        normalized(back) == normalized(snap),
        "the exported snapshot equals the imported one row for row"
    );
}

/// The slots of other teachers' lessons of the copy's groups (store migration 0014) are kept by
/// the copy, read by date, and replaced whole by the next snapshot.
#[test]
fn the_busy_slots_are_kept_read_by_day_and_replaced_whole() {
    let (full, teacher) = demo_and_teacher();
    let mut snap = full.for_user(teacher);
    let day = snap.busy_slots[0].date;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    store.import_snapshot(&snap).expect("import");
    let of_day: Vec<_> = snap
        .busy_slots
        .iter()
        .filter(|s| s.date == day)
        .copied()
        .collect();
    assert_eq!(store.busy_slots_on(day).expect("the day's slots"), of_day);
    assert_eq!(
        store.export_snapshot().expect("export").busy_slots,
        snap.busy_slots,
        "every slot comes back, in the snapshot's order"
    );
    snap.busy_slots.retain(|s| s.date != day);
    store.import_snapshot(&snap).expect("import again");
    assert!(
        store
            .busy_slots_on(day)
            .expect("the day's slots")
            .is_empty(),
        "a slot the server no longer sends (the lesson moved away) is free in the copy"
    );
}

/// An МДК's профессиональный модуль (store migration 0011) is kept by the copy and given back, and
/// the loads' subjects carry it too.
#[test]
fn an_mdk_keeps_its_module_through_the_copy() {
    let full = journal_demo::generate(journal_demo::DEFAULT_SEED, date(2026, 11, 17));
    let Some(teacher) = full
        .users
        .iter()
        .find(|u| u.login == "teacher7")
        .map(|u| u.id)
    else {
        panic!("the demo has teacher7, who teaches the МДК")
    };
    let mut snap = full.for_user(teacher);
    let module = journal_protocol::Subject {
        id: journal_core::SubjectId(uuid::Uuid::from_u128(0x5001)),
        name: "ПМ.01 Разработка модулей программного обеспечения".into(),
        short_name: "ПМ.01".into(),
        kind: journal_protocol::SubjectKind::Module,
        grading: Default::default(),
        module_id: None,
    };
    let Some(mdk) = snap
        .subjects
        .iter_mut()
        .find(|s| s.kind == journal_protocol::SubjectKind::Mdk)
    else {
        panic!("the demo has an МДК")
    };
    mdk.module_id = Some(module.id);
    let mdk_id = mdk.id;
    snap.subjects.push(module.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    store.import_snapshot(&snap).expect("import");
    let back = store.export_snapshot().expect("export");
    assert_eq!(
        back.subjects
            .iter()
            .find(|s| s.id == mdk_id)
            .and_then(|s| s.module_id),
        Some(module.id),
        "the МДК still names its module after the copy"
    );
    assert!(
        normalized(back) == normalized(snap),
        "the exported snapshot equals the imported one row for row"
    );
    let loads = store.loads_of(teacher).expect("the teacher's loads");
    assert!(
        loads
            .iter()
            .any(|l| l.subject.id == mdk_id && l.subject.module_id == Some(module.id)),
        "the МДК's load knows the module"
    );
}

#[test]
fn exporting_an_empty_copy_is_a_typed_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    let err = store
        .export_snapshot()
        .expect_err("a copy without an institution cannot be a snapshot");
    assert_eq!(
        err.code(),
        "store_not_found",
        "an empty copy says what is missing"
    );
}
