// The contract's `show` commands as JSON, built from the engine and the data plane counters.
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::control {

namespace {

using nlohmann::json;

// Seconds with millisecond precision, as the contract's expires_s.
json seconds(snoop::Ms ms) { return std::round(static_cast<double>(ms.count())) / 1000.0; }

const char* family_name(net::Family f) { return f == net::Family::V4 ? "ipv4" : "ipv6"; }

json drops_json(const dataplane::PortCounters& c) {
  json d = json::object();
  for (size_t i = 0; i < c.drops.size(); ++i) d[std::string(dataplane::kDropNames[i])] = c.drops[i];
  return d;
}

// The state the port's reports hold in the engine, its limits (0 = none), and how much they
// refused (issue 8).
json snooping_json(const snoop::PortUsage& u) {
  return {{"groups", u.groups},
          {"sources", u.sources},
          {"max_groups", u.max_groups},
          {"max_sources", u.max_sources},
          {"max_sources_per_group", u.max_sources_per_group},
          {"refused_groups", u.refused_groups},
          {"refused_sources", u.refused_sources}};
}

}  // namespace

// Bridge protection per port: forwarding state (BPDU guard) and port security.
void ControlPlane::add_bridge_fields(json& port, PortId p) const {
  port["state"] = dp_.state().port(p).shut.load() ? "bpdu-guard-shut" : "forwarding";
  port["macs"] = dp_.macs().port_size(p);
  port["max_macs"] = dp_.macs().port_limit(p);
  port["macs_refused"] = bridge_.macs_refused(p);
}

json ControlPlane::show_ports() const {
  json out = json::array();
  for (PortId p = 0; p < dp_.port_count(); ++p) {
    const dataplane::PortCounters c = dp_.port_counters(p);
    out.push_back({{"name", port_name(p)},
                   {"link", dp_.state().port(p).link_up.load() ? "up" : "down"},
                   {"rx_packets", c.rx_packets},
                   {"tx_packets", c.tx_packets},
                   {"rx_bytes", c.rx_bytes},
                   {"tx_bytes", c.tx_bytes},
                   {"igmp_rx", c.punted},
                   {"flooded", c.flooded},
                   {"mcast_lookups", c.mcast_lookups},
                   {"mcast_unregistered", c.mcast_unregistered},
                   {"drops", drops_json(c)},
                   {"dropped_router_guard", engine_.port_counters(p).dropped_router_guard},
                   {"snooping", snooping_json(engine_.port_usage(p))}});
    add_bridge_fields(out.back(), p);
  }
  return out;
}

json ControlPlane::show_stats() const {
  dataplane::PortCounters total;
  for (PortId p = 0; p < dp_.port_count(); ++p) total += dp_.port_counters(p);
  json decode = json::object();
  for (unsigned i = 0; i < net::kDecodeResultCount; ++i)
    if (i != static_cast<unsigned>(net::DecodeResult::Ok))
      decode[net::to_string(static_cast<net::DecodeResult>(i))] = counters_.decode_errors[i];
  const snoop::Counters& e = engine_.counters();
  const snoop::TableUsage table = engine_.table_usage();
  const auto& ms = dp_.mft().stats();
  return {
      {"ports", dp_.port_count()},
      {"rx_packets", total.rx_packets},
      {"tx_packets", total.tx_packets},
      {"rx_bytes", total.rx_bytes},
      {"tx_bytes", total.tx_bytes},
      {"igmp_rx", total.punted},
      {"flooded", total.flooded},
      {"mcast_lookups", total.mcast_lookups},
      {"mcast_unregistered", total.mcast_unregistered},
      {"drops", drops_json(total)},
      {"control",
       {{"punted_frames", counters_.punted_frames},
        {"decoded", counters_.decoded},
        {"flooded_unrecognized", counters_.flooded_unrecognized},
        {"decode", decode},
        {"queries_sent", counters_.queries_built},
        {"mrd_solicitations_sent", counters_.mrd_solicitations_sent},
        {"mft_refused", counters_.mft_refused},
        {"mft_retry_pending", mft_retry_.size()},
        {"mft_retried", counters_.mft_retried},
        {"mft_retry_dropped", counters_.mft_retry_dropped},
        {"query_frames_split", counters_.query_frames_split},
        {"tx_oversize", counters_.frames_oversize},
        {"no_mbuf", counters_.frames_lost_no_mbuf},
        {"link_changes", counters_.link_changes}}},
      {"snooping",
       {{"messages", e.messages}, {"queries", e.queries}, {"reports", e.reports}, {"leaves", e.leaves},
        {"records", e.records}, {"pim_hellos", e.pim_hellos}, {"mrd", e.mrd},
        {"ignored_link_local", e.ignored_link_local}, {"ignored_ssm", e.ignored_ssm},
        {"ignored_not_multicast", e.ignored_not_multicast}, {"ignored_unknown_vlan", e.ignored_unknown_vlan},
        {"refused_port_limit", e.refused_port_limit}, {"refused_table_full", e.refused_table_full},
        {"refused_vlan_limit", e.refused_vlan_limit}, {"refused_source_limit", e.refused_source_limit},
        {"refused_port_sources", e.refused_port_sources}, {"refused_table_sources", e.refused_table_sources},
        {"groups", table.groups}, {"static_groups", table.static_groups}, {"sources", table.sources},
        {"groups_expired", e.groups_expired},
        {"dropped_router_guard", e.dropped_router_guard},
        {"topology_queries_deferred", e.topology_queries_deferred},
        {"ignored_not_querier_leave", e.ignored_not_querier_leave},
        {"ignored_invalid_source", e.ignored_invalid_source}, {"ignored_router_guard", e.ignored_router_guard},
        {"ignored_compat", e.ignored_compat}, {"ignored_snooping_off", e.ignored_snooping_off},
        {"fast_leaves", e.fast_leaves}, {"host_leaves_kept", e.host_leaves_kept},
        {"mrd_terminations", e.mrd_terminations}}},
      {"mft", {{"entries", dp_.mft().size()}, {"capacity", dp_.mft().capacity()},
               {"refused_full", ms.refused_full}, {"refused_backlog", ms.refused_backlog},
               {"pending_reclaim", ms.pending}}},
      {"mac_table", {{"entries", dp_.macs().size()}, {"learn_events", counters_.learn_events},
                     {"learned", counters_.macs_learned}, {"moved", counters_.macs_moved},
                     {"aged", counters_.macs_aged}, {"full", counters_.mac_table_full},
                     {"refused_port_limit", dp_.macs().stats().refused_port_limit},
                     {"flapping", bridge_.counters().mac_flaps},
                     {"guard_shutdowns", bridge_.counters().guard_shutdowns}}},
  };
}

json ControlPlane::show_groups() const {
  std::vector<json> entries;
  size_t cursor = 0;
  show_groups_slice(cursor, SIZE_MAX, entries);
  return json(std::move(entries));
}

bool ControlPlane::show_groups_slice(size_t& cursor, size_t max_entries, std::vector<json>& out) const {
  std::vector<snoop::GroupView> views;
  const bool done = engine_.groups_slice(cursor, max_entries, snoop::Ms(now_ms_), views);
  for (const snoop::GroupView& g : views) {
    json ports = json::array();
    g.ports.for_each([&](PortId p) { ports.push_back(port_name(p)); });
    out.push_back({{"vlan", g.vlan},
                   {"group", g.group.to_string()},
                   {"source", g.source ? json(g.source->to_string()) : json(nullptr)},
                   {"mode", g.exclude_mode ? "exclude" : "include"},
                   {"ports", ports},
                   {"static", g.is_static},
                   {"expires_s", g.is_static ? json(nullptr) : seconds(g.expires)}});
  }
  return done;
}

json ControlPlane::show_routers() const {
  json out = json::array();
  for (const snoop::RouterView& r : engine_.routers(snoop::Ms(now_ms_))) {
    out.push_back({{"vlan", r.vlan},
                   {"family", family_name(r.family)},
                   {"port", port_name(r.port)},
                   {"kind", r.is_static ? "static" : "learned"},
                   {"expires_s", r.is_static ? json(nullptr) : seconds(r.expires)}});
  }
  return out;
}

json ControlPlane::show_querier() const {
  json out = json::array();
  for (const snoop::QuerierView& q : engine_.queriers(snoop::Ms(now_ms_))) {
    out.push_back({{"vlan", q.vlan},
                   {"family", family_name(q.family)},
                   {"querier", q.querier ? json(q.querier->to_string()) : json(nullptr)},
                   {"self", q.self},
                   {"version", q.version},
                   {"expires_s", q.self || !q.querier ? json(nullptr) : seconds(q.expires)}});
  }
  return out;
}

namespace {

// `show groups` on the socket: a million groups take seconds to render, so the answer is made
// kGroupsPerSlice entries per control-loop iteration (mgmt::ControlServer::on_stream) while
// the loop keeps draining the punt ring and running timers.
constexpr size_t kGroupsPerSlice = 512;

class GroupsStream : public mgmt::ControlServer::ArrayStream {
 public:
  explicit GroupsStream(const ControlPlane& cp) : cp_(cp) {}
  bool next(std::vector<json>& out) override { return cp_.show_groups_slice(cursor_, kGroupsPerSlice, out); }

 private:
  const ControlPlane& cp_;  // outlives the stream: the ControlPlane owns the server
  size_t cursor_ = 0;
};

}  // namespace

void ControlPlane::register_handlers() {
  server_.on("show ports", [this](const json&) { return show_ports(); });
  server_.on("show stats", [this](const json&) { return show_stats(); });
  server_.on_stream("show groups", [this](const json&) -> std::unique_ptr<mgmt::ControlServer::ArrayStream> {
    return std::make_unique<GroupsStream>(*this);
  });
  server_.on("show routers", [this](const json&) { return show_routers(); });
  server_.on("show querier", [this](const json&) { return show_querier(); });
  server_.on("port enable", [this](const json& req) { return enable_port(req); });
  server_.on("explain", [this](const json& req) { return explain(req); });
}

}  // namespace mcsnoop::control
