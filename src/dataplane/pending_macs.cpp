#include "mcsnoop/dataplane/pending_macs.hpp"

namespace mcsnoop::dataplane {

namespace {
// A compare-and-swap lost to another writer of the same bucket is retried this many times in
// all; then the address is not recorded (bounded work per frame, never a livelock).
constexpr unsigned kAttempts = 4;
}  // namespace

PendingMacs::PendingMacs(uint64_t seed)
    : buckets_(std::make_unique<Bucket[]>(size_t{1} << kBucketBits)), seed_(seed & kKeyMask) {}

PendingMacs::Write PendingMacs::record(uint64_t key_word, PortId port, bool move, uint64_t victim_hint) {
  const Hashed h = hashed(key_word);
  if (!h.ok || port >= kMaxPorts) return Write{};
  Bucket& b = buckets_[h.bucket];
  for (unsigned attempt = 0; attempt < kAttempts; ++attempt) {
    // The key's own slot first, then the first free one: every writer scans in the same order,
    // so two that race for a new key race for the same slot and the loser finds the winner's.
    uint64_t words[kSlotsPerBucket];
    int mine = -1;
    int free_slot = -1;
    for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
      words[s] = b.slot[s].load(std::memory_order_acquire);
      if ((words[s] & kPresent) == 0) {
        if (free_slot < 0) free_slot = static_cast<int>(s);
      } else if ((words[s] & kRemMask) == h.rem) {
        mine = static_cast<int>(s);
        break;
      }
    }
    int victim = -1;
    if (mine < 0 && free_slot < 0) {
      // Full bucket: evict a record that only stands in for a table miss, never a move record
      // (losing one would send frames to the old port, not merely flood them).
      for (unsigned i = 0; i < kSlotsPerBucket && victim < 0; ++i) {
        const unsigned s = static_cast<unsigned>(victim_hint + i) % kSlotsPerBucket;
        if ((words[s] & kMove) == 0) victim = static_cast<int>(s);
      }
      if (victim < 0) return Write{};
    }
    const int s = mine >= 0 ? mine : free_slot >= 0 ? free_slot : victim;
    uint64_t old = words[s];
    const bool was_move = mine >= 0 && (old & kMove) != 0;
    if (mine >= 0 && port_of(old) == port && (was_move || !move)) return Write{Outcome::Unchanged, {}, old, old};
    const uint64_t word = make(h.rem, port, move || was_move, next_tag(old));
    // Counted before the record is visible and uncounted after it is gone, so the count never
    // falls below the live move records (moves_pending() never reads 0 while one is live).
    const bool adds = adds_move(old, word);
    if (adds) moves_.value.fetch_add(1, std::memory_order_release);
    if (b.slot[s].compare_exchange_strong(old, word, std::memory_order_acq_rel, std::memory_order_acquire)) {
      const auto slot = static_cast<uint16_t>(h.bucket * kSlotsPerBucket + static_cast<unsigned>(s));
      return Write{victim >= 0 ? Outcome::Evicted : Outcome::Written,
                   Ticket{slot, static_cast<uint16_t>(word >> kPortShift)}, old, word};
    }
    if (adds) moves_.value.fetch_sub(1, std::memory_order_release);
  }
  return Write{};
}

void PendingMacs::rollback(const Write& w) {
  if (!w.ticket.valid()) return;
  uint64_t expected = w.new_word;
  auto& slot = buckets_[w.ticket.slot / kSlotsPerBucket].slot[w.ticket.slot % kSlotsPerBucket];
  if (slot.compare_exchange_strong(expected, w.old_word, std::memory_order_acq_rel, std::memory_order_acquire) &&
      adds_move(w.old_word, w.new_word))
    moves_.value.fetch_sub(1, std::memory_order_release);
}

void PendingMacs::retire(uint64_t key_word, Ticket t) {
  const Hashed h = hashed(key_word);
  // The ticket came through the learn ring from a worker; check it names a slot of this key's
  // bucket all the same.
  if (!h.ok || !t.valid() || t.slot / kSlotsPerBucket != h.bucket) return;
  uint64_t expected = uint64_t{t.word_hi} << kPortShift | h.rem;
  const uint64_t freed = expected & kTagMask;  // the tag stays, so the next write differs
  if (buckets_[h.bucket].slot[t.slot % kSlotsPerBucket].compare_exchange_strong(
          expected, freed, std::memory_order_acq_rel, std::memory_order_acquire) &&
      (expected & kMove) != 0)
    moves_.value.fetch_sub(1, std::memory_order_release);
}

unsigned PendingMacs::live() const {
  unsigned n = 0;
  for (size_t b = 0; b < (size_t{1} << kBucketBits); ++b)
    for (const auto& s : buckets_[b].slot) n += (s.load(std::memory_order_acquire) & kPresent) != 0;
  return n;
}

}  // namespace mcsnoop::dataplane
