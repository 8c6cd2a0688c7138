// snoop::Engine: the detailed views (show groups detail, show querier, show routers), the
// per-type message counters and `clear groups`. Read-only walks over the engine's state,
// except clear_groups().
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

namespace {

Ms time_left(Ms until, Ms now) { return until == kNever ? Ms{0} : std::max(Ms{0}, until - now); }

uint8_t compat_version(net::Family f, net::Compat c) {
  const auto v = static_cast<uint8_t>(c);
  return f == net::Family::V6 ? static_cast<uint8_t>(v - 1) : v;  // MLD: V2 = MLDv1, V3 = MLDv2
}

bool filter_group(const GroupFilter& f, VlanId vlan, const net::IpAddr& group) {
  return (!f.vlan || *f.vlan == vlan) && (!f.group || *f.group == group);
}

}  // namespace

const MsgCounters& Engine::rx_messages(PortId port) const {
  static const MsgCounters kNone{};
  return port < kMaxPorts ? impl_->rx_msgs[port] : kNone;
}

bool Engine::group_keys_slice(size_t& cursor, size_t max, const GroupFilter& filter,
                              std::vector<GroupKey>& out) const {
  const Impl& im = *impl_;
  for (size_t taken = 0; cursor < im.groups.size(); ++cursor) {
    if (taken >= max) return false;
    const Group& g = im.groups[cursor];
    if (!g.live || !filter_group(filter, g.vlan, g.addr)) continue;
    if (filter.port && !(g.member_ports() | g.static_star).test(*filter.port)) {
      // A port with only static (S,G) entries is a member too.
      bool in_static = false;
      for (const SourcePorts& s : g.static_sources) in_static |= s.ports.test(*filter.port);
      if (!in_static) continue;
    }
    out.push_back(GroupKey{g.vlan, g.addr});
    ++taken;
  }
  return true;
}

void Engine::group_views(const GroupKey& key, const GroupFilter& filter, Ms now, std::vector<GroupView>& out) const {
  Impl& im = *impl_;
  if (!filter_group(filter, key.vlan, key.group)) return;
  const Group* g = im.find_group(key.vlan, key.group);
  if (g == nullptr) return;
  const auto keep = [&](PortMask ports) { return !filter.port || ports.test(*filter.port); };
  bool exclude = !g->static_star.empty();
  Ms expires{0};
  for (const Membership& m : g->members) {
    exclude |= m.mode == FilterMode::Exclude;
    Ms left{0};
    if (m.mode == FilterMode::Exclude) {
      left = time_left(m.group_expires, now);
    } else {
      for (const SourceTimer& s : m.sources) left = std::max(left, time_left(s.expires, now));
    }
    expires = std::max(expires, left);
  }
  const PortMask star = g->member_ports() | g->static_star;
  if (keep(star)) out.push_back(GroupView{g->vlan, g->addr, std::nullopt, exclude, star, g->members.empty(), expires});
  im.collect_sources(*g);
  for (const net::IpAddr& s : im.all_sources) {
    Ms src_left{0};
    bool dynamic = false;
    for (const Membership& m : g->members) {
      if (const SourceTimer* t = m.find_source(s)) {
        dynamic = true;
        if (t->running()) src_left = std::max(src_left, time_left(t->expires, now));
      }
    }
    const PortMask ports = im.source_ports(*g, s);
    if (keep(ports)) out.push_back(GroupView{g->vlan, g->addr, s, exclude, ports, !dynamic, src_left});
  }
}

void Engine::member_views(const GroupKey& key, const GroupFilter& filter, Ms now, std::vector<MemberView>& out) const {
  Impl& im = *impl_;
  if (!filter_group(filter, key.vlan, key.group)) return;
  const Group* g = im.find_group(key.vlan, key.group);
  if (g == nullptr) return;
  const net::Family fam = g->addr.family();
  PortMask ports = g->member_ports() | g->static_star;
  for (const SourcePorts& s : g->static_sources) ports |= s.ports;
  ports.for_each([&](PortId p) {
    if (filter.port && *filter.port != p) return;
    MemberView v;
    v.vlan = g->vlan;
    v.group = g->addr;
    v.port = p;
    const Membership* m = const_cast<Group*>(g)->find_member(p);
    v.is_static = m == nullptr;
    if (m != nullptr) {
      v.exclude = m->mode == FilterMode::Exclude;
      v.compat = compat_version(fam, m->compat(now));
      for (const SourceTimer& s : m->sources) {
        v.sources.push_back({s.addr, s.running() ? time_left(s.expires, now) : Ms{0}, !s.running(), false});
        if (!v.exclude) v.expires = std::max(v.expires, time_left(s.expires, now));
      }
      if (v.exclude) v.expires = time_left(m->group_expires, now);
      Ms latest = Ms::min();
      for (const TrackedHost& h : m->hosts) {
        if (h.expires <= now) continue;  // purged lazily by the next report
        v.hosts.push_back({h.addr, time_left(h.expires, now)});
        // Every report sets its host's timer to now + GMI: the latest expiry was heard last.
        if (h.expires > latest) {
          latest = h.expires;
          v.last_reporter = h.addr;
        }
      }
      std::sort(v.hosts.begin(), v.hosts.end(), [](const auto& a, const auto& b) { return a.addr < b.addr; });
      v.hosts_overflow = m->hosts_overflow;
      // Whole seconds, as RFC 9166's up-time (joined_s is kept in seconds).
      v.up_time = Ms{std::max<int64_t>(0, now.count() / 1000 - int64_t{m->joined_s}) * 1000};
    } else {
      v.exclude = g->static_star.test(p);
      v.compat = compat_version(fam, net::Compat::V3);
    }
    for (const SourcePorts& s : g->static_sources) {
      if (!s.ports.test(p)) continue;
      const auto it = std::find_if(v.sources.begin(), v.sources.end(), [&](const auto& x) { return x.addr == s.addr; });
      if (it != v.sources.end()) {
        it->is_static = true;
      } else {
        v.sources.push_back({s.addr, Ms{0}, false, true});
      }
    }
    std::sort(v.sources.begin(), v.sources.end(), [](const auto& a, const auto& b) { return a.addr < b.addr; });
    out.push_back(std::move(v));
  });
}

std::vector<RouterDetail> Engine::router_details(Ms now) const {
  std::vector<RouterDetail> out;
  for (const VlanState& vs : impl_->vlans) {
    for (const FamilyState& fs : vs.fam) {
      (fs.routers.ports() & vs.cfg.members).for_each([&](PortId p) {
        const RouterTimers& t = fs.routers.timers[p];
        const bool learned = fs.routers.learned.test(p);
        out.push_back(RouterDetail{vs.cfg.id, fs.family, p, fs.routers.fixed.test(p),
                                   learned ? time_left(t.query_until, now) : Ms{0},
                                   learned ? time_left(t.pim_until, now) : Ms{0},
                                   learned ? time_left(t.mrd_until, now) : Ms{0}});
      });
    }
  }
  return out;
}

std::vector<QuerierDetail> Engine::querier_details(Ms now) const {
  const Impl& im = *impl_;
  const std::vector<QuerierView> views = queriers(now);
  std::vector<QuerierDetail> out;
  size_t i = 0;
  for (const VlanState& vs : im.vlans) {
    for (const FamilyState& fs : vs.fam) {
      if (!fs.active) continue;  // queriers() lists the active ones, in this order
      QuerierDetail d;
      d.view = views.at(i++);
      const QuerierState& q = fs.querier;
      const Params p = im.params(vs, fs, now);
      d.robustness = p.robustness;
      d.query_interval = p.query_interval;
      d.query_response_interval = p.query_response_interval;
      d.own_enabled = q.own_enabled;
      if (d.view.self) {
        d.next_query = time_left(q.next_general, now);
      } else if (d.view.querier) {
        d.port = q.other_port;
      }
      out.push_back(d);
    }
  }
  return out;
}

size_t Engine::clear_groups(std::optional<VlanId> vlan, std::optional<PortId> port, Ms now, Actions& out) {
  Impl& im = *impl_;
  size_t removed = 0;
  for (VlanState& vs : im.vlans) {
    if (vlan && *vlan != vs.cfg.id) continue;
    // settle_group() may delete a group, which swap-removes it from vs.groups: walk a copy.
    const std::vector<uint32_t> slots = vs.groups;
    for (uint32_t slot : slots) {
      Group& g = im.groups[slot];
      if (!g.live) continue;
      const PortMask gone = port ? (g.member_ports() & PortMask::of(*port)) : g.member_ports();
      if (gone.empty()) continue;
      gone.for_each([&](PortId p) { im.remove_member(g, p); });
      removed += gone.count();
      im.settle_group(g, true, now, out);
    }
    // Hosts answer a general query at once: memberships come back within one response interval.
    for (FamilyState& fs : vs.fam) {
      if (fs.active && im.querier_is_self(fs, now)) im.send_general_query(vs, fs, now, out);
    }
  }
  im.bound_timers();
  return removed;
}

}  // namespace mcsnoop::snoop
