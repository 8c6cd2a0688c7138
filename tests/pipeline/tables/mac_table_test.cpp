// MAC table: learning outcomes, packed values, incremental aging, flushes, capacity and the
// grace period of deleted key slots.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "eal_env.hpp"
#include "mcsnoop/l2/mac_table.hpp"

namespace mcsnoop::l2 {
namespace {

[[maybe_unused]] ::testing::Environment* const kEal = ::testing::AddGlobalTestEnvironment(
    new mcsnoop::testing::EalEnvironment("mcsnoop-test-mac", "0-1"));

constexpr VlanId kVlan = 20;
constexpr uint64_t kAgingMs = 300'000;

MacKey mac_n(uint32_t n, VlanId vlan = kVlan) {
  return MacKey({0x02, 0x00, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                 static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)},
                vlan);
}

static_assert(MacValue::decode(MacValue::encode(0xffff, 0x123456789abc)) ==
              MacValue{0xffff, 0x123456789abc});
static_assert(MacValue::decode(MacValue::encode(7, (uint64_t{1} << 48) + 5)).last_seen_ms == 5,
              "time is kept modulo 2^48 and never spills into the port");

class MacTableTest : public ::testing::Test {
 protected:
  mft::RcuDomain rcu_{2};
  MacTable table_{rcu_, 1024};

  MacValue value_of(const MacKey& k) {
    MacValue v;
    EXPECT_TRUE(table_.lookup(k, v));
    return v;
  }
};

TEST_F(MacTableTest, LearnNewThenRefreshThenMove) {
  const MacKey k = mac_n(1);
  EXPECT_EQ(table_.learn(k, 3, 1000), LearnResult::New);
  EXPECT_EQ(value_of(k), (MacValue{3, 1000}));
  EXPECT_EQ(table_.learn(k, 3, 2000), LearnResult::Refreshed);
  EXPECT_EQ(value_of(k), (MacValue{3, 2000}));
  EXPECT_EQ(table_.learn(k, 5, 2500), LearnResult::Moved);
  EXPECT_EQ(value_of(k), (MacValue{5, 2500}));
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_EQ(table_.stats().learned, 1u);
  EXPECT_EQ(table_.stats().refreshes, 1u);
  EXPECT_EQ(table_.stats().moves, 1u);
}

TEST_F(MacTableTest, SameMacInAnotherVlanIsAnotherEntry) {
  EXPECT_EQ(table_.learn(mac_n(1, 10), 1, 0), LearnResult::New);
  EXPECT_EQ(table_.learn(mac_n(1, 11), 2, 0), LearnResult::New);
  EXPECT_EQ(value_of(mac_n(1, 10)).port, 1);
  EXPECT_EQ(value_of(mac_n(1, 11)).port, 2);
}

TEST_F(MacTableTest, LastSeenNeverMovesBackwards) {
  const MacKey k = mac_n(1);
  table_.learn(k, 3, 5000);
  EXPECT_EQ(table_.learn(k, 3, 4000), LearnResult::Refreshed);
  EXPECT_EQ(value_of(k).last_seen_ms, 5000u);
  EXPECT_EQ(table_.learn(k, 4, 4500), LearnResult::Moved);
  EXPECT_EQ(value_of(k), (MacValue{4, 5000}));
}

TEST_F(MacTableTest, BulkLookupReturnsHitMaskAndPackedValues) {
  constexpr unsigned kN = MacTable::kMaxBulk;
  std::vector<MacKey> keys;
  for (unsigned i = 0; i < kN; ++i) keys.push_back(mac_n(i));
  uint64_t expected = 0;
  for (unsigned i = 0; i < kN; i += 2) {
    table_.learn(keys[i], static_cast<PortId>(i % 7), 100 + i);
    expected |= uint64_t{1} << i;
  }
  const MacKey* ptrs[kN];
  for (unsigned i = 0; i < kN; ++i) ptrs[i] = &keys[i];
  uint64_t values[kN];
  const uint64_t hits = table_.lookup_bulk(ptrs, kN, values);
  EXPECT_EQ(hits, expected);
  for (unsigned i = 0; i < kN; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(MacValue::decode(values[i]), (MacValue{static_cast<PortId>(i % 7), 100 + i})) << i;
    } else {
      EXPECT_EQ(values[i], 0u) << i;
    }
  }
}

TEST_F(MacTableTest, AgingRemovesOnlyExpiredEntriesWithinTheBudget) {
  constexpr uint32_t kOld = 300;
  constexpr uint32_t kFresh = 200;
  for (uint32_t i = 0; i < kOld; ++i) table_.learn(mac_n(i), 1, 0);
  for (uint32_t i = kOld; i < kOld + kFresh; ++i) table_.learn(mac_n(i), 1, 10'000);
  const uint64_t now = kAgingMs + 5'000;  // old entries expired, fresh ones not

  constexpr size_t kBudget = 16;
  size_t total = 0;
  size_t calls = 0;
  // A full sweep needs at least (entries / budget) calls; bound the loop well above that.
  while (table_.size() > kFresh && calls < 10'000) {
    const size_t removed = table_.age(now, kAgingMs, kBudget);
    EXPECT_LE(removed, kBudget);
    total += removed;
    ++calls;
  }
  EXPECT_EQ(total, kOld);
  EXPECT_EQ(table_.size(), kFresh);
  EXPECT_GE(calls, (kOld + kFresh) / kBudget) << "the budget bounds the work per call";
  EXPECT_EQ(table_.stats().aged, kOld);
  MacValue v;
  EXPECT_FALSE(table_.lookup(mac_n(0), v));
  EXPECT_TRUE(table_.lookup(mac_n(kOld), v));

  // Another full sweep at the same time removes nothing more.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(table_.age(now, kAgingMs, kBudget), 0u);
}

TEST_F(MacTableTest, EntryExpiresExactlyAtTheAgingTime) {
  table_.learn(mac_n(1), 1, 1000);
  EXPECT_EQ(table_.age(1000 + kAgingMs - 1, kAgingMs, 100), 0u);
  // The walk wrapped; the next call starts a new pass.
  EXPECT_EQ(table_.age(1000 + kAgingMs, kAgingMs, 100), 1u);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(MacTableTest, ZeroAgingTimeDisablesAging) {
  table_.learn(mac_n(1), 1, 0);
  EXPECT_EQ(table_.age(UINT32_MAX, 0, 100), 0u);
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(MacTableTest, EntrySeenInTheFutureIsNotAged) {
  table_.learn(mac_n(1), 1, 50'000);  // another worker's clock read slightly later
  EXPECT_EQ(table_.age(40'000, 1, 100), 0u);
}

TEST_F(MacTableTest, FlushPortAndFlushVlanRemoveOnlyTheirEntries) {
  for (uint32_t i = 0; i < 30; ++i) table_.learn(mac_n(i, 10 + i % 2), static_cast<PortId>(i % 3), 0);
  EXPECT_EQ(table_.flush_port(2), 10u);
  EXPECT_EQ(table_.size(), 20u);
  table_.for_each([](const MacKey&, const MacValue& v) { EXPECT_NE(v.port, 2); });
  // Left: i%3 in {0,1}; VLAN 11 = odd i -> 10 entries.
  EXPECT_EQ(table_.flush_vlan(11), 10u);
  table_.for_each([](const MacKey& k, const MacValue&) { EXPECT_EQ(k.vlan, 10); });
  EXPECT_EQ(table_.flush_all(), 10u);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.stats().flushed, 30u);
}

TEST_F(MacTableTest, EraseRemovesOneAddress) {
  table_.learn(mac_n(1), 1, 0);
  EXPECT_TRUE(table_.erase(mac_n(1)));
  EXPECT_FALSE(table_.erase(mac_n(1)));
  MacValue v;
  EXPECT_FALSE(table_.lookup(mac_n(1), v));
}

TEST_F(MacTableTest, FullTableRefusesNewAddressesButRefreshesKnownOnes) {
  MacTable small(rcu_, 1);
  ASSERT_EQ(small.capacity(), MacTable::kMinCapacity);
  for (uint32_t i = 0; i < small.capacity(); ++i) {
    ASSERT_EQ(small.learn(mac_n(i), 1, 0), LearnResult::New) << i;
  }
  EXPECT_EQ(small.learn(mac_n(1000), 1, 0), LearnResult::TableFull);
  EXPECT_EQ(small.stats().refused_full, 1u);
  EXPECT_EQ(small.learn(mac_n(3), 1, 10), LearnResult::Refreshed);
  EXPECT_EQ(small.learn(mac_n(4), 2, 10), LearnResult::Moved);
  ASSERT_TRUE(small.erase(mac_n(5)));
  EXPECT_EQ(small.learn(mac_n(1000), 1, 0), LearnResult::New);
}

// A deleted key's slot is not reused while a reader may still be comparing against it.
TEST_F(MacTableTest, DeletedKeySlotsWaitForReadersQuiescentState) {
  MacTable small(rcu_, MacTable::kMinCapacity);  // 64 addresses, 80 key slots
  ASSERT_TRUE(rcu_.register_reader(0));
  rcu_.online(0);

  for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(small.learn(mac_n(i), 1, 0), LearnResult::New);
  for (uint32_t i = 0; i < 64; ++i) ASSERT_TRUE(small.erase(mac_n(i)));
  ASSERT_EQ(small.size(), 0u);

  // 64 slots are still held for the reader: only the 16 never-used ones are available.
  unsigned learned = 0;
  for (uint32_t i = 100; i < 164; ++i) learned += small.learn(mac_n(i), 1, 0) == LearnResult::New;
  EXPECT_EQ(learned, 16u);

  rcu_.quiescent(0);
  for (uint32_t i = 200; i < 248; ++i) {
    EXPECT_EQ(small.learn(mac_n(i), 1, 0), LearnResult::New) << i;
  }
  EXPECT_EQ(small.size(), 64u);

  rcu_.offline(0);
  EXPECT_TRUE(rcu_.unregister_reader(0));
}

}  // namespace
}  // namespace mcsnoop::l2
