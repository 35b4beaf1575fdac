#!/usr/bin/env bash
# Runs the whole test suite: installs the dependencies, then the `ci` workflow (warnings as
# errors, unit/rule/JSON/CLI/FHIR/model tests, examples, package test) through ctest.
# Further stages (sanitizers, fuzzing) are added by scripts/test-stages.sh when present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --workflow --preset ci
if [ -f scripts/test-stages.sh ]; then
  bash scripts/test-stages.sh
fi
