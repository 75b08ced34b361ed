-- The last server_seq each device was given (its snapshot's or its pull page's cursor): an op's
-- seen_seq is capped at it, so a device cannot claim to have seen values it was never sent.
-- NULL for devices registered before this column: their seen_seq is taken as sent until their
-- next snapshot or pull records one.
ALTER TABLE devices ADD COLUMN given_seq INTEGER;

-- The latest entry time (device clock, institution local time) of the device's ops so far: a
-- later op's entry time is not believed below it (a clock set back to enter marks «on the day»).
ALTER TABLE devices ADD COLUMN last_device_time TEXT;
