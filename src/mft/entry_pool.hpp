// Where MFT records (a key and its Entry, one cache line each) live: one slab and a free list.
//
// Allocating each entry from the DPDK heap (malloc header, cache-line alignment) spread 100,000
// groups' entries over tens of megabytes, so the readers' access per frame was a cache and TLB
// miss of its own; in one slab, handed out lowest index first, the records of a table are
// dense, and the records of a hot group set share pages.
//
// Writer only: allocate() and release() run on the control lcore (the MFT writer, including
// its defer-queue callbacks). The pool never shrinks or grows: the Table sizes it for every
// live record plus every record waiting for its grace period.
//
// AddressSanitizer builds keep released slots poisoned until they are handed out again, so a
// reader that touches a record after its grace period is reported as use-after-poison.
#pragma once

#include <cstdint>
#include <vector>

#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::mft::detail {

class RecordPool {
 public:
  // `slots` records on `socket_id`. Throws std::bad_alloc when the memory cannot be had.
  RecordPool(uint32_t slots, int socket_id);
  ~RecordPool();
  RecordPool(const RecordPool&) = delete;
  RecordPool& operator=(const RecordPool&) = delete;

  // A value-initialised Record, or nullptr when every slot is in use.
  Record* allocate();
  // Returns `r` (from this pool, or nullptr) to the free list.
  void release(const Record* r);
  uint32_t in_use() const { return slots_ - static_cast<uint32_t>(free_.size()); }
  // The slab: record i is slab()[i]. Readers index it with what the table publishes.
  const Record* slab() const { return slab_; }

 private:
  uint32_t slots_;
  Record* slab_ = nullptr;
  std::vector<uint32_t> free_;  // indices into slab_, used as a stack
};

}  // namespace mcsnoop::mft::detail
