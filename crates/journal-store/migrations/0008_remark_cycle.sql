-- A remark's whole cycle (lesson or dates, deadline, status, the teacher's answer, the author's
-- decision, history) as journal-protocol's Remark in JSON; NULL for rows written before, which the
-- old columns still describe.
ALTER TABLE remarks ADD COLUMN data TEXT;
