// The control plane's own limits (issue 8): refused MFT updates are retried until they are in,
// originated frames fit the egress MTU (large source lists are split), and big `show` views
// are answered in slices while the loop keeps running.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/net/decode.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using namespace std::chrono_literals;

std::vector<HarnessPort> hosts3() {
  std::vector<HarnessPort> p(3);
  p[0].name = "h1";
  p[1].name = "h2";
  p[2].name = "h3";
  return p;
}

size_t count(const std::map<std::string, std::vector<Captured>>& out, const std::string& port) {
  return out.at(port).size();
}

PortMask only(PortId p) { return PortMask::of(p); }

// ---- MFT refusals are retried ----------------------------------------------------------------

TEST(ControlLimits, RefusedMftInsertIsCountedAndRetriedUntilItArrives) {
  HarnessLayout layout;
  layout.mft_capacity = mft::Table::kMinCapacity;
  SwitchHarness sw(hosts3(), {HarnessVlan{}}, std::chrono::seconds(300), layout);
  mft::Table& mft = sw.dp().mft();
  // Another port's state (here put straight into the table) fills the MFT.
  for (uint32_t i = 0; mft.size() < mft.capacity(); ++i)
    ASSERT_TRUE(mft.set(mft::Key(1, net::IpAddr::v4(0xEFC80000 | i)), only(sw.port("h3"))));

  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  const mft::Key key(1, ip("239.1.1.1"));
  EXPECT_EQ(mft.lookup(key), nullptr) << "the table is full";
  EXPECT_EQ(sw.control().counters().mft_refused, 1u);
  EXPECT_EQ(sw.control().mft_retry_pending(), 1u);
  EXPECT_EQ(sw.control().show_stats()["control"]["mft_retry_pending"], 1u);
  auto out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(count(out, "h2"), 1u) << "meanwhile the group is unregistered: flooded";

  // Still full: retries keep failing, nothing is forgotten.
  sw.advance(100ms, 10ms);
  EXPECT_EQ(mft.lookup(key), nullptr);
  EXPECT_EQ(sw.control().mft_retry_pending(), 1u);

  // Room appears: the next retry tick publishes the join.
  ASSERT_TRUE(mft.erase(mft::Key(1, net::IpAddr::v4(0xEFC80000))));
  sw.advance(20ms, 10ms);
  const mft::Entry* e = mft.lookup(key);
  ASSERT_NE(e, nullptr) << "the refused join arrived after room was freed";
  EXPECT_EQ(e->ports, only(sw.port("h1")));
  EXPECT_EQ(sw.control().mft_retry_pending(), 0u);
  EXPECT_EQ(sw.control().counters().mft_retried, 1u);
  out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u) << "registered now: no more flooding";
}

TEST(ControlLimits, ALaterChangeSupersedesAWaitingRetry) {
  HarnessLayout layout;
  layout.mft_capacity = mft::Table::kMinCapacity;
  std::vector<HarnessPort> ports = hosts3();
  ports[0].snoop.fast_leave = true;
  SwitchHarness sw(ports, {HarnessVlan{}}, std::chrono::seconds(300), layout);
  mft::Table& mft = sw.dp().mft();
  for (uint32_t i = 0; mft.size() < mft.capacity(); ++i)
    ASSERT_TRUE(mft.set(mft::Key(1, net::IpAddr::v4(0xEFC80000 | i)), only(sw.port("h3"))));
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.control().mft_retry_pending(), 1u);
  sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));  // fast leave: the group is gone
  ASSERT_TRUE(mft.erase(mft::Key(1, net::IpAddr::v4(0xEFC80000))));
  sw.advance(50ms, 10ms);
  EXPECT_EQ(mft.lookup(mft::Key(1, ip("239.1.1.1"))), nullptr) << "a left group is not resurrected";
  EXPECT_EQ(sw.control().mft_retry_pending(), 0u);
}

// ---- queries fit the egress MTU --------------------------------------------------------------

struct QueryFrame {
  size_t bytes;
  net::McastMessage msg;
};

std::vector<QueryFrame> queries_for(const std::vector<Captured>& frames, const net::IpAddr& group) {
  std::vector<QueryFrame> out;
  for (const Captured& c : frames) {
    const net::FrameInfo fi = c.info();
    const auto len = static_cast<uint32_t>(c.bytes.size());
    if (fi.l3_offset == 0 || fi.l3_offset >= len) continue;
    net::McastMessage msg;
    if (net::decode_l3(fi.ethertype, c.bytes.data() + fi.l3_offset, len - fi.l3_offset, msg, nullptr) !=
            net::DecodeResult::Ok ||
        msg.kind != net::MsgKind::Query || msg.query.group != group)
      continue;
    out.push_back({c.bytes.size(), msg});
  }
  return out;
}

std::vector<uint8_t> mld_report(net::RecordType type, const net::IpAddr& group, const std::vector<net::IpAddr>& sources) {
  net::MldV2Report r;
  r.src = ip("fe80::11");
  r.records.push_back(net::ReportRecord{type, group, sources, 0});
  net::FrameOptions o;
  o.src_mac = mac(0x11);
  return net::build(r, o);
}

// An MLDv2 group-and-source-specific query about 100 sources is 1,690 bytes: over a 1500-byte
// MTU. It must leave as several queries, each within the MTU, asking about every source.
TEST(ControlLimits, SourceSpecificQueryIsSplitAtTheEgressMtu) {
  HarnessVlan v;
  v.querier.enabled = true;
  v.querier.address6 = ip("fe80::254");
  v.querier.mld_version = 2;
  std::vector<HarnessPort> ports = hosts3();
  // A membership of 100 sources: above the default max_sources_per_group (64).
  for (HarnessPort& p : ports) p.snoop.max_sources_per_group = 1024;
  SwitchHarness sw(ports, {v});
  sw.advance(1s);
  sw.drain_all();

  const net::IpAddr group = ip("ff0e::1:1");
  std::vector<net::IpAddr> sources;
  for (unsigned i = 1; i <= 100; ++i) sources.push_back(ip(("2001:db8::" + std::to_string(i)).c_str()));
  sw.send("h1", mld_report(net::RecordType::IsInclude, group, sources));
  sw.drain_all();
  // INCLUDE(A) + BLOCK(A): Q(G, A) from the querier (RFC 3810 7.4.2).
  const auto out = sw.send("h1", mld_report(net::RecordType::BlockOld, group, sources));

  const std::vector<QueryFrame> queries = queries_for(out.at("h1"), group);
  ASSERT_GE(queries.size(), 2u) << "100 IPv6 sources do not fit one 1500-byte frame";
  std::multiset<net::IpAddr> asked;
  for (const QueryFrame& q : queries) {
    EXPECT_LE(q.bytes, 1514u) << "every frame fits the egress MTU (1500 + Ethernet header)";
    EXPECT_FALSE(q.msg.query.suppress);
    asked.insert(q.msg.sources.begin(), q.msg.sources.end());
  }
  EXPECT_EQ(asked, std::multiset<net::IpAddr>(sources.begin(), sources.end()))
      << "every source asked about exactly once";
  EXPECT_GE(sw.control().counters().query_frames_split, 1u);
  EXPECT_EQ(sw.control().counters().frames_oversize, 0u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-ctl-limits", "0-1"));
  return RUN_ALL_TESTS();
}
