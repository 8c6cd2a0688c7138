#include "mcsnoop/mft/mft.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "entry_pool.hpp"
#include "mcsnoop/mft/rcu_hash.hpp"  // unique_object_name

namespace mcsnoop::mft {
namespace {

// Largest capacity accepted: 2^26 slots in 2^23 buckets, so the two bucket indices and the tag
// are disjoint bit ranges of the 64-bit hash. 16 M keys is orders of magnitude above any
// multicast deployment.
constexpr uint32_t kMaxCapacity = uint32_t{1} << 24;
static_assert(uint64_t{kMaxCapacity} * Table::kSlotsPerCapacity / Table::kSlotsPerBucket <= uint64_t{1} << 23,
              "buckets: bits 0..22 and 41..63 of the hash, tag: bits 24..39");

// The defer queue frees due Entries by itself once this many are queued, this many at a time,
// so bursts of updates between two reclaim() calls do not pile up.
constexpr uint32_t kAutoReclaimTrigger = 64;
constexpr uint32_t kAutoReclaimBatch = 64;

uint32_t clamp_capacity(uint32_t c) { return std::clamp(c, Table::kMinCapacity, kMaxCapacity); }

template <typename T>
T* zalloc_array(const char* what, size_t count, int socket_id) {
  const size_t bytes = count * sizeof(T);
  void* p = rte_zmalloc_socket(what, bytes, alignof(T) < 64 ? 64 : alignof(T), socket_id);
  if (p == nullptr) {
    throw std::runtime_error(std::string("mft: cannot allocate ") + std::to_string(bytes) +
                             " bytes of DPDK memory for " + what);
  }
  return static_cast<T*>(p);
}

}  // namespace

const core::HashKey& hash_key() {
  static const core::HashKey key = core::HashKey::random();
  return key;
}

Table::Table(RcuDomain& rcu, uint32_t capacity, int socket_id) {
  w_.rcu = &rcu;
  w_.capacity = clamp_capacity(capacity);
  // Two Entries per key may wait at once (a whole table replaced, then erased) before the
  // readers quiesce; beyond that the writer is outrunning stalled readers and updates are
  // refused rather than memory growing without bound.
  w_.dq_capacity = 2 * w_.capacity;
  const uint64_t buckets = std::bit_ceil(uint64_t{w_.capacity} * kSlotsPerCapacity / kSlotsPerBucket);
  const size_t slots = buckets * kSlotsPerBucket;
  r_.bucket_mask = static_cast<uint32_t>(buckets - 1);
  r_.shift = 64 - static_cast<unsigned>(std::countr_zero(buckets));
  r_.key = hash_key();
  // Every live entry, every entry waiting in the defer queue, and the one set() makes before
  // it retires the old: the pool never runs dry before the table refuses.
  w_.pool = std::make_unique<detail::EntryPool>(w_.capacity + w_.dq_capacity + 1, socket_id);
  r_.entries = w_.pool->slab();
  w_.retire_token = std::make_unique<uint64_t[]>(slots);  // zeroed
  r_.buckets = zalloc_array<Bucket>("mft_buckets", buckets, socket_id);
  try {
    r_.keys = zalloc_array<KeySlot>("mft_keys", slots, socket_id);
  } catch (...) {
    rte_free(r_.buckets);
    throw;
  }

  const std::string name = unique_object_name("mftdq");
  rte_rcu_qsbr_dq_parameters params{};
  params.name = name.c_str();
  params.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;  // only the control lcore enqueues and reclaims
  params.size = w_.dq_capacity;
  params.esize = sizeof(Entry*);
  params.trigger_reclaim_limit = kAutoReclaimTrigger;
  params.max_reclaim_size = kAutoReclaimBatch;
  params.free_fn = &Table::free_retired;
  params.p = this;
  params.v = rcu.qsbr();
  w_.dq = rte_rcu_qsbr_dq_create(&params);
  if (w_.dq == nullptr) {
    const int err = rte_errno;
    rte_free(r_.keys);
    rte_free(r_.buckets);
    throw std::runtime_error("rte_rcu_qsbr_dq_create(" + name + "): " + rte_strerror(err));
  }
}

Table::~Table() {
  // No reader is online (precondition): live Entries are unreachable once we stop, free them.
  const size_t slots = size_t{r_.bucket_mask + 1} * kSlotsPerBucket;
  for (size_t s = 0; s < slots; ++s) {
    const uint32_t e = slot_entry(s);
    if (e != 0) w_.pool->release(const_cast<Entry*>(entry_at(e)));
  }
  // Frees every pending Entry. Fails, and leaks them, only if a reader is still online.
  rte_rcu_qsbr_dq_delete(w_.dq);
  rte_free(r_.keys);
  rte_free(r_.buckets);
}

uint32_t Table::entry_word(const Entry* e) const { return w_.pool->index_of(e) + 1; }

Entry* Table::make_entry(PortMask ports) {
  Entry* e = w_.pool->allocate();
  if (e != nullptr) e->assign(ports);
  return e;
}

unsigned Table::usable_slots(uint32_t b, int* first) {
  *first = -1;
  unsigned n = 0;
  for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
    const size_t slot = size_t{b} * kSlotsPerBucket + s;
    if (r_.buckets[b].entry[s] != 0) continue;
    uint64_t& token = w_.retire_token[slot];
    if (token != 0) {
      if (!w_.rcu->grace_period_over(token)) continue;
      token = 0;
    }
    if (*first < 0) *first = static_cast<int>(s);
    ++n;
  }
  return n;
}

int64_t Table::free_slot(uint64_t h) {
  const uint32_t b1 = bucket1(h);
  const uint32_t b2 = bucket2(h);
  int f1 = -1, f2 = -1;
  const unsigned n1 = usable_slots(b1, &f1);
  const unsigned n2 = b2 == b1 ? 0 : usable_slots(b2, &f2);
  if (n1 == 0 && n2 == 0) return -1;
  return n1 >= n2 ? int64_t{b1} * kSlotsPerBucket + f1 : int64_t{b2} * kSlotsPerBucket + f2;
}

bool Table::set(const Key& key, PortMask ports) {
  const uint64_t h = hash(key);
  const int64_t found = find(key, h, r_.buckets[bucket1(h)], r_.buckets[bucket2(h)]);
  const bool exists = found >= 0;
  const Entry* const old = exists ? entry_at(slot_entry(static_cast<size_t>(found))) : nullptr;
  if (exists && old->ports == ports) {
    ++w_.stats.unchanged;
    return true;
  }
  if (!exists && w_.size >= w_.capacity) {
    ++w_.stats.refused_full;
    return false;
  }
  if (exists && !make_room(false)) {
    ++w_.stats.refused_backlog;
    return false;
  }
  const int64_t slot = exists ? found : free_slot(h);
  if (slot < 0) {
    ++w_.stats.refused_full;  // both candidate buckets full: astronomically rare (see header)
    return false;
  }
  Entry* const fresh = make_entry(ports);
  if (fresh == nullptr) {
    ++w_.stats.alloc_failures;
    return false;
  }
  const auto s = static_cast<size_t>(slot);
  if (exists) {
    // One store: a reader sees the old Entry or the new one, each whole. It may still hold the
    // old one until its next quiescent state.
    store_entry_word(s, entry_word(fresh));
    retire(const_cast<Entry*>(old));
    ++w_.stats.replaces;
    return true;
  }
  // Tag and key first; the entry word last, with release semantics: a reader that loads it
  // (acquire) then reads the whole key and a complete Entry.
  __atomic_store_n(&r_.buckets[s / kSlotsPerBucket].tag[s % kSlotsPerBucket], tag_of(h), __ATOMIC_RELAXED);
  std::memcpy(static_cast<void*>(&r_.keys[s].key), &key, sizeof key);
  store_entry_word(s, entry_word(fresh));
  ++w_.size;
  ++w_.stats.inserts;
  count_source_key(key, +1);
  return true;
}

void Table::count_source_key(const Key& key, int delta) {
  if (key.is_any_source()) return;
  w_.source_keys[source_slot(key.vlan, key.group.is_v4() ? 0 : 1)] += delta;
}

bool Table::erase(const Key& key) { return erase_impl(key, false); }

bool Table::erase_impl(const Key& key, bool may_block) {
  const uint64_t h = hash(key);
  const int64_t found = find(key, h, r_.buckets[bucket1(h)], r_.buckets[bucket2(h)]);
  if (found < 0) return false;
  if (!make_room(may_block)) {
    ++w_.stats.refused_backlog;
    return false;
  }
  const auto s = static_cast<size_t>(found);
  Entry* const old = const_cast<Entry*>(entry_at(slot_entry(s)));
  store_entry_word(s, 0);
  // Both grace periods start after the unlink, the last moment a reader could have found the
  // key: the slot's (its key may still be compared) and the Entry's.
  w_.retire_token[s] = w_.rcu->start_grace_period();
  retire(old);
  --w_.size;
  ++w_.stats.erases;
  count_source_key(key, -1);
  return true;
}

size_t Table::reclaim() {
  unsigned freed = 0;
  unsigned pending = 0;
  rte_rcu_qsbr_dq_reclaim(w_.dq, UINT_MAX, &freed, &pending, nullptr);
  return pending;
}

void Table::clear() {
  std::vector<Key> keys;
  keys.reserve(w_.size);
  for_each([&keys](const Key& k, const Entry&) { keys.push_back(k); });
  for (const Key& k : keys) erase_impl(k, true);
}

void Table::for_each(const std::function<void(const Key&, const Entry&)>& f) const {
  const size_t slots = size_t{r_.bucket_mask + 1} * kSlotsPerBucket;
  for (size_t s = 0; s < slots; ++s) {
    const uint32_t e = slot_entry(s);
    if (e != 0) f(r_.keys[s].key, *entry_at(e));
  }
}

bool Table::make_room(bool may_block) {
  if (w_.stats.pending < w_.dq_capacity) return true;
  reclaim();
  if (w_.stats.pending < w_.dq_capacity) return true;
  if (!may_block) return false;
  w_.rcu->synchronize();  // every Entry queued so far is now past its grace period
  reclaim();
  return w_.stats.pending < w_.dq_capacity;
}

void Table::retire(Entry* e) {
  ++w_.stats.pending;
  if (rte_rcu_qsbr_dq_enqueue(w_.dq, &e) != 0) {
    // Unreachable after make_room() with a single writer; stay correct if it happens anyway.
    w_.rcu->synchronize();
    free_retired(this, &e, 1);
  }
}

void Table::free_retired(void* self, void* elem, unsigned n) {
  auto* table = static_cast<Table*>(self);
  for (unsigned i = 0; i < n; ++i) {
    Entry* e = nullptr;
    std::memcpy(&e, static_cast<const char*>(elem) + i * sizeof e, sizeof e);
    table->w_.pool->release(e);
    ++table->w_.stats.entries_freed;
    --table->w_.stats.pending;
  }
}

}  // namespace mcsnoop::mft
