//! One gate (issue 13 item 1), as a property: for random cell edits by random users of several
//! roles — their own lessons, their curated group's, other teachers', lessons of days gone by,
//! every kind of value — the app's verdict equals the server's. What the app records, the server
//! applies at the next sync; what the app refuses, the same op sent straight to the server (signed
//! by another device of the same user, with the same entry time and having seen the same changes)
//! is refused there too. Edits carry a correction's reason or not (001 заместитель п. 9: a
//! correction after the lesson's day only with one). On the SQLite server of these tests; the
//! postponements into the group's slots on PostgreSQL too.

use crate::server::{sign_in, today, TestServer};
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use journal_api::Journal;
use journal_core::{DeviceId, GroupId, LessonId, OpId, Policy, StudentId, UserId};
use journal_protocol::{Op, OpOutcome, OpPayload, PullPage, PushRequest, PushResponse};
use proptest::prelude::*;
use uuid::Uuid;

const USERS: [&str; 4] = ["teacher", "curator", "teacher2", "deputy"];
const INPUTS: [&str; 10] = ["5", "4", "2", "н", "б", "п", "н 5", "5/4", "", "3"];

/// The same user on a second, raw device: signs and pushes ops the app would not record.
struct RawDevice {
    http: reqwest::blocking::Client,
    url: String,
    token: String,
    id: DeviceId,
    key: SigningKey,
    user_id: UserId,
    seq: u64,
    last_hash: String,
}

impl RawDevice {
    fn sign_in(url: &str, login: &str) -> RawDevice {
        let http = reqwest::blocking::Client::new();
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let id = DeviceId(Uuid::new_v4());
        let resp: serde_json::Value = http
            .post(format!("{url}/api/v1/auth/login"))
            .header(
                "x-journal-protocol",
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .json(&serde_json::json!({
                "login": login,
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": id,
                "device_key": hex::encode(key.verifying_key().to_bytes()),
            }))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("{login} signs in on a raw device: {e}"));
        RawDevice {
            http,
            url: url.to_string(),
            token: resp["token"].as_str().expect("a token").to_string(),
            user_id: serde_json::from_value(resp["user"]["id"].clone()).expect("a user id"),
            id,
            key,
            seq: 0,
            last_hash: String::new(),
        }
    }

    /// Pulls everything: the cursor, which the next op names as seen.
    fn pull_all(&self) -> u64 {
        let mut after = 0;
        loop {
            let page: PullPage = self
                .http
                .get(format!("{}/api/v1/sync/pull", self.url))
                .header(
                    "x-journal-protocol",
                    journal_protocol::PROTOCOL_VERSION.to_string(),
                )
                .bearer_auth(&self.token)
                .query(&[("after", after), ("limit", 500)])
                .send()
                .and_then(|r| r.error_for_status())
                .and_then(|r| r.json())
                .expect("a pull page");
            after = page.next_after;
            if !page.has_more {
                return after;
            }
        }
    }

    fn push(&mut self, at: chrono::NaiveDateTime, payload: OpPayload) -> OpOutcome {
        let seen = self.pull_all();
        self.seq += 1;
        let op = Op::seal_seen(
            OpId(Uuid::now_v7()),
            self.id,
            self.seq,
            self.user_id,
            at,
            payload,
            self.last_hash.clone(),
            seen,
            &self.key,
        )
        .expect("the op seals");
        self.last_hash = op.hash.clone();
        let reply: PushResponse = self
            .http
            .post(format!("{}/api/v1/sync/push", self.url))
            .header(
                "x-journal-protocol",
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(&self.token)
            .json(&PushRequest { ops: vec![op] })
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .expect("a push reply");
        reply
            .results
            .into_iter()
            .next()
            .expect("one result")
            .outcome
    }
}

/// One random edit: who, whether in a lesson of their own (or their curated group's) — else any
/// lesson of the week —, which lesson and student (indices into the candidates), what is typed,
/// and whether it is instead a change of the lesson (which of [`CHANGES`]; the student index then
/// picks the substitute among the teachers).
type Edit = (usize, bool, usize, usize, usize, Option<usize>, usize);

/// The reason an edit carries: none, a worded one (a correction after the day is taken where the
/// policy allows corrections), and one too short to be a reason.
const REASONS: [Option<&str>; 3] = [None, Some("ошибка ввода, проверено по работе"), Some("ок")];

/// Lesson changes in the property. A postponement moves a lesson of the coming fortnight (nothing
/// entered in it yet, so its slot decides) into the slot of a lesson of its group — another
/// teacher's, another subgroup's, a lesson made by an earlier postponement, its own — or the
/// bell after it: the teacher's copy keeps the group's slots of lessons it does not hold
/// (`Snapshot::busy_slots`), so it judges a taken slot as the server does.
const CHANGES: [&str; 5] = [
    "not_held",
    "restore",
    "substitute",
    "no_substitute",
    "postpone",
];
const POSTPONE: usize = 4;

/// Every user of [`USERS`] signed in on an app's copy (in its own directory) and on a raw device,
/// at the server's "now" (15:00 UTC = 18:00 in Moscow), so that both judge the same entry time.
#[allow(clippy::type_complexity)]
fn copies(
    server: &TestServer,
) -> (
    chrono::NaiveDateTime,
    Vec<tempfile::TempDir>,
    Vec<Journal>,
    Vec<RawDevice>,
) {
    let now = today().and_hms_opt(18, 0, 0).expect("a time");
    let dirs: Vec<tempfile::TempDir> = USERS
        .iter()
        .map(|_| tempfile::tempdir().expect("temp dir"))
        .collect();
    let apps = USERS
        .iter()
        .zip(&dirs)
        .map(|(login, dir)| sign_in(server, dir.path(), login, now))
        .collect();
    let raws = USERS
        .iter()
        .map(|login| RawDevice::sign_in(&server.url, login))
        .collect();
    (now, dirs, apps, raws)
}

fn run(edits: &[Edit], policy: Policy) -> Result<(), TestCaseError> {
    run_on(TestServer::start_with_policy(policy), edits)
}

fn run_on(server: TestServer, edits: &[Edit]) -> Result<(), TestCaseError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (now, _dirs, mut apps, mut raws) = copies(&server);
    // The demo institution the server was loaded with.
    let snap = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let user_id = |login: &str| {
        snap.users
            .iter()
            .find(|u| u.login == login)
            .map(|u| u.id)
            .expect("a demo user")
    };
    let load_of = |l: &journal_protocol::Lesson| {
        snap.loads
            .iter()
            .find(|x| x.id == l.load_id)
            .expect("a load")
    };
    // Postponements: each group's slots of the next three weeks (a lesson's date and bell), and
    // the slots earlier postponements took.
    let mut group_slots: std::collections::HashMap<GroupId, Vec<(NaiveDate, u8)>> =
        std::collections::HashMap::new();
    for l in snap
        .lessons
        .iter()
        .filter(|l| l.date > today() && l.date <= today() + chrono::Duration::days(21))
    {
        group_slots
            .entry(load_of(l).group_id)
            .or_default()
            .push((l.date, l.bell_number));
    }
    let mut moved: Vec<(GroupId, NaiveDate, u8)> = Vec::new();
    // A lesson with its students and whose it is: the teacher (or substitute) and the group's
    // curator.
    let lesson_row = |l: &journal_protocol::Lesson| -> (LessonId, Vec<StudentId>, Vec<UserId>) {
        let load = load_of(l);
        let students = snap
            .memberships
            .iter()
            .filter(|m| m.group_id == load.group_id && m.from <= l.date)
            .filter(|m| m.to.is_none_or(|to| l.date <= to))
            .filter(|m| load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            .map(|m| m.student_id)
            .collect();
        let curator = snap
            .groups
            .iter()
            .find(|g| g.id == load.group_id)
            .and_then(|g| g.curator_id);
        let mine = [
            Some(l.substitute_teacher_id.unwrap_or(load.teacher_id)),
            curator,
        ]
        .into_iter()
        .flatten()
        .collect();
        (l.id, students, mine)
    };
    // Lessons of the last week (today's and days gone by) of every group, for the cell edits.
    let lessons: Vec<_> = snap
        .lessons
        .iter()
        .filter(|l| l.date <= today() && l.date > today() - chrono::Duration::days(7))
        .map(lesson_row)
        .collect();
    // The lessons a postponement moves: the coming fortnight's, nothing entered in them yet.
    let upcoming: Vec<_> = snap
        .lessons
        .iter()
        .filter(|l| l.date > today() && l.date <= today() + chrono::Duration::days(14))
        .map(lesson_row)
        .collect();
    let teachers: Vec<UserId> = snap
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| g.role == journal_core::Role::Teacher)
        })
        .map(|u| u.id)
        .collect();
    for &(u, own, l, s, v, change, r) in edits {
        let me = user_id(USERS[u]);
        let pool = if change == Some(POSTPONE) {
            &upcoming
        } else {
            &lessons
        };
        let candidates: Vec<&(LessonId, Vec<StudentId>, Vec<UserId>)> = if own {
            pool.iter().filter(|x| x.2.contains(&me)).collect()
        } else {
            pool.iter().collect()
        };
        let Some((lesson, students, _)) = candidates.get(l % candidates.len().max(1)).copied()
        else {
            continue;
        };
        if let Some(k) = change {
            let teacher_id = teachers[s % teachers.len()];
            let mut postponed_to = None;
            let (request, payload_change) = match CHANGES[k] {
                "not_held" => (
                    journal_api::LessonChangeRequest::NotHeld {
                        reason: "карантин".into(),
                    },
                    journal_protocol::LessonChange::NotHeld {
                        reason: "карантин".into(),
                    },
                ),
                "restore" => (
                    journal_api::LessonChangeRequest::Restore,
                    journal_protocol::LessonChange::Restore,
                ),
                "substitute" => (
                    journal_api::LessonChangeRequest::Substitute { teacher_id },
                    journal_protocol::LessonChange::Substitute { teacher_id },
                ),
                "no_substitute" => (
                    journal_api::LessonChangeRequest::NoSubstitute,
                    journal_protocol::LessonChange::NoSubstitute,
                ),
                _ => {
                    let group = snap
                        .lessons
                        .iter()
                        .find(|x| x.id == *lesson)
                        .map(|x| load_of(x).group_id)
                        .expect("the lesson of the demo");
                    let earlier: Vec<(NaiveDate, u8)> = moved
                        .iter()
                        .filter(|m| m.0 == group)
                        .map(|m| (m.1, m.2))
                        .collect();
                    let slots = match group_slots.get(&group) {
                        Some(slots) if earlier.is_empty() || r != 1 => slots,
                        _ => &earlier,
                    };
                    let Some(&(to, bell)) = slots.get(s % slots.len().max(1)) else {
                        continue;
                    };
                    // Now and then the bell after the slot: free, taken or past the last bell.
                    let bell_number = if r == 2 { bell + 1 } else { bell };
                    postponed_to = Some((group, to, bell_number));
                    (
                        journal_api::LessonChangeRequest::Postpone { to, bell_number },
                        journal_protocol::LessonChange::Postpone {
                            to,
                            bell_number,
                            new_lesson_id: LessonId(Uuid::new_v4()),
                        },
                    )
                }
            };
            let app = &mut apps[u];
            let _ = app.sync();
            match app.change_lesson(*lesson, request) {
                Ok(_) => {
                    let report = app.sync().expect("the app syncs");
                    prop_assert_eq!(
                        report.refused,
                        0,
                        "{} changed lesson {} ({} {:?}): the app recorded it, the server refused it ({:?})",
                        USERS[u],
                        lesson,
                        CHANGES[k],
                        postponed_to,
                        app.conflicts().ok().and_then(|c| c.last().map(|x| x.message.clone()))
                    );
                    moved.extend(postponed_to);
                }
                Err(refusal) => {
                    let outcome = raws[u].push(
                        now,
                        OpPayload::ChangeLesson {
                            lesson_id: *lesson,
                            change: payload_change,
                        },
                    );
                    prop_assert!(
                        !matches!(outcome, OpOutcome::Applied { .. }),
                        "{} changed lesson {} ({} {:?}): the app refused it ({} — {}), the server applied it",
                        USERS[u],
                        lesson,
                        CHANGES[k],
                        postponed_to,
                        refusal.code,
                        refusal.message
                    );
                    let _ = app.sync();
                }
            }
            // Every copy learns of the timetable change before the next edit.
            for other in apps.iter_mut() {
                let _ = other.sync();
            }
            continue;
        }
        let student = students[s % students.len().max(1)];
        let input = INPUTS[v];
        let app = &mut apps[u];
        // The same data on both sides: the copy has every change of the others first.
        let _ = app.sync();
        let verdict = app.set_cell_with_reason(*lesson, student, input, REASONS[r]);
        match verdict {
            Ok(_) => {
                let report = app.sync().expect("the app syncs");
                prop_assert_eq!(
                    report.refused,
                    0,
                    "{} typed «{}» in lesson {}: the app recorded it, the server refused it ({:?})",
                    USERS[u],
                    input,
                    lesson,
                    app.conflicts()
                        .ok()
                        .and_then(|c| c.last().map(|x| x.message.clone()))
                );
            }
            Err(refusal) => {
                // An input no parser takes never becomes an op: nothing to send.
                let Ok(value) = journal_core::parse_cell(input, true, &Policy::default()) else {
                    continue;
                };
                let outcome = raws[u].push(
                    now,
                    OpPayload::SetCell {
                        lesson_id: *lesson,
                        student_id: student,
                        value,
                        reason: REASONS[r].map(str::to_string),
                    },
                );
                prop_assert!(
                    !matches!(outcome, OpOutcome::Applied { .. }),
                    "{} typed «{}» in lesson {}: the app refused it ({} — {}), the server applied it",
                    USERS[u],
                    input,
                    lesson,
                    refusal.code,
                    refusal.message
                );
                // The app's copy catches up with whatever the raw device's refusal left unchanged.
                let _ = app.sync();
            }
        }
    }
    Ok(())
}

/// One random final: who, whether in a load of their own (or their curated group's) — else any
/// load —, which load, period, column («period», «exam», «year»), student and what is typed.
type FinalEdit = (usize, bool, usize, usize, usize, usize, usize);
const FINAL_INPUTS: [&str; 5] = ["5", "зачёт", "н/а", "", "4"];
const COLUMNS: [journal_core::FinalColumn; 3] = [
    journal_core::FinalColumn::Period,
    journal_core::FinalColumn::Exam,
    journal_core::FinalColumn::Year,
];

/// The same property for finals in their columns: the plan ends the first period of every other
/// load with an exam, the policy keeps year finals or not, and random users type random finals
/// into random columns — journal_core::check_final_slot judges on both sides.
fn run_finals(edits: &[FinalEdit], year_finals: bool) -> Result<(), TestCaseError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = Policy {
        year_finals,
        ..Policy::default()
    };
    let server = TestServer::start_with_policy(policy);
    let snap = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let mut periods = snap.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    // The plan, as the administrator keeps it, before anyone signs in.
    let mut lines = Vec::new();
    let mut planned = std::collections::HashSet::new();
    for (i, load) in snap.loads.iter().enumerate() {
        if i % 2 == 0 && planned.insert((load.group_id, load.subject_id)) {
            lines.push(serde_json::json!({
                "group_id": load.group_id, "subject_id": load.subject_id,
                "period_id": periods[0].id, "hours": 36, "attestation": "exam",
            }));
        }
    }
    let admin = RawDevice::sign_in(&server.url, "admin");
    let http = reqwest::blocking::Client::new();
    http.put(format!("{}/api/v1/admin/curriculum", server.url))
        .header(
            "x-journal-protocol",
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&admin.token)
        .json(&serde_json::json!({ "lines": lines }))
        .send()
        .and_then(|r| r.error_for_status())
        .expect("the plan is saved");
    let (now, _dirs, mut apps, mut raws) = copies(&server);
    for &(u, own, l, p, c, s, v) in edits {
        let me = snap
            .users
            .iter()
            .find(|x| x.login == USERS[u])
            .map(|x| x.id)
            .expect("a demo user");
        let candidates: Vec<&journal_protocol::Load> = snap
            .loads
            .iter()
            .filter(|x| {
                !own || x.teacher_id == me
                    || snap
                        .groups
                        .iter()
                        .any(|g| g.id == x.group_id && g.curator_id == Some(me))
            })
            .collect();
        let Some(load) = candidates.get(l % candidates.len().max(1)).copied() else {
            continue;
        };
        let period = &periods[p % periods.len()];
        let students: Vec<StudentId> = snap
            .memberships
            .iter()
            .filter(|m| m.group_id == load.group_id && m.to.is_none())
            .filter(|m| load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            .map(|m| m.student_id)
            .collect();
        let Some(&student) = students.get(s % students.len().max(1)) else {
            continue;
        };
        let (column, input) = (COLUMNS[c], FINAL_INPUTS[v]);
        let app = &mut apps[u];
        let _ = app.sync();
        match app.set_final_in(load.id, period.id, student, column, input) {
            Ok(_) => {
                let report = app.sync().expect("the app syncs");
                prop_assert_eq!(
                    report.refused,
                    0,
                    "{} typed «{}» as {:?} in {}: the app recorded it, the server refused it ({:?})",
                    USERS[u],
                    input,
                    column,
                    period.name,
                    app.conflicts()
                        .ok()
                        .and_then(|c| c.last().map(|x| x.message.clone()))
                );
            }
            Err(refusal) => {
                let value = if input.is_empty() {
                    None
                } else {
                    Some(journal_core::parse_final(input).expect("the inputs parse"))
                };
                let outcome = raws[u].push(
                    now,
                    OpPayload::SetFinal {
                        load_id: load.id,
                        period_id: period.id,
                        student_id: student,
                        column,
                        value,
                    },
                );
                prop_assert!(
                    !matches!(outcome, OpOutcome::Applied { .. }),
                    "{} typed «{}» as {:?} in {}: the app refused it ({} — {}), the server applied it",
                    USERS[u],
                    input,
                    column,
                    period.name,
                    refusal.code,
                    refusal.message
                );
                let _ = app.sync();
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2, max_shrink_iters: 8, ..ProptestConfig::default() })]
    #[test]
    fn the_app_and_the_server_judge_every_final_alike(
        year_finals in any::<bool>(),
        edits in prop::collection::vec(
            (0..USERS.len(), any::<bool>(), 0..200usize, 0..4usize, 0..COLUMNS.len(), 0..40usize, 0..FINAL_INPUTS.len()),
            25..35,
        )
    ) {
        run_finals(&edits, year_finals)?;
    }
}

proptest! {
    // Each case is a fresh server and four signed-in copies: few cases, many edits each.
    #![proptest_config(ProptestConfig { cases: 3, max_shrink_iters: 8, ..ProptestConfig::default() })]
    #[test]
    fn the_app_and_the_server_judge_every_edit_alike_under_the_strict_policy(
        edits in prop::collection::vec(
            (
                0..USERS.len(),
                any::<bool>(),
                0..400usize,
                0..40usize,
                0..INPUTS.len(),
                prop::option::weighted(0.25, 0..CHANGES.len()),
                0..REASONS.len(),
            ),
            30..40,
        )
    ) {
        run(&edits, Policy::default())?;
    }

    /// 001's policy: corrections in the allowed cases, deputies edit and record substitutions.
    #[test]
    fn the_app_and_the_server_judge_every_edit_alike_under_a_lenient_policy(
        edits in prop::collection::vec(
            (
                0..USERS.len(),
                any::<bool>(),
                0..400usize,
                0..40usize,
                0..INPUTS.len(),
                prop::option::weighted(0.25, 0..CHANGES.len()),
                0..REASONS.len(),
            ),
            30..40,
        )
    ) {
        run(
            &edits,
            Policy {
                late_entry: journal_core::LateEntry::AllowedCases,
                deputy_may_edit: true,
                deputy_records_substitutions: true,
                ..Policy::default()
            },
        )?;
    }
}

/// Postponements only, by the four users, into the slots of their groups' lessons (another
/// teacher's above all: a teacher's copy keeps those as slots only) — on both server backends.
fn postponements() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (
            0..USERS.len(),
            prop::bool::weighted(0.8),
            0..400usize,
            0..200usize,
            Just(0usize),
            Just(Some(POSTPONE)),
            0..REASONS.len(),
        ),
        12..16,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, max_shrink_iters: 8, ..ProptestConfig::default() })]
    #[test]
    fn the_app_and_the_server_judge_every_postponement_alike_on_sqlite(edits in postponements()) {
        run(&edits, Policy::default())?;
    }

    #[test]
    fn the_app_and_the_server_judge_every_postponement_alike_on_postgres(edits in postponements()) {
        run_on(TestServer::start_on_postgres(Policy::default()), &edits)?;
    }
}
