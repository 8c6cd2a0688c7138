#!/usr/bin/env bash
# Builds mcsnoop and runs every test suite (unit, pipeline, e2e; e2e needs root and skips
# without it). Installs what it needs first. Ends with the line "N passed, N failed".
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --suite unit    # extra arguments go to `meson test`
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
build=${BUILD_DIR:-build}
werror=false
[ "${CI:-}" = true ] && werror=true   # CI builds with warnings as errors
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release -Dwerror=$werror >/dev/null
else
  meson configure "$build" -Dwerror=$werror >/dev/null
fi
meson compile -C "$build"

status=0
meson test -C "$build" --print-errorlogs --num-processes 1 "$@" || status=$?

# The closing line counts meson tests from the JSON log (skips are not failures).
read -r passed failed skipped < <(/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
