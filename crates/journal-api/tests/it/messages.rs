//! «Сообщения» from the teacher's app: sent at once online; written offline, kept in the encrypted
//! copy and delivered by the next sync; a bad text refused with nothing kept; a message the server
//! refuses for good (an addressee outside the institution) is dropped, not retried forever.

use crate::server::{sign_in, today, TestServer, UNREACHABLE};
use chrono::NaiveTime;

fn user_id(server: &TestServer, login: &str) -> uuid::Uuid {
    let conn = rusqlite::Connection::open(&server.db).expect("the server database opens");
    let id: String = conn
        .query_row("SELECT id FROM users WHERE login = ?1", [login], |r| {
            r.get(0)
        })
        .expect("the user is on the server");
    uuid::Uuid::parse_str(&id).expect("a user id")
}

#[test]
fn a_message_written_offline_is_kept_and_sent_by_the_next_sync() {
    let server = TestServer::start();
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let (pc, other) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    let mut teacher = sign_in(&server, pc.path(), "teacher", morning);
    let curator = user_id(&server, "curator");

    let r = teacher
        .write_message(
            curator,
            "Замена в четверг",
            "Прошу заменить мой урок в четверг",
        )
        .expect("an online message is taken");
    assert!(r.sent && r.waiting == 0, "sent at once online: {r:?}");
    let mine = teacher.messages().expect("the threads read online");
    assert_eq!(mine.threads.len(), 1, "{mine:?}");
    let thread = mine.threads[0].id;

    let err = teacher
        .write_message(curator, "Тема", "  ")
        .expect_err("an empty text is refused");
    assert_eq!(err.code, "empty_message", "{err}");
    let err = teacher
        .reply_message(thread, "Звонок\u{7}")
        .expect_err("a control character is refused");
    assert_eq!(
        err.code, "forbidden_character",
        "journal-core's code: {err}"
    );

    teacher.set_server_url(UNREACHABLE);
    let r = teacher
        .reply_message(thread, "И ещё: кабинет 204")
        .expect("an offline reply is kept, not refused");
    assert!(!r.sent && r.waiting == 1, "kept for later: {r:?}");
    let r = teacher
        .write_message(uuid::Uuid::from_u128(7), "Вне учреждения", "Текст")
        .expect("kept offline: whom one may write to is the server's rule");
    assert_eq!(r.waiting, 2, "{r:?}");
    assert_eq!(teacher.waiting_messages().expect("counts"), 2);

    teacher.set_server_url(&server.url);
    teacher.sync().expect("the sync after the outage");
    assert_eq!(
        teacher.waiting_messages().expect("counts"),
        0,
        "the sync delivered the reply and dropped the refused one"
    );
    let mut cur = sign_in(&server, other.path(), "curator", morning);
    let theirs = cur.messages().expect("the curator's threads");
    assert_eq!(
        theirs.threads.len(),
        1,
        "one thread reached the curator: {theirs:?}"
    );
    assert_eq!(
        theirs.unread, 2,
        "the message and the reply sent after the outage, once each: {theirs:?}"
    );
    teacher.sync().expect("another sync");
    assert_eq!(
        cur.messages().expect("reads").unread,
        2,
        "nothing is sent twice"
    );

    // The curator opens the thread (read: the unread count drops) and answers; the teacher reads it.
    let opened = cur
        .message_thread(theirs.threads[0].id)
        .expect("the thread opens");
    assert_eq!(
        opened
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["Прошу заменить мой урок в четверг", "И ещё: кабинет 204"],
        "both messages in order"
    );
    assert!(opened.may_reply && !opened.messages[0].mine);
    assert_eq!(cur.messages().expect("reads").unread, 0, "opening reads it");
    cur.reply_message(opened.id, "Заменит Петров")
        .expect("answered");
    let answer = teacher
        .message_thread(thread)
        .expect("the teacher opens it");
    assert_eq!(
        answer.messages.last().map(|m| m.body.as_str()),
        Some("Заменит Петров")
    );
    let whom = teacher
        .message_recipients()
        .expect("whom the teacher may write to");
    assert!(
        whom.iter()
            .any(|r| r.user_id == curator && !r.role.is_empty()),
        "the curator is among them, with their role in words: {whom:?}"
    );
}
