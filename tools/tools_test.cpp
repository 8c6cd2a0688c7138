// Unit tests of the demo tools' frame reader and RFC 4541 delivery model, on frames built with
// net/build.hpp.
#include <gtest/gtest.h>

#include "delivery_oracle.hpp"
#include "frame_facts.hpp"
#include "mcsnoop/net/build.hpp"

namespace mcsnoop::tools {
namespace {

using net::Compat;
using net::IpAddr;
using net::MacAddr;
using net::RecordType;

IpAddr ip(const char* text) { return *IpAddr::parse(text); }
MacAddr mac(uint8_t last) { return MacAddr{{0x02, 0, 0, 0, 0, last}}; }

constexpr PortId kRouter = 0, kH1 = 1, kH2 = 2, kH3 = 3;

FrameFacts query_v4(IpAddr src = ip("10.0.0.1")) {
  return read_frame(net::build(net::IgmpQuery{.version = Compat::V3, .src = src}, {.src_mac = mac(1)}));
}
FrameFacts join_v2(const char* group, uint8_t host) {
  return read_frame(net::build(net::IgmpReport{.src = ip("10.0.0.9"), .group = ip(group)}, {.src_mac = mac(host)}));
}
FrameFacts leave_v2(const char* group, uint8_t host) {
  return read_frame(net::build(net::IgmpLeave{.src = ip("10.0.0.9"), .group = ip(group)}, {.src_mac = mac(host)}));
}
FrameFacts data_to(const char* group) {
  return read_frame(net::build(net::UdpDatagram{.src = ip("10.0.0.1"), .dst = ip(group)}, {.src_mac = mac(1)}));
}
FrameFacts unicast(uint8_t from, uint8_t to) {
  return read_frame(net::build(net::UdpDatagram{.src = ip("10.0.0.2"), .dst = ip("10.0.0.3")},
                               {.src_mac = mac(from), .dst_mac = mac(to)}));
}

TEST(FrameFacts, NamesControlMessagesInWords) {
  EXPECT_EQ(query_v4().text, "IGMPv3 general query from 10.0.0.1");
  EXPECT_EQ(query_v4().traffic, Traffic::Query);
  EXPECT_EQ(join_v2("239.1.1.1", 11).text, "IGMPv2 report 239.1.1.1");
  EXPECT_EQ(leave_v2("239.1.1.1", 11).text, "IGMPv2 leave 239.1.1.1");
  const FrameFacts v3 = read_frame(net::build(net::IgmpV3Report{
      .src = ip("10.0.0.12"),
      .records = {{.type = RecordType::AllowNew, .group = ip("232.1.1.1"), .sources = {ip("10.0.0.1"), ip("10.0.0.2")}}}}));
  EXPECT_EQ(v3.text, "IGMPv3 report ALLOW(232.1.1.1, {10.0.0.1, 10.0.0.2})");
  ASSERT_EQ(v3.changes.size(), 1u);
  EXPECT_TRUE(v3.changes[0].wants_traffic);
  const FrameFacts mld = read_frame(net::build(net::MldQuery{.version = Compat::V2, .src = ip("fe80::1"),
                                                             .group = ip("ff0e::1:1")}));
  EXPECT_EQ(mld.text, "MLDv1 group query ff0e::1:1 from fe80::1");
}

TEST(FrameFacts, NamesDataAndPlainFrames) {
  EXPECT_EQ(data_to("239.1.1.1").text, "UDP 10.0.0.1 -> 239.1.1.1");
  EXPECT_EQ(data_to("239.1.1.1").traffic, Traffic::McastData);
  EXPECT_EQ(data_to("224.0.0.251").traffic, Traffic::LinkLocal);
  EXPECT_EQ(unicast(2, 3).traffic, Traffic::Unicast);
  const FrameFacts bcast = read_frame(net::build(net::EthernetFrame{}));
  EXPECT_EQ(bcast.traffic, Traffic::Broadcast);
  EXPECT_EQ(bcast.text, "Ethernet type 0x88b5 02:00:00:00:00:01 -> ff:ff:ff:ff:ff:ff (broadcast)");
  EXPECT_EQ(read_frame(std::vector<uint8_t>(10, 0)).traffic, Traffic::Malformed);
}

class OracleTest : public ::testing::Test {
 protected:
  DeliveryOracle oracle{{"router", "h1", "h2", "h3"}, UnregisteredPolicy::Flood};
  PortMask expect(PortId in, const FrameFacts& f) { return oracle.expect_then_observe(in, f)->ports; }
  static PortMask ports(std::initializer_list<PortId> ids) {
    PortMask m;
    for (PortId p : ids) m.set(p);
    return m;
  }
};

TEST_F(OracleTest, ReportsGoToRouterPortsOnceKnown) {
  EXPECT_EQ(expect(kH1, join_v2("239.1.1.1", 11)), PortMask());  // no router yet
  EXPECT_EQ(expect(kRouter, query_v4()), ports({kH1, kH2, kH3}));
  EXPECT_EQ(expect(kH2, join_v2("239.1.1.1", 12)), ports({kRouter}));
}

TEST_F(OracleTest, ProxyQueryFromZeroDoesNotMakeARouterPort) {
  expect(kH3, query_v4(ip("0.0.0.0")));
  EXPECT_EQ(expect(kH1, join_v2("239.1.1.1", 11)), PortMask());
}

TEST_F(OracleTest, DataFollowsJoinsAndLeaves) {
  expect(kRouter, query_v4());
  EXPECT_EQ(expect(kRouter, data_to("239.1.1.1")), ports({kH1, kH2, kH3}));  // unregistered: flood
  expect(kH1, join_v2("239.1.1.1", 11));
  const auto e = oracle.expect_then_observe(kRouter, data_to("239.1.1.1"));
  EXPECT_EQ(e->ports, ports({kH1}));
  EXPECT_EQ(e->reason, "joined by h1 (router is the source)");
  // Data from a host reaches the members and the router port.
  EXPECT_EQ(expect(kH3, data_to("239.1.1.1")), ports({kRouter, kH1}));
  expect(kH1, leave_v2("239.1.1.1", 11));
  EXPECT_EQ(expect(kRouter, data_to("239.1.1.1")), ports({kH1, kH2, kH3}));
  EXPECT_EQ(expect(kRouter, data_to("224.0.0.251")), ports({kH1, kH2, kH3}));
}

TEST(Oracle, UnregisteredPolicies) {
  DeliveryOracle to_routers({"router", "h1"}, UnregisteredPolicy::RouterPorts);
  to_routers.expect_then_observe(kRouter, query_v4());
  EXPECT_EQ(to_routers.expect_then_observe(kH1, data_to("239.9.9.9"))->ports, PortMask::of(kRouter));
  DeliveryOracle drop({"router", "h1"}, UnregisteredPolicy::Drop);
  drop.expect_then_observe(kRouter, query_v4());
  EXPECT_EQ(drop.expect_then_observe(kH1, data_to("239.9.9.9"))->ports, PortMask());
}

TEST_F(OracleTest, UnicastFloodsUntilTheDestinationIsLearned) {
  EXPECT_EQ(expect(kH1, unicast(11, 12)), ports({kRouter, kH2, kH3}));
  expect(kH2, unicast(12, 11));
  EXPECT_EQ(expect(kH1, unicast(11, 12)), ports({kH2}));
  EXPECT_EQ(expect(kH2, unicast(13, 12)), PortMask());  // destination behind the ingress port
}

}  // namespace
}  // namespace mcsnoop::tools
