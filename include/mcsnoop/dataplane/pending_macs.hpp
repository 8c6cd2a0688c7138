// Addresses the data path has learned that the MAC table does not show yet.
//
// Learning is asynchronous: a worker that sees a new (or moved) source address sends a
// LearnEvent and the control lcore, the MAC table's only writer, applies it some time later.
// Without more, frames to that address in between are flooded (or, after a move, sent to the
// old port). PendingMacs closes that window: before a worker forwards a frame whose source the
// table does not show on the ingress port, it records (address, port) here; every worker
// consults this table where the MAC table cannot be trusted (a destination miss, or any
// destination while a move is pending), and the control lcore retires the record once it has
// applied the matching event. So a frame to an address is never flooded (nor sent to its old
// port) once the switch has forwarded a frame from it, whichever worker saw which, and however
// long the control lcore takes.
//
// Layout: 2^kBucketBits buckets of kSlotsPerBucket 64-bit slots, one cache line per bucket. A
// slot is ONE word holding everything (key, port, flags), so every read and write of a record
// is a single atomic load or compare-and-swap: no torn pairs, no locks, no grace periods.
// The key fits because it is hashed with a keyed BIJECTION of its 59 significant bits (47
// address bits: the group bit of a unicast address is always clear; 12 VLAN bits): the top
// kBucketBits bits of the mix pick the bucket and the other 47 are stored, so a stored
// remainder matches exactly one key in that bucket (never a false match, never a wrong port). The seed keeps hosts
// from aiming their addresses at one bucket.
//
// Slot word: remainder (47 bits, then one clear bit) | port (6) | move (1) | tag (8) | present (1).
// * move: the record overrides a MAC table entry on another port (the host moved, or was seen
//   on two ports before the table caught up). While any move record is live
//   (moves_pending()), destination hits consult this table too; otherwise only misses do, so
//   the common hit path pays one counter load per burst.
// * tag: bumped by every write to the slot (kept in free slots too), so the control lcore
//   retires exactly the record its event created and not a later one that happens to carry
//   the same port (the host moved away and back before the first event was applied).
//
// Capacity: a record lives from the worker's write until the control lcore applies the event,
// normally microseconds. A new record takes the key's own slot, else a free slot, else evicts a
// non-move record of the bucket (that address is then flooded until its event is applied:
// counted by the caller), else it is not recorded.
//
// Thread safety: find() and moves_pending() from any lcore; record() and rollback() from
// workers; retire() from the control lcore. All lock-free; record() retries a bounded number
// of times.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::dataplane {

class PendingMacs {
 public:
  static constexpr unsigned kBucketBits = 12;
  static constexpr unsigned kSlotsPerBucket = 8;
  static constexpr unsigned kSlots = kSlotsPerBucket << kBucketBits;  // 32,768 records, 256 KiB
  static_assert(kSlots <= 65536, "a ticket names its slot in 16 bits");

  // What a worker wrote, for its LearnEvent: the slot and the exact word, so that the control
  // lcore (retire) or the worker itself (rollback) undoes only that write.
  struct Ticket {
    uint16_t slot = 0;
    uint16_t word_hi = 0;  // bits 48..63 of the word written: port, move, tag, present
    bool valid() const { return (word_hi >> 15) != 0; }  // the present bit
  };
  struct Found {
    PortId port;
    bool move;
  };
  enum class Outcome : uint8_t { Written, Unchanged, Evicted, Full };
  struct Write {
    Outcome outcome = Outcome::Full;
    Ticket ticket;  // valid when Written or Evicted
    uint64_t old_word = 0;
    uint64_t new_word = 0;
  };

  explicit PendingMacs(uint64_t seed);

  // The record for `key_word` (l2::MacKey as a word), if any. Acquire: after a miss here, a MAC
  // table lookup sees every address whose record was retired before (see retire()).
  bool find(uint64_t key_word, Found* out) const {
    const Hashed h = hashed(key_word);
    if (!h.ok) return false;
    const Bucket& b = buckets_[h.bucket];
    for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
      const uint64_t w = b.slot[s].load(std::memory_order_acquire);
      if ((w & kPresent) != 0 && (w & kRemMask) == h.rem) {
        *out = Found{port_of(w), (w & kMove) != 0};
        return true;
      }
    }
    return false;
  }

  // True while some move record is live; load it once per burst, before the burst's MAC table
  // lookups (acquire: a zero read means every retired move's table update is visible).
  bool moves_pending() const { return moves_.value.load(std::memory_order_acquire) > 0; }

  // Worker: records that `key_word` was seen on `port` (`move`: the switch believed it was
  // elsewhere). `victim_hint` (any varying number, e.g. the TSC) spreads evictions over the
  // bucket. Unchanged when the key's record already says `port` (its own event retires it).
  Write record(uint64_t key_word, PortId port, bool move, uint64_t victim_hint);
  // Worker: undoes `w` (its LearnEvent could not be queued) unless the slot changed since.
  void rollback(const Write& w);
  // Control lcore, after applying the event that carried `t` to the MAC table: removes that
  // record unless the slot was written again since. Release: a worker that then misses here
  // sees the table update.
  void retire(uint64_t key_word, Ticket t);

  // Tests and diagnostics: live records (a scan), and the live move-record count.
  unsigned live() const;
  int64_t moves_live() const { return moves_.value.load(std::memory_order_acquire); }

 private:
  static constexpr unsigned kKeyBits = 59;
  static constexpr unsigned kRemBits = kKeyBits - kBucketBits;  // 47; bit 47 of a word is 0
  static_assert(kRemBits <= 48, "the word's upper 16 bits are the ticket's word_hi");
  static constexpr uint64_t kKeyMask = (uint64_t{1} << kKeyBits) - 1;
  static constexpr uint64_t kRemMask = (uint64_t{1} << kRemBits) - 1;
  static constexpr unsigned kPortShift = 48;
  static constexpr uint64_t kMove = uint64_t{1} << 54;
  static constexpr unsigned kTagShift = 55;
  static constexpr uint64_t kTagMask = uint64_t{0xff} << kTagShift;
  static constexpr uint64_t kPresent = uint64_t{1} << 63;
  static_assert(kMaxPorts <= 64, "six port bits");

  struct Hashed {
    bool ok;
    uint32_t bucket;
    uint64_t rem;
  };
  struct alignas(64) Bucket {
    std::atomic<uint64_t> slot[kSlotsPerBucket];
  };
  static_assert(sizeof(Bucket) == 64);

  // Key word: address bits 0..47 (bit 0, the group bit, is clear for every address learned or
  // looked up here), VLAN 48..59 (1..4095). Anything else is refused (ok = false).
  Hashed hashed(uint64_t key_word) const {
    if ((key_word & 1) != 0 || (key_word >> 60) != 0) return Hashed{false, 0, 0};
    uint64_t x = (key_word >> 1) ^ seed_;
    // Each step is a bijection of [0, 2^59): xor with a right shift, odd multiplier mod 2^59.
    x ^= x >> 31;
    x = (x * 0x7fb5d329728ea185ULL) & kKeyMask;
    x ^= x >> 27;
    x = (x * 0x81dadef4bc2dd44dULL) & kKeyMask;
    x ^= x >> 33;
    return Hashed{true, static_cast<uint32_t>(x >> kRemBits), x & kRemMask};
  }
  static PortId port_of(uint64_t w) { return static_cast<PortId>((w >> kPortShift) & 0x3f); }
  static uint64_t next_tag(uint64_t w) { return (w + (uint64_t{1} << kTagShift)) & kTagMask; }
  static uint64_t make(uint64_t rem, PortId port, bool move, uint64_t tag_bits) {
    return kPresent | tag_bits | (move ? kMove : 0) | uint64_t{port} << kPortShift | rem;
  }
  // Whether writing `new_word` over `old_word` makes one more live move record.
  static bool adds_move(uint64_t old_word, uint64_t new_word) {
    const bool old_move = (old_word & kPresent) != 0 && (old_word & kMove) != 0 &&
                          (old_word & kRemMask) == (new_word & kRemMask);
    return (new_word & kMove) != 0 && !old_move;
  }

  std::unique_ptr<Bucket[]> buckets_;
  uint64_t seed_;
  struct alignas(64) Counter {
    std::atomic<int64_t> value{0};
  } moves_;
};

}  // namespace mcsnoop::dataplane
