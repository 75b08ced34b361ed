-- Why a lesson was not held (protocol 4: OpPayload::ChangeLesson).
ALTER TABLE lessons ADD COLUMN change_reason TEXT;
