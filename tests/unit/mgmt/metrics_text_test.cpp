// The Prometheus text format writer: lines, escaping, and the rules a scraper enforces.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "mcsnoop/mgmt/metrics_text.hpp"

namespace mcsnoop::mgmt {
namespace {

TEST(MetricsText, FamilyWithHelpTypeAndLabelledSamples) {
  MetricsWriter w;
  w.family("mcsnoop_port_rx_packets_total", MetricType::Counter, "Frames received on the port.");
  w.sample({{"port", "h1"}}, uint64_t{12});
  w.sample({{"port", "h2"}}, uint64_t{0});
  w.single("mcsnoop_groups", MetricType::Gauge, "Learned groups.", 3);
  EXPECT_EQ(w.text(),
            "# HELP mcsnoop_port_rx_packets_total Frames received on the port.\n"
            "# TYPE mcsnoop_port_rx_packets_total counter\n"
            "mcsnoop_port_rx_packets_total{port=\"h1\"} 12\n"
            "mcsnoop_port_rx_packets_total{port=\"h2\"} 0\n"
            "# HELP mcsnoop_groups Learned groups.\n"
            "# TYPE mcsnoop_groups gauge\n"
            "mcsnoop_groups 3\n");
}

TEST(MetricsText, SeveralLabelsKeepTheirOrder) {
  MetricsWriter w;
  w.family("x_total", MetricType::Counter, "h");
  w.sample({{"port", "a"}, {"reason", "malformed"}}, uint64_t{1});
  EXPECT_NE(w.text().find("x_total{port=\"a\",reason=\"malformed\"} 1\n"), std::string::npos) << w.text();
}

TEST(MetricsText, LabelValuesAreEscaped) {
  MetricsWriter w;
  w.family("x", MetricType::Gauge, "h");
  w.sample({{"port", "a\"b\\c\nd"}}, uint64_t{1});
  EXPECT_NE(w.text().find("x{port=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << w.text();
}

TEST(MetricsText, HelpIsEscapedButQuotesStay) {
  MetricsWriter w;
  w.family("x", MetricType::Gauge, "line1\nline2 \\ \"q\"");
  EXPECT_EQ(w.text().substr(0, w.text().find('\n') + 1), "# HELP x line1\\nline2 \\\\ \"q\"\n");
}

TEST(MetricsText, LargeCountersAndSpecialFloats) {
  MetricsWriter w;
  w.family("big_total", MetricType::Counter, "h");
  w.sample({}, std::numeric_limits<uint64_t>::max());
  w.family("f", MetricType::Gauge, "h");
  w.sample({{"k", "nan"}}, std::nan(""));
  w.sample({{"k", "pinf"}}, std::numeric_limits<double>::infinity());
  w.sample({{"k", "ninf"}}, -std::numeric_limits<double>::infinity());
  w.sample({{"k", "half"}}, 0.5);
  const std::string& t = w.text();
  EXPECT_NE(t.find("big_total 18446744073709551615\n"), std::string::npos);
  EXPECT_NE(t.find("f{k=\"nan\"} NaN\n"), std::string::npos);
  EXPECT_NE(t.find("f{k=\"pinf\"} +Inf\n"), std::string::npos);
  EXPECT_NE(t.find("f{k=\"ninf\"} -Inf\n"), std::string::npos);
  EXPECT_NE(t.find("f{k=\"half\"} 0.5\n"), std::string::npos);
}

TEST(MetricsText, OneFamilyPerName) {
  MetricsWriter w;
  w.family("x_total", MetricType::Counter, "h");
  EXPECT_THROW(w.family("x_total", MetricType::Counter, "h"), std::logic_error);
}

TEST(MetricsText, NamesAreChecked) {
  MetricsWriter w;
  EXPECT_THROW(w.sample({}, uint64_t{1}), std::logic_error);  // no family yet
  EXPECT_THROW(w.family("1abc", MetricType::Gauge, "h"), std::logic_error);
  EXPECT_THROW(w.family("a-b", MetricType::Gauge, "h"), std::logic_error);
  EXPECT_THROW(w.family("", MetricType::Gauge, "h"), std::logic_error);
  w.family("ok:name_1", MetricType::Gauge, "h");
  EXPECT_THROW(w.sample({{"bad-label", "v"}}, uint64_t{1}), std::logic_error);
  EXPECT_THROW(w.sample({{"__reserved", "v"}}, uint64_t{1}), std::logic_error);
  EXPECT_THROW(w.sample({{"a:b", "v"}}, uint64_t{1}), std::logic_error);  // colons: metric names only
  EXPECT_TRUE(valid_label_name("port"));
  EXPECT_TRUE(valid_metric_name("a:b_c"));
}

}  // namespace
}  // namespace mcsnoop::mgmt
