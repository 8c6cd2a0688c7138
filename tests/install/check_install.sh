#!/usr/bin/env bash
# `meson install --destdir` into a temporary directory, then checks what an operator gets:
# both executables (running, with the project version), the systemd unit pointing at them and
# at share/doc/mcsnoop, man pages that render without warnings and name every option and
# command the executables' --help lists, the bash completion, the documentation.
#
#   check_install.sh MESON BUILD_DIR PREFIX BINDIR DATADIR MANDIR VERSION
# Exit 0 pass, 1 fail, 77 skip (says why).
# shellcheck disable=SC2015  # `test && ok ... || fail ...`: ok always succeeds
set -uo pipefail
meson=$1 build=$2 prefix=$3 bindir=$4 datadir=$5 mandir=$6 version=$7

dest=$(mktemp -d "${TMPDIR:-/tmp}/mcsnoop-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

if ! "$meson" install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest.log" 2>&1; then
  cat "$dest.log"; rm -f "$dest.log"
  echo "FAIL: meson install --destdir failed"
  exit 1
fi
rm -f "$dest.log"

abs() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
root=$dest
bin=$root$(abs "$bindir")
share=$root$(abs "$datadir")
man8=$root$(abs "$mandir")/man8
doc=$share/doc/mcsnoop
unit=$(find "$root" -name mcsnoop.service -path '*systemd/system*' | head -1)

for f in "$bin/mcsnoop" "$bin/mcsnoopctl" "$man8/mcsnoop.8" "$man8/mcsnoopctl.8" \
         "$share/bash-completion/completions/mcsnoopctl" "$doc/README.md" "$doc/configuration.md" \
         "$doc/operations.md" "$doc/control-socket.md" "$doc/security.md" "$doc/examples/example-access.yaml"; do
  [ -f "$f" ] && ok "installed ${f#"$root"}" || fail "missing ${f#"$root"}"
done
[ -n "$unit" ] && ok "installed ${unit#"$root"}" || fail "no mcsnoop.service under lib/systemd/system"

# The executables run from where they were installed.
for b in mcsnoop mcsnoopctl; do
  out=$("$bin/$b" --version 2>&1)
  [ "$out" = "$b $version" ] && ok "$b --version: $out" || fail "$b --version printed '$out', want '$b $version'"
done

# The unit starts the installed binary and documents itself from share/doc/mcsnoop.
if [ -n "$unit" ]; then
  want_bin=$(abs "$bindir")/mcsnoop
  grep -q "^ExecStart=$want_bin " "$unit" && ok "unit ExecStart=$want_bin" || fail "unit does not start $want_bin: $(grep ^ExecStart= "$unit")"
  grep -q "^Documentation=.*$(abs "$datadir")/doc/mcsnoop/" "$unit" && ok "unit Documentation= in share/doc/mcsnoop" ||
    fail "unit Documentation= does not point at share/doc/mcsnoop: $(grep ^Documentation= "$unit")"
  # systemd itself parses the unit (every key and value), run against the binaries just
  # installed under DESTDIR. A systemd without systemd-analyze skips this check, and says so.
  if command -v systemd-analyze >/dev/null; then
    work=$(mktemp -d)
    sed "s#$(abs "$bindir")/mcsnoopctl #$bin/mcsnoopctl #g; s#$want_bin #$bin/mcsnoop #g" "$unit" > "$work/mcsnoop.service"
    if out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$work/mcsnoop.service" 2>&1) && [ -z "$out" ]; then
      ok "systemd-analyze verify: unit parses cleanly"
    else
      fail "systemd-analyze verify: $out"
    fi
    rm -rf "$work"
  else
    echo "SKIP systemd-analyze verify: systemd-analyze is not installed"
  fi
fi

# Man pages: substituted, rendered without warnings (groff -ww), and in step with --help.
for page in mcsnoop mcsnoopctl; do
  f=$man8/$page.8
  [ -f "$f" ] || continue
  grep -q '@[A-Z]*@' "$f" && fail "$page.8 has unsubstituted @VARS@"
  grep -q "mcsnoop $version" "$f" && ok "$page.8 carries version $version" || fail "$page.8 lacks the version"
  if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
    [ -z "$warnings" ] && ok "$page.8 renders (groff -man -ww)" || fail "$page.8: groff says: $warnings"
  elif command -v man >/dev/null; then
    env MANPAGER=cat man -l "$f" >/dev/null 2>&1 && ok "$page.8 renders (man -l)" || fail "$page.8 does not render"
  else
    echo "note: neither groff nor man installed: rendering of $page.8 not checked"
  fi
done
text() { groff -man -Tascii -P -c "$1" 2>/dev/null | col -b 2>/dev/null || sed 's/\\-/-/g' "$1"; }
if [ -f "$man8/mcsnoop.8" ]; then
  page=$(text "$man8/mcsnoop.8")
  for opt in $("$bin/mcsnoop" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$opt" <<<"$page" && ok "mcsnoop.8 documents $opt" || fail "mcsnoop.8 does not document $opt (in mcsnoop --help)"
  done
fi
if [ -f "$man8/mcsnoopctl.8" ]; then
  page=$(text "$man8/mcsnoopctl.8")
  help=$("$bin/mcsnoopctl" --help)
  # "  show groups ..." / "  port enable NAME ..." lines: the command words.
  while read -r cmd; do
    [ -n "$cmd" ] || continue
    grep -q -- "$cmd" <<<"$page" && ok "mcsnoopctl.8 documents '$cmd'" || fail "mcsnoopctl.8 does not document '$cmd' (in mcsnoopctl --help)"
  done < <(sed -n 's/^  \(show [a-z]*\|clear [a-z]*\|port enable\|reload\|explain\)\b.*/\1/p' <<<"$help" | sort -u)
  # shellcheck disable=SC2013  # options are single words
  for opt in $(grep -o -- "--[a-z][a-z-]*" <<<"$help" | sort -u); do
    grep -q -- "$opt" <<<"$page" && ok "mcsnoopctl.8 documents $opt" || fail "mcsnoopctl.8 does not document $opt"
  done
fi

# The completion is valid bash and offers every `show` topic of --help.
comp=$share/bash-completion/completions/mcsnoopctl
if [ -f "$comp" ]; then
  bash -n "$comp" && ok "completion parses" || fail "completion has a syntax error"
  offered=$(bash -c 'source "$1"; COMP_WORDS=(mcsnoopctl show ""); COMP_CWORD=2; _mcsnoopctl; echo "${COMPREPLY[*]}"' _ "$comp")
  for topic in $("$bin/mcsnoopctl" --help | sed -n 's/^  show \([a-z]*\).*/\1/p'); do
    grep -qw "$topic" <<<"$offered" && ok "completion offers show $topic" || fail "completion does not offer show $topic"
  done
fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
