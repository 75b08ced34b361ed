-- A secret per user and device, handed only to that user's signed-in session on that device: the
-- app keeps its local copy's key wrapped under it, so that after the administrator resets the
-- user's password the copy is opened (and re-keyed) at the next online sign-in with the new one.
-- Server-side only: never in a snapshot or a pull.
CREATE TABLE device_secrets (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL,
    secret TEXT NOT NULL,          -- hex of 32 random bytes
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, user_id, device_id)
) STRICT;
