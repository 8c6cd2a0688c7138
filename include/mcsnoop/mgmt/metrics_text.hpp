// The Prometheus text exposition format, version 0.0.4, written by hand (prometheus-cpp is not
// packaged for Debian 12).
//
// A MetricsWriter collects families in order: family() writes the HELP and TYPE lines, the
// sample() calls after it write that family's samples. Every name is checked against the
// format's grammar and every family name may appear once per document (a second family() of a
// name throws std::logic_error: the exporter has a bug, and a scraper would reject the page).
// Label values and HELP texts are escaped as the format wants (backslash, double quote, line
// feed), so a port name from the config file cannot break the page.
//
// Thread safety: none; one writer per document.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

namespace mcsnoop::mgmt {

// The Content-Type of the text format.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4";

enum class MetricType { Counter, Gauge };

struct MetricLabel {
  std::string_view name;
  std::string_view value;
};

class MetricsWriter {
 public:
  // Starts the family `name` ("mcsnoop_port_rx_packets_total"; counters end in _total).
  void family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current family. Throws std::logic_error before the first family().
  void sample(std::initializer_list<MetricLabel> labels, uint64_t value);
  void sample(std::initializer_list<MetricLabel> labels, double value);
  void sample(uint64_t value) { sample({}, value); }

  // A family with one sample: the common case of a switch-wide counter or gauge.
  void single(std::string_view name, MetricType type, std::string_view help, uint64_t value) {
    family(name, type, help);
    sample(value);
  }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void begin_sample(std::initializer_list<MetricLabel> labels);

  std::string out_;
  std::string current_;  // name of the family being written
  std::set<std::string, std::less<>> families_;
};

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label name
// ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
// Label value / HELP escaping of the text format.
void append_escaped_label_value(std::string& out, std::string_view value);
void append_escaped_help(std::string& out, std::string_view help);

}  // namespace mcsnoop::mgmt
