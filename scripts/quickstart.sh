#!/usr/bin/env bash
# Installs the dependencies, builds mnscreen (release preset) and runs the main example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --workflow --preset release
./build/release/examples/screen_basic
