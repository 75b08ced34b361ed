-- Remarks meant for a student's parents («замечания … родителям»), written by the group's curator
-- or a teacher of the student, shown in the parents' diary; each parent's «Ознакомлен» (who, when)
-- is kept like the acknowledgement of finals. Times are UTC.
CREATE TABLE parent_notes (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);
CREATE INDEX parent_notes_by_student ON parent_notes (institution_id, student_id);

CREATE TABLE parent_note_acknowledgements (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    note_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, note_id, user_id)
);
