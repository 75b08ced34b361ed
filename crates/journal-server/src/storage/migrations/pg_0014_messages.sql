-- Messages (issue 12): a thread is between its author and one user (addressee: the user's id) or an
-- announcement to an audience (addressee: the audience's key, journal-protocol's Audience::key);
-- kind 'message', 'correction_request' (a parent's request to correct personal data, to the
-- curator) or 'announcement'. Messages are numbered within their thread from 1; a user's read
-- position is the last number they have read, so unread counts need no clock.
CREATE TABLE message_threads (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    author_id TEXT NOT NULL,
    addressee TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);
CREATE INDEX message_threads_by_author ON message_threads (institution_id, author_id, created_at);
CREATE INDEX message_threads_by_addressee ON message_threads (institution_id, addressee);
CREATE TABLE messages (
    institution_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    author_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, thread_id, seq),
    FOREIGN KEY (institution_id, thread_id) REFERENCES message_threads(institution_id, id)
);
CREATE TABLE message_reads (
    institution_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (institution_id, thread_id, user_id)
);
