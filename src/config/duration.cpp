// Duration text <-> milliseconds (duration.hpp).
#include "mcsnoop/config/duration.hpp"

#include <cstdint>

#include "text.hpp"

namespace mcsnoop::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits beyond these bounds cannot be a sensible configuration value, and keeping below them
// lets the arithmetic below stay in uint64_t without overflow checks.
constexpr size_t kMaxIntegerDigits = 12;
constexpr size_t kMaxFractionDigits = 9;

}  // namespace

DurationParse parse_duration(std::string_view text) {
  if (text.empty()) return std::string("empty duration");
  size_t i = 0;
  uint64_t integer = 0;
  size_t int_digits = 0;
  while (i < text.size() && is_digit(text[i])) {
    integer = integer * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
    if (++int_digits > kMaxIntegerDigits) return std::string("duration too large");
  }
  uint64_t fraction = 0;
  uint64_t fraction_scale = 1;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
      fraction_scale *= 10;
      ++i;
      if (++frac_digits > kMaxFractionDigits) return std::string("too many decimals");
    }
    if (frac_digits == 0) int_digits = 0;  // "5." is refused like ".5": digits on both sides
  }
  if (int_digits == 0) {
    return detail::quoted(text) + " is not a duration (examples: 250ms, 10s, 1.5s, 2m)";
  }
  const std::string_view unit = text.substr(i);
  uint64_t ms_per_unit = 0;
  if (unit == "ms") {
    ms_per_unit = 1;
  } else if (unit == "s" || unit.empty()) {
    ms_per_unit = 1000;
  } else if (unit == "m") {
    ms_per_unit = 60'000;
  } else {
    return detail::quoted(text) + " has an unknown unit (use ms, s or m, e.g. 250ms, 10s, 2m)";
  }
  const uint64_t fraction_ms = fraction * ms_per_unit;
  if (fraction_ms % fraction_scale != 0) {
    return detail::quoted(text) + " is not a whole number of milliseconds";
  }
  const uint64_t total = integer * ms_per_unit + fraction_ms / fraction_scale;
  return Duration(static_cast<Duration::rep>(total));
}

std::string format_duration(Duration d) {
  const auto ms = d.count();
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  // Seconds with the milliseconds as decimals, trailing zeros dropped: 25500 -> "25.5s".
  std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  while (frac.back() == '0') frac.pop_back();
  return std::to_string(ms / 1000) + "." + frac + "s";
}

}  // namespace mcsnoop::config
