//! A remark's cycle through the teacher's app against a real server: the deputy writes it over
//! HTTP, the teacher's sync brings it, the teacher answers «Устранено» offline (an op in the
//! outbox), the next sync delivers it and the server's list shows the answer; returned by the
//! deputy, it is open again on the teacher's copy after the next sync.

use crate::server::{sign_in, today, TestServer, UNREACHABLE};
use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{LoginResponse, PROTOCOL_HEADER};
use serde_json::{json, Value};

struct Deputy {
    url: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Deputy {
    fn login(url: &str) -> Deputy {
        let http = reqwest::blocking::Client::new();
        let resp = http
            .post(format!("{url}/api/v1/auth/login"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&json!({
                "login": "deputy",
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": uuid::Uuid::new_v4(),
            }))
            .send()
            .expect("the deputy's login reaches the server");
        assert_eq!(resp.status(), 200, "the deputy signs in");
        let body: LoginResponse = resp.json().expect("a login reply");
        Deputy {
            url: url.to_string(),
            token: body.token,
            http,
        }
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> (u16, Value) {
        let resp = req
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.token)
            .send()
            .expect("the request reaches the server");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .post(format!("{}/api/v1{path}", self.url))
                .json(body),
        )
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}/api/v1{path}", self.url)))
    }
}

#[test]
fn a_remark_reaches_the_teachers_app_and_the_answer_made_offline_comes_back() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("a temp dir");
    let now = today().and_hms_opt(7, 0, 0).expect("valid time");
    let mut teacher = sign_in(&server, pc.path(), "teacher", now);
    let load = teacher.loads().expect("the teacher's loads")[0].id;
    let deputy = Deputy::login(&server.url);

    let (status, body) = deputy.post(
        "/remarks",
        &json!({"load_id": load, "text": "Заполнить темы за неделю", "deadline": today() + chrono::Duration::days(3)}),
    );
    assert_eq!(status, 201, "the deputy writes the remark: {body}");
    let id: uuid::Uuid = serde_json::from_value(body["id"].clone()).expect("the remark's id");

    teacher.sync().expect("the teacher syncs");
    let mine = teacher.remarks().expect("remarks");
    let got = mine
        .iter()
        .find(|r| r.id == id)
        .expect("the deputy's remark is in the teacher's app after sync");
    assert_eq!(got.status, "written");
    assert_eq!(
        got.deadline,
        today() + chrono::Duration::days(3),
        "the deadline given"
    );
    assert!(got.may_answer, "the teacher may answer it");

    // Offline: the answer waits in the outbox.
    teacher.set_server_url(UNREACHABLE);
    let err = teacher
        .answer_remark(id, "  ")
        .expect_err("an empty answer");
    assert_eq!(err.code, "remark_answer_empty");
    teacher
        .answer_remark(id, "Темы записаны по КТП")
        .expect("answered offline");
    let offline = teacher.remarks().expect("remarks");
    let r = offline.iter().find(|r| r.id == id).expect("kept");
    assert_eq!(r.status, "fixed", "fixed on the copy at once");
    assert_eq!(r.answer.as_deref(), Some("Темы записаны по КТП"));
    assert_eq!(
        teacher.status().expect("status").pending_ops,
        1,
        "one op waits"
    );
    let err = teacher.answer_remark(id, "ещё").expect_err("once only");
    assert_eq!(err.code, "remark_not_open");

    teacher.set_server_url(&server.url);
    let r = teacher.sync().expect("the sync when the server is back");
    assert_eq!(
        (r.applied, r.refused),
        (1, 0),
        "the answer is applied: {r:?}"
    );
    let (status, list) = deputy.get(&format!("/remarks?load={load}&status=fixed"));
    assert_eq!(status, 200);
    let on_server = list["remarks"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == json!(id)))
        .expect("the server has the teacher's answer");
    assert_eq!(on_server["answer"], "Темы записаны по КТП");

    let (status, body) = deputy.post(
        &format!("/remarks/{id}/decision"),
        &json!({"confirm": false, "comment": "Не все темы"}),
    );
    assert_eq!(status, 200, "{body}");
    teacher.sync().expect("sync");
    let back = teacher.remarks().expect("remarks");
    let r = back.iter().find(|r| r.id == id).expect("kept");
    assert_eq!(r.status, "returned", "returned on the teacher's copy");
    assert_eq!(r.decision_comment.as_deref(), Some("Не все темы"));
    assert!(r.may_answer, "open again");
    assert_eq!(
        r.history.len(),
        3,
        "written, fixed, returned: {:?}",
        r.history
    );
}
