// "Egress ports are members of the VLAN" is enforced in one layer: dataplane::final_egress
// (egress_rules.hpp), which the workers apply to every frame they deliver and the control
// plane to every frame it sends. The MFT entries and unregistered sets the control plane
// writes are not filtered again; these tests show that a port outside the VLAN never gets a
// frame of it, whatever decided it (a table entry or unregistered set naming every port, a
// static group, floods, the control plane's own frames).
#include <gtest/gtest.h>

#include "mcsnoop/mft/mft.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

// h1, h2 in VLAN 10; h3 in VLAN 20 only; t1 a trunk carrying 20 only.
std::vector<HarnessPort> ports() {
  return {{.name = "h1", .vlan = 10},
          {.name = "h2", .vlan = 10},
          {.name = "h3", .vlan = 20},
          {.name = "t1", .mode = dataplane::VlanMode::Trunk, .allowed = {20}}};
}

// VLAN 10 has a static group that names every port, members or not.
std::vector<HarnessVlan> vlans(snoop::UnregisteredPolicy unregistered = snoop::UnregisteredPolicy::Flood) {
  HarnessVlan v10{.id = 10, .unregistered = unregistered};
  v10.static_groups.push_back({ip("239.1.1.1"), std::nullopt, PortMask::all(4)});
  v10.static_groups.push_back({ip("ff1e::1"), std::nullopt, PortMask::all(4)});
  return {v10, {.id = 20}};
}

void expect_only_members(std::map<std::string, std::vector<Captured>>& out, const char* what) {
  EXPECT_EQ(out["h3"].size(), 0u) << what << ": h3 is not in VLAN 10";
  EXPECT_EQ(out["t1"].size(), 0u) << what << ": t1 does not carry VLAN 10";
}

TEST(VlanEgress, StaticGroupNamingNonMembersReachesMembersOnly) {
  SwitchHarness sw(ports(), vlans());
  auto out = sw.send("h2", udp_to("239.1.1.1", "10.0.0.2"));
  EXPECT_EQ(out["h1"].size(), 1u) << "the member the static group names";
  expect_only_members(out, "IPv4 static group");
  out = sw.send("h2", udp_to("ff1e::1", "2001:db8::2"));
  EXPECT_EQ(out["h1"].size(), 1u);
  expect_only_members(out, "IPv6 static group");
}

TEST(VlanEgress, TableEntriesNamingNonMembersReachMembersOnly) {
  SwitchHarness sw(ports(), vlans());
  // Put straight into the tables: sets that name every port of the switch.
  ASSERT_TRUE(sw.dp().mft().set(mft::Key(10, ip("239.3.3.3")), PortMask::all(4)));
  ASSERT_TRUE(sw.dp().mft().set(mft::Key(10, ip("239.4.4.4"), ip("10.0.0.2")), PortMask::all(4)));
  sw.dp().state().set_unregistered(10, net::Family::V4, PortMask::all(4));
  sw.dp().state().set_unregistered(10, net::Family::V6, PortMask::all(4));
  auto out = sw.send("h2", udp_to("239.3.3.3", "10.0.0.2"));
  EXPECT_EQ(out["h1"].size(), 1u);
  expect_only_members(out, "(*,G) entry");
  out = sw.send("h2", udp_to("239.4.4.4", "10.0.0.2"));
  EXPECT_EQ(out["h1"].size(), 1u);
  expect_only_members(out, "(S,G) entry");
  out = sw.send("h2", udp_to("239.5.5.5", "10.0.0.2"));
  EXPECT_EQ(out["h1"].size(), 1u);
  expect_only_members(out, "unregistered IPv4");
  out = sw.send("h2", udp_to("ff1e::5", "2001:db8::2"));
  EXPECT_EQ(out["h1"].size(), 1u);
  expect_only_members(out, "unregistered IPv6");
}

TEST(VlanEgress, FloodsAndUnregisteredMulticastStayInTheVlan) {
  SwitchHarness sw(ports(), vlans());
  auto out = sw.send("h1", eth_frame(mac(1), net::MacAddr::broadcast()));
  EXPECT_EQ(out["h2"].size(), 1u);
  expect_only_members(out, "broadcast");
  out = sw.send("h1", eth_frame(mac(1), mac(0x42)));
  EXPECT_EQ(out["h2"].size(), 1u);
  expect_only_members(out, "unknown unicast");
  out = sw.send("h1", udp_to("239.9.9.9", "10.0.0.1", mac(1)));
  EXPECT_EQ(out["h2"].size(), 1u);
  expect_only_members(out, "unregistered multicast");
}

TEST(VlanEgress, ControlPlaneFramesStayInTheVlan) {
  SwitchHarness sw(ports(), vlans(snoop::UnregisteredPolicy::RouterPorts));
  // A querier on h1 makes h1 a router port; the report from h2 is forwarded to it only.
  auto out = sw.send("h1", general_query("10.0.0.1"));
  EXPECT_EQ(out["h2"].size(), 1u) << "the query is flooded in the VLAN";
  expect_only_members(out, "query");
  out = sw.send("h2", v2_report("239.2.2.2", "10.0.0.2", 2));
  EXPECT_EQ(out["h1"].size(), 1u) << "the report goes to the router port";
  expect_only_members(out, "report");
  // Data to the group now goes by the MFT entry (h2's membership, h1 the router port).
  out = sw.send("h1", udp_to("239.2.2.2", "10.0.0.1", mac(1)));
  EXPECT_EQ(out["h2"].size(), 1u);
  expect_only_members(out, "registered multicast");
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-vlanegress", "0-1"));
  return RUN_ALL_TESTS();
}
