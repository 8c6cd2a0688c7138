// Small string builders for error messages.
//
// They append left to right instead of using `"literal" + std::string`, which makes g++ 12 at
// -O2/-O3 emit a false -Wrestrict warning (GCC bug 105651) that -Werror turns into an error.
//
// Thread safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace mcsnoop::config::detail {

inline std::string cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out += p;
  return out;
}

// 'text', as values are quoted in messages.
inline std::string quoted(std::string_view text) { return cat({"'", text, "'"}); }

}  // namespace mcsnoop::config::detail
