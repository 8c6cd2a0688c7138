// Test harness for the snoop engine: message builders, a virtual clock, and a mirror of the
// forwarding table built only from the engine's published changes (as the MFT would be).
//
// The mirror counts updates that change nothing (same set re-published, removal of an entry
// that does not exist): every test checks in TearDown that there were none.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::snoop::test {

using net::Compat;
using net::Family;
using net::IpAddr;
using net::McastMessage;
using net::MsgKind;
using net::RecordType;
using namespace std::chrono_literals;

inline IpAddr ip(const char* text) {
  uint8_t b[16];
  if (inet_pton(AF_INET, text, b) == 1) return IpAddr::v4_bytes(b);
  if (inet_pton(AF_INET6, text, b) == 1) return IpAddr::v6_bytes(b);
  ADD_FAILURE() << "bad address in test: " << text;
  return IpAddr();
}

inline std::string str(const IpAddr& a) {
  char buf[INET6_ADDRSTRLEN];
  if (a.is_v4()) return inet_ntop(AF_INET, a.v4_ptr(), buf, sizeof buf);
  return inet_ntop(AF_INET6, a.bytes().data(), buf, sizeof buf);
}

// Ports of the standard test topology (rfc-checklist.md notation).
inline constexpr PortId R = 0, H1 = 1, H2 = 2, H3 = 3, M = 4;
inline constexpr unsigned kPorts = 5;
inline PortMask ports(std::initializer_list<PortId> ps) {
  PortMask m;
  for (PortId p : ps) m.set(p);
  return m;
}

struct Rec {
  RecordType type;
  IpAddr group;
  std::vector<IpAddr> sources;
};

inline McastMessage report(const IpAddr& src, std::initializer_list<Rec> recs, Compat compat = Compat::V3) {
  McastMessage m;
  m.kind = MsgKind::Report;
  m.family = src.family();
  m.compat = compat;
  m.src = src;
  for (const Rec& r : recs) {
    net::GroupRecord gr{r.type, r.group, static_cast<uint32_t>(m.sources.size()),
                        static_cast<uint32_t>(r.sources.size())};
    m.sources.insert(m.sources.end(), r.sources.begin(), r.sources.end());
    m.records.push_back(gr);
  }
  return m;
}
// A v3/MLDv2 report with one record.
inline McastMessage record(const IpAddr& src, RecordType t, const IpAddr& g, std::vector<IpAddr> s = {}) {
  McastMessage m = report(src, {Rec{t, g, std::move(s)}});
  m.family = g.family();
  return m;
}
// IGMPv1/v2 or MLDv1 report, as the parser delivers it: one IS_EX({}) record.
inline McastMessage old_report(const IpAddr& src, const IpAddr& g, Compat c = Compat::V2) {
  McastMessage m = report(src, {Rec{RecordType::IsExclude, g, {}}}, c);
  m.family = g.family();
  return m;
}
// IGMPv2 Leave / MLDv1 Done: one TO_IN({}) record with is_leave.
inline McastMessage leave(const IpAddr& src, const IpAddr& g) {
  McastMessage m = report(src, {Rec{RecordType::ToInclude, g, {}}}, Compat::V2);
  m.family = g.family();
  m.is_leave = true;
  return m;
}

// A query to inject, built fluently: query(Q(src).group(g).mrt(1000).sources({s})).
struct Q {
  explicit Q(const IpAddr& s) : src_(s) {}
  Q& version(Compat v) { version_ = v; return *this; }
  Q& group(const IpAddr& g) { group_ = g; return *this; }
  Q& mrt(uint32_t ms) { mrt_ms_ = ms; return *this; }
  Q& sources(std::vector<IpAddr> s) { sources_ = std::move(s); return *this; }
  Q& suppress() { suppress_ = true; return *this; }
  Q& qrv(uint8_t v) { qrv_ = v; return *this; }
  Q& qqi(uint32_t s) { qqi_s_ = s; return *this; }

  IpAddr src_;
  Compat version_ = Compat::V3;
  IpAddr group_;                 // unspecified = general
  uint32_t mrt_ms_ = 10'000;
  std::vector<IpAddr> sources_;
  bool suppress_ = false;
  uint8_t qrv_ = 2;
  uint32_t qqi_s_ = 125;
};
inline McastMessage query(const Q& q) {
  McastMessage m;
  m.kind = MsgKind::Query;
  m.family = q.src_.family();
  m.compat = q.version_;
  m.src = q.src_;
  m.query.group = q.group_.is_unspecified() ? IpAddr::any(q.src_.family()) : q.group_;
  m.query.max_resp_ms = q.mrt_ms_;
  m.query.suppress = q.suppress_;
  m.query.qrv = q.version_ == Compat::V3 ? q.qrv_ : 0;
  m.query.qqi_s = q.version_ == Compat::V3 ? q.qqi_s_ : 0;
  m.sources = q.sources_;
  return m;
}
inline McastMessage pim_hello(const IpAddr& src, uint16_t holdtime_s = 105) {
  McastMessage m;
  m.kind = MsgKind::PimHello;
  m.family = src.family();
  m.src = src;
  m.pim.holdtime_s = holdtime_s;
  return m;
}
inline McastMessage mrd(const IpAddr& src, MsgKind kind, uint8_t interval_s = 20) {
  McastMessage m;
  m.kind = kind;
  m.family = src.family();
  m.src = src;
  m.mrd.adv_interval_s = interval_s;
  return m;
}

struct FibKey {
  VlanId vlan;
  IpAddr group;
  std::optional<IpAddr> source;
  auto operator<=>(const FibKey&) const = default;
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    cfg.ports.resize(kPorts);
    VlanConfig v;
    v.id = 1;
    v.members = PortMask::all(kPorts);
    cfg.vlans.push_back(v);
  }
  void TearDown() override {
    EXPECT_EQ(noop_updates, 0u) << "the engine published updates that changed nothing";
  }

  VlanConfig& vlan() { return cfg.vlans.front(); }
  void enable_querier(const char* addr = "192.0.2.254", uint8_t version = 3) {
    vlan().querier.enabled = true;
    vlan().querier.address = ip(addr);
    vlan().querier.version = version;
  }
  void enable_mld_querier(const char* addr = "fe80::254", uint8_t version = 2) {
    vlan().querier.enabled = true;
    vlan().querier.address6 = ip(addr);
    vlan().querier.mld_version = version;
  }

  void start(Ms t = 0ms) {
    // A fixed index key (unless a test chose one): runs are reproducible.
    if (!cfg.hash_key) cfg.hash_key = core::HashKey::fixed(0x5eed);
    engine = std::make_unique<Engine>(cfg);
    now = t;
    out.clear();
    engine->start(now, out);
    absorb();
  }
  // Hands a message to the engine at the current time; returns its actions.
  Actions& rx(const McastMessage& m, PortId port, VlanId v = 1) {
    out.clear();
    engine->receive(m, v, port, now, out);
    absorb();
    return out;
  }
  // Moves the virtual clock to `t` and runs the timers, collecting every action on the way.
  Actions& at(Ms t) {
    out.clear();
    now = t;
    engine->advance(now, out);
    absorb();
    return out;
  }
  Actions& after(Ms d) { return at(now + d); }
  Actions& link(PortId p, bool up) {
    out.clear();
    engine->set_link(p, up, now, out);
    absorb();
    return out;
  }

  // Where data from `src` to `group` goes: (S,G), then (*,G), then the unregistered set.
  PortMask fwd(const IpAddr& group, const IpAddr& src, VlanId v = 1) const {
    if (auto it = fib.find(FibKey{v, group, src}); it != fib.end()) return it->second;
    if (auto it = fib.find(FibKey{v, group, std::nullopt}); it != fib.end()) return it->second;
    auto it = unreg.find({v, group.family()});
    return it == unreg.end() ? PortMask() : it->second;
  }
  bool has_entry(const IpAddr& group, std::optional<IpAddr> src = std::nullopt, VlanId v = 1) const {
    return fib.count(FibKey{v, group, src}) != 0;
  }
  PortMask unregistered(Family f, VlanId v = 1) const {
    auto it = unreg.find({v, f});
    return it == unreg.end() ? PortMask() : it->second;
  }
  std::optional<GroupView> view(const IpAddr& group, std::optional<IpAddr> src = std::nullopt) const {
    for (const GroupView& g : engine->groups(now)) {
      if (g.group == group && g.source == src) return g;
    }
    return std::nullopt;
  }
  std::vector<RouterView> routers() const { return engine->routers(now); }
  PortMask router_ports(Family f) const {
    PortMask m;
    for (const RouterView& r : engine->routers(now)) {
      if (r.family == f) m.set(r.port);
    }
    return m;
  }
  QuerierView querier(Family f = Family::V4) const {
    for (const QuerierView& q : engine->queriers(now)) {
      if (q.family == f) return q;
    }
    ADD_FAILURE() << "no querier view";
    return {};
  }
  const Counters& counters() const { return engine->counters(); }

  EngineConfig cfg;
  std::unique_ptr<Engine> engine;
  Actions out;
  Ms now{0};
  std::map<FibKey, PortMask> fib;
  std::map<std::pair<VlanId, Family>, PortMask> unreg;
  std::vector<QueryToSend> sent;   // every query the engine asked for, in order
  unsigned noop_updates = 0;

 protected:
  // Mirrors `out` into fib/unreg/sent (every helper above calls it after the engine).
  void absorb() {
    for (const FwdUpdate& u : out.fwd) {
      FibKey k{u.vlan, u.group, u.source};
      auto it = fib.find(k);
      if (u.remove) {
        if (it == fib.end()) ++noop_updates; else fib.erase(it);
      } else {
        if (it != fib.end() && it->second == u.ports) ++noop_updates;
        fib[k] = u.ports;
      }
    }
    for (const UnregisteredUpdate& u : out.unregistered) {
      auto it = unreg.find({u.vlan, u.family});
      if (it != unreg.end() && it->second == u.ports) ++noop_updates;
      unreg[{u.vlan, u.family}] = u.ports;
    }
    sent.insert(sent.end(), out.queries.begin(), out.queries.end());
  }
};

}  // namespace mcsnoop::snoop::test
