// The cases of switch_bench, one function each. Every case builds its own switch, prints its
// figures on stdout and returns false (with *err) only when the measurement itself could not
// be made; a figure missing its target is printed, not an error.
//
// Output lines: "bench <case> mpps=<median> ratio=<median / io-forward median>" (mcast-churn adds
// "lost=<n>"), "bench join-latency p50_us=<..> p99_us=<..>", and "# ..." detail lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_env.hpp"

namespace mcsnoop::bench {

struct CaseOptions {
  CommonOptions common;
  uint32_t frames = 0;          // source pcap frames; 0 = the case's default
  unsigned samples = 200;       // join-latency samples
  unsigned churn_rate = 10000;  // membership changes per second (mcast-churn, mcast-punt-load)
  unsigned stage_windows = 1;   // extra switch windows with per-stage cycle accounting on
};

struct CaseInfo {
  const char* name;
  const char* what;             // one line for --list
};
const std::vector<CaseInfo>& case_list();

// Runs case `name` (one of case_list()). EAL must be up.
bool run_case(const std::string& name, const CaseOptions& opts, std::string* err);

// Implementations (throughput_cases.cpp, join_latency.cpp, learning_case.cpp).
bool run_throughput_case(const std::string& name, const CaseOptions& opts, std::string* err);
bool run_join_latency(const CaseOptions& opts, std::string* err);
bool run_learning_case(const CaseOptions& opts, std::string* err);

}  // namespace mcsnoop::bench
