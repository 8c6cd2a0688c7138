// MFT writer semantics, bulk lookups and RCU-deferred reclamation of entries.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "eal_env.hpp"
#include <rte_hash_crc.h>

#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/core/object_name.hpp"

#include <rte_hash.h>

namespace mcsnoop::mft {
namespace {

using rcu::RcuDomain;

[[maybe_unused]] ::testing::Environment* const kEal = ::testing::AddGlobalTestEnvironment(
    new mcsnoop::testing::EalEnvironment("mcsnoop-test-mft", "0-1"));

using net::IpAddr;

constexpr VlanId kVlan = 10;
const IpAddr kGroup = IpAddr::v4(0xEF010101);   // 239.1.1.1
const IpAddr kSource = IpAddr::v4(0x0A000001);  // 10.0.0.1

IpAddr group_n(uint32_t n) { return IpAddr::v4(0xEF000000 | n); }

PortMask ports(std::initializer_list<PortId> ids) {
  PortMask m;
  for (PortId p : ids) m.set(p);
  return m;
}

class MftTest : public ::testing::Test {
 protected:
  RcuDomain rcu_{2};
  Table table_{rcu_, 256};
};

// The data path builds keys from IP headers with word stores (fill_key_v4/v6); they must be
// byte-identical to the Key constructors the writer publishes with, or every lookup misses.
TEST(MftKeyTest, HeaderBuildersMatchTheConstructorsByteForByte) {
  const uint8_t g4[4] = {239, 1, 2, 3};
  const uint8_t s4[4] = {10, 0, 0, 7};
  Key k;
  std::memset(static_cast<void*>(&k), 0xa5, sizeof k);  // builders must write every byte
  fill_key_v4(k, 4094, g4, s4);
  const Key want_sg(4094, IpAddr::v4(0xEF010203), IpAddr::v4(0x0A000007));
  EXPECT_EQ(std::memcmp(&k, &want_sg, sizeof k), 0);
  std::memset(static_cast<void*>(&k), 0xa5, sizeof k);
  fill_key_v4(k, 1, g4, nullptr);
  const Key want_g(1, IpAddr::v4(0xEF010203));
  EXPECT_EQ(std::memcmp(&k, &want_g, sizeof k), 0);

  std::array<uint8_t, 16> g6{}, s6{};
  for (unsigned i = 0; i < 16; ++i) {
    g6[i] = static_cast<uint8_t>(i == 0 ? 0xff : 0x10 + i);
    s6[i] = static_cast<uint8_t>(0x80 + 3 * i);
  }
  std::memset(static_cast<void*>(&k), 0xa5, sizeof k);
  fill_key_v6(k, 300, g6.data(), s6.data());
  const Key want_sg6(300, IpAddr::v6(g6), IpAddr::v6(s6));
  EXPECT_EQ(std::memcmp(&k, &want_sg6, sizeof k), 0);
  std::memset(static_cast<void*>(&k), 0xa5, sizeof k);
  fill_key_v6(k, 300, g6.data(), nullptr);
  const Key want_g6(300, IpAddr::v6(g6));
  EXPECT_EQ(std::memcmp(&k, &want_g6, sizeof k), 0);
}

TEST_F(MftTest, SourceKeysAreCountedPerVlanAndFamily) {
  const IpAddr g6 = IpAddr::v6_link_scope(0x1234);  // family is all that matters here
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V4), 0u);
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1})));
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V4), 0u) << "(*,G) keys are not source-specific";
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup, kSource), ports({1})));
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup, kSource), ports({2})));  // a replace is no new key
  ASSERT_TRUE(table_.set(Key(kVlan, group_n(9), kSource), ports({2})));
  ASSERT_TRUE(table_.set(Key(kVlan, g6, IpAddr::v6_link_scope(1)), ports({2})));
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V4), 2u);
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V6), 1u);
  EXPECT_EQ(table_.source_keys(kVlan + 1, net::Family::V4), 0u);
  ASSERT_TRUE(table_.erase(Key(kVlan, kGroup, kSource)));
  EXPECT_FALSE(table_.erase(Key(kVlan, kGroup, kSource)));
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V4), 1u);
  table_.clear();
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V4), 0u);
  EXPECT_EQ(table_.source_keys(kVlan, net::Family::V6), 0u);
}

TEST_F(MftTest, SetPublishesEntryWithItsPortsAndFanOut) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1, 3, 63})));
  const Entry* e = table_.lookup(Key(kVlan, kGroup));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ports, ports({1, 3, 63}));
  ASSERT_EQ(e->ports.count(), 3u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(e) % 16, 0u) << "four entries to a cache line, none split";
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_EQ(table_.stats().inserts, 1u);
}

TEST_F(MftTest, ReplacePublishesNewEntryAndRetiresOldOne) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1})));
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({2, 5})));
  const Entry* e = table_.lookup(Key(kVlan, kGroup));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ports, ports({2, 5}));
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_EQ(table_.stats().replaces, 1u);
  // No reader is registered, so the old entry's grace period is already over.
  EXPECT_EQ(table_.reclaim(), 0u);
  EXPECT_EQ(table_.stats().entries_freed, 1u);
  EXPECT_EQ(table_.stats().pending, 0u);
}

TEST_F(MftTest, SetWithEqualPortsPublishesNothing) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({4, 7})));
  const Entry* before = table_.lookup(Key(kVlan, kGroup));
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({7, 4})));
  EXPECT_EQ(table_.lookup(Key(kVlan, kGroup)), before);
  EXPECT_EQ(table_.stats().unchanged, 1u);
  EXPECT_EQ(table_.stats().replaces, 0u);
  EXPECT_EQ(table_.stats().pending, 0u);
}

TEST_F(MftTest, EmptyPortSetIsARegisteredEntryNotAMiss) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), PortMask()));
  const Entry* e = table_.lookup(Key(kVlan, kGroup));
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->ports.empty());
  EXPECT_EQ(e->ports.count(), 0u);
}

TEST_F(MftTest, EraseRemovesKeyOnce) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1})));
  EXPECT_TRUE(table_.erase(Key(kVlan, kGroup)));
  EXPECT_EQ(table_.lookup(Key(kVlan, kGroup)), nullptr);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_FALSE(table_.erase(Key(kVlan, kGroup)));
  EXPECT_EQ(table_.stats().erases, 1u);
  EXPECT_EQ(table_.reclaim(), 0u);
  EXPECT_EQ(table_.stats().entries_freed, 1u);
}

TEST_F(MftTest, AnySourceAndSourceSpecificKeysAreDistinct) {
  const Key star_g(kVlan, kGroup);
  const Key s_g(kVlan, kGroup, kSource);
  ASSERT_TRUE(table_.set(star_g, ports({1})));
  ASSERT_TRUE(table_.set(s_g, ports({2})));
  ASSERT_TRUE(table_.set(Key(kVlan + 1, kGroup), ports({3})));
  EXPECT_EQ(table_.size(), 3u);
  EXPECT_EQ(table_.lookup(star_g)->ports, ports({1}));
  EXPECT_EQ(table_.lookup(s_g)->ports, ports({2}));
  EXPECT_EQ(table_.lookup(s_g.without_source())->ports, ports({1}));
  EXPECT_TRUE(table_.erase(s_g));
  EXPECT_EQ(table_.lookup(s_g), nullptr);
  EXPECT_EQ(table_.lookup(star_g)->ports, ports({1}));
}

TEST_F(MftTest, UnspecifiedSourceOfEitherFamilyMeansAnySource) {
  EXPECT_TRUE(Key(kVlan, kGroup, IpAddr::any(net::Family::V4)).is_any_source());
  EXPECT_TRUE(Key(kVlan, kGroup, IpAddr()).is_any_source());
  EXPECT_FALSE(Key(kVlan, kGroup, kSource).is_any_source());
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({9})));
  const Entry* e = table_.lookup(Key(kVlan, kGroup, IpAddr::any(net::Family::V4)));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ports, ports({9}));
}

TEST_F(MftTest, BulkLookupReturnsHitMaskAndNullForMisses) {
  constexpr unsigned kN = Table::kMaxBulk;
  std::vector<Key> keys;
  for (unsigned i = 0; i < kN; ++i) keys.emplace_back(kVlan, group_n(i), i % 2 ? kSource : IpAddr());
  uint64_t expected_hits = 0;
  for (unsigned i = 0; i < kN; i += 3) {
    ASSERT_TRUE(table_.set(keys[i], PortMask(uint64_t{1} << (i % 64))));
    expected_hits |= uint64_t{1} << i;
  }
  const Key* key_ptrs[kN];
  for (unsigned i = 0; i < kN; ++i) key_ptrs[i] = &keys[i];
  const Entry* out[kN];
  for (auto& o : out) o = reinterpret_cast<const Entry*>(uintptr_t{0xdead});  // poison

  const uint64_t hits = table_.lookup_bulk(key_ptrs, kN, out);

  EXPECT_EQ(hits, expected_hits);
  for (unsigned i = 0; i < kN; ++i) {
    if (i % 3 == 0) {
      ASSERT_NE(out[i], nullptr) << i;
      EXPECT_EQ(out[i]->ports, PortMask(uint64_t{1} << (i % 64))) << i;
    } else {
      EXPECT_EQ(out[i], nullptr) << i;
    }
  }
}

TEST_F(MftTest, BulkLookupOfFewerKeysTouchesOnlyThose) {
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1})));
  const Key k(kVlan, kGroup);
  const Key miss(kVlan, group_n(77));
  const Key* key_ptrs[2] = {&miss, &k};
  const Entry* out[3] = {nullptr, nullptr, reinterpret_cast<const Entry*>(uintptr_t{0xdead})};
  EXPECT_EQ(table_.lookup_bulk(key_ptrs, 2, out), 0b10u);
  EXPECT_EQ(out[0], nullptr);
  ASSERT_NE(out[1], nullptr);
  EXPECT_EQ(out[2], reinterpret_cast<const Entry*>(uintptr_t{0xdead}));
}

TEST_F(MftTest, FullTableRefusesNewKeysButStillUpdatesExistingOnes) {
  Table small(rcu_, 1);  // raised to the minimum
  ASSERT_EQ(small.capacity(), Table::kMinCapacity);
  for (uint32_t i = 0; i < small.capacity(); ++i) {
    ASSERT_TRUE(small.set(Key(kVlan, group_n(i)), ports({1}))) << i;
  }
  EXPECT_FALSE(small.set(Key(kVlan, group_n(1000)), ports({1})));
  EXPECT_EQ(small.stats().refused_full, 1u);
  EXPECT_EQ(small.lookup(Key(kVlan, group_n(1000))), nullptr);
  EXPECT_EQ(small.size(), small.capacity());

  EXPECT_TRUE(small.set(Key(kVlan, group_n(0)), ports({2})));
  EXPECT_EQ(small.lookup(Key(kVlan, group_n(0)))->ports, ports({2}));

  ASSERT_TRUE(small.erase(Key(kVlan, group_n(5))));
  EXPECT_TRUE(small.set(Key(kVlan, group_n(1000)), ports({3})));
  EXPECT_EQ(small.size(), small.capacity());
}

TEST_F(MftTest, ReplacedAndErasedEntriesAreFreedOnlyAfterReaderQuiescentState) {
  constexpr unsigned kReader = 0;
  ASSERT_TRUE(rcu_.register_reader(kReader));
  rcu_.online(kReader);

  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1, 2})));
  ASSERT_TRUE(table_.set(Key(kVlan, kSource), ports({6})));
  // The "reader" takes references, as a worker does within one poll iteration.
  const Entry* held = table_.lookup(Key(kVlan, kGroup));
  const Entry* held2 = table_.lookup(Key(kVlan, kSource));
  ASSERT_NE(held, nullptr);
  ASSERT_NE(held2, nullptr);

  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({3})));  // replace
  ASSERT_TRUE(table_.erase(Key(kVlan, kSource)));           // delete
  EXPECT_EQ(table_.reclaim(), 2u);
  EXPECT_EQ(table_.stats().entries_freed, 0u);
  // Still readable (under ASan a premature free would be reported right here).
  EXPECT_EQ(held->ports, ports({1, 2}));
  EXPECT_EQ(held2->ports, ports({6}));

  rcu_.quiescent(kReader);  // references dropped
  EXPECT_EQ(table_.reclaim(), 0u);
  EXPECT_EQ(table_.stats().entries_freed, 2u);

  rcu_.offline(kReader);
  EXPECT_TRUE(rcu_.unregister_reader(kReader));
}

TEST_F(MftTest, OfflineReaderDoesNotHoldBackReclamation) {
  ASSERT_TRUE(rcu_.register_reader(1));
  rcu_.online(1);
  rcu_.offline(1);
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({1})));
  ASSERT_TRUE(table_.set(Key(kVlan, kGroup), ports({2})));
  EXPECT_EQ(table_.reclaim(), 0u);
  EXPECT_EQ(table_.stats().entries_freed, 1u);
  EXPECT_TRUE(rcu_.unregister_reader(1));
}

TEST_F(MftTest, StalledReaderMakesUpdatesRefusedNotUnbounded) {
  Table small(rcu_, Table::kMinCapacity);  // defer queue: 2 * 64 entries
  ASSERT_TRUE(rcu_.register_reader(0));
  rcu_.online(0);
  ASSERT_TRUE(small.set(Key(kVlan, kGroup), PortMask(1)));
  unsigned applied = 0;
  bool refused = false;
  for (uint64_t i = 2; i < 1000 && !refused; ++i) {
    if (small.set(Key(kVlan, kGroup), PortMask(i))) {
      ++applied;
    } else {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(applied, 2 * Table::kMinCapacity);
  EXPECT_EQ(small.stats().refused_backlog, 1u);
  EXPECT_EQ(small.stats().entries_freed, 0u);

  rcu_.quiescent(0);
  EXPECT_EQ(small.reclaim(), 0u);
  EXPECT_TRUE(small.set(Key(kVlan, kGroup), PortMask(uint64_t{1} << 40)));
  rcu_.offline(0);
  EXPECT_TRUE(rcu_.unregister_reader(0));
}

TEST_F(MftTest, ClearErasesEveryKeyAndEveryEntryIsFreed) {
  for (uint32_t i = 0; i < 200; ++i) ASSERT_TRUE(table_.set(Key(kVlan, group_n(i)), PortMask(i)));
  for (uint32_t i = 0; i < 50; ++i) ASSERT_TRUE(table_.set(Key(kVlan, group_n(i)), PortMask(i + 1000)));
  table_.clear();
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.reclaim(), 0u);
  EXPECT_EQ(table_.stats().entries_freed, table_.stats().inserts + table_.stats().replaces);
  EXPECT_EQ(table_.lookup(Key(kVlan, group_n(3))), nullptr);
  // The table is usable again afterwards.
  EXPECT_TRUE(table_.set(Key(kVlan, group_n(3)), ports({1})));
}

TEST_F(MftTest, ForEachVisitsEveryKeyOnce) {
  for (uint32_t i = 0; i < 20; ++i) ASSERT_TRUE(table_.set(Key(kVlan, group_n(i)), PortMask(i)));
  uint64_t seen = 0;
  size_t visits = 0;
  table_.for_each([&](const Key& k, const Entry& e) {
    const uint32_t n = k.group.v4_host() & 0xff;
    EXPECT_EQ(e.ports, PortMask(n));
    seen |= uint64_t{1} << n;
    ++visits;
  });
  EXPECT_EQ(visits, 20u);
  EXPECT_EQ(seen, (uint64_t{1} << 20) - 1);
}

// The purpose-built table against a plain map: random sets, replaces and erases of a key space
// twice the capacity, with a reader that quiesces only now and then (so erased slots sit out
// their grace period while new keys arrive). After every step the table answers exactly as the
// map does, through the single and both bulk lookups; refusals happen only when full.
TEST_F(MftTest, RandomChurnAgreesWithAMapModel) {
  Table small(rcu_, Table::kMinCapacity);
  ASSERT_TRUE(rcu_.register_reader(0));
  rcu_.online(0);
  std::vector<Key> space;
  for (uint32_t i = 0; i < 2 * Table::kMinCapacity; ++i)
    space.emplace_back(static_cast<VlanId>(1 + i % 3), group_n(i), i % 4 == 0 ? kSource : IpAddr());
  std::vector<uint64_t> model(space.size(), 0);  // ports bits + 1; 0 = absent
  size_t live = 0;
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  for (unsigned step = 0; step < 20000; ++step) {
    const size_t k = next() % space.size();
    if (next() % 3 == 0) {
      const bool had = model[k] != 0;
      ASSERT_EQ(small.erase(space[k]), had) << step;
      if (had) --live;
      model[k] = 0;
    } else {
      const uint64_t bits = next() & 0xffff;
      const bool had = model[k] != 0;
      const bool full = !had && live >= small.capacity();
      ASSERT_EQ(small.set(space[k], PortMask(bits)), !full) << "step " << step << ", " << live << " keys";
      if (!full) {
        if (!had) ++live;
        model[k] = bits + 1;
      }
    }
    if (next() % 16 == 0) {
      rcu_.quiescent(0);
      small.reclaim();
    }
    ASSERT_EQ(small.size(), live);
    if (step % 97 == 0) {
      const Entry* out[Table::kMaxBulk];
      for (size_t base = 0; base < space.size(); base += Table::kMaxBulk) {
        const auto n = static_cast<unsigned>(std::min<size_t>(Table::kMaxBulk, space.size() - base));
        const uint64_t hits = small.lookup_bulk(&space[base], n, out);
        for (unsigned i = 0; i < n; ++i) {
          const uint64_t want = model[base + i];
          ASSERT_EQ((hits >> i) & 1, want != 0 ? 1u : 0u) << base + i;
          const Entry* single = small.lookup(space[base + i]);
          if (want == 0) {
            ASSERT_EQ(out[i], nullptr);
            ASSERT_EQ(single, nullptr);
          } else {
            ASSERT_NE(out[i], nullptr);
            ASSERT_EQ(out[i], single);
            ASSERT_EQ(out[i]->ports, PortMask(want - 1));
          }
        }
      }
      size_t visited = 0;
      small.for_each([&](const Key&, const Entry&) { ++visited; });
      ASSERT_EQ(visited, live);
    }
  }
  rcu_.offline(0);
  EXPECT_TRUE(rcu_.unregister_reader(0));
}

// ---- keyed hashing (issue 8) ---------------------------------------------------------------

namespace crafted {

// rte_hash_crc reads the key in 8-byte words; an mft::Key is only 4-byte aligned, and the
// unaligned loads (fine on x86) are undefined behaviour that UBSan stops at. The old MFT used it
// the same way; here it is reached through an aligned copy so the sanitizer build runs the test.
uint32_t crc32c(const void* key, uint32_t len, uint32_t seed) {
  alignas(8) uint8_t buf[sizeof(Key)];
  if (len > sizeof buf) std::abort();
  std::memcpy(buf, key, len);
  return rte_hash_crc(buf, len, seed);
}

// What a host can compute offline against a CRC32-C keyed table: CRC with an init value is
// affine over GF(2), crc(seed, k ^ d) = crc(seed, k) ^ crc(0, d) for keys of one length, so a
// difference d with crc(0, d) == 0 gives a key with k's signature under every seed. The sources
// are the attacker's: 128 free bits of an IPv6 (S,G) key, 32 equations, at least 96 solutions.
// Returns `n` distinct (S,G) keys of `victim`'s group whose CRC32-C equals the victim's for any
// seed, i.e. which all land in the victim's primary and secondary rte_hash buckets.
std::vector<Key> colliding_with(const Key& victim, size_t n) {
  constexpr unsigned kSourceOffset = offsetof(Key, source);
  struct Row {
    uint32_t crc;               // crc(0, combination)
    std::array<uint8_t, 16> combo;  // which source bits make it up
  };
  std::vector<Row> rows;
  for (unsigned bit = 0; bit < 128; ++bit) {
    Key d;
    std::memset(static_cast<void*>(&d), 0, sizeof d);
    reinterpret_cast<uint8_t*>(&d)[kSourceOffset + bit / 8] = static_cast<uint8_t>(1u << (bit % 8));
    Row r{crc32c(&d, sizeof d, 0), {}};
    r.combo[bit / 8] = static_cast<uint8_t>(1u << (bit % 8));
    rows.push_back(r);
  }
  // Gaussian elimination on the 32-bit images; rows reduced to 0 span the kernel.
  size_t pivot_row = 0;
  for (unsigned b = 0; b < 32 && pivot_row < rows.size(); ++b) {
    size_t p = pivot_row;
    while (p < rows.size() && !(rows[p].crc >> b & 1)) ++p;
    if (p == rows.size()) continue;
    std::swap(rows[p], rows[pivot_row]);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i != pivot_row && (rows[i].crc >> b & 1)) {
        rows[i].crc ^= rows[pivot_row].crc;
        for (unsigned j = 0; j < 16; ++j) rows[i].combo[j] ^= rows[pivot_row].combo[j];
      }
    }
    ++pivot_row;
  }
  std::vector<std::array<uint8_t, 16>> kernel;
  for (const Row& r : rows)
    if (r.crc == 0) kernel.push_back(r.combo);
  // Sums of pairs of kernel vectors are kernel vectors too: plenty of distinct sources.
  std::vector<Key> keys;
  for (size_t i = 0; i < kernel.size() && keys.size() < n; ++i) {
    for (size_t j = i; j < kernel.size() && keys.size() < n; ++j) {
      std::array<uint8_t, 16> s = kernel[i];
      if (j != i)
        for (unsigned k = 0; k < 16; ++k) s[k] ^= kernel[j][k];
      Key k = victim;
      std::memcpy(reinterpret_cast<uint8_t*>(&k) + kSourceOffset, s.data(), 16);
      keys.push_back(k);
    }
  }
  return keys;
}

}  // namespace crafted

const IpAddr kVictimGroup = IpAddr::v6({0xff, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34});

// The crafted keys really defeat a CRC32-C rte_hash, whatever its seed: every one has the
// victim's signature, and once 16 of them (two buckets of 8) are in, the victim's own key has
// no slot left although the table is nearly empty.
TEST(MftKeyedHashTest, CraftedKeysFillTheVictimsBucketsOfACrcHash) {
  const Key victim = Key::any_source(kVlan, kVictimGroup);
  const std::vector<Key> attack = crafted::colliding_with(victim, 16);
  ASSERT_EQ(attack.size(), 16u);
  for (uint32_t seed : {0u, 0x12345678u, 0xdeadbeefu}) {
    for (const Key& k : attack) ASSERT_EQ(crafted::crc32c(&k, sizeof k, seed), crafted::crc32c(&victim, sizeof victim, seed));
  }
  rte_hash_parameters params{};
  const std::string name = core::unique_object_name("crcmft");
  params.name = name.c_str();
  params.entries = 1024;
  params.key_len = sizeof(Key);
  params.hash_func = crafted::crc32c;
  params.hash_func_init_val = 0x9e3779b9;
  params.socket_id = SOCKET_ID_ANY;
  params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
  rte_hash* h = rte_hash_create(&params);
  ASSERT_NE(h, nullptr);
  for (const Key& k : attack) ASSERT_GE(rte_hash_add_key(h, &k), 0);
  EXPECT_LT(rte_hash_add_key(h, &victim), 0) << "the victim's (*,G) was refused by a 1024-key table holding 16";
  rte_hash_free(h);
}

// The MFT must not be so defeated: the same keys (and many more of them) go in, and the
// victim's join after them still gets its entry.
TEST_F(MftTest, CrcCollidingKeysDoNotBlockAVictimsGroup) {
  const Key victim = Key::any_source(kVlan, kVictimGroup);
  const std::vector<Key> attack = crafted::colliding_with(victim, 64);
  ASSERT_EQ(attack.size(), 64u);
  for (const Key& k : attack) ASSERT_TRUE(table_.set(k, ports({1}))) << "insert " << table_.size();
  EXPECT_TRUE(table_.set(victim, ports({2})));
  const Entry* e = table_.lookup(victim);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ports, ports({2}));
  EXPECT_EQ(table_.stats().refused_full, 0u);
  // The data path's own signature path finds them too.
  const Entry* out[Table::kMaxBulk];
  std::vector<Key> all(attack.begin(), attack.begin() + Table::kMaxBulk - 1);
  all.push_back(victim);
  EXPECT_EQ(std::popcount(table_.lookup_bulk(all.data(), static_cast<unsigned>(all.size()), out)),
            static_cast<int>(all.size()));
}

}  // namespace
}  // namespace mcsnoop::mft
