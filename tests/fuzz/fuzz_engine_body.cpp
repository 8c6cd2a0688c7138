#include "fuzz_engine_body.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/wire.hpp"
#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::snoop::fuzz {
namespace {

using net::Compat;
using net::Family;
using net::IpAddr;

// Not the production limits' names on purpose: the fuzzer states what it expects.
constexpr size_t kMaxSourcesPerMembership = kMaxSourcesPerGroup;  // whatever a port says
constexpr size_t kMaxHostsPerMembership = 32;
constexpr size_t kTimerSlack = 1024;               // snoop/engine_impl.hpp kTimerQueueSlack
constexpr unsigned kMaxSteps = 4096;
constexpr VlanId kVlanA = 10, kVlanB = 20, kVlanUnknown = 30;

// A broken invariant names its line on stderr, then traps (libFuzzer saves the input).
[[noreturn]] void fail(int line) {
  std::fprintf(stderr, "fuzz_engine: invariant at fuzz_engine_body.cpp:%d broken\n", line);
  __builtin_trap();
}
#define require(ok)          \
  do {                       \
    if (!(ok)) fail(__LINE__); \
  } while (0)

// Reads the input front to back; past the end every read is 0 and done() is true.
class Reader {
 public:
  Reader(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  bool done() const { return i_ >= n_; }
  uint8_t u8() { return i_ < n_ ? d_[i_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  std::span<const uint8_t> bytes(size_t want) {
    const size_t take = std::min(want, n_ - std::min(i_, n_));
    std::span<const uint8_t> s(d_ + std::min(i_, n_), take);
    i_ += take;
    return s;
  }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t i_ = 0;
};

// ---- configuration from the first bytes ------------------------------------------------------

struct Setup {
  EngineConfig cfg;
  unsigned nports = 0;
};

// The source and VLAN limits (after the rest of the setup, so older seeds keep their meaning).
void read_limits(Reader& in, Setup& s) {
  const uint8_t per_group = in.u8(), per_port = in.u8(), table = in.u8(), vlan = in.u8();
  for (PortConfig& pc : s.cfg.ports) {
    pc.max_sources_per_group = per_group == 255 ? kMaxSourcesPerGroup : 1u + per_group;
    pc.max_sources = per_port % 4 == 0 ? 0u : 4u * per_port;  // 0 = unlimited
  }
  s.cfg.max_sources = table == 0 ? 0u : 16u * table;
  s.cfg.vlans[0].max_groups = vlan & 15;                      // 0 = only the table's limit
  s.cfg.vlans[1].max_groups = vlan >> 4;
}

Setup read_setup(Reader& in) {
  Setup s;
  s.nports = 2 + in.u8() % 7;  // 2..8
  const uint8_t guard = in.u8(), always = in.u8(), never = in.u8(), fast = in.u8(), flood = in.u8();
  const uint8_t port_limit = in.u8() % 12;  // 0 = unlimited
  for (unsigned p = 0; p < s.nports; ++p) {
    PortConfig pc;
    pc.router_guard = (guard >> p) & 1;
    pc.router = (always >> p) & 1 ? RouterMode::Always : (never >> p) & 1 ? RouterMode::Never : RouterMode::Auto;
    pc.fast_leave = (fast >> p) & 1;
    pc.flood_unregistered = (flood >> p) & 1;
    pc.flood_reports = (flood >> p) & (p == s.nports - 1);
    pc.max_groups = port_limit;
    s.cfg.ports.push_back(pc);
  }
  s.cfg.max_groups = 1 + in.u8() % 48;
  const uint8_t t = in.u8(), q = in.u8();
  Timers timers;
  timers.robustness = static_cast<uint8_t>(1 + t % 3);
  static constexpr int64_t kQi[] = {2'000, 10'000, 125'000, 30'000};
  static constexpr int64_t kQri[] = {1'000, 1'500, 10'000, 1'000};
  timers.query_interval = Ms{kQi[(t >> 2) & 3]};
  timers.query_response_interval = Ms{kQri[(t >> 2) & 3]};
  timers.last_member_query_interval = Ms{(t >> 4) & 1 ? 100 : 1'000};
  timers.last_member_query_count = static_cast<uint8_t>(1 + ((t >> 5) & 1));
  for (VlanId id : {kVlanA, kVlanB}) {
    VlanConfig v;
    v.id = id;
    v.timers = timers;
    v.mld = (q >> 7) == 0 || id == kVlanA;
    v.unregistered = static_cast<UnregisteredPolicy>(((q >> 5) & 3) % 3);
    v.members = id == kVlanA ? PortMask::all(s.nports) : PortMask::all(std::min(s.nports, 3u));
    if (q & 1) {
      v.querier.enabled = true;
      v.querier.address = IpAddr::v4(0x0a0000fe);  // 10.0.0.254
      v.querier.version = static_cast<uint8_t>(1 + ((q >> 1) & 3) % 3);
      if (q & 8) {
        const uint8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
        v.querier.address6 = IpAddr::v6_bytes(ll);
        v.querier.mld_version = static_cast<uint8_t>(1 + ((q >> 4) & 1));
      }
    }
    s.cfg.vlans.push_back(v);
  }
  read_limits(in, s);
  return s;
}

// ---- message construction ----------------------------------------------------------------------

IpAddr v6(uint8_t b0, uint8_t b1, uint8_t b14, uint8_t b15) {
  uint8_t b[16] = {b0, b1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b14, b15};
  return IpAddr::v6_bytes(b);
}

// A group from a small pool (so messages meet each other's state), sometimes SSM, link-local or
// not multicast at all.
IpAddr group(Reader& in, Family f) {
  const uint8_t sel = in.u8();
  const uint8_t n = sel & 0x1f;
  switch (sel >> 5) {
    case 6: return f == Family::V4 ? IpAddr::v4(0xe8010000u | n) : v6(0xff, 0x3e, 0, n);  // SSM
    case 7: return f == Family::V4 ? IpAddr::v4(0xe0000000u | n) : v6(0xff, 0x02, 0, n);  // link-local
    default: return f == Family::V4 ? IpAddr::v4(0xef010000u | n) : v6(0xff, 0x0e, 0, n);
  }
}

IpAddr source(Reader& in, Family f) {
  const uint16_t n = in.u16();
  if (n == 0xffff) return IpAddr::any(f);  // invalid in records: must be refused and counted
  return f == Family::V4 ? IpAddr::v4(0xc0a80000u | n) : v6(0x20, 0x01, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n));
}

IpAddr host(Reader& in, Family f) {
  const uint8_t n = in.u8();
  if (n == 0) return IpAddr::any(f);
  return f == Family::V4 ? IpAddr::v4(0x0a000000u | n) : v6(0xfe, 0x80, 0, n);
}

std::vector<IpAddr> sources(Reader& in, Family f, unsigned max) {
  std::vector<IpAddr> s;
  const unsigned n = in.u8() % (max + 1);
  // A run of consecutive addresses from a random start (cheap to encode, reaches the caps).
  const uint16_t start = in.u16();
  const uint8_t stride = in.u8() | 1;
  for (unsigned i = 0; i < n; ++i) {
    const auto k = static_cast<uint16_t>(start + i * stride);
    s.push_back(f == Family::V4 ? IpAddr::v4(0xc0a80000u | k) : v6(0x20, 0x01, static_cast<uint8_t>(k >> 8), static_cast<uint8_t>(k)));
  }
  if (n > 0 && (in.u8() & 7) == 0) s.push_back(source(in, f));
  return s;
}

std::vector<uint8_t> build_report(Reader& in, Family f) {
  const uint8_t kind = in.u8();
  const IpAddr src = host(in, f);
  switch (kind % 4) {
    case 0: {
      if (f == Family::V4) return net::build(net::IgmpReport{.version = kind & 4 ? Compat::V1 : Compat::V2, .src = src, .group = group(in, f)});
      return net::build(net::MldReport{.src = src, .group = group(in, f)});
    }
    case 1:
      if (f == Family::V4) return net::build(net::IgmpLeave{.src = src, .group = group(in, f)});
      return net::build(net::MldDone{.src = src, .group = group(in, f)});
    default: {
      std::vector<net::ReportRecord> recs;
      const unsigned n = 1 + in.u8() % 4;
      for (unsigned i = 0; i < n; ++i) {
        net::ReportRecord r;
        r.type = static_cast<net::RecordType>(1 + in.u8() % 6);
        r.group = group(in, f);
        r.sources = sources(in, f, 64);
        recs.push_back(std::move(r));
      }
      if (f == Family::V4) return net::build(net::IgmpV3Report{.src = src, .records = std::move(recs)});
      return net::build(net::MldV2Report{.src = src, .records = std::move(recs)});
    }
  }
}

std::vector<uint8_t> build_query(Reader& in, Family f) {
  const uint8_t flags = in.u8();
  // Low addresses win the election; 0 is a proxy query.
  const uint8_t who = in.u8();
  const IpAddr src = who == 0 ? IpAddr::any(f) : f == Family::V4 ? IpAddr::v4(0x0a000000u | who) : v6(0xfe, 0x80, 0, who);
  const IpAddr g = flags & 1 ? group(in, f) : IpAddr::any(f);
  const bool gs = flags & 2;
  // MRT, QRV and QQIC anywhere in their wire range, extremes included.
  const uint32_t mrt = flags & 4 ? 100u * (in.u8() + 1) : 100u * in.u16();
  const uint8_t qrv = in.u8() & 7;
  const uint32_t qqi = flags & 8 ? in.u8() : 31744;
  const std::vector<IpAddr> srcs = gs && !g.is_unspecified() ? sources(in, f, 48) : std::vector<IpAddr>{};
  const Compat v = (flags >> 4) % 3 == 0 ? Compat::V3 : (flags >> 4) % 3 == 1 ? Compat::V2 : Compat::V1;
  if (f == Family::V4) {
    return net::build(net::IgmpQuery{.version = v, .src = src, .group = g, .max_resp_ms = std::min<uint32_t>(mrt, 3'174'400),
                                     .suppress = (flags & 64) != 0, .qrv = qrv, .qqi_s = qqi, .sources = srcs});
  }
  return net::build(net::MldQuery{.version = v == Compat::V1 ? Compat::V2 : v, .src = src, .group = g,
                                  .max_resp_ms = std::min<uint32_t>(mrt, 8'387'584), .suppress = (flags & 64) != 0,
                                  .qrv = qrv, .qqi_s = qqi, .sources = srcs});
}

std::vector<uint8_t> build_router_signal(Reader& in, Family f) {
  const uint8_t kind = in.u8();
  const uint8_t who = 1 + in.u8() % 254;
  const IpAddr src = f == Family::V4 ? IpAddr::v4(0x0a000000u | who) : v6(0xfe, 0x80, 0, who);
  switch (kind % 4) {
    case 0: {
      const uint8_t h = in.u8();
      const uint16_t hold = h == 0 ? 0 : h == 255 ? 0xffff : static_cast<uint16_t>(h);
      return net::build(net::PimHello{.src = src, .holdtime_s = hold});
    }
    case 1: return net::build(net::MrdAdvertisement{.src = src, .interval_s = in.u8()});
    case 2: return net::build(net::MrdSolicitation{.src = src});
    default: return net::build(net::MrdTermination{.src = src});
  }
}

// ---- the mirror of the forwarding table (as the MFT would be, from published changes only) ---

struct Key {
  VlanId vlan;
  IpAddr group;
  std::optional<IpAddr> source;
  auto operator<=>(const Key&) const = default;
};

class Harness {
 public:
  explicit Harness(Setup s) : setup_(std::move(s)), engine_(setup_.cfg) {
    for (const VlanConfig& v : setup_.cfg.vlans) members_[v.id] = v.members;
    for (const VlanConfig& v : setup_.cfg.vlans) timers_[v.id] = v.timers;
  }

  void start() {
    out_.clear();
    engine_.start(now_, out_);
    absorb(out_);
    check();
  }

  void receive(const net::McastMessage& m, VlanId vlan, PortId port) {
    out_.clear();
    engine_.receive(m, vlan, port, now_, out_);
    check_disposition(m, vlan, port, out_);
    absorb(out_);
    check();
  }

  void receive_burst(const std::vector<net::McastMessage>& msgs, VlanId vlan, PortId port) {
    std::vector<Received> in;
    for (const net::McastMessage& m : msgs) in.push_back(Received{&m, vlan, port});
    std::vector<Actions> outs(in.size());
    engine_.receive_burst(in, now_, outs);
    for (size_t i = 0; i < in.size(); ++i) {
      check_disposition(msgs[i], vlan, port, outs[i]);
      absorb(outs[i]);
    }
    check();
  }

  void advance(Ms d) {
    now_ += d;
    out_.clear();
    engine_.advance(now_, out_);
    absorb(out_);
    // Everything due has run: the next deadline is in the future.
    require(engine_.next_deadline() > now_);
    check();
  }

  void link(PortId port, bool up) {
    out_.clear();
    engine_.set_link(port, up, now_, out_);
    if (up) link_down_.reset(port); else link_down_.set(port);
    absorb(out_);
    check();
  }

  unsigned nports() const { return setup_.nports; }

  // A live reload (Engine::reconfigure) of the per-port policies, the VLANs' unregistered
  // policy, querier and MLD/snooping switches. Timers and limits stay: the invariants bound
  // what is held by the values in force when it was learned.
  void reconfigure(Reader& in) {
    const uint8_t guard = in.u8(), always = in.u8(), never = in.u8(), fast = in.u8(), flood = in.u8();
    const uint8_t v = in.u8();
    EngineConfig next = setup_.cfg;
    for (unsigned p = 0; p < setup_.nports; ++p) {
      PortConfig& pc = next.ports[p];
      pc.router_guard = (guard >> p) & 1;
      pc.router = (always >> p) & 1 ? RouterMode::Always : (never >> p) & 1 ? RouterMode::Never : RouterMode::Auto;
      pc.fast_leave = (fast >> p) & 1;
      pc.flood_unregistered = (flood >> p) & 1;
    }
    for (VlanConfig& vc : next.vlans) {
      vc.unregistered = static_cast<UnregisteredPolicy>((v & 3) % 3);
      if (v & 4) vc.querier.enabled = !vc.querier.enabled;
      if (vc.id == kVlanB) {
        vc.mld = (v & 8) == 0;
        vc.snooping = (v & 16) == 0;
      }
    }
    out_.clear();
    require(engine_.reconfigure(next, now_, out_));
    setup_.cfg = next;
    absorb(out_);
    check();
  }

 private:
  void absorb(const Actions& a) {
    for (const FwdUpdate& u : a.fwd) {
      const Key k{u.vlan, u.group, u.source};
      auto it = fib_.find(k);
      if (u.remove) {
        require(it != fib_.end());  // never removes what it did not publish
        fib_.erase(it);
      } else {
        require(it == fib_.end() || it->second != u.ports);  // only changes are published
        require((u.ports & ~members_[u.vlan]).empty());       // egress ports carry the VLAN
        fib_[k] = u.ports;
      }
    }
    for (const UnregisteredUpdate& u : a.unregistered) {
      require((u.ports & ~members_[u.vlan]).empty());
      unreg_[{u.vlan, static_cast<int>(u.family)}] = u.ports;
    }
    for (const QueryToSend& q : a.queries) {
      require(q.vlan == kVlanA || q.vlan == kVlanB);
      require((q.egress & ~members_[q.vlan]).empty());
      require((q.egress & link_down_).empty());  // never out of a port whose link is down
      require(q.qrv <= 7);
      require(q.sources.size() <= kMaxSourcesPerMembership);
    }
  }

  void check_disposition(const net::McastMessage& m, VlanId vlan, PortId port, const Actions& a) {
    require(!a.packet.egress.test(port));  // never back out of its ingress port
    if (a.packet.kind == PacketDisposition::Kind::Drop) require(a.packet.egress.empty());
    if (members_.count(vlan) != 0) require((a.packet.egress & ~members_[vlan]).empty());
    // Router guard: router signals from a guarded port go nowhere.
    const bool router_signal = m.kind == net::MsgKind::Query || m.kind == net::MsgKind::PimHello ||
                               m.kind == net::MsgKind::MrdAdvertisement || m.kind == net::MsgKind::MrdTermination;
    if (router_signal && port < setup_.cfg.ports.size() && setup_.cfg.ports[port].router_guard) {
      require(a.packet.kind == PacketDisposition::Kind::Drop);
    }
  }

  // The invariants, after every step. Add a limit here when the engine gets one.
  void check() {
    const std::vector<GroupView> groups = engine_.groups(now_);
    const std::vector<RouterView> routers = engine_.routers(now_);
    check_limits(groups);
    check_memory();
    check_routers(routers);
    check_views_against_fib(groups, routers);
    check_querier_bounds();
    check_timers(groups);
  }

  // Every limit the engine has, against the engine's state and its own usage counters.
  void check_limits(const std::vector<GroupView>& groups) {
    const Footprint f = engine_.footprint();
    const EngineConfig& cfg = setup_.cfg;
    require(f.max_member_sources <= kMaxSourcesPerMembership);
    require(f.max_member_hosts <= kMaxHostsPerMembership);
    // snooping.max_groups, snooping.max_sources (no static groups here: all are learned).
    const TableUsage table = engine_.table_usage();
    require(table.groups == f.live_groups && table.static_groups == 0);
    require(f.live_groups <= cfg.max_groups);
    require(table.sources == f.sources);
    if (cfg.max_sources != 0) require(f.sources <= cfg.max_sources);
    // vlans[].max_groups
    std::map<VlanId, uint32_t> per_vlan;
    std::array<uint32_t, kMaxPorts> per_port{};
    size_t star_views = 0;
    for (const GroupView& g : groups) {
      if (g.source) continue;
      ++star_views;
      ++per_vlan[g.vlan];
      g.ports.for_each([&](PortId p) { ++per_port[p]; });
    }
    require(star_views == f.live_groups);
    for (const VlanConfig& v : cfg.vlans) {
      require(engine_.vlan_groups(v.id) == per_vlan[v.id]);
      if (v.max_groups != 0) require(per_vlan[v.id] <= v.max_groups);
    }
    // ports[].max_groups, ports[].max_sources, ports[].max_sources_per_group
    for (unsigned p = 0; p < setup_.nports; ++p) {
      const PortConfig& pc = cfg.ports[p];
      const PortUsage u = engine_.port_usage(static_cast<PortId>(p));
      require(u.groups == f.port_memberships[p] && u.groups == per_port[p]);
      require(u.sources == f.port_sources[p]);
      if (pc.max_groups != 0) require(u.groups <= pc.max_groups);
      if (pc.max_sources != 0) require(u.sources <= pc.max_sources);
      require(f.port_max_member_sources[p] <= pc.max_sources_per_group);
    }
  }

  void check_memory() {
    const Footprint f = engine_.footprint();
    const size_t owners = f.live_groups + setup_.cfg.vlans.size() * 4;
    require(f.timer_events <= 3 * owners + kTimerSlack);
    require(f.group_slots <= setup_.cfg.max_groups);  // freed slots are reused
    require(f.sources <= f.memberships * kMaxSourcesPerMembership);
    require(f.pending_queries <= f.memberships * 2);
    require(f.pending_sources <= f.memberships * kMaxSourcesPerMembership);
  }

  void check_routers(const std::vector<RouterView>& routers) {
    for (const RouterView& r : routers) {
      require(r.port < setup_.nports && members_[r.vlan].test(r.port));
      require(!setup_.cfg.ports[r.port].router_guard);  // a guarded port is never a router port
      if (r.is_static) require(setup_.cfg.ports[r.port].router == RouterMode::Always);
      if (!r.is_static) require(setup_.cfg.ports[r.port].router != RouterMode::Never);
    }
  }

  PortMask router_ports(const std::vector<RouterView>& routers, VlanId vlan, Family f) const {
    PortMask m;
    for (const RouterView& r : routers) {
      if (r.vlan == vlan && r.family == f) m.set(r.port);
    }
    return m;
  }

  // The views describe exactly the entries the engine published: (*,G) holds the routers and
  // no port that is not a member, and (S,G) is the view's ports plus the routers.
  void check_views_against_fib(const std::vector<GroupView>& groups, const std::vector<RouterView>& routers) {
    for (const GroupView& g : groups) {
      auto it = fib_.find(Key{g.vlan, g.group, g.source});
      require(it != fib_.end());
      const PortMask r = router_ports(routers, g.vlan, g.group.family());
      if (g.source) {
        require(it->second == (g.ports | r));
      } else {
        require((r & ~it->second).empty());
        require((it->second & ~(g.ports | r)).empty());
      }
    }
    require(fib_.size() == groups.size());
  }

  void check_querier_bounds() {
    for (const QuerierView& q : engine_.queriers(now_)) {
      if (q.self || !q.querier) continue;
      const Timers& t = timers_[q.vlan];
      const Ms max_oqpi = std::max<uint32_t>(t.robustness, 2) * t.query_interval + t.query_response_interval / 2;
      require(q.expires <= max_oqpi);
    }
  }

  void check_timers(const std::vector<GroupView>& groups) {
    for (const GroupView& g : groups) {
      // No membership outlives the longest GMI the bounds allow.
      const Timers& t = timers_[g.vlan];
      const Ms max_gmi = std::max<uint32_t>(t.robustness, 7) * std::max(Ms{1'000}, 2 * t.query_interval) +
                         std::max(t.query_interval, t.query_response_interval);
      require(g.expires >= Ms{0} && g.expires <= max_gmi);
    }
  }

  Setup setup_;
  Engine engine_;
  Actions out_;
  Ms now_{1'000'000};
  PortMask link_down_;
  std::map<VlanId, PortMask> members_;
  std::map<VlanId, Timers> timers_;
  std::map<Key, PortMask> fib_;
  std::map<std::pair<VlanId, int>, PortMask> unreg_;
};

// Decodes a built frame (Ethernet, no tag) as the control plane would.
bool decode_frame(const std::vector<uint8_t>& frame, net::McastMessage& m) {
  if (frame.size() < 14) return false;
  const uint16_t et = static_cast<uint16_t>(frame[12] << 8 | frame[13]);
  return net::decode_l3(et, frame.data() + 14, static_cast<uint32_t>(frame.size() - 14), m) == net::DecodeResult::Ok;
}

VlanId pick_vlan(uint8_t b) {
  switch (b & 7) {
    case 0: return kVlanB;
    case 1: return kVlanUnknown;
    default: return kVlanA;
  }
}

}  // namespace

void run_one_input(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Harness h(read_setup(in));
  h.start();
  net::McastMessage m;
  for (unsigned step = 0; step < kMaxSteps && !in.done(); ++step) {
    const uint8_t op = in.u8();
    const uint8_t where = in.u8();
    const auto port = static_cast<PortId>((where >> 3) % (h.nports() + 1));  // one past: unknown
    const VlanId vlan = pick_vlan(where);
    const Family f = op & 0x80 ? Family::V6 : Family::V4;
    std::vector<uint8_t> frame;
    switch (op & 7) {
      case 0:
      case 1: frame = build_report(in, f); break;
      case 2: frame = build_query(in, f); break;
      case 3: frame = build_router_signal(in, f); break;
      case 4: {
        const uint8_t d = in.u8();
        h.advance(d < 200 ? Ms{d * 10} : d < 250 ? Ms{int64_t{d - 199} * 10'000} : Ms{int64_t{d - 249} * 3'600'000});
        continue;
      }
      case 5:
        if ((op & 0x70) == 0x70) {  // one in eight: a live reload
          h.reconfigure(in);
        } else {
          h.link(port >= h.nports() ? 0 : port, (op & 8) != 0);
        }
        continue;
      case 6: {  // raw bytes from the input, as an IPv4 or IPv6 packet
        const std::span<const uint8_t> raw = in.bytes(in.u8());
        m.clear();
        if (net::decode_l3(f == Family::V4 ? 0x0800 : 0x86dd, raw.data(), static_cast<uint32_t>(raw.size()), m) ==
            net::DecodeResult::Ok) {
          h.receive(m, vlan, port);
        }
        continue;
      }
      case 7: {  // a burst of reports from one port
        std::vector<net::McastMessage> msgs;
        const unsigned n = 1 + in.u8() % 8;
        for (unsigned i = 0; i < n; ++i) {
          net::McastMessage one;
          if (decode_frame(build_report(in, f), one)) msgs.push_back(std::move(one));
        }
        h.receive_burst(msgs, vlan, port);
        continue;
      }
    }
    m.clear();
    if (decode_frame(frame, m)) h.receive(m, vlan, port);
  }
}

}  // namespace mcsnoop::snoop::fuzz
