//! The store suite: durable mark, the bare-commit reference, and the grid.

use crate::Figure;
use anyhow::{bail, Context, Result};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::*;
use journal_protocol::*;
use journal_store::{Store, StoreKey};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use uuid::Uuid;

const STUDENTS: usize = 35;
const LESSONS: usize = 120;
const LOADS: usize = 10;

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("date")
}

fn time(h: u32, m: u32) -> Result<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0).context("time")
}

/// The filesystem type holding `path`, from /proc/mounts (longest matching mount point).
fn fs_type(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (_, mnt, fs) = (w.next()?, w.next()?, w.next()?);
            path.starts_with(mnt).then(|| (mnt.len(), fs.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, fs)| fs)
}

/// A directory on a real disk: the system temp dir unless it is in memory (tmpfs), then one next
/// to the benchmark binary (under the cargo target dir).
fn bench_dir() -> Result<(tempfile::TempDir, String)> {
    let tmp = std::env::temp_dir();
    let fs = fs_type(&tmp).unwrap_or_else(|| "unknown".into());
    let base: PathBuf = if matches!(fs.as_str(), "tmpfs" | "ramfs") {
        let exe = std::env::current_exe().context("benchmark binary path")?;
        exe.parent().context("binary dir")?.join("bench-tmp")
    } else {
        tmp
    };
    std::fs::create_dir_all(&base)?;
    let dir = tempfile::Builder::new()
        .prefix("journal-bench-")
        .tempdir_in(&base)?;
    let fs = fs_type(dir.path()).unwrap_or_else(|| "unknown".into());
    Ok((dir, fs))
}

fn mark(v: u8) -> Result<CellValue> {
    Ok(CellValue {
        entries: vec![CellEntry::Mark {
            value: MarkValue::new(v).map_err(|e| anyhow::anyhow!("{e}"))?,
        }],
    })
}

struct BenchData {
    snap: Snapshot,
    teacher: UserId,
    load: LoadId,
    period: PeriodId,
    lessons: Vec<LessonId>,
    students: Vec<StudentId>,
}

/// One group of 35 students, 10 loads of 120 lessons each in one period, about half the cells
/// filled, a topic and homework on every lesson.
fn bench_data() -> Result<BenchData> {
    let teacher = UserId(Uuid::new_v4());
    let group = GroupId(Uuid::new_v4());
    let period = PeriodId(Uuid::new_v4());
    let start = date(2026, 9, 1)?;
    let entered = start.and_time(time(18, 0)?);
    let students: Vec<Student> = (0..STUDENTS)
        .map(|i| Student {
            id: StudentId(Uuid::new_v4()),
            last_name: format!("Фамилия{i:02}"),
            first_name: "Имя".into(),
            patronymic: Some("Отчество".into()),
            birth_date: None,
        })
        .collect();
    let subjects: Vec<Subject> = (0..LOADS)
        .map(|j| Subject {
            id: SubjectId(Uuid::new_v4()),
            name: format!("Дисциплина {j}"),
            short_name: format!("Д{j}"),
            kind: SubjectKind::Discipline,
            grading: Default::default(),
            module_id: None,
        })
        .collect();
    let loads: Vec<Load> = subjects
        .iter()
        .map(|s| Load {
            id: LoadId(Uuid::new_v4()),
            teacher_id: teacher,
            group_id: group,
            subject_id: s.id,
            subgroup_id: None,
            from: start,
            to: None,
            planned_hours: 120,
        })
        .collect();
    let mut lessons = vec![];
    let mut lesson_topics = vec![];
    let mut homework = vec![];
    let mut cells = vec![];
    for (j, load) in loads.iter().enumerate() {
        for k in 0..LESSONS {
            let lesson = Lesson {
                id: LessonId(Uuid::new_v4()),
                load_id: load.id,
                date: start + Days::new(k as u64),
                bell_number: (j % 6) as u8 + 1,
                hours: 1,
                room: None,
                status: LessonStatus::Scheduled,
                moved_to: None,
                substitute_teacher_id: None,
                change_reason: None,
            };
            lesson_topics.push(LessonTopic {
                lesson_id: lesson.id,
                hour: 1,
                plan_topic_id: None,
                title: format!("Тема занятия № {}", k + 1),
                work_type: WorkType::Lesson,
                work_number: None,
                makeup_of: None,
                entered_at: entered,
                author_id: teacher,
            });
            homework.push(Homework {
                lesson_id: lesson.id,
                text: format!("§{}, упр. {}", k + 1, k % 7 + 1),
                entered_at: entered,
                author_id: teacher,
            });
            for (s, st) in students.iter().enumerate() {
                if (k * 31 + s * 17 + j) % 10 < 5 {
                    let value = if (k + s) % 9 == 0 {
                        CellValue {
                            entries: vec![CellEntry::Absence {
                                absence: Absence::Absent,
                            }],
                        }
                    } else {
                        mark(2 + ((k + s) % 4) as u8)?
                    };
                    cells.push(Cell {
                        lesson_id: lesson.id,
                        student_id: st.id,
                        value,
                        entered_at: entered,
                        author_id: teacher,
                    });
                }
            }
            lessons.push(lesson);
        }
    }
    let bells = (1..=6u32)
        .map(|n| {
            Ok(Bell {
                number: n as u8,
                starts: time(7 + n, 30)?,
                ends: time(8 + n, 15)?,
                shift: 1,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let grid_lessons = lessons
        .iter()
        .filter(|l| l.load_id == loads[0].id)
        .map(|l| l.id)
        .collect();
    let snap = Snapshot {
        institution: Institution {
            id: InstitutionId(Uuid::new_v4()),
            name: "Колледж для замеров".into(),
            short_name: "КЗ".into(),
            timezone: "Europe/Moscow".into(),
            policy: Policy::default(),
            regime: Default::default(),
            support: Default::default(),
        },
        year: AcademicYear {
            name: "2026/2027".into(),
            starts_on: start,
            ends_on: date(2027, 6, 30)?,
        },
        periods: vec![Period {
            id: period,
            name: "1 семестр".into(),
            ordinal: 1,
            starts_on: start,
            ends_on: date(2026, 12, 31)?,
        }],
        holidays: vec![],
        bells,
        users: vec![User {
            id: teacher,
            login: "teacher".into(),
            full_name: "Иванова Мария Петровна".into(),
            grants: vec![RoleGrant {
                role: Role::Teacher,
                group_id: None,
                student_id: None,
                from: None,
                until: None,
            }],
        }],
        groups: vec![Group {
            id: group,
            name: "ИС-21".into(),
            course: 2,
            specialty: "09.02.07".into(),
            curator_id: None,
        }],
        subgroups: vec![],
        memberships: students
            .iter()
            .map(|s| Membership {
                student_id: s.id,
                group_id: group,
                subgroup_id: None,
                from: start,
                to: None,
                individual_plan: false,
            })
            .collect(),
        subjects,
        plan_topics: vec![],
        lesson_topics,
        homework,
        cells,
        finals: vec![],
        locks: vec![],
        remarks: vec![],
        reopenings: vec![],
        lessons,
        loads: loads.clone(),
        students: students.clone(),
        rooms: Vec::new(),
        later_shift_bells: Vec::new(),
        curriculum: Vec::new(),
        individual_plans: Vec::new(),
        departments: Vec::new(),
        control_works: Vec::new(),
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    };
    Ok(BenchData {
        snap,
        teacher,
        load: loads[0].id,
        period,
        lessons: grid_lessons,
        students: students.iter().map(|s| s.id).collect(),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The q-quantile (nearest rank) of the samples, in ms.
fn quantile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort_unstable();
    let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    ms(samples[rank - 1])
}

fn set_mark_samples(store: &mut Store, data: &BenchData, n: usize) -> Result<Vec<Duration>> {
    let device_time: NaiveDateTime = date(2026, 12, 20)?.and_time(time(10, 0)?);
    let mut out = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let payload = OpPayload::SetCell {
            lesson_id: data.lessons[i % data.lessons.len()],
            student_id: data.students[(i / data.lessons.len() + i) % data.students.len()],
            value: mark(2 + (i % 4) as u8)?,
            reason: None,
        };
        let t = Instant::now();
        store.record_edit(data.teacher, device_time, payload)?;
        let d = t.elapsed();
        if i >= 20 {
            out.push(d);
        }
    }
    Ok(out)
}

/// The physical reference: a plain SQLite file in the same directory, WAL + synchronous=FULL,
/// one single-row INSERT committed per sample.
fn bare_connection(dir: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(dir.join("bare.db"))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("bare reference: WAL unavailable ({mode})");
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);",
    )?;
    Ok(conn)
}

fn bare_commit_samples(conn: &rusqlite::Connection, n: usize) -> Result<Vec<Duration>> {
    let mut st = conn.prepare_cached("INSERT INTO t (v) VALUES (?1)")?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let t = Instant::now();
        st.execute([format!("value {i}")])?;
        let d = t.elapsed();
        if i >= 20 {
            out.push(d);
        }
    }
    Ok(out)
}

pub fn run(samples: usize) -> Result<(Vec<Figure>, crate::Notes)> {
    let samples = samples.max(10);
    let (dir, fs) = bench_dir()?;
    let data = bench_data()?;
    // The real app encrypts each teacher's copy; measure that configuration.
    let key = StoreKey([0x5a; 32]);
    let mut store = Store::open(&dir.path().join("journal.db"), Some(&key))?;
    let t = Instant::now();
    store.import_snapshot(&data.snap)?;
    let import_s = t.elapsed().as_secs_f64();
    // The same without encryption, to tell SQLCipher's share from the disk's.
    let mut plain = Store::open(&dir.path().join("plain.db"), None)?;
    plain.import_snapshot(&data.snap)?;

    // Interleave the two write series in chunks so both see the same disk conditions.
    let mut set_mark = vec![];
    let mut set_mark_plain = vec![];
    let mut bare = vec![];
    let chunk = (samples / 5).max(1);
    let bare_dir = dir.path().join("bare");
    std::fs::create_dir_all(&bare_dir)?;
    let bare_conn = bare_connection(&bare_dir)?;
    for _ in 0..5 {
        bare.extend(bare_commit_samples(&bare_conn, chunk)?);
        set_mark.extend(set_mark_samples(&mut store, &data, chunk)?);
        set_mark_plain.extend(set_mark_samples(&mut plain, &data, chunk)?);
    }

    let mut grid = Vec::with_capacity(200);
    let mut cells_seen = 0;
    for i in 0..220 {
        let t = Instant::now();
        let g = store.grid(data.load, data.period)?;
        let d = t.elapsed();
        if i == 0 {
            if g.rows.len() != STUDENTS || g.lessons.len() != LESSONS {
                bail!(
                    "grid is {}×{}, expected {STUDENTS}×{LESSONS}",
                    g.rows.len(),
                    g.lessons.len()
                );
            }
            cells_seen = g
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .filter(|c| c.is_some())
                .count();
        }
        if i >= 20 {
            grid.push(d);
        }
    }
    store.verify_outbox()?;

    let set_mark_p50 = quantile(&mut set_mark, 0.50);
    let set_mark_p99 = quantile(&mut set_mark, 0.99);
    let plain_p50 = quantile(&mut set_mark_plain, 0.50);
    let plain_p99 = quantile(&mut set_mark_plain, 0.99);
    let bare_p50 = quantile(&mut bare, 0.50);
    let bare_p99 = quantile(&mut bare, 0.99);
    let grid_p95 = quantile(&mut grid, 0.95);
    let figures = vec![
        Figure {
            name: "set_mark_p50".into(),
            value: set_mark_p50,
            unit: "ms".into(),
            target: String::new(),
            met: None,
        },
        Figure {
            name: "set_mark_p99".into(),
            value: set_mark_p99,
            unit: "ms".into(),
            target: format!("<=5,<=2*bare_commit_p99={:.3}", 2.0 * bare_p99),
            met: Some(set_mark_p99 <= 5.0 && set_mark_p99 <= 2.0 * bare_p99),
        },
        Figure {
            name: "set_mark_unencrypted_p50".into(),
            value: plain_p50,
            unit: "ms".into(),
            target: String::new(),
            met: None,
        },
        Figure {
            name: "set_mark_unencrypted_p99".into(),
            value: plain_p99,
            unit: "ms".into(),
            target: String::new(),
            met: None,
        },
        Figure {
            name: "bare_commit_p50".into(),
            value: bare_p50,
            unit: "ms".into(),
            target: String::new(),
            met: None,
        },
        Figure {
            name: "bare_commit_p99".into(),
            value: bare_p99,
            unit: "ms".into(),
            target: String::new(),
            met: None,
        },
        Figure {
            name: "grid_open_p95".into(),
            value: grid_p95,
            unit: "ms".into(),
            target: "<=20".into(),
            met: Some(grid_p95 <= 20.0),
        },
    ];
    let notes = vec![
        ("dir_fs".into(), fs),
        ("samples".into(), set_mark.len().to_string()),
        (
            "grid".into(),
            format!("{STUDENTS}x{LESSONS}, {cells_seen} filled cells"),
        ),
        (
            "store".into(),
            "SQLCipher-encrypted, WAL, synchronous=FULL".into(),
        ),
        ("import_s".into(), format!("{import_s:.2}")),
    ];
    Ok((figures, notes))
}
