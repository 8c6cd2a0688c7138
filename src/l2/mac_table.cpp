#include "mcsnoop/l2/mac_table.hpp"

#include <algorithm>
#include <vector>

namespace mcsnoop::l2 {
namespace {

// Largest capacity accepted; far above any L2 domain this switch serves and far inside
// rte_hash's limits once the headroom below is added.
constexpr uint32_t kMaxCapacity = uint32_t{1} << 24;

uint32_t clamp_capacity(uint32_t c) {
  return std::clamp(c, MacTable::kMinCapacity, kMaxCapacity);
}

}  // namespace

// 25 % more key slots than addresses: deleted keys still in their grace period keep their
// slot, and the cuckoo buckets stay at most 80 % full, where insertion does not fail.
MacTable::MacTable(mft::RcuDomain& rcu, uint32_t capacity, int socket_id)
    : capacity_(clamp_capacity(capacity)),
      hash_("mac", capacity_ + capacity_ / 4, sizeof(MacKey), rcu, socket_id) {}

LearnResult MacTable::learn(const MacKey& key, PortId port, uint64_t now_ms) {
  MacValue old;
  const bool known = lookup(key, old);
  if (!known && size_ >= capacity_) {
    ++stats_.refused_full;
    return LearnResult::TableFull;
  }
  const uint64_t seen = known ? std::max(old.last_seen_ms, now_ms & MacValue::kTimeMask) : now_ms;
  // One release store of the data word when the key exists: readers see the old or the new
  // (port, time) pair, never a mix.
  if (rte_hash_add_key_data(hash_.get(), &key, to_data(MacValue::encode(port, seen))) != 0) {
    ++stats_.refused_full;  // no free key slot or cuckoo path; only possible for a new key
    return LearnResult::TableFull;
  }
  if (!known) {
    ++size_;
    ++stats_.learned;
    return LearnResult::New;
  }
  if (old.port != port) {
    ++stats_.moves;
    return LearnResult::Moved;
  }
  ++stats_.refreshes;
  return LearnResult::Refreshed;
}

bool MacTable::remove(const MacKey& key) {
  if (rte_hash_del_key(hash_.get(), &key) < 0) return false;
  --size_;
  return true;
}

bool MacTable::erase(const MacKey& key) {
  if (!remove(key)) return false;
  ++stats_.flushed;
  return true;
}

size_t MacTable::age(uint64_t now_ms, uint64_t aging_ms, size_t budget) {
  if (aging_ms == 0) return 0;
  size_t removed = 0;
  const void* key = nullptr;
  void* data = nullptr;
  for (size_t visited = 0; visited < budget; ++visited) {
    if (rte_hash_iterate(hash_.get(), &key, &data, &age_cursor_) < 0) {
      age_cursor_ = 0;  // pass complete; the next call starts a new one
      break;
    }
    const MacValue v = MacValue::decode(reinterpret_cast<uintptr_t>(data));
    const uint64_t now = now_ms & MacValue::kTimeMask;
    if (now >= v.last_seen_ms && now - v.last_seen_ms >= aging_ms) {
      // Copy the key out of the hash's key store before deleting it. Deleting the entry just
      // returned is safe for the walk: without extendable buckets nothing is compacted, so
      // later positions keep their entries.
      const MacKey victim = *static_cast<const MacKey*>(key);
      if (remove(victim)) ++removed;
    }
  }
  stats_.aged += removed;
  return removed;
}

size_t MacTable::remove_if(const std::function<bool(const MacKey&, const MacValue&)>& pred) {
  std::vector<MacKey> victims;
  for_each([&](const MacKey& k, const MacValue& v) {
    if (pred(k, v)) victims.push_back(k);
  });
  size_t removed = 0;
  for (const MacKey& k : victims) removed += remove(k) ? 1 : 0;
  stats_.flushed += removed;
  return removed;
}

size_t MacTable::flush_port(PortId port) {
  return remove_if([port](const MacKey&, const MacValue& v) { return v.port == port; });
}

size_t MacTable::flush_vlan(VlanId vlan) {
  return remove_if([vlan](const MacKey& k, const MacValue&) { return k.vlan == vlan; });
}

size_t MacTable::flush_all() {
  return remove_if([](const MacKey&, const MacValue&) { return true; });
}

void MacTable::for_each(const std::function<void(const MacKey&, const MacValue&)>& f) const {
  const void* key = nullptr;
  void* data = nullptr;
  uint32_t next = 0;
  while (rte_hash_iterate(hash_.get(), &key, &data, &next) >= 0) {
    f(*static_cast<const MacKey*>(key), MacValue::decode(reinterpret_cast<uintptr_t>(data)));
  }
}

}  // namespace mcsnoop::l2
