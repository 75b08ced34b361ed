//! «Предложение» from the app: sent at once when online; written offline, kept in the encrypted copy
//! and delivered by the next sync; a bad text refused with nothing kept.

use crate::server::{sign_in, today, TestServer, UNREACHABLE};
use chrono::NaiveTime;

/// The texts of the suggestions the server recorded, oldest first.
fn on_server(server: &TestServer) -> Vec<String> {
    let conn = rusqlite::Connection::open(&server.db).expect("the server database opens");
    let mut stmt = conn
        .prepare("SELECT detail FROM audit WHERE kind = 'suggestion' ORDER BY seq")
        .expect("the audit reads");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("the audit reads")
        .map(|d| {
            let d: serde_json::Value =
                serde_json::from_str(&d.expect("a row")).expect("the detail is JSON");
            d["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn a_suggestion_written_offline_is_kept_and_sent_by_the_next_sync() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let mut j = sign_in(&server, pc.path(), "teacher", morning);

    let r = j
        .suggest("Добавьте печать по подгруппам", "Печать")
        .expect("an online suggestion is taken");
    assert!(r.sent && r.waiting == 0, "sent at once online: {r:?}");
    assert_eq!(on_server(&server), ["Добавьте печать по подгруппам"]);

    j.set_server_url(UNREACHABLE);
    let r = j
        .suggest("Нужна тёмная тема\nдля вечерних занятий", "Настройки")
        .expect("an offline suggestion is kept, not refused");
    assert!(!r.sent && r.waiting == 1, "kept for later: {r:?}");
    assert_eq!(
        on_server(&server).len(),
        1,
        "nothing reached the server yet"
    );

    let err = j.suggest("   ", "").expect_err("an empty text is refused");
    assert_eq!(
        err.code, "suggestion_empty",
        "with journal-core's code: {err}"
    );
    assert_eq!(
        j.waiting_suggestions().expect("counts"),
        1,
        "a refused text is not kept"
    );

    j.set_server_url(&server.url);
    j.sync().expect("the sync after the outage");
    assert_eq!(
        j.waiting_suggestions().expect("counts"),
        0,
        "the sync delivered it"
    );
    assert_eq!(
        on_server(&server),
        [
            "Добавьте печать по подгруппам",
            "Нужна тёмная тема\nдля вечерних занятий"
        ],
        "both arrived once, in order, lines kept"
    );
    j.sync().expect("another sync");
    assert_eq!(on_server(&server).len(), 2, "nothing is sent twice");
}

#[test]
fn the_support_contact_comes_from_the_server_when_it_answers() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let mut j = sign_in(&server, pc.path(), "teacher", morning);
    let online = j.support_contact();
    assert!(
        online.as_ref().is_some_and(|c| c.phone.is_empty()),
        "online: the demo's contact, not given yet: {online:?}"
    );
    j.set_server_url(UNREACHABLE);
    assert_eq!(
        j.support_contact(),
        None,
        "offline: nothing to show but whom to ask"
    );
}
