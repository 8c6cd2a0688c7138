// The MAC learning table: (MAC, VLAN) -> (port, last seen), with aging.
//
// Writer: the control lcore only (learn, erase, age, the flushes, for_each). Workers never
// write it: they report source MACs through the learn ring, and may use lookups to skip
// reporting addresses that are known on the same port and were refreshed recently.
// Readers: worker lcores registered and online in the RcuDomain; lock-free.
//
// The value is not a pointer: port and last-seen time are packed into the hash's 64-bit data
// word, which the writer replaces with one atomic store. Readers thus get both fields from the
// same update and there is nothing to reclaim but the key slots of deleted entries, which the
// hash recycles through the RcuDomain (mft/rcu_hash.hpp).
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>

#include <rte_hash.h>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/mft/rcu_domain.hpp"
#include "mcsnoop/mft/rcu_hash.hpp"

namespace mcsnoop::l2 {

struct MacKey {
  std::array<uint8_t, 6> mac{};
  VlanId vlan = 0;

  constexpr MacKey() = default;
  constexpr MacKey(const std::array<uint8_t, 6>& m, VlanId v) : mac(m), vlan(v) {}
  // From the 6 address bytes of a frame header.
  static MacKey from_bytes(const uint8_t* mac6, VlanId v) {
    MacKey k;
    std::memcpy(k.mac.data(), mac6, 6);
    k.vlan = v;
    return k;
  }
  constexpr bool operator==(const MacKey&) const = default;
};

static_assert(sizeof(MacKey) == 8, "MAC key is hashed as 8 raw bytes");
static_assert(std::has_unique_object_representations_v<MacKey>, "no padding bytes in the key");

// A decoded table value.
struct MacValue {
  PortId port = 0;
  uint64_t last_seen_ms = 0;  // in the caller's millisecond time base, modulo 2^48

  // Bits 63..48: port; bits 47..0: time. 2^48 ms is about 8900 years, so the time never wraps
  // in practice; the port field holds any PortId.
  static constexpr unsigned kTimeBits = 48;
  static constexpr uint64_t kTimeMask = (uint64_t{1} << kTimeBits) - 1;

  static constexpr uint64_t encode(PortId port, uint64_t ms) {
    return uint64_t{port} << kTimeBits | (ms & kTimeMask);
  }
  static constexpr MacValue decode(uint64_t word) {
    return MacValue{static_cast<PortId>(word >> kTimeBits), word & kTimeMask};
  }
  constexpr bool operator==(const MacValue&) const = default;
};

enum class LearnResult : uint8_t {
  New,        // address was unknown and is now learned
  Moved,      // address was known on another port; now on this one
  Refreshed,  // same port; last-seen time updated
  TableFull,  // unknown address, no room: not learned (frames to it keep flooding)
};

// Writer-side counters (read them on the control lcore).
struct MacStats {
  uint64_t learned = 0;
  uint64_t moves = 0;
  uint64_t refreshes = 0;
  uint64_t refused_full = 0;
  uint64_t aged = 0;
  uint64_t flushed = 0;  // removed by erase and the flushes
};

class MacTable {
 public:
  static constexpr unsigned kMaxBulk = RTE_HASH_LOOKUP_BULK_MAX;
  static constexpr uint32_t kMinCapacity = 64;

  // `capacity` addresses (raised to kMinCapacity). The domain must outlive the table.
  // Control lcore, EAL initialised. Throws std::runtime_error on DPDK failure.
  MacTable(mft::RcuDomain& rcu, uint32_t capacity, int socket_id = SOCKET_ID_ANY);
  ~MacTable() = default;
  MacTable(const MacTable&) = delete;
  MacTable& operator=(const MacTable&) = delete;

  // ---- writer (control lcore only) ------------------------------------------------------

  // Records that `key` was seen as a source on `port` at `now_ms`. A last-seen time never moves
  // backwards (reports from several workers may arrive slightly out of order).
  LearnResult learn(const MacKey& key, PortId port, uint64_t now_ms);
  // Removes one address; false when absent.
  bool erase(const MacKey& key);
  // Incremental aging: visits at most `budget` entries from where the previous call stopped,
  // removing those not seen for `aging_ms` or more (now_ms - last_seen >= aging_ms). When the
  // walk reaches the end of the table it wraps and the call returns, so successive calls sweep
  // the table round-robin. aging_ms == 0 disables aging. Returns the number removed.
  // Cost: `budget` entries plus, at most, one scan over empty buckets per call.
  size_t age(uint64_t now_ms, uint64_t aging_ms, size_t budget);
  // Remove every address learned on `port` (link down) / in `vlan` (VLAN removed) / all.
  size_t flush_port(PortId port);
  size_t flush_vlan(VlanId vlan);
  size_t flush_all();

  size_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }
  const MacStats& stats() const { return stats_; }

  // Calls f(key, value) for every address, in hash order. Control lcore only; f must not
  // modify the table.
  void for_each(const std::function<void(const MacKey&, const MacValue&)>& f) const;

  // ---- readers (registered, online workers) ---------------------------------------------

  // Looks up keys[0..n), 1 <= n <= kMaxBulk. Returns the hit mask; out_values[i] is the packed
  // value (decode with MacValue::decode) where bit i is set, 0 elsewhere. Lock-free.
  uint64_t lookup_bulk(const MacKey* const keys[], unsigned n, uint64_t out_values[]) const {
    assert(n <= kMaxBulk);
    void* data[kMaxBulk];
    for (unsigned i = 0; i < n; ++i) data[i] = nullptr;  // rte_hash writes hits only
    uint64_t hits = 0;
    rte_hash_lookup_bulk_data(hash_.get(), const_cast<const void**>(
                                  reinterpret_cast<const void* const*>(keys)),
                              n, &hits, data);
    for (unsigned i = 0; i < n; ++i) out_values[i] = reinterpret_cast<uintptr_t>(data[i]);
    return hits;
  }

  // Single lookup; false on a miss. Lock-free; callable by readers and by the writer.
  bool lookup(const MacKey& key, MacValue& out) const {
    void* data = nullptr;
    if (rte_hash_lookup_data(hash_.get(), &key, &data) < 0) return false;
    out = MacValue::decode(reinterpret_cast<uintptr_t>(data));
    return true;
  }

 private:
  // Removes every key for which pred(key, value) holds; returns how many.
  size_t remove_if(const std::function<bool(const MacKey&, const MacValue&)>& pred);
  bool remove(const MacKey& key);
  static void* to_data(uint64_t word) { return reinterpret_cast<void*>(static_cast<uintptr_t>(word)); }

  uint32_t capacity_;
  mft::RcuHash hash_;
  size_t size_ = 0;
  uint32_t age_cursor_ = 0;  // rte_hash_iterate position where the next age() call resumes
  MacStats stats_;
};

}  // namespace mcsnoop::l2
