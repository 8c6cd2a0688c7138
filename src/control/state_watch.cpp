// The state-change log lines (StateLog): compared at every housekeeping tick (100 ms) with
// the router and querier tables and the policers' drop counters; link changes come from
// poll_links(). Info level, rate limited by StateLog.
#include <spdlog/spdlog.h>

#include "mcsnoop/control/control_plane.hpp"

namespace mcsnoop::control {

void ControlPlane::log_state_changes(uint64_t now_ms) {
  const auto name = [this](PortId p) { return port_name(p); };
  const snoop::Ms now(now_ms);
  state_log_.routers(engine_.routers(now), name, now_ms);
  state_log_.queriers(engine_.querier_details(now), name, now_ms);
  for (PortId p = 0; p < port_count(); ++p) {
    const uint64_t dropped = port_counters(p).drops[static_cast<size_t>(dataplane::Drop::PuntRateLimited)];
    state_log_.policer(p, dropped, sw_.spec.ports[p].punt_rate_pps, name, now_ms);
  }
  for (const std::string& line : state_log_.take(now_ms)) spdlog::info("{}", line);
}

}  // namespace mcsnoop::control
