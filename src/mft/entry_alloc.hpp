// Where MFT entries live.
//
// Production: DPDK memory on the workers' socket (hugepage-backed, NUMA-local to the readers).
// AddressSanitizer builds: the C library heap, because the distribution's DPDK is not built
// with ASan and rte_free() does not poison memory; with malloc/free a reader touching an entry
// after its grace period is reported as a heap-use-after-free instead of passing unnoticed.
#pragma once

#include "mcsnoop/mft/entry.hpp"

namespace mcsnoop::mft::detail {

// A value-initialised Entry, or nullptr when out of memory.
Entry* allocate_entry(int socket_id);
void free_entry(Entry* e);

}  // namespace mcsnoop::mft::detail
