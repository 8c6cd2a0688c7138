// The engine's group index under crafted groups (issue 8): the hash is keyed, so groups a host
// computed to collide under a public hash spread over the index like any others.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "group_hash.hpp"
#include "open_hash_index.hpp"

namespace mcsnoop::snoop {
namespace {

// The index's hash before issue 8, as an attacker computes it offline: fixed, unkeyed.
uint64_t public_hash(VlanId vlan, const net::IpAddr& g) {
  uint64_t lo, hi;
  std::memcpy(&lo, g.bytes().data(), 8);
  std::memcpy(&hi, g.bytes().data() + 8, 8);
  uint64_t h = (lo * 0x9e3779b97f4a7c15ULL) ^ hi ^ (uint64_t{vlan} << 48);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// `n` distinct IPv6 groups ff0e:... of `vlan` with the same public_hash: the first half of the
// address is free (after ff0e), the second half cancels its multiplied image.
std::vector<net::IpAddr> crafted_groups(VlanId vlan, size_t n) {
  std::vector<net::IpAddr> out;
  const uint64_t target = 0x5555aaaa12345678ULL;
  for (uint64_t i = 1; out.size() < n; ++i) {
    const uint64_t lo = 0x0effULL | i << 16;  // bytes ff 0e, then i
    const uint64_t hi = target ^ (lo * 0x9e3779b97f4a7c15ULL) ^ (uint64_t{vlan} << 48);
    uint8_t b[16];
    std::memcpy(b, &lo, 8);
    std::memcpy(b + 8, &hi, 8);
    out.push_back(net::IpAddr::v6_bytes(b));
  }
  return out;
}

// How far each of `groups` sits from its home slot once all are in an index under `hash`.
template <typename Hash>
std::vector<uint32_t> displacements(const std::vector<net::IpAddr>& groups, VlanId vlan, Hash hash) {
  OpenHashIndex<> idx;
  for (uint32_t v = 0; v < groups.size(); ++v) idx.insert(hash(vlan, groups[v]), v);
  std::vector<uint32_t> d;
  for (uint32_t v = 0; v < groups.size(); ++v) d.push_back(idx.displacement(hash(vlan, groups[v]), v));
  return d;
}

constexpr VlanId kVlan = 7;
constexpr size_t kGroups = 2000;

TEST(GroupHashTest, CraftedGroupsReallyClusterUnderThePublicHash) {
  const auto groups = crafted_groups(kVlan, kGroups);
  for (const auto& g : groups) {
    ASSERT_TRUE(g.is_multicast());
    ASSERT_EQ(public_hash(kVlan, g), public_hash(kVlan, groups[0]));
  }
  const auto d = displacements(groups, kVlan, public_hash);
  EXPECT_EQ(*std::max_element(d.begin(), d.end()), kGroups - 1) << "one cluster: the last walks all";
}

TEST(GroupHashTest, CraftedGroupsDoNotClusterUnderTheKeyedHash) {
  const auto groups = crafted_groups(kVlan, kGroups);
  for (uint64_t seed : {1ULL, 2ULL, 0xfeedULL}) {
    const core::HashKey key = core::HashKey::fixed(seed);
    const auto d = displacements(groups, kVlan, [&](VlanId v, const net::IpAddr& g) { return group_hash(key, v, g); });
    uint64_t total = 0;
    for (uint32_t x : d) total += x;
    // 2000 random keys in 4096 slots: the mean displacement is about 0.5, the longest a few
    // dozen at worst.
    EXPECT_LE(*std::max_element(d.begin(), d.end()), 64u) << "seed " << seed;
    EXPECT_LE(static_cast<double>(total) / kGroups, 2.0) << "seed " << seed;
  }
}

TEST(GroupHashTest, KeyDecidesTheHash) {
  const net::IpAddr g = net::IpAddr::v4(0xEF010203);
  const core::HashKey a = core::HashKey::fixed(1), b = core::HashKey::fixed(2);
  EXPECT_EQ(group_hash(a, 1, g), group_hash(a, 1, g));
  EXPECT_NE(group_hash(a, 1, g), group_hash(b, 1, g));
  EXPECT_NE(group_hash(a, 1, g), group_hash(a, 2, g));
  EXPECT_NE(core::HashKey::random(), core::HashKey::random());
}

}  // namespace
}  // namespace mcsnoop::snoop
