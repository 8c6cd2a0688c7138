// A flat open-addressing index from a 64-bit hash to a 32-bit value (an index into a pool),
// with an optional small payload stored next to each value.
//
// The engine looks up one (VLAN, group) per record at millions of records per second; a node
// based map costs a cache miss per hop and an allocation per insert. Here a lookup is one
// probe sequence over an array of slots (linear probing), and the caller's predicate confirms
// the key against its own pool, so keys are stored once. Erase uses backward-shift deletion:
// no tombstones, so probe lengths do not decay.
//
// The table doubles when it would pass a load of 4/5, so it holds 40-80 % live entries. The
// slot array is the first thing every lookup misses on, and how much of it stays in cache
// decides lookup speed once the table is large, so the load stays high (docs/performance.md,
// "Design notes moved from headers"). A successful lookup still probes 3 slots on average at
// 4/5 (Knuth), mostly in the same cache line.
//
// The payload (Extra) is what a caller wants to reach without a second dependent cache miss:
// the engine keeps each group's member mask and membership array there, so a report starts
// fetching its membership as soon as the slot is read, in parallel with the group's own line
// (see Engine::Impl::find_membership). Extra must be trivially copyable; entries move on erase
// and rehash, so callers never keep pointers to them across an insert or erase.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

namespace mcsnoop::snoop {

struct NoExtra {};

template <typename Extra = NoExtra>
class OpenHashIndex {
  static_assert(std::is_trivially_copyable_v<Extra>, "entries are moved by assignment");

 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Entry {
    uint32_t tag = 0;       // tag_of(hash); its low bits are the home slot
    uint32_t value = kNone;
    [[no_unique_address]] Extra extra{};
  };

  // Room for `expected` entries before the first rehash.
  explicit OpenHashIndex(uint32_t expected = 16) { rehash(capacity_for(expected)); }

  uint32_t capacity() const { return static_cast<uint32_t>(slots_.size()); }

  uint32_t size() const { return count_; }

  // The entry whose key satisfies is_key(entry), or nullptr. is_key sees only entries whose
  // tag matches, so it runs once per lookup in all but rare cases.
  template <typename IsKey>
  const Entry* find(uint64_t hash, IsKey&& is_key) const {
    const uint32_t tag = tag_of(hash);
    for (uint32_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (e.value == kNone) return nullptr;
      if (e.tag == tag && is_key(e)) return &e;
    }
  }

  // The entry of `value`, which must be present under `hash` (to update its payload).
  Entry& entry_of(uint64_t hash, uint32_t value) {
    uint32_t i = home(hash);
    while (slots_[i].value != value) i = (i + 1) & mask_;
    return slots_[i];
  }

  // Adds a value whose key is not present yet.
  void insert(uint64_t hash, uint32_t value, const Extra& extra = Extra{}) {
    if (!fits(count_ + 1, static_cast<uint32_t>(slots_.size()))) rehash(static_cast<uint32_t>(slots_.size() * 2));
    place(Entry{tag_of(hash), value, extra});
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
    slots_[i] = Entry{};
    --count_;
  }

  // How many slots past its home slot `value` (present under `hash`) sits: the extra probes a
  // lookup of it costs. For tests of the hash's spread.
  uint32_t displacement(uint64_t hash, uint32_t value) const {
    const uint32_t h = home(hash);
    uint32_t i = h;
    while (slots_[i].value != value) i = (i + 1) & mask_;
    return (i - h) & mask_;
  }

  // Starts fetching the home slot of `hash`: a hint that find(hash, ...) follows shortly.
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[home(hash)]); }

  size_t memory_bytes() const { return slots_.capacity() * sizeof(Entry); }

 private:
  static bool fits(uint32_t n, uint32_t capacity) { return uint64_t{n} * 5 <= uint64_t{capacity} * 4; }
  static uint32_t capacity_for(uint32_t n) {
    uint32_t c = 16;
    while (!fits(n, c)) c *= 2;
    return c;
  }
  // The high half of a multiplicative (Fibonacci) mix: every input bit reaches the tag, so
  // callers may pass hashes whose low bits are weak.
  static uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>((hash * 0x9e3779b97f4a7c15ULL) >> 32); }
  uint32_t home(uint64_t hash) const { return tag_of(hash) & mask_; }

  void place(const Entry& e) {
    uint32_t i = e.tag & mask_;
    while (slots_[i].value != kNone) i = (i + 1) & mask_;
    slots_[i] = e;
  }

  void rehash(uint32_t capacity) {
    std::vector<Entry> old = std::move(slots_);
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.value != kNone) place(e);
    }
  }

  std::vector<Entry> slots_;
  uint32_t mask_ = 0;
  uint32_t count_ = 0;
};

}  // namespace mcsnoop::snoop
