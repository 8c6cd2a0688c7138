// A worker's report that a source MAC was seen on a port: new, moved, or due for an age refresh.
// The control lcore, the MAC table's only writer, applies them.
#pragma once

#include <cstdint>
#include <cstring>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::dataplane {

struct LearnEvent {
  uint8_t mac[6];
  VlanId vlan;
  PortId port;
  uint16_t pad[3];
};
static_assert(sizeof(LearnEvent) == 16);

// Keeps a worker from reporting the same (MAC, VLAN, port) over and over while the control
// lcore has not applied it yet: a direct-mapped cache of what was reported recently.
class LearnFilter {
 public:
  // True when an event for this key should be sent now (and remembers that it was).
  bool should_send(const uint8_t* mac, VlanId vlan, PortId port, uint64_t now_ms) {
    uint64_t key = 0;
    std::memcpy(&key, mac, 6);
    key |= uint64_t{vlan} << 48;
    Slot& s = slots_[(key * 0x9e3779b97f4a7c15ULL) >> (64 - kBits)];
    if (s.key == key && s.port == port && now_ms - s.sent_ms < kHoldMs) return false;
    s = Slot{key, now_ms, port};
    return true;
  }

 private:
  static constexpr unsigned kBits = 10;
  static constexpr uint64_t kHoldMs = 1000;
  struct Slot {
    uint64_t key = ~uint64_t{0};
    uint64_t sent_ms = 0;
    PortId port = 0;
  };
  Slot slots_[1u << kBits];
};

}  // namespace mcsnoop::dataplane
