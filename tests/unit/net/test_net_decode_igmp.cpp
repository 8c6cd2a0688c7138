// IGMP decoding from hand-written vectors (checksums worked out independently of the code
// under test) and from built frames edited into every malformed shape we promise to catch.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::Bytes;
using test::hex;
using test::ip;

DecodeResult decode(const Bytes& p, McastMessage& m, DecodeNotes* n = nullptr) {
  return decode_ipv4(p.data(), static_cast<uint32_t>(p.size()), m, n);
}

// IGMPv2 General Query from 10.0.0.1, MRT 10 s.
const char* kV2Query =
    "46 00 00 20  00 00 00 00  01 02 3a d6"  // IPv4, IHL 6, len 32, TTL 1, proto 2, csum
    "0a 00 00 01  e0 00 00 01"               // 10.0.0.1 -> 224.0.0.1
    "94 04 00 00"                            // Router Alert
    "11 64 ee 9b  00 00 00 00";              // Query, MRT 100 (10 s), csum, group 0

TEST(DecodeIgmp, V2GeneralQuery) {
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode(hex(kV2Query), m, &n), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::Query);
  EXPECT_EQ(m.family, Family::V4);
  EXPECT_EQ(m.compat, Compat::V2);
  EXPECT_EQ(m.src, ip("10.0.0.1"));
  EXPECT_EQ(m.dst, ip("224.0.0.1"));
  EXPECT_TRUE(m.query.group.is_unspecified());
  EXPECT_EQ(m.query.max_resp_ms, 10'000u);
  EXPECT_TRUE(n.router_alert);
}

TEST(DecodeIgmp, V1QueryMeansTenSeconds) {
  // 45 (no options) ... 11 00 (MRC 0 = v1) csum ee ff, group 0.
  const Bytes p = hex(
      "45 00 00 1c  00 00 00 00  01 02 cf de  0a 00 00 01  e0 00 00 01"
      "11 00 ee ff  00 00 00 00");
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode(p, m, &n), DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V1);
  EXPECT_EQ(m.query.max_resp_ms, 10'000u);  // RFC 2236 4
  EXPECT_FALSE(n.router_alert);              // v1 has no Router Alert, and that is fine
}

TEST(DecodeIgmp, V3GroupAndSourceQuery) {
  const Bytes p = hex(
      "46 c0 00 2c  00 00 00 00  01 02 2a 09"  // ToS 0xc0, len 44
      "0a 00 00 01  ef 01 01 01  94 04 00 00"  // 10.0.0.1 -> 239.1.1.1, RA
      "11 8c e8 3d  ef 01 01 01"               // Query, MRC 0x8c (22.4 s), group 239.1.1.1
      "02 1e 00 02"                            // S=0 QRV=2, QQIC 30, N=2
      "0a 00 00 09  0a 00 00 0a");             // 10.0.0.9, 10.0.0.10
  McastMessage m;
  ASSERT_EQ(decode(p, m), DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V3);  // S10: never read as v2
  EXPECT_EQ(m.query.group, ip("239.1.1.1"));
  EXPECT_EQ(m.query.max_resp_ms, 22'400u);
  EXPECT_FALSE(m.query.suppress);
  EXPECT_EQ(m.query.qrv, 2);
  EXPECT_EQ(m.query.qqi_s, 30u);
  ASSERT_EQ(m.query_sources().size(), 2u);
  EXPECT_EQ(m.query_sources()[0], ip("10.0.0.9"));
  EXPECT_EQ(m.query_sources()[1], ip("10.0.0.10"));
}

TEST(DecodeIgmp, V2QueryInPaddedFrameStaysV2) {
  // E27: 14 + 32 bytes of IP padded to 60. Reading the frame length would make it 22 bytes of
  // IGMP, i.e. a v3 query.
  Bytes frame = hex("01 00 5e 00 00 01  02 00 00 00 00 09  08 00");
  const Bytes ipv4 = hex(kV2Query);
  frame.insert(frame.end(), ipv4.begin(), ipv4.end());
  frame.resize(60, 0);
  const FrameInfo fi = classify_frame(frame.data(), static_cast<uint32_t>(frame.size()));
  ASSERT_EQ(fi.cls, FrameClass::IgmpControl);
  McastMessage m;
  ASSERT_EQ(decode_l3(fi.ethertype, frame.data() + fi.l3_offset,
                      static_cast<uint32_t>(frame.size()) - fi.l3_offset, m),
            DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V2);
  EXPECT_EQ(m.query.max_resp_ms, 10'000u);
}

TEST(DecodeIgmp, V2ReportIsOneIsExRecord) {
  const Bytes p = hex(
      "46 00 00 20  00 00 00 00  01 02 73 28  c0 a8 01 05  ef 01 01 01  94 04 00 00"
      "16 00 f9 fc  ef 01 01 01");  // v2 Report for 239.1.1.1
  McastMessage m;
  ASSERT_EQ(decode(p, m), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::Report);
  EXPECT_EQ(m.compat, Compat::V2);
  EXPECT_FALSE(m.is_leave);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].type, RecordType::IsExclude);
  EXPECT_EQ(m.records[0].group, ip("239.1.1.1"));
  EXPECT_EQ(m.records[0].src_count, 0u);
}

TEST(DecodeIgmp, V1ReportWithoutRouterAlert) {
  const Bytes p = hex(
      "45 00 00 1c  00 00 00 00  01 02 07 2e  c0 a8 01 06  ef 02 02 02"
      "12 00 fc fa  ef 02 02 02");  // v1 Report for 239.2.2.2
  McastMessage m;
  ASSERT_EQ(decode(p, m), DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V1);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].type, RecordType::IsExclude);
}

TEST(DecodeIgmp, V2LeaveIsToInEmpty) {
  const Bytes p = hex(
      "46 00 00 20  00 00 00 00  01 02 83 28  c0 a8 01 05  e0 00 00 02  94 04 00 00"
      "17 00 f8 fc  ef 01 01 01");  // Leave 239.1.1.1 to 224.0.0.2
  McastMessage m;
  ASSERT_EQ(decode(p, m), DecodeResult::Ok);
  EXPECT_TRUE(m.is_leave);
  EXPECT_EQ(m.compat, Compat::V2);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].type, RecordType::ToInclude);
  EXPECT_EQ(m.records[0].src_count, 0u);
}

TEST(DecodeIgmp, V3ReportSkipsAuxUnknownAndNonMulticastRecords) {
  const Bytes p = hex(
      "46 c0 00 4c  00 00 00 00  01 02 82 26  c0 a8 01 07  e0 00 00 16  94 04 00 00"
      "22 00 33 2d  00 00 00 04"           // v3 Report, 4 records
      "02 01 00 00  ef 01 01 01  de ad be ef"  // IS_EX 239.1.1.1 {}, 1 word of aux data
      "09 00 00 01  ef 09 09 09  0a 09 09 09"  // type 9 (unknown): skipped by its length
      "05 00 00 01  e8 01 01 01  0a 00 00 01"  // ALLOW 232.1.1.1 {10.0.0.1}
      "04 00 00 00  0a 01 01 01");             // TO_EX 10.1.1.1: not multicast, dropped
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode(p, m, &n), DecodeResult::Ok);
  EXPECT_EQ(m.compat, Compat::V3);
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_EQ(m.records[0].type, RecordType::IsExclude);
  EXPECT_EQ(m.records[0].group, ip("239.1.1.1"));
  EXPECT_EQ(m.records[0].src_count, 0u);
  EXPECT_EQ(m.records[1].type, RecordType::AllowNew);
  EXPECT_EQ(m.records[1].group, ip("232.1.1.1"));
  ASSERT_EQ(m.sources_of(m.records[1]).size(), 1u);
  EXPECT_EQ(m.sources_of(m.records[1])[0], ip("10.0.0.1"));
  EXPECT_EQ(n.skipped_unknown_records, 1);
  EXPECT_EQ(n.skipped_nonmcast_records, 1);
}

TEST(DecodeIgmp, ReportFromUnspecifiedSourceAccepted) {
  auto f = build(IgmpReport{.src = ip("0.0.0.0"), .group = ip("239.1.1.1")});
  McastMessage m;
  ASSERT_EQ(decode_ipv4(f.data() + 14, static_cast<uint32_t>(f.size() - 14), m), DecodeResult::Ok);
  EXPECT_TRUE(m.src.is_unspecified());
}

TEST(DecodeIgmp, MissingRouterAlertAccepted) {
  auto f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")},
                 {.router_alert = false});
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode_ipv4(f.data() + 14, static_cast<uint32_t>(f.size() - 14), m, &n),
            DecodeResult::Ok);
  EXPECT_FALSE(n.router_alert);
}

TEST(DecodeIgmp, RouterAlertAfterNopAndTimestampOptionsFound) {
  // E29: options other than RA, RA not first. IHL 9: NOP, timestamp (len 8), RA, EOL padding.
  Bytes p = hex(
      "49 00 00 2c  00 00 00 00  01 02 00 00  0a 00 00 05  ef 01 01 01"
      "01  44 08 05 00 00 00 00 00  94 04 00 00  00 00 00"  // NOP, TS, RA, EOL x3
      "16 00 00 00  ef 01 01 01");
  test::fix_ipv4_checksums(p.data());
  McastMessage m;
  DecodeNotes n;
  ASSERT_EQ(decode(p, m, &n), DecodeResult::Ok);
  EXPECT_TRUE(n.router_alert);
  EXPECT_EQ(m.records.at(0).group, ip("239.1.1.1"));
}

TEST(DecodeIgmp, V2ReportLongerThanEightBytesUsesFirstEight) {
  // E26: trailing bytes are ignored but covered by the checksum.
  Bytes p = hex(
      "46 00 00 24  00 00 00 00  01 02 00 00  c0 a8 01 05  ef 01 01 01  94 04 00 00"
      "16 00 00 00  ef 01 01 01  aa bb cc dd");
  test::fix_ipv4_checksums(p.data());
  McastMessage m;
  ASSERT_EQ(decode(p, m), DecodeResult::Ok);
  EXPECT_EQ(m.records.at(0).group, ip("239.1.1.1"));
  p.back() ^= 0xff;  // the trailing bytes are in the checksum
  EXPECT_EQ(decode(p, m), DecodeResult::BadChecksum);
}

// ---- malformed -------------------------------------------------------------------------

class DecodeIgmpMalformed : public ::testing::Test {
 protected:
  // An IPv4 packet (no Ethernet header) built by the builders.
  static Bytes packet(const std::vector<uint8_t>& frame) { return Bytes(frame.begin() + 14, frame.end()); }
  static Bytes v2_report() {
    auto f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")},
                   {.pad_to_minimum = false});
    return packet(f);
  }
  McastMessage m;
};

TEST_F(DecodeIgmpMalformed, BadIpChecksum) {
  Bytes p = v2_report();
  p[10] ^= 0x01;
  EXPECT_EQ(decode(p, m), DecodeResult::BadIpChecksum);
}

TEST_F(DecodeIgmpMalformed, BadIgmpChecksum) {
  Bytes p = v2_report();
  p[24 + 2] ^= 0x01;
  EXPECT_EQ(decode(p, m), DecodeResult::BadChecksum);
}

TEST_F(DecodeIgmpMalformed, TotalLengthBeyondFrame) {
  Bytes p = v2_report();
  store_be16(p.data() + 2, static_cast<uint16_t>(p.size() + 4));
  test::fix_ipv4_header_checksum(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::Truncated);
}

TEST_F(DecodeIgmpMalformed, TotalLengthBelowHeader) {
  Bytes p = v2_report();
  store_be16(p.data() + 2, 20);  // IHL says 24
  test::fix_ipv4_header_checksum(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::BadLength);
}

TEST_F(DecodeIgmpMalformed, IhlBeyondPacket) {
  Bytes p = v2_report();
  p.resize(22);
  EXPECT_EQ(decode(p, m), DecodeResult::Truncated);
}

TEST_F(DecodeIgmpMalformed, NotIpv4) {
  Bytes p = v2_report();
  p[0] = 0x66;
  EXPECT_EQ(decode(p, m), DecodeResult::BadIpHeader);
}

TEST_F(DecodeIgmpMalformed, BrokenOptionLength) {
  Bytes p = v2_report();
  p[21] = 9;  // RA claims 9 bytes in a 4-byte option area
  test::fix_ipv4_header_checksum(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::BadIpHeader);
}

TEST_F(DecodeIgmpMalformed, TtlNot1) {
  auto f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")}, {.ttl = 2});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::TtlNot1);
}

TEST_F(DecodeIgmpMalformed, Fragments) {
  for (uint16_t frag : {uint16_t{0x2000}, uint16_t{0x0001}}) {  // MF; offset 8
    Bytes p = v2_report();
    store_be16(p.data() + 6, frag);
    test::fix_ipv4_header_checksum(p.data());
    EXPECT_EQ(decode(p, m), DecodeResult::Fragment) << frag;
  }
}

TEST_F(DecodeIgmpMalformed, ReportForUnicastGroup) {
  auto f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("10.1.1.1"),
                            .dst = ip("239.1.1.1")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotMulticastGroup);
}

TEST_F(DecodeIgmpMalformed, GroupQueryForUnicastGroup) {
  auto f = build(IgmpQuery{.version = Compat::V2, .src = ip("10.0.0.1"), .group = ip("10.1.1.1"),
                           .dst = ip("224.0.0.1")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotMulticastGroup);
}

TEST_F(DecodeIgmpMalformed, QueryOfNineToElevenBytesIgnored) {
  for (uint32_t extra : {1u, 2u, 3u}) {
    auto base = packet(build(IgmpQuery{.version = Compat::V2, .src = ip("10.0.0.1")},
                             {.pad_to_minimum = false}));
    base.resize(base.size() + extra, 0);
    store_be16(base.data() + 2, static_cast<uint16_t>(base.size()));
    test::fix_ipv4_checksums(base.data());
    EXPECT_EQ(decode(base, m), DecodeResult::QueryBadLength) << extra;
  }
}

TEST_F(DecodeIgmpMalformed, QuerySourcesBeyondPacket) {
  Bytes p = packet(build(IgmpQuery{.src = ip("10.0.0.1"), .group = ip("239.1.1.1"),
                                   .sources = {ip("10.0.0.9")}},
                         {.pad_to_minimum = false}));
  store_be16(p.data() + 24 + 10, 2);  // N = 2, one present
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::SourcesBeyondPacket);
}

TEST_F(DecodeIgmpMalformed, ReportRecordsBeyondPacket) {
  Bytes p = packet(build(IgmpV3Report{.src = ip("10.0.0.5"),
                                      .records = {{.group = ip("239.1.1.1")}}},
                         {.pad_to_minimum = false}));
  store_be16(p.data() + 24 + 6, 2);  // M = 2, one present
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::RecordsBeyondPacket);
}

TEST_F(DecodeIgmpMalformed, RecordSourcesBeyondPacket) {
  Bytes p = packet(build(IgmpV3Report{.src = ip("10.0.0.5"),
                                      .records = {{.type = RecordType::IsInclude,
                                                   .group = ip("239.1.1.1"),
                                                   .sources = {ip("10.0.0.1")}}}},
                         {.pad_to_minimum = false}));
  store_be16(p.data() + 24 + 8 + 2, 3);  // N = 3, one present
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::SourcesBeyondPacket);
}

TEST_F(DecodeIgmpMalformed, RecordAuxDataBeyondPacket) {
  Bytes p = packet(build(IgmpV3Report{.src = ip("10.0.0.5"),
                                      .records = {{.group = ip("239.1.1.1")}}},
                         {.pad_to_minimum = false}));
  p[24 + 8 + 1] = 1;  // one word of aux data that is not there
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::SourcesBeyondPacket);
}

TEST_F(DecodeIgmpMalformed, UnknownTypeIsFlooded) {
  Bytes p = v2_report();
  p[24] = 0x42;
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::UnknownType);
}

TEST_F(DecodeIgmpMalformed, TruncatedIgmp) {
  Bytes p = v2_report();
  p.resize(24 + 6);
  store_be16(p.data() + 2, static_cast<uint16_t>(p.size()));
  test::fix_ipv4_checksums(p.data());
  EXPECT_EQ(decode(p, m), DecodeResult::Truncated);
}

TEST_F(DecodeIgmpMalformed, NotIgmpIsNotControl) {
  auto f = build(UdpDatagram{.src = ip("10.0.0.5"), .dst = ip("239.1.1.1")});
  EXPECT_EQ(decode(packet(f), m), DecodeResult::NotControl);
}

TEST(DecodeResultNames, AllDistinctAndNamed) {
  std::set<std::string> names;
  for (unsigned i = 0; i < kDecodeResultCount; ++i) {
    const std::string s = to_string(static_cast<DecodeResult>(i));
    EXPECT_NE(s, "invalid") << i;
    names.insert(s);
  }
  EXPECT_EQ(names.size(), kDecodeResultCount);
}

}  // namespace
}  // namespace mcsnoop::net
