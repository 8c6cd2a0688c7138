// snoop::Engine: lifecycle, message dispatch, the group table and the introspection views.
#include <algorithm>
#include <cassert>
#include <cstring>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

namespace {
const PortConfig kDefaultPort{};

uint8_t view_version(net::Family f, net::Compat c) {
  const auto v = static_cast<uint8_t>(c);
  return f == net::Family::V6 ? static_cast<uint8_t>(v - 1) : v;  // MLD: V2 = MLDv1, V3 = MLDv2
}
Ms left(Ms until, Ms now) { return until == kNever ? Ms{0} : std::max(Ms{0}, until - now); }

// Time until the membership stops forwarding anything: GT in EXCLUDE mode, else its last source.
Ms member_left(const Membership& m, Ms now) {
  if (m.mode == FilterMode::Exclude) return left(m.group_expires, now);
  Ms latest{0};
  for (const SourceTimer& s : m.sources) latest = std::max(latest, left(s.expires, now));
  return latest;
}
}  // namespace

// ---- Group ---------------------------------------------------------------------------------

// ---- Impl: configuration -------------------------------------------------------------------

// The index grows with the table rather than being sized for max_groups up front: a lookup's
// speed depends on how much of the slot array stays in cache, and with max_groups up to 16 M
// a pre-sized array would be tens of MB of mostly empty slots before the first join.
Engine::Impl::Impl(EngineConfig c)
    : cfg(std::move(c)),
      hash_key(cfg.hash_key.value_or(core::HashKey::random())),
      index(std::min<uint32_t>(cfg.max_groups == 0 ? 1024 : cfg.max_groups, 4096)) {
  vlan_slots.fill(kNoVlan);
  port_groups.assign(kMaxPorts, 0);
  port_sources.assign(kMaxPorts, 0);
  port_refused_groups.assign(kMaxPorts, 0);
  port_refused_sources.assign(kMaxPorts, 0);
  for (PortId p = 0; p < cfg.ports.size() && p < kMaxPorts; ++p) {
    if (cfg.ports[p].flood_reports) flood_reports.set(p);
  }
  vlans.reserve(cfg.vlans.size());
  for (const VlanConfig& vc : cfg.vlans) {
    if (vc.id >= vlan_slots.size() || vlan_slots[vc.id] != kNoVlan) continue;  // config validates
    vlan_slots[vc.id] = static_cast<uint16_t>(vlans.size());
    VlanState& vs = vlans.emplace_back();
    vs.cfg = vc;
    for (net::Family f : {net::Family::V4, net::Family::V6}) {
      FamilyState& fs = vs.of(f);
      fs.family = f;
      fs.active = vc.snooping && (f == net::Family::V4 || vc.mld);
      vc.members.for_each([&](PortId p) {
        // Guard wins over `always`: a guarded port is never a router port.
        if (port_cfg(p).router == RouterMode::Always && !port_cfg(p).router_guard) fs.routers.fixed.set(p);
      });
      QuerierState& q = fs.querier;
      const std::optional<net::IpAddr>& addr = f == net::Family::V4 ? vc.querier.address : vc.querier.address6;
      q.own_enabled = fs.active && vc.querier.enabled && addr.has_value() && !addr->is_unspecified() &&
                      addr->family() == f;
      if (q.own_enabled) q.own_addr = *addr;
      const uint8_t ver = f == net::Family::V4 ? vc.querier.version : static_cast<uint8_t>(vc.querier.mld_version + 1);
      q.own_version = static_cast<net::Compat>(std::clamp<uint8_t>(ver, f == net::Family::V4 ? 1 : 2, 3));
    }
  }
}

const PortConfig& Engine::Impl::port_cfg(PortId p) const {
  return p < cfg.ports.size() ? cfg.ports[p] : kDefaultPort;
}

VlanState* Engine::Impl::vlan_state(VlanId id) {
  if (id >= vlan_slots.size() || vlan_slots[id] == kNoVlan) return nullptr;
  return &vlans[vlan_slots[id]];
}

// ---- Impl: group table ---------------------------------------------------------------------

Group* Engine::Impl::find_group(VlanId vlan, const net::IpAddr& g) {
  const GroupIndex::Entry* e = index.find(group_hash(vlan, g), [&](const GroupIndex::Entry& c) {
    return groups[c.value].vlan == vlan && same_addr(groups[c.value].addr, g);
  });
  return e == nullptr ? nullptr : &groups[e->value];
}

Group* Engine::Impl::find_membership(VlanId vlan, const net::IpAddr& g, PortId port, Membership*& m) {
  m = nullptr;
  const GroupIndex::Entry* e = index.find(group_hash(vlan, g), [&](const GroupIndex::Entry& c) {
    // The membership's address is known from the slot: start its fetch now, so that it and
    // the group's line (read by the key check below) are fetched together, not one after the
    // other. The tag matched, so this is almost always the right group.
    const MemberLocator& loc = c.extra;
    if (loc.ports.test(port)) {
      m = loc.members + rank_below(loc.ports, port);
      __builtin_prefetch(m, 1);
    }
    const Group& cand = groups[c.value];
    if (cand.vlan == vlan && same_addr(cand.addr, g)) return true;
    m = nullptr;
    return false;
  });
  if (e == nullptr) return nullptr;
  Group& grp = groups[e->value];
  assert(e->extra.ports == grp.member_mask && e->extra.members == grp.members.data());
  return &grp;
}

Group* Engine::Impl::create_group(VlanState& vs, const net::IpAddr& addr, bool learned) {
  if (learned && cfg.max_groups != 0 && learned_groups >= cfg.max_groups) {
    ++counters.refused_table_full;
    return nullptr;
  }
  if (learned && vs.cfg.max_groups != 0 && vs.learned_groups >= vs.cfg.max_groups) {
    ++counters.refused_vlan_limit;
    return nullptr;
  }
  uint32_t slot;
  if (!free_groups.empty()) {
    slot = free_groups.back();
    free_groups.pop_back();
  } else {
    slot = static_cast<uint32_t>(groups.size());
    groups.emplace_back();
  }
  Group& g = groups[slot];
  g.addr = addr;
  g.vlan = vs.cfg.id;
  g.vlan_slot = vlan_slots[vs.cfg.id];
  g.live = true;
  g.armed_at = kNever;
  g.vlan_pos = static_cast<uint32_t>(vs.groups.size());
  vs.groups.push_back(slot);
  index.insert(group_hash(g.vlan, addr), slot, MemberLocator{g.member_mask, g.members.data()});
  ++live_groups;
  // Counted as learned until start() gives it a static entry (mark_static): a group meant for
  // static entries that ends up with none is deleted like any learned one.
  ++learned_groups;
  ++vs.learned_groups;
  return &g;
}

void Engine::Impl::mark_static(Group& g) {
  --learned_groups;
  --vlans[g.vlan_slot].learned_groups;
}

bool Engine::Impl::expire_member(Membership& m, Ms now) {
  const uint32_t before = m.sources.size();
  const bool changed = expire_timers(m, now);
  account_sources(m.port, before, m.sources.size());
  return changed;
}

void Engine::Impl::account_sources(PortId port, uint32_t before, uint32_t after) {
  port_sources[port] = port_sources[port] - before + after;
  total_sources = total_sources - before + after;
}

Engine::Impl::SourceCap Engine::Impl::source_cap(PortId port, const Membership& m) const {
  const PortConfig& pc = port_cfg(port);
  const uint64_t held = m.sources.size();
  // What a limit leaves for this membership: its own sources plus the room left under it.
  auto leaves = [held](uint64_t limit, uint64_t used) -> uint64_t {
    if (limit == 0) return UINT64_MAX;
    return held + (limit > used ? limit - used : 0);
  };
  const uint32_t per_group = pc.max_sources_per_group == 0
                                 ? kMaxSourcesPerGroup
                                 : std::min(pc.max_sources_per_group, kMaxSourcesPerGroup);
  SourceCap c{per_group, &Counters::refused_source_limit};
  if (const uint64_t p = leaves(pc.max_sources, port_sources[port]); p < c.cap) {
    c = {static_cast<uint32_t>(p), &Counters::refused_port_sources};
  }
  if (const uint64_t t = leaves(cfg.max_sources, total_sources); t < c.cap) {
    c = {static_cast<uint32_t>(t), &Counters::refused_table_sources};
  }
  return c;
}

void Engine::Impl::sync_members(Group& g) {
  index.entry_of(group_hash(g.vlan, g.addr), slot_of(g)).extra = MemberLocator{g.member_mask, g.members.data()};
}

void Engine::Impl::delete_group(Group& g, Actions& out) {
  unpublish_group(g, out);
  VlanState& vs = vlans[g.vlan_slot];
  const uint32_t slot = slot_of(g);
  // Swap-remove from the VLAN's list, fixing the moved group's position.
  const uint32_t last = vs.groups.back();
  vs.groups[g.vlan_pos] = last;
  groups[last].vlan_pos = g.vlan_pos;
  vs.groups.pop_back();
  index.erase(group_hash(g.vlan, g.addr), slot);
  for (const Membership& m : g.members) {
    --port_groups[m.port];
    account_sources(m.port, m.sources.size(), 0);
  }
  g.members.clear();
  g.member_mask = PortMask();
  g.static_sources.clear();
  g.static_star = PortMask();
  g.published.clear();
  g.pending.clear();
  g.star_published = false;
  g.live = false;
  ++g.gen;  // invalidates timer events still in the heap
  g.armed_at = kNever;
  free_groups.push_back(slot);
  --live_groups;
  // settle_group() deletes only groups without static entries: every deleted group is learned.
  --learned_groups;
  --vs.learned_groups;
}

void Engine::Impl::remove_member(Group& g, PortId port) {
  if (!g.member_mask.test(port)) return;
  --port_groups[port];
  const auto it = g.members.begin() + rank_below(g.member_mask, port);
  account_sources(port, it->sources.size(), 0);
  g.members.erase(it);
  g.member_mask.reset(port);
  sync_members(g);
  std::erase_if(g.pending, [port](const PendingQuery& pq) { return pq.port == port; });
}

void Engine::Impl::settle_group(Group& g, bool changed, Ms now, Actions& out, const Membership* touched) {
  (void)now;
  if (g.members.empty() && g.static_star.empty() && g.static_sources.empty()) {
    delete_group(g, out);
    return;
  }
  if (changed || !g.star_published) {
    const VlanState& vs = vlans[g.vlan_slot];
    publish_group(g, vs.of(g.addr.family()).routers.ports() & vs.cfg.members, out);
  }
  if (touched != nullptr) {
    // The group's other deadlines did not move and are already covered by armed_at.
    timers.arm(g.armed_at, touched->next_expiry(), TimerKind::Group, slot_of(g), g.gen);
  } else {
    arm_group(g);
  }
}

// ---- Engine --------------------------------------------------------------------------------

Engine::Engine(EngineConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {}
Engine::~Engine() = default;

void Engine::start(Ms now, Actions& out) {
  Impl& im = *impl_;
  if (im.started) return;
  im.started = true;
  for (VlanState& vs : im.vlans) {
    for (FamilyState& fs : vs.fam) {
      im.publish_unregistered(vs, fs, out);
      if (fs.querier.own_enabled) {
        // RFC 3376 8.6/8.7: Startup Query Count general queries, Startup Query Interval apart.
        fs.querier.startup_left = static_cast<uint8_t>(std::max<uint32_t>(vs.cfg.timers.robustness, 1));
        fs.querier.next_general = now;
        im.run_querier(vs, fs, now, out);
      }
    }
    if (!vs.cfg.snooping) continue;
    for (const StaticGroup& sg : vs.cfg.static_groups) {
      if (Group* g = im.add_static(vs, sg)) im.settle_group(*g, true, now, out);
    }
  }
}

void Engine::receive(const net::McastMessage& msg, VlanId vlan, PortId port, Ms now, Actions& out) {
  impl_->receive_message(msg, vlan, port, now, out);
  impl_->bound_timers();
}

void Engine::Impl::receive_message(const net::McastMessage& msg, VlanId vlan, PortId port, Ms now,
                                   Actions& out) {
  Impl& im = *this;
  ++im.counters.messages;
  VlanState* vs = im.vlan_state(vlan);
  if (vs == nullptr || port >= kMaxPorts || !vs->cfg.members.test(port)) {
    ++im.counters.ignored_unknown_vlan;
    out.packet = {PacketDisposition::Kind::Drop, PortMask()};
    return;
  }
  if (im.router_guard_drops(msg, port, out)) return;
  FamilyState& fs = vs->of(msg.family);
  if (!fs.active) {
    // Not snooped here: the message is ordinary multicast, flooded in the VLAN.
    ++im.counters.ignored_snooping_off;
    out.packet = {PacketDisposition::Kind::Forward, vs->cfg.members.without(port)};
    return;
  }
  switch (msg.kind) {
    case net::MsgKind::Report:
      im.receive_report(*vs, fs, msg, port, now, out);
      break;
    case net::MsgKind::Query:
      im.receive_query(*vs, fs, msg, port, now, out);
      break;
    case net::MsgKind::PimHello:
    case net::MsgKind::MrdAdvertisement:
    case net::MsgKind::MrdSolicitation:
    case net::MsgKind::MrdTermination:
      im.receive_router_signal(*vs, fs, msg, port, now, out);
      break;
  }
}

Ms Engine::next_deadline() const { return impl_->timers.top_time(); }

const Counters& Engine::counters() const { return impl_->counters; }

PortUsage Engine::port_usage(PortId port) const {
  const Impl& im = *impl_;
  if (port >= kMaxPorts) return {};
  const PortConfig& pc = im.port_cfg(port);
  return PortUsage{im.port_groups[port],       im.port_sources[port], im.port_refused_groups[port],
                   im.port_refused_sources[port], pc.max_groups,      pc.max_sources,
                   pc.max_sources_per_group};
}

TableUsage Engine::table_usage() const {
  const Impl& im = *impl_;
  return TableUsage{im.learned_groups, im.live_groups - im.learned_groups, im.total_sources};
}

uint32_t Engine::vlan_groups(VlanId vlan) const {
  const VlanState* vs = impl_->vlan_state(vlan);
  return vs == nullptr ? 0 : vs->learned_groups;
}

Footprint Engine::footprint() const {
  const Impl& im = *impl_;
  Footprint f;
  f.live_groups = im.live_groups;
  f.group_slots = im.groups.size();
  f.timer_events = im.timers.size();
  for (const Group& g : im.groups) {
    if (!g.live) continue;
    f.memberships += g.members.size();
    for (const Membership& m : g.members) {
      f.sources += m.sources.size();
      f.max_member_sources = std::max<size_t>(f.max_member_sources, m.sources.size());
      f.max_member_hosts = std::max<size_t>(f.max_member_hosts, m.hosts.size());
      ++f.port_memberships[m.port];
      f.port_sources[m.port] += m.sources.size();
      f.port_max_member_sources[m.port] = std::max<uint32_t>(f.port_max_member_sources[m.port], m.sources.size());
    }
    f.pending_queries += g.pending.size();
    for (const PendingQuery& pq : g.pending) f.pending_sources += pq.sources.size();
  }
  return f;
}

const PortCounters& Engine::port_counters(PortId port) const {
  static const PortCounters kNone{};
  return port < kMaxPorts ? impl_->port_counters[port] : kNone;
}

void Engine::set_link(PortId port, bool up, Ms now, Actions& out) {
  if (port >= kMaxPorts) return;
  if (up) {
    impl_->link_up(port, now, out);
  } else {
    impl_->link_down(port, now, out);
  }
  impl_->bound_timers();
}

// ---- introspection -------------------------------------------------------------------------

std::vector<GroupView> Engine::groups(Ms now) const {
  std::vector<GroupView> views;
  size_t cursor = 0;
  groups_slice(cursor, SIZE_MAX, now, views);
  return views;
}

bool Engine::groups_slice(size_t& cursor, size_t max_views, Ms now, std::vector<GroupView>& views) const {
  Impl& im = *impl_;
  const size_t start = views.size();
  // Group slots are stable while a group lives, so a slot cursor survives changes between
  // slices (a freed slot is reused by a later group, which is then listed or not).
  for (; cursor < im.groups.size(); ++cursor) {
    if (views.size() - start >= max_views) return false;
    const Group& g = im.groups[cursor];
    if (!g.live) continue;
    bool exclude = !g.static_star.empty();
    Ms expires{0};
    for (const Membership& m : g.members) {
      exclude |= m.mode == FilterMode::Exclude;
      expires = std::max(expires, member_left(m, now));
    }
    views.push_back(GroupView{g.vlan, g.addr, std::nullopt, exclude, g.member_ports() | g.static_star,
                              g.members.empty(), expires});
    im.collect_sources(g);
    for (const net::IpAddr& s : im.all_sources) {
      Ms src_left{0};
      bool dynamic = false;
      for (const Membership& m : g.members) {
        if (const SourceTimer* t = m.find_source(s)) {
          dynamic = true;
          if (t->running()) src_left = std::max(src_left, left(t->expires, now));
        }
      }
      views.push_back(GroupView{g.vlan, g.addr, s, exclude, im.source_ports(g, s), !dynamic, src_left});
    }
  }
  return true;
}

std::vector<RouterView> Engine::routers(Ms now) const {
  std::vector<RouterView> views;
  for (const VlanState& vs : impl_->vlans) {
    for (const FamilyState& fs : vs.fam) {
      (fs.routers.ports() & vs.cfg.members).for_each([&](PortId p) {
        const bool fixed = fs.routers.fixed.test(p);
        views.push_back(RouterView{vs.cfg.id, fs.family, p, fixed,
                                   fixed ? Ms{0} : left(fs.routers.timers[p].until(), now)});
      });
    }
  }
  return views;
}

std::vector<QuerierView> Engine::queriers(Ms now) const {
  const Impl& im = *impl_;
  std::vector<QuerierView> views;
  for (const VlanState& vs : im.vlans) {
    for (const FamilyState& fs : vs.fam) {
      if (!fs.active) continue;
      const QuerierState& q = fs.querier;
      QuerierView v{vs.cfg.id, fs.family, std::nullopt, false, 0, Ms{0}};
      if (im.querier_is_self(fs, now)) {
        v.querier = q.own_addr;
        v.self = true;
        v.version = view_version(fs.family, im.querier_version(fs, now));
      } else if (im.querier_known(fs, now)) {
        v.querier = q.other_addr;
        v.version = view_version(fs.family, q.other_version);
        v.expires = left(q.other_until, now);
      }
      views.push_back(v);
    }
  }
  return views;
}

}  // namespace mcsnoop::snoop
