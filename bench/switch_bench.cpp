// switch_bench: mcsnoop's forwarding throughput and join latency, measured in-process on the
// real data plane and control plane against the io-forward ceiling of the same ports.
//
//   switch_bench --case NAME [--frames N] [--samples N] [--churn-rate N] [--stage-windows N]
//                [--windows N] [--window-ms MS] [--warmup-ms MS] [--prefix P] [--workdir DIR] [--huge-dir DIR]
//                [-- EAL arguments]
//   switch_bench --list
//
// One case per process: each builds its own switch on its own vdevs. scripts/bench.sh runs
// them all; docs/performance.md explains what each case measures.
#include <cstdio>
#include <string>
#include <vector>

#include <rte_eal.h>
#include <spdlog/spdlog.h>

#include "bench_env.hpp"
#include "cases.hpp"

namespace mcsnoop::bench {

const std::vector<CaseInfo>& case_list() {
  static const std::vector<CaseInfo> cases = {
      {"l2-unicast", "known unicast to 1,000 learned MACs behind one sink"},
      {"l2-unicast-storm", "l2-unicast with storm control on (every class, far above the offered rate)"},
      {"l2-unknown-unicast", "unicast to 1,000 unknown MACs: every frame floods (to the one sink)"},
      {"l2-unknown-unicast-storm", "l2-unknown-unicast with storm control on: every frame takes a token"},
      {"mcast-g1-fo1", "multicast to 1 joined group, fan-out 1"},
      {"mcast-g1000-fo1", "multicast over 1,000 joined groups in random order, fan-out 1"},
      {"mcast-g100000-fo1", "multicast over 100,000 joined groups in random order, fan-out 1"},
      {"mcast-g1000-fo1-pcap100k", "1,000 groups on the 100,000-frame source (scaling reference)"},
      {"mcast-g1000-fo4", "multicast over 1,000 groups, every group on 4 sinks (input rate)"},
      {"mcast-churn", "1,000 groups while 10,000 membership changes/s take the punt path"},
      {"mcast-punt-load", "1,000 groups with and without 10,000 reports/s from another port (punt path)"},
      {"repl-fo2-64", "fan-out 2, 64-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo2-128", "fan-out 2, 128-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo2-256", "fan-out 2, 256-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo2-512", "fan-out 2, 512-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo2-1518", "fan-out 2, 1518-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo4-64", "fan-out 4, 64-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo4-128", "fan-out 4, 128-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo4-256", "fan-out 4, 256-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo4-512", "fan-out 4, 512-byte frames: replication by reference count vs by copy, interleaved"},
      {"repl-fo4-1518", "fan-out 4, 1518-byte frames: replication by reference count vs by copy, interleaved"},
      {"join-latency", "report in to the first frame of the group out, under full load"},
      {"l2-learn", "ever-new source MACs, each followed by frames to it: learned MACs/s, floods (0)"},
  };
  return cases;
}

bool run_case(const std::string& name, const CaseOptions& opts, std::string* err) {
  if (name == "join-latency") return run_join_latency(opts, err);
  if (name == "l2-learn") return run_learning_case(opts, err);
  return run_throughput_case(name, opts, err);
}

}  // namespace mcsnoop::bench

namespace {

using namespace mcsnoop::bench;

void usage(FILE* out) {
  std::fputs(
      "usage: switch_bench --case NAME [--frames N] [--samples N] [--churn-rate N] [--stage-windows N]\n"
      "                    [--windows N] [--window-ms MS] [--warmup-ms MS] [--prefix P]\n"
      "                    [--workdir DIR] [--huge-dir DIR] [-- EAL arguments]\n"
      "       switch_bench --list\n",
      out);
}

bool known_case(const std::string& name) {
  for (const CaseInfo& c : case_list())
    if (name == c.name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CaseOptions opts;
  std::vector<std::string> rest;
  std::string err;
  if (!parse_common(argc, argv, opts.common, rest, &err)) {
    std::fprintf(stderr, "switch_bench: %s\n", err.c_str());
    return 2;
  }
  std::string name;
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--list") {
      for (const CaseInfo& c : case_list()) std::printf("%-26s %s\n", c.name, c.what);
      return 0;
    }
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    }
    const bool has_value = i + 1 < rest.size();
    bool ok = has_value;
    if (a == "--case" && has_value) {
      name = rest[++i];
    } else if (a == "--frames" && has_value) {
      ok = parse_unsigned(rest[++i], opts.frames);
    } else if (a == "--samples" && has_value) {
      ok = parse_unsigned(rest[++i], opts.samples) && opts.samples > 0;
    } else if (a == "--churn-rate" && has_value) {
      ok = parse_unsigned(rest[++i], opts.churn_rate) && opts.churn_rate > 0;
    } else if (a == "--stage-windows" && has_value) {
      ok = parse_unsigned(rest[++i], opts.stage_windows);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "switch_bench: bad argument '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (!known_case(name)) {
    std::fprintf(stderr, "switch_bench: %s (see --list)\n",
                 name.empty() ? "--case is required" : ("unknown case '" + name + "'").c_str());
    return 2;
  }

  // The control plane logs through spdlog; a benchmark's stdout is for figures.
  spdlog::set_level(spdlog::level::warn);
  if (!start_eal(argv[0], opts.common, &err)) {
    std::fprintf(stderr, "switch_bench: %s\n", err.c_str());
    return 1;
  }
  const bool ok = run_case(name, opts, &err);
  if (!ok) std::fprintf(stderr, "switch_bench: %s: %s\n", name.c_str(), err.c_str());
  rte_eal_cleanup();
  return ok ? 0 : 1;
}
