// The floating-point time codes of IGMPv3 and MLDv2, both ways.
//
// IGMPv3 Max Resp Code (units of 1/10 s) and QQIC (units of s), and the MLDv2 QQIC, are 8-bit
// codes (RFC 3376 4.1.1, 4.1.7; RFC 3810 5.1.9): below 128 the value itself, else
// 1|exp(3)|mant(4) meaning (mant | 0x10) << (exp + 3).
// The MLDv2 Max Resp Code (units of ms) is 16-bit (RFC 3810 5.1.3): below 32768 the value
// itself, else 1|exp(3)|mant(12) meaning (mant | 0x1000) << (exp + 3).
//
// Encoding picks the exact code when the value is representable, else the next lower one
// (RFC 3376 8.8 recommends erring short), and saturates at the largest code.
// All functions are constexpr and thread-safe.
#pragma once

#include <bit>
#include <cstdint>

namespace mcsnoop::net {

inline constexpr uint32_t kMaxIgmpCodeValue = 31u << 10;      // 0xff -> 31744
inline constexpr uint32_t kMaxMldMrcValue = 0x1fffu << 10;    // 0xffff -> 8387584 ms

constexpr uint32_t decode_time_code8(uint8_t code) {
  if (code < 0x80) return code;
  const uint32_t exp = (code >> 4) & 0x7;
  const uint32_t mant = code & 0x0f;
  return (mant | 0x10) << (exp + 3);
}

constexpr uint8_t encode_time_code8(uint32_t value) {
  if (value < 0x80) return static_cast<uint8_t>(value);
  if (value >= kMaxIgmpCodeValue) return 0xff;
  // value is in [2^(exp+7), 2^(exp+8)): exp = floor(log2(value)) - 7.
  const uint32_t exp = static_cast<uint32_t>(std::bit_width(value)) - 8;
  const uint32_t mant = (value >> (exp + 3)) - 0x10;  // truncation = next lower value
  return static_cast<uint8_t>(0x80 | exp << 4 | mant);
}

constexpr uint32_t decode_mld_mrc(uint16_t code) {
  if (code < 0x8000) return code;
  const uint32_t exp = (code >> 12) & 0x7;
  const uint32_t mant = code & 0x0fff;
  return (mant | 0x1000) << (exp + 3);
}

constexpr uint16_t encode_mld_mrc(uint32_t ms) {
  if (ms < 0x8000) return static_cast<uint16_t>(ms);
  if (ms >= kMaxMldMrcValue) return 0xffff;
  const uint32_t exp = static_cast<uint32_t>(std::bit_width(ms)) - 16;
  const uint32_t mant = (ms >> (exp + 3)) - 0x1000;
  return static_cast<uint16_t>(0x8000 | exp << 12 | mant);
}

// IGMPv3 Max Resp Code <-> milliseconds (the code counts tenths of a second). Encoding rounds
// the milliseconds down to whole tenths first.
constexpr uint32_t igmpv3_mrc_to_ms(uint8_t code) { return decode_time_code8(code) * 100; }
constexpr uint8_t igmpv3_mrc_from_ms(uint32_t ms) { return encode_time_code8(ms / 100); }

}  // namespace mcsnoop::net
