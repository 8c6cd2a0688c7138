#include "mcsnoop/control/telemetry.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <string>

#include <rte_telemetry.h>

namespace mcsnoop::control {

namespace {

struct Board {
  std::mutex mutex;
  std::shared_ptr<const SwitchSnapshot> snapshot;
  const TelemetryPublisher* owner = nullptr;
};

Board& board() {
  static Board b;
  return b;
}

// A dict has at most RTE_TEL_MAX_DICT_ENTRIES entries; /mcsnoop/groups lists this many VLANs.
constexpr size_t kMaxVlansListed = 200;

void add_u64(rte_tel_data* d, const char* name, uint64_t v) { rte_tel_data_add_dict_u64(d, name, v); }

dataplane::PortCounters total_counters(const SwitchSnapshot& s) {
  dataplane::PortCounters t;
  for (const PortSnapshot& p : s.ports) t += p.counters;
  return t;
}

uint64_t drops_of(const dataplane::PortCounters& c) {
  uint64_t n = 0;
  for (uint64_t d : c.drops) n += d;
  return n;
}

// Drops by reason as a nested dict (the one level of nesting DPDK's JSON writer allows).
void add_drops(rte_tel_data* d, const char* name, const dataplane::PortCounters& c) {
  rte_tel_data* drops = rte_tel_data_alloc();
  if (drops == nullptr) return;
  rte_tel_data_start_dict(drops);
  for (size_t i = 0; i < c.drops.size(); ++i)
    rte_tel_data_add_dict_u64(drops, std::string(dataplane::kDropNames[i]).c_str(), c.drops[i]);
  if (rte_tel_data_add_dict_container(d, name, drops, /*keep=*/0) != 0) rte_tel_data_free(drops);
}

std::shared_ptr<const SwitchSnapshot> current(rte_tel_data* d) {
  auto s = published_snapshot();
  if (!s) rte_tel_data_string(d, "not ready: the control lcore has published no snapshot yet");
  return s;
}

int stats_cmd(const char*, const char*, rte_tel_data* d) {
  const auto s = current(d);
  if (!s) return 0;
  const dataplane::PortCounters t = total_counters(*s);
  rte_tel_data_start_dict(d);
  add_u64(d, "snapshot_uptime_ms", s->uptime_ms);
  add_u64(d, "ports", s->ports.size());
  add_u64(d, "rx_packets", t.rx_packets);
  add_u64(d, "tx_packets", t.tx_packets);
  add_u64(d, "rx_bytes", t.rx_bytes);
  add_u64(d, "tx_bytes", t.tx_bytes);
  add_u64(d, "igmp_rx", t.punted);
  add_u64(d, "flooded", t.flooded);
  add_u64(d, "mcast_lookups", t.mcast_lookups);
  add_u64(d, "mcast_unregistered", t.mcast_unregistered);
  add_u64(d, "messages", s->engine.messages);
  add_u64(d, "queries", s->engine.queries);
  add_u64(d, "reports", s->engine.reports);
  add_u64(d, "leaves", s->engine.leaves);
  add_u64(d, "queries_sent", s->queries_sent);
  add_u64(d, "groups", s->table.groups);
  add_u64(d, "static_groups", s->table.static_groups);
  add_u64(d, "sources", s->table.sources);
  add_u64(d, "mft_entries", s->mft_entries);
  add_u64(d, "mac_entries", s->mac_entries);
  add_drops(d, "drops", t);
  return 0;
}

// DPDK 22.11 accepts only letters, digits, '_' and '/' in dict keys; port names may also hold
// '.', '-' and ':' (config), which become '_' in the key. The real name is in each entry.
std::string dict_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '/';
    if (!ok) c = '_';
  }
  return key;
}

void port_dict(rte_tel_data* d, const PortSnapshot& p) {
  rte_tel_data_add_dict_string(d, "name", p.name.c_str());
  rte_tel_data_add_dict_string(d, "link", p.link_up ? "up" : "down");
  add_u64(d, "rx_packets", p.counters.rx_packets);
  add_u64(d, "tx_packets", p.counters.tx_packets);
  add_u64(d, "igmp_rx", p.counters.punted);
  add_u64(d, "flooded", p.counters.flooded);
  add_u64(d, "drops", drops_of(p.counters));
  add_u64(d, "groups", p.usage.groups);
  add_u64(d, "max_groups", p.usage.max_groups);
  if (p.nic.valid) {
    add_u64(d, "nic_rx_missed", p.nic.rx_missed);
    add_u64(d, "nic_rx_errors", p.nic.rx_errors);
    add_u64(d, "nic_tx_errors", p.nic.tx_errors);
    add_u64(d, "nic_rx_nombuf", p.nic.rx_nombuf);
  }
}

// /mcsnoop/ports: every port, one dict each; /mcsnoop/ports,NAME: that port with drops by reason.
int ports_cmd(const char*, const char* params, rte_tel_data* d) {
  const auto s = current(d);
  if (!s) return 0;
  rte_tel_data_start_dict(d);
  if (params != nullptr && *params != '\0') {
    for (const PortSnapshot& p : s->ports) {
      if (p.name != params) continue;
      port_dict(d, p);
      add_drops(d, "drops_by_reason", p.counters);
      return 0;
    }
    return -EINVAL;
  }
  size_t listed = 0;
  for (const PortSnapshot& p : s->ports) {
    if (++listed > RTE_TEL_MAX_DICT_ENTRIES) break;
    rte_tel_data* pd = rte_tel_data_alloc();
    if (pd == nullptr) return -ENOMEM;
    rte_tel_data_start_dict(pd);
    port_dict(pd, p);
    if (rte_tel_data_add_dict_container(d, dict_key(p.name).c_str(), pd, 0) != 0) rte_tel_data_free(pd);
  }
  return 0;
}

// /mcsnoop/groups: totals and the groups and router ports of the first VLANs by id;
// /mcsnoop/groups,VLAN: that VLAN.
int groups_cmd(const char*, const char* params, rte_tel_data* d) {
  const auto s = current(d);
  if (!s) return 0;
  rte_tel_data_start_dict(d);
  if (params != nullptr && *params != '\0') {
    unsigned id = 0;
    const char* end = params + std::strlen(params);
    const auto r = std::from_chars(params, end, id);
    if (r.ec != std::errc() || r.ptr != end) return -EINVAL;
    for (const VlanSnapshot& v : s->vlans) {
      if (v.id != id) continue;
      add_u64(d, "vlan", v.id);
      add_u64(d, "groups", v.groups);
      add_u64(d, "router_ports_ipv4", v.router_ports_v4);
      add_u64(d, "router_ports_ipv6", v.router_ports_v6);
      return 0;
    }
    return -EINVAL;
  }
  add_u64(d, "groups", s->table.groups);
  add_u64(d, "static_groups", s->table.static_groups);
  add_u64(d, "sources", s->table.sources);
  add_u64(d, "mft_entries", s->mft_entries);
  add_u64(d, "vlans", s->vlans.size());
  rte_tel_data* groups = rte_tel_data_alloc();
  rte_tel_data* routers = rte_tel_data_alloc();
  if (groups == nullptr || routers == nullptr) {
    rte_tel_data_free(groups);
    rte_tel_data_free(routers);
    return -ENOMEM;
  }
  rte_tel_data_start_dict(groups);
  rte_tel_data_start_dict(routers);
  size_t listed = 0;
  for (const VlanSnapshot& v : s->vlans) {
    if (listed++ == kMaxVlansListed) break;
    const std::string id = std::to_string(v.id);
    rte_tel_data_add_dict_u64(groups, id.c_str(), v.groups);
    rte_tel_data_add_dict_u64(routers, id.c_str(), uint64_t{v.router_ports_v4} + v.router_ports_v6);
  }
  add_u64(d, "vlans_listed", std::min(s->vlans.size(), kMaxVlansListed));
  if (rte_tel_data_add_dict_container(d, "groups_by_vlan", groups, 0) != 0) rte_tel_data_free(groups);
  if (rte_tel_data_add_dict_container(d, "router_ports_by_vlan", routers, 0) != 0) rte_tel_data_free(routers);
  return 0;
}

void register_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    rte_telemetry_register_cmd("/mcsnoop/stats", stats_cmd,
                               "mcsnoop switch-wide counters, table sizes and drops by reason. No parameters");
    rte_telemetry_register_cmd("/mcsnoop/ports", ports_cmd,
                               "mcsnoop per-port counters. Parameter: a port name for one port with drops by reason");
    rte_telemetry_register_cmd("/mcsnoop/groups", groups_cmd,
                               "mcsnoop group summary: totals and groups and router ports per VLAN. "
                               "Parameter: a VLAN id");
  });
}

}  // namespace

std::shared_ptr<const SwitchSnapshot> published_snapshot() {
  Board& b = board();
  std::lock_guard lock(b.mutex);
  return b.snapshot;
}

TelemetryPublisher::TelemetryPublisher() { register_once(); }

TelemetryPublisher::~TelemetryPublisher() {
  Board& b = board();
  std::lock_guard lock(b.mutex);
  if (b.owner == this) {
    b.snapshot.reset();
    b.owner = nullptr;
  }
}

bool TelemetryPublisher::publish(std::shared_ptr<const SwitchSnapshot> snap) {
  Board& b = board();
  std::unique_lock lock(b.mutex, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  b.snapshot.swap(snap);  // the previous one is released after the unlock, below
  b.owner = this;
  lock.unlock();
  return true;
}

}  // namespace mcsnoop::control
