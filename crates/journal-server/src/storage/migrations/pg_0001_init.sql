-- Institution server schema for PostgreSQL, version 1 (the tables of the SQLite schema). Append-only:
-- never edit a shipped migration, add a new one.
-- Every row carries institution_id; reference rows are kept as their protocol JSON beside the key
-- columns the server looks them up by.

CREATE TABLE institutions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,           -- journal_protocol::Institution (with the policy)
    year TEXT NOT NULL,           -- journal_protocol::AcademicYear
    last_server_seq BIGINT NOT NULL DEFAULT 0,
    audit_seq BIGINT NOT NULL DEFAULT 0,   -- audit chain head, kept apart from the entries
    audit_hash TEXT NOT NULL DEFAULT ''
);

-- periods, holidays, bells, groups, subgroups, students, memberships, subjects, loads, plan_topics
CREATE TABLE ref_rows (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    ordinal BIGINT NOT NULL,     -- keeps the imported order
    parent_id TEXT,               -- student of a membership, load of a plan topic
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, kind, id)
);
CREATE INDEX ref_rows_parent ON ref_rows (institution_id, kind, parent_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    login TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,           -- journal_protocol::User (with the role grants)
    password_hash TEXT NOT NULL
);

CREATE TABLE lessons (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    load_id TEXT NOT NULL,
    date TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);

-- Journal content: the current value of each target, who wrote it from which device, and the
-- server_seq of the change that wrote it (NULL: imported).
CREATE TABLE cells (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq BIGINT,
    PRIMARY KEY (institution_id, lesson_id, student_id)
);

CREATE TABLE lesson_topics (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    hour BIGINT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq BIGINT,
    PRIMARY KEY (institution_id, lesson_id, hour)
);

CREATE TABLE homework (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq BIGINT,
    PRIMARY KEY (institution_id, lesson_id)
);

CREATE TABLE finals (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq BIGINT,
    PRIMARY KEY (institution_id, load_id, period_id, student_id)
);

CREATE TABLE locks (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, load_id, period_id)
);

CREATE TABLE remarks (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    load_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);

-- Applied changes in server order: what pull pages through. server_seq is gap-free per institution.
CREATE TABLE changes (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    server_seq BIGINT NOT NULL,
    op_id TEXT NOT NULL,
    load_id TEXT NOT NULL,        -- whose readers may pull it
    author_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    device_time TEXT NOT NULL,
    server_time TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (institution_id, server_seq)
);

-- Every op ever accepted into a device's chain, with the outcome answered (dedup by op_id).
CREATE TABLE ops (
    op_id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    device_id TEXT NOT NULL,
    device_seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    outcome TEXT NOT NULL,        -- journal_protocol::OpOutcome
    server_seq BIGINT,
    UNIQUE (device_id, device_seq)
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    public_key TEXT,              -- hex ed25519
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_hash TEXT NOT NULL DEFAULT ''
);

-- Users who signed in on a device: the device key vouches only for them.
CREATE TABLE device_users (
    device_id TEXT NOT NULL REFERENCES devices(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (device_id, user_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the token; the token itself is never stored
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    count BIGINT NOT NULL,
    locked_until TEXT
);

CREATE TABLE audit (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    author_id TEXT,
    device_id TEXT,
    device_time TEXT,
    server_time TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (institution_id, seq)
);
