-- The dashboard set of bench/store_bench.cc in ClickHouse. run.sh replaces {from} and {to} (Unix
-- seconds, [from, to)) and {filter} ("" or "AND country_code2 = 'CN'"). A query runs from its
-- "-- query:" line to the line ending in ';'. The map grid is Web Mercator tiles at zoom 6
-- (64 x 64, as geo_tile.cc), each with its documents' mean location; locations repeat (a city
-- each), so they are counted first and turned into tiles once per location (on 10 M events
-- about 1.6x faster here than the tile formula on every row). Distinct source IPs use uniq(),
-- an estimate like the store's HyperLogLog (uniqExact would be slower).

-- query: events per hour
SELECT toStartOfHour(time) AS hour, count() FROM events
WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter} GROUP BY hour ORDER BY hour;

-- query: top 10 countries
SELECT country_code2, count() AS n FROM events
WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter}
GROUP BY country_code2 ORDER BY n DESC LIMIT 10;

-- query: top 10 source IPs
SELECT src_ip, count() AS n FROM events
WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter}
GROUP BY src_ip ORDER BY n DESC LIMIT 10;

-- query: map grid (1000 cells)
SELECT concat('6/', toString(x), '/', toString(y)) AS tile, sum(c) AS n, sum(lat * c) / n, sum(lon * c) / n
FROM (
  SELECT lat, lon, count() AS c FROM events
  WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter} GROUP BY lat, lon)
GROUP BY
  least(greatest(toInt32(floor((lon + 180) / 360 * 64)), 0), 63) AS x,
  least(greatest(toInt32(floor((1 - log(tan(least(greatest(lat, -85.0511287798), 85.0511287798) * pi() / 180)
    + 1 / cos(least(greatest(lat, -85.0511287798), 85.0511287798) * pi() / 180)) / pi()) / 2 * 64)), 0), 63) AS y
ORDER BY n DESC LIMIT 1000;

-- query: distinct source IPs
SELECT uniq(src_ip) FROM events WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter};

-- query: latest 50 events
SELECT * FROM events WHERE time >= toDateTime({from}) AND time < toDateTime({to}) {filter}
ORDER BY time DESC LIMIT 50;
