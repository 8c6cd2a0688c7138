// The group table at scale: many groups and ports joined in random order, so the index grows
// through several doublings, member arrays reallocate and take inserts in the middle, and
// leaves delete groups (backward shifts in the index, slots reused). Every report must reach
// its own membership: the index keeps a copy of each group's member mask and array (the
// MemberLocator), and a stale copy would refresh or prune the wrong port.
#include <algorithm>
#include <random>
#include <set>

#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

constexpr unsigned kTablePorts = 16;
constexpr uint32_t kGroups = 20'000;  // the index starts with room for 4,096 groups

IpAddr group_addr(uint32_t i) { return IpAddr::v4(0xe9000000u | i); }  // 233.x.y.z
IpAddr host_addr(PortId p) { return IpAddr::v4(0x0a000001u | uint32_t{p} << 8); }

class TableTest : public EngineTest {
 protected:
  TableTest() {
    cfg.ports.assign(kTablePorts, PortConfig{});
    for (PortConfig& pc : cfg.ports) pc.fast_leave = true;  // a leave prunes at once
    vlan().members = PortMask::all(kTablePorts);
  }

  void join(uint32_t g, PortId p) {
    rx(old_report(host_addr(p), group_addr(g)), p);
    expected[g].set(p);
  }
  void part(uint32_t g, PortId p) {
    rx(leave(host_addr(p), group_addr(g)), p);
    expected[g].reset(p);
  }

  // The published (*,G) of every group is exactly its member ports (no router ports here).
  void expect_table() {
    size_t live = 0;
    for (uint32_t g = 0; g < expected.size(); ++g) {
      const auto it = fib.find(FibKey{1, group_addr(g), std::nullopt});
      if (expected[g].empty()) {
        ASSERT_TRUE(it == fib.end()) << "group " << g << " should be gone";
        continue;
      }
      ++live;
      ASSERT_TRUE(it != fib.end()) << "group " << g << " missing";
      ASSERT_EQ(it->second, expected[g]) << "group " << g;
    }
    size_t viewed = 0;
    for (const GroupView& v : engine->groups(now)) {
      if (!v.source) ++viewed;
    }
    EXPECT_EQ(viewed, live);
  }

  std::vector<PortMask> expected = std::vector<PortMask>(kGroups);
};

TEST_F(TableTest, ManyGroupsJoinedAndLeftInRandomOrderKeepTheirOwnPorts) {
  start();
  std::mt19937 rng(5);
  std::vector<std::pair<uint32_t, PortId>> joins;
  for (uint32_t g = 0; g < kGroups; ++g) {
    const unsigned n = 1 + rng() % 6;
    for (unsigned k = 0; k < n; ++k) joins.emplace_back(g, static_cast<PortId>(rng() % kTablePorts));
  }
  std::shuffle(joins.begin(), joins.end(), rng);  // member arrays grow by inserts anywhere
  for (auto [g, p] : joins) join(g, p);
  expect_table();

  // Leave about half of the memberships; whole groups go, and with them index entries.
  std::vector<std::pair<uint32_t, PortId>> members;
  for (uint32_t g = 0; g < kGroups; ++g) expected[g].for_each([&](PortId p) { members.emplace_back(g, p); });
  std::shuffle(members.begin(), members.end(), rng);
  members.resize(members.size() / 2);
  for (auto [g, p] : members) part(g, p);
  EXPECT_GT(counters().fast_leaves, 0u);
  expect_table();

  // New groups reuse the freed slots; old ones take new ports.
  for (uint32_t g = 0; g < kGroups; g += 3) join(g, static_cast<PortId>((g / 3) % kTablePorts));
  expect_table();
}

TEST_F(TableTest, ARefreshReachesItsOwnMembershipOnly) {
  start();
  std::mt19937 rng(9);
  for (uint32_t g = 0; g < kGroups; ++g) {
    for (PortId p = 0; p < kTablePorts; ++p) {
      if (rng() % 4 == 0) join(g, p);
    }
  }
  // Delete a third of the groups entirely, so entries shift in the index.
  for (uint32_t g = 0; g < kGroups; g += 3) {
    const PortMask ports = expected[g];
    ports.for_each([&](PortId p) { part(g, p); });
  }
  expect_table();

  // Refresh one pseudo-random membership per group halfway through the membership interval;
  // at the interval's end only the refreshed ones are left.
  const Ms gmi = 2 * 125'000ms + 10'000ms;
  at(gmi / 2);
  std::vector<PortMask> refreshed(kGroups);
  for (uint32_t g = 0; g < kGroups; ++g) {
    if (expected[g].empty()) continue;
    std::vector<PortId> ports;
    expected[g].for_each([&](PortId p) { ports.push_back(p); });
    const PortId p = ports[rng() % ports.size()];
    rx(old_report(host_addr(p), group_addr(g)), p);
    refreshed[g].set(p);
  }
  at(gmi + 1ms);
  expected = refreshed;
  expect_table();
  EXPECT_GT(counters().groups_expired, 0u);
}

}  // namespace
}  // namespace mcsnoop::snoop::test
