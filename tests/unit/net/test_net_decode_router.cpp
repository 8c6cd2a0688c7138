// PIM Hello and Multicast Router Discovery decoding, both families.
#include <gtest/gtest.h>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::Bytes;
using test::hex;
using test::ip;

DecodeResult decode_frame(const std::vector<uint8_t>& f, McastMessage& m) {
  return decode_l3(load_be16(f.data() + 12), f.data() + 14, static_cast<uint32_t>(f.size() - 14),
                   m);
}

TEST(DecodePim, HelloV4FromVector) {
  const Bytes p = hex(
      "45 c0 00 26  00 00 00 00  01 67 00 00  0a 00 00 01  e0 00 00 0d"  // proto 103
      "20 00 00 00"     // PIMv2 Hello
      "00 01 00 02  00 5a"   // Holdtime 90 s
      "00 13 00 04  00 00 00 01");  // DR priority 1 (ignored)
  Bytes q = p;
  test::fix_ipv4_checksums(q.data());
  McastMessage m;
  ASSERT_EQ(decode_ipv4(q.data(), static_cast<uint32_t>(q.size()), m), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::PimHello);
  EXPECT_EQ(m.pim.holdtime_s, 90);
  q[20 + 2] ^= 1;
  EXPECT_EQ(decode_ipv4(q.data(), static_cast<uint32_t>(q.size()), m), DecodeResult::BadChecksum);
}

TEST(DecodePim, HelloV6UsesPseudoHeaderChecksum) {
  McastMessage m;
  auto f = build(PimHello{.src = ip("fe80::9"), .holdtime_s = 35, .generation_id = 7});
  ASSERT_EQ(decode_frame(f, m), DecodeResult::Ok);
  EXPECT_EQ(m.family, Family::V6);
  EXPECT_EQ(m.pim.holdtime_s, 35);
}

TEST(DecodePim, Errors) {
  McastMessage m;
  auto f = build(PimHello{.src = ip("10.0.0.1")});
  f[14 + 20 + 1] = 0;
  f[14 + 20] = 0x10;  // version 1
  test::fix_ipv4_checksums(f.data() + 14);
  EXPECT_EQ(decode_frame(f, m), DecodeResult::BadPimVersion);

  f = build(PimHello{.src = ip("10.0.0.1")});
  f[14 + 20] = 0x23;  // v2 Join/Prune: not a hello
  test::fix_ipv4_checksums(f.data() + 14);
  EXPECT_EQ(decode_frame(f, m), DecodeResult::UnknownType);

  f = build(PimHello{.src = ip("10.0.0.1")}, {.pad_to_minimum = false});
  f[14 + 20 + 7] = 40;  // holdtime option claims 40 bytes
  test::fix_ipv4_checksums(f.data() + 14);
  EXPECT_EQ(decode_frame(f, m), DecodeResult::BadPimOption);

  f = build(PimHello{.src = ip("10.0.0.1")}, {.ttl = 5});
  EXPECT_EQ(decode_frame(f, m), DecodeResult::TtlNot1);

  f = build(PimHello{.src = ip("2001:db8::9")});
  EXPECT_EQ(decode_frame(f, m), DecodeResult::NotLinkLocalSource);
}

TEST(DecodeMrd, AdvertisementBothFamilies) {
  for (const IpAddr& src : {ip("10.0.0.1"), ip("fe80::1")}) {
    McastMessage m;
    auto f = build(MrdAdvertisement{.src = src, .interval_s = 30, .query_interval_s = 60,
                                    .robustness = 3});
    ASSERT_EQ(decode_frame(f, m), DecodeResult::Ok) << src.to_string();
    EXPECT_EQ(m.kind, MsgKind::MrdAdvertisement);
    EXPECT_EQ(m.mrd.adv_interval_s, 30);
    EXPECT_EQ(m.mrd.query_interval_s, 60);
    EXPECT_EQ(m.mrd.robustness, 3);
  }
}

TEST(DecodeMrd, SolicitationAndTermination) {
  for (const IpAddr& src : {ip("10.0.0.1"), ip("fe80::1")}) {
    McastMessage m;
    ASSERT_EQ(decode_frame(build(MrdSolicitation{.src = src}), m), DecodeResult::Ok);
    EXPECT_EQ(m.kind, MsgKind::MrdSolicitation);
    ASSERT_EQ(decode_frame(build(MrdTermination{.src = src}), m), DecodeResult::Ok);
    EXPECT_EQ(m.kind, MsgKind::MrdTermination);
  }
}

TEST(DecodeMrd, DestinationChecks) {
  // RFC 4286 3.2 / 5.2: Advertisements and Terminations only to All-Snoopers.
  McastMessage m;
  auto f = build(MrdAdvertisement{.src = ip("10.0.0.1")});
  f[14 + 19] = 1;  // 224.0.0.106 -> 224.0.0.1
  test::fix_ipv4_header_checksum(f.data() + 14);
  EXPECT_EQ(decode_frame(f, m), DecodeResult::BadDestination);

  f = build(MrdTermination{.src = ip("fe80::1")});
  f[14 + 39] = 1;  // ff02::6a -> ff02::1
  test::fix_icmpv6_checksum(f.data() + 14, 48);
  EXPECT_EQ(decode_frame(f, m), DecodeResult::BadDestination);

  f = build(MrdAdvertisement{.src = ip("2001:db8::1")});
  EXPECT_EQ(decode_frame(f, m), DecodeResult::NotLinkLocalSource);
}

}  // namespace
}  // namespace mcsnoop::net
