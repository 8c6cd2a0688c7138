#include "mcsnoop/mft/mft.hpp"

#include <algorithm>
#include <climits>
#include <memory>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <rte_errno.h>

#include "entry_pool.hpp"

namespace mcsnoop::mft {
namespace {

// Largest capacity accepted: keeps the hash (capacity * 5/4 slots) and the defer queue
// (2 * capacity) far inside rte_hash's and uint32_t's limits. 16 M keys is orders of magnitude
// above any multicast deployment.
constexpr uint32_t kMaxCapacity = uint32_t{1} << 24;

// The defer queue frees due Entries by itself once this many are queued, this many at a time,
// so bursts of updates between two reclaim() calls do not pile up.
constexpr uint32_t kAutoReclaimTrigger = 64;
constexpr uint32_t kAutoReclaimBatch = 64;

uint32_t clamp_capacity(uint32_t c) { return std::clamp(c, Table::kMinCapacity, kMaxCapacity); }

// Key equality for the hash: 0 when equal. rte_hash has no built-in compare for 36-byte keys
// and would call memcmp; this reads the key in the same five words it is hashed and built in
// (key.hpp), with no branch per word.
int keys_differ(const void* a, const void* b, size_t /*len*/) {
  static_assert(sizeof(Key) == 4 * 8 + 4);
  uint64_t x[4], y[4];
  uint32_t x4, y4;
  std::memcpy(x, a, 32);
  std::memcpy(y, b, 32);
  std::memcpy(&x4, static_cast<const char*>(a) + 32, 4);
  std::memcpy(&y4, static_cast<const char*>(b) + 32, 4);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x4 ^ y4)) != 0;
}

// rte_hash's hash function for the MFT: signature_of under the process key (init value and
// length unused: every key is a Key).
uint32_t rte_signature(const void* key, uint32_t /*key_len*/, uint32_t /*init_val*/) {
  Key k;
  std::memcpy(static_cast<void*>(&k), key, sizeof k);
  return signature_of(hash_key(), k);
}

}  // namespace

const core::HashKey& hash_key() {
  static const core::HashKey key = core::HashKey::random();
  return key;
}

Table::Table(rcu::RcuDomain& rcu, uint32_t capacity, int socket_id)
    : rcu_(rcu),
      socket_id_(socket_id),
      capacity_(clamp_capacity(capacity)),
      // Two Entries per key may wait at once (a whole table replaced, then erased) before the
      // readers quiesce; beyond that the writer is outrunning stalled readers and updates are
      // refused rather than memory growing without bound.
      dq_capacity_(2 * capacity_),
      hash_("mft", capacity_ + capacity_ / 4, sizeof(Key), rcu, socket_id, &rte_signature, 0,
            &keys_differ),
      key_(hash_key()),
      // Every live entry, every entry waiting in the defer queue, and the one set() makes
      // before it retires the old: the pool never runs dry before the table refuses.
      pool_(std::make_unique<detail::EntryPool>(capacity_ + dq_capacity_ + 1, socket_id)) {
  const std::string name = unique_object_name("mftdq");
  rte_rcu_qsbr_dq_parameters params{};
  params.name = name.c_str();
  params.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;  // only the control lcore enqueues and reclaims
  params.size = dq_capacity_;
  params.esize = sizeof(Entry*);
  params.trigger_reclaim_limit = kAutoReclaimTrigger;
  params.max_reclaim_size = kAutoReclaimBatch;
  params.free_fn = &Table::free_retired;
  params.p = this;
  params.v = rcu.qsbr();
  dq_ = rte_rcu_qsbr_dq_create(&params);
  if (dq_ == nullptr) {
    throw std::runtime_error("rte_rcu_qsbr_dq_create(" + name + "): " + rte_strerror(rte_errno));
  }
}

Table::~Table() {
  // No reader is online (precondition): live Entries are unreachable once we stop, free them.
  const void* key = nullptr;
  void* data = nullptr;
  uint32_t next = 0;
  while (rte_hash_iterate(hash_.get(), &key, &data, &next) >= 0) {
    pool_->release(static_cast<Entry*>(data));
  }
  // Frees every pending Entry. Fails, and leaks them, only if a reader is still online.
  rte_rcu_qsbr_dq_delete(dq_);
}

Entry* Table::make_entry(PortMask ports) {
  Entry* e = pool_->allocate();
  if (e != nullptr) e->assign(ports);
  return e;
}

bool Table::set(const Key& key, PortMask ports) {
  void* data = nullptr;
  const bool exists = rte_hash_lookup_data(hash_.get(), &key, &data) >= 0;
  Entry* const old = static_cast<Entry*>(data);
  if (exists && old->ports == ports) {
    ++stats_.unchanged;
    return true;
  }
  if (!exists && size_ >= capacity_) {
    ++stats_.refused_full;
    return false;
  }
  if (exists && !make_room(false)) {
    ++stats_.refused_backlog;
    return false;
  }
  Entry* const fresh = make_entry(ports);
  if (fresh == nullptr) {
    ++stats_.alloc_failures;
    return false;
  }
  // Publishes with release semantics: a reader that loads the new pointer sees a complete
  // Entry. A reader may still hold `old` until its next quiescent state.
  if (rte_hash_add_key_data(hash_.get(), &key, fresh) != 0) {
    // Only a new key can fail (no free key slot or cuckoo path): nothing was published.
    pool_->release(fresh);
    ++stats_.refused_full;
    return false;
  }
  if (exists) {
    retire(old);
    ++stats_.replaces;
  } else {
    ++size_;
    ++stats_.inserts;
    count_source_key(key, +1);
  }
  return true;
}

void Table::count_source_key(const Key& key, int delta) {
  if (key.is_any_source()) return;
  source_keys_[source_slot(key.vlan, key.group.is_v4() ? 0 : 1)] += delta;
}

bool Table::erase(const Key& key) { return erase_impl(key, false); }

bool Table::erase_impl(const Key& key, bool may_block) {
  void* data = nullptr;
  if (rte_hash_lookup_data(hash_.get(), &key, &data) < 0) return false;
  if (!make_room(may_block)) {
    ++stats_.refused_backlog;
    return false;
  }
  // The key slot goes onto the hash's own defer queue; the Entry onto ours, after the unlink,
  // so its grace period starts after the last moment a reader could have found it.
  if (rte_hash_del_key(hash_.get(), &key) < 0) return false;
  retire(static_cast<Entry*>(data));
  --size_;
  ++stats_.erases;
  count_source_key(key, -1);
  return true;
}

size_t Table::reclaim() {
  unsigned freed = 0;
  unsigned pending = 0;
  rte_rcu_qsbr_dq_reclaim(dq_, UINT_MAX, &freed, &pending, nullptr);
  return pending;
}

void Table::clear() {
  std::vector<Key> keys;
  keys.reserve(size_);
  for_each([&keys](const Key& k, const Entry&) { keys.push_back(k); });
  for (const Key& k : keys) erase_impl(k, true);
}

void Table::for_each(const std::function<void(const Key&, const Entry&)>& f) const {
  const void* key = nullptr;
  void* data = nullptr;
  uint32_t next = 0;
  while (rte_hash_iterate(hash_.get(), &key, &data, &next) >= 0) {
    f(*static_cast<const Key*>(key), *static_cast<const Entry*>(data));
  }
}

bool Table::make_room(bool may_block) {
  if (stats_.pending < dq_capacity_) return true;
  reclaim();
  if (stats_.pending < dq_capacity_) return true;
  if (!may_block) return false;
  rcu_.synchronize();  // every Entry queued so far is now past its grace period
  reclaim();
  return stats_.pending < dq_capacity_;
}

void Table::retire(Entry* e) {
  ++stats_.pending;
  if (rte_rcu_qsbr_dq_enqueue(dq_, &e) != 0) {
    // Unreachable after make_room() with a single writer; stay correct if it happens anyway.
    rcu_.synchronize();
    free_retired(this, &e, 1);
  }
}

void Table::free_retired(void* self, void* elem, unsigned n) {
  auto* table = static_cast<Table*>(self);
  for (unsigned i = 0; i < n; ++i) {
    Entry* e = nullptr;
    std::memcpy(&e, static_cast<const char*>(elem) + i * sizeof e, sizeof e);
    table->pool_->release(e);
    ++table->stats_.entries_freed;
    --table->stats_.pending;
  }
}

}  // namespace mcsnoop::mft
