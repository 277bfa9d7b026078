#!/usr/bin/env bash
# `make run` on a machine without a firewall log: scripts/run starts the demo (generated history
# and live lines tailed by the normal pipeline) and serves the dashboard. Checks, against the
# running demo: the admin password is printed once, /health answers, the dashboard page is
# served, the login works, and stored events — with their countries — come back from the API,
# and their number grows as live lines arrive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM -- "-$pid" 2>/dev/null || true
  sleep 0.5
  [ -n "${pid:-}" ] && kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- scripts/run output:"; tail -n 40 "$tmp/out"; exit 1; }
# The whole answer first, then the match: `curl | grep -q` fails under pipefail whenever grep
# stops reading before curl has written everything (SIGPIPE).
has() { local body; body=$(curl "${@:2}" 2>/dev/null || true); grep -q -- "$1" <<<"$body"; }

# setsid: the script, its generator and perimeter form one process group to stop at the end.
PERIMETER_DEMO=1 PERIMETER_DATA_DIR="$tmp/data" setsid "$root/scripts/run" \
  --listen "127.0.0.1:$port" >"$tmp/out" 2>&1 &
pid=$!

password=""
for _ in $(seq 1 300); do
  password=$(sed -n "s/.*the password: \([^ ]*\) .*/\1/p" "$tmp/out" | head -n 1 || true)
  [ -n "$password" ] && break
  kill -0 "$pid" 2>/dev/null || fail "scripts/run exited early"
  sleep 0.2
done
[ -n "$password" ] || fail "no admin password printed"
grep -q "running the demo" "$tmp/out" || fail "the demo did not start"

url="https://127.0.0.1:$port"
for _ in $(seq 1 300); do
  has '"ok"' -sk "$url/health" && break
  sleep 0.2
done
has '"ok"' -sk "$url/health" || fail "/health does not answer"
# A browser (Accept: text/html) without a session is sent to the login page; the JSON login
# opens a session; the dashboard's page and script are served. (A client without
# Accept: text/html gets Elasticsearch's banner at /, as Elasticsearch clients expect.)
has "<form" -skL -H 'Accept: text/html' "$url/" || fail "no login page"
has '"csrf_token"' -sk -H 'Content-Type: application/json' \
  -d "{\"user\":\"admin\",\"password\":\"$password\"}" "$url/login" ||
  fail "the login did not open a session"
has '<script src="/app.js"' -sk -u "admin:$password" "$url/index.html" || fail "no dashboard page"
has 200 -sk -u "admin:$password" -o /dev/null -w '%{http_code}' "$url/app.js" ||
  fail "no dashboard script"
has 401 -sk -u "admin:wrong-$password" -o /dev/null -w '%{http_code}' "$url/api/v1/search" ||
  fail "a wrong password was not refused"

count() {
  curl -sk -u "admin:$password" "$url/api/v1/search?q=*&from=now-60d&size=0" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"]["total"])' 2>/dev/null || echo 0
}
first=0
for _ in $(seq 1 300); do
  first=$(count)
  [ "$first" -gt 1000 ] && break
  sleep 0.2
done
[ "$first" -gt 1000 ] || fail "the demo history was not stored (total $first)"
countries=$(curl -sk -u "admin:$password" "$url/api/v1/search" -H 'Content-Type: application/json' \
  -d '{"from":"now-60d","size":0,"aggs":{"c":{"terms":{"field":"source.geo.country_iso_code","size":5}}}}' |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["aggregations"]["c"]["buckets"]))')
[ "$countries" -ge 3 ] || fail "events carry no countries ($countries)"
# Live lines keep coming (the generator writes a few per second).
for _ in $(seq 1 100); do
  [ "$(count)" -gt "$first" ] && break
  sleep 0.2
done
[ "$(count)" -gt "$first" ] || fail "no live events after the history ($first)"
echo "demo mode: $first events of history, $countries+ countries, live events arriving"
