-- A deactivated user (UTC time of the deactivation) cannot sign in; their entries keep their
-- authorship. NULL: active.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
