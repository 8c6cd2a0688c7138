#include "mcsnoop/mgmt/metrics_text.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace mcsnoop::mgmt {
namespace {

bool name_char(char c, bool first, bool colon_ok) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    out.append(buf, r.ptr);
  }
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, true)) return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, false)) return false;
  return true;
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (const char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

void MetricsWriter::family(std::string_view name, MetricType type, std::string_view help) {
  if (!valid_metric_name(name)) throw std::logic_error("invalid metric name \"" + std::string(name) + "\"");
  if (!families_.emplace(name).second)
    throw std::logic_error("metric family \"" + std::string(name) + "\" written twice");
  current_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_.push_back(' ');
  append_escaped_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += type == MetricType::Counter ? " counter\n" : " gauge\n";
}

void MetricsWriter::begin_sample(std::initializer_list<MetricLabel> labels) {
  if (current_.empty()) throw std::logic_error("metric sample before its family");
  out_ += current_;
  if (labels.size() != 0) {
    out_.push_back('{');
    bool first = true;
    for (const MetricLabel& l : labels) {
      if (!valid_label_name(l.name)) throw std::logic_error("invalid label name \"" + std::string(l.name) + "\"");
      if (!first) out_.push_back(',');
      first = false;
      out_ += l.name;
      out_ += "=\"";
      append_escaped_label_value(out_, l.value);
      out_.push_back('"');
    }
    out_.push_back('}');
  }
  out_.push_back(' ');
}

void MetricsWriter::sample(std::initializer_list<MetricLabel> labels, uint64_t value) {
  begin_sample(labels);
  append_uint(out_, value);
  out_.push_back('\n');
}

void MetricsWriter::sample(std::initializer_list<MetricLabel> labels, double value) {
  begin_sample(labels);
  append_double(out_, value);
  out_.push_back('\n');
}

}  // namespace mcsnoop::mgmt
