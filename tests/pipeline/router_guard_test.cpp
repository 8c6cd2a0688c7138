// Router guard (ports[].router_guard) on the real data plane and control plane: queries, PIM
// hellos and MRD advertisements from a guarded host port reach nobody, elect nobody, lower no
// timer, make no router port, and are counted in `show ports` and `show stats`.
#include <gtest/gtest.h>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct GuardTopology {
  // r faces the router, h1 is a host, h2 a guarded host port (the attacker).
  static std::vector<HarnessPort> ports() {
    std::vector<HarnessPort> p = {{.name = "r"}, {.name = "h1"}, {.name = "h2"}};
    p[2].snoop.router_guard = true;
    return p;
  }
  static HarnessVlan vlan() {
    HarnessVlan v;
    v.id = 1;
    v.unregistered = snoop::UnregisteredPolicy::RouterPorts;
    v.querier.enabled = true;
    v.querier.address = ip("10.0.0.254");
    return v;
  }
};

size_t frames(std::map<std::string, std::vector<Captured>>& out) {
  size_t n = 0;
  for (auto& [name, v] : out) n += v.size();
  return n;
}

bool querier_is_self(SwitchHarness& sw) {
  for (const auto& q : sw.control().show_querier())
    if (q["family"] == "ipv4") return q["self"] == true;
  return false;
}

uint64_t port_guard_drops(SwitchHarness& sw, const char* name) {
  for (const auto& p : sw.control().show_ports())
    if (p["name"] == name) return p["dropped_router_guard"].get<uint64_t>();
  ADD_FAILURE() << "no port " << name;
  return 0;
}

std::vector<uint8_t> group_query(const char* src, const char* group, uint32_t mrt_ms) {
  net::IgmpQuery q;
  q.src = ip(src);
  q.group = ip(group);
  q.dst = ip(group);
  q.max_resp_ms = mrt_ms;
  net::FrameOptions o;
  o.src_mac = mac(0x22);
  return net::build(q, o);
}

TEST(RouterGuard, RouterSignalsOnAGuardedPortChangeNothingAndAreCounted) {
  SwitchHarness sw(GuardTopology::ports(), {GuardTopology::vlan()});
  sw.advance(seconds(1));
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_TRUE(querier_is_self(sw));
  sw.drain_all();

  // A general query from a lower address than our querier's, a group-specific query with a
  // short MRT, a PIM hello and an MRD advertisement, all from the guarded port.
  net::FrameOptions o;
  o.src_mac = mac(0x22);
  auto q = sw.send("h2", general_query("10.0.0.1"));
  EXPECT_EQ(frames(q), 0u) << "the spoofed query reaches no host and no router";
  auto gq = sw.send("h2", group_query("10.0.0.1", "239.1.1.1", 100));
  EXPECT_EQ(frames(gq), 0u);
  auto pim = sw.send("h2", net::build(net::PimHello{.src = ip("10.0.0.1")}, o));
  EXPECT_EQ(frames(pim), 0u);
  auto adv = sw.send("h2", net::build(net::MrdAdvertisement{.src = ip("10.0.0.1")}, o));
  EXPECT_EQ(frames(adv), 0u);

  EXPECT_TRUE(querier_is_self(sw)) << "no election: our querier keeps the role";
  EXPECT_TRUE(sw.control().show_routers().empty()) << "never a router port";
  EXPECT_EQ(port_guard_drops(sw, "h2"), 4u);
  EXPECT_EQ(port_guard_drops(sw, "h1"), 0u);
  EXPECT_EQ(sw.control().show_stats()["snooping"]["dropped_router_guard"], 4u);
  EXPECT_EQ(sw.control().show_stats()["snooping"]["queries"], 0u);

  // The Q(G) with MRT 100 ms lowered nothing: the member keeps its data past 2 x 100 ms.
  sw.advance(seconds(2));
  sw.drain_all();
  auto data = sw.send("r", udp_to("239.1.1.1", "10.0.0.100"));
  EXPECT_EQ(data["h1"].size(), 1u);
  EXPECT_EQ(data["h2"].size(), 0u);
  // Reports from the guarded port still work: it is a host port.
  sw.send("h2", v2_report("239.1.1.1", "10.0.0.12", 0x12));
  auto data2 = sw.send("r", udp_to("239.1.1.1", "10.0.0.100"));
  EXPECT_EQ(data2["h2"].size(), 1u);
}

TEST(RouterGuard, TheSameQueryOnAnUnguardedPortIsHeard) {  // the control: the test can fail
  SwitchHarness sw(GuardTopology::ports(), {GuardTopology::vlan()});
  sw.advance(seconds(1));
  sw.drain_all();
  auto q = sw.send("h1", general_query("10.0.0.1"));
  EXPECT_EQ(q["h2"].size(), 1u);
  EXPECT_FALSE(querier_is_self(sw));
  EXPECT_EQ(sw.control().show_routers().size(), 1u);
  EXPECT_EQ(sw.control().show_stats()["snooping"]["dropped_router_guard"], 0u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("h-guard-pl", "0-1"));
  return RUN_ALL_TESTS();
}
