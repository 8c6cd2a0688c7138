// A worker's report that a source MAC was seen on a port: new, moved, or due for an age refresh.
// The control lcore, the MAC table's only writer, applies them.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <iterator>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/pending_macs.hpp"

namespace mcsnoop::dataplane {

struct LearnEvent {
  uint8_t mac[6];
  VlanId vlan;
  PortId port;
  // The PendingMacs record the worker wrote for this address before forwarding its frame
  // (invalid when it wrote none); the control lcore retires it after applying the event.
  PendingMacs::Ticket pending;
  uint16_t pad = 0;
};
static_assert(sizeof(LearnEvent) == 16);

// A worker's memory of the senders it has dealt with recently: a direct-mapped cache of
// (MAC, VLAN) key words, each with the port it was seen on and a time until which nothing more
// needs doing for it on that port. It serves two purposes:
//   - after a learn event is sent, the sender is held for kHoldMs, so a worker does not report
//     the same address over and over while the control lcore has not applied it yet;
//   - after the MAC table showed the address fresh on that port, the sender is trusted for up
//     to kHoldMs (never past its refresh time), so a busy sender costs a table lookup about
//     once a second instead of once a frame.
// A sender seen on another port, or after its time, goes to the table again: moves are
// noticed at once. The control lcore bumps ForwardingState's MAC flush epoch when it removes
// addresses in bulk (link down); the worker then clears the cache, so a flushed address is
// relearned by the next frame, not a second later.
class LearnFilter {
 public:
  static constexpr uint64_t kHoldMs = 1000;

  // True when `key_word` (l2::MacKey as a word) needs nothing more on `port` at `now_ms`.
  bool settled(uint64_t key_word, PortId port, uint64_t now_ms) const {
    const Slot& s = slot(key_word);
    return s.key == key_word && (s.state & kPortMask) == port && (s.state >> kPortBits) > now_ms;
  }
  // Brings the slot of `key_word` into cache ahead of settled() / should_send().
  void prefetch(uint64_t key_word) const { __builtin_prefetch(&slot(key_word)); }
  // The table showed the address fresh on `port`; it stays so until `fresh_until_ms`.
  void confirm(uint64_t key_word, PortId port, uint64_t now_ms, uint64_t fresh_until_ms) {
    slot(key_word) = Slot{key_word, pack(std::min(now_ms + kHoldMs, fresh_until_ms), port)};
  }
  // True when a learn event for the address should be sent now; remembers that it was.
  bool should_send(uint64_t key_word, PortId port, uint64_t now_ms) {
    if (settled(key_word, port, now_ms)) return false;
    slot(key_word) = Slot{key_word, pack(now_ms + kHoldMs, port)};
    return true;
  }
  void clear() { std::fill(std::begin(slots_), std::end(slots_), Slot{}); }

 private:
  static constexpr unsigned kBits = 12;
  // 16-byte slots, four to a cache line and none split: the probe is one load of one line.
  // `state` packs the time (milliseconds, 48 bits: 8,900 years) above the port.
  static constexpr unsigned kPortBits = 16;
  static constexpr uint64_t kPortMask = (uint64_t{1} << kPortBits) - 1;
  struct alignas(16) Slot {
    uint64_t key = ~uint64_t{0};  // never a real key word (VLAN 0xffff)
    uint64_t state = 0;           // until_ms << 16 | port
  };
  static_assert(sizeof(Slot) == 16);
  static uint64_t pack(uint64_t until_ms, PortId port) { return until_ms << kPortBits | port; }
  Slot& slot(uint64_t key_word) { return slots_[(key_word * 0x9e3779b97f4a7c15ULL) >> (64 - kBits)]; }
  const Slot& slot(uint64_t key_word) const {
    return slots_[(key_word * 0x9e3779b97f4a7c15ULL) >> (64 - kBits)];
  }
  alignas(64) Slot slots_[1u << kBits];
};

}  // namespace mcsnoop::dataplane
