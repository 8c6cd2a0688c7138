// Bridge protection on the control lcore (docs/security.md, "802.1Q bridge protection"):
// turns what the workers and the MAC table report into counters and rate-limited log lines.
//
//   - BPDU guard: a worker shuts a port (ForwardingState::shut_port); newly_shut() finds it, so
//     the control plane logs it once and flushes the port's MAC addresses.
//   - Port security: learning refused by a port's max_macs (l2::LearnResult::PortLimit).
//   - MAC moves: an address moving between ports more than `move_limit` times within one second
//     (a loop's first sign, or a spoofer) is counted once per second it does so. Moving
//     addresses are tracked in a fixed direct-mapped table, so a host inventing addresses
//     cannot grow it; a collision only restarts an address's count.
//
// Thread safety: control lcore only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/l2/mac_table.hpp"

namespace mcsnoop::control {

// At most one line per `interval_ms` for one kind of event; the lines in between are counted
// and the next line says how many were left out.
class LogLimiter {
 public:
  explicit LogLimiter(uint64_t interval_ms = 10'000) : interval_ms_(interval_ms) {}
  // True when a line may be written now; *suppressed is how many were left out since the last.
  bool allow(uint64_t now_ms, uint64_t* suppressed);

 private:
  uint64_t interval_ms_;
  uint64_t next_ms_ = 0;
  uint64_t suppressed_ = 0;
};

struct BridgeCounters {
  uint64_t mac_flaps = 0;      // (address, second) pairs with more than move_limit moves
  uint64_t guard_shutdowns = 0;
};

class BridgeMonitor {
 public:
  // `port_names` for log lines; `move_limit` moves per second (mac_table.move_limit).
  BridgeMonitor(std::vector<std::string> port_names, uint32_t move_limit);

  // The MAC table refused `key` on `port` (max_macs).
  void on_port_limit(const l2::MacKey& key, PortId port, uint32_t limit, uint64_t now_ms);
  // `key` moved to `port`.
  void on_move(const l2::MacKey& key, PortId port, uint64_t now_ms);
  // Ports in `shut` that were not shut at the previous call (logged here); remembers `shut`.
  PortMask newly_shut(PortMask shut);

  uint64_t macs_refused(PortId port) const { return refused_[port]; }
  const BridgeCounters& counters() const { return counters_; }

  // A live reload's mac_table.move_limit: from the next move on.
  void set_move_limit(uint32_t limit) { move_limit_ = limit; }

 private:
  struct MoveSlot {
    uint64_t key = 0;        // l2::MacKey word; 0 = empty
    uint64_t window_ms = 0;  // start of the current one-second window
    uint32_t moves = 0;      // moves in that window
  };
  static constexpr unsigned kMoveSlots = 1024;

  std::string name(PortId p) const;

  std::vector<std::string> names_;
  uint32_t move_limit_;
  std::vector<uint64_t> refused_;
  std::vector<LogLimiter> refused_log_;  // per port
  LogLimiter flap_log_;
  std::array<MoveSlot, kMoveSlots> moves_{};
  PortMask shut_;
  BridgeCounters counters_;
};

}  // namespace mcsnoop::control
