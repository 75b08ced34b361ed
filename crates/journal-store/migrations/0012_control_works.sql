-- The schedule of control works (ВТК and the administration's planned works) of the device's loads,
-- with their criteria: the lesson of that day shows the work and turns a student's points into the
-- mark. Reference data, replaced whole with each snapshot.
CREATE TABLE control_works (
    id         TEXT PRIMARY KEY,
    load_id    TEXT NOT NULL,
    date       TEXT NOT NULL,
    form       TEXT NOT NULL,
    title      TEXT NOT NULL,
    vtk        INTEGER NOT NULL,
    max_points INTEGER,
    five       INTEGER,
    four       INTEGER,
    three      INTEGER
);
CREATE INDEX control_works_by_load ON control_works (load_id, date);
