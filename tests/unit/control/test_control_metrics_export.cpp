// The metrics page built from a snapshot (write_prometheus) and the telemetry snapshot board:
// names, labels, values, and the text format's rules, without a running switch.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "mcsnoop/control/switch_snapshot.hpp"
#include "mcsnoop/control/telemetry.hpp"

namespace mcsnoop::control {
namespace {

SwitchSnapshot sample_snapshot() {
  SwitchSnapshot s;
  s.tsc_hz = 2'000'000'000;
  s.uptime_ms = 1500;
  PortSnapshot h1;
  h1.name = "h1";
  h1.link_up = true;
  h1.counters.rx_packets = 5;
  h1.counters.punted = 2;
  h1.nic.valid = true;
  h1.nic.rx_missed = 7;
  h1.usage.groups = 1;
  h1.rx_messages.igmp_reports_v3 = 4;
  h1.tx_messages.mrd_solicitations = 6;
  PortSnapshot up;
  up.name = "up:1";
  up.counters.count(dataplane::Drop::Malformed, 3);
  up.nic.valid = false;  // a driver without stats: no NIC samples for it
  s.ports = {h1, up};
  s.vlans = {{10, 2, 1, 0}, {20, 4, 0, 1}};
  s.lcores = {{0, "control", 10, 90}, {1, "worker", 100, 5}};
  s.engine.reports = 9;
  s.engine.ignored_ssm = 1;
  s.table.groups = 6;
  s.decode_errors = {{"bad_checksum", 4}};
  s.http.timed_out = 2;
  return s;
}

std::string render(const SwitchSnapshot& s) {
  mgmt::MetricsWriter w;
  write_prometheus(s, w);  // throws on a family written twice or a bad name
  return w.take();
}

bool has_line(const std::string& page, const std::string& line) {
  return page.find("\n" + line + "\n") != std::string::npos;
}

// Messages by type and version, per port and direction (show ports `messages`).
TEST(MetricsExport, MessagesByTypeAndVersion) {
  const std::string page = render(sample_snapshot());
  EXPECT_TRUE(has_line(
      page, R"(mcsnoop_port_messages_total{port="h1",direction="rx",protocol="igmp",type="report",version="3"} 4)"))
      << page;
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_messages_total{port="h1",direction="tx",protocol="mrd",type="solicitation"} 6)"));
  EXPECT_TRUE(has_line(
      page, R"(mcsnoop_port_messages_total{port="up:1",direction="tx",protocol="mld",type="done",version="1"} 0)"));
}

TEST(MetricsExport, ValuesAndLabels) {
  const std::string page = render(sample_snapshot());
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_rx_packets_total{port="h1"} 5)")) << page;
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_igmp_rx_packets_total{port="h1"} 2)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_drops_total{port="up:1",reason="malformed"} 3)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_drops_total{port="h1",reason="malformed"} 0)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_link_up{port="up:1"} 0)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_port_groups{port="h1"} 1)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_nic_rx_missed_total{port="h1"} 7)"));
  EXPECT_EQ(page.find(R"(mcsnoop_nic_rx_missed_total{port="up:1"})"), std::string::npos);
  EXPECT_TRUE(has_line(page, R"(mcsnoop_vlan_groups{vlan="20"} 4)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_vlan_router_ports{vlan="10",family="ipv4"} 1)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_vlan_router_ports{vlan="20",family="ipv6"} 1)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_lcore_busy_cycles_total{lcore="1",role="worker"} 100)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_lcore_idle_cycles_total{lcore="0",role="control"} 90)"));
  EXPECT_TRUE(has_line(page, "mcsnoop_snooping_reports_total 9"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_snooping_ignored_total{reason="ssm"} 1)"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_control_decode_errors_total{reason="bad_checksum"} 4)"));
  EXPECT_TRUE(has_line(page, "mcsnoop_groups 6"));
  EXPECT_TRUE(has_line(page, "mcsnoop_tsc_hz 2000000000"));
  EXPECT_TRUE(has_line(page, "mcsnoop_uptime_seconds 1.5"));
  EXPECT_TRUE(has_line(page, R"(mcsnoop_metrics_http_rejected_total{reason="timeout"} 2)"));
}

// Every line is a HELP, a TYPE or a sample of the family the last TYPE named; counters end in
// _total; each family appears once; every family has samples here (no empty families).
TEST(MetricsExport, TextFormatRules) {
  const std::string page = render(sample_snapshot());
  const std::regex help(R"(# HELP (mcsnoop_[a-z0-9_]+) \S.*)");
  const std::regex type(R"(# TYPE (mcsnoop_[a-z0-9_]+) (counter|gauge))");
  const std::regex sample(R"((mcsnoop_[a-z0-9_]+)(\{([a-z_]+="[^"\\\n]*",?)+\})? [0-9.e+]+)");
  std::istringstream in(page);
  std::string line, current, helped;
  std::set<std::string> seen;
  std::map<std::string, int> samples;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, help)) {
      helped = m[1];
    } else if (std::regex_match(line, m, type)) {
      current = m[1];
      EXPECT_EQ(helped, current) << "HELP before TYPE: " << line;
      EXPECT_TRUE(seen.insert(current).second) << "family twice: " << current;
      if (m[2] == "counter") EXPECT_TRUE(current.ends_with("_total")) << current;
      else EXPECT_FALSE(current.ends_with("_total")) << current;
    } else {
      ASSERT_TRUE(std::regex_match(line, m, sample)) << "not a sample line: " << line;
      EXPECT_EQ(m[1], current) << "sample outside its family: " << line;
      ++samples[current];
    }
  }
  EXPECT_GT(seen.size(), 70u);
  for (const std::string& f : seen) EXPECT_GT(samples[f], 0) << f;
}

TEST(TelemetryBoard, PublishedSnapshotIsSharedAndWithdrawnByItsPublisher) {
  EXPECT_EQ(published_snapshot(), nullptr);
  {
    TelemetryPublisher a;
    auto snap = std::make_shared<SwitchSnapshot>(sample_snapshot());
    ASSERT_TRUE(a.publish(snap));
    const auto seen = published_snapshot();
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(seen->ports.size(), 2u);
    {
      TelemetryPublisher b;  // another switch in the same process (tests): it did not publish
    }
    EXPECT_NE(published_snapshot(), nullptr) << "b's destructor must not withdraw a's snapshot";
    // The reader's copy stays valid after a newer publication replaces it.
    auto next = std::make_shared<SwitchSnapshot>();
    next->uptime_ms = 99;
    ASSERT_TRUE(a.publish(next));
    EXPECT_EQ(seen->uptime_ms, 1500u);
    EXPECT_EQ(published_snapshot()->uptime_ms, 99u);
  }
  EXPECT_EQ(published_snapshot(), nullptr);
}

}  // namespace
}  // namespace mcsnoop::control
