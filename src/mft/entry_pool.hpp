// Where MFT entries live: one slab of fixed-size Entry slots and a free list.
//
// An Entry is 16 bytes. Allocating each from the DPDK heap (malloc header, cache-line
// alignment) spread 100,000 groups' entries over tens of megabytes, so the readers' one access
// per frame to an entry was a cache and TLB miss; in one slab they are dense, and the entries
// of a hot group set share lines and pages.
//
// Writer only: allocate() and release() run on the control lcore (the MFT writer, including
// its defer-queue callbacks). The pool never shrinks or grows: the Table sizes it for every
// live entry plus every entry waiting for its grace period.
//
// AddressSanitizer builds keep released slots poisoned until they are handed out again, so a
// reader that touches an entry after its grace period is reported as use-after-poison.
#pragma once

#include <cstdint>
#include <vector>

#include "mcsnoop/mft/entry.hpp"

namespace mcsnoop::mft::detail {

class EntryPool {
 public:
  // `slots` entries on `socket_id`. Throws std::bad_alloc when the memory cannot be had.
  EntryPool(uint32_t slots, int socket_id);
  ~EntryPool();
  EntryPool(const EntryPool&) = delete;
  EntryPool& operator=(const EntryPool&) = delete;

  // A value-initialised Entry, or nullptr when every slot is in use.
  Entry* allocate();
  // Returns `e` (from this pool, or nullptr) to the free list.
  void release(Entry* e);
  uint32_t in_use() const { return slots_ - static_cast<uint32_t>(free_.size()); }
  // The slab: entry i is slab()[i]. Readers index it with what the table publishes.
  const Entry* slab() const { return slab_; }
  uint32_t index_of(const Entry* e) const { return static_cast<uint32_t>(e - slab_); }

 private:
  uint32_t slots_;
  Entry* slab_ = nullptr;
  std::vector<uint32_t> free_;  // indices into slab_, used as a stack
};

}  // namespace mcsnoop::mft::detail
