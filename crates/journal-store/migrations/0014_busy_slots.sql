-- The timetable slots of the copy's groups held by lessons it does not keep (another teacher's
-- load of the group): the date, the bell and the group or its subgroup, nothing of the lesson
-- itself. A postponement into one is refused on the device as on the server. Reference data,
-- replaced whole with each snapshot.
CREATE TABLE busy_slots (
    date        TEXT NOT NULL,
    bell_number INTEGER NOT NULL,
    group_id    TEXT NOT NULL,
    subgroup_id TEXT
);
CREATE INDEX busy_slots_by_date ON busy_slots (date);
