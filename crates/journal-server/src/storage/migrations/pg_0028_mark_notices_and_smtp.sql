-- Parents' digests of new marks and absences waiting for their window to close (mark_notices):
-- one line per parent and cell, kept so that a restart loses none. `due_ms` (Unix milliseconds) is
-- when the parent's window closes, the same for every line of the parent; the letter takes its
-- lines out in the transaction that reads them, so it goes once.
CREATE TABLE mark_notice_lines (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    parent_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    child_name TEXT NOT NULL,
    line TEXT NOT NULL,
    email TEXT NOT NULL,
    due_ms BIGINT NOT NULL,
    PRIMARY KEY (institution_id, parent_id, student_id, lesson_id)
);
CREATE INDEX mark_notice_lines_due ON mark_notice_lines (institution_id, due_ms);

-- An institution's own mail server for its notices (else the server's `--smtp`). The password is
-- written by the administrator and read only to send: no route returns it.
CREATE TABLE institution_smtp (
    institution_id TEXT NOT NULL PRIMARY KEY REFERENCES institutions(id),
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    security TEXT NOT NULL,
    login TEXT NOT NULL,
    password TEXT NOT NULL,
    sender TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
