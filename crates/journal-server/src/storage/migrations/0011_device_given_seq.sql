-- The last server_seq each device was given (its snapshot's or its pull page's cursor): an op's
-- seen_seq is capped at it, so a device cannot claim to have seen values it was never sent.
-- NULL for devices registered before this column: their seen_seq is taken as sent until their
-- next snapshot or pull records one.
ALTER TABLE devices ADD COLUMN given_seq INTEGER;
