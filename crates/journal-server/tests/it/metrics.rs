//! `/metrics` on a real listener: after a push and a pull it counts the requests, the applied op and
//! the push's time, in the Prometheus text format, with no id or login in it. Both backends.

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

async fn metrics_count_requests_ops_and_push_time(b: Backend) {
    let s = TestServer::start(b).await;
    let mut pc = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut pc,
            (s.during(&lesson), set_cell(lesson.id, student, "5")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the mark is taken");
    s.pull(&pc.token, 0, 100).await;
    let url = s.url("/metrics").replace("/api/v1", "");
    let resp = s.client.get(url).send().await.expect("the metrics answer");
    assert_eq!(resp.status(), 200, "/metrics needs no token");
    let text = resp.text().await.expect("the metrics text");
    for expected in [
        "journal_sync_ops_total{outcome=\"applied\"} 1",
        "journal_sync_push_seconds_count 1",
        "journal_http_requests_total{method=\"POST\",area=\"sync\",status=\"2xx\"} 1",
        "journal_http_requests_total{method=\"GET\",area=\"sync\",status=\"2xx\"} 1",
        "journal_http_requests_total{method=\"POST\",area=\"auth\",status=\"2xx\"} 1",
    ] {
        assert!(
            text.contains(expected),
            "the metrics hold «{expected}»:\n{text}"
        );
    }
    assert!(
        !text.contains(&lesson.id.to_string())
            && !text.contains(&student.to_string())
            && !text.contains("teacher"),
        "no id or login in the metrics:\n{text}"
    );
}

conformance!(metrics_count_requests_ops_and_push_time);
