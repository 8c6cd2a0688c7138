// Internet checksums (RFC 1071): the IPv4 header checksum, the IGMP/PIM checksum over the whole
// message, and the ICMPv6/UDP/PIMv6 checksum over a pseudo-header plus the message.
//
// Header-inline because the data-plane classifier verifies IPv4 header checksums per packet
// (RFC 4541 2.1.2(6)). All functions are pure and thread-safe.
//
// Conventions: a "sum" is the folded 16-bit one's-complement sum of the data read as big-endian
// 16-bit words, returned as a host-order number; an odd trailing byte is padded with zero.
// A message verifies when the sum over it, checksum field included, is 0xffff; this accepts a
// correct field of either 0x0000 or 0xffff (RFC 1624).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::net {

// Adds two folded sums with end-around carry.
constexpr uint16_t ones_complement_add(uint16_t a, uint16_t b) {
  uint32_t s = uint32_t{a} + b;
  return static_cast<uint16_t>((s & 0xffff) + (s >> 16));
}

// The one's-complement sum of `len` bytes, plus `seed` (a previous sum, e.g. of a pseudo-header).
// Summing in native byte order and swapping once at the end is valid because the one's-complement
// sum is byte-order independent (RFC 1071 2(B)); 64-bit lanes fold correctly since 2^16-1 divides
// 2^64-1. `data` may be unaligned.
inline uint16_t ones_complement_sum(const uint8_t* data, size_t len, uint16_t seed = 0) {
  uint64_t acc = 0;
  auto add64 = [&acc](uint64_t w) {
    acc += w;
    acc += (acc < w);  // end-around carry
  };
  while (len >= 8) {
    uint64_t w;
    std::memcpy(&w, data, 8);
    add64(w);
    data += 8;
    len -= 8;
  }
  if (len >= 4) {
    uint32_t w;
    std::memcpy(&w, data, 4);
    add64(w);
    data += 4;
    len -= 4;
  }
  if (len >= 2) {
    uint16_t w;
    std::memcpy(&w, data, 2);
    add64(w);
    data += 2;
    len -= 2;
  }
  if (len == 1) {
    // The lone byte is the high-order byte of a zero-padded big-endian word.
    if constexpr (std::endian::native == std::endian::little) {
      add64(data[0]);
    } else {
      add64(uint64_t{data[0]} << 8);
    }
  }
  uint64_t s = (acc & 0xffffffff) + (acc >> 32);
  s = (s & 0xffff) + ((s >> 16) & 0xffff) + (s >> 32);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  auto native = static_cast<uint16_t>(s);
  if constexpr (std::endian::native == std::endian::little) native = __builtin_bswap16(native);
  return ones_complement_add(native, seed);
}

// The value to store in a checksum field that was zero while `data` was summed.
inline uint16_t internet_checksum(const uint8_t* data, size_t len, uint16_t seed = 0) {
  return static_cast<uint16_t>(~ones_complement_sum(data, len, seed));
}

// True when `data` (checksum field included) verifies.
inline bool internet_checksum_ok(const uint8_t* data, size_t len, uint16_t seed = 0) {
  return ones_complement_sum(data, len, seed) == 0xffff;
}

// IPv4 header checksum over `header_len` bytes (IHL * 4), computed as if the field at offset 10
// were zero, so it can be called on a header whose field is already filled.
inline uint16_t ipv4_header_checksum(const uint8_t* hdr, size_t header_len) {
  uint16_t s = ones_complement_sum(hdr, 10);
  s = ones_complement_sum(hdr + 12, header_len - 12, s);
  return static_cast<uint16_t>(~s);
}

inline bool ipv4_header_checksum_ok(const uint8_t* hdr, size_t header_len) {
  if (header_len == 20) [[likely]] {
    // The data-path case, no options: the same sum as ones_complement_sum, straight-line.
    uint64_t a, b;
    uint32_t c;
    std::memcpy(&a, hdr, 8);
    std::memcpy(&b, hdr + 8, 8);
    std::memcpy(&c, hdr + 16, 4);
    uint64_t s = a + b;
    s += (s < b);
    s += c;
    s += (s < c);
    s = (s & 0xffffffff) + (s >> 32);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;  // byte order does not matter for an all-ones sum
  }
  return internet_checksum_ok(hdr, header_len);
}

// Sum of the pseudo-header of an upper-layer checksum: IPv6 (RFC 8200 8.1: src, dst, 32-bit
// upper-layer length, next header) when both addresses are IPv6, else IPv4 (RFC 768: src, dst,
// zero, protocol, 16-bit length).
inline uint16_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, uint32_t upper_len,
                                  uint8_t next_header) {
  uint16_t s;
  if (src.is_v4() && dst.is_v4()) {
    s = ones_complement_sum(src.v4_ptr(), 4);
    s = ones_complement_sum(dst.v4_ptr(), 4, s);
  } else {
    s = ones_complement_sum(src.bytes().data(), 16);
    s = ones_complement_sum(dst.bytes().data(), 16, s);
    s = ones_complement_add(s, static_cast<uint16_t>(upper_len >> 16));
  }
  s = ones_complement_add(s, static_cast<uint16_t>(upper_len & 0xffff));
  return ones_complement_add(s, next_header);
}

// ICMPv6 (next header 58) checksum helpers; `msg` is the ICMPv6 message without extension
// headers, `dst` the final destination.
inline constexpr uint8_t kIcmpv6NextHeader = 58;

inline uint16_t icmpv6_checksum(const IpAddr& src, const IpAddr& dst, const uint8_t* msg,
                                uint32_t len) {
  return internet_checksum(msg, len, pseudo_header_sum(src, dst, len, kIcmpv6NextHeader));
}

inline bool icmpv6_checksum_ok(const IpAddr& src, const IpAddr& dst, const uint8_t* msg,
                               uint32_t len) {
  return internet_checksum_ok(msg, len, pseudo_header_sum(src, dst, len, kIcmpv6NextHeader));
}

}  // namespace mcsnoop::net
