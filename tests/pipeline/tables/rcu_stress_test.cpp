// RCU stress: reader lcores bulk-look up and dereference MFT entries while the control-side
// writer churns 100,000 keys (insert, replace, erase, reclaim). Every entry a reader sees must
// be whole and belong to the key it looked up; afterwards every entry ever published must have
// been freed exactly once. The same for the MAC table, whose deleted slots are reused only after
// a grace period: a value read for a key must have been written for that key, with exactly the
// port the writer learned it on at that value's time.
//
// Without ASan, a reader that touched an entry after its grace period would find another key's
// tag in it (the slab hands slots out again at once). Under AddressSanitizer released slots are
// poisoned (src/mft/entry_pool.hpp), so the touch itself is reported:
//   meson setup /tmp/build-asan -Db_sanitize=address && ninja -C /tmp/build-asan
//   meson test -C /tmp/build-asan tables_rcu_stress
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <sched.h>

#include <gtest/gtest.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "eal_env.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::mft {
namespace {

using rcu::RcuDomain;
using rcu::RcuReader;

// Three lcores floating over the two CPUs of a small box: lcore 0 writes, 1 and 2 read. The
// oversubscription is deliberate: readers get preempted in the middle of a read-side critical
// section, which is exactly when a premature free would bite.
[[maybe_unused]] ::testing::Environment* const kEal = ::testing::AddGlobalTestEnvironment(
    new mcsnoop::testing::EalEnvironment("mcsnoop-test-rcu", "(0-2)@(0-1)"));

constexpr uint32_t kKeys = 100'000;
constexpr uint32_t kChurnOps = 300'000;
constexpr unsigned kReclaimEvery = 256;
constexpr unsigned kBurst = 32;

// splitmix64: deterministic, cheap, and good enough to scatter keys and masks.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Key key_of(uint32_t i) {
  const net::IpAddr group = net::IpAddr::v4(0xE8000000 | (i & 0xffffff));
  const net::IpAddr source = i % 3 == 0 ? net::IpAddr() : net::IpAddr::v4(0x0A000000 | (i % 1000));
  return Key(static_cast<VlanId>(1 + i % 8), group, source);
}

// The low byte of every mask the writer publishes for key i identifies i; a reader that gets
// an entry whose tag does not match looked at another key's (recycled) entry.
uint64_t tag_of(uint32_t i) { return (mix(i) & 0xff) | 1; }
PortMask mask_for(uint32_t i, uint64_t salt) {
  return PortMask((mix(salt) & ~uint64_t{0xff}) | tag_of(i));
}

struct alignas(64) ReaderState {
  RcuDomain* rcu = nullptr;
  const Table* table = nullptr;
  const std::vector<Key>* keys = nullptr;
  const std::atomic<bool>* stop = nullptr;
  unsigned id = 0;
  std::atomic<uint64_t> bursts{0};
  uint64_t hits = 0;
  uint64_t violations = 0;
};

// An entry read after its grace period has been handed out again for another key (the slab
// reuses slots at once), so it carries another key's tag: caught here even without ASan.
bool entry_is_whole(const Entry& e, uint32_t key_index) {
  const uint64_t bits = e.ports.bits();
  return (bits & 0xff) == tag_of(key_index);
}

int reader_main(void* arg) {
  auto& st = *static_cast<ReaderState*>(arg);
  RcuReader reader(*st.rcu, st.id);
  uint64_t rng = st.id + 1;
  const Key* ptrs[kBurst];
  uint32_t idx[kBurst];
  const Entry* out[kBurst];
  while (!st.stop->load(std::memory_order_relaxed)) {
    for (unsigned j = 0; j < kBurst; ++j) {
      rng = mix(rng);
      idx[j] = static_cast<uint32_t>(rng % kKeys);
      ptrs[j] = &(*st.keys)[idx[j]];
    }
    const uint64_t hits = st.table->lookup_bulk(ptrs, kBurst, out);
    for (unsigned j = 0; j < kBurst; ++j) {
      const bool hit = (hits >> j) & 1;
      if (hit != (out[j] != nullptr)) ++st.violations;
      if (out[j] == nullptr) continue;
      ++st.hits;
      if (!entry_is_whole(*out[j], idx[j])) ++st.violations;
    }
    // Read the first entry again after a pause: still the same bytes (immutable, not freed).
    if (out[0] != nullptr) {
      const uint64_t before = out[0]->ports.bits();
      for (int spin = 0; spin < 64; ++spin) rte_pause();
      if (out[0]->ports.bits() != before) ++st.violations;
    }
    st.bursts.fetch_add(1, std::memory_order_relaxed);
    reader.quiescent();  // top of the next poll iteration: no entry pointer held
  }
  return 0;
}

TEST(RcuStress, ReadersNeverSeeATornOrFreedEntryWhileWriterChurns) {
  const unsigned worker_lcores = rte_lcore_count() - 1;
  ASSERT_GE(worker_lcores, 1u) << "needs at least one lcore besides the main one";

  RcuDomain rcu(worker_lcores);
  Table table(rcu, 131'072);
  std::vector<Key> keys;
  keys.reserve(kKeys);
  for (uint32_t i = 0; i < kKeys; ++i) keys.push_back(key_of(i));

  std::atomic<bool> stop{false};
  std::vector<ReaderState> readers(worker_lcores);
  unsigned lcore = 0;
  unsigned n = 0;
  RTE_LCORE_FOREACH_WORKER(lcore) {
    ReaderState& st = readers[n];
    st.rcu = &rcu;
    st.table = &table;
    st.keys = &keys;
    st.stop = &stop;
    st.id = n++;
    EXPECT_EQ(rte_eal_remote_launch(reader_main, &st, lcore), 0) << "lcore " << lcore;
  }

  // Make sure every reader is really running before the churn starts (poll, no sleep).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (ReaderState& st : readers) {
    while (st.bursts.load(std::memory_order_relaxed) == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      rte_pause();
    }
  }

  // Writer: fill the key space, then a random mix of replace / erase / re-insert / no-op.
  uint64_t refused = 0;
  uint32_t live = 0;
  std::vector<uint8_t> present(kKeys, 0);
  std::vector<PortMask> current(kKeys);
  uint64_t salt = 0;
  for (uint32_t i = 0; i < kKeys; ++i) {
    current[i] = mask_for(i, ++salt);
    if (table.set(keys[i], current[i])) {
      present[i] = 1;
      ++live;
    } else {
      ++refused;
    }
    if (i % kReclaimEvery == 0) table.reclaim();
  }
  uint64_t rng = 12345;
  for (uint32_t op = 0; op < kChurnOps; ++op) {
    rng = mix(rng);
    const uint32_t i = static_cast<uint32_t>(rng % kKeys);
    switch ((rng >> 32) % 8) {
      case 0:
      case 1:
      case 2:  // erase, or re-insert when absent
        if (present[i]) {
          if (table.erase(keys[i])) {
            present[i] = 0;
            --live;
          } else {
            ++refused;
          }
          break;
        }
        [[fallthrough]];
      default:  // insert or replace
        current[i] = mask_for(i, ++salt);
        if (table.set(keys[i], current[i])) {
          live += present[i] ? 0 : 1;
          present[i] = 1;
        } else {
          ++refused;
        }
        break;
      case 7:  // same set again: must publish nothing
        if (present[i]) {
          EXPECT_TRUE(table.set(keys[i], current[i]));
        }
        break;
    }
    if (op % kReclaimEvery == 0) table.reclaim();
  }

  stop.store(true, std::memory_order_relaxed);
  rte_eal_mp_wait_lcore();

  // The writer's view and the table agree.
  EXPECT_EQ(table.size(), live);
  uint32_t mismatches = 0;
  for (uint32_t i = 0; i < kKeys; i += 97) {
    const Entry* e = table.lookup(keys[i]);
    if ((e != nullptr) != static_cast<bool>(present[i]) ||
        (e != nullptr && e->ports != current[i])) {
      ++mismatches;
    }
  }
  EXPECT_EQ(mismatches, 0u);

  // Readers are offline: everything retired can go, then everything else.
  EXPECT_EQ(table.reclaim(), 0u);
  table.clear();
  EXPECT_EQ(table.reclaim(), 0u);
  EXPECT_EQ(table.size(), 0u);
  const Stats& s = table.stats();
  EXPECT_EQ(s.entries_freed, s.inserts + s.replaces) << "every published entry freed once";
  EXPECT_EQ(s.pending, 0u);
  EXPECT_EQ(s.alloc_failures, 0u);
  EXPECT_EQ(refused, 0u) << "refused_full " << s.refused_full << " backlog " << s.refused_backlog;
  EXPECT_GT(s.replaces, 0u);
  EXPECT_GT(s.erases, 0u);
  EXPECT_GT(s.unchanged, 0u);

  for (const ReaderState& st : readers) {
    EXPECT_EQ(st.violations, 0u) << "reader " << st.id;
    EXPECT_GT(st.bursts.load(), 100u) << "reader " << st.id << " barely ran";
    EXPECT_GT(st.hits, 0u) << "reader " << st.id;
    std::printf("reader %u: %lu bursts, %lu hits\n", st.id,
                static_cast<unsigned long>(st.bursts.load()), static_cast<unsigned long>(st.hits));
  }
  std::printf("writer: %lu inserts, %lu replaces, %lu erases, %lu unchanged, %lu freed\n",
              static_cast<unsigned long>(s.inserts), static_cast<unsigned long>(s.replaces),
              static_cast<unsigned long>(s.erases), static_cast<unsigned long>(s.unchanged),
              static_cast<unsigned long>(s.entries_freed));
}

// ---- MAC table ------------------------------------------------------------------------------

l2::MacKey mac_of(uint32_t i) {
  return l2::MacKey({0x02, 0x42, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
                     static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)},
                    static_cast<VlanId>(1 + i % 4));
}
// The port the writer learns MAC i on at time `now`. The high byte identifies i; the low byte
// follows the time, so addresses move between ports. The writer's clock only moves forward, so
// every value it stores for MAC i is exactly encode(mac_port(i, t), t) for some time t: a
// reader can check the exact port a (key, last seen) pair must carry, which catches a value of
// another key (a slot reused too early) as well as a port and a time from different updates.
PortId mac_port(uint32_t i, uint64_t now) {
  return static_cast<PortId>((tag_of(i) & 0xff) << 8 | (mix(uint64_t{i} << 32 ^ now) & 0xff));
}

struct alignas(64) MacReaderState {
  RcuDomain* rcu = nullptr;
  const l2::MacTable* table = nullptr;
  const std::vector<l2::MacKey>* keys = nullptr;
  const std::atomic<bool>* stop = nullptr;
  const std::atomic<uint64_t>* clock = nullptr;  // writer's latest time
  unsigned id = 0;
  std::atomic<uint64_t> bursts{0};
  uint64_t hits = 0;
  uint64_t violations = 0;
};

int mac_reader_main(void* arg) {
  auto& st = *static_cast<MacReaderState*>(arg);
  RcuReader reader(*st.rcu, st.id);
  const uint32_t n_keys = static_cast<uint32_t>(st.keys->size());
  uint64_t rng = st.id + 77;
  const l2::MacKey* ptrs[kBurst];
  uint32_t idx[kBurst];
  uint64_t values[kBurst];
  while (!st.stop->load(std::memory_order_relaxed)) {
    for (unsigned j = 0; j < kBurst; ++j) {
      rng = mix(rng);
      idx[j] = static_cast<uint32_t>(rng % n_keys);
      ptrs[j] = &(*st.keys)[idx[j]];
    }
    // Both interfaces: the pointer array and, every other burst, a contiguous copy.
    uint64_t hits;
    if (st.bursts.load(std::memory_order_relaxed) % 2 == 0) {
      hits = st.table->lookup_bulk(ptrs, kBurst, values);
    } else {
      l2::MacKey copy[kBurst];
      for (unsigned j = 0; j < kBurst; ++j) copy[j] = *ptrs[j];
      hits = st.table->lookup_bulk(copy, kBurst, values);
    }
    const uint64_t now = st.clock->load(std::memory_order_acquire);
    for (unsigned j = 0; j < kBurst; ++j) {
      if (((hits >> j) & 1) == 0) {
        if (values[j] != 0) ++st.violations;  // a miss carries no value
        continue;
      }
      const l2::MacValue v = l2::MacValue::decode(values[j]);
      ++st.hits;
      if (v.port != mac_port(idx[j], v.last_seen_ms) || v.last_seen_ms == 0 ||
          v.last_seen_ms > now) {
        ++st.violations;
      }
    }
    // The single lookup too.
    l2::MacValue one;
    if (st.table->lookup(*ptrs[0], one) && one.port != mac_port(idx[0], one.last_seen_ms)) {
      ++st.violations;
    }
    st.bursts.fetch_add(1, std::memory_order_relaxed);
    reader.quiescent();
  }
  return 0;
}

struct MacChurn {
  uint32_t capacity;
  uint32_t keys;
  uint32_t ops;
  unsigned erase_per_16;  // of every 16 operations, this many erase (the rest learn, age, flush)
  unsigned max_ms;        // the writer stops early after this long
};

// Readers look up and check values while the writer learns, moves, erases, ages and flushes,
// with a clock that only moves forward and is published before any value carrying it.
// Returns the writer's TableFull count.
uint64_t run_mac_churn(const MacChurn& c, l2::MacStats& stats_out) {
  const unsigned worker_lcores = rte_lcore_count() - 1;
  EXPECT_GE(worker_lcores, 1u);

  RcuDomain rcu(worker_lcores);
  l2::MacTable table(rcu, c.capacity);
  std::vector<l2::MacKey> keys;
  keys.reserve(c.keys);
  for (uint32_t i = 0; i < c.keys; ++i) keys.push_back(mac_of(i));

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> clock{1};
  std::vector<MacReaderState> readers(worker_lcores);
  unsigned lcore = 0;
  unsigned n = 0;
  RTE_LCORE_FOREACH_WORKER(lcore) {
    MacReaderState& st = readers[n];
    st.rcu = &rcu;
    st.table = &table;
    st.keys = &keys;
    st.stop = &stop;
    st.clock = &clock;
    st.id = n++;
    EXPECT_EQ(rte_eal_remote_launch(mac_reader_main, &st, lcore), 0) << "lcore " << lcore;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (MacReaderState& st : readers) {
    while (st.bursts.load(std::memory_order_relaxed) == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      rte_pause();
    }
  }

  uint64_t refused = 0;
  uint64_t rng = 999;
  constexpr uint64_t kAging = 2'000;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(c.max_ms);
  for (uint32_t op = 0; op < c.ops; ++op) {
    if (op % 4096 == 0 && std::chrono::steady_clock::now() > end) break;
    const uint64_t now = clock.load(std::memory_order_relaxed) + (op % 16 == 0 ? 1 : 0);
    clock.store(now, std::memory_order_release);
    rng = mix(rng);
    const uint32_t i = static_cast<uint32_t>(rng % c.keys);
    const unsigned kind = (rng >> 32) % 16;
    if (kind < c.erase_per_16) {
      table.erase(keys[i]);
    } else if (kind == c.erase_per_16) {
      table.age(now, kAging, 64);
    } else if (kind == c.erase_per_16 + 1) {
      if (op % 4096 == 3) table.flush_port(mac_port(i, now));
    } else if (table.learn(keys[i], mac_port(i, now), now) == l2::LearnResult::TableFull) {
      // Both buckets hold slots still in their grace period (a reader may be preempted, since
      // the lcores share two CPUs): let the readers run. A yield can cost a whole time slice,
      // hence the writer's time limit.
      ++refused;
      sched_yield();
    }
  }
  stop.store(true, std::memory_order_relaxed);
  rte_eal_mp_wait_lcore();

  size_t counted = 0;
  table.for_each([&](const l2::MacKey&, const l2::MacValue&) { ++counted; });
  EXPECT_EQ(counted, table.size());
  EXPECT_EQ(table.flush_all(), counted);
  stats_out = table.stats();
  for (const MacReaderState& st : readers) {
    EXPECT_EQ(st.violations, 0u) << "reader " << st.id;
    EXPECT_GT(st.bursts.load(), 100u) << "reader " << st.id << " barely ran";
    EXPECT_GT(st.hits, 0u) << "reader " << st.id;
    std::printf("mac reader %u: %lu bursts, %lu hits\n", st.id,
                static_cast<unsigned long>(st.bursts.load()), static_cast<unsigned long>(st.hits));
  }
  const l2::MacStats& s = stats_out;
  std::printf("mac writer: %lu learned, %lu moves, %lu refreshes, %lu aged, %lu flushed, "
              "%lu refused\n",
              static_cast<unsigned long>(s.learned), static_cast<unsigned long>(s.moves),
              static_cast<unsigned long>(s.refreshes), static_cast<unsigned long>(s.aged),
              static_cast<unsigned long>(s.flushed), static_cast<unsigned long>(refused));
  return refused;
}

TEST(RcuStress, MacReadersNeverSeeAValueOfAnotherKeyWhileWriterChurns) {
  l2::MacStats s;
  const uint64_t refused = run_mac_churn({65'536, 50'000, 1'000'000, 2, 20'000}, s);
  EXPECT_EQ(refused, 0u);
  EXPECT_EQ(s.refused_no_slot, 0u);
  EXPECT_GT(s.learned, 0u);
  EXPECT_GT(s.moves, 0u);
  EXPECT_GT(s.aged, 0u);
}

// The same on the smallest table with as many addresses as it holds: every bucket is hot,
// and deleted slots are reused as soon as the readers allow, so a reader that matched a key
// just before its slot was reused would read the newcomer's value.
TEST(RcuStress, MacSlotReuseOnASmallHotTable) {
  l2::MacStats s;
  run_mac_churn({l2::MacTable::kMinCapacity, l2::MacTable::kMinCapacity, 3'000'000, 7, 3'000}, s);
  EXPECT_GT(s.learned, 1'000u);
  EXPECT_GT(s.moves, 0u);
}

}  // namespace
}  // namespace mcsnoop::mft
