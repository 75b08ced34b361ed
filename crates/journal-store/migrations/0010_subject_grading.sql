-- A subject's grading scale (journal_core::GradingScale as text): the app decides by it, as the
-- server does, that a subject «без отметок» locks its period without finals. Copies made before
-- it read five_point until their next snapshot.
ALTER TABLE subjects ADD COLUMN grading TEXT NOT NULL DEFAULT 'five_point';
