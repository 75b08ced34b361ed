-- «Листок здоровья» (001 п. 4.12): per student, the health group (1–5 for I–V), the medical group
-- for physical education ('main', 'preparatory', 'special_a', 'special_b', 'exempt'), a
-- recommendation for the teachers («не сидеть у окна»), the date of the medical note and the day
-- it is valid until. Entered by the curator from the social pedagogue's paper sheet. Health data:
-- kept by the server only (never in a device's copy). Times are UTC, dates YYYY-MM-DD.
CREATE TABLE health_sheet (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    student_id TEXT NOT NULL,
    health_group INTEGER,
    pe_group TEXT,
    recommendation TEXT NOT NULL,
    note_date TEXT,
    valid_until TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (institution_id, student_id)
) STRICT;
