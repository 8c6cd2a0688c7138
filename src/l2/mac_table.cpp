#include "mcsnoop/l2/mac_table.hpp"

#include <smmintrin.h>  // SSE4.1: _mm_cmpeq_epi64

#include <algorithm>
#include <atomic>
#include <bit>
#include <stdexcept>
#include <string>

#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "mcsnoop/core/keyed_hash.hpp"

namespace mcsnoop::l2 {
namespace {

// Largest capacity accepted; far above any L2 domain this switch serves.
constexpr uint32_t kMaxCapacity = uint32_t{1} << 24;
// The two bucket indices are disjoint bit ranges of one 64-bit hash.
static_assert(uint64_t{kMaxCapacity} * MacTable::kSlotsPerCapacity / MacTable::kSlotsPerBucket <=
              uint64_t{1} << 32);

uint32_t clamp_capacity(uint32_t c) {
  return std::clamp(c, MacTable::kMinCapacity, kMaxCapacity);
}

// The query word for key word w: w itself, except that the word 0 (MAC 0 in VLAN 0, not a
// valid key) becomes ~0, which no stored key equals either, so it cannot match a free slot.
inline uint64_t query_word(uint64_t w) { return w - static_cast<uint64_t>(w == 0); }

// 16-bit lane s is all ones where keys[s] == x, zero elsewhere: four 16-byte compares packed
// twice. An aligned 16-byte load reads each of its two aligned 8-byte key words whole (x86
// never tears an aligned quadword), which is all a reader needs.
inline __m128i equal8(const uint64_t* keys, __m128i x) {
  const auto* p = reinterpret_cast<const __m128i*>(keys);
  const __m128i c0 = _mm_cmpeq_epi64(_mm_load_si128(p + 0), x);
  const __m128i c1 = _mm_cmpeq_epi64(_mm_load_si128(p + 1), x);
  const __m128i c2 = _mm_cmpeq_epi64(_mm_load_si128(p + 2), x);
  const __m128i c3 = _mm_cmpeq_epi64(_mm_load_si128(p + 3), x);
  return _mm_packs_epi32(_mm_packs_epi32(c0, c1), _mm_packs_epi32(c2, c3));
}

// Bit s set where keys1[s] == q, bit 8 + s where keys2[s] == q.
inline unsigned match16(const uint64_t* keys1, const uint64_t* keys2, uint64_t q) {
  const __m128i x = _mm_set1_epi64x(static_cast<long long>(q));
  const __m128i both = _mm_packs_epi16(equal8(keys1, x), equal8(keys2, x));  // a byte per slot
  return static_cast<unsigned>(_mm_movemask_epi8(both));
}

// Bit s set where keys[s] == q.
inline unsigned match8(const uint64_t* keys, uint64_t q) {
  const __m128i x = _mm_set1_epi64x(static_cast<long long>(q));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_packs_epi16(equal8(keys, x), _mm_setzero_si128())));
}

}  // namespace

MacTable::MacTable(rcu::RcuDomain& rcu, uint32_t capacity, int socket_id) {
  w_.rcu = &rcu;
  w_.capacity = clamp_capacity(capacity);
  const uint64_t buckets =
      std::bit_ceil(uint64_t{w_.capacity} * kSlotsPerCapacity / kSlotsPerBucket);
  r_.bucket_mask = static_cast<uint32_t>(buckets - 1);
  r_.shift = 64 - static_cast<unsigned>(std::countr_zero(buckets));
  // From the kernel's random pool, per table: rte_rand() falls back to the TSC as its seed
  // when DPDK was built without getentropy(), which a host could narrow down.
  r_.seed = core::HashKey::random().w[0];

  w_.retire_token = std::make_unique<uint64_t[]>(buckets * kSlotsPerBucket);  // zeroed
  const size_t bytes = buckets * sizeof(Bucket);
  r_.buckets = static_cast<Bucket*>(
      rte_zmalloc_socket("mcsnoop_mac", bytes, alignof(Bucket), socket_id));
  if (r_.buckets == nullptr) {
    throw std::runtime_error("mac table: cannot allocate " + std::to_string(bytes) +
                             " bytes of DPDK memory");
  }
}

MacTable::~MacTable() { rte_free(r_.buckets); }

// ---- readers ------------------------------------------------------------------------------

template <typename KeyWordAt>
uint64_t MacTable::lookup_bulk_words(KeyWordAt key_word_at, unsigned n,
                                     uint64_t out_values[]) const {
  assert(n <= kMaxBulk);
  const Bucket* const base = r_.buckets;
  uint64_t q[kMaxBulk];
  const Bucket* first[kMaxBulk];
  const Bucket* second[kMaxBulk];
  // Pass 1: both candidate buckets of every key, their key lines prefetched, so the misses of
  // all n keys overlap.
  for (unsigned i = 0; i < n; ++i) {
    const uint64_t w = key_word_at(i);
    q[i] = query_word(w);
    const uint64_t h = hash(w);
    first[i] = base + bucket1(h);
    second[i] = base + bucket2(h);
    rte_prefetch0(first[i]->key);
    rte_prefetch0(second[i]->key);
  }
  // Pass 2: compare; read the value of the matching slot.
  uint64_t hits = 0;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned m = match16(first[i]->key, second[i]->key, q[i]);
    // The value is read after the key that selected it (see the header).
    std::atomic_signal_fence(std::memory_order_acquire);
    // Branch-free: on a miss, read a harmless slot (the last of the second bucket) and mask.
    const unsigned s = static_cast<unsigned>(std::countr_zero(m | 0x8000u));
    const Bucket* b = s < kSlotsPerBucket ? first[i] : second[i];
    const uint64_t v = __atomic_load_n(&b->value[s % kSlotsPerBucket], __ATOMIC_RELAXED);
    const uint64_t hit = m != 0;
    out_values[i] = v & (0 - hit);
    hits |= hit << i;
  }
  return hits;
}

uint64_t MacTable::lookup_bulk(const MacKey keys[], unsigned n, uint64_t out_values[]) const {
  return lookup_bulk_words([keys](unsigned i) { return keys[i].word(); }, n, out_values);
}

uint64_t MacTable::lookup_bulk(const MacKey* const keys[], unsigned n,
                               uint64_t out_values[]) const {
  return lookup_bulk_words([keys](unsigned i) { return keys[i]->word(); }, n, out_values);
}

bool MacTable::lookup(const MacKey& key, MacValue& out) const {
  const uint64_t w = key.word();
  const uint64_t q = query_word(w);
  const uint64_t h = hash(w);
  const Bucket* b = r_.buckets + bucket1(h);
  unsigned m = match8(b->key, q);
  if (m == 0) {
    b = r_.buckets + bucket2(h);
    m = match8(b->key, q);
    if (m == 0) return false;
  }
  std::atomic_signal_fence(std::memory_order_acquire);
  const unsigned s = static_cast<unsigned>(std::countr_zero(m));
  out = MacValue::decode(__atomic_load_n(&b->value[s], __ATOMIC_RELAXED));
  return true;
}

// ---- writer -------------------------------------------------------------------------------

int64_t MacTable::find_slot(uint64_t w, uint32_t b1, uint32_t b2) const {
  for (const uint32_t b : {b1, b2}) {
    const Bucket& bk = r_.buckets[b];
    for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
      if (bk.key[s] == w) return int64_t{b} * kSlotsPerBucket + s;
    }
  }
  return -1;
}

int64_t MacTable::slot_of(const MacKey& key) const {
  const uint64_t w = key.word();
  if (!valid_key(w)) return -1;
  const uint64_t h = hash(w);
  return find_slot(w, bucket1(h), bucket2(h));
}

unsigned MacTable::usable_slots(uint32_t b, int* first) {
  const Bucket& bk = r_.buckets[b];
  uint64_t* tokens = &w_.retire_token[size_t{b} * kSlotsPerBucket];
  unsigned n = 0;
  *first = -1;
  for (unsigned s = 0; s < kSlotsPerBucket; ++s) {
    if (bk.key[s] != 0) continue;
    if (tokens[s] != 0) {
      if (!w_.rcu->grace_period_over(tokens[s])) continue;  // a reader may still match it
      tokens[s] = 0;
    }
    if (*first < 0) *first = static_cast<int>(s);
    ++n;
  }
  return n;
}

LearnResult MacTable::learn(const MacKey& key, PortId port, uint64_t now_ms) {
  const uint64_t w = key.word();
  if (!valid_key(w)) {
    ++w_.stats.refused_invalid;
    return LearnResult::TableFull;
  }
  const uint64_t h = hash(w);
  const uint32_t b1 = bucket1(h);
  const uint32_t b2 = bucket2(h);
  if (const int64_t slot = find_slot(w, b1, b2); slot >= 0) {
    uint64_t& word = r_.buckets[slot / kSlotsPerBucket].value[slot % kSlotsPerBucket];
    const MacValue old = MacValue::decode(word);
    if (old.port != port && port_full(port)) {
      // Left where it was, frames to it would go to a port it has left: forget it instead.
      remove_slot(static_cast<size_t>(slot));
      ++w_.stats.refused_port_limit;
      return LearnResult::PortLimit;
    }
    const uint64_t seen = std::max(old.last_seen_ms, now_ms & MacValue::kTimeMask);
    const uint64_t next = MacValue::encode(port, seen);
    // One atomic store: readers see the old or the new (port, time) pair, never a mix. Skipped
    // when nothing changes, so readers' copies of the line stay valid.
    if (next != word) __atomic_store_n(&word, next, __ATOMIC_RELEASE);
    if (old.port != port) {
      count_out(old.port);
      count_in(port);
      ++w_.stats.moves;
      return LearnResult::Moved;
    }
    ++w_.stats.refreshes;
    return LearnResult::Refreshed;
  }
  if (port_full(port)) {
    ++w_.stats.refused_port_limit;
    return LearnResult::PortLimit;
  }
  if (w_.size >= w_.capacity) {
    ++w_.stats.refused_full;
    return LearnResult::TableFull;
  }
  int f1 = -1;
  int f2 = -1;
  const unsigned n1 = usable_slots(b1, &f1);
  const unsigned n2 = b2 != b1 ? usable_slots(b2, &f2) : 0;
  if (n1 == 0 && n2 == 0) {
    ++w_.stats.refused_full;
    ++w_.stats.refused_no_slot;
    return LearnResult::TableFull;
  }
  Bucket& bk = r_.buckets[n1 >= n2 ? b1 : b2];
  const unsigned s = static_cast<unsigned>(n1 >= n2 ? f1 : f2);
  // Value first, then the key with release: a reader that sees the key sees this value.
  __atomic_store_n(&bk.value[s], MacValue::encode(port, now_ms), __ATOMIC_RELAXED);
  __atomic_store_n(&bk.key[s], w, __ATOMIC_RELEASE);
  ++w_.size;
  count_in(port);
  ++w_.stats.learned;
  return LearnResult::New;
}

void MacTable::remove_slot(size_t slot) {
  Bucket& bk = r_.buckets[slot / kSlotsPerBucket];
  count_out(MacValue::decode(bk.value[slot % kSlotsPerBucket]).port);
  __atomic_store_n(&bk.key[slot % kSlotsPerBucket], uint64_t{0}, __ATOMIC_RELEASE);
  // Taken after the key is unlinked: once every online reader has passed a quiescent state
  // after this point, none can still hold a match on the old key.
  w_.retire_token[slot] = w_.rcu->start_grace_period();
  --w_.size;
}

bool MacTable::erase(const MacKey& key) {
  const int64_t slot = slot_of(key);
  if (slot < 0) return false;
  remove_slot(static_cast<size_t>(slot));
  ++w_.stats.flushed;
  return true;
}

size_t MacTable::age(uint64_t now_ms, uint64_t aging_ms, size_t budget) {
  if (aging_ms == 0) return 0;
  const size_t slots = size_t{bucket_count()} * kSlotsPerBucket;
  const uint64_t now = now_ms & MacValue::kTimeMask;
  size_t removed = 0;
  size_t visited = 0;
  while (visited < budget) {
    if (w_.age_cursor >= slots) {
      w_.age_cursor = 0;  // pass complete; the next call starts a new one
      break;
    }
    const size_t slot = w_.age_cursor++;
    const Bucket& bk = r_.buckets[slot / kSlotsPerBucket];
    if (bk.key[slot % kSlotsPerBucket] == 0) continue;
    ++visited;
    const MacValue v = MacValue::decode(bk.value[slot % kSlotsPerBucket]);
    if (now >= v.last_seen_ms && now - v.last_seen_ms >= aging_ms) {
      remove_slot(slot);
      ++removed;
    }
  }
  w_.stats.aged += removed;
  return removed;
}

template <typename Pred>
size_t MacTable::remove_if(Pred pred) {
  size_t removed = 0;
  const size_t slots = size_t{bucket_count()} * kSlotsPerBucket;
  for (size_t slot = 0; slot < slots && w_.size != 0; ++slot) {
    const Bucket& bk = r_.buckets[slot / kSlotsPerBucket];
    const uint64_t w = bk.key[slot % kSlotsPerBucket];
    if (w == 0) continue;
    if (pred(MacKey::from_word(w), MacValue::decode(bk.value[slot % kSlotsPerBucket]))) {
      remove_slot(slot);
      ++removed;
    }
  }
  w_.stats.flushed += removed;
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
  const size_t slots = size_t{bucket_count()} * kSlotsPerBucket;
  for (size_t slot = 0; slot < slots; ++slot) {
    const Bucket& bk = r_.buckets[slot / kSlotsPerBucket];
    const uint64_t w = bk.key[slot % kSlotsPerBucket];
    if (w != 0) f(MacKey::from_word(w), MacValue::decode(bk.value[slot % kSlotsPerBucket]));
  }
}

}  // namespace mcsnoop::l2
