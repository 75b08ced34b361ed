-- What the database filters on, as columns of their own (issue 16). The JSON that reads still go
-- through becomes jsonb; values the code looked for inside JSON text become generated columns, so
-- every write keeps them without code of its own; lesson dates become dates; the queries that use
-- them get indexes with institution_id first. Left as text: institutions (one row, read whole),
-- finals (another change reshapes that table), changes.payload (given back to pulls as written),
-- audit.detail (hashed into the chain), archived_years.snapshot (a whole year, read whole).
ALTER TABLE ref_rows ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE users ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE lessons ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE cells ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE lesson_topics ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE homework ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE locks ALTER COLUMN data TYPE jsonb USING data::jsonb;
ALTER TABLE remarks ALTER COLUMN data TYPE jsonb USING data::jsonb;

-- A lesson's day, compared as a date (the text was ISO 8601, so the order is the same).
ALTER TABLE lessons ALTER COLUMN date TYPE date USING date::date;

-- An applied change's kind and target (journal_protocol::OpPayload::kind and ::target): the unlocks
-- that reopen a period and the previous value of an edit in «Журнал действий» are found by them.
ALTER TABLE changes ADD COLUMN kind TEXT
    GENERATED ALWAYS AS (payload::jsonb ->> 'kind') STORED;
ALTER TABLE changes ADD COLUMN target TEXT GENERATED ALWAYS AS (
    CASE payload::jsonb ->> 'kind'
        WHEN 'set_cell' THEN 'cell:' || (payload::jsonb ->> 'lesson_id') || ':' || (payload::jsonb ->> 'student_id')
        WHEN 'set_topic' THEN 'topic:' || (payload::jsonb ->> 'lesson_id') || ':' || (payload::jsonb ->> 'hour')
        WHEN 'set_homework' THEN 'homework:' || (payload::jsonb ->> 'lesson_id')
        WHEN 'set_final' THEN COALESCE(NULLIF(payload::jsonb ->> 'column', 'period'), 'final') || ':' || (payload::jsonb ->> 'load_id') || ':' || (payload::jsonb ->> 'period_id') || ':' || (payload::jsonb ->> 'student_id')
        WHEN 'lock_period' THEN 'lock:' || (payload::jsonb ->> 'load_id') || ':' || (payload::jsonb ->> 'period_id')
        WHEN 'unlock_period' THEN 'lock:' || (payload::jsonb ->> 'load_id') || ':' || (payload::jsonb ->> 'period_id')
        WHEN 'resolve_remark' THEN 'remark:' || (payload::jsonb ->> 'remark_id')
        WHEN 'answer_remark' THEN 'remark:' || (payload::jsonb ->> 'remark_id')
        WHEN 'remark_state' THEN 'remark:' || (payload::jsonb -> 'remark' ->> 'id')
        WHEN 'change_lesson' THEN 'lesson:' || (payload::jsonb ->> 'lesson_id')
    END) STORED;
CREATE INDEX changes_by_kind ON changes (institution_id, kind, server_seq);
CREATE INDEX changes_by_target ON changes (institution_id, target, server_seq);

-- The group of a reference row (memberships, loads, subgroups, curriculum lines): a lock's list of
-- students who need a final reads the memberships of the load's group only.
ALTER TABLE ref_rows ADD COLUMN group_id TEXT GENERATED ALWAYS AS (data ->> 'group_id') STORED;
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
-- in every other table of an institution (so the data can be distributed by institution).
ALTER TABLE diary_consents DROP CONSTRAINT diary_consents_pkey,
    ADD PRIMARY KEY (institution_id, user_id, version);
ALTER TABLE diary_acknowledgements DROP CONSTRAINT diary_acknowledgements_pkey,
    ADD PRIMARY KEY (institution_id, user_id, student_id, period_id);
