// `clear groups` and `clear counters` (docs/control-socket.md).
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::control {

using nlohmann::json;

// Forgets learned memberships (static entries stay); the engine publishes the pruned sets and,
// where we are the querier, sends a general query so the hosts report again at once.
json ControlPlane::clear_groups(const json& request) {
  std::optional<VlanId> vlan;
  if (const auto it = request.find("vlan"); it != request.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 4094) {
      throw std::runtime_error("vlan: expected a VLAN id 1..4094");
    }
    vlan = static_cast<VlanId>(it->get<int64_t>());
  }
  std::optional<PortId> port;
  if (const auto it = request.find("port"); it != request.end() && !it->is_null()) {
    if (!it->is_string()) throw std::runtime_error("port: expected a port name");
    port = port_by_name(it->get<std::string>());
  }
  actions_.clear();
  const size_t removed = engine_.clear_groups(vlan, port, snoop::Ms(now_ms_), actions_);
  const size_t queries = actions_.queries.size();
  apply(actions_, nullptr);
  spdlog::info("clear groups{}{}: {} membership(s) removed, {} general quer{} sent",
               vlan ? " vlan " + std::to_string(*vlan) : std::string(), port ? " port " + port_name(*port) : std::string(),
               removed, queries, queries == 1 ? "y" : "ies");
  return {{"removed", removed}, {"queries_sent", queries}};
}

// The show views count from here on; the counters themselves keep running (see CounterBaseline).
json ControlPlane::clear_counters() {
  for (PortId p = 0; p < port_count(); ++p) {
    PortBaseline& b = baseline_.ports[p];
    b.dp = port_counters(p);
    b.nic = sw_.port_status.nic_stats(p).value_or(dataplane::NicStats{});
    b.engine = engine_.port_counters(p);
    b.rx = engine_.rx_messages(p);
    b.tx = tx_msgs_[p];
    const snoop::PortUsage u = engine_.port_usage(p);
    b.refused_groups = u.refused_groups;
    b.refused_sources = u.refused_sources;
    b.macs_refused = bridge_.macs_refused(p);
  }
  baseline_.engine = engine_.counters();
  baseline_.mft_refused_full = sw_.mft.stats().refused_full;
  baseline_.mft_refused_backlog = sw_.mft.stats().refused_backlog;
  baseline_.mac_refused_port_limit = sw_.macs.stats().refused_port_limit;
  baseline_.mac_flaps = bridge_.counters().mac_flaps;
  baseline_.guard_shutdowns = bridge_.counters().guard_shutdowns;
  baseline_.state_log_suppressed = state_log_.suppressed_total();
  control_base_ = counters_;
  baseline_.cleared_at_ms = now_ms_ == 0 ? 1 : now_ms_;
  spdlog::info("counters cleared by the operator (show views count from now; metrics keep running)");
  return {{"cleared", true}};
}

}  // namespace mcsnoop::control
