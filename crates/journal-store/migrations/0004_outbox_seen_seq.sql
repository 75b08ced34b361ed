-- What the device had seen when an edit was made (Op.seen_seq): the server tells a correction of a
-- value the teacher saw from a concurrent edit by it. 0 = saw nothing (ops recorded before this).
ALTER TABLE outbox ADD COLUMN seen_seq INTEGER NOT NULL DEFAULT 0 CHECK (seen_seq >= 0);
