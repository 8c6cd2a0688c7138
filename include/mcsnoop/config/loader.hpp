// Loading a configuration file: YAML text in, a validated Config or every error out.
//
// The loader never stops at the first problem: it reports each unknown key, wrong type,
// out-of-range value and cross-reference error it finds, each naming the key path
// ("ports[1].vlan") and the 1-based line of the file. No exception escapes these functions.
//
// Thread safety: the functions share no state; concurrent calls are safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::config {

struct Error {
  std::string origin;    // file name, or whatever the caller of load_string named the text
  int line = 0;          // 1-based; 0 when no line applies (the file cannot be read)
  std::string path;      // key path such as "vlans[0].querier.address"; empty = whole file
  std::string message;

  // "<origin>:<line>: <path>: <message>"; the line and path parts are left out when empty.
  std::string to_string() const;
};

struct LoadResult {
  std::optional<Config> config;   // set if and only if `errors` is empty
  std::vector<Error> errors;      // sorted by line
  std::vector<Error> warnings;    // legal but probably unintended settings; sorted by line

  bool ok() const { return config.has_value(); }
};

// Reads and validates the file at `path`; errors name `path` as their origin.
LoadResult load_file(const std::string& path);

// Validates YAML text already in memory; `origin` names it in errors.
LoadResult load_string(std::string_view yaml, std::string_view origin);

}  // namespace mcsnoop::config
