#!/usr/bin/env bash
# scripts/demo.sh builds only what it runs, in a tree of its own: its TARGETS are real targets
# of this build (a renamed tool would make the demo fail before showing anything), and its
# default build directory is not the one scripts/test.sh uses (a root-owned build/ left by
# `sudo scripts/demo.sh` would break a later `scripts/test.sh` as a normal user).
#
#   check_demo_build.sh SOURCE_ROOT BUILD_DIR MESON
# shellcheck disable=SC2016  # the sed/grep patterns match a literal $ in the scripts
set -uo pipefail
src=$1 build=$2 meson=$3
demo=$src/scripts/demo.sh test_sh=$src/scripts/test.sh
fails=0

targets=$(sed -n 's/^TARGETS=(\(.*\))$/\1/p' "$demo")
if [ -z "$targets" ]; then
  echo "FAIL: scripts/demo.sh has no TARGETS=(...) list: it would build everything"
  exit 1
fi
known=$("$meson" introspect "$build" --targets | /usr/bin/python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    for f in t["filename"]:
        print(os.path.relpath(f, sys.argv[1]))' "$build")
for t in $targets; do
  if grep -qx "$t" <<<"$known"; then echo "ok: demo target $t exists"; else echo "FAIL: demo target $t is not a target of this build"; fails=$((fails + 1)); fi
done

demo_dir=$(sed -n 's/^BUILD=\${BUILD_DIR:-\$ROOT\/\([^}]*\)}$/\1/p' "$demo")
test_dir=$(sed -n 's/^build=\${BUILD_DIR:-\([^}]*\)}$/\1/p' "$test_sh")
if [ -n "$demo_dir" ] && [ "$demo_dir" != "$test_dir" ]; then
  echo "ok: demo builds in $demo_dir, test.sh in $test_dir"
else
  echo "FAIL: demo build dir '$demo_dir' is test.sh's '$test_dir' (or unreadable)"; fails=$((fails + 1))
fi
if grep -q 'chown -R "\$SUDO_UID' "$demo"; then
  echo "ok: demo hands its tree back to SUDO_UID"
else
  echo "FAIL: demo does not hand its tree back under sudo"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
