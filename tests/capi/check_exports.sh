#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# usage: check_exports.sh LIBRARY EXPECTED_SONAME
# Fails unless every defined dynamic symbol of LIBRARY is a mnscreen_* function (the version
# node MNSCREEN_C_1 aside), the C API's functions are there, and the SONAME is EXPECTED_SONAME.
set -eu
lib=$1
soname=$2
symbols=$(nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }')
count=$(printf '%s\n' "$symbols" | grep -c . || true)
others=$(printf '%s\n' "$symbols" | grep -v '^mnscreen_' || true)
if [ -n "$others" ]; then
  echo "symbols other than mnscreen_* are exported:"; printf '%s\n' "$others" | head -20
  exit 1
fi
for f in mnscreen_screener_new mnscreen_screen mnscreen_screen_fhir mnscreen_rules_json \
         mnscreen_policy_json mnscreen_string_free mnscreen_error_free mnscreen_version; do
  printf '%s\n' "$symbols" | grep -qx "$f" || { echo "missing export: $f"; exit 1; }
done
actual=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$actual" != "$soname" ]; then
  echo "SONAME is '$actual', expected '$soname'"; exit 1
fi
echo "$count exported symbols, all mnscreen_*; SONAME $actual"
