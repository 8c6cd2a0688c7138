// mft_table_bench: ns per key of mft::Table::lookup_bulk against the rte_hash MFT it replaced.
//
// Both tables get the same (*,G) keys (IPv4 groups over 4 VLANs). The baseline is set up exactly
// as the old mft::Table was: an rte_hash with 36-byte keys, lock-free readers, 25 % more slots
// than the capacity, the keyed signature (mft::signature_of under the process key) computed by
// the caller, the fixed-width compare callback, its key slots recycled through the same RCU
// domain, looked up with rte_hash_lookup_with_hash_bulk_data, hit entries prefetched. The
// capacity is the switch's default for snooping.max_groups 65,536 (about 80,000 keys), or the
// key count where that is larger.
//
// Lookups go as the worker issues them: bursts of 32 keys, copied into a contiguous array (the
// worker writes its keys into one), results read as the worker does (the entry's ports).
// Key streams: all hits, and half misses (unregistered groups). Each figure is the median over
// --reps passes of 2^16 keys, and the minimum (short passes, so some run without being
// preempted on a shared machine: the minimum is then the figure to quote). Before timing, the
// two tables' answers to every key are checked to be the same ports.
//
// Usage: mft_table_bench [--reps N] [-- EAL args]
// Output: one line per (table, keys, hit ratio): ns/key.
#include "bench_env.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_prefetch.h>

#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"
#include "rcu_hash.hpp"

namespace {

using mcsnoop::PortMask;
using mcsnoop::mft::Entry;
using mcsnoop::mft::Key;
using mcsnoop::mft::Table;

constexpr unsigned kBurst = 32;
constexpr size_t kStream = size_t{1} << 16;

int keys_differ(const void* a, const void* b, size_t) {
  uint64_t x[4], y[4];
  uint32_t x4, y4;
  std::memcpy(x, a, 32);
  std::memcpy(y, b, 32);
  std::memcpy(&x4, static_cast<const char*>(a) + 32, 4);
  std::memcpy(&y4, static_cast<const char*>(b) + 32, 4);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x4 ^ y4)) != 0;
}

uint32_t rte_signature(const void* key, uint32_t, uint32_t) {
  Key k;
  std::memcpy(static_cast<void*>(&k), key, sizeof k);
  return mcsnoop::mft::signature_of(mcsnoop::mft::hash_key(), k);
}

// The previous mft::Table's reader side, rebuilt for comparison (entries: one per key, owned here).
class OldMft {
 public:
  OldMft(mcsnoop::rcu::RcuDomain& rcu, uint32_t capacity)
      : hash_("oldmft", capacity + capacity / 4, sizeof(Key), rcu, SOCKET_ID_ANY, &rte_signature, 0,
              &keys_differ) {
    entries_.reserve(capacity);
  }
  bool add(const Key& k, PortMask ports) {
    entries_.push_back(std::make_unique<Entry>());
    entries_.back()->assign(ports);
    return rte_hash_add_key_data(hash_.get(), &k, entries_.back().get()) == 0;
  }
  // The old Table::lookup_bulk(const Key keys[], ...), verbatim.
  uint64_t lookup_bulk(const Key keys[], unsigned n, const Entry* out[]) const {
    const Key* ptrs[kBurst];
    uint32_t sigs[kBurst];
    for (unsigned i = 0; i < n; ++i) {
      ptrs[i] = &keys[i];
      sigs[i] = mcsnoop::mft::signature_of(key_, keys[i]);
    }
    void* data[kBurst];
    for (unsigned i = 0; i < n; ++i) data[i] = nullptr;
    uint64_t hits = 0;
    rte_hash_lookup_with_hash_bulk_data(hash_.get(), reinterpret_cast<const void**>(ptrs), sigs, n, &hits, data);
    for (unsigned i = 0; i < n; ++i) out[i] = static_cast<const Entry*>(data[i]);
    for (uint64_t h = hits; h != 0; h &= h - 1) rte_prefetch0(data[__builtin_ctzll(h)]);
    return hits;
  }

 private:
  mcsnoop::bench::RcuHash hash_;
  mcsnoop::core::HashKey key_ = mcsnoop::mft::hash_key();
  std::vector<std::unique_ptr<Entry>> entries_;
};

Key group_key(uint32_t i) {
  return Key(static_cast<mcsnoop::VlanId>(10 + i % 4), mcsnoop::net::IpAddr::v4(0xe8000000u + i));
}

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

template <bool kOld>
double pass_ns_per_key(const OldMft& old_table, const Table& table, const std::vector<Key>& stream, uint64_t& sink) {
  const uint64_t start = rte_rdtsc_precise();
  for (size_t base = 0; base < stream.size(); base += kBurst) {
    Key keys[kBurst];
    const Entry* out[kBurst];
    std::memcpy(static_cast<void*>(keys), &stream[base], sizeof keys);
    const uint64_t hits = kOld ? old_table.lookup_bulk(keys, kBurst, out) : table.lookup_bulk(keys, kBurst, out);
    for (unsigned k = 0; k < kBurst; ++k) sink += ((hits >> k) & 1) ? out[k]->ports.bits() : 0;
  }
  const uint64_t cycles = rte_rdtsc_precise() - start;
  return static_cast<double>(cycles) * 1e9 / static_cast<double>(rte_get_tsc_hz()) / static_cast<double>(stream.size());
}

using mcsnoop::bench::Figure;
using mcsnoop::bench::summarize;

}  // namespace

int main(int argc, char** argv) {
  unsigned reps = 0;
  if (const int rc = mcsnoop::bench::start_micro(argc, argv, "mftbench", 1024, 51, &reps); rc != 0) return rc;
  {
    mcsnoop::rcu::RcuDomain rcu(1);
    uint64_t sink = 0;
    std::printf("%-10s %8s %6s %10s %10s\n", "table", "keys", "hits", "ns/key", "(min)");
    for (const uint32_t nkeys : {1'000u, 100'000u}) {
      const uint32_t capacity = std::max<uint32_t>(80'000, nkeys + nkeys / 8);
      OldMft old_table(rcu, capacity);
      Table table(rcu, capacity);
      for (uint32_t i = 0; i < nkeys; ++i) {
        const PortMask ports(mix(i) | 1);
        if (!table.set(group_key(i), ports) || !old_table.add(group_key(i), ports)) {
          std::fprintf(stderr, "a table refused key %u\n", i);
          return 1;
        }
      }
      uint64_t r = 42;
      for (const unsigned hit_pct : {100u, 50u}) {
        std::vector<Key> stream(kStream);
        for (size_t i = 0; i < kStream; ++i) {
          r = mix(r);
          stream[i] = group_key(static_cast<uint32_t>((r >> 8) % nkeys) + (r % 100 < hit_pct ? 0 : nkeys));
        }
        for (size_t base = 0; base < kStream; base += kBurst) {
          const Entry* a[kBurst];
          const Entry* b[kBurst];
          const uint64_t ha = old_table.lookup_bulk(&stream[base], kBurst, a);
          const uint64_t hb = table.lookup_bulk(&stream[base], kBurst, b);
          bool same = ha == hb;
          for (unsigned k = 0; k < kBurst && same; ++k) same = ((ha >> k) & 1) == 0 || a[k]->ports == b[k]->ports;
          if (!same) {
            std::fprintf(stderr, "tables disagree at key %zu\n", base);
            return 1;
          }
        }
        std::vector<double> o, n;
        for (unsigned rep = 0; rep < reps; ++rep) {  // interleaved, so drift hits both
          o.push_back(pass_ns_per_key<true>(old_table, table, stream, sink));
          n.push_back(pass_ns_per_key<false>(old_table, table, stream, sink));
        }
        const Figure fo = summarize(o), fn = summarize(n);
        std::printf("%-10s %8u %5u%% %10.2f %10.2f\n", "rte_hash", nkeys, hit_pct, fo.median, fo.min);
        std::printf("%-10s %8u %5u%% %10.2f %10.2f\n", "mft::Table", nkeys, hit_pct, fn.median, fn.min);
        std::fflush(stdout);
      }
    }
    std::fprintf(stderr, "(checksum %" PRIu64 ")\n", sink);
  }
  rte_eal_cleanup();
  return 0;
}
