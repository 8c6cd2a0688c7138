// The engine's detailed views (issue 10): per-type message counters, per-membership detail,
// router learning mechanisms, the querier's values in force, sorted group keys, clear groups.
#include <algorithm>

#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G1 = ip("239.1.1.1"), G2 = ip("239.1.1.2"), S1 = ip("10.0.0.1"), S2 = ip("10.0.0.2");
const IpAddr HostA = ip("10.1.0.1"), HostB = ip("10.1.0.2"), Router = ip("10.9.0.1");
const IpAddr G6 = ip("ff1e::8000:1"), Host6 = ip("fe80::10"), Router6 = ip("fe80::9");

class ViewsTest : public EngineTest {
 protected:
  std::vector<MemberView> members(const IpAddr& g, GroupFilter f = {}) const {
    std::vector<MemberView> out;
    engine->member_views(GroupKey{1, g}, f, now, out);
    return out;
  }
};

// Every message kind and version lands in its own counter, on the port it came from.
TEST_F(ViewsTest, ReceivedMessagesAreCountedByTypeVersionAndPort) {
  start();
  rx(query(Q(Router).version(Compat::V1)), R);
  rx(query(Q(Router).version(Compat::V2)), R);
  rx(query(Q(Router)), R);
  rx(old_report(HostA, G1, Compat::V1), H1);
  rx(old_report(HostA, G1, Compat::V2), H1);
  rx(record(HostA, RecordType::IsExclude, G2), H1);
  rx(leave(HostA, G1), H1);
  rx(query(Q(Router6).version(Compat::V2)), R);
  rx(query(Q(Router6)), R);
  rx(old_report(Host6, G6, Compat::V2), H2);
  rx(record(Host6, RecordType::IsExclude, G6), H2);
  rx(leave(Host6, G6), H2);
  rx(pim_hello(Router), R);
  rx(mrd(Router, MsgKind::MrdAdvertisement), R);
  rx(mrd(Router, MsgKind::MrdSolicitation), R);
  rx(mrd(Router, MsgKind::MrdTermination), R);

  const MsgCounters& r = engine->rx_messages(R);
  EXPECT_EQ(r.igmp_queries_v1, 1u);
  EXPECT_EQ(r.igmp_queries_v2, 1u);
  EXPECT_EQ(r.igmp_queries_v3, 1u);
  EXPECT_EQ(r.mld_queries_v1, 1u);
  EXPECT_EQ(r.mld_queries_v2, 1u);
  EXPECT_EQ(r.pim_hellos, 1u);
  EXPECT_EQ(r.mrd_advertisements, 1u);
  EXPECT_EQ(r.mrd_solicitations, 1u);
  EXPECT_EQ(r.mrd_terminations, 1u);
  const MsgCounters& h1 = engine->rx_messages(H1);
  EXPECT_EQ(h1.igmp_reports_v1, 1u);
  EXPECT_EQ(h1.igmp_reports_v2, 1u);
  EXPECT_EQ(h1.igmp_reports_v3, 1u);
  EXPECT_EQ(h1.igmp_leaves, 1u);
  const MsgCounters& h2 = engine->rx_messages(H2);
  EXPECT_EQ(h2.mld_reports_v1, 1u);
  EXPECT_EQ(h2.mld_reports_v2, 1u);
  EXPECT_EQ(h2.mld_done, 1u);
  // Each message once, nowhere else: the sum over ports is the number of messages.
  MsgCounters total;
  for (PortId p = 0; p < kPorts; ++p) total += engine->rx_messages(p);
  uint64_t sum = 0;
  for (const MsgCounterField& f : kMsgCounterFields) sum += total.*f.member;
  EXPECT_EQ(sum, counters().messages);
  EXPECT_EQ(engine->rx_messages(H3), MsgCounters{});
  EXPECT_EQ(engine->rx_messages(kMaxPorts), MsgCounters{}) << "out of range: zeros";
}

// Every counter of the struct has one export name, and the names are unique.
TEST(MsgCountersTest, EveryFieldIsExportedOnce) {
  static_assert(sizeof(MsgCounters) == kMsgCounterFields.size() * sizeof(uint64_t));
  for (size_t i = 0; i < kMsgCounterFields.size(); ++i) {
    for (size_t j = i + 1; j < kMsgCounterFields.size(); ++j) {
      EXPECT_NE(kMsgCounterFields[i].member, kMsgCounterFields[j].member);
      EXPECT_FALSE(kMsgCounterFields[i].protocol == kMsgCounterFields[j].protocol &&
                   kMsgCounterFields[i].name == kMsgCounterFields[j].name);
    }
  }
  EXPECT_EQ(query_counter(Family::V4, Compat::V2), &MsgCounters::igmp_queries_v2);
  EXPECT_EQ(query_counter(Family::V6, Compat::V3), &MsgCounters::mld_queries_v2);
}

// show groups detail: filter mode, timers, compatibility, hosts, last reporter, up-time.
TEST_F(ViewsTest, MemberDetailOfAnExcludeMembershipWithBlockedSource) {
  start(1'000'000ms);
  rx(record(HostA, RecordType::IsExclude, G1, {S1}), H1);   // EXCLUDE({}, {S1})
  after(3s);
  rx(record(HostB, RecordType::IsExclude, G1, {S1}), H1);
  after(2s);
  const std::vector<MemberView> v = members(G1);
  ASSERT_EQ(v.size(), 1u);
  const MemberView& m = v[0];
  EXPECT_EQ(m.port, H1);
  EXPECT_FALSE(m.is_static);
  EXPECT_TRUE(m.exclude);
  EXPECT_EQ(m.compat, 3);
  EXPECT_EQ(m.expires, 260s - 2s) << "GMI from HostB's report";
  ASSERT_EQ(m.sources.size(), 1u);
  EXPECT_EQ(m.sources[0].addr, S1);
  EXPECT_TRUE(m.sources[0].blocked);
  ASSERT_EQ(m.hosts.size(), 2u);
  EXPECT_EQ(m.last_reporter, HostB);
  EXPECT_EQ(m.up_time, 5s);
}

TEST_F(ViewsTest, MemberDetailShowsTheOldestHostVersion) {
  start();
  rx(old_report(HostA, G1, Compat::V2), H1);
  rx(old_report(Host6, G6, Compat::V2), H2);
  ASSERT_EQ(members(G1).size(), 1u);
  EXPECT_EQ(members(G1)[0].compat, 2) << "IGMPv2";
  std::vector<MemberView> v6;
  engine->member_views(GroupKey{1, G6}, {}, now, v6);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].compat, 1) << "MLDv1";
}

TEST_F(ViewsTest, StaticPortsAreListedWithoutTimers) {
  vlan().static_groups.push_back(StaticGroup{G1, S2, ports({H3})});
  start();
  rx(record(HostA, RecordType::IsInclude, G1, {S1}), H1);
  const std::vector<MemberView> v = members(G1);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].port, H1);
  EXPECT_FALSE(v[0].exclude);
  ASSERT_EQ(v[0].sources.size(), 1u);
  EXPECT_EQ(v[0].sources[0].expires, 260s);
  EXPECT_FALSE(v[0].sources[0].blocked);
  EXPECT_EQ(v[1].port, H3);
  EXPECT_TRUE(v[1].is_static);
  ASSERT_EQ(v[1].sources.size(), 1u);
  EXPECT_TRUE(v[1].sources[0].is_static);
  GroupFilter only_h3;
  only_h3.port = H3;
  ASSERT_EQ(members(G1, only_h3).size(), 1u);
  EXPECT_EQ(members(G1, only_h3)[0].port, H3);
}

// Keys come in slices, in slot order; sorted they give (VLAN, group) order, filters applied.
TEST_F(ViewsTest, GroupKeysInSlicesWithFilters) {
  start();
  for (int i = 20; i > 0; --i) {
    rx(old_report(HostA, ip(("239.2.0." + std::to_string(i)).c_str())), i % 2 == 0 ? H1 : H2);
  }
  std::vector<GroupKey> keys;
  size_t cursor = 0;
  unsigned slices = 1;
  while (!engine->group_keys_slice(cursor, 3, {}, keys)) ++slices;
  EXPECT_EQ(keys.size(), 20u);
  EXPECT_GE(slices, 7u);
  std::vector<GroupKey> h1_keys;
  GroupFilter f;
  f.port = H1;
  cursor = 0;
  while (!engine->group_keys_slice(cursor, 100, f, h1_keys)) {
  }
  EXPECT_EQ(h1_keys.size(), 10u);
  std::vector<GroupView> views;
  GroupFilter by_group;
  by_group.group = ip("239.2.0.7");
  cursor = 0;
  std::vector<GroupKey> one;
  while (!engine->group_keys_slice(cursor, 100, by_group, one)) {
  }
  ASSERT_EQ(one.size(), 1u);
  engine->group_views(one[0], by_group, now, views);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].ports, ports({H2}));
}

TEST_F(ViewsTest, RouterDetailNamesEachLearningMechanism) {
  start();
  rx(query(Q(Router)), R);
  rx(pim_hello(Router, 30), R);
  rx(mrd(Router, MsgKind::MrdAdvertisement, 20), H3);
  cfg.ports[M].router = RouterMode::Always;
  std::vector<RouterDetail> d = engine->router_details(now);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].port, R);
  EXPECT_GT(d[0].by_query, 0ms);
  EXPECT_EQ(d[0].by_pim, 30s);
  EXPECT_EQ(d[0].by_mrd, 0ms);
  EXPECT_EQ(d[1].port, H3);
  EXPECT_EQ(d[1].by_query, 0ms);
  EXPECT_EQ(d[1].by_mrd, 60s + 1500ms);
}

TEST_F(ViewsTest, QuerierDetailOfOurselvesAndOfAnotherQuerier) {
  enable_querier("192.0.2.254");
  vlan().timers.query_interval = 100s;
  start();
  std::vector<QuerierDetail> d = engine->querier_details(now);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(d[0].view.self);
  EXPECT_FALSE(d[0].port.has_value());
  ASSERT_TRUE(d[0].next_query.has_value());
  EXPECT_EQ(*d[0].next_query, 25s) << "startup query interval QI/4";
  EXPECT_EQ(d[0].robustness, 2u);
  // A lower address wins; we adopt its QRV and QQI (bounded) and know its port.
  rx(query(Q(ip("192.0.2.1")).qrv(3).qqi(150)), H2);
  d = engine->querier_details(now);
  EXPECT_FALSE(d[0].view.self);
  ASSERT_TRUE(d[0].port.has_value());
  EXPECT_EQ(*d[0].port, H2);
  EXPECT_EQ(d[0].robustness, 3u);
  EXPECT_EQ(d[0].query_interval, 150s);
  EXPECT_FALSE(d[0].next_query.has_value());
  EXPECT_TRUE(d[0].own_enabled);
}

// clear groups: learned memberships go, static ones stay, the forwarding sets follow, and our
// querier asks again at once.
TEST_F(ViewsTest, ClearGroupsOfOnePortKeepsTheOthersAndStaticEntries) {
  enable_querier();
  vlan().static_groups.push_back(StaticGroup{G2, std::nullopt, ports({H3})});
  start();
  rx(old_report(HostA, G1), H1);
  rx(old_report(HostB, G1), H2);
  rx(old_report(HostA, G2), H1);
  const size_t queries_before = sent.size();
  EXPECT_EQ(clear_groups(std::nullopt, H1), 2u);
  EXPECT_EQ(fwd(G1, S1), ports({H2}));
  EXPECT_EQ(fwd(G2, S1), ports({H3}));
  ASSERT_GT(sent.size(), queries_before);
  EXPECT_TRUE(sent.back().group.is_unspecified()) << "a general query";
  // All of VLAN 1: G1 is gone; G2 keeps its static port.
  EXPECT_EQ(clear_groups(VlanId{1}, std::nullopt), 1u);
  EXPECT_FALSE(has_entry(G1));
  EXPECT_EQ(fwd(G2, S1), ports({H3}));
  // Relearned from the next report.
  rx(old_report(HostA, G1), H1);
  EXPECT_EQ(fwd(G1, S1), ports({H1}));
  EXPECT_EQ(clear_groups(VlanId{7}, std::nullopt), 0u) << "no such VLAN: nothing";
}

}  // namespace
}  // namespace mcsnoop::snoop::test
