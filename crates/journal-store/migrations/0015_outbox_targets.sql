-- A pulled change looks up this device's last answered edit of the same field (journal-store
-- `remote.rs`: a value this device entered, replaced from elsewhere, is kept as a notice). Without
-- the index every pulled change would scan the whole outbox of a year's edits.
CREATE INDEX outbox_targets ON outbox (target, device_seq);
