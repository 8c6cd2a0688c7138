// mcsnoop's command line (options.hpp).
#include "options.hpp"

#include <getopt.h>

#include <cstring>

#include "mcsnoop/version.hpp"

namespace mcsnoop::app {
namespace {

constexpr int kExitUsage = 2;
enum LongOnly : int { kOptCheck = 256, kOptVersion };

// '+': stop at the first non-option, so that nothing after `--` (or a stray word) is
// permuted into our options; ':' first: report a missing value as ':' rather than '?'.
constexpr const char* kShortOptions = "+:c:h";
constexpr option kLongOptions[] = {
    {"config", required_argument, nullptr, 'c'},
    {"check", no_argument, nullptr, kOptCheck},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, kOptVersion},
    {nullptr, 0, nullptr, 0},
};

ParsedOptions usage_error(ParsedOptions p, const std::string& message) {
  p.exit_code = kExitUsage;
  p.err = "mcsnoop: " + message + "\n" + usage_text();
  return p;
}

// The option getopt_long just refused, as the user typed it: an unknown short option is in
// optopt (it may share a word with others, "-hx"); anything else is the word before optind.
std::string offending(int argc, char** argv, bool unknown) {
  if (unknown && optopt > 0 && optopt < 256) return std::string("-") + static_cast<char>(optopt);
  const int i = optind - 1;
  return i >= 0 && i < argc ? argv[i] : "?";
}

}  // namespace

std::string usage_text() {
  return "usage: mcsnoop -c CONFIG.yaml [--check] [-- EAL arguments...]\n"
         "       mcsnoop --version | -h\n"
         "  -c, --config FILE   configuration (YAML, see docs/configuration.md)\n"
         "      --check         validate the configuration and exit (0 valid, 2 invalid)\n"
         "      --version       print the version and exit\n"
         "  -h, --help          this text\n"
         "Arguments after -- are appended to dpdk.eal_args. See mcsnoop(8).\n";
}

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions p;
  optind = 0;  // GNU: 0 re-initialises getopt completely (tests parse several command lines)
  opterr = 0;  // messages are ours, in `err`
  for (;;) {
    const int c = getopt_long(argc, argv, kShortOptions, kLongOptions, nullptr);
    if (c == -1) break;
    switch (c) {
      case 'c': p.options.config = optarg; break;
      case kOptCheck: p.options.check = true; break;
      case 'h':
        p.exit_code = 0;
        p.out = usage_text();
        return p;
      case kOptVersion:
        p.exit_code = 0;
        p.out = std::string("mcsnoop ") + kVersion + "\n";
        return p;
      case ':': return usage_error(std::move(p), "option '" + offending(argc, argv, false) + "' needs a value");
      default: return usage_error(std::move(p), "unknown option '" + offending(argc, argv, true) + "'");
    }
  }
  // getopt_long stopped at `--` (consumed: argv[optind - 1] is it) or at a word that is not an
  // option, which mcsnoop does not take.
  if (optind < argc && std::strcmp(argv[optind - 1], "--") != 0) {
    return usage_error(std::move(p), std::string("unexpected argument '") + argv[optind] +
                                         "' (EAL arguments go after --)");
  }
  for (int i = optind; i < argc; ++i) p.options.eal_extra.emplace_back(argv[i]);
  if (p.options.config.empty()) return usage_error(std::move(p), "-c CONFIG.yaml is required");
  return p;
}

}  // namespace mcsnoop::app
