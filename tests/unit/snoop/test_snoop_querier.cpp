// Our querier: startup, election by lowest address, takeover after OQPI, version fallback,
// adoption of the elected querier's values, and the topology-change query (RFC 4541 2.1.1(4)).
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr Own = ip("192.0.2.254");
const IpAddr Lower = ip("10.0.0.1"), Higher = ip("192.0.2.255");

class QuerierTest : public EngineTest {};

TEST_F(QuerierTest, StartupQueriesThenOnePerInterval) {
  enable_querier();
  start();
  ASSERT_EQ(sent.size(), 1u);
  const QueryToSend& q = sent[0];
  EXPECT_EQ(q.src, Own);
  EXPECT_EQ(q.version, Compat::V3);
  EXPECT_TRUE(q.group.is_unspecified());
  EXPECT_EQ(q.egress, PortMask::all(kPorts));
  EXPECT_EQ(q.max_resp_ms, 10'000u);
  EXPECT_EQ(q.qrv, 2);
  EXPECT_EQ(q.qqi_s, 125u);
  at(31'250ms - 1ms);
  EXPECT_EQ(sent.size(), 1u);
  at(31'250ms);  // Startup Query Interval = QI / 4
  EXPECT_EQ(sent.size(), 2u);
  at(31'250ms + 125s - 1ms);
  EXPECT_EQ(sent.size(), 2u);
  at(31'250ms + 125s);
  EXPECT_EQ(sent.size(), 3u);
  EXPECT_TRUE(querier().self);
  EXPECT_EQ(querier().querier, Own);
}

TEST_F(QuerierTest, ConfiguredVersionShapesTheQuery) {
  enable_querier("192.0.2.254", 1);
  start();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].version, Compat::V1);
  EXPECT_EQ(sent[0].max_resp_ms, 0u) << "IGMPv1: 8 bytes, MRC 0";
}

TEST_F(QuerierTest, V2QuerierUsesLinearMrt) {
  enable_querier("192.0.2.254", 2);
  start();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].version, Compat::V2);
  EXPECT_EQ(sent[0].max_resp_ms, 10'000u);
}

TEST_F(QuerierTest, LowerAddressWinsAndWeResumeAfterOqpi) {
  enable_querier();
  start();
  at(1s);
  rx(query(Q(Lower)), R);
  EXPECT_FALSE(querier().self);
  EXPECT_EQ(querier().querier, Lower);
  EXPECT_EQ(querier().expires, 255s);  // OQPI = 2 x 125 s + 10 s / 2
  sent.clear();
  at(1s + 255s - 1ms);
  EXPECT_TRUE(sent.empty()) << "standing down: no general queries";
  at(1s + 255s);
  ASSERT_EQ(sent.size(), 1u) << "the other querier went silent: we resume at once";
  EXPECT_EQ(sent[0].src, Own);
  EXPECT_TRUE(querier().self);
}

TEST_F(QuerierTest, HigherAddressDoesNotTakeOver) {
  enable_querier();
  start();
  rx(query(Q(Higher)), H3);
  EXPECT_TRUE(querier().self);
  EXPECT_TRUE(router_ports(Family::V4).test(H3)) << "still a router port (RFC 4541 6)";
}

TEST_F(QuerierTest, ZeroSourceQueryTakesNoPartInElection) {
  enable_querier();
  start();
  rx(query(Q(ip("0.0.0.0"))), H3);
  EXPECT_TRUE(querier().self) << "S13";
  EXPECT_FALSE(router_ports(Family::V4).test(H3)) << "S05";
}

TEST_F(QuerierTest, OlderVersionQueryForcesFallback) {
  enable_querier();
  start();
  rx(query(Q(Higher).version(Compat::V2)), R);  // E15: we keep the role but must speak v2
  EXPECT_TRUE(querier().self);
  EXPECT_EQ(querier().version, 2);
  sent.clear();
  at(31'250ms);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].version, Compat::V2);
  at(256s);  // no v2 query for OQPI: back to the configured version
  EXPECT_EQ(querier().version, 3);
}

TEST_F(QuerierTest, NonQuerierAdoptsTheElectedQuerierValues) {
  start();
  rx(query(Q(Lower).qrv(3).qqi(30).mrt(5000)), R);
  const QuerierView v = querier();
  EXPECT_FALSE(v.self);
  EXPECT_EQ(v.querier, Lower);
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.expires, 92'500ms);  // OQPI = 3 x 30 s + 5 s / 2
  // A higher address does not replace the elected querier.
  rx(query(Q(Higher)), H3);
  EXPECT_EQ(querier().querier, Lower);
}

TEST_F(QuerierTest, LinkUpProxyQueryCopiesAV3Querier) {
  start();
  rx(query(Q(Lower).qrv(3).qqi(30).mrt(5000)), R);
  sent.clear();
  link(H2, true);
  ASSERT_EQ(sent.size(), 1u);
  const QueryToSend& q = sent[0];
  EXPECT_TRUE(q.src.is_unspecified()) << "a proxy query comes from 0.0.0.0";
  EXPECT_EQ(q.version, Compat::V3) << "never a v2 query into a v3 network";
  EXPECT_EQ(q.qrv, 3);
  EXPECT_EQ(q.qqi_s, 30u);
  EXPECT_EQ(q.max_resp_ms, 5000u);
  EXPECT_FALSE(q.egress.test(R)) << "sent on the non-router ports";
  EXPECT_TRUE(q.egress.test(H1));
}

TEST_F(QuerierTest, LinkUpProxyQueryFollowsAV2Querier) {
  start();
  rx(query(Q(Lower).version(Compat::V2).mrt(8000)), R);
  sent.clear();
  link(H2, true);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].version, Compat::V2);
  EXPECT_EQ(sent[0].max_resp_ms, 8000u);
}

TEST_F(QuerierTest, LinkUpWithOwnQuerierSendsFromOurAddress) {
  enable_querier();
  start();
  sent.clear();
  link(H2, true);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].src, Own);
}

TEST_F(QuerierTest, LinkUpWithoutAnyQuerierSendsNothing) {
  start();
  link(H2, true);
  EXPECT_TRUE(sent.empty());
}

TEST_F(QuerierTest, MldQuerierFromAddress6) {
  enable_mld_querier("fe80::254", 2);
  start();
  ASSERT_EQ(sent.size(), 1u) << "no IPv4 address: only the MLD querier runs";
  EXPECT_EQ(sent[0].family, Family::V6);
  EXPECT_EQ(sent[0].version, Compat::V3);  // MLDv2
  EXPECT_EQ(sent[0].src, ip("fe80::254"));
  EXPECT_TRUE(querier(Family::V6).self);
  EXPECT_EQ(querier(Family::V6).version, 2);
  EXPECT_FALSE(querier(Family::V4).self);
  // An MLDv1 query (from a higher address) makes our MLD querier speak MLDv1.
  rx(query(Q(ip("fe80::ffff")).version(Compat::V2)), R);
  EXPECT_EQ(querier(Family::V6).version, 1);
}

TEST_F(QuerierTest, NoMldQuerierWithoutAddress6) {
  vlan().querier.enabled = true;
  start();
  EXPECT_TRUE(sent.empty());
  EXPECT_FALSE(querier(Family::V6).querier.has_value());
}

TEST_F(QuerierTest, NeverPortQueryIsIgnoredForElection) {
  cfg.ports[H2].router = RouterMode::Never;
  enable_querier();
  start();
  rx(query(Q(Lower)), H2);
  EXPECT_TRUE(querier().self) << "router guard: queries from the port are not trusted";
  EXPECT_EQ(counters().ignored_router_guard, 1u);
}

}  // namespace
}  // namespace mcsnoop::snoop::test
