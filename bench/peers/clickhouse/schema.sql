-- ClickHouse side of bench/peers/run.sh: MergeTree ordered by time, a partition per day (as
-- the store's, so retention drops days), LowCardinality for the columns with few values (an
-- experimental type in 18.16: the server profile enables it), default LZ4 compression. The
-- columns are store_bench --export-tsv's, in its order; ICMP has no ports (\N in the TSV).
CREATE TABLE events (
  time DateTime,
  src_ip String,
  dst_ip LowCardinality(String),
  src_port Nullable(UInt16),
  dst_port Nullable(UInt16),
  proto LowCardinality(String),
  ttl UInt8,
  country_code2 LowCardinality(String),
  country_name LowCardinality(String),
  city LowCardinality(String),
  lat Float64,
  lon Float64,
  asn UInt32,
  message String
) ENGINE = MergeTree PARTITION BY toDate(time) ORDER BY time;
