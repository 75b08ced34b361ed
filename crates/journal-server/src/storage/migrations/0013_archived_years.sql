-- Closed academic years (the rollover): each keeps the whole institution as it was when the year was
-- closed (the snapshot as JSON), read-only, for printing and the archive. Times are UTC.
CREATE TABLE archived_years (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    server_seq INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (institution_id, name)
) STRICT;
