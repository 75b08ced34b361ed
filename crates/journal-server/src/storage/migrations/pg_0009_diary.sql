-- The family diary: consent to personal-data processing (152-ФЗ) by text version, parents'
-- acknowledgements («Ознакомлен») of a period's finals, and every opening of a diary (one row a
-- view, for the curator's list of parents who have not looked).
CREATE TABLE diary_consents (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    version TEXT NOT NULL,
    given_at TEXT NOT NULL,
    PRIMARY KEY (user_id, version)
);

CREATE TABLE diary_acknowledgements (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    period_id TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    PRIMARY KEY (user_id, student_id, period_id)
);
CREATE INDEX diary_acknowledgements_by_student ON diary_acknowledgements (institution_id, student_id);

CREATE TABLE diary_views (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    viewed_at TEXT NOT NULL
);
CREATE INDEX diary_views_by_user ON diary_views (institution_id, user_id, viewed_at);
