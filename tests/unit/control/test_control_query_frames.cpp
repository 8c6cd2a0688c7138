// Splitting group-and-source-specific queries at the egress MTU (issue 8): how many sources a
// frame holds, checked against RFC 3376 4.1.8's own figure, and every source sent once when a
// query is cut into frames, read back through the project's decoder.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "mcsnoop/control/query_frame.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::control {
namespace {

using net::IpAddr;

constexpr uint8_t kPortMac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
constexpr uint32_t kEthMtu1500 = 1514;

snoop::QueryToSend gss_query(net::Family f, size_t sources) {
  snoop::QueryToSend q;
  q.family = f;
  q.version = net::Compat::V3;
  q.src = f == net::Family::V4 ? *IpAddr::parse("10.0.0.254") : *IpAddr::parse("fe80::254");
  q.group = f == net::Family::V4 ? *IpAddr::parse("239.1.2.3") : *IpAddr::parse("ff0e::1:2");
  for (size_t i = 0; i < sources; ++i) {
    q.sources.push_back(f == net::Family::V4 ? IpAddr::v4(0x0A000000u + static_cast<uint32_t>(i) + 1)
                                             : *IpAddr::parse(("2001:db8::" + std::to_string(i + 1)).c_str()));
  }
  return q;
}

TEST(QuerySplit, SourcesPerFrameMatchTheRfcFigures) {
  // RFC 3376 4.1.8: on a 1500-byte MTU, 24 bytes of IP header with Router Alert and 12 of IGMP
  // leave room for 366 sources.
  EXPECT_EQ(query_sources_per_frame(gss_query(net::Family::V4, 1000), kEthMtu1500), 366u);
  // MLDv2: 40 (IPv6) + 8 (Hop-by-Hop) + 28 (query) = 76, leaving 1424 bytes: 89 sources.
  EXPECT_EQ(query_sources_per_frame(gss_query(net::Family::V6, 300), kEthMtu1500), 89u);
  // A query without sources fits whole; a limit below its header does not fit at all.
  EXPECT_EQ(query_sources_per_frame(gss_query(net::Family::V6, 0), kEthMtu1500), std::numeric_limits<size_t>::max());
  EXPECT_EQ(query_sources_per_frame(gss_query(net::Family::V6, 10), 80), 0u);
}

TEST(QuerySplit, EverySourceGoesOutOnceInFramesWithinTheLimit) {
  for (net::Family f : {net::Family::V4, net::Family::V6}) {
    const snoop::QueryToSend q = gss_query(f, 1000);
    const size_t per = query_sources_per_frame(q, kEthMtu1500);
    std::multiset<IpAddr> seen;
    size_t frames = 0;
    for (size_t first = 0; first < q.sources.size(); first += per) {
      std::array<uint8_t, kEthMtu1500> buf;
      const size_t n = std::min(per, q.sources.size() - first);
      const uint32_t len = build_query_frame_into(buf, q, first, n, kPortMac);
      ASSERT_GT(len, 0u);
      ASSERT_LE(len, kEthMtu1500);
      const net::FrameInfo fi = net::classify_frame(buf.data(), len);
      net::McastMessage msg;
      ASSERT_EQ(net::decode_l3(fi.ethertype, buf.data() + fi.l3_offset, len - fi.l3_offset, msg, nullptr),
                net::DecodeResult::Ok);
      EXPECT_EQ(msg.kind, net::MsgKind::Query);
      EXPECT_EQ(msg.query.group, q.group);
      seen.insert(msg.sources.begin(), msg.sources.end());
      ++frames;
    }
    EXPECT_EQ(seen, std::multiset<IpAddr>(q.sources.begin(), q.sources.end()));
    EXPECT_EQ(frames, (q.sources.size() + per - 1) / per);
  }
}

TEST(QuerySplit, BuildRefusesRangesAndBuffersThatDoNotFit) {
  const snoop::QueryToSend q = gss_query(net::Family::V6, 10);
  std::array<uint8_t, 2048> big;
  std::array<uint8_t, 100> small;
  EXPECT_EQ(build_query_frame_into(big, q, 8, 3, kPortMac), 0u) << "past the end of the sources";
  EXPECT_EQ(build_query_frame_into(small, q, 0, 10, kPortMac), 0u) << "236 bytes into 100";
  EXPECT_GT(build_query_frame_into(big, q, 0, 10, kPortMac), 0u);
}

}  // namespace
}  // namespace mcsnoop::control
