// The learning L2 switch on the real data plane: learning, aging, flooding, VLAN isolation,
// trunk tagging, no hairpin, clean shutdown.
#include <gtest/gtest.h>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::VlanMode;

std::vector<HarnessPort> three_access_ports(VlanId v = 1) {
  return {{.name = "h1", .vlan = v}, {.name = "h2", .vlan = v}, {.name = "h3", .vlan = v}};
}

TEST(L2Switching, UnknownUnicastFloodsThenLearnedUnicastGoesToOnePort) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  auto out = sw.send("h1", eth_frame(mac(1), mac(2)));
  EXPECT_EQ(out["h1"].size(), 0u) << "never back out of the ingress port";
  EXPECT_EQ(out["h2"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 1u);

  // h2 answers: mac(1) was learned on h1, so only h1 gets it.
  out = sw.send("h2", eth_frame(mac(2), mac(1)));
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 0u);
  // And mac(2) was learned on h2 by that frame.
  out = sw.send("h3", eth_frame(mac(3), mac(2)));
  EXPECT_EQ(out["h2"].size(), 1u);
  EXPECT_EQ(out["h1"].size(), 0u);
  EXPECT_EQ(sw.dp().macs().size(), 3u);
}

TEST(L2Switching, FrameToAMacOnTheIngressPortIsNotHairpinned) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  sw.send("h1", eth_frame(mac(1), mac(9)));
  auto out = sw.send("h1", eth_frame(mac(5), mac(1)));
  for (auto& [name, frames] : out) EXPECT_EQ(frames.size(), 0u) << name;
}

TEST(L2Switching, BroadcastFloodsToEveryOtherPortOfTheVlan) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  auto out = sw.send("h2", eth_frame(mac(2), net::MacAddr::broadcast()));
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(out["h2"].size(), 0u);
  EXPECT_EQ(out["h3"].size(), 1u);
}

TEST(L2Switching, MacMovingPortsIsRelearned) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  sw.send("h1", eth_frame(mac(1), mac(9)));
  sw.send("h3", eth_frame(mac(1), mac(9)));  // the host moved to h3
  auto out = sw.send("h2", eth_frame(mac(2), mac(1)));
  EXPECT_EQ(out["h3"].size(), 1u);
  EXPECT_EQ(out["h1"].size(), 0u);
}

// A link-down flush must not leave a worker believing the host is still learned: its next
// frame relearns it at once (the workers forget what they had settled; LearnFilter).
TEST(L2Switching, MacsFlushedByLinkDownAreRelearnedByTheNextFrame) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  sw.send("h1", eth_frame(mac(1), mac(9)));
  ASSERT_EQ(sw.send("h2", eth_frame(mac(2), mac(1)))["h3"].size(), 0u) << "learned on h1";
  sw.set_link("h1", false);
  ASSERT_EQ(sw.dp().macs().size(), 1u) << "h1's address flushed, h2's kept";
  sw.set_link("h1", true);
  sw.send("h1", eth_frame(mac(1), mac(9)));
  auto out = sw.send("h2", eth_frame(mac(2), mac(1)));
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 0u) << "relearned on h1 by its first frame after the flush";
}

TEST(L2Switching, LearnedMacsAgeOut) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, std::chrono::seconds(10));
  sw.send("h1", eth_frame(mac(1), mac(9)));
  ASSERT_EQ(sw.send("h2", eth_frame(mac(2), mac(1)))["h3"].size(), 0u) << "known before aging";
  sw.advance(std::chrono::seconds(5));
  EXPECT_EQ(sw.send("h3", eth_frame(mac(3), mac(1)))["h2"].size(), 0u) << "still known at half the aging time";
  sw.advance(std::chrono::seconds(11));
  auto out = sw.send("h2", eth_frame(mac(2), mac(1)));
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 1u) << "aged out: unknown unicast floods again";
}

TEST(L2Switching, AccessPortsOfDifferentVlansAreIsolated) {
  SwitchHarness sw({{.name = "a1", .vlan = 10}, {.name = "a2", .vlan = 10}, {.name = "b1", .vlan = 20}},
                   {{.id = 10}, {.id = 20}});
  auto out = sw.send("a1", eth_frame(mac(1), net::MacAddr::broadcast()));
  EXPECT_EQ(out["a2"].size(), 1u);
  EXPECT_EQ(out["b1"].size(), 0u);
  out = sw.send("b1", eth_frame(mac(3), mac(1)));  // mac(1) lives in VLAN 10 only
  EXPECT_EQ(out["a1"].size(), 0u);
  EXPECT_EQ(out["a2"].size(), 0u);
}

TEST(L2Switching, FramesTaggedWithAVlanThePortDoesNotCarryAreDropped) {
  SwitchHarness sw({{.name = "h1", .vlan = 10}, {.name = "h2", .vlan = 10},
                    {.name = "t", .mode = VlanMode::Trunk, .allowed = {10}}},
                   {{.id = 10}, {.id = 20}});
  auto out = sw.send("h1", eth_frame(mac(1), net::MacAddr::broadcast(), VlanId{20}));
  for (auto& [name, frames] : out) EXPECT_EQ(frames.size(), 0u) << name;
  out = sw.send("t", eth_frame(mac(2), net::MacAddr::broadcast(), VlanId{20}));
  for (auto& [name, frames] : out) EXPECT_EQ(frames.size(), 0u) << name;
  out = sw.send("t", eth_frame(mac(2), net::MacAddr::broadcast()));  // untagged, no native VLAN
  for (auto& [name, frames] : out) EXPECT_EQ(frames.size(), 0u) << name;
  const auto drops = [&](const char* p) {
    return sw.dp().port_counters(sw.port(p)).drops[static_cast<size_t>(dataplane::Drop::VlanNotAllowed)];
  };
  EXPECT_EQ(drops("h1"), 1u);
  EXPECT_EQ(drops("t"), 2u);
}

TEST(L2Switching, TrunkTagsOnEgressAndAccessUntags) {
  SwitchHarness sw({{.name = "a10", .vlan = 10}, {.name = "a20", .vlan = 20},
                    {.name = "t", .mode = VlanMode::Trunk, .allowed = {10, 20, 30}, .native = 30},
                    {.name = "a30", .vlan = 30}},
                   {{.id = 10}, {.id = 20}, {.id = 30}});
  // Access VLAN 10 -> trunk: tagged 10.
  auto out = sw.send("a10", eth_frame(mac(1), net::MacAddr::broadcast()));
  ASSERT_EQ(out["t"].size(), 1u);
  auto fi = out["t"][0].info();
  EXPECT_TRUE(fi.tagged);
  EXPECT_EQ(fi.vid, 10);
  EXPECT_EQ(out["t"][0].bytes.size(), 64u) << "60-byte frame + 4-byte tag";
  EXPECT_EQ(out["a20"].size(), 0u);
  // Trunk tagged 20 -> access VLAN 20: untagged, payload intact.
  const auto tagged20 = eth_frame(mac(2), net::MacAddr::broadcast(), VlanId{20});
  out = sw.send("t", tagged20);
  ASSERT_EQ(out["a20"].size(), 1u);
  fi = out["a20"][0].info();
  EXPECT_FALSE(fi.tagged);
  EXPECT_EQ(out["a20"][0].bytes.size(), tagged20.size() - 4);
  EXPECT_TRUE(std::equal(tagged20.begin() + 16, tagged20.end(), out["a20"][0].bytes.begin() + 12));
  EXPECT_EQ(out["a10"].size(), 0u);
  // Native VLAN 30: untagged on the trunk both ways.
  out = sw.send("a30", eth_frame(mac(3), net::MacAddr::broadcast()));
  ASSERT_EQ(out["t"].size(), 1u);
  EXPECT_FALSE(out["t"][0].info().tagged);
  out = sw.send("t", eth_frame(mac(4), net::MacAddr::broadcast()));
  ASSERT_EQ(out["a30"].size(), 1u);
  EXPECT_EQ(out["a10"].size(), 0u);
}

TEST(L2Switching, PriorityTaggedFramesBelongToTheAccessVlan) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}});
  auto out = sw.send("h1", eth_frame(mac(1), net::MacAddr::broadcast(), VlanId{0}));
  ASSERT_EQ(out["h2"].size(), 1u);
  EXPECT_FALSE(out["h2"][0].info().tagged);
}

TEST(L2Switching, ReplicationToMixedTaggingKeepsEveryMbufAccounted) {
  SwitchHarness sw({{.name = "a1", .vlan = 10}, {.name = "a2", .vlan = 10},
                    {.name = "t1", .mode = VlanMode::Trunk, .allowed = {10}},
                    {.name = "t2", .mode = VlanMode::Trunk, .allowed = {10}}},
                   {{.id = 10}});
  for (int i = 0; i < 200; ++i) {
    auto out = sw.send(i % 2 ? "a1" : "t1", eth_frame(mac(1 + i % 2), net::MacAddr::broadcast(),
                                                        i % 2 ? std::nullopt : std::optional<VlanId>(10)));
    ASSERT_EQ(out["a2"].size(), 1u);
    ASSERT_FALSE(out["a2"][0].info().tagged);
    ASSERT_EQ(out["t2"].size(), 1u);
    ASSERT_TRUE(out["t2"][0].info().tagged);
  }
  // Everything captured was freed by the harness; nothing may remain in the switch's pools.
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-l2", "0-1"));
  return RUN_ALL_TESTS();
}
