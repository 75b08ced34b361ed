-- The institution's count of reference-data changes (imports, the year, groups, students and
-- their membership, loads, users). Every such change adds one in its own transaction; pull pages
-- carry it, so a device whose copy was made at another count fetches the snapshot again.
ALTER TABLE institutions ADD COLUMN reference_version INTEGER NOT NULL DEFAULT 0;
