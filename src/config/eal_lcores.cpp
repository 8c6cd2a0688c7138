// Reads the lcore set out of EAL arguments (eal_lcores.hpp), following DPDK 22.11's
// eal_common_options.c: -l takes a core list, --lcores a lcore-to-cpu map, -c a hex mask.
#include "mcsnoop/config/eal_lcores.hpp"

#include <array>
#include <charconv>
#include <string_view>

#include "text.hpp"

namespace mcsnoop::config {
namespace {

// EAL options whose value is the next argument when it is not attached. Knowing them keeps a
// value such as "--file-prefix -l" from being read as an option.
constexpr std::array<std::string_view, 12> kShortWithValue = {
    "-a", "-b", "-c", "-d", "-l", "-L", "-m", "-n", "-r", "-s", "-S", "-w"};
constexpr std::array<std::string_view, 26> kLongWithValue = {
    "--allow", "--base-virtaddr", "--block", "--file-prefix", "--force-max-simd-bitwidth",
    "--huge-dir", "--iova-mode", "--lcores", "--log-level", "--main-lcore", "--master-lcore",
    "--mbuf-pool-ops-name", "--pci-blacklist", "--pci-whitelist", "--proc-type",
    "--service-corelist", "--service-coremask", "--socket-limit", "--socket-mem", "--trace",
    "--trace-bufsz", "--trace-dir", "--trace-mode", "--vdev", "--vfio-intr", "--vfio-vf-token"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& a, std::string_view s) {
  for (std::string_view x : a) {
    if (x == s) return true;
  }
  return false;
}

bool parse_lcore_id(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out < kMaxLcores;
}

// "a" or "a-b" into `set`.
bool add_range(std::string_view item, LcoreSet& set) {
  const size_t dash = item.find('-');
  unsigned lo = 0;
  unsigned hi = 0;
  if (dash == std::string_view::npos) {
    if (!parse_lcore_id(item, lo)) return false;
    hi = lo;
  } else if (!parse_lcore_id(item.substr(0, dash), lo) || !parse_lcore_id(item.substr(dash + 1), hi) ||
             lo > hi) {
    return false;
  }
  for (unsigned c = lo; c <= hi; ++c) set.set(c);
  return true;
}

// -l "0-3,5".
bool parse_core_list(std::string_view s, LcoreSet& set) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t comma = s.find(',', start);
    if (!add_range(s.substr(start, comma - start), set)) return false;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

// --lcores "1,2@(5-7),(3-5)@(0,2),(0,6),7-8": only the lcore ids left of '@' matter here.
bool parse_lcore_map(std::string_view s, LcoreSet& set) {
  size_t i = 0;
  if (s.empty()) return false;
  while (i < s.size()) {
    if (s[i] == '(') {
      const size_t close = s.find(')', i);
      if (close == std::string_view::npos || !parse_core_list(s.substr(i + 1, close - i - 1), set)) {
        return false;
      }
      i = close + 1;
    } else {
      const size_t end = s.find_first_of(",@", i);
      if (!add_range(s.substr(i, end - i), set)) return false;
      i = end == std::string_view::npos ? s.size() : end;
    }
    if (i < s.size() && s[i] == '@') {  // the cpu set: a group or a single cpu, skipped
      ++i;
      if (i == s.size()) return false;
      if (s[i] == '(') {
        const size_t close = s.find(')', i);
        if (close == std::string_view::npos) return false;
        i = close + 1;
      } else {
        const size_t end = s.find(',', i);
        if (end == i) return false;
        i = end == std::string_view::npos ? s.size() : end;
      }
    }
    if (i < s.size()) {
      if (s[i] != ',' || i + 1 == s.size()) return false;
      ++i;
    }
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// -c "0xf" (the 0x is optional).
bool parse_core_mask(std::string_view s, LcoreSet& set) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty()) return false;
  unsigned bit = 0;
  for (size_t i = s.size(); i-- > 0; bit += 4) {
    const int v = hex_value(s[i]);
    if (v < 0) return false;
    for (unsigned b = 0; b < 4; ++b) {
      if ((v >> b) & 1) {
        if (bit + b >= kMaxLcores) return false;
        set.set(bit + b);
      }
    }
  }
  return set.any();
}

}  // namespace

EalLcores parse_eal_lcores(const std::vector<std::string>& args) {
  EalLcores result;
  std::string_view first_option;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") break;  // what follows belongs to the application

    std::string_view option;
    std::string_view value;
    size_t value_index = i;
    if (arg == "-l" || arg == "-c" || arg == "--lcores") {
      option = arg;
      if (i + 1 >= args.size()) {
        result.error = detail::cat(arg, " needs a value");
        result.error_arg = i;
        return result;
      }
      value = args[++i];
      value_index = i;
    } else if (arg.starts_with("--lcores=")) {
      option = "--lcores";
      value = arg.substr(9);
    } else if (arg.size() > 2 && (arg.starts_with("-l") || arg.starts_with("-c")) && arg[1] != '-') {
      option = arg.substr(0, 2);
      value = arg.substr(2);
    } else {
      if (contains(kShortWithValue, arg) || contains(kLongWithValue, arg)) ++i;
      continue;
    }

    if (!first_option.empty()) {
      result.error = detail::cat("only one of -l, -c and --lcores may be given (", first_option, " is already)");
      result.error_arg = value_index;
      return result;
    }
    first_option = option;

    LcoreSet set;
    bool ok = false;
    if (option == "-l") {
      ok = parse_core_list(value, set);
    } else if (option == "-c") {
      ok = parse_core_mask(value, set);
    } else {
      ok = parse_lcore_map(value, set);
    }
    if (!ok) {
      result.error = detail::cat("cannot read ", option, " value '", value, "' (lcore ids 0-",
                                  std::to_string(kMaxLcores - 1), ")");
      result.error_arg = value_index;
      return result;
    }
    result.lcores = set;
  }
  return result;
}

}  // namespace mcsnoop::config
