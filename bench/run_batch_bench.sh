#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `mnscreen batch` throughput and memory: lines per second with 1 and 2 threads, and peak
# resident memory (/usr/bin/time -v) for 100,000 and 1,000,000 lines, to show that memory does
# not grow with the input. See bench/README.md.
#
#   bench/run_batch_bench.sh [--to-file] [--lines "N ..."] [MNSCREEN [WORKDIR]]
#
# MNSCREEN defaults to build/bench/tools/mnscreen (the `bench` preset: Release). WORKDIR (default:
# a new temporary directory, removed at the end) holds the generated inputs. Reports go to
# /dev/null through standard output unless --to-file is given, in which case they are written
# to WORKDIR/out.ndjson as a user would (temporary file, fsync, rename): 1M reports are ~5 GB.
# --lines "100000" runs only the sizes given (default "100000 1000000").
set -euo pipefail

to_file=0
sizes="100000 1000000"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --to-file) to_file=1; shift ;;
    --lines) sizes="${2:?--lines needs a list of sizes}"; shift 2 ;;
    *) break ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exe="${1:-$here/../build/bench/tools/mnscreen}"
if [[ ! -x "$exe" ]]; then
  echo "run_batch_bench.sh: no mnscreen at $exe (build it: cmake --preset bench &&" \
       "cmake --build --preset bench)" >&2
  exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "run_batch_bench.sh: /usr/bin/time is needed (Debian package: time)" >&2
  exit 2
fi
if [[ -n "${2:-}" ]]; then
  work="$2"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $exe ($("$exe" --version | head -1))"
echo "output: $([[ $to_file == 1 ]] && echo "file $work/out.ndjson" || echo "/dev/null")"
echo

for n in $sizes; do
  input="$work/in-$n.ndjson"
  if [[ ! -s "$input" ]]; then
    python3 "$here/make_batch_input.py" "$n" --bad-every 1000 > "$input"
  fi
done

printf '%-9s %-7s %9s %12s %11s %13s %s\n' \
  lines threads wall_s lines_per_s cpu_user_s peak_rss_MiB status
for n in $sizes; do
  input="$work/in-$n.ndjson"
  for t in 1 2; do
    args=(batch --input "$input" --errors "$work/err-$n-$t.ndjson" --threads "$t")
    if [[ $to_file == 1 ]]; then
      args+=(--output "$work/out.ndjson")
      out=/dev/null
    else
      out=/dev/null
    fi
    set +e
    /usr/bin/time -v "$exe" "${args[@]}" > "$out" 2> "$work/time.txt"
    status=$?
    set -e
    wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}' |
           awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    user=$(grep 'User time' "$work/time.txt" | awk '{print $NF}')
    rss_kb=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
    rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
    rss=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
    printf '%-9s %-7s %9s %12s %11s %13s %s\n' "$n" "$t" "$wall" "$rate" "$user" "$rss" "$status"
    rm -f "$work/out.ndjson"
  done
done
echo
echo "status 2 = some lines failed (the input has one bad line in 1000, on purpose); errors in"
echo "$work/err-*.ndjson"
