// String assembly for the tools' output.
//
// cat() appends its pieces into one string. It exists because g++ 12 at -O2/-O3 warns
// (-Wrestrict, a false positive: GCC bug 105329) on `"literal" + std::string(...)`, and the
// build treats warnings as errors.
#pragma once

#include <string>
#include <string_view>

namespace mcsnoop::tools {

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace mcsnoop::tools
