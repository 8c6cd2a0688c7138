#!/usr/bin/env bash
# Installs every build, test and demo dependency of mcsnoop on Debian 12 (idempotent).
# Quiet when all is there; loud and non-zero when anything fails. As root it runs apt-get
# itself (containers and fresh VMs often have no sudo); as another user it uses sudo.
set -euo pipefail

pkgs=(
  build-essential g++ meson ninja-build pkg-config
  libdpdk-dev dpdk dpdk-dev libpcap-dev    # dpdk-dev: dpdk-dumpcap, dpdk-telemetry.py
  libsystemd-dev                           # journal log sink, sd_notify
  libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  libasan8 libubsan1                       # -Dsanitize=true (scripts/test.sh's second pass)
  clang libclang-rt-14-dev                 # libFuzzer targets
  python3 python3-scapy iproute2 procps ethtool coreutils   # e2e: ip netns, sysctl, ethtool
  python3-prometheus-client curl           # metrics tests: parse and scrape /metrics
  systemd                                  # install test: systemd-analyze verify of the unit
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A log of this run's own (a fixed name in /tmp left by root would block a later user's run).
log=$(mktemp "${TMPDIR:-/tmp}/mcsnoop-apt.XXXXXX.log")
if ! $sudo apt-get update -qq >"$log" 2>&1 ||
   ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "setup.sh: apt-get failed; see $log:" >&2
  tail -20 "$log" >&2
  exit 1
fi
rm -f "$log"
