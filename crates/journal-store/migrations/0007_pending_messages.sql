-- Messages («Сообщения») written in the app and not yet taken by the server (offline, or the server
-- did not answer): kept in the encrypted copy, sent by the next sync, deleted once the server took
-- them. A reply names its thread (thread_id); a new thread names its addressee (to_user) and subject.
CREATE TABLE pending_messages (
    id INTEGER PRIMARY KEY,
    written_at TEXT NOT NULL,   -- the device's local time when it was written
    thread_id TEXT,
    to_user TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL CHECK (length(body) > 0),
    CHECK ((thread_id IS NULL) <> (to_user IS NULL))
) STRICT;
