// mcsnoop's command line: getopt_long over the options before `--`, EAL arguments after it.
//
//   mcsnoop -c CONFIG.yaml [--check] [-- EAL arguments...]
//   mcsnoop --version | -h/--help
//
// Thread safety: parse_options uses getopt_long's global state (optind, optarg); call it from
// one thread, before anything else parses argv.
#pragma once

#include <string>
#include <vector>

namespace mcsnoop::app {

struct Options {
  std::string config;                  // -c/--config FILE
  bool check = false;                  // --check: validate and exit
  std::vector<std::string> eal_extra;  // everything after `--`, appended to dpdk.eal_args
};

// What main() does next: run with `options`, or exit at once with `exit_code` after printing
// `out` (to stdout: --help, --version) and `err` (to stderr: usage errors).
struct ParsedOptions {
  static constexpr int kContinue = -1;
  int exit_code = kContinue;  // 0 (--help, --version), 2 (usage error) or kContinue
  Options options;
  std::string out;
  std::string err;
};

// Exit codes as documented in mcsnoop(8): 0 for --help/--version, 2 for a usage error.
ParsedOptions parse_options(int argc, char** argv);

// The --help text.
std::string usage_text();

}  // namespace mcsnoop::app
