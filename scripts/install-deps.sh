#!/usr/bin/env bash
# Installs mnscreen's build and test dependencies from Debian bookworm packages.
# Idempotent: does nothing when everything is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake git
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev libboost-math1.81-dev
  libeigen3-dev catch2 libbenchmark-dev librapidcheck-dev
  clang libclang-rt-14-dev time python3
  lld  # the build links with lld when present (cmake/linker.cmake): faster test links
  clang-format clang-tidy  # issue 10: the lint stage (scripts/lint.sh)
  # issue 12: the Python package (pybind11) and population screening on Dask; tests via pytest
  python3-dev
  pybind11-dev
  python3-pybind11
  python3-dask
  python3-distributed
  python3-pytest
  chromium  # HTML report: headless browser test renders it to PDF/PNG (issue 11)
  poppler-utils  # HTML report: pdfinfo/pdftotext check the rendered PDF (issue 11)
  libsqlite3-dev  # issue 15: audit trail (src/audit)
  libssl-dev  # issue 15: SHA-256 of patient references in the audit trail (src/audit)
  wrk  # issue 15: load benchmark of mnscreen serve (bench/serve_load.sh); libssl-dev above also serves src/server
  python3-cryptography  # issue 15: signed tokens for the load benchmark's secured phases (bench/serve_tokens.py)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all dependencies are installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
