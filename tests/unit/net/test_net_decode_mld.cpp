// MLD decoding: hand-laid vectors (ICMPv6 checksum filled by the pseudo-header helper, which
// test_net_checksum checks against RFC 1071 by hand) and built frames edited into malformed ones.
#include <gtest/gtest.h>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::Bytes;
using test::hex;
using test::ip;

DecodeResult decode(const Bytes& p, McastMessage& m, DecodeNotes* n = nullptr) {
  return decode_ipv6(p.data(), static_cast<uint32_t>(p.size()), m, n);
}

Bytes packet(const std::vector<uint8_t>& frame) { return Bytes(frame.begin() + 14, frame.end()); }

// MLDv2 Report from fe80::1 to ff02::16 behind hop-by-hop (RA) and destination options.
Bytes mldv2_report_vector() {
  Bytes p = hex(
      "60 00 00 00  00 50 00 01"                          // v6, payload 80, NH HBH, HL 1
      "fe 80 00 00 00 00 00 00  00 00 00 00 00 00 00 01"  // fe80::1
      "ff 02 00 00 00 00 00 00  00 00 00 00 00 00 00 16"  // ff02::16
      "3c 00 05 02 00 00 01 00"                           // HBH: NH 60, RA(MLD), PadN
      "3a 00 01 04 00 00 00 00"                           // Dest opts: NH 58, PadN(4)
      "8f 00 00 00  00 00 00 02"                          // Report 143, csum, 2 records
      "04 00 00 00  ff 0e 00 00 00 00 00 00  00 00 00 00 00 01 00 01"  // TO_EX ff0e::1:1 {}
      "01 00 00 01  ff 3e 00 00 00 00 00 00  00 00 00 00 00 00 12 34"  // IS_IN ff3e::1234
      "20 01 0d b8 00 00 00 00  00 00 00 00 00 00 00 05");             //   {2001:db8::5}
  test::fix_icmpv6_checksum(p.data(), 56);
  return p;
}

TEST(DecodeMld, V2ReportBehindHopByHopAndDestOptions) {
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode(mldv2_report_vector(), m, &n), DecodeResult::Ok);
  EXPECT_EQ(m.family, Family::V6);
  EXPECT_EQ(m.kind, MsgKind::Report);
  EXPECT_EQ(m.compat, Compat::V3);
  EXPECT_TRUE(n.router_alert);
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_EQ(m.records[0].type, RecordType::ToExclude);
  EXPECT_EQ(m.records[0].group, ip("ff0e::1:1"));
  EXPECT_EQ(m.records[1].type, RecordType::IsInclude);
  ASSERT_EQ(m.sources_of(m.records[1]).size(), 1u);
  EXPECT_EQ(m.sources_of(m.records[1])[0], ip("2001:db8::5"));
}

TEST(DecodeMld, V2ReportBadChecksum) {
  Bytes p = mldv2_report_vector();
  p[56 + 2] ^= 0x10;
  McastMessage m;
  EXPECT_EQ(decode(p, m), DecodeResult::BadChecksum);
}

TEST(DecodeMld, V1QueryIs24Bytes) {
  const auto f = build(MldQuery{.version = Compat::V2, .src = ip("fe80::1"), .max_resp_ms = 2500});
  McastMessage m;
  ASSERT_EQ(decode(packet(f), m), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::Query);
  EXPECT_EQ(m.compat, Compat::V2);
  EXPECT_EQ(m.query.max_resp_ms, 2500u);
  EXPECT_EQ(m.dst, ip("ff02::1"));
}

TEST(DecodeMld, V2QueryWithSources) {
  const auto f = build(MldQuery{.src = ip("fe80::1"), .group = ip("ff0e::1"),
                                .max_resp_ms = 40'000, .suppress = true, .qrv = 3,
                                .qqi_s = 200, .sources = {ip("2001:db8::1"), ip("2001:db8::2")}});
  McastMessage m;
  ASSERT_EQ(decode(packet(f), m), DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V3);
  EXPECT_EQ(m.query.group, ip("ff0e::1"));
  EXPECT_EQ(m.query.max_resp_ms, 40'000u);  // 0x8271 in the exp-3/mant-12 code: exact
  EXPECT_TRUE(m.query.suppress);
  EXPECT_EQ(m.query.qrv, 3);
  EXPECT_EQ(m.query.qqi_s, 200u);  // 0x89: (9|16) << 3 = 200, exact
  ASSERT_EQ(m.query_sources().size(), 2u);
  EXPECT_EQ(m.query_sources()[1], ip("2001:db8::2"));
}

TEST(DecodeMld, V1ReportAndDoneMapToRecords) {
  McastMessage m;
  ASSERT_EQ(decode(packet(build(MldReport{.src = ip("fe80::2"), .group = ip("ff05::1:3")})), m),
            DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V2);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].type, RecordType::IsExclude);
  EXPECT_FALSE(m.is_leave);

  ASSERT_EQ(decode(packet(build(MldDone{.src = ip("fe80::2"), .group = ip("ff05::1:3")})), m),
            DecodeResult::Ok);
  EXPECT_TRUE(m.is_leave);
  EXPECT_EQ(m.dst, ip("ff02::2"));
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].type, RecordType::ToInclude);
}

TEST(DecodeMld, ReportFromUnspecifiedSourceAccepted) {
  // S29: DAD joins of the solicited-node group come from ::.
  McastMessage m;
  const auto f = build(MldV2Report{.src = ip("::"),
                                   .records = {{.group = ip("ff02::1:ff00:1")}}});
  ASSERT_EQ(decode(packet(f), m), DecodeResult::Ok);
  EXPECT_TRUE(m.src.is_unspecified());
  EXPECT_EQ(m.records.at(0).group, ip("ff02::1:ff00:1"));
}

TEST(DecodeMld, ProxyQueryFromUnspecifiedAccepted) {
  McastMessage m;
  EXPECT_EQ(decode(packet(build(MldQuery{.src = ip("::")})), m), DecodeResult::Ok);
}

TEST(DecodeMld, MissingRouterAlertAccepted) {
  McastMessage m;
  DecodeNotes n;
  const auto f = build(MldReport{.src = ip("fe80::2"), .group = ip("ff05::1:3")},
                       {.router_alert = false});
  ASSERT_EQ(decode(packet(f), m, &n), DecodeResult::Ok);
  EXPECT_FALSE(n.router_alert);
}

TEST(DecodeMld, NeighborSolicitationIsNotControl) {
  Bytes p = packet(build(MldReport{.src = ip("fe80::2"), .group = ip("ff02::1:ff00:2")}));
  p[48] = 135;  // NS
  test::fix_icmpv6_checksum(p.data(), 48);
  McastMessage m;
  EXPECT_EQ(decode(p, m), DecodeResult::NotControl);
}

class DecodeMldMalformed : public ::testing::Test {
 protected:
  static Bytes report() {
    return packet(build(MldReport{.src = ip("fe80::2"), .group = ip("ff05::1:3")},
                        {.pad_to_minimum = false}));
  }
  McastMessage m;
};

TEST_F(DecodeMldMalformed, PayloadLengthBeyondFrame) {
  Bytes p = report();
  store_be16(p.data() + 4, static_cast<uint16_t>(load_be16(p.data() + 4) + 8));
  EXPECT_EQ(decode(p, m), DecodeResult::Truncated);
}

TEST_F(DecodeMldMalformed, NotIpv6) {
  Bytes p = report();
  p[0] = 0x40;
  EXPECT_EQ(decode(p, m), DecodeResult::BadIpHeader);
}

TEST_F(DecodeMldMalformed, HopLimitNot1) {
  const auto f = build(MldReport{.src = ip("fe80::2"), .group = ip("ff05::1:3")}, {.ttl = 255});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::HopLimitNot1);
}

TEST_F(DecodeMldMalformed, GlobalSource) {
  const auto f = build(MldReport{.src = ip("2001:db8::2"), .group = ip("ff05::1:3")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotLinkLocalSource);
}

TEST_F(DecodeMldMalformed, DoneFromUnspecified) {
  const auto f = build(MldDone{.src = ip("::"), .group = ip("ff05::1:3")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotLinkLocalSource);
}

TEST_F(DecodeMldMalformed, ReportForUnicastAddress) {
  const auto f = build(MldReport{.src = ip("fe80::2"), .group = ip("2001:db8::1"),
                                 .dst = ip("ff05::1:3")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotMulticastGroup);
}

TEST_F(DecodeMldMalformed, FragmentHeader) {
  // Replace the hop-by-hop header by a fragment header (NH 58, offset 0, M=1).
  Bytes p = report();
  p[6] = ipproto::kFragment;
  const Bytes frag = hex("3a 00 00 01 00 00 00 2a");
  std::copy(frag.begin(), frag.end(), p.begin() + 40);
  EXPECT_EQ(decode(p, m), DecodeResult::Fragment);
}

TEST_F(DecodeMldMalformed, ExtensionHeaderRunsPastPayload) {
  Bytes p = report();
  p[41] = 10;  // hop-by-hop claims 88 bytes
  EXPECT_EQ(decode(p, m), DecodeResult::BadExtensionHeader);
}

TEST_F(DecodeMldMalformed, QueryOf25To27BytesIgnored) {
  for (uint32_t extra : {1u, 2u, 3u}) {
    Bytes p = packet(build(MldQuery{.version = Compat::V2, .src = ip("fe80::1")},
                           {.pad_to_minimum = false}));
    p.resize(p.size() + extra, 0);
    store_be16(p.data() + 4, static_cast<uint16_t>(p.size() - 40));
    test::fix_icmpv6_checksum(p.data(), 48);
    EXPECT_EQ(decode(p, m), DecodeResult::QueryBadLength) << extra;
  }
}

TEST_F(DecodeMldMalformed, V2QuerySourcesBeyondPacket) {
  Bytes p = packet(build(MldQuery{.src = ip("fe80::1"), .group = ip("ff0e::1"),
                                  .sources = {ip("2001:db8::1")}},
                         {.pad_to_minimum = false}));
  store_be16(p.data() + 48 + 26, 4);
  test::fix_icmpv6_checksum(p.data(), 48);
  EXPECT_EQ(decode(p, m), DecodeResult::SourcesBeyondPacket);
}

TEST_F(DecodeMldMalformed, V2ReportRecordsBeyondPacket) {
  Bytes p = packet(build(MldV2Report{.src = ip("fe80::2"),
                                     .records = {{.group = ip("ff0e::1")}}},
                         {.pad_to_minimum = false}));
  store_be16(p.data() + 48 + 6, 5);
  test::fix_icmpv6_checksum(p.data(), 48);
  EXPECT_EQ(decode(p, m), DecodeResult::RecordsBeyondPacket);
}

TEST_F(DecodeMldMalformed, TruncatedV1Report) {
  Bytes p = report();
  p.resize(p.size() - 4);
  store_be16(p.data() + 4, static_cast<uint16_t>(p.size() - 40));
  test::fix_icmpv6_checksum(p.data(), 48);
  EXPECT_EQ(decode(p, m), DecodeResult::Truncated);
}

}  // namespace
}  // namespace mcsnoop::net
