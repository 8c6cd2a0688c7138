// Engine::group_ports(): one group's state port by port, for `explain` on the control socket.
//
// It reports what the forwarding sets are made of (forwarding.cpp), so that the control plane
// can say why the data plane's answer is what it is: router ports are in every set of the
// family; (*,G) holds the EXCLUDE-mode ports and static (*,G) ports; (S,G) holds the ports
// that list S with a running timer and the EXCLUDE-mode ports that do not block it.
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

namespace {

Ms time_left(Ms until, Ms now) { return until == kNever ? Ms{0} : std::max(Ms{0}, until - now); }

uint8_t compat_number(net::Family f, net::Compat c) {
  const auto v = static_cast<uint8_t>(c);
  return f == net::Family::V6 ? static_cast<uint8_t>(v - 1) : v;  // MLD: V2 = MLDv1, V3 = MLDv2
}

// Router state of `p`: static, or learned by the signals whose timers still run.
void describe_router(const RouterState& r, PortId p, Ms now, PortGroupView& v) {
  v.router_static = r.fixed.test(p);
  if (r.learned.test(p)) {
    const RouterTimers& t = r.timers[p];
    v.router_by_query = t.query_until > now;
    v.router_by_pim = t.pim_until > now;
    v.router_by_mrd = t.mrd_until > now;
    v.router_expires = time_left(t.until(), now);
  }
  v.router = v.router_static || r.learned.test(p);
}

void describe_member(const Membership& m, net::Family f, const std::optional<net::IpAddr>& source,
                     Ms now, PortGroupView& v) {
  v.member = true;
  v.exclude = m.mode == FilterMode::Exclude;
  v.compat = compat_number(f, m.compat(now));
  v.sources = static_cast<uint32_t>(m.sources.size());
  Ms latest = v.exclude ? time_left(m.group_expires, now) : Ms{0};
  for (const SourceTimer& s : m.sources)
    if (s.running()) latest = std::max(latest, time_left(s.expires, now));
  v.expires = latest;
  if (!source) return;
  // The same test as source_ports() (forwarding.cpp) makes for the (S,G) set.
  const SourceTimer* t = m.find_source(*source);
  if (t == nullptr) {
    v.source = PortGroupView::Source::Unlisted;
  } else {
    v.source = t->running() ? PortGroupView::Source::Forwarded : PortGroupView::Source::Blocked;
  }
}

}  // namespace

GroupPortsView Engine::group_ports(VlanId vlan, const net::IpAddr& group,
                                   const std::optional<net::IpAddr>& source, Ms now) const {
  Impl& im = *impl_;
  GroupPortsView out;
  out.ports.resize(im.cfg.ports.size());
  for (PortId p = 0; p < out.ports.size(); ++p) {
    const PortConfig& pc = im.port_cfg(p);
    out.ports[p].flood_unregistered = pc.flood_unregistered;
    out.ports[p].group_limit_reached = pc.max_groups != 0 && im.port_groups[p] >= pc.max_groups;
  }
  const VlanState* vs = im.vlan_state(vlan);
  if (vs == nullptr) return out;
  out.vlan_known = true;
  out.unregistered = vs->cfg.unregistered;
  const net::Family family = group.family();
  const FamilyState& fs = vs->of(family);
  out.snooped = fs.active;
  for (PortId p = 0; p < out.ports.size(); ++p) {
    if (vs->cfg.members.test(p)) describe_router(fs.routers, p, now, out.ports[p]);
  }
  const Group* g = im.find_group(vlan, group);
  if (g == nullptr) return out;
  out.group_known = true;
  for (const Membership& m : g->members) {
    if (m.port < out.ports.size()) describe_member(m, family, source, now, out.ports[m.port]);
  }
  g->static_star.for_each([&](PortId p) {
    if (p < out.ports.size()) out.ports[p].static_any = true;
  });
  if (source) {
    for (const SourcePorts& s : g->static_sources) {
      if (s.addr != *source) continue;
      s.ports.for_each([&](PortId p) {
        if (p < out.ports.size()) out.ports[p].static_source = true;
      });
    }
  }
  return out;
}

}  // namespace mcsnoop::snoop
