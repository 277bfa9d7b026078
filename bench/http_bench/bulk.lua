-- wrk script: Elasticsearch-style bulk ingest, POST /_bulk with NDJSON bodies of DOCS iptables
-- documents each, as a shipper (Filebeat, Vector) sends parsed firewall lines: the raw line
-- plus ECS fields. Zipf-like scanner addresses, mostly TCP/22, over the last day.
--   wrk ... -s bulk.lua URL -- AUTHORIZATION [DOCS]
-- Events per second = requests per second x DOCS (run.sh prints both). An answer whose
-- "errors" is not false counts as an error.

local kBodies = 16  -- different bodies, rotated, so the store does not see one batch repeated
local docs_per_request = 1000
local bodies = {}
local next_body = 1
item_errors = 0  -- global: done() reads it from each thread with thread:get
local threads = {}

local months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
  "Dec"}
local ports = {22, 22, 22, 22, 22, 22, 23, 80, 443, 445, 3389, 8080, 5900, 1433, 3306}

local function scanner_ip()
  -- A few heavy hitters and a long tail: rank^-1.2, roughly as loggen draws them.
  local rank = math.floor(1 / (math.random() ^ 1.2 + 1e-4))
  local a = 1 + (rank * 37) % 222
  if a == 10 or a == 127 or a == 172 or a == 192 or a == 100 or a == 169 then a = a + 1 end
  return string.format("%d.%d.%d.%d", a, (rank * 101) % 256, (rank * 53) % 256,
    1 + (rank * 7) % 254)
end

local function document(now)
  local t = now - math.random(0, 86399)
  local ms = math.random(0, 999)
  local src = scanner_ip()
  local spt = math.random(1024, 65535)
  local dpt = ports[math.random(#ports)]
  local udp = math.random() < 0.1
  local proto = udp and "UDP" or "TCP"
  local ttl = math.random(40, 250)
  local id = math.random(0, 65535)
  local len = udp and math.random(40, 120) or 60
  local d = os.date("!*t", t)
  local line = string.format(
    "%s %2d %02d:%02d:%02d gw kernel: [UFW BLOCK] IN=eth0 OUT= " ..
    "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=%s DST=198.51.100.10 LEN=%d TOS=0x00 " ..
    "PREC=0x00 TTL=%d ID=%d %sPROTO=%s SPT=%d DPT=%d %s",
    months[d.month], d.day, d.hour, d.min, d.sec, src, len, ttl, id, udp and "" or "DF ", proto,
    spt, dpt, udp and string.format("LEN=%d", len - 20) or "WINDOW=29200 RES=0x00 SYN URGP=0")
  return string.format(
    '{"@timestamp":"%s.%03dZ","message":"%s","host":{"name":"gw"},' ..
    '"event":{"dataset":"firewall","action":"blocked","kind":"event"},' ..
    '"source":{"ip":"%s","port":%d},"destination":{"ip":"198.51.100.10","port":%d},' ..
    '"network":{"transport":"%s"},"observer":{"ingress":{"interface":{"name":"eth0"}}},' ..
    '"iptables":{"ttl":%d,"id":%d,"length":%d}}',
    os.date("!%Y-%m-%dT%H:%M:%S", t), ms, line, src, spt, dpt, proto:lower(), ttl, id, len)
end

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_number", #threads)
end

function init(args)
  local authorization = args[1]
  docs_per_request = tonumber(args[2] or "1000")
  math.randomseed(42 + thread_number)
  local now = os.time()
  for b = 1, kBodies do
    local parts = {}
    for i = 1, docs_per_request do
      parts[#parts + 1] = '{"create":{"_index":"firewall"}}'
      parts[#parts + 1] = document(now)
    end
    bodies[b] = table.concat(parts, "\n") .. "\n"
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = authorization
end

function request()
  local body = bodies[next_body]
  next_body = next_body % kBodies + 1
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"errors":false', 1, true) then
    item_errors = item_errors + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("item_errors") end
  io.write(string.format("HTTPBENCH requests=%d errors=%d duration_us=%d p99_us=%d\n",
    summary.requests, failed + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration, latency:percentile(99)))
end
