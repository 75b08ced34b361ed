-- Events of the diary (собрания, экскурсии, мероприятия): for a group, or the whole institution when
-- group_id is NULL. Times are the institution's local time; created_at is UTC.
CREATE TABLE events (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    id TEXT NOT NULL,
    group_id TEXT,
    on_date TEXT NOT NULL,
    at_time TEXT,
    title TEXT NOT NULL,
    place TEXT NOT NULL,
    author_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);
CREATE INDEX events_by_date ON events (institution_id, on_date);
