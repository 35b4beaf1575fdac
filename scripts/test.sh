#!/usr/bin/env bash
# Runs the whole test suite: installs the dependencies, then the `ci` workflow (warnings as
# errors; unit, rule, JSON, CLI, batch, FHIR, model, property and package tests; examples)
# through ctest.
#
# The sanitizer and fuzz stages (scripts/test-stages.sh: ASan+UBSan over the whole suite, TSan
# over the concurrency tests, libFuzzer targets) run when MNSCREEN_TEST_STAGES names them, e.g.
#   MNSCREEN_TEST_STAGES="asan tsan fuzz" bash scripts/test.sh
# They are not yet part of the default run: they have not been timed and passed on a clean
# clone within CI's budget (issue 4 is open for that).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --workflow --preset ci
if [ -n "${MNSCREEN_TEST_STAGES:-}" ]; then
  MNSCREEN_STAGES="$MNSCREEN_TEST_STAGES" bash scripts/test-stages.sh
fi
