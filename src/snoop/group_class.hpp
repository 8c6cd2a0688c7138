// What the per-record checks need to know about a group address, worked out in one pass.
//
// IpAddr's predicates (family, is_multicast, is_unsnoopable_group, is_ssm) each start by
// testing "v4-mapped?" byte by byte, and a record asks four of them: a tenth of the
// instructions of a refreshing report went there. Here the v4-mapped test is two loads and
// the rest are byte tests. The definitions are IpAddr's, restated; test_snoop_containers
// checks them against IpAddr on addresses around every boundary.
//
// Thread safety: none needed (pure functions).
#pragma once

#include <cstdint>
#include <cstring>

#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::snoop {

struct GroupClass {
  net::Family family;
  bool multicast;     // IpAddr::is_multicast
  bool unsnoopable;   // IpAddr::is_unsnoopable_group: 224.0.0.0/24, ff02::1, IPv6 scopes 0 and 1
  bool ssm;           // IpAddr::is_ssm: 232/8, ff3x::/32
};

// IpAddr::is_v4: ::ffff:0:0/96.
inline bool is_v4_mapped(const net::IpAddr& a) {
  static constexpr uint8_t kMappedTail[4] = {0, 0, 0xff, 0xff};  // bytes 8..11
  uint64_t head;
  uint32_t tail, want;
  std::memcpy(&head, a.bytes().data(), 8);
  std::memcpy(&tail, a.bytes().data() + 8, 4);
  std::memcpy(&want, kMappedTail, 4);
  return head == 0 && tail == want;
}

inline GroupClass classify_group(const net::IpAddr& a) {
  const auto& b = a.bytes();
  if (is_v4_mapped(a)) {
    return {net::Family::V4, (b[12] & 0xf0) == 0xe0, b[12] == 224 && b[13] == 0 && b[14] == 0, b[12] == 232};
  }
  const bool multicast = b[0] == 0xff;
  bool all_nodes = multicast && b[1] == 0x02 && b[15] == 1;  // ff02::1
  for (int i = 2; all_nodes && i < 15; ++i) all_nodes = b[i] == 0;
  return {net::Family::V6, multicast, all_nodes || (multicast && (b[1] & 0x0f) <= 1),
          multicast && (b[1] & 0xf0) == 0x30};
}

}  // namespace mcsnoop::snoop
