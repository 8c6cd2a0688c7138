// The data-path frame classifier: one call per received frame, at 10+ Mpps.
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
// No allocation, no table lookup, no call out of line; header-inline so the RX stage inlines
// it. Thread-safe (a pure function of its input).
#pragma once

#include <cstdint>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
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
  constexpr bool is_control() const {
    return cls == FrameClass::IgmpControl || cls == FrameClass::MldControl ||
           cls == FrameClass::MrdControl6 || cls == FrameClass::PimControl;
  }
};

namespace detail {

// Extension headers walked before giving up. RFC 8200 4.1 allows each header once (dest-opts
// twice), so a longer chain is an attack on the parser, not traffic.
inline constexpr unsigned kMaxIpv6ExtHeaders = 8;

inline FrameClass classify_ipv4(const uint8_t* ip, uint32_t avail, FrameInfo& fi, Ipv4Checksum hw) {
  if (avail < kIpv4MinHeaderLen) [[unlikely]] return FrameClass::Malformed;
  const uint8_t vihl = ip[0];
  const uint32_t hlen = uint32_t{vihl & 0x0fu} * 4;
  if ((vihl >> 4) != 4 || hlen < kIpv4MinHeaderLen || hlen > avail) [[unlikely]] {
    return FrameClass::Malformed;
  }
  const uint8_t* d = ip + kIpv4DstOffset;
  fi.group = IpAddr::v4_bytes(d);
  fi.source = IpAddr::v4_bytes(ip + kIpv4SrcOffset);
  if ((d[0] & 0xf0) != 0xe0) return FrameClass::NonIpMulticast;
  const uint32_t total = load_be16(ip + 2);
  if (total < hlen || total > avail) [[unlikely]] return FrameClass::Malformed;
  if (hw == Ipv4Checksum::Bad) [[unlikely]] return FrameClass::Malformed;
  if (hw == Ipv4Checksum::Unchecked && !ipv4_header_checksum_ok(ip, hlen)) [[unlikely]] {
    return FrameClass::Malformed;
  }
  const uint8_t proto = ip[9];
  fi.l4_proto = proto;
  fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + hlen);
  const bool fragment = (load_be16(ip + 6) & 0x3fff) != 0;  // MF set or offset != 0
  const bool link_local = d[0] == 224 && d[1] == 0 && d[2] == 0;
  if (!fragment) {
    if (proto == ipproto::kIgmp) return FrameClass::IgmpControl;
    if (proto == ipproto::kPim && link_local && d[3] == 13) return FrameClass::PimControl;
  }
  return link_local ? FrameClass::LinkLocalMulticast : FrameClass::McastData4;
}

inline FrameClass classify_ipv6(const uint8_t* ip, uint32_t avail, FrameInfo& fi) {
  if (avail < kIpv6HeaderLen || (ip[0] >> 4) != 6) [[unlikely]] return FrameClass::Malformed;
  const uint8_t* d = ip + kIpv6DstOffset;
  fi.group = IpAddr::v6_bytes(d);
  fi.source = IpAddr::v6_bytes(ip + kIpv6SrcOffset);
  if (d[0] != 0xff) return FrameClass::NonIpMulticast;
  const uint32_t end = kIpv6HeaderLen + load_be16(ip + 4);
  if (end > avail) [[unlikely]] return FrameClass::Malformed;
  if ((d[1] & 0x0f) <= 1) return FrameClass::Ipv6Reserved;
  const bool all_nodes = fi.group.is_all_nodes_v6();
  const FrameClass data = all_nodes ? FrameClass::LinkLocalMulticast : FrameClass::McastData6;

  uint8_t nh = ip[6];
  uint32_t off = kIpv6HeaderLen;
  for (unsigned depth = 0;; ++depth) {
    switch (nh) {
      case ipproto::kHopByHop:
      case ipproto::kRouting:
      case ipproto::kDestOptions: {
        if (depth == kMaxIpv6ExtHeaders || off + 2 > end) [[unlikely]] return FrameClass::Malformed;
        const uint32_t ext_len = (uint32_t{ip[off + 1]} + 1) * 8;
        if (off + ext_len > end) [[unlikely]] return FrameClass::Malformed;
        nh = ip[off];
        off += ext_len;
        continue;
      }
      case ipproto::kFragment:
        // Any fragment (first or not) cannot be snooped: data (E30).
        if (off + 8 > end) [[unlikely]] return FrameClass::Malformed;
        fi.l4_proto = ipproto::kFragment;
        return data;
      case ipproto::kIcmpv6: {
        fi.l4_proto = nh;
        fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + off);
        if (off + 4 > end) [[unlikely]] return FrameClass::Malformed;
        const uint8_t type = ip[off];
        if (type == icmpv6_type::kMldQuery || type == icmpv6_type::kMldV1Report ||
            type == icmpv6_type::kMldV1Done || type == icmpv6_type::kMldV2Report) {
          return FrameClass::MldControl;
        }
        if (type >= icmpv6_type::kMrdAdvertisement && type <= icmpv6_type::kMrdTermination) {
          return FrameClass::MrdControl6;
        }
        return data;
      }
      case ipproto::kPim:
        fi.l4_proto = nh;
        fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + off);
        if (fi.group == addr::kPimRouters6) return FrameClass::PimControl;
        return data;
      default:
        fi.l4_proto = nh;
        fi.l4_offset = static_cast<uint16_t>(fi.l3_offset + off);
        return data;
    }
  }
}

}  // namespace detail

// Classifies one frame of `len` bytes (FCS excluded). Never reads past frame[len - 1].
// `hw`: the NIC's verdict on the (outer) IPv4 header checksum, if it gave one.
inline FrameInfo classify_frame(const uint8_t* frame, uint32_t len, Ipv4Checksum hw = Ipv4Checksum::Unchecked) {
  FrameInfo fi;
  if (len < kEthernetHeaderLen) [[unlikely]] return fi;  // Malformed
  uint16_t type = load_be16(frame + 12);
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
