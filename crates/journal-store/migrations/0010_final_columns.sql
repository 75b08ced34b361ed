-- Finals in their columns (protocol 6): the period final, the exam's mark and the year final. The
-- column is part of the key; every row from before is a period final.
CREATE TABLE finals_in_columns (
    load_id      TEXT NOT NULL REFERENCES loads (id),
    period_id    TEXT NOT NULL REFERENCES periods (id),
    student_id   TEXT NOT NULL REFERENCES students (id),
    final_column TEXT NOT NULL DEFAULT 'period',
    value        TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    PRIMARY KEY (load_id, period_id, student_id, final_column)
) WITHOUT ROWID;
INSERT INTO finals_in_columns (load_id, period_id, student_id, final_column, value, entered_at, author_id)
    SELECT load_id, period_id, student_id, 'period', value, entered_at, author_id FROM finals;
DROP TABLE finals;
ALTER TABLE finals_in_columns RENAME TO finals;

-- The subject's grading scale, which the app checks a final against (five-point before).
ALTER TABLE subjects ADD COLUMN grading TEXT NOT NULL DEFAULT 'five_point';

-- The учебный план's lines of the device's groups: whether a period ends with an exam (its own
-- column on the page).
CREATE TABLE curriculum (
    group_id    TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    period_id   TEXT NOT NULL,
    hours       INTEGER NOT NULL,
    attestation TEXT,
    PRIMARY KEY (group_id, subject_id, period_id)
) WITHOUT ROWID;
