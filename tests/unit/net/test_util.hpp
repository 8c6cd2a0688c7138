// Helpers shared by the net unit tests: hex vectors and checksum repair after deliberate edits.
#pragma once

#include <cctype>
#include <ostream>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::net {
// Readable gtest failure messages for the result enums.
inline void PrintTo(DecodeResult r, std::ostream* os) { *os << to_string(r); }
inline void PrintTo(FrameClass c, std::ostream* os) { *os << to_string(c); }
}  // namespace mcsnoop::net

namespace mcsnoop::net::test {

using Bytes = std::vector<uint8_t>;

// "46 00 00 20 ..." -> bytes; whitespace is ignored so vectors can be laid out by field.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int hi = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else throw std::invalid_argument("bad hex digit");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

inline IpAddr ip(std::string_view text) {
  auto a = IpAddr::parse(text);
  if (!a) throw std::invalid_argument("bad address in test");
  return *a;
}

// Recomputes the IPv4 header checksum of the packet at `p`.
inline void fix_ipv4_header_checksum(uint8_t* p) {
  const uint32_t hlen = uint32_t{p[0] & 0x0fu} * 4;
  store_be16(p + 10, ipv4_header_checksum(p, hlen));
}

// Recomputes both checksums of an IPv4 packet carrying IGMP or PIM (checksum at offset 2).
inline void fix_ipv4_checksums(uint8_t* p) {
  fix_ipv4_header_checksum(p);
  const uint32_t hlen = uint32_t{p[0] & 0x0fu} * 4;
  const uint32_t total = load_be16(p + 2);
  uint8_t* l4 = p + hlen;
  store_be16(l4 + 2, 0);
  store_be16(l4 + 2, internet_checksum(l4, total - hlen));
}

// Recomputes the ICMPv6 checksum of an IPv6 packet whose ICMPv6 message starts at `l4_off`.
inline void fix_icmpv6_checksum(uint8_t* p, uint32_t l4_off) {
  const IpAddr src = IpAddr::v6_bytes(p + 8);
  const IpAddr dst = IpAddr::v6_bytes(p + 24);
  const uint32_t len = 40 + load_be16(p + 4) - l4_off;
  uint8_t* m = p + l4_off;
  store_be16(m + 2, 0);
  store_be16(m + 2, icmpv6_checksum(src, dst, m, len));
}

}  // namespace mcsnoop::net::test
