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
  rx(query(Q(Lower).qrv(3).qqi(70).mrt(5000)), R);
  const QuerierView v = querier();
  EXPECT_FALSE(v.self);
  EXPECT_EQ(v.querier, Lower);
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.expires, 212'500ms);  // OQPI = 3 x 70 s + 5 s / 2
  // A higher address does not replace the elected querier.
  rx(query(Q(Higher)), H3);
  EXPECT_EQ(querier().querier, Lower);
}

TEST_F(QuerierTest, LinkUpProxyQueryCopiesAV3Querier) {
  start();
  rx(query(Q(Lower).qrv(3).qqi(70).mrt(5000)), R);
  sent.clear();
  link(H2, true);
  ASSERT_EQ(sent.size(), 1u);
  const QueryToSend& q = sent[0];
  EXPECT_TRUE(q.src.is_unspecified()) << "a proxy query comes from 0.0.0.0";
  EXPECT_EQ(q.version, Compat::V3) << "never a v2 query into a v3 network";
  EXPECT_EQ(q.qrv, 3);
  EXPECT_EQ(q.qqi_s, 70u);
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

// ---- bounds on adopted values (docs/conformance.md, deviation from RFC 3376 8) -------------

TEST_F(QuerierTest, SpoofedQuerySilencesOurQuerierOnlyForTheConfiguredOqpi) {
  enable_querier();
  start();
  at(1s);
  // The largest values the wire can carry: QRV 7, QQIC 31744 s, MRC 3174.4 s. Adopted as sent,
  // our querier would stand down for 7 x 31744 s + 1587 s (about 62 hours).
  rx(query(Q(Lower).qrv(7).qqi(31744).mrt(3'174'400)), H3);
  EXPECT_FALSE(querier().self);
  EXPECT_EQ(querier().expires, 255s) << "at most max(R, 2) x QI + QRI / 2 of the configuration";
  sent.clear();
  at(1s + 255s);
  ASSERT_FALSE(sent.empty()) << "the spoofer went silent: we query again";
  EXPECT_EQ(sent[0].src, Own);
  EXPECT_TRUE(querier().self);
}

TEST_F(QuerierTest, SpoofedQueryKeepsMembershipsForMinutesNotHours) {
  vlan().unregistered = UnregisteredPolicy::RouterPorts;
  start();
  rx(query(Q(Lower).qrv(7).qqi(31744).mrt(3'174'400)), H3);
  rx(old_report(ip("10.0.0.11"), ip("239.1.1.1")), H1);
  // GMI = 7 (QRV at most 7) x 250 s (QQI at most 2 x QI) + 125 s (MRT at most QI) = 1875 s,
  // not 7 x 31744 s + 3174.4 s (62 hours).
  at(1875s - 1ms);
  EXPECT_TRUE(fwd(ip("239.1.1.1"), ip("192.0.2.1")).test(H1));
  at(1875s);
  EXPECT_FALSE(fwd(ip("239.1.1.1"), ip("192.0.2.1")).test(H1));
}

TEST_F(QuerierTest, SpoofedLowValuesDoNotShortenMemberships) {
  vlan().unregistered = UnregisteredPolicy::RouterPorts;
  start();
  rx(query(Q(Lower).qrv(1).qqi(1).mrt(1000)), H3);
  rx(old_report(ip("10.0.0.11"), ip("239.1.1.1")), H1);
  // GMI = 2 (QRV at least the configured 2) x 62.5 s (QQI at least QI / 2) + 1 s = 126 s.
  at(126s - 1ms);
  EXPECT_TRUE(fwd(ip("239.1.1.1"), ip("192.0.2.1")).test(H1)) << "adopted as sent: gone after 2 s";
  at(126s);
  EXPECT_FALSE(fwd(ip("239.1.1.1"), ip("192.0.2.1")).test(H1));
}

TEST_F(QuerierTest, ProxyQueryRelaysTheBoundedValues) {
  start();
  rx(query(Q(Lower).qrv(7).qqi(31744).mrt(3'174'400)), R);
  sent.clear();
  link(H2, true);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].qrv, 7);
  EXPECT_EQ(sent[0].qqi_s, 250u);
  EXPECT_EQ(sent[0].max_resp_ms, 125'000u);
}

// ---- link-up query throttle -----------------------------------------------------------------

TEST_F(QuerierTest, FlappingLinkSendsOneQueryPerResponseInterval) {
  enable_querier();
  start();
  at(1s);
  sent.clear();
  for (int i = 0; i < 100; ++i) {  // 100 flaps in one second
    link(H2, false);
    link(H2, true);
    after(10ms);
  }
  EXPECT_EQ(sent.size(), 1u) << "the first link-up queries at once, the others wait";
  EXPECT_EQ(counters().topology_queries_deferred, 99u);
  at(11s - 1ms);  // gap = Query Response Interval (10 s) after the first
  EXPECT_EQ(sent.size(), 1u);
  at(11s);
  ASSERT_EQ(sent.size(), 2u) << "one query for every link that came up in the gap";
  EXPECT_TRUE(sent[1].egress.test(H2));
  at(30s);
  EXPECT_EQ(sent.size(), 2u) << "no link came up since: nothing more";
  link(H2, true);
  EXPECT_EQ(sent.size(), 3u) << "a link-up after a quiet gap is answered at once";
}

TEST_F(QuerierTest, ProxyQueriesAreThrottledToo) {
  start();
  rx(query(Q(Lower)), R);
  sent.clear();
  for (int i = 0; i < 50; ++i) {
    link(H2, true);
    after(100ms);
  }
  EXPECT_EQ(sent.size(), 1u);
  at(10s);
  EXPECT_EQ(sent.size(), 2u);
}

}  // namespace
}  // namespace mcsnoop::snoop::test
