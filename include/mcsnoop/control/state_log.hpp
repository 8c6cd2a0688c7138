// Log lines for the state changes an operator needs (issue 9): a router port learned or aged,
// the querier of a VLAN elected or lost, the punt policer starting or stopping to drop on a
// port, a link going up or down. The engine only keeps state; the control plane compares it
// with what it saw last (a walk over the router and querier tables, a few per VLAN) and asks
// this class for the lines.
//
// Rate limit: at most `burst` lines per `window_ms` in all; the lines over it are counted and
// one line says how many were suppressed once the window ends, so a flapping link or a
// spoofed-query storm cannot flood the log.
//
// Thread safety: none; the control lcore owns it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

class StateLog {
 public:
  using Names = std::function<std::string(PortId)>;

  explicit StateLog(uint64_t window_ms = 10'000, unsigned burst = 20, uint64_t policer_quiet_ms = 5'000)
      : window_ms_(window_ms), burst_(burst), policer_quiet_ms_(policer_quiet_ms) {}

  // Router ports now (engine.routers()): a line for each one new or gone since the last call.
  void routers(const std::vector<snoop::RouterView>& now_routers, const Names& name, uint64_t now_ms);
  // Queriers now (engine.querier_details()): a line when a VLAN's querier changes or is lost.
  void queriers(const std::vector<snoop::QuerierDetail>& now_queriers, const Names& name, uint64_t now_ms);
  // The punt policer's drop counter of `port`: a line when it starts moving, and one when it
  // has stood still for policer_quiet_ms after moving (with the number dropped meanwhile).
  void policer(PortId port, uint64_t dropped, uint32_t rate_pps, const Names& name, uint64_t now_ms);
  void link(PortId port, bool up, uint32_t speed_mbps, const Names& name, uint64_t now_ms);

  // The lines produced since the last call (and the suppression notice when one is due).
  std::vector<std::string> take(uint64_t now_ms);
  uint64_t suppressed_total() const { return suppressed_total_; }

 private:
  void emit(std::string line, uint64_t now_ms);

  using RouterKey = std::tuple<VlanId, net::Family, PortId>;
  std::map<RouterKey, bool> routers_;  // value: static
  bool routers_seen_ = false;
  struct QuerierSeen {
    std::optional<net::IpAddr> addr;
    bool self = false;
  };
  std::map<std::pair<VlanId, net::Family>, QuerierSeen> queriers_;
  struct PolicerSeen {
    uint64_t dropped = 0;
    uint64_t at_start = 0;   // counter when the current dropping spell began
    uint64_t last_move_ms = 0;
    bool known = false;
    bool dropping = false;
  };
  std::array<PolicerSeen, kMaxPorts> policer_{};

  uint64_t window_ms_;
  unsigned burst_;
  uint64_t policer_quiet_ms_;
  uint64_t window_start_ = 0;
  unsigned in_window_ = 0;
  uint64_t suppressed_ = 0, suppressed_total_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace mcsnoop::control
