-- A teacher's КТП waiting for the deputy's approval (Policy::plan_approval): the file as the
-- teacher sent it (hex, read again by the plan import on approval), who sent it and when, and —
-- when the deputy returned it — why. One per load; approval imports it and removes the row.
CREATE TABLE plan_drafts (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    load_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    returned_by TEXT,
    returned_at TEXT,
    return_reason TEXT,
    PRIMARY KEY (institution_id, load_id)
);
