-- The server's reference_version (its count of reference-data changes: import, year, groups,
-- students, loads, users) that the local copy's reference rows were last imported at. A pull page
-- that names another version makes the sync fetch the snapshot again. No row: 0.
CREATE TABLE reference_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version   INTEGER NOT NULL
);
