-- The audit query («Журнал действий») tells an edit's old value: the load's previous change of the
-- same field, found through this index instead of a scan of the institution's whole history.
CREATE INDEX changes_by_load ON changes (institution_id, load_id, server_seq);
