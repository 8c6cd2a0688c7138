// Helpers for config error messages.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "mcsnoop/core/text.hpp"

namespace mcsnoop::config::detail {

using core::cat;

// 'text', as values are quoted in messages.
inline std::string quoted(std::string_view text) { return cat("'", text, "'"); }

}  // namespace mcsnoop::config::detail
