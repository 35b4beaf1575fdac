#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load benchmark of `mnscreen serve` (issue 15, "Speed"): wrk on loopback only, bounded in time.
# patient-view with a realistic prefetch (~50 resources, bench/serve_prefetch.py) at 1, 16 and
# 64 connections, and GET /healthz in the same run as the HTTP floor; the server's memory (RSS)
# after each phase. Figures go to bench/README.md.
#
#   bench/serve_load.sh [path/to/mnscreen]      (default build/ci/tools/mnscreen)
# Environment: SERVE_BENCH_SECONDS (per phase, default 10), SERVE_BENCH_THREADS (server pool,
# default 2), SERVE_BENCH_WRK_THREADS (default 2), SERVE_BENCH_MEMORY_SECONDS (the memory
# phase, default 30), SERVE_BENCH_THINK_MS (the paced phases' think times in whole ms, default
# "6 4 3"), SERVE_BENCH_SECURED_THINK_MS (the same for the phases with signed tokens, default
# "6"), SERVE_BENCH_SECURED=0 (leave the signed-token phases out).
#
# Tokens: each call needs a fresh JWT (jti is never accepted twice), which wrk cannot sign, so
# the main phases run the server with --insecure-dev; the secured phases at the end send tokens
# signed beforehand (bench/serve_tokens.py), one per request.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/ci/tools/mnscreen}"
seconds="${SERVE_BENCH_SECONDS:-10}"
pool="${SERVE_BENCH_THREADS:-2}"
wrk_threads="${SERVE_BENCH_WRK_THREADS:-2}"
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (Debian package wrk)"; exit 2; }
[ -x "$bin" ] || { echo "serve_load: $bin is not built"; exit 2; }

work="$(mktemp -d)"
server_pid=""
# Stops the server started last (if any): SIGTERM, then waits for its drain.
stop_server() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

/usr/bin/python3 bench/serve_prefetch.py > "$work/patient-view.json" 2> "$work/resources.txt"
cp examples/data/plan-cheeks-pen.json "$work/plan.json"
cat > "$work/serve.json" <<JSON
{"schema": "mnscreen.serve/1", "listen": "127.0.0.1:0", "threads": $pool,
 "base_url": "http://127.0.0.1", "default_plan": "plan.json", "access_log": "access.jsonl",
 "audit_db": "audit.db", "max_connections": 256}
JSON
cat > "$work/post.lua" <<'LUA'
local f = io.open(os.getenv("SERVE_BENCH_BODY"), "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

# start_server CONFIG ACCESS_LOG [flags...]: starts the server, sets server_pid and base.
start_server() {
  local config="$1" log="$2"; shift 2
  "$bin" serve --config "$config" "$@" 2> "$work/stderr.log" &
  server_pid=$!
  local port=""
  for _ in $(seq 1 500); do
    port="$(grep -o '"address":"127.0.0.1:[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && break
    sleep 0.02
  done
  [ -n "$port" ] || { echo "serve_load: the server did not start"; cat "$work/stderr.log"; exit 1; }
  base="http://127.0.0.1:$port"
}
start_server "$work/serve.json" "$work/access.jsonl" --insecure-dev
# Sanity: the hook answers 200 with cards.
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/patient-view.json" \
  "$base/cds-services/mnscreen-patient-view" > "$work/cards.json"
echo "serve_load: $(cat "$work/resources.txt") in the prefetch ($(wc -c < "$work/patient-view.json") bytes); server pool $pool threads; $seconds s per phase; $(nproc) cores"
echo "serve_load: response: $(head -c 200 "$work/cards.json")..."

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# The server's CPU time (user + system) in clock ticks: CPU per request is a figure that the
# other processes of a shared machine do not distort as much as latency.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz="$(getconf CLK_TCK)"
hwm() { awk '/VmHWM/ {print $2}' "/proc/$server_pid/status"; }
echo "serve_load: RSS at start $(rss) kB"
printf '%-14s %5s %10s %10s %10s %12s %10s %12s\n' endpoint conns p50 p99 req/s requests rss_kB cpu_us/req
run() {  # name connections url [lua]
  local name="$1" conns="$2" url="$3" script="${4:-}"
  local threads=$wrk_threads
  [ "$conns" -lt "$threads" ] && threads=$conns
  local out cpu0 cpu1
  cpu0="$(cpu_ticks)"
  if [ -n "$script" ]; then
    out="$(SERVE_BENCH_BODY="$work/patient-view.json" wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency -s "$script" "$url")"
  else
    out="$(wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency "$url")"
  fi
  cpu1="$(cpu_ticks)"
  local p50 p99 rps reqs non2xx
  p50="$(awk '/^ +50%/ {print $2}' <<< "$out")"
  p99="$(awk '/^ +99%/ {print $2}' <<< "$out")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<< "$out")"
  reqs="$(awk '/requests in/ {print $1}' <<< "$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<< "$out")"
  printf '%-14s %5s %10s %10s %10s %12s %10s %12s\n' "$name" "$conns" "$p50" "$p99" "$rps" "$reqs" "$(rss)" \
    "$(awk -v t=$((cpu1 - cpu0)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}')"
  if [ -n "$non2xx" ] || grep -q "Socket errors" <<< "$out"; then
    echo "serve_load: $name at $conns connections had errors:"; grep -E "Non-2xx|Socket errors" <<< "$out"
  fi
}
for c in 1 16 64; do
  run healthz "$c" "$base/healthz"
  run patient-view "$c" "$base/cds-services/mnscreen-patient-view" "$work/post.lua"
done
# A paced load: 16 connections, each waiting SERVE_BENCH_THINK_MS between its answer and its
# next request (wrk's delay()), so the rate is set by the load and not by the server's speed.
# At saturation (the phases above) wrk keeps every connection busy and the mean latency is
# connections / throughput whatever the server does; here the latency is the server's answer
# time at a given rate. wrk takes whole milliseconds; the default think times (6 4 3) put 16
# connections at about 2,200 req/s (just above the issue's throughput goal), 3,000 and 3,700.
for think in ${SERVE_BENCH_THINK_MS:-6 4 3}; do
  { cat "$work/post.lua"; echo "function delay() return $think end"; } > "$work/paced.lua"
  run "paced-${think}ms" 16 "$base/cds-services/mnscreen-patient-view" "$work/paced.lua"
done
# Memory over many hook calls: patient-view only, SERVE_BENCH_MEMORY_SECONDS (default 30).
seconds="${SERVE_BENCH_MEMORY_SECONDS:-30}" run patient-view "16" "$base/cds-services/mnscreen-patient-view" "$work/post.lua"
echo "serve_load: RSS at end $(rss) kB, peak $(hwm) kB"
echo "serve_load: requests logged $(grep -c '"route"' "$work/access.jsonl")"

# Secured phases: the same paced load with a signed bearer token on every call (the phases
# above run --insecure-dev, since wrk cannot sign). A second server trusts a key made for the
# run (bench/serve_tokens.py), and each request carries a token not used before (`jti` is never
# accepted twice): ES384 (P-384) and RS384 (RSA 2048), SERVE_BENCH_SECURED_THINK_MS (default
# "6"). SERVE_BENCH_SECURED=0 leaves them out.
[ "${SERVE_BENCH_SECURED:-1}" = 0 ] && exit 0
stop_server
aud="http://127.0.0.1/cds-services/mnscreen-patient-view"
cat > "$work/secured.lua" <<'LUA'
-- Each wrk thread takes its own file of tokens (setup numbers the threads) and sends each token
-- once; a thread that runs out sends "exhausted", which the server answers 401 (counted).
local threads_made = 0
function setup(thread)
  thread:set("tid", threads_made)
  threads_made = threads_made + 1
end
function init(args)
  tokens = {}
  for line in io.lines(os.getenv("SERVE_BENCH_TOKENS") .. "." .. tid) do tokens[#tokens + 1] = line end
  next_token = 1
  local f = io.open(os.getenv("SERVE_BENCH_BODY"), "r")
  body = f:read("*a")
  f:close()
end
function request()
  local t = tokens[next_token] or "exhausted"
  next_token = next_token + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["Authorization"] = "Bearer " .. t}, body)
end
LUA
for alg in ES384 RS384; do
  cat > "$work/serve-$alg.json" <<JSON
{"schema": "mnscreen.serve/1", "listen": "127.0.0.1:0", "threads": $pool,
 "base_url": "http://127.0.0.1", "default_plan": "plan.json", "access_log": "access-$alg.jsonl",
 "audit_db": "audit-$alg.db", "max_connections": 256,
 "trusted_issuers": [{"iss": "https://ehr.bench", "jwks_file": "jwks-$alg.json"}]}
JSON
  for think in ${SERVE_BENCH_SECURED_THINK_MS:-6}; do
    # Enough tokens for 16 connections whose answers took no time at all, and a tenth more.
    count=$(( (16 * 1000 / think) * seconds * 11 / 10 + 100 ))
    /usr/bin/python3 bench/serve_tokens.py --alg "$alg" --count "$count" --parts "$wrk_threads" \
      --iss https://ehr.bench --aud "$aud" --jwks "$work/jwks-$alg.json" --out "$work/tokens-$alg"
    start_server "$work/serve-$alg.json" "$work/access-$alg.jsonl"
    { cat "$work/secured.lua"; echo "function delay() return $think end"; } > "$work/secured-run.lua"
    SERVE_BENCH_TOKENS="$work/tokens-$alg" run "$alg-${think}ms" 16 "$base/cds-services/mnscreen-patient-view" "$work/secured-run.lua"
    stop_server
  done
done
