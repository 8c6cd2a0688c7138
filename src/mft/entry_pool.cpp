#include "entry_pool.hpp"

#include <cstdlib>
#include <new>
#include <type_traits>

#include <rte_malloc.h>

#if defined(__SANITIZE_ADDRESS__)
#define MCSNOOP_MFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MCSNOOP_MFT_ASAN 1
#endif
#endif

#ifdef MCSNOOP_MFT_ASAN
#include <sanitizer/asan_interface.h>
#define MCSNOOP_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define MCSNOOP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define MCSNOOP_POISON(p, n) ((void)(p), (void)(n))
#define MCSNOOP_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace mcsnoop::mft::detail {

static_assert(std::is_trivially_destructible_v<Record>);

RecordPool::RecordPool(uint32_t slots, int socket_id) : slots_(slots) {
  const size_t bytes = size_t{slots} * sizeof(Record);
#ifdef MCSNOOP_MFT_ASAN
  // The distribution's DPDK is not built with ASan: use the C heap, which ASan tracks.
  (void)socket_id;
  slab_ = static_cast<Record*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
#else
  // DPDK memory on the readers' socket (hugepage-backed in production).
  slab_ = static_cast<Record*>(rte_malloc_socket("mft_records", bytes, 64, socket_id));
#endif
  if (slab_ == nullptr) throw std::bad_alloc();
  free_.reserve(slots);
  // Handed out lowest index first, so a small table stays in few lines.
  for (uint32_t i = slots; i-- > 0;) free_.push_back(i);
  MCSNOOP_POISON(slab_, bytes);
}

RecordPool::~RecordPool() {
  MCSNOOP_UNPOISON(slab_, size_t{slots_} * sizeof(Record));
#ifdef MCSNOOP_MFT_ASAN
  std::free(slab_);
#else
  rte_free(slab_);
#endif
}

Record* RecordPool::allocate() {
  if (free_.empty()) return nullptr;
  Record* r = slab_ + free_.back();
  free_.pop_back();
  MCSNOOP_UNPOISON(r, sizeof(Record));
  return new (r) Record{};
}

void RecordPool::release(const Record* r) {
  if (r == nullptr) return;
  MCSNOOP_POISON(const_cast<Record*>(r), sizeof(Record));
  free_.push_back(static_cast<uint32_t>(r - slab_));
}

}  // namespace mcsnoop::mft::detail
