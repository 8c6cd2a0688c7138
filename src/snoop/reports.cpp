// Membership learning from reports: IGMPv1/v2/v3 and MLDv1/v2, all as v3-style records.
//
// Per record: validate the group (RFC 4541 2.1.2(2), 3; RFC 4604), apply host compatibility
// (RFC 3376 7.3.2 / RFC 3810 8.3.2), explicit host tracking and fast leave, then the RFC 3376
// 6.4 row for the port's membership, then the row's queries (as querier) or nothing (the
// snooping adaptation: the elected querier's queries lower the timers when they pass through).
#include <algorithm>

#include "engine_impl.hpp"
#include "group_class.hpp"

namespace mcsnoop::snoop {

using net::Compat;
using net::RecordType;

void Engine::Impl::receive_report(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                                  PortId port, Ms now, Actions& out) {
  if (msg.is_leave) {
    ++counters.leaves;
  } else {
    ++counters.reports;
  }
  // RFC 4541 2.1.1(1): reports and leaves go to the router ports of the family only, never to
  // other host ports (v1/v2 hosts would suppress their own reports) nor back out the ingress.
  // The "may" of the same rule: ports with flood_reports (analyzers) get them as well.
  out.packet = {PacketDisposition::Kind::Forward,
                ((fs.routers.ports() | flood_reports) & vs.cfg.members).without(port)};
  for (const net::GroupRecord& rec : msg.records) {
    ++counters.records;
    receive_record(vs, fs, msg, rec, port, now, out);
  }
}

bool Engine::Impl::prepare_sources(const net::McastMessage& msg, const net::GroupRecord& rec) {
  rec_sources.clear();
  if (size_t{rec.src_begin} + rec.src_count > msg.sources.size()) return false;
  if (rec.src_count == 0) return true;  // the common any-source record: nothing to check or sort
  for (const net::IpAddr& s : msg.sources_of(rec)) {
    // E23: a source must be a unicast address of the group's family.
    const bool broadcast = s.is_v4() && s.v4_host() == 0xffffffffu;
    if (s.family() != rec.group.family() || s.is_unspecified() || s.is_multicast() || broadcast) {
      ++counters.ignored_invalid_source;
      continue;
    }
    rec_sources.push_back(s);
  }
  // E21: duplicate sources in one record are one set.
  std::sort(rec_sources.begin(), rec_sources.end());
  rec_sources.erase(std::unique(rec_sources.begin(), rec_sources.end()), rec_sources.end());
  return true;
}

Membership* Engine::Impl::join_member(VlanState& vs, Group*& g, const net::IpAddr& group,
                                      PortId port, Ms now, Actions& out) {
  (void)out;
  const PortConfig& pc = port_cfg(port);
  if (pc.max_groups != 0 && port_groups[port] >= pc.max_groups) {
    ++counters.refused_port_limit;  // E39: refused, existing memberships untouched
    ++port_refused_groups[port];
    return nullptr;
  }
  if (g == nullptr) {
    g = create_group(vs, group);  // counts a refusal at the table's or the VLAN's limit
    if (g == nullptr) {
      ++port_refused_groups[port];
      return nullptr;
    }
  }
  auto it = std::lower_bound(g->members.begin(), g->members.end(), port,
                             [](const Membership& m, PortId p) { return m.port < p; });
  it = g->members.emplace(it);
  it->port = port;
  it->joined_s = static_cast<uint32_t>(std::clamp<int64_t>(now.count() / 1000, 0, UINT32_MAX));
  g->member_mask.set(port);
  sync_members(*g);
  ++port_groups[port];
  return &*it;
}

void Engine::Impl::receive_record(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                                  const net::GroupRecord& rec, PortId port, Ms now, Actions& out) {
  const net::IpAddr& group = rec.group;
  const GroupClass cls = classify_group(group);
  if (cls.family != msg.family || !cls.multicast) {
    ++counters.ignored_not_multicast;  // E3: ignore this record only
    return;
  }
  if (cls.unsnoopable) {
    ++counters.ignored_link_local;     // 224.0.0.0/24, ff02::1, scopes 0/1: always flooded
    return;
  }
  const bool old_version = msg.compat != Compat::V3;
  RecordType type = rec.type;
  // RFC 4604 2.2.1 / E22: in the SSM range ignore IS_EX/TO_EX records and every v1/v2/MLDv1
  // report or leave, so a forged old-version report cannot deny the SSM service.
  if (cls.ssm && (old_version || type == RecordType::IsExclude || type == RecordType::ToExclude)) {
    ++counters.ignored_ssm;
    return;
  }
  if (!prepare_sources(msg, rec)) {
    ++counters.ignored_invalid_source;
    return;
  }
  std::span<const net::IpAddr> srcs = rec_sources;
  // TO_IN({}) is a leave: the IGMPv2 Leave and the MLDv1 Done arrive in this form.
  const bool leave = type == RecordType::ToInclude && srcs.empty();

  Membership* m = nullptr;
  Group* g = find_membership(vs.cfg.id, group, port, m);
  if (m == nullptr) {
    // E12/E19: a leave, BLOCK or IS_IN({}) for a group the port never joined creates nothing.
    const bool creates = type == RecordType::IsExclude || type == RecordType::ToExclude ||
                         (!srcs.empty() && type != RecordType::BlockOld);
    if (!creates) return;
    m = join_member(vs, g, group, port, now, out);
    if (m == nullptr) return;
  }
  Group& grp = *g;
  const Params p = params(vs, fs, now);

  // RFC 3376 7.3.2: an older-version report (re)starts the group's Older Host Present timer
  // (OHPI = RV·QI + QRI) and switches the group to that compatibility mode at once.
  if (old_version && !msg.is_leave) {
    (msg.compat == Compat::V1 ? m->v1_host_until : m->v2_host_until) = now + p.gmi();
  }
  const Compat mode = m->compat(now);
  if (mode != Compat::V3) {
    // v2 mode: BLOCK(x) -> {} and TO_EX(x) -> TO_EX({}). v1 mode also ignores the v2 Leave and
    // TO_IN(x) (no leave processing while a v1 host may be present, E12).
    if (type == RecordType::BlockOld || (mode == Compat::V1 && type == RecordType::ToInclude)) {
      ++counters.ignored_compat;
      settle_group(grp, false, now, out, m);
      return;
    }
    if (type == RecordType::ToExclude) srcs = {};
  }

  // Explicit host tracking: which reporters on this port hold the membership.
  m->hosts.retain([now](const TrackedHost& h) { return h.expires > now; });
  if (m->hosts.empty()) m->hosts_overflow = false;
  auto host_it = std::find_if(m->hosts.begin(), m->hosts.end(),
                              [&](const TrackedHost& h) { return same_addr(h.addr, msg.src); });
  const bool no_interest = srcs.empty() && (type == RecordType::ToInclude || type == RecordType::IsInclude);
  if (no_interest) {
    if (host_it != m->hosts.end()) m->hosts.erase(static_cast<uint32_t>(host_it - m->hosts.begin()));
  } else if (type != RecordType::BlockOld) {
    if (host_it != m->hosts.end()) {
      host_it->expires = now + p.gmi();
    } else if (m->hosts.size() >= kMaxHostsPerMembership ||
               !m->hosts.push_back(TrackedHost{msg.src, now + p.gmi()})) {
      m->hosts_overflow = true;
    }
  }
  if (leave) {
    if (!m->hosts.empty() || m->hosts_overflow) {
      // Another host on this port still holds the membership: the port stays.
      ++counters.host_leaves_kept;
      settle_group(grp, false, now, out, m);
      return;
    }
    if (port_cfg(port).fast_leave) {
      // Fast leave: the last host left, prune the port at once (no query, no LMQT).
      ++counters.fast_leaves;
      remove_member(grp, port);
      settle_group(grp, true, now, out);
      return;
    }
  }

  query_sources.clear();
  const SourceCap limit = source_cap(port, *m);
  RowContext cx{now, p.gmi(), limit.cap, &row_scratch, &query_sources};
  const uint32_t sources_before = m->sources.size();
  apply_record(*m, type, srcs, cx);
  account_sources(port, sources_before, m->sources.size());
  counters.*limit.counter += cx.sources_refused;
  port_refused_sources[port] += cx.sources_refused;
  const bool queries = !query_sources.empty() || cx.query_group;
  if (queries) request_queries(vs, fs, grp, *m, cx, leave, now, out);
  if (m->is_empty()) {
    remove_member(grp, port);
    settle_group(grp, true, now, out);
    return;
  }
  // Queries move pending retransmissions and lower timers: then every deadline is re-armed.
  settle_group(grp, cx.changed, now, out, queries ? nullptr : m);
}

void Engine::Impl::request_queries(VlanState& vs, FamilyState& fs, Group& g, Membership& m,
                                   RowContext& cx, bool is_leave, Ms now, Actions& out) {
  if (!querier_is_self(fs, now)) {
    // Snooping adaptation: the elected querier sends Q(G)/Q(G,S) and receive_query() lowers
    // our timers when they pass. Without any querier the state simply times out (E38).
    if (is_leave) ++counters.ignored_not_querier_leave;
    return;
  }
  const Compat version = querier_version(fs, now);
  if (version == Compat::V1) return;  // IGMPv1 has no specific queries: leaves time out
  const Ms lmqt = own_lmqt(vs);
  const auto count = static_cast<uint8_t>(std::max<uint32_t>(vs.cfg.timers.last_member_query_count, 1));
  auto pending_for = [&](bool group_query) -> PendingQuery& {
    for (PendingQuery& pq : g.pending) {
      if (pq.port == m.port && pq.group_query == group_query) return pq;
    }
    PendingQuery& pq = g.pending.emplace_back();
    pq.port = m.port;
    pq.group_query = group_query;
    return pq;
  };
  // RFC 3376 6.6.1: sending a query with S clear lowers the timers it asks about to LMQT.
  if (!cx.query_sources->empty() && version == Compat::V3) {
    lower_source_timers(m, *cx.query_sources, now + lmqt);
    PendingQuery& pq = pending_for(false);
    // Pending queries for the same group are merged (RFC 3376 6.6.3.2).
    std::vector<net::IpAddr>& merged = all_sources;
    merged.clear();
    std::set_union(pq.sources.begin(), pq.sources.end(), cx.query_sources->begin(),
                   cx.query_sources->end(), std::back_inserter(merged));
    pq.sources.assign(merged.begin(), merged.end());
    pq.remaining = count;
    send_pending(vs, fs, g, pq, now, out);
  }
  if (cx.query_group) {
    lower_group_timer(m, now + lmqt);
    PendingQuery& pq = pending_for(true);
    pq.remaining = count;
    send_pending(vs, fs, g, pq, now, out);
  }
  std::erase_if(g.pending, [](const PendingQuery& pq) { return pq.remaining == 0; });
}

}  // namespace mcsnoop::snoop
