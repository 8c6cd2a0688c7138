// Log lines for the engine's state limits (issue 8): the engine only counts refusals; the
// control plane says, rate limited, when a limit is reached.
//
// The first refusal of a limit is logged at once; later ones at most once per interval, as
// the number refused since the last line. Nothing is logged while no limit refuses.
//
// Thread safety: none; the control lcore owns it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

class LimitLog {
 public:
  explicit LimitLog(uint64_t interval_ms = 60'000) : interval_ms_(interval_ms) {}

  // The lines to log now (warnings), for the engine's counters and its first `ports` ports.
  // Cheap when nothing moved: a few counter comparisons per port.
  std::vector<std::string> check(const snoop::Engine& engine, unsigned ports,
                                 const std::function<std::string(PortId)>& port_name, uint64_t now_ms);

 private:
  struct Tracked {
    uint64_t logged = 0;   // the counter's value at the last line
    uint64_t last_ms = 0;  // when that line was logged
    bool ever = false;
  };
  // True (and the state advanced) when `value` moved and a line about it is due.
  bool due(Tracked& t, uint64_t value, uint64_t now_ms, uint64_t& refused_since);

  uint64_t interval_ms_;
  Tracked table_groups_, vlan_groups_, table_sources_;
  std::array<Tracked, kMaxPorts> port_groups_{}, port_sources_{};
};

}  // namespace mcsnoop::control
