-- A user's settings kept by the server only (never in a device's copy): a staff member's e-mail for
-- notices (key 'email', set by the administrator), a parent's choice about notices of marks and
-- absences (key 'mark_notices', 'off'). One row per user and key; no row is the default.
CREATE TABLE user_settings (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (institution_id, user_id, key)
) STRICT;
