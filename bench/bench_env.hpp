// What the benchmark programs share: the switch benchmarks' command-line options and EAL
// start-up, the micro benchmarks' (--reps, EAL on lcore 0), window statistics and the monotonic
// time they measure with.
//
// Thread safety: main thread only (EAL start-up, option parsing); the statistics are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mcsnoop::bench {

struct CommonOptions {
  unsigned windows = 5;          // measured windows per contender
  unsigned window_ms = 2000;     // length of each window
  unsigned warmup_ms = 300;      // unmeasured run before each window (caches, learning, rates)
  std::string prefix;            // EAL --file-prefix; default "mcsnoop-bench-<pid>"
  std::string workdir = "/tmp";  // where generated pcap files go (removed at exit)
  std::string huge_dir;          // a hugetlbfs mount: EAL memory in huge pages (default: --no-huge)
  std::vector<std::string> eal_extra;  // after "--": appended to the EAL arguments
};

// Parses the common options (--windows, --window-ms, --warmup-ms, --prefix, --workdir,
// --huge-dir, and "--" followed by EAL arguments). Other arguments are returned, in order, for the program to
// interpret. On a malformed value: returns false with *err set.
bool parse_common(int argc, char** argv, CommonOptions& opts, std::vector<std::string>& rest,
                  std::string* err);
// Parses a decimal unsigned value; false when `text` is not one.
bool parse_unsigned(const std::string& text, unsigned& out);

// rte_eal_init with: --no-huge (or --huge-dir <opts.huge_dir>) -m 1024 --no-pci --no-shconf --file-prefix <prefix> -l 0-1,
// warnings-only logging, then opts.eal_extra. Lcore 0 is the main (control) lcore, lcore 1 the
// forwarding lcore. False with *err set when EAL refuses to start.
bool start_eal(const char* program, const CommonOptions& opts, std::string* err);
inline constexpr unsigned kForwardingLcore = 1;

// The micro benchmarks' (mac_table_bench, mft_table_bench, replication_bench) command line,
// `[--reps N] [-- EAL args]`, and EAL start-up on lcore 0 alone with --no-huge -m <mem_mb>
// --file-prefix mcsnoop-<name>-<pid>. Returns 0 with *reps set (default_reps without --reps);
// 2 after printing the usage, 1 after printing EAL's error, both on stderr.
int start_micro(int argc, char** argv, const char* name, unsigned mem_mb, unsigned default_reps,
                unsigned* reps);

// Median and minimum of one measurement's passes (the minimum is the figure to compare: it is
// the pass least disturbed by the rest of the box). Both 0 for an empty vector.
struct Figure {
  double median = 0;
  double min = 0;
};
Figure summarize(std::vector<double> v);

// Seconds on the TSC (rte_get_tsc_cycles / rte_get_tsc_hz), the clock DPDK itself uses.
double now_seconds();

// Median of `v` (mean of the two middle values for an even count); 0 for an empty vector.
double median(std::vector<double> v);
// Percentile p (0..100) by nearest rank; 0 for an empty vector.
double percentile(std::vector<double> v, double p);
// "a b c" with `decimals` digits each.
std::string figures(const std::vector<double>& v, int decimals);

}  // namespace mcsnoop::bench
