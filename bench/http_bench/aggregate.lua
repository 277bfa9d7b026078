-- wrk script: the default dashboard's refresh (web/src/main.ts: the default query, 50 newest
-- events and every panel's aggregations from dashboard_aggs.json) as POST /api/v1/aggregate.
--   wrk ... -s aggregate.lua URL -- FROM TO AUTHORIZATION AGGS_FILE
-- A non-200 answer counts as an error in wrk's summary ("Non-2xx or 3xx responses").

function init(args)
  local from, to, authorization, aggs_file = args[1], args[2], args[3], args[4]
  local f = assert(io.open(aggs_file, "r"))
  local aggs = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = authorization
  wrk.body = string.format(
    '{"query":"NOT tags:\\"ignored\\"","from":"%s","to":"%s","size":50,' ..
    '"sort":"@timestamp:desc","aggs":%s}', from, to, aggs)
end

-- Percentiles for run.sh, which merges the two wrk processes' latency distributions.
function done(summary, latency, requests)
  local out = {}
  for i = 500, 999 do
    out[#out + 1] = string.format("%.1f=%d", i / 10, latency:percentile(i / 10))
  end
  out[#out + 1] = string.format("100.0=%d", latency.max)
  io.write(string.format("HTTPBENCH requests=%d errors=%d duration_us=%d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration))
  io.write("HTTPBENCH percentiles " .. table.concat(out, " ") .. "\n")
end
