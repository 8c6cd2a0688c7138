// Received queries, PIM hellos and MRD messages: router-port discovery (RFC 4541 2.1.1(1)),
// querier election input, and the snooping adaptation of RFC 3376 6.6.1.
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

bool Engine::Impl::router_guard_drops(const net::McastMessage& msg, PortId port, Actions& out) {
  // A solicitation asks routers to speak up: a host's message, flooded like any other.
  if (msg.kind == net::MsgKind::Report || msg.kind == net::MsgKind::MrdSolicitation) return false;
  if (!port_cfg(port).router_guard) return false;
  // Checked before any state is touched: the message elects nobody, lowers no timer, makes
  // no router port, and is not forwarded (a spoofed query must not reach the hosts either).
  out.packet = {PacketDisposition::Kind::Drop, PortMask()};
  ++counters.dropped_router_guard;
  ++port_counters[port].dropped_router_guard;
  return true;
}

void Engine::Impl::receive_query(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                                 PortId port, Ms now, Actions& out) {
  ++counters.queries;
  // Queries go to every port of the VLAN but the ingress (the Linux bridge does the same).
  out.packet = {PacketDisposition::Kind::Forward, vs.cfg.members.without(port)};
  if (port_cfg(port).router == RouterMode::Never) {
    // Router guard: nothing is learned from this port, not even timer lowering.
    ++counters.ignored_router_guard;
    return;
  }
  // RFC 4541 2.1.1(1b), (4): a query from 0.0.0.0 / :: is a switch's proxy query. It makes no
  // router port and takes no part in the election.
  if (!msg.src.is_unspecified()) {
    hear_query(vs, fs, msg, port, now);
    learn_router(vs, fs, port, &RouterTimers::query_until, now + params(vs, fs, now).oqpi(), now, out);
    arm_querier(vs, fs);
  }
  // RFC 3376 6.6.1 with RFC 2236's non-querier rule: a Q(G) / Q(G,S) with S clear lowers the
  // group / source timers of every port's membership to LMQT = MRT x the querier's robustness.
  const net::QueryInfo& qi = msg.query;
  if (qi.group.is_unspecified() || qi.suppress) return;
  Group* g = find_group(vs.cfg.id, qi.group);
  if (g == nullptr) return;
  const uint32_t rv = qi.qrv != 0 ? qi.qrv : params(vs, fs, now).robustness;
  const Ms lmqt = std::max(kMinLoweredTimer, Ms{int64_t{qi.max_resp_ms} * rv});
  const std::span<const net::IpAddr> sources = msg.query_sources();
  for (Membership& m : g->members) {
    if (sources.empty()) {
      lower_group_timer(m, now + lmqt);
    } else {
      lower_source_timers(m, sources, now + lmqt);
    }
  }
  arm_group(*g);
}

void Engine::Impl::receive_router_signal(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                                         PortId port, Ms now, Actions& out) {
  // 224.0.0.x / ff02::x control traffic: flooded in the VLAN (RFC 4541 2.1.2(2)).
  out.packet = {PacketDisposition::Kind::Forward, vs.cfg.members.without(port)};
  if (msg.kind == net::MsgKind::PimHello) {
    ++counters.pim_hellos;
  } else {
    ++counters.mrd;
  }
  if (port_cfg(port).router == RouterMode::Never) {
    if (msg.kind != net::MsgKind::MrdSolicitation) ++counters.ignored_router_guard;
    return;
  }
  switch (msg.kind) {
    case net::MsgKind::PimHello: {
      // RFC 7761 4.3.2: holdtime 0xffff = never time out; 0 = the neighbor is going away.
      const uint16_t hold = msg.pim.holdtime_s;
      const Ms until = hold == 0xffff ? kNever : now + Ms{int64_t{hold} * 1000};
      if (hold == 0) {
        fs.routers.timers[port].pim_until = Ms{0};
        age_routers(vs, fs, now, out);
      } else {
        learn_router(vs, fs, port, &RouterTimers::pim_until, until, now, out);
      }
      break;
    }
    case net::MsgKind::MrdAdvertisement: {
      // RFC 4286 4.4: NeighborDeadInterval = 3 x (advertisement interval + jitter), with the
      // jitter at its maximum of 0.025 x the interval.
      const Ms interval = msg.mrd.adv_interval_s != 0 ? Ms{int64_t{msg.mrd.adv_interval_s} * 1000}
                                                      : kDefaultMrdInterval;
      learn_router(vs, fs, port, &RouterTimers::mrd_until, now + interval * 3 + interval * 3 / 40, now, out);
      break;
    }
    case net::MsgKind::MrdTermination:
      // RFC 4286 5.3: do not drop the router at once (a forged termination would cut a real
      // router port); the advertisement state ages out after NeighborDeadInterval.
      ++counters.mrd_terminations;
      break;
    default:
      break;  // solicitations are for routers; flooded only
  }
}

void Engine::Impl::learn_router(VlanState& vs, FamilyState& fs, PortId port, Ms RouterTimers::*which,
                                Ms until, Ms now, Actions& out) {
  (void)now;
  RouterState& rs = fs.routers;
  Ms& t = rs.timers[port].*which;
  t = until;
  if (!rs.learned.test(port)) {
    rs.learned.set(port);
    if (!rs.fixed.test(port)) routers_changed(vs, fs, out);
  }
  timers.arm(rs.armed_at, rs.timers[port].until(), TimerKind::Routers, vlan_slots[vs.cfg.id],
             net::family_slot(fs.family));
}

void Engine::Impl::age_routers(VlanState& vs, FamilyState& fs, Ms now, Actions& out) {
  RouterState& rs = fs.routers;
  Ms next = kNever;
  bool changed = false;
  rs.learned.for_each([&](PortId p) {
    const Ms until = rs.timers[p].until();
    if (until <= now) {
      rs.timers[p] = RouterTimers{};
      rs.learned.reset(p);
      changed |= !rs.fixed.test(p);
    } else {
      next = std::min(next, until);
    }
  });
  if (changed) routers_changed(vs, fs, out);
  timers.arm(rs.armed_at, next, TimerKind::Routers, vlan_slots[vs.cfg.id], net::family_slot(fs.family));
}

void Engine::Impl::routers_changed(VlanState& vs, FamilyState& fs, Actions& out) {
  // Router ports are part of every forwarding set of their family (RFC 4541 2.1.2(1)).
  const PortMask routers = fs.routers.ports() & vs.cfg.members;
  for (uint32_t slot : vs.groups) {
    Group& g = groups[slot];
    if (g.addr.family() == fs.family) publish_group(g, routers, out);
  }
  publish_unregistered(vs, fs, out);
}

}  // namespace mcsnoop::snoop
