-- Finals in their columns (protocol 6): the period final, the exam's mark and the year final. The
-- column is part of the key (institution first, as in every table); every row from before is a
-- period final.
CREATE TABLE finals_in_columns (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    final_column TEXT NOT NULL DEFAULT 'period',
    data TEXT NOT NULL,
    device_id TEXT,
    server_seq INTEGER,
    PRIMARY KEY (institution_id, load_id, period_id, student_id, final_column)
) STRICT;
INSERT INTO finals_in_columns (institution_id, load_id, period_id, student_id, final_column, data, device_id, server_seq)
    SELECT institution_id, load_id, period_id, student_id, 'period', data, device_id, server_seq FROM finals;
DROP TABLE finals;
ALTER TABLE finals_in_columns RENAME TO finals;
