// Wire constants shared by the classifier, the decoders and the builders: protocol numbers,
// message types, header sizes and well-known multicast addresses. Values only, no logic.
#pragma once

#include <cstdint>

#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::net {

// IPv4 protocol / IPv6 next-header numbers (IANA).
namespace ipproto {
inline constexpr uint8_t kHopByHop = 0;
inline constexpr uint8_t kIgmp = 2;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kRouting = 43;
inline constexpr uint8_t kFragment = 44;
inline constexpr uint8_t kIcmpv6 = 58;
inline constexpr uint8_t kNoNextHeader = 59;
inline constexpr uint8_t kDestOptions = 60;
inline constexpr uint8_t kPim = 103;
}  // namespace ipproto

// IGMP message types (RFC 1112, 2236, 3376, 4286).
namespace igmp_type {
inline constexpr uint8_t kQuery = 0x11;
inline constexpr uint8_t kV1Report = 0x12;
inline constexpr uint8_t kV2Report = 0x16;
inline constexpr uint8_t kV2Leave = 0x17;
inline constexpr uint8_t kV3Report = 0x22;
inline constexpr uint8_t kMrdAdvertisement = 0x30;
inline constexpr uint8_t kMrdSolicitation = 0x31;
inline constexpr uint8_t kMrdTermination = 0x32;
}  // namespace igmp_type

// ICMPv6 message types (RFC 2710, 3810, 4286; ND from RFC 4861 for reference).
namespace icmpv6_type {
inline constexpr uint8_t kMldQuery = 130;
inline constexpr uint8_t kMldV1Report = 131;
inline constexpr uint8_t kMldV1Done = 132;
inline constexpr uint8_t kRouterSolicitation = 133;
inline constexpr uint8_t kNeighborAdvertisement = 136;
inline constexpr uint8_t kMldV2Report = 143;
inline constexpr uint8_t kMrdAdvertisement = 151;
inline constexpr uint8_t kMrdSolicitation = 152;
inline constexpr uint8_t kMrdTermination = 153;
}  // namespace icmpv6_type

// Fixed sizes of the headers and messages we parse (bytes).
inline constexpr uint32_t kEthernetHeaderLen = 14;
inline constexpr uint32_t kVlanTagLen = 4;
inline constexpr uint32_t kEthernetMinFrameLen = 60;  // without FCS: shorter frames are padded
inline constexpr uint32_t kIpv4MinHeaderLen = 20;
inline constexpr uint32_t kIpv6HeaderLen = 40;
inline constexpr uint32_t kIgmpMinLen = 8;            // v1/v2 messages, v3 report header
inline constexpr uint32_t kIgmpV3QueryMinLen = 12;    // RFC 3376 7.1: v3 query is >= 12 bytes
inline constexpr uint32_t kIgmpV3RecordHeaderLen = 8;
inline constexpr uint32_t kMldV1Len = 24;
inline constexpr uint32_t kMldV2QueryMinLen = 28;     // RFC 3810 8.1
inline constexpr uint32_t kMldV2RecordHeaderLen = 20;
inline constexpr uint32_t kMrdAdvertisementLen = 8;   // RFC 4286 2.1 / 3.1
inline constexpr uint32_t kMrdShortLen = 4;           // solicitation and termination
inline constexpr uint32_t kPimHeaderLen = 4;

// Where the fields the data path reads in place sit in their headers (bytes from the header's
// start): Ethernet source address, IPv4 and IPv6 addresses, lengths and protocol fields.
inline constexpr uint32_t kEthernetSrcOffset = 6;
// After the two addresses: the EtherType, or the first tag's TPID (and its TCI after it).
inline constexpr uint32_t kEthernetTypeOffset = 12;
inline constexpr uint32_t kVlanTciOffset = kEthernetTypeOffset + 2;
inline constexpr uint32_t kIpv4SrcOffset = 12;
inline constexpr uint32_t kIpv4DstOffset = 16;
inline constexpr uint32_t kIpv6SrcOffset = 8;
inline constexpr uint32_t kIpv6DstOffset = 24;
inline constexpr uint32_t kIpv4TotalLengthOffset = 2;
inline constexpr uint32_t kIpv4FragmentOffset = 6;  // flags (MF) and fragment offset, 16 bits
inline constexpr uint32_t kIpv4TtlOffset = 8;
inline constexpr uint32_t kIpv4ProtocolOffset = 9;
inline constexpr uint32_t kIpv4ChecksumOffset = 10;
inline constexpr uint32_t kIpv6PayloadLengthOffset = 4;
inline constexpr uint32_t kIpv6NextHeaderOffset = 6;
inline constexpr uint32_t kIpv6HopLimitOffset = 7;

// Router Alert: IPv4 option (RFC 2113) and IPv6 hop-by-hop option (RFC 2711).
inline constexpr uint8_t kIpv4OptRouterAlert = 0x94;  // copied flag | class 0 | number 20
inline constexpr uint8_t kIpv4OptEnd = 0;
inline constexpr uint8_t kIpv4OptNop = 1;
inline constexpr uint8_t kIpv6OptPad1 = 0;
inline constexpr uint8_t kIpv6OptRouterAlert = 5;
inline constexpr uint16_t kIpv6RouterAlertMld = 0;    // RFC 2711 value 0: MLD message

// Well-known groups.
namespace addr {
inline constexpr IpAddr kAllSystems = IpAddr::v4(0xe0000001);       // 224.0.0.1
inline constexpr IpAddr kAllRouters = IpAddr::v4(0xe0000002);       // 224.0.0.2
inline constexpr IpAddr kPimRouters = IpAddr::v4(0xe000000d);       // 224.0.0.13
inline constexpr IpAddr kIgmpV3Routers = IpAddr::v4(0xe0000016);    // 224.0.0.22
inline constexpr IpAddr kAllSnoopers = IpAddr::v4(0xe000006a);      // 224.0.0.106 (RFC 4286)

inline constexpr IpAddr kAllNodes6 = IpAddr::v6_link_scope(0x0001);     // ff02::1
inline constexpr IpAddr kAllRouters6 = IpAddr::v6_link_scope(0x0002);   // ff02::2
inline constexpr IpAddr kPimRouters6 = IpAddr::v6_link_scope(0x000d);   // ff02::d
inline constexpr IpAddr kMldV2Routers = IpAddr::v6_link_scope(0x0016);  // ff02::16
inline constexpr IpAddr kAllSnoopers6 = IpAddr::v6_link_scope(0x006a);  // ff02::6a (RFC 4286)
}  // namespace addr

}  // namespace mcsnoop::net
