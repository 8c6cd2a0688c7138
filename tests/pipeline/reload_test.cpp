// Live reload on the real data plane and control plane (ControlPlane::reconfigure): state and
// traffic survive it, new settings are in force at once, a refused reload changes nothing.
// Ports: R faces the router (a querier at 10.0.0.1), H1..H3 are hosts.
#include <gtest/gtest.h>

#include <chrono>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<HarnessPort> rhhh() { return {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}}; }

// Unregistered multicast is dropped: a group whose entry went missing, even for a moment,
// would lose frames instead of being flooded.
HarnessVlan vlan1() {
  HarnessVlan v;
  v.id = 1;
  v.unregistered = snoop::UnregisteredPolicy::Drop;
  v.timers.query_interval = seconds(10);
  v.timers.query_response_interval = seconds(2);
  v.timers.last_member_query_interval = milliseconds(500);
  return v;
}

// The running configuration of a harness, to edit and reload.
struct Settings {
  snoop::EngineConfig engine;
  dataplane::SwitchSpec spec;
};
Settings running(SwitchHarness& sw) { return {sw.control().engine().config(), sw.dp().spec()}; }

bool reload(SwitchHarness& sw, const Settings& s, std::string* err = nullptr) {
  std::string why;
  const bool ok = sw.control().reconfigure(s.engine, s.spec, &why);
  if (err) *err = why;
  return ok;
}

size_t count(std::map<std::string, std::vector<Captured>>& out, const char* port) { return out[port].size(); }

// Frames of a joined group sent while the switch takes several reloads (workers running on
// their own lcore, the control loop on this thread): every frame arrives, none leaks.
TEST(Reload, StreamOfAnUnchangedGroupLosesNoFrame) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  auto first = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  ASSERT_EQ(count(first, "h1"), 1u);
  std::string err;
  ASSERT_TRUE(sw.launch(&err)) << err;

  const std::vector<uint8_t> frame = udp_to("239.1.1.1", "192.0.2.1", mac(0xee));
  constexpr unsigned kFrames = 20480, kBatch = 64, kReloadEvery = 256;
  unsigned sent = 0, reloads = 0;
  size_t h1 = 0, leaked = 0;
  Settings base = running(sw);
  auto collect = [&] {
    h1 += sw.capture("h1").size();
    leaked += sw.capture("h2").size() + sw.capture("h3").size() + sw.capture("r").size();
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (sent < kFrames && std::chrono::steady_clock::now() < deadline) {
    collect();
    sw.poll_control();
    if (sw.rx_ring_free("r") < kBatch || sw.pool_in_use() > 2048) continue;
    for (unsigned i = 0; i < kBatch; ++i) sw.inject("r", frame);
    sent += kBatch;
    if (sent % kReloadEvery == 0) {
      // Every kind of live change at once, back and forth; group 239.1.1.1 and h1 untouched.
      Settings s = base;
      const bool odd = (++reloads % 2) == 1;
      s.engine.ports[2].fast_leave = odd;
      s.engine.ports[3].max_groups = odd ? 1 : 0;
      s.engine.ports[3].flood_unregistered = false;
      s.engine.vlans[0].timers.query_interval = odd ? seconds(20) : seconds(10);
      if (odd) s.engine.vlans[0].static_groups.push_back({ip("239.2.2.2"), std::nullopt, PortMask::of(2)});
      s.spec.ports[2].punt_rate_pps = odd ? 50 : 100000;
      s.spec.ports[3].storm.broadcast = odd ? 10 : 0;
      s.spec.ports[3].bpdu = odd ? dataplane::BpduMode::Drop : dataplane::BpduMode::Flood;
      ASSERT_TRUE(reload(sw, s, &err)) << err;
    }
  }
  ASSERT_EQ(sent, kFrames) << "the workers stopped taking frames";
  const auto drain_deadline = std::chrono::steady_clock::now() + seconds(20);
  while (h1 < sent && std::chrono::steady_clock::now() < drain_deadline) {
    collect();
    sw.poll_control();
  }
  EXPECT_GE(reloads, 70u);
  EXPECT_EQ(h1, sent) << "frames of the unchanged group were lost during reloads";
  EXPECT_EQ(leaked, 0u);
}

TEST(Reload, FastLeaveSetByReloadIsInForceRightAfter) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  Settings s = running(sw);
  s.engine.ports[sw.port("h1")].fast_leave = true;
  ASSERT_TRUE(reload(sw, s));
  auto out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u) << "the membership survived the reload";
  sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 0u) << "fast leave pruned h1 at once (no last-member query wait)";
  EXPECT_EQ(sw.control().engine().counters().fast_leaves, 1u);
}

// A reload that would change the VLAN members is refused by the control plane: none of its
// other settings are taken over either.
TEST(Reload, RefusedReloadChangesNothing) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  Settings s = running(sw);
  s.engine.ports[sw.port("h1")].fast_leave = true;
  s.engine.vlans[0].members.reset(sw.port("h3"));
  s.spec.ports[sw.port("h1")].punt_rate_pps = 1;
  std::string err;
  EXPECT_FALSE(reload(sw, s, &err));
  EXPECT_NE(err, "");
  EXPECT_FALSE(sw.control().engine().config().ports[sw.port("h1")].fast_leave);
  EXPECT_EQ(sw.dp().spec().ports[sw.port("h1")].punt_rate_pps, 100000u);
  sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  auto out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u) << "no fast leave: h1 stays until the last-member queries end";
  // And a reload with fewer ports is refused before anything is looked at.
  s = running(sw);
  s.spec.ports.pop_back();
  EXPECT_FALSE(reload(sw, s));
}

// The workers see a VLAN's snooping flag change: reports in a VLAN that no longer snoops are
// flooded like data, and punted again once it snoops again.
TEST(Reload, SnoopingTurnedOffAndOnInTheDataPlane) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  auto out = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "h2"), 0u);
  Settings s = running(sw);
  s.engine.vlans[0].snooping = false;
  s.spec.vlans[0].snoop_igmp = false;
  s.spec.vlans[0].snoop_mld = false;
  ASSERT_TRUE(reload(sw, s));
  out = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "h2"), 1u) << "not snooped: the report floods";
  out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h3"), 1u) << "not snooped: multicast floods";
  s = running(sw);
  s.engine.vlans[0].snooping = true;
  s.spec.vlans[0].snoop_igmp = true;
  s.spec.vlans[0].snoop_mld = true;
  ASSERT_TRUE(reload(sw, s));
  sw.send("r", general_query());  // router ports were forgotten with the rest of the VLAN's state
  out = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "h2"), 0u) << "snooped again: the report goes to router ports only";
  EXPECT_EQ(count(out, "r"), 1u);
  out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "h3"), 0u);
}

// igmp_rate_limit changed by a reload polices the punt path from then on.
TEST(Reload, PuntRateChangedByReload) {
  SwitchHarness sw(rhhh(), {vlan1()});
  Settings s = running(sw);
  s.spec.ports[sw.port("h2")].punt_rate_pps = 1;  // burst: 16
  ASSERT_TRUE(reload(sw, s));
  for (int i = 0; i < 40; ++i) sw.inject("h2", v2_report("239.1.1.2", "10.0.0.12", 0x12));
  sw.step();
  EXPECT_GE(sw.dp().port_counters(sw.port("h2")).drops[static_cast<unsigned>(dataplane::Drop::PuntRateLimited)], 20u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("rl-pipe", "0-1"));
  return RUN_ALL_TESTS();
}
