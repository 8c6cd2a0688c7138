#include "wiring.hpp"

#include "eal_devices.hpp"

#include <algorithm>

#include "mcsnoop/net/ethernet.hpp"

namespace mcsnoop::app {

namespace {

constexpr uint64_t kMaxMftCapacity = uint64_t{1} << 24;  // mft::Table clamps to this

snoop::RouterMode to_engine(config::RouterMode m) {
  switch (m) {
    case config::RouterMode::Always: return snoop::RouterMode::Always;
    case config::RouterMode::Never: return snoop::RouterMode::Never;
    case config::RouterMode::Auto: break;
  }
  return snoop::RouterMode::Auto;
}

snoop::UnregisteredPolicy to_engine(config::UnregisteredPolicy p) {
  switch (p) {
    case config::UnregisteredPolicy::RouterPorts: return snoop::UnregisteredPolicy::RouterPorts;
    case config::UnregisteredPolicy::Drop: return snoop::UnregisteredPolicy::Drop;
    case config::UnregisteredPolicy::Flood: break;
  }
  return snoop::UnregisteredPolicy::Flood;
}

// ports[].forward_reserved, bpdu, max_macs and storm_control.
void add_bridge_protection(const config::Port& p, dataplane::PortSpec& ps) {
  for (uint8_t b : p.forward_reserved) ps.forward_reserved |= static_cast<uint16_t>(1u << b);
  switch (p.bpdu) {
    case config::BpduMode::Flood: ps.bpdu = dataplane::BpduMode::Flood; break;
    case config::BpduMode::Drop: ps.bpdu = dataplane::BpduMode::Drop; break;
    case config::BpduMode::Guard: ps.bpdu = dataplane::BpduMode::Guard; break;
  }
  ps.max_macs = p.max_macs;
  ps.storm = {p.storm_control.broadcast, p.storm_control.unknown_unicast,
              p.storm_control.unregistered_multicast};
}

}  // namespace

dataplane::SwitchSpec make_switch_spec(const config::Config& cfg) {
  dataplane::SwitchSpec s;
  for (const config::Port& p : cfg.ports) {
    dataplane::PortSpec ps;
    ps.name = p.name;
    ps.device = p.device;
    ps.mode = p.vlan_mode == config::VlanMode::Access ? dataplane::VlanMode::Access : dataplane::VlanMode::Trunk;
    ps.access_vlan = p.vlan;
    ps.allowed_vlans = p.allowed_vlans;
    ps.native_vlan = p.native_vlan.value_or(0);
    ps.punt_rate_pps = p.igmp_rate_limit;
    ps.mtu = p.mtu;
    add_bridge_protection(p, ps);
    s.ports.push_back(std::move(ps));
  }
  for (const config::Vlan& v : cfg.vlans) {
    dataplane::VlanSpec vs;
    vs.id = v.id;
    vs.snoop_igmp = v.snooping;
    vs.snoop_mld = v.snooping && v.effective.mld;
    s.vlans.push_back(vs);
  }
  s.lcores.control = cfg.cores.control;
  s.lcores.workers = cfg.cores.workers;
  s.lcores.rx = cfg.cores.rx;
  s.lcores.tx = cfg.cores.tx;
  s.mac_table_size = cfg.mac_table.size;
  s.mac_aging = cfg.mac_table.aging_time;
  s.mac_move_limit = cfg.mac_table.move_limit;
  s.mft_capacity = mft_capacity(cfg);
  return s;
}

// Every MFT key comes from the engine: one (*,G) per group and one (S,G) per distinct source
// of a group, so the keys are at most the learned groups plus the source states (both capped
// by the engine's table limits) plus the static entries. The margin covers a group whose
// sources all change in one update (removals and insertions of one batch are applied in
// address order, so insertions may come first) and keys whose slots wait for their RCU grace
// period. With it the engine always refuses before the MFT can.
uint32_t mft_capacity(const config::Config& cfg) {
  static_assert(snoop::kMaxSourcesPerGroup == 1024, "config::detail::kMaxSourcesPerGroup agrees");
  uint64_t static_keys = 0;
  for (const config::Vlan& v : cfg.vlans) static_keys += 2 * v.static_groups.size();
  uint32_t per_group = 0;
  for (const config::Port& p : cfg.ports) per_group = std::max(per_group, p.max_sources_per_group);
  const uint64_t engine_keys = uint64_t{cfg.snooping.max_groups} + cfg.snooping.max_sources + static_keys;
  const uint64_t margin = engine_keys / 8 + uint64_t{kMaxPorts} * per_group;
  return static_cast<uint32_t>(std::clamp<uint64_t>(engine_keys + margin, 1024, kMaxMftCapacity));
}

snoop::EngineConfig make_engine_config(const config::Config& cfg, const std::array<uint8_t, 6>& switch_mac) {
  snoop::EngineConfig e;
  e.max_groups = cfg.snooping.max_groups;
  e.max_sources = cfg.snooping.max_sources;
  for (const config::Port& p : cfg.ports) {
    snoop::PortConfig pc;
    pc.router = to_engine(p.multicast_router);
    pc.fast_leave = p.fast_leave;
    pc.max_groups = p.max_groups;
    pc.max_sources_per_group = p.max_sources_per_group;
    pc.max_sources = p.max_sources;
    pc.flood_unregistered = p.flood_unregistered;
    pc.flood_reports = p.flood_reports;
    pc.router_guard = p.router_guard;
    e.ports.push_back(pc);
  }
  for (const config::Vlan& v : cfg.vlans) {
    snoop::VlanConfig vc;
    vc.id = v.id;
    vc.snooping = v.snooping;
    vc.mld = v.effective.mld;
    vc.timers.robustness = v.effective.robustness;
    vc.timers.query_interval = v.effective.query_interval;
    vc.timers.query_response_interval = v.effective.query_response_interval;
    vc.timers.last_member_query_interval = v.effective.last_member_query_interval;
    vc.timers.last_member_query_count = v.effective.last_member_query_count;
    vc.unregistered = to_engine(v.effective.unregistered);
    vc.querier.enabled = v.querier.enabled;
    vc.querier.address = v.querier.address;
    vc.querier.version = v.querier.version;
    vc.querier.address6 = v.querier.address6;
    if (v.querier.enabled && !vc.querier.address6)
      vc.querier.address6 = net::link_local_from_mac(net::MacAddr{switch_mac});
    vc.querier.mld_version = v.querier.mld_version;
    for (const config::StaticGroup& g : v.static_groups)
      vc.static_groups.push_back(snoop::StaticGroup{g.group, g.source, g.ports});
    vc.members = v.members;
    vc.mrd_solicit = v.effective.mrd_solicit;
    // Only a VLAN's own max_groups limits it; the inherited value is the table's limit.
    vc.max_groups = v.overrides.max_groups.value_or(0);
    e.vlans.push_back(std::move(vc));
  }
  return e;
}

std::vector<std::string> make_eal_args(const config::Config& cfg, const std::string& argv0,
                                       const std::vector<std::string>& extra) {
  std::vector<std::string> args{argv0};
  args.insert(args.end(), cfg.dpdk.eal_args.begin(), cfg.dpdk.eal_args.end());
  const EalDeviceArgs devices = eal_device_args(cfg, extra);
  args.insert(args.end(), devices.args.begin(), devices.args.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace mcsnoop::app
