// receive_burst() is receive() in order, only faster: two engines fed the same random stream,
// one message at a time and in bursts of random sizes, must produce the same actions for every
// message and end in the same state. The stream mixes everything receive() takes (reports of
// every record type with and without sources, leaves, queries, router signals, IPv6, unknown
// VLANs, ports out of range, full tables), so later messages of a burst find groups created,
// deleted and moved by earlier ones after their cache hints were made.
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

std::string describe(const Actions& a) {
  std::ostringstream os;
  os << "packet " << static_cast<int>(a.packet.kind) << ' ' << a.packet.egress.bits() << '\n';
  for (const FwdUpdate& u : a.fwd) {
    os << "fwd " << u.vlan << ' ' << str(u.group) << ' ' << (u.source ? str(*u.source) : "*") << ' '
       << u.ports.bits() << ' ' << u.remove << '\n';
  }
  for (const UnregisteredUpdate& u : a.unregistered) {
    os << "unreg " << u.vlan << ' ' << static_cast<int>(u.family) << ' ' << u.ports.bits() << '\n';
  }
  for (const QueryToSend& q : a.queries) {
    os << "query " << q.vlan << ' ' << static_cast<int>(q.family) << ' ' << static_cast<int>(q.version) << ' '
       << str(q.src) << ' ' << str(q.group) << ' ' << q.max_resp_ms << ' ' << q.suppress << ' '
       << int{q.qrv} << ' ' << q.qqi_s << ' ' << q.egress.bits();
    for (const IpAddr& s : q.sources) os << ' ' << str(s);
    os << '\n';
  }
  return os.str();
}

std::string describe(const Engine& e, Ms now) {
  std::ostringstream os;
  for (const GroupView& g : e.groups(now)) {
    os << g.vlan << ' ' << str(g.group) << ' ' << (g.source ? str(*g.source) : "*") << ' ' << g.exclude_mode
       << ' ' << g.ports.bits() << ' ' << g.is_static << ' ' << g.expires.count() << '\n';
  }
  const Counters& c = e.counters();
  os << c.messages << ' ' << c.reports << ' ' << c.leaves << ' ' << c.records << ' ' << c.queries_sent << ' '
     << c.refused_table_full << ' ' << c.refused_port_limit << ' ' << c.ignored_unknown_vlan << ' '
     << c.groups_expired << ' ' << c.fast_leaves << '\n';
  return os.str();
}

// A random message of any kind receive() handles, mostly reports.
McastMessage random_message(std::mt19937& rng) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  auto group = [&]() -> IpAddr {
    switch (pick(10)) {
      case 0: return ip("224.0.0.5");                                  // never snooped
      case 1: return IpAddr::v4(0xe8000000u | pick(8));                // SSM
      case 2: return ip(("ff0e::" + std::to_string(1 + pick(20))).c_str());
      default: return IpAddr::v4(0xe9000000u | pick(300));             // 300 ASM groups
    }
  };
  auto sources = [&](const IpAddr& g) {
    std::vector<IpAddr> s;
    for (uint32_t n = pick(4); n > 0; --n) {
      s.push_back(g.is_v4() ? IpAddr::v4(0x0a000000u | pick(6)) : ip(("2001:db8::" + std::to_string(1 + pick(6))).c_str()));
    }
    return s;
  };
  const IpAddr host = IpAddr::v4(0xc0000200u | pick(4));  // 192.0.2.0-3
  switch (pick(12)) {
    case 0: return leave(host, group());
    case 1: return query(Q(ip("198.51.100.1")).group(pick(2) == 0 ? IpAddr() : group()).mrt(1000));
    case 2: return pim_hello(ip("192.0.2.9"));
    case 3:
    case 4: return old_report(host, group(), pick(4) == 0 ? Compat::V1 : Compat::V2);
    default: {
      const IpAddr g = group();
      McastMessage m = record(g.is_v4() ? host : ip("fe80::1"), static_cast<RecordType>(1 + pick(6)), g, sources(g));
      if (pick(3) == 0) {  // a second record in the same report
        const IpAddr g2 = IpAddr::v4(0xe9000000u | pick(300));
        m.records.push_back(net::GroupRecord{static_cast<RecordType>(1 + pick(6)), g2, 0, 0});
      }
      return m;
    }
  }
}

class BurstTest : public EngineTest {
 protected:
  BurstTest() {
    cfg.ports.assign(8, PortConfig{});
    cfg.ports[3].fast_leave = true;
    cfg.ports[5].max_groups = 40;
    cfg.max_groups = 250;  // below the groups the stream names: refusals happen
    vlan().members = PortMask::all(8);
    enable_querier();      // leaves and BLOCKs send and schedule queries
    VlanConfig v2;
    v2.id = 2;
    v2.members = PortMask::all(6);
    v2.mld = false;
    cfg.vlans.push_back(v2);
  }
};

TEST_F(BurstTest, SameActionsAndStateAsOneMessageAtATime) {
  Engine single(cfg), burst(cfg);
  Actions a, b;
  single.start(now, a);
  burst.start(now, b);
  ASSERT_EQ(describe(a), describe(b));

  std::mt19937 rng(21);
  std::vector<McastMessage> msgs;
  std::vector<Received> in;
  std::vector<Actions> outs;
  for (int round = 0; round < 400; ++round) {
    const size_t n = 1 + rng() % 40;
    msgs.clear();
    in.clear();
    for (size_t i = 0; i < n; ++i) msgs.push_back(random_message(rng));
    for (size_t i = 0; i < n; ++i) {
      const auto vlan = static_cast<VlanId>(rng() % 10 == 0 ? 3 : 1 + rng() % 2);  // 3: unknown
      const auto port = static_cast<PortId>(rng() % 50 == 0 ? 70 : rng() % 8);     // 70: out of range
      in.push_back(Received{&msgs[i], vlan, port});
    }
    outs.assign(n, Actions{});
    burst.receive_burst(in, now, outs);
    for (size_t i = 0; i < n; ++i) {
      a.clear();
      single.receive(*in[i].msg, in[i].vlan, in[i].port, now, a);
      ASSERT_EQ(describe(a), describe(outs[i])) << "round " << round << " message " << i;
    }
    now += Ms{static_cast<int64_t>(rng() % 5000)};
    a.clear();
    b.clear();
    single.advance(now, a);
    burst.advance(now, b);
    ASSERT_EQ(describe(a), describe(b)) << "timers after round " << round;
  }
  EXPECT_EQ(describe(single, now), describe(burst, now));
  EXPECT_GT(single.counters().refused_table_full, 0u);
  EXPECT_GT(single.counters().queries_sent, 0u);
}

TEST_F(BurstTest, EmptyAndSingleBursts) {
  start();
  std::vector<Actions> outs(1);
  engine->receive_burst({}, now, outs);
  EXPECT_TRUE(outs[0].fwd.empty());
  const McastMessage m = old_report(ip("192.0.2.10"), ip("233.1.1.1"));
  const Received one{&m, 1, H1};
  engine->receive_burst(std::span<const Received>(&one, 1), now, outs);
  EXPECT_EQ(outs[0].packet.kind, PacketDisposition::Kind::Forward);
  ASSERT_EQ(outs[0].fwd.size(), 1u);
  EXPECT_EQ(outs[0].fwd[0].ports, ports({H1}));
}

}  // namespace
}  // namespace mcsnoop::snoop::test
