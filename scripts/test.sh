#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the whole test suite, as CI does (.ci/run calls exactly this):
#   1. installs the dependencies (scripts/install-deps.sh);
#   2. the `ci` workflow: configure, build with warnings as errors, ctest (unit, rule, JSON, CLI,
#      batch, FHIR, model, property, regression and package tests; examples);
#   3. scripts/test-stages.sh: lint (clang-format, clang-tidy), the whole suite again under
#      AddressSanitizer + UBSan, the concurrency tests under ThreadSanitizer, and every libFuzzer
#      target for a bounded time.
# Any failing test, sanitizer report or fuzz crash makes it exit non-zero.
#
# MNSCREEN_TEST_STAGES chooses the stages of step 3 (default "lint asan tsan fuzz"; empty: none):
#   MNSCREEN_TEST_STAGES= bash scripts/test.sh          # the ci workflow only
#   MNSCREEN_TEST_STAGES=tsan bash scripts/test.sh      # the ci workflow, then TSan
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/install-deps.sh
cmake --workflow --preset ci
printf '=== test.sh: ci workflow done at %ds ===\n' $((SECONDS - started))
stages="${MNSCREEN_TEST_STAGES-lint asan tsan fuzz}"
if [ -n "$stages" ]; then
  MNSCREEN_STAGES="$stages" bash scripts/test-stages.sh
fi
printf '=== test.sh: all passed in %ds ===\n' $((SECONDS - started))
