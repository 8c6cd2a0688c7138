// RFC 3376 6.4.1 / 6.4.2 (IGMPv3) and RFC 3810 7.4.1 / 7.4.2 (MLDv2): one test per table row,
// run for both families through the same engine path. The scenarios follow the Linux bridge
// selftests (bridge_igmp.sh / bridge_mld.sh): "prepare INCLUDE" = IS_IN({1,2,3}) from H1,
// "prepare EXCLUDE" = then IS_EX({1,2,20,21}) = EXCLUDE(X={1,2}, Y={20,21}).
// The engine is the querier (LMQI 1 s x LMQC 2 = LMQT 2 s), so each "Send Q" is visible.
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

struct FamilyCase {
  const char* name;
  const char* group;
  const char* source_prefix;  // sources are prefix + N
  const char* host;
  const char* own;
};

class RowTest : public EngineTest, public ::testing::WithParamInterface<FamilyCase> {
 protected:
  void SetUp() override {
    const FamilyCase& fc = GetParam();
    if (ip(fc.own).is_v4()) {
      enable_querier(fc.own);
    } else {
      enable_mld_querier(fc.own);
    }
    start();
    g = ip(fc.group);
    host = ip(fc.host);
    sent.clear();
  }
  IpAddr S(int n) const { return ip((std::string(GetParam().source_prefix) + std::to_string(n)).c_str()); }
  std::vector<IpAddr> Ss(std::initializer_list<int> ns) const {
    std::vector<IpAddr> v;
    for (int n : ns) v.push_back(S(n));
    return v;
  }
  void send(RecordType t, std::initializer_list<int> ns) { rx(record(host, t, g, Ss(ns)), H1); }
  void prepare_include() { send(RecordType::IsInclude, {1, 2, 3}); }
  void prepare_exclude() {
    prepare_include();
    send(RecordType::IsExclude, {1, 2, 20, 21});
  }
  // Does data from source N reach H1?
  bool h1_gets(int n) const { return fwd(g, S(n)).test(H1); }
  void expect_forwarded(std::initializer_list<int> yes, std::initializer_list<int> no) const {
    for (int n : yes) EXPECT_TRUE(h1_gets(n)) << "source " << n << " should reach H1";
    for (int n : no) EXPECT_FALSE(h1_gets(n)) << "source " << n << " should not reach H1";
  }
  // The group-and-source queries sent since the last clear, as one sorted list of source numbers.
  std::vector<IpAddr> queried_sources() const {
    std::vector<IpAddr> v;
    for (const QueryToSend& q : sent) {
      if (q.group != g || q.sources.empty()) continue;
      EXPECT_EQ(q.egress, ports({H1})) << "specific queries go out of the triggering port";
      v.insert(v.end(), q.sources.begin(), q.sources.end());
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
  bool group_query_sent() const {
    for (const QueryToSend& q : sent) {
      if (q.group == g && q.sources.empty()) return true;
    }
    return false;
  }
  bool exclude_mode() const {
    auto v = view(g);
    return v && v->exclude_mode;
  }

  IpAddr g, host;
};

// INCLUDE (A)  IS_IN (B)  INCLUDE (A+B)  (B)=GMI
TEST_P(RowTest, IncludeIsIn) {
  prepare_include();
  send(RecordType::IsInclude, {10, 11, 12});
  expect_forwarded({1, 2, 3, 10, 11, 12}, {100});
  EXPECT_FALSE(exclude_mode());
  EXPECT_TRUE(sent.empty());
  EXPECT_FALSE(fwd(g, S(100)).test(H1)) << "INCLUDE ports are not in (*,G)";
}

// INCLUDE (A)  IS_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), GT=GMI
TEST_P(RowTest, IncludeIsEx) {
  prepare_include();                       // sources 1,2,3 timers = GMI from t=0
  after(10s);
  send(RecordType::IsExclude, {1, 2, 20, 21});
  EXPECT_TRUE(exclude_mode());
  expect_forwarded({1, 2, 3, 100}, {20, 21});
  EXPECT_FALSE(has_entry(g, S(3))) << "A-B deleted";
  EXPECT_TRUE(sent.empty());
  // A*B kept their timers (GMI from t=0): at t=GMI they stop while GT (t=10s+GMI) still runs.
  at(260s - 1ms);
  expect_forwarded({1, 2}, {20});
  at(260s);
  expect_forwarded({100}, {1, 2, 20, 21});
  at(270s);
  EXPECT_FALSE(view(g).has_value()) << "GT expiry with X empty deletes the group";
}

// EXCLUDE (X,Y)  IS_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
TEST_P(RowTest, ExcludeIsIn) {
  prepare_exclude();
  send(RecordType::IsInclude, {20, 30});
  EXPECT_TRUE(exclude_mode());
  expect_forwarded({1, 2, 20, 30, 100}, {21});
  EXPECT_TRUE(sent.empty());
}

// EXCLUDE (X,Y)  IS_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), GT=GMI
TEST_P(RowTest, ExcludeIsEx) {
  prepare_exclude();
  send(RecordType::IsExclude, {20, 30});
  expect_forwarded({30, 100, 1, 2, 21}, {20});
  EXPECT_FALSE(has_entry(g, S(1)));
  EXPECT_FALSE(has_entry(g, S(21)));
  EXPECT_TRUE(has_entry(g, S(30)));
  EXPECT_TRUE(sent.empty());
}

// INCLUDE (A)  ALLOW (B)  INCLUDE (A+B)  (B)=GMI
TEST_P(RowTest, IncludeAllow) {
  prepare_include();
  send(RecordType::AllowNew, {10, 11, 12});
  expect_forwarded({1, 2, 3, 10, 11, 12}, {100});
  EXPECT_FALSE(exclude_mode());
}

// INCLUDE (A)  BLOCK (B)  INCLUDE (A)  Send Q(G,A*B)
TEST_P(RowTest, IncludeBlock) {
  prepare_include();
  send(RecordType::BlockOld, {1, 20, 30});
  EXPECT_EQ(queried_sources(), Ss({1}));
  expect_forwarded({1, 2, 3}, {20, 30, 100});
  after(2s - 1ms);
  EXPECT_TRUE(h1_gets(1)) << "lowered to LMQT, not removed";
  after(1ms);
  expect_forwarded({2, 3}, {1, 20, 30, 100});
}

// INCLUDE (A)  TO_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), Send Q(G,A*B), GT=GMI
TEST_P(RowTest, IncludeToEx) {
  prepare_include();
  send(RecordType::ToExclude, {1, 20, 30});
  EXPECT_TRUE(exclude_mode());
  EXPECT_EQ(queried_sources(), Ss({1}));
  expect_forwarded({1, 2, 3, 100}, {20, 30});
  EXPECT_FALSE(has_entry(g, S(2)));
  after(2s);  // nobody answered Q(G,{1}): S1's timer ran out, EXCLUDE mode blocks it
  expect_forwarded({2, 3, 100}, {1, 20, 30});
}

// INCLUDE (A)  TO_IN (B)  INCLUDE (A+B)  (B)=GMI, Send Q(G,A-B)
TEST_P(RowTest, IncludeToIn) {
  prepare_include();
  send(RecordType::ToInclude, {1, 10});
  EXPECT_EQ(queried_sources(), Ss({2, 3}));
  expect_forwarded({1, 2, 3, 10}, {100});
  after(2s);
  expect_forwarded({1, 10}, {2, 3, 100});
}

// EXCLUDE (X,Y)  ALLOW (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
TEST_P(RowTest, ExcludeAllow) {
  prepare_exclude();
  send(RecordType::AllowNew, {20, 30});
  expect_forwarded({1, 2, 20, 30, 100}, {21});
  EXPECT_TRUE(sent.empty());
}

// EXCLUDE (X,Y)  BLOCK (A)  EXCLUDE (X+(A-Y),Y)  (A-X-Y)=GT, Send Q(G,A-Y)
TEST_P(RowTest, ExcludeBlock) {
  prepare_exclude();
  send(RecordType::BlockOld, {1, 20, 30});
  EXPECT_EQ(queried_sources(), Ss({1, 30}));
  expect_forwarded({1, 2, 30, 100}, {20, 21});
  after(2s);  // Q(G,{1,30}) unanswered: both stop, the group stays EXCLUDE
  expect_forwarded({2, 100}, {1, 20, 21, 30});
  EXPECT_TRUE(exclude_mode());
}

// EXCLUDE (X,Y)  TO_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=GT, Delete (X-A), Delete (Y-A),
//                                              Send Q(G,A-Y), GT=GMI
TEST_P(RowTest, ExcludeToEx) {
  prepare_exclude();
  send(RecordType::ToExclude, {1, 20, 30});
  EXPECT_EQ(queried_sources(), Ss({1, 30}));
  expect_forwarded({1, 30, 2, 21, 100}, {20});
  EXPECT_FALSE(has_entry(g, S(2)));
  EXPECT_FALSE(has_entry(g, S(21)));
  after(2s);
  expect_forwarded({2, 21, 100}, {1, 20, 30});
}

// EXCLUDE (X,Y)  TO_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI, Send Q(G,X-A), Send Q(G)
TEST_P(RowTest, ExcludeToIn) {
  prepare_exclude();
  send(RecordType::ToInclude, {20});
  EXPECT_EQ(queried_sources(), Ss({1, 2}));
  EXPECT_TRUE(group_query_sent());
  expect_forwarded({1, 2, 20, 100}, {21});
  after(2s);  // GT lowered to LMQT expired: INCLUDE(X) with X = {20}
  EXPECT_FALSE(exclude_mode());
  expect_forwarded({20}, {1, 2, 21, 100});
}

INSTANTIATE_TEST_SUITE_P(
    BothFamilies, RowTest,
    ::testing::Values(FamilyCase{"IGMPv3", "239.10.10.10", "192.0.2.", "10.0.0.11", "192.0.2.254"},
                      FamilyCase{"MLDv2", "ff0e::10", "2001:db8:1::", "fe80::11", "fe80::254"}),
    [](const ::testing::TestParamInfo<FamilyCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mcsnoop::snoop::test
