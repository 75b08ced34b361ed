//! The archive cycle of a group's year journal (issue 14 item 4): where the policy asks, the year
//! journal prints (and its electronic copy is made) only after the deputy's «проверен и принят»;
//! after the rollover the accepted journal is handed over with the archive's reference; a closed
//! year stays until its retention has passed (25 years for the finals sheets it holds), then it
//! can be removed. Each step is audited.

use std::io::Read;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, Months};
use serde_json::{json, Value};

use crate::support::{test_config, today, Backend, TestServer};

async fn call(
    s: &TestServer,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Vec<u8>) {
    let req = match method {
        "POST" => s.post(path).json(&body.unwrap_or(json!({}))),
        _ => s.get(path),
    };
    let resp = req
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("a body").to_vec())
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

async fn the_archive_cycle_accepts_hands_over_and_keeps_for_its_term(b: Backend) {
    let offset = Arc::new(AtomicI64::new(0));
    let days = offset.clone();
    let config = journal_server::ServerConfig {
        clock: Arc::new(move || {
            (today() + Duration::days(days.load(Ordering::SeqCst)))
                .and_hms_opt(15, 0, 0)
                .unwrap_or_default()
        }),
        ..test_config()
    };
    let policy = journal_core::Policy {
        archive_print_after_acceptance: true,
        ..journal_core::Policy::default()
    };
    let s = TestServer::start_with_policy(b, config, policy).await;
    let inst = s.snapshot.institution.id;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;
    let group = s.snapshot.groups[0].clone();
    let year = s.snapshot.year.clone();

    let print = format!("/print/year_journal?group={}", group.id);
    let (status, body) = call(&s, &deputy.token, "GET", &print, None).await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (409, Some("journal_not_accepted")),
        "the policy holds the archive print until the deputy's check"
    );
    let export = format!("/archive/export?group={}", group.id);
    let (status, _) = call(&s, &admin.token, "GET", &export, None).await;
    assert_eq!(status, 409, "and the electronic copy");
    // 003 п. 4.4: the half-year's electronic copy is made when the period ends, before the year's
    // acceptance, with the data of the period's dates only.
    let first = s
        .snapshot
        .periods
        .iter()
        .min_by_key(|p| p.starts_on)
        .expect("a period")
        .clone();
    let half = format!("{export}&period={}", first.name.replace(' ', "%20"));
    let (status, zip) = call(&s, &admin.token, "GET", &half, None).await;
    assert_eq!(
        status,
        200,
        "the period's copy: {}",
        String::from_utf8_lossy(&zip[..zip.len().min(300)])
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
    let mut csv = String::new();
    archive
        .by_name("dannye-zhurnala.csv")
        .expect("the CSV")
        .read_to_string(&mut csv)
        .expect("UTF-8 text");
    let dates: Vec<chrono::NaiveDate> = csv
        .split([';', ',', '\n', '"'])
        .filter_map(|f| chrono::NaiveDate::parse_from_str(f.trim(), "%d.%m.%Y").ok())
        .collect();
    assert!(!dates.is_empty(), "the period's entries are in the copy");
    assert!(
        dates
            .iter()
            .all(|d| first.starts_on <= *d && *d <= first.ends_on),
        "only the dates of «{}»: {:?}",
        first.name,
        dates.iter().max()
    );
    let (status, body) = call(
        &s,
        &admin.token,
        "GET",
        &format!("{export}&period=5%20семестр"),
        None,
    )
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (404, Some("period_not_found")),
        "a period the year does not have"
    );

    let (status, body) = call(&s, &deputy.token, "GET", "/archive/journals", None).await;
    assert_eq!(status, 200, "the deputy sees the journals' state");
    let state = json_of(&body);
    assert_eq!(state["year"], json!(year.name));
    assert_eq!(state["closed"], false);
    assert_eq!(state["print_after_acceptance"], true);
    assert!(
        state["journals"]
            .as_array()
            .is_some_and(|j| j.len() == s.snapshot.groups.len()
                && j.iter().all(|x| x["accepted_at"].is_null())),
        "every group's journal, none accepted yet: {state}"
    );

    let accept = json!({"group_id": group.id});
    for (who, token) in [("teacher", &teacher.token), ("administrator", &admin.token)] {
        let (status, _) = call(
            &s,
            token,
            "POST",
            "/archive/journals/accept",
            Some(accept.clone()),
        )
        .await;
        assert_eq!(
            status, 403,
            "the {who} does not accept a journal: the deputy checks it"
        );
    }
    let (status, body) = call(
        &s,
        &deputy.token,
        "POST",
        "/archive/journals/accept",
        Some(accept.clone()),
    )
    .await;
    assert_eq!(
        status,
        204,
        "the deputy accepts: {}",
        String::from_utf8_lossy(&body)
    );
    let (status, body) = call(
        &s,
        &deputy.token,
        "POST",
        "/archive/journals/accept",
        Some(accept.clone()),
    )
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (409, Some("already_accepted")),
        "accepted once"
    );

    let (status, pdf) = call(&s, &deputy.token, "GET", &print, None).await;
    assert_eq!(status, 200, "the accepted journal prints");
    assert!(pdf.starts_with(b"%PDF"));
    let (status, zip) = call(&s, &admin.token, "GET", &export, None).await;
    assert_eq!(status, 200, "the electronic copy is made");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
    let mut names: Vec<String> = archive.file_names().map(String::from).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dannye-zhurnala.csv",
            "dannye-zhurnala.xlsx",
            "svodnaya-vedomost.pdf",
            "zhurnal.pdf"
        ],
        "the journal and the finals sheet as PDF, the data as CSV and XLSX"
    );
    let mut csv = String::new();
    archive
        .by_name("dannye-zhurnala.csv")
        .expect("the CSV")
        .read_to_string(&mut csv)
        .expect("UTF-8 text");
    assert!(
        csv.contains("Обучающийся") && csv.contains(&group.name),
        "the group's data: {}",
        &csv[..csv.len().min(300)]
    );

    let hand = json!({"year": year.name, "group_id": group.id, "reference": "опись 3, дело 12"});
    let (status, body) = call(
        &s,
        &admin.token,
        "POST",
        "/archive/journals/handover",
        Some(hand.clone()),
    )
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (409, Some("year_not_closed")),
        "a journal is handed over after the year is closed"
    );

    let later = |d: chrono::NaiveDate| d.checked_add_months(Months::new(12)).unwrap_or(d);
    let (status, body) = call(
        &s,
        &admin.token,
        "POST",
        "/admin/year/rollover",
        Some(
            json!({"name": "2099/2100", "starts_on": later(year.starts_on),
            "ends_on": later(year.ends_on), "force_unlocked": true}),
        ),
    )
    .await;
    assert_eq!(
        status,
        200,
        "the year is closed: {}",
        String::from_utf8_lossy(&body)
    );

    let (status, body) = call(
        &s,
        &admin.token,
        "POST",
        "/archive/journals/handover",
        Some(json!({"year": year.name, "group_id": group.id, "reference": " "})),
    )
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (400, Some("empty_reference")),
        "the archive's reference is required"
    );
    let other =
        json!({"year": year.name, "group_id": s.snapshot.groups[1].id, "reference": "дело 13"});
    let (status, _) = call(
        &s,
        &admin.token,
        "POST",
        "/archive/journals/handover",
        Some(other),
    )
    .await;
    assert_eq!(status, 409, "a journal not accepted is not handed over");
    let (status, _) = call(
        &s,
        &admin.token,
        "POST",
        "/archive/journals/handover",
        Some(hand.clone()),
    )
    .await;
    assert_eq!(status, 204, "the accepted journal is handed over");
    let (status, body) = call(
        &s,
        &deputy.token,
        "GET",
        &format!("/archive/journals?year={}", year.name),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let state = json_of(&body);
    assert_eq!(state["closed"], true, "{state}");
    let handed = state["journals"]
        .as_array()
        .and_then(|j| j.iter().find(|x| x["group_id"] == json!(group.id)))
        .cloned()
        .unwrap_or_default();
    assert_eq!(handed["archive_reference"], "опись 3, дело 12", "{handed}");
    // The server's clock says 15:00 UTC: the console shows the institution's 18:00 (Moscow), so
    // the times carry the institution's offset.
    assert_eq!(s.snapshot.institution.timezone, "Europe/Moscow");
    for field in ["accepted_at", "handed_over_at"] {
        let at = handed[field].as_str().unwrap_or_default();
        assert!(
            at.ends_with("T18:00:00+03:00"),
            "{field} in the institution's time with its offset: {at}"
        );
    }
    assert!(
        !handed["handed_over_at"].is_null()
            && !handed["accepted_by_name"].as_str().unwrap_or("").is_empty(),
        "{handed}"
    );
    let (status, _) = call(
        &s,
        &deputy.token,
        "GET",
        &format!("/print/year_journal?group={}&year={}", group.id, year.name),
        None,
    )
    .await;
    assert_eq!(
        status, 200,
        "the accepted journal of the closed year prints from the archive"
    );

    let (_, body) = call(&s, &admin.token, "GET", "/admin/archive", None).await;
    let listed = json_of(&body);
    assert_eq!(listed[0]["journal_retention_passed"], false, "{listed}");
    let destroy = json!({"year": year.name});
    let (status, body) = call(
        &s,
        &admin.token,
        "POST",
        "/admin/archive/destroy",
        Some(destroy.clone()),
    )
    .await;
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (409, Some("retention_not_passed")),
        "nothing within its retention is removed"
    );

    // Six years on: the journals' term has passed and is listed, the finals sheets' has not.
    offset.store(6 * 366, Ordering::SeqCst);
    let admin = s.device("admin").await;
    let (_, body) = call(&s, &admin.token, "GET", "/admin/archive", None).await;
    let listed = json_of(&body);
    assert_eq!(
        (
            listed[0]["journal_retention_passed"].as_bool(),
            listed[0]["summary_retention_passed"].as_bool()
        ),
        (Some(true), Some(false)),
        "5 years for the journal, 25 for the finals sheets: {listed}"
    );
    let (status, _) = call(
        &s,
        &admin.token,
        "POST",
        "/admin/archive/destroy",
        Some(destroy.clone()),
    )
    .await;
    assert_eq!(status, 409, "the finals sheets are still kept");

    offset.store(26 * 366, Ordering::SeqCst);
    let admin = s.device("admin").await;
    let (status, _) = call(
        &s,
        &admin.token,
        "POST",
        "/admin/archive/destroy",
        Some(destroy),
    )
    .await;
    assert_eq!(status, 204, "after 25 years the year leaves the archive");
    let (_, body) = call(&s, &admin.token, "GET", "/admin/archive", None).await;
    assert_eq!(json_of(&body), json!([]), "the archive is empty");

    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    for kind in [
        "journal_accepted",
        "journal_handed_over",
        "archived_year_destroyed",
    ] {
        let entries = s
            .storage
            .audit_entries(inst, kind, 5)
            .await
            .expect("the audit is read");
        assert_eq!(entries.len(), 1, "one {kind} entry");
    }
}

conformance!(the_archive_cycle_accepts_hands_over_and_keeps_for_its_term);
