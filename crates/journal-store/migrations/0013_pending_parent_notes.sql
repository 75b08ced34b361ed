-- Remarks to parents («Замечания родителям») written in the app and not yet taken by the server
-- (offline, or the server did not answer): kept in the encrypted copy and sent by the next sync.
-- A note the server refused for good keeps its row with the server's code and words
-- (refused_code, refused_reason), shown to the teacher until they dismiss it.
CREATE TABLE pending_parent_notes (
    id INTEGER PRIMARY KEY,
    written_at TEXT NOT NULL,   -- the device's local time when it was written
    student_id TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(text) > 0),
    refused_code TEXT,
    refused_reason TEXT,
    CHECK ((refused_code IS NULL) = (refused_reason IS NULL))
) STRICT;
