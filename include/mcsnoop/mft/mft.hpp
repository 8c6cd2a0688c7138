// The multicast forwarding table: (VLAN, group[, source]) -> egress ports.
//
// Writer: the control lcore only (set, erase, reclaim, clear, the size queries and for_each).
// Readers: worker lcores registered in the RcuDomain, between online() and offline(); lookups
// are lock-free and never write shared memory. A pointer returned by a lookup stays valid until
// the reader's next RcuDomain::quiescent() call, and not one instruction longer.
//
// Memory: every set() that changes a key takes a new immutable record (key and Entry) from the
// table's slab; the replaced or erased record goes onto a defer queue and back to the slab in
// reclaim() (or automatically in later updates) once every online reader has passed a
// quiescent state.
//
// Layout: a purpose-built two-choice bucket table, not an rte_hash (the MAC table's design,
// l2/mac_table.hpp, for a 36-byte key). A hit reads one bucket line per candidate bucket and
// then one record line holding both the key and its Entry: no separate key store, no compare
// callback, no change counter, no retry (rte_hash reads a bucket, a key slot, then the Entry).
// * Hash: core::keyed_hash of the key's five words under a random per-process key (hash_of).
//   The first bucket comes from its top bits, the second from its bottom bits, and a 16-bit tag
//   from the bits in between (disjoint bit ranges up to 2^23 buckets).
// * Bucket: 64 bytes, one line: 8 tags and 8 record words (the record's slab index + 1; 0 = the
//   slot holds no key).
// * Record: 64 bytes, one line: the key, then its Entry. Records are immutable once published
//   and come from one slab (src/mft/entry_pool.hpp), lowest index first, so a small table's
//   records share few lines and pages.
// * Insertion puts a new key in whichever candidate bucket has more free slots (the first on a
//   tie). Keys never move (no cuckoo displacement), so a reader never misses a key that stays
//   in the table. There are at least 4 slots per key of capacity; with the hash keyed, a host
//   cannot aim keys at a bucket pair, and both buckets full by chance is astronomically rare
//   (the MAC table's simulation, same geometry). If it happens, set() refuses and counts
//   refused_full, and the control plane retries.
// * Concurrency (one writer, lock-free readers): an insert writes a new record and the tag,
//   then release-stores the record word; a reader loads the record word (acquire) before the
//   record. A replace is a new record and one store of the word. An erase stores 0 in the word.
//   Replaced and erased records go to the defer queue; a reader that loaded a word a moment
//   earlier still reads a whole record with the key it was published with. A slot is reused at
//   once: a reader that matched its old tag compares its key against the new record's and
//   moves on.
//
// Hashing: keys are (VLAN, group, source) chosen by hosts. The hash is core::keyed_hash under
// a random per-process key, never CRC32-C: with CRC a host could compute 16 (S,G) keys sharing
// a victim (*,G)'s two buckets for any seed, and the victim's join would be refused
// (docs/security.md).
//
// Capacity: at most `capacity` keys; a set() for a new key beyond that returns false and
// counts `refused_full`.
#pragma once

#include <emmintrin.h>  // SSE2: the tag compare

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include <rte_memory.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "mcsnoop/core/keyed_hash.hpp"
#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/mft/entry.hpp"
#include "mcsnoop/mft/key.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"

namespace mcsnoop::mft {
namespace detail {
class RecordPool;

// One key and its Entry, in one line (see the layout notes above).
struct alignas(64) Record {
  Key key;
  uint8_t pad[12];
  Entry entry;
};
static_assert(sizeof(Record) == 64 && offsetof(Record, entry) == 48);
}  // namespace detail

// The MFT's hash key: random, drawn from the kernel once per process (at the first Table).
// Any thread, after that first construction.
const core::HashKey& hash_key();

// The 64-bit keyed hash of `key` under `k`: the table's buckets and tags come from it. Pure.
inline uint64_t hash_of(const core::HashKey& k, const Key& key) {
  static_assert(sizeof(Key) == 36);
  // Word by word, as the key builders store it (key.hpp): one load per store, no copy of the
  // key through the stack.
  const auto* b = reinterpret_cast<const uint8_t*>(&key);
  using detail::load32, detail::load64;
  return core::keyed_hash(k, load64(b), load64(b + 8), load64(b + 16), load64(b + 24), load32(b + 32));
}

// A 32-bit digest of hash_of, for other containers of MFT keys (the control plane's retry set).
inline uint32_t signature_of(const core::HashKey& k, const Key& key) {
  const uint64_t h = hash_of(k, key);
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
  // Largest batch lookup_bulk accepts (one hit-mask word).
  static constexpr unsigned kMaxBulk = 64;
  // Smallest capacity: below this the fixed overheads dominate.
  static constexpr uint32_t kMinCapacity = 64;
  static constexpr unsigned kSlotsPerBucket = 8;
  static constexpr unsigned kSlotsPerCapacity = 4;  // headroom: slots >= 4 x capacity

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

  size_t size() const { return w_.size; }
  uint32_t capacity() const { return w_.capacity; }
  // Source-specific (S,G) keys of `vlan` whose group has `family`.
  uint32_t source_keys(VlanId vlan, net::Family family) const {
    return w_.source_keys[source_slot(vlan, family)];
  }
  const Stats& stats() const { return w_.stats; }

  // Calls f(const Key&, const Entry&) for every key, in bucket order. Control lcore only; f
  // must not modify the table.
  void for_each(const std::function<void(const Key&, const Entry&)>& f) const;

  // ---- readers (registered, online workers; also callable by the writer) ----------------

  // Looks up keys[0..n), 1 <= n <= kMaxBulk. out[i] = the entry, or nullptr on a miss.
  // Returns the hit mask (bit i set <=> out[i] != nullptr). Hit entries are prefetched.
  // Lock-free and wait-free: no stores to shared memory, no retries; safe concurrently with
  // the writer and other readers.
  uint64_t lookup_bulk(const Key* const keys[], unsigned n, const Entry* out[]) const {
    return lookup_bulk_impl([keys](unsigned i) -> const Key& { return *keys[i]; }, n, out);
  }

  // The same for a contiguous array of keys, as the data path builds them (the cheaper form:
  // no pointer array to build and chase).
  uint64_t lookup_bulk(const Key keys[], unsigned n, const Entry* out[]) const {
    return lookup_bulk_impl([keys](unsigned i) -> const Key& { return keys[i]; }, n, out);
  }

  // hash_of(hash_key(), key): what the table places `key` by. Pure; any thread.
  uint64_t hash(const Key& key) const { return hash_of(r_.key, key); }

  // Single-key lookup; nullptr on a miss. Lock-free; callable by readers and by the writer.
  const Entry* lookup(const Key& key) const {
    const uint64_t h = hash(key);
    const Bucket& b1 = r_.buckets[bucket1(h)];
    const Bucket& b2 = r_.buckets[bucket2(h)];
    const Record* rec = nullptr;
    find(key, h, b1, b2, &rec);
    return rec != nullptr ? &rec->entry : nullptr;
  }

 private:
  using Record = detail::Record;
  struct alignas(64) Bucket {
    uint16_t tag[kSlotsPerBucket];    // bits 24..39 of the key's hash (meaningful where word != 0)
    uint32_t word[kSlotsPerBucket];   // the record's slab index + 1; 0: no key in the slot
    uint8_t spare[16];
  };
  static_assert(sizeof(Bucket) == 64);

  uint32_t bucket1(uint64_t h) const { return static_cast<uint32_t>(h >> r_.shift); }
  uint32_t bucket2(uint64_t h) const { return static_cast<uint32_t>(h) & r_.bucket_mask; }
  static uint16_t tag_of(uint64_t h) { return static_cast<uint16_t>(h >> 24); }

  // Bit s set where bucket b's tag s equals `tag`.
  static unsigned match_tags(const Bucket& b, uint16_t tag) {
    const __m128i eq = _mm_cmpeq_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(b.tag)),
                                       _mm_set1_epi16(static_cast<short>(tag)));
    // One byte per 16-bit lane after packing.
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(eq, _mm_setzero_si128())));
  }
  // The record word of `slot`: acquire, so the record read after it is complete.
  uint32_t slot_word(size_t slot) const {
    return __atomic_load_n(&r_.buckets[slot / kSlotsPerBucket].word[slot % kSlotsPerBucket],
                           __ATOMIC_ACQUIRE);
  }
  const Record* record_at(uint32_t word) const { return r_.records + (word - 1); }
  static bool same_key(const Key& a, const Key& b) {
    const auto* x = reinterpret_cast<const uint8_t*>(&a);
    const auto* y = reinterpret_cast<const uint8_t*>(&b);
    using detail::load32, detail::load64;
    return ((load64(x) ^ load64(y)) | (load64(x + 8) ^ load64(y + 8)) | (load64(x + 16) ^ load64(y + 16)) |
            (load64(x + 24) ^ load64(y + 24)) | (load32(x + 32) ^ load32(y + 32))) == 0;
  }
  // The slot holding `key` among the candidates of its two buckets, or -1; its record in *rec.
  int64_t find(const Key& key, uint64_t h, const Bucket& b1, const Bucket& b2, const Record** rec) const {
    return find_in(key, match_tags(b1, tag_of(h)) | match_tags(b2, tag_of(h)) << kSlotsPerBucket,
                   bucket1(h), bucket2(h), rec);
  }
  static size_t slot_of(unsigned c, uint32_t i1, uint32_t i2) {
    return size_t{c < kSlotsPerBucket ? i1 : i2} * kSlotsPerBucket + (c % kSlotsPerBucket);
  }
  // `cand`: bit s = slot s of bucket i1, bit 8 + s = slot s of bucket i2.
  int64_t find_in(const Key& key, unsigned cand, uint32_t i1, uint32_t i2, const Record** rec) const {
    for (; cand != 0; cand &= cand - 1) {
      const size_t slot = slot_of(static_cast<unsigned>(__builtin_ctz(cand)), i1, i2);
      const uint32_t w = slot_word(slot);
      if (w != 0 && same_key(record_at(w)->key, key)) {
        *rec = record_at(w);
        return static_cast<int64_t>(slot);
      }
    }
    *rec = nullptr;
    return -1;
  }

  // The bulk lookup in three passes over the batch, so that the cache misses of different keys
  // overlap: hash every key and prefetch its bucket lines; match the tags and prefetch the
  // first candidate's record; compare keys.
  template <typename KeyAt>
  uint64_t lookup_bulk_impl(KeyAt key_at, unsigned n, const Entry* out[]) const {
    assert(n <= kMaxBulk);
    uint32_t i1[kMaxBulk], i2[kMaxBulk];
    uint16_t tags[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) {
      const uint64_t h = hash(key_at(i));
      i1[i] = bucket1(h);
      i2[i] = bucket2(h);
      tags[i] = tag_of(h);
      rte_prefetch0(&r_.buckets[i1[i]]);
      rte_prefetch0(&r_.buckets[i2[i]]);
    }
    unsigned cand[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) {
      cand[i] = match_tags(r_.buckets[i1[i]], tags[i]) | match_tags(r_.buckets[i2[i]], tags[i]) << kSlotsPerBucket;
      if (cand[i] == 0) continue;
      const uint32_t w = slot_word(slot_of(static_cast<unsigned>(__builtin_ctz(cand[i])), i1[i], i2[i]));
      if (w != 0) rte_prefetch0(record_at(w));
    }
    uint64_t hits = 0;
    for (unsigned i = 0; i < n; ++i) {
      out[i] = nullptr;
      if (cand[i] == 0) continue;
      const Record* rec = nullptr;
      if (find_in(key_at(i), cand[i], i1[i], i2[i], &rec) < 0) continue;
      out[i] = &rec->entry;
      hits |= uint64_t{1} << i;
    }
    return hits;
  }

  // Writer side.
  bool erase_impl(const Key& key, bool may_block);
  // A free slot for a new key with hash `h`, or -1.
  int64_t free_slot(uint64_t h) const;
  // Free slots of bucket `b`; the first one in *first (-1 if none).
  unsigned free_slots(uint32_t b, int* first) const;
  Record* make_record(const Key& key, PortMask ports);
  // Ensures the defer queue can take one more record; may_block allows waiting for readers.
  bool make_room(bool may_block);
  // Hands an unlinked record to the defer queue (blocking fallback if that ever fails).
  void retire(const Record* r);
  static void free_retired(void* self, void* elem, unsigned n);
  static unsigned source_slot(VlanId vlan, net::Family family) {
    return (vlan & 0x0fffu) * net::kFamilyCount + net::family_slot(family);
  }
  void count_source_key(const Key& key, int delta);
  uint32_t word_of(const Record* r) const { return static_cast<uint32_t>(r - r_.records) + 1; }
  void store_word(size_t slot, uint32_t word) {
    __atomic_store_n(&r_.buckets[slot / kSlotsPerBucket].word[slot % kSlotsPerBucket], word, __ATOMIC_RELEASE);
  }

  // What readers touch, in its own lines: the writer's fields live elsewhere.
  struct alignas(64) ReadSide {
    Bucket* buckets = nullptr;
    const Record* records = nullptr;  // the RecordPool's slab
    uint32_t bucket_mask = 0;
    unsigned shift = 0;  // 64 - log2(bucket count)
    core::HashKey key;   // hash_key()
  } r_;

  struct alignas(64) WriteSide {
    ::mcsnoop::rcu::RcuDomain* rcu = nullptr;
    uint32_t capacity = 0;
    uint32_t dq_capacity = 0;
    size_t size = 0;
    std::unique_ptr<detail::RecordPool> pool;  // outlives dq: ~Table deletes dq in its body
    rte_rcu_qsbr_dq* dq = nullptr;
    Stats stats;
    std::vector<uint32_t> source_keys = std::vector<uint32_t>(4096 * net::kFamilyCount);
  } w_;
};

}  // namespace mcsnoop::mft
