-- The dashboard set of bench/store_bench.cc in SQLite. run.sh replaces {from} and {to} (Unix
-- seconds, [from, to)) and {filter} ("" or "AND country_code2 = 'CN'"). A query runs from its
-- "-- query:" line to the line ending in ';'. The map grid is Web Mercator tiles at zoom 6
-- (64 x 64, as geo_tile.cc), each with its documents' mean location; locations repeat (a
-- city each), so they are counted first and turned into tiles once per location.

-- query: events per hour
SELECT time / 3600 * 3600 AS hour, count(*) FROM events
WHERE time >= {from} AND time < {to} {filter} GROUP BY hour ORDER BY hour;

-- query: top 10 countries
SELECT country_code2, count(*) AS n FROM events
WHERE time >= {from} AND time < {to} {filter} GROUP BY country_code2 ORDER BY n DESC LIMIT 10;

-- query: top 10 source IPs
SELECT src_ip, count(*) AS n FROM events
WHERE time >= {from} AND time < {to} {filter} GROUP BY src_ip ORDER BY n DESC LIMIT 10;

-- query: map grid (1000 cells)
SELECT 6 || '/' || x || '/' || y AS tile, sum(c) AS n, sum(lat * c) / sum(c), sum(lon * c) / sum(c)
FROM (
  SELECT min(max(CAST(floor((lon + 180) / 360 * 64) AS INTEGER), 0), 63) AS x,
         min(max(CAST(floor((1 - ln(tan(r) + 1 / cos(r)) / pi()) / 2 * 64) AS INTEGER), 0), 63) AS y,
         lat, lon, c
  FROM (
    SELECT lat, lon, min(max(lat, -85.0511287798), 85.0511287798) * pi() / 180 AS r, count(*) AS c
    FROM events WHERE time >= {from} AND time < {to} {filter} GROUP BY lat, lon))
GROUP BY x, y ORDER BY n DESC LIMIT 1000;

-- query: distinct source IPs
SELECT count(DISTINCT src_ip) FROM events WHERE time >= {from} AND time < {to} {filter};

-- query: latest 50 events
SELECT * FROM events WHERE time >= {from} AND time < {to} {filter} ORDER BY time DESC LIMIT 50;
