-- «Предложение» written in the app and not yet received by the server (offline, or the server did
-- not answer): kept in the encrypted copy, sent by the next sync, deleted once the server took it.
CREATE TABLE pending_suggestions (
    id INTEGER PRIMARY KEY,
    written_at TEXT NOT NULL,   -- the device's local time when it was written
    screen TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(text) > 0)
) STRICT;
