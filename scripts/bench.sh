#!/usr/bin/env bash
# Benchmarks mcsnoop against the io-forward ceiling of this box (see docs/performance.md).
#
#   scripts/bench.sh                 # every case: 5 windows of 2 s per contender (about 4 minutes)
#   scripts/bench.sh quick           # the same with 3 windows of 0.5 s (about 1 minute)
#   scripts/bench.sh [quick] CASE..  # only these cases (switch_bench --list names them)
#   scripts/bench.sh engine          # the snoop engine alone (reports/s, bytes per membership)
#   scripts/bench.sh micro           # the MFT lookup against the rte_hash it replaced (ns/key), and
#                                    # replication by reference count against by copy (cycles/frame)
#   scripts/bench.sh quick repl-fo2-64 ...   # one replication case end to end (switch_bench --list)
#   BENCH_HUGE_DIR=/dev/hugepages scripts/bench.sh ...   # EAL on huge pages (a hugetlbfs mount, at
#                                    # least 512 free 2 MB pages for -m 1024) instead of --no-huge
#
# Builds the benchmark programs (meson, release) in $BENCH_BUILD_DIR (default build-bench), then
# runs one process per case. Each case interleaves io-forward and mcsnoop windows on the same
# vdevs (net_pcap source with infinite_rx, net_null sinks) and the same forwarding lcore, and
# prints "bench <case> mpps=<median> ratio=<median / io-forward median>", and "stages <case> ..."
# with the worker's TSC cycles per frame in each stage, taken in one extra switch window per case
# with the stage accounting on (BENCH_STAGE_WINDOWS=N for more), and "io_best <case> ..." with
# io-forward's cheapest receive and transmit from one extra io-forward window timed the same way. The per-stage table and the
# targets are printed at the end; missing a target is not a failure. Exit status: non-zero only
# when a benchmark could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
if [ $# -gt 0 ] && { [ "$1" = quick ] || [ "$1" = engine ] || [ "$1" = micro ] || [ "$1" = full ]; }; then
  mode=$1
  shift
fi

scripts/setup.sh
build=${BENCH_BUILD_DIR:-build-bench}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release -Dtests=false >/dev/null
else
  meson configure "$build" -Dbuildtype=release >/dev/null   # the figures are for release builds
fi
meson compile -C "$build" bench/engine_bench bench/io_forward bench/switch_bench bench/mft_table_bench \
  bench/replication_bench >/dev/null

if [ "$mode" = engine ]; then
  exec "$build/bench/engine_bench"
fi
if [ "$mode" = micro ]; then
  "$build/bench/mft_table_bench"
  exec "$build/bench/replication_bench"
fi

if [ "$mode" = quick ]; then
  windows=(--windows 3 --window-ms 500 --warmup-ms 200)
  samples=(--samples 100)
else
  windows=(--windows 5 --window-ms 2000 --warmup-ms 300)
  samples=(--samples 300)
fi

if [ $# -gt 0 ]; then
  cases=("$@")
else
  cases=(l2-unicast l2-unicast-storm l2-unknown-unicast l2-unknown-unicast-storm mcast-g1-fo1 mcast-g1000-fo1
         mcast-g100000-fo1 mcast-g1000-fo1-pcap100k mcast-g1000-fo4 mcast-churn mcast-punt-load join-latency
         l2-learn)
fi

# BENCH_HUGE_DIR=<hugetlbfs mount>: EAL memory in huge pages, as production runs (default --no-huge).
huge=()
if [ -n "${BENCH_HUGE_DIR:-}" ]; then huge=(--huge-dir "$BENCH_HUGE_DIR"); fi
log=$(mktemp "${TMPDIR:-/tmp}/mcsnoop-bench.XXXXXX")
trap 'rm -f "$log"' EXIT

echo "# mcsnoop benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "# EAL: ${huge[*]:---no-huge} -m 1024 --no-pci --no-shconf -l 0-1 (lcore 0 control, lcore 1 forwarding)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# One process per case, each with its own EAL file prefix.
run() {
  local name=$1
  shift
  "$@" --prefix "mcsnoop-bench-$$-$name" "${windows[@]}" "${huge[@]}" | tee -a "$log"
}

run io-forward "$build/bench/io_forward"
for c in "${cases[@]}"; do
  if [ "$c" = join-latency ]; then
    run "$c" "$build/bench/switch_bench" --case "$c" "${samples[@]}"
  elif [ "$c" = l2-learn ]; then
    run "$c" "$build/bench/switch_bench" --case "$c"
  else
    run "$c" "$build/bench/switch_bench" --case "$c" --stage-windows "${BENCH_STAGE_WINDOWS:-1}"
  fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Cycles per frame in each stage of the worker, from the "stages" lines collected above.
awk '
  $1 == "stages" {
    if (!header++) {
      printf "# worker cycles per frame by stage (TSC per burst; extra window with the accounting on):\n#   %-26s", "case"
      for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] !~ /mpps|tsc_mhz|frames_per_burst/) printf " %8s", kv[1] }
      printf " %8s %8s\n", "Mpps on", "Mpps off"
    }
    printf "#   %-26s", $2
    for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2]; if (kv[1] !~ /mpps|tsc_mhz|frames_per_burst/) printf " %8s", kv[2] }
    printf " %8.3f %8.3f\n", v["staged_mpps"], v["unstaged_mpps"]
  }
  $1 == "stages_best" { best[++nbest] = $0 }
  $1 == "io_best" { io[++nio] = $0 }
  # One row per collected line: the case, then the value of each key=value field.
  function rows(lines, n,    k, i, m, f, kv) {
    for (k = 1; k <= n; k++) {
      m = split(lines[k], f, " ")
      printf "#   %-26s", f[2]
      for (i = 3; i <= m; i++) { split(f[i], kv, "="); printf " %8s", kv[2] }
      printf "\n"
    }
  }
  END {
    if (!nbest) exit
    print "# the same from the cheapest full burst of each stage (robust to preemption on a shared box):"
    rows(best, nbest)
    if (!nio) exit
    print "# io-forward cheapest bursts in the same process (rx, tx, total) and io total / mcsnoop total:"
    rows(io, nio)
  }' "$log"

# Targets, from the "bench" lines collected above.
awk '
  $1 == "bench" {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); v[$2 "," kv[1]] = kv[2] }
    seen[$2] = 1
  }
  $1 == "io_best" {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "best_ratio") best[$2] = kv[2] }
  }
  function ratio_target(c, min) {
    if (!(c in seen)) return
    printf "#   %-26s ratio %.3f >= %.2f  %s", c, v[c ",ratio"], min, (v[c ",ratio"] >= min ? "met" : "MISSED")
    if (c in best) printf "  (cheapest bursts: %.3f, %s)", best[c], (best[c] >= min ? "met" : "missed")
    printf "\n"
  }
  END {
    print "# targets (for comparison; figures are medians on a shared box):"
    ratio_target("l2-unicast", 0.6)
    ratio_target("mcast-g1000-fo1", 0.55)
    ratio_target("mcast-g1000-fo4", 0.3)
    if (("mcast-g100000-fo1" in seen) && ("mcast-g1000-fo1-pcap100k" in seen)) {
      big = v["mcast-g100000-fo1,ratio"]; ref = v["mcast-g1000-fo1-pcap100k,ratio"]
      printf "#   %-26s ratio %.3f >= 0.85 x %.3f (1,000 groups, same 100,000-frame source)  %s\n",
             "mcast-g100000-fo1", big, ref, (big >= 0.85 * ref ? "met" : "MISSED")
    }
    if (("mcast-g100000-fo1" in seen) && ("mcast-g1000-fo1" in seen)) {
      big = v["mcast-g100000-fo1,ratio"]; ref = v["mcast-g1000-fo1,ratio"]
      printf "#   %-26s ratio %.3f >= 0.85 x %.3f (mcast-g1000-fo1, 8,192-frame source)  %s\n",
             "mcast-g100000-fo1", big, ref, (big >= 0.85 * ref ? "met" : "MISSED")
    }
    if ("mcast-punt-load" in seen)
      printf "#   %-26s %.3f of the same windows without the punt load (no target; 1.0 = not slowed)\n",
             "mcast-punt-load", v["mcast-punt-load,load_vs_without"]
    if ("mcast-churn" in seen)
      printf "#   %-26s lost %d == 0  %s\n", "mcast-churn", v["mcast-churn,lost"], (v["mcast-churn,lost"] == 0 ? "met" : "MISSED")
    if ("l2-learn" in seen)
      printf "#   %-26s flooded %d == 0 at %.0f new MACs/s  %s\n", "l2-learn", v["l2-learn,flooded"],
             v["l2-learn,new_macs_per_s"], (v["l2-learn,flooded"] == 0 ? "met" : "MISSED")
    if ("join-latency" in seen)
      printf "#   %-26s p99 %.1f us < 1000  %s\n", "join-latency", v["join-latency,p99_us"],
             (v["join-latency,p99_us"] < 1000 ? "met" : "MISSED")
  }' "$log"
