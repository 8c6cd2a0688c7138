// From membership state to the sets the data plane forwards with, published as changes only.
//
// Lookup order on the data plane: (S,G), then (*,G), then the VLAN's unregistered set. So:
//  * (*,G) exists while the group has any state, and holds the EXCLUDE-mode ports, the static
//    (*,G) ports and the router ports. INCLUDE-mode ports are not in it (RFC 3376 6.3).
//  * (S,G) exists for every source any membership lists, and holds the INCLUDE ports that
//    list S with a running timer, plus every EXCLUDE port except those that block S (S in Y):
//    the EXCLUDE ports are pre-merged, so the data plane never does set algebra (RFC 4541
//    2.1.2(7), the superset rule).
//  * Router ports of the family are in every set (RFC 4541 2.1.2(1)).
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

void Engine::Impl::collect_sources(const Group& g) {
  all_sources.clear();
  for (const Membership& m : g.members) {
    for (const SourceTimer& s : m.sources) all_sources.push_back(s.addr);
  }
  for (const SourcePorts& s : g.static_sources) all_sources.push_back(s.addr);
  std::sort(all_sources.begin(), all_sources.end());
  all_sources.erase(std::unique(all_sources.begin(), all_sources.end()), all_sources.end());
}

PortMask Engine::Impl::source_ports(const Group& g, const net::IpAddr& s) const {
  PortMask ports = g.static_star;
  for (const SourcePorts& st : g.static_sources) {
    if (st.addr == s) ports |= st.ports;
  }
  for (const Membership& m : g.members) {
    const SourceTimer* t = m.find_source(s);
    const bool forwards = m.mode == FilterMode::Include ? (t != nullptr && t->running())
                                                        : (t == nullptr || t->running());
    if (forwards) ports.set(m.port);
  }
  return ports;
}

void Engine::Impl::publish_group(Group& g, PortMask routers, Actions& out) {
  PortMask star = g.static_star | routers;
  for (const Membership& m : g.members) {
    if (m.mode == FilterMode::Exclude) star.set(m.port);
  }
  if (!g.star_published || g.star_ports != star) {
    out.fwd.push_back(FwdUpdate{g.vlan, g.addr, std::nullopt, star, false});
    g.star_published = true;
    g.star_ports = star;
  }
  if (g.published.empty() && g.static_sources.empty() &&
      std::all_of(g.members.begin(), g.members.end(), [](const Membership& m) { return m.sources.empty(); })) {
    return;  // the common any-source case: no (S,G) state at all
  }
  collect_sources(g);
  pub_scratch.clear();
  for (const net::IpAddr& s : all_sources) pub_scratch.push_back(SourcePorts{s, source_ports(g, s) | routers});
  // Merge the old and new sorted lists; emit only what differs.
  auto old_it = g.published.begin();
  auto new_it = pub_scratch.begin();
  while (old_it != g.published.end() || new_it != pub_scratch.end()) {
    if (new_it == pub_scratch.end() || (old_it != g.published.end() && old_it->addr < new_it->addr)) {
      out.fwd.push_back(FwdUpdate{g.vlan, g.addr, old_it->addr, PortMask(), true});
      ++old_it;
    } else if (old_it == g.published.end() || new_it->addr < old_it->addr) {
      out.fwd.push_back(FwdUpdate{g.vlan, g.addr, new_it->addr, new_it->ports, false});
      ++new_it;
    } else {
      if (old_it->ports != new_it->ports) {
        out.fwd.push_back(FwdUpdate{g.vlan, g.addr, new_it->addr, new_it->ports, false});
      }
      ++old_it;
      ++new_it;
    }
  }
  // Cannot be refused: at most kMaxPorts memberships of kMaxSourcesPerGroup sources plus the
  // configured static sources, far below what the list's uint32_t counts.
  static_assert(uint64_t{kMaxPorts} * kMaxSourcesPerGroup < CompactVec<SourcePorts>::kMaxSize / 2);
  static_cast<void>(g.published.assign(pub_scratch));
}

void Engine::Impl::unpublish_group(Group& g, Actions& out) {
  for (const SourcePorts& s : g.published) {
    out.fwd.push_back(FwdUpdate{g.vlan, g.addr, s.addr, PortMask(), true});
  }
  g.published.clear();
  if (g.star_published) out.fwd.push_back(FwdUpdate{g.vlan, g.addr, std::nullopt, PortMask(), true});
  g.star_published = false;
}

void Engine::Impl::publish_unregistered(VlanState& vs, FamilyState& fs, Actions& out) {
  const PortMask members = vs.cfg.members;
  PortMask forced;  // flood_unregistered ports always receive unregistered multicast
  members.for_each([&](PortId p) {
    if (port_cfg(p).flood_unregistered) forced.set(p);
  });
  PortMask set = members;  // not snooped: flooded like any multicast
  if (fs.active) {
    switch (vs.cfg.unregistered) {
      case UnregisteredPolicy::Flood: set = members; break;
      case UnregisteredPolicy::RouterPorts: set = (fs.routers.ports() | forced) & members; break;
      case UnregisteredPolicy::Drop: set = forced; break;  // documented deviation: no router ports
    }
  }
  if (fs.unreg_published && fs.unreg == set) return;
  fs.unreg_published = true;
  fs.unreg = set;
  out.unregistered.push_back(UnregisteredUpdate{vs.cfg.id, fs.family, set});
}

}  // namespace mcsnoop::snoop
