#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup and the wait predicates run indirectly (trap, wait_until)
# The README's demo: mcsnoop snooping IGMP and MLD between a multicast router and three hosts.
#
#   scripts/demo.sh          (as root; or sudo scripts/demo.sh; BUILD_DIR=... for another tree)
#
# 1. installs the dependencies (scripts/setup.sh) and builds only what the demo runs (mcsnoop,
#    mcsnoopctl and three tools, no tests) into build-demo/, a tree of its own: under sudo it
#    is handed back to the invoking user at exit, so nothing root-owned is left in the way of
#    a later `scripts/test.sh` (which builds in build/);
# 2. writes the demo traffic, one pcap per port and phase (tools/gen_demo_traffic);
# 3. starts build/mcsnoop on config/demo.yaml: four net_pcap ports that read from veth pairs in
#    a private network namespace and write what they send into pcap files;
# 4. plays the three phases into the ports (tools/pcap_replay), each only after the switch
#    shows, over its control socket, that the previous one took effect: router queries, then
#    joins, then data (config/demo.yaml says why files alone cannot be sequenced);
# 5. prints the switch's group and router tables, stops it with SIGTERM (it must exit 0);
# 6. prints per port what went in and came out, and checks every flow against RFC 4541
#    (tools/pcap_summary). The exit status is that verdict's.
# Needs root: network namespace, veth pairs, raw sockets. Leaves nothing behind but build-demo/
# (pcaps and the switch log in build-demo/demo/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-demo}
# The demo's build targets: nothing else is compiled before the demo starts.
TARGETS=(mcsnoop mcsnoopctl tools/gen_demo_traffic tools/pcap_replay tools/pcap_summary)
RUN=$BUILD/demo                      # inputs, outputs, config copy, switch log
PORTS=(router h1 h2 h3)              # as in config/demo.yaml, in its order
NETNS=mcsnoop-demo-$$
WAIT_S=15                            # deadline of each wait on the switch

MCSNOOP_PID=""
SOCK_DIR=""
STARTED=$SECONDS

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf '\ndemo.sh: %s\n' "$*" >&2
  if [ -s "$RUN/mcsnoop.log" ]; then
    printf -- '--- last lines of %s:\n' "$RUN/mcsnoop.log" >&2
    tail -15 "$RUN/mcsnoop.log" >&2
  fi
  exit 1
}

cleanup() {
  if [ -n "$MCSNOOP_PID" ] && kill -0 "$MCSNOOP_PID" 2>/dev/null; then
    kill -TERM "$MCSNOOP_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$MCSNOOP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$MCSNOOP_PID" 2>/dev/null || true
  fi
  ip netns del "$NETNS" 2>/dev/null || true
  [ -z "$SOCK_DIR" ] || rm -rf "$SOCK_DIR"
  give_back
}
# Under sudo, the build tree and the demo's outputs go back to the user who ran sudo.
give_back() {
  [ -n "${SUDO_UID:-}" ] && [ "$(id -u)" -eq 0 ] || return 0
  if [ -d "$BUILD" ]; then chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$BUILD" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. dependencies and build ---------------------------------------------------------------

say "Dependencies and build"
"$ROOT/scripts/setup.sh"
[ "$(id -u)" -eq 0 ] || die "the demo needs root (network namespace, veth pairs, raw sockets): sudo $0"
mkdir -p "$RUN"
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$ROOT" --buildtype=release -Dtests=false -Dfuzz=disabled >"$RUN/setup.log" 2>&1 ||
    { tail -20 "$RUN/setup.log" >&2; die "meson setup failed (log: $RUN/setup.log)"; }
fi
meson compile -C "$BUILD" "${TARGETS[@]}" >"$RUN/build.log" 2>&1 ||
  { tail -30 "$RUN/build.log" >&2; die "the build failed (log: $RUN/build.log)"; }
note "built ${TARGETS[*]} in $BUILD ($(( SECONDS - STARTED )) s so far)"
MCSNOOP=$BUILD/mcsnoop
CTL=$BUILD/mcsnoopctl
TOOLS=$BUILD/tools

# ---- 2. traffic --------------------------------------------------------------------------------

say "Demo traffic (tools/gen_demo_traffic)"
rm -rf "$RUN/in" "$RUN/out" "$RUN/mcsnoop.log"
mkdir -p "$RUN/in" "$RUN/out"
"$TOOLS/gen_demo_traffic" "$RUN/in" >"$RUN/in/manifest"
# manifest lines: <phase> <port> <frames> <file>
declare -A SENT=() RX_FILES=()
for p in "${PORTS[@]}"; do SENT[$p]=0; RX_FILES[$p]=""; done
while read -r phase port frames file; do
  RX_FILES[$port]+="$file "
done <"$RUN/in/manifest"
note "VLAN 10, four access ports:"
note "  router  multicast router 10.0.0.1 / fe80::1, sends the multicast data"
note "  h1      10.0.0.11, joins 239.1.1.1 (IGMPv2)"
note "  h2      10.0.0.12, joins 239.2.2.2 (IGMPv3) and ff0e::1:1 (MLDv2)"
note "  h3      10.0.0.13, joins nothing"
note "pcaps in $RUN/in"

# ---- 3. the switch -----------------------------------------------------------------------------

say "Starting mcsnoop on config/demo.yaml"
ip netns add "$NETNS" || die "cannot create network namespace $NETNS"
# No IPv6 on the veths: the kernel would send its own MLD reports and neighbour discovery into
# the switch. They carry no IPv4 address either, so the only frames are the demo's.
ip netns exec "$NETNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for p in "${PORTS[@]}"; do
  ip -n "$NETNS" link add "sw-$p" type veth peer name "$p"
  ip -n "$NETNS" link set "sw-$p" up
  ip -n "$NETNS" link set "$p" up
done
SOCK_DIR=$(mktemp -d /tmp/mcsnoop-demo.XXXXXX)
SOCK=$SOCK_DIR/mcsnoop.sock
sed -e "s#build-demo/demo/out/#$RUN/out/#g" \
    -e "s#^\(  socket:\).*#\1 $SOCK#" \
    -e "s#--file-prefix, mcsnoop-demo,#--file-prefix, mcsnoop-demo-$$,#" \
    "$ROOT/config/demo.yaml" >"$RUN/demo.yaml"
UNREGISTERED=$(sed -n 's/^  unregistered: *\([a-z-]*\).*/\1/p' "$RUN/demo.yaml")
"$MCSNOOP" -c "$RUN/demo.yaml" --check >/dev/null || die "$RUN/demo.yaml is not valid"

ip netns exec "$NETNS" "$MCSNOOP" -c "$RUN/demo.yaml" >"$RUN/mcsnoop.log" 2>&1 &
MCSNOOP_PID=$!

ctl() { "$CTL" -s "$SOCK" "$@"; }
# json_holds TOPIC EXPR: EXPR (Python, over d = the JSON of `show TOPIC`) is true.
json_holds() {
  ctl show "$1" --json 2>/dev/null |
    python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($2) else 1)" 2>/dev/null
}
# wait_until WHAT COMMAND...: polls COMMAND until it succeeds, for at most WAIT_S seconds.
wait_until() {
  local what=$1 deadline=$(( SECONDS + WAIT_S ))
  shift
  until "$@"; do
    kill -0 "$MCSNOOP_PID" 2>/dev/null || { wait "$MCSNOOP_PID" || true; MCSNOOP_PID=""; die "mcsnoop exited while waiting for $what"; }
    (( SECONDS < deadline )) || die "timed out after ${WAIT_S} s waiting for $what"
    sleep 0.1
  done
}
# Every frame replayed so far has been counted by the switch on its port.
all_received() {
  local want="{"
  for p in "${PORTS[@]}"; do want+="'$p': ${SENT[$p]}, "; done
  json_holds ports "all(x['rx_packets'] >= ${want}}.get(x['name'], 0) for x in d)"
}
has_group() {  # GROUP PORT
  json_holds groups "any(g['group'] == '$1' and '$2' in g['ports'] for g in d)"
}
has_router() {  # PORT FAMILY
  json_holds routers "any(r['port'] == '$1' and r['family'] == '$2' for r in d)"
}
macs_known() { json_holds stats "d['mac_table']['entries'] >= $1"; }

wait_until "the control socket" ctl show ports --json >/dev/null 2>&1
note "ready (pid $MCSNOOP_PID, socket $SOCK, log $RUN/mcsnoop.log)"

# replay PHASE: plays every port's pcap of that phase into the port's veth.
replay() {
  local phase port frames file
  while read -r phase port frames file; do
    [ "$phase" = "$1" ] || continue
    ip netns exec "$NETNS" "$TOOLS/pcap_replay" "$port" "$file" || die "replaying $file failed"
    SENT[$port]=$(( SENT[$port] + frames ))
    note "$port sent $frames frame(s) ($(basename "$file"))"
  done <"$RUN/in/manifest"
  wait_until "the switch to receive phase $1" all_received
}

# ---- 4. the three phases -----------------------------------------------------------------------

say "Phase 1: the router queries (IGMPv3 and MLDv2 general queries)"
replay 1
wait_until "router learning (IPv4)" has_router router ipv4
wait_until "router learning (IPv6)" has_router router ipv6
note "the switch learned 'router' as a multicast router port for IPv4 and IPv6"

say "Phase 2: the hosts join; h3 only ARPs for the router"
replay 2
wait_until "h1's join of 239.1.1.1" has_group 239.1.1.1 h1
wait_until "h2's join of 239.2.2.2" has_group 239.2.2.2 h2
wait_until "h2's join of ff0e::1:1" has_group ff0e::1:1 h2
wait_until "MAC learning of all four devices" macs_known 4
note "joins registered; MAC addresses of router, h1, h2, h3 learned"

say "Phase 3: the router sends multicast data and answers h3; h1 sends unicast to h2"
replay 3
# The switch forwards as it receives; wait until its transmit counters stop moving.
tx_total() { ctl show ports --json | python3 -c "import json, sys; print(sum(p['tx_packets'] for p in json.load(sys.stdin)))"; }
last=-1 steady=0 deadline=$(( SECONDS + WAIT_S ))
while (( steady < 3 )); do
  now=$(tx_total) || die "the switch stopped answering"
  if [ "$now" = "$last" ]; then steady=$(( steady + 1 )); else steady=0; last=$now; fi
  (( SECONDS < deadline )) || die "transmit counters did not settle within ${WAIT_S} s"
  sleep 0.1
done
note "all frames received; the switch transmitted $last frames in total"

# ---- 5. the switch's view, then stop it --------------------------------------------------------

say "mcsnoopctl show groups"
ctl show groups
say "mcsnoopctl show routers"
ctl show routers

say "Stopping mcsnoop (SIGTERM)"
kill -TERM "$MCSNOOP_PID"
rc=0
wait "$MCSNOOP_PID" || rc=$?
MCSNOOP_PID=""
[ "$rc" -eq 0 ] || die "mcsnoop exited with status $rc after SIGTERM"
note "mcsnoop exited 0; $(grep -o 'stopped cleanly.*' "$RUN/mcsnoop.log" || echo 'see its log')"

# ---- 6. what went where ------------------------------------------------------------------------

say "What each port received and sent (tools/pcap_summary)"
args=(--unregistered "$UNREGISTERED")
for p in "${PORTS[@]}"; do
  args+=(--port "$p")
  for f in ${RX_FILES[$p]}; do args+=(--rx "$f"); done
  args+=(--tx "$RUN/out/$p.pcap")
done
verdict=0
"$TOOLS/pcap_summary" "${args[@]}" || verdict=$?
printf '\nDemo finished in %d s (pcaps in %s).\n' "$(( SECONDS - STARTED ))" "$RUN"
exit "$verdict"
