//! «Замечания родителям» from the teacher's app: sent at once online; written offline, kept in the
//! encrypted copy and delivered by the next sync, once; a note the server refuses for good (a
//! student the teacher may not write about) stays listed with the server's words until the
//! teacher removes it; a bad text is refused with nothing kept.

use crate::server::{sign_in, today, TestServer, UNREACHABLE};
use chrono::NaiveTime;
use journal_api::NoteState;

fn notes_on_server(server: &TestServer) -> Vec<String> {
    let conn = rusqlite::Connection::open(&server.db).expect("the server database opens");
    let mut stmt = conn
        .prepare("SELECT text FROM parent_notes ORDER BY text")
        .expect("the notes' table");
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .expect("the notes read");
    rows.collect::<Result<_, _>>().expect("texts")
}

#[test]
fn a_note_to_parents_written_offline_is_sent_by_the_next_sync_and_a_refused_one_is_shown() {
    let server = TestServer::start();
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let pc = tempfile::tempdir().expect("temp dir");
    let mut teacher = sign_in(&server, pc.path(), "teacher", morning);
    let students = teacher
        .note_students()
        .expect("the students of the teacher's loads");
    assert!(
        students.len() >= 2,
        "the demo teacher's loads have students: {students:?}"
    );
    let (first, second) = (students[0].id, students[1].id);

    let r = teacher
        .write_parent_note(first, "Опоздал на урок без причины")
        .expect("an online note is taken");
    assert!(r.sent && r.waiting == 0, "sent at once online: {r:?}");
    let err = teacher
        .write_parent_note(first, "   ")
        .expect_err("an empty note is refused");
    assert_eq!(err.code, "empty_note", "{err}");
    let err = teacher
        .write_parent_note(first, "Звонок\u{7}")
        .expect_err("a control character is refused");
    assert_eq!(
        err.code, "forbidden_character",
        "journal-core's code: {err}"
    );
    assert_eq!(
        teacher.waiting_parent_notes().expect("counts"),
        0,
        "a refused text is not kept"
    );

    teacher.set_server_url(UNREACHABLE);
    let r = teacher
        .write_parent_note(second, "Не сдал лабораторную работу")
        .expect("an offline note is kept, not refused");
    assert!(!r.sent && r.waiting == 1, "kept for later: {r:?}");
    let stranger = uuid::Uuid::from_u128(7);
    let r = teacher
        .write_parent_note(stranger, "Чужой обучающийся")
        .expect("kept offline: whom one may write about is the server's rule");
    assert_eq!(r.waiting, 2, "{r:?}");
    let offline = teacher.parent_notes().expect("the notes read offline");
    assert!(
        offline.unreachable.is_some(),
        "offline the sent notes are not read, and the screen says why: {offline:?}"
    );
    assert_eq!(
        offline
            .notes
            .iter()
            .filter(|n| n.state == NoteState::Waiting)
            .count(),
        2,
        "both kept notes are listed as waiting: {offline:?}"
    );

    teacher.set_server_url(&server.url);
    teacher.sync().expect("the sync after the outage");
    assert_eq!(
        teacher.waiting_parent_notes().expect("counts"),
        0,
        "the sync delivered the note and the server refused the other"
    );
    teacher.sync().expect("another sync");
    assert_eq!(
        notes_on_server(&server),
        ["Не сдал лабораторную работу", "Опоздал на урок без причины"],
        "both notes reached the server, once each; the refused one did not"
    );

    let view = teacher.parent_notes().expect("the notes read online");
    assert!(view.unreachable.is_none(), "{view:?}");
    // The test server's clock stands still, so both notes have one time: compared as a set.
    let mut sent: Vec<&str> = view
        .notes
        .iter()
        .filter(|n| n.state == NoteState::Sent)
        .map(|n| n.text.as_str())
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        ["Не сдал лабораторную работу", "Опоздал на урок без причины"],
        "both sent notes are listed, read from the server"
    );
    assert!(
        view.notes
            .iter()
            .filter(|n| n.state == NoteState::Sent)
            .all(|n| n.acknowledgements.is_empty() && n.id.is_some()),
        "no parent has acknowledged yet: {view:?}"
    );
    let refused = view
        .notes
        .iter()
        .find(|n| n.state == NoteState::Refused)
        .expect("the refused note stays listed");
    assert_eq!(refused.text, "Чужой обучающийся");
    assert_eq!(
        refused.refusal.as_deref(),
        Some("Такого обучающегося нет"),
        "with the server's words"
    );

    let sent_note = view
        .notes
        .iter()
        .find(|n| n.state == NoteState::Sent)
        .and_then(|n| n.local_id);
    assert_eq!(sent_note, None, "a sent note has no local id to remove");
    let local = refused.local_id.expect("a refused note has its local id");
    teacher
        .dismiss_parent_note(local)
        .expect("the teacher removes the refused note");
    let err = teacher
        .dismiss_parent_note(local)
        .expect_err("a note already removed");
    assert_eq!(err.code, "note_not_refused", "{err}");
    let view = teacher.parent_notes().expect("reads");
    assert!(
        view.notes.iter().all(|n| n.state == NoteState::Sent),
        "only the sent notes are left: {view:?}"
    );
}
