-- Institution server schema, version 1. Append-only: never edit a shipped migration, add a new one.
-- Every row carries institution_id; reference rows are kept as their protocol JSON beside the key
-- columns the server looks them up by.

CREATE TABLE institutions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,           -- journal_protocol::Institution (with the policy)
    year TEXT NOT NULL,           -- journal_protocol::AcademicYear
    last_server_seq INTEGER NOT NULL DEFAULT 0,
    audit_seq INTEGER NOT NULL DEFAULT 0,   -- audit chain head, kept apart from the entries
    audit_hash TEXT NOT NULL DEFAULT ''
) STRICT;

-- periods, holidays, bells, groups, subgroups, students, memberships, subjects, loads, plan_topics
CREATE TABLE ref_rows (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,     -- keeps the imported order
    parent_id TEXT,               -- student of a membership, load of a plan topic
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, kind, id)
) STRICT;
CREATE INDEX ref_rows_parent ON ref_rows (institution_id, kind, parent_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    login TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,           -- journal_protocol::User (with the role grants)
    password_hash TEXT NOT NULL
) STRICT;

CREATE TABLE lessons (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    load_id TEXT NOT NULL,
    date TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
) STRICT;

-- Journal content: the current value of each target, who wrote it from which device, and the
-- server_seq of the change that wrote it (NULL: imported).
CREATE TABLE cells (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq INTEGER,
    PRIMARY KEY (institution_id, lesson_id, student_id)
) STRICT;

CREATE TABLE lesson_topics (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    hour INTEGER NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq INTEGER,
    PRIMARY KEY (institution_id, lesson_id, hour)
) STRICT;

CREATE TABLE homework (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    lesson_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq INTEGER,
    PRIMARY KEY (institution_id, lesson_id)
) STRICT;

CREATE TABLE finals (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq INTEGER,
    PRIMARY KEY (institution_id, load_id, period_id, student_id)
) STRICT;

CREATE TABLE locks (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, load_id, period_id)
) STRICT;

CREATE TABLE remarks (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    load_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
) STRICT;

-- Applied changes in server order: what pull pages through. server_seq is gap-free per institution.
CREATE TABLE changes (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    server_seq INTEGER NOT NULL,
    op_id TEXT NOT NULL,
    load_id TEXT NOT NULL,        -- whose readers may pull it
    author_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    device_time TEXT NOT NULL,
    server_time TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (institution_id, server_seq)
) STRICT;

-- Every op ever accepted into a device's chain, with the outcome answered (dedup by op_id).
CREATE TABLE ops (
    op_id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    device_id TEXT NOT NULL,
    device_seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    outcome TEXT NOT NULL,        -- journal_protocol::OpOutcome
    server_seq INTEGER,
    UNIQUE (device_id, device_seq)
) STRICT;

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    public_key TEXT,              -- hex ed25519
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_hash TEXT NOT NULL DEFAULT ''
) STRICT;

-- Users who signed in on a device: the device key vouches only for them.
CREATE TABLE device_users (
    device_id TEXT NOT NULL REFERENCES devices(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (device_id, user_id)
) STRICT;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the token; the token itself is never stored
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    locked_until TEXT
) STRICT;

CREATE TABLE audit (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    seq INTEGER NOT NULL,
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
) STRICT;
