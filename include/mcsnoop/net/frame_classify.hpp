// The data-path frame classifier: one call per received frame.
//
// classify_frame() reads the Ethernet header (one 802.1Q tag, or an 802.1ad S-tag with an
// optional C-tag under it) and, for IPv4/IPv6 frames with a multicast destination MAC, just
// enough of the IP header to tell the data plane what to do:
//
//   Unicast, Broadcast      -> MAC table / flood (the IP header is not read)
//   NonIpMulticast          -> flood as a plain bridge (RFC 4541 2.1.2(4)); also IP frames with
//                              a multicast MAC but a unicast IP destination (e.g. NLB clusters)
//   LinkLocalMulticast      -> flood, no lookup: 224.0.0.0/24 and ff02::1 (2.1.2(2), 3)
//   McastData4/6            -> look up (vlan, group, source) in the MFT
//   Igmp/Mld/MrdControl6/Pim-> punt to the control lcore
//   Malformed               -> drop and count (RFC 4541 2.1.2(6), 3: bad IPv4 header checksum,
//                              bad lengths, truncated headers, broken extension-header chains)
//   Ipv6Reserved            -> drop and count: ff00::/16 and ff01::/16 never belong on a link
//                              (scope 0 and 1, whatever the flag bits; RFC 4291 2.7, S28)
//
// Decisions that keep ND fast (RFC 4541 3, S32): only MLD types 130/131/132/143 and MRD 151-153
// are control; NS/NA/RS/RA/echo to a multicast group are data. Fragments are never control
// (rfc-checklist E30: a fragment cannot be snooped; it floods or follows the table). Whether
// MLD snooping is enabled in the VLAN is the caller's business.
//
// Classify once: the IP header checks here (IPv4 version, IHL, Total Length, header checksum;
// IPv6 version, Payload Length and the one extension-header walk of the project) are the only
// ones. The worker's FrameInfo of a control frame travels with the punted mbuf, and the control
// lcore decodes the message from there (decode_classified() in decode.hpp) without checking the
// IP header again; decode_ipv4() / decode_ipv6() run the same checks for callers that have no
// classification, with a typed DecodeResult instead of Malformed.
//
// No allocation, no table lookup, no call out of line; header-inline so the RX stage inlines
// it. Thread-safe (a pure function of its input).
#pragma once

#include <cstdint>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/decode_result.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net {

enum class FrameClass : uint8_t {
  Unicast,
  Broadcast,
  NonIpMulticast,
  LinkLocalMulticast,
  McastData4,
  McastData6,
  IgmpControl,
  MldControl,
  MrdControl6,
  PimControl,
  Malformed,
  Ipv6Reserved,
};
inline constexpr unsigned kFrameClassCount = 12;

// Stable lower-case names ("mcast_data4", ...) for counters and logs.
const char* to_string(FrameClass c);

// What the receiving NIC already knows about an IPv4 header checksum (DPDK's
// RTE_MBUF_F_RX_IP_CKSUM_* flags, translated by the caller): classify_frame() sums the header
// itself only when the NIC did not check it.
enum class Ipv4Checksum : uint8_t { Unchecked, Good, Bad };

struct FrameInfo {
  IpAddr group;               // IP destination: set for every class that read the IP header
  IpAddr source;              // IP source: set with `group`
  uint16_t l2_len = 0;        // Ethernet header bytes, tags included
  uint16_t l3_offset = 0;     // where the IP header starts (== l2_len; named for slicing)
  uint16_t l4_offset = 0;     // upper-layer header (IGMP, ICMPv6, PIM, UDP, ...) or 0 if not reached
  uint16_t ethertype = 0;     // after the tags
  VlanId vid = 0;             // outermost tag's VID; 0 when untagged or priority-tagged
  VlanId inner_vid = 0;       // C-tag VID under an 802.1ad S-tag (qinq)
  uint8_t pcp = 0;            // outermost tag's priority
  uint8_t l4_proto = 0;       // IPv4 protocol / final IPv6 next header, when reached
  bool tagged = false;        // at least one 0x8100 / 0x88a8 tag
  bool qinq = false;          // the outermost tag is an 802.1ad S-tag (0x88a8)
  FrameClass cls = FrameClass::Malformed;

  constexpr bool priority_tagged() const { return tagged && !qinq && vid == 0; }
  // The IP family where the class is an IP one (meaningless otherwise).
  constexpr Family family() const { return ethertype == ether_type::kIpv6 ? Family::V6 : Family::V4; }
  constexpr bool is_control() const {
    return cls == FrameClass::IgmpControl || cls == FrameClass::MldControl ||
           cls == FrameClass::MrdControl6 || cls == FrameClass::PimControl;
  }
};

namespace detail {

// Extension headers walked before giving up. RFC 8200 4.1 allows each header once (dest-opts
// twice), so a longer chain is an attack on the parser, not traffic.
inline constexpr unsigned kMaxIpv6ExtHeaders = 8;

// ---- the IP header checks (the only ones in the project) ------------------------------------

// RFC 791 3.1: version 4, IHL of at least 5 words, the header inside the `avail` bytes. Sets
// `hlen` (bytes) when Ok.
inline DecodeResult check_ipv4_header(const uint8_t* ip, uint32_t avail, uint32_t& hlen) {
  if (avail < kIpv4MinHeaderLen) [[unlikely]] return DecodeResult::Truncated;
  hlen = uint32_t{ip[0] & 0x0fu} * 4;
  if ((ip[0] >> 4) != 4 || hlen < kIpv4MinHeaderLen) [[unlikely]] return DecodeResult::BadIpHeader;
  if (hlen > avail) [[unlikely]] return DecodeResult::Truncated;
  return DecodeResult::Ok;
}

// Total Length at least the header and inside the frame (padding may follow it), and the header
// checksum, summed here only when the NIC did not check it (`hw`).
inline DecodeResult check_ipv4_length_and_sum(const uint8_t* ip, uint32_t hlen, uint32_t avail,
                                              Ipv4Checksum hw) {
  const uint32_t total = load_be16(ip + kIpv4TotalLengthOffset);
  if (total < hlen) [[unlikely]] return DecodeResult::BadLength;
  if (total > avail) [[unlikely]] return DecodeResult::Truncated;
  if (hw == Ipv4Checksum::Bad) [[unlikely]] return DecodeResult::BadIpChecksum;
  if (hw == Ipv4Checksum::Unchecked && !ipv4_header_checksum_ok(ip, hlen)) [[unlikely]] {
    return DecodeResult::BadIpChecksum;
  }
  return DecodeResult::Ok;
}

// MF set or a fragment offset: a fragment cannot be snooped (rfc-checklist E30).
inline bool ipv4_is_fragment(const uint8_t* ip) {
  return (load_be16(ip + kIpv4FragmentOffset) & 0x3fff) != 0;
}

// RFC 8200 3: the fixed header inside the `avail` bytes, version 6.
inline DecodeResult check_ipv6_header(const uint8_t* ip, uint32_t avail) {
  if (avail < kIpv6HeaderLen) [[unlikely]] return DecodeResult::Truncated;
  if ((ip[0] >> 4) != 6) [[unlikely]] return DecodeResult::BadIpHeader;
  return DecodeResult::Ok;
}

// The Payload Length inside the `avail` bytes. Sets `end`, where the packet ends (padding may
// follow), when Ok.
inline DecodeResult check_ipv6_length(const uint8_t* ip, uint32_t avail, uint32_t& end) {
  end = kIpv6HeaderLen + load_be16(ip + kIpv6PayloadLengthOffset);
  if (end > avail) [[unlikely]] return DecodeResult::Truncated;
  return DecodeResult::Ok;
}

// Where the extension-header chain of an IPv6 packet leads.
struct Ipv6Chain {
  DecodeResult result = DecodeResult::Ok;  // BadExtensionHeader, Fragment, or Ok
  uint8_t proto = 0;                       // the upper layer's next-header value (Ok), or 44
  uint32_t offset = 0;                     // where it (or the fragment header) starts, from `ip`
};

// The extension-header walker, the one of the project: hop-by-hop (only directly after the IPv6
// header, RFC 8200 4.1), routing and destination options headers, each inside `end` bytes and
// at most kMaxIpv6ExtHeaders of them; it stops at a fragment header (Fragment: cannot be
// snooped, E30) or at the first other next-header value (the upper layer). The hop-by-hop
// options themselves are the decoder's business (Router Alert).
inline Ipv6Chain walk_ipv6_chain(const uint8_t* ip, uint32_t end) {
  Ipv6Chain c{.proto = ip[kIpv6NextHeaderOffset], .offset = kIpv6HeaderLen};
  for (unsigned depth = 0;; ++depth) {
    switch (c.proto) {
      case ipproto::kHopByHop:
        if (depth != 0) [[unlikely]] return Ipv6Chain{.result = DecodeResult::BadExtensionHeader};
        [[fallthrough]];
      case ipproto::kRouting:
      case ipproto::kDestOptions: {
        if (depth == kMaxIpv6ExtHeaders || c.offset + 2 > end) [[unlikely]] {
          return Ipv6Chain{.result = DecodeResult::BadExtensionHeader};
        }
        const uint32_t ext_len = (uint32_t{ip[c.offset + 1]} + 1) * 8;
        if (c.offset + ext_len > end) [[unlikely]] return Ipv6Chain{.result = DecodeResult::BadExtensionHeader};
        c.proto = ip[c.offset];
        c.offset += ext_len;
        continue;
      }
      case ipproto::kFragment:
        c.result = DecodeResult::Fragment;
        return c;
      default:
        return c;
    }
  }
}

// ---- classification ----------------------------------------------------------------------

inline FrameClass classify_ipv4(const uint8_t* ip, uint32_t avail, FrameInfo& fi, Ipv4Checksum hw) {
  uint32_t hlen = 0;
  if (check_ipv4_header(ip, avail, hlen) != DecodeResult::Ok) [[unlikely]] return FrameClass::Malformed;
  const uint8_t* d = ip + kIpv4DstOffset;
  fi.group = IpAddr::v4_bytes(d);
  fi.source = IpAddr::v4_bytes(ip + kIpv4SrcOffset);
  if ((d[0] & 0xf0) != 0xe0) return FrameClass::NonIpMulticast;
  if (check_ipv4_length_and_sum(ip, hlen, avail, hw) != DecodeResult::Ok) [[unlikely]] {
    return FrameClass::Malformed;
  }
  const uint8_t proto = ip[kIpv4ProtocolOffset];
  fi.l4_proto = proto;
  fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + hlen);
  const bool link_local = d[0] == 224 && d[1] == 0 && d[2] == 0;
  if (!ipv4_is_fragment(ip)) {
    if (proto == ipproto::kIgmp) return FrameClass::IgmpControl;
    if (proto == ipproto::kPim && link_local && d[3] == 13) return FrameClass::PimControl;
  }
  return link_local ? FrameClass::LinkLocalMulticast : FrameClass::McastData4;
}

// What an upper layer reached through the chain makes of an IPv6 multicast frame.
inline FrameClass classify_ipv6_upper(const uint8_t* ip, uint32_t end, const Ipv6Chain& c, FrameInfo& fi,
                                      FrameClass data) {
  fi.l4_proto = c.proto;
  fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + c.offset);
  if (c.proto == ipproto::kIcmpv6) {
    if (c.offset + 4 > end) [[unlikely]] return FrameClass::Malformed;
    const uint8_t type = ip[c.offset];
    if (type == icmpv6_type::kMldQuery || type == icmpv6_type::kMldV1Report ||
        type == icmpv6_type::kMldV1Done || type == icmpv6_type::kMldV2Report) {
      return FrameClass::MldControl;
    }
    if (type >= icmpv6_type::kMrdAdvertisement && type <= icmpv6_type::kMrdTermination) {
      return FrameClass::MrdControl6;
    }
    return data;
  }
  if (c.proto == ipproto::kPim && fi.group == addr::kPimRouters6) return FrameClass::PimControl;
  return data;
}

inline FrameClass classify_ipv6(const uint8_t* ip, uint32_t avail, FrameInfo& fi) {
  if (check_ipv6_header(ip, avail) != DecodeResult::Ok) [[unlikely]] return FrameClass::Malformed;
  const uint8_t* d = ip + kIpv6DstOffset;
  fi.group = IpAddr::v6_bytes(d);
  fi.source = IpAddr::v6_bytes(ip + kIpv6SrcOffset);
  if (d[0] != 0xff) return FrameClass::NonIpMulticast;
  uint32_t end = 0;
  if (check_ipv6_length(ip, avail, end) != DecodeResult::Ok) [[unlikely]] return FrameClass::Malformed;
  if ((d[1] & 0x0f) <= 1) return FrameClass::Ipv6Reserved;
  const bool all_nodes = fi.group.is_all_nodes_v6();
  const FrameClass data = all_nodes ? FrameClass::LinkLocalMulticast : FrameClass::McastData6;
  const Ipv6Chain c = walk_ipv6_chain(ip, end);
  switch (c.result) {
    case DecodeResult::Ok: return classify_ipv6_upper(ip, end, c, fi, data);
    case DecodeResult::Fragment:
      // Any fragment (first or not) cannot be snooped: data (E30).
      if (c.offset + 8 > end) [[unlikely]] return FrameClass::Malformed;
      fi.l4_proto = ipproto::kFragment;
      return data;
    default: return FrameClass::Malformed;
  }
}

}  // namespace detail

// Classifies one frame of `len` bytes (FCS excluded). Never reads past frame[len - 1].
// `hw`: the NIC's verdict on the (outer) IPv4 header checksum, if it gave one.
inline FrameInfo classify_frame(const uint8_t* frame, uint32_t len, Ipv4Checksum hw = Ipv4Checksum::Unchecked) {
  FrameInfo fi;
  if (len < kEthernetHeaderLen) [[unlikely]] return fi;  // Malformed
  uint16_t type = load_be16(frame + kEthernetTypeOffset);
  uint32_t off = kEthernetHeaderLen;
  if (type == ether_type::kVlan || type == ether_type::kQinQ) {
    if (len < off + kVlanTagLen) [[unlikely]] return fi;
    const uint16_t tci = load_be16(frame + off);
    fi.tagged = true;
    fi.qinq = type == ether_type::kQinQ;
    fi.vid = tci & 0x0fff;
    fi.pcp = static_cast<uint8_t>(tci >> 13);
    type = load_be16(frame + off + 2);
    off += kVlanTagLen;
    if (fi.qinq && type == ether_type::kVlan) {
      if (len < off + kVlanTagLen) [[unlikely]] return fi;
      fi.inner_vid = load_be16(frame + off) & 0x0fff;
      type = load_be16(frame + off + 2);
      off += kVlanTagLen;
    }
  }
  fi.ethertype = type;
  fi.l2_len = static_cast<uint16_t>(off);
  fi.l3_offset = fi.l2_len;

  if ((frame[0] & 0x01) == 0) {
    fi.cls = FrameClass::Unicast;
  } else if (load_be32(frame) == 0xffffffff && load_be16(frame + 4) == 0xffff) {
    fi.cls = FrameClass::Broadcast;
  } else if (type == ether_type::kIpv4) {
    fi.cls = detail::classify_ipv4(frame + off, len - off, fi, hw);
  } else if (type == ether_type::kIpv6) {
    fi.cls = detail::classify_ipv6(frame + off, len - off, fi);
  } else {
    fi.cls = FrameClass::NonIpMulticast;
  }
  return fi;
}

// Whether `dst`, a frame's destination MAC, is the one its IP destination `group` maps to:
// 01:00:5e and the low 23 bits of an IPv4 group (RFC 1112 6.4), 33:33 and the low 32 bits of an
// IPv6 one (RFC 2464 7). A host that sends an IGMP/MLD message with another MAC reaches other
// listeners than the group it names; such messages are refused, not snooped.
inline bool group_mac_matches(const uint8_t* dst, const IpAddr& group) {
  const uint8_t* g = group.bytes().data();
  if (group.is_v4()) {
    return dst[0] == 0x01 && dst[1] == 0x00 && dst[2] == 0x5e && dst[3] == (g[13] & 0x7f) &&
           dst[4] == g[14] && dst[5] == g[15];
  }
  return dst[0] == 0x33 && dst[1] == 0x33 && dst[2] == g[12] && dst[3] == g[13] && dst[4] == g[14] &&
         dst[5] == g[15];
}

}  // namespace mcsnoop::net
