// The value of an MFT key: the egress ports of one (VLAN, group[, source]).
//
// Immutable once published. The control lcore writes a new record (key and Entry, mft.hpp) for
// every change and swaps the record word in the bucket; readers therefore always see a whole,
// consistent entry. Small on purpose: 16 bytes, so the key and its Entry share one cache line,
// because at 100,000 groups the reader's access to its entry is a miss of its own.
#pragma once

#include <cstdint>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::mft {

struct alignas(16) Entry {
  PortMask ports;  // egress set, router ports and EXCLUDE-merged ports included

  // Fills every field from `mask`.
  void assign(PortMask mask) { ports = mask; }
};

static_assert(sizeof(Entry) == 16);

}  // namespace mcsnoop::mft
