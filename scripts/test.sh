#!/usr/bin/env bash
# Builds mcsnoop and runs every test suite (unit, pipeline, e2e; e2e needs root and skips
# without it). Installs what it needs first. Then, in a second build directory, the unit and
# pipeline suites again with AddressSanitizer + UndefinedBehaviorSanitizer (-Dsanitize=true;
# SANITIZE=0 skips this pass). Ends with one line "N passed, N failed, N skipped" over both.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --suite unit    # extra arguments go to `meson test` (first pass only)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
build=${BUILD_DIR:-build}
san_build=${SANITIZE_BUILD_DIR:-build-sanitize}
werror=false
[ "${CI:-}" = true ] && werror=true   # CI builds with warnings as errors

# configure DIR OPTIONS...: sets up DIR once, afterwards only re-applies the options.
configure() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  else
    meson configure "$dir" "$@" >/dev/null
  fi
}

configure "$build" --buildtype=release -Dwerror=$werror
meson compile -C "$build"
status=0
meson test -C "$build" --print-errorlogs --num-processes 1 "$@" || status=$?
logs=("$build/meson-logs/testlog.json")

if [ "${SANITIZE:-1}" != 0 ]; then
  # -O2 with asserts on (debugoptimized) and ASan + UBSan, every report fatal. DPDK runs as in
  # the plain pipeline tests (--no-huge: memory from ordinary mmap, which ASan handles).
  # detect_leaks=0: the EAL keeps its memory, lcore threads and interrupt thread until exit
  # (rte_eal_cleanup frees only part of it), so LeakSanitizer would fail every DPDK test on
  # those; mcsnoop's own leaks are caught by the pipeline tests' mbuf and pool accounting.
  # abort_on_error: a report ends the test with a core-style failure meson records.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # No -Werror here: GCC 12's ASan instrumentation makes -Wstringop-overflow report bounds that
  # do not exist (e.g. in std::vector::resize); the release pass above is the warning gate.
  configure "$san_build" --buildtype=debugoptimized -Dsanitize=true -Dwerror=false -Dfuzz=disabled
  meson compile -C "$san_build"
  meson test -C "$san_build" --print-errorlogs --num-processes 1 --suite unit --suite pipeline \
    --timeout-multiplier 3 || status=$?
  logs+=("$san_build/meson-logs/testlog.json")
fi

# Each skipped test with its reason (its "SKIP: ..." line), so that a test that could not run
# says why here and not only in the meson log.
/usr/bin/python3 - "${logs[@]}" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for line in open(path):
        t = json.loads(line)
        if t.get("result") == "SKIP":
            why = [l for l in (t.get("stdout") or "").splitlines() if l.startswith("SKIP")]
            print("skipped: {}: {}".format(t.get("name"), why[0] if why else "(no reason printed)"))
PY
# The closing line counts meson tests from the JSON logs (skips are not failures).
read -r passed failed skipped < <(/usr/bin/python3 - "${logs[@]}" <<'PY'
import json, sys
p = f = s = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result", "")
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
print(p, f, s)
PY
)
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
