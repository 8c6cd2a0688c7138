// RFC 1071 checksums against worked examples and a naive reference sum.
#include <gtest/gtest.h>

#include <random>

#include "mcsnoop/net/checksum.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::hex;
using test::ip;

// Word-by-word RFC 1071 sum, the textbook way.
uint16_t reference_sum(const std::vector<uint8_t>& d) {
  uint32_t s = 0;
  for (size_t i = 0; i < d.size(); i += 2) {
    s += uint32_t{d[i]} << 8 | (i + 1 < d.size() ? d[i + 1] : 0);
  }
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(s);
}

TEST(Checksum, Rfc1071WorkedExample) {
  // RFC 1071 1.1 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
  const auto d = hex("00 01 f2 03 f4 f5 f6 f7");
  EXPECT_EQ(ones_complement_sum(d.data(), d.size()), 0xddf2);
  EXPECT_EQ(internet_checksum(d.data(), d.size()), 0x220d);
}

TEST(Checksum, OddLengthPadsWithZero) {
  const auto d = hex("01 02 03");  // 0x0102 + 0x0300
  EXPECT_EQ(ones_complement_sum(d.data(), d.size()), 0x0402);
}

TEST(Checksum, MatchesReferenceOnRandomData) {
  std::mt19937 rng(1071);
  for (size_t len = 0; len < 200; ++len) {
    std::vector<uint8_t> d(len);
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    for (size_t off = 0; off < 3 && off <= len; ++off) {  // unaligned starts too
      std::vector<uint8_t> tail(d.begin() + static_cast<long>(off), d.end());
      ASSERT_EQ(ones_complement_sum(d.data() + off, len - off), reference_sum(tail))
          << len << "/" << off;
    }
  }
}

TEST(Checksum, Ipv4HeaderKnownVector) {
  // A classic capture: 192.168.0.1 -> 192.168.0.199, UDP, checksum 0xb861.
  auto h = hex("45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7");
  EXPECT_TRUE(ipv4_header_checksum_ok(h.data(), h.size()));
  EXPECT_EQ(ipv4_header_checksum(h.data(), h.size()), 0xb861);
  h[8] = 0x3f;
  EXPECT_FALSE(ipv4_header_checksum_ok(h.data(), h.size()));
}

// The 20-byte header has its own straight-line path on the data plane: it must agree with the
// general sum on every header, good or bad, and with the field fixed up.
TEST(Checksum, OptionlessIpv4HeaderPathAgreesWithTheGeneralSum) {
  std::mt19937 rng(791);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> h(21);
    for (auto& b : h) b = static_cast<uint8_t>(rng());
    if (i % 2 == 0) {  // half of them with a correct field
      h[10] = h[11] = 0;
      const uint16_t c = ipv4_header_checksum(h.data(), 20);
      h[10] = static_cast<uint8_t>(c >> 8);
      h[11] = static_cast<uint8_t>(c);
      ASSERT_TRUE(ipv4_header_checksum_ok(h.data(), 20)) << i;
    }
    for (size_t off = 0; off < 2; ++off)  // unaligned too
      ASSERT_EQ(ipv4_header_checksum_ok(h.data() + off, 20), internet_checksum_ok(h.data() + off, 20)) << i;
  }
  std::vector<uint8_t> ones(20, 0xff);  // sums to 0xffff in every byte order
  EXPECT_TRUE(ipv4_header_checksum_ok(ones.data(), 20));
}

TEST(Checksum, FieldOfFfffAndZeroBothVerify) {
  // E32: a message whose data sums to 0 verifies with the field at 0xffff or 0x0000.
  auto d = hex("00 00 ff ff");
  EXPECT_TRUE(internet_checksum_ok(d.data(), d.size()));
  d = hex("ff ff 00 00");
  EXPECT_TRUE(internet_checksum_ok(d.data(), d.size()));
}

TEST(Checksum, Icmpv6PseudoHeaderByHand) {
  // MLDv1 Report fe80::1 -> ff02::16 (24 bytes). Pseudo-header words by hand:
  // fe80 + 0001 + ff02 + 0016 + length 0018 + next header 003a.
  auto msg = hex(
      "83 00 00 00 00 00 00 00"
      "ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 16");
  uint32_t s = 0xfe80 + 0x0001 + 0xff02 + 0x0016 + 0x0018 + 0x003a;  // pseudo-header
  s += 0x8300 + 0xff02 + 0x0016;                                      // message
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  const auto expected = static_cast<uint16_t>(~s);
  const uint16_t got = icmpv6_checksum(ip("fe80::1"), ip("ff02::16"), msg.data(),
                                       static_cast<uint32_t>(msg.size()));
  EXPECT_EQ(got, expected);
  store_be16(msg.data() + 2, got);
  EXPECT_TRUE(icmpv6_checksum_ok(ip("fe80::1"), ip("ff02::16"), msg.data(),
                                 static_cast<uint32_t>(msg.size())));
  EXPECT_FALSE(icmpv6_checksum_ok(ip("fe80::2"), ip("ff02::16"), msg.data(),
                                  static_cast<uint32_t>(msg.size())));
}

TEST(Checksum, Ipv4PseudoHeader) {
  // 10.0.0.1 -> 239.1.1.1, UDP (17), length 8.
  const uint16_t s = pseudo_header_sum(ip("10.0.0.1"), ip("239.1.1.1"), 8, 17);
  uint32_t r = 0x0a00 + 0x0001 + 0xef01 + 0x0101 + 0x0008 + 0x0011;
  while (r >> 16) r = (r & 0xffff) + (r >> 16);
  EXPECT_EQ(s, r);
}

}  // namespace
}  // namespace mcsnoop::net
