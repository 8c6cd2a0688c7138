// Engine::reconfigure: a live reload keeps learned state and applies the new settings at once.
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G = ip("239.1.1.1"), G2 = ip("239.1.1.2"), G3 = ip("239.1.1.3");
const IpAddr S1 = ip("192.0.2.1");
const IpAddr HostA = ip("10.0.0.11"), HostB = ip("10.0.0.12");
const IpAddr Router = ip("10.0.0.1"), Other = ip("10.0.0.9");
const IpAddr G6 = ip("ff0e::1:1"), Host6 = ip("fe80::11");

class Reload : public EngineTest {
 protected:
  // Reloads `cfg` (as the test edited it) at the current time; returns its actions.
  Actions& reload(bool expect_ok = true) {
    out.clear();
    EXPECT_EQ(engine->reconfigure(cfg, now, out), expect_ok);
    absorb();
    return out;
  }
  void learn_router_r() { rx(query(Q(Router)), R); }
};

TEST_F(Reload, UnchangedConfigurationPublishesNothingAndKeepsState) {
  enable_querier();
  start();
  learn_router_r();
  rx(old_report(HostA, G), H1);
  rx(record(HostB, RecordType::IsInclude, G2, {S1}), H2);
  const auto groups_before = engine->groups(now).size();
  const size_t sent_before = sent.size();
  after(3s);
  Actions& a = reload();
  EXPECT_TRUE(a.fwd.empty());
  EXPECT_TRUE(a.unregistered.empty());
  EXPECT_TRUE(a.queries.empty());
  EXPECT_EQ(engine->groups(now).size(), groups_before);
  EXPECT_EQ(fwd(G, S1), ports({R, H1}));
  EXPECT_EQ(fwd(G2, S1), ports({R, H2}));
  EXPECT_EQ(router_ports(Family::V4), ports({R}));
  EXPECT_GE(sent.size(), sent_before);
}

TEST_F(Reload, FastLeaveSetByReloadIsInForceAtOnce) {
  vlan().unregistered = UnregisteredPolicy::RouterPorts;  // a pruned port gets nothing
  start();
  rx(old_report(HostA, G), H1);
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "without fast leave the port stays until LMQT";
  rx(old_report(HostA, G), H1);
  cfg.ports[H1].fast_leave = true;
  reload();
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "the membership survived the reload";
  rx(leave(HostA, G), H1);
  EXPECT_FALSE(fwd(G, S1).test(H1)) << "fast leave pruned at once";
  EXPECT_EQ(counters().fast_leaves, 1u);
}

TEST_F(Reload, RouterModeChangesPublishedToEverySet) {
  vlan().unregistered = UnregisteredPolicy::RouterPorts;
  start();
  learn_router_r();
  rx(old_report(HostA, G), H1);
  cfg.ports[H3].router = RouterMode::Always;
  cfg.ports[R].router = RouterMode::Never;  // its learned role ends now
  reload();
  EXPECT_EQ(router_ports(Family::V4), ports({H3}));
  EXPECT_EQ(fwd(G, S1), ports({H1, H3}));
  EXPECT_EQ(unregistered(Family::V4), ports({H3}));
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "membership kept";
}

TEST_F(Reload, RouterGuardDropsALearnedRouterPort) {
  start();
  learn_router_r();
  cfg.ports[R].router_guard = true;
  reload();
  EXPECT_TRUE(routers().empty());
  EXPECT_EQ(rx(query(Q(Router)), R).packet.kind, PacketDisposition::Kind::Drop);
}

TEST_F(Reload, StaticGroupsAddedAndRemovedLearnedMembersKept) {
  vlan().static_groups.push_back(StaticGroup{G, std::nullopt, ports({H3})});
  vlan().static_groups.push_back(StaticGroup{G2, std::nullopt, ports({H3})});
  start();
  rx(old_report(HostA, G), H1);
  EXPECT_EQ(fwd(G, S1), ports({H1, H3}));
  EXPECT_EQ(fwd(G2, S1), ports({H3}));
  vlan().static_groups = {StaticGroup{G3, S1, ports({H2})}};
  reload();
  EXPECT_EQ(fwd(G, S1), ports({H1})) << "G: static port gone, learned member kept";
  EXPECT_FALSE(has_entry(G2)) << "G2 had only the static entry";
  EXPECT_TRUE(has_entry(G3, S1));
  EXPECT_EQ(fwd(G3, S1), ports({H2}));
  EXPECT_EQ(engine->table_usage().static_groups, 1u);
  EXPECT_EQ(engine->table_usage().groups, 1u) << "G counts as learned again";
  // Learned G ages as usual; the table's accounting stays right when it goes.
  at(now + 300s);
  EXPECT_FALSE(has_entry(G));
  EXPECT_EQ(engine->table_usage().groups, 0u);
}

TEST_F(Reload, SnoopingOffFloodsAndDropsStateOnAgain) {
  start();
  learn_router_r();
  rx(old_report(HostA, G), H1);
  rx(old_report(Host6, G6), H2);
  vlan().mld = false;
  reload();
  EXPECT_FALSE(has_entry(G6, std::nullopt));
  EXPECT_EQ(unregistered(Family::V6), PortMask::all(kPorts)) << "MLD not snooped: IPv6 multicast floods";
  EXPECT_TRUE(has_entry(G)) << "IGMP state untouched";
  vlan().snooping = false;
  reload();
  EXPECT_FALSE(has_entry(G));
  EXPECT_TRUE(routers().empty());
  EXPECT_EQ(rx(old_report(HostA, G), H1).packet.egress, PortMask::all(kPorts).without(H1));
  // The data plane stops punting a family that is not snooped; a message punted before the
  // reload reaches the engine after it, and is counted as such.
  EXPECT_EQ(counters().ignored_snooping_off, 1u);
  vlan().snooping = true;
  vlan().mld = true;
  reload();
  rx(old_report(HostA, G), H1);
  EXPECT_EQ(fwd(G, S1), ports({H1}));
}

TEST_F(Reload, QuerierEnabledByReloadStartsQueryingDisabledStops) {
  start();
  EXPECT_TRUE(sent.empty());
  enable_querier();
  reload();
  ASSERT_EQ(sent.size(), 1u) << "the first startup query at once";
  EXPECT_EQ(sent[0].src, ip("192.0.2.254"));
  EXPECT_TRUE(querier().self);
  vlan().querier.enabled = false;
  reload();
  const size_t n = sent.size();
  at(now + 1000s);
  EXPECT_EQ(sent.size(), n) << "no query after the querier was disabled";
}

TEST_F(Reload, ShorterQueryIntervalTakesEffectAtTheNextQuery) {
  enable_querier();
  start();
  at(200s);  // past the startup queries: one query every 125 s
  const size_t n = sent.size();
  vlan().timers.query_interval = 20s;
  reload();
  at(now + 20s);
  EXPECT_EQ(sent.size(), n + 1) << "not 125 s later";
  EXPECT_EQ(sent.back().qqi_s, 20u);
}

TEST_F(Reload, LoweredLimitKeepsStateAndRefusesNew) {
  start();
  rx(old_report(HostA, G), H1);
  rx(old_report(HostA, G2), H1);
  cfg.ports[H1].max_groups = 1;
  reload();
  EXPECT_TRUE(has_entry(G));
  EXPECT_TRUE(has_entry(G2));
  rx(old_report(HostA, G3), H1);
  EXPECT_FALSE(has_entry(G3));
  EXPECT_EQ(counters().refused_port_limit, 1u);
}

TEST_F(Reload, FloodUnregisteredAndPolicyRepublishTheUnregisteredSet) {
  start();
  EXPECT_EQ(unregistered(Family::V4), PortMask::all(kPorts));
  vlan().unregistered = UnregisteredPolicy::Drop;
  cfg.ports[M].flood_unregistered = true;
  reload();
  EXPECT_EQ(unregistered(Family::V4), ports({M}));
}

TEST_F(Reload, DifferentShapeIsRefusedAndChangesNothing) {
  start();
  rx(old_report(HostA, G), H1);
  EngineConfig bad = cfg;
  bad.vlans[0].members = ports({R, H1});
  bad.ports[H1].fast_leave = true;
  out.clear();
  EXPECT_FALSE(engine->reconfigure(bad, now, out));
  EXPECT_TRUE(out.fwd.empty());
  EXPECT_FALSE(engine->config().ports[H1].fast_leave);
  bad = cfg;
  bad.ports.pop_back();
  EXPECT_FALSE(engine->reconfigure(bad, now, out));
  bad = cfg;
  bad.vlans[0].id = 2;
  EXPECT_FALSE(engine->reconfigure(bad, now, out));
  EXPECT_TRUE(has_entry(G));
}

}  // namespace
}  // namespace mcsnoop::snoop::test
