// mac_table_bench: ns per key of l2::MacTable::lookup_bulk against the rte_hash it replaced.
//
// Both tables get the same learned addresses (random unicast MACs over 8 VLANs) and are sized
// like the switch's default (mac_table_size 65,536). The baseline is set up exactly as the old
// MacTable was: an rte_hash with 8-byte keys, CRC32-C with a random seed, lock-free readers,
// 25 % more slots than the capacity, the value packed into the data pointer, its key slots
// recycled through the same RCU domain, looked up with rte_hash_lookup_bulk_data.
//
// Lookups go as the worker issues them: bursts of 64 keys (source and destination of 32 frames)
// copied into a stack array, looked up through the array of pointers (the old interface, kept)
// and, for the new table, through the contiguous array too. Key streams: all hits, and half
// misses (unknown destinations). Each figure is the median over --reps passes of 2^16 keys,
// and the minimum (short passes, so that some of them run without being preempted on a shared
// machine: the minimum is then the figure to quote). Every figure includes the same harness
// work per burst (copying 64 keys, building the pointers, reading each hit's port). Before
// timing, the two tables' answers to every key of the stream are checked to be identical.
//
// Usage: mac_table_bench [--reps N] [-- EAL args]
// Output: one line per (table, learned addresses, hit ratio, interface): ns/key.
#include "bench_env.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_random.h>

#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"

namespace {

using mcsnoop::l2::MacKey;
using mcsnoop::l2::MacTable;
using mcsnoop::l2::MacValue;

constexpr uint32_t kCapacity = 65'536;
constexpr unsigned kBurst = MacTable::kMaxBulk;
constexpr size_t kStream = size_t{1} << 16;

// The previous implementation's table, rebuilt for comparison.
class OldMacHash {
 public:
  OldMacHash(mcsnoop::rcu::RcuDomain& rcu, uint32_t capacity) {
    rte_hash_parameters p{};
    p.name = "bench_oldmac";
    p.entries = capacity + capacity / 4;
    p.key_len = sizeof(MacKey);
    p.hash_func = rte_hash_crc;
    p.hash_func_init_val = static_cast<uint32_t>(rte_rand());
    p.socket_id = SOCKET_ID_ANY;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
    h_ = rte_hash_create(&p);
    if (h_ == nullptr) {
      throw std::runtime_error(std::string("rte_hash_create: ") + rte_strerror(rte_errno));
    }
    rte_hash_rcu_config cfg{};
    cfg.v = rcu.qsbr();
    cfg.mode = RTE_HASH_QSBR_MODE_DQ;
    cfg.trigger_reclaim_limit = 32;
    cfg.max_reclaim_size = 64;
    if (rte_hash_rcu_qsbr_add(h_, &cfg) != 0) throw std::runtime_error("rte_hash_rcu_qsbr_add");
  }
  ~OldMacHash() { rte_hash_free(h_); }
  bool add(const MacKey& k, uint64_t v) {
    return rte_hash_add_key_data(h_, &k, reinterpret_cast<void*>(static_cast<uintptr_t>(v))) == 0;
  }
  // The old MacTable::lookup_bulk, verbatim.
  uint64_t lookup_bulk(const MacKey* const keys[], unsigned n, uint64_t out_values[]) const {
    void* data[kBurst];
    for (unsigned i = 0; i < n; ++i) data[i] = nullptr;
    uint64_t hits = 0;
    rte_hash_lookup_bulk_data(
        h_, const_cast<const void**>(reinterpret_cast<const void* const*>(keys)), n, &hits, data);
    for (unsigned i = 0; i < n; ++i) out_values[i] = reinterpret_cast<uintptr_t>(data[i]);
    return hits;
  }

 private:
  rte_hash* h_ = nullptr;
};

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

MacKey random_mac(uint64_t r) {
  std::array<uint8_t, 6> m{};
  for (unsigned b = 0; b < 6; ++b) m[b] = static_cast<uint8_t>(r >> (8 * b));
  m[0] &= 0xfe;  // unicast
  return MacKey(m, static_cast<mcsnoop::VlanId>(10 + (r >> 56) % 8));
}

enum class Api { Old, NewPointers, NewArray };

template <Api kApi>
double pass_ns_per_key(const OldMacHash& old_table, const MacTable& table,
                       const std::vector<MacKey>& stream, uint64_t& sink) {
  const uint64_t start = rte_rdtsc_precise();
  for (size_t base = 0; base < stream.size(); base += kBurst) {
    MacKey keys[kBurst];
    const MacKey* ptrs[kBurst];
    uint64_t values[kBurst];
    std::memcpy(keys, &stream[base], sizeof keys);
    uint64_t hits;
    if constexpr (kApi == Api::NewArray) {
      hits = table.lookup_bulk(keys, kBurst, values);
    } else {
      for (unsigned k = 0; k < kBurst; ++k) ptrs[k] = &keys[k];
      if constexpr (kApi == Api::Old) {
        hits = old_table.lookup_bulk(ptrs, kBurst, values);
      } else {
        hits = table.lookup_bulk(ptrs, kBurst, values);
      }
    }
    // Consume the results as the worker does (port of each hit).
    for (unsigned k = 0; k < kBurst; ++k) {
      sink += ((hits >> k) & 1) * MacValue::decode(values[k]).port;
    }
  }
  const uint64_t cycles = rte_rdtsc_precise() - start;
  return static_cast<double>(cycles) * 1e9 / static_cast<double>(rte_get_tsc_hz()) /
         static_cast<double>(stream.size());
}

using mcsnoop::bench::Figure;
using mcsnoop::bench::summarize;

}  // namespace

int main(int argc, char** argv) {
  unsigned reps = 0;
  if (const int rc = mcsnoop::bench::start_micro(argc, argv, "macbench", 512, 101, &reps); rc != 0) return rc;

  {
    mcsnoop::rcu::RcuDomain rcu(1);
    uint64_t sink = 0;
    std::printf("%-10s %8s %6s %-9s %10s %10s\n", "table", "learned", "hits", "keys", "ns/key",
                "(min)");
    for (const uint32_t learned : {1'000u, 65'536u}) {
      OldMacHash old_table(rcu, kCapacity);
      MacTable table(rcu, kCapacity);
      std::vector<MacKey> known;
      uint64_t r = 42;
      while (known.size() < learned) {
        const MacKey k = random_mac(r = mix(r));
        const auto port = static_cast<mcsnoop::PortId>(known.size() % 48);
        if (table.learn(k, port, 1000) != mcsnoop::l2::LearnResult::New) continue;  // duplicate
        if (!old_table.add(k, MacValue::encode(port, 1000))) {
          std::fprintf(stderr, "old table refused key %zu\n", known.size());
          return 1;
        }
        known.push_back(k);
      }
      for (const unsigned hit_pct : {100u, 50u}) {
        std::vector<MacKey> stream(kStream);
        for (size_t i = 0; i < kStream; ++i) {
          r = mix(r);
          stream[i] = (r % 100 < hit_pct) ? known[(r >> 8) % known.size()] : random_mac(mix(r));
        }
        // Both tables must give the same answers.
        for (size_t base = 0; base < kStream; base += kBurst) {
          const MacKey* ptrs[kBurst];
          for (unsigned k = 0; k < kBurst; ++k) ptrs[k] = &stream[base + k];
          uint64_t vo[kBurst], vp[kBurst], va[kBurst];
          const uint64_t ho = old_table.lookup_bulk(ptrs, kBurst, vo);
          const uint64_t hp = table.lookup_bulk(ptrs, kBurst, vp);
          const uint64_t ha = table.lookup_bulk(&stream[base], kBurst, va);
          if (ho != hp || ho != ha || std::memcmp(vo, vp, sizeof vo) != 0 ||
              std::memcmp(vo, va, sizeof vo) != 0) {
            std::fprintf(stderr, "tables disagree at key %zu\n", base);
            return 1;
          }
        }
        std::vector<double> o, np, na;
        for (unsigned rep = 0; rep < reps; ++rep) {  // interleaved, so drift hits all three
          o.push_back(pass_ns_per_key<Api::Old>(old_table, table, stream, sink));
          np.push_back(pass_ns_per_key<Api::NewPointers>(old_table, table, stream, sink));
          na.push_back(pass_ns_per_key<Api::NewArray>(old_table, table, stream, sink));
        }
        const Figure fo = summarize(o), fp = summarize(np), fa = summarize(na);
        const auto row = [&](const char* table_name, const char* api, const Figure& f) {
          std::printf("%-10s %8u %5u%% %-9s %10.2f %10.2f\n", table_name, learned, hit_pct, api,
                      f.median, f.min);
        };
        row("rte_hash", "pointers", fo);
        row("MacTable", "pointers", fp);
        row("MacTable", "array", fa);
        std::fflush(stdout);
      }
    }
    std::fprintf(stderr, "(checksum %" PRIu64 ")\n", sink);
  }
  rte_eal_cleanup();
  return 0;
}
