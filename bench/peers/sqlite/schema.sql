-- SQLite side of bench/peers/run.sh: one table, the columns of store_bench --export-tsv in
-- its order (time as Unix seconds). The index on time is built after the bulk load.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE events (
  time INTEGER NOT NULL,
  src_ip TEXT NOT NULL,
  dst_ip TEXT NOT NULL,
  src_port INTEGER,
  dst_port INTEGER,
  proto TEXT NOT NULL,
  ttl INTEGER NOT NULL,
  country_code2 TEXT,
  country_name TEXT,
  city TEXT,
  lat REAL,
  lon REAL,
  asn INTEGER,
  message TEXT NOT NULL
);
