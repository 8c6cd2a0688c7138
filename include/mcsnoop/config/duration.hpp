// Duration syntax of the configuration file: "250ms", "10s", "1.5s", "2m", or a bare integer
// meaning seconds. The value must be a whole number of milliseconds.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::config {

// Either the duration or a sentence saying what is wrong with the text.
using DurationParse = std::variant<Duration, std::string>;

DurationParse parse_duration(std::string_view text);

// A spelling that parse_duration reads back to `d`, in the largest unit that keeps it short:
// "2m", "90s", "25.5s", "250ms".
std::string format_duration(Duration d);

}  // namespace mcsnoop::config
