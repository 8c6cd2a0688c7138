// cat(): one string from pieces, appended left to right.
//
// It exists because g++ 12 at -O2/-O3 emits a false -Wrestrict warning (GCC bugs 105329,
// 105651) on `"literal" + std::string(...)`, which -Werror turns into an error. Every module
// that assembles messages (config errors, tools' output) uses this one.
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace mcsnoop::core {

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ... + 0));
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace mcsnoop::core
