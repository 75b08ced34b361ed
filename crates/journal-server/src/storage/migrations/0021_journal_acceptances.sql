-- The archive cycle of a group's year journal (001 п. 8.3): the deputy's «проверен и принят» (who,
-- when), then its hand-over to the archive (who, when, the archive's reference such as «опись 3,
-- дело 12»). year_name is the academic year's name (live or closed). Times are UTC.
CREATE TABLE journal_acceptances (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    year_name TEXT NOT NULL,
    group_id TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    handed_over_at TEXT,
    handed_over_by TEXT,
    archive_reference TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (institution_id, year_name, group_id)
) STRICT;
