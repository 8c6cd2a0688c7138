// The MAC learning table: (MAC, VLAN) -> (port, last seen), with aging.
//
// Writer: the control lcore only (learn, erase, age, the flushes, for_each). Workers never
// write it: they report source MACs through the learn ring, and may use lookups to skip
// reporting addresses that are known on the same port and were refreshed recently.
// Readers: worker lcores registered and online in the RcuDomain; lock-free.
//
// A purpose-built open-addressing table, not an rte_hash: the key is one 8-byte word and the
// value another, so a lookup reads at most two key lines and one value line, with no
// signature array, key store, compare callback or change counter.
//
// * Key word: the 8 bytes of MacKey (6 address bytes, then the VLAN id, little-endian) as a
//   uint64_t. Stored keys have a VLAN id of 1..kMaxVlan, so the word 0 never belongs to a key
//   and marks a free slot. learn() refuses other VLAN ids; lookups of them always miss.
// * Value word: MacValue::encode(port, last seen), 64 bits.
// * Buckets: 128 bytes, 128-byte aligned: a line of 8 key words followed by the line of their
//   8 value words (the adjacent-line prefetcher tends to bring the pair in together). The bucket
//   count is a power of two with at least 4 slots per address of capacity().
// * Two candidate buckets per key, from one 64-bit hash: murmur3's finalizer (fmix64) of the
//   key word XOR a random per-table seed; the first bucket is its top bits, the second its
//   bottom bits. The seed keeps hosts that choose MAC addresses from aiming collisions at a
//   bucket pair. Two cheaper hashes were rejected: CRC32-C is affine over GF(2), so whether two
//   keys collide does not depend on its seed, and a key's CRCs under two seeds differ by a
//   constant (keys sharing a first bucket would share the second); multiply-shift puts
//   sequential MACs (one vendor's NICs, VMs) on a lattice: 64 of them overfilled a bucket pair of
//   a 256-slot table in 0.3 % of seeds.
// * Insertion puts a new key in whichever candidate bucket has more free slots (the first on a
//   tie), in its first free slot. Keys are never moved (no cuckoo displacement), so a reader
//   never misses a key that stays in the table. With 8 slots per bucket and at most a quarter
//   of the slots live, both buckets being full is astronomically rare (simulated with this
//   hash: 65,536 sequential MACs in 32,768 buckets never filled a bucket beyond 5 slots; 64 in
//   32 buckets, beyond 6). If it happens, learn() returns TableFull and counts it in
//   refused_full and refused_no_slot; frames to that address keep flooding.
// * lookup_bulk hashes every key and prefetches both key lines first, so the misses of a burst
//   overlap; then it compares each key with the 16 key words of its two buckets (SSE4.1, one
//   16-bit match mask) and reads the matching value without a branch. bench/mac_table_bench
//   compares it with the rte_hash this table replaced.
// * Memory: 16 bytes a slot for readers, 8 more for the writer's tokens. The default capacity,
//   65,536, takes 4 MiB of buckets (32,768) and 2 MiB of tokens.
//
// Concurrency (one writer, lock-free readers):
// * Insert: store the value word, then release-store the key word. A reader that sees the key
//   reads the value after it (x86 keeps loads in order; the reader also orders them for the
//   compiler).
// * Refresh / move: one atomic store of the value word. Readers get the old or the new
//   (port, last seen) pair, never a mix.
// * Delete: store 0 in the key word; the value word is left as it is. A reader that matched
//   the key just before may still read that value: the answer a moment ago, never another
//   key's. To keep it so, the slot is not reused until every online reader has passed a
//   quiescent state: the writer records an RCU grace-period token per deleted slot (in its
//   own array, which readers never touch) and treats the slot as free only once
//   RcuDomain::grace_period_over(token) holds. Readers need no "dead" marker: with two fixed
//   buckets there are no probe chains, so a deleted slot looks the same to them as a free one.
//
// No allocation after construction: the buckets (rte_zmalloc_socket, on the table's socket)
// and the writer's token array are allocated by the constructor.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>

#include <rte_memory.h>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"

namespace mcsnoop::l2 {

static_assert(std::endian::native == std::endian::little, "key words assume little-endian");

// Highest VLAN id a key may carry (12-bit VID). VLAN 0 is not a VLAN: it keeps the key word
// 0 free to mark free slots.
inline constexpr VlanId kMaxVlan = 4095;

struct MacKey {
  std::array<uint8_t, 6> mac{};
  VlanId vlan = 0;

  constexpr MacKey() = default;
  constexpr MacKey(const std::array<uint8_t, 6>& m, VlanId v) : mac(m), vlan(v) {}
  // From the 6 address bytes of a frame header. Built in a register and returned as one
  // 8-byte word, so storing the result into an array is a single store (no store-forwarding
  // stall when the table later loads the key as a word).
  static MacKey from_bytes(const uint8_t* mac6, VlanId v) {
    uint32_t lo;
    uint16_t hi;
    std::memcpy(&lo, mac6, 4);
    std::memcpy(&hi, mac6 + 4, 2);
    return from_word(uint64_t{lo} | uint64_t{hi} << 32 | uint64_t{v} << 48);
  }
  // The key as the table stores it: address bytes in bits 0..47 (first byte lowest), VLAN id
  // in bits 48..63.
  constexpr uint64_t word() const { return std::bit_cast<uint64_t>(*this); }
  static constexpr MacKey from_word(uint64_t w) { return std::bit_cast<MacKey>(w); }
  constexpr bool operator==(const MacKey&) const = default;
};

static_assert(sizeof(MacKey) == 8, "MAC key is one 8-byte word");
static_assert(offsetof(MacKey, vlan) == 6);
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
  TableFull,  // unknown address, no room (or a VLAN id outside 1..kMaxVlan): not learned,
              // frames to it keep flooding
  PortLimit,  // the port already holds its max_macs addresses: not learned (a known address
              // moving to such a port is removed from its old port), frames to it flood
};

// Writer-side counters (read them on the control lcore).
struct MacStats {
  uint64_t learned = 0;
  uint64_t moves = 0;
  uint64_t refreshes = 0;
  uint64_t refused_full = 0;     // TableFull for a valid key: size() == capacity(), or no slot
  uint64_t refused_no_slot = 0;  // of which: both candidate buckets had no free slot
  uint64_t refused_invalid = 0;  // TableFull for a VLAN id outside 1..kMaxVlan (not counted above)
  uint64_t aged = 0;
  uint64_t flushed = 0;  // removed by erase and the flushes
  uint64_t refused_port_limit = 0;  // PortLimit results
};

class MacTable {
 public:
  static constexpr unsigned kMaxBulk = 64;  // the hit mask is one 64-bit word
  static constexpr uint32_t kMinCapacity = 64;
  static constexpr unsigned kSlotsPerBucket = 8;
  static constexpr unsigned kSlotsPerCapacity = 4;  // headroom: slots >= 4 x capacity

  // `capacity` addresses (raised to kMinCapacity, capped at 2^24). The domain must outlive the
  // table. Control lcore, EAL initialised. Throws std::runtime_error when DPDK memory cannot be
  // allocated.
  MacTable(rcu::RcuDomain& rcu, uint32_t capacity, int socket_id = SOCKET_ID_ANY);
  ~MacTable();
  MacTable(const MacTable&) = delete;
  MacTable& operator=(const MacTable&) = delete;

  // ---- writer (control lcore only) ------------------------------------------------------

  // Records that `key` was seen as a source on `port` at `now_ms`. A last-seen time never moves
  // backwards (reports from several workers may arrive slightly out of order). Never blocks;
  // a deleted slot still in its grace period is simply not a candidate.
  LearnResult learn(const MacKey& key, PortId port, uint64_t now_ms);
  // Removes one address; false when absent.
  bool erase(const MacKey& key);
  // Incremental aging: visits at most `budget` entries from where the previous call stopped,
  // removing those not seen for `aging_ms` or more (now_ms - last_seen >= aging_ms). When the
  // walk reaches the end of the table it wraps and the call returns, so successive calls sweep
  // the table round-robin. aging_ms == 0 disables aging. Returns the number removed.
  // Cost: `budget` entries plus, at most, one scan over the free slots per call.
  size_t age(uint64_t now_ms, uint64_t aging_ms, size_t budget);
  // Remove every address learned on `port` (link down) / in `vlan` (VLAN removed) / all.
  // One pass over the table; no allocation.
  size_t flush_port(PortId port);
  size_t flush_vlan(VlanId vlan);
  size_t flush_all();

  // Port security: at most `limit` addresses learned on `port` (0 = no per-port limit, the
  // default). Addresses already beyond a lowered limit stay until they age out. Ports are
  // counted and limited below kMaxPorts (switch ports); others are stored without either.
  void set_port_limit(PortId port, uint32_t limit) {
    if (port < kMaxPorts) w_.port_limit[port] = limit;
  }
  uint32_t port_limit(PortId port) const { return port < kMaxPorts ? w_.port_limit[port] : 0; }
  // Addresses currently learned on `port`.
  uint32_t port_size(PortId port) const { return port < kMaxPorts ? w_.port_size[port] : 0; }

  size_t size() const { return w_.size; }
  uint32_t capacity() const { return w_.capacity; }
  const MacStats& stats() const { return w_.stats; }

  // Calls f(key, value) for every address, in bucket order. Control lcore only; f must not
  // modify the table.
  void for_each(const std::function<void(const MacKey&, const MacValue&)>& f) const;

  // ---- introspection (tests and diagnostics; candidates and bucket_count from any thread,
  //      slot_of on the control lcore) --------------------------------------------------

  struct Candidates {
    uint32_t first;
    uint32_t second;  // may equal first
  };
  uint32_t bucket_count() const { return r_.bucket_mask + 1; }
  // The two buckets `key` may live in.
  Candidates candidates(const MacKey& key) const {
    const uint64_t h = hash(key.word());
    return {bucket1(h), bucket2(h)};
  }
  // The slot holding `key` (bucket * kSlotsPerBucket + index in the bucket), or -1 when absent.
  int64_t slot_of(const MacKey& key) const;

  // ---- readers (registered, online workers; also callable by the writer) ----------------

  // Looks up keys[0..n), n <= kMaxBulk. Returns the hit mask; out_values[i] is the packed
  // value (decode with MacValue::decode) where bit i is set, 0 elsewhere. Wait-free: no
  // stores to shared memory, no retries. Keys with a VLAN id outside 1..kMaxVlan miss.
  // The contiguous form is the cheaper one (no pointer array to build and chase).
  uint64_t lookup_bulk(const MacKey keys[], unsigned n, uint64_t out_values[]) const;
  // The same for an array of key pointers.
  uint64_t lookup_bulk(const MacKey* const keys[], unsigned n, uint64_t out_values[]) const;

  // Single lookup: the first bucket, then the second; false on a miss. Wait-free.
  bool lookup(const MacKey& key, MacValue& out) const;

 private:
  struct alignas(128) Bucket {
    uint64_t key[kSlotsPerBucket];    // 0: free (or deleted, see the writer's tokens)
    uint64_t value[kSlotsPerBucket];  // MacValue::encode; meaningful where key != 0
  };
  static_assert(sizeof(Bucket) == 128);

  // murmur3's 64-bit finalizer (fmix64) of the key word XOR the table's random seed. The first
  // bucket comes from the top bits of the hash, the second from the bottom bits: disjoint bits,
  // since a table has at most 2^23 buckets.
  uint64_t hash(uint64_t w) const {
    uint64_t x = w ^ r_.seed;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  uint32_t bucket1(uint64_t h) const { return static_cast<uint32_t>(h >> r_.shift); }
  uint32_t bucket2(uint64_t h) const { return static_cast<uint32_t>(h) & r_.bucket_mask; }
  static bool valid_key(uint64_t w) {
    const uint64_t vlan = w >> 48;
    return vlan >= 1 && vlan <= kMaxVlan;
  }

  template <typename KeyWordAt>
  uint64_t lookup_bulk_words(KeyWordAt key_word_at, unsigned n, uint64_t out_values[]) const;

  // Writer side.
  int64_t find_slot(uint64_t w, uint32_t b1, uint32_t b2) const;
  // Free slots of `b` usable now (grace period over); the first one in *first (-1 if none).
  unsigned usable_slots(uint32_t b, int* first);
  void remove_slot(size_t slot);
  bool port_full(PortId port) const {
    return port < kMaxPorts && w_.port_limit[port] != 0 && w_.port_size[port] >= w_.port_limit[port];
  }
  // One more / one fewer address on `port`.
  void count_in(PortId port) {
    if (port < kMaxPorts) ++w_.port_size[port];
  }
  void count_out(PortId port) {
    if (port < kMaxPorts) --w_.port_size[port];
  }
  template <typename Pred>
  size_t remove_if(Pred pred);

  // What readers touch, in its own line: the writer's counters live elsewhere.
  struct alignas(64) ReadSide {
    Bucket* buckets = nullptr;
    uint64_t seed = 0;
    uint32_t bucket_mask = 0;
    unsigned shift = 0;  // 64 - log2(bucket count)
  } r_;

  struct alignas(64) WriteSide {
    rcu::RcuDomain* rcu = nullptr;
    // Per slot: 0 when the slot is free now; otherwise the grace-period token taken when its
    // key was deleted. Only the writer reads or writes it.
    std::unique_ptr<uint64_t[]> retire_token;
    uint32_t capacity = 0;
    size_t size = 0;
    size_t age_cursor = 0;  // slot where the next age() call resumes
    MacStats stats;
    std::array<uint32_t, kMaxPorts> port_limit{};  // 0 = none
    std::array<uint32_t, kMaxPorts> port_size{};
  } w_;
};

}  // namespace mcsnoop::l2
