-- The профессиональный модуль an МДК or a practice belongs to (its journal is the module's). No
-- foreign key: a snapshot's subjects are written in its order, a module possibly after its МДК.
ALTER TABLE subjects ADD COLUMN module_id TEXT;
