// The value of an MFT key: the egress ports of one (VLAN, group[, source]).
//
// Immutable once published. The control lcore builds a new Entry for every change and swaps
// the pointer in the hash; readers therefore always see a whole, consistent entry. The port
// list is pre-expanded from the mask so replication walks `count` ids instead of doing
// ctz-and-clear per packet. Cache-line aligned: the mask, the count and the first 27 ports
// share the first line, which is all a typical fan-out touches.
#pragma once

#include <cstdint>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::mft {

struct alignas(64) Entry {
  PortMask ports;            // egress set, router ports and EXCLUDE-merged ports included
  uint8_t count = 0;         // == ports.count()
  PortId list[kMaxPorts];    // list[0..count) = members of `ports`, lowest first

  // Fills every field from `mask`.
  void assign(PortMask mask) {
    ports = mask;
    count = 0;
    mask.for_each([this](PortId p) { list[count++] = p; });
  }
};

static_assert(sizeof(Entry) % 64 == 0);
static_assert(kMaxPorts <= UINT8_MAX, "Entry::count is one byte");

}  // namespace mcsnoop::mft
