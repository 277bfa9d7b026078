-- After `.import`: TSV's null marker becomes NULL (ICMP has no ports), then the time index and
-- the planner's statistics, and the WAL folded into the database file.
UPDATE events SET src_port = NULL, dst_port = NULL WHERE src_port = '\N';
CREATE INDEX events_time ON events (time);
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
