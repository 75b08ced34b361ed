//! The control reports over HTTP on both backends: every kind answers for the demo institution with
//! figures that match a count made here from the demo snapshot by hand, every format has its
//! content type and parses, and journal-core's `ReadReports` decides who reads what.

use std::collections::HashSet;
use std::io::Cursor;

use chrono::NaiveDate;
use journal_core::{stats, CellEntry, FinalValue};
use journal_protocol::{LessonStatus, Snapshot};
use serde_json::Value;

use crate::support::{today, Backend, TestServer};

async fn fetch(s: &TestServer, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let resp = s
        .get(path)
        .bearer_auth(token)
        .send()
        .await
        .expect("the report request reaches the server");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ctype, resp.bytes().await.expect("a body").to_vec())
}

async fn json(s: &TestServer, token: &str, path: &str) -> Value {
    let (status, _, body) = fetch(s, token, path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).expect("a JSON report")
}

fn figure(r: &Value, name: &str) -> f64 {
    r["figures"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_f64())
        .unwrap_or_else(|| panic!("figure «{name}» in {}", r["figures"]))
}

fn table<'a>(r: &'a Value, title: &str) -> &'a Value {
    r["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["title"] == title)
        .unwrap_or_else(|| panic!("table «{title}» in the report"))
}

fn column(t: &Value, name: &str) -> usize {
    t["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("column «{name}» in {}", t["columns"]))
}

/// What the hand count needs: the group's students in the dates, its scheduled lessons up to today.
struct Count<'a> {
    snap: &'a Snapshot,
    group: journal_core::GroupId,
    from: NaiveDate,
    to: NaiveDate,
}

impl Count<'_> {
    fn students(&self) -> HashSet<journal_core::StudentId> {
        self.snap
            .memberships
            .iter()
            .filter(|m| {
                m.group_id == self.group && m.from <= self.to && m.to.is_none_or(|t| t >= self.from)
            })
            .map(|m| m.student_id)
            .collect()
    }
    fn lessons(&self) -> Vec<&journal_protocol::Lesson> {
        let loads: HashSet<_> = self
            .snap
            .loads
            .iter()
            .filter(|l| l.group_id == self.group)
            .map(|l| l.id)
            .collect();
        self.snap
            .lessons
            .iter()
            .filter(|l| {
                loads.contains(&l.load_id)
                    && l.status == LessonStatus::Scheduled
                    && l.date >= self.from
                    && l.date <= self.to.min(today())
            })
            .collect()
    }
}

async fn every_report_matches_a_count_by_hand(b: Backend) {
    let s = TestServer::start(b).await;
    let snap = &s.snapshot;
    let deputy = s.device("deputy").await;
    let group = &snap.groups[0];
    let period = &snap.periods[0];
    let c = Count {
        snap,
        group: group.id,
        from: period.starts_on,
        to: period.ends_on,
    };
    let q = format!("group={}&period={}", group.name, period.id);

    // Progress: 001 п. 13, every student of the group in the denominator.
    let students = c.students();
    let loads: HashSet<_> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == group.id)
        .map(|l| l.id)
        .collect();
    let successful = students
        .iter()
        .filter(|st| {
            let f: Vec<&FinalValue> = snap
                .finals
                .iter()
                .filter(|f| {
                    f.student_id == **st && f.period_id == period.id && loads.contains(&f.load_id)
                })
                .map(|f| &f.value)
                .collect();
            !f.is_empty() && f.iter().all(|v| stats::is_satisfactory(v))
        })
        .count();
    let r = json(&s, &deputy.token, &format!("/reports/progress?{q}")).await;
    let t = table(&r, "По группам");
    let row = &t["rows"][0];
    assert_eq!(
        row[column(t, "Обучающихся")].as_u64(),
        Some(students.len() as u64),
        "students of {}",
        group.name
    );
    assert_eq!(
        row[column(t, "Успевают (не ниже «3»)")].as_u64(),
        Some(successful as u64),
        "successful by hand"
    );
    let expected = (successful as f64 * 1000.0 / students.len() as f64).round() / 10.0;
    assert!(
        (figure(&r, "Успеваемость, %") - expected).abs() < 1e-9,
        "успеваемость {successful} ÷ {} = {expected}",
        students.len()
    );

    // Attendance: н, б, п in hours over the group's held lessons of the period.
    let lessons = c.lessons();
    let ids: HashSet<_> = lessons.iter().map(|l| l.id).collect();
    let hours_of = |id| {
        lessons
            .iter()
            .find(|l| l.id == id)
            .map_or(0, |l| u64::from(l.hours))
    };
    let (mut absent_hours, mut marks) = (0u64, 0u64);
    for cell in snap.cells.iter().filter(|x| ids.contains(&x.lesson_id)) {
        for e in &cell.value.entries {
            match e {
                CellEntry::Absence { .. } => absent_hours += hours_of(cell.lesson_id),
                CellEntry::Mark { .. } => marks += 1,
                CellEntry::DoubleMark { .. } => marks += 2,
            }
        }
    }
    let r = json(&s, &deputy.token, &format!("/reports/attendance?{q}")).await;
    assert_eq!(
        figure(&r, "Пропущено часов") as u64,
        absent_hours,
        "hours missed by hand"
    );
    assert!(
        absent_hours > 0,
        "the demo has absences in the first semester"
    );

    let r = json(&s, &deputy.token, &format!("/reports/marks_count?{q}")).await;
    assert_eq!(figure(&r, "Отметок всего") as u64, marks, "marks by hand");

    let given: u64 = lessons.iter().map(|l| u64::from(l.hours)).sum();
    let r = json(&s, &deputy.token, &format!("/reports/curriculum?{q}")).await;
    assert_eq!(
        figure(&r, "Часов фактически") as u64,
        given,
        "hours given by hand"
    );

    let r = json(&s, &deputy.token, &format!("/reports/control?{q}")).await;
    assert_eq!(
        figure(&r, "Уроков проведено") as usize,
        lessons.len(),
        "lessons held by hand"
    );

    // Timeliness: three duties per held lesson, each in one state (all begun by 18:00 today).
    let r = json(&s, &deputy.token, &format!("/reports/timeliness?{q}")).await;
    let t = table(&r, "По нагрузке");
    let states: u64 = t["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            ["В срок", "С опозданием", "Просрочено", "Ожидает"]
                .iter()
                .map(|c| row[column(t, c)].as_u64().unwrap_or(0))
                .sum::<u64>()
        })
        .sum();
    assert_eq!(
        states,
        3 * lessons.len() as u64,
        "marks, topic and homework of every held lesson"
    );

    // Forecast: a row per student of the list of each load taught in the period or with its finals.
    let r = json(&s, &deputy.token, &format!("/reports/forecast?{q}")).await;
    let taught: HashSet<_> = lessons.iter().map(|l| l.load_id).collect();
    let expected_rows: usize = snap
        .loads
        .iter()
        .filter(|l| l.group_id == group.id)
        .filter(|l| {
            taught.contains(&l.id)
                || snap
                    .finals
                    .iter()
                    .any(|f| f.load_id == l.id && f.period_id == period.id)
        })
        .map(|l| {
            students
                .iter()
                .filter(|st| {
                    l.subgroup_id.is_none()
                        || snap.memberships.iter().any(|m| {
                            m.student_id == **st
                                && m.group_id == group.id
                                && m.subgroup_id == l.subgroup_id
                        })
                })
                .count()
        })
        .sum();
    let rows = table(&r, "Прогноз по обучающимся")["rows"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(rows, expected_rows, "a forecast per student and subject");
}

async fn formats_have_their_types_and_parse(b: Backend) {
    let s = TestServer::start(b).await;
    let deputy = s.device("deputy").await;
    let group = &s.snapshot.groups[0].name;
    let json_report = json(
        &s,
        &deputy.token,
        &format!("/reports/attendance?group={group}"),
    )
    .await;

    let (status, ctype, body) = fetch(
        &s,
        &deputy.token,
        &format!("/reports/attendance?group={group}&format=csv"),
    )
    .await;
    assert_eq!(
        (status, ctype.as_str()),
        (200, "text/csv; charset=utf-8"),
        "CSV"
    );
    let text = String::from_utf8(body).expect("CSV is UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "По группам", "the first table's title");
    let header: Vec<String> = json_report["tables"][0]["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let c = c.as_str().unwrap_or_default();
            if c.contains(',') {
                format!("\"{c}\"")
            } else {
                c.to_string()
            }
        })
        .collect();
    assert_eq!(
        lines[1],
        header.join(","),
        "the CSV header is the table's columns"
    );

    let (status, ctype, body) = fetch(
        &s,
        &deputy.token,
        &format!("/reports/progress?group={group}&format=xlsx"),
    )
    .await;
    assert_eq!(
        (status, ctype.as_str()),
        (
            200,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        "XLSX"
    );
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(Cursor::new(body)).expect("the XLSX opens");
    let names = wb.sheet_names().to_vec();
    assert_eq!(
        names.first().map(String::as_str),
        Some("Отчёт"),
        "the title sheet first: {names:?}"
    );
    assert!(
        names.iter().any(|n| n == "По группам"),
        "a sheet per table: {names:?}"
    );
    let range = wb.worksheet_range("Отчёт").expect("the title sheet reads");
    assert_eq!(
        range.get_value((0, 0)).map(|v| v.to_string()),
        Some("Успеваемость и качество знаний".to_string()),
        "the title in A1"
    );

    let (status, ctype, body) = fetch(
        &s,
        &deputy.token,
        &format!("/reports/control?group={group}&format=pdf"),
    )
    .await;
    assert_eq!((status, ctype.as_str()), (200, "application/pdf"), "PDF");
    assert!(body.starts_with(b"%PDF"), "a PDF");
    let stamp = journal_print::read_stamp(&body).expect("the PDF carries our stamp");
    assert!(
        matches!(stamp.request, journal_print::PrintRequest::Report { .. }),
        "the stamp names the report"
    );
    // The printout verifies against the journal like any other document.
    let resp = s
        .post("/print/verify")
        .bearer_auth(&deputy.token)
        .header("content-type", "application/pdf")
        .body(body)
        .send()
        .await
        .expect("verify reaches the server");
    assert_eq!(resp.status(), 200, "the report's PDF verifies");
    let v: Value = resp.json().await.expect("a verify answer");
    assert_eq!(
        v["matches"], true,
        "nothing changed since it was printed: {v}"
    );

    let (status, _, body) = fetch(&s, &deputy.token, "/reports/control?format=doc").await;
    assert_eq!(
        status,
        400,
        "an unknown format: {}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, _) = fetch(&s, &deputy.token, "/reports/nothing").await;
    assert_eq!(status, 404, "an unknown kind");
    let (status, _, _) = fetch(&s, &deputy.token, "/reports/progress?group=Нет-такой").await;
    assert_eq!(status, 404, "an unknown group");
}

async fn who_reads_which_reports(b: Backend) {
    let s = TestServer::start(b).await;
    let snap = &s.snapshot;
    let teacher = s.device("teacher").await;
    let (status, _, body) = fetch(&s, &teacher.token, "/reports/control?teacher=teacher").await;
    assert_eq!(
        status,
        200,
        "a teacher reads own loads: {}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, body) = fetch(&s, &teacher.token, "/reports/control?teacher=teacher2").await;
    assert_eq!(
        status,
        403,
        "not another teacher's loads: {}",
        String::from_utf8_lossy(&body)
    );
    let code: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!(code["code"], "forbidden", "a refusal with its code");
    // Without a filter: only the own loads are in the report.
    let r = json(&s, &teacher.token, "/reports/curriculum").await;
    let own = snap
        .loads
        .iter()
        .filter(|l| l.teacher_id == s.user("teacher"))
        .count();
    assert_eq!(
        table(&r, "Выполнение программы по нагрузке")["rows"]
            .as_array()
            .map_or(0, Vec::len),
        own,
        "own loads only"
    );

    let curator_id = s.user("curator");
    let own_group = snap
        .groups
        .iter()
        .find(|g| g.curator_id == Some(curator_id))
        .expect("the curator's group");
    let other = snap
        .groups
        .iter()
        .find(|g| {
            g.id != own_group.id
                && !snap
                    .loads
                    .iter()
                    .any(|l| l.group_id == g.id && l.teacher_id == curator_id)
        })
        .expect("a group the curator has nothing to do with");
    let curator = s.device("curator").await;
    let (status, _, _) = fetch(
        &s,
        &curator.token,
        &format!("/reports/attendance?group={}", own_group.id),
    )
    .await;
    assert_eq!(status, 200, "a curator reads the own group");
    let (status, _, _) = fetch(
        &s,
        &curator.token,
        &format!("/reports/attendance?group={}", other.id),
    )
    .await;
    assert_eq!(status, 403, "not another group");

    // The choices: the teacher's own groups and only themself as a teacher.
    let choices = json(&s, &teacher.token, "/reports").await;
    let teachers: Vec<&str> = choices["teachers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(
        teachers,
        vec![s.user("teacher").0.to_string().as_str()],
        "a teacher chooses only themself"
    );
    assert_eq!(
        choices["kinds"].as_array().map_or(0, Vec::len),
        journal_reports::ReportKind::ALL.len(),
        "every kind"
    );

    let student = s.device("student").await;
    let (status, _, _) = fetch(&s, &student.token, "/reports").await;
    assert_eq!(status, 403, "a student has no report choices");
    let (status, _, _) = fetch(&s, &student.token, "/reports/progress").await;
    assert_eq!(status, 403, "a student reads no report");
    let (status, _, _) = fetch(&s, "nope", "/reports/progress").await;
    assert_eq!(status, 401, "no session, no report");
}

async fn the_report_command_writes_every_format(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let group = &s.snapshot.groups[0].name;
    let at = format!("{}T18:00:00", today());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
            .arg("--db")
            .arg(&s.db)
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let out = run(&["report", "attendance", "--group", group, "--at", &at]);
    assert!(
        out.status.success(),
        "JSON to stdout: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    assert_eq!(r["kind"], "attendance", "the kind asked for");
    // The same figures as the route gives the deputy at the same moment.
    let deputy = s.device("deputy").await;
    let http = json(
        &s,
        &deputy.token,
        &format!("/reports/attendance?group={group}"),
    )
    .await;
    assert_eq!(
        r["figures"], http["figures"],
        "the command and the route agree"
    );
    for (format, magic) in [
        ("pdf", &b"%PDF"[..]),
        ("xlsx", &b"PK"[..]),
        ("csv", "По группам".as_bytes()),
    ] {
        let path = dir.path().join(format!("r.{format}"));
        let path_s = path.to_string_lossy().to_string();
        let out = run(&[
            "report", "progress", "--group", group, "--format", format, "--out", &path_s, "--at",
            &at,
        ]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).expect("the file is written");
        assert!(bytes.starts_with(magic), "{format} file starts as one");
    }
    // «Сформировано» in the institution's time: the route at the server's 15:00 UTC says 18:00
    // Moscow in its JSON and its PDF; the command without --at reads the clock in Moscow too.
    assert_eq!(
        http["generated_at"],
        format!("{}T18:00:00+03:00", today()),
        "the route's time of generation is the institution's"
    );
    let (_, _, pdf) = fetch(
        &s,
        &deputy.token,
        &format!("/reports/attendance?group={group}&format=pdf"),
    )
    .await;
    let stamp = journal_print::read_stamp(&pdf).expect("our stamp");
    assert_eq!(
        stamp.generated_at,
        today().and_hms_opt(18, 0, 0).unwrap_or_default(),
        "the PDF's «Сформировано» is the institution's 18:00, not the server's UTC 15:00"
    );
    let path = dir.path().join("now.pdf");
    let before = chrono::Utc::now().naive_utc();
    let out = run(&[
        "report",
        "attendance",
        "--group",
        group,
        "--format",
        "pdf",
        "--out",
        &path.to_string_lossy(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stamp = journal_print::read_stamp(&std::fs::read(&path).expect("written")).expect("stamp");
    let moscow = before + chrono::Duration::hours(3);
    assert!(
        (stamp.generated_at - moscow).num_minutes().abs() <= 2,
        "the command's «Сформировано» {} is Moscow time (UTC {before})",
        stamp.generated_at
    );
    let out = run(&["report", "nothing"]);
    assert!(!out.status.success(), "an unknown kind fails");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("report_unknown_kind"),
        "with its code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// «Активность» counts the families' sign-ins from the audit (001 п. 3.2.1: parents look weekly):
/// a parent and a student sign in, the deputy's report shows them in today's week, and its PDF
/// verifies (the sign-ins up to the report's time are the same when it is checked).
async fn activity_counts_the_families_sign_ins(b: Backend) {
    let s = TestServer::start(b).await;
    let _parent = s.device("parent").await;
    let _student = s.device("student").await;
    let deputy = s.device("deputy").await;
    let r = json(&s, &deputy.token, "/reports/activity").await;
    let table = r["tables"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .find(|t| t["title"] == "Входы родителей и обучающихся по неделям")
        })
        .cloned()
        .unwrap_or_else(|| panic!("the families' table: {r}"));
    let rows = table["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "one week with sign-ins: {table}");
    let (parents, students) = (rows[0][1].as_u64(), rows[0][4].as_u64());
    assert_eq!(
        (parents, students),
        (Some(1), Some(1)),
        "the parent and the student of the demo signed in this week: {table}"
    );
    let (status, _, pdf) = fetch(&s, &deputy.token, "/reports/activity?format=pdf").await;
    assert_eq!(status, 200, "the report as PDF");
    let resp = s
        .post("/print/verify")
        .bearer_auth(&deputy.token)
        .header("content-type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .expect("verify reaches the server");
    let v: Value = resp.json().await.expect("a verify answer");
    assert_eq!(
        v["matches"], true,
        "the activity PDF verifies with the same sign-ins: {v}"
    );
}

conformance!(
    activity_counts_the_families_sign_ins,
    the_report_command_writes_every_format,
    every_report_matches_a_count_by_hand,
    formats_have_their_types_and_parse,
    who_reads_which_reports
);
