// Helpers shared by the config tests: load YAML text and look for one error among all.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "mcsnoop/config/loader.hpp"

namespace mcsnoop::config::test {

inline LoadResult load(std::string_view yaml) { return load_string(yaml, "test.yaml"); }

inline std::string dump(const std::vector<Error>& errors) {
  std::string out;
  for (const Error& e : errors) out += "  " + e.to_string() + "\n";
  return out.empty() ? "  (none)\n" : out;
}

// Passes if some error sits at exactly `path` and `line` and its message contains `fragment`.
inline ::testing::AssertionResult has_error(const std::vector<Error>& errors, std::string_view path, int line,
                                            std::string_view fragment = "") {
  for (const Error& e : errors) {
    if (e.path == path && e.line == line && e.message.find(fragment) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at " << path << " line " << line << " containing \""
                                       << fragment << "\"; errors were:\n"
                                       << dump(errors);
}

inline ::testing::AssertionResult has_error(const LoadResult& r, std::string_view path, int line,
                                            std::string_view fragment = "") {
  if (r.ok()) return ::testing::AssertionFailure() << "the configuration loaded without errors";
  return has_error(r.errors, path, line, fragment);
}

// Passes if exactly one error was reported, at `path` and `line`, containing `fragment`: the
// check that a mistake is reported once, not again in every place that depends on it.
inline ::testing::AssertionResult only_error(const LoadResult& r, std::string_view path, int line,
                                             std::string_view fragment = "") {
  if (r.errors.size() != 1) {
    return ::testing::AssertionFailure() << "expected exactly one error, got " << r.errors.size() << ":\n"
                                         << dump(r.errors);
  }
  return has_error(r, path, line, fragment);
}

}  // namespace mcsnoop::config::test
