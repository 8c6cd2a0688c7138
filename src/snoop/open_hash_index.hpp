// A flat open-addressing index from a 64-bit hash to a 32-bit value (an index into a pool).
//
// The engine looks up one (VLAN, group) per record at millions of records per second; a node
// based map costs a cache miss per hop and an allocation per insert. Here a lookup is one
// probe sequence over an array of 8-byte slots (linear probing, load factor <= 1/2), and the
// caller's predicate confirms the key against its own pool, so keys are stored once.
// Erase uses backward-shift deletion: no tombstones, so probe lengths do not decay.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <vector>

namespace mcsnoop::snoop {

class OpenHashIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  explicit OpenHashIndex(uint32_t expected = 16) { rehash(capacity_for(expected)); }

  uint32_t size() const { return count_; }

  // The value whose key satisfies is_key(value), or kNone.
  template <typename IsKey>
  uint32_t find(uint64_t hash, IsKey&& is_key) const {
    const uint32_t tag = tag_of(hash);
    for (uint32_t i = home(hash);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.tag == tag && is_key(s.value)) return s.value;
    }
  }

  // Adds a value whose key is not present yet.
  void insert(uint64_t hash, uint32_t value) {
    if ((count_ + 1) * 2 > slots_.size()) rehash(static_cast<uint32_t>(slots_.size() * 2));
    place(Slot{tag_of(hash), value});
    ++count_;
  }

  // Removes `value`, which must be present under `hash`.
  void erase(uint64_t hash, uint32_t value) {
    uint32_t i = home(hash);
    while (slots_[i].value != value) i = (i + 1) & mask_;
    // Backward shift: pull later members of the cluster into the hole when that does not move
    // them before their home slot.
    for (uint32_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (slots_[j].value == kNone) break;
      const uint32_t h = slots_[j].tag & mask_;
      const bool movable = ((j - h) & mask_) >= ((j - i) & mask_);
      if (movable) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
    --count_;
  }

  size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint32_t tag = 0;       // low 32 bits of the hash; its low bits are the home slot
    uint32_t value = kNone;
  };

  static uint32_t capacity_for(uint32_t n) {
    uint32_t c = 16;
    while (c < n * 2) c *= 2;
    return c;
  }
  // The high half of a multiplicative (Fibonacci) mix: every input bit reaches the tag, so
  // callers may pass hashes whose low bits are weak.
  static uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>((hash * 0x9e3779b97f4a7c15ULL) >> 32); }
  uint32_t home(uint64_t hash) const { return tag_of(hash) & mask_; }

  void place(Slot s) {
    uint32_t i = s.tag & mask_;
    while (slots_[i].value != kNone) i = (i + 1) & mask_;
    slots_[i] = s;
  }

  void rehash(uint32_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.value != kNone) place(s);
    }
  }

  std::vector<Slot> slots_;
  uint32_t mask_ = 0;
  uint32_t count_ = 0;
};

}  // namespace mcsnoop::snoop
