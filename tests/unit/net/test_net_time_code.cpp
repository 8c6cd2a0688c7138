// IGMPv3 / MLDv2 Max Resp Code and QQIC codecs.
#include <gtest/gtest.h>

#include "mcsnoop/net/time_code.hpp"

namespace mcsnoop::net {
namespace {

TEST(TimeCode, IgmpEdgeValues) {
  EXPECT_EQ(decode_time_code8(0x00), 0u);
  EXPECT_EQ(decode_time_code8(0x7f), 127u);
  EXPECT_EQ(igmpv3_mrc_to_ms(0x80), 12'800u);     // 12.8 s
  EXPECT_EQ(igmpv3_mrc_to_ms(0x8c), 22'400u);     // 22.4 s
  EXPECT_EQ(igmpv3_mrc_to_ms(0xff), 3'174'400u);  // 3174.4 s
  EXPECT_EQ(encode_time_code8(125), 125);         // default QQI is literal
  EXPECT_EQ(encode_time_code8(128), 0x80);
  EXPECT_EQ(encode_time_code8(224), 0x8c);
  EXPECT_EQ(encode_time_code8(31744), 0xff);
  EXPECT_EQ(encode_time_code8(1'000'000), 0xff);  // saturates
  EXPECT_EQ(encode_time_code8(129), 0x80);        // not representable: next lower
  EXPECT_EQ(encode_time_code8(135), 0x80);
  EXPECT_EQ(encode_time_code8(136), 0x81);
}

TEST(TimeCode, MldEdgeValues) {
  EXPECT_EQ(decode_mld_mrc(0x7fff), 32767u);
  EXPECT_EQ(decode_mld_mrc(0x8000), 32768u);
  EXPECT_EQ(decode_mld_mrc(0xffff), 0x1fffu << 10);
  EXPECT_EQ(encode_mld_mrc(10'000), 10'000);
  EXPECT_EQ(encode_mld_mrc(32768), 0x8000);
  EXPECT_EQ(encode_mld_mrc(32769), 0x8000);
  EXPECT_EQ(encode_mld_mrc(0x1fffu << 10), 0xffff);
  EXPECT_EQ(encode_mld_mrc(0xffffffff), 0xffff);
}

TEST(TimeCode, Igmp8BitEncodeIsExactOrNextLowerForEveryValue) {
  for (uint32_t v = 0; v <= kMaxIgmpCodeValue + 100; ++v) {
    const uint32_t back = decode_time_code8(encode_time_code8(v));
    ASSERT_LE(back, v) << v;
    // No representable value lies strictly between `back` and `v`.
    if (back < v && v <= kMaxIgmpCodeValue) {
      const uint8_t code = encode_time_code8(v);
      ASSERT_LT(code, 0xff);
      ASSERT_GT(decode_time_code8(static_cast<uint8_t>(code + 1)), v) << v;
    }
  }
  for (unsigned c = 0; c < 256; ++c) {  // every code round-trips
    ASSERT_EQ(encode_time_code8(decode_time_code8(static_cast<uint8_t>(c))), c);
  }
}

TEST(TimeCode, Mld16BitEveryCodeRoundTrips) {
  for (uint32_t c = 0; c <= 0xffff; ++c) {
    const uint32_t v = decode_mld_mrc(static_cast<uint16_t>(c));
    ASSERT_EQ(encode_mld_mrc(v), c);
    if (c < 0xffff) {
      ASSERT_EQ(encode_mld_mrc(decode_mld_mrc(static_cast<uint16_t>(c + 1)) - 1), c);
    }
  }
}

}  // namespace
}  // namespace mcsnoop::net
