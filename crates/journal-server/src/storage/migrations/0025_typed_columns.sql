-- What the database filters on, as columns of their own (issue 16): values the code looked for
-- inside JSON text become generated columns, so every write keeps them without code of its own,
-- and the queries that use them get indexes with institution_id first.

-- An applied change's kind and target (journal_protocol::OpPayload::kind and ::target): the unlocks
-- that reopen a period and the previous value of an edit in «Журнал действий» are found by them.
ALTER TABLE changes ADD COLUMN kind TEXT
    GENERATED ALWAYS AS (json_extract(payload, '$.kind')) VIRTUAL;
ALTER TABLE changes ADD COLUMN target TEXT GENERATED ALWAYS AS (
    CASE json_extract(payload, '$.kind')
        WHEN 'set_cell' THEN 'cell:' || json_extract(payload, '$.lesson_id') || ':' || json_extract(payload, '$.student_id')
        WHEN 'set_topic' THEN 'topic:' || json_extract(payload, '$.lesson_id') || ':' || json_extract(payload, '$.hour')
        WHEN 'set_homework' THEN 'homework:' || json_extract(payload, '$.lesson_id')
        WHEN 'set_final' THEN COALESCE(NULLIF(json_extract(payload, '$.column'), 'period'), 'final') || ':' || json_extract(payload, '$.load_id') || ':' || json_extract(payload, '$.period_id') || ':' || json_extract(payload, '$.student_id')
        WHEN 'lock_period' THEN 'lock:' || json_extract(payload, '$.load_id') || ':' || json_extract(payload, '$.period_id')
        WHEN 'unlock_period' THEN 'lock:' || json_extract(payload, '$.load_id') || ':' || json_extract(payload, '$.period_id')
        WHEN 'resolve_remark' THEN 'remark:' || json_extract(payload, '$.remark_id')
        WHEN 'answer_remark' THEN 'remark:' || json_extract(payload, '$.remark_id')
        WHEN 'remark_state' THEN 'remark:' || json_extract(payload, '$.remark.id')
        WHEN 'change_lesson' THEN 'lesson:' || json_extract(payload, '$.lesson_id')
    END) VIRTUAL;
CREATE INDEX changes_by_kind ON changes (institution_id, kind, server_seq);
CREATE INDEX changes_by_target ON changes (institution_id, target, server_seq);

-- The group of a reference row (memberships, loads, subgroups, curriculum lines): a lock's list of
-- students who need a final reads the memberships of the load's group only.
ALTER TABLE ref_rows ADD COLUMN group_id TEXT
    GENERATED ALWAYS AS (json_extract(data, '$.group_id')) VIRTUAL;
CREATE INDEX ref_rows_by_group ON ref_rows (institution_id, kind, group_id);

-- Lessons of a load between two dates (a lock's list), of a day (a postponement's free slots).
CREATE INDEX lessons_by_load_date ON lessons (institution_id, load_id, date);
CREATE INDEX lessons_by_date ON lessons (institution_id, date);

-- An institution's users in login order: the snapshot (which the reports and the diary read
-- through) and the administrator's list; users are keyed by their id alone (see the README).
CREATE INDEX users_by_institution ON users (institution_id, login);

-- «Журнал действий» filtered by kind or by author, and the newest entries of a kind.
CREATE INDEX audit_by_kind ON audit (institution_id, kind, seq);
CREATE INDEX audit_by_author ON audit (institution_id, author_id, seq);

-- The diary's consents and acknowledgements were keyed by user: institution_id comes first now, as
-- in every other table of an institution (so the data can be distributed by institution). SQLite
-- changes a key only by copying the table.
CREATE TABLE diary_consents_keyed (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    version TEXT NOT NULL,
    given_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, user_id, version)
) STRICT;
INSERT INTO diary_consents_keyed (institution_id, user_id, version, given_at)
    SELECT institution_id, user_id, version, given_at FROM diary_consents ORDER BY rowid;
DROP TABLE diary_consents;
ALTER TABLE diary_consents_keyed RENAME TO diary_consents;

CREATE TABLE diary_acknowledgements_keyed (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, user_id, student_id, period_id)
) STRICT;
INSERT INTO diary_acknowledgements_keyed (institution_id, user_id, student_id, period_id, acknowledged_at)
    SELECT institution_id, user_id, student_id, period_id, acknowledged_at FROM diary_acknowledgements ORDER BY rowid;
DROP TABLE diary_acknowledgements;
ALTER TABLE diary_acknowledgements_keyed RENAME TO diary_acknowledgements;
CREATE INDEX diary_acknowledgements_by_student ON diary_acknowledgements (institution_id, student_id);
