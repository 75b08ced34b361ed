-- Finals in their columns (protocol 6): the period final, the exam's mark and the year final. The
-- column is part of the key (institution first, as in every table); every row from before is a
-- period final.
ALTER TABLE finals ADD COLUMN final_column TEXT NOT NULL DEFAULT 'period';
ALTER TABLE finals DROP CONSTRAINT finals_pkey;
ALTER TABLE finals ADD PRIMARY KEY (institution_id, load_id, period_id, student_id, final_column);
