// Running configuration against a reloaded one (reload_diff.hpp): which keys changed, and
// which of those a running switch cannot take over.
#include "mcsnoop/config/reload_diff.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mcsnoop/config/duration.hpp"

namespace mcsnoop::config {

std::string KeyChange::to_string() const { return path + ": " + before + " -> " + after; }

namespace {

// ---- value text ------------------------------------------------------------------------------

std::string text(bool b) { return b ? "true" : "false"; }
std::string text(uint32_t v) { return std::to_string(v); }
std::string text(uint8_t v) { return std::to_string(unsigned{v}); }
std::string text(uint16_t v) { return std::to_string(unsigned{v}); }
std::string text(Duration d) { return format_duration(d); }
std::string text(const std::string& s) { return s.empty() ? "\"\"" : s; }
std::string text(const net::IpAddr& a) { return a.to_string(); }
template <typename E>
  requires std::is_enum_v<E>
std::string text(E e) {
  return std::string(config::to_string(e));
}
template <typename T>
std::string text(const std::optional<T>& v) {
  return v ? text(*v) : std::string("unset");
}

template <typename T, typename F>
std::string join(const std::vector<T>& items, F&& each) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ", ";
    out += each(items[i]);
  }
  return out + "]";
}
std::string text(const std::vector<std::string>& v) {
  return join(v, [](const std::string& s) { return s; });
}
std::string text(const std::vector<unsigned>& v) {
  return join(v, [](unsigned u) { return std::to_string(u); });
}
std::string text(const std::vector<VlanId>& v) {
  return join(v, [](VlanId u) { return std::to_string(u); });
}
std::string text(const std::vector<uint8_t>& v) {
  return join(v, [](uint8_t b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", unsigned{b});
    return std::string(buf);
  });
}

// Collects the differences of one comparison into one of the two lists.
class Differ {
 public:
  explicit Differ(ReloadDiff& out) : out_(out) {}

  template <typename T>
  void live(const std::string& path, const T& a, const T& b) {
    if (!(a == b)) out_.changes.push_back({path, text(a), text(b)});
  }
  template <typename T>
  void restart(const std::string& path, const T& a, const T& b) {
    if (!(a == b)) out_.restart_required.push_back({path, text(a), text(b)});
  }
  void live_text(const std::string& path, const std::string& a, const std::string& b) {
    if (a != b) out_.changes.push_back({path, a, b});
  }
  void restart_text(const std::string& path, const std::string& a, const std::string& b) {
    if (a != b) out_.restart_required.push_back({path, a, b});
  }

 private:
  ReloadDiff& out_;
};

std::vector<std::string> port_names(const Config& c) {
  std::vector<std::string> names;
  for (const Port& p : c.ports) names.push_back(p.name);
  return names;
}

std::vector<VlanId> vlan_ids(const Config& c) {
  std::vector<VlanId> ids;
  for (const Vlan& v : c.vlans) ids.push_back(v.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Static groups as text, ports by name: the order of the file does not matter.
std::string static_groups_text(const Config& c, const Vlan& v) {
  std::vector<std::string> items;
  for (const StaticGroup& g : v.static_groups) {
    std::string s = g.group.to_string();
    if (g.source) s += " source " + g.source->to_string();
    std::vector<std::string> ports;
    g.ports.for_each([&](PortId p) { ports.push_back(p < c.ports.size() ? c.ports[p].name : "?"); });
    items.push_back(s + " ports " + text(ports));
  }
  std::sort(items.begin(), items.end());
  return text(items);
}

// ---- sections ----------------------------------------------------------------------------------

void diff_system(const Config& a, const Config& b, Differ& d) {
  d.restart("dpdk.eal_args", a.dpdk.eal_args, b.dpdk.eal_args);
  d.restart("cores.control", a.cores.control, b.cores.control);
  d.restart("cores.workers", a.cores.workers, b.cores.workers);
  d.restart("cores.rx", a.cores.rx, b.cores.rx);
  d.restart("cores.tx", a.cores.tx, b.cores.tx);
  d.restart("control.socket", a.control.socket, b.control.socket);
  // The metrics listener is bound once at start (docs/configuration.md).
  auto listen = [](const Config& c) { return c.control.metrics_listen ? c.control.metrics_listen->to_string() : "off"; };
  d.restart_text("control.metrics.listen", listen(a), listen(b));
  // Sizes of tables allocated at start.
  d.restart("mac_table.size", a.mac_table.size, b.mac_table.size);
  // The workers' refresh of known addresses is timed from it at start (a quarter of it).
  d.restart("mac_table.aging_time", a.mac_table.aging_time, b.mac_table.aging_time);
  d.live("mac_table.move_limit", a.mac_table.move_limit, b.mac_table.move_limit);
  d.live("logging.level", a.logging.level, b.logging.level);
  d.restart("logging.file", a.logging.file, b.logging.file);
}

// The global `snooping` section. max_groups and max_sources size the MFT.
void diff_snooping(const SnoopingSettings& a, const SnoopingSettings& b, Differ& d) {
  d.live("snooping.robustness", a.robustness, b.robustness);
  d.live("snooping.query_interval", a.query_interval, b.query_interval);
  d.live("snooping.query_response_interval", a.query_response_interval, b.query_response_interval);
  d.live("snooping.last_member_query_interval", a.last_member_query_interval, b.last_member_query_interval);
  d.live("snooping.last_member_query_count", a.last_member_query_count, b.last_member_query_count);
  d.live("snooping.unregistered", a.unregistered, b.unregistered);
  d.live("snooping.mld", a.mld, b.mld);
  d.live("snooping.mrd_solicit", a.mrd_solicit, b.mrd_solicit);
  d.restart("snooping.max_groups", a.max_groups, b.max_groups);
  d.restart("snooping.max_sources", a.max_sources, b.max_sources);
}

void diff_port(const Port& a, const Port& b, Differ& d) {
  const std::string at = "ports[" + a.name + "].";
  d.restart(at + "device", a.device, b.device);
  // Applied live where the device allows it (app::Switch::set_mtus refuses the reload, naming
  // the port, where the receive buffers sized at start or the device do not).
  d.live(at + "mtu", a.mtu, b.mtu);
  // VLAN membership shapes the workers' VLAN tables and every forwarding set.
  d.restart(at + "vlan_mode", a.vlan_mode, b.vlan_mode);
  if (a.vlan_mode == VlanMode::Access || b.vlan_mode == VlanMode::Access) d.restart(at + "vlan", a.vlan, b.vlan);
  d.restart(at + "allowed_vlans", a.allowed_vlans, b.allowed_vlans);
  d.restart(at + "native_vlan", a.native_vlan, b.native_vlan);
  d.live(at + "multicast_router", a.multicast_router, b.multicast_router);
  d.live(at + "fast_leave", a.fast_leave, b.fast_leave);
  d.live(at + "max_groups", a.max_groups, b.max_groups);
  d.live(at + "max_sources_per_group", a.max_sources_per_group, b.max_sources_per_group);
  d.live(at + "max_sources", a.max_sources, b.max_sources);
  d.live(at + "flood_unregistered", a.flood_unregistered, b.flood_unregistered);
  d.live(at + "flood_reports", a.flood_reports, b.flood_reports);
  d.live(at + "igmp_rate_limit", a.igmp_rate_limit, b.igmp_rate_limit);
  d.live(at + "router_guard", a.router_guard, b.router_guard);
  d.live(at + "forward_reserved", a.forward_reserved, b.forward_reserved);
  d.live(at + "bpdu", a.bpdu, b.bpdu);
  d.live(at + "max_macs", a.max_macs, b.max_macs);
  d.live(at + "storm_control.broadcast", a.storm_control.broadcast, b.storm_control.broadcast);
  d.live(at + "storm_control.unknown_unicast", a.storm_control.unknown_unicast, b.storm_control.unknown_unicast);
  d.live(at + "storm_control.unregistered_multicast", a.storm_control.unregistered_multicast,
         b.storm_control.unregistered_multicast);
}

// A VLAN's own settings: what the file sets for it (its overrides), not the merged values, so
// that a change of the global section is reported once, under `snooping.`.
void diff_vlan(const Config& ca, const Vlan& a, const Config& cb, const Vlan& b, Differ& d) {
  const std::string at = "vlans[" + std::to_string(a.id) + "].";
  d.live(at + "snooping", a.snooping, b.snooping);
  d.live(at + "querier.enabled", a.querier.enabled, b.querier.enabled);
  d.live(at + "querier.address", a.querier.address, b.querier.address);
  d.live(at + "querier.version", a.querier.version, b.querier.version);
  d.live(at + "querier.address6", a.querier.address6, b.querier.address6);
  d.live(at + "querier.mld_version", a.querier.mld_version, b.querier.mld_version);
  d.live_text(at + "static_groups", static_groups_text(ca, a), static_groups_text(cb, b));
  const SnoopingOverrides& oa = a.overrides;
  const SnoopingOverrides& ob = b.overrides;
  d.live(at + "robustness", oa.robustness, ob.robustness);
  d.live(at + "query_interval", oa.query_interval, ob.query_interval);
  d.live(at + "query_response_interval", oa.query_response_interval, ob.query_response_interval);
  d.live(at + "last_member_query_interval", oa.last_member_query_interval, ob.last_member_query_interval);
  d.live(at + "last_member_query_count", oa.last_member_query_count, ob.last_member_query_count);
  d.live(at + "unregistered", oa.unregistered, ob.unregistered);
  d.live(at + "mld", oa.mld, ob.mld);
  d.live(at + "max_groups", oa.max_groups, ob.max_groups);
  d.live(at + "mrd_solicit", oa.mrd_solicit, ob.mrd_solicit);
}

}  // namespace

ReloadDiff diff_for_reload(const Config& running, const Config& next) {
  ReloadDiff out;
  Differ d(out);
  diff_system(running, next, d);
  diff_snooping(running.snooping, next.snooping, d);
  // Ports are identified by name and their PortId is their position: any addition, removal,
  // rename or reordering changes the identity of ports and needs a restart; the per-port keys
  // are compared only when the list is the same.
  const std::vector<std::string> names_a = port_names(running), names_b = port_names(next);
  d.restart("ports", names_a, names_b);
  if (names_a == names_b) {
    for (size_t i = 0; i < running.ports.size(); ++i) diff_port(running.ports[i], next.ports[i], d);
  }
  // The VLANs of the switch (listed and implicit ones). Listing a VLAN that a port already uses
  // is a change of its settings, not a new VLAN.
  const std::vector<VlanId> ids_a = vlan_ids(running), ids_b = vlan_ids(next);
  d.restart("vlans", ids_a, ids_b);
  for (const Vlan& a : running.vlans) {
    if (const Vlan* b = next.find_vlan(a.id)) diff_vlan(running, a, next, *b, d);
  }
  return out;
}

}  // namespace mcsnoop::config
