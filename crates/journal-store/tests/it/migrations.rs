//! Shipped migrations are append-only: their text is pinned here by sha256. Changing a shipped
//! migration would leave every existing teacher's copy on a schema the code no longer describes;
//! add a new migration instead, and add its hash below.

use sha2::{Digest, Sha256};

const SHIPPED: &[(&str, &str)] = &[
    (
        "0001_initial",
        "da234c63ca1a271ce9a7878f14e0e8c006744d39e98fe724bed8567acc312865",
    ),
    (
        "0002_reopenings",
        "2a13795693a85c58fed2f6356ccebb8dd6c6b5fe061f11648870d28a0aa5e32a",
    ),
    (
        "0003_reference_version",
        "fc9cc3d44c364975ac5de751cedd2a955f7e3a18ed45b44d2ee6b561a80e44b1",
    ),
    (
        "0004_outbox_seen_seq",
        "f502c82ee7c7d5e7ac19f21265bf0f8443db265463693a10b0e74915931850ef",
    ),
    (
        "0005_pending_suggestions",
        "4720e6dac4a7a469b3bdc946fe9904355b41c3e0d45315e2173bcf4b00d2b016",
    ),
    (
        "0006_individual_plans",
        "c82f2806e8cec7863f68e9871d99236899c5f48734b7f446f9a7c24e027e7300",
    ),
    (
        "0007_pending_messages",
        "098b54e3cef7f47e7b9d4ddbd1be96c8a7c8da2cf8bb1ee22d5786f5fcf41712",
    ),
    (
        "0008_remark_cycle",
        "12eb4a6183e06549e6223b6f0d6a9491ecd99d5f6cc6d19be52263cc5e9e6ad2",
    ),
    (
        "0009_lesson_change_reason",
        "3f628b7e41a02412f82c6e6ed1f3070e9001a42b0c68b9475e7607d31f3e5186",
    ),
    (
        "0010_final_columns",
        "bf3eddf834a165d98781a2a57d2343af44a6af4616943f85f47c681351d3742d",
    ),
    (
        "0011_subject_module",
        "bc0a3990bd8e986bac575b770d791718d9fd89864ef35e1f477d6d2d6a2e18d7",
    ),
    (
        "0012_control_works",
        "b8724a9d6e54df3bbe33a619154e03cfa3e7fedb0df86334104b8bc90daff93f",
    ),
    (
        "0013_pending_parent_notes",
        "e5df3fa6e396e9603bb61a451b3a19a08a98e6ea9053e6303c2ecd1769045ad3",
    ),
    (
        "0014_busy_slots",
        "def5dcaee2dd58d0058fd2d8f91eacdc32d661dc276eae6ce258ebd713ca1494",
    ),
    (
        "0015_outbox_targets",
        "a70e318e4639b8456b10d29320af0bd0bc7ca54a358f829bf21b1fd81d9b27bc",
    ),
];

#[test]
fn shipped_migrations_never_change() {
    let current = journal_store::MIGRATIONS;
    assert!(
        current.len() >= SHIPPED.len(),
        "a shipped migration was removed: migrations are append-only"
    );
    for ((name, sha), (cur_name, sql)) in SHIPPED.iter().zip(current) {
        assert_eq!(
            name, cur_name,
            "migration order or name changed: migrations are append-only"
        );
        assert_eq!(
            hex::encode(Sha256::digest(sql.as_bytes())),
            *sha,
            "the text of shipped migration {name} changed; add a new migration instead"
        );
    }
    assert_eq!(
        current.len(),
        SHIPPED.len(),
        "a new migration must have its hash pinned in SHIPPED once it ships"
    );
}

#[test]
fn reopening_a_migrated_store_applies_nothing_and_keeps_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("journal.db");
    {
        let (mut store, fx) = crate::fixture::store_with(dir.path(), None);
        store
            .record_edit(
                fx.teacher,
                crate::fixture::at(crate::fixture::first_day(), 9, 0),
                journal_protocol::OpPayload::SetHomework {
                    lesson_id: fx.lessons[1],
                    text: "§2".into(),
                },
            )
            .expect("edit");
    }
    let store = journal_store::Store::open(&path, None).expect("reopen");
    let version: i64 = store
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(
        version as usize,
        journal_store::MIGRATIONS.len(),
        "the schema version is the number of migrations"
    );
    assert_eq!(
        store.counts().expect("counts").total_ops,
        1,
        "data survives a reopen"
    );
}
