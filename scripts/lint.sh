#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The lint stage (issue 10): house style kept by tools.
#   1. clang-format: every tracked C and C++ file is as .clang-format writes it (no changes);
#   2. clang-tidy: the library's sources (src/, but not the serve tool's src/server/), with the
#      checks of .clang-tidy, every warning an error, on the compile commands of a configured
#      build (default build/ci).
# Usage: scripts/lint.sh [format] [tidy]      (default: both)
# Environment: MNSCREEN_LINT_BUILD (build directory with compile_commands.json, default
# build/ci), MNSCREEN_LINT_JOBS (clang-tidy processes, default 2).
# To fix formatting: git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."

parts="${*:-format tidy}"
build="${MNSCREEN_LINT_BUILD:-build/ci}"
jobs="${MNSCREEN_LINT_JOBS:-2}"
failed=0

if [[ " $parts " == *" format "* ]]; then
  command -v clang-format >/dev/null || { echo "lint: clang-format is not installed"; exit 2; }
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c')
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -ne 0 ]; then
    echo "lint: ${#bad[@]} file(s) differ from clang-format's output:"
    printf '  %s\n' "${bad[@]}"
    clang-format --dry-run "${bad[0]}" 2>&1 | head -n 20
    failed=1
  else
    echo "lint: clang-format: ${#files[@]} files as formatted"
  fi
fi

if [[ " $parts " == *" tidy "* ]]; then
  command -v clang-tidy >/dev/null || { echo "lint: clang-tidy is not installed"; exit 2; }
  [ -f "$build/compile_commands.json" ] ||
    { echo "lint: $build/compile_commands.json is missing (configure a preset first)"; exit 2; }
  mapfile -t sources < <(git ls-files 'src/*.cpp' ':!src/server/*')
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # One clang-tidy per file, $jobs at a time; the output of failing files is kept.
  if ! printf '%s\n' "${sources[@]}" |
    xargs -P "$jobs" -I{} sh -c 'out=$(clang-tidy --quiet --extra-arg=-Wno-unknown-warning-option -p "$0" "$1" 2>&1) ||
      { printf "%s\n" "$out"; exit 1; }' "$build" {} > "$log"; then
    grep -E "(warning|error):" "$log" | sort -u | head -n 60
    echo "lint: clang-tidy found problems (checks in .clang-tidy)"
    failed=1
  else
    echo "lint: clang-tidy: ${#sources[@]} library sources clean"
  fi
fi

exit "$failed"
