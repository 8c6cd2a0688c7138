// Ports and forwarding sets: packet dispositions, router ports (learned, aged, static, guarded,
// per family), explicit host tracking and fast leave, limits, SSM and link-local rules, the
// (S,G) pre-merge, unregistered policies, emit-only-changes, link down/up, static groups.
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G = ip("239.1.1.1"), G2 = ip("239.1.1.2"), G3 = ip("239.1.1.3");
const IpAddr S1 = ip("192.0.2.1"), S2 = ip("192.0.2.2");
const IpAddr HostA = ip("10.0.0.11"), HostB = ip("10.0.0.12");
const IpAddr Router = ip("10.0.0.1"), Router6 = ip("fe80::1");
const IpAddr G6 = ip("ff0e::1:1"), Host6 = ip("fe80::11");

class PortTest : public EngineTest {
 protected:
  PortTest() { vlan().unregistered = UnregisteredPolicy::RouterPorts; }
  void learn_router_r() { rx(query(Q(Router)), R); }
};

TEST_F(PortTest, ReportsGoToRouterPortsOnly) {
  start();
  Actions& a = rx(old_report(HostA, G), H1);
  EXPECT_EQ(a.packet.kind, PacketDisposition::Kind::Forward);
  EXPECT_TRUE(a.packet.egress.empty()) << "S01: no router port, the report goes nowhere";
  learn_router_r();
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, ports({R}));
  EXPECT_EQ(rx(record(HostA, RecordType::IsExclude, G), H1).packet.egress, ports({R}));
  EXPECT_EQ(rx(leave(HostA, G), H1).packet.egress, ports({R}));
  // E5: a report arriving on a router port goes to the other router ports, never back.
  rx(query(Q(ip("10.0.0.2"))), H3);
  EXPECT_EQ(rx(old_report(HostA, G), R).packet.egress, ports({H3}));
}

TEST_F(PortTest, FloodReportsPortAlsoGetsReportsAndLeaves) {  // S02
  cfg.ports[M].flood_reports = true;  // an analyzer
  start();
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, ports({M})) << "even with no router port";
  learn_router_r();
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, ports({R, M})) << "report in H1: out R and M";
  EXPECT_EQ(rx(record(HostA, RecordType::IsExclude, G), H1).packet.egress, ports({R, M}));
  EXPECT_EQ(rx(leave(HostA, G), H1).packet.egress, ports({R, M}));
  EXPECT_EQ(rx(old_report(Host6, G6), H1).packet.egress, ports({M})) << "both families";
  EXPECT_FALSE(fwd(G, S1).test(M)) << "the reports M saw do not make it a member";
  EXPECT_EQ(rx(old_report(HostB, G), M).packet.egress, ports({R})) << "never back out of M";
  EXPECT_EQ(rx(query(Q(Router)), R).packet.egress, PortMask::all(kPorts).without(R))
      << "queries are flooded as before";
}

TEST_F(PortTest, QueriesAndRouterSignalsAreFloodedExceptIngress) {
  start();
  const PortMask all_but_r = PortMask::all(kPorts).without(R);
  EXPECT_EQ(rx(query(Q(Router)), R).packet.egress, all_but_r);
  EXPECT_EQ(rx(pim_hello(Router), R).packet.egress, all_but_r);
  EXPECT_EQ(rx(mrd(Router, MsgKind::MrdAdvertisement), R).packet.egress, all_but_r);
}

TEST_F(PortTest, UnknownVlanOrNonMemberPortIsDropped) {
  vlan().members = ports({R, H1, H2});
  start();
  EXPECT_EQ(rx(old_report(HostA, G), H1, 7).packet.kind, PacketDisposition::Kind::Drop);
  EXPECT_EQ(rx(old_report(HostA, G), H3).packet.kind, PacketDisposition::Kind::Drop);
  EXPECT_EQ(counters().ignored_unknown_vlan, 2u);
  EXPECT_FALSE(has_entry(G));
}

TEST_F(PortTest, RouterPortLearnedFromQueryAndAgedAfterOqpi) {
  start();
  rx(old_report(HostA, G), H1);
  EXPECT_EQ(fwd(G, S1), ports({H1}));
  learn_router_r();
  EXPECT_EQ(fwd(G, S1), ports({R, H1})) << "router ports are in every set";
  EXPECT_EQ(unregistered(Family::V4), ports({R}));
  ASSERT_EQ(routers().size(), 1u);
  EXPECT_EQ(routers()[0].expires, 255s);
  EXPECT_FALSE(routers()[0].is_static);
  at(255s - 1ms);
  EXPECT_TRUE(router_ports(Family::V4).test(R));
  rx(old_report(HostA, G), H1);  // keep the membership alive
  at(255s);
  EXPECT_FALSE(router_ports(Family::V4).test(R));
  EXPECT_EQ(fwd(G, S1), ports({H1}));
  EXPECT_TRUE(unregistered(Family::V4).empty());
}

TEST_F(PortTest, ZeroSourceQueryDoesNotMakeARouterPort) {
  start();
  rx(query(Q(ip("0.0.0.0"))), H2);
  EXPECT_TRUE(routers().empty());
  rx(old_report(HostA, G), H1);
  EXPECT_FALSE(fwd(G, S1).test(H2));
}

TEST_F(PortTest, StaticAndNeverRouterPorts) {
  cfg.ports[H3].router = RouterMode::Always;
  cfg.ports[H2].router = RouterMode::Never;
  start();
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  EXPECT_EQ(router_ports(Family::V6), ports({H3}));
  EXPECT_TRUE(routers()[0].is_static);
  EXPECT_EQ(unregistered(Family::V4), ports({H3}));
  rx(query(Q(Router)), H2);
  rx(pim_hello(Router), H2);
  rx(mrd(Router, MsgKind::MrdAdvertisement), H2);
  EXPECT_FALSE(router_ports(Family::V4).test(H2)) << "nothing learned from a `never` port";
  EXPECT_EQ(counters().ignored_router_guard, 3u);
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, ports({H3}));
}

// ---- router guard ----------------------------------------------------------------------------

TEST_F(PortTest, RouterGuardDropsRouterSignalsAndChangesNothing) {
  cfg.ports[H2].router_guard = true;
  enable_querier();
  start();
  rx(old_report(HostA, G), H1);
  const Ms expires_before = view(G)->expires;
  const auto dropped = [](const Actions& a) {
    return a.packet.kind == PacketDisposition::Kind::Drop && a.packet.egress.empty();
  };
  EXPECT_TRUE(dropped(rx(query(Q(Router)), H2))) << "a spoofed general query reaches no host";
  EXPECT_TRUE(dropped(rx(query(Q(Router).group(G).mrt(100)), H2)));
  EXPECT_TRUE(dropped(rx(query(Q(ip("0.0.0.0"))), H2))) << "proxy queries too";
  EXPECT_TRUE(dropped(rx(pim_hello(Router), H2)));
  EXPECT_TRUE(dropped(rx(mrd(Router, MsgKind::MrdAdvertisement), H2)));
  EXPECT_TRUE(dropped(rx(mrd(Router, MsgKind::MrdTermination), H2)));
  EXPECT_TRUE(dropped(rx(query(Q(Router6)), H2)));
  EXPECT_TRUE(querier().self) << "no election";
  EXPECT_TRUE(routers().empty()) << "never a router port";
  EXPECT_EQ(view(G)->expires, expires_before) << "no timer lowering";
  after(1s);
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "the Q(G) with MRT 100 ms lowered nothing";
  EXPECT_EQ(counters().dropped_router_guard, 7u);
  EXPECT_EQ(engine->port_counters(H2).dropped_router_guard, 7u);
  EXPECT_EQ(engine->port_counters(H1).dropped_router_guard, 0u);
  EXPECT_EQ(counters().queries, 0u);
  // What hosts send still works on a guarded port: reports, and MRD solicitations (flooded).
  EXPECT_EQ(rx(mrd(Host6, MsgKind::MrdSolicitation), H2).packet.egress, ports({R, H1, H3, M}));
  rx(old_report(HostB, G), H2);
  EXPECT_TRUE(fwd(G, S1).test(H2));
  EXPECT_EQ(counters().dropped_router_guard, 7u);
}

TEST_F(PortTest, RouterGuardWinsOverStaticRouterPort) {
  cfg.ports[H3].router = RouterMode::Always;
  cfg.ports[H3].router_guard = true;  // the config refuses this; the engine keeps the guard
  start();
  EXPECT_TRUE(routers().empty());
}

TEST_F(PortTest, UnguardedPortStillLearnsRouters) {
  cfg.ports[H2].router_guard = true;
  start();
  rx(query(Q(Router)), H3);
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  EXPECT_EQ(counters().dropped_router_guard, 0u);
}

TEST_F(PortTest, PimHelloRouterPortAgesWithHoldtime) {
  start();
  rx(pim_hello(Router, 30), H3);
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  at(30s - 1ms);
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  at(30s);
  EXPECT_TRUE(router_ports(Family::V4).empty());
  rx(pim_hello(Router, 30), H3);
  rx(pim_hello(Router, 0), H3);  // holdtime 0: the neighbor is leaving
  EXPECT_TRUE(router_ports(Family::V4).empty());
}

TEST_F(PortTest, MrdAdvertisementAgesAfterNeighborDeadInterval) {
  start();
  rx(mrd(Router, MsgKind::MrdAdvertisement, 20), H3);  // 3 x (20 s + 0.5 s jitter) = 61.5 s
  rx(mrd(Router, MsgKind::MrdTermination), H3);
  EXPECT_EQ(router_ports(Family::V4), ports({H3})) << "RFC 4286: a termination does not drop at once";
  at(61'500ms - 1ms);
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  at(61'500ms);
  EXPECT_TRUE(router_ports(Family::V4).empty());
}

TEST_F(PortTest, RouterPortsArePerFamily) {
  start();
  rx(query(Q(Router6)), H3);  // an MLD query
  EXPECT_EQ(router_ports(Family::V6), ports({H3}));
  EXPECT_TRUE(router_ports(Family::V4).empty());
  rx(old_report(HostA, G), H1);
  EXPECT_FALSE(fwd(G, S1).test(H3)) << "S34";
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, PortMask());
  EXPECT_EQ(rx(old_report(Host6, G6), H1).packet.egress, ports({H3}));
}

TEST_F(PortTest, TwoHostsOnOnePortOneLeavesThePortStays) {
  enable_querier();
  start();
  rx(record(HostA, RecordType::IsExclude, G), H1);
  rx(record(HostB, RecordType::IsExclude, G), H1);
  sent.clear();
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(sent.empty()) << "HostB still holds the membership: no query, no LMQT";
  EXPECT_EQ(counters().host_leaves_kept, 1u);
  at(5s);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  rx(leave(HostB, G), H1);  // the last host: the normal leave path
  ASSERT_EQ(sent.size(), 1u);
  at(7s);
  EXPECT_FALSE(fwd(G, S1).test(H1));
}

TEST_F(PortTest, FastLeavePrunesAtOnceWhenTheLastHostLeaves) {
  cfg.ports[H1].fast_leave = true;
  start();
  learn_router_r();
  rx(old_report(HostA, G), H1);
  rx(old_report(HostB, G), H1);
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  Actions& a = rx(leave(HostB, G), H1);
  EXPECT_EQ(a.packet.egress, ports({R})) << "E40: the leave still goes to the routers";
  EXPECT_FALSE(fwd(G, S1).test(H1)) << "pruned at once";
  EXPECT_EQ(counters().fast_leaves, 1u);
  EXPECT_TRUE(sent.empty());
}

TEST_F(PortTest, ZeroSourceReportIsAHost) {
  cfg.ports[H1].fast_leave = true;
  start();
  rx(old_report(ip("0.0.0.0"), G), H1);  // S07: a proxy reporter
  EXPECT_TRUE(fwd(G, S1).test(H1));
  rx(old_report(HostA, G), H1);
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "the 0.0.0.0 reporter still holds the membership";
}

TEST_F(PortTest, PerPortLimitRefusesNewGroupsOnly) {
  cfg.ports[H1].max_groups = 2;
  start();
  rx(old_report(HostA, G), H1);
  at(100s);
  rx(old_report(HostA, G2), H1);
  rx(old_report(HostA, G3), H1);
  EXPECT_FALSE(has_entry(G3));
  EXPECT_EQ(counters().refused_port_limit, 1u);
  rx(old_report(HostA, G3), H2);
  EXPECT_TRUE(fwd(G3, S1).test(H2)) << "the limit is per port";
  rx(old_report(HostA, G), H1);  // refreshes of existing memberships are never refused
  EXPECT_EQ(counters().refused_port_limit, 1u);
  at(361s);                      // G2 expired (joined at 100 s); G refreshed at 100 s too
  rx(old_report(HostA, G3), H1);
  EXPECT_TRUE(fwd(G3, S1).test(H1)) << "E39: after an expiry the next join succeeds";
}

TEST_F(PortTest, GlobalTableLimitRefusesNewGroups) {
  cfg.max_groups = 2;
  start();
  rx(old_report(HostA, G), H1);
  rx(old_report(HostA, G2), H2);
  rx(old_report(HostA, G3), H3);
  EXPECT_FALSE(has_entry(G3));
  EXPECT_EQ(counters().refused_table_full, 1u);
  rx(old_report(HostB, G), H3);
  EXPECT_TRUE(fwd(G, S1).test(H3)) << "existing groups still take new ports";
  at(260s);
  rx(old_report(HostA, G3), H3);
  EXPECT_TRUE(has_entry(G3));
}

TEST_F(PortTest, SsmRangeIgnoresExcludeAndOldVersionReports) {
  start();
  const IpAddr Ssm = ip("232.1.1.1");
  rx(old_report(HostA, Ssm), H1);
  rx(leave(HostA, Ssm), H1);
  rx(report(HostA, {Rec{RecordType::IsExclude, Ssm, {}}, Rec{RecordType::IsExclude, G, {}}}), H1);
  EXPECT_EQ(counters().ignored_ssm, 3u);
  EXPECT_FALSE(has_entry(Ssm));
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "E22: the other records of the report are processed";
  rx(record(HostA, RecordType::IsInclude, Ssm, {S1}), H1);
  EXPECT_TRUE(fwd(Ssm, S1).test(H1));
  EXPECT_FALSE(fwd(Ssm, S2).test(H1));
}

TEST_F(PortTest, LinkLocalGroupsAreNeverSnooped) {
  start();
  rx(old_report(HostA, ip("224.0.0.251")), H1);
  rx(old_report(Host6, ip("ff02::1")), H1);
  rx(old_report(Host6, ip("ff01::5")), H1);
  EXPECT_EQ(counters().ignored_link_local, 3u);
  EXPECT_TRUE(fib.empty());
  rx(old_report(HostA, ip("10.1.1.1")), H1);
  EXPECT_EQ(counters().ignored_not_multicast, 1u);
  rx(old_report(Host6, ip("ff02::fb")), H1);  // other link-scope IPv6 groups are snooped
  EXPECT_TRUE(has_entry(ip("ff02::fb")));
}

TEST_F(PortTest, ExcludePortsArePreMergedIntoSourceEntries) {
  start();
  learn_router_r();
  // S23: H1 IS_IN({S1}), H2 IS_EX({S1}).
  rx(record(HostA, RecordType::IsInclude, G, {S1}), H1);
  rx(record(HostB, RecordType::IsExclude, G, {S1}), H2);
  EXPECT_EQ(fib.at(FibKey{1, G, S1}), ports({R, H1}));
  EXPECT_EQ(fib.at(FibKey{1, G, std::nullopt}), ports({R, H2}));
  EXPECT_EQ(fwd(G, S2), ports({R, H2}));
  // Two hosts behind H3: IS_IN({S1}) and IS_EX({S1}) -> H3 gets S1 and S2.
  rx(record(HostA, RecordType::IsInclude, G, {S1}), H3);
  rx(record(HostB, RecordType::IsExclude, G, {S1}), H3);
  EXPECT_TRUE(fwd(G, S1).test(H3));
  EXPECT_TRUE(fwd(G, S2).test(H3));
  // An EXCLUDE({}) port is merged into every (S,G) entry of the group.
  rx(record(HostA, RecordType::IsExclude, G), H1);
  EXPECT_EQ(fib.at(FibKey{1, G, S1}), ports({R, H1, H3}));
}

TEST_F(PortTest, OnlyChangesArePublished) {
  start();
  rx(old_report(HostA, G), H1);
  EXPECT_EQ(out.fwd.size(), 1u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(rx(old_report(HostA, G), H1).fwd.empty()) << "a refresh changes nothing";
    EXPECT_TRUE(rx(record(HostA, RecordType::IsExclude, G), H1).fwd.empty());
  }
  EXPECT_EQ(rx(old_report(HostB, G), H2).fwd.size(), 1u);
  EXPECT_TRUE(rx(record(HostA, RecordType::AllowNew, G, {S1}), H1).fwd.size() <= 1u);
  EXPECT_TRUE(rx(record(HostA, RecordType::AllowNew, G, {S1}), H1).fwd.empty());
  EXPECT_TRUE(rx(query(Q(Router)), R).fwd.size() == 2u) << "R joins (*,G) and (S1,G) once";
  EXPECT_TRUE(rx(query(Q(Router)), R).fwd.empty());
  // TearDown checks that no update in this test was a no-op.
}

TEST_F(PortTest, LinkDownFlushesMembershipsAndRouterState) {
  start();
  learn_router_r();
  rx(old_report(HostA, G), H1);
  rx(old_report(HostA, G), H2);
  link(H1, false);
  EXPECT_EQ(fwd(G, S1), ports({R, H2}));
  link(R, false);
  EXPECT_EQ(fwd(G, S1), ports({H2}));
  EXPECT_TRUE(routers().empty());
  link(H2, false);
  EXPECT_FALSE(has_entry(G));
}

TEST_F(PortTest, UnregisteredSetsArePublishedAtStartForBothFamilies) {
  cfg.ports[H2].flood_unregistered = true;
  VlanConfig v2;
  v2.id = 2;
  v2.members = ports({R, H1});
  v2.unregistered = UnregisteredPolicy::Flood;
  VlanConfig v3;
  v3.id = 3;
  v3.members = ports({R, H2, H3});
  v3.unregistered = UnregisteredPolicy::Drop;
  v3.mld = false;
  VlanConfig v4;
  v4.id = 4;
  v4.members = ports({H1, H3});
  v4.snooping = false;
  cfg.vlans.insert(cfg.vlans.end(), {v2, v3, v4});
  start();
  EXPECT_EQ(unreg.size(), 8u);
  EXPECT_EQ(unregistered(Family::V4, 1), ports({H2}));         // router ports (none) + forced
  EXPECT_EQ(unregistered(Family::V4, 2), ports({R, H1}));      // flood
  EXPECT_EQ(unregistered(Family::V4, 3), ports({H2}));         // drop + forced
  EXPECT_EQ(unregistered(Family::V6, 3), ports({R, H2, H3}));  // mld off: IPv6 flooded
  EXPECT_EQ(unregistered(Family::V4, 4), ports({H1, H3}));     // snooping off
  EXPECT_EQ(unregistered(Family::V6, 4), ports({H1, H3}));
  // Snooping off: the report is flooded and nothing is learned.
  EXPECT_EQ(rx(old_report(HostA, G), H1, 4).packet.egress, ports({H3}));
  EXPECT_FALSE(has_entry(G, std::nullopt, 4));
  EXPECT_EQ(rx(old_report(Host6, G6), H2, 3).packet.egress, ports({R, H3}));
  EXPECT_FALSE(has_entry(G6, std::nullopt, 3));
}

TEST_F(PortTest, StaticGroupsNeverExpire) {
  vlan().static_groups.push_back(StaticGroup{G, std::nullopt, ports({H2})});
  vlan().static_groups.push_back(StaticGroup{G2, S1, ports({H3})});
  start();
  EXPECT_EQ(fwd(G, S1), ports({H2}));
  EXPECT_EQ(fwd(G2, S1), ports({H3}));
  EXPECT_EQ(fwd(G2, S2), PortMask()) << "(S,G) only: other sources of G2 are not forwarded";
  at(10'000s);
  EXPECT_EQ(fwd(G, S1), ports({H2}));
  EXPECT_TRUE(view(G)->is_static);
  rx(old_report(HostA, G), H1);
  EXPECT_EQ(fwd(G, S1), ports({H1, H2}));
}

TEST_F(PortTest, InvalidSourcesAndEmptyRecordsCreateNothing) {
  start();
  rx(record(HostA, RecordType::IsInclude, G, {ip("0.0.0.0"), ip("239.9.9.9"), ip("255.255.255.255")}), H1);
  EXPECT_EQ(counters().ignored_invalid_source, 3u);
  EXPECT_FALSE(has_entry(G)) << "E19: IS_IN({}) creates no entry";
  rx(record(HostA, RecordType::BlockOld, G, {S1}), H1);
  rx(record(HostA, RecordType::AllowNew, G, {}), H1);
  rx(leave(HostA, G), H1);
  EXPECT_FALSE(has_entry(G)) << "E12: no state from a leave for a group never joined";
  rx(record(HostA, RecordType::IsInclude, G, {S1, S1, S1}), H1);  // E21: a set
  EXPECT_EQ(view(G, S1)->ports, ports({H1}));
}

TEST_F(PortTest, GroupsAreIndependentPerVlan) {
  VlanConfig v2;
  v2.id = 2;
  v2.members = PortMask::all(kPorts);
  v2.unregistered = UnregisteredPolicy::RouterPorts;
  cfg.vlans.push_back(v2);
  start();
  rx(old_report(HostA, G), H1, 1);
  rx(old_report(HostA, G), H2, 2);
  EXPECT_EQ(fwd(G, S1, 1), ports({H1}));
  EXPECT_EQ(fwd(G, S1, 2), ports({H2}));
  link(H1, false);
  EXPECT_FALSE(has_entry(G, std::nullopt, 1));
  EXPECT_TRUE(has_entry(G, std::nullopt, 2));
}

}  // namespace
}  // namespace mcsnoop::snoop::test
