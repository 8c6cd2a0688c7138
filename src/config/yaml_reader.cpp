// Error-collecting reads from yaml-cpp nodes (yaml_reader.hpp).
#include "yaml_reader.hpp"

#include <algorithm>
#include <charconv>

#include "mcsnoop/config/duration.hpp"
#include "text.hpp"

namespace mcsnoop::config::detail {
namespace {

// yaml-cpp tags plain scalars "?" and quoted ones "!": an integer written "10" is a string.
bool is_plain(const YAML::Node& n) { return n.Tag() == "?"; }

int line_of(const YAML::Node& n, int fallback) {
  const int line = n.Mark().line;
  return line >= 0 ? line + 1 : fallback;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

void sort_by_line(std::vector<Error>& v) {
  std::stable_sort(v.begin(), v.end(), [](const Error& a, const Error& b) { return a.line < b.line; });
}

}  // namespace

void Diagnostics::error(int line, std::string path, std::string message) {
  errors_.push_back(Error{origin_, line, std::move(path), std::move(message)});
}

void Diagnostics::warning(int line, std::string path, std::string message) {
  warnings_.push_back(Error{origin_, line, std::move(path), std::move(message)});
}

std::vector<Error> Diagnostics::take_errors() {
  sort_by_line(errors_);
  return std::move(errors_);
}

std::vector<Error> Diagnostics::take_warnings() {
  sort_by_line(warnings_);
  return std::move(warnings_);
}

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string index_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar:
      return (is_plain(n) ? "'" : "the quoted string \"") + n.Scalar() + (is_plain(n) ? "'" : "\"");
    case YAML::NodeType::Undefined: break;
  }
  return "an undefined value";
}

MapReader::MapReader(const Field& map, Diagnostics& diag)
    : diag_(diag), path_(map.path), line_(map.line) {
  if (map.node.IsNull()) {
    is_map_ = true;
    return;
  }
  if (!map.node.IsMap()) {
    diag_.error(line_, path_, "expected a mapping of keys to values, got " + describe(map.node));
    return;
  }
  is_map_ = true;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const int key_line = line_of(it->first, line_);
    if (!it->first.IsScalar()) {
      diag_.error(key_line, path_, "a key must be a plain name, got " + describe(it->first));
      continue;
    }
    std::string key = it->first.Scalar();
    auto dup = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
    if (dup != entries_.end()) {
      diag_.error(key_line, child_path(path_, key),
                  "duplicate key (first given on line " + std::to_string(dup->field.line) + ")");
      continue;
    }
    Field f{it->second, child_path(path_, key), key_line};
    entries_.push_back(Entry{std::move(key), std::move(f), false});
  }
}

std::optional<Field> MapReader::take(std::string_view key) {
  known_.emplace_back(key);
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.taken = true;
      return e.field;
    }
  }
  return std::nullopt;
}

std::optional<Field> MapReader::require(std::string_view key) {
  auto f = take(key);
  if (!f && is_map_) diag_.error(line_, child_path(path_, key), "missing required key");
  return f;
}

void MapReader::finish() {
  for (const Entry& e : entries_) {
    if (e.taken) continue;
    std::string_view best;
    size_t best_distance = 3;  // suggest only near misses: typos, not different words
    for (const std::string& k : known_) {
      const size_t dist = edit_distance(e.key, k);
      if (dist < best_distance) {
        best_distance = dist;
        best = k;
      }
    }
    std::string msg = "unknown key";
    if (!best.empty()) {
      msg += cat(" (did you mean '", best, "'?)");
    } else {
      std::vector<std::string_view> names(known_.begin(), known_.end());
      msg += " (known keys" + std::string(path_.empty() ? "" : " here") + ": " + join(names) + ")";
    }
    diag_.error(e.field.line, e.field.path, msg);
  }
}

std::optional<int64_t> read_int(const Field& f, Diagnostics& d, int64_t min, int64_t max) {
  const std::string range = std::to_string(min) + "-" + std::to_string(max);
  if (!f.node.IsScalar()) {
    d.error(f.line, f.path, "expected an integer (" + range + "), got " + describe(f.node));
    return std::nullopt;
  }
  const std::string& s = f.node.Scalar();
  int64_t v = 0;
  const char* begin = s.data() + (s.starts_with('+') ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  const bool numeric = ec != std::errc::invalid_argument && end == s.data() + s.size();
  if (!numeric) {
    d.error(f.line, f.path, "expected an integer (" + range + "), got " + describe(f.node));
    return std::nullopt;
  }
  if (!is_plain(f.node)) {
    d.error(f.line, f.path, "expected an integer, got " + describe(f.node) + " (remove the quotes)");
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || v < min || v > max) {
    d.error(f.line, f.path, s + " is out of range (" + range + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> read_bool(const Field& f, Diagnostics& d) {
  if (f.node.IsScalar() && is_plain(f.node)) {
    const std::string& s = f.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  d.error(f.line, f.path, "expected true or false, got " + describe(f.node));
  return std::nullopt;
}

std::optional<std::string> read_string(const Field& f, Diagnostics& d) {
  if (!f.node.IsScalar()) {
    d.error(f.line, f.path, "expected a string, got " + describe(f.node));
    return std::nullopt;
  }
  if (f.node.Scalar().empty()) {
    d.error(f.line, f.path, "must not be empty");
    return std::nullopt;
  }
  return f.node.Scalar();
}

std::optional<Duration> read_duration(const Field& f, Diagnostics& d, Duration min, Duration max) {
  const std::string range = format_duration(min) + " to " + format_duration(max);
  if (!f.node.IsScalar()) {
    d.error(f.line, f.path, "expected a duration (e.g. 10s, 250ms, 2m), got " + describe(f.node));
    return std::nullopt;
  }
  DurationParse parsed = parse_duration(f.node.Scalar());
  if (auto* why = std::get_if<std::string>(&parsed)) {
    d.error(f.line, f.path, *why);
    return std::nullopt;
  }
  const Duration v = std::get<Duration>(parsed);
  if (v < min || v > max) {
    d.error(f.line, f.path, f.node.Scalar() + " is out of range (" + range + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<net::IpAddr> read_ip(const Field& f, Diagnostics& d) {
  if (f.node.IsScalar()) {
    if (auto a = net::IpAddr::parse(f.node.Scalar())) return a;
  }
  d.error(f.line, f.path, "expected an IPv4 or IPv6 address, got " + describe(f.node));
  return std::nullopt;
}

std::optional<std::vector<Field>> read_list(const Field& f, Diagnostics& d) {
  std::vector<Field> items;
  if (f.node.IsNull()) return items;
  if (!f.node.IsSequence()) {
    d.error(f.line, f.path, "expected a list, got " + describe(f.node));
    return std::nullopt;
  }
  for (size_t i = 0; i < f.node.size(); ++i) {
    const YAML::Node item = f.node[i];
    items.push_back(Field{item, index_path(f.path, i), line_of(item, f.line)});
  }
  return items;
}

std::optional<size_t> read_choice(const Field& f, Diagnostics& d, std::span<const std::string_view> names) {
  if (f.node.IsScalar()) {
    const std::string& s = f.node.Scalar();
    for (size_t i = 0; i < names.size(); ++i) {
      if (s == names[i]) return i;
    }
  }
  d.error(f.line, f.path, "unknown value " + describe(f.node) + " (expected one of: " + join(names) + ")");
  return std::nullopt;
}

}  // namespace mcsnoop::config::detail
