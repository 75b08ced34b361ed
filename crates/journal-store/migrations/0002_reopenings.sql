-- A locked period reopened for a correction (OpPayload::UnlockPeriod): who reopened it, when and
-- why. The row stays while the period is open; locking the period again removes it.
CREATE TABLE reopenings (
    load_id     TEXT NOT NULL REFERENCES loads (id),
    period_id   TEXT NOT NULL REFERENCES periods (id),
    reason      TEXT NOT NULL,
    reopened_at TEXT NOT NULL,
    reopened_by TEXT NOT NULL,
    PRIMARY KEY (load_id, period_id)
) WITHOUT ROWID;
