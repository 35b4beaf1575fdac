#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The CI stages after the `ci` workflow (issue 4; scripts/test.sh runs this file when present):
#   0. lint: clang-format on every C/C++ file, clang-tidy on the library (scripts/lint.sh, on
#      the compile commands of build/ci);
#   1. AddressSanitizer + UndefinedBehaviorSanitizer: the whole test suite (preset `asan`);
#   2. ThreadSanitizer: the tests labelled `concurrency` (preset `tsan`);
#   3. libFuzzer: every fuzz target (preset `fuzz`, clang) for a bounded time each.
# Any lint finding, sanitizer report, failing test or fuzz crash makes this script exit non-zero.
#
# Environment:
#   MNSCREEN_FUZZ_SECONDS  seconds per fuzz target (default 30)
#   MNSCREEN_FUZZ_DIR      fuzz build directory (default build/fuzz)
#   MNSCREEN_FUZZ_JOBS     fuzz targets run at a time, one core each (default 2)
#   MNSCREEN_STAGES        stages to run, e.g. "asan tsan fuzz" (default: all four)
# docs/testing.md says how to fuzz longer by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds="${MNSCREEN_FUZZ_SECONDS:-30}"
fuzz_dir="${MNSCREEN_FUZZ_DIR:-build/fuzz}"
fuzz_jobs="${MNSCREEN_FUZZ_JOBS:-2}"
stages="${MNSCREEN_STAGES:-lint asan tsan fuzz}"

# The programs whose tests carry the `concurrency` label (tests/unit, tests/batch,
# tests/property). A new program with that label must be added here (docs/testing.md).
tsan_targets=(concurrency_tests batch_concurrency_tests property_concurrency_tests
  audit_concurrency_tests server_concurrency_tests)

started=$SECONDS
stage_started=$SECONDS
stage() {
  stage_started=$SECONDS
  printf '\n=== test-stages: %s ===\n' "$*"
}
stage_done() {
  printf '=== test-stages: %s done in %ds ===\n' "$1" $((SECONDS - stage_started))
}
wants() { [[ " $stages " == *" $1 "* ]]; }

# --- 0. lint ------------------------------------------------------------------------------------
if wants lint; then
  stage "0/3 lint: clang-format, clang-tidy on the library (scripts/lint.sh)"
  if [ ! -f build/ci/compile_commands.json ]; then cmake --preset ci > /dev/null; fi
  bash scripts/lint.sh
  stage_done lint
fi

# --- 1. ASan + UBSan ---------------------------------------------------------------------------
if wants asan; then
  stage "1/3 AddressSanitizer + UBSan: the whole test suite (preset asan)"
  cmake --preset asan
  cmake --build --preset asan
  # The preset's environment aborts on the first report (abort_on_error, halt_on_error), so a
  # report fails its test; ctest prints the summary and the failing tests' output.
  ctest --preset asan
  stage_done asan
fi

# --- 2. TSan -----------------------------------------------------------------------------------
if wants tsan; then
  stage "2/3 ThreadSanitizer: tests labelled concurrency (preset tsan)"
  cmake --preset tsan
  known_targets="$(cmake --build --preset tsan --target help)"
  build_targets=()
  for t in "${tsan_targets[@]}"; do
    if grep -qE "(^|[ .])$t\$" <<< "$known_targets"; then build_targets+=("$t"); fi
  done
  cmake --build --preset tsan --target "${build_targets[@]}"
  ctest --preset tsan
  stage_done tsan
fi

# --- 3. libFuzzer ------------------------------------------------------------------------------
if wants fuzz; then
  stage "3/3 libFuzzer: each target for ${fuzz_seconds}s (preset fuzz, clang)"
  if [ "$fuzz_dir" = build/fuzz ]; then
    cmake --preset fuzz
  else
    cmake --preset fuzz -B "$fuzz_dir"
  fi
  cmake --build "$fuzz_dir" -j2 --target mnscreen_fuzz

  # Seeds made at run time, next to the committed ones (fuzz/corpus/<target>/):
  # - FHIR: small pieces of a few shared Synthea bundles (they may not be copied into the
  #   project, and whole bundles are too large to mutate quickly);
  # - outcome lines and a model file written by the current `mnscreen` tool, if the ci stage
  #   built it (the committed ones may lag behind the feature list).
  seeds="$fuzz_dir/fuzz/seeds"
  rm -rf "$seeds"
  mkdir -p "$seeds"/fuzz_fhir "$seeds"/fuzz_outcomes "$seeds"/fuzz_model_file
  bundles="../shared/fhir/bundles"
  if [ -d "$bundles" ]; then
    python3 fuzz/make_fhir_seeds.py "$bundles" "$seeds/fuzz_fhir" \
      synthea-r4-16b9a4bc synthea-r4-4dd15313 synthea-r4-79dabd54
  fi
  tool="build/ci/tools/mnscreen"
  if [ -x "$tool" ]; then
    "$tool" simulate --n 300 --seed 11 --out "$seeds/fuzz_outcomes/simulated.jsonl"
    head -n 3 "$seeds/fuzz_outcomes/simulated.jsonl" > "$seeds/fuzz_outcomes/three.jsonl"
    "$tool" fit --outcomes "$seeds/fuzz_outcomes/simulated.jsonl" --folds 0 --name seed \
      --fitted-on 2026-11-25 --out "$seeds/fuzz_model_file/fitted.json" > /dev/null
    rm "$seeds/fuzz_outcomes/simulated.jsonl"
  fi

  # Each target runs on one core; MNSCREEN_FUZZ_JOBS targets at a time (default 2: the cores).
  out="$fuzz_dir/fuzz/last-run"
  rm -rf "$out"
  mkdir -p "$out" "$fuzz_dir/fuzz/artifacts"
  run_target() {
    local target="$1"
    local work="$fuzz_dir/fuzz/corpus-work/$target"
    local dict="fuzz/mnscreen.dict" max_len=16384
    if [ "$target" = fuzz_fhir ]; then
      dict="fuzz/fhir.dict"
      max_len=32768
    fi
    mkdir -p "$work"
    local corpora=("$work" "fuzz/corpus/$target")
    if [ -d "$seeds/$target" ] && [ -n "$(ls -A "$seeds/$target")" ]; then
      corpora+=("$seeds/$target")
    fi
    local t0=$SECONDS rc=0
    # New inputs go to the work corpus (first directory); crashes to the artifacts directory.
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      "$fuzz_dir/fuzz/$target" -max_total_time="$fuzz_seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len="$max_len" -dict="$dict" -print_final_stats=1 \
      -artifact_prefix="$fuzz_dir/fuzz/artifacts/$target-" "${corpora[@]}" \
      > "$out/$target.log" 2>&1 || rc=$?
    echo "$rc $((SECONDS - t0))" > "$out/$target.result"
  }
  mapfile -t targets < <(grep -v '^$' "$fuzz_dir/fuzz/targets.txt")
  for target in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$fuzz_jobs" ]; do wait -n || true; done
    echo "--- $target: ${fuzz_seconds}s"
    run_target "$target" &
  done
  wait

  summary="$fuzz_dir/fuzz/fuzz-summary.md"
  {
    echo "| target | seconds | executions | exec/s | coverage (cov) | features (ft) | corpus |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  } > "$summary"
  failed=()
  for target in "${targets[@]}"; do
    log="$out/$target.log"
    read -r rc elapsed < "$out/$target.result"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<< "$last")
    echo "| $target | $elapsed | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} |" \
      >> "$summary"
    if [ "$rc" -ne 0 ]; then
      echo "FUZZ FAILURE in $target (exit $rc): the last lines of $log:"
      tail -n 40 "$log"
      ls "$fuzz_dir/fuzz/artifacts/$target"-* 2>/dev/null || true
      failed+=("$target")
    fi
  done
  echo
  echo "Fuzz summary (also in $summary):"
  cat "$summary"
  if [ ${#failed[@]} -ne 0 ]; then
    echo "test-stages: fuzz targets failed: ${failed[*]}"
    echo "Reproduce: $fuzz_dir/fuzz/<target> <artifact>; docs/testing.md has the steps."
    exit 1
  fi
  stage_done fuzz
fi

printf '\n=== test-stages: all stages passed in %ds ===\n' $((SECONDS - started))
