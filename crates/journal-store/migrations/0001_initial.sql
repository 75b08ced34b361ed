-- 0001: the teacher's local copy. Shipped migrations are append-only: never edit this file,
-- add 0002_… instead (tests/it/migrations.rs fails when a shipped text changes).
-- Ids are UUID text, dates 'YYYY-MM-DD', times 'HH:MM:SS', date-times 'YYYY-MM-DDTHH:MM:SS',
-- domain enums and values (policy, grants, cell and final values) are JSON text.

CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    signing_key BLOB NOT NULL CHECK (length(signing_key) = 32),
    created_at  TEXT NOT NULL
);

CREATE TABLE institution (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    policy     TEXT NOT NULL
);

CREATE TABLE academic_year (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    name      TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on   TEXT NOT NULL
);

CREATE TABLE periods (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    ordinal   INTEGER NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on   TEXT NOT NULL
);

CREATE TABLE holidays (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on   TEXT NOT NULL
);

CREATE TABLE bells (
    number INTEGER PRIMARY KEY,
    starts TEXT NOT NULL,
    ends   TEXT NOT NULL
);

-- Cached users of the institution; password_hash is the local hash for offline sign-in.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    grants        TEXT NOT NULL,
    password_hash TEXT
);

CREATE TABLE study_groups (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    course     INTEGER NOT NULL,
    specialty  TEXT NOT NULL,
    curator_id TEXT
);

CREATE TABLE subgroups (
    id       TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES study_groups (id),
    name     TEXT NOT NULL
);

CREATE TABLE students (
    id          TEXT PRIMARY KEY,
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT,
    birth_date  TEXT
);

CREATE TABLE memberships (
    id              INTEGER PRIMARY KEY,
    student_id      TEXT NOT NULL REFERENCES students (id),
    group_id        TEXT NOT NULL REFERENCES study_groups (id),
    subgroup_id     TEXT REFERENCES subgroups (id),
    date_from       TEXT NOT NULL,
    date_to         TEXT,
    individual_plan INTEGER NOT NULL
);
CREATE INDEX memberships_by_group ON memberships (group_id, date_from);
CREATE INDEX memberships_by_student ON memberships (student_id);

CREATE TABLE subjects (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind       TEXT NOT NULL
);

CREATE TABLE loads (
    id            TEXT PRIMARY KEY,
    teacher_id    TEXT NOT NULL,
    group_id      TEXT NOT NULL REFERENCES study_groups (id),
    subject_id    TEXT NOT NULL REFERENCES subjects (id),
    subgroup_id   TEXT REFERENCES subgroups (id),
    date_from     TEXT NOT NULL,
    date_to       TEXT,
    planned_hours INTEGER NOT NULL
);
CREATE INDEX loads_by_teacher ON loads (teacher_id);

CREATE TABLE plan_topics (
    id          TEXT PRIMARY KEY,
    load_id     TEXT NOT NULL REFERENCES loads (id),
    ordinal     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    hours       INTEGER NOT NULL,
    work_type   TEXT NOT NULL,
    work_number INTEGER
);
CREATE INDEX plan_topics_by_load ON plan_topics (load_id, ordinal);

CREATE TABLE lessons (
    id                    TEXT PRIMARY KEY,
    load_id               TEXT NOT NULL REFERENCES loads (id),
    date                  TEXT NOT NULL,
    bell_number           INTEGER NOT NULL,
    hours                 INTEGER NOT NULL,
    room                  TEXT,
    status                TEXT NOT NULL,
    moved_to              TEXT,
    substitute_teacher_id TEXT
);
CREATE INDEX lessons_by_load_date ON lessons (load_id, date, bell_number);
CREATE INDEX lessons_by_date ON lessons (date, bell_number);

CREATE TABLE lesson_topics (
    lesson_id     TEXT NOT NULL REFERENCES lessons (id),
    hour          INTEGER NOT NULL,
    plan_topic_id TEXT,
    title         TEXT NOT NULL,
    work_type     TEXT NOT NULL,
    work_number   INTEGER,
    makeup_of     TEXT,
    entered_at    TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    PRIMARY KEY (lesson_id, hour)
) WITHOUT ROWID;

CREATE TABLE homework (
    lesson_id  TEXT PRIMARY KEY REFERENCES lessons (id),
    text       TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    author_id  TEXT NOT NULL
);

-- One student at one lesson; value is CellValue as JSON.
CREATE TABLE cells (
    lesson_id  TEXT NOT NULL REFERENCES lessons (id),
    student_id TEXT NOT NULL REFERENCES students (id),
    value      TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    author_id  TEXT NOT NULL,
    PRIMARY KEY (lesson_id, student_id)
) WITHOUT ROWID;

CREATE TABLE finals (
    load_id    TEXT NOT NULL REFERENCES loads (id),
    period_id  TEXT NOT NULL REFERENCES periods (id),
    student_id TEXT NOT NULL REFERENCES students (id),
    value      TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    author_id  TEXT NOT NULL,
    PRIMARY KEY (load_id, period_id, student_id)
) WITHOUT ROWID;

CREATE TABLE locks (
    load_id   TEXT NOT NULL REFERENCES loads (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    locked_at TEXT NOT NULL,
    locked_by TEXT NOT NULL,
    PRIMARY KEY (load_id, period_id)
) WITHOUT ROWID;

CREATE TABLE remarks (
    id          TEXT PRIMARY KEY,
    load_id     TEXT NOT NULL REFERENCES loads (id),
    author_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    text        TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX remarks_by_load ON remarks (load_id);

-- The device's signed, hash-chained ops. Rows are never deleted: the chain stays verifiable.
-- state: pending (not yet answered by the server), applied, duplicate, rejected, conflict.
CREATE TABLE outbox (
    device_seq  INTEGER PRIMARY KEY CHECK (device_seq >= 1),
    op_id       TEXT NOT NULL UNIQUE,
    device_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    device_time TEXT NOT NULL,
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    sig         TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending',
    outcome     TEXT
);
CREATE INDEX outbox_pending_targets ON outbox (target) WHERE state = 'pending';

CREATE TABLE sync_cursor (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_seq   INTEGER NOT NULL,
    last_sync_at TEXT
);

-- What the server refused or answered with another value; shown to the user until resolved.
CREATE TABLE conflicts (
    id           INTEGER PRIMARY KEY,
    op_id        TEXT NOT NULL REFERENCES outbox (op_id),
    target       TEXT NOT NULL,
    local_value  TEXT NOT NULL,
    server_value TEXT,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'open',
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);
