//! Messages written offline (store migration 0007): kept in the encrypted copy across a restart,
//! oldest first, forgotten once sent; a reply names its thread, a new thread its addressee.

use crate::fixture::*;
use journal_store::{Store, StoreKey};

#[test]
fn messages_written_offline_wait_in_the_encrypted_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = StoreKey([9u8; 32]);
    let (thread, curator) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
    {
        let (mut store, _) = store_with(dir.path(), Some(&key));
        store
            .add_pending_thread(
                at(first_day(), 9, 0),
                curator,
                "Замена",
                "Прошу заменить урок",
            )
            .expect("a new thread is kept");
        store
            .add_pending_reply(at(first_day(), 9, 5), thread, "Спасибо!")
            .expect("a reply is kept");
    }
    let mut store = Store::open(&dir.path().join("journal.db"), Some(&key)).expect("reopens");
    let waiting = store.pending_messages().expect("the waiting messages read");
    assert_eq!(waiting.len(), 2, "both survive a restart: {waiting:?}");
    assert_eq!(
        waiting[0].to_user,
        Some(curator),
        "oldest first: the new thread"
    );
    assert_eq!(waiting[0].thread_id, None);
    assert_eq!(waiting[0].subject, "Замена");
    assert_eq!(waiting[1].thread_id, Some(thread), "then the reply");
    assert_eq!(waiting[1].body, "Спасибо!");
    store
        .remove_pending_message(waiting[0].id)
        .expect("a sent message is forgotten");
    let left = store.pending_messages().expect("reads");
    assert_eq!(left.len(), 1, "only the reply waits: {left:?}");
    assert!(
        store
            .connection()
            .execute(
                "INSERT INTO pending_messages (written_at, subject, body) VALUES ('x', '', 'текст')",
                [],
            )
            .is_err(),
        "a message names either its thread or its addressee"
    );
}
