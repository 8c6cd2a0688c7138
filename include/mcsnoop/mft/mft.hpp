// The multicast forwarding table: (VLAN, group[, source]) -> egress ports.
//
// Writer: the control lcore only (set, erase, reclaim, clear, the size queries and for_each).
// Readers: worker lcores registered in the RcuDomain, between online() and offline(); lookups
// are lock-free and never write shared memory. A pointer returned by a lookup stays valid until
// the reader's next RcuDomain::quiescent() call, and not one instruction longer.
//
// Memory: every set() that changes a key takes a new immutable Entry from the table's slab; the
// replaced or erased Entry goes onto a defer queue and back to the slab in reclaim() (or
// automatically in later updates) once every online reader has passed a quiescent state.
// rte_hash_add_key_data does not free an overwritten value on DPDK 22.11, which is why the
// table does it. Key slots of
// erased keys are recycled the same way, by the hash's own defer queue (mft/rcu_hash.hpp).
//
// Hashing: keys are (VLAN, group, source) chosen by hosts. The signature rte_hash places them by
// (both cuckoo buckets derive from it) is core::keyed_hash under a random per-process key,
// never CRC32-C: with CRC a host could compute 16 (S,G) keys sharing a victim (*,G)'s two
// buckets for any seed, and the victim's join would be refused (docs/security.md).
//
// Capacity: at most `capacity` keys; a set() for a new key beyond that returns false and
// counts `refused_full`. The hash has 25 % more key slots than the capacity, so keys erased
// but still in their grace period do not make room for fewer live ones, and the cuckoo
// buckets stay at most 80 % full, where insertion does not fail.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include <rte_hash.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "mcsnoop/core/keyed_hash.hpp"
#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/mft/entry.hpp"
#include "mcsnoop/mft/key.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"
#include "mcsnoop/mft/rcu_hash.hpp"

namespace mcsnoop::mft {
namespace detail { class EntryPool; }

// The MFT's hash key: random, drawn from the kernel once per process (at the first Table).
// Any thread, after that first construction.
const core::HashKey& hash_key();

// The 32-bit signature rte_hash places `key` by, under `k`: both bucket choices come from it.
inline uint32_t signature_of(const core::HashKey& k, const Key& key) {
  static_assert(sizeof(Key) == 36);
  // Word by word, as the key builders store it (key.hpp): one load per store, no copy of the
  // key through the stack.
  const auto* b = reinterpret_cast<const uint8_t*>(&key);
  using detail::load32, detail::load64;
  const uint64_t h = core::keyed_hash(k, load64(b), load64(b + 8), load64(b + 16), load64(b + 24), load32(b + 32));
  return static_cast<uint32_t>(h ^ (h >> 32));
}

// Writer-side counters (read them on the control lcore).
struct Stats {
  uint64_t inserts = 0;          // new keys
  uint64_t replaces = 0;         // changed port sets
  uint64_t unchanged = 0;        // set() with the current port set: nothing published
  uint64_t erases = 0;
  uint64_t refused_full = 0;     // set() of a new key with the table full (or no free slot)
  uint64_t refused_backlog = 0;  // update refused: defer queue full, readers not quiescing
  uint64_t alloc_failures = 0;   // no memory for a new Entry
  uint64_t entries_freed = 0;    // Entries reclaimed after their grace period
  uint64_t pending = 0;          // Entries unlinked, waiting for their grace period
};

class Table {
 public:
  // Largest batch lookup_bulk accepts (rte_hash bulk lookup limit, one hit-mask word).
  static constexpr unsigned kMaxBulk = RTE_HASH_LOOKUP_BULK_MAX;
  // Smallest capacity: below this the hash's fixed overheads dominate.
  static constexpr uint32_t kMinCapacity = 64;

  // `capacity` keys (raised to kMinCapacity), memory on `socket_id`. The domain must outlive
  // the table. Control lcore, EAL initialised. Throws std::runtime_error on DPDK failure.
  Table(rcu::RcuDomain& rcu, uint32_t capacity, int socket_id = SOCKET_ID_ANY);
  // Frees every Entry, live or pending. Precondition: no reader is online in the domain
  // (workers stopped); otherwise pending Entries are leaked rather than freed under a reader.
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // ---- writer (control lcore only) ------------------------------------------------------

  // Publishes `ports` for `key`. An empty set is a valid entry (the group is registered and
  // goes nowhere), distinct from a missing key (unregistered traffic policy).
  // Returns true when the table now maps key -> ports (including the no-op case of an equal
  // set); false when refused: table full, no memory, or reclamation backlog (see Stats).
  bool set(const Key& key, PortMask ports);
  // Removes `key`. True when it was present and is now gone; false when absent, or refused
  // because the defer queue is full (Stats::refused_backlog; retry after reclaim()).
  bool erase(const Key& key);
  // Frees the Entries whose grace period is over; returns how many remain pending. Never
  // blocks. Call once per control-loop iteration.
  size_t reclaim();
  // Erases every key. Safe with readers running; blocks for a grace period only when the
  // defer queue fills up on the way (large tables).
  void clear();

  size_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }
  // Source-specific (S,G) keys of `vlan` whose group has `family` (net::Family: V4 = 0, V6 = 1).
  uint32_t source_keys(VlanId vlan, unsigned family) const {
    return source_keys_[source_slot(vlan, family)];
  }
  const Stats& stats() const { return stats_; }

  // Calls f(const Key&, const Entry&) for every key, in hash order. Control lcore only; f must
  // not modify the table.
  void for_each(const std::function<void(const Key&, const Entry&)>& f) const;

  // ---- readers (registered, online workers) ---------------------------------------------

  // Looks up keys[0..n), 1 <= n <= kMaxBulk. out[i] = the entry, or nullptr on a miss.
  // Returns the hit mask (bit i set <=> out[i] != nullptr). Hit entries are prefetched.
  // Lock-free; safe concurrently with the writer and other readers.
  uint64_t lookup_bulk(const Key* const keys[], unsigned n, const Entry* out[]) const {
    assert(n <= kMaxBulk);
    uint32_t sigs[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) sigs[i] = signature(*keys[i]);
    return lookup_bulk(keys, sigs, n, out);
  }

  // The same for a contiguous array of keys, as the data path builds them: pointers and
  // signatures are made in one tight loop here.
  uint64_t lookup_bulk(const Key keys[], unsigned n, const Entry* out[]) const {
    assert(n <= kMaxBulk);
    const Key* ptrs[kMaxBulk];
    uint32_t sigs[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) {
      ptrs[i] = &keys[i];
      sigs[i] = signature(keys[i]);
    }
    return lookup_bulk(ptrs, sigs, n, out);
  }

  // The signature rte_hash gives `key` (signature_of under the table's key), computed inline
  // rather than through the hash's function pointer, one call per key. Pure; any thread.
  uint32_t signature(const Key& key) const { return signature_of(key_, key); }

  // lookup_bulk() for keys whose signature() the caller computed, e.g. while the key was hot.
  uint64_t lookup_bulk(const Key* const keys[], const uint32_t sigs[], unsigned n,
                       const Entry* out[]) const {
    assert(n <= kMaxBulk);
    void* data[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) data[i] = nullptr;
    uint64_t hits = 0;
    rte_hash_lookup_with_hash_bulk_data(
        hash_.get(), const_cast<const void**>(reinterpret_cast<const void* const*>(keys)),
        const_cast<hash_sig_t*>(sigs), n, &hits, data);
    for (unsigned i = 0; i < n; ++i) out[i] = static_cast<const Entry*>(data[i]);
    for (uint64_t h = hits; h != 0; h &= h - 1) rte_prefetch0(data[__builtin_ctzll(h)]);
    return hits;
  }

  // Single-key lookup; nullptr on a miss. Lock-free; callable by readers and by the writer.
  const Entry* lookup(const Key& key) const {
    void* data = nullptr;
    return rte_hash_lookup_data(hash_.get(), &key, &data) >= 0 ? static_cast<const Entry*>(data)
                                                               : nullptr;
  }

 private:
  Entry* make_entry(PortMask ports);
  bool erase_impl(const Key& key, bool may_block);
  // Ensures the defer queue can take one more Entry; may_block allows waiting for readers.
  bool make_room(bool may_block);
  // Hands an unlinked Entry to the defer queue (blocking fallback if that ever fails).
  void retire(Entry* e);
  static void free_retired(void* self, void* elem, unsigned n);
  static unsigned source_slot(VlanId vlan, unsigned family) { return (vlan & 0x0fffu) * 2 + (family & 1u); }
  void count_source_key(const Key& key, int delta);

  rcu::RcuDomain& rcu_;
  int socket_id_;
  uint32_t capacity_;
  uint32_t dq_capacity_;
  RcuHash hash_;
  core::HashKey key_;  // hash_key(), next to the other fields the readers touch
  std::unique_ptr<detail::EntryPool> pool_;  // outlives dq_: ~Table deletes dq_ in its body
  rte_rcu_qsbr_dq* dq_ = nullptr;
  size_t size_ = 0;
  Stats stats_;
  std::vector<uint32_t> source_keys_ = std::vector<uint32_t>(4096 * 2);
};

}  // namespace mcsnoop::mft
