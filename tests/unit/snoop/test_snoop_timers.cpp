// Timers to the millisecond: GMI, GT expiry (RFC 3376 6.5), the snooping adaptation of 6.6.1
// (the querier's Q(G)/Q(G,S) lowers our timers), the S flag, and host compatibility (7.3.2).
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G = ip("239.1.1.1");
const IpAddr S1 = ip("192.0.2.1"), S2 = ip("192.0.2.2"), S3 = ip("192.0.2.3");
const IpAddr HostA = ip("10.0.0.11"), HostB = ip("10.0.0.12");
const IpAddr Router = ip("10.0.0.1");

class TimerTest : public EngineTest {
 protected:
  // Unregistered data goes to router ports only, so "not forwarded to H1" is visible after a
  // group disappears (under Flood, H1 would get it as unregistered traffic).
  TimerTest() { vlan().unregistered = UnregisteredPolicy::RouterPorts; }
};

TEST_F(TimerTest, MembershipLastsExactlyGmi) {
  start();
  rx(old_report(HostA, G), H1);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(260s - 1ms);  // GMI = 2 x 125 s + 10 s
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(260s);
  EXPECT_FALSE(has_entry(G));
  EXPECT_EQ(counters().groups_expired, 1u);
  EXPECT_EQ(engine->next_deadline(), Ms::max()) << "nothing left to time";
}

TEST_F(TimerTest, GmiUsesTheQueriersQrvQqiAndMrt) {
  start();
  // S10: a v3 GQ with MRC 22.4 s, QRV 3, QQIC 70 -> GMI = 3 x 70 s + 22.4 s = 232.4 s (values
  // within the adoption bounds, docs/conformance.md).
  rx(query(Q(Router).mrt(22'400).qrv(3).qqi(70)), R);
  rx(old_report(HostA, G), H1);
  at(232'400ms - 1ms);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(232'400ms);
  EXPECT_FALSE(fwd(G, S1).test(H1));
}

TEST_F(TimerTest, GroupTimerExpiryTurnsExcludeIntoIncludeOfX) {
  start();
  rx(record(HostA, RecordType::IsExclude, G, {S1}), H1);        // EXCLUDE({}, {S1}), GT = 260 s
  at(100s);
  rx(record(HostA, RecordType::IsInclude, G, {S2}), H1);        // EXCLUDE({S2}, {S1}), S2 = 360 s
  EXPECT_TRUE(fwd(G, S3).test(H1));
  EXPECT_FALSE(fwd(G, S1).test(H1));
  at(260s);                                                      // E20: INCLUDE({S2}), Y deleted
  EXPECT_FALSE(view(G)->exclude_mode);
  EXPECT_TRUE(fwd(G, S2).test(H1));
  EXPECT_FALSE(fwd(G, S3).test(H1));
  EXPECT_FALSE(has_entry(G, S1));
  at(360s);
  EXPECT_FALSE(has_entry(G));
}

TEST_F(TimerTest, BlockInExcludeGivesNewSourcesTheGroupTimer) {
  start();  // no querier anywhere: nothing lowers the timers
  rx(record(HostA, RecordType::IsExclude, G, {}), H1);          // GT = 260 s
  at(100s);
  rx(record(HostA, RecordType::BlockOld, G, {S1}), H1);         // (A-X-Y) = GT, not GMI
  at(260s - 1ms);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(260s);
  // S1 ran out with GT, so INCLUDE(X) is empty and the group is gone. With GMI it would live on.
  EXPECT_FALSE(has_entry(G));
}

TEST_F(TimerTest, QueriersGroupSpecificQueryLowersEveryPortToLmqt) {
  start();
  rx(query(Q(Router)), R);
  rx(old_report(HostA, G), H1);
  rx(old_report(HostB, G), H2);
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(out.queries.empty()) << "not the querier: no query of ours";
  EXPECT_EQ(counters().ignored_not_querier_leave, 1u);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  // The querier's Q(G), MRT 1 s, its QRV 2: LMQT = 2 s for every port's entry of G.
  rx(query(Q(Router).group(G).mrt(1000)), R);
  after(2s - 1ms);
  EXPECT_EQ(fwd(G, S1) & ports({H1, H2}), ports({H1, H2}));
  rx(old_report(HostB, G), H2);  // H2's host answers; H1's left
  after(1ms);
  EXPECT_EQ(fwd(G, S1) & ports({H1, H2}), ports({H2}));
}

TEST_F(TimerTest, SuppressFlagKeepsTheTimers) {
  start();
  rx(query(Q(Router)), R);
  rx(record(HostA, RecordType::IsExclude, G), H1);
  rx(query(Q(Router).group(G).mrt(1000).suppress()), R);
  at(2s);
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "E17: S=1 lowers nothing";
  rx(query(Q(Router).group(G).mrt(1000)), R);
  at(4s);
  EXPECT_FALSE(fwd(G, S1).test(H1));
}

TEST_F(TimerTest, GroupAndSourceQueryLowersOnlyItsSources) {
  start();
  rx(query(Q(Router)), R);
  rx(record(HostA, RecordType::IsInclude, G, {S1, S2}), H1);
  rx(query(Q(Router).group(G).mrt(1000).sources({S1})), R);
  at(2s);
  EXPECT_FALSE(fwd(G, S1).test(H1));
  EXPECT_TRUE(fwd(G, S2).test(H1));
}

TEST_F(TimerTest, LoweredTimerIsClampedTo100ms) {
  start();
  rx(query(Q(Router)), R);
  rx(old_report(HostA, G), H1);
  rx(query(Q(Router).group(G).mrt(0)), R);  // E35: MRC 0
  at(99ms);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(100ms);
  EXPECT_FALSE(fwd(G, S1).test(H1));
}

TEST_F(TimerTest, LeaveWithNoQuerierAtAllPrunesOnlyAtTimeout) {
  start();
  rx(old_report(HostA, G), H1);
  rx(leave(HostA, G), H1);
  EXPECT_TRUE(out.queries.empty());
  at(260s - 1ms);
  EXPECT_TRUE(fwd(G, S1).test(H1)) << "E38: no querier, no fast leave: timeout only";
  at(260s);
  EXPECT_FALSE(fwd(G, S1).test(H1));
}

TEST_F(TimerTest, V2HostPresentIgnoresBlockAndEmptiesToEx) {
  enable_querier();
  start();
  rx(old_report(HostB, G), H1);                                   // v2 host: v2 mode until OHPI
  rx(record(HostA, RecordType::ToExclude, G, {S1}), H1);          // -> TO_EX({})
  rx(record(HostA, RecordType::BlockOld, G, {S2}), H1);           // ignored
  EXPECT_EQ(counters().ignored_compat, 1u);
  at(10s);
  EXPECT_TRUE(fwd(G, S1).test(H1));
  EXPECT_TRUE(fwd(G, S2).test(H1));
  // Keep the group alive with v3 reports only; the v2 host present timer runs out at 260 s.
  at(200s);
  rx(record(HostA, RecordType::IsExclude, G, {}), H1);
  at(261s);
  rx(record(HostA, RecordType::ToExclude, G, {S1}), H1);          // v3 mode again
  at(263s);
  EXPECT_FALSE(fwd(G, S1).test(H1)) << "back in v3 mode, source blocking works again";
  EXPECT_TRUE(fwd(G, S2).test(H1));
}

TEST_F(TimerTest, V1HostPresentIgnoresLeave) {
  enable_querier();
  start();
  rx(old_report(HostA, G, Compat::V1), H1);
  sent.clear();
  rx(leave(HostB, G), H1);
  EXPECT_TRUE(sent.empty()) << "no group-specific query for a leave in v1 mode";
  EXPECT_EQ(counters().ignored_compat, 1u);
  at(5s);
  EXPECT_TRUE(fwd(G, S1).test(H1));
}

TEST_F(TimerTest, V2LeaveInV3ModeActsAsToIncludeNothing) {
  enable_querier();
  start();
  rx(record(HostA, RecordType::IsExclude, G), H1);
  sent.clear();
  rx(leave(HostA, G), H1);                                        // E11: treated as TO_IN({})
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].group, G);
  EXPECT_TRUE(sent[0].sources.empty());
  EXPECT_EQ(sent[0].egress, ports({H1}));
  EXPECT_EQ(sent[0].max_resp_ms, 1000u);
  at(1s);                                                         // LMQC = 2: one retransmission
  EXPECT_EQ(sent.size(), 2u);
  at(2s);
  EXPECT_FALSE(fwd(G, S1).test(H1)) << "silent after the queries: pruned at LMQT";
}

TEST_F(TimerTest, AnsweredGroupSpecificQueryKeepsThePort) {
  enable_querier();
  start();
  rx(record(HostA, RecordType::IsExclude, G), H1);
  rx(leave(HostA, G), H1);
  at(500ms);
  rx(record(HostB, RecordType::IsExclude, G), H1);               // another host answers
  sent.clear();
  at(1s);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].suppress) << "RFC 3376 6.6.3.1: S set once GT is above LMQT again";
  at(3s);
  EXPECT_TRUE(fwd(G, S1).test(H1));
}

// ---- the timer queue stays bounded ---------------------------------------------------------

TEST_F(TimerTest, TimerQueueStaysBoundedWhenTimersAreLoweredRepeatedly) {
  start();
  rx(query(Q(Router)), R);
  rx(old_report(HostA, G), H1);
  rx(record(HostB, RecordType::IsInclude, G, {S1, S2}), H2);
  // Another querier's Q(G) and Q(G,S), each lowering the timers a little further: every one
  // moves a deadline earlier, and each move used to leave a stale event in the heap.
  for (uint32_t i = 0; i < 100'000; ++i) {
    const uint32_t mrt = 200'000 - i;
    if (i % 2 == 0) {
      rx(query(Q(Router).group(G).mrt(mrt).qrv(1)), R);
    } else {
      rx(query(Q(Router).group(G).sources({S1, S2}).mrt(mrt).qrv(1)), R);
    }
    ASSERT_LE(engine->footprint().timer_events, 2048u) << "after " << i << " lowerings";
  }
  EXPECT_TRUE(fwd(G, S1).test(H1));
  at(now + 100'002ms);  // the last Q(G): MRT 100,002 ms x QRV 1
  EXPECT_FALSE(fwd(G, S1).test(H1)) << "the lowered timers still fire";
}

}  // namespace
}  // namespace mcsnoop::snoop::test
