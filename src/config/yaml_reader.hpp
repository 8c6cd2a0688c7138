// Typed, error-collecting reads from a yaml-cpp tree.
//
// Every read either returns a value or records an Error naming the key path and line, then
// returns nullopt, so a section parser can go on and report the next problem too. MapReader
// also reports duplicate and unknown keys (suggesting the nearest known key).
//
// Thread safety: none; one loader call owns its Diagnostics and readers.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mcsnoop/config/config.hpp"
#include "mcsnoop/config/loader.hpp"

namespace mcsnoop::config::detail {

class Diagnostics {
 public:
  explicit Diagnostics(std::string origin) : origin_(std::move(origin)) {}

  void error(int line, std::string path, std::string message);
  void warning(int line, std::string path, std::string message);
  size_t error_count() const { return errors_.size(); }

  // Both lists sorted by line (stable, so errors on one line keep their order).
  std::vector<Error> take_errors();
  std::vector<Error> take_warnings();

 private:
  std::string origin_;
  std::vector<Error> errors_;
  std::vector<Error> warnings_;
};

std::string child_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, size_t index);

// One value in the tree with where it came from. `line` is the line of its key (or of the list
// item), which is where people look even when the value is empty or spans lines.
struct Field {
  YAML::Node node;
  std::string path;
  int line = 0;
};

class MapReader {
 public:
  // A null field reads as an empty map (an empty section keeps its defaults); anything else
  // that is not a map is reported and reads as empty.
  MapReader(const Field& map, Diagnostics& diag);

  // The value of `key` if present. Every key a section knows must be asked for (by take or
  // require) before finish(), which reports the keys nobody asked for.
  std::optional<Field> take(std::string_view key);
  // As take(), but reports a missing key.
  std::optional<Field> require(std::string_view key);
  void finish();

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }

 private:
  struct Entry {
    std::string key;
    Field field;
    bool taken = false;
  };
  Diagnostics& diag_;
  std::string path_;
  int line_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;
};

// Plain (unquoted) integers in [min, max].
std::optional<int64_t> read_int(const Field& f, Diagnostics& d, int64_t min, int64_t max);

template <typename T>
std::optional<T> read_number(const Field& f, Diagnostics& d, int64_t min, int64_t max) {
  auto v = read_int(f, d, min, max);
  if (!v) return std::nullopt;
  return static_cast<T>(*v);
}

// true / false (YAML 1.2 core spellings only: yes/no/on/off are refused as ambiguous).
std::optional<bool> read_bool(const Field& f, Diagnostics& d);

// Any non-empty scalar, as written.
std::optional<std::string> read_string(const Field& f, Diagnostics& d);

// A duration (duration.hpp) in [min, max].
std::optional<Duration> read_duration(const Field& f, Diagnostics& d, Duration min, Duration max);

// An IPv4 or IPv6 address.
std::optional<net::IpAddr> read_ip(const Field& f, Diagnostics& d);

// The items of a list (a null field is an empty list).
std::optional<std::vector<Field>> read_list(const Field& f, Diagnostics& d);

// The index of the name the field holds; the error lists every allowed name.
std::optional<size_t> read_choice(const Field& f, Diagnostics& d, std::span<const std::string_view> names);

template <typename E, size_t N>
std::optional<E> read_enum(const Field& f, Diagnostics& d, const std::pair<std::string_view, E> (&choices)[N]) {
  std::string_view names[N];
  for (size_t i = 0; i < N; ++i) names[i] = choices[i].first;
  auto i = read_choice(f, d, names);
  if (!i) return std::nullopt;
  return choices[*i].second;
}

// "a list", "a mapping", "the string \"x\"": how a node is named in type errors.
std::string describe(const YAML::Node& n);

}  // namespace mcsnoop::config::detail
