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
#include "mcsnoop/core/object_name.hpp"

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

Table::Table(rcu::RcuDomain& rcu, uint32_t capacity, int socket_id) {
  w_.rcu = &rcu;
  w_.capacity = clamp_capacity(capacity);
  // Two records per key may wait at once (a whole table replaced, then erased) before the
  // readers quiesce; beyond that the writer is outrunning stalled readers and updates are
  // refused rather than memory growing without bound.
  w_.dq_capacity = 2 * w_.capacity;
  const uint64_t buckets = std::bit_ceil(uint64_t{w_.capacity} * kSlotsPerCapacity / kSlotsPerBucket);
  r_.bucket_mask = static_cast<uint32_t>(buckets - 1);
  r_.shift = 64 - static_cast<unsigned>(std::countr_zero(buckets));
  r_.key = hash_key();
  // Every live record, every record waiting in the defer queue, and the one set() makes before
  // it retires the old: the pool never runs dry before the table refuses.
  w_.pool = std::make_unique<detail::RecordPool>(w_.capacity + w_.dq_capacity + 1, socket_id);
  r_.records = w_.pool->slab();
  r_.buckets = zalloc_array<Bucket>("mft_buckets", buckets, socket_id);

  const std::string name = core::unique_object_name("mftdq");
  rte_rcu_qsbr_dq_parameters params{};
  params.name = name.c_str();
  params.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;  // only the control lcore enqueues and reclaims
  params.size = w_.dq_capacity;
  params.esize = sizeof(Record*);
  params.trigger_reclaim_limit = kAutoReclaimTrigger;
  params.max_reclaim_size = kAutoReclaimBatch;
  params.free_fn = &Table::free_retired;
  params.p = this;
  params.v = rcu.qsbr();
  w_.dq = rte_rcu_qsbr_dq_create(&params);
  if (w_.dq == nullptr) {
    const int err = rte_errno;
    rte_free(r_.buckets);
    throw std::runtime_error("rte_rcu_qsbr_dq_create(" + name + "): " + rte_strerror(err));
  }
}

Table::~Table() {
  // No reader is online (precondition): live records are unreachable once we stop, free them.
  const size_t slots = size_t{r_.bucket_mask + 1} * kSlotsPerBucket;
  for (size_t s = 0; s < slots; ++s) {
    const uint32_t w = slot_word(s);
    if (w != 0) w_.pool->release(record_at(w));
  }
  // Frees every pending record. Fails, and leaks them, only if a reader is still online.
  rte_rcu_qsbr_dq_delete(w_.dq);
  rte_free(r_.buckets);
}

Table::Record* Table::make_record(const Key& key, PortMask ports) {
  Record* r = w_.pool->allocate();
  if (r != nullptr) {
    r->key = key;
    r->entry.assign(ports);
  }
  return r;
}

unsigned Table::free_slots(uint32_t b, int* first) const {
  *first = -1;
  unsigned n = 0;
  for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
    if (r_.buckets[b].word[s] != 0) continue;
    if (*first < 0) *first = static_cast<int>(s);
    ++n;
  }
  return n;
}

int64_t Table::free_slot(uint64_t h) const {
  const uint32_t b1 = bucket1(h);
  const uint32_t b2 = bucket2(h);
  int f1 = -1, f2 = -1;
  const unsigned n1 = free_slots(b1, &f1);
  const unsigned n2 = b2 == b1 ? 0 : free_slots(b2, &f2);
  if (n1 == 0 && n2 == 0) return -1;
  return n1 >= n2 ? int64_t{b1} * kSlotsPerBucket + f1 : int64_t{b2} * kSlotsPerBucket + f2;
}

bool Table::set(const Key& key, PortMask ports) {
  const uint64_t h = hash(key);
  const Record* old = nullptr;
  const int64_t found = find(key, h, r_.buckets[bucket1(h)], r_.buckets[bucket2(h)], &old);
  const bool exists = found >= 0;
  if (exists && old->entry.ports == ports) {
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
  Record* const fresh = make_record(key, ports);
  if (fresh == nullptr) {
    ++w_.stats.alloc_failures;
    return false;
  }
  const auto s = static_cast<size_t>(slot);
  if (exists) {
    // One store: a reader sees the old record or the new one, each whole. It may still hold
    // the old one until its next quiescent state.
    store_word(s, word_of(fresh));
    retire(old);
    ++w_.stats.replaces;
    return true;
  }
  // The tag first; the record word last, with release semantics: a reader that loads the word
  // (acquire) reads a complete record.
  __atomic_store_n(&r_.buckets[s / kSlotsPerBucket].tag[s % kSlotsPerBucket], tag_of(h), __ATOMIC_RELAXED);
  store_word(s, word_of(fresh));
  ++w_.size;
  ++w_.stats.inserts;
  count_source_key(key, +1);
  return true;
}

void Table::count_source_key(const Key& key, int delta) {
  if (key.is_any_source()) return;
  w_.source_keys[source_slot(key.vlan, key.group.family())] += delta;
}

bool Table::erase(const Key& key) { return erase_impl(key, false); }

bool Table::erase_impl(const Key& key, bool may_block) {
  const uint64_t h = hash(key);
  const Record* old = nullptr;
  const int64_t found = find(key, h, r_.buckets[bucket1(h)], r_.buckets[bucket2(h)], &old);
  if (found < 0) return false;
  if (!make_room(may_block)) {
    ++w_.stats.refused_backlog;
    return false;
  }
  // The record's grace period starts after the unlink, the last moment a reader could have
  // found it.
  store_word(static_cast<size_t>(found), 0);
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
    const uint32_t w = slot_word(s);
    if (w != 0) f(record_at(w)->key, record_at(w)->entry);
  }
}

bool Table::make_room(bool may_block) {
  if (w_.stats.pending < w_.dq_capacity) return true;
  reclaim();
  if (w_.stats.pending < w_.dq_capacity) return true;
  if (!may_block) return false;
  w_.rcu->synchronize();  // every record queued so far is now past its grace period
  reclaim();
  return w_.stats.pending < w_.dq_capacity;
}

void Table::retire(const Record* r) {
  ++w_.stats.pending;
  if (rte_rcu_qsbr_dq_enqueue(w_.dq, &r) != 0) {
    // Unreachable after make_room() with a single writer; stay correct if it happens anyway.
    w_.rcu->synchronize();
    free_retired(this, &r, 1);
  }
}

void Table::free_retired(void* self, void* elem, unsigned n) {
  auto* table = static_cast<Table*>(self);
  for (unsigned i = 0; i < n; ++i) {
    const Record* r = nullptr;
    std::memcpy(&r, static_cast<const char*>(elem) + i * sizeof r, sizeof r);
    table->w_.pool->release(r);
    ++table->w_.stats.entries_freed;
    --table->w_.stats.pending;
  }
}

}  // namespace mcsnoop::mft
