#include "bench_env.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

namespace mcsnoop::bench {

bool parse_unsigned(const std::string& text, unsigned& out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end && !text.empty();
}

bool parse_common(int argc, char** argv, CommonOptions& opts, std::vector<std::string>& rest,
                  std::string* err) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) opts.eal_extra.emplace_back(argv[i]);
      break;
    }
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        *err = a + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    auto number = [&](unsigned& out, unsigned min) {
      std::string v;
      if (!value(v)) return false;
      if (!parse_unsigned(v, out) || out < min) {
        *err = a + ": '" + v + "' is not a whole number >= " + std::to_string(min);
        return false;
      }
      return true;
    };
    if (a == "--windows") {
      if (!number(opts.windows, 1)) return false;
    } else if (a == "--window-ms") {
      if (!number(opts.window_ms, 10)) return false;
    } else if (a == "--warmup-ms") {
      if (!number(opts.warmup_ms, 0)) return false;
    } else if (a == "--prefix") {
      if (!value(opts.prefix)) return false;
    } else if (a == "--workdir") {
      if (!value(opts.workdir)) return false;
    } else if (a == "--huge-dir") {
      if (!value(opts.huge_dir)) return false;
    } else {
      rest.push_back(a);
    }
  }
  if (opts.prefix.empty()) opts.prefix = "mcsnoop-bench-" + std::to_string(getpid());
  return true;
}

bool start_eal(const char* program, const CommonOptions& opts, std::string* err) {
  // Kept alive for the whole process: EAL may keep pointers into argv.
  static std::vector<std::string> args;
  static std::vector<char*> argv;
  args = {program, "-m", "1024", "--no-pci", "--no-shconf", "--file-prefix",
          opts.prefix, "-l", "0-1", "--log-level", "warning", "--no-telemetry"};
  if (opts.huge_dir.empty()) {
    args.insert(args.begin() + 1, "--no-huge");
  } else {
    args.insert(args.begin() + 1, {"--huge-dir", opts.huge_dir});
  }
  args.insert(args.end(), opts.eal_extra.begin(), opts.eal_extra.end());
  argv.clear();
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
    *err = std::string("EAL initialisation failed: ") + rte_strerror(rte_errno);
    return false;
  }
  return true;
}

int start_micro(int argc, char** argv, const char* name, unsigned mem_mb, unsigned default_reps,
                unsigned* reps) {
  *reps = default_reps;
  int eal_from = argc;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc && parse_unsigned(argv[i + 1], *reps) && *reps > 0) {
      ++i;
    } else if (a == "--") {
      eal_from = i + 1;
      break;
    } else {
      std::fprintf(stderr, "usage: %s [--reps N] [-- EAL args]\n", argv[0]);
      return 2;
    }
  }
  // Kept alive for the whole process: EAL may keep pointers into argv.
  static std::vector<std::string> args;
  static std::vector<char*> eal_argv;
  args = {argv[0], "--no-huge", "-m", std::to_string(mem_mb), "--no-pci", "--no-shconf", "--file-prefix",
          std::string("mcsnoop-") + name + "-" + std::to_string(getpid()), "-l", "0", "--log-level",
          "lib.eal:warning"};
  for (int i = eal_from; i < argc; ++i) args.emplace_back(argv[i]);
  eal_argv.clear();
  for (std::string& s : args) eal_argv.push_back(s.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  return 0;
}

Figure summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front()};
}

double now_seconds() {
  static const double hz = static_cast<double>(rte_get_tsc_hz());
  return static_cast<double>(rte_get_tsc_cycles()) / hz;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
  const size_t i = rank < 1 ? 0 : std::min(v.size() - 1, static_cast<size_t>(rank) - 1);
  return v[i];
}

std::string figures(const std::vector<double>& v, int decimals) {
  std::string out;
  char buf[32];
  for (double x : v) {
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, x);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

}  // namespace mcsnoop::bench
