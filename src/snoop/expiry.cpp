// Time and link state: advance() runs what is due in the timer queue; link changes flush a
// port (RFC 4541 2.1.1(4), E8) or send a general query into its VLANs.
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

void Engine::Impl::arm_group(Group& g) {
  Ms next = kNever;
  for (const Membership& m : g.members) next = std::min(next, m.next_expiry());
  for (const PendingQuery& pq : g.pending) {
    if (pq.remaining > 0) next = std::min(next, pq.next_at);
  }
  timers.arm(g.armed_at, next, TimerKind::Group, slot_of(g), g.gen);
}

void Engine::Impl::run_group_timers(Group& g, Ms now, Actions& out) {
  bool changed = false;
  for (size_t i = 0; i < g.members.size();) {
    Membership& m = g.members[i];
    changed |= expire_member(m, now);
    if (m.is_empty()) {
      ++counters.groups_expired;
      remove_member(g, m.port);
      changed = true;
      continue;
    }
    ++i;
  }
  VlanState& vs = vlans[g.vlan_slot];
  FamilyState& fs = vs.of(g.addr.family());
  for (PendingQuery& pq : g.pending) {
    if (pq.remaining > 0 && pq.next_at <= now) send_pending(vs, fs, g, pq, now, out);
  }
  std::erase_if(g.pending, [](const PendingQuery& pq) { return pq.remaining == 0; });
  settle_group(g, changed, now, out);
}

void Engine::Impl::link_down(PortId port, Ms now, Actions& out) {
  link_up_mask.reset(port);
  for (VlanState& vs : vlans) {
    if (!vs.cfg.members.test(port)) continue;
    for (FamilyState& fs : vs.fam) {
      RouterState& rs = fs.routers;
      if (!rs.learned.test(port)) continue;
      rs.timers[port] = RouterTimers{};
      rs.learned.reset(port);
      if (!rs.fixed.test(port)) routers_changed(vs, fs, out);
    }
    // Backwards, because deleting a group swaps the VLAN's last group into its place.
    for (size_t i = vs.groups.size(); i-- > 0;) {
      Group& g = groups[vs.groups[i]];
      if (g.find_member(port) == nullptr) continue;
      remove_member(g, port);
      settle_group(g, true, now, out);
    }
  }
}

void Engine::Impl::link_up(PortId port, Ms now, Actions& out) {
  link_up_mask.set(port);
  for (VlanState& vs : vlans) {
    if (!vs.cfg.members.test(port)) continue;
    for (FamilyState& fs : vs.fam) {
      if (fs.active) request_topology_query(vs, fs, now, out);
    }
  }
}

bool Engine::Impl::timer_current(const TimerEvent& e) const {
  switch (e.kind) {
    case TimerKind::Group: {
      const Group& g = groups[e.a];
      return g.live && g.gen == e.b && g.armed_at == e.when;
    }
    case TimerKind::Routers:
      return vlans[e.a].fam[e.b].routers.armed_at == e.when;
    case TimerKind::Querier:
      return vlans[e.a].fam[e.b].querier.armed_at == e.when;
  }
  return false;
}

void Engine::Impl::bound_timers() {
  // Each owner (a group, or a VLAN family's routers or querier) has one current event.
  const size_t owners = size_t{live_groups} + vlans.size() * 4;
  if (timers.size() <= 2 * owners + kTimerQueueSlack) return;
  timers.compact([this](const TimerEvent& e) { return timer_current(e); });
}

void Engine::advance(Ms now, Actions& out) {
  Impl& im = *impl_;
  while (im.timers.top_time() <= now) {
    const TimerEvent e = im.timers.pop();
    switch (e.kind) {
      case TimerKind::Group: {
        Group& g = im.groups[e.a];
        if (!g.live || g.gen != e.b || g.armed_at != e.when) break;  // stale event
        g.armed_at = kNever;
        im.run_group_timers(g, now, out);
        break;
      }
      case TimerKind::Routers: {
        VlanState& vs = im.vlans[e.a];
        FamilyState& fs = vs.fam[e.b];
        if (fs.routers.armed_at != e.when) break;
        fs.routers.armed_at = kNever;
        im.age_routers(vs, fs, now, out);
        break;
      }
      case TimerKind::Querier: {
        VlanState& vs = im.vlans[e.a];
        FamilyState& fs = vs.fam[e.b];
        if (fs.querier.armed_at != e.when) break;
        fs.querier.armed_at = kNever;
        im.run_querier(vs, fs, now, out);
        break;
      }
    }
  }
  im.bound_timers();
}

}  // namespace mcsnoop::snoop
