#include "entry_alloc.hpp"

#include <cstdlib>
#include <new>
#include <type_traits>

#include <rte_malloc.h>

#if defined(__SANITIZE_ADDRESS__)
#define MCSNOOP_MFT_SYSTEM_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MCSNOOP_MFT_SYSTEM_HEAP 1
#endif
#endif

namespace mcsnoop::mft::detail {

Entry* allocate_entry([[maybe_unused]] int socket_id) {
#ifdef MCSNOOP_MFT_SYSTEM_HEAP
  void* mem = std::aligned_alloc(alignof(Entry), sizeof(Entry));
#else
  void* mem = rte_malloc_socket("mft_entry", sizeof(Entry), alignof(Entry), socket_id);
#endif
  return mem == nullptr ? nullptr : new (mem) Entry{};
}

void free_entry(Entry* e) {
  if (e == nullptr) return;
  static_assert(std::is_trivially_destructible_v<Entry>);
#ifdef MCSNOOP_MFT_SYSTEM_HEAP
  std::free(e);
#else
  rte_free(e);
#endif
}

}  // namespace mcsnoop::mft::detail
