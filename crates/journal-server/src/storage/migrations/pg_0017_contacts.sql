-- Contact data of students and of their parents (legal representatives): personal data kept by the
-- server only (never in a device's copy), read and changed by the administration and the student's
-- curator. person_kind: 'student' (a student's id) or 'parent' (a parent user's id, with the child
-- the data is kept for and how they are related).
CREATE TABLE contacts (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    person_kind TEXT NOT NULL,
    person_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (institution_id, person_kind, person_id, student_id)
);
CREATE INDEX contacts_by_student ON contacts (institution_id, student_id);
