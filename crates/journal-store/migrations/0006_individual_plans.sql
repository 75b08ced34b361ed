-- Individual plans (ИУП): the loads a student on an individual plan studies, with their hours. A
-- student whose membership says individual_plan and who has rows here is on exactly these loads'
-- pages; with no rows (a plan not kept yet) on every page of the group.
CREATE TABLE individual_plan_loads (
    student_id TEXT NOT NULL,
    load_id    TEXT NOT NULL,
    hours      INTEGER NOT NULL,
    PRIMARY KEY (student_id, load_id)
);
