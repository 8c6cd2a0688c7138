// StateLog: the state-change log lines of issue 9 (router port learned/aged, querier elected
// or lost, punt policer starting/stopping to drop, link up/down), and their rate limit.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "mcsnoop/control/state_log.hpp"

namespace mcsnoop::control {
namespace {

using snoop::Ms;

net::IpAddr v4(const char* text) {
  uint8_t b[4];
  EXPECT_EQ(inet_pton(AF_INET, text, b), 1);
  return net::IpAddr::v4_bytes(b);
}

// Appended, not `"p" + std::to_string(p)`: GCC 12 -O3 raises a false -Wrestrict on that.
std::string name(PortId p) {
  std::string s = "p";
  s += std::to_string(p);
  return s;
}

snoop::QuerierDetail querier(std::optional<net::IpAddr> addr, bool self, std::optional<PortId> port = {}) {
  snoop::QuerierDetail d;
  d.view = snoop::QuerierView{1, net::Family::V4, addr, self, 3, Ms{0}};
  d.port = port;
  return d;
}

TEST(StateLogTest, RouterPortsLearnedAndAgedAfterTheFirstLook) {
  StateLog log;
  const snoop::RouterView r0{1, net::Family::V4, 0, false, Ms{1000}};
  const snoop::RouterView r2{1, net::Family::V6, 2, true, Ms{0}};
  log.routers({r2}, name, 0);
  EXPECT_TRUE(log.take(0).empty()) << "what is there at start is not a change";
  log.routers({r0, r2}, name, 100);
  EXPECT_EQ(log.take(100), std::vector<std::string>{"vlan 1 ipv4: router port p0 learned"});
  log.routers({r0, r2}, name, 200);
  EXPECT_TRUE(log.take(200).empty()) << "no change, no line";
  log.routers({r2}, name, 300);
  EXPECT_EQ(log.take(300), std::vector<std::string>{"vlan 1 ipv4: router port p0 aged out"});
}

TEST(StateLogTest, QuerierElectedTakenOverAndLost) {
  StateLog log;
  log.queriers({querier(v4("192.0.2.254"), true)}, name, 0);
  EXPECT_EQ(log.take(0), std::vector<std::string>{"vlan 1 ipv4: we are the querier (192.0.2.254)"});
  log.queriers({querier(v4("192.0.2.1"), false, 3)}, name, 10);
  EXPECT_EQ(log.take(10), std::vector<std::string>{"vlan 1 ipv4: querier 192.0.2.1 elected on port p3"});
  log.queriers({querier(v4("192.0.2.1"), false, 3)}, name, 20);
  EXPECT_TRUE(log.take(20).empty());
  log.queriers({querier(std::nullopt, false)}, name, 30);
  EXPECT_EQ(log.take(30), std::vector<std::string>{"vlan 1 ipv4: querier 192.0.2.1 lost: no querier in the VLAN"});
}

TEST(StateLogTest, NoQuerierAtStartIsNotLogged) {
  StateLog log;
  log.queriers({querier(std::nullopt, false)}, name, 0);
  EXPECT_TRUE(log.take(0).empty());
}

TEST(StateLogTest, PolicerStartsAndStopsDropping) {
  StateLog log(10'000, 20, 5'000);
  log.policer(1, 7, 1000, name, 0);  // first look: the counter's base
  log.policer(1, 7, 1000, name, 100);
  EXPECT_TRUE(log.take(100).empty());
  log.policer(1, 50, 1000, name, 200);
  EXPECT_EQ(log.take(200),
            std::vector<std::string>{"port p1: punt policer started dropping control packets (igmp_rate_limit 1000/s)"});
  log.policer(1, 90, 1000, name, 300);
  log.policer(1, 90, 1000, name, 5'200);
  EXPECT_TRUE(log.take(5'200).empty()) << "still within the quiet time after the last drop";
  log.policer(1, 90, 1000, name, 5'300);
  EXPECT_EQ(log.take(5'300),
            std::vector<std::string>{"port p1: punt policer stopped dropping (83 control packets dropped)"});
}

TEST(StateLogTest, LinesOverTheBurstAreCountedAndSummarised) {
  StateLog log(10'000, 3);
  for (int i = 0; i < 10; ++i) log.link(0, i % 2 == 0, 1000, name, 100);
  const std::vector<std::string> first = log.take(100);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0], "port p0: link up (1000 Mbps)");
  EXPECT_EQ(first[1], "port p0: link down");
  EXPECT_EQ(log.suppressed_total(), 7u);
  EXPECT_TRUE(log.take(5'000).empty()) << "the window has not ended";
  EXPECT_EQ(log.take(10'100), std::vector<std::string>{"7 state-change log line(s) suppressed (rate limit)"});
  log.link(0, true, 1000, name, 10'200);
  EXPECT_EQ(log.take(10'200).size(), 1u) << "a new window";
}

}  // namespace
}  // namespace mcsnoop::control
