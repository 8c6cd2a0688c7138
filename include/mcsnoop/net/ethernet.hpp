// Ethernet II and IEEE 802.1Q / 802.1ad framing: MAC addresses, EtherTypes, tag parsing and
// the helpers that insert, remove or rewrite a tag in a byte buffer.
//
// Everything here is pure and thread-safe. parse_ethernet() and the MAC predicates are inline
// and allocation-free; the buffer helpers are for the control plane and tests (the data plane
// edits tags on mbufs itself).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/wire.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::net {

namespace ether_type {
inline constexpr uint16_t kIpv4 = 0x0800;
inline constexpr uint16_t kArp = 0x0806;
inline constexpr uint16_t kVlan = 0x8100;    // IEEE 802.1Q C-tag
inline constexpr uint16_t kQinQ = 0x88a8;    // IEEE 802.1ad S-tag
inline constexpr uint16_t kIpv6 = 0x86dd;
inline constexpr uint16_t kLocalExperimental = 0x88b5;  // IEEE 802 local experimental 1
}  // namespace ether_type

inline constexpr VlanId kMaxVlanId = 4094;  // 4095 is reserved (802.1Q table 9-2)

struct MacAddr {
  std::array<uint8_t, 6> b{};

  static MacAddr from_bytes(const uint8_t* p) {
    MacAddr m;
    std::memcpy(m.b.data(), p, 6);
    return m;
  }
  static constexpr MacAddr broadcast() { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }

  // "aa:bb:cc:dd:ee:ff" (also accepts '-' separators and upper case); nullopt on error.
  static std::optional<MacAddr> parse(std::string_view text);
  // Lower-case "aa:bb:cc:dd:ee:ff".
  std::string to_string() const;

  // I/G bit: group (multicast or broadcast) address.
  constexpr bool is_multicast() const { return (b[0] & 0x01) != 0; }
  constexpr bool is_broadcast() const { return *this == broadcast(); }
  constexpr bool is_zero() const { return *this == MacAddr{}; }

  constexpr auto operator<=>(const MacAddr&) const = default;
};
static_assert(sizeof(MacAddr) == 6);

// RFC 1112 6.4 (01:00:5e + low 23 bits) and RFC 2464 7 (33:33 + low 32 bits). `group` should be
// multicast; other addresses are mapped the same way without complaint.
constexpr MacAddr multicast_mac(const IpAddr& group) {
  const auto& a = group.bytes();
  if (group.is_v4()) {
    return MacAddr{{0x01, 0x00, 0x5e, static_cast<uint8_t>(a[13] & 0x7f), a[14], a[15]}};
  }
  return MacAddr{{0x33, 0x33, a[12], a[13], a[14], a[15]}};
}

// The IPv6 link-local address fe80::/64 with the modified EUI-64 interface identifier of `mac`
// (RFC 4291 appendix A: ff:fe in the middle, universal/local bit flipped). The switch uses it as
// the source of its own MLD and MRD messages when none is configured.
constexpr IpAddr link_local_from_mac(const MacAddr& mac) {
  return IpAddr::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(mac.b[0] ^ 0x02), mac.b[1], mac.b[2],
                     0xff, 0xfe, mac.b[3], mac.b[4], mac.b[5]});
}

// The 16-bit Tag Control Information of an 802.1Q/802.1ad tag.
struct VlanTag {
  uint16_t tpid = ether_type::kVlan;
  uint8_t pcp = 0;      // priority code point, 0..7
  bool dei = false;     // drop eligible indicator
  VlanId vid = 0;       // 0 = priority tag (802.1Q 9.6): the frame belongs to the port's VLAN

  constexpr uint16_t tci() const {
    return static_cast<uint16_t>((pcp & 7) << 13 | (dei ? 1 : 0) << 12 | (vid & 0x0fff));
  }
  static constexpr VlanTag from_tci(uint16_t tpid, uint16_t tci) {
    return VlanTag{tpid, static_cast<uint8_t>(tci >> 13), ((tci >> 12) & 1) != 0,
                   static_cast<VlanId>(tci & 0x0fff)};
  }
  constexpr bool operator==(const VlanTag&) const = default;
};

// The result of parsing the Ethernet header and up to two tags: one 802.1Q C-tag, or an 802.1ad
// S-tag (0x88a8) optionally followed by a C-tag. Further tags are not parsed: the EtherType
// then names the third tag and the payload is treated as non-IP.
struct EthernetHeader {
  MacAddr dst;
  MacAddr src;
  uint8_t tag_count = 0;         // 0, 1 or 2
  VlanTag outer;                 // valid when tag_count >= 1
  VlanTag inner;                 // valid when tag_count == 2
  uint16_t ethertype = 0;        // after the tags
  uint16_t header_len = 14;      // bytes up to the L3 header, tags included

  constexpr bool tagged() const { return tag_count != 0; }
  constexpr bool priority_tagged() const { return tag_count == 1 && outer.vid == 0; }
};

// Parses the L2 header of `frame`; nullopt when the frame is shorter than its header.
inline std::optional<EthernetHeader> parse_ethernet(const uint8_t* frame, uint32_t len) {
  if (len < 14) return std::nullopt;
  EthernetHeader h;
  h.dst = MacAddr::from_bytes(frame);
  h.src = MacAddr::from_bytes(frame + 6);
  uint16_t type = load_be16(frame + kEthernetTypeOffset);
  uint32_t off = 14;
  if (type == ether_type::kVlan || type == ether_type::kQinQ) {
    if (len < off + 4) return std::nullopt;
    h.outer = VlanTag::from_tci(type, load_be16(frame + off));
    h.tag_count = 1;
    const uint16_t outer_tpid = type;
    type = load_be16(frame + off + 2);
    off += 4;
    if (outer_tpid == ether_type::kQinQ && type == ether_type::kVlan) {
      if (len < off + 4) return std::nullopt;
      h.inner = VlanTag::from_tci(type, load_be16(frame + off));
      h.tag_count = 2;
      type = load_be16(frame + off + 2);
      off += 4;
    }
  }
  h.ethertype = type;
  h.header_len = static_cast<uint16_t>(off);
  return h;
}

// ---- tag editing in byte buffers (control plane and tests) --------------------------------

// Inserts `tag` as the outermost tag (after the source MAC). Returns the new length, or 0 when
// `len` < 14 or the buffer has no room for 4 more bytes.
uint32_t push_vlan_tag(uint8_t* frame, uint32_t len, uint32_t capacity, const VlanTag& tag);
// Removes the outermost 0x8100/0x88a8 tag. Returns the new length, or 0 when untagged.
uint32_t pop_vlan_tag(uint8_t* frame, uint32_t len);
// Replaces the VID of the outermost tag, keeping its TPID, PCP and DEI. False when untagged.
bool rewrite_vlan_id(uint8_t* frame, uint32_t len, VlanId vid);

// std::vector conveniences of the above.
bool push_vlan_tag(std::vector<uint8_t>& frame, const VlanTag& tag);
bool pop_vlan_tag(std::vector<uint8_t>& frame);

}  // namespace mcsnoop::net
