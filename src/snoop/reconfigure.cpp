// Static entries and live reconfiguration of the engine (Engine::reconfigure, engine.hpp).
//
// A reload keeps every piece of learned state and re-derives only what the configuration
// decides: the pinned router ports, our querier's role, the active families, the static entries
// and the sets published from them. Each publication step only emits differences (publish_group,
// publish_unregistered), so a setting that did not change sends nothing to the data plane.
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

// ---- static entries ------------------------------------------------------------------------

Group* Engine::Impl::add_static(VlanState& vs, const StaticGroup& sg) {
  const FamilyState& fs = vs.of(sg.group.family());
  if (!fs.active || !sg.group.is_multicast() || sg.group.is_unsnoopable_group()) return nullptr;
  if (sg.source && (sg.source->family() != sg.group.family() || sg.source->is_multicast() ||
                    sg.source->is_unspecified())) {
    return nullptr;
  }
  Group* g = find_group(vs.cfg.id, sg.group);
  if (g == nullptr) g = create_group(vs, sg.group, /*learned=*/false);
  if (g == nullptr) return nullptr;
  const bool was_static = !g->static_star.empty() || !g->static_sources.empty();
  const PortMask ports = sg.ports & vs.cfg.members;
  if (!sg.source) {
    g->static_star |= ports;
  } else {
    const SourcePorts* it = std::lower_bound(g->static_sources.begin(), g->static_sources.end(), *sg.source,
                                             [](const SourcePorts& s, const net::IpAddr& a) { return s.addr < a; });
    const auto pos = static_cast<uint32_t>(it - g->static_sources.begin());
    const bool present = it != g->static_sources.end() && it->addr == *sg.source;
    // The list holds one entry per configured static source: it cannot reach kMaxSize.
    if (present || g->static_sources.insert(pos, SourcePorts{*sg.source, PortMask()})) {
      g->static_sources[pos].ports |= ports;
    }
  }
  if (!was_static && (!g->static_star.empty() || !g->static_sources.empty())) mark_static(*g);
  return g;
}

void Engine::Impl::clear_static(Group& g) {
  if (g.static_star.empty() && g.static_sources.empty()) return;
  g.static_star = PortMask();
  g.static_sources.clear();
  // Learned again (mark_static undone): delete_group() expects every deleted group to be.
  ++learned_groups;
  ++vlans[g.vlan_slot].learned_groups;
}

// Every static entry of the VLAN is removed and the new file's are added; only then is each
// group touched settled, so a group whose entries did not change publishes nothing and a
// group that keeps learned members is not deleted on the way.
void Engine::Impl::reconfigure_statics(VlanState& vs, Ms now, Actions& out) {
  std::vector<uint32_t> touched;
  for (uint32_t slot : vs.groups) {
    Group& g = groups[slot];
    if (g.static_star.empty() && g.static_sources.empty()) continue;
    clear_static(g);
    touched.push_back(slot);
  }
  if (vs.cfg.snooping) {
    for (const StaticGroup& sg : vs.cfg.static_groups) {
      if (Group* g = add_static(vs, sg)) touched.push_back(slot_of(*g));
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint32_t slot : touched) {
    Group& g = groups[slot];
    if (!g.live) continue;
    settle_group(g, true, now, out);
  }
}

// ---- families, routers, querier ------------------------------------------------------------

PortMask Engine::Impl::fixed_routers(const VlanConfig& vc) const {
  PortMask fixed;
  vc.members.for_each([&](PortId p) {
    // Guard wins over `always`: a guarded port is never a router port.
    if (port_cfg(p).router == RouterMode::Always && !port_cfg(p).router_guard) fixed.set(p);
  });
  return fixed;
}

// Snooping of the family was turned off: what it learned is dropped (its multicast is flooded
// from now on, as in a VLAN that never snooped).
void Engine::Impl::flush_family(VlanState& vs, FamilyState& fs, Actions& out) {
  // Backwards, because deleting a group swaps the VLAN's last group into its place.
  for (size_t i = vs.groups.size(); i-- > 0;) {
    Group& g = groups[vs.groups[i]];
    if (g.addr.family() != fs.family) continue;
    clear_static(g);
    delete_group(g, out);
  }
  fs.routers.timers.fill(RouterTimers{});
  fs.routers.learned = PortMask();
  fs.querier = QuerierState{};
}

void Engine::Impl::reconfigure_querier(VlanState& vs, FamilyState& fs, const VlanConfig& before, Ms now) {
  QuerierState& q = fs.querier;
  const VlanConfig& vc = vs.cfg;
  const bool v4 = fs.family == net::Family::V4;
  const std::optional<net::IpAddr>& addr = v4 ? vc.querier.address : vc.querier.address6;
  const bool was_enabled = q.own_enabled;
  const net::IpAddr old_addr = q.own_addr;
  q.own_enabled = fs.active && vc.querier.enabled && addr.has_value() && !addr->is_unspecified() &&
                  addr->family() == fs.family;
  q.own_addr = q.own_enabled ? *addr : net::IpAddr();
  const uint8_t ver = v4 ? vc.querier.version : static_cast<uint8_t>(vc.querier.mld_version + 1);
  q.own_version = static_cast<net::Compat>(std::clamp<uint8_t>(ver, v4 ? 1 : 2, 3));
  if (!q.own_enabled) {
    q.startup_left = 0;
    q.next_general = kNever;
    return;
  }
  if (!was_enabled) {
    // As at start(): Startup Query Count general queries, a Startup Query Interval apart.
    q.startup_left = static_cast<uint8_t>(std::max<uint32_t>(vc.timers.robustness, 1));
    q.next_general = now;
  } else if (q.own_addr != old_addr && q.other_present && q.own_addr < q.other_addr) {
    // Our new address wins the election against the querier we had deferred to.
    q.other_present = false;
    q.other_qrv = 0;
    q.other_qqi_s = 0;
    q.other_mrt_ms = 0;
    q.next_general = now;
  }
  // A shorter query interval is in force from the next query on, not one old interval later.
  if (vc.timers.query_interval < before.timers.query_interval && q.next_general != kNever) {
    q.next_general = std::min(q.next_general, now + vc.timers.query_interval);
  }
}

void Engine::Impl::reconfigure_family(VlanState& vs, FamilyState& fs, Actions& out) {
  const bool was_active = fs.active;
  fs.active = vs.cfg.snooping && (fs.family == net::Family::V4 || vs.cfg.mld);
  if (was_active && !fs.active) flush_family(vs, fs, out);
  RouterState& rs = fs.routers;
  rs.fixed = fs.active ? fixed_routers(vs.cfg) : PortMask();
  // Ports that may no longer be routers (`never`, router guard) lose a learned role at once.
  rs.learned.for_each([&](PortId p) {
    if (port_cfg(p).router == RouterMode::Never || port_cfg(p).router_guard) {
      rs.learned.reset(p);
      rs.timers[p] = RouterTimers{};
    }
  });
  // Every set of the family again, with the new router ports and flood_unregistered ports and
  // the new unregistered policy; only what differs reaches the data plane.
  routers_changed(vs, fs, out);
}

bool Engine::Impl::same_shape(const EngineConfig& next) const {
  if (next.ports.size() != cfg.ports.size() || next.vlans.size() != cfg.vlans.size()) return false;
  for (const VlanConfig& vc : next.vlans) {
    if (vc.id >= vlan_slots.size() || vlan_slots[vc.id] == kNoVlan) return false;
    if (vlans[vlan_slots[vc.id]].cfg.members != vc.members) return false;
  }
  return true;
}

// ---- Engine ----------------------------------------------------------------------------------

bool Engine::reconfigure(const EngineConfig& next, Ms now, Actions& out) {
  Impl& im = *impl_;
  if (!im.same_shape(next)) return false;
  im.cfg.ports = next.ports;
  im.cfg.max_groups = next.max_groups;
  im.cfg.max_sources = next.max_sources;
  im.flood_reports = PortMask();
  for (PortId p = 0; p < im.cfg.ports.size() && p < kMaxPorts; ++p) {
    if (im.cfg.ports[p].flood_reports) im.flood_reports.set(p);
  }
  for (const VlanConfig& vc : next.vlans) {
    VlanState& vs = *im.vlan_state(vc.id);
    const VlanConfig before = vs.cfg;
    vs.cfg = vc;
    for (FamilyState& fs : vs.fam) {
      const bool was_active = fs.active;
      im.reconfigure_family(vs, fs, out);
      im.reconfigure_querier(vs, fs, before, now);
      if (!was_active && fs.active) fs.querier.topology_allowed = Ms{0};
      if (im.started && fs.querier.own_enabled) {
        im.run_querier(vs, fs, now, out);
      } else {
        im.arm_querier(vs, fs);
      }
    }
    im.reconfigure_statics(vs, now, out);
  }
  im.cfg.vlans = next.vlans;
  im.bound_timers();
  return true;
}

const EngineConfig& Engine::config() const { return impl_->cfg; }

}  // namespace mcsnoop::snoop
