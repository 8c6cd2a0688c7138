// MAC table: learning outcomes, packed values, incremental aging, flushes, capacity, placement
// in the two candidate buckets, and the grace period of deleted slots.
#include <bit>
#include <cstdint>
#include <cstring>
#include <set>
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
  rcu::RcuDomain rcu_{2};
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

// Port security (ports[].max_macs): the table counts addresses per port and refuses new ones
// on a port at its limit, whatever room is left for the other ports.
TEST_F(MacTableTest, PortLimitRefusesNewAddressesOnThatPortOnly) {
  table_.set_port_limit(1, 3);
  for (uint32_t i = 0; i < 3; ++i) ASSERT_EQ(table_.learn(mac_n(i), 1, 0), LearnResult::New);
  EXPECT_EQ(table_.learn(mac_n(3), 1, 0), LearnResult::PortLimit);
  EXPECT_EQ(table_.learn(mac_n(1), 1, 5), LearnResult::Refreshed) << "known addresses stay";
  EXPECT_EQ(table_.learn(mac_n(4), 2, 0), LearnResult::New) << "another port is not limited";
  EXPECT_EQ(table_.port_size(1), 3u);
  EXPECT_EQ(table_.port_size(2), 1u);
  EXPECT_EQ(table_.stats().refused_port_limit, 1u);
  MacValue v;
  EXPECT_FALSE(table_.lookup(mac_n(3), v));
  // Room again once one goes (erase, aging, flush all count down).
  ASSERT_TRUE(table_.erase(mac_n(0)));
  EXPECT_EQ(table_.port_size(1), 2u);
  EXPECT_EQ(table_.learn(mac_n(3), 1, 0), LearnResult::New);
  EXPECT_EQ(table_.age(100, 50, 1000), 4u);
  EXPECT_EQ(table_.port_size(1), 0u);
  EXPECT_EQ(table_.port_size(2), 0u);
}

TEST_F(MacTableTest, MoveToAPortAtItsLimitForgetsTheAddress) {
  table_.set_port_limit(1, 1);
  ASSERT_EQ(table_.learn(mac_n(1), 1, 0), LearnResult::New);
  ASSERT_EQ(table_.learn(mac_n(2), 2, 0), LearnResult::New);
  EXPECT_EQ(table_.learn(mac_n(2), 1, 1), LearnResult::PortLimit);
  MacValue v;
  EXPECT_FALSE(table_.lookup(mac_n(2), v)) << "not left pointing at the port it left";
  EXPECT_EQ(table_.port_size(2), 0u);
  EXPECT_EQ(table_.port_size(1), 1u);
  // A move to a port with room moves the count along.
  ASSERT_EQ(table_.learn(mac_n(1), 3, 2), LearnResult::Moved);
  EXPECT_EQ(table_.port_size(1), 0u);
  EXPECT_EQ(table_.port_size(3), 1u);
  EXPECT_EQ(table_.flush_port(3), 1u);
  EXPECT_EQ(table_.port_size(3), 0u);
}

// A deleted key's slot is not reused while a reader may still be comparing against it.
TEST_F(MacTableTest, DeletedKeySlotsWaitForReadersQuiescentState) {
  MacTable small(rcu_, MacTable::kMinCapacity);  // 64 addresses, 256 slots
  ASSERT_TRUE(rcu_.register_reader(0));
  rcu_.online(0);

  std::set<int64_t> held;
  for (uint32_t i = 0; i < 64; ++i) {
    ASSERT_EQ(small.learn(mac_n(i), 1, 0), LearnResult::New);
    held.insert(small.slot_of(mac_n(i)));
  }
  ASSERT_EQ(held.size(), 64u);
  for (uint32_t i = 0; i < 64; ++i) ASSERT_TRUE(small.erase(mac_n(i)));
  ASSERT_EQ(small.size(), 0u);

  // The 64 slots are still held for the reader: new addresses go to the other slots.
  unsigned learned = 0;
  for (uint32_t i = 100; i < 164; ++i) {
    if (small.learn(mac_n(i), 1, 0) != LearnResult::New) continue;
    ++learned;
    EXPECT_EQ(held.count(small.slot_of(mac_n(i))), 0u) << "slot reused too early, key " << i;
  }
  EXPECT_EQ(learned + small.stats().refused_no_slot, 64u);
  EXPECT_GT(learned, 0u);
  for (uint32_t i = 100; i < 164; ++i) small.erase(mac_n(i));

  // After the reader's quiescent state every slot is free again.
  rcu_.quiescent(0);
  for (uint32_t i = 200; i < 264; ++i) {
    EXPECT_EQ(small.learn(mac_n(i), 1, 0), LearnResult::New) << i;
  }
  EXPECT_EQ(small.size(), 64u);

  rcu_.offline(0);
  EXPECT_TRUE(rcu_.unregister_reader(0));
}

// ---- placement: two candidate buckets of 8 slots ----------------------------------------

// `count` keys mac_n(i), i = from, from + 1, ..., whose candidate buckets satisfy pred.
template <typename Pred>
std::vector<MacKey> find_keys(const MacTable& t, size_t count, Pred pred, uint32_t from) {
  std::vector<MacKey> out;
  for (uint32_t i = from; out.size() < count && i - from < 50'000'000u; ++i) {
    if (pred(t.candidates(mac_n(i)))) out.push_back(mac_n(i));
  }
  EXPECT_EQ(out.size(), count);
  return out;
}

// Keys whose two candidates are both bucket b: they can only ever live there.
std::vector<MacKey> keys_only_in(const MacTable& t, uint32_t b, size_t count, uint32_t from) {
  return find_keys(t, count, [b](MacTable::Candidates c) { return c.first == b && c.second == b; },
                   from);
}

uint32_t bucket_of_slot(int64_t slot) {
  return static_cast<uint32_t>(slot / MacTable::kSlotsPerBucket);
}

TEST_F(MacTableTest, SlotsAreAtLeastFourTimesTheCapacity) {
  EXPECT_GE(uint64_t{table_.bucket_count()} * MacTable::kSlotsPerBucket, 4u * table_.capacity());
  EXPECT_TRUE(std::has_single_bit(table_.bucket_count()));
}

// Sequential addresses (one vendor's NICs, VMs) spread like random ones: a table fills to its
// capacity without a bucket pair running out of slots.
TEST_F(MacTableTest, SequentialAddressesFillTheTable) {
  for (const uint32_t capacity : {MacTable::kMinCapacity, 4096u}) {
    for (int seed_draw = 0; seed_draw < 20; ++seed_draw) {  // each table draws its own seed
      MacTable t(rcu_, capacity);
      for (uint32_t i = 0; i < capacity; ++i) {
        ASSERT_EQ(t.learn(mac_n(i, static_cast<VlanId>(1 + i % 3)), 1, 0), LearnResult::New)
            << "capacity " << capacity << ", address " << i;
      }
      EXPECT_EQ(t.size(), capacity);
    }
  }
}

TEST_F(MacTableTest, BothBucketsFullIsTableFullAndCounted) {
  MacTable small(rcu_, MacTable::kMinCapacity);  // 32 buckets
  const uint32_t x = small.candidates(mac_n(1)).first;
  const uint32_t y = (x + 1) % small.bucket_count();
  const std::vector<MacKey> in_x = keys_only_in(small, x, MacTable::kSlotsPerBucket, 1'000'000);
  const std::vector<MacKey> in_y = keys_only_in(small, y, MacTable::kSlotsPerBucket, 2'000'000);
  for (const MacKey& k : in_x) ASSERT_EQ(small.learn(k, 1, 0), LearnResult::New);
  for (const MacKey& k : in_y) ASSERT_EQ(small.learn(k, 2, 0), LearnResult::New);
  for (const MacKey& k : in_x) EXPECT_EQ(bucket_of_slot(small.slot_of(k)), x);

  const MacKey xy = find_keys(small, 1, [x, y](MacTable::Candidates c) {
    return (c.first == x && c.second == y) || (c.first == y && c.second == x);
  }, 3'000'000)[0];
  EXPECT_EQ(small.learn(xy, 3, 0), LearnResult::TableFull);
  const MacKey only_x = keys_only_in(small, x, 1, 4'000'000)[0];
  EXPECT_EQ(small.learn(only_x, 3, 0), LearnResult::TableFull);
  EXPECT_EQ(small.stats().refused_full, 2u);
  EXPECT_EQ(small.stats().refused_no_slot, 2u);
  EXPECT_EQ(small.size(), 2u * MacTable::kSlotsPerBucket);
  MacValue v;
  EXPECT_FALSE(small.lookup(xy, v));
  EXPECT_EQ(small.slot_of(xy), -1);
  // Known addresses in the full buckets still refresh and move.
  EXPECT_EQ(small.learn(in_x[0], 1, 10), LearnResult::Refreshed);
  EXPECT_EQ(small.learn(in_y[0], 5, 10), LearnResult::Moved);
}

TEST_F(MacTableTest, KeyInItsSecondBucketIsFound) {
  MacTable small(rcu_, MacTable::kMinCapacity);
  const MacKey k = find_keys(small, 1, [](MacTable::Candidates c) { return c.first != c.second; },
                             5'000'000)[0];
  const MacTable::Candidates c = small.candidates(k);
  for (const MacKey& f : keys_only_in(small, c.first, MacTable::kSlotsPerBucket, 6'000'000)) {
    ASSERT_EQ(small.learn(f, 1, 0), LearnResult::New);
  }
  ASSERT_EQ(small.learn(k, 9, 777), LearnResult::New);
  ASSERT_EQ(bucket_of_slot(small.slot_of(k)), c.second);

  MacValue v;
  ASSERT_TRUE(small.lookup(k, v));
  EXPECT_EQ(v, (MacValue{9, 777}));
  const MacKey keys[3] = {mac_n(7, 99), k, mac_n(8, 99)};
  const MacKey* ptrs[3] = {&keys[0], &keys[1], &keys[2]};
  uint64_t by_array[3];
  uint64_t by_pointer[3];
  EXPECT_EQ(small.lookup_bulk(keys, 3, by_array), 0b010u);
  EXPECT_EQ(small.lookup_bulk(ptrs, 3, by_pointer), 0b010u);
  EXPECT_EQ(MacValue::decode(by_array[1]), (MacValue{9, 777}));
  EXPECT_EQ(MacValue::decode(by_pointer[1]), (MacValue{9, 777}));
  EXPECT_EQ(by_array[0], 0u);
  EXPECT_EQ(by_array[2], 0u);
  EXPECT_EQ(small.learn(k, 4, 800), LearnResult::Moved);
  ASSERT_TRUE(small.lookup(k, v));
  EXPECT_EQ(v, (MacValue{4, 800}));
}

// The precise version of DeletedKeySlotsWaitForReadersQuiescentState: a bucket with one
// deleted slot stays full until the reader has passed a quiescent state.
TEST_F(MacTableTest, DeletedSlotIsNotReusedBeforeAGracePeriod) {
  MacTable small(rcu_, MacTable::kMinCapacity);
  const uint32_t x = small.candidates(mac_n(1)).first;
  const std::vector<MacKey> in_x = keys_only_in(small, x, MacTable::kSlotsPerBucket + 1, 7'000'000);
  const MacKey newcomer = in_x.back();
  ASSERT_TRUE(rcu_.register_reader(1));
  rcu_.online(1);  // a reader that holds its read-side section open

  for (size_t i = 0; i < MacTable::kSlotsPerBucket; ++i) {
    ASSERT_EQ(small.learn(in_x[i], 1, 0), LearnResult::New);
  }
  const MacKey victim = in_x[3];
  const int64_t victim_slot = small.slot_of(victim);
  ASSERT_TRUE(small.erase(victim));
  MacValue v;
  EXPECT_FALSE(small.lookup(victim, v));

  EXPECT_EQ(small.learn(newcomer, 2, 5), LearnResult::TableFull) << "dead slot reused too early";
  EXPECT_EQ(small.stats().refused_no_slot, 1u);
  // A key that may also live elsewhere goes to its other bucket.
  const MacKey spill = find_keys(small, 1, [x](MacTable::Candidates c) {
    return c.first == x && c.second != x;
  }, 8'000'000)[0];
  ASSERT_EQ(small.learn(spill, 3, 5), LearnResult::New);
  EXPECT_NE(bucket_of_slot(small.slot_of(spill)), x);
  // Re-learning the victim itself does not bring its old slot back either.
  EXPECT_EQ(small.learn(victim, 1, 6), LearnResult::TableFull);

  rcu_.quiescent(1);
  EXPECT_EQ(small.learn(newcomer, 2, 7), LearnResult::New);
  EXPECT_EQ(small.slot_of(newcomer), victim_slot);
  ASSERT_TRUE(small.lookup(newcomer, v));
  EXPECT_EQ(v, (MacValue{2, 7}));
  EXPECT_FALSE(small.lookup(victim, v));

  rcu_.offline(1);
  EXPECT_TRUE(rcu_.unregister_reader(1));
}

TEST_F(MacTableTest, FlushAndAgeThenRelearn) {
  constexpr uint32_t kN = 500;
  ASSERT_TRUE(rcu_.register_reader(0));
  rcu_.online(0);
  auto learn_all = [&](PortId port, uint64_t now) {
    for (uint32_t i = 0; i < kN; ++i) {
      ASSERT_EQ(table_.learn(mac_n(i, 10 + i % 2), port, now), LearnResult::New) << i;
    }
  };
  auto expect_all = [&](PortId port, uint64_t now) {
    for (uint32_t i = 0; i < kN; ++i) {
      EXPECT_EQ(value_of(mac_n(i, 10 + i % 2)), (MacValue{port, now})) << i;
    }
  };

  learn_all(1, 0);
  EXPECT_EQ(table_.flush_all(), kN);
  rcu_.quiescent(0);
  learn_all(2, 10);
  expect_all(2, 10);

  EXPECT_EQ(table_.age(10 + kAgingMs, kAgingMs, 2 * kN), kN);
  EXPECT_EQ(table_.size(), 0u);
  rcu_.quiescent(0);
  learn_all(3, 20);
  expect_all(3, 20);

  EXPECT_EQ(table_.flush_port(3), kN);
  rcu_.quiescent(0);
  learn_all(4, 30);
  EXPECT_EQ(table_.flush_vlan(11), kN / 2);
  rcu_.quiescent(0);
  for (uint32_t i = 1; i < kN; i += 2) {
    EXPECT_EQ(table_.learn(mac_n(i, 11), 5, 40), LearnResult::New);
  }
  for (uint32_t i = 0; i < kN; ++i) {
    const MacValue want = i % 2 ? MacValue{5, 40} : MacValue{4, 30};
    EXPECT_EQ(value_of(mac_n(i, 10 + i % 2)), want) << i;
  }
  EXPECT_EQ(table_.size(), kN);
  EXPECT_EQ(table_.stats().refused_full, 0u);

  rcu_.offline(0);
  EXPECT_TRUE(rcu_.unregister_reader(0));
}

TEST_F(MacTableTest, KeysOutsideTheVlanRangeAreRefusedAndNeverMatch) {
  for (uint32_t i = 0; i < 100; ++i) table_.learn(mac_n(i), 1, 0);
  EXPECT_EQ(table_.learn(mac_n(1000, 0), 1, 0), LearnResult::TableFull);
  EXPECT_EQ(table_.learn(mac_n(1000, kMaxVlan + 1), 1, 0), LearnResult::TableFull);
  EXPECT_EQ(table_.learn(MacKey(), 1, 0), LearnResult::TableFull);
  EXPECT_EQ(table_.stats().refused_invalid, 3u);
  EXPECT_EQ(table_.stats().refused_full, 0u);
  EXPECT_EQ(table_.size(), 100u);
  EXPECT_TRUE(table_.learn(mac_n(1000, kMaxVlan), 1, 0) == LearnResult::New);

  // The all-zero key (the free-slot word) must not match a free slot.
  MacValue v;
  EXPECT_FALSE(table_.lookup(MacKey(), v));
  EXPECT_FALSE(table_.lookup(mac_n(1000, 0), v));
  EXPECT_FALSE(table_.erase(MacKey()));
  EXPECT_EQ(table_.slot_of(MacKey()), -1);
  const MacKey keys[4] = {MacKey(), mac_n(5), MacKey(), mac_n(1000, kMaxVlan + 1)};
  uint64_t values[4];
  EXPECT_EQ(table_.lookup_bulk(keys, 4, values), 0b0010u);
  EXPECT_EQ(values[0], 0u);
  EXPECT_EQ(values[2], 0u);
}

TEST_F(MacTableTest, KeyWordIsTheEightKeyBytes) {
  const uint8_t frame_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  const MacKey k = MacKey::from_bytes(frame_mac, 0x123);
  EXPECT_EQ(k, MacKey({0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, 0x123));
  EXPECT_EQ(k.word(), 0x0123'5544'3322'1102u);
  EXPECT_EQ(MacKey::from_word(k.word()), k);
  uint64_t raw;
  std::memcpy(&raw, &k, sizeof raw);
  EXPECT_EQ(raw, k.word());
}

TEST_F(MacTableTest, BulkLookupOverloadsAgreeOnEveryBurstSize) {
  for (uint32_t i = 0; i < 300; i += 3) table_.learn(mac_n(i), static_cast<PortId>(i % 64), i);
  std::vector<MacKey> keys;
  for (uint32_t i = 0; i < MacTable::kMaxBulk; ++i) keys.push_back(mac_n(i * 5 % 300));
  for (unsigned n = 0; n <= MacTable::kMaxBulk; ++n) {
    const MacKey* ptrs[MacTable::kMaxBulk];
    for (unsigned i = 0; i < n; ++i) ptrs[i] = &keys[i];
    uint64_t a[MacTable::kMaxBulk];
    uint64_t p[MacTable::kMaxBulk];
    const uint64_t ha = table_.lookup_bulk(keys.data(), n, a);
    const uint64_t hp = table_.lookup_bulk(ptrs, n, p);
    ASSERT_EQ(ha, hp) << n;
    for (unsigned i = 0; i < n; ++i) {
      MacValue v;
      const bool hit = table_.lookup(keys[i], v);
      ASSERT_EQ(((ha >> i) & 1) != 0, hit) << n << " " << i;
      ASSERT_EQ(a[i], p[i]);
      ASSERT_EQ(a[i], hit ? MacValue::encode(v.port, v.last_seen_ms) : 0u);
    }
    if (n < 64) {
      ASSERT_EQ(ha >> n, 0u);
    }
  }
}

}  // namespace
}  // namespace mcsnoop::l2
