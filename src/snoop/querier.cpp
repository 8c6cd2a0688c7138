// Our own querier per VLAN and family (RFC 3376 6.6.2, 7.3.1, 8; RFC 3810 7.6, 9), the
// election by lowest address, the values adopted from the elected querier, and the proxy
// general query after a topology change (RFC 4541 2.1.1(4)).
#include <algorithm>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

using net::Compat;

bool Engine::Impl::querier_known(const FamilyState& fs, Ms now) const {
  return fs.querier.other_present && fs.querier.other_until > now;
}

bool Engine::Impl::querier_is_self(const FamilyState& fs, Ms now) const {
  return fs.querier.own_enabled && !querier_known(fs, now);
}

Params Engine::Impl::params(const VlanState& vs, const FamilyState& fs, Ms now) const {
  const Timers& t = vs.cfg.timers;
  Params p{std::max<uint32_t>(t.robustness, 1), t.query_interval, t.query_response_interval};
  if (querier_known(fs, now)) {
    // RFC 3376 4.1.6, 4.1.7: non-queriers adopt QRV and QQI of the querier unless they are 0;
    // the general query's MRT is the querier's Query Response Interval (S10). Each value is
    // bounded around the configured one (a deviation, docs/conformance.md): the querier that
    // wins the election may be one spoofed query from a host.
    const QuerierState& q = fs.querier;
    const AdoptedBounds b = adopted_bounds(t);
    if (q.other_qrv != 0) p.robustness = std::clamp<uint32_t>(q.other_qrv, b.min_qrv, b.max_qrv);
    if (q.other_qqi_s != 0) p.query_interval = std::clamp(Ms{int64_t{q.other_qqi_s} * 1000}, b.min_qqi, b.max_qqi);
    if (q.other_mrt_ms != 0) p.query_response_interval = std::min(Ms{q.other_mrt_ms}, b.max_mrt);
  }
  return p;
}

AdoptedBounds adopted_bounds(const Timers& t) {
  AdoptedBounds b;
  const uint32_t configured = std::max<uint32_t>(t.robustness, 1);
  // Never fewer retransmissions than configured (shorter timers cut hosts off), never more
  // than QRV's own limit of 7 nor than configured when that is already above 7.
  b.min_qrv = configured;
  b.max_qrv = std::max<uint32_t>(configured, 7);
  b.min_qqi = std::max(Ms{1'000}, t.query_interval / 2);
  b.max_qqi = std::max(b.min_qqi, t.query_interval * 2);
  b.max_mrt = std::max(t.query_response_interval, t.query_interval);  // RFC 3376 8.3: QRI < QI
  // The Other Querier Present Interval computed from the configured values, with at least two
  // query intervals (so a querier using the largest adopted QQI keeps its role); the longest
  // one spoofed query can silence our querier.
  b.max_oqpi = std::max<uint32_t>(configured, 2) * t.query_interval + t.query_response_interval / 2;
  return b;
}

Compat Engine::Impl::querier_version(const FamilyState& fs, Ms now) const {
  const QuerierState& q = fs.querier;
  return q.oldest_until > now ? std::min(q.own_version, q.oldest_heard) : q.own_version;
}

Ms Engine::Impl::own_lmqt(const VlanState& vs) const {
  const Timers& t = vs.cfg.timers;
  return std::max(kMinLoweredTimer, t.last_member_query_interval * std::max<uint32_t>(t.last_member_query_count, 1));
}

void Engine::Impl::hear_query(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                              PortId port, Ms now) {
  QuerierState& q = fs.querier;
  const Params before = params(vs, fs, now);
  // RFC 3376 7.3.1 / E15: a querier hearing an older-version query runs the oldest version
  // present, for as long as such queries keep coming (OQPI after the last one).
  if (q.own_enabled && msg.compat < q.own_version) {
    q.oldest_heard = q.oldest_until > now ? std::min(q.oldest_heard, msg.compat) : msg.compat;
    q.oldest_until = now + std::min(before.oqpi(), adopted_bounds(vs.cfg.timers).max_oqpi);
  }
  // Election: the lowest address wins; an equal address keeps the current querier (E16).
  if (q.own_enabled && !(msg.src < q.own_addr)) return;
  if (querier_known(fs, now) && q.other_addr < msg.src) return;
  q.other_present = true;
  q.other_addr = msg.src;
  q.other_port = port;
  q.other_version = msg.compat;
  const net::QueryInfo& qi = msg.query;
  if (msg.compat == Compat::V3) {
    q.other_qrv = qi.qrv;
    q.other_qqi_s = qi.qqi_s;
  } else {
    q.other_qrv = 0;
    q.other_qqi_s = 0;
  }
  if (qi.group.is_unspecified()) q.other_mrt_ms = qi.max_resp_ms;
  q.other_until = kNever;  // known from now on, so params() sees the adopted values
  q.other_until = now + std::min(params(vs, fs, now).oqpi(), adopted_bounds(vs.cfg.timers).max_oqpi);
}

void Engine::Impl::arm_querier(VlanState& vs, FamilyState& fs) {
  QuerierState& q = fs.querier;
  Ms next = kNever;
  if (q.other_present) next = std::min(next, q.other_until);
  if (q.oldest_until > Ms{0}) next = std::min(next, q.oldest_until);
  if (q.own_enabled && !q.other_present) next = std::min(next, q.next_general);
  if (q.topology_pending) next = std::min(next, q.topology_allowed);
  timers.arm(q.armed_at, next, TimerKind::Querier, vlan_slots[vs.cfg.id], net::family_slot(fs.family));
}

void Engine::Impl::run_querier(VlanState& vs, FamilyState& fs, Ms now, Actions& out) {
  QuerierState& q = fs.querier;
  if (q.other_present && q.other_until <= now) {
    // Other Querier Present timer expired: the querier is gone; we take over at once (RFC
    // 3376 6.6.2) and forget the values adopted from it.
    q.other_present = false;
    q.other_qrv = 0;
    q.other_qqi_s = 0;
    q.other_mrt_ms = 0;
    if (q.own_enabled) q.next_general = now;
  }
  if (q.oldest_until > Ms{0} && q.oldest_until <= now) {
    q.oldest_until = Ms{0};
    q.oldest_heard = Compat::V3;
  }
  if (q.topology_pending && q.topology_allowed <= now) {
    q.topology_pending = false;
    send_topology_query(vs, fs, now, out);
  }
  if (querier_is_self(fs, now) && q.next_general <= now) {
    send_general_query(vs, fs, now, out);
    const Ms qi = vs.cfg.timers.query_interval;
    if (q.startup_left > 0) --q.startup_left;
    q.next_general = now + (q.startup_left > 0 ? qi / 4 : qi);  // Startup Query Interval = QI/4
  }
  arm_querier(vs, fs);
}

QueryToSend Engine::Impl::own_query(const VlanState& vs, const FamilyState& fs, Ms now) const {
  const Timers& t = vs.cfg.timers;
  QueryToSend q;
  q.vlan = vs.cfg.id;
  q.family = fs.family;
  q.version = querier_version(fs, now);
  q.src = fs.querier.own_addr;
  q.group = net::IpAddr::any(fs.family);
  // IGMPv1 queries carry MRC 0 (8 bytes); v2/v3 and MLD carry the Query Response Interval.
  q.max_resp_ms = q.version == Compat::V1 && fs.family == net::Family::V4
                      ? 0 : static_cast<uint32_t>(t.query_response_interval.count());
  q.qrv = t.robustness <= 7 ? t.robustness : 0;  // RFC 3376 4.1.6: QRV 0 above 7
  q.qqi_s = static_cast<uint32_t>(t.query_interval.count() / 1000);
  q.egress = vlan_egress(vs);
  return q;
}

void Engine::Impl::send_general_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out) {
  out.queries.push_back(own_query(vs, fs, now));
  ++counters.queries_sent;
}

Ms topology_query_gap(const Timers& t) { return std::max(Ms{1'000}, t.query_response_interval); }

void Engine::Impl::request_topology_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out) {
  QuerierState& q = fs.querier;
  if (!querier_is_self(fs, now) && !querier_known(fs, now)) return;  // nobody to query for
  if (q.topology_pending) {
    ++counters.topology_queries_deferred;  // already due at topology_allowed: one query for all
    return;
  }
  if (now < q.topology_allowed) {
    // A flapping link: the hosts were asked less than a gap ago. One query at the end of the
    // gap covers every link that came up in between.
    q.topology_pending = true;
    ++counters.topology_queries_deferred;
    arm_querier(vs, fs);
    return;
  }
  send_topology_query(vs, fs, now, out);
}

void Engine::Impl::send_topology_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out) {
  // RFC 4541 2.1.1(4): after a topology change, a general query on the active non-router ports.
  // At most one per gap (request_topology_query), sent or not.
  fs.querier.topology_allowed = now + topology_query_gap(vs.cfg.timers);
  const PortMask egress = vlan_egress(vs) & ~fs.routers.ports();
  if (egress.empty()) return;
  if (querier_is_self(fs, now)) {
    QueryToSend q = own_query(vs, fs, now);
    q.egress = egress;
    out.queries.push_back(q);
    ++counters.queries_sent;
    return;
  }
  if (!querier_known(fs, now)) return;  // no querier to imitate: send nothing (documented)
  // A proxy query from 0.0.0.0 / :: in the elected querier's version with its last QRV, QQI
  // and MRT: never a v2 query into a v3 network (RFC 4541 2.1.1(4)).
  const QuerierState& qs = fs.querier;
  const Params p = params(vs, fs, now);
  QueryToSend q;
  q.vlan = vs.cfg.id;
  q.family = fs.family;
  q.version = qs.other_version;
  q.src = net::IpAddr::any(fs.family);
  q.group = net::IpAddr::any(fs.family);
  q.max_resp_ms = q.version == Compat::V1 && fs.family == net::Family::V4
                      ? 0 : static_cast<uint32_t>(p.query_response_interval.count());
  // The adopted values as bounded, so a spoofed QRV/QQI is not relayed to the hosts either.
  q.qrv = p.robustness <= 7 ? static_cast<uint8_t>(p.robustness) : 0;
  q.qqi_s = static_cast<uint32_t>(p.query_interval.count() / 1000);
  q.egress = egress;
  out.queries.push_back(q);
  ++counters.queries_sent;
}

void Engine::Impl::send_pending(VlanState& vs, FamilyState& fs, Group& g, PendingQuery& pq, Ms now,
                                Actions& out) {
  Membership* m = g.find_member(pq.port);
  if (m == nullptr || pq.remaining == 0) {
    pq.remaining = 0;
    return;
  }
  const Ms lmqt = own_lmqt(vs);
  QueryToSend base = own_query(vs, fs, now);
  base.group = g.addr;
  base.max_resp_ms = static_cast<uint32_t>(vs.cfg.timers.last_member_query_interval.count());
  base.egress = PortMask::of(pq.port) & link_up_mask;
  if (pq.group_query) {
    // RFC 3376 6.6.3.1: S is set on a retransmission once a report has raised GT above LMQT.
    base.suppress = m->mode != FilterMode::Exclude || m->group_expires > now + lmqt;
    if (!base.suppress) lower_group_timer(*m, now + lmqt);
    out.queries.push_back(base);
    ++counters.queries_sent;
  } else {
    // RFC 3376 6.6.3.2: sources refreshed above LMQT go in a query with S set, the rest with S
    // clear; sources no longer listed are dropped from the retransmissions.
    QueryToSend low = base, high = base;
    high.suppress = true;
    std::erase_if(pq.sources, [&](const net::IpAddr& s) {
      const SourceTimer* t = m->find_source(s);
      if (t == nullptr || !t->running()) return true;
      (t->expires > now + lmqt ? high : low).sources.push_back(s);
      return false;
    });
    lower_source_timers(*m, low.sources, now + lmqt);
    for (QueryToSend* q : {&low, &high}) {
      if (q->sources.empty()) continue;
      out.queries.push_back(std::move(*q));
      ++counters.queries_sent;
    }
    if (pq.sources.empty()) {
      pq.remaining = 0;
      return;
    }
  }
  --pq.remaining;
  pq.next_at = now + vs.cfg.timers.last_member_query_interval;
}

}  // namespace mcsnoop::snoop
