// The engine's private containers and helpers: SmallVec, CompactVec, OpenHashIndex,
// TimerQueue, the Membership and Group layouts, rank_below and classify_group.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <set>
#include <unordered_map>
#include <vector>

#include "compact_vec.hpp"
#include "engine_impl.hpp"
#include "group_class.hpp"
#include "open_hash_index.hpp"
#include "small_vec.hpp"
#include "timer_queue.hpp"

namespace mcsnoop::snoop {
namespace {

TEST(SmallVecTest, StaysInlineThenGrowsAndKeepsOrder) {
  SmallVec<uint64_t, 1> v;
  ASSERT_TRUE(v.push_back(5));
  EXPECT_EQ(v.heap_bytes(), 0u);
  ASSERT_TRUE(v.insert(0, 3));
  ASSERT_TRUE(v.insert(1, 4));
  ASSERT_TRUE(v.push_back(6));
  EXPECT_GT(v.heap_bytes(), 0u);
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), (std::vector<uint64_t>{3, 4, 5, 6}));
  v.erase(1);
  v.retain([](uint64_t x) { return x != 5; });
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), (std::vector<uint64_t>{3, 6}));
  SmallVec<uint64_t, 1> moved(std::move(v));
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(v.size(), 0u);
  SmallVec<uint64_t, 1> copy = moved;
  EXPECT_EQ(copy[1], 6u);
}

TEST(SmallVecTest, ByteSizedGrowsToItsOwnersCap) {
  SmallVec<uint64_t, 1, uint8_t> v;
  static_assert(sizeof(v) == 16, "one element inline, two size bytes, padding");
  for (uint64_t i = 0; i < 128; ++i) ASSERT_TRUE(v.insert(static_cast<uint32_t>(i / 2), i));  // middle inserts
  ASSERT_EQ(v.size(), 128u);
  EXPECT_EQ(v.capacity(), 128u);
  std::vector<uint64_t> ref;
  for (uint64_t i = 0; i < 128; ++i) ref.insert(ref.begin() + static_cast<ptrdiff_t>(i / 2), i);
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), ref);
  v.retain([](uint64_t x) { return x % 3 == 0; });
  std::erase_if(ref, [](uint64_t x) { return x % 3 != 0; });
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), ref);
}

// A list must refuse to grow past what its size type holds, in every build type: an assert
// (compiled out in release) is no check. The calls are written `(void)v.insert(...)` so the
// test also builds against the old API, where the overflow corrupted the heap and wrapped size.
TEST(SmallVecTest, RefusesToGrowPastItsSizeType) {
  SmallVec<uint32_t, 1, uint8_t> v;
  for (uint32_t i = 0; i < 255; ++i) (void)v.push_back(i);
  ASSERT_EQ(v.size(), 255u);
  (void)v.push_back(255);   // one past uint8_t: refused
  (void)v.insert(0, 1000);  // likewise at the front
  EXPECT_EQ(v.size(), 255u);
  EXPECT_LE(v.size(), v.capacity());
  EXPECT_EQ(v[0], 0u);
  EXPECT_EQ(v[254], 254u);
}

TEST(SmallVecTest, AssignRefusesMoreThanItsSizeTypeAndKeepsTheContents) {
  SmallVec<uint32_t, 1, uint8_t> v;
  (void)v.push_back(7);
  (void)v.push_back(8);
  std::vector<uint32_t> big(300, 42);
  (void)v.assign(big);  // 300 > 255: refused, the old contents stay
  EXPECT_EQ(std::vector<uint32_t>(v.begin(), v.end()), (std::vector<uint32_t>{7, 8}));
  EXPECT_LE(v.size(), v.capacity());
}

TEST(SmallVecTest, ReportsWhetherItGrew) {
  SmallVec<uint16_t, 1, uint8_t> v;
  for (uint32_t i = 0; i < 255; ++i) ASSERT_TRUE(v.push_back(static_cast<uint16_t>(i)));
  EXPECT_FALSE(v.push_back(1));
  EXPECT_FALSE(v.insert(3, 1));
  EXPECT_FALSE(v.assign(std::vector<uint16_t>(256, 1)));
  EXPECT_TRUE(v.assign(std::vector<uint16_t>(255, 1)));
  EXPECT_EQ(v.size(), 255u);
}

TEST(CompactVecTest, AssignRefusesMoreThanItsSizeTypeAndKeepsTheContents) {
  CompactVec<uint32_t> v;
  (void)v.push_back(1);
  (void)v.push_back(2);
  (void)v.push_back(3);
  // A list longer than uint32_t counts; only its first element is ever read (by the old code,
  // which truncated the length to 1), so the span need not be backed by 16 GB.
  const uint32_t one = 9;
  (void)v.assign(std::span<const uint32_t>(&one, (size_t{1} << 32) + 1));
  EXPECT_EQ(std::vector<uint32_t>(v.begin(), v.end()), (std::vector<uint32_t>{1, 2, 3}));
}

TEST(CompactVecTest, ReportsWhetherItGrew) {
  CompactVec<uint32_t> v;
  EXPECT_TRUE(v.push_back(1));
  EXPECT_TRUE(v.insert(0, 0));
  EXPECT_TRUE(v.assign(std::vector<uint32_t>{4, 5, 6}));
  const uint32_t one = 9;
  EXPECT_FALSE(v.assign(std::span<const uint32_t>(&one, (size_t{1} << 32) + 1)));
  EXPECT_EQ(v.size(), 3u);
}

TEST(CompactVecTest, EmptyCostsOnePointerAndNoBlock) {
  CompactVec<uint64_t> v;
  static_assert(sizeof(v) == sizeof(void*));
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end());
  EXPECT_EQ(v.heap_bytes(), 0u);
  v.clear();
  ASSERT_TRUE(v.assign({}));
  v.retain([](uint64_t) { return false; });
  EXPECT_EQ(v.heap_bytes(), 0u) << "nothing to hold: still no block";
  EXPECT_TRUE(v.span().empty());
}

TEST(CompactVecTest, MatchesAVectorUnderRandomEdits) {
  CompactVec<uint64_t> v;
  std::vector<uint64_t> ref;
  std::mt19937_64 rng(11);
  for (int step = 0; step < 20000; ++step) {
    const uint64_t x = rng();
    switch (x % 5) {
      case 0:
      case 1: {  // insert anywhere (growth from zero, and many doublings)
        const auto pos = static_cast<uint32_t>(ref.empty() ? 0 : (x >> 8) % (ref.size() + 1));
        ASSERT_TRUE(v.insert(pos, x));
        ref.insert(ref.begin() + pos, x);
        break;
      }
      case 2:
        if (!ref.empty()) {
          const auto pos = static_cast<uint32_t>((x >> 8) % ref.size());
          v.erase(pos);
          ref.erase(ref.begin() + pos);
        }
        break;
      case 3:  // erase while walking: keep about 3 of 4
        v.retain([](uint64_t e) { return e % 4 != 0; });
        std::erase_if(ref, [](uint64_t e) { return e % 4 == 0; });
        break;
      case 4:
        ASSERT_TRUE(v.push_back(x));
        ref.push_back(x);
        break;
    }
    ASSERT_EQ(v.size(), ref.size());
    ASSERT_TRUE(std::equal(v.begin(), v.end(), ref.begin(), ref.end())) << "step " << step;
  }
  EXPECT_GE(v.capacity(), v.size());
}

TEST(CompactVecTest, AssignKeepsCapacityAndCopiesAreDeep) {
  CompactVec<uint32_t> v;
  const std::vector<uint32_t> big{1, 2, 3, 4, 5, 6, 7, 8, 9};
  ASSERT_TRUE(v.assign(big));
  const uint32_t* block = v.data();
  const size_t bytes = v.heap_bytes();
  ASSERT_TRUE(v.assign(std::vector<uint32_t>{7}));  // shrink: same block, no allocation
  EXPECT_EQ(v.data(), block);
  EXPECT_EQ(v.heap_bytes(), bytes);
  EXPECT_EQ(std::vector<uint32_t>(v.begin(), v.end()), std::vector<uint32_t>{7});
  ASSERT_TRUE(v.assign(big));                       // back up to the capacity it already has
  EXPECT_EQ(v.data(), block);

  CompactVec<uint32_t> copy = v;
  copy[0] = 100;
  EXPECT_EQ(v[0], 1u);
  CompactVec<uint32_t> moved(std::move(copy));
  EXPECT_EQ(moved[0], 100u);
  EXPECT_TRUE(copy.empty());  // a moved-from CompactVec is empty
  moved = v;
  EXPECT_EQ(std::vector<uint32_t>(moved.begin(), moved.end()), big);
  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.data(), block) << "clear keeps the block";
}

// A payload that names its value, to check it travels with the value on every move.
struct Tagged {
  uint64_t of_value = 0;
};

TEST(OpenHashIndexTest, MatchesAReferenceMapUnderChurn) {
  OpenHashIndex<Tagged> idx(4);
  std::unordered_map<uint32_t, uint64_t> ref;  // value -> hash
  std::mt19937_64 rng(7);
  auto hash_of = [](uint32_t v) { return uint64_t{v} * 0x9e3779b97f4a7c15ULL; };
  for (int step = 0; step < 20000; ++step) {
    const uint32_t v = static_cast<uint32_t>(rng() % 3000);
    const uint64_t h = (v % 7 == 0) ? 42 : hash_of(v);  // some full collisions too
    const auto* found = idx.find(h, [&](const OpenHashIndex<Tagged>::Entry& e) { return e.value == v; });
    if (ref.count(v)) {
      ASSERT_NE(found, nullptr);
      ASSERT_EQ(found->value, v);
      ASSERT_EQ(found->extra.of_value, v) << "the payload moved with its value";
      idx.erase(h, v);
      ref.erase(v);
    } else {
      ASSERT_EQ(found, nullptr);
      idx.insert(h, v, Tagged{v});
      ref[v] = h;
    }
    ASSERT_EQ(idx.size(), ref.size());
    ASSERT_LE(uint64_t{idx.size()} * 5, uint64_t{idx.capacity()} * 4) << "load stays <= 4/5";
  }
  for (const auto& [value, h] : ref) {
    const uint32_t v = value;  // clang before 16 cannot capture a structured binding
    const auto* e = idx.find(h, [&](const OpenHashIndex<Tagged>::Entry& c) { return c.value == v; });
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->extra.of_value, v);
  }
}

TEST(OpenHashIndexTest, GrowsFromSmallAndUpdatesPayloadsInPlace) {
  OpenHashIndex<Tagged> idx(16);
  EXPECT_EQ(idx.capacity(), 32u);  // 16 entries fit at 4/5 of 32, not of 16
  constexpr uint32_t kN = 100'000;  // many groups: a dozen doublings
  auto hash_of = [](uint32_t v) { return (uint64_t{v} << 32) | (v * 2654435761u); };
  for (uint32_t v = 0; v < kN; ++v) idx.insert(hash_of(v), v, Tagged{v});
  EXPECT_EQ(idx.size(), kN);
  EXPECT_EQ(idx.capacity(), 131072u) << "100,000 entries fit at 4/5 of 2^17";
  for (uint32_t v = 0; v < kN; v += 3) idx.entry_of(hash_of(v), v).extra.of_value = v + 1;
  for (uint32_t v = 0; v < kN; v += 2) idx.erase(hash_of(v), v);  // backward shifts everywhere
  for (uint32_t v = 0; v < kN; ++v) {
    const auto* e = idx.find(hash_of(v), [&](const OpenHashIndex<Tagged>::Entry& c) { return c.value == v; });
    if (v % 2 == 0) {
      ASSERT_EQ(e, nullptr) << v;
    } else {
      ASSERT_NE(e, nullptr) << v;
      ASSERT_EQ(e->extra.of_value, v % 3 == 0 ? v + 1 : v) << v;
    }
  }
  EXPECT_EQ(idx.size(), kN / 2);
}

TEST(OpenHashIndexTest, NoPayloadCostsNothing) {
  static_assert(sizeof(OpenHashIndex<>::Entry) == 8);
  static_assert(sizeof(GroupIndex::Entry) == 24);
}

TEST(EngineLayoutTest, MembershipFieldsShareTheHostListsPadding) {
  static_assert(sizeof(Membership) == 88);
  static_assert(sizeof(Group) == 128 && alignof(Group) == 64);
  std::vector<Membership> members(3);
  Membership& m = members[1];
  for (uint32_t i = 0; i < kMaxHostsPerMembership; ++i) {
    ASSERT_TRUE(m.hosts.push_back(TrackedHost{net::IpAddr::v4(0x0a000000u + i), Ms{i}}));
  }
  m.port = 63;
  m.mode = FilterMode::Exclude;
  m.hosts_overflow = true;
  for (uint32_t i = 0; i < kMaxSourcesPerMembership; ++i) {
    ASSERT_TRUE(m.sources.push_back(SourceTimer{net::IpAddr::v4(0x0a010000u + i), kStopped}));
  }
  // The fields in the host list's tail padding are not overwritten by the list, nor it by them.
  EXPECT_EQ(m.hosts.size(), kMaxHostsPerMembership);
  EXPECT_EQ(m.hosts[31].addr, net::IpAddr::v4(0x0a00001fu));
  EXPECT_EQ(m.port, 63u);
  EXPECT_EQ(m.mode, FilterMode::Exclude);
  EXPECT_TRUE(m.hosts_overflow);
  EXPECT_EQ(m.sources.size(), kMaxSourcesPerMembership);
  m.hosts.retain([](const TrackedHost& h) { return h.expires < Ms{1}; });
  EXPECT_EQ(m.hosts.size(), 1u);
  EXPECT_EQ(m.port, 63u);
  EXPECT_TRUE(m.hosts_overflow);
  members.insert(members.begin(), Membership{});  // moves every membership (and reallocates)
  EXPECT_EQ(members[2].port, 63u);
  EXPECT_EQ(members[2].sources.size(), kMaxSourcesPerMembership);
  EXPECT_EQ(members[2].sources[255].addr, net::IpAddr::v4(0x0a0100ffu));
  EXPECT_EQ(members[2].hosts[0].addr, net::IpAddr::v4(0x0a000000u));
}

TEST(EngineLayoutTest, RankBelowIsThePopcountOfTheLowerPorts) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    const PortMask mask(i < 64 ? ~uint64_t{0} : rng());
    const auto port = static_cast<PortId>(i < 64 ? i : rng() % 64);
    const uint64_t below = mask.bits() & ((uint64_t{1} << port) - 1);
    ASSERT_EQ(rank_below(mask, port), static_cast<uint32_t>(std::popcount(below))) << i;
  }
}

TEST(GroupClassTest, AgreesWithIpAddrAroundEveryBoundary) {
  std::vector<net::IpAddr> addrs;
  // IPv4: first octet around 224/232/239/240, the 224.0.0/24 and 224.0.1 edges.
  for (uint32_t first : {0u, 10u, 223u, 224u, 225u, 231u, 232u, 233u, 239u, 240u, 255u}) {
    for (uint32_t rest : {0x000000u, 0x000001u, 0x0000ffu, 0x000100u, 0x00ff00u, 0x010000u, 0xffffffu}) {
      addrs.push_back(net::IpAddr::v4(first << 24 | rest));
    }
  }
  // IPv6: every flags/scope byte after ff, ff02::1 and its neighbours, non-multicast.
  for (int b1 = 0; b1 < 256; ++b1) {
    for (uint8_t last : {0, 1, 2}) {
      std::array<uint8_t, 16> b{};
      b[0] = 0xff;
      b[1] = static_cast<uint8_t>(b1);
      b[15] = last;
      addrs.push_back(net::IpAddr::v6(b));
      b[7] = 1;  // ff02:0:0:1::1 is not ff02::1
      addrs.push_back(net::IpAddr::v6(b));
    }
  }
  for (std::array<uint8_t, 16> b : {std::array<uint8_t, 16>{}, std::array<uint8_t, 16>{0xfe, 0x80},
                                    std::array<uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8}}) {
    addrs.push_back(net::IpAddr::v6(b));
  }
  // Almost v4-mapped: one byte of the ::ffff:0:0/96 prefix off.
  for (int i = 0; i < 12; ++i) {
    std::array<uint8_t, 16> b = net::IpAddr::v4(0xe0000101u).bytes();
    b[static_cast<size_t>(i)] ^= 0x01;
    addrs.push_back(net::IpAddr::v6(b));
  }
  for (const net::IpAddr& a : addrs) {
    const GroupClass c = classify_group(a);
    EXPECT_EQ(is_v4_mapped(a), a.is_v4()) << a.to_string();
    EXPECT_EQ(c.family, a.family()) << a.to_string();
    EXPECT_EQ(c.multicast, a.is_multicast()) << a.to_string();
    EXPECT_EQ(c.unsnoopable, a.is_unsnoopable_group()) << a.to_string();
    EXPECT_EQ(c.ssm, a.is_ssm()) << a.to_string();
  }
}

TEST(TimerQueueTest, PopsInDeadlineOrderAndSkipsLaterRearms) {
  TimerQueue q;
  Ms armed_a = kNever, armed_b = kNever;
  q.arm(armed_a, Ms{50}, TimerKind::Group, 1, 0);
  q.arm(armed_b, Ms{20}, TimerKind::Group, 2, 0);
  q.arm(armed_a, Ms{80}, TimerKind::Group, 1, 0);  // later: nothing pushed
  EXPECT_EQ(q.size(), 2u);
  q.arm(armed_a, Ms{10}, TimerKind::Group, 1, 0);  // earlier: pushed, the 50 ms event is stale
  EXPECT_EQ(armed_a, Ms{10});
  std::vector<Ms> order;
  while (!q.empty()) order.push_back(q.pop().when);
  EXPECT_EQ(order, (std::vector<Ms>{Ms{10}, Ms{20}, Ms{50}}));
}

}  // namespace
}  // namespace mcsnoop::snoop
